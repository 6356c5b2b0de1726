//! SCRAM from the client role, byte-exact against RFC 6120 §9.1.

use super::harness::*;
use crate::connection::{CloseReason, Event, NegotiationError};
use crate::sasl::{Mechanism, SaslClientError};

fn rfc_client() -> Harness {
    let cfg = plain_config()
        .with_plain_without_tls(false)
        .with_mechanisms([Mechanism::ScramSha1])
        .with_scram_nonce("oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA");
    let mut h = Harness::new(cfg);
    h.take_out();
    h.starttls_external(external_tls_info());
    h.take_out();
    h
}

const SASL_FEATURES: &str = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
    <mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>SCRAM-SHA-1</mechanism>\
    <mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const CHALLENGE: &str = "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQWUxMjQ2OTViLTY5YTktNGRlNi05YzMwLWI1MWIzODA4YzU5ZSxzPU5qaGtZVE0wTURndE5HWTBaaTAwTmpkbUxUa3hNbVV0TkRsbU5UTm1ORE5rTURNeixpPTQwOTY=</challenge>";

/// RFC 6120 §9.1.2 steps 8–13 with the RFC's nonce and password: our `<auth/>` and
/// `<response/>` are the RFC's bytes (proof `p=UA57tM/SvpATBkH2FXs0WDXvJYw=`) and its
/// server signature is accepted.
#[test]
fn rfc6120_9_1_scram_sha1_byte_exact() {
    let mut h = rfc_client();
    h.feed(SERVER_HEADER);
    h.feed(SASL_FEATURES);
    assert_eq!(
        h.take_out(),
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>\
         biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==</auth>"
    );
    h.feed_bytewise(CHALLENGE);
    assert_eq!(
        h.take_out(),
        "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
         Yz1iaXdzLHI9b01zVEFBd0FBQUFNQUFBQU5QMFRBQUFBQUFCUFUwQUFlMTI0Njk1Yi02OWE5LTRkZTYtOWMzMC1iNTFiMzgwOGM1OWUscD1VQTU3dE0vU3ZwQVRCa0gyRlhzMFdEWHZKWXc9</response>"
    );
    h.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1wTk5ERlZFUXh1WHhDb1NFaVc4R0VaKzFSU289</success>");
    assert_eq!(
        h.take_events(),
        vec![Event::Authenticated {
            mechanism: Mechanism::ScramSha1,
            channel_binding: None,
        }]
    );
    assert_eq!(
        h.take_out(),
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' from='juliet@im.example.com' \
         to='im.example.com' version='1.0' xml:lang='en'>"
    );
}

#[test]
fn wrong_server_signature_aborts() {
    let mut h = rfc_client();
    h.feed(SERVER_HEADER);
    h.feed(SASL_FEATURES);
    h.feed(CHALLENGE);
    h.take_out();
    // v= of another password.
    h.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE9</success>");
    assert_eq!(h.take_out(), "</stream:stream>");
    assert_eq!(
        h.closed_reason(),
        Some(&CloseReason::Negotiation(NegotiationError::Sasl(
            SaslClientError::ServerSignatureMismatch
        )))
    );
    assert!(!h.conn.is_authenticated());
}

#[test]
fn malformed_challenge_aborts_with_abort() {
    for bad in ["cj1h IGI=", "!!!!", "cj1YWVosbj1mb28="] {
        let mut h = rfc_client();
        h.feed(SERVER_HEADER);
        h.feed(SASL_FEATURES);
        h.take_out();
        h.feed(&format!(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{bad}</challenge>"
        ));
        assert_eq!(
            h.take_out(),
            "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></stream:stream>",
            "{bad}"
        );
        assert!(matches!(
            h.closed_reason(),
            Some(CloseReason::Negotiation(NegotiationError::Sasl(_)))
        ));
    }
}

#[test]
fn close_during_sasl_sends_abort_first() {
    let mut h = rfc_client();
    h.feed(SERVER_HEADER);
    h.feed(SASL_FEATURES);
    h.take_out();
    h.conn.close(h.now);
    h.drain();
    assert_eq!(
        h.take_out(),
        "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></stream:stream>"
    );
}
