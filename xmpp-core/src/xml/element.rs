//! Zero-copy views of received elements.
//!
//! An [`Element`] is the exact input bytes of one depth-1 element plus a flat, pre-order
//! table of what the reader found in them (elements, attributes, text), with namespaces and
//! `xml:lang` already resolved. Reading it allocates nothing unless text needs reference
//! resolution.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

use super::escape;
use super::header::StreamContext;
use super::ns;
use super::owned::XmlElement;

/// A byte range of the element's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub(crate) fn new(start: usize, len: usize) -> Span {
        // The reader caps element size at `u32::MAX` (Limits::stanza_bytes).
        Span {
            start: start as u32,
            len: len as u32,
        }
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// Where a resolved string (namespace name or `xml:lang`) lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StrRef {
    /// No value: no namespace, or no `xml:lang`.
    None,
    /// The stream context's default namespace (or its `xml:lang`, for languages).
    CtxDefault,
    /// The stream context's n-th prefixed binding.
    CtxPrefix(u16),
    /// `http://www.w3.org/XML/1998/namespace`.
    Xml,
    /// Literally in the input, needing no resolution.
    Input(Span),
    /// Resolved into [`Element::owned`] at this index (values with references; rare).
    Owned(u32),
}

/// How a text node's input maps to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKind {
    /// The input is the value.
    Plain,
    /// References or CR to resolve.
    Escaped,
    /// A CDATA section's content; `true` if it has CR to normalise.
    Cdata(bool),
}

/// One entry of the pre-order table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node {
    Element {
        /// The qualified name as written.
        qname: Span,
        /// Bytes of the prefix (0: unprefixed).
        prefix_len: u16,
        ns: StrRef,
        lang: StrRef,
        /// Attribute entries that follow this one.
        attrs: u32,
        /// Index one past this element's last descendant.
        end: u32,
        /// Byte offset one past this element's end tag (or `/>`).
        byte_end: u32,
    },
    Attr {
        qname: Span,
        prefix_len: u16,
        ns: StrRef,
        value: Span,
        escaped: bool,
    },
    Text {
        text: Span,
        kind: TextKind,
    },
}

/// A received depth-1 element (stanza or nonza): its exact input bytes and a parsed view.
///
/// Cheap to clone (reference-counted bytes and context). [`root`](Self::root) gives the view.
#[derive(Clone, PartialEq, Eq)]
pub struct Element {
    bytes: Bytes,
    nodes: Box<[Node]>,
    owned: Box<[Box<str>]>,
    ctx: Arc<StreamContext>,
}

impl Element {
    pub(crate) fn new(
        bytes: Bytes,
        nodes: Box<[Node]>,
        owned: Box<[Box<str>]>,
        ctx: Arc<StreamContext>,
    ) -> Self {
        debug_assert!(std::str::from_utf8(&bytes).is_ok());
        debug_assert!(matches!(nodes.first(), Some(Node::Element { .. })));
        Element {
            bytes,
            nodes,
            owned,
            ctx,
        }
    }

