//! Configuration of a client-role [`Connection`](super::Connection).

use core::time::Duration;

use crate::Jid;
use crate::rng::seed_from_u64;
use crate::sasl::{ChannelBindingPolicy, Mechanism};
use crate::xml::Limits;

/// Whether the stream must be encrypted (RFC 6120 §5, RFC 7590).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsPolicy {
    /// TLS or nothing: a server that does not offer STARTTLS ends the connection with
    /// [`NegotiationError::TlsNotOffered`](super::NegotiationError::TlsNotOffered), never a
    /// plaintext session (stripping attack). The default.
    #[default]
    Required,
    /// STARTTLS when offered, plaintext otherwise (test setups only).
    Optional,
    /// Never negotiate TLS.
    Disabled,
}

/// Who performs the TLS handshake.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum TlsMode {
    /// The application does: after `<proceed/>` the engine emits
    /// [`Event::StartTls`](super::Event::StartTls), writes nothing until the application
    /// reports [`Input::TlsEstablished`](super::Input::TlsEstablished), and from then on
    /// exchanges plaintext with it.
    #[default]
    External,
    /// The engine drives rustls over in-memory buffers: the application only moves bytes.
    /// The [`rustls::ClientConfig`] carries the crypto provider and roots the application
    /// chose.
    #[cfg(feature = "rustls")]
    Rustls(std::sync::Arc<rustls::ClientConfig>),
}

/// When the client puts `from` (its bare JID) in its stream header (RFC 6120 §4.7.1: it
/// SHOULD once the stream is encrypted, and the account name leaks otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FromPolicy {
    /// Never.
    Never,
    /// Only on a stream protected by TLS. The default.
    #[default]
    AfterTls,
    /// On every header, plaintext included.
    Always,
}

/// Liveness timers, all driven through [`Connection::poll_timeout`](super::Connection::poll_timeout).
/// `None` disables a timer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Time from connection start to online before the engine gives up with
    /// `connection-timeout`. Default 60 s.
    pub negotiation: Option<Duration>,
    /// Idle time on the sending side after which a single space is written (RFC 6120
    /// §4.6.1 whitespace keepalive). Default 60 s.
    pub keepalive: Option<Duration>,
    /// Silence on the receiving side after which an XEP-0199 ping is sent to the server.
    /// Default 300 s.
    pub ping_interval: Option<Duration>,
    /// How long a ping (or any traffic) may take to come back before the connection is
    /// declared dead (`connection-timeout`). Default 60 s.
    pub ping_timeout: Duration,
    /// After [`close`](super::Connection::close), how long to wait for the peer's
    /// `</stream:stream>`. Default 5 s.
    pub close_grace: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            negotiation: Some(Duration::from_secs(60)),
            keepalive: Some(Duration::from_secs(60)),
            ping_interval: Some(Duration::from_secs(300)),
            ping_timeout: Duration::from_secs(60),
            close_grace: Duration::from_secs(5),
        }
    }
}

/// Everything a client-role connection needs to know; build with [`ClientConfig::new`] and
/// the `with_*` methods.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub(crate) jid: Jid,
    pub(crate) password: Option<String>,
    pub(crate) authzid: Option<String>,
    pub(crate) resource: Option<String>,
    pub(crate) tls_policy: TlsPolicy,
    pub(crate) tls_mode: TlsMode,
    pub(crate) direct_tls: bool,
    pub(crate) mechanisms: Vec<Mechanism>,
    pub(crate) channel_binding: ChannelBindingPolicy,
    pub(crate) allow_plain_without_tls: bool,
    pub(crate) send_from: FromPolicy,
    pub(crate) lang: Option<String>,
    pub(crate) limits: Limits,
    pub(crate) timeouts: Timeouts,
    pub(crate) rng_seed: [u8; 32],
    pub(crate) scram_nonce: Option<String>,
    pub(crate) max_outbound_bytes: usize,
    pub(crate) max_pending_iqs: usize,
    pub(crate) max_events: usize,
}

impl ClientConfig {
    /// A configuration for the account `jid` (its bare form is used; for ANONYMOUS, the
    /// server's domain) with the defaults: TLS required and handled externally, SASL
    /// preference [`Mechanism::DEFAULT_PREFERENCE`], channel binding
    /// preferred, `from` after TLS, `xml:lang='en'`, default [`Limits`] and [`Timeouts`],
    /// 1 MiB outbound queue, 1024 outstanding iq requests, seed 0 (set a real seed!).
    pub fn new(jid: Jid) -> Self {
        ClientConfig {
            jid: jid.bare(),
            password: None,
            authzid: None,
            resource: None,
            tls_policy: TlsPolicy::default(),
            tls_mode: TlsMode::default(),
            direct_tls: false,
            mechanisms: Mechanism::DEFAULT_PREFERENCE.to_vec(),
            channel_binding: ChannelBindingPolicy::default(),
            allow_plain_without_tls: false,
            send_from: FromPolicy::default(),
            lang: Some("en".into()),
            limits: Limits::default(),
            timeouts: Timeouts::default(),
            rng_seed: seed_from_u64(0),
            scram_nonce: None,
            max_outbound_bytes: 1 << 20,
            max_pending_iqs: 1024,
            max_events: 1024,
        }
    }

