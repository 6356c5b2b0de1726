//! TLS plumbing: channel facts ([`TlsInfo`]), channel binding ([`tls_server_end_point`]) and,
//! with the `rustls` feature, the embedded TLS layer the connection drives.
//!
//! TLS is negotiated either with STARTTLS on the XMPP stream (RFC 6120 §5) or directly on
//! connect (XEP-0368). Either way the engine stays sans-IO: ciphertext goes in and out as
//! bytes. With the `rustls` feature the engine runs TLS itself from an application-supplied
//! `rustls::ClientConfig`/`ServerConfig` (the application picks the crypto provider);
//! otherwise the application terminates TLS and reports the result as a [`TlsInfo`].

mod der;
mod end_point;
mod error;
mod info;
#[cfg(feature = "rustls")]
#[cfg_attr(not(test), allow(dead_code))] // until the connection state machine drives it
mod layer;
#[cfg(all(test, feature = "rustls"))]
pub(crate) mod test_certs;

pub use end_point::tls_server_end_point;
pub use error::{TlsError, TlsErrorKind};
pub use info::{
    ALPN_XMPP_CLIENT, ALPN_XMPP_SERVER, ChannelBindingData, TLS_EXPORTER_LABEL, TLS_EXPORTER_LEN,
    TlsInfo, TlsVersion,
};
#[cfg(feature = "rustls")]
#[allow(unused_imports)] // until the connection state machine drives it
pub(crate) use layer::TlsLayer;
