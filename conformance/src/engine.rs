//! The interface the runner drives. The production implementation wraps
//! `xmpp_core::Connection`; the runner's own tests use a small scripted fake.

use std::time::Instant;

use crate::tls_peer::TlsMaterial;
use crate::transcript::Header;

/// What an engine is started with.
#[derive(Debug, Clone, Copy)]
pub struct Setup<'a> {
    /// The transcript header (role, account, policies, limits, seed).
    pub header: &'a Header,
    /// The certificate the runner's TLS peer uses; a client-role engine must trust
    /// `material.ca_der`, a server-role engine serves `material.chain_der`.
    pub tls: &'a TlsMaterial,
    /// The virtual clock's start.
    pub now: Instant,
}

/// An event the engine emitted, as far as transcripts can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// TLS is established.
    Secured,
    /// SASL authentication succeeded.
    Authenticated,
    /// A resource is bound; the stream is ready for stanzas.
    Online {
        /// The bound full JID.
        jid: String,
    },
    /// A stanza was received.
    Stanza,
    /// The stream is closed; `reason` is a description for reports.
    Closed {
        /// Why, in the engine's words.
        reason: String,
    },
    /// Any other event, described for reports.
    Other(String),
}

impl EngineEvent {
    /// A short description for failure messages.
    pub fn describe(&self) -> String {
        match self {
            EngineEvent::Secured => "secured".into(),
            EngineEvent::Authenticated => "authenticated".into(),
            EngineEvent::Online { jid } => format!("online {jid}"),
            EngineEvent::Stanza => "stanza".into(),
            EngineEvent::Closed { reason } => format!("closed ({reason})"),
            EngineEvent::Other(d) => d.clone(),
        }
    }
}

/// A sans-IO engine as the runner sees it. Every call that changes state takes the virtual
/// clock's `now`; output is collected with the `poll_*` methods until they return `None`.
pub trait Engine {
    /// Bytes arrive from the peer (ciphertext once TLS is up: TLS is embedded in the engine).
    fn feed(&mut self, now: Instant, bytes: &[u8]);
    /// The peer closed the transport.
    fn eof(&mut self, now: Instant);
    /// A deadline the engine asked for has passed.
    fn timeout(&mut self, now: Instant);
    /// The engine's next deadline, if any.
    fn next_deadline(&mut self) -> Option<Instant>;
    /// Next bytes to write to the peer.
    fn poll_output(&mut self) -> Option<Vec<u8>>;
    /// Next event for the application.
    fn poll_event(&mut self) -> Option<EngineEvent>;
    /// The application sends one stanza, given as XML text in the stream's namespace.
    fn send(&mut self, now: Instant, xml: &str) -> Result<(), String>;
    /// The application closes the stream.
    fn close(&mut self, now: Instant) -> Result<(), String>;
}

/// Starts engines for transcripts.
pub trait EngineFactory {
    /// A new engine for `setup`, or why this engine cannot play it (e.g. an unsupported
    /// role), which fails the transcript.
    fn start(&self, setup: &Setup<'_>) -> Result<Box<dyn Engine>, String>;
}

impl<F> EngineFactory for F
where
    F: Fn(&Setup<'_>) -> Result<Box<dyn Engine>, String>,
{
    fn start(&self, setup: &Setup<'_>) -> Result<Box<dyn Engine>, String> {
        self(setup)
    }
}
