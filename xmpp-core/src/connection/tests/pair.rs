//! Client engine ↔ server engine in virtual time (quinn's `Pair`): every mechanism, over
//! real in-memory TLS where TLS is involved.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::connection::{
    AuthAnswer, AuthRequest, BindAnswer, ClientConfig, CloseReason, Connection, Event, Input,
    NegotiationError, ServerConfig, TlsPolicy,
};
use crate::error::{ErrorType, StanzaError, StanzaErrorCondition};
use crate::sasl::{ChannelBindingPolicy, Mechanism, SaslCondition, ScramKeys};
use crate::tls::TlsVersion;
use crate::tls::test_certs::{TestPki, pki};

pub(super) const DOMAIN: &str = "im.example.com";

/// How the server's application answers bind requests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum BindPolicy {
    Accept,
    Conflict,
}

pub(super) struct Pair {
    pub client: Connection,
    pub server: Connection,
    pub now: Instant,
    pub client_events: Vec<Event>,
    pub server_events: Vec<Event>,
    /// Accounts: localpart → password.
    pub accounts: HashMap<String, String>,
    pub bind: BindPolicy,
    /// Bytes in flight, to tamper with in tests: (client→server, server→client).
    pub wire: (Vec<u8>, Vec<u8>),
}

impl Pair {
    pub fn new(client: ClientConfig, server: ServerConfig) -> Pair {
        let now = crate::test_util::epoch();
        let mut accounts = HashMap::new();
        accounts.insert("juliet".to_owned(), "r0m30myr0m30".to_owned());
        Pair {
            client: Connection::client(client, now),
            server: Connection::server(server, now),
            now,
            client_events: Vec::new(),
            server_events: Vec::new(),
            accounts,
            bind: BindPolicy::Accept,
            wire: (Vec::new(), Vec::new()),
        }
    }

    /// Moves bytes and answers the server's questions until both sides are quiet.
    pub fn run(&mut self) {
        for _ in 0..10_000 {
            let mut progress = false;
            while let Some(b) = self.client.poll_transmit() {
                self.wire.0.extend_from_slice(&b);
            }
            while let Some(b) = self.server.poll_transmit() {
                self.wire.1.extend_from_slice(&b);
            }
            while let Some(e) = self.client.poll_event() {
                self.client_events.push(e);
                progress = true;
            }
            while let Some(e) = self.server.poll_event() {
                self.answer(&e);
                self.server_events.push(e);
                progress = true;
            }
            if !self.wire.0.is_empty() {
                let b = std::mem::take(&mut self.wire.0);
                self.server.handle_input(self.now, Input::Data(&b)).unwrap();
                progress = true;
            }
            if !self.wire.1.is_empty() {
                let b = std::mem::take(&mut self.wire.1);
                self.client.handle_input(self.now, Input::Data(&b)).unwrap();
                progress = true;
            }
            if !progress {
                return;
            }
        }
        panic!("livelock: no quiescence after 10000 steps");
    }

    pub fn answer_for_test(&mut self, e: &Event) {
        self.answer(e);
    }

    fn answer(&mut self, e: &Event) {
        let now = self.now;
        match e {
            Event::AuthRequest(AuthRequest::Scram {
                mechanism,
                username,
            }) => {
                let keys = self.accounts.get(username).map(|pw| {
                    ScramKeys::derive(mechanism.scram_hash().unwrap(), pw, b"salt-of-juliet", 4096)
                        .unwrap()
                });
                self.server
                    .answer_auth(now, AuthAnswer::Keys(keys))
                    .unwrap();
            }
            Event::AuthRequest(AuthRequest::Plain { username, password }) => {
                let answer = if self.accounts.get(username) == Some(password) {
                    AuthAnswer::Accept { username: None }
                } else {
                    AuthAnswer::Reject(SaslCondition::NotAuthorized)
                };
                self.server.answer_auth(now, answer).unwrap();
            }
            Event::AuthRequest(AuthRequest::External {
                authzid,
                peer_certificates,
            }) => {
                // The application maps the verified certificate to an account.
                let answer = if peer_certificates.is_empty() || authzid.is_some() {
                    AuthAnswer::Reject(SaslCondition::NotAuthorized)
                } else {
                    AuthAnswer::Accept {
                        username: Some("juliet".into()),
                    }
                };
                self.server.answer_auth(now, answer).unwrap();
            }
            Event::AuthRequest(AuthRequest::Anonymous { .. }) => {
                let answer = AuthAnswer::Accept {
                    username: Some("anon-1".into()),
                };
                self.server.answer_auth(now, answer).unwrap();
            }
            Event::BindRequest { proposed, .. } => {
                let answer = match self.bind {
                    BindPolicy::Accept => BindAnswer::Accept(proposed.clone()),
                    BindPolicy::Conflict => BindAnswer::Refuse(StanzaError::new(
                        ErrorType::Cancel,
                        StanzaErrorCondition::Conflict,
                    )),
                };
                self.server.answer_bind(now, answer).unwrap();
            }
            _ => {}
        }
    }

