//! What can go wrong on the server side of a SASL exchange, and the RFC 6120 §6.5
//! condition each failure is reported with.

use std::fmt;

use super::scram::ScramFormatError;
use super::{SaslCondition, SaslFailure};

/// Why a server-side SASL step failed. [`condition`](Self::condition) gives the
/// `<failure/>` condition to send (RFC 6120 §6.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslServerError {
    /// The client's message is syntactically wrong (`malformed-request`, §6.5.8), or its
    /// SCRAM base 64 is (`incorrect-encoding`, §6.5.5).
    Malformed(ScramFormatError),
    /// A PLAIN message without exactly two NUL separators, with an empty authcid or
    /// password, or not UTF-8 (RFC 4616 §2; `malformed-request`).
    MalformedPlain,
    /// EXTERNAL or ANONYMOUS data that is not UTF-8, contains NUL, or (ANONYMOUS) is longer
    /// than 255 characters (RFC 4422 Appendix A, RFC 4505 §2; `malformed-request`).
    MalformedIdentity,
    /// `p=` with a mechanism that is not `-PLUS`, or `n`/`y` with a `-PLUS` mechanism
    /// (RFC 5802 §6, RFC 5801 §4; `malformed-request`).
    FlagMechanismMismatch,
    /// `y` although this server offered a `-PLUS` mechanism: a downgrade attack
    /// (RFC 5802 §6, "the server MUST fail authentication"; `not-authorized`).
    DowngradeDetected,
    /// `p=` names a channel-binding type this server cannot provide here (RFC 5802 §6.1:
    /// "Servers MUST choose the channel binding type indicated by the client, or fail
    /// authentication"; `not-authorized`).
    UnsupportedChannelBinding(String),
    /// `c=` is not the GS2 header and the channel-binding data (RFC 5802 §6: "The server
    /// MUST always validate the client's c= field"; `not-authorized`).
    ChannelBindingMismatch,
    /// The nonce of client-final is not the one of server-first (RFC 5802 §5.1;
    /// `not-authorized`).
    NonceMismatch,
    /// The proof is wrong, or the user is unknown (the two are not distinguished, RFC 6120
    /// §6.5.10; `not-authorized`).
    InvalidProof,
    /// The server nonce part given to the state machine is not printable ASCII without
    /// `,` (RFC 5802 §7): a bug of the caller (`temporary-auth-failure`).
    InvalidServerNonce,
    /// The stored keys are for another hash than the mechanism's, or unusable (empty salt,
    /// zero iterations): a configuration error of the caller (`temporary-auth-failure`).
    UnusableKeys,
    /// A step out of order, or after the exchange ended (`malformed-request`).
    OutOfOrder,
}

impl SaslServerError {
    /// The condition to report in `<failure/>` (RFC 6120 §6.5).
    pub fn condition(&self) -> SaslCondition {
        match self {
            SaslServerError::Malformed(ScramFormatError::InvalidBase64(..)) => {
                SaslCondition::IncorrectEncoding
            }
            SaslServerError::Malformed(_)
            | SaslServerError::MalformedPlain
            | SaslServerError::MalformedIdentity
            | SaslServerError::FlagMechanismMismatch
            | SaslServerError::OutOfOrder => SaslCondition::MalformedRequest,
            SaslServerError::DowngradeDetected
            | SaslServerError::UnsupportedChannelBinding(_)
            | SaslServerError::ChannelBindingMismatch
            | SaslServerError::NonceMismatch
            | SaslServerError::InvalidProof => SaslCondition::NotAuthorized,
            SaslServerError::InvalidServerNonce | SaslServerError::UnusableKeys => {
                SaslCondition::TemporaryAuthFailure
            }
        }
    }

    /// The `<failure/>` to send: [`condition`](Self::condition) without text (details
    /// stay on the server, RFC 6120 §6.5.10).
    pub fn failure(&self) -> SaslFailure {
        SaslFailure::new(self.condition())
    }
}

impl fmt::Display for SaslServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaslServerError::Malformed(e) => e.fmt(f),
            SaslServerError::MalformedPlain => f.write_str("malformed PLAIN message"),
            SaslServerError::MalformedIdentity => f.write_str("malformed identity"),
            SaslServerError::FlagMechanismMismatch => {
                f.write_str("channel-binding flag does not match the mechanism")
            }
            SaslServerError::DowngradeDetected => {
                f.write_str("client reports no channel binding offered, but it was: downgrade")
            }
            SaslServerError::UnsupportedChannelBinding(t) => {
                write!(f, "unsupported channel-binding type '{t}'")
            }
            SaslServerError::ChannelBindingMismatch => f.write_str("channel bindings do not match"),
            SaslServerError::NonceMismatch => f.write_str("SCRAM nonce mismatch"),
            SaslServerError::InvalidProof => f.write_str("invalid SCRAM proof"),
            SaslServerError::InvalidServerNonce => f.write_str("invalid server nonce"),
            SaslServerError::UnusableKeys => f.write_str("stored SCRAM keys are unusable"),
            SaslServerError::OutOfOrder => f.write_str("SASL step out of order"),
        }
    }
}

impl std::error::Error for SaslServerError {}

impl From<ScramFormatError> for SaslServerError {
    fn from(e: ScramFormatError) -> Self {
        SaslServerError::Malformed(e)
    }
}
