//! The engine under test: `xmpp_core::Connection` behind the runner's [`Engine`] trait, with
//! embedded TLS (rustls, ring provider) trusting the runner's throwaway CA.

use std::time::Instant;

use xmpp_core::connection::{
    ClientConfig, Connection, Event, FromPolicy, Input, TlsPolicy as CoreTlsPolicy,
};
use xmpp_core::sasl::{ChannelBindingPolicy, Mechanism};
use xmpp_core::xml::Limits;

use crate::engine::{Engine, EngineEvent, Setup};
use crate::transcript::{SendFrom, Side, StreamKind, TlsPolicy};

/// Every SASL mechanism the engine knows, for the header's `mechanisms` names.
const MECHANISMS: &[Mechanism] = &[
    Mechanism::ScramSha512Plus,
    Mechanism::ScramSha256Plus,
    Mechanism::ScramSha1Plus,
    Mechanism::ScramSha512,
    Mechanism::ScramSha256,
    Mechanism::ScramSha1,
    Mechanism::Plain,
    Mechanism::External,
    Mechanism::Anonymous,
];

/// `xmpp_core::Connection` as a runner [`Engine`].
#[derive(Debug)]
pub struct XmppEngine {
    conn: Connection,
    /// Caller faults the engine reported (input after end of file, ...), turned into events
    /// so reports show them.
    refused: Vec<String>,
}

/// Starts the engine for a transcript (an [`EngineFactory`](crate::engine::EngineFactory)).
pub fn start(setup: &Setup<'_>) -> Result<Box<dyn Engine>, String> {
    let h = setup.header;
    if h.role != Side::Client {
        return Err("xmpp-core has no server role yet".into());
    }
    if h.stream != StreamKind::C2s {
        return Err(format!(
            "xmpp-core's client role speaks c2s only, not {:?}",
            h.stream
        ));
    }
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
    if let Some(names) = &h.mechanisms {
        let mechanisms = names
            .iter()
            .map(|name| {
                MECHANISMS
                    .iter()
                    .copied()
                    .find(|m| m.name() == name)
                    .ok_or_else(|| format!("unknown SASL mechanism {name:?}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // A client limited to mechanisms without -PLUS does not do channel binding ("n").
        if !mechanisms.iter().any(|m| m.name().ends_with("-PLUS")) {
            config = config.with_channel_binding(ChannelBindingPolicy::Disabled);
        }
        // A transcript that disables TLS and names PLAIN asks for PLAIN in the clear.
        if h.tls == TlsPolicy::None && mechanisms.contains(&Mechanism::Plain) {
            config = config.with_plain_without_tls(true);
        }
        config = config.with_mechanisms(mechanisms);
    }
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
    config = config.with_limits(limits);
    Ok(Box::new(XmppEngine {
        conn: Connection::client(config, setup.now),
        refused: Vec::new(),
    }))
}

impl XmppEngine {
    fn input(&mut self, now: Instant, input: Input<'_>) {
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
            other => EngineEvent::Other(format!("{other:?}")),
        })
    }

    fn send(&mut self, now: Instant, xml: &str) -> Result<(), String> {
        self.conn.send_raw(now, xml).map_err(|e| e.to_string())
    }

    fn close(&mut self, now: Instant) -> Result<(), String> {
        self.conn.close(now);
        Ok(())
    }
}
