//! The keys a SCRAM server stores for a user (RFC 5802 §3): salt, iteration count,
//! `StoredKey` and `ServerKey`.

use std::fmt;

use super::ScramHash;
use super::hash::constant_time_eq;
use crate::sasl::password::{PasswordError, prepare_password};

/// Why [`ScramKeys`] cannot be derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyDerivationError {
    /// The password fails OpaqueString preparation (RFC 8265 §4.2).
    Password(PasswordError),
    /// The salt is empty (the SCRAM `s=` attribute needs a value, RFC 5802 §7).
    EmptySalt,
    /// The iteration count is zero (RFC 5802 §7: `i=` is a positive number).
    ZeroIterations,
}

impl fmt::Display for KeyDerivationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyDerivationError::Password(e) => e.fmt(f),
            KeyDerivationError::EmptySalt => f.write_str("the SCRAM salt is empty"),
            KeyDerivationError::ZeroIterations => f.write_str("the SCRAM iteration count is zero"),
        }
    }
}

impl std::error::Error for KeyDerivationError {}

/// The SCRAM verifier of one user for one hash (RFC 5802 §3, §9): what a server stores
/// instead of the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScramKeys {
    /// The hash function the keys are for.
    pub hash: ScramHash,
    /// The user's salt.
    pub salt: Vec<u8>,
    /// The iteration count of `Hi()`.
    pub iterations: u32,
    /// `StoredKey := H(ClientKey)`.
    pub stored_key: Vec<u8>,
    /// `ServerKey := HMAC(SaltedPassword, "Server Key")`.
    pub server_key: Vec<u8>,
}

impl ScramKeys {
    /// Derives the keys from a password (RFC 5802 §3):
    /// `SaltedPassword := Hi(Normalize(password), salt, i)`, `ClientKey := HMAC(SaltedPassword,
    /// "Client Key")`, `StoredKey := H(ClientKey)`, `ServerKey := HMAC(SaltedPassword,
    /// "Server Key")`, where `Normalize` is the OpaqueString profile (RFC 8265 §4.2).
    ///
    /// This runs `iterations` rounds of PBKDF2; RFC 5802 §5.1 and RFC 7677 §3 recommend at
    /// least 4096.
    pub fn derive(
        hash: ScramHash,
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<ScramKeys, KeyDerivationError> {
        let password = prepare_password(password).map_err(KeyDerivationError::Password)?;
        if salt.is_empty() {
            return Err(KeyDerivationError::EmptySalt);
        }
        if iterations == 0 {
            return Err(KeyDerivationError::ZeroIterations);
        }
        let salted = hash.hi(password.as_bytes(), salt, iterations);
        Ok(ScramKeys::from_salted_password(
            hash,
            salt.to_vec(),
            iterations,
            &salted,
        ))
    }

    /// The keys for an already computed `SaltedPassword`.
    pub(crate) fn from_salted_password(
        hash: ScramHash,
        salt: Vec<u8>,
        iterations: u32,
        salted_password: &[u8],
    ) -> ScramKeys {
        let client_key = hash.hmac(salted_password, &[b"Client Key"]);
        ScramKeys {
            hash,
            salt,
            iterations,
            stored_key: hash.hash(&client_key),
            server_key: hash.hmac(salted_password, &[b"Server Key"]),
        }
    }

    /// Whether `password` is the one these keys were derived from: lets a server that
    /// stores only SCRAM keys check a PLAIN password (RFC 4616 §2). Runs `iterations`
    /// rounds of PBKDF2; a password that fails preparation does not match.
    pub fn verify_password(&self, password: &str) -> bool {
        match ScramKeys::derive(self.hash, password, &self.salt, self.iterations) {
            Ok(keys) => {
                constant_time_eq(&keys.stored_key, &self.stored_key)
                    & constant_time_eq(&keys.server_key, &self.server_key)
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::base64::decode;

    #[test]
    fn derives_and_verifies() {
        // RFC 5802 §5: user "user", password "pencil".
        let salt = decode("QSXCR+Q6sek8bf92").unwrap();
        let keys = ScramKeys::derive(ScramHash::Sha1, "pencil", &salt, 4096).unwrap();
        assert_eq!(keys.stored_key.len(), 20);
        assert!(keys.verify_password("pencil"));
        assert!(!keys.verify_password("pencil2"));
        assert!(!keys.verify_password(""));
        assert_eq!(
            ScramKeys::derive(ScramHash::Sha1, "", &salt, 4096),
            Err(KeyDerivationError::Password(PasswordError::Empty))
        );
        assert_eq!(
            ScramKeys::derive(ScramHash::Sha1, "a\u{7}b", &salt, 4096),
            Err(KeyDerivationError::Password(PasswordError::ForbiddenChar(
                '\u{7}'
            )))
        );
        assert_eq!(
            ScramKeys::derive(ScramHash::Sha1, "pencil", &salt, 0),
            Err(KeyDerivationError::ZeroIterations)
        );
        assert_eq!(
            ScramKeys::derive(ScramHash::Sha1, "pencil", b"", 1),
            Err(KeyDerivationError::EmptySalt)
        );
        // Preparation makes differently typed but equivalent passwords equal (NFC).
        let a = ScramKeys::derive(ScramHash::Sha256, "caf\u{E9}", b"salt", 1).unwrap();
        let b = ScramKeys::derive(ScramHash::Sha256, "cafe\u{301}", b"salt", 1).unwrap();
        assert_eq!(a, b);
    }
}
