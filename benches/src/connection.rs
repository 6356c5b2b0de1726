//! Fixtures for measuring [`xmpp_core::Connection`]: online client and server connections,
//! a scripted server peer (plaintext or raw rustls), a test PKI, and client↔server logins.
//!
//! - [`online_client`] logs a client in against canned server bytes (RFC 6120 §9.1 shape,
//!   PLAIN), either in plaintext (TLS policy `Disabled`, PLAIN allowed) or over embedded
//!   rustls TLS 1.3 after STARTTLS, where the server side is a raw
//!   [`rustls::ServerConnection`] ([`CannedServer`]) that can then
//!   [`seal`](CannedServer::seal) arbitrary stanza bytes into records for the client.
//! - [`login_pair`] runs a full client↔server login between two engines (server questions
//!   answered as a server application would), in plaintext or over in-memory TLS.
//! - [`feed`] pushes bytes into an online connection in reads of a given size, draining
//!   transmits and events after every read like a real drive loop.
//!
//! Time is virtual: every call takes the caller's `now` and never advances it, so no timer
//! fires during a measurement.

use std::io::{Read as _, Write as _};
use std::sync::Arc;
use std::time::Instant;

use rcgen::{
    BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use xmpp_core::sasl::{Mechanism, ScramHash, ScramKeys};
use xmpp_core::{
    AuthAnswer, AuthRequest, BindAnswer, ClientConfig, Connection, Event, Input, ServerConfig,
    TlsPolicy,
};

use crate::{Corpus, PROLOGUE, xmlparser_stanza_spans};

/// The server domain of every fixture.
pub const DOMAIN: &str = "im.example.com";
/// The account's bare JID.
pub const ACCOUNT: &str = "juliet@im.example.com";
/// The full JID the fixtures bind.
pub const FULL_JID: &str = "juliet@im.example.com/balcony";
/// The account's password.
pub const PASSWORD: &str = "r0m30myr0m30";
/// The salt of the stored SCRAM keys.
pub const SALT: &[u8] = b"salt-of-juliet";
/// SCRAM iteration count (RFC 7677's minimum recommendation, and the common default).
pub const SCRAM_ITERATIONS: u32 = 4096;
/// Plaintext bytes per TLS record when [`CannedServer::seal`] encrypts (the TLS maximum).
pub const RECORD_BYTES: usize = 16 * 1024;

const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
const SERVER_HEADER: &str = "<?xml version='1.0'?><stream:stream from='im.example.com' \
     id='bench-stream' version='1.0' xml:lang='en' xmlns='jabber:client' \
     xmlns:stream='http://etherx.jabber.org/streams'>";

/// rustls configurations of one test domain: a fresh CA and an ECDSA P-256 server
/// certificate, TLS 1.3 only, ring provider. Built once per process and shared by every
/// connection (as an application does), so they are not part of any connection's heap.
#[derive(Debug, Clone)]
pub struct Pki {
    /// Trusts only the test CA.
    pub client: Arc<rustls::ClientConfig>,
    /// Presents the server certificate; no client authentication.
    pub server: Arc<rustls::ServerConfig>,
    /// The server's end-entity certificate (DER), for `tls-server-end-point`.
    pub server_cert_der: Vec<u8>,
}

/// Generates the test PKI for [`DOMAIN`] (rcgen, ECDSA P-256 SHA-256).
pub fn pki() -> Pki {
    let alg = &rcgen::PKCS_ECDSA_P256_SHA256;
    let mut ca_params = CertificateParams::new(Vec::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate_for(alg).expect("CA key");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);

    let mut leaf_params = CertificateParams::new(vec![DOMAIN.to_owned()]).expect("leaf params");
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate_for(alg).expect("leaf key");
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions = &[&rustls::version::TLS13];
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_cert.der().clone()).expect("CA is an anchor");
    let client = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("TLS 1.3 with ring")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("TLS 1.3 with ring")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf_cert.der().to_vec())],
            key_der,
        )
        .expect("key matches certificate");
    Pki {
        client: Arc::new(client),
        server: Arc::new(server),
        server_cert_der: leaf_cert.der().to_vec(),
    }
}

