//! Domainpart preparation: IDNA2008 U-labels, IPv4 and IPv6 literals (RFC 7622 §3.2).

use core::net::{Ipv4Addr, Ipv6Addr};

use idna::uts46::{AsciiDenyList, Hyphens, Uts46};
use precis_core::{IdentifierClass, StringClass};

use super::MAX_PART_OCTETS;
use super::error::{DomainError, Reason};
use super::precis::reason_from_precis;
use super::prepared::Prepared;

/// Prepares and enforces a domainpart, returning its canonical form.
pub(crate) fn prepare(s: &str) -> Result<Prepared<'_>, Reason> {
    if s.is_ascii()
        && let Some(result) = prepare_ascii(s)
    {
        return result;
    }
    prepare_unicode(s)
}

/// Strips one final label separator (RFC 7622 §3.2: "before any other
/// canonicalization steps"). The separators are those IDNA treats as dots:
/// FULL STOP, IDEOGRAPHIC FULL STOP, FULLWIDTH FULL STOP and HALFWIDTH IDEOGRAPHIC
/// FULL STOP (RFC 3490 §3.1).
fn strip_trailing_dot(s: &str) -> &str {
    match s.chars().next_back() {
        Some(c @ ('.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')) => &s[..s.len() - c.len_utf8()],
        _ => s,
    }
}

/// Validates a bracketed IPv6 literal (RFC 3986 §3.2.2 `IP-literal`) and writes the
/// address in its RFC 5952 text form.
fn ip_literal(s: &str) -> Result<Prepared<'_>, Reason> {
    let addr = s
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse::<Ipv6Addr>().ok())
        .ok_or(Reason::InvalidDomain(DomainError::InvalidIpLiteral))?;
    let canonical = format!("[{addr}]");
    Ok(if canonical == s {
        Prepared::Borrowed(s)
    } else {
        Prepared::Owned(canonical)
    })
}

/// What [`check_ascii_label`] found.
enum AsciiLabel {
    /// A valid NR-LDH label; `true` if it contains uppercase letters.
    Ldh(bool),
    /// A label starting with `xn--`: an A-label candidate that needs IDNA.
    ALabel,
}

/// Checks one ASCII label against the LDH rules (RFC 5890 §2.3.1) and the hyphen
/// restrictions of RFC 5891 §4.2.3.1.
fn check_ascii_label(label: &str) -> Result<AsciiLabel, Reason> {
    let bytes = label.as_bytes();
    if bytes.is_empty() {
        return Err(Reason::InvalidDomain(DomainError::EmptyLabel));
    }
    let mut uppercase = false;
    for &b in bytes {
        if !(b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Reason::ForbiddenChar(char::from(b)));
        }
        uppercase |= b.is_ascii_uppercase();
    }
    if bytes.len() >= 4 && bytes[..4].eq_ignore_ascii_case(b"xn--") {
        return Ok(AsciiLabel::ALabel);
    }
    if misplaced_hyphen(label) {
        return Err(Reason::InvalidDomain(DomainError::Hyphen(label.to_owned())));
    }
    Ok(AsciiLabel::Ldh(uppercase))
}

/// A hyphen at the start or end, or in both the third and fourth positions
/// (RFC 5891 §4.2.3.1).
fn misplaced_hyphen(label: &str) -> bool {
    label.starts_with('-') || label.ends_with('-') || label.chars().skip(2).take(2).eq(['-', '-'])
}

/// Fast path for ASCII input, equal to [`prepare_unicode`] on ASCII (see the tests).
/// Returns `None` when a label starts with `xn--` and so needs A-label decoding.
fn prepare_ascii(input: &str) -> Option<Result<Prepared<'_>, Reason>> {
    let s = input.strip_suffix('.').unwrap_or(input);
    if s.is_empty() {
        return Some(Err(Reason::Empty));
    }
    if s.starts_with('[') {
        return Some(ip_literal(s));
    }
    let mut uppercase = false;
    for label in s.split('.') {
        match check_ascii_label(label) {
            Ok(AsciiLabel::Ldh(upper)) => uppercase |= upper,
            Ok(AsciiLabel::ALabel) => return None,
            Err(e) => return Some(Err(e)),
        }
    }
    let prepared = if uppercase {
        Prepared::AsciiLowercase(s)
    } else {
        Prepared::Borrowed(s)
    };
    // Lowercasing changes neither length nor digits, so `s` can be checked as is.
    Some(final_checks(s).map(|()| prepared))
}

