//! Tokio adapter for the [`xmpp_core`] sans-IO XMPP engine.
//!
//! The engine decides everything XMPP; this crate only moves bytes and time (DESIGN §7):
//!
//! ```text
//!   socket ──read_buf──▶ Connection::handle_input ──▶ poll_event ──▶ Client (Stream of Event)
//!   socket ◀─write_all_buf── poll_transmit ◀── Connection::send ◀── Handle::send
//!   tokio::time::sleep_until(poll_timeout) ──▶ Input::Timeout
//! ```
//!
//! - [`ClientOptions::connect`]: DNS SRV (`_xmpps-client._tcp` for direct TLS with ALPN
//!   `xmpp-client`, XEP-0368, and `_xmpp-client._tcp` for STARTTLS) ordered per RFC 2782
//!   ([`srv`]), falling back to the domain on port 5222, or an explicit host and port; TLS
//!   by the engine's embedded rustls with the `ring` provider and Mozilla's, the
//!   platform's or only the application's trust anchors ([`TlsOptions`]).
//! - [`Client`]: the online connection, a `Stream` of engine [`Event`](xmpp_core::Event)s;
//!   [`Handle`]: sends with backpressure, request/response for iqs, close.
//! - Server role ([`server`]): [`ServerOptions::accept`] runs the receiving side over an
//!   accepted socket; the application answers credential and bind questions through an
//!   [`Authenticator`] whose answers are futures; [`ServerConnection`] is the online client
//!   (a `Stream` of events and a [`Handle`]).
//! - Errors ([`Error`]) wrap I/O failures and the engine's
//!   [`CloseReason`](xmpp_core::CloseReason).
//!
//! # The loop
//!
//! One task per connection runs a single `select!` whose branches are all cancel-safe:
//!
//! - read with `read_buf`, only while the engine's `wants_read()` (it turns false while
//!   the application has not taken its events: backpressure towards the peer);
//! - write with `write_all_buf` on at most one pending chunk (it advances the buffer, so a
//!   cancelled write loses nothing); the next chunk is taken from the engine only once this
//!   one is written, so the engine's bounded queue fills and [`Handle::send`] waits;
//! - `sleep_until` the engine's `poll_timeout()`, then `Input::Timeout`;
//! - commands from the handles over a bounded channel;
//! - delivery of an event the bounded event channel had no room for.
//!
//! After every input or command the engine is drained as its contract says
//! (`poll_transmit`, `poll_event`, `poll_timeout`). The clock is tokio's
//! (`tokio::time::Instant::now().into_std()`), so tests under `tokio::time::pause()` run in
//! virtual time, and the engine's seed comes from the operating system ([`os_seed`]).
//!
//! ```no_run
//! use xmpp_core::stanza::{Message, MessageType};
//! use xmpp_core::Event;
//! use xmpp_tokio::{ClientOptions, Security, TlsOptions};
//!
//! # async fn demo() -> Result<(), xmpp_tokio::Error> {
//! let mut client = ClientOptions::new("alice@localhost".parse().unwrap(), "alicepass")
//!     .with_server("127.0.0.1", 5222, Security::StartTls)
//!     .with_tls(TlsOptions::empty().add_ca_pem_file("ca.pem")?)
//!     .connect()
//!     .await?;
//! let hello = Message::builder()
//!     .with_type(MessageType::Chat)
//!     .with_to("bob@localhost")
//!     .with_body("hello")
//!     .build();
//! client.send(hello).await?;
//! while let Some(event) = client.next_event().await {
//!     if let Event::Stanza(stanza) = event {
//!         println!("{}", stanza.as_str());
//!         break;
//!     }
//! }
//! client.close().await?;
//! # Ok(()) }
//! ```

mod client;
mod driver;
mod error;
mod seed;
pub mod server;
mod session;
pub mod srv;
mod tls;

pub use client::{Client, ClientOptions, Handle};
pub use error::{ConnectAttempt, DisplayReason, Error};
pub use seed::os_seed;
pub use server::{Authenticator, ServerConnection, ServerOptions};
pub use srv::Security;
pub use tls::{ServerIdentity, TlsOptions};

/// The rustls version this crate builds its configurations with (for
/// [`TlsOptions::with_versions`] and custom configurations).
pub use rustls;
