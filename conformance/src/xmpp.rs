//! The engine under test: `xmpp_core::Connection` behind the runner's [`Engine`] trait, with
//! embedded TLS (rustls, ring provider): a client-role engine trusts the runner's throwaway
//! CA, a server-role engine presents the certificate that CA issued for the domain. In the
//! server role this adapter also plays the server's application (FORMAT.md, "The runner
//! plays the application"): it answers authentication questions from the header's account
//! and accepts the resource the engine proposes.

use std::time::Instant;

use xmpp_core::connection::{
    AuthAnswer, AuthRequest, BindAnswer, ClientConfig, Connection, Event, FromPolicy, Input,
    ServerConfig, TlsPolicy as CoreTlsPolicy,
};
use xmpp_core::sasl::{ChannelBindingPolicy, Mechanism, SaslCondition, ScramKeys};
use xmpp_core::xml::Limits;

use crate::engine::{Engine, EngineEvent, Setup};
use crate::rng::SplitMix64;
use crate::transcript::{Header, SendFrom, Side, StreamKind, TlsPolicy};

/// `xmpp_core::Connection` as a runner [`Engine`].
#[derive(Debug)]
pub struct XmppEngine {
    conn: Connection,
    /// Server role: the account store the adapter answers from.
    account: Option<Account>,
    /// The instant of the last call, for answers given while polling.
    last_now: Instant,
    /// Caller faults the engine reported (input after end of file, ...), turned into events
    /// so reports show them.
    refused: Vec<String>,
}

/// The server role's account store: one account, as the header describes it.
#[derive(Debug, Clone)]
struct Account {
    /// The localpart (`None`: any name, with the header's password).
    localpart: Option<String>,
    password: String,
    salt: Vec<u8>,
    iterations: u32,
}

/// Starts the engine for a transcript (an [`EngineFactory`](crate::engine::EngineFactory)).
pub fn start(setup: &Setup<'_>) -> Result<Box<dyn Engine>, String> {
    let h = setup.header;
    if h.stream != StreamKind::C2s {
        return Err(format!("xmpp-core speaks c2s only, not {:?}", h.stream));
    }
    let mechanisms = h.mechanisms.as_deref().map(parse_mechanisms).transpose()?;
    let plain_in_clear = h.tls == TlsPolicy::None
        && mechanisms
            .as_ref()
            .is_some_and(|m| m.contains(&Mechanism::Plain));
    let (conn, account) = match h.role {
        Side::Client => (client(setup, mechanisms, plain_in_clear)?, None),
        Side::Server => server(setup, mechanisms, plain_in_clear)?,
    };
    Ok(Box::new(XmppEngine {
        conn,
        account,
        last_now: setup.now,
        refused: Vec::new(),
    }))
}

fn parse_mechanisms(names: &[String]) -> Result<Vec<Mechanism>, String> {
    names
        .iter()
        .map(|name| {
            Mechanism::ALL
                .iter()
                .copied()
                .find(|m| m.name() == name)
                .ok_or_else(|| format!("unknown SASL mechanism {name:?}"))
        })
        .collect()
}

fn limits(h: &Header) -> Limits {
    let mut limits = Limits::default();
    if let Some(n) = h.max_stanza_bytes {
        limits.max_stanza_bytes = n;
    }
    if let Some(n) = h.max_depth {
        limits.max_depth = n;
    }
    if let Some(n) = h.max_attributes {
        limits.max_attributes = n;
    }
    limits
}

fn client(
    setup: &Setup<'_>,
    mechanisms: Option<Vec<Mechanism>>,
    plain_in_clear: bool,
) -> Result<Connection, String> {
    let h = setup.header;
    let jid = h
        .jid
        .as_deref()
        .ok_or("the client role needs `jid`")?
        .parse()
        .map_err(|e| format!("bad `jid`: {e}"))?;
    let mut config = ClientConfig::new(jid).with_seed_u64(h.seed);
    if let Some(password) = &h.password {
        config = config.with_password(password.clone());
    }
    if let Some(resource) = &h.resource {
        config = config.with_resource(resource.clone());
    }
    config = match h.tls {
        TlsPolicy::Required => config
            .with_tls_policy(CoreTlsPolicy::Required)
            .with_rustls(setup.tls.client_config()?),
        TlsPolicy::Optional => config
            .with_tls_policy(CoreTlsPolicy::Optional)
            .with_rustls(setup.tls.client_config()?),
        TlsPolicy::None => config.with_tls_policy(CoreTlsPolicy::Disabled),
    };
    if let Some(mechanisms) = mechanisms {
        // A client limited to mechanisms without -PLUS does not do channel binding ("n").
        if !mechanisms.iter().any(|m| m.is_plus()) {
            config = config.with_channel_binding(ChannelBindingPolicy::Disabled);
        }
        config = config.with_mechanisms(mechanisms);
    }
    // A transcript that disables TLS and names PLAIN asks for PLAIN in the clear.
    config = config.with_plain_without_tls(plain_in_clear);
    if let Some(nonce) = &h.client_nonce {
        config = config.with_scram_nonce(nonce.clone());
    }
    if let Some(from) = h.send_from {
        config = config.with_send_from(match from {
            SendFrom::Always => FromPolicy::Always,
            SendFrom::AfterTls => FromPolicy::AfterTls,
            SendFrom::Never => FromPolicy::Never,
        });
    }
    config = config.with_limits(limits(h));
    Ok(Connection::client(config, setup.now))
}