    pub fn client_closed(&self) -> Option<&CloseReason> {
        self.client_events.iter().find_map(|e| {
            if let Event::Closed(r) = e {
                Some(r)
            } else {
                None
            }
        })
    }

    pub fn online_jid(events: &[Event]) -> Option<&crate::Jid> {
        events.iter().find_map(|e| {
            if let Event::Online { jid } = e {
                Some(jid)
            } else {
                None
            }
        })
    }

    pub fn mechanism(events: &[Event]) -> Option<Mechanism> {
        events.iter().find_map(|e| {
            if let Event::Authenticated { mechanism, .. } = e {
                Some(*mechanism)
            } else {
                None
            }
        })
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
        self.client.handle_input(self.now, Input::Timeout).unwrap();
        self.server.handle_input(self.now, Input::Timeout).unwrap();
        self.run();
    }
}

pub(super) fn client_config() -> ClientConfig {
    ClientConfig::new("juliet@im.example.com".parse().unwrap())
        .with_password("r0m30myr0m30")
        .with_resource("balcony")
        .with_seed_u64(11)
}

pub(super) fn server_config() -> ServerConfig {
    ServerConfig::new(DOMAIN).with_seed_u64(22)
}

fn tls_pair(
    version: Option<TlsVersion>,
    client: ClientConfig,
    server: ServerConfig,
) -> (Pair, TestPki) {
    let pki = pki(DOMAIN, version);
    let client = client.with_rustls(pki.client.clone());
    let server = server.with_rustls(pki.server.clone(), Some(pki.server_cert_der.clone()));
    (Pair::new(client, server), pki)
}

#[test]
fn every_scram_mechanism_over_tls_12_and_13() {
    use Mechanism::*;
    for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
        for mech in [
            ScramSha1,
            ScramSha1Plus,
            ScramSha256,
            ScramSha256Plus,
            ScramSha512,
            ScramSha512Plus,
            Plain,
        ] {
            let (mut p, _) = tls_pair(
                Some(version),
                client_config().with_mechanisms([mech]),
                server_config(),
            );
            p.run();
            assert_eq!(
                Pair::mechanism(&p.client_events),
                Some(mech),
                "{version:?} {mech}: {:?}",
                p.client_events
            );
            assert_eq!(Pair::mechanism(&p.server_events), Some(mech));
            let jid = Pair::online_jid(&p.client_events).expect("client online");
            assert_eq!(jid.as_str(), "juliet@im.example.com/balcony");
            assert_eq!(Pair::online_jid(&p.server_events), Some(jid));
            assert!(p.client.is_secure() && p.server.is_secure());
            assert!(matches!(p.client_events[0], Event::Secured(_)));
        }
    }
}

#[test]
fn default_preference_picks_the_strongest_plus_and_binding() {
    use crate::sasl::ChannelBindingType::{TlsExporter, TlsServerEndPoint};
    for (version, binding) in [
        (TlsVersion::Tls13, TlsExporter),
        (TlsVersion::Tls12, TlsServerEndPoint),
    ] {
        let (mut p, _) = tls_pair(Some(version), client_config(), server_config());
        p.run();
        let expected = Event::Authenticated {
            mechanism: Mechanism::ScramSha512Plus,
            channel_binding: Some(binding),
        };
        assert!(
            p.client_events.contains(&expected),
            "{version:?}: {:?}",
            p.client_events
        );
        assert!(
            p.server_events.contains(&expected),
            "{version:?}: {:?}",
            p.server_events
        );
    }
}

