//! Localpart preparation: PRECIS UsernameCaseMapped plus the XMPP exclusions
//! (RFC 7622 §3.3, RFC 8265 §3.3).

use std::borrow::Cow;

use precis_core::Error;
use precis_core::profile::PrecisFastInvocation;
use precis_profiles::UsernameCaseMapped;

use super::MAX_PART_OCTETS;
use super::error::Reason;
use super::precis::enforce_stable;
use super::prepared::Prepared;

/// Characters the IdentifierClass allows but XMPP localparts do not (RFC 7622 §3.3.1).
const EXCLUDED: [char; 8] = ['"', '&', '\'', '/', ':', '<', '>', '@'];

/// ASCII bytes that stand for themselves (up to case) in a localpart: the printable
/// ASCII that the IdentifierClass calls PVALID (RFC 8264 §9.11, 0x21..=0x7E), minus
/// [`EXCLUDED`].
const ASCII_OK: u128 = {
    let mut mask = 0u128;
    let mut b = 0x21;
    while b <= 0x7E {
        mask |= 1 << b;
        b += 1;
    }
    let mut i = 0;
    while i < EXCLUDED.len() {
        mask &= !(1 << EXCLUDED[i] as u32);
        i += 1;
    }
    mask
};

/// Prepares and enforces a localpart, returning its canonical form.
pub(crate) fn prepare(s: &str) -> Result<Prepared<'_>, Reason> {
    if s.is_ascii() {
        prepare_ascii(s)
    } else {
        prepare_unicode(s)
    }
}

/// Fast path for ASCII input, equal to [`prepare_unicode`] on ASCII (see the tests):
/// on ASCII, width mapping and NFC are the identity, case mapping is ASCII
/// lowercasing, and there are no right-to-left code points.
fn prepare_ascii(s: &str) -> Result<Prepared<'_>, Reason> {
    if s.is_empty() {
        return Err(Reason::Empty);
    }
    let mut uppercase = false;
    for &b in s.as_bytes() {
        if b >= 0x80 || ASCII_OK & (1 << b) == 0 {
            return Err(ascii_error(s));
        }
        uppercase |= b.is_ascii_uppercase();
    }
    if s.len() > MAX_PART_OCTETS {
        return Err(Reason::TooLong { octets: s.len() });
    }
    Ok(if uppercase {
        Prepared::AsciiLowercase(s)
    } else {
        Prepared::Borrowed(s)
    })
}

/// The error the full pipeline reports for invalid ASCII: code points the
/// IdentifierClass disallows come first, then the XMPP exclusions.
fn ascii_error(s: &str) -> Reason {
    let c = s
        .chars()
        .find(|c| !matches!(c, '\x21'..='\x7E'))
        .or_else(|| s.chars().find(|c| EXCLUDED.contains(c)))
        // Only called when some byte failed the `ASCII_OK` test; one of the two
        // searches above finds it.
        .unwrap_or('\0');
    Reason::ForbiddenChar(c)
}

fn enforce_username(s: &str) -> Result<Cow<'_, str>, Error> {
    <UsernameCaseMapped as PrecisFastInvocation>::enforce(s)
}

