//! Property tests over arbitrary stanza-shaped trees (written by the real writer, read by
//! the real reader): no accessor panics, and a parsed error re-serialises to itself.

use proptest::prelude::*;

use crate::error::{StanzaError, StreamError};
use crate::stanza::Stanza;
use crate::test_util::{parse, round_trip};
use crate::xml::{ElementRef, XmlElement, ns};

/// Element names that mean something to the views, in the namespaces where they do.
const ELEMENTS: &[(&str, &str)] = &[
    (ns::JABBER_CLIENT, "body"),
    (ns::JABBER_CLIENT, "subject"),
    (ns::JABBER_CLIENT, "thread"),
    (ns::JABBER_CLIENT, "show"),
    (ns::JABBER_CLIENT, "status"),
    (ns::JABBER_CLIENT, "priority"),
    (ns::JABBER_CLIENT, "error"),
    (ns::STANZAS_ERRORS, "bad-request"),
    (ns::STANZAS_ERRORS, "gone"),
    (ns::STANZAS_ERRORS, "no-such-condition"),
    (ns::STANZAS_ERRORS, "text"),
    (ns::STREAMS_ERRORS, "see-other-host"),
    (ns::STREAMS_ERRORS, "text"),
    ("urn:example", "query"),
];

const ATTRS: &[&str] = &["type", "id", "from", "to", "by", "parent", "lang"];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("error".to_owned()),
        Just("get".to_owned()),
        Just("result".to_owned()),
        Just("cancel".to_owned()),
        Just("dnd".to_owned()),
        Just("-129".to_owned()),
        Just("en".to_owned()),
        "\\PC{0,10}",
    ]
}

fn element() -> impl Strategy<Value = XmlElement> {
    let leaf = (
        0..ELEMENTS.len(),
        proptest::collection::vec((0..ATTRS.len(), value()), 0..3),
        value(),
    )
        .prop_map(|(i, attrs, text)| build(ELEMENTS[i], attrs, text, Vec::new()));
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            0..ELEMENTS.len(),
            proptest::collection::vec((0..ATTRS.len(), value()), 0..3),
            value(),
            proptest::collection::vec(inner, 0..4),
        )
            .prop_map(|(i, attrs, text, children)| build(ELEMENTS[i], attrs, text, children))
    })
}

fn build(
    (ns, name): (&str, &str),
    attrs: Vec<(usize, String)>,
    text: String,
    children: Vec<XmlElement>,
) -> XmlElement {
    let mut el = XmlElement::new(ns, name);
    for (a, v) in attrs {
        match ATTRS[a] {
            "lang" => el.set_attr_ns(ns::XML, "lang", v),
            other => el.set_attr(other, v),
        }
    }
    el.push_text(text);
    for c in children {
        el.push_child(c);
    }
    el
}

/// A child of an error element: a condition (possibly unknown, possibly with an
/// address), a `<text/>` (possibly with `xml:lang`), or an application element.
fn error_child(cond_ns: &'static str) -> impl Strategy<Value = XmlElement> {
    let conditions = prop_oneof![
        Just("bad-request"),
        Just("gone"),
        Just("redirect"),
        Just("see-other-host"),
        Just("reset"),
        Just("no-such-condition"),
    ];
    prop_oneof![
        (conditions, value())
            .prop_map(move |(name, text)| XmlElement::new(cond_ns, name).with_text(text)),
        (value(), proptest::option::of(value())).prop_map(move |(text, lang)| {
            let t = XmlElement::new(cond_ns, "text").with_text(text);
            match lang {
                Some(l) => t.with_attr_ns(ns::XML, "lang", l),
                None => t,
            }
        }),
        element(),
    ]
}

/// A stanza `<error/>` whose `type` is usually valid.
fn stanza_error() -> impl Strategy<Value = XmlElement> {
    (
        prop_oneof![
            Just("cancel".to_owned()),
            Just("modify".to_owned()),
            Just("wait".to_owned()),
            value()
        ],
        proptest::option::of(value()),
        proptest::collection::vec(error_child(ns::STANZAS_ERRORS), 0..4),
    )
        .prop_map(|(type_, by, children)| {
            let mut el = XmlElement::new(ns::JABBER_CLIENT, "error").with_attr("type", type_);
            if let Some(by) = by {
                el.set_attr("by", by);
            }
            for c in children {
                el.push_child(c);
            }
            el
        })
}

/// A stanza with arbitrary attributes and children, or a `<stream:error/>`.
fn top_level() -> impl Strategy<Value = XmlElement> {
    let stanza = (
        prop_oneof![Just("message"), Just("presence"), Just("iq")],
        proptest::collection::vec((0..ATTRS.len(), value()), 0..5),
        proptest::collection::vec(prop_oneof![element(), stanza_error()], 0..5),
    )
        .prop_map(|(name, attrs, children)| {
            build((ns::JABBER_CLIENT, name), attrs, String::new(), children)
        });
    let stream_error = proptest::collection::vec(error_child(ns::STREAMS_ERRORS), 0..4)
        .prop_map(|children| build((ns::STREAM, "error"), Vec::new(), String::new(), children));
    prop_oneof![3 => stanza, 1 => stream_error]
}

/// Calls every accessor; panics are the failure.
fn exercise(s: Stanza<'_>) {
    let _ = (s.from(), s.to(), s.id(), s.lang(), s.error());
    match s {
        Stanza::Message(m) => {
            let _ = (m.type_(), m.body(), m.subject(), m.thread());
            let _ = (m.bodies().count(), m.subjects().count());
        }
        Stanza::Presence(p) => {
            let _ = (p.type_(), p.show(), p.status(), p.priority());
            let _ = p.statuses().count();
        }
        Stanza::Iq(i) => {
            let _ = (i.type_(), i.payload(), i.validate(), i.payloads().count());
            let _ = i.result_reply().build();
        }
    }
}

/// Every descendant named `error`, depth first.
fn errors<'a>(el: ElementRef<'a>, out: &mut Vec<ElementRef<'a>>) {
    for c in el.elements() {
        if c.name() == "error" {
            out.push(c);
        }
        errors(c, out);
    }
}

proptest! {
    #[test]
    fn views_never_panic_and_errors_re_serialise_to_themselves(top in top_level()) {
        let el = round_trip(&top);
        if let Some(s) = Stanza::from_element(el.root()) {
            exercise(s);
        }
        if let Ok(e) = StreamError::from_element(el.root()) {
            let again = round_trip(&e.to_element());
            prop_assert_eq!(StreamError::from_element(again.root()), Ok(e));
        }
        let mut found = Vec::new();
        errors(el.root(), &mut found);
        for child in found {
            if let Ok(e) = StanzaError::from_element(child) {
                let again = round_trip(&e.to_element(child.ns()));
                prop_assert_eq!(StanzaError::from_element(again.root()), Ok(e));
            }
        }
    }
}

#[test]
fn odd_but_well_formed_stanzas_do_not_panic() {
    for xml in [
        "<message><thread parent=''/><body xml:lang=''/><subject/></message>",
        "<presence type=''><priority>+</priority><show/><status xml:lang=''>x</status></presence>",
        "<iq type='error'><error type='error'><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></iq>",
        "<message type='error'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>\
         <x/>   </gone></error></message>",
    ] {
        let el = parse(xml);
        exercise(Stanza::from_element(el.root()).expect(xml));
    }
}
