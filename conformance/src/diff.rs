//! Readable diffs: canonical items rendered one element per line (children indented), then
//! a line diff of expected against actual.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::xml::{Element, Item, NS_STREAMS, NS_XML, Name, Node, escape};

/// Renders items as lines. Elements of the streams namespace use the `stream:` prefix,
/// other elements declare `xmlns` where their namespace differs from their parent's.
pub fn render(items: &[Item]) -> Vec<String> {
    let mut lines = Vec::new();
    for item in items {
        match item {
            Item::Declaration(attrs) => {
                let mut line = String::from("<?xml");
                for (k, v) in attrs {
                    let _ = write!(line, " {k}='{}'", escape(v, true));
                }
                line.push_str("?>");
                lines.push(line);
            }
            Item::StreamOpen {
                name,
                default_ns,
                attrs,
            } => {
                let mut line = format!("<{}", display_name(name, None));
                if let Some(ns) = default_ns {
                    let _ = write!(line, " xmlns='{}'", escape(ns, true));
                }
                render_attrs(&mut line, attrs);
                line.push('>');
                lines.push(line);
            }
            Item::StreamClose => lines.push("</stream:stream>".into()),
            Item::Element { element, .. } => render_element(element, None, 0, &mut lines),
            Item::Text(t) => lines.push(escape(t, false)),
        }
    }
    lines
}

fn display_name(name: &Name, parent_ns: Option<&str>) -> String {
    if name.ns == NS_STREAMS {
        format!("stream:{}", name.local)
    } else if parent_ns == Some(name.ns.as_str()) {
        name.local.clone()
    } else {
        format!("{} xmlns='{}'", name.local, escape(&name.ns, true))
    }
}

fn render_attrs(line: &mut String, attrs: &BTreeMap<Name, String>) {
    for (name, value) in attrs {
        let key = match name.ns.as_str() {
            "" => name.local.clone(),
            NS_XML => format!("xml:{}", name.local),
            ns => format!("{{{ns}}}{}", name.local),
        };
        let _ = write!(line, " {key}='{}'", escape(value, true));
    }
}

fn render_element(
    element: &Element,
    parent_ns: Option<&str>,
    depth: usize,
    lines: &mut Vec<String>,
) {
    let indent = "  ".repeat(depth);
    let open = display_name(&element.name, parent_ns);
    let local = if element.name.ns == NS_STREAMS {
        format!("stream:{}", element.name.local)
    } else {
        element.name.local.clone()
    };
    let mut line = format!("{indent}<{open}");
    render_attrs(&mut line, &element.attrs);
    let only_text = element.children.iter().all(|c| matches!(c, Node::Text(_)));
    if element.children.is_empty() {
        line.push_str("/>");
        lines.push(line);
    } else if only_text {
        let _ = write!(line, ">{}</{local}>", escape(&element.text(), false));
        lines.push(line);
    } else {
        line.push('>');
        lines.push(line);
        for child in &element.children {
            match child {
                Node::Element(e) => render_element(e, Some(&element.name.ns), depth + 1, lines),
                Node::Text(t) => lines.push(format!("{indent}  {}", escape(t, false))),
            }
        }
        lines.push(format!("{indent}</{local}>"));
    }
}

/// Whether a rendered actual line matches a rendered expected one, `{any}` in the expected
/// line standing for any run of characters (so wildcards do not show up as differences).
fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split(crate::xml::ANY);
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// A unified-style diff: `  ` common lines (shown as the actual output), `- ` expected only,
/// `+ ` actual only.
pub fn diff_lines(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    // lcs[i][j] = length of the longest common subsequence of expected[i..] and actual[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if line_matches(&expected[i], &actual[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::from("--- expected\n+++ actual\n");
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && line_matches(&expected[i], &actual[j]) {
            let _ = writeln!(out, "  {}", actual[j]);
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "- {}", expected[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {}", actual[j]);
            j += 1;
        }
    }
    out
}

/// The diff of two item lists.
pub fn diff_items(expected: &[Item], actual: &[Item]) -> String {
    diff_lines(&render(expected), &render(actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canon::parse_fragment;
    use crate::xml::Scope;

    fn items(text: &str) -> Vec<Item> {
        parse_fragment(text, &mut Scope::default()).unwrap()
    }

    #[test]
    fn wildcards_are_not_differences() {
        assert!(line_matches("<a id='{any}'/>", "<a id='7'/>"));
        assert!(line_matches("<a>{any}</a>", "<a></a>"));
        assert!(line_matches("{any}", "anything"));
        assert!(line_matches("<a x='{any}' y='{any}'/>", "<a x='1' y='2'/>"));
        assert!(!line_matches("<a id='{any}'/>", "<b id='7'/>"));
        assert!(!line_matches("<a>{any}</a>", "<a>x</a>tail"));
        assert!(!line_matches("<a/>", "<a/> "));
        let d = diff_items(
            &items("<a xmlns='u' id='{any}'><b/></a>"),
            &items("<a xmlns='u' id='9'><c/></a>"),
        );
        assert_eq!(
            d,
            "--- expected\n+++ actual\n  <a xmlns='u' id='9'>\n-   <b/>\n+   <c/>\n  </a>\n"
        );
    }

    #[test]
    fn renders_nested_elements_readably() {
        let lines = render(&items(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
             <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>\
             </stream:features>",
        ));
        assert_eq!(
            lines,
            [
                "<stream:features>",
                "  <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>",
                "    <mechanism>PLAIN</mechanism>",
                "  </mechanisms>",
                "</stream:features>",
            ]
        );
    }

    #[test]
    fn diff_marks_changed_lines() {
        let d = diff_items(
            &items("<a xmlns='u'><b/><c x='1'/></a>"),
            &items("<a xmlns='u'><b/><c x='2'/></a>"),
        );
        assert_eq!(
            d,
            "--- expected\n+++ actual\n  <a xmlns='u'>\n    <b/>\n-   <c x='1'/>\n+   <c x='2'/>\n  </a>\n"
        );
    }
}
