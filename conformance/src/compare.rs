//! Equality of canonical items, with the `{any}` wildcard on the expected side.

use std::collections::BTreeMap;

use crate::xml::{ANY, Element, Item, Name, Node};

/// Whether `actual` matches `expected` item for item.
pub fn items_match(expected: &[Item], actual: &[Item]) -> bool {
    expected.len() == actual.len() && expected.iter().zip(actual).all(|(e, a)| item_matches(e, a))
}

/// Whether one actual item matches one expected item.
pub fn item_matches(expected: &Item, actual: &Item) -> bool {
    match (expected, actual) {
        (Item::Declaration(e), Item::Declaration(a)) => e == a,
        (
            Item::StreamOpen {
                name: en,
                default_ns: ed,
                attrs: ea,
            },
            Item::StreamOpen {
                name: an,
                default_ns: ad,
                attrs: aa,
            },
        ) => en == an && ed == ad && attrs_match(ea, aa),
        (Item::StreamClose, Item::StreamClose) => true,
        (Item::Element { element: e, .. }, Item::Element { element: a, .. }) => {
            element_matches(e, a)
        }
        (Item::Text(e), Item::Text(a)) => text_matches(e, a),
        _ => false,
    }
}

/// Whether an actual element matches an expected one.
pub fn element_matches(expected: &Element, actual: &Element) -> bool {
    if expected.name != actual.name || !attrs_match(&expected.attrs, &actual.attrs) {
        return false;
    }
    // A lone `{any}` text matches any text, including none.
    let any_text = matches!(expected.children.as_slice(), [Node::Text(t)] if t == ANY)
        && actual.children.iter().all(|c| matches!(c, Node::Text(_)));
    any_text
        || (expected.children.len() == actual.children.len()
            && expected
                .children
                .iter()
                .zip(&actual.children)
                .all(|pair| match pair {
                    (Node::Element(e), Node::Element(a)) => element_matches(e, a),
                    (Node::Text(e), Node::Text(a)) => text_matches(e, a),
                    _ => false,
                }))
}

fn attrs_match(expected: &BTreeMap<Name, String>, actual: &BTreeMap<Name, String>) -> bool {
    expected.len() == actual.len()
        && expected
            .iter()
            .zip(actual)
            .all(|((en, ev), (an, av))| en == an && text_matches(ev, av))
}

fn text_matches(expected: &str, actual: &str) -> bool {
    expected == ANY || expected == actual
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canon::parse_fragment;
    use crate::xml::Scope;

    fn items(text: &str) -> Vec<Item> {
        parse_fragment(text, &mut Scope::default()).unwrap()
    }

    fn check(expected: &str, actual: &str) -> bool {
        items_match(&items(expected), &items(actual))
    }

    #[test]
    fn equal_modulo_prefixes_order_and_quotes() {
        assert!(check(
            "<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>",
            "<c:iq xmlns:c='jabber:client' id=\"b\" type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'></bind></c:iq>",
        ));
    }

    #[test]
    fn differences_are_detected() {
        let base = "<m xmlns='u' a='1'><b>x</b></m>";
        assert!(check(base, base));
        for other in [
            "<m xmlns='v' a='1'><b>x</b></m>",
            "<m xmlns='u' a='2'><b>x</b></m>",
            "<m xmlns='u' a='1' c='3'><b>x</b></m>",
            "<m xmlns='u'><b>x</b></m>",
            "<m xmlns='u' a='1'><b>y</b></m>",
            "<m xmlns='u' a='1'><b>x</b><c/></m>",
            "<m xmlns='u' a='1'><b>x</b></m><m xmlns='u' a='1'/>",
            "",
        ] {
            assert!(!check(base, other), "{other}");
        }
    }

    #[test]
    fn wildcards_match_any_value_and_text() {
        assert!(check(
            "<m xmlns='u' id='{any}'><t>{any}</t></m>",
            "<m xmlns='u' id='7'><t>hello</t></m>"
        ));
        assert!(check(
            "<m xmlns='u'><t>{any}</t></m>",
            "<m xmlns='u'><t/></m>"
        ));
        assert!(!check("<m xmlns='u' id='{any}'/>", "<m xmlns='u'/>"));
        assert!(!check(
            "<m xmlns='u'><t>{any}</t></m>",
            "<m xmlns='u'><t><x/></t></m>"
        ));
        assert!(!check("<m xmlns='u' id='7'/>", "<m xmlns='u' id='{any}'/>"));
    }

    #[test]
    fn stream_headers_compare_default_namespace() {
        let open = |ns: &str| {
            format!(
                "<stream:stream xmlns='{ns}' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
            )
        };
        assert!(check(&open("jabber:client"), &open("jabber:client")));
        assert!(!check(&open("jabber:client"), &open("jabber:server")));
    }
}
