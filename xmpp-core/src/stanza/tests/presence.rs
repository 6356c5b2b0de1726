//! `<presence/>` (RFC 6121 §3, §4).

use crate::error::{ErrorType, StanzaError, StanzaErrorCondition};
use crate::stanza::{Presence, PresenceBuilder, PresenceType, Show};
use crate::test_util::{parse, round_trip};
use crate::xml::{Element, XmlElement};

fn view(el: &Element) -> Presence<'_> {
    Presence::from_element(el.root()).expect("a presence")
}

#[test]
fn rfc6121_4_7_2_show_status_priority() {
    let el = parse(
        "<presence xml:lang='en'>
     <show>dnd</show>
     <status>Wooing Juliet</status>
     <status xml:lang='cs'>Dvo&#x0159;&#x00ED;m se Julii</status>
     <priority>1</priority>
   </presence>",
    );
    let p = view(&el);
    assert_eq!(p.type_(), Some(PresenceType::Available));
    assert_eq!(p.show(), Some(Show::Dnd));
    assert_eq!(p.status().as_deref(), Some("Wooing Juliet"));
    let statuses: Vec<_> = p.statuses().map(|(l, t)| (l, t.into_owned())).collect();
    assert_eq!(
        statuses,
        [
            (Some("en"), "Wooing Juliet".to_owned()),
            (Some("cs"), "Dvo\u{159}\u{ed}m se Julii".to_owned()),
        ]
    );
    assert_eq!(p.priority(), 1);
    assert_eq!(p.lang(), Some("en"));
}

#[test]
fn rfc6121_4_7_2_2_unavailable_and_subscribe_with_status() {
    let el = parse(
        "<presence from='romeo@example.net/orchard'
             id='oy6sb241'
             type='unavailable'
             xml:lang='en'>
     <status>Busy IRL</status>
   </presence>",
    );
    let p = view(&el);
    assert_eq!(p.type_(), Some(PresenceType::Unavailable));
    assert_eq!(p.status().as_deref(), Some("Busy IRL"));
    assert_eq!((p.show(), p.priority()), (None, 0));

    let el = parse(
        "<presence from='romeo@example.net'
             id='uc51xs63'
             to='nurse@example.com'
             type='subscribe'>
     <status>Hi, Juliet told me to add you to my buddy list.</status>
   </presence>",
    );
    let p = view(&el);
    assert_eq!(p.type_(), Some(PresenceType::Subscribe));
    assert_eq!(p.to().as_deref(), Some("nurse@example.com"));
    assert_eq!(
        p.status().as_deref(),
        Some("Hi, Juliet told me to add you to my buddy list.")
    );
}

#[test]
fn rfc6121_4_7_1_types() {
    for &t in PresenceType::ALL {
        let xml = match t.attr_value() {
            Some(v) => format!("<presence type='{v}'/>"),
            None => "<presence/>".to_owned(),
        };
        assert_eq!(view(&parse(&xml)).type_(), Some(t), "{t}");
    }
    // "There is no value of 'available'"; unknown values are reported as None.
    for bad in ["available", "invisible", "Subscribe", ""] {
        let el = parse(&format!("<presence type='{bad}'/>"));
        assert_eq!(view(&el).type_(), None, "{bad}");
    }
    assert_eq!(PresenceType::Available.to_string(), "available");
    assert_eq!(PresenceType::Unsubscribed.to_string(), "unsubscribed");
}

#[test]
fn rfc6121_4_7_2_1_show_values() {
    for &s in Show::ALL {
        let el = parse(&format!("<presence><show>{s}</show></presence>"));
        assert_eq!(view(&el).show(), Some(s));
    }
    let el = parse("<presence><show>\n  away\n</show></presence>");
    assert_eq!(view(&el).show(), Some(Show::Away));
    for bad in ["busy", "", "DND"] {
        let el = parse(&format!("<presence><show>{bad}</show></presence>"));
        assert_eq!(view(&el).show(), None, "{bad}");
    }
}

