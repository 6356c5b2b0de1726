//! A sans-IO XMPP protocol engine (RFC 6120/6121).
//!
//! `xmpp-core` is deterministic: bytes, time and randomness go in as arguments; bytes to
//! write, events and deadlines come out. It never opens a socket, reads a clock, spawns a
//! thread or seeds itself from the OS.

pub mod jid;
pub use jid::Jid;