/// The full pipeline: UsernameCaseMapped enforcement until stable (RFC 8265 §3.3.3,
/// RFC 8264 §7), then the exclusions of RFC 7622 §3.3.1 (checked on the output, so
/// that e.g. FULLWIDTH COMMERCIAL AT, width-mapped to `@`, is caught), then the
/// length limit.
fn prepare_unicode(s: &str) -> Result<Prepared<'_>, Reason> {
    if s.is_empty() {
        return Err(Reason::Empty);
    }
    let out = enforce_stable(s, enforce_username, true)?;
    if let Some(c) = out.chars().find(|c| EXCLUDED.contains(c)) {
        return Err(Reason::ForbiddenChar(c));
    }
    if out.len() > MAX_PART_OCTETS {
        return Err(Reason::TooLong { octets: out.len() });
    }
    Ok(Prepared::from_cow(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jid::error::PrecisError;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        prepare(s).expect(s).as_cow().into_owned()
    }

    fn err(s: &str) -> Reason {
        prepare(s).expect_err(s)
    }

    #[test]
    fn case_mapping() {
        // RFC 8265 §3.3.1 rule 3.
        assert_eq!(ok("Juliet"), "juliet");
        assert_eq!(ok("juliet"), "juliet");
        assert!(matches!(
            prepare("juliet"),
            Ok(Prepared::Borrowed("juliet"))
        ));
        assert_eq!(ok("\u{3A3}"), "\u{3C3}"); // Σ → σ, RFC 7622 §3.5 example 9
        assert_eq!(ok("\u{3C2}"), "\u{3C2}"); // ς stays, example 11
        assert_eq!(ok("Fu\u{DF}ball"), "fu\u{DF}ball"); // ß stays, example 7
        assert_eq!(ok("\u{C9}LODIE"), "\u{E9}lodie");
    }

    #[test]
    fn width_mapping_and_normalization() {
        // Fullwidth letters are width-mapped, then lowercased (RFC 8265 §3.3.1 rule 1).
        assert_eq!(
            ok("\u{FF2A}\u{FF35}\u{FF2C}\u{FF29}\u{FF25}\u{FF34}"),
            "juliet"
        );
        // Halfwidth katakana are width-mapped to their fullwidth forms.
        assert_eq!(ok("\u{FF76}"), "\u{30AB}");
        // NFC (rule 4): e + COMBINING ACUTE ACCENT → é.
        assert_eq!(ok("e\u{301}"), "\u{E9}");
        // ANGSTROM SIGN differs from its NFKC form, so the IdentifierClass disallows
        // it (HasCompat, RFC 8264 §9.17) although NFC would map it to Å.
        assert_eq!(err("\u{212B}"), Reason::ForbiddenChar('\u{212B}'));
    }

    #[test]
    fn xmpp_exclusions() {
        // RFC 7622 §3.3.1.
        for c in EXCLUDED {
            assert_eq!(err(&format!("a{c}b")), Reason::ForbiddenChar(c), "{c}");
        }
        // FULLWIDTH QUOTATION MARK and FULLWIDTH COMMERCIAL AT are width-mapped to
        // excluded characters.
        assert_eq!(err("a\u{FF02}b"), Reason::ForbiddenChar('"'));
        assert_eq!(err("a\u{FF20}b"), Reason::ForbiddenChar('@'));
        // Other ASCII punctuation is allowed, e.g. XEP-0106 escapes (example 5).
        assert_eq!(ok("foo\\20bar"), "foo\\20bar");
        assert_eq!(
            ok("a+b.c_d-e!#$%()*,;=?[]^`{|}~"),
            "a+b.c_d-e!#$%()*,;=?[]^`{|}~"
        );
    }

    #[test]
    fn identifier_class_rejections() {
        // RFC 7622 §3.5 examples 17, 20, 21 and RFC 8265 §3.6 example 11.
        assert_eq!(err("foo bar"), Reason::ForbiddenChar(' '));
        assert_eq!(err("henry\u{2163}"), Reason::ForbiddenChar('\u{2163}'));
        assert_eq!(err("\u{265A}"), Reason::ForbiddenChar('\u{265A}'));
        assert_eq!(err("\u{221E}"), Reason::ForbiddenChar('\u{221E}'));
        assert_eq!(err("a\tb"), Reason::ForbiddenChar('\t'));
        assert_eq!(err("a\u{7F}"), Reason::ForbiddenChar('\u{7F}'));
        // NO-BREAK SPACE is not width-mapped and is disallowed.
        assert_eq!(err("a\u{A0}b"), Reason::ForbiddenChar('\u{A0}'));
        // Code point errors are reported before the XMPP exclusions.
        assert_eq!(err("\"a b"), Reason::ForbiddenChar(' '));
    }

    #[test]
    fn contextual_and_bidi_rules() {
        // ZERO WIDTH JOINER not after a virama (RFC 5892 Appendix A.2).
        assert_eq!(
            err("a\u{200D}b"),
            Reason::Precis(PrecisError::ContextRule('\u{200D}'))
        );
        // Hebrew followed by a Latin letter violates the Bidi Rule (RFC 5893 §2 rule 2).
        assert_eq!(err("\u{5D0}a"), Reason::Precis(PrecisError::Bidi));
        assert_eq!(ok("\u{5D0}\u{5D1}"), "\u{5D0}\u{5D1}");
    }

    #[test]
    fn empty_and_length_limits() {
        assert_eq!(err(""), Reason::Empty);
        assert_eq!(ok(&"a".repeat(1023)).len(), 1023);
        assert_eq!(err(&"a".repeat(1024)), Reason::TooLong { octets: 1024 });
        // Counted in UTF-8 octets: é is two octets.
        let s = format!("{}a", "\u{E9}".repeat(511));
        assert_eq!(ok(&s).len(), 1023);
        assert_eq!(err(&"\u{E9}".repeat(512)), Reason::TooLong { octets: 1024 });
        // Counted after preparation: 400 × (e + U+0301) is 1200 octets of input but
        // 800 octets after NFC; 400 fullwidth letters are 1200 octets, then 400.
        assert_eq!(ok(&"e\u{301}".repeat(400)).len(), 800);
        assert_eq!(ok(&"\u{FF41}".repeat(400)).len(), 400);
        // ...and case mapping can grow a string: İ (2 octets) → i̇ (3 octets).
        assert_eq!(
            err(&"\u{130}".repeat(400)),
            Reason::TooLong { octets: 1200 }
        );
    }

    fn ascii_localpart() -> impl Strategy<Value = String> {
        prop_oneof![
            "[\\x00-\\x7F]{0,24}",
            "[A-Za-z0-9\"&'/:<>@ .\\\\_-]{0,16}",
            "[A-Za-z]{1020,1026}",
        ]
    }

    proptest! {
        /// The ASCII fast path agrees with the PRECIS pipeline, errors included.
        #[test]
        fn fast_path_equals_slow_path(s in ascii_localpart()) {
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
