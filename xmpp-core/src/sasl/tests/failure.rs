//! `<failure/>` (RFC 6120 §6.5).

use crate::error::ErrorParseError;
use crate::sasl::{SaslCondition as Cond, SaslFailure};
use crate::test_util::{header, parse, parse_after, round_trip, write};

fn read(xml: &str) -> Result<SaslFailure, ErrorParseError> {
    SaslFailure::from_element(parse(xml).root())
}

#[test]
fn every_condition_round_trips() {
    assert_eq!(Cond::ALL.len(), 11);
    for &condition in Cond::ALL {
        let bare = SaslFailure::new(condition);
        assert_eq!(
            SaslFailure::from_element(round_trip(&bare.to_element()).root()),
            Ok(bare)
        );
        let full = SaslFailure {
            condition,
            text: Some("1 < 2 & 'x'".into()),
            text_lang: Some("en".into()),
        };
        assert_eq!(
            SaslFailure::from_element(round_trip(&full.to_element()).root()),
            Ok(full)
        );
    }
}

#[test]
fn section_6_5_examples() {
    // §6.5.1.
    assert_eq!(
        read("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>"),
        Ok(SaslFailure::new(Cond::Aborted))
    );
    // §6.5.2, with text whose language comes from xml:lang.
    let xml = "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><account-disabled/>\
               <text xml:lang='en'>Call 212-555-1212 for assistance.</text></failure>";
    assert_eq!(
        read(xml),
        Ok(SaslFailure {
            condition: Cond::AccountDisabled,
            text: Some("Call 212-555-1212 for assistance.".into()),
            text_lang: Some("en".into()),
        })
    );
    // Inherited language.
    let el = parse_after(
        &header("jabber:client", Some("fr")),
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>non</text></failure>",
    );
    assert_eq!(
        SaslFailure::from_element(el.root())
            .unwrap()
            .text_lang
            .as_deref(),
        Some("fr")
    );
    assert_eq!(
        write(
            &SaslFailure::new(Cond::NotAuthorized)
                .with_text("no")
                .to_element()
        ),
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>no</text></failure>"
    );
}

/// §6.5: an unknown condition "MUST" be treated as `<not-authorized/>`.
#[test]
fn unknown_or_missing_conditions_are_not_authorized() {
    for xml in [
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><bad-hair-day/></failure>",
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><x xmlns='urn:other'/></failure>",
    ] {
        assert_eq!(
            read(xml).map(|f| f.condition),
            Ok(Cond::NotAuthorized),
            "{xml}"
        );
    }
    // The first condition wins.
    let xml =
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/><not-authorized/></failure>";
    assert_eq!(read(xml).map(|f| f.condition), Ok(Cond::Aborted));
    assert!(matches!(
        read("<failure xmlns='urn:other'><aborted/></failure>"),
        Err(ErrorParseError::UnexpectedElement { .. })
    ));
}
