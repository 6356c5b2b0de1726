//! The server side of SCRAM (RFC 5802 §3, §5, §6; RFC 7677) as a state machine that
//! leaves the credential lookup to the caller.

use std::fmt;

use super::gs2::{ReceivedFlag, parse_header};
use super::hash::{constant_time_eq, xor};
use super::message::{Fields, is_valid_nonce, text, unescape_saslname};
use super::{ScramHash, ScramKeys};
use crate::sasl::base64;
use crate::sasl::{ChannelBinding, ChannelBindingType, Mechanism, SaslServerError};

/// Length of the salt of decoy keys, in octets.
const DECOY_SALT_LEN: usize = 16;

/// What the server can bind to on this connection (RFC 5802 §6).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerChannelBindings {
    /// Whether this stream's features offered a `-PLUS` mechanism: if so, a client flag of
    /// `y` reveals a downgrade and fails the exchange (RFC 5802 §6).
    pub plus_offered: bool,
    /// The binding data of each type the server supports on this connection.
    pub available: Vec<ChannelBinding>,
}

/// How to answer for a user without stored keys: with decoy keys derived from `secret`
/// and the username, so that the exchange looks like one for an existing user (stable
/// salt, usual iteration count) and then fails with `not-authorized` (RFC 6120 §6.5.10).
#[derive(Clone, PartialEq, Eq)]
pub struct DecoyKeys {
    /// A server-wide secret, constant across restarts (else the decoy salt of a name
    /// changes, which existing users' salts do not).
    pub secret: Vec<u8>,
    /// The iteration count to announce: that of real users.
    pub iterations: u32,
}

impl fmt::Debug for DecoyKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecoyKeys")
            .field("secret", &"<redacted>")
            .field("iterations", &self.iterations)
            .finish()
    }
}

/// The identities in a client-first message (RFC 5802 §5.1 `n`, `a`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScramIdentity {
    /// The authentication identity (`n=`), unquoted but otherwise as received: prepare it
    /// before looking it up (RFC 5802 §5.1).
    pub username: String,
    /// The requested authorization identity (`a=`), unquoted; the caller decides whether
    /// `username` may act as it (RFC 6120 §6.3.8).
    pub authzid: Option<String>,
}

/// Parsed client-first, waiting for the caller's keys.
#[derive(Debug, Clone)]
struct ClientFirst {
    identity: ScramIdentity,
    client_nonce: String,
    bare: String,
    /// The `c=` value the client must send: GS2 header and binding data.
    cbind_input: Vec<u8>,
}

/// server-first sent, waiting for client-final.
#[derive(Debug, Clone)]
struct AwaitingFinal {
    cbind_input: Vec<u8>,
    nonce: String,
    /// `client-first-message-bare "," server-first-message ","`.
    auth_prefix: String,
    stored_key: Vec<u8>,
    server_key: Vec<u8>,
    known_user: bool,
}

#[derive(Debug, Clone)]
enum State {
    AwaitingClientFirst,
    AwaitingKeys(Box<ClientFirst>),
    AwaitingClientFinal(Box<AwaitingFinal>),
    Over,
}

/// A SCRAM server exchange (RFC 5802 §5):
///
/// 1. [`client_first`](Self::client_first) with the initial response, which yields the
///    identities to look up;
/// 2. [`server_first`](Self::server_first) with the stored keys (or `None` for an unknown
///    user) and a fresh server nonce part: send the result as `<challenge/>`;
/// 3. [`client_final`](Self::client_final) with the `<response/>` data: on success send the
///    result (server-final, `v=`) as the data of `<success/>`.
///
/// Every error ends the exchange; report it with [`SaslServerError::failure`].
#[derive(Debug, Clone)]
pub struct ScramServer {
    mechanism: Mechanism,
    hash: ScramHash,
    bindings: ServerChannelBindings,
    state: State,
    used_binding: Option<ChannelBindingType>,
}

