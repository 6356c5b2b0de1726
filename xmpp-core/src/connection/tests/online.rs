//! Stanzas once online: sending, iq matching, pings, queue bounds, closing.

use std::time::Duration;

use super::harness::*;
use crate::connection::{CloseReason, Event, Input, SendError};
use crate::error::StreamErrorCondition as Cond;
use crate::stanza::{Iq, IqType, Message};
use crate::xml::XmlElement;

#[test]
fn send_before_online_is_refused_and_changes_nothing() {
    let mut h = Harness::plaintext();
    h.take_out();
    let msg = Message::builder()
        .with_to("romeo@example.net")
        .with_body("hi")
        .build();
    assert_eq!(h.conn.send(h.now, &msg), Err(SendError::NotOnline));
    h.drain();
    assert_eq!(h.take_out(), "");
}

#[test]
fn stanzas_flow_both_ways() {
    let mut h = Harness::online_plaintext();
    let msg = Message::builder()
        .with_to("romeo@example.net")
        .with_body("Wherefore art thou?")
        .build();
    h.conn.send(h.now, &msg).unwrap();
    h.drain();
    assert_eq!(
        h.take_out(),
        "<message to='romeo@example.net'><body>Wherefore art thou?</body></message>"
    );
    let inbound = "<message from='romeo@example.net/orchard' to='juliet@im.example.com/balcony' xml:lang='en'><body>Neither, fair saint</body></message>";
    h.feed(inbound);
    match &h.take_events()[..] {
        [Event::Stanza(el)] => {
            assert_eq!(el.as_str(), inbound);
            assert_eq!(
                el.root().element("body", "jabber:client").unwrap().text(),
                "Neither, fair saint"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.conn.stats().stanzas_in, 1);
    assert_eq!(h.conn.stats().stanzas_out, 1);
}

#[test]
fn sends_are_validated() {
    let mut h = Harness::online_plaintext();
    let bad_to = Message::builder().with_to("@example.net").build();
    assert!(matches!(
        h.conn.send(h.now, &bad_to),
        Err(SendError::InvalidJid(_))
    ));
    let not_stanza = XmlElement::new("urn:example", "foo");
    assert!(matches!(
        h.conn.send(h.now, &not_stanza),
        Err(SendError::NotAStanza(_))
    ));
    let no_id = XmlElement::new("jabber:client", "iq").with_attr("type", "get");
    assert_eq!(h.conn.send(h.now, &no_id), Err(SendError::MissingId));
    let bad_type = XmlElement::new("jabber:client", "iq")
        .with_attr("type", "query")
        .with_attr("id", "1");
    assert_eq!(h.conn.send(h.now, &bad_type), Err(SendError::BadIqType));
    for raw in [
        "<message>",
        "<message/><message/>",
        "<!-- c --><message/>",
        "text",
        "</stream:stream>",
        "",
    ] {
        assert!(
            matches!(h.conn.send_raw(h.now, raw), Err(SendError::InvalidXml(_))),
            "{raw:?}"
        );
    }
    h.drain();
    assert_eq!(h.take_out(), "", "nothing was sent");
    h.conn
        .send_raw(h.now, "<presence><show>away</show></presence>")
        .unwrap();
    h.drain();
    assert_eq!(h.take_out(), "<presence><show>away</show></presence>");
}

#[test]
fn iq_responses_match_by_id_and_sender() {
    let mut h = Harness::online_plaintext();
    let roster = Iq::builder(IqType::Get, "")
        .with_payload(XmlElement::new("jabber:iq:roster", "query"))
        .build();
    let mut roster = roster;
    roster.remove_attr_ns("", "id");
    let id = h.conn.send_iq(h.now, roster).unwrap();
    assert!(!id.is_empty());
    h.drain();
    assert!(h.take_out().contains(&format!("id='{id}'")));

    // A spoofed answer from someone else is not taken as the response.
    h.feed(&format!(
        "<iq type='result' id='{id}' from='mallory@evil.example'/>"
    ));
    assert!(matches!(&h.take_events()[..], [Event::Stanza(_)]));
    // The real one (no from: our server on behalf of the account) matches once.
    h.feed(&format!(
        "<iq type='result' id='{id}'><query xmlns='jabber:iq:roster'/></iq>"
    ));
    assert!(matches!(&h.take_events()[..], [Event::IqResponse { id: got, .. }] if *got == id));
    // A duplicate is unmatched and surfaced, not dropped.
    h.feed(&format!("<iq type='result' id='{id}'/>"));
    assert!(matches!(&h.take_events()[..], [Event::Stanza(_)]));
    // An error response to an unknown id is surfaced and never answered.
    h.feed("<iq type='error' id='nope'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
    assert!(matches!(&h.take_events()[..], [Event::Stanza(_)]));
    assert_eq!(h.take_out(), "");
}

#[test]
fn server_pings_are_answered() {
    let mut h = Harness::online_plaintext();
    h.feed("<iq from='im.example.com' id='c2s1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
    assert_eq!(
        h.take_out(),
        "<iq to='im.example.com' id='c2s1' type='result'/>"
    );
    assert!(h.take_events().is_empty());
}

#[test]
fn outbound_queue_is_bounded() {
    let mut h = Harness::new(
        plain_config()
            .with_tls_policy(crate::connection::TlsPolicy::Disabled)
            .with_max_outbound_bytes(100),
    );
    h.feed(SERVER_HEADER);
    h.feed(PLAIN_FEATURES);
    h.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    h.feed(SERVER_HEADER);
    h.feed(BIND_FEATURES);
    let id = attr_of(&h.take_out(), "iq", "id");
    h.feed(&bind_result(&id, "juliet@im.example.com/balcony"));
    h.take_events();
    let msg = Message::builder()
        .with_to("romeo@example.net")
        .with_body("x".repeat(80))
        .build();
    h.conn.send(h.now, &msg).unwrap();
    assert_eq!(h.conn.send(h.now, &msg), Err(SendError::Full));
    assert!(h.conn.poll_transmit().is_some());
    assert_eq!(h.conn.poll_event(), Some(Event::Writable));
    h.conn.send(h.now, &msg).unwrap();
}

#[test]
fn local_close_waits_for_the_peer() {
    let mut h = Harness::online_plaintext();
    h.conn.close(h.now);
    h.drain();
    assert_eq!(h.take_out(), "</stream:stream>");
    assert!(h.closed_reason().is_none());
    // Stanzas still in flight are delivered (RFC 6120 §4.4).
    h.feed("<message from='romeo@example.net'><body>late</body></message></stream:stream>");
    let events = h.take_events();
    assert!(
        matches!(
            &events[..],
            [Event::Stanza(_), Event::Closed(CloseReason::Local)]
        ),
        "{events:?}"
    );
    assert_eq!(h.take_out(), "", "our close was already sent");
}

#[test]
fn local_close_grace_expires() {
    let mut h = Harness::online_plaintext();
    h.conn.close(h.now);
    h.drain();
    let waited = h.run_timers(Duration::from_secs(60));
    assert_eq!(waited, Duration::from_secs(5));
    assert_eq!(
        h.closed_reason(),
        Some(&CloseReason::Timeout(
            crate::connection::TimeoutKind::CloseGrace
        ))
    );
}

#[test]
fn peer_close_is_answered() {
    let mut h = Harness::online_plaintext();
    h.feed("</stream:stream>");
    assert_eq!(h.take_out(), "</stream:stream>");
    assert_eq!(h.closed_reason(), Some(&CloseReason::Remote));
    assert_eq!(h.conn.poll_timeout(), None);
}

#[test]
fn peer_fault_flushes_our_stream_error_before_closed() {
    let mut h = Harness::online_plaintext();
    h.feed("<message><body>a &unknown; entity</body></message>");
    assert!(
        h.take_out()
            .contains("<restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>")
    );
    assert!(
        matches!(h.closed_reason(), Some(CloseReason::LocalError(e)) if e.condition == Cond::RestrictedXml)
    );
    assert!(!h.conn.wants_read());
    // Later input is ignored.
    h.input(Input::Data(b"<message/>"));
    assert_eq!(h.take_events().len(), 1);
}

#[test]
fn unknown_first_level_element_online() {
    let mut h = Harness::online_plaintext();
    h.feed("<foo xmlns='urn:example'/>");
    assert!(h.take_out().contains("<unsupported-stanza-type"));
}

#[test]
fn undrained_output_stops_reading() {
    let mut h = Harness::new(
        plain_config()
            .with_tls_policy(crate::connection::TlsPolicy::Disabled)
            .with_max_outbound_bytes(200),
    );
    h.feed(SERVER_HEADER);
    h.feed(PLAIN_FEATURES);
    h.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    h.feed(SERVER_HEADER);
    h.feed(BIND_FEATURES);
    let id = attr_of(&h.take_out(), "iq", "id");
    h.feed(&bind_result(&id, "juliet@im.example.com/balcony"));
    // Pings whose answers the transport does not take (no poll_transmit).
    let ping = "<iq from='im.example.com' id='p' type='get'><ping xmlns='urn:xmpp:ping'/></iq>";
    let mut fed = 0;
    while h.conn.wants_read() {
        h.conn
            .handle_input(h.now, Input::Data(ping.as_bytes()))
            .unwrap();
        fed += 1;
        assert!(fed < 100, "backpressure never engaged");
    }
    assert!(fed >= 2, "{fed}");
    assert!(h.conn.poll_transmit().is_some_and(|b| b.len() < 400));
    assert!(h.conn.wants_read());
}
