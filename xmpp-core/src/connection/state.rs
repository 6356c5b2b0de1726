//! The role-agnostic negotiation state (DESIGN §5, h11's `_state.py`): session flags,
//! which features they permit, and the phases a stream goes through.

use crate::sasl::{ChannelBindingType, Mechanism, SaslClient};

/// What negotiation has achieved so far (mellium's session flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flags {
    /// TLS protects the stream.
    pub secure: bool,
    /// SASL succeeded.
    pub authenticated: bool,
    /// A resource is bound.
    pub bound: bool,
}

/// A stream feature, for the gating rules below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feature {
    /// STARTTLS (RFC 6120 §5).
    StartTls,
    /// SASL (RFC 6120 §6).
    Sasl,
    /// Resource binding (RFC 6120 §7).
    Bind,
}

impl Flags {
    /// Whether `feature` may be negotiated now. STARTTLS is prohibited once secure; SASL
    /// needs TLS unless `plaintext_auth` (the policy allows it) and is prohibited once
    /// authenticated; bind needs authentication and happens once (RFC 6120 §5.3.1,
    /// §6.4.1, §7.3.1).
    pub(crate) fn permits(&self, feature: Feature, plaintext_auth: bool) -> bool {
        match feature {
            Feature::StartTls => !self.secure && !self.authenticated,
            Feature::Sasl => !self.authenticated && (self.secure || plaintext_auth),
            Feature::Bind => self.authenticated && !self.bound,
        }
    }
}

/// Where the stream is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Embedded TLS handshake in progress (direct TLS, or after `<proceed/>`).
    #[cfg_attr(not(feature = "rustls"), allow(dead_code))]
    TlsHandshake,
    /// External TLS: waiting for the application's `TlsEstablished`.
    AwaitTlsExternal,
    /// `<proceed/>` arrived; TLS starts once the rest of the input is checked.
    ProceedReceived,
    /// Our header is sent; waiting for the peer's.
    AwaitHeader,
    /// Waiting for `<stream:features/>`.
    AwaitFeatures,
    /// `<starttls/>` sent; waiting for `<proceed/>` or `<failure/>`.
    StartTls,
    /// SASL exchange in progress.
    Sasl {
        /// The mechanism's state.
        client: Box<SaslClient>,
        /// Which mechanism.
        mechanism: Mechanism,
        /// The channel binding used, if any.
        binding: Option<ChannelBindingType>,
    },
    /// Bind request sent with this id.
    Bind {
        /// The request id.
        id: String,
        /// Whether legacy session must follow.
        session: bool,
    },
    /// Legacy session request sent with this id.
    Session {
        /// The request id.
        id: String,
    },
    /// Server: header and features sent; waiting for the client's next step.
    ServerReady,
    /// Server: SASL in progress.
    ServerSasl(super::server_sasl::ServerSasl),
    /// Server: the bind request with this id waits for the application.
    ServerBind {
        /// The request id.
        id: String,
    },
    /// Stanzas flow.
    Online,
    /// We sent `</stream:stream>`; waiting for the peer's.
    Closing,
    /// Over.
    Closed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gating_follows_rfc6120() {
        let mut f = Flags::default();
        assert!(f.permits(Feature::StartTls, false));
        assert!(!f.permits(Feature::Sasl, false));
        assert!(f.permits(Feature::Sasl, true));
        assert!(!f.permits(Feature::Bind, true));
        f.secure = true;
        assert!(!f.permits(Feature::StartTls, false));
        assert!(f.permits(Feature::Sasl, false));
        f.authenticated = true;
        assert!(!f.permits(Feature::Sasl, true));
        assert!(f.permits(Feature::Bind, false));
        f.bound = true;
        assert!(!f.permits(Feature::Bind, false));
    }
}
