//! What the three stanza kinds share: the common attributes (RFC 6120 §8.1), the error
//! child (§8.3), language-tagged text children (RFC 6121 §4.7.2.2, §5.2.3, §5.2.4), and the
//! attribute and payload part of the builders.

use std::borrow::Cow;

use crate::error::{ErrorParseError, StanzaError};
use crate::xml::{ElementRef, XmlElement, ns};

/// Implements the common accessors for a view type with an `element()` method.
macro_rules! common_accessors {
    ($ty:ident) => {
        impl<'a> $ty<'a> {
            /// The `from` attribute (RFC 6120 §8.1.2), not validated as a JID; `None` when
            /// absent, which on a client stream means "from the user's account" (§8.1.2.1).
            pub fn from(&self) -> Option<std::borrow::Cow<'a, str>> {
                self.element().attr("from")
            }

            /// The `to` attribute (RFC 6120 §8.1.1), not validated as a JID.
            pub fn to(&self) -> Option<std::borrow::Cow<'a, str>> {
                self.element().attr("to")
            }

            /// The `id` attribute (RFC 6120 §8.1.3).
            pub fn id(&self) -> Option<std::borrow::Cow<'a, str>> {
                self.element().attr("id")
            }

            /// The effective `xml:lang`: the stanza's own, else the stream's (RFC 6120 §8.1.5).
            pub fn lang(&self) -> Option<&'a str> {
                self.element().lang()
            }

            /// The stanza error (RFC 6120 §8.3): `None` unless the stanza has
            /// `type='error'`; then the parsed `<error/>` child, or why it could not be read
            /// (including [`MissingErrorElement`] when there is none).
            ///
            /// [`MissingErrorElement`]: crate::error::ErrorParseError::MissingErrorElement
            pub fn error(
                &self,
            ) -> Option<Result<crate::error::StanzaError, crate::error::ErrorParseError>> {
                $crate::stanza::common::stanza_error(self.element())
            }
        }
    };
}

pub(crate) use common_accessors;

/// Whether `el` is a stanza named `name` in a content namespace.
pub(crate) fn is_stanza(el: ElementRef<'_>, name: &str) -> bool {
    el.name() == name && ns::is_content(el.ns())
}

/// See the `error()` accessor.
pub(crate) fn stanza_error(el: ElementRef<'_>) -> Option<Result<StanzaError, ErrorParseError>> {
    if el.attr("type").as_deref() != Some("error") {
        return None;
    }
    Some(match el.element("error", el.ns()) {
        Some(e) => StanzaError::from_element(e),
        None => Err(ErrorParseError::MissingErrorElement),
    })
}

/// The children `name` in the stanza's namespace, each with its effective `xml:lang` and
/// its text (verbatim).
pub(crate) fn lang_texts<'a>(
    el: ElementRef<'a>,
    name: &'static str,
) -> impl Iterator<Item = (Option<&'a str>, Cow<'a, str>)> + 'a {
    let stanza_ns = el.ns();
    el.elements()
        .filter(move |c| c.is(name, stanza_ns))
        .map(|c| (c.lang(), c.text()))
}

/// The text of the child `name` whose effective `xml:lang` is the stanza's (which includes
/// a child without `xml:lang`), else of the first child `name`.
pub(crate) fn pick_lang<'a>(el: ElementRef<'a>, name: &'static str) -> Option<Cow<'a, str>> {
    let want = el.lang();
    let stanza_ns = el.ns();
    let mut candidates = el.elements().filter(|c| c.is(name, stanza_ns));
    let first = candidates.next()?;
    let chosen = std::iter::once(first)
        .chain(candidates)
        .find(|c| same_lang(c.lang(), want))
        .unwrap_or(first);
    Some(chosen.text())
}

/// Language tags compare case-insensitively (RFC 5646 §2.1.1).
fn same_lang(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

/// The first child `name` in the stanza's namespace.
pub(crate) fn child<'a>(el: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    el.element(name, el.ns())
}

/// The attributes, extension payloads and error every builder has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub ns: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub id: Option<String>,
    pub lang: Option<String>,
    pub payloads: Vec<XmlElement>,
    pub error: Option<StanzaError>,
}

impl Default for Head {
    fn default() -> Self {
        Head {
            ns: ns::JABBER_CLIENT.to_owned(),
            from: None,
            to: None,
            id: None,
            lang: None,
            payloads: Vec::new(),
            error: None,
        }
    }
}

impl Head {
    /// The stanza element `name` with its attributes.
    pub(crate) fn open(&self, name: &str, type_: Option<&str>) -> XmlElement {
        let mut el = XmlElement::new(self.ns.as_str(), name);
        for (attr, value) in [
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
            ("id", self.id.as_deref()),
            ("type", type_),
        ] {
            if let Some(v) = value {
                el.set_attr(attr, v);
            }
        }
        if let Some(lang) = &self.lang {
            el.set_attr_ns(ns::XML, "lang", lang.as_str());
        }
        el
    }

    /// A child `name` in the content namespace with `text` and an optional `xml:lang`.
    pub(crate) fn text_child(&self, name: &str, lang: Option<&str>, text: &str) -> XmlElement {
        let mut el = XmlElement::new(self.ns.as_str(), name);
        if let Some(lang) = lang {
            el.set_attr_ns(ns::XML, "lang", lang);
        }
        el.push_text(text);
        el
    }

    /// Appends the payloads, then the error.
    pub(crate) fn close(self, el: &mut XmlElement) {
        let error = self.error.map(|e| e.to_element(&self.ns));
        for p in self.payloads {
            el.push_child(p);
        }
        if let Some(e) = error {
            el.push_child(e);
        }
    }
}

/// The builder methods backed by [`Head`], for a builder with a `head` field.
macro_rules! head_setters {
    () => {
        /// Sets the content namespace (default `jabber:client`; `jabber:server` on
        /// server-to-server streams, RFC 6120 §4.8.3).
        pub fn with_content_ns(mut self, ns: impl Into<String>) -> Self {
            self.head.ns = ns.into();
            self
        }

        /// Sets `from` (RFC 6120 §8.1.2).
        pub fn with_from(mut self, from: impl Into<String>) -> Self {
            self.head.from = Some(from.into());
            self
        }

        /// Sets `to` (RFC 6120 §8.1.1).
        pub fn with_to(mut self, to: impl Into<String>) -> Self {
            self.head.to = Some(to.into());
            self
        }

        /// Sets `id` (RFC 6120 §8.1.3).
        pub fn with_id(mut self, id: impl Into<String>) -> Self {
            self.head.id = Some(id.into());
            self
        }

        /// Sets the stanza's `xml:lang` (RFC 6120 §8.1.5).
        pub fn with_lang(mut self, lang: impl Into<String>) -> Self {
            self.head.lang = Some(lang.into());
            self
        }

        /// Appends an extension element (RFC 6120 §8.4), written after the kind's own
        /// children, in the order added.
        pub fn with_payload(mut self, payload: $crate::xml::XmlElement) -> Self {
            self.head.payloads.push(payload);
            self
        }
    };
}

pub(crate) use head_setters;
