//! The receiving entity against scripted client bytes: RFC 6120 §9.1 from the server's
//! side byte-exact, and hostile input at every negotiation stage.

use std::time::Instant;

use crate::connection::{
    AuthAnswer, AuthRequest, BindAnswer, CloseReason, Connection, Event, Input, ServerConfig,
    TlsPolicy,
};
use crate::error::StreamErrorCondition as Cond;
use crate::sasl::{Mechanism, ScramHash, ScramKeys};
use crate::tls::{ChannelBindingData, TlsInfo, TlsVersion};

const CLIENT_HEADER: &str = "<?xml version='1.0'?><stream:stream from='juliet@im.example.com' \
    to='im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams'>";

struct Server {
    conn: Connection,
    now: Instant,
    out: Vec<u8>,
    events: Vec<Event>,
}

impl Server {
    fn new(config: ServerConfig) -> Self {
        let now = crate::test_util::epoch();
        Server {
            conn: Connection::server(config, now),
            now,
            out: Vec::new(),
            events: Vec::new(),
        }
    }

    fn feed(&mut self, s: &str) {
        self.conn
            .handle_input(self.now, Input::Data(s.as_bytes()))
            .unwrap();
        self.drain();
    }

    fn feed_bytes(&mut self, b: &[u8]) {
        self.conn.handle_input(self.now, Input::Data(b)).unwrap();
        self.drain();
    }

    fn drain(&mut self) {
        while let Some(b) = self.conn.poll_transmit() {
            self.out.extend_from_slice(&b);
        }
        while let Some(e) = self.conn.poll_event() {
            self.events.push(e);
        }
    }

    fn take_out(&mut self) -> String {
        String::from_utf8(std::mem::take(&mut self.out)).unwrap()
    }

    fn closed(&self) -> Option<&CloseReason> {
        self.events.iter().find_map(|e| {
            if let Event::Closed(r) = e {
                Some(r)
            } else {
                None
            }
        })
    }

