//! The adapter's error type: I/O and DNS failures wrapped around the engine's own reasons.

use std::fmt;
use std::io;

use xmpp_core::CloseReason;
use xmpp_core::connection::SendError;

/// Why an adapter operation failed.
///
/// The engine never reports I/O errors (it does no I/O); the adapter does, and keeps them
/// apart from the engine's [`CloseReason`], which says why the XMPP stream ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading from or writing to the socket failed.
    Io(io::Error),
    /// No connection could be opened: every candidate address failed (in order).
    Connect(Vec<ConnectAttempt>),
    /// The domain's SRV records say the service is decidedly not available (every target
    /// is `.`, RFC 2782), so no fallback to the domain itself is attempted.
    ServiceUnavailable(String),
    /// The TLS configuration could not be built (bad certificate or key file, ...).
    Tls(String),
    /// An invalid setting (for example a JID without a domain for the server role).
    Config(String),
    /// The engine ended the stream; the reason says why (negotiation failure, stream error,
    /// timeout, the peer closed, ...). Also returned by commands given after the end.
    /// Boxed: the reason is large and errors travel by value. See
    /// [`close_reason`](Error::close_reason).
    Closed(Box<CloseReason>),
    /// The engine refused a command (a caller fault; the connection is unchanged).
    Send(SendError),
}

/// One failed attempt to open a TCP connection.
#[derive(Debug)]
pub struct ConnectAttempt {
    /// What was tried: `host:port` and, once resolved, the socket address.
    pub target: String,
    /// Why it failed.
    pub error: io::Error,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "I/O error: {e}"),
            Error::Connect(attempts) if attempts.is_empty() => {
                f.write_str("could not connect: no address to try")
            }
            Error::Connect(attempts) => {
                f.write_str("could not connect: ")?;
                for (i, a) in attempts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", a.target, a.error)?;
                }
                Ok(())
            }
            Error::ServiceUnavailable(domain) => {
                write!(
                    f,
                    "{domain} publishes no XMPP client service (SRV target '.')"
                )
            }
            Error::Tls(e) => write!(f, "TLS configuration: {e}"),
            Error::Config(e) => write!(f, "configuration: {e}"),
            Error::Closed(reason) => write!(f, "connection closed: {}", DisplayReason(reason)),
            Error::Send(e) => write!(f, "command refused: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            Error::Send(e) => Some(e),
            Error::Closed(reason) => match &**reason {
                CloseReason::Negotiation(e) => Some(e),
                _ => None,
            },
            _ => None,
        }
    }
}

impl Error {
    /// The engine's close reason, for [`Error::Closed`].
    pub fn close_reason(&self) -> Option<&CloseReason> {
        match self {
            Error::Closed(reason) => Some(reason),
            _ => None,
        }
    }

    pub(crate) fn closed(reason: CloseReason) -> Self {
        Error::Closed(Box::new(reason))
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<SendError> for Error {
    fn from(e: SendError) -> Self {
        Error::Send(e)
    }
}

/// A human-readable [`CloseReason`] (the engine's type has no `Display`).
pub struct DisplayReason<'a>(pub &'a CloseReason);

impl fmt::Display for DisplayReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            CloseReason::Local => f.write_str("closed by us"),
            CloseReason::Remote => f.write_str("closed by the peer"),
            CloseReason::RemoteError(e) => write!(f, "the peer sent a stream error: {e}"),
            CloseReason::LocalError(e) => write!(f, "we sent a stream error: {e}"),
            CloseReason::Negotiation(e) => write!(f, "{e}"),
            CloseReason::Timeout(kind) => write!(f, "timeout ({kind:?})"),
            CloseReason::Eof => f.write_str("the transport ended without a stream close"),
            CloseReason::TransportFailed => f.write_str("the transport failed"),
            other => write!(f, "{other:?}"),
        }
    }
}
