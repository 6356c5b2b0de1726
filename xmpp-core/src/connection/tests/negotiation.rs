//! Stream negotiation, client role (RFC 6120 §4–§7, §9.1).

use super::harness::*;
use crate::connection::{
    ClientConfig, CloseReason, Event, FromPolicy, Input, NegotiationError, TlsPolicy,
};
use crate::error::{StanzaErrorCondition, StreamErrorCondition as Cond};
use crate::sasl::SaslCondition;

fn config() -> ClientConfig {
    plain_config()
}

#[test]
fn header_follows_the_from_policy() {
    let h = Harness::new(config());
    let out = String::from_utf8(h.out.clone()).unwrap();
    assert_eq!(
        out,
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' to='im.example.com' version='1.0' \
         xml:lang='en'>"
    );
    let h = Harness::new(config().with_send_from(FromPolicy::Always));
    assert!(
        String::from_utf8(h.out.clone())
            .unwrap()
            .contains("from='juliet@im.example.com'")
    );
    // After TLS the default policy names the account (RFC 6120 §4.7.1).
    let mut h = Harness::new(config());
    h.take_out();
    h.starttls_external(external_tls_info());
    assert!(h.take_out().contains("from='juliet@im.example.com'"));
}

#[test]
fn tls_required_but_not_offered_is_an_error_not_plaintext() {
    let mut h = Harness::new(config());
    h.take_out();
    h.feed(SERVER_HEADER);
    h.feed(PLAIN_FEATURES);
    assert_eq!(h.take_out(), "</stream:stream>");
    assert_eq!(
        h.closed_reason(),
        Some(&CloseReason::Negotiation(NegotiationError::TlsNotOffered))
    );
    assert!(!h.conn.wants_read());
}

