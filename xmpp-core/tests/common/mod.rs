//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use xmpp_core::error::{StreamError, StreamErrorCondition};
use xmpp_core::xml::{Element, Limits, StreamEvent, StreamHeader, StreamReader};

/// A client stream header as RFC 6120 §4.7 prints it.
pub const HEADER: &str = "<?xml version='1.0'?><stream:stream to='im.example.com' version='1.0' \
    xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/// An event with the element reduced to its bytes, for comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    /// A stream header.
    Header(StreamHeader),
    /// A depth-1 element, as its input text.
    Element(String),
    /// Keepalive whitespace (consecutive ones merged).
    Whitespace,
    /// The peer closed the stream.
    Close,
}

/// Feeds `input` in chunks of `chunk` bytes; returns the events and the error, if any.
pub fn run_with(
    input: &[u8],
    chunk: usize,
    limits: Limits,
) -> (Vec<Ev>, Vec<Element>, Option<StreamError>) {
    let mut reader = StreamReader::new(limits);
    let mut events = Vec::new();
    let mut elements = Vec::new();
    for piece in input.chunks(chunk.max(1)) {
        let mut piece = piece;
        loop {
            match reader.next_event(&mut piece) {
                Ok(Some(StreamEvent::Header(h))) => events.push(Ev::Header(h)),
                Ok(Some(StreamEvent::Element(e))) => {
                    events.push(Ev::Element(e.as_str().to_owned()));
                    elements.push(e);
                }
                Ok(Some(StreamEvent::Whitespace)) => {
                    if events.last() != Some(&Ev::Whitespace) {
                        events.push(Ev::Whitespace);
                    }
                }
                Ok(Some(StreamEvent::Close)) => events.push(Ev::Close),
                Ok(Some(_)) => unreachable!("no other events yet"),
                Ok(None) => break,
                Err(e) => return (events, elements, Some(e)),
            }
        }
    }
    (events, elements, None)
}

/// `run_with` at default limits, whole.
pub fn run(input: &[u8]) -> (Vec<Ev>, Vec<Element>, Option<StreamError>) {
    run_with(input, input.len(), Limits::default())
}

/// Asserts that `input` fails with `condition` whole, byte by byte and in 7-byte chunks.
pub fn assert_condition_with(input: &[u8], condition: StreamErrorCondition, limits: Limits) {
    for chunk in [input.len(), 1, 7] {
        let (_, _, err) = run_with(input, chunk, limits.clone());
        let err = err.unwrap_or_else(|| {
            panic!(
                "no error for {:?} (chunk {chunk})",
                String::from_utf8_lossy(input)
            )
        });
        assert_eq!(
            err.condition,
            condition,
            "{:?} (chunk {chunk}): {err}",
            String::from_utf8_lossy(input)
        );
        assert!(
            err.text.as_deref().is_some_and(|t| !t.is_empty()),
            "a rejection carries a text"
        );
    }
}

/// `assert_condition_with` at default limits.
pub fn assert_condition(input: &[u8], condition: StreamErrorCondition) {
    assert_condition_with(input, condition, Limits::default());
}

/// `HEADER` followed by `rest`.
pub fn stream(rest: &str) -> Vec<u8> {
    format!("{HEADER}{rest}").into_bytes()
}

/// The single element of `HEADER` + `xml`.
pub fn parse_one(xml: &str) -> Element {
    let (_, mut elements, err) = run(&stream(xml));
    assert_eq!(err, None);
    assert_eq!(elements.len(), 1);
    elements.remove(0)
}
