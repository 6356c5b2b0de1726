//! `<stream:error/>` (RFC 6120 §4.9).

use crate::error::{ErrorParseError, StreamError, StreamErrorCondition as Cond};
use crate::test_util::{header, parse, parse_after, round_trip, write};
use crate::xml::XmlElement;

const STREAMS: &str = "urn:ietf:params:xml:ns:xmpp-streams";

fn read(xml: &str) -> Result<StreamError, ErrorParseError> {
    StreamError::from_element(parse(xml).root())
}

/// Reads `xml` after a server's stream header, which in the RFC's examples has
/// `xml:lang='en'`.
fn read_en(xml: &str) -> Result<StreamError, ErrorParseError> {
    StreamError::from_element(parse_after(&header("jabber:client", Some("en")), xml).root())
}

fn app(name: &str) -> XmlElement {
    XmlElement::new("http://example.org/ns", name)
}

#[test]
fn every_condition_round_trips() {
    assert_eq!(Cond::ALL.len(), 25);
    for &condition in Cond::ALL {
        let bare = StreamError::new(condition);
        let back = StreamError::from_element(round_trip(&bare.to_element()).root());
        assert_eq!(back, Ok(bare), "{condition}");

        let full = StreamError {
            condition,
            see_other_host: (condition == Cond::SeeOtherHost).then(|| "[2001:db8::4]:5222".into()),
            text: Some("1 < 2 & 'quotes' \u{159}".into()),
            text_lang: Some("cs".into()),
            application: Some(Box::new(app("app-error").with_attr("detail", "<&>"))),
        };
        let back = StreamError::from_element(round_trip(&full.to_element()).root());
        assert_eq!(back, Ok(full), "{condition}");
    }
}

#[test]
fn serialises_as_section_4_9_2_shows() {
    let e = StreamError::new(Cond::BadFormat);
    assert_eq!(
        write(&e.to_element()),
        "<stream:error><bad-format xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
    );
    let e = StreamError::new(Cond::NotWellFormed)
        .with_text("Some special application diagnostic information!")
        .with_application(app("escape-your-data"));
    let e = StreamError {
        text_lang: Some("en".into()),
        ..e
    };
    assert_eq!(
        write(&e.to_element()),
        "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
         <text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>\
         Some special application diagnostic information!</text>\
         <escape-your-data xmlns='http://example.org/ns'/></stream:error>"
    );
    assert_eq!(
        write(&StreamError::see_other_host("[2001:db8::4]:5222").to_element()),
        "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>\
         [2001:db8::4]:5222</see-other-host></stream:error>"
    );
}

#[test]
fn address_is_written_only_for_see_other_host() {
    let e = StreamError {
        see_other_host: Some("elsewhere.example".into()),
        ..StreamError::new(Cond::HostGone)
    };
    let xml = write(&e.to_element());
    assert!(!xml.contains("elsewhere"), "{xml}");
}

#[test]
fn rfc_4_9_3_1_bad_format() {
    let e = read_en(
        "<stream:error>
        <bad-format
            xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>
      </stream:error>",
    );
    assert_eq!(e, Ok(StreamError::new(Cond::BadFormat)));
}

#[test]
fn rfc_4_9_3_14_policy_violation_with_application_condition() {
    let e = read_en(
        "<stream:error>
        <policy-violation
            xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>
        <stanza-too-big xmlns='urn:xmpp:errors'/>
      </stream:error>",
    )
    .unwrap();
    assert_eq!(e.condition, Cond::PolicyViolation);
    assert_eq!(
        e.application.as_deref(),
        Some(&XmlElement::new("urn:xmpp:errors", "stanza-too-big"))
    );
    assert_eq!((e.text, e.see_other_host), (None, None));
}

#[test]
fn rfc_4_9_3_19_see_other_host() {
    let e = read_en(
        "<stream:error>
        <see-other-host
            xmlns='urn:ietf:params:xml:ns:xmpp-streams'>
          [2001:41D0:1:A49b::1]:9222
        </see-other-host>
      </stream:error>",
    );
    assert_eq!(
        e,
        Ok(StreamError::see_other_host("[2001:41D0:1:A49b::1]:9222"))
    );

    let e = read(&format!(
        "<stream:error><see-other-host xmlns='{STREAMS}'>[2001:db8::4]:5222</see-other-host>\
         </stream:error>"
    ));
    assert_eq!(
        e.unwrap().see_other_host.as_deref(),
        Some("[2001:db8::4]:5222")
    );
}

