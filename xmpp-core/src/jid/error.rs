//! Errors returned when a string is not a valid JID (RFC 7622).

use std::fmt;

/// The part of a JID that an error refers to (RFC 7622 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The optional part before the `@` (RFC 7622 §3.3).
    Localpart,
    /// The mandatory part (RFC 7622 §3.2).
    Domainpart,
    /// The optional part after the `/` (RFC 7622 §3.4).
    Resourcepart,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Localpart => "localpart",
            Part::Domainpart => "domainpart",
            Part::Resourcepart => "resourcepart",
        })
    }
}

/// Why a part of a JID was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The part is zero octets long; for the domainpart this includes a lone trailing
    /// dot (RFC 7622 §3.2, §3.3, §3.4).
    Empty,
    /// The part is longer than 1023 octets of UTF-8 after preparation (RFC 7622 §3.1).
    TooLong {
        /// Length of the prepared part in octets.
        octets: usize,
    },
    /// The part contains a code point its rules do not allow: one the PRECIS string
    /// class disallows or leaves unassigned (RFC 8264 §4.2, §4.3), one of the eight
    /// characters RFC 7622 §3.3.1 excludes from localparts, or an ASCII character that
    /// is not a letter, digit or hyphen in a domain label (RFC 5890 §2.3.1).
    ForbiddenChar(char),
    /// A PRECIS rule other than the code point check failed (RFC 8264 §7).
    Precis(PrecisError),
    /// The domainpart is not a valid domain name or IP literal (RFC 7622 §3.2).
    InvalidDomain(DomainError),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Empty => f.write_str("is empty"),
            Reason::TooLong { octets } => write!(
                f,
                "is {octets} octets long after preparation (the maximum is {})",
                super::MAX_PART_OCTETS
            ),
            Reason::ForbiddenChar(c) => {
                write!(
                    f,
                    "contains the forbidden character {c:?} (U+{:04X})",
                    *c as u32
                )
            }
            Reason::Precis(e) => e.fmt(f),
            Reason::InvalidDomain(e) => e.fmt(f),
        }
    }
}

/// A PRECIS failure that is not about a single disallowed code point.
///
/// This is an owned, comparable summary of the errors of the `precis-core` crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrecisError {
    /// A CONTEXTJ or CONTEXTO code point whose contextual rule is not satisfied by its
    /// neighbours (RFC 8264 §4.2.2, RFC 5892 Appendix A), e.g. a lone ZERO WIDTH JOINER.
    ContextRule(char),
    /// The localpart contains right-to-left code points but violates the Bidi Rule
    /// (RFC 8265 §3.3.1 rule 5, RFC 5893 §2).
    Bidi,
    /// Applying the rules did not reach a fixed point within three extra rounds
    /// (RFC 8264 §7).
    Unstable,
    /// Any other failure reported by the PRECIS implementation, as its description.
    Other(String),
}

impl fmt::Display for PrecisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrecisError::ContextRule(c) => write!(
                f,
                "contains {c:?} (U+{:04X}) in a context its contextual rule does not allow",
                *c as u32
            ),
            PrecisError::Bidi => f.write_str("violates the Bidi Rule of RFC 5893"),
            PrecisError::Unstable => f.write_str("does not stabilise under the PRECIS rules"),
            PrecisError::Other(description) => write!(f, "is rejected by PRECIS: {description}"),
        }
    }
}

/// Why a domainpart is not a valid domain name or IP literal (RFC 7622 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DomainError {
    /// Two dots in a row, a leading dot, or more than one trailing dot.
    EmptyLabel,
    /// A label starts or ends with a hyphen, or has hyphens in both its third and
    /// fourth positions without being an A-label (RFC 5891 §4.2.3.1, RFC 5890 §2.3.1).
    /// Holds the label.
    Hyphen(String),
    /// The final label is all digits but the domainpart is not a dotted-decimal IPv4
    /// address (RFC 3986 §3.2.2 `IPv4address`, RFC 1123 §2.1).
    NumericFinalLabel,
    /// A bracketed literal that is not an IPv6 address (RFC 3986 §3.2.2); zone
    /// identifiers and `IPvFuture` literals are not accepted either.
    InvalidIpLiteral,
    /// IDNA processing rejected the label (RFC 5891 §5.4, UTS #46 §4): a malformed
    /// A-label, a hyphen or joiner rule, or the Bidi Rule (RFC 5893). Holds the label,
    /// or the whole domainpart when no single label is at fault.
    InvalidLabel(String),
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainError::EmptyLabel => f.write_str("has an empty label"),
            DomainError::Hyphen(label) => {
                write!(f, "has a misplaced hyphen in the label {label:?}")
            }
            DomainError::NumericFinalLabel => {
                f.write_str("has an all-numeric final label but is not an IPv4 address")
            }
            DomainError::InvalidIpLiteral => f.write_str("is not a valid IPv6 address literal"),
            DomainError::InvalidLabel(label) => {
                write!(
                    f,
                    "is not a valid internationalized domain name at {label:?}"
                )
            }
        }
    }
}

/// The error returned when a string is not a valid JID: which part is wrong, and why.
///
/// ```
/// use xmpp_core::jid::{Jid, Part, Reason};
///
/// let err = "\"juliet\"@example.com".parse::<Jid>().unwrap_err();
/// assert_eq!(err.part(), Part::Localpart);
/// assert_eq!(err.reason(), &Reason::ForbiddenChar('"'));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JidError {
    part: Part,
    reason: Reason,
}

impl JidError {
    /// Creates an error for `part` with `reason`.
    pub fn new(part: Part, reason: Reason) -> Self {
        Self { part, reason }
    }

    /// The part that was rejected.
    pub fn part(&self) -> Part {
        self.part
    }

    /// Why the part was rejected.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }
}

impl fmt::Display for JidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JID: the {} {}", self.part, self.reason)
    }
}

impl std::error::Error for JidError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_part_and_reason() {
        let e = JidError::new(Part::Localpart, Reason::ForbiddenChar('"'));
        assert_eq!(
            e.to_string(),
            "invalid JID: the localpart contains the forbidden character '\"' (U+0022)"
        );
        let e = JidError::new(Part::Resourcepart, Reason::TooLong { octets: 1024 });
        assert_eq!(
            e.to_string(),
            "invalid JID: the resourcepart is 1024 octets long after preparation \
             (the maximum is 1023)"
        );
        let e = JidError::new(
            Part::Domainpart,
            Reason::InvalidDomain(DomainError::Hyphen("-a".into())),
        );
        assert_eq!(
            e.to_string(),
            "invalid JID: the domainpart has a misplaced hyphen in the label \"-a\""
        );
        let e = JidError::new(Part::Localpart, Reason::Precis(PrecisError::Bidi));
        assert_eq!(
            e.to_string(),
            "invalid JID: the localpart violates the Bidi Rule of RFC 5893"
        );
    }

    #[test]
    fn is_std_error_and_comparable() {
        fn assert_error<E: std::error::Error + Clone + Eq + Send + Sync + 'static>() {}
        assert_error::<JidError>();
        let a = JidError::new(Part::Domainpart, Reason::Empty);
        assert_eq!(a.clone(), a);
        assert_ne!(a, JidError::new(Part::Localpart, Reason::Empty));
    }
}
