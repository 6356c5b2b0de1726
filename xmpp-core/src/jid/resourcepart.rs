//! Resourcepart preparation: PRECIS OpaqueString (RFC 7622 §3.4, RFC 8265 §4.2).

use std::borrow::Cow;

use precis_core::Error;
use precis_core::profile::PrecisFastInvocation;
use precis_profiles::OpaqueString;

use super::MAX_PART_OCTETS;
use super::error::Reason;
use super::precis::enforce_stable;
use super::prepared::Prepared;

/// Prepares and enforces a resourcepart, returning its canonical form.
pub(crate) fn prepare(s: &str) -> Result<Prepared<'_>, Reason> {
    if s.is_ascii() {
        prepare_ascii(s)
    } else {
        prepare_unicode(s)
    }
}

/// Fast path for ASCII input, equal to [`prepare_unicode`] on ASCII (see the tests):
/// the FreeformClass allows exactly SPACE and the printable ASCII of 0x21..=0x7E
/// (RFC 8264 §9.11, §9.14), and on ASCII the OpaqueString mappings are the identity.
fn prepare_ascii(s: &str) -> Result<Prepared<'_>, Reason> {
    if s.is_empty() {
        return Err(Reason::Empty);
    }
    if let Some(&b) = s.as_bytes().iter().find(|b| !matches!(b, 0x20..=0x7E)) {
        return Err(Reason::ForbiddenChar(char::from(b)));
    }
    if s.len() > MAX_PART_OCTETS {
        return Err(Reason::TooLong { octets: s.len() });
    }
    Ok(Prepared::Borrowed(s))
}

fn enforce_opaque(s: &str) -> Result<Cow<'_, str>, Error> {
    <OpaqueString as PrecisFastInvocation>::enforce(s)
}

/// The full pipeline: OpaqueString enforcement until stable (RFC 8265 §4.2.2,
/// RFC 8264 §7), then the length limit.
fn prepare_unicode(s: &str) -> Result<Prepared<'_>, Reason> {
    if s.is_empty() {
        return Err(Reason::Empty);
    }
    let out = enforce_stable(s, enforce_opaque, false)?;
    if out.len() > MAX_PART_OCTETS {
        return Err(Reason::TooLong { octets: out.len() });
    }
    Ok(Prepared::from_cow(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        prepare(s).expect(s).as_cow().into_owned()
    }

    fn err(s: &str) -> Reason {
        prepare(s).expect_err(s)
    }

    #[test]
    fn opaque_string_keeps_case_spaces_and_symbols() {
        // RFC 7622 §3.5 examples 2, 3, 4, 12 and RFC 8265 §4.3 examples 12 to 15.
        assert_eq!(ok("Balcony"), "Balcony");
        assert_eq!(ok("foo bar"), "foo bar");
        assert_eq!(ok("foo@bar"), "foo@bar");
        assert_eq!(ok("foo/bar"), "foo/bar");
        assert_eq!(ok("\u{265A}"), "\u{265A}");
        assert_eq!(ok("Jack of \u{2666}s"), "Jack of \u{2666}s");
        assert_eq!(ok("\u{3C0}\u{DF}\u{E5}"), "\u{3C0}\u{DF}\u{E5}");
        // Leading and trailing spaces are allowed by OpaqueString (see the note on
        // RFC 7622 §3.5 example 18 in the `jid` module documentation).
        assert_eq!(ok(" foo "), " foo ");
        assert!(matches!(prepare("Balcony"), Ok(Prepared::Borrowed(_))));
    }

    #[test]
    fn opaque_string_mappings() {
        // Non-ASCII spaces map to SPACE: RFC 8265 §4.3 example 16 (OGHAM SPACE MARK).
        assert_eq!(ok("foo\u{1680}bar"), "foo bar");
        assert_eq!(ok("a\u{A0}b\u{3000}c"), "a b c");
        // NFC: ANGSTROM SIGN → LATIN CAPITAL LETTER A WITH RING ABOVE, case kept.
        assert_eq!(ok("\u{212B}"), "\u{C5}");
        assert_eq!(ok("A\u{30A}"), "\u{C5}");
        // No width mapping: fullwidth letters stay (RFC 8265 §4.2.2 rule 1) and
        // compatibility characters are allowed by the FreeformClass.
        assert_eq!(ok("\u{FF21}"), "\u{FF21}");
        assert_eq!(ok("henry\u{2163}"), "henry\u{2163}");
    }

    #[test]
    fn freeform_class_rejections() {
        // RFC 8265 §4.3 example 18: TAB is a control character.
        assert_eq!(err("my cat is a \tby"), Reason::ForbiddenChar('\t'));
        assert_eq!(err("a\u{7F}"), Reason::ForbiddenChar('\u{7F}'));
        assert_eq!(err("a\u{85}"), Reason::ForbiddenChar('\u{85}'));
        // Default-ignorable code points are disallowed (RFC 8264 §9.13).
        assert_eq!(err("a\u{AD}b"), Reason::ForbiddenChar('\u{AD}'));
        // Noncharacters too.
        assert_eq!(err("a\u{FFFF}"), Reason::ForbiddenChar('\u{FFFF}'));
    }

    #[test]
    fn empty_and_length_limits() {
        assert_eq!(err(""), Reason::Empty);
        assert_eq!(ok(&"r".repeat(1023)).len(), 1023);
        assert_eq!(err(&"r".repeat(1024)), Reason::TooLong { octets: 1024 });
        // ♚ is three octets: 341 × 3 = 1023.
        assert_eq!(ok(&"\u{265A}".repeat(341)).len(), 1023);
        assert_eq!(
            err(&format!("{}a", "\u{265A}".repeat(341))),
            Reason::TooLong { octets: 1024 }
        );
        // Counted after preparation: 600 × A + COMBINING RING ABOVE is 1800 octets of
        // input but 1200 after NFC (Å is two octets).
        assert_eq!(
            err(&"A\u{30A}".repeat(600)),
            Reason::TooLong { octets: 1200 }
        );
        assert_eq!(ok(&"A\u{30A}".repeat(500)).len(), 1000);
    }

    proptest! {
        /// The ASCII fast path agrees with the PRECIS pipeline, errors included.
        #[test]
        fn fast_path_equals_slow_path(
            s in prop_oneof!["[\\x00-\\x7F]{0,24}", "[ -~]{1020,1026}"]
        ) {
            let fast = prepare_ascii(&s).map(|p| p.as_cow().into_owned());
            let slow = prepare_unicode(&s).map(|p| p.as_cow().into_owned());
            prop_assert_eq!(fast, slow);
        }

        /// Enforcement is idempotent (RFC 8264 §7).
        #[test]
        fn canonical_form_is_stable(s in "\\PC{1,8}") {
            if let Ok(p) = prepare(&s) {
                let once = p.as_cow().into_owned();
                let twice = prepare(&once).map(|p| p.as_cow().into_owned());
                prop_assert_eq!(Ok(once), twice);
            }
        }
    }
}
