//! Serialises outgoing XML. Every text and attribute value goes through the escaper;
//! namespaces are declared where the target stream's context does not already bind them.

use std::borrow::Cow;

use super::escape::{escape_attr, escape_text};
use super::{Element, ElementRef, NodeRef, StreamContext, StreamHeader, XmlElement, XmlNode, ns};

/// Writes elements onto a stream whose depth-1 context (default namespace, prefixes,
/// `xml:lang`) is `ctx`.
///
/// ```
/// use xmpp_core::xml::{StreamContext, Writer, XmlElement};
///
/// let ctx = StreamContext::new("jabber:client");
/// let msg = XmlElement::new("jabber:client", "message")
///     .with_attr("to", "juliet@example.com")
///     .with_child(XmlElement::new("jabber:client", "body").with_text("1 < 2 & 'quotes'"));
/// let mut out = Vec::new();
/// Writer::new(&mut out, &ctx).xml_element(&msg);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "<message to='juliet@example.com'><body>1 &lt; 2 &amp; 'quotes'</body></message>"
/// );
/// ```
#[derive(Debug)]
pub struct Writer<'w> {
    out: &'w mut Vec<u8>,
    ctx: &'w StreamContext,
}

/// In-scope namespace bindings while writing one tree.
struct Scope<'e> {
    /// Default namespace per open element (the first entry is the stream's).
    defaults: Vec<&'e str>,
    /// Prefix bindings; later entries shadow earlier ones.
    prefixes: Vec<(Cow<'e, str>, &'e str)>,
    /// Prefixes counted per open element, to pop them on close.
    marks: Vec<usize>,
    generated: usize,
}

impl<'e> Scope<'e> {
    fn new(ctx: &'e StreamContext) -> Self {
        Scope {
            defaults: vec![ctx.default_ns()],
            prefixes: ctx
                .prefixes()
                .iter()
                .map(|(p, n)| (Cow::Borrowed(p.as_str()), n.as_str()))
                .collect(),
            marks: Vec::new(),
            generated: 0,
        }
    }

    fn default_ns(&self) -> &'e str {
        self.defaults.last().copied().unwrap_or("")
    }

    fn prefix_for(&self, ns: &str) -> Option<&Cow<'e, str>> {
        let (p, _) = self.prefixes.iter().rev().find(|(_, n)| *n == ns)?;
        // Usable only if not shadowed by a later binding of the same prefix.
        let (_, current) = self.prefixes.iter().rev().find(|(q, _)| q == p)?;
        (*current == ns).then_some(p)
    }

    fn fresh_prefix(&mut self) -> Cow<'e, str> {
        loop {
            let p = format!("ns{}", self.generated);
            self.generated += 1;
            if !self.prefixes.iter().any(|(q, _)| *q == p) {
                return Cow::Owned(p);
            }
        }
    }
}

/// What a tree node looks like to the writer, for owned and parsed elements alike.
#[derive(Clone, Copy)]
enum Src<'e> {
    Owned(&'e XmlElement),
    Parsed(ElementRef<'e>),
}

impl<'e> Src<'e> {
    fn ns(self) -> &'e str {
        match self {
            Src::Owned(e) => e.ns(),
            Src::Parsed(e) => e.ns(),
        }
    }

    fn name(self) -> &'e str {
        match self {
            Src::Owned(e) => e.name(),
            Src::Parsed(e) => e.name(),
        }
    }

    fn attrs(self) -> Vec<(&'e str, &'e str, Cow<'e, str>)> {
        match self {
            Src::Owned(e) => e
                .attrs()
                .iter()
                .map(|a| {
                    (
                        a.ns.as_str(),
                        a.name.as_str(),
                        Cow::Borrowed(a.value.as_str()),
                    )
                })
                .collect(),
            Src::Parsed(e) => e.attrs().map(|a| (a.ns(), a.name(), a.value())).collect(),
        }
    }

    fn has_children(self) -> bool {
        match self {
            Src::Owned(e) => !e.nodes().is_empty(),
            Src::Parsed(e) => e.children().next().is_some(),
        }
    }
}

impl<'w> Writer<'w> {
    /// A writer appending to `out` for a stream with context `ctx`.
    pub fn new(out: &'w mut Vec<u8>, ctx: &'w StreamContext) -> Self {
        Writer { out, ctx }
    }

    /// Writes an XML declaration and the stream header's open tag (RFC 6120 §4.7, §11.5).
    pub fn stream_header(out: &mut Vec<u8>, header: &StreamHeader) {
        out.extend_from_slice(b"<?xml version='1.0'?>");
        let prefix = header.prefix.as_deref().unwrap_or("stream");
        out.push(b'<');
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(b":stream");
        let ctx = &header.context;
        attr(out, "xmlns", ctx.default_ns());
        if ctx.prefix_ns(prefix) != Some(ns::STREAM) {
            attr(out, &format!("xmlns:{prefix}"), ns::STREAM);
        }
        for (p, n) in ctx.prefixes() {
            attr(out, &format!("xmlns:{p}"), n);
        }
        for (name, value) in [
            ("from", &header.from),
            ("to", &header.to),
            ("id", &header.id),
        ] {
            if let Some(v) = value {
                attr(out, name, v);
            }
        }
        if let Some(v) = header.version {
            attr(out, "version", &v.to_string());
        }
        if let Some(lang) = ctx.lang() {
            attr(out, "xml:lang", lang);
        }
        out.push(b'>');
    }

