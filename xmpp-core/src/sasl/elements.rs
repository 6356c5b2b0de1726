//! The SASL elements of RFC 6120 §6.4: the `<mechanisms/>` feature, `<auth/>`,
//! `<challenge/>`, `<response/>`, `<success/>`, `<failure/>` and `<abort/>`.

use std::fmt;

use super::base64::{self, Base64Error};
use super::{Mechanism, NS_SASL, SaslFailure};
use crate::xml::space::is_xml_space;
use crate::xml::{ElementRef, XmlElement};

/// The mechanisms offered in a `<mechanisms/>` stream feature (RFC 6120 §6.4.1), read from
/// the `<stream:features/>` element: `None` without the feature, otherwise the offered
/// mechanisms this crate implements, in the server's order (unknown names are skipped;
/// whitespace around a name is ignored).
pub fn offered_mechanisms(features: ElementRef<'_>) -> Option<Vec<Mechanism>> {
    let feature = features.element("mechanisms", NS_SASL)?;
    let mut offered = Vec::new();
    for el in feature.elements().filter(|e| e.is("mechanism", NS_SASL)) {
        let text = el.text();
        let mechanism = Mechanism::from_name(text.trim_matches(is_xml_space));
        if let Some(m) = mechanism.filter(|m| !offered.contains(m)) {
            offered.push(m);
        }
    }
    Some(offered)
}

/// The `<mechanisms/>` stream feature offering `mechanisms` (RFC 6120 §6.4.1).
pub fn mechanisms_feature(mechanisms: &[Mechanism]) -> XmlElement {
    let mut el = XmlElement::new(NS_SASL, "mechanisms");
    for m in mechanisms {
        el.push_child(XmlElement::new(NS_SASL, "mechanism").with_text(m.name()));
    }
    el
}

/// A received SASL element (RFC 6120 §6.4), with its data decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslElement {
    /// `<auth/>` (§6.4.2): the requested mechanism name as sent (it may be one this crate
    /// does not implement: answer `invalid-mechanism`, §6.5.7) and the initial response
    /// (`None`: none sent; empty: `=`).
    Auth {
        /// The `mechanism` attribute (empty if missing).
        mechanism: String,
        /// The initial response.
        initial_response: Option<Vec<u8>>,
    },
    /// `<challenge/>` (§6.4.3).
    Challenge(Vec<u8>),
    /// `<response/>` (§6.4.3).
    Response(Vec<u8>),
    /// `<success/>` (§6.4.6) and its additional data (`None`: none; empty: `=`).
    Success(Option<Vec<u8>>),
    /// `<failure/>` (§6.5).
    Failure(SaslFailure),
    /// `<abort/>` (§6.4.4).
    Abort,
}

/// Why an element is not a valid SASL element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslElementError {
    /// The element is not one of the SASL elements of RFC 6120 §6.4.
    NotSasl,
    /// Its character data is not strict base 64 (§13.9.1; answer `incorrect-encoding`,
    /// §6.5.5).
    Base64(Base64Error),
}

