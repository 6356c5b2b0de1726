//! Builds the flat node table of one depth-1 element from complete tokens, enforcing
//! well-formedness (tag matching, duplicate attributes), Namespaces in XML (bound prefixes,
//! reserved prefixes) and the depth, attribute and name limits.

use std::sync::Arc;

use bytes::Bytes;
use xmlparser::{ElementEnd, StrSpan, Token as XmlToken, Tokenizer};

use super::{Input, not_well_formed};
use crate::error::{StreamError, StreamErrorCondition as Cond};
use crate::xml::element::{Element, Node, Span, StrRef, TextKind};
use crate::xml::escape::{self, RefError};
use crate::xml::header::StreamContext;
use crate::xml::{Limits, ns};

/// An element whose end tag has not been seen.
#[derive(Debug, Clone, Copy)]
struct Open {
    qname: Span,
    node: u32,
    bindings: u32,
    lang: StrRef,
}

/// A namespace declaration in the current depth-1 element; an empty prefix span is the
/// default namespace.
#[derive(Debug, Clone, Copy)]
struct Binding {
    prefix: Span,
    ns: StrRef,
}

/// An attribute of the tag being parsed, before prefixes are resolved.
#[derive(Debug, Clone, Copy)]
struct Pending {
    qname: Span,
    prefix_len: u16,
    value: Span,
    escaped: bool,
    /// A namespace declaration (kept only for the duplicate check).
    decl: bool,
}

/// What a start or end tag did to the depth-1 element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Progress {
    /// The element is still open.
    Open,
    /// The depth-1 element is complete: its bytes end at this offset.
    Complete(usize),
}

/// Scratch state for the depth-1 element being parsed; reused across elements.
#[derive(Debug, Default)]
pub(crate) struct TreeBuilder {
    nodes: Vec<Node>,
    open: Vec<Open>,
    bindings: Vec<Binding>,
    pending: Vec<Pending>,
    owned: Vec<Box<str>>,
}

/// Idle scratch capacity above which buffers are released (keeps an idle reader small).
const IDLE_NODES: usize = 32;

impl TreeBuilder {
    /// Element depth inside the current depth-1 element (0 between elements).
    pub(crate) fn depth(&self) -> usize {
        self.open.len()
    }

    /// Forgets everything (stream restart or error).
    pub(crate) fn reset(&mut self) {
        self.nodes.clear();
        self.open.clear();
        self.bindings.clear();
        self.pending.clear();
        self.owned.clear();
    }

    /// Releases scratch memory grown by a large element.
    pub(crate) fn shrink_idle(&mut self) {
        if self.nodes.capacity() > IDLE_NODES {
            self.nodes = Vec::new();
        }
        if self.open.capacity() > IDLE_NODES {
            self.open = Vec::new();
        }
        if self.bindings.capacity() > IDLE_NODES {
            self.bindings = Vec::new();
        }
        if self.pending.capacity() > IDLE_NODES {
            self.pending = Vec::new();
        }
        self.owned = Vec::new();
    }

    /// Takes the completed depth-1 element.
    pub(crate) fn finish(&mut self, bytes: Bytes, ctx: &Arc<StreamContext>) -> Element {
        let nodes: Box<[Node]> = self.nodes.as_slice().into();
        self.nodes.clear();
        let owned = std::mem::take(&mut self.owned).into_boxed_slice();
        Element::new(bytes, nodes, owned, Arc::clone(ctx))
    }