    /// This element with an unprefixed attribute `name='value'` inserted right after the
    /// root's name, as if it had been received so: the server role's `from` stamping
    /// (RFC 6120 §8.1.2.1) without parsing the stanza again. The caller makes sure the root
    /// has no such attribute and that `name` is a valid unprefixed name.
    pub(crate) fn with_leading_attr(&self, name: &str, value: &str) -> Element {
        let Node::Element { qname, .. } = self.nodes[0] else {
            unreachable!("an element's first node is its root");
        };
        let at = (qname.start + qname.len) as usize;
        let mut inserted = Vec::with_capacity(name.len() + value.len() + 4);
        inserted.push(b' ');
        inserted.extend_from_slice(name.as_bytes());
        inserted.extend_from_slice(b"='");
        escape::escape_attr(&mut inserted, value);
        inserted.push(b'\'');
        let n = inserted.len() as u32;
        let mut bytes = Vec::with_capacity(self.bytes.len() + inserted.len());
        bytes.extend_from_slice(&self.bytes[..at]);
        bytes.extend_from_slice(&inserted);
        bytes.extend_from_slice(&self.bytes[at..]);

        let shift = |span: Span| {
            if span.start as usize >= at {
                Span {
                    start: span.start + n,
                    len: span.len,
                }
            } else {
                span
            }
        };
        let shift_ref = |r: StrRef| match r {
            StrRef::Input(span) => StrRef::Input(shift(span)),
            other => other,
        };
        let mut nodes = Vec::with_capacity(self.nodes.len() + 1);
        for (i, node) in self.nodes.iter().enumerate() {
            nodes.push(match *node {
                Node::Element {
                    qname,
                    prefix_len,
                    ns,
                    lang,
                    attrs,
                    end,
                    byte_end,
                } => Node::Element {
                    qname: shift(qname),
                    prefix_len,
                    ns: shift_ref(ns),
                    lang: shift_ref(lang),
                    attrs: attrs + u32::from(i == 0),
                    end: end + 1,
                    byte_end: byte_end + n,
                },
                Node::Attr {
                    qname,
                    prefix_len,
                    ns,
                    value,
                    escaped,
                } => Node::Attr {
                    qname: shift(qname),
                    prefix_len,
                    ns: shift_ref(ns),
                    value: shift(value),
                    escaped,
                },
                Node::Text { text, kind } => Node::Text {
                    text: shift(text),
                    kind,
                },
            });
            if i == 0 {
                let value_len = inserted.len() - name.len() - 4;
                nodes.push(Node::Attr {
                    qname: Span::new(at + 1, name.len()),
                    prefix_len: 0,
                    ns: StrRef::None,
                    value: Span::new(at + 1 + name.len() + 2, value_len),
                    escaped: inserted.contains(&b'&'),
                });
            }
        }
        Element {
            bytes: Bytes::from(bytes),
            nodes: nodes.into_boxed_slice(),
            owned: self.owned.clone(),
            ctx: Arc::clone(&self.ctx),
        }
    }

    /// The exact bytes this element was received as (zero-copy).
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The input as text (it was validated as UTF-8 while parsing).
    pub fn as_str(&self) -> &str {
        self.str_at(Span::new(0, self.bytes.len()))
    }

    /// The stream context (default namespace, prefixes, `xml:lang`) it was parsed in.
    pub fn context(&self) -> &Arc<StreamContext> {
        &self.ctx
    }

    /// The view of the element itself.
    pub fn root(&self) -> ElementRef<'_> {
        ElementRef { el: self, idx: 0 }
    }

    /// Shorthand for `root().name()`.
    pub fn name(&self) -> &str {
        self.root().name()
    }

    /// Shorthand for `root().ns()`.
    pub fn ns(&self) -> &str {
        self.root().ns()
    }

    /// Shorthand for `root().attr(name)`.
    pub fn attr(&self, name: &str) -> Option<Cow<'_, str>> {
        self.root().attr(name)
    }

    fn str_at(&self, span: Span) -> &str {
        span_str(&self.bytes, span)
    }

    fn resolve_ref(&self, r: StrRef, for_lang: bool) -> Option<&str> {
        match r {
            StrRef::None => None,
            StrRef::CtxDefault if for_lang => self.ctx.lang(),
            StrRef::CtxDefault => Some(self.ctx.default_ns()),
            StrRef::CtxPrefix(i) => self.ctx.prefixes().get(i as usize).map(|(_, n)| n.as_str()),
            StrRef::Xml => Some(ns::XML),
            StrRef::Input(s) => Some(self.str_at(s)),
            StrRef::Owned(i) => self.owned.get(i as usize).map(|s| &**s),
        }
    }
}

/// Every span was produced by the reader over bytes it validated as UTF-8 with
/// `str::from_utf8`, and starts and ends at ASCII delimiters or at token boundaries that
/// `xmlparser` reported on that `&str`, so the slice is valid UTF-8 on char boundaries.
#[allow(unsafe_code)]
fn span_str(bytes: &Bytes, span: Span) -> &str {
    let b = &bytes[span.range()];
    debug_assert!(std::str::from_utf8(b).is_ok());
    // SAFETY: see the function's doc: `Element` is only built by the reader from validated
    // UTF-8, and its fields are private and immutable.
    unsafe { std::str::from_utf8_unchecked(b) }
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Element")
            .field("xml", &self.as_str())
            .field("context", &self.ctx)
            .finish()
    }
}

/// A borrowed view of one element inside an [`Element`].
#[derive(Clone, Copy)]
pub struct ElementRef<'a> {
    el: &'a Element,
    idx: u32,
}

impl<'a> ElementRef<'a> {
    fn node(&self) -> (Span, u16, StrRef, StrRef, u32, u32) {
        match self.el.nodes[self.idx as usize] {
            Node::Element {
                qname,
                prefix_len,
                ns,
                lang,
                attrs,
                end,
                ..
            } => (qname, prefix_len, ns, lang, attrs, end),
            // An ElementRef is only created for element entries.
            _ => unreachable!("ElementRef points at a non-element node"),
        }
    }

