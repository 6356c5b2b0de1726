//! `<iq/>` (RFC 6120 §8.2.3; RFC 6121 §2.1 roster examples).

use crate::error::{ErrorType, StanzaError, StanzaErrorCondition};
use crate::stanza::{Iq, IqBuilder, IqError, IqType};
use crate::test_util::{header, parse, parse_after, round_trip, round_trip_in};
use crate::xml::{Element, XmlElement};

const ROSTER: &str = "jabber:iq:roster";

fn view(el: &Element) -> Iq<'_> {
    Iq::from_element(el.root()).expect("an iq")
}

#[test]
fn rfc6121_2_1_3_roster_get() {
    let el = parse(
        "<iq from='juliet@example.com/balcony'
          id='bv1bs71f'
          type='get'>
       <query xmlns='jabber:iq:roster'/>
     </iq>",
    );
    let iq = view(&el);
    assert_eq!(iq.type_(), Some(IqType::Get));
    assert_eq!(iq.id().as_deref(), Some("bv1bs71f"));
    assert_eq!(iq.from().as_deref(), Some("juliet@example.com/balcony"));
    assert_eq!(iq.validate(), Ok(()));
    let query = iq.payload().unwrap();
    assert!(query.is("query", ROSTER));
    assert!(iq.error().is_none());
}

#[test]
fn rfc6121_2_1_4_roster_results() {
    let el = parse(
        "<iq id='bv1bs71f'
          to='juliet@example.com/chamber'
          type='result'>
       <query xmlns='jabber:iq:roster' ver='ver7'>
         <item jid='nurse@example.com'/>
         <item jid='romeo@example.net'/>
       </query>
     </iq>",
    );
    let iq = view(&el);
    assert_eq!(iq.type_(), Some(IqType::Result));
    assert_eq!(iq.validate(), Ok(()));
    let query = iq.payload().unwrap();
    assert_eq!(query.attr("ver").as_deref(), Some("ver7"));
    let jids: Vec<_> = query
        .elements()
        .filter_map(|i| i.attr("jid").map(|j| j.into_owned()))
        .collect();
    assert_eq!(jids, ["nurse@example.com", "romeo@example.net"]);

    // §2.1.6: an empty result acknowledging a roster push.
    let el = parse("<iq from='juliet@example.com/balcony' id='a78b4q6ha463' type='result'/>");
    let iq = view(&el);
    assert_eq!(iq.validate(), Ok(()));
    assert!(iq.payload().is_none());

    // §2.1.4: the roster does not exist.
    let el = parse(
        "<iq id='bv1bs71f'
          to='juliet@example.com/chamber'
          type='error'>
       <error type='cancel'>
         <item-not-found
             xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
       </error>
     </iq>",
    );
    let iq = view(&el);
    assert_eq!(iq.type_(), Some(IqType::Error));
    assert_eq!(iq.validate(), Ok(()));
    assert!(iq.payload().is_none());
    assert_eq!(
        iq.error(),
        Some(Ok(StanzaError::new(
            ErrorType::Cancel,
            StanzaErrorCondition::ItemNotFound
        )))
    );
}

#[test]
fn error_iq_may_carry_the_request_payload() {
    // RFC 6120 §8.2.3 rule 7, §8.3.1 rule 6.
    let el = parse(
        "<iq id='1' type='error'><query xmlns='jabber:iq:roster'/>\
         <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></iq>",
    );
    let iq = view(&el);
    assert_eq!(iq.validate(), Ok(()));
    assert!(iq.payload().unwrap().is("query", ROSTER));
    assert_eq!(iq.payloads().count(), 1);
}