#[test]
fn starttls_failure_is_reported() {
    let mut h = Harness::new(config());
    h.feed(SERVER_HEADER);
    h.feed(
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>",
    );
    h.take_out();
    h.feed("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
    assert_eq!(h.take_out(), "</stream:stream>");
    assert_eq!(
        h.closed_reason(),
        Some(&CloseReason::Negotiation(NegotiationError::TlsRefused))
    );
    assert_eq!(
        h.events
            .iter()
            .filter(|e| matches!(e, Event::Closed(_)))
            .count(),
        1
    );
}

#[test]
fn plaintext_after_proceed_is_starttls_injection() {
    for injected in ["<stream:features/>", " ", "x"] {
        let mut h = Harness::new(config());
        h.feed(SERVER_HEADER);
        h.feed("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>");
        h.take_out();
        h.feed(&format!(
            "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>{injected}"
        ));
        let out = h.take_out();
        assert!(
            out.contains("<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"),
            "{out}"
        );
        assert!(out.ends_with("</stream:stream>"));
        assert!(!h.events.contains(&Event::StartTls), "TLS must not start");
        assert!(
            matches!(h.closed_reason(), Some(CloseReason::LocalError(e)) if e.condition == Cond::PolicyViolation)
        );
    }
}

#[test]
fn proceed_alone_then_data_before_handshake_is_refused() {
    let mut h = Harness::new(config());
    h.feed(SERVER_HEADER);
    h.feed(
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>",
    );
    h.feed("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    assert!(h.take_events().contains(&Event::StartTls));
    h.take_out();
    h.feed("<stream:stream>");
    assert!(
        matches!(h.closed_reason(), Some(CloseReason::LocalError(e)) if e.condition == Cond::PolicyViolation)
    );
    assert_eq!(
        h.take_out(),
        "",
        "nothing can be written during the handshake"
    );
}

#[test]
fn tls_established_unasked_is_a_caller_fault() {
    let mut h = Harness::new(config());
    let r = h
        .conn
        .handle_input(h.now, Input::TlsEstablished(external_tls_info()));
    assert_eq!(r, Err(crate::connection::InputError::UnexpectedTls));
    assert!(!h.conn.is_closed());
}

#[test]
fn plain_login_bind_and_online() {
    let mut h = Harness::plaintext();
    h.take_out();
    h.feed(SERVER_HEADER);
    h.feed(PLAIN_FEATURES);
    assert_eq!(
        h.take_out(),
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>"
    );
    // The new stream's header and features arrive in the same read as <success/>: they
    // belong to the restarted stream and are kept (RFC 6120 §6.4.6).
    h.feed(&format!(
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>{SERVER_HEADER}{BIND_FEATURES}"
    ));
    let out = h.take_out();
    assert!(
        out.starts_with("<?xml version='1.0'?><stream:stream "),
        "{out}"
    );
    let id = attr_of(&out, "iq", "id");
    assert!(out.ends_with(&format!(
        "<iq id='{id}' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>"
    )), "{out}");
    h.feed(&bind_result(&id, "juliet@im.example.com/balcony"));
    let jid: crate::Jid = "juliet@im.example.com/balcony".parse().unwrap();
    assert_eq!(
        h.take_events(),
        vec![
            Event::Authenticated {
                mechanism: crate::sasl::Mechanism::Plain,
                channel_binding: None,
            },
            Event::Online { jid: jid.clone() }
        ]
    );
    assert_eq!(h.conn.jid(), Some(&jid));
    assert!(h.conn.is_online() && h.conn.is_authenticated() && !h.conn.is_secure());
}

#[test]
fn plain_is_refused_without_tls_by_default() {
    let cfg = config()
        .with_plain_without_tls(false)
        .with_tls_policy(TlsPolicy::Disabled);
    let mut h = Harness::new(cfg);
    h.feed(SERVER_HEADER);
    h.feed(PLAIN_FEATURES);
    assert!(matches!(
        h.closed_reason(),
        Some(CloseReason::Negotiation(NegotiationError::NoMechanism(_)))
    ));
    assert!(!h.take_out().contains("<auth"));
}

#[test]
fn sasl_failure_surfaces_the_condition() {
    let mut h = Harness::plaintext();
    h.feed(SERVER_HEADER);
    h.feed(PLAIN_FEATURES);
    h.take_out();
    h.feed("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>bad</text></failure>");
    assert_eq!(h.take_out(), "</stream:stream>");
    match h.closed_reason() {
        Some(CloseReason::Negotiation(NegotiationError::SaslFailure(f))) => {
            assert_eq!(f.condition, SaslCondition::NotAuthorized);
            assert_eq!(f.text.as_deref(), Some("bad"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bind_conflict_is_surfaced() {
    let mut h = Harness::plaintext();
    h.feed(SERVER_HEADER);
    h.feed(PLAIN_FEATURES);
    h.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    h.feed(SERVER_HEADER);
    h.take_out();
    h.feed(BIND_FEATURES);
    let id = attr_of(&h.take_out(), "iq", "id");
    h.feed(&format!(
        "<iq id='{id}' type='error'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    ));
    match h.closed_reason() {
        Some(CloseReason::Negotiation(NegotiationError::Bind(e))) => {
            assert_eq!(e.condition, StanzaErrorCondition::Conflict)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.take_out(), "</stream:stream>");
}

#[test]
fn legacy_session_is_requested_when_not_optional() {
    for (features, wants_session) in [
        (
            "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>",
            true,
        ),
        (
            "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>",
            false,
        ),
    ] {
        let mut h = Harness::plaintext();
        h.feed(SERVER_HEADER);
        h.feed(PLAIN_FEATURES);
        h.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        h.feed(SERVER_HEADER);
        h.take_out();
        h.feed(&format!("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>{features}</stream:features>"));
        let id = attr_of(&h.take_out(), "iq", "id");
        h.feed(&bind_result(&id, "juliet@im.example.com/balcony"));
        let out = h.take_out();
        assert_eq!(
            out.contains("<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>"),
            wants_session
        );
        assert_eq!(h.conn.is_online(), !wants_session);
        if wants_session {
            let sid = attr_of(&out, "iq", "id");
            assert_ne!(sid, id);
            h.feed(&format!("<iq type='result' id='{sid}'/>"));
            assert!(h.conn.is_online());
        }
    }
}

#[test]
fn server_header_is_validated() {
    let cases = [
        (
            "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
            Cond::InvalidNamespace,
        ),
        (
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='2.0'>",
            Cond::UnsupportedVersion,
        ),
        (
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
            Cond::UnsupportedVersion,
        ),
        (
            "<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong' version='1.0'>",
            Cond::InvalidNamespace,
        ),
        ("<!DOCTYPE x><stream:stream>", Cond::RestrictedXml),
    ];
    for (header, cond) in cases {
        let mut h = Harness::new(config());
        h.take_out();
        h.feed(header);
        let out = h.take_out();
        assert!(
            out.contains(&format!(
                "<{cond} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            )),
            "{header}: {out}"
        );
        assert!(out.ends_with("</stream:stream>"));
        assert!(
            matches!(h.closed_reason(), Some(CloseReason::LocalError(e)) if e.condition == cond)
        );
    }
}

#[test]
fn unexpected_element_during_negotiation() {
    let mut h = Harness::new(config());
    h.feed(SERVER_HEADER);
    h.take_out();
    h.feed("<message><body>early</body></message>");
    assert!(h.take_out().contains("<unsupported-stanza-type"));
}

#[test]
fn received_stream_error_is_surfaced_and_not_answered_with_an_error() {
    let mut h = Harness::new(config());
    h.feed(SERVER_HEADER);
    h.take_out();
    h.feed("<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[2001:db8::1]:5222</see-other-host><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>moved</text></stream:error>");
    assert_eq!(h.take_out(), "</stream:stream>");
    match h.closed_reason() {
        Some(CloseReason::RemoteError(e)) => {
            assert_eq!(e.condition, Cond::SeeOtherHost);
            assert_eq!(e.see_other_host.as_deref(), Some("[2001:db8::1]:5222"));
            assert_eq!(e.text.as_deref(), Some("moved"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn input_after_close_is_ignored_and_after_eof_refused() {
    let mut h = Harness::new(config());
    h.input(Input::Eof);
    assert_eq!(h.closed_reason(), Some(&CloseReason::Eof));
    // Closed: ignored.
    assert_eq!(h.conn.handle_input(h.now, Input::Data(b"<x/>")), Ok(()));
    assert!(h.take_out().starts_with("<?xml"));
    assert_eq!(h.conn.poll_event(), None);
}

#[test]
fn byte_by_byte_login_matches_whole() {
    let script = [SERVER_HEADER, PLAIN_FEATURES];
    let mut whole = Harness::plaintext();
    let mut bytewise = Harness::plaintext();
    for s in script {
        whole.feed(s);
        bytewise.feed_bytewise(s);
    }
    assert_eq!(whole.take_out(), bytewise.take_out());
}