impl ScramServer {
    /// An exchange for SCRAM `mechanism` on a connection with `bindings`; `None` if the
    /// mechanism is not SCRAM.
    pub fn new(mechanism: Mechanism, bindings: ServerChannelBindings) -> Option<ScramServer> {
        Some(ScramServer {
            mechanism,
            hash: mechanism.scram_hash()?,
            bindings,
            state: State::AwaitingClientFirst,
            used_binding: None,
        })
    }

    /// The channel-binding type the client bound to (`p=`), once client-first is read.
    pub fn channel_binding(&self) -> Option<ChannelBindingType> {
        self.used_binding
    }

    /// The mechanism of this exchange.
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// Reads client-first (RFC 5802 §7): the GS2 header (channel-binding flag checked
    /// against the mechanism and [`ServerChannelBindings`], RFC 5802 §6), the username, the
    /// optional authzid and the client nonce.
    pub fn client_first(&mut self, data: &[u8]) -> Result<ScramIdentity, SaslServerError> {
        if !matches!(self.state, State::AwaitingClientFirst) {
            self.state = State::Over;
            return Err(SaslServerError::OutOfOrder);
        }
        self.state = State::Over;
        let message = text(data)?;
        let header = parse_header(message)?;
        let binding = self.check_flag(header.flag)?.cloned();
        self.used_binding = binding.as_ref().map(|b| b.kind);

        let mut fields = Fields::new(header.rest);
        fields.reject_mandatory_extension()?;
        let username = unescape_saslname(fields.expect('n')?)?;
        let client_nonce = fields.expect('r')?;
        if !is_valid_nonce(client_nonce) {
            return Err(SaslServerError::Malformed(
                super::ScramFormatError::InvalidNonce,
            ));
        }
        fields.extensions()?;

        let mut cbind_input = header.header.as_bytes().to_vec();
        if let Some(binding) = &binding {
            cbind_input.extend_from_slice(&binding.data);
        }
        let identity = ScramIdentity {
            username,
            authzid: header.authzid,
        };
        self.state = State::AwaitingKeys(Box::new(ClientFirst {
            identity: identity.clone(),
            client_nonce: client_nonce.to_owned(),
            bare: header.rest.to_owned(),
            cbind_input,
        }));
        Ok(identity)
    }

    /// Applies RFC 5802 §6 to the received flag; returns the binding data for `p=`.
    fn check_flag(
        &self,
        flag: ReceivedFlag<'_>,
    ) -> Result<Option<&ChannelBinding>, SaslServerError> {
        let plus = self.mechanism.is_plus();
        match flag {
            ReceivedFlag::Bind(_) | ReceivedFlag::No | ReceivedFlag::Yes
                if plus != matches!(flag, ReceivedFlag::Bind(_)) =>
            {
                Err(SaslServerError::FlagMechanismMismatch)
            }
            ReceivedFlag::Yes if self.bindings.plus_offered => {
                Err(SaslServerError::DowngradeDetected)
            }
            ReceivedFlag::No | ReceivedFlag::Yes => Ok(None),
            ReceivedFlag::Bind(name) => {
                let kind = ChannelBindingType::from_name(name);
                self.bindings
                    .available
                    .iter()
                    .find(|b| Some(b.kind) == kind)
                    .map(Some)
                    .ok_or_else(|| SaslServerError::UnsupportedChannelBinding(name.to_owned()))
            }
        }
    }

