//! The result of preparing one JID part, before it is copied into the JID's buffer.

use std::borrow::Cow;

/// A prepared JID part.
///
/// The ASCII fast paths validate in place and only record whether ASCII
/// lowercasing is needed, so that the lowercased copy is written straight into the
/// JID's single allocation instead of a temporary string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Prepared<'a> {
    /// The input is already in canonical form.
    Borrowed(&'a str),
    /// The input is ASCII and its canonical form is its ASCII lowercase.
    AsciiLowercase(&'a str),
    /// The canonical form differs from the input in other ways.
    Owned(String),
}

impl<'a> Prepared<'a> {
    /// Wraps the output of a PRECIS or IDNA call.
    pub(crate) fn from_cow(cow: Cow<'a, str>) -> Self {
        match cow {
            Cow::Borrowed(s) => Prepared::Borrowed(s),
            Cow::Owned(s) => Prepared::Owned(s),
        }
    }

    /// Length of the canonical form in octets.
    pub(crate) fn len(&self) -> usize {
        match self {
            Prepared::Borrowed(s) | Prepared::AsciiLowercase(s) => s.len(),
            Prepared::Owned(s) => s.len(),
        }
    }

    /// Appends the canonical form to `out`.
    pub(crate) fn push_to(&self, out: &mut String) {
        match self {
            Prepared::Borrowed(s) => out.push_str(s),
            Prepared::AsciiLowercase(s) => {
                let start = out.len();
                out.push_str(s);
                out[start..].make_ascii_lowercase();
            }
            Prepared::Owned(s) => out.push_str(s),
        }
    }

    /// The canonical form as a string (allocates only for `AsciiLowercase`).
    #[cfg(test)]
    pub(crate) fn as_cow(&self) -> Cow<'_, str> {
        match self {
            Prepared::Borrowed(s) => Cow::Borrowed(s),
            Prepared::AsciiLowercase(s) => Cow::Owned(s.to_ascii_lowercase()),
            Prepared::Owned(s) => Cow::Borrowed(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_to_writes_canonical_form() {
        let mut out = String::from("x@");
        Prepared::AsciiLowercase("Example.COM").push_to(&mut out);
        Prepared::Borrowed("/").push_to(&mut out);
        Prepared::Owned("Caf\u{e9}".into()).push_to(&mut out);
        assert_eq!(out, "x@example.com/Caf\u{e9}");
        assert_eq!(Prepared::AsciiLowercase("AB").len(), 2);
        assert_eq!(Prepared::AsciiLowercase("AB").as_cow(), "ab");
    }
}
