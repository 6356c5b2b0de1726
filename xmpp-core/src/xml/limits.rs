//! Caps on what a peer can make the reader hold (DESIGN §4; RFC 6120 §13.12).

/// Limits the reader enforces while parsing; exceeding one closes the stream with
/// `policy-violation` (RFC 6120 §4.9.3.14) before more memory is used.
///
/// ```
/// let mut limits = xmpp_core::xml::Limits::default();
/// limits.max_stanza_bytes = 64 * 1024;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of one depth-1 element (stanza or nonza), tags and text included.
    /// Default 256 KiB, as Prosody. Values above `u32::MAX` are clamped.
    pub max_stanza_bytes: usize,
    /// Nesting depth of elements, counting the depth-1 element as 1. Default 64.
    pub max_depth: usize,
    /// Attributes on one element, namespace declarations included. Default 64.
    pub max_attributes: usize,
    /// Bytes of one qualified element or attribute name. Default 256.
    pub max_name_bytes: usize,
    /// Bytes before the stream header is complete: XML declaration, whitespace and the
    /// header's open tag. Default 8 KiB.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_stanza_bytes: 256 * 1024,
            max_depth: 64,
            max_attributes: 64,
            max_name_bytes: 256,
            max_header_bytes: 8 * 1024,
        }
    }
}

impl Limits {
    pub(crate) fn stanza_bytes(&self) -> usize {
        self.max_stanza_bytes.min(u32::MAX as usize)
    }

    pub(crate) fn name_bytes(&self) -> usize {
        self.max_name_bytes.min(u16::MAX as usize)
    }
}
