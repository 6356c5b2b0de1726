//! Parses a stream fragment (a step's text or the engine's output) into canonical [`Item`]s:
//! names resolved against the namespaces in scope, namespace declarations dropped, entities
//! decoded, text compacted as FORMAT.md describes.

use std::collections::BTreeMap;

use xmlparser::{ElementEnd, Token, Tokenizer};

use crate::xml::{
    Element, Item, NS_SASL, NS_STREAMS, Name, Node, Scope, decode_entities,
    is_namespace_declaration,
};

/// A start tag being read: its name, attributes and offset.
struct StartTag<'a> {
    prefix: &'a str,
    local: &'a str,
    attrs: Vec<(&'a str, &'a str, String)>,
    start: usize,
}

/// An element whose end tag has not been read yet.
struct OpenElement<'a> {
    prefix: &'a str,
    local: &'a str,
    scope: Scope,
    element: Element,
    start: usize,
}

/// Parses `text` in the namespace context `ctx` (the scope of the last stream header of the
/// side that wrote it); a stream header in `text` replaces `ctx`.
pub fn parse_fragment(text: &str, ctx: &mut Scope) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut pos = 0;
    loop {
        let next = find_declaration(text, pos);
        parse_content(text, pos..next.unwrap_or(text.len()), ctx, &mut items)?;
        let Some(start) = next else { break };
        let len = text[start..]
            .find("?>")
            .ok_or("unterminated XML declaration")?
            + 2;
        items.push(parse_declaration(&text[start..start + len])?);
        pos = start + len;
    }
    Ok(items)
}

fn find_declaration(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = text[at..].find("<?xml") {
        let start = at + i;
        if text[start + 5..].starts_with(|c: char| c.is_ascii_whitespace()) {
            return Some(start);
        }
        at = start + 5;
    }
    None
}

fn parse_declaration(decl: &str) -> Result<Item, String> {
    match Tokenizer::from(decl).next() {
        Some(Ok(Token::Declaration {
            version,
            encoding,
            standalone,
            ..
        })) => {
            let mut attrs = BTreeMap::new();
            attrs.insert("version".to_owned(), version.as_str().to_owned());
            if let Some(encoding) = encoding {
                attrs.insert("encoding".to_owned(), encoding.as_str().to_owned());
            }
            if let Some(standalone) = standalone {
                let value = if standalone { "yes" } else { "no" };
                attrs.insert("standalone".to_owned(), value.to_owned());
            }
            Ok(Item::Declaration(attrs))
        }
        Some(Err(e)) => Err(format!("bad XML declaration {decl:?}: {e}")),
        _ => Err(format!("bad XML declaration {decl:?}")),
    }
}

