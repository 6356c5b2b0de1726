//! What can be wrong with a received `<stream:error/>` or stanza `<error/>`.

use std::fmt;

/// Why a received stream error (RFC 6120 §4.9.2) or stanza error (§8.3.2) could not be read.
///
/// An unknown condition name is not an error: RFC 6120 §4.9.2 and §8.3.2 require treating it
/// as `undefined-condition`, which is what the parsers do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorParseError {
    /// The element is not a `<stream:error/>` (for a stream error) or an `<error/>` in a
    /// content namespace (for a stanza error).
    UnexpectedElement {
        /// The element's namespace.
        ns: String,
        /// The element's local name.
        name: String,
    },
    /// A stanza of type `error` has no `<error/>` child (RFC 6120 §8.3.1, rule 4).
    MissingErrorElement,
    /// No defined condition element (RFC 6120 §4.9.2, §8.3.2: exactly one is required).
    MissingCondition,
    /// More than one condition element in the conditions namespace.
    MultipleConditions,
    /// A stanza `<error/>` without its required `type` attribute (RFC 6120 §8.3.2).
    MissingType,
    /// A stanza error `type` other than auth, cancel, continue, modify or wait (§8.3.2).
    InvalidType(String),
}

impl fmt::Display for ErrorParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorParseError::UnexpectedElement { ns, name } => {
                write!(f, "not an error element: <{name}/> in namespace '{ns}'")
            }
            ErrorParseError::MissingErrorElement => {
                f.write_str("stanza of type 'error' without an <error/> child")
            }
            ErrorParseError::MissingCondition => f.write_str("error without a defined condition"),
            ErrorParseError::MultipleConditions => {
                f.write_str("error with more than one defined condition")
            }
            ErrorParseError::MissingType => f.write_str("stanza error without a 'type'"),
            ErrorParseError::InvalidType(t) => write!(f, "invalid stanza error type '{t}'"),
        }
    }
}

impl std::error::Error for ErrorParseError {}