/// The UTS #46 options: STD3 rules (letters, digits and hyphens only in ASCII) and
/// the hyphen checks of IDNA2008 (RFC 5891 §4.2.3.1). UTS #46 also always checks the
/// joiner rules (RFC 5892 Appendix A.1, A.2) and the Bidi Rule (RFC 5893).
fn to_unicode(s: &str) -> (std::borrow::Cow<'_, str>, Result<(), idna::Errors>) {
    Uts46::new().to_unicode(s.as_bytes(), AsciiDenyList::STD3, Hyphens::Check)
}

/// The full pipeline (RFC 7622 §3.2.1, §3.2.2): strip one trailing dot; keep IPv6
/// literals; otherwise apply UTS #46 processing, which maps (case, width, NFC) and
/// converts A-labels to U-labels; then check every non-ASCII label against the
/// PRECIS IdentifierClass (see below), and the length and IPv4 rules.
///
/// UTS #46 accepts some code points that IDNA2008 disallows (symbols and
/// punctuation such as U+2603 SNOWMAN). The IdentifierClass is derived from the same
/// Unicode properties as the IDNA2008 tables (RFC 8264 §8, RFC 5892 §2); on mapped,
/// lowercase, NFC labels it disallows these too and applies the CONTEXTO rules.
fn prepare_unicode(input: &str) -> Result<Prepared<'_>, Reason> {
    let s = strip_trailing_dot(input);
    if s.is_empty() {
        return Err(Reason::Empty);
    }
    if s.starts_with('[') {
        return ip_literal(s);
    }
    let (out, result) = to_unicode(s);
    if result.is_err() {
        return Err(diagnose(s));
    }
    if out.is_empty() {
        // Everything was mapped away, e.g. a lone SOFT HYPHEN.
        return Err(Reason::Empty);
    }
    for label in out.split('.') {
        if label.is_empty() {
            return Err(Reason::InvalidDomain(DomainError::EmptyLabel));
        }
        if !label.is_ascii() {
            IdentifierClass::default()
                .allows(label)
                .map_err(|e| reason_from_precis(e, false))?;
        }
    }
    final_checks(&out)?;
    Ok(Prepared::from_cow(out))
}