    fn assert_stream_error(&mut self, cond: Cond) {
        let out = self.take_out();
        assert!(
            out.contains(&format!(
                "<{cond} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            )),
            "{cond}: {out}"
        );
        assert!(out.ends_with("</stream:stream>"), "{out}");
        assert!(
            matches!(self.closed(), Some(CloseReason::LocalError(e)) if e.condition == cond),
            "{:?}",
            self.events
        );
    }

    /// Up to online over external "TLS" and PLAIN.
    fn online() -> Self {
        let mut s = Server::new(ServerConfig::new("im.example.com").with_seed_u64(3));
        s.feed(CLIENT_HEADER);
        s.feed("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        s.conn
            .handle_input(s.now, Input::TlsEstablished(tls_info()))
            .unwrap();
        s.feed(CLIENT_HEADER);
        s.feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>");
        s.conn
            .answer_auth(s.now, AuthAnswer::Accept { username: None })
            .unwrap();
        s.feed(CLIENT_HEADER);
        s.feed("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>");
        s.conn
            .answer_bind(s.now, BindAnswer::Accept("balcony".into()))
            .unwrap();
        s.drain();
        s.take_out();
        s.events.clear();
        assert!(s.conn.is_online());
        s
    }
}

fn tls_info() -> TlsInfo {
    TlsInfo {
        version: TlsVersion::Tls13,
        channel_binding: ChannelBindingData::default(),
        peer_certificates: Vec::new(),
        alpn: None,
    }
}

/// RFC 6120 §9.1 from the server's side with the RFC's stream ids, salt, iteration count
/// and server nonce: our challenge and success are the RFC's bytes.
#[test]
fn rfc6120_9_1_server_side_byte_exact() {
    let config = ServerConfig::new("im.example.com")
        .with_mechanisms([
            Mechanism::ScramSha1Plus,
            Mechanism::ScramSha1,
            Mechanism::Plain,
        ])
        .with_stream_ids([
            "t7AMCin9zjMNwQKDnplntZPIDEI=",
            "vgKi/bkYME8OAj4rlXMkpucAqe4=",
            "gPybzaOzBmaADgxKXu9UClbprp0=",
        ])
        .with_scram_nonce("e124695b-69a9-4de6-9c30-b51b3808c59e");
    let mut s = Server::new(config);
    s.feed(CLIENT_HEADER);
    assert_eq!(
        s.take_out(),
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' from='im.example.com' \
         to='juliet@im.example.com' id='t7AMCin9zjMNwQKDnplntZPIDEI=' version='1.0' xml:lang='en'>\
         <stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"
    );
    s.feed("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    assert_eq!(
        s.take_out(),
        "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
    );
    assert_eq!(s.events, vec![Event::StartTls]);
    // The RFC's TLS offers SCRAM-SHA-1-PLUS; give this session tls-server-end-point data.
    let mut info = tls_info();
    info.channel_binding.tls_server_end_point = Some(vec![1; 32]);
    s.conn
        .handle_input(s.now, Input::TlsEstablished(info))
        .unwrap();
    s.drain();
    s.feed(CLIENT_HEADER);
    let out = s.take_out();
    assert!(out.contains("id='vgKi/bkYME8OAj4rlXMkpucAqe4='"));
    assert!(out.contains(
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1-PLUS</mechanism>\
         <mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms>"
    ), "{out}");
    s.feed("<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"SCRAM-SHA-1\">biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==</auth>");
    assert!(
        matches!(&s.events[..], [.., Event::AuthRequest(AuthRequest::Scram { username, .. })] if username == "juliet")
    );
    let salt = b"68da3408-4f4f-467f-912e-49f53f43d033";
    let keys = ScramKeys::derive(ScramHash::Sha1, "r0m30myr0m30", salt, 4096).unwrap();
    s.conn
        .answer_auth(s.now, AuthAnswer::Keys(Some(keys)))
        .unwrap();
    s.drain();
    assert_eq!(
        s.take_out(),
        "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQWUxMjQ2OTViLTY5YTktNGRlNi05YzMwLWI1MWIzODA4YzU5ZSxzPU5qaGtZVE0wTURndE5HWTBaaTAwTmpkbUxUa3hNbVV0TkRsbU5UTm1ORE5rTURNeixpPTQwOTY=</challenge>"
    );
    s.feed("<response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">Yz1iaXdzLHI9b01zVEFBd0FBQUFNQUFBQU5QMFRBQUFBQUFCUFUwQUFlMTI0Njk1Yi02OWE5LTRkZTYtOWMzMC1iNTFiMzgwOGM1OWUscD1VQTU3dE0vU3ZwQVRCa0gyRlhzMFdEWHZKWXc9</response>");
    assert_eq!(
        s.take_out(),
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1wTk5ERlZFUXh1WHhDb1NFaVc4R0VaKzFSU289</success>"
    );
    s.feed(CLIENT_HEADER);
    let out = s.take_out();
    assert!(out.contains("id='gPybzaOzBmaADgxKXu9UClbprp0='"));
    assert!(out.ends_with("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></stream:features>"), "{out}");
    s.feed("<iq id='yhc13a95' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>");
    assert!(
        s.events
            .iter()
            .any(|e| matches!(e, Event::BindRequest { proposed, .. } if proposed == "balcony"))
    );
    s.conn
        .answer_bind(s.now, BindAnswer::Accept("balcony".into()))
        .unwrap();
    s.drain();
    assert_eq!(
        s.take_out(),
        "<iq id='yhc13a95' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@im.example.com/balcony</jid></bind></iq>"
    );
    assert!(s.conn.is_online());
}

#[test]
fn header_errors_send_our_header_first() {
    let cases = [
        (
            "<stream:stream to='other.example' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
            Cond::HostUnknown,
        ),
        (
            "<stream:stream to='im.example.com' version='1.0' xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>",
            Cond::InvalidNamespace,
        ),
        (
            "<stream:stream to='im.example.com' version='2.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
            Cond::UnsupportedVersion,
        ),
        (
            "<stream:stream to='im.example.com' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
            Cond::UnsupportedVersion,
        ),
        (
            "<stream:stream to='im.example.com' version='1.0' xmlns='jabber:client' xmlns:stream='urn:not-streams'>",
            Cond::InvalidNamespace,
        ),
        (
            "<?xml version='1.0'?><!-- hi --><stream:stream>",
            Cond::RestrictedXml,
        ),
    ];
    for (header, cond) in cases {
        let mut s = Server::new(ServerConfig::new("im.example.com"));
        s.feed(header);
        let out = s.out.clone();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("<?xml version='1.0'?><stream:stream "),
            "{header}"
        );
        s.assert_stream_error(cond);
    }
}

#[test]
fn tolerates_what_real_clients_send() {
    // No XML declaration, no from, newlines between elements (go-sendxmpp), from on the
    // initial header (sendxmpp).
    for header in [
        "<stream:stream to='im.example.com' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>\n",
        CLIENT_HEADER,
    ] {
        let mut s = Server::new(ServerConfig::new("im.example.com"));
        s.feed(header);
        s.feed("\n<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        assert!(
            s.take_out()
                .ends_with("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        );
        assert!(s.closed().is_none());
    }
}

#[test]
fn whitespace_after_starttls_is_not_injection() {
    // go-sendxmpp writes `<starttls .../>\n` in one piece, then waits for <proceed/>.
    let mut s = Server::new(ServerConfig::new("im.example.com"));
    s.feed(CLIENT_HEADER);
    s.take_out();
    s.feed("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n \r\n");
    assert_eq!(
        s.take_out(),
        "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
    );
    assert!(s.events.contains(&Event::StartTls), "{:?}", s.events);
    assert!(s.closed().is_none());
    s.conn
        .handle_input(s.now, Input::TlsEstablished(tls_info()))
        .unwrap();
    // The new stream starts clean (CLIENT_HEADER starts with an XML declaration).
    s.feed(CLIENT_HEADER);
    let out = s.take_out();
    assert!(out.contains("<mechanisms"), "{out}");
    assert!(s.closed().is_none());
}

#[test]
fn tls_client_hello_on_the_starttls_port_gets_a_stream_error() {
    let mut s = Server::new(ServerConfig::new("im.example.com"));
    s.feed_bytes(&[
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
    ]);
    let out = s.take_out();
    assert!(
        out.starts_with("<?xml version='1.0'?><stream:stream "),
        "{out}"
    );
    assert!(
        out.contains("<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"),
        "{out}"
    );
    assert!(out.ends_with("</stream:stream>"));
}

#[test]
fn stanzas_before_negotiation_are_not_authorized() {
    let mut s = Server::new(ServerConfig::new("im.example.com"));
    s.feed(CLIENT_HEADER);
    s.take_out();
    s.feed("<message to='romeo@example.net'><body>hi</body></message>");
    s.assert_stream_error(Cond::NotAuthorized);
}

#[test]
fn unknown_top_level_element() {
    let mut s = Server::new(ServerConfig::new("im.example.com"));
    s.feed(CLIENT_HEADER);
    s.take_out();
    s.feed("<foo xmlns='urn:example'/>");
    s.assert_stream_error(Cond::UnsupportedStanzaType);
}

#[test]
fn pipelined_data_after_starttls_is_refused() {
    let mut s = Server::new(ServerConfig::new("im.example.com"));
    s.feed(CLIENT_HEADER);
    s.feed("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>");
    assert!(!s.events.contains(&Event::StartTls));
    s.assert_stream_error(Cond::PolicyViolation);
}

#[test]
fn auth_before_tls_is_encryption_required_and_attempts_are_limited() {
    let config = ServerConfig::new("im.example.com")
        .with_tls_policy(TlsPolicy::Optional)
        .with_max_auth_attempts(3);
    let mut s = Server::new(config);
    s.feed(CLIENT_HEADER);
    let out = s.take_out();
    assert!(
        !out.contains(">PLAIN<"),
        "PLAIN is not offered in plaintext: {out}"
    );
    s.feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAB4</auth>");
    assert_eq!(
        s.take_out(),
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><encryption-required/></failure>"
    );
    s.feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-UNKNOWN'/>");
    assert_eq!(
        s.take_out(),
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><invalid-mechanism/></failure>"
    );
    s.feed(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>not base64!</auth>",
    );
    let out = s.take_out();
    assert!(
        out.starts_with(
            "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><incorrect-encoding/></failure>"
        ),
        "{out}"
    );
    s.out = out.into_bytes();
    s.assert_stream_error(Cond::PolicyViolation);
}

#[test]
fn scram_malformed_and_downgrade() {
    // `y` while the server offered -PLUS: a stripped offer (RFC 5802 §6).
    let config = ServerConfig::new("im.example.com").with_tls_policy(TlsPolicy::Disabled);
    let mut s = Server::new(config);
    s.feed(CLIENT_HEADER);
    s.take_out();
    // "y,,n=juliet,r=abc" — no -PLUS offered in plaintext, so `y` is fine here.
    s.feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>eSwsbj1qdWxpZXQscj1hYmM=</auth>");
    assert!(matches!(s.events.last(), Some(Event::AuthRequest(_))));

    let mut s = Server::new(ServerConfig::new("im.example.com"));
    s.feed(CLIENT_HEADER);
    s.feed("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    let mut info = tls_info();
    info.channel_binding.tls_exporter = Some(vec![7; 32]);
    s.conn
        .handle_input(s.now, Input::TlsEstablished(info))
        .unwrap();
    s.feed(CLIENT_HEADER);
    assert!(s.take_out().contains("SCRAM-SHA-512-PLUS"));
    s.feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>eSwsbj1qdWxpZXQscj1hYmM=</auth>");
    // Detected at client-first: `y` although -PLUS was offered (RFC 5802 §6).
    assert_eq!(
        s.take_out(),
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>"
    );
    assert!(!s.events.iter().any(|e| matches!(e, Event::AuthRequest(_))));
    assert!(!s.conn.is_authenticated());
}

#[test]
fn online_from_is_enforced_and_stamped() {
    let mut s = Server::online();
    s.feed("<message to='romeo@example.net'><body>hi</body></message>");
    match s.events.last() {
        Some(Event::Stanza(el)) => {
            assert_eq!(
                el.as_str(),
                "<message from='juliet@im.example.com/balcony' to='romeo@example.net'><body>hi</body></message>"
            )
        }
        other => panic!("{other:?}"),
    }
    s.feed("<presence from='juliet@im.example.com'/>");
    assert!(matches!(s.events.last(), Some(Event::Stanza(_))));
    s.feed("<message from='romeo@example.net/orchard' to='juliet@im.example.com'/>");
    s.assert_stream_error(Cond::InvalidFrom);
}

#[test]
fn online_invalid_to_bounces_jid_malformed_and_pings_are_answered() {
    let mut s = Server::online();
    s.feed("<message id='m1' to='@bad'><body>x</body></message>");
    let out = s.take_out();
    assert!(
        out.contains("type='error'") && out.contains("<jid-malformed"),
        "{out}"
    );
    s.feed("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
    assert_eq!(
        s.take_out(),
        "<iq id='p1' type='result' from='im.example.com' to='juliet@im.example.com/balcony'/>"
    );
}

#[test]
fn input_is_held_while_the_application_decides() {
    let mut s = Server::new(
        ServerConfig::new("im.example.com")
            .with_tls_policy(TlsPolicy::Disabled)
            .with_plain_without_tls(true),
    );
    s.feed(CLIENT_HEADER);
    s.take_out();
    // Auth and the next stream header in one read (pipelining).
    s.feed(&format!("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>{CLIENT_HEADER}"));
    assert!(!s.conn.wants_read());
    assert_eq!(s.take_out(), "");
    s.conn
        .answer_auth(s.now, AuthAnswer::Accept { username: None })
        .unwrap();
    s.drain();
    let out = s.take_out();
    assert!(
        out.starts_with("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/><?xml"),
        "{out}"
    );
    assert!(out.contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"));
    assert!(s.conn.wants_read());
    assert_eq!(
        s.conn
            .answer_auth(s.now, AuthAnswer::Accept { username: None }),
        Err(crate::connection::AnswerError::NotAsked)
    );
}

#[test]
fn external_authenticates_from_the_client_certificate() {
    let config = ServerConfig::new("im.example.com")
        .with_mechanisms([Mechanism::External, Mechanism::ScramSha256]);
    let mut s = Server::new(config);
    s.feed(CLIENT_HEADER);
    s.feed("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    let mut info = tls_info();
    info.peer_certificates = vec![vec![0x30, 0x03, 0x02, 0x01, 0x01]];
    s.conn
        .handle_input(s.now, Input::TlsEstablished(info))
        .unwrap();
    s.feed(CLIENT_HEADER);
    assert!(s.take_out().contains("<mechanism>EXTERNAL</mechanism>"));
    s.feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>=</auth>");
    match s.events.last() {
        Some(Event::AuthRequest(AuthRequest::External {
            authzid: None,
            peer_certificates,
        })) => {
            assert_eq!(peer_certificates.len(), 1)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.conn
            .answer_auth(s.now, AuthAnswer::Accept { username: None }),
        Err(crate::connection::AnswerError::Mismatch),
        "EXTERNAL needs the account named"
    );
    s.conn
        .answer_auth(
            s.now,
            AuthAnswer::Accept {
                username: Some("juliet".into()),
            },
        )
        .unwrap();
    s.drain();
    assert_eq!(
        s.take_out(),
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
    );
    assert!(s.conn.is_authenticated());
}

#[test]
fn rejections_carry_the_applications_condition() {
    use crate::sasl::SaslCondition;
    for cond in [
        SaslCondition::AccountDisabled,
        SaslCondition::CredentialsExpired,
        SaslCondition::TemporaryAuthFailure,
        SaslCondition::MechanismTooWeak,
    ] {
        let config = ServerConfig::new("im.example.com")
            .with_tls_policy(TlsPolicy::Disabled)
            .with_plain_without_tls(true);
        let mut s = Server::new(config);
        s.feed(CLIENT_HEADER);
        s.take_out();
        s.feed(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAB4</auth>",
        );
        s.conn.answer_auth(s.now, AuthAnswer::Reject(cond)).unwrap();
        s.drain();
        assert_eq!(
            s.take_out(),
            format!("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><{cond}/></failure>")
        );
        // Another try is allowed.
        s.feed("<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        s.assert_stream_error(Cond::PolicyViolation);
    }
}

#[test]
fn invalid_authzid_is_refused() {
    let config = ServerConfig::new("im.example.com")
        .with_tls_policy(TlsPolicy::Disabled)
        .with_plain_without_tls(true);
    let mut s = Server::new(config);
    s.feed(CLIENT_HEADER);
    s.take_out();
    // authzid romeo@im.example.com, authcid juliet
    s.feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>cm9tZW9AaW0uZXhhbXBsZS5jb20AanVsaWV0AHg=</auth>");
    assert_eq!(
        s.take_out(),
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><invalid-authzid/></failure>"
    );
}

/// Hostile input at every negotiation stage ends in a stream error, never a panic, and
/// nothing after the close.
#[test]
fn hostile_input_at_every_stage() {
    let stages: &[&[&str]] = &[
        &[],
        &[CLIENT_HEADER],
        &[
            CLIENT_HEADER,
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>",
        ],
        &[
            CLIENT_HEADER,
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>biwsbj1qdWxpZXQscj1hYmM=</auth>",
        ],
    ];
    let hostile = [
        ("<a><b></a>", Cond::NotWellFormed),
        ("<!DOCTYPE x>", Cond::RestrictedXml),
        ("<?pi x?>", Cond::RestrictedXml),
        ("<x>&ent;</x>", Cond::RestrictedXml),
        ("<x a='1' a='2'/>", Cond::NotWellFormed),
        ("<x>\u{0}</x>", Cond::NotWellFormed),
    ];
    for (i, stage) in stages.iter().enumerate() {
        for (bad, cond) in hostile {
            let config = ServerConfig::new("im.example.com")
                .with_tls_policy(TlsPolicy::Disabled)
                .with_plain_without_tls(true);
            let mut s = Server::new(config);
            for step in *stage {
                s.feed(step);
            }
            if let Some(Event::AuthRequest(req)) = s.events.last().cloned() {
                let answer = match req {
                    AuthRequest::Scram { .. } => AuthAnswer::Keys(None),
                    _ => AuthAnswer::Accept { username: None },
                };
                s.conn.answer_auth(s.now, answer).unwrap();
                s.drain();
            }
            s.take_out();
            s.feed(bad);
            let out = s.take_out();
            // Where a stream header is expected (before the first, after SASL success) the
            // element is taken as the header, which is in no namespace: `invalid-namespace`
            // unless the tag itself is malformed first.
            let header_expected = i == 0 || i == 2;
            let ok = matches!(s.closed(), Some(CloseReason::LocalError(e))
                if e.condition == cond || (header_expected && e.condition == Cond::InvalidNamespace));
            assert!(ok, "stage {i} {bad:?}: {:?} {out}", s.closed());
            assert!(
                out.ends_with("</stream:stream>"),
                "stage {i} {bad:?}: {out}"
            );
            s.feed("<message/>");
            assert_eq!(s.take_out(), "");
        }
    }
}

#[test]
fn refused_header_still_names_the_client() {
    let mut s = Server::new(ServerConfig::new("im.example.com"));
    s.feed("<?xml version='1.0'?><stream:stream from='juliet@im.example.com' to='im.example.com' version='11.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
    let out = s.take_out();
    assert!(out.contains("to='juliet@im.example.com'"), "{out}");
}

/// go-sendxmpp writes `<starttls/>\n`; if the line break arrives in a read of its own
/// after `<proceed/>`, the embedded TLS layer must not take it for a record.
#[cfg(feature = "rustls")]
#[test]
fn line_break_before_the_client_hello_is_skipped() {
    use crate::tls::TlsLayer;
    use crate::tls::test_certs::pki;
    let pki = pki("im.example.com", None);
    let config = ServerConfig::new("im.example.com")
        .with_rustls(pki.server.clone(), Some(pki.server_cert_der.clone()));
    let mut s = Server::new(config);
    s.feed(CLIENT_HEADER);
    s.feed("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    assert!(
        s.take_out()
            .ends_with("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    );
    s.feed("\r\n");
    let mut client = TlsLayer::client(pki.client.clone(), "im.example.com").unwrap();
    let mut plain = Vec::new();
    for _ in 0..10 {
        let mut hello = Vec::new();
        client.take_ciphertext(&mut hello);
        if !hello.is_empty() {
            s.feed_bytes(&hello);
        }
        let reply = std::mem::take(&mut s.out);
        client.receive(&reply, &mut plain).unwrap();
    }
    assert!(!client.is_handshaking());
    assert!(
        s.events.iter().any(|e| matches!(e, Event::Secured(_))),
        "{:?}",
        s.events
    );
    assert!(s.closed().is_none());
}
