//! Escaping for output and reference resolution for input (XML 1.0 §2.4, §3.3.3, §4.6).

use std::borrow::Cow;

/// Appends `text` escaped for character data: `&`, `<`, `>` and CR (which line-end
/// normalisation would otherwise turn into LF) become references.
pub fn escape_text(out: &mut Vec<u8>, text: &str) {
    escape(out, text, false);
}

/// Appends `value` escaped for an attribute value in single or double quotes; tab, LF and
/// CR are written as character references so attribute-value normalisation keeps them.
pub fn escape_attr(out: &mut Vec<u8>, value: &str) {
    escape(out, value, true);
}

fn escape(out: &mut Vec<u8>, s: &str, attr: bool) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#13;",
            b'\'' if attr => b"&apos;",
            b'"' if attr => b"&quot;",
            b'\n' if attr => b"&#10;",
            b'\t' if attr => b"&#9;",
            _ => continue,
        };
        out.extend_from_slice(&bytes[last..i]);
        out.extend_from_slice(rep);
        last = i + 1;
    }
    out.extend_from_slice(&bytes[last..]);
}

/// Why a reference in parsed text is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefError {
    /// A character outside XML's `Char` production (§2.2), or `]]>` in character data.
    InvalidChar,
    /// A well-formed entity reference to something other than the five predefined
    /// entities (RFC 6120 §11.1: `restricted-xml`).
    Undeclared,
    /// Not a well-formed reference, or a character reference to a non-Char
    /// (`not-well-formed`).
    Malformed,
}

/// Checks every reference in `raw` (the text between `&` and `;`) and reports whether
/// resolving or normalising it would change anything.
pub(crate) fn check_refs(raw: &[u8], attr: bool) -> Result<bool, RefError> {
    let mut changes = false;
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'&' => {
                let len = reference_len(&raw[i..])?;
                changes = true;
                i += len;
                continue;
            }
            b'\r' => changes = true,
            b'\t' | b'\n' if attr => changes = true,
            _ => {}
        }
        i += 1;
    }
    Ok(changes)
}

/// Bytes that need a look in character data: C0 controls, `&`, `]` and 0xEF (the lead byte
/// of U+FFFE and U+FFFF). Everything else is plain once the text is valid UTF-8.
const TEXT_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b']' as usize] = true;
    t[0xEF] = true;
    t
};

/// Validates character data that is already valid UTF-8 in one pass: XML `Char`s only,
/// no `]]>` (XML 1.0 §2.4), valid references. Returns whether resolving would change it.
pub(crate) fn check_text(raw: &[u8]) -> Result<bool, RefError> {
    let mut changes = false;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if !TEXT_SPECIAL[b as usize] {
            i += 1;
            continue;
        }
        match b {
            b'&' => {
                i += reference_len(&raw[i..])?;
                changes = true;
                continue;
            }
            b'\r' => changes = true,
            b'\t' | b'\n' => {}
            b']' if raw[i..].starts_with(b"]]>") => return Err(RefError::InvalidChar),
            b']' => {}
            0xEF if matches!(raw.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                return Err(RefError::InvalidChar);
            }
            0xEF => {}
            _ => return Err(RefError::InvalidChar),
        }
        i += 1;
    }
    Ok(changes)
}

/// Length of the reference at the start of `s` (which starts with `&`), validated.
fn reference_len(s: &[u8]) -> Result<usize, RefError> {
    let end = memchr::memchr(b';', s).ok_or(RefError::Malformed)?;
    let body = &s[1..end];
    decode_reference(body)?;
    Ok(end + 1)
}

/// Decodes the body of a reference (between `&` and `;`).
fn decode_reference(body: &[u8]) -> Result<char, RefError> {
    match body {
        b"amp" => Ok('&'),
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"quot" => Ok('"'),
        b"apos" => Ok('\''),
        [b'#', b'x', hex @ ..] => char_ref(hex, 16),
        [b'#', dec @ ..] => char_ref(dec, 10),
        name if is_name(name) => Err(RefError::Undeclared),
        _ => Err(RefError::Malformed),
    }
}

fn char_ref(digits: &[u8], radix: u32) -> Result<char, RefError> {
    if digits.is_empty() || digits.len() > 8 {
        return Err(RefError::Malformed);
    }
    let mut n: u32 = 0;
    for &d in digits {
        let v = (d as char).to_digit(radix).ok_or(RefError::Malformed)?;
        n = n * radix + v;
    }
    char::from_u32(n)
        .filter(|&c| is_xml_char(c))
        .ok_or(RefError::Malformed)
}

/// The XML 1.0 `Char` production (§2.2).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// A conservative check of the XML `Name` production on ASCII, enough to tell an entity
/// reference (restricted) from garbage (not well-formed); non-ASCII names count as names.
fn is_name(b: &[u8]) -> bool {
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' || *c == b':' || *c >= 0x80 => {
            b.iter().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'-' | b'.') || *c >= 0x80
            })
        }
        _ => false,
    }
}