    /// A start tag at `buf[start..end]`.
    pub(crate) fn start_tag(
        &mut self,
        input: Input<'_>,
        start: usize,
        end: usize,
        limits: &Limits,
        ctx: &StreamContext,
    ) -> Result<Progress, StreamError> {
        let buf = input.bytes;
        let text = input.str(start, end)?;
        let mut tokens = Tokenizer::from_fragment(text, 0..text.len());
        let (qname, prefix_len) = match tokens.next() {
            Some(Ok(XmlToken::ElementStart {
                prefix,
                local,
                span,
            })) => qualified_name(prefix, local, span.start() + 1, start, limits)?,
            Some(Err(e)) => return Err(not_well_formed(format!("malformed start tag: {e}"))),
            _ => return Err(not_well_formed("malformed start tag")),
        };
        let mark = self.bindings.len();
        self.pending.clear();
        let empty = loop {
            match tokens.next() {
                Some(Ok(XmlToken::Attribute {
                    prefix,
                    local,
                    value,
                    span,
                })) => {
                    if self.pending.len() >= limits.max_attributes {
                        return Err(StreamError::of(
                            Cond::PolicyViolation,
                            format!(
                                "more than {} attributes on one element",
                                limits.max_attributes
                            ),
                        ));
                    }
                    let (aq, apl) = qualified_name(prefix, local, span.start(), start, limits)?;
                    let value_span = Span::new(start + value.start(), value.len());
                    let escaped = check_refs(value.as_str(), true)?;
                    let decl = prefix.as_str() == "xmlns"
                        || (prefix.is_empty() && local.as_str() == "xmlns");
                    if decl {
                        self.declare(buf, prefix, local, start, value_span, escaped)?;
                    }
                    self.pending.push(Pending {
                        qname: aq,
                        prefix_len: apl,
                        value: value_span,
                        escaped,
                        decl,
                    });
                }
                Some(Ok(XmlToken::ElementEnd {
                    end: ElementEnd::Open,
                    ..
                })) => break false,
                Some(Ok(XmlToken::ElementEnd {
                    end: ElementEnd::Empty,
                    ..
                })) => break true,
                Some(Err(e)) => return Err(not_well_formed(format!("malformed start tag: {e}"))),
                _ => return Err(not_well_formed("malformed start tag")),
            }
        };
        if tokens.next().is_some() {
            return Err(not_well_formed("malformed start tag"));
        }
        self.check_duplicates(buf)?;

        if self.open.len() >= limits.max_depth {
            return Err(StreamError::of(
                Cond::PolicyViolation,
                format!("elements nested deeper than {}", limits.max_depth),
            ));
        }
        let prefix = &buf[qname.start as usize..qname.start as usize + prefix_len as usize];
        if prefix == b"xmlns" {
            return Err(not_well_formed(
                "the xmlns prefix cannot qualify an element",
            ));
        }
        let el_ns = self.lookup(buf, prefix, ctx)?;
        if prefix_len > 0 && self.is_content_ns(buf, el_ns, ctx) {
            // RFC 6120 §4.8.5: no prefixes for jabber:client / jabber:server elements.
            return Err(StreamError::of(
                Cond::BadNamespacePrefix,
                "elements of the content namespace must not be prefixed",
            ));
        }
        let mut lang = self.open.last().map_or(StrRef::CtxDefault, |o| o.lang);
        let node = self.nodes.len() as u32;
        self.nodes.push(Node::Element {
            qname,
            prefix_len,
            ns: el_ns,
            lang,
            attrs: 0,
            end: 0,
            byte_end: 0,
        });
        let mut attrs = 0;
        for i in 0..self.pending.len() {
            let p = self.pending[i];
            if p.decl {
                continue;
            }
            let prefix =
                &buf[p.qname.start as usize..p.qname.start as usize + p.prefix_len as usize];
            let attr_ns = if p.prefix_len == 0 {
                StrRef::None
            } else {
                self.lookup(buf, prefix, ctx)?
            };
            if attr_ns == StrRef::Xml
                && &buf[p.qname.start as usize..][..p.qname.len as usize] == b"xml:lang"
            {
                lang = self.value_ref(buf, p.value, p.escaped);
            }
            self.nodes.push(Node::Attr {
                qname: p.qname,
                prefix_len: p.prefix_len,
                ns: attr_ns,
                value: p.value,
                escaped: p.escaped,
            });
            attrs += 1;
        }
        self.check_expanded_duplicates(buf, node as usize + 1)?;
        if let Some(Node::Element {
            attrs: a, lang: l, ..
        }) = self.nodes.get_mut(node as usize)
        {
            *a = attrs;
            *l = lang;
        }
        let open = Open {
            qname,
            node,
            bindings: mark as u32,
            lang,
        };
        if empty {
            self.close(open, end);
            self.bindings.truncate(mark);
            Ok(if self.open.is_empty() {
                Progress::Complete(end)
            } else {
                Progress::Open
            })
        } else {
            self.open.push(open);
            Ok(Progress::Open)
        }
    }

