//! Unit-test helpers: parse snippets through the real [`StreamReader`], serialise with the
//! real [`Writer`].

use crate::xml::{Element, Limits, StreamContext, StreamEvent, StreamReader, Writer, XmlElement};

#[path = "../tests/support/epoch.rs"]
mod epoch_support;
pub(crate) use epoch_support::epoch;

/// A stream header with content namespace `content_ns` and an optional `xml:lang`.
pub(crate) fn header(content_ns: &str, lang: Option<&str>) -> String {
    let lang = lang.map(|l| format!(" xml:lang='{l}'")).unwrap_or_default();
    format!(
        "<stream:stream xmlns='{content_ns}' \
         xmlns:stream='http://etherx.jabber.org/streams' version='1.0'{lang}>"
    )
}

/// The single depth-1 element of `xml`, read after `header`.
pub(crate) fn parse_after(header: &str, xml: &str) -> Element {
    let mut reader = StreamReader::new(Limits::default());
    let input = format!("{header}{xml}");
    let mut bytes = input.as_bytes();
    let mut found = None;
    while let Some(event) = reader.next_event(&mut bytes).expect("valid XML") {
        if let StreamEvent::Element(el) = event {
            assert!(found.is_none(), "more than one element in {xml}");
            found = Some(el);
        }
    }
    found.expect("an element")
}

/// The single element of `xml` on a `jabber:client` stream without `xml:lang`.
pub(crate) fn parse(xml: &str) -> Element {
    parse_after(&header("jabber:client", None), xml)
}

/// `el` serialised for a stream with content namespace `content_ns`.
pub(crate) fn write_in(content_ns: &str, el: &XmlElement) -> String {
    let ctx = StreamContext::new(content_ns);
    let mut out = Vec::new();
    Writer::new(&mut out, &ctx).xml_element(el);
    String::from_utf8(out).expect("the writer writes UTF-8")
}

/// `el` serialised for a `jabber:client` stream.
pub(crate) fn write(el: &XmlElement) -> String {
    write_in("jabber:client", el)
}

/// `el` written and read back on a stream with content namespace `content_ns`.
pub(crate) fn round_trip_in(content_ns: &str, el: &XmlElement) -> Element {
    parse_after(&header(content_ns, None), &write_in(content_ns, el))
}

/// `el` written and read back on a `jabber:client` stream.
pub(crate) fn round_trip(el: &XmlElement) -> Element {
    round_trip_in("jabber:client", el)
}
