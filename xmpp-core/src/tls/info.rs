//! What the engine needs to know about an established TLS channel.
//!
//! With embedded TLS (feature `rustls`) the engine fills [`TlsInfo`] itself. An application
//! that terminates TLS *outside* the engine (its own TLS stack, a proxy, a kernel TLS socket)
//! builds a [`TlsInfo`] once its handshake completes and hands it to the engine; the field
//! docs say how to fill each one.

/// TLS protocol version of an established channel.
///
/// Only 1.2 and 1.3 are represented: RFC 7590 §3 adopts RFC 7525, which steers away from
/// older versions, and the embedded layer (rustls) speaks nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsVersion {
    /// TLS 1.2 (RFC 5246).
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

/// Label of the `tls-exporter` channel binding (RFC 9266 §2), without terminating NUL.
pub const TLS_EXPORTER_LABEL: &[u8] = b"EXPORTER-Channel-Binding";

/// Length in bytes of the `tls-exporter` channel binding (RFC 9266 §2).
pub const TLS_EXPORTER_LEN: usize = 32;

/// ALPN protocol name for client-to-server direct TLS (XEP-0368 §3).
pub const ALPN_XMPP_CLIENT: &[u8] = b"xmpp-client";

/// ALPN protocol name for server-to-server direct TLS (XEP-0368 §3).
pub const ALPN_XMPP_SERVER: &[u8] = b"xmpp-server";

/// Channel binding values of a TLS channel, for SASL `*-PLUS` mechanisms.
///
/// `None` means "not available on this channel"; the engine then does not offer or use the
/// corresponding channel binding type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelBindingData {
    /// `tls-exporter` (RFC 9266 §2): the keying-material exporter (RFC 5705, RFC 8446 §7.5)
    /// called with label [`TLS_EXPORTER_LABEL`], a zero-length context and output length
    /// [`TLS_EXPORTER_LEN`] (32 bytes).
    ///
    /// Fill it **only on TLS 1.3**. RFC 9266 §2 and §4.2 also allow TLS 1.2 when the extended
    /// master secret extension (RFC 7627) is in use and renegotiation is disabled; this engine
    /// does not check those conditions, so the embedded TLS layer leaves this `None` on TLS 1.2
    /// and external-TLS applications should do the same unless they can guarantee both.
    pub tls_exporter: Option<Vec<u8>>,
    /// `tls-server-end-point` (RFC 5929 §4.1): the hash of the server's end-entity
    /// certificate exactly as sent in the TLS Certificate message, with the hash function of
    /// the certificate's `signatureAlgorithm` (MD5 and SHA-1 replaced by SHA-256).
    ///
    /// Compute it with [`tls_server_end_point`](super::tls_server_end_point) from the DER of
    /// the server certificate: the peer's first certificate on a client, the own certificate
    /// on a server. Valid on TLS 1.2 and 1.3. `None` when that function returns `None`.
    pub tls_server_end_point: Option<Vec<u8>>,
}

/// Facts about an established TLS channel, as the engine consumes them.
///
/// A client running TLS 1.3 outside the engine would report:
///
/// ```
/// use xmpp_core::tls::{
///     ALPN_XMPP_CLIENT, ChannelBindingData, TLS_EXPORTER_LABEL, TlsInfo, TlsVersion,
///     tls_server_end_point,
/// };
/// # let chain: Vec<Vec<u8>> = Vec::new();
/// # let export = |_label: &[u8], _context: &[u8], len: usize| vec![0u8; len];
/// // `chain`: the server's certificates (DER, end entity first) from the TLS stack;
/// // `export`: its RFC 5705 / RFC 8446 §7.5 keying-material exporter.
/// let info = TlsInfo {
///     version: TlsVersion::Tls13,
///     channel_binding: ChannelBindingData {
///         tls_exporter: Some(export(TLS_EXPORTER_LABEL, b"", 32)),
///         tls_server_end_point: chain.first().and_then(|cert| tls_server_end_point(cert)),
///     },
///     peer_certificates: chain,
///     alpn: Some(ALPN_XMPP_CLIENT.to_vec()),
/// };
/// assert!(info.is_tls13());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    /// Negotiated protocol version.
    pub version: TlsVersion,
    /// Channel binding values (see [`ChannelBindingData`] for how to compute each one).
    pub channel_binding: ChannelBindingData,
    /// The certificate chain the *peer* presented, DER-encoded, end-entity certificate first,
    /// as received in its TLS Certificate message. Empty when the peer sent none (a client
    /// without client authentication). Validation is the TLS stack's job: the engine only
    /// reads these (for example to check a server-to-server peer's identity).
    pub peer_certificates: Vec<Vec<u8>>,
    /// The negotiated ALPN protocol (RFC 7301), if any, e.g. [`ALPN_XMPP_CLIENT`] on direct
    /// TLS (XEP-0368).
    pub alpn: Option<Vec<u8>>,
}

impl TlsInfo {
    /// Whether the channel runs TLS 1.3.
    #[must_use]
    pub fn is_tls13(&self) -> bool {
        self.version == TlsVersion::Tls13
    }
}