    /// An end tag at `buf[start..end]`; there is an open element.
    pub(crate) fn end_tag(
        &mut self,
        input: Input<'_>,
        start: usize,
        end: usize,
    ) -> Result<Progress, StreamError> {
        let buf = input.bytes;
        let qname = end_tag_name(input, start, end)?;
        let open = match self.open.last() {
            Some(o) => *o,
            None => return Err(not_well_formed("end tag without a start tag")),
        };
        let expected = &buf[open.qname.start as usize..][..open.qname.len as usize];
        if qname != expected {
            return Err(not_well_formed(format!(
                "end tag </{}> does not match <{}>",
                String::from_utf8_lossy(qname),
                String::from_utf8_lossy(expected)
            )));
        }
        self.open.pop();
        self.close(open, end);
        self.bindings.truncate(open.bindings as usize);
        Ok(if self.open.is_empty() {
            Progress::Complete(end)
        } else {
            Progress::Open
        })
    }

    /// Character data at `buf[start..end]` inside an element: valid UTF-8, XML characters
    /// only, no `]]>`, valid references, all in one pass over the bytes.
    pub(crate) fn text(
        &mut self,
        input: Input<'_>,
        start: usize,
        end: usize,
    ) -> Result<(), StreamError> {
        let raw = input.str(start, end)?.as_bytes();
        let kind = match escape::check_text(raw) {
            Ok(true) => TextKind::Escaped,
            Ok(false) => TextKind::Plain,
            Err(e) => return Err(ref_error(e)),
        };
        self.nodes.push(Node::Text {
            text: Span::new(start, end - start),
            kind,
        });
        Ok(())
    }

    /// A CDATA section at `buf[start..end]` inside an element.
    pub(crate) fn cdata(
        &mut self,
        input: Input<'_>,
        start: usize,
        end: usize,
    ) -> Result<(), StreamError> {
        let text = input.str(start, end)?;
        match Tokenizer::from_fragment(text, 0..text.len()).next() {
            Some(Ok(XmlToken::Cdata { text: content, .. })) => {
                if !content.is_empty() {
                    let kind = TextKind::Cdata(memchr::memchr(b'\r', content.as_bytes()).is_some());
                    self.nodes.push(Node::Text {
                        text: Span::new(start + content.start(), content.len()),
                        kind,
                    });
                }
                Ok(())
            }
            Some(Err(e)) => Err(not_well_formed(format!("invalid CDATA section: {e}"))),
            _ => Err(not_well_formed("invalid CDATA section")),
        }
    }

    fn close(&mut self, open: Open, byte_end: usize) {
        let end_idx = self.nodes.len() as u32;
        if let Some(Node::Element {
            end, byte_end: be, ..
        }) = self.nodes.get_mut(open.node as usize)
        {
            *end = end_idx;
            *be = byte_end as u32;
        }
    }

