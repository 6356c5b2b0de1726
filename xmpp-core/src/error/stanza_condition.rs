//! The stanza error conditions and error types of RFC 6120 §8.3.

use super::condition_macro::conditions;

conditions! {
    /// A defined stanza error condition (RFC 6120 §8.3.3), qualified by
    /// `urn:ietf:params:xml:ns:xmpp-stanzas`.
    pub enum StanzaErrorCondition {
        /// §8.3.3.1: the request is malformed.
        BadRequest = "bad-request",
        /// §8.3.3.2: a resource or session with that name already exists.
        Conflict = "conflict",
        /// §8.3.3.3: the feature is not implemented by the recipient.
        FeatureNotImplemented = "feature-not-implemented",
        /// §8.3.3.4: the requester lacks the permissions.
        Forbidden = "forbidden",
        /// §8.3.3.5: the recipient is no longer at this address (new address in the text).
        Gone = "gone",
        /// §8.3.3.6: the server failed internally.
        InternalServerError = "internal-server-error",
        /// §8.3.3.7: the addressed JID or item was not found.
        ItemNotFound = "item-not-found",
        /// §8.3.3.8: a JID in the stanza is malformed.
        JidMalformed = "jid-malformed",
        /// §8.3.3.9: the request violates a policy or criterion of the recipient.
        NotAcceptable = "not-acceptable",
        /// §8.3.3.10: no entity is allowed to perform the action.
        NotAllowed = "not-allowed",
        /// §8.3.3.11: the sender must authenticate first.
        NotAuthorized = "not-authorized",
        /// §8.3.3.12: a local service policy was violated.
        PolicyViolation = "policy-violation",
        /// §8.3.3.13: the intended recipient is temporarily unavailable.
        RecipientUnavailable = "recipient-unavailable",
        /// §8.3.3.14: retry at another address (given in the text).
        Redirect = "redirect",
        /// §8.3.3.15: registration is required first.
        RegistrationRequired = "registration-required",
        /// §8.3.3.16: the remote server does not exist or cannot be resolved.
        RemoteServerNotFound = "remote-server-not-found",
        /// §8.3.3.17: the remote server could not be reached in time.
        RemoteServerTimeout = "remote-server-timeout",
        /// §8.3.3.18: the entity lacks the resources to handle the request.
        ResourceConstraint = "resource-constraint",
        /// §8.3.3.19: the service is not provided.
        ServiceUnavailable = "service-unavailable",
        /// §8.3.3.20: a subscription is required first.
        SubscriptionRequired = "subscription-required",
        /// §8.3.3.21: none of the others applies.
        UndefinedCondition = "undefined-condition",
        /// §8.3.3.22: the request was not expected at this point.
        UnexpectedRequest = "unexpected-request",
    }
}

conditions! {
    /// The `type` of a stanza error (RFC 6120 §8.3.2).
    pub enum ErrorType {
        /// Retry after providing credentials.
        Auth = "auth",
        /// Do not retry (the error cannot be remedied).
        Cancel = "cancel",
        /// Proceed (the condition was only a warning).
        Continue = "continue",
        /// Retry after changing the data sent.
        Modify = "modify",
        /// Retry after waiting (the error is temporary).
        Wait = "wait",
    }
}

impl StanzaErrorCondition {
    /// The error type RFC 6120 §8.3.3 recommends for this condition ("the associated error
    /// type SHOULD be …"). Where the RFC allows two types (`feature-not-implemented`:
    /// cancel or modify; `policy-violation`: modify or wait; `unexpected-request`: wait or
    /// modify) or any type (`undefined-condition`), this is the type of the RFC's example.
    pub const fn default_type(self) -> ErrorType {
        use StanzaErrorCondition as C;
        match self {
            C::BadRequest => ErrorType::Modify,            // §8.3.3.1
            C::Conflict => ErrorType::Cancel,              // §8.3.3.2
            C::FeatureNotImplemented => ErrorType::Cancel, // §8.3.3.3
            C::Forbidden => ErrorType::Auth,               // §8.3.3.4
            C::Gone => ErrorType::Cancel,                  // §8.3.3.5
            C::InternalServerError => ErrorType::Cancel,   // §8.3.3.6
            C::ItemNotFound => ErrorType::Cancel,          // §8.3.3.7
            C::JidMalformed => ErrorType::Modify,          // §8.3.3.8
            C::NotAcceptable => ErrorType::Modify,         // §8.3.3.9
            C::NotAllowed => ErrorType::Cancel,            // §8.3.3.10
            C::NotAuthorized => ErrorType::Auth,           // §8.3.3.11
            C::PolicyViolation => ErrorType::Modify,       // §8.3.3.12
            C::RecipientUnavailable => ErrorType::Wait,    // §8.3.3.13
            C::Redirect => ErrorType::Modify,              // §8.3.3.14
            C::RegistrationRequired => ErrorType::Auth,    // §8.3.3.15
            C::RemoteServerNotFound => ErrorType::Cancel,  // §8.3.3.16
            C::RemoteServerTimeout => ErrorType::Wait,     // §8.3.3.17
            C::ResourceConstraint => ErrorType::Wait,      // §8.3.3.18
            C::ServiceUnavailable => ErrorType::Cancel,    // §8.3.3.19
            C::SubscriptionRequired => ErrorType::Auth,    // §8.3.3.20
            C::UndefinedCondition => ErrorType::Modify,    // §8.3.3.21
            C::UnexpectedRequest => ErrorType::Modify,     // §8.3.3.22
        }
    }
}
