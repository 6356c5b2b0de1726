//! SASL authentication for XMPP (RFC 6120 §6, RFC 4422): mechanisms, the failure
//! vocabulary, strict base 64, channel binding, and client and server state machines.
//!
//! Everything here is pure: nonces, binding data and stored keys are passed in, nothing
//! reads a clock or the OS's randomness, and no peer input makes it panic.
//!
//! - [`Mechanism`]: SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-512, each with and without
//!   channel binding (`-PLUS`), PLAIN, EXTERNAL and ANONYMOUS. DIGEST-MD5 is not supported:
//!   RFC 6331 moved it to Historic.
//! - Client: [`select`] picks a mechanism and the GS2 channel-binding flag
//!   (RFC 5802 §6, RFC 9266, XEP-0440); [`SaslClient`] runs the exchange.
//! - Server: [`ScramServer`] runs SCRAM with the credential lookup left to the caller;
//!   [`PlainCredentials`], [`parse_external`] and [`parse_anonymous`] read the
//!   single-message mechanisms. [`SaslServerError::condition`] maps each failure to the
//!   §6.5 condition to send.
//! - Wire forms: [`SaslElement`] (the §6.4 elements), [`offered_mechanisms`] and
//!   [`mechanisms_feature`] (§6.4.1), [`SaslFailure`] (§6.5), [`base64`] (§6.4.2,
//!   §13.9.1), the XEP-0440 feature ([`announced_channel_bindings`],
//!   [`channel_binding_feature`]).

pub mod base64;
mod channel_binding;
mod client;
mod client_error;
mod condition;
mod elements;
mod failure;
mod mechanism;
mod password;
mod scram;
mod select;
mod server_error;
mod single_message;

pub use channel_binding::{
    ChannelBinding, ChannelBindingType, NS_SASL_CB, TLS_EXPORTER_LABEL, TLS_EXPORTER_LENGTH,
    announced_channel_bindings, channel_binding_feature,
};
pub use client::{Credentials, DEFAULT_MAX_ITERATIONS, SaslClient};
pub use client_error::SaslClientError;
pub use condition::SaslCondition;
pub use elements::{SaslElement, SaslElementError, mechanisms_feature, offered_mechanisms};
pub use failure::SaslFailure;
pub use mechanism::Mechanism;
pub use password::{PasswordError, prepare_password};
pub use scram::{
    DecoyKeys, Gs2Flag, KeyDerivationError, ScramFormatError, ScramHash, ScramIdentity, ScramKeys,
    ScramServer, ServerChannelBindings,
};
pub use select::{
    BindingProblem, ChannelBindingPolicy, Gs2FlagKind, SelectError, Selection, SelectionContext,
    select,
};
pub use server_error::SaslServerError;
pub use single_message::{PlainCredentials, parse_anonymous, parse_external};

/// The SASL namespace of RFC 6120 §6.4, `urn:ietf:params:xml:ns:xmpp-sasl`.
pub const NS_SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";

#[cfg(test)]
mod tests;
