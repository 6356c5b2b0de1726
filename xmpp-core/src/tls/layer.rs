//! The embedded TLS layer. Design rule: every call into rustls lives in this module.
//!
//! It wraps rustls's *buffered* [`rustls::Connection`] behind a bytes-in/bytes-out API:
//! [`TlsLayer::receive`] takes ciphertext from the transport and yields plaintext,
//! [`TlsLayer::send`] takes plaintext and [`TlsLayer::take_ciphertext`] yields the records
//! to write. No I/O happens here. The only randomness is the application-chosen crypto
//! provider's, and the only clock read is the config's `TimeProvider` (certificate
//! validity), both chosen by the application when it builds the rustls config.

use std::io::{self, BufRead, Write};
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, Connection, ServerConfig, ServerConnection};

use super::{
    ChannelBindingData, TLS_EXPORTER_LABEL, TLS_EXPORTER_LEN, TlsError, TlsErrorKind, TlsInfo,
    TlsVersion, tls_server_end_point,
};

/// A client or server TLS session driven with byte slices.
///
/// rustls's own outgoing buffer limit is lifted: memory is bounded by the caller draining
/// [`take_ciphertext`](Self::take_ciphertext) after each [`send`](Self::send). Incoming
/// plaintext is drained on every record batch, so rustls's receive cap never blocks.
pub(crate) struct TlsLayer {
    conn: Connection,
    /// The server's own end-entity certificate (DER), for `tls-server-end-point`.
    own_cert_der: Option<Vec<u8>>,
    /// The first fatal error; every later call reports it again.
    failed: Option<TlsError>,
    /// Whether a close_notify from the peer has been processed.
    peer_closed: bool,
    /// Whether we queued our close_notify.
    closed: bool,
}

impl core::fmt::Debug for TlsLayer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TlsLayer")
            .field("server", &matches!(self.conn, Connection::Server(_)))
            .field("handshaking", &self.conn.is_handshaking())
            .field("failed", &self.failed)
            .field("peer_closed", &self.peer_closed)
            .finish_non_exhaustive()
    }
}

impl TlsLayer {
    /// Starts a client session to `server_name` (a DNS name or an IP address; for XMPP the
    /// domainpart of the JID, RFC 6120 §13.7.2.1). The ClientHello is ready in
    /// [`take_ciphertext`](Self::take_ciphertext) right away.
    pub(crate) fn client(config: Arc<ClientConfig>, server_name: &str) -> Result<Self, TlsError> {
        let name = ServerName::try_from(server_name.to_owned()).map_err(|e| {
            TlsError::new(
                TlsErrorKind::Config,
                format!("invalid server name {server_name:?}: {e}"),
            )
        })?;
        let conn = ClientConnection::new(config, name).map_err(|e| from_rustls(&e))?;
        Ok(Self::new(conn.into(), None))
    }

    /// Starts a server session. `own_cert_der` is the end-entity certificate the config
    /// presents (rustls does not expose which one it chose); without it the
    /// `tls-server-end-point` binding is unavailable.
    pub(crate) fn server(
        config: Arc<ServerConfig>,
        own_cert_der: Option<Vec<u8>>,
    ) -> Result<Self, TlsError> {
        let conn = ServerConnection::new(config).map_err(|e| from_rustls(&e))?;
        Ok(Self::new(conn.into(), own_cert_der))
    }

    fn new(mut conn: Connection, own_cert_der: Option<Vec<u8>>) -> Self {
        conn.set_buffer_limit(None);
        Self {
            conn,
            own_cert_der,
            failed: None,
            peer_closed: false,
            closed: false,
        }
    }

    /// Feeds `ciphertext` received from the peer and appends the decrypted application data
    /// to `plaintext`. Handshake replies become available in
    /// [`take_ciphertext`](Self::take_ciphertext).
    ///
    /// Bytes after the peer's close_notify are ignored (RFC 8446 §6.1). On error the session
    /// is dead: `plaintext` holds whatever was authenticated before the failure, and
    /// [`take_ciphertext`](Self::take_ciphertext) may hold an alert to send.
    pub(crate) fn receive(
        &mut self,
        mut ciphertext: &[u8],
        plaintext: &mut Vec<u8>,
    ) -> Result<(), TlsError> {
        self.check()?;
        while !ciphertext.is_empty() {
            // `read_tls` takes at most a few KiB per call, so loop over the slice.
            match self.conn.read_tls(&mut ciphertext) {
                Ok(0) => break, // close_notify already received
                Ok(_) => {}
                Err(e) => return Err(self.fail(io_error(&e))),
            }
            self.process(plaintext)?;
        }
        Ok(())
    }

    /// Decrypts what `read_tls` buffered and drains all plaintext into `plaintext`.
    fn process(&mut self, plaintext: &mut Vec<u8>) -> Result<(), TlsError> {
        let result = self.conn.process_new_packets();
        // Records before a failing one were authenticated: hand them over in any case.
        self.drain(plaintext);
        match result {
            Ok(state) => {
                self.peer_closed = state.peer_has_closed();
                Ok(())
            }
            Err(e) => Err(self.fail(from_rustls(&e))),
        }
    }

