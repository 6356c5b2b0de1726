//! Properties of the reader and writer (DESIGN §8): split invariance, no panic and bounded
//! memory on any input, and parse ∘ serialise = identity.

mod common;

use common::*;
use proptest::prelude::*;
use xmpp_core::xml::{Limits, StreamContext, StreamReader, Writer, XmlElement};

const XML_NS: &str = xmpp_core::xml::ns::XML;

/// Characters that stress escaping, plus arbitrary XML characters.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec!['<', '>', '&', '\'', '"', '\r', '\n', '\t', ' ', ']', ';', '#']),
        3 => prop::char::range('a', 'z'),
        2 => any::<char>().prop_filter("XML Char", |c| matches!(*c as u32,
            0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)),
    ]
}

fn xml_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(xml_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

fn namespace() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "jabber:client",
        "urn:x:a",
        "urn:x:b",
        "http://jabber.org/protocol/caps",
        "",
    ])
    .prop_map(str::to_owned)
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "message", "body", "x", "item", "query", "a-b", "c.d", "_e", "ünï",
    ])
    .prop_map(str::to_owned)
}

fn element() -> impl Strategy<Value = XmlElement> {
    let leaf =
        (namespace(), name(), attrs(), xml_string(12)).prop_map(|(ns, name, attrs, text)| {
            let mut e = XmlElement::new(ns, name).with_text(text);
            for (ans, an, v) in attrs {
                e.set_attr_ns(ans, an, v);
            }
            e
        });
    leaf.prop_recursive(4, 24, 4, |inner| {
        (
            namespace(),
            name(),
            attrs(),
            prop::collection::vec(
                prop_oneof![inner.prop_map(Some), xml_string(8).prop_map(|_| None)],
                0..4,
            ),
            xml_string(6),
        )
            .prop_map(|(ns, name, attrs, kids, text)| {
                let mut e = XmlElement::new(ns, name);
                for (ans, an, v) in attrs {
                    e.set_attr_ns(ans, an, v);
                }
                for k in kids {
                    match k {
                        Some(c) => e.push_child(c),
                        None => e.push_text(text.clone()),
                    }
                }
                e
            })
    })
}

fn attrs() -> impl Strategy<Value = Vec<(String, String, String)>> {
    let attr_ns = prop::sample::select(vec![
        "",
        "",
        "",
        "urn:x:attr",
        "http://www.w3.org/XML/1998/namespace",
    ])
    .prop_map(str::to_owned);
    let attr_name =
        prop::sample::select(vec!["to", "from", "id", "type", "lang", "k"]).prop_map(str::to_owned);
    prop::collection::vec((attr_ns, attr_name, xml_string(10)), 0..4)
}

fn serialise(el: &XmlElement) -> String {
    let ctx = StreamContext::new("jabber:client").with_lang("en");
    let mut out = Vec::new();
    Writer::new(&mut out, &ctx).xml_element(el);
    String::from_utf8(out).expect("the writer emits UTF-8")
}

/// A stream of the given elements, separated by whitespace where `gaps` says so.
fn stream_of(elements: &[XmlElement], gaps: &[bool]) -> Vec<u8> {
    let mut s = String::new();
    for (i, e) in elements.iter().enumerate() {
        if gaps.get(i).copied().unwrap_or(false) {
            s.push_str("\n  ");
        }
        s.push_str(&serialise(e));
    }
    stream(&s)
}

