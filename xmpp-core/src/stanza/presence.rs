//! `<presence/>`: a view of a received presence and a builder (RFC 6120 §8.2.2, RFC 6121
//! §3, §4).

use std::borrow::Cow;
use std::fmt;

use super::common::{self, Head, common_accessors, head_setters};
use crate::error::StanzaError;
use crate::error::condition_macro::conditions;
use crate::xml::space::trim_xml_space;
use crate::xml::{ElementRef, XmlElement};

/// The `type` of a presence (RFC 6121 §4.7.1). `Available` is the absence of the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum PresenceType {
    /// No `type`: the sender is available (§4.2, §4.4).
    #[default]
    Available,
    /// An error about a presence sent earlier (RFC 6120 §8.3).
    Error,
    /// A request for an entity's current presence, sent by servers (§4.3).
    Probe,
    /// The sender wishes to subscribe to the recipient's presence (§3.1).
    Subscribe,
    /// The sender allows the recipient to receive its presence (§3.1.5).
    Subscribed,
    /// The sender is no longer available (§4.5).
    Unavailable,
    /// The sender is unsubscribing from the recipient's presence (§3.3).
    Unsubscribe,
    /// A subscription request is denied or a subscription cancelled (§3.2).
    Unsubscribed,
}

impl PresenceType {
    /// Every value, `Available` first, then the RFC's order.
    pub const ALL: &'static [PresenceType] = &[
        PresenceType::Available,
        PresenceType::Error,
        PresenceType::Probe,
        PresenceType::Subscribe,
        PresenceType::Subscribed,
        PresenceType::Unavailable,
        PresenceType::Unsubscribe,
        PresenceType::Unsubscribed,
    ];

    /// The `type` attribute's value; `None` for `Available`, which has none (§4.7.1).
    pub const fn attr_value(self) -> Option<&'static str> {
        match self {
            PresenceType::Available => None,
            PresenceType::Error => Some("error"),
            PresenceType::Probe => Some("probe"),
            PresenceType::Subscribe => Some("subscribe"),
            PresenceType::Subscribed => Some("subscribed"),
            PresenceType::Unavailable => Some("unavailable"),
            PresenceType::Unsubscribe => Some("unsubscribe"),
            PresenceType::Unsubscribed => Some("unsubscribed"),
        }
    }

    /// The type for a `type` attribute (`None`: absent); `None` for a value §4.7.1 does
    /// not define, including `available`.
    pub fn from_attr_value(value: Option<&str>) -> Option<Self> {
        let Some(value) = value else {
            return Some(PresenceType::Available);
        };
        PresenceType::ALL
            .iter()
            .copied()
            .find(|t| t.attr_value() == Some(value))
    }
}

impl fmt::Display for PresenceType {
    /// The attribute value, or `available` for `Available`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.attr_value().unwrap_or("available"))
    }
}

conditions! {
    /// The availability sub-state in `<show/>` (RFC 6121 §4.7.2.1).
    pub enum Show {
        /// Temporarily away.
        Away = "away",
        /// Actively interested in chatting.
        Chat = "chat",
        /// Busy: do not disturb.
        Dnd = "dnd",
        /// Away for an extended period.
        Xa = "xa",
    }
}

/// A received `<presence/>` (zero-copy view).
#[derive(Debug, Clone, Copy)]
pub struct Presence<'a> {
    el: ElementRef<'a>,
}

impl<'a> Presence<'a> {
    /// The view of `el` if it is a `<presence/>` in a content namespace.
    pub fn from_element(el: ElementRef<'a>) -> Option<Self> {
        common::is_stanza(el, "presence").then_some(Presence { el })
    }

    /// A builder for an outgoing presence.
    pub fn builder() -> PresenceBuilder {
        PresenceBuilder::new()
    }

