//! The client side of SCRAM (RFC 5802 §3, §5; RFC 7677).

use super::ScramHash;
use super::gs2::Gs2Flag;
use super::hash::{constant_time_eq, xor};
use super::message::{Fields, escape_saslname, is_valid_nonce, parse_iterations, text};
use crate::sasl::SaslClientError;
use crate::sasl::base64;

/// Where the client is in the exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// client-first sent; waiting for server-first.
    AwaitingServerFirst,
    /// client-final sent; waiting for server-final, whose `v=` must be this signature.
    AwaitingServerFinal { server_signature: Vec<u8> },
    /// server-final arrived in a challenge and was verified; waiting for `<success/>`.
    Verified,
    /// Succeeded, or failed: nothing more is accepted.
    Over,
}

/// A SCRAM client: builds client-first, answers server-first with client-final, and
/// verifies the server signature (RFC 5802 §3).
#[derive(Debug, Clone)]
pub(crate) struct ScramClient {
    hash: ScramHash,
    password: String,
    client_nonce: String,
    client_first: String,
    /// Where `client-first-message-bare` starts in `client_first`.
    bare_start: usize,
    cbind_input: Vec<u8>,
    max_iterations: u32,
    state: State,
}

impl ScramClient {
    /// A client for `hash`; `password` is already prepared (OpaqueString).
    pub(crate) fn new(
        hash: ScramHash,
        username: &str,
        password: String,
        authzid: Option<&str>,
        gs2: &Gs2Flag,
        client_nonce: &str,
        max_iterations: u32,
    ) -> Result<ScramClient, SaslClientError> {
        if !is_valid_nonce(client_nonce) {
            return Err(SaslClientError::InvalidClientNonce);
        }
        let header = gs2.header(authzid);
        let client_first = format!("{header}n={},r={client_nonce}", escape_saslname(username));
        Ok(ScramClient {
            hash,
            password,
            client_nonce: client_nonce.to_owned(),
            bare_start: header.len(),
            cbind_input: gs2.cbind_input(&header),
            client_first,
            max_iterations,
            state: State::AwaitingServerFirst,
        })
    }

    /// Sets the most iterations accepted from server-first.
    pub(crate) fn set_max_iterations(&mut self, max: u32) {
        self.max_iterations = max;
    }

    /// `client-first-message` (RFC 5802 §7), the initial response.
    pub(crate) fn client_first(&self) -> &[u8] {
        self.client_first.as_bytes()
    }

    /// Handles a challenge: server-first (answered with client-final) or, from servers
    /// that send it before `<success/>`, server-final (answered with an empty response).
    pub(crate) fn challenge(&mut self, data: &[u8]) -> Result<Vec<u8>, SaslClientError> {
        let state = std::mem::replace(&mut self.state, State::Over);
        match state {
            State::AwaitingServerFirst => {
                let (client_final, server_signature) = self.client_final(data)?;
                self.state = State::AwaitingServerFinal { server_signature };
                Ok(client_final)
            }
            State::AwaitingServerFinal { server_signature } => {
                verify_server_final(data, &server_signature)?;
                self.state = State::Verified;
                Ok(Vec::new())
            }
            State::Verified | State::Over => Err(SaslClientError::UnexpectedChallenge),
        }
    }

    /// Handles `<success/>` and its additional data (RFC 6120 §6.4.6).
    pub(crate) fn success(&mut self, data: Option<&[u8]>) -> Result<(), SaslClientError> {
        let data = data.filter(|d| !d.is_empty());
        match (std::mem::replace(&mut self.state, State::Over), data) {
            (State::AwaitingServerFinal { server_signature }, Some(data)) => {
                verify_server_final(data, &server_signature)
            }
            (State::AwaitingServerFirst | State::AwaitingServerFinal { .. }, _) => {
                Err(SaslClientError::MissingServerFinal)
            }
            (State::Verified, None) => Ok(()),
            (State::Verified, Some(_)) => Err(SaslClientError::UnexpectedSuccessData),
            (State::Over, _) => Err(SaslClientError::OutOfOrder),
        }
    }

    /// Reads server-first (RFC 5802 §7) and computes client-final and the expected
    /// server signature (§3).
    fn client_final(&self, data: &[u8]) -> Result<(Vec<u8>, Vec<u8>), SaslClientError> {
        let server_first = text(data)?;
        let mut fields = Fields::new(server_first);
        fields.reject_mandatory_extension()?;
        let nonce = fields.expect('r')?;
        let salt = fields.expect_base64('s')?;
        let iterations = parse_iterations(fields.expect('i')?)?;
        fields.extensions()?;
        // RFC 5802 §5.1: "The client MUST verify that the initial part of the nonce used in
        // subsequent messages is the same as the nonce it initially specified." A server
        // that adds nothing would let an old exchange be replayed, so that is refused too.
        if !is_valid_nonce(nonce)
            || !nonce.starts_with(&self.client_nonce)
            || nonce.len() == self.client_nonce.len()
        {
            return Err(SaslClientError::NonceMismatch);
        }
        if iterations > self.max_iterations {
            return Err(SaslClientError::TooManyIterations {
                requested: iterations,
                max: self.max_iterations,
            });
        }

        let hash = self.hash;
        let salted_password = hash.hi(self.password.as_bytes(), &salt, iterations);
        let client_key = hash.hmac(&salted_password, &[b"Client Key"]);
        let stored_key = hash.hash(&client_key);
        let server_key = hash.hmac(&salted_password, &[b"Server Key"]);
        let without_proof = format!("c={},r={nonce}", base64::encode(&self.cbind_input));
        let auth_message: [&[u8]; 5] = [
            &self.client_first.as_bytes()[self.bare_start..],
            b",",
            server_first.as_bytes(),
            b",",
            without_proof.as_bytes(),
        ];
        let client_signature = hash.hmac(&stored_key, &auth_message);
        let proof = xor(&client_key, &client_signature);
        let server_signature = hash.hmac(&server_key, &auth_message);
        let client_final = format!("{without_proof},p={}", base64::encode(&proof));
        Ok((client_final.into_bytes(), server_signature))
    }
}

/// Checks server-final (RFC 5802 §7): `e=` is reported as an error, `v=` must equal the
/// expected server signature.
fn verify_server_final(data: &[u8], expected: &[u8]) -> Result<(), SaslClientError> {
    let message = text(data)?;
    if let Some(error) = message.split(',').next().and_then(|a| a.strip_prefix("e=")) {
        return Err(SaslClientError::ServerError(error.to_owned()));
    }
    let mut fields = Fields::new(message);
    let signature = fields.expect_base64('v')?;
    fields.extensions()?;
    if constant_time_eq(&signature, expected) {
        Ok(())
    } else {
        Err(SaslClientError::ServerSignatureMismatch)
    }
}