    /// The local name.
    pub fn name(&self) -> &'a str {
        let (qname, prefix_len, ..) = self.node();
        local_part(self.el.str_at(qname), prefix_len)
    }

    /// The prefix as written, if any (prefixes carry no meaning; prefer [`ns`](Self::ns)).
    pub fn prefix(&self) -> Option<&'a str> {
        let (qname, prefix_len, ..) = self.node();
        (prefix_len > 0).then(|| &self.el.str_at(qname)[..prefix_len as usize])
    }

    /// The namespace name (`""` if the element is in no namespace).
    pub fn ns(&self) -> &'a str {
        let (_, _, ns, ..) = self.node();
        self.el.resolve_ref(ns, false).unwrap_or("")
    }

    /// Whether this element has local name `name` in namespace `ns`.
    pub fn is(&self, name: &str, ns: &str) -> bool {
        self.name() == name && self.ns() == ns
    }

    /// The `xml:lang` in effect for this element: its own, an ancestor's, or the stream's
    /// (RFC 6120 §8.1.5).
    pub fn lang(&self) -> Option<&'a str> {
        let (_, _, _, lang, ..) = self.node();
        self.el.resolve_ref(lang, true)
    }

    /// The attributes, in input order (namespace declarations excluded).
    pub fn attrs(&self) -> impl Iterator<Item = Attribute<'a>> + use<'a> {
        let (_, _, _, _, attrs, _) = self.node();
        let el = self.el;
        let start = self.idx as usize + 1;
        (start..start + attrs as usize).map(move |i| Attribute { el, idx: i as u32 })
    }

    /// The value of the unqualified attribute `name`, references resolved.
    pub fn attr(&self, name: &str) -> Option<Cow<'a, str>> {
        self.attr_ns("", name)
    }

    /// The value of attribute `name` in namespace `ns` (`""` for unqualified).
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<Cow<'a, str>> {
        self.attrs()
            .find(|a| a.name() == name && a.ns() == ns)
            .map(|a| a.value())
    }

    /// The children (elements and text), in order.
    pub fn children(&self) -> Children<'a> {
        let (_, _, _, _, attrs, end) = self.node();
        Children {
            el: self.el,
            next: self.idx + 1 + attrs,
            end,
        }
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'a>> + use<'a> {
        self.children().filter_map(|c| match c {
            NodeRef::Element(e) => Some(e),
            NodeRef::Text(_) => None,
        })
    }

    /// The first child element with local name `name` in namespace `ns`.
    pub fn element(&self, name: &str, ns: &str) -> Option<ElementRef<'a>> {
        self.elements().find(|e| e.is(name, ns))
    }

    /// The concatenated direct character data, references resolved.
    pub fn text(&self) -> Cow<'a, str> {
        let mut texts = self.children().filter_map(|c| match c {
            NodeRef::Text(t) => Some(t),
            NodeRef::Element(_) => None,
        });
        let Some(first) = texts.next() else {
            return Cow::Borrowed("");
        };
        let mut acc = first.value();
        for t in texts {
            acc.to_mut().push_str(&t.value());
        }
        acc
    }

    /// The input bytes of this element, from its start tag through its end tag.
    pub fn as_str(&self) -> &'a str {
        let (qname, ..) = self.node();
        let Node::Element { byte_end, .. } = self.el.nodes[self.idx as usize] else {
            unreachable!("ElementRef points at a non-element node")
        };
        // The start tag's '<' directly precedes the qualified name.
        let start = qname.start as usize - 1;
        self.el.str_at(Span::new(start, byte_end as usize - start))
    }

    /// An owned copy of this element and its subtree, all values resolved.
    pub fn to_owned(&self) -> XmlElement {
        let mut out = XmlElement::new(self.ns(), self.name());
        for a in self.attrs() {
            out.set_attr_ns(a.ns(), a.name(), a.value().into_owned());
        }
        for c in self.children() {
            match c {
                NodeRef::Element(e) => out.push_child(e.to_owned()),
                NodeRef::Text(t) => out.push_text(t.value().into_owned()),
            }
        }
        out
    }

    /// The whole received element this view belongs to.
    pub fn document(&self) -> &'a Element {
        self.el
    }
}

impl fmt::Debug for ElementRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElementRef")
            .field("ns", &self.ns())
            .field("name", &self.name())
            .finish()
    }
}

