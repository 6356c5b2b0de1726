//! A stanza error (RFC 6120 §8.3): the `<error/>` child of a stanza of type `error`.

use std::fmt;

use super::parts::{OutParts, Parts};
use super::{ErrorParseError, ErrorType, StanzaErrorCondition};
use crate::xml::{ElementRef, XmlElement, ns};

/// A stanza error as carried in the `<error/>` child of an error stanza (RFC 6120 §8.3.2):
/// type, defined condition, and the optional `by`, alternate address, text and
/// application-specific condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanzaError {
    /// The `type` attribute: what the sender may do about the error (§8.3.2).
    pub error_type: ErrorType,
    /// The defined condition (§8.3.3).
    pub condition: StanzaErrorCondition,
    /// The `by` attribute: the entity that detected the error (§8.3.1, rule 5).
    pub by: Option<String>,
    /// For `gone` and `redirect`: the alternate address, a URI or IRI carried as the
    /// condition's character data (§8.3.3.5, §8.3.3.14). Ignored when serialising any other
    /// condition.
    pub uri: Option<String>,
    /// A description for humans (the `<text/>` child), not to be interpreted by programs.
    pub text: Option<String>,
    /// The `xml:lang` of `text` (when parsed: its effective language, possibly inherited
    /// from the stanza or the stream header).
    pub text_lang: Option<String>,
    /// An application-specific condition element (§8.3.4).
    pub application: Option<XmlElement>,
}

impl StanzaError {
    /// An error with `error_type` and `condition` and nothing else.
    pub fn new(error_type: ErrorType, condition: StanzaErrorCondition) -> Self {
        StanzaError {
            error_type,
            condition,
            by: None,
            uri: None,
            text: None,
            text_lang: None,
            application: None,
        }
    }

    /// Builder: sets the human-readable text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Builder: sets the text's `xml:lang`.
    pub fn with_text_lang(mut self, lang: impl Into<String>) -> Self {
        self.text_lang = Some(lang.into());
        self
    }

    /// Builder: sets `by`, the JID of the entity that detected the error.
    pub fn with_by(mut self, by: impl Into<String>) -> Self {
        self.by = Some(by.into());
        self
    }

    /// Builder: sets the alternate address of a `gone` or `redirect` error.
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }

    /// Builder: sets the application-specific condition (§8.3.4).
    pub fn with_application(mut self, application: XmlElement) -> Self {
        self.application = Some(application);
        self
    }

    /// Reads a stanza's `<error/>` child (RFC 6120 §8.3.2): `type` is required, `by`
    /// optional, and exactly one condition in `urn:ietf:params:xml:ns:xmpp-stanzas`.
    ///
    /// The element must be `error` in one of the content namespaces (`jabber:client`,
    /// `jabber:server`, `jabber:component:accept`). An unknown condition is read as
    /// `undefined-condition`, as §8.3.2 requires. The `gone`/`redirect` address is taken
    /// with surrounding whitespace removed; `<text/>` is taken verbatim. Of several
    /// `<text/>` or application-specific elements, the first is kept. A legacy `code`
    /// attribute (RFC 3920) is ignored.
    pub fn from_element(el: ElementRef<'_>) -> Result<StanzaError, ErrorParseError> {
        if el.name() != "error" || !ns::is_content(el.ns()) {
            return Err(ErrorParseError::UnexpectedElement {
                ns: el.ns().to_owned(),
                name: el.name().to_owned(),
            });
        }
        let error_type = match el.attr("type") {
            None => return Err(ErrorParseError::MissingType),
            Some(t) => ErrorType::from_name(&t)
                .ok_or_else(|| ErrorParseError::InvalidType(t.into_owned()))?,
        };
        let parts = Parts::of(el, ns::STANZAS_ERRORS)?;
        let condition = StanzaErrorCondition::from_name(parts.condition.name())
            .unwrap_or(StanzaErrorCondition::UndefinedCondition);
        let uri = match condition {
            StanzaErrorCondition::Gone | StanzaErrorCondition::Redirect => {
                parts.condition_address()
            }
            _ => None,
        };
        let (text, text_lang) = parts.text();
        Ok(StanzaError {
            error_type,
            condition,
            by: el.attr("by").map(|b| b.into_owned()),
            uri,
            text,
            text_lang,
            application: parts.application(),
        })
    }

    /// The `<error/>` element for this error, in the stanza's `content_ns` (e.g.
    /// `jabber:client`), with the condition and text in the stanzas namespace (§8.3.2).
    pub fn to_element(&self, content_ns: &str) -> XmlElement {
        let mut el = XmlElement::new(content_ns, "error");
        if let Some(by) = &self.by {
            el.set_attr("by", by.as_str());
        }
        el.set_attr("type", self.error_type.name());
        let address = match self.condition {
            StanzaErrorCondition::Gone | StanzaErrorCondition::Redirect => self.uri.as_deref(),
            _ => None,
        };
        OutParts {
            cond_ns: ns::STANZAS_ERRORS,
            condition: self.condition.name(),
            address,
            text: self.text.as_deref(),
            text_lang: self.text_lang.as_deref(),
            application: self.application.as_ref(),
        }
        .append_to(&mut el);
        el
    }
}

impl From<StanzaErrorCondition> for StanzaError {
    /// An error with `condition` and its recommended type
    /// ([`StanzaErrorCondition::default_type`]).
    fn from(condition: StanzaErrorCondition) -> Self {
        StanzaError::new(condition.default_type(), condition)
    }
}

impl fmt::Display for StanzaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stanza error <{}/> (type {})",
            self.condition, self.error_type
        )?;
        if let Some(by) = &self.by {
            write!(f, " by {by}")?;
        }
        if let Some(uri) = &self.uri {
            write!(f, " ({uri})")?;
        }
        if let Some(text) = &self.text {
            write!(f, ": {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StanzaError {}