fn server(
    setup: &Setup<'_>,
    mechanisms: Option<Vec<Mechanism>>,
    plain_in_clear: bool,
) -> Result<(Connection, Option<Account>), String> {
    let h = setup.header;
    let mut config = ServerConfig::new(h.domain.clone()).with_seed_u64(h.seed);
    let cert = setup.tls.chain_der.first().cloned();
    config = match h.tls {
        TlsPolicy::Required => config
            .with_tls_policy(CoreTlsPolicy::Required)
            .with_rustls(setup.tls.server_config()?, cert),
        TlsPolicy::Optional => config
            .with_tls_policy(CoreTlsPolicy::Optional)
            .with_rustls(setup.tls.server_config()?, cert),
        TlsPolicy::None => config.with_tls_policy(CoreTlsPolicy::Disabled),
    };
    if let Some(mechanisms) = mechanisms {
        config = config.with_mechanisms(mechanisms);
    }
    config = config.with_plain_without_tls(plain_in_clear);
    if let Some(ids) = &h.stream_ids {
        config = config.with_stream_ids(ids.iter().cloned());
    }
    if let Some(nonce) = &h.server_nonce {
        config = config.with_scram_nonce(nonce.clone());
    }
    config = config.with_limits(limits(h));
    let account = h.password.as_ref().map(|password| Account {
        localpart: h.jid.as_deref().map(|jid| {
            jid.split_once('@')
                .map_or(jid, |(local, _)| local)
                .to_owned()
        }),
        password: password.clone(),
        salt: h
            .salt
            .clone()
            .unwrap_or_else(|| SplitMix64::new(h.seed).bytes(16)),
        iterations: h.iterations,
    });
    Ok((Connection::server(config, setup.now), account))
}

impl XmppEngine {
    /// The engine's notion of now (questions are answered at the instant they were asked).
    fn now(&self) -> Instant {
        self.last_now
    }

    /// Plays the server's application for an authentication question.
    fn answer_auth(&mut self, request: AuthRequest) -> EngineEvent {
        let known = |name: &str, account: &Account| {
            account
                .localpart
                .as_deref()
                .is_none_or(|local| local == name)
        };
        let answer = match (&request, &self.account) {
            (
                AuthRequest::Scram {
                    mechanism,
                    username,
                },
                Some(account),
            ) if known(username, account) => {
                let hash = mechanism.scram_hash();
                let keys = hash.and_then(|hash| {
                    ScramKeys::derive(hash, &account.password, &account.salt, account.iterations)
                        .ok()
                });
                AuthAnswer::Keys(keys)
            }
            (AuthRequest::Scram { .. }, _) => AuthAnswer::Keys(None),
            (AuthRequest::Plain { username, password }, Some(account))
                if known(username, account) && *password == account.password =>
            {
                AuthAnswer::Accept { username: None }
            }
            _ => AuthAnswer::Reject(SaslCondition::NotAuthorized),
        };
        let result = self.conn.answer_auth(self.now(), answer);
        EngineEvent::Other(format!("auth request {request:?}: answered ({result:?})"))
    }

    fn input(&mut self, now: Instant, input: Input<'_>) {
        self.last_now = now;
        if let Err(e) = self.conn.handle_input(now, input) {
            self.refused.push(format!("input refused: {e}"));
        }
    }
}

impl Engine for XmppEngine {
    fn feed(&mut self, now: Instant, bytes: &[u8]) {
        self.input(now, Input::Data(bytes));
    }

    fn eof(&mut self, now: Instant) {
        self.input(now, Input::Eof);
    }

    fn timeout(&mut self, now: Instant) {
        self.input(now, Input::Timeout);
    }

    fn next_deadline(&mut self) -> Option<Instant> {
        self.conn.poll_timeout()
    }

    fn poll_output(&mut self) -> Option<Vec<u8>> {
        self.conn.poll_transmit().map(|b| b.to_vec())
    }

    fn poll_event(&mut self) -> Option<EngineEvent> {
        if !self.refused.is_empty() {
            return Some(EngineEvent::Other(self.refused.remove(0)));
        }
        self.conn.poll_event().map(|event| match event {
            Event::Secured(_) => EngineEvent::Secured,
            Event::Authenticated { .. } => EngineEvent::Authenticated,
            Event::Online { jid } => EngineEvent::Online {
                jid: jid.to_string(),
            },
            Event::Stanza(_) | Event::IqResponse { .. } => EngineEvent::Stanza,
            Event::Closed(reason) => EngineEvent::Closed {
                reason: format!("{reason:?}"),
            },
            Event::AuthRequest(request) => self.answer_auth(request),
            Event::BindRequest { proposed, .. } => {
                let answer = self
                    .conn
                    .answer_bind(self.now(), BindAnswer::Accept(proposed.clone()));
                EngineEvent::Other(format!("bind request: accepted {proposed:?} ({answer:?})"))
            }
            other => EngineEvent::Other(format!("{other:?}")),
        })
    }

    fn send(&mut self, now: Instant, xml: &str) -> Result<(), String> {
        self.last_now = now;
        self.conn.send_raw(now, xml).map_err(|e| e.to_string())
    }

    fn close(&mut self, now: Instant) -> Result<(), String> {
        self.last_now = now;
        self.conn.close(now);
        Ok(())
    }
}
