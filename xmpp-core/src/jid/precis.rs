//! Glue between the `precis-core`/`precis-profiles` crates and the JID error types.

use std::borrow::Cow;

use precis_core::{DerivedPropertyValue, Error};

use super::error::{PrecisError, Reason};

/// How often the rules are applied at most: once, plus three more rounds to reach a
/// fixed point (RFC 8264 §7).
const MAX_APPLICATIONS: usize = 4;

/// Applies a PRECIS profile's enforcement until its output is stable (RFC 8264 §7).
///
/// An input that is already in canonical form costs one application and no allocation.
/// `bidi_rule` says whether the profile has a directionality rule, which decides how
/// the crate's catch-all `Error::Invalid` is reported.
pub(crate) fn enforce_stable<'a>(
    input: &'a str,
    enforce: for<'b> fn(&'b str) -> Result<Cow<'b, str>, Error>,
    bidi_rule: bool,
) -> Result<Cow<'a, str>, Reason> {
    let mut current: Cow<'a, str> = Cow::Borrowed(input);
    for _ in 0..MAX_APPLICATIONS {
        let next = enforce(&current).map_err(|e| reason_from_precis(e, bidi_rule))?;
        if *next == *current {
            return Ok(current);
        }
        let next = next.into_owned();
        current = Cow::Owned(next);
    }
    Err(Reason::Precis(PrecisError::Unstable))
}

/// Converts an error of the PRECIS crates into an owned, comparable [`Reason`].
pub(crate) fn reason_from_precis(error: Error, bidi_rule: bool) -> Reason {
    match error {
        Error::BadCodepoint(info) => match char::from_u32(info.cp) {
            Some(c) => match info.property {
                DerivedPropertyValue::ContextJ | DerivedPropertyValue::ContextO => {
                    Reason::Precis(PrecisError::ContextRule(c))
                }
                _ => Reason::ForbiddenChar(c),
            },
            None => Reason::Precis(PrecisError::Other(one_line(&info))),
        },
        // The profiles return `Invalid` for an empty string (callers check that first)
        // and, in profiles with a directionality rule, for a Bidi Rule violation.
        Error::Invalid if bidi_rule => Reason::Precis(PrecisError::Bidi),
        other => Reason::Precis(PrecisError::Other(one_line(&other))),
    }
}

/// The `Display` output of the PRECIS types contains line breaks; keep one line.
fn one_line(value: &dyn std::fmt::Display) -> String {
    value.to_string().replace('\n', "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use precis_core::profile::PrecisFastInvocation;
    use precis_core::{CodepointInfo, UnexpectedError};
    use precis_profiles::UsernameCaseMapped;

    fn username(s: &str) -> Result<Cow<'_, str>, Error> {
        <UsernameCaseMapped as PrecisFastInvocation>::enforce(s)
    }

    #[test]
    fn canonical_input_is_borrowed() {
        assert!(matches!(
            enforce_stable("juliet", username, true),
            Ok(Cow::Borrowed("juliet"))
        ));
        assert_eq!(enforce_stable("Juliet", username, true).unwrap(), "juliet");
    }

    /// A rule that never reaches a fixed point is rejected after four applications
    /// (RFC 8264 §7).
    #[test]
    fn unstable_rules_are_rejected() {
        fn grow(s: &str) -> Result<Cow<'_, str>, Error> {
            Ok(Cow::Owned(format!("{s}x")))
        }
        assert_eq!(
            enforce_stable("a", grow, false),
            Err(Reason::Precis(PrecisError::Unstable))
        );
    }

    #[test]
    fn errors_are_converted() {
        let bad = |cp, property| Error::BadCodepoint(CodepointInfo::new(cp, 0, property));
        assert_eq!(
            reason_from_precis(bad(0x20, DerivedPropertyValue::SpecClassDis), true),
            Reason::ForbiddenChar(' ')
        );
        assert_eq!(
            reason_from_precis(bad(0x200D, DerivedPropertyValue::ContextJ), true),
            Reason::Precis(PrecisError::ContextRule('\u{200D}'))
        );
        assert_eq!(
            reason_from_precis(Error::Invalid, true),
            Reason::Precis(PrecisError::Bidi)
        );
        assert_eq!(
            reason_from_precis(Error::Invalid, false),
            Reason::Precis(PrecisError::Other("invalid label".into()))
        );
        assert_eq!(
            reason_from_precis(Error::Unexpected(UnexpectedError::Undefined), false),
            Reason::Precis(PrecisError::Other("unexpected: undefined".into()))
        );
        let Reason::Precis(PrecisError::Other(text)) =
            reason_from_precis(bad(0xD800, DerivedPropertyValue::Disallowed), false)
        else {
            panic!("a surrogate is not a char")
        };
        assert!(!text.contains('\n'));
    }
}