/// The stanza part of a corpus (everything after [`PROLOGUE`]): what an online connection
/// receives once the stream is open.
pub fn stanza_bytes(corpus: &Corpus) -> &[u8] {
    corpus
        .bytes
        .strip_prefix(PROLOGUE.as_bytes())
        .expect("corpus starts with the prologue")
}

/// `corpus` with ` from='{from}'` added to every stanza's start tag (stanzas as a server
/// receives them from a client that sets `from` itself, RFC 6120 §8.1.2.1).
pub fn with_from(corpus: &Corpus, from: &str) -> Corpus {
    let text = std::str::from_utf8(&corpus.bytes).expect("corpus is UTF-8");
    let attr = format!(" from='{from}'");
    let spans = xmlparser_stanza_spans(text);
    let mut out = String::with_capacity(text.len() + spans.len() * attr.len());
    let mut copied = 0;
    for span in &spans {
        let name_end = span.start
            + text[span.start..]
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                .expect("start tag ends");
        out.push_str(&text[copied..name_end]);
        out.push_str(&attr);
        copied = name_end;
    }
    out.push_str(&text[copied..]);
    Corpus {
        bytes: out.into_bytes(),
        stanzas: corpus.stanzas,
    }
}

/// Drains `conn`'s transmits into `wire` and its events into `f`; panics on `Closed`.
fn drain(conn: &mut Connection, wire: &mut Vec<u8>, mut f: impl FnMut(Event)) {
    loop {
        while let Some(b) = conn.poll_transmit() {
            wire.extend_from_slice(&b);
        }
        match conn.poll_event() {
            Some(Event::Closed(reason)) => panic!("connection closed: {reason:?}"),
            Some(e) => f(e),
            None => return,
        }
    }
}

/// The server side of [`online_client`]: canned XMPP replies, over a raw rustls server
/// session once the client started TLS. Keep it to [`seal`](Self::seal) more data.
#[derive(Debug)]
pub struct CannedServer {
    tls_config: Option<Arc<rustls::ServerConfig>>,
    tls: Option<rustls::ServerConnection>,
    authenticated: bool,
}

