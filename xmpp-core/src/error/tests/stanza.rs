//! Stanza `<error/>` (RFC 6120 §8.3).

use crate::error::{ErrorParseError, ErrorType, StanzaError, StanzaErrorCondition as Cond};
use crate::test_util::{header, parse, parse_after, round_trip, round_trip_in, write};
use crate::xml::{Element, XmlElement};

const STANZAS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";

/// The `<error/>` child of the stanza `xml`.
fn read_child(stanza: &Element) -> Result<StanzaError, ErrorParseError> {
    let root = stanza.root();
    let error = root.element("error", root.ns()).expect("an <error/> child");
    StanzaError::from_element(error)
}

/// The `<error/>` child of the stanza `xml` (on a `jabber:client` stream).
fn read(xml: &str) -> Result<StanzaError, ErrorParseError> {
    read_child(&parse(xml))
}

fn app(ns: &str, name: &str) -> XmlElement {
    XmlElement::new(ns, name)
}

#[test]
fn every_condition_and_type_round_trips() {
    assert_eq!((Cond::ALL.len(), ErrorType::ALL.len()), (22, 5));
    for &condition in Cond::ALL {
        for &error_type in ErrorType::ALL {
            let bare = StanzaError::new(error_type, condition);
            let el = round_trip(&bare.to_element("jabber:client"));
            assert_eq!(StanzaError::from_element(el.root()), Ok(bare));
        }
        let addressed = matches!(condition, Cond::Gone | Cond::Redirect);
        let full = StanzaError {
            error_type: condition.default_type(),
            condition,
            by: Some("example.net".into()),
            uri: addressed.then(|| "xmpp:romeo@afterlife.example.net?a=1&b=2".into()),
            text: Some("1 < 2 & 'quotes'".into()),
            text_lang: Some("en".into()),
            application: Some(app("http://example.org/ns", "too-many-bytes").with_attr("max", "9")),
        };
        for content_ns in ["jabber:client", "jabber:server", "jabber:component:accept"] {
            let el = round_trip_in(content_ns, &full.to_element(content_ns));
            assert_eq!(StanzaError::from_element(el.root()), Ok(full.clone()));
        }
    }
}

#[test]
fn default_types_follow_section_8_3_3() {
    use ErrorType::*;
    let expected = [
        (Cond::BadRequest, Modify),            // §8.3.3.1
        (Cond::Conflict, Cancel),              // §8.3.3.2
        (Cond::FeatureNotImplemented, Cancel), // §8.3.3.3 (cancel or modify)
        (Cond::Forbidden, Auth),               // §8.3.3.4
        (Cond::Gone, Cancel),                  // §8.3.3.5
        (Cond::InternalServerError, Cancel),   // §8.3.3.6
        (Cond::ItemNotFound, Cancel),          // §8.3.3.7
        (Cond::JidMalformed, Modify),          // §8.3.3.8
        (Cond::NotAcceptable, Modify),         // §8.3.3.9
        (Cond::NotAllowed, Cancel),            // §8.3.3.10
        (Cond::NotAuthorized, Auth),           // §8.3.3.11
        (Cond::PolicyViolation, Modify),       // §8.3.3.12 (modify or wait)
        (Cond::RecipientUnavailable, Wait),    // §8.3.3.13
        (Cond::Redirect, Modify),              // §8.3.3.14
        (Cond::RegistrationRequired, Auth),    // §8.3.3.15
        (Cond::RemoteServerNotFound, Cancel),  // §8.3.3.16
        (Cond::RemoteServerTimeout, Wait),     // §8.3.3.17
        (Cond::ResourceConstraint, Wait),      // §8.3.3.18
        (Cond::ServiceUnavailable, Cancel),    // §8.3.3.19
        (Cond::SubscriptionRequired, Auth),    // §8.3.3.20
        (Cond::UndefinedCondition, Modify),    // §8.3.3.21 (any; the example's)
        (Cond::UnexpectedRequest, Modify),     // §8.3.3.22 (wait or modify)
    ];
    assert_eq!(expected.len(), Cond::ALL.len());
    for (condition, error_type) in expected {
        assert_eq!(condition.default_type(), error_type, "{condition}");
        assert_eq!(StanzaError::from(condition).error_type, error_type);
    }
}

#[test]
fn serialises_as_section_8_3_2_shows() {
    let e = StanzaError::new(ErrorType::Cancel, Cond::Gone)
        .with_by("example.net")
        .with_uri("xmpp:romeo@afterlife.example.net")
        .with_text("moved")
        .with_text_lang("en");
    assert_eq!(
        write(&e.to_element("jabber:client")),
        "<error by='example.net' type='cancel'>\
         <gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:romeo@afterlife.example.net</gone>\
         <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>moved</text></error>"
    );
    // The address is written only for gone and redirect.
    let e = StanzaError::new(ErrorType::Cancel, Cond::ItemNotFound).with_uri("xmpp:x@y");
    assert_eq!(
        write(&e.to_element("jabber:client")),
        "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error>"
    );
}

