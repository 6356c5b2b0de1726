//! A sans-IO XMPP protocol engine (RFC 6120/6121).
//!
//! `xmpp-core` is deterministic: bytes, time and randomness go in as arguments; bytes to
//! write, events and deadlines come out. It never opens a socket, reads a clock, spawns a
//! thread or seeds itself from the OS.
//!
//! What exists today is the XML stream layer ([`xml`]): an incremental reader that frames
//! stanzas with restricted-XML enforcement and limits, zero-copy element views, an escaping
//! writer, typed stanza views and builders ([`stanza`]), the RFC 6120 error vocabulary
//! ([`error`]) with its XML form, and RFC 7622 JIDs ([`Jid`]).

pub mod connection;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod jid;
mod rng;
pub mod sasl;
pub mod stanza;
pub mod tls;
pub mod xml;

pub use connection::{
    AuthAnswer, AuthRequest, BindAnswer, ClientConfig, CloseReason, Connection, Event, Input,
    Output, SendError, ServerConfig, TlsMode, TlsPolicy,
};
pub use jid::Jid;

#[cfg(test)]
mod test_util;