/// Explains why UTS #46 processing rejected `s`, label by label.
fn diagnose(s: &str) -> Reason {
    for label in s.split('.') {
        if label.is_empty() {
            return Reason::InvalidDomain(DomainError::EmptyLabel);
        }
        if label.is_ascii() {
            match check_ascii_label(label) {
                Err(e) => return e,
                Ok(AsciiLabel::Ldh(_)) => continue,
                Ok(AsciiLabel::ALabel) => {}
            }
        } else {
            // Map without the STD3 rules to see the ASCII that mapping produces, such
            // as `@` from FULLWIDTH COMMERCIAL AT.
            let (mapped, _) =
                Uts46::new().to_unicode(label.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
            let forbidden = |c: &char| c.is_ascii() && !(c.is_ascii_alphanumeric() || *c == '-');
            if let Some(c) = label.chars().find(forbidden) {
                return Reason::ForbiddenChar(c);
            }
            if let Some(c) = mapped.chars().filter(|c| *c != '.').find(forbidden) {
                return Reason::ForbiddenChar(c);
            }
            if misplaced_hyphen(label) || mapped.split('.').any(misplaced_hyphen) {
                return Reason::InvalidDomain(DomainError::Hyphen(label.to_owned()));
            }
        }
        if to_unicode(label).1.is_err() {
            return Reason::InvalidDomain(DomainError::InvalidLabel(label.to_owned()));
        }
    }
    // No single label is at fault, e.g. the Bidi Rule across labels (RFC 5893 §2).
    Reason::InvalidDomain(DomainError::InvalidLabel(s.to_owned()))
}

/// Checks on the prepared domain name: the length limit (RFC 7622 §3.2) and
/// "first-match-wins" between `IPv4address` and a name (RFC 3986 §3.2.2): a name
/// whose final label is all digits must be a dotted-decimal IPv4 address, as DNS
/// names never have an all-numeric top label (RFC 1123 §2.1).
fn final_checks(out: &str) -> Result<(), Reason> {
    if out.len() > MAX_PART_OCTETS {
        return Err(Reason::TooLong { octets: out.len() });
    }
    let last = out.rsplit('.').next().unwrap_or(out);
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        let is_ipv4 = out
            .parse::<Ipv4Addr>()
            .is_ok_and(|addr| addr.to_string() == out);
        if !is_ipv4 {
            return Err(Reason::InvalidDomain(DomainError::NumericFinalLabel));
        }
    }
    Ok(())
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

    fn domain_err(e: DomainError) -> Reason {
        Reason::InvalidDomain(e)
    }

    #[test]
    fn ascii_names_are_lowercased() {
        assert_eq!(ok("example.com"), "example.com");
        assert!(matches!(prepare("example.com"), Ok(Prepared::Borrowed(_))));
        assert_eq!(ok("Example.COM"), "example.com");
        assert_eq!(ok("localhost"), "localhost");
        assert_eq!(ok("a-b.3com.x1"), "a-b.3com.x1");
    }

    #[test]
    fn a_labels_become_u_labels() {
        // RFC 7622 §3.2.1: each A-label is converted to a U-label.
        assert_eq!(ok("xn--caf-dma.example"), "caf\u{E9}.example");
        assert_eq!(ok("XN--CAF-DMA.Example"), "caf\u{E9}.example");
        assert_eq!(ok("xn--bcher-kva.example"), "b\u{FC}cher.example");
        // U-labels stay U-labels.
        assert_eq!(ok("caf\u{E9}.example"), "caf\u{E9}.example");
        assert_eq!(
            ok("\u{4F8B}\u{3048}.\u{30C6}\u{30B9}\u{30C8}"),
            "\u{4F8B}\u{3048}.\u{30C6}\u{30B9}\u{30C8}"
        );
        // A malformed A-label, and one that decodes to plain ASCII.
        assert_eq!(
            err("xn--abc-.example"),
            domain_err(DomainError::InvalidLabel("xn--abc-".into()))
        );
        assert_eq!(
            err("a.xn--.example"),
            domain_err(DomainError::InvalidLabel("xn--".into()))
        );
    }

    #[test]
    fn mappings() {
        // Case, width and NFC (RFC 7622 §3.2.2).
        assert_eq!(ok("CAF\u{C9}.example"), "caf\u{E9}.example");
        assert_eq!(ok("cafe\u{301}.example"), "caf\u{E9}.example");
        assert_eq!(
            ok(
                "\u{FF45}\u{FF58}\u{FF41}\u{FF4D}\u{FF50}\u{FF4C}\u{FF45}\u{FF0E}\u{FF43}\u{FF4F}\u{FF4D}"
            ),
            "example.com"
        );
        assert_eq!(ok("example\u{3002}com"), "example.com");
        // ß is PVALID in IDNA2008 and kept (non-transitional processing).
        assert_eq!(ok("fu\u{DF}ball.example"), "fu\u{DF}ball.example");
    }

    #[test]
    fn trailing_dot() {
        // RFC 7622 §3.2: one trailing dot is stripped.
        assert_eq!(ok("example.com."), "example.com");
        assert_eq!(ok("Example.com."), "example.com");
        assert_eq!(ok("caf\u{E9}.example."), "caf\u{E9}.example");
        assert_eq!(ok("example.com\u{3002}"), "example.com");
        assert_eq!(ok("192.0.2.1."), "192.0.2.1");
        assert_eq!(err("example.com.."), domain_err(DomainError::EmptyLabel));
        assert_eq!(err("."), Reason::Empty);
        assert_eq!(err(".."), domain_err(DomainError::EmptyLabel));
    }

    #[test]
    fn empty_labels() {
        assert_eq!(err(""), Reason::Empty);
        assert_eq!(err("a..b"), domain_err(DomainError::EmptyLabel));
        assert_eq!(err(".example"), domain_err(DomainError::EmptyLabel));
        assert_eq!(
            err("caf\u{E9}..example"),
            domain_err(DomainError::EmptyLabel)
        );
        assert_eq!(err("\u{3002}example"), domain_err(DomainError::EmptyLabel));
    }

    #[test]
    fn forbidden_characters() {
        assert_eq!(err("exa_mple.com"), Reason::ForbiddenChar('_'));
        assert_eq!(err("exa mple.com"), Reason::ForbiddenChar(' '));
        assert_eq!(err("juliet@example.com"), Reason::ForbiddenChar('@'));
        assert_eq!(err("example.com/x"), Reason::ForbiddenChar('/'));
        assert_eq!(err("::1"), Reason::ForbiddenChar(':'));
        assert_eq!(err("caf\u{E9}_x.example"), Reason::ForbiddenChar('_'));
        // Symbols are not IDNA2008 PVALID (though UTS #46 maps or accepts them).
        assert_eq!(err("\u{2603}.example"), Reason::ForbiddenChar('\u{2603}'));
        assert_eq!(err("xn--n3h.example"), Reason::ForbiddenChar('\u{2603}'));
        assert_eq!(err("\u{265A}.example"), Reason::ForbiddenChar('\u{265A}'));
        // FULLWIDTH LOW LINE maps to `_`, which STD3 rules reject; likewise `@`.
        assert_eq!(err("a\u{FF3F}b.example"), Reason::ForbiddenChar('_'));
        assert_eq!(err("juliet\u{FF20}example.com"), Reason::ForbiddenChar('@'));
        // Default-ignorable code points are mapped away (UTS #46 §4).
        assert_eq!(ok("a\u{AD}b.example"), "ab.example");
        assert_eq!(err("\u{AD}"), Reason::Empty);
        // Code points UTS #46 disallows outright.
        assert_eq!(
            err("\u{2488}.example"),
            domain_err(DomainError::InvalidLabel("\u{2488}".into()))
        );
    }

    #[test]
    fn hyphens() {
        // RFC 5891 §4.2.3.1, RFC 5890 §2.3.1 (R-LDH labels are not NR-LDH labels).
        for label in ["-a", "a-", "ab--c", "-"] {
            assert_eq!(
                err(&format!("{label}.example")),
                domain_err(DomainError::Hyphen(label.into())),
                "{label}"
            );
        }
        assert_eq!(ok("a-b-c.example"), "a-b-c.example");
        assert_eq!(ok("a--b.example"), "a--b.example");
        assert_eq!(
            err("\u{E9}a--b.example"),
            domain_err(DomainError::Hyphen("\u{E9}a--b".into()))
        );
        assert_eq!(
            err("-caf\u{E9}.example"),
            domain_err(DomainError::Hyphen("-caf\u{E9}".into()))
        );
        // FULLWIDTH HYPHEN-MINUS is mapped to a hyphen before the check.
        assert_eq!(
            err("caf\u{E9}\u{FF0D}.example"),
            domain_err(DomainError::Hyphen("caf\u{E9}\u{FF0D}".into()))
        );
    }

    #[test]
    fn idna_rules() {
        // ZERO WIDTH JOINER outside its context (RFC 5892 Appendix A.2).
        assert_eq!(
            err("a\u{200D}b.example"),
            domain_err(DomainError::InvalidLabel("a\u{200D}b".into()))
        );
        // An RTL label with a Latin letter breaks the Bidi Rule (RFC 5893 §2).
        assert_eq!(
            err("\u{5D0}a.example"),
            domain_err(DomainError::InvalidLabel("\u{5D0}a".into()))
        );
        assert_eq!(ok("\u{5D0}\u{5D1}.example"), "\u{5D0}\u{5D1}.example");
        // CONTEXTO: MIDDLE DOT is only allowed between two l (RFC 5892 Appendix A.3).
        assert_eq!(ok("col\u{B7}la.example"), "col\u{B7}la.example");
        assert_eq!(
            err("co\u{B7}lla.example"),
            Reason::Precis(PrecisError::ContextRule('\u{B7}'))
        );
        // Emoji are not IDNA2008 PVALID, whether given as U-label or A-label.
        assert_eq!(err("i\u{2764}.example"), Reason::ForbiddenChar('\u{2764}'));
        assert_eq!(err("xn--ls8h.example"), Reason::ForbiddenChar('\u{1F4A9}'));
        // The Bidi Rule across labels: an LTR label starting with a digit in a bidi
        // domain name (RFC 5893 §2 rule 1).
        assert_eq!(
            err("\u{5D0}.1abc"),
            domain_err(DomainError::InvalidLabel("\u{5D0}.1abc".into()))
        );
    }

    #[test]
    fn ipv4_literals() {
        assert_eq!(ok("192.0.2.1"), "192.0.2.1");
        assert_eq!(ok("127.0.0.1"), "127.0.0.1");
        for bad in [
            "256.0.0.1",
            "01.2.3.4",
            "192.0.2",
            "1.2.3.4.5",
            "example.123",
            "123",
        ] {
            assert_eq!(
                err(bad),
                domain_err(DomainError::NumericFinalLabel),
                "{bad}"
            );
        }
        // A name that merely starts with digits is fine.
        assert_eq!(ok("1.2.3.4a"), "1.2.3.4a");
        assert_eq!(ok("123.example"), "123.example");
    }

    #[test]
    fn ipv6_literals() {
        assert_eq!(ok("[::1]"), "[::1]");
        assert!(matches!(prepare("[::1]"), Ok(Prepared::Borrowed(_))));
        assert_eq!(ok("[2001:DB8:0:0:0:0:0:1]"), "[2001:db8::1]");
        assert_eq!(ok("[::ffff:192.0.2.1]"), "[::ffff:192.0.2.1]");
        assert_eq!(ok("[::1]."), "[::1]");
        for bad in [
            "[nonsense]",
            "[::1",
            "[]",
            "[1:2:3:4:5:6:7:8:9]",
            "[fe80::1%25eth0]",
            "[v1.x]",
            "[::1]x",
        ] {
            assert_eq!(err(bad), domain_err(DomainError::InvalidIpLiteral), "{bad}");
        }
        assert_eq!(err("::1]"), Reason::ForbiddenChar(':'));
    }

    #[test]
    fn length_limits() {
        // RFC 7622 §3.2: 1 to 1023 octets after preparation. 16 labels of 63 octets
        // and 15 dots make 1023.
        let name = vec!["a".repeat(63); 16].join(".");
        assert_eq!(ok(&name).len(), 1023);
        assert_eq!(ok(&format!("{name}.")).len(), 1023);
        assert_eq!(err(&format!("{name}b")), Reason::TooLong { octets: 1024 });
        // Counted in UTF-8 octets after preparation: é is two octets...
        let name = format!("{}a", "\u{E9}".repeat(511));
        assert_eq!(ok(&name).len(), 1023);
        assert_eq!(err(&"\u{E9}".repeat(512)), Reason::TooLong { octets: 1024 });
        // ...and fullwidth letters (three octets) map to one.
        assert_eq!(ok(&"\u{FF41}".repeat(1000)).len(), 1000);
        assert_eq!(
            err(&"\u{FF41}".repeat(1024)),
            Reason::TooLong { octets: 1024 }
        );
    }

    fn ascii_domain() -> impl Strategy<Value = String> {
        prop_oneof![
            "[\\x00-\\x7F]{0,16}",
            "([a-zA-Z0-9-]{0,6}\\.){0,4}[a-zA-Z0-9-]{0,6}\\.{0,2}",
            "([a-zA-Z0-9_ @/:-]{1,5}\\.){0,3}[a-z]{1,3}\\.?",
            "((xn|XN|ab|a|)--[a-z0-9-]{0,5}\\.){0,2}[a-z0-9-]{1,6}",
            "[0-9]{1,4}(\\.[0-9]{1,4}){0,4}\\.?",
            "\\[[0-9a-fA-F:.]{0,12}\\]\\.?",
            "([a-z]{63}\\.){15}[a-z]{62,64}",
        ]
    }

    proptest! {
        /// The ASCII fast path agrees with the UTS #46 pipeline, errors included,
        /// whenever it does not defer (it defers only for `xn--` labels).
        #[test]
        fn fast_path_equals_slow_path(s in ascii_domain()) {
            let slow = prepare_unicode(&s).map(|p| p.as_cow().into_owned());
            match prepare_ascii(&s) {
                Some(fast) => {
                    prop_assert_eq!(fast.map(|p| p.as_cow().into_owned()), slow);
                }
                None => prop_assert!(
                    s.split('.').any(|l| l.len() >= 4 && l[..4].eq_ignore_ascii_case("xn--"))
                ),
            }
        }

        /// Preparation is idempotent.
        #[test]
        fn canonical_form_is_stable(s in "\\PC{1,8}(\\.\\PC{1,4})?") {
            if let Ok(p) = prepare(&s) {
                let once = p.as_cow().into_owned();
                let twice = prepare(&once).map(|p| p.as_cow().into_owned());
                prop_assert_eq!(Ok(once), twice);
            }
        }
    }
}