    /// Records `xmlns[:prefix]='value'` (Namespaces in XML §3, §4).
    fn declare(
        &mut self,
        buf: &[u8],
        prefix: StrSpan<'_>,
        local: StrSpan<'_>,
        start: usize,
        value: Span,
        escaped: bool,
    ) -> Result<(), StreamError> {
        let ns_ref = self.value_ref(buf, value, escaped);
        let uri = self.ref_str(buf, ns_ref);
        if uri == ns::XMLNS {
            return Err(not_well_formed("the xmlns namespace cannot be declared"));
        }
        if prefix.is_empty() {
            if uri == ns::XML {
                return Err(not_well_formed(
                    "the xml namespace cannot be the default namespace",
                ));
            }
            let ns_ref = if uri.is_empty() { StrRef::None } else { ns_ref };
            self.bindings.push(Binding {
                prefix: Span::new(start + local.start(), 0),
                ns: ns_ref,
            });
            return Ok(());
        }
        match local.as_str() {
            "xmlns" => return Err(not_well_formed("the xmlns prefix cannot be declared")),
            "xml" if uri != ns::XML => {
                return Err(not_well_formed("the xml prefix cannot be rebound"));
            }
            "xml" => return Ok(()),
            _ if uri == ns::XML => {
                return Err(not_well_formed(
                    "only the xml prefix may name the xml namespace",
                ));
            }
            _ if uri.is_empty() => {
                return Err(not_well_formed("a prefix cannot be undeclared in XML 1.0"));
            }
            _ => {}
        }
        self.bindings.push(Binding {
            prefix: Span::new(start + local.start(), local.len()),
            ns: ns_ref,
        });
        Ok(())
    }

    /// A reference to an attribute value, resolved into `owned` if it has references.
    fn value_ref(&mut self, buf: &[u8], value: Span, escaped: bool) -> StrRef {
        if !escaped {
            return StrRef::Input(value);
        }
        let raw = std::str::from_utf8(&buf[value.start as usize..][..value.len as usize])
            .unwrap_or_default();
        self.owned.push(escape::resolve(raw, true, true).into());
        StrRef::Owned(self.owned.len() as u32 - 1)
    }

    fn ref_str<'b>(&'b self, buf: &'b [u8], r: StrRef) -> &'b str {
        match r {
            StrRef::Input(s) => {
                std::str::from_utf8(&buf[s.start as usize..][..s.len as usize]).unwrap_or_default()
            }
            StrRef::Owned(i) => self.owned.get(i as usize).map_or("", |s| s),
            _ => "",
        }
    }

    /// The namespace bound to `prefix` (empty: the default namespace).
    fn lookup(
        &self,
        buf: &[u8],
        prefix: &[u8],
        ctx: &StreamContext,
    ) -> Result<StrRef, StreamError> {
        if prefix == b"xml" {
            return Ok(StrRef::Xml);
        }
        for b in self.bindings.iter().rev() {
            if &buf[b.prefix.start as usize..][..b.prefix.len as usize] == prefix {
                return Ok(b.ns);
            }
        }
        if prefix.is_empty() {
            return Ok(if ctx.default_ns().is_empty() {
                StrRef::None
            } else {
                StrRef::CtxDefault
            });
        }
        match ctx
            .prefixes()
            .iter()
            .position(|(p, _)| p.as_bytes() == prefix)
        {
            Some(i) => Ok(StrRef::CtxPrefix(i as u16)),
            None => Err(not_well_formed(format!(
                "unbound namespace prefix '{}'",
                String::from_utf8_lossy(prefix)
            ))),
        }
    }

    fn is_content_ns(&self, buf: &[u8], r: StrRef, ctx: &StreamContext) -> bool {
        let uri = match r {
            StrRef::CtxDefault => ctx.default_ns(),
            StrRef::CtxPrefix(i) => ctx
                .prefixes()
                .get(i as usize)
                .map_or("", |(_, n)| n.as_str()),
            StrRef::Input(_) | StrRef::Owned(_) => self.ref_str(buf, r),
            StrRef::None | StrRef::Xml => return false,
        };
        uri == ns::JABBER_CLIENT || uri == ns::JABBER_SERVER
    }

    /// The same qualified name twice on one tag (XML 1.0 §3.1, WFC Unique Att Spec).
    fn check_duplicates(&self, buf: &[u8]) -> Result<(), StreamError> {
        let name = |p: &Pending| &buf[p.qname.start as usize..][..p.qname.len as usize];
        for (i, a) in self.pending.iter().enumerate() {
            if self.pending[..i].iter().any(|b| name(a) == name(b)) {
                return Err(not_well_formed(format!(
                    "duplicate attribute '{}'",
                    String::from_utf8_lossy(name(a))
                )));
            }
        }
        Ok(())
    }

