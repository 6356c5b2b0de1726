use sha2::{Digest, Sha256, Sha384};

use super::*;
use crate::tls::test_certs::{KeyAlg, PkiOptions, TestPki, pki, pki_with};
use crate::tls::{ALPN_XMPP_CLIENT, TlsVersion};

const DOMAIN: &str = "example.org";

/// One end of an in-memory TLS link, with the plaintext it has received so far.
struct End {
    tls: TlsLayer,
    received: Vec<u8>,
}

fn pair(pki: &TestPki, server_name: &str) -> (End, End) {
    let client = TlsLayer::client(pki.client.clone(), server_name).expect("client");
    let server =
        TlsLayer::server(pki.server.clone(), Some(pki.server_cert_der.clone())).expect("server");
    (
        End {
            tls: client,
            received: Vec::new(),
        },
        End {
            tls: server,
            received: Vec::new(),
        },
    )
}

/// Moves ciphertext `from` → `to` in pieces of at most `chunk` bytes.
fn transfer(from: &mut End, to: &mut End, chunk: usize) -> Result<bool, TlsError> {
    let mut wire = Vec::new();
    from.tls.take_ciphertext(&mut wire);
    for piece in wire.chunks(chunk) {
        to.tls.receive(piece, &mut to.received)?;
    }
    Ok(!wire.is_empty())
}

/// Shuttles ciphertext both ways until both sides are quiet. The error is tagged with the
/// side that detected it.
fn pump(client: &mut End, server: &mut End, chunk: usize) -> Result<(), (&'static str, TlsError)> {
    loop {
        let a = transfer(client, server, chunk).map_err(|e| ("server", e))?;
        let b = transfer(server, client, chunk).map_err(|e| ("client", e))?;
        if !a && !b {
            return Ok(());
        }
    }
}

fn handshake(pki: &TestPki, chunk: usize) -> (End, End) {
    let (mut client, mut server) = pair(pki, DOMAIN);
    assert!(client.tls.is_handshaking() && server.tls.is_handshaking());
    assert!(client.tls.info().is_none());
    pump(&mut client, &mut server, chunk).expect("handshake");
    assert!(!client.tls.is_handshaking() && !server.tls.is_handshaking());
    (client, server)
}

fn check_session(version: TlsVersion, chunk: usize) {
    let pki = pki(DOMAIN, Some(version));
    let (mut client, mut server) = handshake(&pki, chunk);

    let ci = client.tls.info().expect("client info");
    let si = server.tls.info().expect("server info");
    assert_eq!(ci.version, version);
    assert_eq!(si.version, version);
    assert_eq!(ci.channel_binding, si.channel_binding);
    let expected = Sha256::digest(&pki.server_cert_der).to_vec();
    assert_eq!(ci.channel_binding.tls_server_end_point, Some(expected));
    match version {
        TlsVersion::Tls13 => {
            let exporter = ci.channel_binding.tls_exporter.as_ref().expect("exporter");
            assert_eq!(exporter.len(), 32);
        }
        TlsVersion::Tls12 => assert_eq!(ci.channel_binding.tls_exporter, None),
    }
    assert_eq!(ci.peer_certificates, vec![pki.server_cert_der.clone()]);
    assert_ne!(pki.ca_cert_der, pki.server_cert_der);
    assert!(si.peer_certificates.is_empty());
    assert_eq!((ci.alpn, si.alpn), (None, None));

    client.tls.send(b"<stream:stream>").expect("send");
    server.tls.send(b"<stream:stream id='1'>").expect("send");
    pump(&mut client, &mut server, chunk).expect("data");
    assert_eq!(server.received, b"<stream:stream>");
    assert_eq!(client.received, b"<stream:stream id='1'>");
}

#[test]
fn tls13_byte_at_a_time() {
    check_session(TlsVersion::Tls13, 1);
}

#[test]
fn tls13_large_chunks() {
    check_session(TlsVersion::Tls13, usize::MAX);
}

#[test]
fn tls12_byte_at_a_time() {
    check_session(TlsVersion::Tls12, 1);
}

#[test]
fn tls12_large_chunks() {
    check_session(TlsVersion::Tls12, usize::MAX);
}

#[test]
fn tls13_preferred_when_both_allowed() {
    let pki = pki(DOMAIN, None);
    let (client, _server) = handshake(&pki, 4096);
    assert!(client.tls.info().expect("info").is_tls13());
}