/// Feeds `input` split at `cuts` (sorted offsets).
fn run_split(input: &[u8], cuts: &[usize]) -> (Vec<Ev>, Option<xmpp_core::error::StreamError>) {
    let mut reader = StreamReader::new(Limits::default());
    let mut events = Vec::new();
    let mut last = 0;
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    bounds.sort_unstable();
    bounds.push(input.len());
    for b in bounds {
        let mut piece = &input[last..b.max(last)];
        last = b.max(last);
        loop {
            match reader.next_event(&mut piece) {
                Ok(Some(xmpp_core::xml::StreamEvent::Header(h))) => events.push(Ev::Header(h)),
                Ok(Some(xmpp_core::xml::StreamEvent::Element(e))) => {
                    events.push(Ev::Element(e.as_str().into()))
                }
                Ok(Some(xmpp_core::xml::StreamEvent::Whitespace)) => {
                    if events.last() != Some(&Ev::Whitespace) {
                        events.push(Ev::Whitespace)
                    }
                }
                Ok(Some(xmpp_core::xml::StreamEvent::Close)) => events.push(Ev::Close),
                Ok(Some(_)) => unreachable!(),
                Ok(None) => break,
                Err(e) => return (events, Some(e)),
            }
        }
    }
    (events, None)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// (a) Any split of a valid stream gives the same events as feeding it whole.
    #[test]
    fn any_split_gives_the_same_events(
        elements in prop::collection::vec(element(), 1..6),
        gaps in prop::collection::vec(any::<bool>(), 6),
        cuts in prop::collection::vec(any::<usize>(), 0..40),
    ) {
        let input = stream_of(&elements, &gaps);
        let (whole, err) = run_split(&input, &[]);
        prop_assert_eq!(err, None);
        prop_assert_eq!(whole.iter().filter(|e| matches!(e, Ev::Element(_))).count(), elements.len());
        let (split, err) = run_split(&input, &cuts);
        prop_assert_eq!(err, None);
        prop_assert_eq!(split, whole);
    }

    /// (b) Any bytes give events or one stream error, never a panic, and the reader never
    /// holds more than the limit plus one read's piece.
    #[test]
    fn any_bytes_give_events_or_one_error(
        prefix in prop::sample::select(vec![0usize, 1, 2]),
        junk in prop::collection::vec(any::<u8>(), 0..600),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
    ) {
        let mut input = match prefix {
            0 => Vec::new(),
            1 => stream(""),
            _ => stream("<message><body>"),
        };
        input.extend_from_slice(&junk);
        let mut limits = Limits::default();
        limits.max_stanza_bytes = 256;
        limits.max_header_bytes = 300;
        let mut reader = StreamReader::new(limits);
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
        bounds.sort_unstable();
        bounds.push(input.len());
        let mut last = 0;
        let mut errors = 0;
        for b in bounds {
            let mut piece = &input[last..b.max(last)];
            last = b.max(last);
            loop {
                match reader.next_event(&mut piece) {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(_) => { errors += 1; break; }
                }
                prop_assert!(reader.buffered().len() <= 2 * 257);
            }
            prop_assert!(reader.buffered().len() <= 2 * 257);
            if errors > 0 { break; }
        }
        prop_assert!(errors <= 1);
    }

    /// (b') Mutations of valid streams (flipped, inserted, deleted bytes) never panic.
    #[test]
    fn mutated_streams_never_panic(
        elements in prop::collection::vec(element(), 1..4),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8),
        chunk in 1usize..64,
    ) {
        let mut input = stream_of(&elements, &[]);
        for (at, byte, kind) in edits {
            let at = at % input.len();
            match kind {
                0 => input[at] = byte,
                1 => input.insert(at, byte),
                _ => { input.remove(at); }
            }
        }
        let _ = run_with(&input, chunk, Limits::default());
    }

    /// (c) parse → serialise → parse is the identity on generated stanzas.
    #[test]
    fn parse_serialise_parse_is_identity(el in element()) {
        let text = serialise(&el);
        let parsed = parse_one(&text);
        prop_assert_eq!(&parsed.root().to_owned(), &el);
        // Re-serialise the parsed view onto a stream with another default namespace and
        // language (no verbatim copy possible) and parse again: the same element, with an
        // explicit xml:lang where it used to inherit the first stream's.
        let other = StreamContext::new("jabber:server").with_lang("de");
        let mut out = Vec::new();
        Writer::new(&mut out, &other).element(&parsed);
        let again = format!(
            "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xml:lang='de'>{}",
            String::from_utf8(out).unwrap()
        );
        let (_, elements, err) = run(again.as_bytes());
        prop_assert_eq!(err, None);
        let mut expected = el.clone();
        if el.attr_ns(XML_NS, "lang").is_none() {
            expected.set_attr_ns(XML_NS, "lang", "en");
        }
        prop_assert_eq!(&elements[0].root().to_owned(), &expected);
        // The effective language survives the move to a stream with another xml:lang.
        prop_assert_eq!(elements[0].root().lang(), parsed.root().lang());
    }
}