impl CannedServer {
    /// Reacts to the client's plaintext: headers get features by state, `<starttls/>` a
    /// `<proceed/>`, `<auth/>` a `<success/>`, the bind request its result. Returns the
    /// reply and whether TLS starts after it.
    fn respond(&mut self, plain: &str) -> (String, bool) {
        let mut reply = String::new();
        let mut start_tls = false;
        if plain.contains("<stream:stream") {
            reply.push_str(SERVER_HEADER);
            reply.push_str("<stream:features>");
            if self.tls_config.is_some() && self.tls.is_none() {
                reply.push_str(
                    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>",
                );
            } else if !self.authenticated {
                reply.push_str(&format!(
                    "<mechanisms xmlns='{SASL}'><mechanism>PLAIN</mechanism></mechanisms>"
                ));
            } else {
                reply.push_str("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>");
            }
            reply.push_str("</stream:features>");
        }
        if plain.contains("<starttls") {
            reply.push_str("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            start_tls = true;
        }
        if plain.contains("<auth") {
            reply.push_str(&format!("<success xmlns='{SASL}'/>"));
            self.authenticated = true;
        }
        if let Some(at) = plain.find("urn:ietf:params:xml:ns:xmpp-bind") {
            let iq = &plain[..at];
            let iq = &iq[iq.rfind("<iq").expect("bind iq")..];
            let id = iq.split("id='").nth(1).expect("iq id").split('\'').next();
            reply.push_str(&format!(
                "<iq id='{}' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
                 <jid>{FULL_JID}</jid></bind></iq>",
                id.expect("iq id")
            ));
        }
        (reply, start_tls)
    }

    /// Ciphertext (or plaintext) from the client → plaintext.
    fn open(&mut self, wire: &[u8]) -> String {
        let Some(tls) = &mut self.tls else {
            return String::from_utf8(wire.to_vec()).expect("client writes UTF-8");
        };
        let mut input = wire;
        let mut plain = Vec::new();
        while !input.is_empty() {
            tls.read_tls(&mut input).expect("read_tls");
            tls.process_new_packets().expect("client's TLS records");
            let _ = tls.reader().read_to_end(&mut plain);
        }
        String::from_utf8(plain).expect("client writes UTF-8")
    }

    /// Encrypts `plain` for the client in records of up to [`RECORD_BYTES`] (plaintext is
    /// returned as is when the session is not encrypted).
    pub fn seal(&mut self, plain: &[u8]) -> Vec<u8> {
        let Some(tls) = &mut self.tls else {
            return plain.to_vec();
        };
        let mut out = Vec::with_capacity(plain.len() + plain.len() / 512 + 64);
        for record in plain.chunks(RECORD_BYTES) {
            tls.writer()
                .write_all(record)
                .expect("rustls accepts the record");
            while tls.wants_write() {
                tls.write_tls(&mut out).expect("write_tls into a Vec");
            }
        }
        while tls.wants_write() {
            tls.write_tls(&mut out).expect("write_tls into a Vec");
        }
        out
    }
}

/// A client configuration for the fixtures' account: PLAIN only, resource `balcony`;
/// plaintext (TLS policy `Disabled`, PLAIN allowed) without `tls`, embedded rustls with it.
pub fn client_config(
    tls: Option<&Arc<rustls::ClientConfig>>,
    mechanism: Mechanism,
) -> ClientConfig {
    let config = ClientConfig::new(ACCOUNT.parse().expect("account JID"))
        .with_password(PASSWORD)
        .with_resource("balcony")
        .with_mechanisms([mechanism])
        .with_seed_u64(11);
    match tls {
        Some(tls) => config.with_rustls(Arc::clone(tls)),
        None => config
            .with_tls_policy(TlsPolicy::Disabled)
            .with_plain_without_tls(true),
    }
}

/// A client [`Connection`] logged in (PLAIN) against canned server bytes, online and with
/// every output drained; with `tls`, over embedded rustls TLS 1.3 after STARTTLS, the
/// server side being the returned [`CannedServer`]'s raw rustls session.
pub fn online_client(tls: Option<&Pki>, now: Instant) -> (Connection, CannedServer) {
    let mut conn = Connection::client(client_config(tls.map(|p| &p.client), Mechanism::Plain), now);
    let mut server = CannedServer {
        tls_config: tls.map(|p| Arc::clone(&p.server)),
        tls: None,
        authenticated: false,
    };
    let mut online = false;
    for _ in 0..100 {
        let mut wire = Vec::new();
        drain(&mut conn, &mut wire, |e| {
            online |= matches!(e, Event::Online { .. })
        });
        if online {
            assert!(wire.is_empty(), "client wrote after going online");
            return (conn, server);
        }
        let plain = server.open(&wire);
        let (reply, start_tls) = server.respond(&plain);
        let mut to_client = reply.into_bytes();
        if let Some(tls) = &mut server.tls {
            tls.writer().write_all(&to_client).expect("rustls buffers");
            to_client.clear();
            while tls.wants_write() {
                tls.write_tls(&mut to_client).expect("write_tls into a Vec");
            }
        }
        if start_tls {
            let config = server.tls_config.clone().expect("TLS configured");
            server.tls = Some(rustls::ServerConnection::new(config).expect("server session"));
        }
        if !to_client.is_empty() {
            conn.handle_input(now, Input::Data(&to_client))
                .expect("client accepts input");
        }
    }
    panic!("client did not get online");
}

/// Feeds `bytes` to `conn` in reads of `read_size` bytes, draining transmits and events
/// after every read (events are dropped at once, transmitted bytes discarded). Returns the
/// number of `Stanza` and `IqResponse` events; panics if the connection closes.
pub fn feed(conn: &mut Connection, now: Instant, bytes: &[u8], read_size: usize) -> usize {
    let mut stanzas = 0;
    for read in bytes.chunks(read_size) {
        conn.handle_input(now, Input::Data(read))
            .expect("connection accepts input");
        while conn.poll_transmit().is_some() {}
        while let Some(e) = conn.poll_event() {
            match e {
                Event::Stanza(_) | Event::IqResponse { .. } => stanzas += 1,
                Event::Closed(reason) => panic!("connection closed: {reason:?}"),
                _ => {}
            }
        }
    }
    stanzas
}

/// The SCRAM-SHA-256 keys the server application stores for the account (derived once,
/// at registration; a login only looks them up).
pub fn stored_keys() -> ScramKeys {
    ScramKeys::derive(ScramHash::Sha256, PASSWORD, SALT, SCRAM_ITERATIONS).expect("keys")
}

/// A server configuration for [`DOMAIN`]: plaintext (TLS policy `Disabled`, PLAIN allowed)
/// without `tls`, embedded rustls with it.
pub fn server_config(tls: Option<&Pki>) -> ServerConfig {
    let config = ServerConfig::new(DOMAIN).with_seed_u64(22);
    match tls {
        Some(pki) => config.with_rustls(Arc::clone(&pki.server), Some(pki.server_cert_der.clone())),
        None => config
            .with_tls_policy(TlsPolicy::Disabled)
            .with_plain_without_tls(true),
    }
}

/// A full client↔server login between two engines: the client uses `mechanism` (PLAIN or
/// a SCRAM mechanism), over in-memory STARTTLS with `tls`. The server application answers
/// SCRAM with `keys` (cloned, as from a store), PLAIN by comparing the password, and
/// accepts the proposed resource. Returns both connections online with outputs drained.
pub fn login_pair(
    tls: Option<&Pki>,
    mechanism: Mechanism,
    keys: &ScramKeys,
    now: Instant,
) -> (Connection, Connection) {
    let mut client = Connection::client(client_config(tls.map(|p| &p.client), mechanism), now);
    let mut server = Connection::server(server_config(tls), now);
    let (mut client_online, mut server_online) = (false, false);
    let (mut to_server, mut to_client) = (Vec::new(), Vec::new());
    for _ in 0..100 {
        drain(&mut client, &mut to_server, |e| {
            client_online |= matches!(e, Event::Online { .. });
        });
        let mut questions = Vec::new();
        drain(&mut server, &mut to_client, |e| match e {
            Event::Online { .. } => server_online = true,
            Event::AuthRequest(_) | Event::BindRequest { .. } => questions.push(e),
            _ => {}
        });
        for q in questions {
            match q {
                Event::AuthRequest(AuthRequest::Scram { .. }) => server
                    .answer_auth(now, AuthAnswer::Keys(Some(keys.clone())))
                    .expect("answer"),
                Event::AuthRequest(AuthRequest::Plain { username, password }) => {
                    assert!(username == "juliet" && password == PASSWORD);
                    server
                        .answer_auth(now, AuthAnswer::Accept { username: None })
                        .expect("answer");
                }
                Event::BindRequest { proposed, .. } => server
                    .answer_bind(now, BindAnswer::Accept(proposed))
                    .expect("answer"),
                other => panic!("unexpected question {other:?}"),
            }
            drain(&mut server, &mut to_client, |e| {
                server_online |= matches!(e, Event::Online { .. });
            });
        }
        if to_server.is_empty() && to_client.is_empty() {
            if client_online && server_online {
                assert_eq!(client.jid().map(|j| j.as_str()), Some(FULL_JID));
                return (client, server);
            }
            panic!("login stalled");
        }
        if !to_server.is_empty() {
            server
                .handle_input(now, Input::Data(&to_server))
                .expect("server accepts input");
            to_server.clear();
        }
        if !to_client.is_empty() {
            client
                .handle_input(now, Input::Data(&to_client))
                .expect("client accepts input");
            to_client.clear();
        }
    }
    panic!("login did not finish");
}

/// Sends every stanza of `corpus` from `client` to `server` (both online, from
/// [`login_pair`]) with `send_raw`, moving the bytes after each one and draining both
/// sides. Returns the stanza events the server emitted.
pub fn send_through_pair(
    client: &mut Connection,
    server: &mut Connection,
    corpus: &Corpus,
    now: Instant,
) -> usize {
    let text = std::str::from_utf8(&corpus.bytes).expect("corpus is UTF-8");
    let (mut wire, mut back, mut stanzas) = (Vec::new(), Vec::new(), 0);
    for span in xmlparser_stanza_spans(text) {
        client
            .send_raw(now, &text[span])
            .expect("client sends the stanza");
        drain(client, &mut wire, |_| {});
        server
            .handle_input(now, Input::Data(&wire))
            .expect("server accepts input");
        wire.clear();
        drain(server, &mut back, |e| {
            stanzas += usize::from(matches!(e, Event::Stanza(_) | Event::IqResponse { .. }));
        });
        back.clear();
    }
    stanzas
}

/// Which connection of a fixture an idle-heap measurement keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The client: [`online_client`] (PLAIN against canned server bytes).
    Client,
    /// The server: the server side of [`login_pair`] (PLAIN), the client engine dropped.
    Server,
}