    /// Writes the stream's end tag `</stream:stream>` for a header with `prefix`.
    pub fn stream_close(out: &mut Vec<u8>, prefix: Option<&str>) {
        out.extend_from_slice(b"</");
        out.extend_from_slice(prefix.unwrap_or("stream").as_bytes());
        out.extend_from_slice(b":stream>");
    }

    /// Writes an owned element.
    pub fn xml_element(&mut self, el: &XmlElement) {
        let ctx = self.ctx;
        let mut scope = Scope::new(ctx);
        self.write(Src::Owned(el), &mut scope, None);
    }

    /// Writes a received element. When the stream it came from has the same context as the
    /// target, its exact input bytes are copied (zero re-serialisation, the routing fast
    /// path); otherwise it is re-serialised with the namespace declarations and `xml:lang`
    /// it needs to mean the same on the target stream.
    pub fn element(&mut self, el: &Element) {
        if **el.context() == *self.ctx {
            self.out.extend_from_slice(el.bytes());
        } else {
            self.element_ref(el.root());
        }
    }

    /// Re-serialises a received element (or a descendant of one).
    pub fn element_ref(&mut self, el: ElementRef<'_>) {
        let ctx = self.ctx;
        let mut scope = Scope::new(ctx);
        let lang = el.lang();
        let explicit = el.attr_ns(ns::XML, "lang").is_some();
        let needs_lang = !explicit && lang != ctx.lang();
        // `xml:lang=''` states "no language" when the target stream declares one.
        let lang = if needs_lang {
            Some(lang.unwrap_or(""))
        } else {
            None
        };
        self.write(Src::Parsed(el), &mut scope, lang);
    }

    fn write<'e>(&mut self, el: Src<'e>, scope: &mut Scope<'e>, lang: Option<&str>) {
        let out = &mut *self.out;
        let (el_ns, name) = (el.ns(), el.name());
        out.push(b'<');
        let mut declared_default = None;
        let prefix = if el_ns == scope.default_ns() {
            None
        } else if let Some(p) = scope.prefix_for(el_ns).filter(|_| !el_ns.is_empty()) {
            Some(p.clone())
        } else {
            declared_default = Some(el_ns);
            None
        };
        if let Some(p) = &prefix {
            out.extend_from_slice(p.as_bytes());
            out.push(b':');
        }
        out.extend_from_slice(name.as_bytes());
        if let Some(d) = declared_default {
            attr(out, "xmlns", d);
        }
        let mark = scope.prefixes.len();
        for (a_ns, a_name, value) in el.attrs() {
            if a_ns.is_empty() {
                attr(out, a_name, &value);
                continue;
            }
            if a_ns == ns::XML {
                attr_prefixed(out, "xml", a_name, &value);
                continue;
            }
            let p = match scope.prefix_for(a_ns) {
                Some(p) => p.clone(),
                None => {
                    let p = scope.fresh_prefix();
                    attr_prefixed(out, "xmlns", &p, a_ns);
                    scope.prefixes.push((p.clone(), a_ns));
                    p
                }
            };
            attr_prefixed(out, &p, a_name, &value);
        }
        if let Some(lang) = lang {
            attr(out, "xml:lang", lang);
        }
        if !el.has_children() {
            out.extend_from_slice(b"/>");
            scope.prefixes.truncate(mark);
            return;
        }
        out.push(b'>');
        scope
            .defaults
            .push(declared_default.unwrap_or(scope.default_ns()));
        scope.marks.push(mark);
        match el {
            Src::Owned(e) => {
                for child in e.nodes() {
                    match child {
                        XmlNode::Element(c) => self.write(Src::Owned(c), scope, None),
                        XmlNode::Text(t) => escape_text(self.out, t),
                    }
                }
            }
            Src::Parsed(e) => {
                for child in e.children() {
                    match child {
                        NodeRef::Element(c) => self.write(Src::Parsed(c), scope, None),
                        NodeRef::Text(t) => escape_text(self.out, &t.value()),
                    }
                }
            }
        }
        scope.defaults.pop();
        if let Some(m) = scope.marks.pop() {
            scope.prefixes.truncate(m);
        }
        let out = &mut *self.out;
        out.extend_from_slice(b"</");
        if let Some(p) = &prefix {
            out.extend_from_slice(p.as_bytes());
            out.push(b':');
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b'>');
    }
}

fn attr(out: &mut Vec<u8>, name: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"='");
    escape_attr(out, value);
    out.push(b'\'');
}

fn attr_prefixed(out: &mut Vec<u8>, prefix: &str, name: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(prefix.as_bytes());
    out.push(b':');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"='");
    escape_attr(out, value);
    out.push(b'\'');
}
