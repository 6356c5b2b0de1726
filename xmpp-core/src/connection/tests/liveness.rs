//! Keepalive, ping, negotiation deadline (RFC 6120 §4.6, XEP-0199).

use std::time::Duration;

use proptest::prelude::*;

use super::harness::*;
use crate::connection::{CloseReason, Input, TimeoutKind};

#[test]
fn negotiation_deadline() {
    let mut h = Harness::plaintext();
    h.feed(SERVER_HEADER);
    h.take_out();
    let waited = h.run_timers(Duration::from_secs(3600));
    assert_eq!(waited, Duration::from_secs(60));
    assert!(h.take_out().contains("<connection-timeout"));
    assert_eq!(
        h.closed_reason(),
        Some(&CloseReason::Timeout(TimeoutKind::Negotiation))
    );
}

#[test]
fn whitespace_keepalive_after_idle() {
    let mut h = Harness::online_plaintext();
    let t0 = h.now;
    h.advance(Duration::from_secs(59));
    assert_eq!(h.take_out(), "");
    h.advance(Duration::from_secs(1));
    assert_eq!(h.take_out(), " ");
    assert_eq!(h.conn.poll_timeout(), Some(t0 + Duration::from_secs(120)));
}

#[test]
fn ping_then_timeout_closes_a_dead_connection() {
    let mut h = Harness::online_plaintext();
    h.advance(Duration::from_secs(300));
    let out = h.take_out();
    assert!(out.contains("<ping xmlns='urn:xmpp:ping'/>"), "{out}");
    let id = attr_of(&out, "iq", "id");
    // An answer keeps it alive and is consumed.
    h.feed(&format!(
        "<iq type='result' id='{id}' from='im.example.com'/>"
    ));
    assert!(h.take_events().is_empty());
    h.advance(Duration::from_secs(300));
    assert!(h.take_out().contains("urn:xmpp:ping"));
    h.advance(Duration::from_secs(60));
    assert!(h.take_out().contains("<connection-timeout"));
    assert_eq!(
        h.closed_reason(),
        Some(&CloseReason::Timeout(TimeoutKind::Ping))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// After any Timeout, the next deadline is None or later than now (DESIGN §2).
    #[test]
    fn deadlines_move_forward(steps in proptest::collection::vec((0u64..400_000, any::<bool>()), 1..40)) {
        let mut h = Harness::online_plaintext();
        for (ms, inbound) in steps {
            h.now += Duration::from_millis(ms);
            if inbound {
                h.input(Input::Data(b" "));
            }
            h.input(Input::Timeout);
            if let Some(t) = h.conn.poll_timeout() {
                prop_assert!(t > h.now);
            }
        }
    }
}