#[test]
fn rfc6120_8_2_3_violations_are_flagged() {
    let two = "<query xmlns='jabber:iq:roster'/><ping xmlns='urn:xmpp:ping'/>";
    let cases = [
        (
            "<iq id='1' type='get'/>".to_owned(),
            IqError::PayloadCount {
                type_: IqType::Get,
                count: 0,
            },
        ),
        (
            "<iq id='1' type='set'>  </iq>".to_owned(),
            IqError::PayloadCount {
                type_: IqType::Set,
                count: 0,
            },
        ),
        (
            format!("<iq id='1' type='get'>{two}</iq>"),
            IqError::PayloadCount {
                type_: IqType::Get,
                count: 2,
            },
        ),
        (
            format!("<iq id='1' type='set'>{two}</iq>"),
            IqError::PayloadCount {
                type_: IqType::Set,
                count: 2,
            },
        ),
        (
            format!("<iq id='1' type='result'>{two}</iq>"),
            IqError::PayloadCount {
                type_: IqType::Result,
                count: 2,
            },
        ),
        (
            "<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>".to_owned(),
            IqError::MissingId,
        ),
        (
            "<iq id='1'><ping xmlns='urn:xmpp:ping'/></iq>".to_owned(),
            IqError::MissingType,
        ),
        // RFC 6120 §8.3.3.1's example.
        (
            "<iq from='juliet@im.example.com/balcony' id='zj3v142b' to='im.example.com' \
             type='subscribe'><ping xmlns='urn:xmpp:ping'/></iq>"
                .to_owned(),
            IqError::InvalidType("subscribe".into()),
        ),
        (
            "<iq id='1' type='error'><ping xmlns='urn:xmpp:ping'/></iq>".to_owned(),
            IqError::MissingErrorChild,
        ),
        (
            "<iq id='1' type='get'><ping xmlns='urn:xmpp:ping'/><error type='cancel'/></iq>"
                .to_owned(),
            IqError::UnexpectedErrorChild,
        ),
    ];
    for (xml, expected) in cases {
        let el = parse(&xml);
        assert_eq!(view(&el).validate(), Err(expected), "{xml}");
    }
    // payload() is None unless there is exactly one.
    let el = parse(&format!("<iq id='1' type='get'>{two}</iq>"));
    assert!(view(&el).payload().is_none());
    assert_eq!(view(&el).payloads().count(), 2);
    let el = parse("<iq id='1' type='subscribe'/>");
    assert_eq!(view(&el).type_(), None);
    assert_eq!(
        IqError::PayloadCount {
            type_: IqType::Get,
            count: 2
        }
        .to_string(),
        "iq of type 'get' with 2 payload elements"
    );
}

#[test]
fn builder_round_trips_every_type() {
    let query = XmlElement::new(ROSTER, "query").with_child(
        XmlElement::new(ROSTER, "item")
            .with_attr("jid", "nurse@example.com")
            .with_attr("name", "Nurse"),
    );
    for &t in IqType::ALL {
        let mut b = Iq::builder(t, "bv1bs71f")
            .with_from("juliet@example.com/balcony")
            .with_to("example.com")
            .with_lang("en");
        b = match t {
            IqType::Error => b
                .with_payload(query.clone())
                .with_error(StanzaErrorCondition::ItemNotFound.into()),
            _ => b.with_payload(query.clone()),
        };
        let built = b.build();
        let el = round_trip(&built);
        let iq = view(&el);
        assert_eq!(iq.type_(), Some(t));
        assert_eq!(iq.id().as_deref(), Some("bv1bs71f"));
        assert_eq!(iq.from().as_deref(), Some("juliet@example.com/balcony"));
        assert_eq!(iq.to().as_deref(), Some("example.com"));
        assert_eq!(iq.lang(), Some("en"));
        assert_eq!(iq.validate(), Ok(()), "{t}");
        assert_eq!(iq.payload().map(|p| p.to_owned()), Some(query.clone()));
        if t == IqType::Error {
            let e = iq.error().unwrap().unwrap();
            assert_eq!(
                (e.error_type, e.condition),
                (ErrorType::Cancel, StanzaErrorCondition::ItemNotFound)
            );
        }
        assert_eq!(el.root().to_owned(), built);
    }
    let built = IqBuilder::new(IqType::Result, "x").build();
    assert_eq!(
        built,
        XmlElement::new("jabber:client", "iq")
            .with_attr("id", "x")
            .with_attr("type", "result")
    );
}

#[test]
fn replies_swap_addresses_and_keep_id_and_namespace() {
    let el = parse_after(
        &header("jabber:server", None),
        "<iq from='romeo@example.net/foo' id='kj4vz31m' to='pubsub.example.com' type='get'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='my_musings'/></pubsub>\
         </iq>",
    );
    let iq = view(&el);
    let reply = iq.result_reply().build();
    let back = round_trip_in("jabber:server", &reply);
    let r = view(&back);
    assert!(r.element().is("iq", "jabber:server"));
    assert_eq!(r.type_(), Some(IqType::Result));
    assert_eq!(r.id().as_deref(), Some("kj4vz31m"));
    assert_eq!(r.from().as_deref(), Some("pubsub.example.com"));
    assert_eq!(r.to().as_deref(), Some("romeo@example.net/foo"));
    assert_eq!(r.validate(), Ok(()));

    // RFC 6120 §8.3.3.18's response.
    let error = StanzaError::from(StanzaErrorCondition::ResourceConstraint);
    let reply = iq.error_reply(error.clone()).build();
    let back = round_trip_in("jabber:server", &reply);
    let r = view(&back);
    assert_eq!(r.type_(), Some(IqType::Error));
    assert_eq!(r.id().as_deref(), Some("kj4vz31m"));
    assert_eq!(r.to().as_deref(), Some("romeo@example.net/foo"));
    assert_eq!(r.error(), Some(Ok(error)));
    assert_eq!(r.error().unwrap().unwrap().error_type, ErrorType::Wait);

    // No id in the request: an empty one in the response (§8.2.3 rule 3).
    let el = parse("<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
    let reply = view(&el).result_reply().build();
    assert_eq!(reply.attr("id"), Some(""));
    assert_eq!((reply.attr("from"), reply.attr("to")), (None, None));
}
