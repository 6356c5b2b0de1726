//! What can go wrong on the client side of a SASL exchange.

use std::fmt;

use super::Mechanism;
use super::base64::Base64Error;
use super::password::PasswordError;
use super::scram::ScramFormatError;

/// Why a [`SaslClient`](super::SaslClient) cannot be created or rejects what the server
/// sent. After an error the exchange is over; the client should send `<abort/>`
/// (RFC 6120 §6.4.4) or close the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslClientError {
    /// [`SaslClient::new`](super::SaslClient::new) was given EXTERNAL or ANONYMOUS, which
    /// take no password (use their own constructors).
    NotAPasswordMechanism(Mechanism),
    /// The username is empty, or the username, authzid or ANONYMOUS trace token contains
    /// NUL (or, for the trace, is longer than 255 characters, RFC 4505 §2).
    InvalidIdentity,
    /// The password fails OpaqueString preparation (RFC 8265 §4.2); or, for PLAIN, is
    /// empty or contains NUL (RFC 4616 §2).
    InvalidPassword(PasswordError),
    /// The client nonce is empty or not printable ASCII without `,` (RFC 5802 §7).
    InvalidClientNonce,
    /// A `-PLUS` mechanism without [`Gs2Flag::Used`](super::Gs2Flag::Used), or `p=` with a
    /// mechanism that is not `-PLUS` (RFC 5802 §6, RFC 5801 §4).
    ChannelBindingMismatch,
    /// A challenge where the mechanism expects none (any challenge for PLAIN, EXTERNAL and
    /// ANONYMOUS; a third SCRAM challenge).
    UnexpectedChallenge,
    /// The server's SCRAM message is malformed (RFC 5802 §7).
    Malformed(ScramFormatError),
    /// The server nonce does not start with the client nonce, or adds nothing to it
    /// (RFC 5802 §5.1 `r`).
    NonceMismatch,
    /// The server asks for more PBKDF2 iterations than the configured maximum.
    TooManyIterations {
        /// The count the server sent.
        requested: u32,
        /// The configured maximum.
        max: u32,
    },
    /// The server-final message reports an error (RFC 5802 §7 `server-error`), e.g.
    /// `invalid-proof`.
    ServerError(String),
    /// The server signature `v=` is wrong: the server does not know the password's keys
    /// (RFC 5802 §5: the client "MUST consider the authentication exchange to be
    /// unsuccessful").
    ServerSignatureMismatch,
    /// `<success/>` arrived while SCRAM still needed the server-final message (RFC 5802
    /// §5.2: SCRAM returns additional data with success).
    MissingServerFinal,
    /// `<success/>` carried data the mechanism does not define, or repeated the server-final
    /// message already received in a challenge.
    UnexpectedSuccessData,
    /// A call out of order, or after the exchange ended or failed.
    OutOfOrder,
    /// The server's SASL data is not strict base 64 (RFC 6120 §13.9.1).
    Base64(Base64Error),
}

impl fmt::Display for SaslClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaslClientError::NotAPasswordMechanism(m) => write!(f, "{m} does not use a password"),
            SaslClientError::InvalidIdentity => f.write_str("invalid username, authzid or trace"),
            SaslClientError::InvalidPassword(e) => e.fmt(f),
            SaslClientError::InvalidClientNonce => f.write_str("invalid SCRAM client nonce"),
            SaslClientError::ChannelBindingMismatch => {
                f.write_str("channel-binding flag does not match the mechanism")
            }
            SaslClientError::UnexpectedChallenge => f.write_str("unexpected SASL challenge"),
            SaslClientError::Malformed(e) => e.fmt(f),
            SaslClientError::NonceMismatch => f.write_str("server nonce does not extend ours"),
            SaslClientError::TooManyIterations { requested, max } => {
                write!(f, "server asks for {requested} iterations (maximum {max})")
            }
            SaslClientError::ServerError(e) => write!(f, "SCRAM server error: {e}"),
            SaslClientError::ServerSignatureMismatch => f.write_str("wrong SCRAM server signature"),
            SaslClientError::MissingServerFinal => {
                f.write_str("success without the SCRAM server-final message")
            }
            SaslClientError::UnexpectedSuccessData => f.write_str("unexpected data with success"),
            SaslClientError::OutOfOrder => f.write_str("SASL step out of order"),
            SaslClientError::Base64(e) => write!(f, "server sent invalid base 64: {e}"),
        }
    }
}

impl std::error::Error for SaslClientError {}

impl From<ScramFormatError> for SaslClientError {
    fn from(e: ScramFormatError) -> Self {
        SaslClientError::Malformed(e)
    }
}

impl From<Base64Error> for SaslClientError {
    fn from(e: Base64Error) -> Self {
        SaslClientError::Base64(e)
    }
}
