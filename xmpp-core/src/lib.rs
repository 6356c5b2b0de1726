//! A sans-IO XMPP protocol engine (RFC 6120/6121).
//!
//! `xmpp-core` is deterministic: bytes, time and randomness go in as arguments; bytes to
//! write, events and deadlines come out. It never opens a socket, reads a clock, spawns a
//! thread or seeds itself from the OS.
//!
//! What exists today is the XML stream layer ([`xml`]): an incremental reader that frames
//! stanzas with restricted-XML enforcement and limits, zero-copy element views, an escaping
//! writer, typed stanza views and builders ([`stanza`]), and the RFC 6120 error vocabulary
//! ([`error`]) with its XML form.

pub mod error;
pub mod stanza;
pub mod xml;

#[cfg(test)]
mod test_util;
