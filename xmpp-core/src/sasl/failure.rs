//! A SASL failure (RFC 6120 §6.5): `<failure/>` with a condition and optional text.

use std::fmt;

use super::{NS_SASL, SaslCondition};
use crate::error::ErrorParseError;
use crate::xml::{ElementRef, XmlElement, ns};

/// A SASL failure as sent in `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`
/// (RFC 6120 §6.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaslFailure {
    /// The defined condition.
    pub condition: SaslCondition,
    /// A description for humans (the `<text/>` child).
    pub text: Option<String>,
    /// The `xml:lang` of `text` (when parsed: its effective language, possibly inherited
    /// from the stream header).
    pub text_lang: Option<String>,
}

impl SaslFailure {
    /// A failure with `condition` and no text.
    pub fn new(condition: SaslCondition) -> Self {
        SaslFailure {
            condition,
            text: None,
            text_lang: None,
        }
    }

    /// Builder: sets the human-readable text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Reads a received `<failure/>` (RFC 6120 §6.5).
    ///
    /// RFC 6120 §6.5 requires an entity to treat a condition it does not understand "as
    /// equivalent to `<not-authorized/>`", so an unknown condition element is read as
    /// [`SaslCondition::NotAuthorized`]; so is a `<failure/>` with no condition at all (it
    /// still reports a failed handshake). Of several conditions or `<text/>` elements the
    /// first is kept; elements in other namespaces are ignored (§6.5: SASL failures have no
    /// application-specific conditions). The only error is an element that is not
    /// `<failure/>` in the SASL namespace.
    pub fn from_element(el: ElementRef<'_>) -> Result<SaslFailure, ErrorParseError> {
        if !el.is("failure", NS_SASL) {
            return Err(ErrorParseError::UnexpectedElement {
                ns: el.ns().to_owned(),
                name: el.name().to_owned(),
            });
        }
        let mut condition = None;
        let mut text = None;
        for child in el.elements().filter(|c| c.ns() == NS_SASL) {
            if child.name() == "text" {
                text = text.or(Some(child));
            } else if condition.is_none() {
                condition = Some(
                    SaslCondition::from_name(child.name()).unwrap_or(SaslCondition::NotAuthorized),
                );
            }
        }
        Ok(SaslFailure {
            condition: condition.unwrap_or(SaslCondition::NotAuthorized),
            text: text.map(|t| t.text().into_owned()),
            text_lang: text.and_then(|t| t.lang()).map(str::to_owned),
        })
    }

    /// The `<failure/>` element for this failure: the condition, then the text
    /// (RFC 6120 §6.5).
    pub fn to_element(&self) -> XmlElement {
        let mut el = XmlElement::new(NS_SASL, "failure")
            .with_child(XmlElement::new(NS_SASL, self.condition.name()));
        if let Some(text) = &self.text {
            let mut t = XmlElement::new(NS_SASL, "text");
            if let Some(lang) = &self.text_lang {
                t.set_attr_ns(ns::XML, "lang", lang.as_str());
            }
            t.push_text(text.as_str());
            el.push_child(t);
        }
        el
    }
}

impl From<SaslCondition> for SaslFailure {
    fn from(condition: SaslCondition) -> Self {
        SaslFailure::new(condition)
    }
}

impl fmt::Display for SaslFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SASL failure <{}/>", self.condition)?;
        if let Some(text) = &self.text {
            write!(f, ": {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SaslFailure {}
