//! The stream header (RFC 6120 §4.7) and the namespace context stanzas are parsed in.

use std::fmt;
use std::sync::Arc;

use super::ns;

/// A stream `version` (RFC 6120 §4.7.5): `major.minor`, compared numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamVersion {
    /// The major number; only 1 is supported.
    pub major: u32,
    /// The minor number.
    pub minor: u32,
}

impl StreamVersion {
    /// `1.0`, the version of RFC 6120.
    pub const V1_0: StreamVersion = StreamVersion { major: 1, minor: 0 };

    /// Parses `major.minor` (leading zeros ignored, §4.7.5).
    pub fn parse(s: &str) -> Option<StreamVersion> {
        let (major, minor) = s.split_once('.')?;
        let num = |p: &str| -> Option<u32> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let p = p.trim_start_matches('0');
            if p.is_empty() {
                Some(0)
            } else {
                p.parse().ok()
            }
        };
        Some(StreamVersion {
            major: num(major)?,
            minor: num(minor)?,
        })
    }
}

impl fmt::Display for StreamVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The namespace bindings and `xml:lang` in scope at depth 1 of a stream: what a depth-1
/// element inherits from the stream header.
///
/// Every received [`Element`](super::Element) keeps the context it was parsed in, so it can be
/// re-serialised correctly onto another stream ([`Writer::element`](super::Writer::element)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StreamContext {
    default_ns: String,
    prefixes: Vec<(String, String)>,
    lang: Option<String>,
}

impl StreamContext {
    /// A context whose default namespace is `default_ns`, with `stream` bound to the stream
    /// namespace.
    pub fn new(default_ns: impl Into<String>) -> Self {
        StreamContext {
            default_ns: default_ns.into(),
            prefixes: vec![("stream".into(), ns::STREAM.into())],
            lang: None,
        }
    }

    pub(crate) fn from_parts(
        default_ns: String,
        prefixes: Vec<(String, String)>,
        lang: Option<String>,
    ) -> Self {
        StreamContext {
            default_ns,
            prefixes,
            lang,
        }
    }

    /// Builder: sets the stream's `xml:lang`.
    pub fn with_lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Builder: binds `prefix` to `ns` (replacing an earlier binding of the prefix).
    pub fn with_prefix(mut self, prefix: impl Into<String>, ns: impl Into<String>) -> Self {
        let (prefix, ns) = (prefix.into(), ns.into());
        match self.prefixes.iter_mut().find(|(p, _)| *p == prefix) {
            Some(b) => b.1 = ns,
            None => self.prefixes.push((prefix, ns)),
        }
        self
    }

    /// The default (content) namespace, e.g. `jabber:client`.
    pub fn default_ns(&self) -> &str {
        &self.default_ns
    }

    /// The prefixed bindings, e.g. `("stream", "http://etherx.jabber.org/streams")`.
    pub fn prefixes(&self) -> &[(String, String)] {
        &self.prefixes
    }

    /// The namespace bound to `prefix`.
    pub fn prefix_ns(&self, prefix: &str) -> Option<&str> {
        self.prefixes
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, n)| n.as_str())
    }

    /// A prefix bound to `ns`, if any.
    pub fn prefix_for(&self, ns: &str) -> Option<&str> {
        self.prefixes
            .iter()
            .find(|(_, n)| n == ns)
            .map(|(p, _)| p.as_str())
    }

    /// The stream's `xml:lang`.
    pub fn lang(&self) -> Option<&str> {
        self.lang.as_deref()
    }
}

/// A stream header: the attributes of the `<stream:stream>` open tag (RFC 6120 §4.7).
///
/// Received ones come from [`StreamReader`](super::StreamReader); to send one, build it and
/// write it with [`Writer::stream_header`](super::Writer::stream_header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamHeader {
    /// `to` (§4.7.2), unvalidated: the connection layer checks JIDs.
    pub to: Option<String>,
    /// `from` (§4.7.1).
    pub from: Option<String>,
    /// `id` (§4.7.3).
    pub id: Option<String>,
    /// `version` (§4.7.5); `None` when absent, which means pre-1.0 ("0.9").
    pub version: Option<StreamVersion>,
    /// The prefix the stream element used (`stream` in practice; `None` when the stream
    /// namespace was the default namespace, which leaves no content namespace).
    pub prefix: Option<String>,
    /// Namespace bindings and `xml:lang` in force at depth 1.
    pub context: Arc<StreamContext>,
}

impl StreamHeader {
    /// A version 1.0 header with `stream` prefix and the given content namespace.
    pub fn new(content_ns: impl Into<String>) -> Self {
        StreamHeader {
            to: None,
            from: None,
            id: None,
            version: Some(StreamVersion::V1_0),
            prefix: Some("stream".into()),
            context: Arc::new(StreamContext::new(content_ns)),
        }
    }

    /// The content namespace (`jabber:client`, `jabber:server`, `jabber:component:accept`).
    pub fn content_ns(&self) -> &str {
        self.context.default_ns()
    }

    /// The stream's `xml:lang` (§4.7.4).
    pub fn lang(&self) -> Option<&str> {
        self.context.lang()
    }
}
