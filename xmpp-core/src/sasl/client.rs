//! The client side of a SASL exchange over any implemented mechanism.

use super::password::{PasswordError, prepare_password};
use super::scram::{Gs2Flag, ScramClient};
use super::{Mechanism, SaslClientError};

/// The most PBKDF2 iterations a [`SaslClient`] computes by default. RFC 5802 §5.1 and
/// RFC 7677 §3 ask servers for at least 4096; the client accepts any positive count up to
/// this maximum, so that a hostile server cannot make it burn CPU for minutes.
pub const DEFAULT_MAX_ITERATIONS: u32 = 1_000_000;

/// Longest ANONYMOUS trace token, in characters (RFC 4505 §2).
const MAX_TRACE_CHARS: usize = 255;

/// The password credentials of a client (RFC 4422 §2: authentication identity, password,
/// optional authorization identity).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The authentication identity: for XMPP, the localpart of the account's bare JID
    /// (RFC 6120 §6.3.7), already prepared.
    pub username: String,
    /// The password, as typed: SCRAM prepares it with OpaqueString (RFC 8265 §4.2), PLAIN
    /// sends it as is (RFC 4616 §2 leaves preparation to the server).
    pub password: String,
    /// The authorization identity, if it differs from the one derived from `username`
    /// (RFC 6120 §6.3.8); usually `None`.
    pub authzid: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("authzid", &self.authzid)
            .finish()
    }
}

#[derive(Debug, Clone)]
enum Inner {
    Scram(Box<ScramClient>),
    /// A mechanism of one message, the initial response (PLAIN, EXTERNAL, ANONYMOUS).
    Single {
        initial: Vec<u8>,
        over: bool,
    },
}

/// The client side of one SASL exchange (RFC 4422 §3, RFC 6120 §6.4).
///
/// Send [`initial_response`](Self::initial_response) in `<auth/>` (every implemented
/// mechanism is client-first), answer each `<challenge/>` with
/// [`challenge`](Self::challenge)'s result in `<response/>`, and check `<success/>` with
/// [`success`](Self::success): only when it returns `Ok` is the server authenticated too.
#[derive(Debug, Clone)]
pub struct SaslClient {
    mechanism: Mechanism,
    inner: Inner,
}

impl SaslClient {
    /// A client for a password mechanism (SCRAM or PLAIN).
    ///
    /// `gs2` is the SCRAM channel-binding flag (ignored by PLAIN): [`Gs2Flag::Used`] for
    /// `-PLUS` mechanisms and only for them. `client_nonce` (SCRAM only; ignored by PLAIN)
    /// must be fresh and unpredictable, printable ASCII without `,` (RFC 5802 §5.1 `r`);
    /// 18 or more random octets in base 64 are plenty.
    pub fn new(
        mechanism: Mechanism,
        credentials: &Credentials,
        gs2: Gs2Flag,
        client_nonce: &str,
    ) -> Result<SaslClient, SaslClientError> {
        let Credentials {
            username,
            password,
            authzid,
        } = credentials;
        let authzid = authzid.as_deref().filter(|a| !a.is_empty());
        if username.is_empty()
            || username.contains('\0')
            || authzid.is_some_and(|a| a.contains('\0'))
        {
            return Err(SaslClientError::InvalidIdentity);
        }
        let inner = if let Some(hash) = mechanism.scram_hash() {
            if mechanism.is_plus() != matches!(gs2, Gs2Flag::Used(_)) {
                return Err(SaslClientError::ChannelBindingMismatch);
            }
            let password = prepare_password(password).map_err(SaslClientError::InvalidPassword)?;
            Inner::Scram(Box::new(ScramClient::new(
                hash,
                username,
                password.into_owned(),
                authzid,
                &gs2,
                client_nonce,
                DEFAULT_MAX_ITERATIONS,
            )?))
        } else if mechanism == Mechanism::Plain {
            if password.is_empty() {
                return Err(SaslClientError::InvalidPassword(PasswordError::Empty));
            }
            if password.contains('\0') {
                return Err(SaslClientError::InvalidPassword(
                    PasswordError::ForbiddenChar('\0'),
                ));
            }
            // RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd
            let message = format!("{}\0{username}\0{password}", authzid.unwrap_or(""));
            single(message.into_bytes())
        } else {
            return Err(SaslClientError::NotAPasswordMechanism(mechanism));
        };
        Ok(SaslClient { mechanism, inner })
    }

