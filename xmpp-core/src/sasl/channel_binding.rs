//! Channel-binding types and data (RFC 5056, RFC 5929, RFC 9266) and the XEP-0440
//! `<sasl-channel-binding/>` stream feature.

use crate::error::condition_macro::conditions;
use crate::xml::{ElementRef, XmlElement};

/// The XEP-0440 namespace, `urn:xmpp:sasl-cb:0`.
pub const NS_SASL_CB: &str = "urn:xmpp:sasl-cb:0";

/// The exporter label of `tls-exporter` (RFC 9266 §2); the context is empty.
pub const TLS_EXPORTER_LABEL: &str = "EXPORTER-Channel-Binding";

/// The length in octets of `tls-exporter` channel-binding data (RFC 9266 §2).
pub const TLS_EXPORTER_LENGTH: usize = 32;

conditions! {
    /// A channel-binding type, by its "channel-binding unique prefix" (RFC 5056 §7), as
    /// sent after `p=` in a GS2 header (RFC 5802 §7) and in XEP-0440's `type` attribute.
    pub enum ChannelBindingType {
        /// `tls-exporter` (RFC 9266): 32 octets of exported keying material; defined for
        /// TLS 1.3, and for TLS 1.2 with the extended master secret.
        TlsExporter = "tls-exporter",
        /// `tls-server-end-point` (RFC 5929 §4): a hash of the server's certificate.
        TlsServerEndPoint = "tls-server-end-point",
        /// `tls-unique` (RFC 5929 §3): the first Finished message; TLS 1.2 and earlier only.
        TlsUnique = "tls-unique",
    }
}

impl ChannelBindingType {
    /// The client's order of preference (XEP-0440 §Business Rules, rules 1 and 7): the
    /// strongest first, `tls-exporter`, then `tls-server-end-point`, then `tls-unique`.
    pub const PREFERENCE: &'static [ChannelBindingType] = &[
        ChannelBindingType::TlsExporter,
        ChannelBindingType::TlsServerEndPoint,
        ChannelBindingType::TlsUnique,
    ];
}

/// Channel-binding data of one type for the current TLS connection (RFC 5056 §2.1).
///
/// The data must be for the connection the SASL exchange runs over: for `tls-exporter`
/// the [`TLS_EXPORTER_LENGTH`] octets exported with [`TLS_EXPORTER_LABEL`] and an empty
/// context (RFC 9266 §2); for `tls-server-end-point` the hash of the server certificate
/// chosen by RFC 5929 §4.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelBinding {
    /// The channel-binding type.
    pub kind: ChannelBindingType,
    /// The channel-binding data.
    pub data: Vec<u8>,
}

impl ChannelBinding {
    /// Binding data `data` of type `kind`.
    pub fn new(kind: ChannelBindingType, data: impl Into<Vec<u8>>) -> Self {
        ChannelBinding {
            kind,
            data: data.into(),
        }
    }
}

/// The channel-binding types a server announces in its stream features (XEP-0440 §2),
/// read from the `<stream:features/>` element.
///
/// `None` when the features carry no `<sasl-channel-binding/>`. Otherwise the announced
/// types this crate knows, in the server's order without duplicates; unknown types (and
/// `<channel-binding/>` elements without `type`) are skipped, so an announcement of only
/// unknown types is `Some` of an empty list: announced, but nothing we can use.
pub fn announced_channel_bindings(features: ElementRef<'_>) -> Option<Vec<ChannelBindingType>> {
    let feature = features.element("sasl-channel-binding", NS_SASL_CB)?;
    let mut types = Vec::new();
    for cb in feature.elements() {
        if !cb.is("channel-binding", NS_SASL_CB) {
            continue;
        }
        let kind = cb
            .attr("type")
            .and_then(|t| ChannelBindingType::from_name(&t));
        if let Some(kind) = kind.filter(|k| !types.contains(k)) {
            types.push(kind);
        }
    }
    Some(types)
}

/// The XEP-0440 stream feature announcing `types` (XEP-0440 §2):
/// `<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='…'/>…`.
pub fn channel_binding_feature(types: &[ChannelBindingType]) -> XmlElement {
    let mut el = XmlElement::new(NS_SASL_CB, "sasl-channel-binding");
    for kind in types {
        el.push_child(
            XmlElement::new(NS_SASL_CB, "channel-binding").with_attr("type", kind.name()),
        );
    }
    el
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{parse, write};

    #[test]
    fn reads_the_xep_0440_example() {
        // XEP-0440 §2, first example.
        let features = parse(
            "<stream:features>\
               <sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>\
                 <channel-binding type='tls-server-end-point'/>\
                 <channel-binding type='tls-exporter'/>\
               </sasl-channel-binding>\
               <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
                 <mechanism>EXTERNAL</mechanism>\
                 <mechanism>SCRAM-SHA-1-PLUS</mechanism>\
                 <mechanism>PLAIN</mechanism>\
               </mechanisms>\
             </stream:features>",
        );
        assert_eq!(
            announced_channel_bindings(features.root()),
            Some(vec![
                ChannelBindingType::TlsServerEndPoint,
                ChannelBindingType::TlsExporter
            ])
        );
    }

    #[test]
    fn absent_unknown_and_duplicate_types() {
        let none = parse(
            "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></stream:features>",
        );
        assert_eq!(announced_channel_bindings(none.root()), None);
        let odd = parse(
            "<stream:features><sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>\
               <channel-binding type='tls-foo'/><channel-binding/>\
               <channel-binding type='tls-unique'/><channel-binding type='tls-unique'/>\
               <other type='tls-exporter'/>\
             </sasl-channel-binding></stream:features>",
        );
        assert_eq!(
            announced_channel_bindings(odd.root()),
            Some(vec![ChannelBindingType::TlsUnique])
        );
        let only_unknown = parse(
            "<stream:features><sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>\
               <channel-binding type='tls-foo'/></sasl-channel-binding></stream:features>",
        );
        assert_eq!(
            announced_channel_bindings(only_unknown.root()),
            Some(vec![])
        );
    }

    #[test]
    fn builds_the_feature() {
        let el = channel_binding_feature(&[
            ChannelBindingType::TlsServerEndPoint,
            ChannelBindingType::TlsExporter,
        ]);
        assert_eq!(
            write(&el),
            "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>\
             <channel-binding type='tls-server-end-point'/>\
             <channel-binding type='tls-exporter'/></sasl-channel-binding>"
        );
        let wrapped = parse(&format!(
            "<stream:features>{}</stream:features>",
            write(&el)
        ));
        assert_eq!(
            announced_channel_bindings(wrapped.root()),
            Some(vec![
                ChannelBindingType::TlsServerEndPoint,
                ChannelBindingType::TlsExporter
            ])
        );
    }
}
