//! Strict base 64 for SASL data (RFC 6120 §6.4.2, §13.9.1) and the conventions for the
//! character data of `<auth/>`, `<challenge/>`, `<response/>` and `<success/>`.
//!
//! Decoding follows RFC 4648 §4 with no leniency: whitespace and every other character
//! outside the alphabet is rejected, padding must be present, canonical and last, and
//! padding bits must be zero (RFC 6120 §13.9.1).

use std::fmt;

use ::base64::Engine;
use ::base64::engine::general_purpose::STANDARD;

/// Why SASL data is not valid base 64 (RFC 6120 §13.9.1). Reported to the peer as
/// `<incorrect-encoding/>` (§6.5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Error {
    /// A character outside the base 64 alphabet (including whitespace, and `=` before the
    /// end), at byte offset `offset`.
    InvalidCharacter {
        /// Byte offset in the input.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// The number of symbols is not a valid base 64 length.
    InvalidLength,
    /// Padding is missing or not the canonical `=`/`==`.
    InvalidPadding,
    /// The last symbol carries non-zero padding bits (RFC 4648 §3.5).
    NonZeroPaddingBits,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base64Error::InvalidCharacter { offset, byte } => {
                write!(
                    f,
                    "invalid base 64 character 0x{byte:02x} at offset {offset}"
                )
            }
            Base64Error::InvalidLength => f.write_str("invalid base 64 length"),
            Base64Error::InvalidPadding => f.write_str("non-canonical base 64 padding"),
            Base64Error::NonZeroPaddingBits => f.write_str("base 64 padding bits are not zero"),
        }
    }
}

impl std::error::Error for Base64Error {}

/// Encodes `data` as base 64 (RFC 4648 §4), with zero-length data as a single `=`
/// (RFC 6120 §6.4.2, §6.4.6).
pub fn encode(data: &[u8]) -> String {
    if data.is_empty() {
        "=".to_owned()
    } else {
        STANDARD.encode(data)
    }
}

/// Decodes strict base 64 (RFC 6120 §13.9.1). A single `=` is zero-length data
/// (§6.4.2); so is the empty string.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    if text == "=" {
        return Ok(Vec::new());
    }
    STANDARD.decode(text).map_err(|e| match e {
        ::base64::DecodeError::InvalidByte(offset, byte) => {
            Base64Error::InvalidCharacter { offset, byte }
        }
        ::base64::DecodeError::InvalidLength(_) => Base64Error::InvalidLength,
        ::base64::DecodeError::InvalidLastSymbol { .. } => Base64Error::NonZeroPaddingBits,
        ::base64::DecodeError::InvalidPadding => Base64Error::InvalidPadding,
    })
}

/// Decodes the character data of `<auth/>` (the initial response, RFC 6120 §6.4.2) or of
/// `<success/>` (additional data with success, §6.4.6): no text means no data (`None`), a
/// single `=` means data of zero length (`Some` of an empty vector).
pub fn decode_optional(text: &str) -> Result<Option<Vec<u8>>, Base64Error> {
    if text.is_empty() {
        Ok(None)
    } else {
        decode(text).map(Some)
    }
}

/// The character data for `<auth/>` or `<success/>`: none for no data, `=` for zero-length
/// data (RFC 6120 §6.4.2, §6.4.6).
pub fn encode_optional(data: Option<&[u8]>) -> String {
    data.map(encode).unwrap_or_default()
}

/// The character data for `<challenge/>` or `<response/>` (RFC 6120 §6.4.3): these always
/// carry data, so zero-length data is an empty element (as RFC 6120 §9.1.2 shows no such
/// case, this follows the common practice of sending `<response/>` with no text; receivers
/// decoding with [`decode`] accept both that and `=`).
pub fn encode_payload(data: &[u8]) -> String {
    if data.is_empty() {
        String::new()
    } else {
        STANDARD.encode(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_data_is_a_single_equals_sign() {
        // RFC 6120 §6.4.2 and §6.4.6.
        assert_eq!(encode(b""), "=");
        assert_eq!(decode("="), Ok(Vec::new()));
        assert_eq!(decode(""), Ok(Vec::new()));
        assert_eq!(decode_optional(""), Ok(None));
        assert_eq!(decode_optional("="), Ok(Some(Vec::new())));
        assert_eq!(encode_optional(None), "");
        assert_eq!(encode_optional(Some(b"")), "=");
        assert_eq!(encode_payload(b""), "");
        assert_eq!(encode_payload(b"a"), "YQ==");
    }

    #[test]
    fn round_trips() {
        // The PLAIN example of RFC 6120 §6.4.2.
        let plain = b"\0juliet\0r0m30myr0m30";
        assert_eq!(encode(plain), "AGp1bGlldAByMG0zMG15cjBtMzA=");
        assert_eq!(decode("AGp1bGlldAByMG0zMG15cjBtMzA=").unwrap(), plain);
        for n in 0..10u8 {
            let data: Vec<u8> = (0..n).collect();
            assert_eq!(decode(&encode(&data)), Ok(data));
        }
    }

    #[test]
    fn rejects_what_section_13_9_1_rejects() {
        // Whitespace, even the line breaks of the RFC's pretty-printed examples.
        assert_eq!(
            decode("YW Jj"),
            Err(Base64Error::InvalidCharacter {
                offset: 2,
                byte: b' '
            })
        );
        assert!(decode("YWJj\n").is_err());
        assert!(decode(" YWJj").is_err());
        // Characters outside the alphabet (base64url, punctuation).
        assert!(decode("YW-j").is_err());
        assert!(decode("YW_j").is_err());
        assert!(decode("YW.j").is_err());
        // '=' anywhere but at the end (§13.9.1: "=AAA", "BBBB=CCC").
        assert!(decode("=AAA").is_err());
        assert!(decode("BBBB=CCC").is_err());
        assert!(decode("==").is_err());
        // Missing or excess padding.
        assert_eq!(decode("YQ"), Err(Base64Error::InvalidPadding));
        assert!(decode("YQ=").is_err());
        assert!(decode("YQ===").is_err());
        assert!(decode("YWJj=").is_err());
        // Non-zero padding bits ("YR==" would decode to "a" leniently).
        assert_eq!(decode("YR=="), Err(Base64Error::NonZeroPaddingBits));
        // Invalid length.
        assert!(decode("Y").is_err());
        assert!(decode("YWJjZ").is_err());
    }
}