#[test]
fn rfc_8_3_3_1_bad_request() {
    let e = read(
        "<iq from='im.example.com'
          id='zj3v142b'
          to='juliet@im.example.com/balcony'
          type='error'>
        <error type='modify'>
          <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
        </error>
      </iq>",
    );
    assert_eq!(e, Ok(StanzaError::new(ErrorType::Modify, Cond::BadRequest)));
}

#[test]
fn rfc_8_3_3_3_feature_not_implemented_with_application_condition() {
    let e = read(
        "<iq from='pubsub.example.com'
          id='9u2bax16'
          to='juliet@im.example.com/balcony'
          type='error'>
        <error type='cancel'>
          <feature-not-implemented
              xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
          <unsupported
              xmlns='http://jabber.org/protocol/pubsub#errors'
              feature='retrieve-subscriptions'/>
        </error>
      </iq>",
    );
    let expected = StanzaError::new(ErrorType::Cancel, Cond::FeatureNotImplemented)
        .with_application(
            app("http://jabber.org/protocol/pubsub#errors", "unsupported")
                .with_attr("feature", "retrieve-subscriptions"),
        );
    assert_eq!(e, Ok(expected));
}

#[test]
fn rfc_8_3_3_5_gone_with_by_and_new_address() {
    let e = read(
        "<message
          from='romeo@example.net'
          id='sj2b371v'
          to='juliet@im.example.com/churchyard'
          type='error'>
        <error by='example.net'
               type='cancel'>
          <gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>
            xmpp:romeo@afterlife.example.net
          </gone>
        </error>
      </message>",
    );
    let expected = StanzaError::new(ErrorType::Cancel, Cond::Gone)
        .with_by("example.net")
        .with_uri("xmpp:romeo@afterlife.example.net");
    assert_eq!(e, Ok(expected));
}

#[test]
fn rfc_8_3_3_8_jid_malformed_by() {
    let e = read(
        "<presence
          from='ch@r@cters@muc.example.com/JulieC'
          id='y2bs71v4'
          to='juliet@im.example.com/balcony'
          type='error'>
        <error by='muc.example.com'
               type='modify'>
          <jid-malformed
              xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
        </error>
      </presence>",
    );
    assert_eq!(
        e,
        Ok(StanzaError::new(ErrorType::Modify, Cond::JidMalformed).with_by("muc.example.com"))
    );
}

#[test]
fn rfc_8_3_3_14_redirect() {
    let e = read(
        "<presence
          from='characters@muc.example.com/JulieC'
          id='y2bs71v4'
          to='juliet@im.example.com/balcony'
          type='error'>
        <error type='modify'>
          <redirect xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>
            xmpp:characters@conference.example.org
          </redirect>
        </error>
      </presence>",
    );
    let expected = StanzaError::new(ErrorType::Modify, Cond::Redirect)
        .with_uri("xmpp:characters@conference.example.org");
    assert_eq!(e, Ok(expected));
}

#[test]
fn gone_without_address_has_none() {
    let e = read(&format!(
        "<message type='error'><error type='cancel'><gone xmlns='{STANZAS}'/></error></message>"
    ));
    assert_eq!(e, Ok(StanzaError::new(ErrorType::Cancel, Cond::Gone)));
}

#[test]
fn rfc_8_3_3_21_undefined_condition_with_nested_application_condition() {
    let e = read(
        "<message from='example.org'
               id='amp1'
               to='northumberland@example.net/field'
               type='error'>
        <amp xmlns='http://jabber.org/protocol/amp'
             from='kingrichard@example.org'
             status='error'
             to='northumberland@example.net/field'>
          <rule action='error'
                condition='deliver'
                value='stored'/>
        </amp>
        <error type='modify'>
          <undefined-condition
              xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
          <failed-rules xmlns='http://jabber.org/protocol/amp#errors'>
            <rule action='error'
                  condition='deliver'
                  value='stored'/>
          </failed-rules>
        </error>
      </message>",
    )
    .unwrap();
    assert_eq!(
        (e.error_type, e.condition),
        (ErrorType::Modify, Cond::UndefinedCondition)
    );
    let failed = e.application.expect("application condition");
    assert!(failed.is("failed-rules", "http://jabber.org/protocol/amp#errors"));
    let rule = failed
        .element("rule", "http://jabber.org/protocol/amp#errors")
        .expect("nested rule");
    assert_eq!(rule.attr("value"), Some("stored"));
}

