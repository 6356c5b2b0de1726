//! What the engine tells the application.

use crate::Jid;
use crate::error::StreamError;
use crate::sasl::{ChannelBindingType, Mechanism};
use crate::tls::TlsInfo;
use crate::xml::Element;

use super::{AuthRequest, NegotiationError};

/// An event from [`Connection::poll_event`](super::Connection::poll_event).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// External TLS mode: perform the TLS handshake on the transport now (the server sent
    /// `<proceed/>`, or direct TLS starts), then report
    /// [`Input::TlsEstablished`](super::Input::TlsEstablished). The engine writes nothing
    /// meanwhile.
    StartTls,
    /// The stream is encrypted (RFC 6120 §5).
    Secured(TlsInfo),
    /// SASL succeeded (RFC 6120 §6) with this mechanism.
    Authenticated {
        /// The mechanism used.
        mechanism: Mechanism,
        /// The channel binding the exchange was bound to (`-PLUS` mechanisms), if any.
        channel_binding: Option<ChannelBindingType>,
    },
    /// Resource binding (and legacy session, if required) is done: stanzas flow.
    Online {
        /// The full JID the server bound (RFC 6120 §7).
        jid: Jid,
    },
    /// A received stanza (`message`, `presence`, or an `iq` that is not a response to one
    /// of ours): the zero-copy element, namespace context included. Responses that match
    /// no request of ours (unknown id, or from another sender) arrive here too.
    Stanza(Element),
    /// The response (`result` or `error`) to an iq we sent, matched by id and sender.
    IqResponse {
        /// The id of our request.
        id: String,
        /// The response.
        stanza: Element,
    },
    /// Server role: a client wants to authenticate; answer with
    /// [`Connection::answer_auth`](super::Connection::answer_auth). Input is held (and
    /// `wants_read` is false) until then.
    AuthRequest(AuthRequest),
    /// Server role: the client asks to bind a resource; answer with
    /// [`Connection::answer_bind`](super::Connection::answer_bind).
    BindRequest {
        /// The resource the client asked for (`None`: the server assigns one).
        requested: Option<String>,
        /// The resource the engine proposes (the requested one, prepared, or a generated one).
        proposed: String,
    },
    /// The outbound queue drained after `send` reported it full.
    Writable,
    /// The connection is over: drain `poll_transmit` (a final `<stream:error/>` or
    /// `</stream:stream>` may be queued), then close the transport. Emitted once; all
    /// later input is ignored.
    Closed(CloseReason),
}

/// Why the connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// We closed with [`close`](super::Connection::close) and the peer answered (or the
    /// transport ended) within the grace period.
    Local,
    /// The peer closed its stream cleanly; we answered with ours.
    Remote,
    /// The peer sent this stream error (RFC 6120 §4.9); `see_other_host` is in it.
    RemoteError(StreamError),
    /// We detected a peer fault and sent this stream error.
    LocalError(StreamError),
    /// Negotiation failed on our side of the policy (TLS not offered, no usable SASL
    /// mechanism, bind refused, ...).
    Negotiation(NegotiationError),
    /// A timer expired.
    Timeout(TimeoutKind),
    /// The transport reached end of file without a stream close.
    Eof,
    /// The application reported [`Input::TransportFailed`](super::Input::TransportFailed).
    TransportFailed,
}

/// Which timer ended the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Negotiation did not complete in time.
    Negotiation,
    /// A ping (or any traffic) did not come back in time.
    Ping,
    /// The peer did not answer our `</stream:stream>` in time.
    CloseGrace,
}

impl core::fmt::Display for CloseReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CloseReason::Local => f.write_str("closed by us"),
            CloseReason::Remote => f.write_str("closed by the peer"),
            CloseReason::RemoteError(e) => write!(f, "the peer sent a stream error: {e}"),
            CloseReason::LocalError(e) => write!(f, "we sent a stream error: {e}"),
            CloseReason::Negotiation(e) => e.fmt(f),
            CloseReason::Timeout(kind) => write!(f, "timeout: {kind}"),
            CloseReason::Eof => f.write_str("the transport ended without a stream close"),
            CloseReason::TransportFailed => f.write_str("the transport failed"),
        }
    }
}

impl core::fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TimeoutKind::Negotiation => "stream negotiation took too long",
            TimeoutKind::Ping => "no answer to a ping",
            TimeoutKind::CloseGrace => "the peer did not answer our stream close",
        })
    }
}