    /// Two prefixed attributes with the same expanded name (Namespaces in XML §6.3).
    fn check_expanded_duplicates(&self, buf: &[u8], first: usize) -> Result<(), StreamError> {
        let attrs = &self.nodes[first..];
        let expanded = |n: &Node| match *n {
            Node::Attr {
                qname,
                prefix_len,
                ns,
                ..
            } if prefix_len > 0 => Some((
                ns,
                &buf[(qname.start + u32::from(prefix_len) + 1) as usize
                    ..(qname.start + qname.len) as usize],
            )),
            _ => None,
        };
        for (i, a) in attrs.iter().enumerate() {
            let Some((a_ns, a_local)) = expanded(a) else {
                continue;
            };
            for b in &attrs[..i] {
                if let Some((b_ns, b_local)) = expanded(b)
                    && a_local == b_local
                    && self.ref_str(buf, a_ns) == self.ref_str(buf, b_ns)
                    && same_ns(a_ns, b_ns)
                {
                    return Err(not_well_formed("duplicate namespaced attribute"));
                }
            }
        }
        Ok(())
    }
}

/// Whether two namespace references name the same namespace, for references whose text
/// [`TreeBuilder::ref_str`] already compared (it returns "" for context references).
fn same_ns(a: StrRef, b: StrRef) -> bool {
    match (a, b) {
        (StrRef::Input(_) | StrRef::Owned(_), StrRef::Input(_) | StrRef::Owned(_)) => true,
        _ => a == b,
    }
}

/// The qualified name of a tag or attribute as a span of the buffer, with its prefix length.
fn qualified_name(
    prefix: StrSpan<'_>,
    local: StrSpan<'_>,
    qstart: usize,
    base: usize,
    limits: &Limits,
) -> Result<(Span, u16), StreamError> {
    let len = if prefix.is_empty() {
        local.len()
    } else {
        prefix.len() + 1 + local.len()
    };
    if len > limits.name_bytes() {
        return Err(StreamError::of(
            Cond::PolicyViolation,
            format!("a name longer than {} bytes", limits.name_bytes()),
        ));
    }
    let start = if prefix.is_empty() {
        local.start()
    } else {
        qstart.min(prefix.start())
    };
    Ok((Span::new(base + start, len), prefix.len() as u16))
}

/// The qualified name of an end tag `</name S?>`.
pub(crate) fn end_tag_name(
    input: Input<'_>,
    start: usize,
    end: usize,
) -> Result<&[u8], StreamError> {
    let buf = input.bytes;
    let text = input.str(start, end)?;
    match Tokenizer::from_fragment(text, 0..text.len()).next() {
        Some(Ok(XmlToken::ElementEnd {
            end: ElementEnd::Close(prefix, local),
            ..
        })) => {
            let s = if prefix.is_empty() {
                local.start()
            } else {
                prefix.start()
            };
            Ok(&buf[start + s..start + local.end()])
        }
        Some(Err(e)) => Err(not_well_formed(format!("malformed end tag: {e}"))),
        _ => Err(not_well_formed("malformed end tag")),
    }
}

/// Validates the references in `raw`, mapping failures to RFC 6120 conditions.
pub(crate) fn check_refs(raw: &str, attr: bool) -> Result<bool, StreamError> {
    escape::check_refs(raw.as_bytes(), attr).map_err(ref_error)
}

fn ref_error(e: RefError) -> StreamError {
    match e {
        RefError::Undeclared => StreamError::of(
            Cond::RestrictedXml,
            "entity references other than the predefined ones are not allowed (RFC 6120 §11.1)",
        ),
        RefError::Malformed => not_well_formed("malformed character or entity reference"),
        RefError::InvalidChar => {
            not_well_formed("a character that XML does not allow, or ']]>', in character data")
        }
    }
}