    /// The underlying element.
    pub fn element(&self) -> ElementRef<'a> {
        self.el
    }

    /// The `type` (absent: `Available`). `None` for a value RFC 6121 §4.7.1 does not
    /// define: the recipient SHOULD answer with a `bad-request` stanza error. The raw value
    /// is `element().attr("type")`.
    pub fn type_(&self) -> Option<PresenceType> {
        PresenceType::from_attr_value(self.el.attr("type").as_deref())
    }

    /// The `<show/>` sub-state (RFC 6121 §4.7.2.1); `None` when absent (plain available)
    /// or when the value is not one of the four defined ones, which is treated alike.
    pub fn show(&self) -> Option<Show> {
        let show = common::child(self.el, "show")?;
        Show::from_name(&trim_xml_space(show.text()))
    }

    /// Every `<status/>` with its effective `xml:lang` and its text, verbatim (RFC 6121
    /// §4.7.2.2).
    pub fn statuses(&self) -> impl Iterator<Item = (Option<&'a str>, Cow<'a, str>)> + use<'a> {
        common::lang_texts(self.el, "status")
    }

    /// The `<status/>` in the stanza's language (one without `xml:lang` inherits it), else
    /// the first.
    pub fn status(&self) -> Option<Cow<'a, str>> {
        common::pick_lang(self.el, "status")
    }

    /// The `<priority/>` (RFC 6121 §4.7.2.3): 0 when absent. An integer outside
    /// -128..=127 is clamped into that range; a value that is not an integer (optional sign,
    /// then digits, surrounding whitespace allowed) counts as absent, so 0.
    pub fn priority(&self) -> i8 {
        common::child(self.el, "priority")
            .and_then(|p| parse_priority(&trim_xml_space(p.text())))
            .unwrap_or(0)
    }
}

common_accessors!(Presence);

/// Parses an `xs:byte`-like integer, clamping out-of-range values.
fn parse_priority(s: &str) -> Option<i8> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits
        .bytes()
        .fold(0i32, |acc, d| (acc * 10 + i32::from(d - b'0')).min(1000));
    let value = if negative { -magnitude } else { magnitude };
    i8::try_from(value.clamp(-128, 127)).ok()
}

/// Builds an outgoing `<presence/>`: attributes, then show, statuses, priority, extension
/// payloads and error, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PresenceBuilder {
    head: Head,
    type_: PresenceType,
    show: Option<Show>,
    statuses: Vec<(Option<String>, String)>,
    priority: Option<i8>,
}

impl PresenceBuilder {
    /// An available presence in `jabber:client`, without children.
    pub fn new() -> Self {
        PresenceBuilder::default()
    }

    head_setters!();

    /// Sets `type` (RFC 6121 §4.7.1; `Available` writes no attribute).
    pub fn with_type(mut self, type_: PresenceType) -> Self {
        self.type_ = type_;
        self
    }

    /// Sets `<show/>` (§4.7.2.1), replacing an earlier one.
    pub fn with_show(mut self, show: Show) -> Self {
        self.show = Some(show);
        self
    }

    /// Adds a `<status/>` without `xml:lang` (it inherits the stanza's).
    pub fn with_status(mut self, text: impl Into<String>) -> Self {
        self.statuses.push((None, text.into()));
        self
    }

    /// Adds a `<status xml:lang=…/>`: a version in another language (§4.7.2.2).
    pub fn with_status_lang(mut self, lang: impl Into<String>, text: impl Into<String>) -> Self {
        self.statuses.push((Some(lang.into()), text.into()));
        self
    }

    /// Sets `<priority/>` (§4.7.2.3), replacing an earlier one.
    pub fn with_priority(mut self, priority: i8) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Sets the `<error/>` child and `type='error'` (RFC 6120 §8.3); a later
    /// [`with_type`](Self::with_type) overrides the type.
    pub fn with_error(mut self, error: StanzaError) -> Self {
        self.head.error = Some(error);
        self.type_ = PresenceType::Error;
        self
    }

    /// The `<presence/>` element.
    pub fn build(self) -> XmlElement {
        let mut el = self.head.open("presence", self.type_.attr_value());
        if let Some(show) = self.show {
            el.push_child(self.head.text_child("show", None, show.name()));
        }
        for (lang, text) in &self.statuses {
            el.push_child(self.head.text_child("status", lang.as_deref(), text));
        }
        if let Some(priority) = self.priority {
            el.push_child(
                self.head
                    .text_child("priority", None, &priority.to_string()),
            );
        }
        self.head.close(&mut el);
        el
    }
}
