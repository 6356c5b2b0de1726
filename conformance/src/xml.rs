//! The canonical XML model steps and engine output are compared in.

use std::collections::BTreeMap;

/// `http://etherx.jabber.org/streams`.
pub const NS_STREAMS: &str = "http://etherx.jabber.org/streams";
/// `urn:ietf:params:xml:ns:xmpp-sasl`.
pub const NS_SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
/// `urn:ietf:params:xml:ns:xmpp-streams` (stream error conditions).
pub const NS_STREAM_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-streams";
/// The namespace bound to the `xml` prefix.
pub const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";
/// The value that matches any attribute value or any text in an expectation.
pub const ANY: &str = "{any}";

/// A namespace-resolved name (`ns` is empty for unqualified attributes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name {
    /// Namespace URI.
    pub ns: String,
    /// Local name.
    pub local: String,
}

impl Name {
    /// Builds a name.
    pub fn new(ns: &str, local: &str) -> Name {
        Name {
            ns: ns.to_owned(),
            local: local.to_owned(),
        }
    }

    /// Whether this is `ns`:`local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
}

/// An element with resolved names and compacted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The element's name.
    pub name: Name,
    /// Attributes other than namespace declarations.
    pub attrs: BTreeMap<Name, String>,
    /// Child elements and text, in order.
    pub children: Vec<Node>,
}

impl Element {
    /// The concatenated text children.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Compacted character data (never empty).
    Text(String),
}

/// One top-level piece of a stream fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `<?xml ...?>` with its pseudo-attributes.
    Declaration(BTreeMap<String, String>),
    /// An unclosed stream header open tag.
    StreamOpen {
        /// The header's name (normally `{streams}stream`).
        name: Name,
        /// The default namespace it declares (`jabber:client`, ...).
        default_ns: Option<String>,
        /// Its attributes.
        attrs: BTreeMap<Name, String>,
    },
    /// `</stream:stream>`.
    StreamClose,
    /// A complete depth-1 element.
    Element {
        /// The element.
        element: Element,
        /// Its source text, as written.
        source: String,
    },
    /// Non-whitespace text at depth 1.
    Text(String),
}

/// The namespace bindings in scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The default namespace.
    pub default_ns: Option<String>,
    /// Prefix bindings, innermost last.
    pub prefixes: Vec<(String, String)>,
}

impl Scope {
    /// The namespace bound to `prefix` (`""` = the default namespace).
    pub fn resolve(&self, prefix: &str) -> Option<&str> {
        match prefix {
            "" => self.default_ns.as_deref(),
            "xml" => Some(NS_XML),
            _ => self
                .prefixes
                .iter()
                .rev()
                .find(|(p, _)| p == prefix)
                .map(|(_, ns)| ns.as_str()),
        }
    }

    /// This scope with the declarations among `attrs` (prefix, local, value) added.
    pub fn child<'a>(&self, attrs: impl Iterator<Item = (&'a str, &'a str, &'a str)>) -> Scope {
        let mut scope = self.clone();
        for (prefix, local, value) in attrs {
            if prefix.is_empty() && local == "xmlns" {
                scope.default_ns = (!value.is_empty()).then(|| value.to_owned());
            } else if prefix == "xmlns" {
                scope.prefixes.push((local.to_owned(), value.to_owned()));
            }
        }
        scope
    }
}

/// Whether an attribute is a namespace declaration.
pub fn is_namespace_declaration(prefix: &str, local: &str) -> bool {
    prefix == "xmlns" || (prefix.is_empty() && local == "xmlns")
}

/// Decodes the predefined entities and character references of `raw`.
pub fn decode_entities(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after
            .find(';')
            .ok_or_else(|| format!("unterminated reference in {raw:?}"))?;
        let name = &after[..semi];
        let decoded = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown reference &{name};"))?
            }
        };
        out.push(decoded);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Escapes text for display in a rendered element.
pub fn escape(text: &str, quote: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' if quote => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_references() {
        assert_eq!(decode_entities("a&lt;b&amp;&#x41;&#66;").unwrap(), "a<b&AB");
        assert!(decode_entities("&foo;").is_err());
        assert!(decode_entities("&amp").is_err());
    }

    #[test]
    fn scope_resolves_innermost_binding() {
        let outer = Scope::default().child([("xmlns", "a", "urn:one")].into_iter());
        let inner = outer.child([("xmlns", "a", "urn:two"), ("", "xmlns", "urn:d")].into_iter());
        assert_eq!(outer.resolve("a"), Some("urn:one"));
        assert_eq!(inner.resolve("a"), Some("urn:two"));
        assert_eq!(inner.resolve(""), Some("urn:d"));
        assert_eq!(inner.resolve("xml"), Some(NS_XML));
        assert_eq!(inner.resolve("b"), None);
    }
}
