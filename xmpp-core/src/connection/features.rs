//! `<stream:features/>` (RFC 6120 §4.3.2) as data: parsed by the initiating entity, built
//! by the receiving one.

use crate::sasl::{self, ChannelBindingType, Mechanism};
use crate::xml::{ElementRef, XmlElement, ns};

/// `urn:ietf:params:xml:ns:xmpp-tls` (RFC 6120 §5.4).
pub(crate) const NS_TLS: &str = "urn:ietf:params:xml:ns:xmpp-tls";
/// `urn:ietf:params:xml:ns:xmpp-bind` (RFC 6120 §7).
pub(crate) const NS_BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";
/// `urn:ietf:params:xml:ns:xmpp-session` (RFC 3921 §3, draft-cridland-xmpp-session).
pub(crate) const NS_SESSION: &str = "urn:ietf:params:xml:ns:xmpp-session";
/// `urn:xmpp:ping` (XEP-0199).
pub(crate) const NS_PING: &str = "urn:xmpp:ping";

/// The stream features one side offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Features {
    /// STARTTLS offered; `Some(true)` when `<required/>`.
    pub starttls: Option<bool>,
    /// SASL mechanisms we know, in the offered order (unknown names are skipped).
    pub mechanisms: Vec<Mechanism>,
    /// Whether a `<mechanisms/>` element was present at all.
    pub sasl: bool,
    /// XEP-0440 channel-binding types, when advertised.
    pub channel_binding: Option<Vec<ChannelBindingType>>,
    /// Resource binding offered (RFC 6120 §7.4).
    pub bind: bool,
    /// Legacy session offered; `Some(true)` when `<optional/>` (no request needed).
    pub session: Option<bool>,
}

impl Features {
    /// Reads the features we act on from a received `<stream:features/>`.
    pub(crate) fn parse(el: ElementRef<'_>) -> Features {
        let mut f = Features::default();
        for child in el.elements() {
            match (child.ns(), child.name()) {
                (NS_TLS, "starttls") => {
                    f.starttls = Some(child.element("required", NS_TLS).is_some());
                }
                (sasl::NS_SASL, "mechanisms") => {
                    f.sasl = true;
                    f.mechanisms = child
                        .elements()
                        .filter(|m| m.is("mechanism", sasl::NS_SASL))
                        .filter_map(|m| Mechanism::from_name(m.text().trim()))
                        .collect();
                }
                (NS_BIND, "bind") => f.bind = true,
                (NS_SESSION, "session") => {
                    f.session = Some(child.element("optional", NS_SESSION).is_some());
                }
                _ => {}
            }
        }
        f.channel_binding = sasl::announced_channel_bindings(el);
        f
    }

    /// The `<stream:features/>` element offering these features.
    #[allow(dead_code)] // used by the receiving role
    pub(crate) fn to_element(&self) -> XmlElement {
        let mut el = XmlElement::new(ns::STREAM, "features");
        if let Some(required) = self.starttls {
            let mut st = XmlElement::new(NS_TLS, "starttls");
            if required {
                st.push_child(XmlElement::new(NS_TLS, "required"));
            }
            el.push_child(st);
        }
        if self.sasl {
            let mut m = XmlElement::new(sasl::NS_SASL, "mechanisms");
            for mech in &self.mechanisms {
                m.push_child(XmlElement::new(sasl::NS_SASL, "mechanism").with_text(mech.name()));
            }
            el.push_child(m);
        }
        if let Some(types) = &self.channel_binding {
            el.push_child(sasl::channel_binding_feature(types));
        }
        if self.bind {
            el.push_child(XmlElement::new(NS_BIND, "bind"));
        }
        if let Some(optional) = self.session {
            let mut s = XmlElement::new(NS_SESSION, "session");
            if optional {
                s.push_child(XmlElement::new(NS_SESSION, "optional"));
            }
            el.push_child(s);
        }
        el
    }
}
