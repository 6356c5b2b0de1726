//! The SASL mechanisms this crate implements, by their registered names.

use std::fmt;

use super::ScramHash;

/// A SASL mechanism implemented by this crate (names as registered with IANA, RFC 4422 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    /// `SCRAM-SHA-1` (RFC 5802).
    ScramSha1,
    /// `SCRAM-SHA-1-PLUS`: SCRAM-SHA-1 with channel binding (RFC 5802 §6).
    ScramSha1Plus,
    /// `SCRAM-SHA-256` (RFC 7677).
    ScramSha256,
    /// `SCRAM-SHA-256-PLUS`: SCRAM-SHA-256 with channel binding (RFC 7677).
    ScramSha256Plus,
    /// `SCRAM-SHA-512` (SCRAM of RFC 5802 over SHA-512).
    ScramSha512,
    /// `SCRAM-SHA-512-PLUS`: SCRAM-SHA-512 with channel binding.
    ScramSha512Plus,
    /// `PLAIN` (RFC 4616).
    Plain,
    /// `EXTERNAL` (RFC 4422 Appendix A): authentication by the TLS layer.
    External,
    /// `ANONYMOUS` (RFC 4505).
    Anonymous,
}

impl Mechanism {
    /// Every mechanism.
    pub const ALL: &'static [Mechanism] = &[
        Mechanism::ScramSha1,
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha256,
        Mechanism::ScramSha256Plus,
        Mechanism::ScramSha512,
        Mechanism::ScramSha512Plus,
        Mechanism::Plain,
        Mechanism::External,
        Mechanism::Anonymous,
    ];

    /// A client preference for password authentication: SCRAM with channel binding
    /// (strongest hash first), then SCRAM without, then PLAIN. EXTERNAL and ANONYMOUS are
    /// left out: a client lists them only when it has a certificate or wants no account.
    pub const DEFAULT_PREFERENCE: &'static [Mechanism] = &[
        Mechanism::ScramSha512Plus,
        Mechanism::ScramSha256Plus,
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha512,
        Mechanism::ScramSha256,
        Mechanism::ScramSha1,
        Mechanism::Plain,
    ];

    /// The registered mechanism name, as sent in `<mechanism/>` and `<auth mechanism=''/>`.
    pub const fn name(self) -> &'static str {
        match self {
            Mechanism::ScramSha1 => "SCRAM-SHA-1",
            Mechanism::ScramSha1Plus => "SCRAM-SHA-1-PLUS",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha256Plus => "SCRAM-SHA-256-PLUS",
            Mechanism::ScramSha512 => "SCRAM-SHA-512",
            Mechanism::ScramSha512Plus => "SCRAM-SHA-512-PLUS",
            Mechanism::Plain => "PLAIN",
            Mechanism::External => "EXTERNAL",
            Mechanism::Anonymous => "ANONYMOUS",
        }
    }

    /// The mechanism with registered name `name`. Names are compared exactly: RFC 4422 §3.1
    /// defines them as upper-case.
    pub fn from_name(name: &str) -> Option<Mechanism> {
        Mechanism::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Whether this is a channel-binding (`-PLUS`) variant (RFC 5802 §4).
    pub const fn is_plus(self) -> bool {
        matches!(
            self,
            Mechanism::ScramSha1Plus | Mechanism::ScramSha256Plus | Mechanism::ScramSha512Plus
        )
    }

    /// The hash of a SCRAM mechanism; `None` for the others.
    pub const fn scram_hash(self) -> Option<ScramHash> {
        match self {
            Mechanism::ScramSha1 | Mechanism::ScramSha1Plus => Some(ScramHash::Sha1),
            Mechanism::ScramSha256 | Mechanism::ScramSha256Plus => Some(ScramHash::Sha256),
            Mechanism::ScramSha512 | Mechanism::ScramSha512Plus => Some(ScramHash::Sha512),
            Mechanism::Plain | Mechanism::External | Mechanism::Anonymous => None,
        }
    }

    /// The SCRAM mechanism for `hash`, with (`plus`) or without channel binding.
    pub const fn scram(hash: ScramHash, plus: bool) -> Mechanism {
        match (hash, plus) {
            (ScramHash::Sha1, false) => Mechanism::ScramSha1,
            (ScramHash::Sha1, true) => Mechanism::ScramSha1Plus,
            (ScramHash::Sha256, false) => Mechanism::ScramSha256,
            (ScramHash::Sha256, true) => Mechanism::ScramSha256Plus,
            (ScramHash::Sha512, false) => Mechanism::ScramSha512,
            (ScramHash::Sha512, true) => Mechanism::ScramSha512Plus,
        }
    }

    /// Whether the mechanism authenticates with a password (SCRAM and PLAIN).
    pub const fn needs_password(self) -> bool {
        !matches!(self, Mechanism::External | Mechanism::Anonymous)
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &m in Mechanism::ALL {
            assert_eq!(Mechanism::from_name(m.name()), Some(m));
            assert_eq!(m.to_string(), m.name());
            if let Some(hash) = m.scram_hash() {
                assert_eq!(Mechanism::scram(hash, m.is_plus()), m);
                let suffix = if m.is_plus() { "-PLUS" } else { "" };
                assert_eq!(m.name(), format!("SCRAM-{}{suffix}", hash.name()));
            }
        }
        assert_eq!(Mechanism::ScramSha1Plus.name(), "SCRAM-SHA-1-PLUS");
        assert_eq!(Mechanism::from_name("scram-sha-1"), None);
        assert_eq!(Mechanism::from_name("DIGEST-MD5"), None);
    }
}