#[test]
fn rfc_8_3_4_application_specific_conditions() {
    let e = read(
        "<iq id='ixc3v1b9' type='error'>
     <error type='modify'>
       <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
       <too-many-parameters xmlns='http://example.org/ns'/>
     </error>
   </iq>",
    );
    let expected = StanzaError::new(ErrorType::Modify, Cond::BadRequest)
        .with_application(app("http://example.org/ns", "too-many-parameters"));
    assert_eq!(e, Ok(expected));

    let e = read(
        "<message type='error' id='7h3baci9'>
     <error type='modify'>
       <undefined-condition
             xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
       <text xml:lang='en'
             xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>
         [ ... application-specific information ... ]
       </text>
       <too-many-parameters xmlns='http://example.org/ns'/>
     </error>
   </message>",
    )
    .unwrap();
    assert_eq!(e.condition, Cond::UndefinedCondition);
    assert_eq!(
        e.text.as_deref().map(str::trim),
        Some("[ ... application-specific information ... ]")
    );
    assert_eq!(e.text_lang.as_deref(), Some("en"));
    assert_eq!(
        e.application,
        Some(app("http://example.org/ns", "too-many-parameters"))
    );

    let e = read(&format!(
        "<iq type='error' id='x'><error type='modify'><not-acceptable xmlns='{STANZAS}'/>\
         <too-many-bytes xmlns='http://example.org/ns'/></error></iq>"
    ));
    let expected = StanzaError::new(ErrorType::Modify, Cond::NotAcceptable)
        .with_application(app("http://example.org/ns", "too-many-bytes"));
    assert_eq!(e, Ok(expected));
}

#[test]
fn text_lang_is_inherited_from_the_stanza_and_the_stream() {
    let xml = format!(
        "<message type='error' xml:lang='cs'><error type='cancel'>\
         <not-allowed xmlns='{STANZAS}'/><text xmlns='{STANZAS}'>ne</text></error></message>"
    );
    assert_eq!(read(&xml).unwrap().text_lang.as_deref(), Some("cs"));
    let xml = format!(
        "<message type='error'><error type='cancel'>\
         <not-allowed xmlns='{STANZAS}'/><text xmlns='{STANZAS}'>no</text></error></message>"
    );
    let el = parse_after(&header("jabber:client", Some("en")), &xml);
    assert_eq!(read_child(&el).unwrap().text_lang.as_deref(), Some("en"));
}

#[test]
fn unknown_condition_is_undefined_condition_and_legacy_code_is_ignored() {
    // §8.3.2: an unknown condition MUST be treated as <undefined-condition/>.
    let e = read(&format!(
        "<iq type='error' id='1'><error type='wait' code='500'>\
         <temporarily-out-of-cheese xmlns='{STANZAS}'/></error></iq>"
    ));
    assert_eq!(
        e,
        Ok(StanzaError::new(ErrorType::Wait, Cond::UndefinedCondition))
    );
}

#[test]
fn malformed_stanza_errors_are_reported() {
    let cond = format!("<bad-request xmlns='{STANZAS}'/>");
    assert_eq!(
        read(&format!(
            "<iq type='error' id='1'><error>{cond}</error></iq>"
        )),
        Err(ErrorParseError::MissingType)
    );
    assert_eq!(
        read(&format!(
            "<iq type='error' id='1'><error type='fatal'>{cond}</error></iq>"
        )),
        Err(ErrorParseError::InvalidType("fatal".into()))
    );
    assert_eq!(
        read("<iq type='error' id='1'><error type='cancel'/></iq>"),
        Err(ErrorParseError::MissingCondition)
    );
    // A condition in the content namespace is not a defined condition.
    assert_eq!(
        read("<iq type='error' id='1'><error type='cancel'><bad-request/></error></iq>"),
        Err(ErrorParseError::MissingCondition)
    );
    assert_eq!(
        read(&format!(
            "<iq type='error' id='1'><error type='cancel'>{cond}<conflict xmlns='{STANZAS}'/>\
             </error></iq>"
        )),
        Err(ErrorParseError::MultipleConditions)
    );
    let other = parse(&format!(
        "<iq type='error' id='1'><error xmlns='urn:example' type='cancel'>{cond}</error></iq>"
    ));
    let child = other.root().elements().next().unwrap();
    assert_eq!(
        StanzaError::from_element(child),
        Err(ErrorParseError::UnexpectedElement {
            ns: "urn:example".into(),
            name: "error".into()
        })
    );
    assert!(matches!(
        StanzaError::from_element(other.root()),
        Err(ErrorParseError::UnexpectedElement { .. })
    ));
}

#[test]
fn display_names_condition_type_and_details() {
    let e = StanzaError::new(ErrorType::Cancel, Cond::Gone)
        .with_by("example.net")
        .with_uri("xmpp:romeo@afterlife.example.net")
        .with_text("moved");
    assert_eq!(
        e.to_string(),
        "stanza error <gone/> (type cancel) by example.net \
         (xmpp:romeo@afterlife.example.net): moved"
    );
    assert_eq!(
        ErrorParseError::InvalidType("fatal".into()).to_string(),
        "invalid stanza error type 'fatal'"
    );
}
