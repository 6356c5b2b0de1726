//! The stream error conditions of RFC 6120 §4.9.3.

use super::condition_macro::conditions;

conditions! {
    /// A defined stream error condition (RFC 6120 §4.9.3), qualified by
    /// `urn:ietf:params:xml:ns:xmpp-streams`.
    pub enum StreamErrorCondition {
        /// §4.9.3.1: XML that cannot be processed.
        BadFormat = "bad-format",
        /// §4.9.3.2: an unsupported or missing namespace prefix.
        BadNamespacePrefix = "bad-namespace-prefix",
        /// §4.9.3.3: a new stream for this entity replaces this one.
        Conflict = "conflict",
        /// §4.9.3.4: no traffic for too long.
        ConnectionTimeout = "connection-timeout",
        /// §4.9.3.5: the `to` host is no longer serviced.
        HostGone = "host-gone",
        /// §4.9.3.6: the `to` host is not serviced.
        HostUnknown = "host-unknown",
        /// §4.9.3.7: a stanza lacks a needed `to` or `from`.
        ImproperAddressing = "improper-addressing",
        /// §4.9.3.8: the server is misconfigured or failed internally.
        InternalServerError = "internal-server-error",
        /// §4.9.3.9: `from` does not match an authorized identity.
        InvalidFrom = "invalid-from",
        /// §4.9.3.10: wrong stream or content namespace.
        InvalidNamespace = "invalid-namespace",
        /// §4.9.3.11: invalid XML sent to a validating server.
        InvalidXml = "invalid-xml",
        /// §4.9.3.12: data sent before the stream was authenticated.
        NotAuthorized = "not-authorized",
        /// §4.9.3.13: XML that is not well-formed (XML or Namespaces in XML).
        NotWellFormed = "not-well-formed",
        /// §4.9.3.14: a local policy was violated (limits, rate).
        PolicyViolation = "policy-violation",
        /// §4.9.3.15: a remote connection needed for this stream failed.
        RemoteConnectionFailed = "remote-connection-failed",
        /// §4.9.3.16: security-relevant state changed; the stream must be reset.
        Reset = "reset",
        /// §4.9.3.17: the server lacks resources for the stream.
        ResourceConstraint = "resource-constraint",
        /// §4.9.3.18: XML features that XMPP prohibits (§11.1).
        RestrictedXml = "restricted-xml",
        /// §4.9.3.19: connect to another host (given in the element's text).
        SeeOtherHost = "see-other-host",
        /// §4.9.3.20: the server is shutting down.
        SystemShutdown = "system-shutdown",
        /// §4.9.3.21: none of the others applies (usually with an application condition).
        UndefinedCondition = "undefined-condition",
        /// §4.9.3.22: an encoding other than UTF-8 (§11.6).
        UnsupportedEncoding = "unsupported-encoding",
        /// §4.9.3.23: a mandatory-to-negotiate feature the peer does not support.
        UnsupportedFeature = "unsupported-feature",
        /// §4.9.3.24: a first-level element the server does not support.
        UnsupportedStanzaType = "unsupported-stanza-type",
        /// §4.9.3.25: an unsupported (major) stream version (§4.7.5).
        UnsupportedVersion = "unsupported-version",
    }
}