impl fmt::Display for SaslElementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaslElementError::NotSasl => f.write_str("not a SASL element"),
            SaslElementError::Base64(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SaslElementError {}

impl SaslElement {
    /// Reads a SASL element. The character data is decoded with strict base 64, so text
    /// with whitespace (as in the pretty-printed examples of RFC 6120) is rejected
    /// (§13.9.1).
    pub fn from_element(el: ElementRef<'_>) -> Result<SaslElement, SaslElementError> {
        if el.ns() != NS_SASL {
            return Err(SaslElementError::NotSasl);
        }
        let text = el.text();
        let data = || base64::decode(&text).map_err(SaslElementError::Base64);
        let optional = || base64::decode_optional(&text).map_err(SaslElementError::Base64);
        Ok(match el.name() {
            "auth" => SaslElement::Auth {
                mechanism: el
                    .attr("mechanism")
                    .map(|m| m.into_owned())
                    .unwrap_or_default(),
                initial_response: optional()?,
            },
            "challenge" => SaslElement::Challenge(data()?),
            "response" => SaslElement::Response(data()?),
            "success" => SaslElement::Success(optional()?),
            "failure" => SaslElement::Failure(
                SaslFailure::from_element(el).map_err(|_| SaslElementError::NotSasl)?,
            ),
            "abort" => SaslElement::Abort,
            _ => return Err(SaslElementError::NotSasl),
        })
    }

    /// The element to send (§6.4): data as base 64, `=` for zero-length initial responses
    /// and additional data, no text for empty challenges and responses.
    pub fn to_element(&self) -> XmlElement {
        let with_text = |name: &str, text: String| {
            let el = XmlElement::new(NS_SASL, name);
            if text.is_empty() {
                el
            } else {
                el.with_text(text)
            }
        };
        match self {
            SaslElement::Auth {
                mechanism,
                initial_response,
            } => with_text("auth", base64::encode_optional(initial_response.as_deref()))
                .with_attr("mechanism", mechanism.as_str()),
            SaslElement::Challenge(data) => with_text("challenge", base64::encode_payload(data)),
            SaslElement::Response(data) => with_text("response", base64::encode_payload(data)),
            SaslElement::Success(data) => {
                with_text("success", base64::encode_optional(data.as_deref()))
            }
            SaslElement::Failure(failure) => failure.to_element(),
            SaslElement::Abort => XmlElement::new(NS_SASL, "abort"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::SaslCondition;
    use crate::test_util::{parse, round_trip, write};

    fn read(xml: &str) -> Result<SaslElement, SaslElementError> {
        SaslElement::from_element(parse(xml).root())
    }

    #[test]
    fn reads_the_mechanisms_feature() {
        // RFC 6120 §9.1.2 step 8.
        let features = parse(
            "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
               <mechanism>SCRAM-SHA-1-PLUS</mechanism>\
               <mechanism>SCRAM-SHA-1</mechanism>\
               <mechanism> PLAIN </mechanism>\
               <mechanism>X-OAUTH2</mechanism>\
               <mechanism>PLAIN</mechanism>\
             </mechanisms></stream:features>",
        );
        assert_eq!(
            offered_mechanisms(features.root()),
            Some(vec![
                Mechanism::ScramSha1Plus,
                Mechanism::ScramSha1,
                Mechanism::Plain
            ])
        );
        let none = parse("<stream:features/>");
        assert_eq!(offered_mechanisms(none.root()), None);
        let el = mechanisms_feature(&[Mechanism::ScramSha256, Mechanism::Plain]);
        assert_eq!(
            write(&el),
            "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
             <mechanism>SCRAM-SHA-256</mechanism><mechanism>PLAIN</mechanism></mechanisms>"
        );
    }

    #[test]
    fn reads_section_6_4_elements() {
        // §6.4.2.
        assert_eq!(
            read(
                "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
                  mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>"
            ),
            Ok(SaslElement::Auth {
                mechanism: "PLAIN".into(),
                initial_response: Some(b"\0juliet\0r0m30myr0m30".to_vec()),
            })
        );
        assert_eq!(
            read("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>=</auth>"),
            Ok(SaslElement::Auth {
                mechanism: "EXTERNAL".into(),
                initial_response: Some(Vec::new()),
            })
        );
        assert_eq!(
            read("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'/>"),
            Ok(SaslElement::Auth {
                mechanism: "EXTERNAL".into(),
                initial_response: None,
            })
        );
        // §9.1.2 step 12.
        assert_eq!(
            read(
                "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
                  dj1wTk5ERlZFUXh1WHhDb1NFaVc4R0VaKzFSU289</success>"
            ),
            Ok(SaslElement::Success(Some(
                b"v=pNNDFVEQxuXxCoSEiW8GEZ+1RSo=".to_vec()
            )))
        );
        assert_eq!(
            read("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
            Ok(SaslElement::Success(None))
        );
        assert_eq!(
            read("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
            Ok(SaslElement::Response(Vec::new()))
        );
        assert_eq!(
            read("<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
            Ok(SaslElement::Abort)
        );
        assert_eq!(
            read("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>"),
            Ok(SaslElement::Failure(SaslFailure::new(
                SaslCondition::Aborted
            )))
        );
        // §13.9.1: whitespace is rejected.
        assert!(matches!(
            read("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\n  cj1v\n</challenge>"),
            Err(SaslElementError::Base64(_))
        ));
        assert_eq!(
            read("<auth xmlns='urn:other'/>"),
            Err(SaslElementError::NotSasl)
        );
        assert_eq!(
            read("<bogus xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
            Err(SaslElementError::NotSasl)
        );
    }

    #[test]
    fn writes_and_reads_back() {
        let elements = [
            SaslElement::Auth {
                mechanism: "SCRAM-SHA-1".into(),
                initial_response: Some(b"n,,n=user,r=abc".to_vec()),
            },
            SaslElement::Auth {
                mechanism: "EXTERNAL".into(),
                initial_response: Some(Vec::new()),
            },
            SaslElement::Auth {
                mechanism: "ANONYMOUS".into(),
                initial_response: None,
            },
            SaslElement::Challenge(b"r=abc".to_vec()),
            SaslElement::Challenge(Vec::new()),
            SaslElement::Response(Vec::new()),
            SaslElement::Success(None),
            SaslElement::Success(Some(Vec::new())),
            SaslElement::Success(Some(b"v=xyz".to_vec())),
            SaslElement::Failure(SaslFailure::new(SaslCondition::NotAuthorized).with_text("no")),
            SaslElement::Abort,
        ];
        for el in elements {
            assert_eq!(
                SaslElement::from_element(round_trip(&el.to_element()).root()),
                Ok(el.clone())
            );
        }
        assert_eq!(
            write(
                &SaslElement::Auth {
                    mechanism: "EXTERNAL".into(),
                    initial_response: Some(Vec::new())
                }
                .to_element()
            ),
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>=</auth>"
        );
        assert_eq!(
            write(&SaslElement::Response(Vec::new()).to_element()),
            "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
        );
    }
}
