//! `from` stamping in place (server role) equals parsing the stamped bytes afresh.

use std::sync::Arc;

use proptest::prelude::*;

use crate::connection::send::parse_one;
use crate::xml::{Limits, StreamContext, Writer, XmlElement, ns};

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('a'),
            Just('&'),
            Just('<'),
            Just('\''),
            Just('"'),
            Just('\n'),
            Just('é'),
            Just('𝄞'),
            Just(' ')
        ],
        0..12,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn child() -> impl Strategy<Value = XmlElement> {
    let leaf = (
        prop_oneof![Just("body"), Just("status"), Just("x")],
        text(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(name, t, foreign, lang)| {
            let ns = if foreign {
                "urn:example:x"
            } else {
                ns::JABBER_CLIENT
            };
            let mut el = XmlElement::new(ns, name).with_text(t);
            if lang {
                el = el.with_attr_ns(ns::XML, "lang", "de");
            }
            el
        });
    leaf.prop_recursive(3, 12, 3, |inner| {
        (prop::collection::vec(inner, 0..3), text()).prop_map(|(kids, t)| {
            let mut el = XmlElement::new("urn:example:y", "wrap").with_attr("a", t);
            for k in kids {
                el.push_child(k);
            }
            el
        })
    })
}

fn stanza() -> impl Strategy<Value = XmlElement> {
    (
        prop_oneof![Just("message"), Just("presence"), Just("iq")],
        prop::collection::vec(child(), 0..4),
        text(),
        any::<bool>(),
    )
        .prop_map(|(name, kids, id, to)| {
            let mut el = XmlElement::new(ns::JABBER_CLIENT, name).with_attr("id", id);
            if to {
                el.set_attr("to", "romeo@example.net");
            }
            for k in kids {
                el.push_child(k);
            }
            el
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn stamping_in_place_equals_a_fresh_parse(el in stanza(), lang in any::<bool>(), jid in prop_oneof![
        Just("juliet@im.example.com/balcony"),
        Just("juliet@im.example.com/b'a&l<c\"o\tny"),
        Just("jüliet@im.example.com/𝄞"),
    ]) {
        let mut ctx = StreamContext::new(ns::JABBER_CLIENT).with_prefix("stream", ns::STREAM);
        if lang {
            ctx = ctx.with_lang("en");
        }
        let ctx = Arc::new(ctx);
        let mut bytes = Vec::new();
        Writer::new(&mut bytes, &ctx).xml_element(&el);
        let parsed = parse_one(std::str::from_utf8(&bytes).unwrap(), Limits::default(), &ctx).unwrap();
        let stamped = parsed.with_leading_attr("from", jid);
        let fresh = parse_one(stamped.as_str(), Limits::default(), &ctx).unwrap();
        prop_assert_eq!(&stamped, &fresh);
        let from = stamped.attr("from").map(|f| f.into_owned());
        prop_assert_eq!(from.as_deref(), Some(jid));
        let (a, b) = (stamped.root().to_owned(), parsed.root().to_owned());
        prop_assert_eq!(a.nodes(), b.nodes(), "the content is unchanged");
    }
}
