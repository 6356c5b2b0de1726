//! [`Stanza`]: recognising the three kinds (RFC 6120 §8) and the common attributes (§8.1).

use crate::stanza::{IqType, MessageType, PresenceType, Stanza};
use crate::test_util::{header, parse, parse_after};

#[test]
fn recognises_the_three_kinds_in_every_content_namespace() {
    for ns in ["jabber:client", "jabber:server", "jabber:component:accept"] {
        let h = header(ns, None);
        let el = parse_after(&h, "<message type='chat'/>");
        let Some(Stanza::Message(m)) = Stanza::from_element(el.root()) else {
            panic!("message in {ns}")
        };
        assert_eq!(m.type_(), MessageType::Chat);
        let el = parse_after(&h, "<presence type='probe'/>");
        let Some(Stanza::Presence(p)) = Stanza::from_element(el.root()) else {
            panic!("presence in {ns}")
        };
        assert_eq!(p.type_(), Some(PresenceType::Probe));
        let el = parse_after(
            &h,
            "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>",
        );
        let Some(Stanza::Iq(i)) = Stanza::from_element(el.root()) else {
            panic!("iq in {ns}")
        };
        assert_eq!(i.type_(), Some(IqType::Get));
    }
}

#[test]
fn rejects_nonzas_and_foreign_namespaces() {
    for xml in [
        "<stream:features/>",
        "<stream:error/>",
        "<message xmlns='urn:example'/>",
        "<iq xmlns='http://etherx.jabber.org/streams' type='get' id='1'/>",
        "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
        "<pubsub/>",
    ] {
        assert!(Stanza::from_element(parse(xml).root()).is_none(), "{xml}");
    }
}

#[test]
fn common_attributes_rfc6120_8_1() {
    // §8.1.2 example, with an id and a language added.
    let el = parse(
        "<message from='juliet@im.example.com/balcony'
            to='romeo@example.net' id='a&amp;b' xml:lang='en'>
     <body>Art thou not Romeo, and a Montague?</body>
   </message>",
    );
    let s = Stanza::from_element(el.root()).unwrap();
    assert_eq!(s.from().as_deref(), Some("juliet@im.example.com/balcony"));
    assert_eq!(s.to().as_deref(), Some("romeo@example.net"));
    assert_eq!(s.id().as_deref(), Some("a&b"));
    assert_eq!(s.lang(), Some("en"));
    assert!(s.element().is("message", "jabber:client"));
    assert!(s.error().is_none());

    // §8.1.5: without its own xml:lang a stanza has the stream's.
    let el = parse_after(&header("jabber:client", Some("en")), "<presence/>");
    let s = Stanza::from_element(el.root()).unwrap();
    assert_eq!(s.lang(), Some("en"));
    assert_eq!((s.from(), s.to(), s.id()), (None, None, None));
}

#[test]
fn error_through_the_enum() {
    let el = parse(
        "<presence from='characters@muc.example.com/JulieC' id='y2bs71v4'
          to='juliet@im.example.com/balcony' type='error'>
        <error type='auth'>
          <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
        </error>
      </presence>",
    );
    let s = Stanza::from_element(el.root()).unwrap();
    let e = s.error().unwrap().unwrap();
    assert_eq!(e.condition, crate::error::StanzaErrorCondition::Forbidden);
}