/// The heap one idle online connection holds: live bytes after minus before creating it,
/// logging it in and draining its outputs, with every peer, buffer and event of the login
/// freed again inside the measurement (the connection's configuration is built inside
/// too; the rustls configurations in `tls` are shared per process and excluded). With
/// `traffic`, the corpus' stanzas go through the online connection first (1500-byte reads
/// for the client; one `send_raw` per stanza from the client engine for the server), so
/// the figure includes whatever buffers it keeps after a burst.
///
/// Needs [`crate::counting_alloc::CountingAlloc`] as the global allocator.
pub fn idle_heap(side: Side, tls: Option<&Pki>, traffic: Option<&Corpus>, now: Instant) -> i64 {
    // A login outside the measurement first, so lazily initialised statics (rustls, ring)
    // are not counted.
    let keys = stored_keys();
    drop(login_pair(tls, Mechanism::Plain, &keys, now));
    drop(online_client(tls, now));
    let (conn, stats) = crate::counting_alloc::measure(|| match side {
        Side::Client => {
            let (mut conn, mut server) = online_client(tls, now);
            if let Some(corpus) = traffic {
                let sealed = server.seal(stanza_bytes(corpus));
                feed(&mut conn, now, &sealed, 1500);
            }
            conn
        }
        Side::Server => {
            let (mut client, mut server) = login_pair(tls, Mechanism::Plain, &keys, now);
            if let Some(corpus) = traffic {
                send_through_pair(&mut client, &mut server, corpus, now);
            }
            server
        }
    });
    drop(conn);
    stats.live_bytes
}

/// Allocator activity while `bytes` go through the online `conn` in reads of
/// `read_size` ([`feed`]), with the number of stanza events.
///
/// Needs [`crate::counting_alloc::CountingAlloc`] as the global allocator.
pub fn measure_feed(
    conn: &mut Connection,
    now: Instant,
    bytes: &[u8],
    read_size: usize,
) -> (usize, crate::counting_alloc::AllocStats) {
    crate::counting_alloc::measure(|| feed(conn, now, bytes, read_size))
}