#[test]
fn exporter_differs_between_sessions() {
    let pki = pki(DOMAIN, Some(TlsVersion::Tls13));
    let (a, _) = handshake(&pki, usize::MAX);
    let (b, _) = handshake(&pki, usize::MAX);
    let ea = a.tls.info().expect("info").channel_binding.tls_exporter;
    let eb = b.tls.info().expect("info").channel_binding.tls_exporter;
    assert_ne!(ea, eb);
}

#[test]
fn end_point_follows_certificate_signature_hash() {
    let p384 = pki_with(
        DOMAIN,
        &PkiOptions {
            key: KeyAlg::EcdsaP384,
            ..PkiOptions::default()
        },
    );
    let (client, server) = handshake(&p384, usize::MAX);
    let expected = Some(Sha384::digest(&p384.server_cert_der).to_vec());
    let ci = client.tls.info().expect("info");
    assert_eq!(ci.channel_binding.tls_server_end_point, expected);
    assert_eq!(
        server.tls.info().expect("info").channel_binding,
        ci.channel_binding
    );

    // Ed25519: undefined by RFC 5929 §4.1, but tls-exporter still works on TLS 1.3.
    let ed = pki_with(
        DOMAIN,
        &PkiOptions {
            key: KeyAlg::Ed25519,
            version: Some(TlsVersion::Tls13),
            ..PkiOptions::default()
        },
    );
    let (client, server) = handshake(&ed, usize::MAX);
    let ci = client.tls.info().expect("info");
    assert_eq!(ci.channel_binding.tls_server_end_point, None);
    assert!(ci.channel_binding.tls_exporter.is_some());
    assert_eq!(
        server.tls.info().expect("info").channel_binding,
        ci.channel_binding
    );
}

#[test]
fn server_without_own_certificate_has_no_end_point() {
    let pki = pki(DOMAIN, Some(TlsVersion::Tls13));
    let mut client = End {
        tls: TlsLayer::client(pki.client.clone(), DOMAIN).expect("client"),
        received: Vec::new(),
    };
    let mut server = End {
        tls: TlsLayer::server(pki.server.clone(), None).expect("server"),
        received: Vec::new(),
    };
    pump(&mut client, &mut server, usize::MAX).expect("handshake");
    let si = server.tls.info().expect("info");
    assert_eq!(si.channel_binding.tls_server_end_point, None);
    assert!(si.channel_binding.tls_exporter.is_some());
}

#[test]
fn alpn_is_reported() {
    let pki = pki_with(
        DOMAIN,
        &PkiOptions {
            client_alpn: vec![ALPN_XMPP_CLIENT.to_vec()],
            server_alpn: vec![b"xmpp-server".to_vec(), ALPN_XMPP_CLIENT.to_vec()],
            ..PkiOptions::default()
        },
    );
    let (client, server) = handshake(&pki, usize::MAX);
    assert_eq!(
        client.tls.info().expect("info").alpn.as_deref(),
        Some(ALPN_XMPP_CLIENT)
    );
    assert_eq!(
        server.tls.info().expect("info").alpn.as_deref(),
        Some(ALPN_XMPP_CLIENT)
    );
}

#[test]
fn wrong_server_name_fails_cleanly() {
    let pki = pki(DOMAIN, None);
    let (mut client, mut server) = pair(&pki, "other.example");
    let (side, err) = pump(&mut client, &mut server, usize::MAX).expect_err("must fail");
    assert_eq!(side, "client");
    assert_eq!(err.kind(), TlsErrorKind::Certificate, "{err}");
    assert!(client.tls.info().is_none());
    // The same error again, and the alert reaches the server.
    assert_eq!(client.tls.receive(b"x", &mut Vec::new()), Err(err.clone()));
    assert_eq!(client.tls.send(b"x"), Err(err));
    let alert = transfer(&mut client, &mut server, usize::MAX).expect_err("alert");
    assert_eq!(alert.kind(), TlsErrorKind::Alert, "{alert}");
}

#[test]
fn untrusted_certificate_fails() {
    let trusted = pki(DOMAIN, None);
    let other = pki(DOMAIN, None);
    let mut client = End {
        tls: TlsLayer::client(other.client.clone(), DOMAIN).expect("client"),
        received: Vec::new(),
    };
    let mut server = End {
        tls: TlsLayer::server(trusted.server.clone(), None).expect("server"),
        received: Vec::new(),
    };
    let (_, err) = pump(&mut client, &mut server, 7).expect_err("must fail");
    assert_eq!(err.kind(), TlsErrorKind::Certificate, "{err}");
}

#[test]
fn invalid_server_name_is_config_error() {
    let pki = pki(DOMAIN, None);
    for name in ["", "not a name", "exa mple.org"] {
        let err = TlsLayer::client(pki.client.clone(), name).expect_err(name);
        assert_eq!(err.kind(), TlsErrorKind::Config);
    }
    // IP addresses are valid server names.
    assert!(TlsLayer::client(pki.client.clone(), "192.0.2.1").is_ok());
}

