//! Password preparation with the PRECIS OpaqueString profile (RFC 8265 §4.2), as SCRAM
//! hashes it (RFC 5802 §2.2 `Normalize`, updated from SASLprep to PRECIS by RFC 8265
//! §4.2 and RFC 7677 §4).

use std::borrow::Cow;
use std::fmt;

use precis_core::profile::PrecisFastInvocation;
use precis_profiles::OpaqueString;

/// How often the rules are applied at most: once, plus three more rounds to reach a fixed
/// point (RFC 8264 §7).
const MAX_APPLICATIONS: usize = 4;

/// Why a password cannot be prepared with OpaqueString (RFC 8265 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordError {
    /// The password is empty (RFC 8265 §4.2.2: zero-length passwords are disallowed).
    Empty,
    /// The password contains a code point the FreeformClass disallows (RFC 8264 §4.3),
    /// e.g. a control character.
    ForbiddenChar(char),
    /// Enforcement did not reach a fixed point (RFC 8264 §7).
    Unstable,
    /// Any other rejection by the PRECIS implementation, as its description.
    Other(String),
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordError::Empty => f.write_str("the password is empty"),
            PasswordError::ForbiddenChar(c) => write!(
                f,
                "the password contains U+{:04X}, which OpaqueString disallows",
                *c as u32
            ),
            PasswordError::Unstable => f.write_str("the password does not stabilise under PRECIS"),
            PasswordError::Other(d) => write!(f, "the password is rejected by PRECIS: {d}"),
        }
    }
}

impl std::error::Error for PasswordError {}

/// Prepares and enforces `password` with OpaqueString (RFC 8265 §4.2.2), applying the
/// rules until the output is stable (RFC 8264 §7). ASCII input without control characters
/// is returned unchanged.
pub fn prepare_password(password: &str) -> Result<Cow<'_, str>, PasswordError> {
    if password.is_empty() {
        return Err(PasswordError::Empty);
    }
    let mut current: Cow<'_, str> = Cow::Borrowed(password);
    for _ in 0..MAX_APPLICATIONS {
        let next = <OpaqueString as PrecisFastInvocation>::enforce(&*current).map_err(convert)?;
        if *next == *current {
            return Ok(current);
        }
        let next = next.into_owned();
        current = Cow::Owned(next);
    }
    Err(PasswordError::Unstable)
}

fn convert(error: precis_core::Error) -> PasswordError {
    match error {
        precis_core::Error::BadCodepoint(info) => match char::from_u32(info.cp) {
            Some(c) => PasswordError::ForbiddenChar(c),
            None => PasswordError::Other(info.to_string().replace('\n', "")),
        },
        other => PasswordError::Other(other.to_string().replace('\n', "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_string_examples() {
        // RFC 8265 §4.3: examples 16 to 19 are valid, 20 is not.
        assert_eq!(
            prepare_password("correct horse battery staple").unwrap(),
            "correct horse battery staple"
        );
        assert_eq!(
            prepare_password("Correct Horse Battery Staple").unwrap(),
            "Correct Horse Battery Staple"
        );
        assert_eq!(
            prepare_password("\u{3C0}\u{DF}\u{E5}").unwrap(),
            "\u{3C0}\u{DF}\u{E5}"
        );
        assert_eq!(
            prepare_password("Jack of \u{2666}s").unwrap(),
            "Jack of \u{2666}s"
        );
        // Example 19: OGHAM SPACE MARK is mapped to SPACE.
        assert_eq!(prepare_password("foo\u{1680}bar").unwrap(), "foo bar");
        assert_eq!(
            prepare_password("my cat is a \u{9}by"),
            Err(PasswordError::ForbiddenChar('\u{9}'))
        );
        assert_eq!(prepare_password(""), Err(PasswordError::Empty));
        // NFC (RFC 8265 §4.2.1, rule 4): e + COMBINING ACUTE ACCENT becomes U+00E9.
        assert_eq!(prepare_password("e\u{301}").unwrap(), "\u{E9}");
        assert!(matches!(
            prepare_password("pencil"),
            Ok(Cow::Borrowed("pencil"))
        ));
    }
}
