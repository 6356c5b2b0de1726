//! The server side of the mechanisms of a single client message: PLAIN (RFC 4616),
//! EXTERNAL (RFC 4422 Appendix A) and ANONYMOUS (RFC 4505).
//!
//! The data is the initial response, or, when `<auth/>` had none, the `<response/>` to an
//! empty `<challenge/>` (RFC 4422 §5 item 2a; RFC 6120 §6.4.2).

use std::fmt;

use super::SaslServerError;

/// Longest ANONYMOUS trace token, in characters (RFC 4505 §2).
const MAX_TRACE_CHARS: usize = 255;

/// A PLAIN message (RFC 4616 §2). The strings are as received: prepare them before
/// comparing (RFC 4616 §2 recommends SASLprep; XMPP uses PRECIS, RFC 8265), e.g. check the
/// password with [`ScramKeys::verify_password`](super::ScramKeys::verify_password).
#[derive(Clone, PartialEq, Eq)]
pub struct PlainCredentials {
    /// The authorization identity; `None` when empty (derive it from `authcid`).
    pub authzid: Option<String>,
    /// The authentication identity.
    pub authcid: String,
    /// The password.
    pub password: String,
}

impl fmt::Debug for PlainCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainCredentials")
            .field("authzid", &self.authzid)
            .field("authcid", &self.authcid)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl PlainCredentials {
    /// Parses `[authzid] NUL authcid NUL passwd` (RFC 4616 §2): UTF-8, exactly two NULs,
    /// authcid and password not empty. Lengths beyond the 255 octets servers must accept
    /// are accepted too (the stream's limits bound them).
    pub fn parse(data: &[u8]) -> Result<PlainCredentials, SaslServerError> {
        let text = std::str::from_utf8(data).map_err(|_| SaslServerError::MalformedPlain)?;
        let mut parts = text.split('\0');
        let (Some(authzid), Some(authcid), Some(password), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(SaslServerError::MalformedPlain);
        };
        if authcid.is_empty() || password.is_empty() {
            return Err(SaslServerError::MalformedPlain);
        }
        Ok(PlainCredentials {
            authzid: (!authzid.is_empty()).then(|| authzid.to_owned()),
            authcid: authcid.to_owned(),
            password: password.to_owned(),
        })
    }
}

/// Parses an EXTERNAL message (RFC 4422 Appendix A.1): the requested authzid, or empty to
/// have it derived from the TLS client certificate (`None`).
pub fn parse_external(data: &[u8]) -> Result<Option<String>, SaslServerError> {
    identity(data)
}

/// Parses an ANONYMOUS message (RFC 4505 §2): the optional trace token of at most 255
/// characters, for logging only.
pub fn parse_anonymous(data: &[u8]) -> Result<Option<String>, SaslServerError> {
    let trace = identity(data)?;
    if trace
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TRACE_CHARS)
    {
        return Err(SaslServerError::MalformedIdentity);
    }
    Ok(trace)
}

/// UTF-8 without NUL; empty is `None`.
fn identity(data: &[u8]) -> Result<Option<String>, SaslServerError> {
    let text = std::str::from_utf8(data).map_err(|_| SaslServerError::MalformedIdentity)?;
    if text.contains('\0') {
        return Err(SaslServerError::MalformedIdentity);
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}