fn parse_content(
    text: &str,
    range: std::ops::Range<usize>,
    ctx: &mut Scope,
    items: &mut Vec<Item>,
) -> Result<(), String> {
    let mut stack: Vec<OpenElement<'_>> = Vec::new();
    let mut tag: Option<StartTag<'_>> = None;
    for token in Tokenizer::from_fragment(text, range) {
        let token = token.map_err(|e| format!("not well-formed: {e}"))?;
        match token {
            Token::ElementStart {
                prefix,
                local,
                span,
            } => {
                tag = Some(StartTag {
                    prefix: prefix.as_str(),
                    local: local.as_str(),
                    attrs: Vec::new(),
                    start: span.start(),
                });
            }
            Token::Attribute {
                prefix,
                local,
                value,
                ..
            } => {
                let tag = tag.as_mut().ok_or("attribute outside a start tag")?;
                let value = decode_entities(&normalize_attribute(value.as_str()))?;
                tag.attrs.push((prefix.as_str(), local.as_str(), value));
            }
            Token::ElementEnd { end, span } => match end {
                ElementEnd::Open | ElementEnd::Empty => {
                    let tag = tag.take().ok_or("end of a start tag without its start")?;
                    let parent = stack.last().map_or(&*ctx, |open| &open.scope);
                    let scope =
                        parent.child(tag.attrs.iter().map(|(p, l, v)| (*p, *l, v.as_str())));
                    let element = start_element(&tag, &scope)?;
                    if end == ElementEnd::Empty {
                        let source = &text[tag.start..span.end()];
                        attach(&mut stack, items, finish(element), source);
                    } else if stack.is_empty() && tag.local == "stream" {
                        let default_ns = scope.default_ns.clone();
                        *ctx = scope;
                        items.push(Item::StreamOpen {
                            name: element.name,
                            default_ns,
                            attrs: element.attrs,
                        });
                    } else {
                        stack.push(OpenElement {
                            prefix: tag.prefix,
                            local: tag.local,
                            scope,
                            element,
                            start: tag.start,
                        });
                    }
                }
                ElementEnd::Close(prefix, local) => {
                    let Some(open) = stack.pop() else {
                        if local.as_str() == "stream"
                            && ctx
                                .resolve(prefix.as_str())
                                .is_none_or(|ns| ns == NS_STREAMS)
                        {
                            items.push(Item::StreamClose);
                            continue;
                        }
                        return Err(format!("unexpected end tag </{}>", qname(&prefix, &local)));
                    };
                    if open.prefix != prefix.as_str() || open.local != local.as_str() {
                        return Err(format!(
                            "end tag </{}> does not match <{}>",
                            qname(&prefix, &local),
                            qname(open.prefix, open.local)
                        ));
                    }
                    let source = &text[open.start..span.end()];
                    attach(&mut stack, items, finish(open.element), source);
                }
            },
            Token::Text { text: t } => add_text(&mut stack, items, decode_entities(t.as_str())?),
            Token::Cdata { text: t, .. } => add_text(&mut stack, items, t.as_str().to_owned()),
            Token::Comment { .. } => return Err("comment (restricted XML)".into()),
            Token::ProcessingInstruction { .. } => {
                return Err("processing instruction (restricted XML)".into());
            }
            Token::Declaration { .. } => return Err("misplaced XML declaration".into()),
            Token::DtdStart { .. }
            | Token::EmptyDtd { .. }
            | Token::EntityDeclaration { .. }
            | Token::DtdEnd { .. } => return Err("DTD (restricted XML)".into()),
        }
    }
    if tag.is_some() {
        return Err("unterminated start tag".into());
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "unclosed element <{}>",
            qname(open.prefix, open.local)
        ));
    }
    Ok(())
}

fn qname(prefix: &str, local: &str) -> String {
    if prefix.is_empty() {
        local.to_owned()
    } else {
        format!("{prefix}:{local}")
    }
}

/// XML attribute-value normalisation: literal tabs and line breaks become spaces.
fn normalize_attribute(raw: &str) -> String {
    raw.replace("\r\n", " ").replace(['\t', '\n', '\r'], " ")
}

fn start_element(tag: &StartTag<'_>, scope: &Scope) -> Result<Element, String> {
    let ns = scope.resolve(tag.prefix).ok_or_else(|| {
        format!(
            "unbound prefix {:?} on <{}>",
            tag.prefix,
            qname(tag.prefix, tag.local)
        )
    })?;
    let mut attrs = BTreeMap::new();
    for (prefix, local, value) in &tag.attrs {
        if is_namespace_declaration(prefix, local) {
            continue;
        }
        let ns = if prefix.is_empty() {
            ""
        } else {
            scope
                .resolve(prefix)
                .ok_or_else(|| format!("unbound attribute prefix {prefix:?}"))?
        };
        if attrs.insert(Name::new(ns, local), value.clone()).is_some() {
            return Err(format!("duplicate attribute {}", qname(prefix, local)));
        }
    }
    Ok(Element {
        name: Name::new(ns, tag.local),
        attrs,
        children: Vec::new(),
    })
}

/// Compacts an element's text children: trimmed, empty ones dropped, and all whitespace
/// removed inside the SASL namespace.
fn finish(mut element: Element) -> Element {
    let sasl = element.name.ns == NS_SASL;
    element.children.retain_mut(|child| match child {
        Node::Text(t) => {
            *t = if sasl {
                t.chars().filter(|c| !c.is_whitespace()).collect()
            } else {
                t.trim().to_owned()
            };
            !t.is_empty()
        }
        Node::Element(_) => true,
    });
    element
}

