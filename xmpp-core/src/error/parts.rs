//! The layout shared by `<stream:error/>` (RFC 6120 §4.9.2) and stanza `<error/>` (§8.3.2):
//! one defined condition and an optional `<text/>`, both in the conditions namespace, and
//! an optional application-specific condition in any other namespace.

use super::ErrorParseError;
use crate::xml::space::is_xml_space;
use crate::xml::{ElementRef, XmlElement, ns};

/// The children of a received error element, sorted by role.
pub(crate) struct Parts<'a> {
    /// The defined condition element (its name may be unknown to us).
    pub condition: ElementRef<'a>,
    /// The first `<text/>` in the conditions namespace.
    pub text: Option<ElementRef<'a>>,
    /// The first child in another namespace.
    pub application: Option<ElementRef<'a>>,
}

impl<'a> Parts<'a> {
    /// Sorts the child elements of `el`; `cond_ns` is the conditions namespace.
    ///
    /// Only the first `<text/>` and the first application-specific element are kept (the
    /// RFC allows one of each); a second condition element is an error.
    pub(crate) fn of(el: ElementRef<'a>, cond_ns: &str) -> Result<Self, ErrorParseError> {
        let (mut condition, mut text, mut application) = (None, None, None);
        for child in el.elements() {
            if child.ns() != cond_ns {
                application = application.or(Some(child));
            } else if child.name() == "text" {
                text = text.or(Some(child));
            } else if condition.replace(child).is_some() {
                return Err(ErrorParseError::MultipleConditions);
            }
        }
        Ok(Parts {
            condition: condition.ok_or(ErrorParseError::MissingCondition)?,
            text,
            application,
        })
    }

    /// The condition's character data with surrounding whitespace removed (an address:
    /// `see-other-host`, `gone`, `redirect`); `None` when empty.
    pub(crate) fn condition_address(&self) -> Option<String> {
        let text = self.condition.text();
        let trimmed = text.trim_matches(is_xml_space);
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    /// The `<text/>` content (verbatim) and its effective `xml:lang`.
    pub(crate) fn text(&self) -> (Option<String>, Option<String>) {
        match self.text {
            Some(t) => (Some(t.text().into_owned()), t.lang().map(str::to_owned)),
            None => (None, None),
        }
    }

    /// An owned copy of the application-specific condition.
    pub(crate) fn application(&self) -> Option<XmlElement> {
        self.application.map(|a| a.to_owned())
    }
}

/// The children of an outgoing error element, in the RFC's order.
pub(crate) struct OutParts<'e> {
    pub cond_ns: &'e str,
    pub condition: &'e str,
    pub address: Option<&'e str>,
    pub text: Option<&'e str>,
    pub text_lang: Option<&'e str>,
    pub application: Option<&'e XmlElement>,
}

impl OutParts<'_> {
    /// Appends the condition, the text and the application condition to `el`.
    pub(crate) fn append_to(&self, el: &mut XmlElement) {
        let mut condition = XmlElement::new(self.cond_ns, self.condition);
        if let Some(address) = self.address {
            condition.push_text(address);
        }
        el.push_child(condition);
        if let Some(text) = self.text {
            let mut t = XmlElement::new(self.cond_ns, "text");
            if let Some(lang) = self.text_lang {
                t.set_attr_ns(ns::XML, "lang", lang);
            }
            t.push_text(text);
            el.push_child(t);
        }
        if let Some(app) = self.application {
            el.push_child(app.clone());
        }
    }
}
