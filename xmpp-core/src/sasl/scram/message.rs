//! The syntax of SCRAM messages (RFC 5802 §7): attributes in a fixed order, `saslname`
//! quoting, nonces, iteration counts.

use std::fmt;

use crate::sasl::base64::{self, Base64Error};

/// What is syntactically wrong with a received SCRAM message (RFC 5802 §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScramFormatError {
    /// The message is not UTF-8 (RFC 5802 §7: all values are UTF-8).
    NotUtf8,
    /// The message contains NUL, which no SCRAM production allows (RFC 5802 §7).
    ContainsNul,
    /// The attribute `expected` is missing or out of place (RFC 5802 §5.1: the order of
    /// attributes is fixed).
    ExpectedAttribute(char),
    /// A part is not an attribute `ALPHA "=" 1*value-char` (RFC 5802 §7 `attr-val`).
    InvalidAttribute,
    /// The reserved mandatory-extension attribute `m=` is present (RFC 5802 §5.1: it
    /// "MUST cause authentication failure").
    MandatoryExtension,
    /// The value of attribute `attr` is not strict base 64.
    InvalidBase64(char, Base64Error),
    /// A nonce is empty or has a character outside printable ASCII without `,`
    /// (RFC 5802 §7 `printable`).
    InvalidNonce,
    /// `i=` is not a positive number that fits in 32 bits (RFC 5802 §7 `posit-number`).
    InvalidIterationCount,
    /// A `saslname` is empty, or has `=` not followed by `2C` or `3D` (RFC 5802 §5.1).
    InvalidSaslname,
    /// The GS2 header is not `("p=" cb-name / "n" / "y") "," ["a=" saslname] ","`
    /// (RFC 5802 §7 `gs2-header`).
    InvalidGs2Header,
}

impl fmt::Display for ScramFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScramFormatError::NotUtf8 => f.write_str("SCRAM message is not UTF-8"),
            ScramFormatError::ContainsNul => f.write_str("SCRAM message contains NUL"),
            ScramFormatError::ExpectedAttribute(a) => {
                write!(f, "SCRAM attribute '{a}=' missing or out of order")
            }
            ScramFormatError::InvalidAttribute => f.write_str("malformed SCRAM attribute"),
            ScramFormatError::MandatoryExtension => {
                f.write_str("unsupported SCRAM mandatory extension 'm='")
            }
            ScramFormatError::InvalidBase64(a, e) => write!(f, "SCRAM attribute '{a}=': {e}"),
            ScramFormatError::InvalidNonce => f.write_str("invalid SCRAM nonce"),
            ScramFormatError::InvalidIterationCount => f.write_str("invalid SCRAM iteration count"),
            ScramFormatError::InvalidSaslname => f.write_str("invalid SCRAM saslname quoting"),
            ScramFormatError::InvalidGs2Header => f.write_str("invalid GS2 header"),
        }
    }
}

impl std::error::Error for ScramFormatError {}

/// A received message as text: UTF-8 without NUL.
pub(crate) fn text(data: &[u8]) -> Result<&str, ScramFormatError> {
    let text = std::str::from_utf8(data).map_err(|_| ScramFormatError::NotUtf8)?;
    if text.contains('\0') {
        return Err(ScramFormatError::ContainsNul);
    }
    Ok(text)
}

/// The comma-separated attributes of a message, read in order.
pub(crate) struct Fields<'a> {
    parts: std::iter::Peekable<std::str::Split<'a, char>>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(message: &'a str) -> Self {
        Fields {
            parts: message.split(',').peekable(),
        }
    }

    /// Fails if the next attribute is the reserved `m=` (RFC 5802 §5.1).
    pub(crate) fn reject_mandatory_extension(&mut self) -> Result<(), ScramFormatError> {
        match self.parts.peek() {
            Some(part) if part.starts_with("m=") => Err(ScramFormatError::MandatoryExtension),
            _ => Ok(()),
        }
    }

    /// The value of the next attribute, which must be `name`.
    pub(crate) fn expect(&mut self, name: char) -> Result<&'a str, ScramFormatError> {
        let part = self
            .parts
            .next()
            .ok_or(ScramFormatError::ExpectedAttribute(name))?;
        let (attr, value) = split_attr(part)?;
        if attr == 'm' {
            return Err(ScramFormatError::MandatoryExtension);
        }
        if attr != name {
            return Err(ScramFormatError::ExpectedAttribute(name));
        }
        Ok(value)
    }

    /// Like [`expect`](Self::expect), with the value decoded from base 64.
    pub(crate) fn expect_base64(&mut self, name: char) -> Result<Vec<u8>, ScramFormatError> {
        let value = self.expect(name)?;
        if value == "=" {
            // `=` stands for empty data in XMPP's SASL framing (RFC 6120 §6.4.2), but is
            // not base 64 inside a SCRAM attribute (RFC 5802 §7 `base64`).
            return Err(ScramFormatError::InvalidBase64(
                name,
                Base64Error::InvalidPadding,
            ));
        }
        base64::decode(value).map_err(|e| ScramFormatError::InvalidBase64(name, e))
    }

    /// Consumes the remaining attributes: optional extensions, which are ignored
    /// (RFC 5802 §7 `extensions`), except `m=`, which is rejected (§5.1).
    pub(crate) fn extensions(&mut self) -> Result<(), ScramFormatError> {
        for part in self.parts.by_ref() {
            if split_attr(part)?.0 == 'm' {
                return Err(ScramFormatError::MandatoryExtension);
            }
        }
        Ok(())
    }
}

