//! The questions a server-role connection asks its application (DESIGN §5: an event out,
//! a method call back, so the application may consult a database asynchronously).

use core::fmt;

use crate::error::StanzaError;
use crate::sasl::{Mechanism, SaslCondition, ScramKeys};

/// What the client presented; answer with [`Connection::answer_auth`](super::Connection::answer_auth).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthRequest {
    /// SCRAM: look up the account's stored keys; answer [`AuthAnswer::Keys`] (`None` for an
    /// unknown user: the exchange continues with decoy parameters and fails like a wrong
    /// password would, RFC 6120 §6.5.10). The engine verifies the proof.
    Scram {
        /// The mechanism (its hash decides which keys to return).
        mechanism: Mechanism,
        /// The account's localpart, PRECIS-prepared.
        username: String,
    },
    /// PLAIN: check the password ([`AuthAnswer::Accept`] / [`AuthAnswer::Reject`]), or
    /// return the stored SCRAM keys and let the engine check it.
    Plain {
        /// The account's localpart, PRECIS-prepared.
        username: String,
        /// The password as sent (prepare it with OpaqueString before comparing).
        password: String,
    },
    /// EXTERNAL (RFC 6120 §6.3.8 / XEP-0178): decide from the client certificate chain and
    /// answer [`AuthAnswer::Accept`] with the account's localpart.
    External {
        /// The identity the client asked for, if any.
        authzid: Option<String>,
        /// The client's certificate chain (DER, end entity first).
        peer_certificates: Vec<Vec<u8>>,
    },
    /// ANONYMOUS (RFC 4505): answer [`AuthAnswer::Accept`] with a fresh localpart.
    Anonymous {
        /// The optional trace token.
        trace: Option<String>,
    },
}

/// The application's verdict on an [`AuthRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthAnswer {
    /// The account's stored SCRAM keys (`None`: no such account). Also accepted for PLAIN.
    Keys(Option<ScramKeys>),
    /// Authenticated. `username` names the account for EXTERNAL and ANONYMOUS (required
    /// there); for PLAIN it may be `None` (the presented username).
    Accept {
        /// The account's localpart.
        username: Option<String>,
    },
    /// Refused with this RFC 6120 §6.5 condition (`not-authorized`, `account-disabled`,
    /// `credentials-expired`, `temporary-auth-failure`, ...).
    Reject(SaslCondition),
}

/// The application's decision on a resource ([`Event::BindRequest`](super::Event)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindAnswer {
    /// Bind this resource (the proposed one, or a replacement, RFC 6120 §7.7.2.2).
    Accept(String),
    /// Refuse, typically with `conflict` (RFC 6120 §7.7.2.2) or `not-allowed`.
    Refuse(StanzaError),
}

/// An answer the engine could not take; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerError {
    /// No such question is pending.
    NotAsked,
    /// The answer does not fit the question (e.g. `Keys` for EXTERNAL, a missing username).
    Mismatch,
    /// The username or resource is not a valid JID part.
    InvalidIdentity(String),
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAsked => f.write_str("no such question is pending"),
            Self::Mismatch => f.write_str("the answer does not fit the question"),
            Self::InvalidIdentity(e) => write!(f, "invalid identity: {e}"),
        }
    }
}

impl std::error::Error for AnswerError {}
