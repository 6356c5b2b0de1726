//! What the application feeds the engine.

use crate::tls::TlsInfo;

/// An input to [`Connection::handle_input`](super::Connection::handle_input).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input<'a> {
    /// Bytes read from the transport, in any chunking.
    Data(&'a [u8]),
    /// The transport's read side reached end of file.
    Eof,
    /// The deadline last returned by `poll_timeout` has passed (spurious calls are harmless).
    Timeout,
    /// The transport failed (reset, write error): the connection is closed at once.
    TransportFailed,
    /// External TLS mode: the application finished the handshake the engine asked for with
    /// [`Event::StartTls`](super::Event::StartTls); from now on `Data` is plaintext.
    TlsEstablished(TlsInfo),
}
