//! What comes before depth 1: the XML declaration (RFC 6120 §11.5, §11.6) and the stream
//! header (§4.7, §4.8).

use std::sync::Arc;

use xmlparser::{ElementEnd, Token as XmlToken, Tokenizer};

use super::not_well_formed;
use crate::error::{StreamError, StreamErrorCondition as Cond};
use crate::xml::escape;
use crate::xml::header::{StreamContext, StreamHeader, StreamVersion};
use crate::xml::{Limits, ns};

/// The content namespaces a stream may declare (RFC 6120 §4.8.3, XEP-0114).
const CONTENT_NAMESPACES: [&str; 3] = [
    ns::JABBER_CLIENT,
    ns::JABBER_SERVER,
    ns::JABBER_COMPONENT_ACCEPT,
];

/// Checks an XML declaration `<?xml ...?>`: well-formed, version 1.x, UTF-8 only.
pub(crate) fn check_declaration(text: &str) -> Result<(), StreamError> {
    if !text.starts_with("<?xml") || !text[5..].starts_with([' ', '\t', '\r', '\n']) {
        return Err(StreamError::of(
            Cond::RestrictedXml,
            "processing instructions are not allowed (RFC 6120 §11.1)",
        ));
    }
    match Tokenizer::from(text).next() {
        Some(Ok(XmlToken::Declaration { encoding, .. })) => match encoding {
            Some(enc) if !enc.as_str().eq_ignore_ascii_case("utf-8") => Err(StreamError::of(
                Cond::UnsupportedEncoding,
                format!("encoding '{enc}' declared; XMPP uses UTF-8 only (RFC 6120 §11.6)"),
            )),
            // RFC 6120 §11.5: a standalone declaration is ignored.
            _ => Ok(()),
        },
        Some(Err(e)) => Err(not_well_formed(format!("malformed XML declaration: {e}"))),
        _ => Err(not_well_formed("malformed XML declaration")),
    }
}

/// Detects a stream that is not UTF-8 from its first bytes: UTF-16 or UTF-32 byte order
/// marks or the NUL bytes UTF-16 puts next to `<` (XML 1.0 Appendix F). `None`: undecided.
pub(crate) fn sniff_encoding(first: &[u8]) -> Option<Result<(), StreamError>> {
    let bad = || {
        Some(Err(StreamError::of(
            Cond::UnsupportedEncoding,
            "the stream is not UTF-8 (RFC 6120 §11.6)",
        )))
    };
    match first {
        [] | [0xFE] | [0xFF] | [0x00] | [b'<'] => None,
        [0xFE, 0xFF, ..]
        | [0xFF, 0xFE, ..]
        | [0x00, b'<', ..]
        | [b'<', 0x00, ..]
        | [0x00, 0x00, ..] => bad(),
        _ => Some(Ok(())),
    }
}