#[test]
fn rfc6121_4_7_2_3_priority_values() {
    let cases = [
        ("0", 0),
        ("1", 1),
        ("-1", -1),
        ("+5", 5),
        (" 3\n", 3),
        ("127", 127),
        ("-128", -128),
        ("007", 7),
        // Out of range: clamped.
        ("128", 127),
        ("200", 127),
        ("-129", -128),
        ("99999999999999999999999999", 127),
        ("-99999999999999999999999999", -128),
        // Not an integer: as if absent.
        ("", 0),
        ("abc", 0),
        ("1.5", 0),
        ("-", 0),
        ("+-1", 0),
        ("1 2", 0),
    ];
    for (text, expected) in cases {
        let el = parse(&format!("<presence><priority>{text}</priority></presence>"));
        assert_eq!(view(&el).priority(), expected, "{text:?}");
    }
    assert_eq!(view(&parse("<presence/>")).priority(), 0);
}

#[test]
fn rfc6121_4_7_3_extended_content() {
    let el = parse(
        "<presence from='romeo@example.net'>
     <c xmlns='http://jabber.org/protocol/caps'
        hash='sha-1'
        node='http://psi-im.org'
        ver='q07IKJEyjvHSyhy//CH0CxmKi8w='/>
   </presence>",
    );
    let p = view(&el);
    let caps = p
        .element()
        .element("c", "http://jabber.org/protocol/caps")
        .unwrap();
    assert_eq!(
        caps.attr("ver").as_deref(),
        Some("q07IKJEyjvHSyhy//CH0CxmKi8w=")
    );
    assert_eq!((p.show(), p.status(), p.priority()), (None, None, 0));
}

#[test]
fn builder_round_trips_every_field() {
    let caps = XmlElement::new("http://jabber.org/protocol/caps", "c").with_attr("hash", "sha-1");
    for &show in Show::ALL {
        for priority in [i8::MIN, -1, 0, 1, i8::MAX] {
            let built = Presence::builder()
                .with_from("romeo@example.net/orchard")
                .with_to("juliet@example.com")
                .with_id("jx62vs97")
                .with_lang("en")
                .with_show(show)
                .with_status("Wooing Juliet")
                .with_status_lang("cs", "Dvo\u{159}\u{ed}m se Julii")
                .with_priority(priority)
                .with_payload(caps.clone())
                .build();
            let el = round_trip(&built);
            let p = view(&el);
            assert_eq!(p.from().as_deref(), Some("romeo@example.net/orchard"));
            assert_eq!(p.to().as_deref(), Some("juliet@example.com"));
            assert_eq!(p.id().as_deref(), Some("jx62vs97"));
            assert_eq!(p.lang(), Some("en"));
            assert_eq!(p.type_(), Some(PresenceType::Available));
            assert_eq!(p.show(), Some(show));
            assert_eq!(p.status().as_deref(), Some("Wooing Juliet"));
            assert_eq!(
                p.statuses().map(|(l, _)| l).collect::<Vec<_>>(),
                [Some("en"), Some("cs")]
            );
            assert_eq!(p.priority(), priority);
            assert_eq!(
                p.element()
                    .element("c", "http://jabber.org/protocol/caps")
                    .map(|c| c.to_owned()),
                Some(caps.clone())
            );
            assert_eq!(el.root().to_owned(), built);
        }
    }
    for &t in PresenceType::ALL {
        let el = round_trip(&PresenceBuilder::new().with_type(t).build());
        assert_eq!(view(&el).type_(), Some(t));
    }
}

#[test]
fn builder_error() {
    let error = StanzaError::new(ErrorType::Auth, StanzaErrorCondition::Forbidden);
    let built = Presence::builder()
        .with_from("characters@muc.example.com/JulieC")
        .with_id("y2bs71v4")
        .with_error(error.clone())
        .build();
    let el = round_trip(&built);
    let p = view(&el);
    assert_eq!(p.type_(), Some(PresenceType::Error));
    assert_eq!(p.error(), Some(Ok(error)));
}
