//! A stream error (RFC 6120 §4.9): condition, optional text and application condition.

use std::fmt;

use super::StreamErrorCondition;
use crate::xml::XmlElement;

/// A stream error as sent in `<stream:error/>` (RFC 6120 §4.9.2): a defined condition,
/// an optional human-readable text and an optional application-specific condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    /// The defined condition.
    pub condition: StreamErrorCondition,
    /// For `see-other-host`: the host (and optional port) to reconnect to (§4.9.3.19).
    pub see_other_host: Option<String>,
    /// A description for humans (the `<text/>` child).
    pub text: Option<String>,
    /// The `xml:lang` of `text`.
    pub text_lang: Option<String>,
    /// An application-specific condition element (§4.9.4); boxed to keep `Result`s small.
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
