//! The byte pipe under the XML stream: the outbound wire queue and, in embedded mode, the
//! rustls layer that turns plaintext into records and back.

use bytes::Bytes;

use crate::tls::TlsError;
#[cfg(feature = "rustls")]
use crate::tls::TlsInfo;
#[cfg(feature = "rustls")]
use crate::tls::TlsLayer;

/// Outbound bytes waiting for `poll_transmit`, plus the TLS layer once started.
#[derive(Debug, Default)]
pub(crate) struct Transport {
    wire: Vec<u8>,
    #[cfg(feature = "rustls")]
    scratch: Vec<u8>,
    #[cfg(feature = "rustls")]
    tls: Option<TlsLayer>,
}

impl Transport {
    /// Bytes queued for the wire.
    pub(crate) fn queued(&self) -> usize {
        self.wire.len()
    }

    /// Takes everything queued for the wire.
    pub(crate) fn take(&mut self) -> Option<Bytes> {
        if self.wire.is_empty() {
            None
        } else {
            Some(Bytes::from(std::mem::take(&mut self.wire)))
        }
    }

    /// Drops queued output (the transport is gone).
    pub(crate) fn discard(&mut self) {
        self.wire.clear();
    }

    /// Whether an embedded TLS layer carries the stream.
    #[cfg(feature = "rustls")]
    pub(crate) fn has_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Writes plaintext produced by `f` to the stream (encrypted when TLS is embedded).
    pub(crate) fn write_with(&mut self, f: impl FnOnce(&mut Vec<u8>)) -> Result<(), TlsError> {
        #[cfg(feature = "rustls")]
        if let Some(tls) = &mut self.tls {
            self.scratch.clear();
            f(&mut self.scratch);
            tls.send(&self.scratch)?;
            tls.take_ciphertext(&mut self.wire);
            return Ok(());
        }
        f(&mut self.wire);
        Ok(())
    }

    /// Starts embedded TLS as a client: the ClientHello is queued.
    #[cfg(feature = "rustls")]
    pub(crate) fn start_client_tls(
        &mut self,
        config: std::sync::Arc<rustls::ClientConfig>,
        server_name: &str,
    ) -> Result<(), TlsError> {
        let mut tls = TlsLayer::client(config, server_name)?;
        tls.take_ciphertext(&mut self.wire);
        self.tls = Some(tls);
        Ok(())
    }

    /// Starts embedded TLS as a server (the client's ClientHello comes next).
    #[cfg(feature = "rustls")]
    pub(crate) fn start_server_tls(
        &mut self,
        config: std::sync::Arc<rustls::ServerConfig>,
        cert_der: Option<Vec<u8>>,
    ) -> Result<(), TlsError> {
        self.tls = Some(TlsLayer::server(config, cert_der)?);
        Ok(())
    }

    /// Feeds received ciphertext to the embedded TLS layer (only when
    /// [`has_tls`](Self::has_tls)): plaintext is appended to `plain`, handshake replies
    /// are queued. Returns the handshake result the first time the handshake completes.
    #[cfg(feature = "rustls")]
    pub(crate) fn receive_tls(
        &mut self,
        data: &[u8],
        plain: &mut Vec<u8>,
    ) -> Result<Option<TlsInfo>, TlsError> {
        let Some(tls) = &mut self.tls else {
            plain.extend_from_slice(data);
            return Ok(None);
        };
        let was_handshaking = tls.is_handshaking();
        let result = tls.receive(data, plain);
        tls.take_ciphertext(&mut self.wire);
        result?;
        Ok(if was_handshaking && !tls.is_handshaking() {
            tls.info()
        } else {
            None
        })
    }

    /// Sends TLS close_notify after our last bytes, if TLS is embedded.
    pub(crate) fn close_tls(&mut self) {
        #[cfg(feature = "rustls")]
        if let Some(tls) = &mut self.tls {
            tls.close_notify();
            tls.take_ciphertext(&mut self.wire);
        }
    }
}
