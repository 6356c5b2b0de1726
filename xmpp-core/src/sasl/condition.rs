//! The SASL failure conditions of RFC 6120 §6.5.

use crate::error::condition_macro::conditions;

conditions! {
    /// A defined SASL failure condition (RFC 6120 §6.5), a child of `<failure/>` in
    /// `urn:ietf:params:xml:ns:xmpp-sasl`.
    pub enum SaslCondition {
        /// §6.5.1: the receiving entity acknowledges an `<abort/>`.
        Aborted = "aborted",
        /// §6.5.2: the account is temporarily disabled.
        AccountDisabled = "account-disabled",
        /// §6.5.3: the credentials have expired.
        CredentialsExpired = "credentials-expired",
        /// §6.5.4: the mechanism needs a confidential, integrity-protected stream (TLS).
        EncryptionRequired = "encryption-required",
        /// §6.5.5: the base 64 data is incorrectly encoded.
        IncorrectEncoding = "incorrect-encoding",
        /// §6.5.6: the authzid is malformed or not permitted.
        InvalidAuthzid = "invalid-authzid",
        /// §6.5.7: no mechanism, or one the receiving entity does not support.
        InvalidMechanism = "invalid-mechanism",
        /// §6.5.8: the request violates the syntax of the mechanism or of the exchange.
        MalformedRequest = "malformed-request",
        /// §6.5.9: the mechanism is weaker than server policy permits.
        MechanismTooWeak = "mechanism-too-weak",
        /// §6.5.10: bad credentials, or a generic failure the server does not detail.
        NotAuthorized = "not-authorized",
        /// §6.5.11: a temporary error; try again later.
        TemporaryAuthFailure = "temporary-auth-failure",
    }
}