#[test]
fn garbage_ciphertext_fails_cleanly() {
    let pki = pki(DOMAIN, None);
    let (_client, mut server) = pair(&pki, DOMAIN);
    let garbage = b"<?xml version='1.0'?><stream:stream to='example.org'>";
    let err = server
        .tls
        .receive(garbage, &mut server.received)
        .expect_err("garbage");
    assert!(!err.message().is_empty());
    assert_eq!(server.tls.receive(b"more", &mut Vec::new()), Err(err));

    // A record header with an absurd length, then garbage mid-session.
    let (mut c2, _s2) = handshake(&pki, usize::MAX);
    let bad = [0x17, 0x03, 0x03, 0xff, 0xff, 0, 0, 0];
    assert!(c2.tls.receive(&bad, &mut c2.received).is_err());
    let mut noise = vec![0x17, 0x03, 0x03, 0x00, 0x40];
    noise.extend([0x5a; 0x40]);
    let (mut c3, _s3) = handshake(&pki, usize::MAX);
    let err = c3
        .tls
        .receive(&noise, &mut c3.received)
        .expect_err("undecryptable");
    assert_eq!(err.kind(), TlsErrorKind::Protocol, "{err}");
    assert!(c3.received.is_empty());
}

#[test]
fn close_notify_reaches_peer() {
    let pki = pki(DOMAIN, None);
    let (mut client, mut server) = handshake(&pki, usize::MAX);
    client.tls.send(b"</stream:stream>").expect("send");
    client.tls.close_notify();
    assert!(!server.tls.peer_closed());
    let mut wire = Vec::new();
    client.tls.take_ciphertext(&mut wire);
    wire.extend_from_slice(b"ignored trailing bytes");
    server
        .tls
        .receive(&wire, &mut server.received)
        .expect("receive");
    assert_eq!(server.received, b"</stream:stream>");
    assert!(server.tls.peer_closed());
    assert!(!client.tls.peer_closed());
    // Further input is ignored, not an error.
    server
        .tls
        .receive(b"more", &mut server.received)
        .expect("after close");
    assert_eq!(server.received, b"</stream:stream>");
    // Nothing may be sent after our own close_notify, but receiving still works.
    let err = client.tls.send(b"late").expect_err("closed");
    assert_eq!(err.kind(), TlsErrorKind::Closed);
    server.tls.send(b"bye").expect("server may still send");
    server.tls.close_notify();
    transfer(&mut server, &mut client, usize::MAX).expect("receive after own close");
    assert_eq!(client.received, b"bye");
    assert!(client.tls.peer_closed());
}

#[test]
fn data_before_a_bad_record_is_delivered() {
    let pki = pki(DOMAIN, None);
    let (mut client, mut server) = handshake(&pki, usize::MAX);
    client.tls.send(b"<presence/>").expect("send");
    let mut wire = Vec::new();
    client.tls.take_ciphertext(&mut wire);
    wire.extend_from_slice(&[0x17, 0x03, 0x03, 0x00, 0x20]);
    wire.extend([0xee; 0x20]);
    let err = server
        .tls
        .receive(&wire, &mut server.received)
        .expect_err("bad record");
    assert_eq!(err.kind(), TlsErrorKind::Protocol, "{err}");
    assert_eq!(server.received, b"<presence/>");
    // The server queued a fatal alert for the client.
    let alert = transfer(&mut server, &mut client, usize::MAX).expect_err("alert");
    assert_eq!(alert.kind(), TlsErrorKind::Alert, "{alert}");
}

#[test]
fn megabyte_transfer_drains_plaintext() {
    let pki = pki(DOMAIN, None);
    let (mut client, mut server) = pair(&pki, DOMAIN);
    let payload: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    // Queued before the handshake completes, beyond rustls's default 64 KiB buffer limit.
    client.tls.send(&payload).expect("send before handshake");
    pump(&mut client, &mut server, usize::MAX).expect("transfer");
    assert_eq!(server.received.len(), payload.len());
    assert!(server.received == payload);

    // And the other way, all ciphertext delivered in one slice.
    server.tls.send(&payload).expect("send");
    let mut wire = Vec::new();
    server.tls.take_ciphertext(&mut wire);
    assert!(wire.len() > payload.len());
    client
        .tls
        .receive(&wire, &mut client.received)
        .expect("receive");
    assert!(client.received == payload);
    assert!(!client.tls.wants_write());
}