/// Parses the stream header's open tag at `bytes` (complete, ends in `>`). Returns the
/// header, the stream element's qualified name (to match `</stream:stream>`) and whether
/// the tag was self-closing.
pub(crate) fn parse_header(
    text: &str,
    limits: &Limits,
) -> Result<(StreamHeader, String, bool), StreamError> {
    let mut tokens = Tokenizer::from_fragment(text, 0..text.len());
    let (prefix, local) = match tokens.next() {
        Some(Ok(XmlToken::ElementStart { prefix, local, .. })) => (prefix.as_str(), local.as_str()),
        Some(Err(e)) => return Err(not_well_formed(format!("malformed stream header: {e}"))),
        _ => return Err(not_well_formed("malformed stream header")),
    };
    let qname = if prefix.is_empty() {
        local.to_owned()
    } else {
        format!("{prefix}:{local}")
    };
    if qname.len() > limits.name_bytes() {
        return Err(StreamError::of(
            Cond::PolicyViolation,
            "stream element name too long",
        ));
    }

    let mut header = StreamHeader::new("");
    let mut default_ns: Option<String> = None;
    let mut prefixes: Vec<(String, String)> = Vec::new();
    let mut lang = None;
    let mut version = None;
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    let empty = loop {
        match tokens.next() {
            Some(Ok(XmlToken::Attribute {
                prefix: ap,
                local: al,
                value,
                ..
            })) => {
                let (ap, al) = (ap.as_str(), al.as_str());
                if seen.len() >= limits.max_attributes {
                    return Err(StreamError::of(
                        Cond::PolicyViolation,
                        "too many attributes on the stream header",
                    ));
                }
                if seen.contains(&(ap, al)) {
                    return Err(not_well_formed(format!(
                        "duplicate attribute '{ap}:{al}' on the stream header"
                    )));
                }
                seen.push((ap, al));
                let escaped = super::tree::check_refs(value.as_str(), true)?;
                let v = escape::resolve(value.as_str(), true, escaped).into_owned();
                match (ap, al) {
                    ("", "xmlns") => default_ns = Some(v),
                    ("xmlns", "xmlns") => {
                        return Err(not_well_formed("the xmlns prefix cannot be declared"));
                    }
                    ("xmlns", "xml") if v == ns::XML => {}
                    ("xmlns", p) => {
                        if v.is_empty() || v == ns::XML || v == ns::XMLNS || p == "xml" {
                            return Err(not_well_formed(format!(
                                "invalid declaration of prefix '{p}'"
                            )));
                        }
                        prefixes.push((p.to_owned(), v));
                    }
                    ("", "to") => header.to = Some(v),
                    ("", "from") => header.from = Some(v),
                    ("", "id") => header.id = Some(v),
                    ("", "version") => version = Some(v),
                    ("xml", "lang") => lang = Some(v),
                    // RFC 6120 §4.7: other attributes are ignored, but prefixes must be bound.
                    ("" | "xml", _) => {}
                    // The declaration may follow the use on the same tag: checked below.
                    (p, _) => used.push(p),
                }
            }
            Some(Ok(XmlToken::ElementEnd {
                end: ElementEnd::Open,
                ..
            })) => break false,
            Some(Ok(XmlToken::ElementEnd {
                end: ElementEnd::Empty,
                ..
            })) => break true,
            Some(Err(e)) => return Err(not_well_formed(format!("malformed stream header: {e}"))),
            _ => return Err(not_well_formed("malformed stream header")),
        }
    };

    if let Some(p) = used.iter().find(|p| !prefixes.iter().any(|(q, _)| q == *p)) {
        return Err(not_well_formed(format!("unbound namespace prefix '{p}'")));
    }

    // Namespaces (RFC 6120 §4.8): the stream element must be in the stream namespace, via a
    // prefix, with a supported content namespace as the default namespace.
    let element_ns = if prefix.is_empty() {
        default_ns.as_deref()
    } else {
        prefixes
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, n)| n.as_str())
    };
    let Some(element_ns) = element_ns else {
        if prefix.is_empty() {
            // An unprefixed element without a default namespace is in no namespace.
            return Err(StreamError::of(
                Cond::InvalidNamespace,
                format!("<{qname}> is in no namespace, not '{}'", ns::STREAM),
            ));
        }
        return Err(not_well_formed(format!(
            "unbound namespace prefix '{prefix}' on the stream header"
        )));
    };
    if element_ns != ns::STREAM {
        return Err(StreamError::of(
            Cond::InvalidNamespace,
            format!(
                "the stream element is in namespace '{element_ns}', not '{}'",
                ns::STREAM
            ),
        ));
    }
    if prefix.is_empty() {
        return Err(StreamError::of(
            Cond::BadNamespacePrefix,
            "the stream namespace must be declared with a prefix (RFC 6120 §4.8.5)",
        ));
    }
    if local != "stream" {
        return Err(StreamError::of(
            Cond::BadFormat,
            format!("expected <{prefix}:stream>, got <{qname}>"),
        ));
    }
    let content_ns = default_ns.unwrap_or_default();
    if !CONTENT_NAMESPACES.contains(&content_ns.as_str()) {
        let shown = if content_ns.is_empty() {
            "none"
        } else {
            content_ns.as_str()
        };
        return Err(StreamError::of(
            Cond::InvalidNamespace,
            format!("unsupported content namespace '{shown}' (RFC 6120 §4.8.2)"),
        ));
    }

    // Version (RFC 6120 §4.7.5).
    header.version = match version {
        None => None,
        Some(v) => match StreamVersion::parse(&v) {
            Some(v) if v.major > 1 => {
                return Err(StreamError::of(
                    Cond::UnsupportedVersion,
                    format!("stream version {v} is not supported; this entity speaks 1.0"),
                ));
            }
            Some(v) => Some(v),
            None => {
                return Err(StreamError::of(
                    Cond::BadFormat,
                    format!("malformed stream version '{v}'"),
                ));
            }
        },
    };
    header.prefix = Some(prefix.to_owned());
    header.context = Arc::new(StreamContext::from_parts(content_ns, prefixes, lang));
    Ok((header, qname, empty))
}