    /// Builds server-first (RFC 5802 §7): the client nonce followed by `server_nonce`, the
    /// salt and the iteration count of `keys`.
    ///
    /// With `keys` of `None` (unknown user) the exchange continues with keys derived from
    /// `decoy` and the username, and [`client_final`](Self::client_final) fails with
    /// [`SaslServerError::InvalidProof`], as for a wrong password. `server_nonce` must be
    /// fresh and unpredictable for every exchange, printable ASCII without `,`.
    pub fn server_first(
        &mut self,
        keys: Option<&ScramKeys>,
        server_nonce: &str,
        decoy: &DecoyKeys,
    ) -> Result<Vec<u8>, SaslServerError> {
        let State::AwaitingKeys(first) = std::mem::replace(&mut self.state, State::Over) else {
            return Err(SaslServerError::OutOfOrder);
        };
        if !is_valid_nonce(server_nonce) {
            return Err(SaslServerError::InvalidServerNonce);
        }
        let hash = self.hash;
        let len = hash.output_len();
        let (salt, iterations, stored_key, server_key, known_user) = match keys {
            Some(k) => {
                let usable = k.hash == hash
                    && !k.salt.is_empty()
                    && k.iterations > 0
                    && k.stored_key.len() == len
                    && k.server_key.len() == len;
                if !usable {
                    return Err(SaslServerError::UnusableKeys);
                }
                (
                    k.salt.clone(),
                    k.iterations,
                    k.stored_key.clone(),
                    k.server_key.clone(),
                    true,
                )
            }
            None => {
                if decoy.iterations == 0 {
                    return Err(SaslServerError::UnusableKeys);
                }
                let name = first.identity.username.as_bytes();
                let derive = |label: &[u8]| hash.hmac(&decoy.secret, &[label, b"\0", name]);
                let mut salt = derive(b"SCRAM decoy salt");
                salt.truncate(DECOY_SALT_LEN);
                (
                    salt,
                    decoy.iterations,
                    derive(b"SCRAM decoy StoredKey"),
                    derive(b"SCRAM decoy ServerKey"),
                    false,
                )
            }
        };
        let nonce = format!("{}{server_nonce}", first.client_nonce);
        let server_first = format!("r={nonce},s={},i={iterations}", base64::encode(&salt));
        self.state = State::AwaitingClientFinal(Box::new(AwaitingFinal {
            cbind_input: first.cbind_input,
            nonce,
            auth_prefix: format!("{},{server_first},", first.bare),
            stored_key,
            server_key,
            known_user,
        }));
        Ok(server_first.into_bytes())
    }

    /// Verifies client-final (RFC 5802 §3, §6, §7): the channel binding `c=`, the nonce
    /// and the proof; on success returns server-final (`v=` and the server signature).
    pub fn client_final(&mut self, data: &[u8]) -> Result<Vec<u8>, SaslServerError> {
        let State::AwaitingClientFinal(st) = std::mem::replace(&mut self.state, State::Over) else {
            return Err(SaslServerError::OutOfOrder);
        };
        let message = text(data)?;
        // client-final-message = client-final-message-without-proof "," proof (§7).
        let Some((without_proof, proof)) = message.rsplit_once(',') else {
            return Err(SaslServerError::Malformed(
                super::ScramFormatError::ExpectedAttribute('p'),
            ));
        };
        let proof = Fields::new(proof).expect_base64('p')?;
        let mut fields = Fields::new(without_proof);
        let cbind_input = fields.expect_base64('c')?;
        let nonce = fields.expect('r')?;
        fields.extensions()?;

        if cbind_input != st.cbind_input {
            return Err(SaslServerError::ChannelBindingMismatch);
        }
        if nonce != st.nonce {
            return Err(SaslServerError::NonceMismatch);
        }
        let hash = self.hash;
        let auth_message: [&[u8]; 2] = [st.auth_prefix.as_bytes(), without_proof.as_bytes()];
        let client_signature = hash.hmac(&st.stored_key, &auth_message);
        let valid = proof.len() == hash.output_len() && {
            let client_key = xor(&proof, &client_signature);
            constant_time_eq(&hash.hash(&client_key), &st.stored_key)
        };
        if !(valid & st.known_user) {
            return Err(SaslServerError::InvalidProof);
        }
        let server_signature = hash.hmac(&st.server_key, &auth_message);
        Ok(format!("v={}", base64::encode(&server_signature)).into_bytes())
    }
}