fn local_part(qname: &str, prefix_len: u16) -> &str {
    if prefix_len == 0 {
        qname
    } else {
        &qname[prefix_len as usize + 1..]
    }
}

/// An attribute of an [`ElementRef`].
#[derive(Clone, Copy)]
pub struct Attribute<'a> {
    el: &'a Element,
    idx: u32,
}

impl<'a> Attribute<'a> {
    fn node(&self) -> (Span, u16, StrRef, Span, bool) {
        match self.el.nodes[self.idx as usize] {
            Node::Attr {
                qname,
                prefix_len,
                ns,
                value,
                escaped,
            } => (qname, prefix_len, ns, value, escaped),
            _ => unreachable!("Attribute points at a non-attribute node"),
        }
    }

    /// The local name.
    pub fn name(&self) -> &'a str {
        let (qname, prefix_len, ..) = self.node();
        local_part(self.el.str_at(qname), prefix_len)
    }

    /// The namespace name (`""` for an unqualified attribute).
    pub fn ns(&self) -> &'a str {
        let (_, _, ns, ..) = self.node();
        self.el.resolve_ref(ns, false).unwrap_or("")
    }

    /// The value with references resolved and attribute-value normalisation applied.
    pub fn value(&self) -> Cow<'a, str> {
        let (.., value, escaped) = self.node();
        escape::resolve(self.el.str_at(value), true, escaped)
    }

    /// The value exactly as written between the quotes.
    pub fn raw_value(&self) -> &'a str {
        let (.., value, _) = self.node();
        self.el.str_at(value)
    }
}

impl fmt::Debug for Attribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}{}={:?}", self.ns(), self.name(), self.value())
    }
}

/// A text child of an [`ElementRef`] (character data or a CDATA section).
#[derive(Clone, Copy)]
pub struct TextRef<'a> {
    el: &'a Element,
    text: Span,
    kind: TextKind,
}

impl<'a> TextRef<'a> {
    /// The character data with references resolved and line ends normalised.
    pub fn value(&self) -> Cow<'a, str> {
        let raw = self.el.str_at(self.text);
        match self.kind {
            TextKind::Plain => Cow::Borrowed(raw),
            TextKind::Escaped => escape::resolve(raw, false, true),
            TextKind::Cdata(false) => Cow::Borrowed(raw),
            TextKind::Cdata(true) => Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n")),
        }
    }

    /// The input as written (without the CDATA markers for a CDATA section).
    pub fn raw(&self) -> &'a str {
        self.el.str_at(self.text)
    }
}

impl fmt::Debug for TextRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.value())
    }
}

/// A child of an element.
#[derive(Debug, Clone, Copy)]
pub enum NodeRef<'a> {
    /// A child element.
    Element(ElementRef<'a>),
    /// Character data.
    Text(TextRef<'a>),
}

/// Iterator over an element's children; see [`ElementRef::children`].
#[derive(Clone)]
pub struct Children<'a> {
    el: &'a Element,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = NodeRef<'a>;

    fn next(&mut self) -> Option<NodeRef<'a>> {
        if self.next >= self.end {
            return None;
        }
        let idx = self.next;
        match self.el.nodes[idx as usize] {
            Node::Element { end, .. } => {
                self.next = end;
                Some(NodeRef::Element(ElementRef { el: self.el, idx }))
            }
            Node::Text { text, kind } => {
                self.next += 1;
                Some(NodeRef::Text(TextRef {
                    el: self.el,
                    text,
                    kind,
                }))
            }
            // Attributes directly follow their element and are skipped by `children()`.
            Node::Attr { .. } => unreachable!("attribute entry among children"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Attribute, ElementRef};
    use crate::test_util::parse;

    /// Iterators over attributes and child elements borrow the received element, not the
    /// (`Copy`) view they were called on, so a function taking a view by value can return
    /// them (edition 2024 would otherwise capture the `&self` borrow).
    #[test]
    fn iterators_borrow_the_element_not_the_view() {
        fn children(el: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
            el.elements()
        }
        fn attributes(el: ElementRef<'_>) -> impl Iterator<Item = Attribute<'_>> {
            el.attrs()
        }
        let el = parse("<message to='a' id='b'><body>x</body><thread>t</thread></message>");
        let names: Vec<_> = children(el.root()).map(|c| c.name()).collect();
        assert_eq!(names, ["body", "thread"]);
        let attrs: Vec<_> = attributes(el.root()).map(|a| a.name()).collect();
        assert_eq!(attrs, ["to", "id"]);
    }
}