    /// Moves all buffered plaintext into `plaintext`.
    fn drain(&mut self, plaintext: &mut Vec<u8>) {
        let mut reader = self.conn.reader();
        loop {
            // `fill_buf` errs with WouldBlock when empty (or UnexpectedEof, which an
            // in-memory reader never causes); `Ok(&[])` after close_notify.
            match reader.fill_buf() {
                Ok(chunk) if !chunk.is_empty() => {
                    let n = chunk.len();
                    plaintext.extend_from_slice(chunk);
                    reader.consume(n);
                }
                _ => break,
            }
        }
    }

    /// Queues `plaintext` for the peer. Before the handshake completes it is held back and
    /// sent once the session is established. Fails with [`TlsErrorKind::Closed`] after
    /// [`close_notify`](Self::close_notify) (RFC 8446 §6.1: nothing may follow it).
    pub(crate) fn send(&mut self, plaintext: &[u8]) -> Result<(), TlsError> {
        self.check()?;
        if self.closed {
            return Err(TlsError::new(
                TlsErrorKind::Closed,
                "cannot send data after close_notify",
            ));
        }
        match self.conn.writer().write_all(plaintext) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(io_error(&e))),
        }
    }

    /// Appends every pending TLS record (handshake, application data, alerts) to `out`.
    pub(crate) fn take_ciphertext(&mut self, out: &mut Vec<u8>) {
        while self.conn.wants_write() {
            // Writing into a Vec cannot fail; stop rather than spin if it reports no progress.
            match self.conn.write_tls(out) {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }

    /// Whether TLS records are waiting for [`take_ciphertext`](Self::take_ciphertext).
    pub(crate) fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// Whether the handshake is still in progress.
    pub(crate) fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// Whether the peer sent close_notify: no more data will arrive (RFC 8446 §6.1).
    pub(crate) fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// Sends close_notify (RFC 8446 §6.1); the alert is then in
    /// [`take_ciphertext`](Self::take_ciphertext). No plaintext may be sent afterwards.
    pub(crate) fn close_notify(&mut self) {
        self.closed = true;
        self.conn.send_close_notify();
    }

    /// The channel facts, once the handshake is complete (`None` while handshaking or after
    /// a failure).
    pub(crate) fn info(&self) -> Option<TlsInfo> {
        if self.conn.is_handshaking() || self.failed.is_some() {
            return None;
        }
        let version = match self.conn.protocol_version()? {
            rustls::ProtocolVersion::TLSv1_3 => TlsVersion::Tls13,
            rustls::ProtocolVersion::TLSv1_2 => TlsVersion::Tls12,
            _ => return None, // rustls negotiates nothing else
        };
        let peer_certificates: Vec<Vec<u8>> = self
            .conn
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect();
        let server_cert = match &self.conn {
            Connection::Client(_) => peer_certificates.first().map(Vec::as_slice),
            Connection::Server(_) => self.own_cert_der.as_deref(),
        };
        // RFC 9266 §2: only TLS 1.3 guarantees unique master secrets without further checks.
        let tls_exporter = match version {
            TlsVersion::Tls13 => self
                .conn
                .export_keying_material([0u8; TLS_EXPORTER_LEN], TLS_EXPORTER_LABEL, Some(&[]))
                .ok()
                .map(|k| k.to_vec()),
            TlsVersion::Tls12 => None,
        };
        Some(TlsInfo {
            version,
            channel_binding: ChannelBindingData {
                tls_exporter,
                tls_server_end_point: server_cert.and_then(tls_server_end_point),
            },
            peer_certificates,
            alpn: self.conn.alpn_protocol().map(<[u8]>::to_vec),
        })
    }

    fn check(&self) -> Result<(), TlsError> {
        match &self.failed {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn fail(&mut self, error: TlsError) -> TlsError {
        self.failed = Some(error.clone());
        error
    }
}

/// Maps a rustls error to a [`TlsError`].
fn from_rustls(error: &rustls::Error) -> TlsError {
    use rustls::Error as E;
    let kind = match error {
        E::InvalidCertificate(_)
        | E::NoCertificatesPresented
        | E::UnsupportedNameType
        | E::InvalidCertRevocationList(_) => TlsErrorKind::Certificate,
        E::AlertReceived(_) => TlsErrorKind::Alert,
        E::PeerIncompatible(_) | E::NoApplicationProtocol => TlsErrorKind::Handshake,
        E::General(_) | E::FailedToGetCurrentTime | E::FailedToGetRandomBytes => {
            TlsErrorKind::Config
        }
        _ => TlsErrorKind::Protocol,
    };
    TlsError::new(kind, error.to_string())
}

/// Maps an I/O error from `read_tls`/`write_all` (only rustls's own buffer checks can fail
/// on in-memory readers and writers) to a [`TlsError`].
fn io_error(error: &io::Error) -> TlsError {
    TlsError::new(TlsErrorKind::Protocol, error.to_string())
}

#[cfg(test)]
#[path = "layer_tests.rs"]
mod tests;
