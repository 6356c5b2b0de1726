//! The error type of the TLS layer.

use core::fmt;

/// Broad classification of a [`TlsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsErrorKind {
    /// Local misconfiguration: an invalid server name, an unusable TLS configuration.
    Config,
    /// The handshake could not agree on parameters (version, cipher suite, ALPN, ...).
    Handshake,
    /// The peer's certificate was missing, invalid or did not match the expected name.
    Certificate,
    /// The peer sent a fatal TLS alert.
    Alert,
    /// The peer sent malformed or undecryptable records, or otherwise violated TLS.
    Protocol,
    /// Data was sent after the local close_notify. Not fatal to receiving.
    Closed,
}

impl fmt::Display for TlsErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Config => "configuration error",
            Self::Handshake => "handshake failure",
            Self::Certificate => "certificate error",
            Self::Alert => "alert received",
            Self::Protocol => "protocol error",
            Self::Closed => "closed",
        })
    }
}

/// A TLS failure. All kinds but [`TlsErrorKind::Closed`] leave the channel unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsError {
    kind: TlsErrorKind,
    message: String,
}

impl TlsError {
    /// An error of `kind` with a human-readable `message`.
    #[must_use]
    pub fn new(kind: TlsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The classification of this error.
    #[must_use]
    pub fn kind(&self) -> TlsErrorKind {
        self.kind
    }

    /// The human-readable description (from the TLS stack where there is one).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS {}: {}", self.kind, self.message)
    }
}

impl std::error::Error for TlsError {}