/// Resolves references and normalises line ends (and, for attributes, whitespace) in text
/// that [`check_refs`] accepted. Borrows when nothing changes.
pub(crate) fn resolve(raw: &str, attr: bool, changes: bool) -> Cow<'_, str> {
    if !changes {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let bytes = raw.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (rep, len): (char, usize) = match b {
            b'&' => {
                let end = i + memchr::memchr(b';', &bytes[i..]).unwrap_or(0);
                // `check_refs` accepted this text, so every reference decodes.
                let c = decode_reference(&bytes[i + 1..end]).unwrap_or('\u{FFFD}');
                (c, end + 1 - i)
            }
            b'\r' => {
                let len = if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                (if attr { ' ' } else { '\n' }, len)
            }
            b'\t' | b'\n' if attr => (' ', 1),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&raw[last..i]);
        out.push(rep);
        i += len;
        last = i;
    }
    out.push_str(&raw[last..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc_text(s: &str) -> String {
        let mut v = Vec::new();
        escape_text(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    fn esc_attr(s: &str) -> String {
        let mut v = Vec::new();
        escape_attr(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn escapes_markup_in_text_and_attributes() {
        assert_eq!(esc_text("a<b>&c'\"\r\n"), "a&lt;b&gt;&amp;c'\"&#13;\n");
        assert_eq!(
            esc_attr("a<b>&c'\"\t\n\r"),
            "a&lt;b&gt;&amp;c&apos;&quot;&#9;&#10;&#13;"
        );
        assert_eq!(esc_text("héllo 😀"), "héllo 😀");
    }

    #[test]
    fn predefined_and_character_references_resolve() {
        let raw = "&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;";
        let changes = check_refs(raw.as_bytes(), false).unwrap();
        assert!(changes);
        assert_eq!(resolve(raw, false, changes), "<>&\"'AB😀");
    }

    #[test]
    fn other_entities_are_restricted_and_garbage_is_malformed() {
        // RFC 6120 §11.1: only the predefined entities are allowed.
        assert_eq!(check_refs(b"&nbsp;", false), Err(RefError::Undeclared));
        assert_eq!(check_refs(b"&ent-1.x;", false), Err(RefError::Undeclared));
        for bad in [
            &b"&;"[..],
            b"& x;",
            b"&amp",
            b"&#;",
            b"&#x;",
            b"&#0;",
            b"&#xD800;",
            b"&#x110000;",
            b"&#xFFFE;",
            b"&#12a;",
            b"&1x;",
        ] {
            assert_eq!(
                check_refs(bad, false),
                Err(RefError::Malformed),
                "{:?}",
                std::str::from_utf8(bad)
            );
        }
    }

    #[test]
    fn character_data_is_checked_in_one_pass() {
        assert_eq!(check_text("plain é 😀 > ] ]]".as_bytes()), Ok(false));
        assert_eq!(check_text(b"a &amp; b"), Ok(true));
        assert_eq!(check_text(b"a\r\nb"), Ok(true));
        assert_eq!(check_text(b"tab\tnl\n"), Ok(false));
        assert_eq!(check_text(b"a]]>b"), Err(RefError::InvalidChar));
        assert_eq!(check_text(b"\x00"), Err(RefError::InvalidChar));
        assert_eq!(check_text(b"\x1b"), Err(RefError::InvalidChar));
        assert_eq!(
            check_text("\u{FFFE}".as_bytes()),
            Err(RefError::InvalidChar)
        );
        assert_eq!(
            check_text("\u{FFFF}".as_bytes()),
            Err(RefError::InvalidChar)
        );
        assert_eq!(check_text("\u{FFFD}\u{FEFF}".as_bytes()), Ok(false));
        assert_eq!(check_text(b"&bogus;"), Err(RefError::Undeclared));
        assert_eq!(check_text(b"& "), Err(RefError::Malformed));
    }

    #[test]
    fn line_ends_and_attribute_whitespace_normalise() {
        // XML 1.0 §2.11 and §3.3.3.
        let raw = "a\r\nb\rc\td\n";
        assert_eq!(
            resolve(raw, false, check_refs(raw.as_bytes(), false).unwrap()),
            "a\nb\nc\td\n"
        );
        assert_eq!(
            resolve(raw, true, check_refs(raw.as_bytes(), true).unwrap()),
            "a b c d "
        );
        assert_eq!(resolve("&#10;&#9;", true, true), "\n\t");
        assert!(!check_refs(b"plain text", false).unwrap());
        assert!(matches!(resolve("plain", false, false), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_then_resolve_is_identity() {
        for s in ["", "x", "<&>'\"", "\r\n\t \r", "日本語 &amp; 😀"] {
            for attr in [false, true] {
                let mut v = Vec::new();
                escape(&mut v, s, attr);
                let esc = String::from_utf8(v).unwrap();
                let ch = check_refs(esc.as_bytes(), attr).unwrap();
                assert_eq!(resolve(&esc, attr, ch), s, "attr={attr}");
            }
        }
    }
}
