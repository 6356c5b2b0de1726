//! The hash functions of the SCRAM family and the primitives built on them: `H()`,
//! `HMAC()` and `Hi()` (RFC 5802 §2.2).

use std::fmt;

use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

/// The hash function of a SCRAM mechanism: SHA-1 (RFC 5802), SHA-256 (RFC 7677) or
/// SHA-512.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScramHash {
    /// SHA-1, for `SCRAM-SHA-1` and `SCRAM-SHA-1-PLUS` (RFC 5802).
    Sha1,
    /// SHA-256, for `SCRAM-SHA-256` and `SCRAM-SHA-256-PLUS` (RFC 7677).
    Sha256,
    /// SHA-512, for `SCRAM-SHA-512` and `SCRAM-SHA-512-PLUS`.
    Sha512,
}

impl ScramHash {
    /// Every SCRAM hash, weakest first.
    pub const ALL: &'static [ScramHash] = &[ScramHash::Sha1, ScramHash::Sha256, ScramHash::Sha512];

    /// The hash's name as it appears in the mechanism name (`SHA-1`, `SHA-256`, `SHA-512`).
    pub const fn name(self) -> &'static str {
        match self {
            ScramHash::Sha1 => "SHA-1",
            ScramHash::Sha256 => "SHA-256",
            ScramHash::Sha512 => "SHA-512",
        }
    }

    /// The output length in octets: that of every key, proof and signature.
    pub const fn output_len(self) -> usize {
        match self {
            ScramHash::Sha1 => 20,
            ScramHash::Sha256 => 32,
            ScramHash::Sha512 => 64,
        }
    }

    /// `H(data)` (RFC 5802 §2.2).
    pub(crate) fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => Sha1::digest(data).to_vec(),
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
            ScramHash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    /// `HMAC(key, parts[0] || parts[1] || …)` (RFC 5802 §2.2, RFC 2104).
    pub(crate) fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => hmac_with::<Sha1>(key, parts),
            ScramHash::Sha256 => hmac_with::<Sha256>(key, parts),
            ScramHash::Sha512 => hmac_with::<Sha512>(key, parts),
        }
    }

    /// `Hi(str, salt, i)`, which is PBKDF2 with HMAC and an output of one hash length
    /// (RFC 5802 §2.2, RFC 8018 §5.2).
    pub(crate) fn hi(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        let mut out = vec![0; self.output_len()];
        match self {
            ScramHash::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out),
            ScramHash::Sha256 => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out)
            }
            ScramHash::Sha512 => {
                pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, iterations, &mut out)
            }
        }
        out
    }
}

impl fmt::Display for ScramHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn hmac_with<D: EagerHash>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC takes keys of any length (RFC 2104 §2), so this never fails.
    let mut mac = <Hmac<D> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// `a XOR b` for equal-length inputs (RFC 5802 §2.2).
pub(crate) fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn primitives_match_known_vectors() {
        // RFC 6070 §2: PBKDF2-HMAC-SHA1, "password"/"salt", 4096 iterations.
        assert_eq!(
            hex(&ScramHash::Sha1.hi(b"password", b"salt", 4096)),
            "4b007901b765489abead49d926f721d065a429c1"
        );
        // RFC 4231 §4.2, test case 1.
        let key = [0x0b; 20];
        assert_eq!(
            hex(&ScramHash::Sha256.hmac(&key, &[b"Hi ", b"There"])),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&ScramHash::Sha512.hmac(&key, &[b"Hi There"])),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
             daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
        );
        assert_eq!(
            hex(&ScramHash::Sha1.hash(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        for &h in ScramHash::ALL {
            assert_eq!(h.hash(b"").len(), h.output_len());
        }
    }

    #[test]
    fn comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert_eq!(xor(&[0xff, 0x0f], &[0x0f, 0x0f]), vec![0xf0, 0x00]);
    }
}