#[test]
fn wrong_password_is_not_authorized() {
    for mech in [
        Mechanism::ScramSha256Plus,
        Mechanism::ScramSha1,
        Mechanism::Plain,
    ] {
        let client = client_config()
            .with_password("wrong")
            .with_mechanisms([mech]);
        let (mut p, _) = tls_pair(None, client, server_config());
        p.run();
        match p.client_closed() {
            Some(CloseReason::Negotiation(NegotiationError::SaslFailure(f))) => {
                assert_eq!(f.condition, SaslCondition::NotAuthorized, "{mech}")
            }
            other => panic!("{mech}: {other:?}"),
        }
        assert!(!p.server.is_authenticated());
    }
}

#[test]
fn unknown_user_fails_like_a_wrong_password() {
    let client = ClientConfig::new("romeo@im.example.com".parse().unwrap())
        .with_password("x")
        .with_mechanisms([Mechanism::ScramSha256]);
    let (mut p, _) = tls_pair(None, client, server_config());
    p.run();
    assert!(
        matches!(p.client_closed(), Some(CloseReason::Negotiation(NegotiationError::SaslFailure(f))) if f.condition == SaslCondition::NotAuthorized)
    );
}

#[test]
fn anonymous_login_gets_the_account_the_server_assigns() {
    let client = ClientConfig::new("im.example.com".parse().unwrap())
        .with_mechanisms([Mechanism::Anonymous]);
    let server = server_config().with_mechanisms([Mechanism::Anonymous]);
    let (mut p, _) = tls_pair(None, client, server);
    p.run();
    let jid = Pair::online_jid(&p.client_events).expect("online");
    assert_eq!(jid.local(), Some("anon-1"));
}

#[test]
fn server_assigns_a_resource_when_none_is_requested() {
    let client =
        ClientConfig::new("juliet@im.example.com".parse().unwrap()).with_password("r0m30myr0m30");
    let (mut p, _) = tls_pair(None, client, server_config());
    p.run();
    let jid = Pair::online_jid(&p.client_events).expect("online");
    assert_eq!(jid.resource().map(str::len), Some(16));
}

#[test]
fn bind_conflict_reaches_the_client() {
    let (mut p, _) = tls_pair(None, client_config(), server_config());
    p.bind = BindPolicy::Conflict;
    p.run();
    assert!(
        matches!(p.client_closed(), Some(CloseReason::Negotiation(NegotiationError::Bind(e))) if e.condition == StanzaErrorCondition::Conflict)
    );
}

#[test]
fn stanzas_flow_and_from_is_stamped() {
    let (mut p, _) = tls_pair(None, client_config(), server_config());
    p.run();
    let msg = crate::stanza::Message::builder()
        .with_to("romeo@example.net")
        .with_body("hi")
        .build();
    p.client.send(p.now, &msg).unwrap();
    p.run();
    let el = p
        .server_events
        .iter()
        .find_map(|e| {
            if let Event::Stanza(el) = e {
                Some(el)
            } else {
                None
            }
        })
        .unwrap();
    assert_eq!(
        el.attr("from").as_deref(),
        Some("juliet@im.example.com/balcony")
    );
    assert_eq!(
        el.root().element("body", "jabber:client").unwrap().text(),
        "hi"
    );
    // Server → client.
    let reply = crate::stanza::Message::builder()
        .with_from("romeo@example.net/orchard")
        .with_to("juliet@im.example.com/balcony")
        .with_body("hello")
        .build();
    p.server.send(p.now, &reply).unwrap();
    p.run();
    assert!(p.client_events.iter().any(|e| matches!(e, Event::Stanza(el) if el.attr("from").as_deref() == Some("romeo@example.net/orchard"))));
}

#[test]
fn pings_keep_both_sides_alive_and_close_is_clean() {
    let (mut p, _) = tls_pair(None, client_config(), server_config());
    p.run();
    for _ in 0..10 {
        p.advance(Duration::from_secs(300));
    }
    assert!(p.client.is_online() && p.server.is_online());
    p.client.close(p.now);
    p.run();
    assert_eq!(p.client_closed(), Some(&CloseReason::Local));
    assert!(
        p.server_events
            .contains(&Event::Closed(CloseReason::Remote))
    );
}

