//! A sans-IO XMPP protocol engine (RFC 6120/6121).
//!
//! `xmpp-core` is deterministic: bytes, time and randomness go in as arguments; bytes to
//! write, events and deadlines come out. It never opens a socket, reads a clock, spawns a
//! thread or seeds itself from the OS (CI enforces it), so it runs under any event loop,
//! a server's own loop, or a test in virtual time.
//!
//! ```text
//!             handle_input(now, Data | Eof | Timeout | TransportFailed | TlsEstablished)
//!  socket ──►──────────────────────────────────────────────┐
//!                                                     ┌────▼─────┐  send / send_iq / close
//!                                                     │Connection│◄─ answer_auth / answer_bind
//!                                                     └────┬─────┘
//!  socket ◄── poll_transmit() ◄────────────────────────────┤
//!  app    ◄── poll_event()    ◄── Secured, Online, Stanza, IqResponse, Closed, ...
//!  timer  ◄── poll_timeout()  ◄────────────────────────────┘
//! ```
//!
//! Layers: [`connection`] (the state machine, client and server roles), [`sasl`]
//! (SCRAM-SHA-1/256/512 with and without channel binding, PLAIN, EXTERNAL, ANONYMOUS),
//! [`tls`] (channel-binding data; embedded rustls behind the `rustls` feature), [`xml`]
//! (incremental reader with restricted-XML enforcement and limits, zero-copy elements,
//! escaping writer), [`stanza`] (typed views and builders), [`error`] (the RFC 6120 error
//! vocabulary) and [`Jid`] (RFC 7622).
//!
//! # The drive loop
//!
//! After every input or command: drain `poll_transmit` to the socket, drain `poll_event`,
//! then arm a timer at `poll_timeout`. This logs in against canned server bytes (RFC 6120
//! §9.1's server, with TLS done by "the application" in external mode). The examples are
//! application code, kept in `xmpp-core/docs/`: they take `now` from the clock, which the
//! engine itself never reads.
//!
#![doc = include_str!("../docs/client_login.md")]
//!
//! # A minimal accept loop (server role)
//!
//! The server asks its application (credentials, resources) through events and takes the
//! answers through method calls, so the application may look things up asynchronously:
//!
#![doc = include_str!("../docs/server_accept.md")]

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
