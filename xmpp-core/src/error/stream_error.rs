//! A stream error (RFC 6120 §4.9): condition, optional text and application condition,
//! read from and written as `<stream:error/>`.

use std::fmt;

use super::parts::{OutParts, Parts};
use super::{ErrorParseError, StreamErrorCondition};
use crate::xml::{ElementRef, XmlElement, ns};

/// A stream error as sent in `<stream:error/>` (RFC 6120 §4.9.2): a defined condition,
/// an optional human-readable text and an optional application-specific condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    /// The defined condition.
    pub condition: StreamErrorCondition,
    /// For `see-other-host`: the host (and optional port) to reconnect to (§4.9.3.19), e.g.
    /// `[2001:db8::4]:5222`. Ignored when serialising any other condition.
    pub see_other_host: Option<String>,
    /// A description for humans (the `<text/>` child).
    pub text: Option<String>,
    /// The `xml:lang` of `text` (when parsed: its effective language, possibly inherited
    /// from the stream header).
    pub text_lang: Option<String>,
    /// An application-specific condition element (§4.9.4). Boxed: it is rare, and keeping
    /// `StreamError` small keeps every `Result<_, StreamError>` small.
    pub application: Option<Box<XmlElement>>,
}

impl StreamError {
    /// An error with `condition` and nothing else.
    pub fn new(condition: StreamErrorCondition) -> Self {
        StreamError {
            condition,
            see_other_host: None,
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

    /// A `see-other-host` error redirecting to `host` (`domainpart` or `domainpart:port`,
    /// RFC 6120 §4.9.3.19).
    pub fn see_other_host(host: impl Into<String>) -> Self {
        StreamError {
            see_other_host: Some(host.into()),
            ..StreamError::new(StreamErrorCondition::SeeOtherHost)
        }
    }

    /// Builder: sets the application-specific condition (§4.9.4).
    pub fn with_application(mut self, application: XmlElement) -> Self {
        self.application = Some(Box::new(application));
        self
    }

    /// Reads a received `<stream:error/>` (RFC 6120 §4.9.2).
    ///
    /// An unknown condition in `urn:ietf:params:xml:ns:xmpp-streams` is read as
    /// `undefined-condition`, as §4.9.2 requires. The `see-other-host` address is taken
    /// with surrounding whitespace removed; `<text/>` is taken verbatim. Of several
    /// `<text/>` or application-specific elements, the first is kept.
    pub fn from_element(el: ElementRef<'_>) -> Result<StreamError, ErrorParseError> {
        if !el.is("error", ns::STREAM) {
            return Err(ErrorParseError::UnexpectedElement {
                ns: el.ns().to_owned(),
                name: el.name().to_owned(),
            });
        }
        let parts = Parts::of(el, ns::STREAMS_ERRORS)?;
        let condition = StreamErrorCondition::from_name(parts.condition.name())
            .unwrap_or(StreamErrorCondition::UndefinedCondition);
        let see_other_host = match condition {
            StreamErrorCondition::SeeOtherHost => parts.condition_address(),
            _ => None,
        };
        let (text, text_lang) = parts.text();
        Ok(StreamError {
            condition,
            see_other_host,
            text,
            text_lang,
            application: parts.application().map(Box::new),
        })
    }

    /// The `<stream:error/>` element for this error: `error` in the stream namespace (the
    /// writer uses the `stream` prefix the stream context binds), then the condition, the
    /// text and the application condition (RFC 6120 §4.9.2).
    pub fn to_element(&self) -> XmlElement {
        let mut el = XmlElement::new(ns::STREAM, "error");
        let address = match self.condition {
            StreamErrorCondition::SeeOtherHost => self.see_other_host.as_deref(),
            _ => None,
        };
        OutParts {
            cond_ns: ns::STREAMS_ERRORS,
            condition: self.condition.name(),
            address,
            text: self.text.as_deref(),
            text_lang: self.text_lang.as_deref(),
            application: self.application.as_deref(),
        }
        .append_to(&mut el);
        el
    }

    pub(crate) fn of(condition: StreamErrorCondition, text: impl Into<String>) -> Self {
        StreamError::new(condition).with_text(text)
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stream error <{}/>", self.condition)?;
        if let Some(host) = &self.see_other_host {
            write!(f, " ({host})")?;
        }
        if let Some(text) = &self.text {
            write!(f, ": {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StreamError {}