#[test]
fn tls_policy_required_on_the_server_refuses_plaintext_auth() {
    let client = client_config()
        .with_tls_policy(TlsPolicy::Disabled)
        .with_plain_without_tls(true);
    let mut p = Pair::new(client, server_config());
    p.run();
    // The server offers only STARTTLS; the client (TLS disabled) gives up.
    assert_eq!(
        p.client_closed(),
        Some(&CloseReason::Negotiation(
            NegotiationError::TlsRequiredByServer
        ))
    );
}

#[test]
fn required_channel_binding_aborts_rather_than_downgrade() {
    let client = client_config()
        .with_channel_binding(ChannelBindingPolicy::Required)
        .with_mechanisms([Mechanism::ScramSha256]);
    let (mut p, _) = tls_pair(None, client, server_config());
    p.run();
    assert!(matches!(
        p.client_closed(),
        Some(CloseReason::Negotiation(NegotiationError::NoMechanism(_)))
    ));
}

#[test]
fn direct_tls_from_byte_zero() {
    let client = client_config().with_direct_tls(true);
    let server = server_config().with_direct_tls(true);
    let (mut p, _) = tls_pair(Some(TlsVersion::Tls13), client, server);
    // The very first client bytes are a TLS record (handshake), not XML.
    let first = p.client.poll_transmit().unwrap();
    assert_eq!(first[0], 0x16);
    p.wire.0.extend_from_slice(&first);
    p.run();
    assert!(
        Pair::online_jid(&p.client_events).is_some(),
        "{:?}",
        p.client_events
    );
    assert_eq!(
        Pair::mechanism(&p.client_events),
        Some(Mechanism::ScramSha512Plus)
    );
}

#[test]
fn split_invariance_of_a_whole_session() {
    // The server's bytes delivered to the client one at a time give the same events.
    let (mut whole, _) = tls_pair(Some(TlsVersion::Tls13), client_config(), server_config());
    whole.run();
    let (mut p, _) = tls_pair(Some(TlsVersion::Tls13), client_config(), server_config());
    for _ in 0..200 {
        while let Some(b) = p.client.poll_transmit() {
            p.server.handle_input(p.now, Input::Data(&b)).unwrap();
        }
        while let Some(e) = p.server.poll_event() {
            p.answer_for_test(&e);
            p.server_events.push(e);
        }
        while let Some(b) = p.server.poll_transmit() {
            for byte in b.iter() {
                p.client
                    .handle_input(p.now, Input::Data(std::slice::from_ref(byte)))
                    .unwrap();
            }
        }
        while let Some(e) = p.client.poll_event() {
            p.client_events.push(e);
        }
    }
    let kinds = |v: &[Event]| {
        v.iter()
            .map(|e| {
                format!("{e:?}")
                    .split(['(', ' ', '{'])
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&p.client_events), kinds(&whole.client_events));
    assert_eq!(
        Pair::online_jid(&p.client_events),
        Pair::online_jid(&whole.client_events)
    );
}

#[test]
fn external_with_a_client_certificate() {
    use crate::tls::test_certs::{PkiOptions, pki_with};
    let pki = pki_with(
        DOMAIN,
        &PkiOptions {
            client_cert: true,
            ..PkiOptions::default()
        },
    );
    let client = ClientConfig::new("juliet@im.example.com".parse().unwrap())
        .with_mechanisms([Mechanism::External])
        .with_resource("balcony")
        .with_rustls(pki.client.clone());
    let server = server_config()
        .with_mechanisms([Mechanism::External, Mechanism::ScramSha256])
        .with_rustls(pki.server.clone(), Some(pki.server_cert_der.clone()));
    let mut p = Pair::new(client, server);
    p.run();
    assert_eq!(
        Pair::mechanism(&p.client_events),
        Some(Mechanism::External),
        "{:?}",
        p.client_events
    );
    assert_eq!(
        Pair::online_jid(&p.client_events).map(|j| j.as_str()),
        Some("juliet@im.example.com/balcony")
    );
    // Without a client certificate the server does not offer EXTERNAL.
    let (mut p, _) = tls_pair(
        None,
        client_config().with_mechanisms([Mechanism::External]),
        server_config().with_mechanisms([Mechanism::External, Mechanism::ScramSha256]),
    );
    p.run();
    assert!(
        matches!(
            p.client_closed(),
            Some(CloseReason::Negotiation(NegotiationError::NoMechanism(_)))
        ),
        "{:?}",
        p.client_events
    );
}