    /// A client for EXTERNAL (RFC 4422 Appendix A): the identity comes from the TLS client
    /// certificate; the initial response is the authzid, or empty to let the server derive
    /// it (RFC 6120 §6.4.2: sent as `=`).
    pub fn external(authzid: Option<&str>) -> Result<SaslClient, SaslClientError> {
        let authzid = authzid.unwrap_or("");
        if authzid.contains('\0') {
            return Err(SaslClientError::InvalidIdentity);
        }
        Ok(SaslClient {
            mechanism: Mechanism::External,
            inner: single(authzid.as_bytes().to_vec()),
        })
    }

    /// A client for ANONYMOUS (RFC 4505): the initial response is the optional trace token
    /// (at most 255 characters, RFC 4505 §2), or empty.
    pub fn anonymous(trace: Option<&str>) -> Result<SaslClient, SaslClientError> {
        let trace = trace.unwrap_or("");
        if trace.contains('\0') || trace.chars().count() > MAX_TRACE_CHARS {
            return Err(SaslClientError::InvalidIdentity);
        }
        Ok(SaslClient {
            mechanism: Mechanism::Anonymous,
            inner: single(trace.as_bytes().to_vec()),
        })
    }

    /// Builder: the most SCRAM iterations to accept (default [`DEFAULT_MAX_ITERATIONS`]);
    /// a server asking for more fails the exchange with
    /// [`SaslClientError::TooManyIterations`]. No effect on other mechanisms.
    pub fn with_max_iterations(mut self, max: u32) -> SaslClient {
        if let Inner::Scram(scram) = &mut self.inner {
            scram.set_max_iterations(max);
        }
        self
    }

    /// The mechanism, for `<auth mechanism=''/>`.
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// The initial response for `<auth/>` (RFC 6120 §6.4.2). It may be empty (EXTERNAL
    /// and ANONYMOUS without identity), which is sent as `=`
    /// ([`base64::encode`](super::base64::encode) does that).
    pub fn initial_response(&self) -> &[u8] {
        match &self.inner {
            Inner::Scram(scram) => scram.client_first(),
            Inner::Single { initial, .. } => initial,
        }
    }

    /// Answers a `<challenge/>` (decoded data), giving the data for `<response/>`
    /// (RFC 6120 §6.4.3).
    pub fn challenge(&mut self, data: &[u8]) -> Result<Vec<u8>, SaslClientError> {
        match &mut self.inner {
            Inner::Scram(scram) => scram.challenge(data),
            Inner::Single { over, .. } => {
                *over = true;
                Err(SaslClientError::UnexpectedChallenge)
            }
        }
    }

    /// Checks `<success/>` and its additional data (RFC 6120 §6.4.6; `None` when the
    /// element has no text). For SCRAM this verifies the server signature, which must have
    /// arrived here or in a last challenge: `Ok` means the server proved it knows the
    /// user's keys (RFC 5802 §5).
    pub fn success(&mut self, data: Option<&[u8]>) -> Result<(), SaslClientError> {
        match &mut self.inner {
            Inner::Scram(scram) => scram.success(data),
            Inner::Single { over, .. } => {
                if std::mem::replace(over, true) {
                    Err(SaslClientError::OutOfOrder)
                } else if data.is_some_and(|d| !d.is_empty()) {
                    Err(SaslClientError::UnexpectedSuccessData)
                } else {
                    Ok(())
                }
            }
        }
    }
}

fn single(initial: Vec<u8>) -> Inner {
    Inner::Single {
        initial,
        over: false,
    }
}
