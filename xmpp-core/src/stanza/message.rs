//! `<message/>`: a view of a received message and a builder (RFC 6120 §8.2.1, RFC 6121 §5).

use std::borrow::Cow;

use super::common::{self, Head, common_accessors, head_setters};
use crate::error::StanzaError;
use crate::error::condition_macro::conditions;
use crate::xml::space::trim_xml_space;
use crate::xml::{ElementRef, XmlElement};

conditions! {
    /// The `type` of a message (RFC 6121 §5.2.2).
    pub enum MessageType {
        /// One-to-one chat session.
        Chat = "chat",
        /// An error about a message sent earlier (RFC 6120 §8.3).
        Error = "error",
        /// Multi-user chat.
        Groupchat = "groupchat",
        /// An alert or notification to which no reply is expected.
        Headline = "headline",
        /// A standalone message; the default.
        Normal = "normal",
    }
}

impl Default for MessageType {
    /// `normal` (RFC 6121 §5.2.2).
    fn default() -> Self {
        MessageType::Normal
    }
}

/// A `<thread/>` (RFC 6121 §5.2.5): an opaque conversation identifier and the optional
/// identifier of the thread it branched from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread<'a> {
    /// The thread identifier, surrounding whitespace removed.
    pub id: Cow<'a, str>,
    /// The `parent` attribute, surrounding whitespace removed.
    pub parent: Option<Cow<'a, str>>,
}

/// A received `<message/>` (zero-copy view).
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    el: ElementRef<'a>,
}

impl<'a> Message<'a> {
    /// The view of `el` if it is a `<message/>` in a content namespace (`jabber:client`,
    /// `jabber:server`, `jabber:component:accept`).
    pub fn from_element(el: ElementRef<'a>) -> Option<Self> {
        common::is_stanza(el, "message").then_some(Message { el })
    }

    /// A builder for an outgoing message.
    pub fn builder() -> MessageBuilder {
        MessageBuilder::new()
    }

    /// The underlying element.
    pub fn element(&self) -> ElementRef<'a> {
        self.el
    }

    /// The `type`: absent or not one of the defined values means `normal` (RFC 6121
    /// §5.2.2); the raw value is `element().attr("type")`.
    pub fn type_(&self) -> MessageType {
        self.el
            .attr("type")
            .and_then(|t| MessageType::from_name(&t))
            .unwrap_or_default()
    }

    /// Every `<body/>` with its effective `xml:lang` and its text, verbatim (RFC 6121
    /// §5.2.3).
    pub fn bodies(&self) -> impl Iterator<Item = (Option<&'a str>, Cow<'a, str>)> + use<'a> {
        common::lang_texts(self.el, "body")
    }

    /// The `<body/>` in the stanza's language (one without `xml:lang` inherits it), else
    /// the first.
    pub fn body(&self) -> Option<Cow<'a, str>> {
        common::pick_lang(self.el, "body")
    }

    /// Every `<subject/>` with its effective `xml:lang` and its text (RFC 6121 §5.2.4).
    pub fn subjects(&self) -> impl Iterator<Item = (Option<&'a str>, Cow<'a, str>)> + use<'a> {
        common::lang_texts(self.el, "subject")
    }

    /// The `<subject/>` in the stanza's language, else the first.
    pub fn subject(&self) -> Option<Cow<'a, str>> {
        common::pick_lang(self.el, "subject")
    }

    /// The `<thread/>` (RFC 6121 §5.2.5; at most one is allowed, the first is taken).
    pub fn thread(&self) -> Option<Thread<'a>> {
        let t = common::child(self.el, "thread")?;
        Some(Thread {
            id: trim_xml_space(t.text()),
            parent: t.attr("parent").map(trim_xml_space),
        })
    }
}

common_accessors!(Message);

/// Builds an outgoing `<message/>`: attributes, then subjects, bodies, thread, extension
/// payloads and error, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageBuilder {
    head: Head,
    type_: Option<MessageType>,
    subjects: Vec<(Option<String>, String)>,
    bodies: Vec<(Option<String>, String)>,
    thread: Option<(String, Option<String>)>,
}

impl MessageBuilder {
    /// An empty message in `jabber:client`, without `type` (which means `normal`).
    pub fn new() -> Self {
        MessageBuilder::default()
    }

    head_setters!();

    /// Sets `type` (RFC 6121 §5.2.2).
    pub fn with_type(mut self, type_: MessageType) -> Self {
        self.type_ = Some(type_);
        self
    }

    /// Adds a `<body/>` without `xml:lang` (it inherits the stanza's).
    pub fn with_body(mut self, text: impl Into<String>) -> Self {
        self.bodies.push((None, text.into()));
        self
    }

    /// Adds a `<body xml:lang=…/>`: an alternate version in another language (§5.2.3).
    pub fn with_body_lang(mut self, lang: impl Into<String>, text: impl Into<String>) -> Self {
        self.bodies.push((Some(lang.into()), text.into()));
        self
    }

    /// Adds a `<subject/>` without `xml:lang`.
    pub fn with_subject(mut self, text: impl Into<String>) -> Self {
        self.subjects.push((None, text.into()));
        self
    }

    /// Adds a `<subject xml:lang=…/>` (§5.2.4).
    pub fn with_subject_lang(mut self, lang: impl Into<String>, text: impl Into<String>) -> Self {
        self.subjects.push((Some(lang.into()), text.into()));
        self
    }

    /// Sets the `<thread/>` (§5.2.5), replacing an earlier one.
    pub fn with_thread(mut self, id: impl Into<String>) -> Self {
        self.thread = Some((id.into(), None));
        self
    }

    /// Sets a `<thread parent=…/>`: a thread branched from `parent` (§5.2.5).
    pub fn with_thread_parent(mut self, id: impl Into<String>, parent: impl Into<String>) -> Self {
        self.thread = Some((id.into(), Some(parent.into())));
        self
    }

    /// Sets the `<error/>` child and `type='error'` (RFC 6120 §8.3); a later
    /// [`with_type`](Self::with_type) overrides the type.
    pub fn with_error(mut self, error: StanzaError) -> Self {
        self.head.error = Some(error);
        self.type_ = Some(MessageType::Error);
        self
    }

    /// The `<message/>` element.
    pub fn build(self) -> XmlElement {
        let mut el = self.head.open("message", self.type_.map(MessageType::name));
        for (lang, text) in &self.subjects {
            el.push_child(self.head.text_child("subject", lang.as_deref(), text));
        }
        for (lang, text) in &self.bodies {
            el.push_child(self.head.text_child("body", lang.as_deref(), text));
        }
        if let Some((id, parent)) = &self.thread {
            let mut t = self.head.text_child("thread", None, id);
            if let Some(parent) = parent {
                t.set_attr("parent", parent.as_str());
            }
            el.push_child(t);
        }
        self.head.close(&mut el);
        el
    }
}