fn attach(stack: &mut [OpenElement<'_>], items: &mut Vec<Item>, element: Element, source: &str) {
    match stack.last_mut() {
        Some(parent) => parent.element.children.push(Node::Element(element)),
        None => items.push(Item::Element {
            element,
            source: source.to_owned(),
        }),
    }
}

fn add_text(stack: &mut [OpenElement<'_>], items: &mut Vec<Item>, text: String) {
    match stack.last_mut() {
        Some(parent) => match parent.element.children.last_mut() {
            Some(Node::Text(prev)) => prev.push_str(&text),
            _ => parent.element.children.push(Node::Text(text)),
        },
        None => {
            let trimmed = text.trim();
            if !trimmed.is_empty() {
                items.push(Item::Text(trimmed.to_owned()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "<stream:stream from='im.example.com' id='x' to='juliet@im.example.com' \
        version='1.0' xml:lang='en' xmlns='jabber:client' \
        xmlns:stream='http://etherx.jabber.org/streams'>";

    fn parse(text: &str) -> Vec<Item> {
        parse_fragment(text, &mut Scope::default()).unwrap()
    }

    #[test]
    fn stream_header_sets_context() {
        let mut ctx = Scope::default();
        let items = parse_fragment(HEADER, &mut ctx).unwrap();
        let Item::StreamOpen {
            name,
            default_ns,
            attrs,
        } = &items[0]
        else {
            panic!()
        };
        assert!(name.is(NS_STREAMS, "stream"));
        assert_eq!(default_ns.as_deref(), Some("jabber:client"));
        assert_eq!(attrs[&Name::new(crate::xml::NS_XML, "lang")], "en");
        assert_eq!(attrs.len(), 5);
        let items = parse_fragment("<stream:features/><message/>", &mut ctx).unwrap();
        let names: Vec<_> = items
            .iter()
            .map(|i| match i {
                Item::Element { element, .. } => element.name.clone(),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            names,
            [
                Name::new(NS_STREAMS, "features"),
                Name::new("jabber:client", "message")
            ]
        );
    }

    #[test]
    fn prefixes_and_attribute_order_do_not_matter() {
        let a = parse("<a:x xmlns:a='urn:n' p='1' q=\"2\"><a:y/></a:x>");
        let b = parse("<x q='2' xmlns='urn:n' p='1'><y></y></x>");
        let strip = |items: Vec<Item>| match items.into_iter().next() {
            Some(Item::Element { element, .. }) => element,
            _ => panic!(),
        };
        assert_eq!(strip(a), strip(b));
    }

    #[test]
    fn declaration_close_and_text() {
        let items = parse("<?xml version='1.0'?> hi </stream:stream>");
        assert!(matches!(&items[0], Item::Declaration(a) if a["version"] == "1.0"));
        assert_eq!(items[1], Item::Text("hi".into()));
        assert_eq!(items[2], Item::StreamClose);
    }

    #[test]
    fn sasl_text_loses_whitespace_other_text_is_trimmed() {
        let items = parse(
            "<r xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\n  YWJj\n  ZGVm\n</r>\
             <body xmlns='jabber:client'>  a  b  </body>",
        );
        let texts: Vec<_> = items
            .iter()
            .map(|i| match i {
                Item::Element { element, .. } => element.text(),
                _ => panic!(),
            })
            .collect();
        assert_eq!(texts, ["YWJjZGVm", "a  b"]);
    }

    #[test]
    fn source_is_kept_for_elements() {
        let items = parse(" <a xmlns='u'><b/></a> ");
        assert!(
            matches!(&items[0], Item::Element { source, .. } if source == "<a xmlns='u'><b/></a>")
        );
    }

    #[test]
    fn malformed_fragments_are_errors() {
        for bad in [
            "<a xmlns='u'><b></a>",
            "<a xmlns='u'>",
            "</a>",
            "<p:a/>",
            "<a xmlns='u' x='1' x='2'/>",
            "<a xmlns='u'><!-- c --></a>",
            "<?xml version='1.0'",
            "<a xmlns='u'>&bogus;</a>",
        ] {
            assert!(parse_fragment(bad, &mut Scope::default()).is_err(), "{bad}");
        }
    }
}