/// Splits `ALPHA "=" 1*value-char` (RFC 5802 §7 `attr-val`).
fn split_attr(part: &str) -> Result<(char, &str), ScramFormatError> {
    let bytes = part.as_bytes();
    match bytes {
        [a, b'=', _, ..] if a.is_ascii_alphabetic() => Ok((char::from(*a), &part[2..])),
        _ => Err(ScramFormatError::InvalidAttribute),
    }
}

/// Whether `nonce` is a valid SCRAM nonce: one or more printable ASCII characters other
/// than `,` (RFC 5802 §7 `printable`).
pub(crate) fn is_valid_nonce(nonce: &str) -> bool {
    !nonce.is_empty()
        && nonce
            .bytes()
            .all(|b| matches!(b, 0x21..=0x2B | 0x2D..=0x7E))
}

/// Parses `posit-number` (RFC 5802 §7): no leading zero, no sign, fits in `u32`.
pub(crate) fn parse_iterations(value: &str) -> Result<u32, ScramFormatError> {
    let bytes = value.as_bytes();
    let valid = matches!(bytes.first(), Some(b'1'..=b'9')) && bytes.iter().all(u8::is_ascii_digit);
    if !valid {
        return Err(ScramFormatError::InvalidIterationCount);
    }
    value
        .parse()
        .map_err(|_| ScramFormatError::InvalidIterationCount)
}

/// Quotes a name as a `saslname`: `,` as `=2C` and `=` as `=3D` (RFC 5802 §5.1).
pub(crate) fn escape_saslname(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            ',' => out.push_str("=2C"),
            '=' => out.push_str("=3D"),
            c => out.push(c),
        }
    }
    out
}

/// Unquotes a `saslname` (RFC 5802 §5.1): `=2C` is `,`, `=3D` is `=`, any other `=` is an
/// error ("the server MUST fail the authentication"); so is an empty name.
pub(crate) fn unescape_saslname(value: &str) -> Result<String, ScramFormatError> {
    if value.is_empty() {
        return Err(ScramFormatError::InvalidSaslname);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(pos) = rest.find('=') {
        out.push_str(&rest[..pos]);
        let escape = rest.get(pos..pos + 3);
        match escape {
            Some("=2C") => out.push(','),
            Some("=3D") => out.push('='),
            _ => return Err(ScramFormatError::InvalidSaslname),
        }
        rest = &rest[pos + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saslname_quoting() {
        // RFC 5802 §5.1: ',' and '=' are sent as '=2C' and '=3D'.
        assert_eq!(escape_saslname("a,b=c"), "a=2Cb=3Dc");
        assert_eq!(unescape_saslname("a=2Cb=3Dc"), Ok("a,b=c".to_owned()));
        assert_eq!(unescape_saslname("=3D=2C"), Ok("=,".to_owned()));
        assert_eq!(unescape_saslname("juliet"), Ok("juliet".to_owned()));
        assert_eq!(unescape_saslname("r\u{E9}my"), Ok("r\u{E9}my".to_owned()));
        for bad in ["", "a=", "a=2", "a=2c", "a=3d", "a=41", "=", "a=\u{E9}xx"] {
            assert_eq!(
                unescape_saslname(bad),
                Err(ScramFormatError::InvalidSaslname),
                "{bad}"
            );
        }
    }

    #[test]
    fn nonces_and_iterations() {
        assert!(is_valid_nonce("fyko+d2lbbFgONRv9qkxdawL"));
        assert!(is_valid_nonce("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"));
        assert!(!is_valid_nonce(""));
        assert!(!is_valid_nonce("a,b"));
        assert!(!is_valid_nonce("a b"));
        assert!(!is_valid_nonce("caf\u{E9}"));
        assert_eq!(parse_iterations("4096"), Ok(4096));
        assert_eq!(parse_iterations("1"), Ok(1));
        assert_eq!(parse_iterations("4294967295"), Ok(u32::MAX));
        for bad in ["", "0", "04096", "-1", "+1", "1e3", "4294967296", " 1"] {
            assert_eq!(
                parse_iterations(bad),
                Err(ScramFormatError::InvalidIterationCount),
                "{bad}"
            );
        }
    }

    #[test]
    fn fields_in_order() {
        let mut f = Fields::new("r=abc,s=QSXCR+Q6sek8bf92,i=4096,x=ext");
        assert_eq!(f.expect('r'), Ok("abc"));
        assert!(f.expect_base64('s').is_ok());
        assert_eq!(f.expect('i'), Ok("4096"));
        assert_eq!(f.extensions(), Ok(()));

        let mut f = Fields::new("s=abc,r=abc");
        assert_eq!(f.expect('r'), Err(ScramFormatError::ExpectedAttribute('r')));
        let mut f = Fields::new("m=x,r=abc");
        assert_eq!(
            f.reject_mandatory_extension(),
            Err(ScramFormatError::MandatoryExtension)
        );
        let mut f = Fields::new("r=");
        assert_eq!(f.expect('r'), Err(ScramFormatError::InvalidAttribute));
        let mut f = Fields::new("r=a,m=b");
        assert_eq!(f.expect('r'), Ok("a"));
        assert_eq!(f.extensions(), Err(ScramFormatError::MandatoryExtension));
        let mut f = Fields::new("r=a,1=b");
        f.expect('r').unwrap();
        assert_eq!(f.extensions(), Err(ScramFormatError::InvalidAttribute));
        assert_eq!(text(b"a\0b"), Err(ScramFormatError::ContainsNul));
        assert_eq!(text(b"\xff"), Err(ScramFormatError::NotUtf8));
    }
}