#[test]
fn see_other_host_without_address_has_none() {
    let e = read(&format!(
        "<stream:error><see-other-host xmlns='{STREAMS}'> </see-other-host></stream:error>"
    ));
    assert_eq!(e, Ok(StreamError::new(Cond::SeeOtherHost)));
}

#[test]
fn rfc_4_9_3_21_undefined_condition() {
    let e = read_en(
        "<stream:error>
        <undefined-condition
            xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>
        <app-error xmlns='http://example.org/ns'/>
      </stream:error>",
    );
    assert_eq!(
        e,
        Ok(StreamError::new(Cond::UndefinedCondition).with_application(app("app-error")))
    );
}

#[test]
fn rfc_4_9_4_text_with_lang_and_application_condition() {
    let e = read_en(
        "<stream:error>
        <not-well-formed
            xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>
        <text xml:lang='en' xmlns='urn:ietf:params:xml:ns:xmpp-streams'>
          Some special application diagnostic information!
        </text>
        <escape-your-data xmlns='http://example.org/ns'/>
      </stream:error>",
    )
    .unwrap();
    assert_eq!(e.condition, Cond::NotWellFormed);
    // The text is kept verbatim, whitespace included.
    assert_eq!(
        e.text.as_deref().map(str::trim),
        Some("Some special application diagnostic information!")
    );
    assert!(e.text.as_deref().unwrap().starts_with('\n'));
    assert_eq!(e.text_lang.as_deref(), Some("en"));
    assert_eq!(e.application.as_deref(), Some(&app("escape-your-data")));
}

#[test]
fn text_lang_is_inherited_from_the_stream() {
    let xml = format!(
        "<stream:error><reset xmlns='{STREAMS}'/><text xmlns='{STREAMS}'>bye</text>\
         </stream:error>"
    );
    assert_eq!(read_en(&xml).unwrap().text_lang.as_deref(), Some("en"));
    assert_eq!(read(&xml).unwrap().text_lang, None);
}

#[test]
fn unknown_condition_is_undefined_condition() {
    // §4.9.2: an unknown condition MUST be treated as <undefined-condition/>. RFC 3920's
    // <xml-not-well-formed/> (§4.9.3.13, Interoperability Note) is one.
    let e = read(&format!(
        "<stream:error><xml-not-well-formed xmlns='{STREAMS}'/></stream:error>"
    ));
    assert_eq!(e, Ok(StreamError::new(Cond::UndefinedCondition)));
}

#[test]
fn malformed_stream_errors_are_reported() {
    assert_eq!(
        read("<stream:error/>"),
        Err(ErrorParseError::MissingCondition)
    );
    assert_eq!(
        read(&format!(
            "<stream:error><text xmlns='{STREAMS}'>t</text></stream:error>"
        )),
        Err(ErrorParseError::MissingCondition)
    );
    // The condition must be in the streams namespace, not the content namespace.
    assert_eq!(
        read("<stream:error><bad-format/></stream:error>"),
        Err(ErrorParseError::MissingCondition)
    );
    assert_eq!(
        read(&format!(
            "<stream:error><bad-format xmlns='{STREAMS}'/><reset xmlns='{STREAMS}'/>\
             </stream:error>"
        )),
        Err(ErrorParseError::MultipleConditions)
    );
    assert_eq!(
        read(&format!("<error><bad-format xmlns='{STREAMS}'/></error>")),
        Err(ErrorParseError::UnexpectedElement {
            ns: "jabber:client".into(),
            name: "error".into()
        })
    );
    assert!(matches!(
        read("<stream:features/>"),
        Err(ErrorParseError::UnexpectedElement { .. })
    ));
}

#[test]
fn display_names_condition_host_and_text() {
    assert_eq!(
        StreamError::see_other_host("[2001:db8::4]:5222").to_string(),
        "stream error <see-other-host/> ([2001:db8::4]:5222)"
    );
    assert_eq!(
        StreamError::new(Cond::Conflict)
            .with_text("replaced")
            .to_string(),
        "stream error <conflict/>: replaced"
    );
}

#[test]
fn stream_error_stays_small() {
    // Under clippy's `result_large_err` threshold (128 bytes), so reader and connection
    // functions can return `Result<_, StreamError>` directly.
    assert!(std::mem::size_of::<StreamError>() <= 128);
}