    /// The account's password (SCRAM and PLAIN).
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// An authorization identity to act as (RFC 6120 §6.3.8); rarely needed.
    pub fn with_authzid(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = Some(authzid.into());
        self
    }

    /// The resource to request at bind time; without it the server assigns one.
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// The TLS policy (default [`TlsPolicy::Required`]).
    pub fn with_tls_policy(mut self, policy: TlsPolicy) -> Self {
        self.tls_policy = policy;
        self
    }

    /// Who performs TLS (default [`TlsMode::External`]).
    pub fn with_tls_mode(mut self, mode: TlsMode) -> Self {
        self.tls_mode = mode;
        self
    }

    /// Embedded rustls with this configuration (shorthand for [`TlsMode::Rustls`]).
    #[cfg(feature = "rustls")]
    pub fn with_rustls(self, config: std::sync::Arc<rustls::ClientConfig>) -> Self {
        self.with_tls_mode(TlsMode::Rustls(config))
    }

    /// Direct TLS (XEP-0368): the TLS handshake starts at byte 0, before any XML; no
    /// STARTTLS. The application connects to the `xmpps-client` port (ALPN `xmpp-client`).
    pub fn with_direct_tls(mut self, direct: bool) -> Self {
        self.direct_tls = direct;
        self
    }

    /// The SASL mechanisms the client may use, most preferred first.
    pub fn with_mechanisms(mut self, mechanisms: impl Into<Vec<Mechanism>>) -> Self {
        self.mechanisms = mechanisms.into();
        self
    }

    /// The channel-binding policy (default [`ChannelBindingPolicy::Preferred`]).
    ///
    /// With `Preferred` the client uses a `-PLUS` mechanism with `tls-exporter` (TLS 1.3)
    /// or `tls-server-end-point` whenever the server offers one it can match, and sends the
    /// GS2 flag `y` when it could bind but the server offers no `-PLUS` mechanism at all, so
    /// a stripped offer is detected by the server. A server that offers `-PLUS` only with
    /// `tls-unique` (Prosody 0.12 on TLS 1.2), which rustls cannot produce, gets plain SCRAM
    /// with the flag `n`: the login works, without channel binding. `Required` refuses to
    /// authenticate there ([`NegotiationError::NoMechanism`](super::NegotiationError)).
    pub fn with_channel_binding(mut self, policy: ChannelBindingPolicy) -> Self {
        self.channel_binding = policy;
        self
    }

    /// Allow PLAIN on an unencrypted stream (never do this outside tests).
    pub fn with_plain_without_tls(mut self, allow: bool) -> Self {
        self.allow_plain_without_tls = allow;
        self
    }

    /// When to put `from` in the stream header (default [`FromPolicy::AfterTls`]).
    pub fn with_send_from(mut self, policy: FromPolicy) -> Self {
        self.send_from = policy;
        self
    }

    /// The stream's `xml:lang` (default `en`; `None` omits it).
    pub fn with_lang(mut self, lang: Option<String>) -> Self {
        self.lang = lang;
        self
    }

    /// A fixed SCRAM client nonce, for reproducing published exchanges (RFC 6120 §9.1)
    /// and transcripts. Never set it in production: the nonce must be unpredictable.
    pub fn with_scram_nonce(mut self, nonce: impl Into<String>) -> Self {
        self.scram_nonce = Some(nonce.into());
        self
    }
}

/// The settings both roles share, copied out of the role's configuration.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub limits: Limits,
    pub timeouts: Timeouts,
    pub max_outbound_bytes: usize,
    pub max_pending_iqs: usize,
    pub max_events: usize,
}

/// Builder methods and the shared [`Settings`] of both roles' configurations.
macro_rules! shared_settings {
    ($config:ty) => {
        impl $config {
            /// Parser limits for the inbound stream.
            pub fn with_limits(mut self, limits: Limits) -> Self {
                self.limits = limits;
                self
            }

            /// Liveness timers.
            pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
                self.timeouts = timeouts;
                self
            }

            /// The seed of every random choice (stream and stanza ids, SCRAM nonces,
            /// resources). Adapters pass 32 bytes from the operating system.
            pub fn with_rng_seed(mut self, seed: [u8; 32]) -> Self {
                self.rng_seed = seed;
                self
            }

            /// A 64-bit seed expanded to a full one: for tests and transcripts only.
            pub fn with_seed_u64(mut self, seed: u64) -> Self {
                self.rng_seed = crate::rng::seed_from_u64(seed);
                self
            }

            /// Bytes that may wait in the outbound queue before `send` returns
            /// [`SendError::Full`](super::SendError::Full).
            pub fn with_max_outbound_bytes(mut self, bytes: usize) -> Self {
                self.max_outbound_bytes = bytes;
                self
            }

            /// Outstanding iq requests tracked for response matching.
            pub fn with_max_pending_iqs(mut self, n: usize) -> Self {
                self.max_pending_iqs = n;
                self
            }

            pub(crate) fn settings(&self) -> Settings {
                Settings {
                    limits: self.limits.clone(),
                    timeouts: self.timeouts.clone(),
                    max_outbound_bytes: self.max_outbound_bytes,
                    max_pending_iqs: self.max_pending_iqs,
                    max_events: self.max_events,
                }
            }
        }
    };
}
pub(crate) use shared_settings;

shared_settings!(ClientConfig);
