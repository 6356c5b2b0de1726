//! Namespace names used by the XML layer (RFC 6120 §4.8, §11.2).

/// The stream namespace, `http://etherx.jabber.org/streams` (RFC 6120 §4.8.1).
pub const STREAM: &str = "http://etherx.jabber.org/streams";
/// Content namespace of client-to-server streams (RFC 6120 §4.8.3).
pub const JABBER_CLIENT: &str = "jabber:client";
/// Content namespace of server-to-server streams (RFC 6120 §4.8.3).
pub const JABBER_SERVER: &str = "jabber:server";
/// Content namespace of component streams (XEP-0114).
pub const JABBER_COMPONENT_ACCEPT: &str = "jabber:component:accept";
/// The namespace bound to the `xml` prefix (Namespaces in XML §3).
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace bound to the `xmlns` prefix (Namespaces in XML §3).
pub const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
/// Stream error conditions (RFC 6120 §4.9.3).
pub const STREAMS_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-streams";
/// Stanza error conditions (RFC 6120 §8.3).
pub const STANZAS_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";

/// The content namespaces stanzas are qualified by: `jabber:client`, `jabber:server`
/// (RFC 6120 §4.8.3) and `jabber:component:accept` (XEP-0114).
pub const CONTENT: [&str; 3] = [JABBER_CLIENT, JABBER_SERVER, JABBER_COMPONENT_ACCEPT];

/// Whether `ns` is one of the [`CONTENT`] namespaces.
pub fn is_content(ns: &str) -> bool {
    CONTENT.contains(&ns)
}
