//! Configuration of a server-role (receiving entity) [`Connection`](super::Connection).

use std::collections::VecDeque;

use super::config::Settings;
use super::{Timeouts, TlsPolicy};
use crate::rng::seed_from_u64;
use crate::sasl::Mechanism;
use crate::xml::Limits;

/// Who performs the server's TLS handshake.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum ServerTlsMode {
    /// The application: after `<proceed/>` the engine emits
    /// [`Event::StartTls`](super::Event::StartTls) and waits for
    /// [`Input::TlsEstablished`](super::Input::TlsEstablished).
    #[default]
    External,
    /// Embedded rustls with this configuration. `cert_der` is the server's own end-entity
    /// certificate, needed for `tls-server-end-point` channel binding (rustls does not
    /// expose it); without it only `tls-exporter` (TLS 1.3) is offered.
    #[cfg(feature = "rustls")]
    Rustls {
        /// The rustls server configuration (certificate, provider).
        config: std::sync::Arc<rustls::ServerConfig>,
        /// The end-entity certificate in DER, as sent in the handshake.
        cert_der: Option<Vec<u8>>,
    },
}

/// Everything a server-role connection needs; build with [`ServerConfig::new`].
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub(crate) domains: Vec<String>,
    pub(crate) tls_policy: TlsPolicy,
    pub(crate) tls_mode: ServerTlsMode,
    pub(crate) direct_tls: bool,
    pub(crate) mechanisms: Vec<Mechanism>,
    pub(crate) allow_plain_without_tls: bool,
    pub(crate) offer_session: bool,
    pub(crate) max_auth_attempts: u32,
    pub(crate) lang: String,
    pub(crate) limits: Limits,
    pub(crate) timeouts: Timeouts,
    pub(crate) rng_seed: [u8; 32],
    pub(crate) stream_ids: VecDeque<String>,
    pub(crate) scram_nonce: Option<String>,
    pub(crate) decoy_secret: Option<Vec<u8>>,
    pub(crate) decoy_iterations: u32,
    pub(crate) max_outbound_bytes: usize,
    pub(crate) max_pending_iqs: usize,
    pub(crate) max_events: usize,
}

impl ServerConfig {
    /// A server for `domain` with the defaults: TLS required (external handshake),
    /// [`Mechanism::DEFAULT_PREFERENCE`] (`-PLUS` ones only when the TLS channel provides
    /// binding data, PLAIN only over TLS unless allowed), optional legacy session offered, 3 authentication
    /// attempts, `xml:lang='en'`, default limits and timeouts, seed 0 (set a real seed!).
    pub fn new(domain: impl Into<String>) -> Self {
        ServerConfig {
            domains: vec![domain.into()],
            tls_policy: TlsPolicy::Required,
            tls_mode: ServerTlsMode::External,
            direct_tls: false,
            mechanisms: Mechanism::DEFAULT_PREFERENCE.to_vec(),
            allow_plain_without_tls: false,
            offer_session: true,
            max_auth_attempts: 3,
            lang: "en".into(),
            limits: Limits::default(),
            timeouts: Timeouts::default(),
            rng_seed: seed_from_u64(0),
            stream_ids: VecDeque::new(),
            scram_nonce: None,
            decoy_secret: None,
            decoy_iterations: 4096,
            max_outbound_bytes: 1 << 20,
            max_pending_iqs: 1024,
            max_events: 1024,
        }
    }

    /// Serves another domain too (virtual hosting); the first one is the default.
    pub fn with_domain(mut self, domain: impl Into<String>) -> Self {
        self.domains.push(domain.into());
        self
    }

    /// The TLS policy: `Required` (default) offers only STARTTLS before TLS.
    pub fn with_tls_policy(mut self, policy: TlsPolicy) -> Self {
        self.tls_policy = policy;
        self
    }

    /// Who performs TLS (default [`ServerTlsMode::External`]).
    pub fn with_tls_mode(mut self, mode: ServerTlsMode) -> Self {
        self.tls_mode = mode;
        self
    }

    /// Embedded rustls with this configuration and end-entity certificate.
    #[cfg(feature = "rustls")]
    pub fn with_rustls(
        self,
        config: std::sync::Arc<rustls::ServerConfig>,
        cert_der: Option<Vec<u8>>,
    ) -> Self {
        self.with_tls_mode(ServerTlsMode::Rustls { config, cert_der })
    }

    /// Direct TLS (XEP-0368): the handshake starts at byte 0.
    pub fn with_direct_tls(mut self, direct: bool) -> Self {
        self.direct_tls = direct;
        self
    }

    /// The SASL mechanisms to offer, in order.
    pub fn with_mechanisms(mut self, mechanisms: impl Into<Vec<Mechanism>>) -> Self {
        self.mechanisms = mechanisms.into();
        self
    }

    /// Offer PLAIN on an unencrypted stream (tests only).
    pub fn with_plain_without_tls(mut self, allow: bool) -> Self {
        self.allow_plain_without_tls = allow;
        self
    }

    /// Whether to advertise the legacy session feature (as optional; default on, since
    /// older clients wait for it).
    pub fn with_session(mut self, offer: bool) -> Self {
        self.offer_session = offer;
        self
    }

    /// Failed authentications allowed before the stream is closed with
    /// `policy-violation` (RFC 6120 §6.4.5 suggests 2 to 5; default 3).
    pub fn with_max_auth_attempts(mut self, n: u32) -> Self {
        self.max_auth_attempts = n.max(1);
        self
    }

    /// Stream ids to use, in order, before random ones (transcripts, RFC examples).
    pub fn with_stream_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.stream_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// A fixed SCRAM server nonce part (RFC examples, transcripts). Never in production.
    pub fn with_scram_nonce(mut self, nonce: impl Into<String>) -> Self {
        self.scram_nonce = Some(nonce.into());
        self
    }

    /// A server-wide secret for the decoy SCRAM parameters of unknown users, so that a
    /// probe sees the same salt for a name on every connection (user enumeration
    /// resistance). Without it each connection derives one from its seed.
    pub fn with_decoy_secret(mut self, secret: impl Into<Vec<u8>>, iterations: u32) -> Self {
        self.decoy_secret = Some(secret.into());
        self.decoy_iterations = iterations;
        self
    }
}

super::config::shared_settings!(ServerConfig);
