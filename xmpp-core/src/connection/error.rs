//! Errors of the connection layer: negotiation failures (why a connection ended) and
//! caller faults (a command refused, nothing changed).

use core::fmt;

use crate::error::StanzaError;
use crate::jid::JidError;
use crate::sasl::{SaslClientError, SaslFailure, SelectError};
use crate::tls::TlsError;

/// Why stream negotiation failed (inside [`CloseReason::Negotiation`](super::CloseReason)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NegotiationError {
    /// TLS is required and the server did not offer STARTTLS (RFC 6120 §5.3.1; stripping).
    TlsNotOffered,
    /// The server answered `<starttls/>` with `<failure/>` (RFC 6120 §5.4.2.2).
    TlsRefused,
    /// The server requires TLS and our policy disables it.
    TlsRequiredByServer,
    /// STARTTLS is needed but no TLS mode can perform it.
    TlsUnavailable,
    /// The TLS handshake or record layer failed.
    Tls(TlsError),
    /// No offered SASL mechanism is acceptable under the configuration.
    NoMechanism(SelectError),
    /// The server reported a SASL failure (RFC 6120 §6.5).
    SaslFailure(SaslFailure),
    /// The SASL exchange failed on our side: bad server signature, malformed challenge...
    Sasl(SaslClientError),
    /// The server offered neither SASL nor an authenticated stream.
    SaslNotOffered,
    /// The server did not offer resource binding after authentication (RFC 6120 §7.2).
    BindNotOffered,
    /// The server refused resource binding (RFC 6120 §7.6.2, e.g. `conflict`).
    Bind(StanzaError),
    /// The bind result carried no usable JID.
    BadBindResult(String),
    /// The server refused legacy session establishment.
    Session(StanzaError),
}

impl fmt::Display for NegotiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TlsNotOffered => {
                f.write_str("TLS is required but the server does not offer STARTTLS")
            }
            Self::TlsRefused => f.write_str("the server refused STARTTLS"),
            Self::TlsRequiredByServer => {
                f.write_str("the server requires TLS, which the policy disables")
            }
            Self::TlsUnavailable => f.write_str("STARTTLS is needed but no TLS mode is configured"),
            Self::Tls(e) => write!(f, "TLS failed: {e}"),
            Self::NoMechanism(e) => write!(f, "no usable SASL mechanism: {e}"),
            Self::SaslFailure(e) => write!(f, "authentication failed: {e}"),
            Self::Sasl(e) => write!(f, "authentication aborted: {e}"),
            Self::SaslNotOffered => f.write_str("the server offers no SASL mechanisms"),
            Self::BindNotOffered => f.write_str("the server does not offer resource binding"),
            Self::Bind(e) => write!(f, "resource binding refused: {}", e.condition),
            Self::BadBindResult(s) => write!(f, "bad bind result: {s}"),
            Self::Session(e) => write!(f, "session establishment refused: {}", e.condition),
        }
    }
}

impl std::error::Error for NegotiationError {}

/// A command the engine refused; the connection is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// The stream is not online yet (or no longer).
    NotOnline,
    /// The outbound queue is over its limit: wait for [`Event::Writable`](super::Event).
    Full,
    /// The element is not a stanza this stream carries (`message`, `presence`, `iq` in
    /// the stream's content namespace).
    NotAStanza(String),
    /// An iq `get`/`set` without `id` given to `send` (use `send_iq`, which generates one).
    MissingId,
    /// An iq without a valid `type` (RFC 6120 §8.2.3).
    BadIqType,
    /// A `to` or `from` that is not a valid JID.
    InvalidJid(JidError),
    /// Raw XML that is not exactly one well-formed element (the reason is inside).
    InvalidXml(String),
    /// Too many iq requests are waiting for a response.
    TooManyPendingIqs,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotOnline => f.write_str("the stream is not online"),
            Self::Full => f.write_str("the outbound queue is full"),
            Self::NotAStanza(n) => write!(f, "<{n}/> is not a stanza of this stream"),
            Self::MissingId => f.write_str("iq get/set needs an id"),
            Self::BadIqType => f.write_str("iq needs type get, set, result or error"),
            Self::InvalidJid(e) => write!(f, "invalid JID: {e}"),
            Self::InvalidXml(e) => write!(f, "invalid XML: {e}"),
            Self::TooManyPendingIqs => f.write_str("too many iq requests outstanding"),
        }
    }
}

impl std::error::Error for SendError {}

/// An input the engine refused; the connection is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// Data after the application reported end of file.
    AfterEof,
    /// `TlsEstablished` when no external handshake was requested.
    UnexpectedTls,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AfterEof => f.write_str("input after end of file"),
            Self::UnexpectedTls => f.write_str("TLS established without a pending handshake"),
        }
    }
}

impl std::error::Error for InputError {}
