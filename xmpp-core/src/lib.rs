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
//! §9.1's server, with TLS done by "the application" in external mode):
//!
//! ```
//! use std::time::{Duration, Instant};
//! use xmpp_core::sasl::Mechanism;
//! use xmpp_core::tls::{ChannelBindingData, TlsInfo, TlsVersion};
//! use xmpp_core::{ClientConfig, Connection, Event, Input};
//!
//! let config = ClientConfig::new("juliet@im.example.com".parse()?)
//!     .with_password("r0m30myr0m30")
//!     .with_resource("balcony")
//!     .with_mechanisms([Mechanism::ScramSha1])
//!     // RFC 6120 §9.1's nonce, to replay its exchange; never fix a nonce in production.
//!     .with_scram_nonce("oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA")
//!     .with_rng_seed([7; 32]); // adapters pass 32 bytes from the OS
//! let mut now = Instant::now();
//! let mut conn = Connection::client(config, now);
//!
//! let header = "<stream:stream from='im.example.com' id='x' version='1.0' \
//!     xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
//! let sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
//! let server_says = [
//!     format!("{header}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\
//!              </stream:features>"),
//!     "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>".to_owned(),
//!     format!("{header}<stream:features><mechanisms xmlns='{sasl}'>\
//!              <mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>"),
//!     format!("<challenge xmlns='{sasl}'>cj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQWUxMjQ2\
//!              OTViLTY5YTktNGRlNi05YzMwLWI1MWIzODA4YzU5ZSxzPU5qaGtZVE0wTURndE5HWTBaaTAwTmpkbUxU\
//!              a3hNbVV0TkRsbU5UTm1ORE5rTURNeixpPTQwOTY=</challenge>"),
//!     format!("<success xmlns='{sasl}'>dj1wTk5ERlZFUXh1WHhDb1NFaVc4R0VaKzFSU289</success>\
//!              {header}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>\
//!              </stream:features>"),
//!     // The bind result echoes the id of our request: filled in below.
//!     "<iq id='{id}' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
//!      <jid>juliet@im.example.com/balcony</jid></bind></iq>".to_owned(),
//! ];
//!
//! let mut written = String::new(); // what a real loop writes to the socket
//! let mut online = None;
//! for reply in server_says {
//!     // 1. Drain everything the engine produced.
//!     while let Some(bytes) = conn.poll_transmit() {
//!         written.push_str(std::str::from_utf8(&bytes)?);
//!     }
//!     while let Some(event) = conn.poll_event() {
//!         match event {
//!             // External TLS mode: do the handshake on the socket, then report it.
//!             Event::StartTls => conn.handle_input(now, Input::TlsEstablished(TlsInfo {
//!                 version: TlsVersion::Tls13,
//!                 channel_binding: ChannelBindingData::default(),
//!                 peer_certificates: Vec::new(),
//!                 alpn: None,
//!             }))?,
//!             Event::Online { jid } => online = Some(jid),
//!             Event::Closed(reason) => panic!("closed: {reason:?}"),
//!             _ => {}
//!         }
//!     }
//!     while let Some(bytes) = conn.poll_transmit() {
//!         written.push_str(std::str::from_utf8(&bytes)?);
//!     }
//!     // 2. Arm the timer (a real loop sleeps until then and feeds Input::Timeout).
//!     assert!(conn.poll_timeout().is_some_and(|t| t > now));
//!     now += Duration::from_millis(10);
//!     // 3. Feed what the socket delivered.
//!     let id = written.rsplit("<iq id='").next().and_then(|s| s.split('\'').next());
//!     let reply = reply.replace("{id}", id.unwrap_or_default());
//!     conn.handle_input(now, Input::Data(reply.as_bytes()))?;
//! }
//! while let Some(event) = conn.poll_event() {
//!     if let Event::Online { jid } = event {
//!         online = Some(jid);
//!     }
//! }
//! assert_eq!(online.unwrap().as_str(), "juliet@im.example.com/balcony");
//! // Our SCRAM response is RFC 6120 §9.1's, proof `p=UA57tM/SvpATBkH2FXs0WDXvJYw=` included.
//! assert!(written.contains("Yz1iaXdzLHI9b01zVEFBd0FBQUFNQUFBQU5QMFRBQUFBQUFCUFUwQUFlMTI0Njk1Yi02OWE5\
//!     LTRkZTYtOWMzMC1iNTFiMzgwOGM1OWUscD1VQTU3dE0vU3ZwQVRCa0gyRlhzMFdEWHZKWXc9"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # A minimal accept loop (server role)
//!
//! The server asks its application (credentials, resources) through events and takes the
//! answers through method calls, so the application may look things up asynchronously:
//!
//! ```
//! use std::time::Instant;
//! use xmpp_core::sasl::{ScramKeys, ScramHash};
//! use xmpp_core::{AuthAnswer, AuthRequest, BindAnswer, Connection, Event, Input, ServerConfig, TlsPolicy};
//!
//! let config = ServerConfig::new("im.example.com")
//!     .with_tls_policy(TlsPolicy::Disabled) // a test; use with_rustls(...) in production
//!     .with_plain_without_tls(true)
//!     .with_rng_seed([9; 32]);
//! let now = Instant::now();
//! let mut conn = Connection::server(config, now);
//! let client = "<stream:stream to='im.example.com' version='1.0' xmlns='jabber:client' \
//!     xmlns:stream='http://etherx.jabber.org/streams'>\
//!     <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>";
//! conn.handle_input(now, Input::Data(client.as_bytes()))?;
//! let mut out = Vec::new();
//! loop {
//!     while let Some(bytes) = conn.poll_transmit() {
//!         out.extend_from_slice(&bytes); // write to the socket
//!     }
//!     let Some(event) = conn.poll_event() else { break };
//!     match event {
//!         Event::AuthRequest(AuthRequest::Plain { username, password }) => {
//!             // Look the account up (here: one stored SCRAM key set; the engine checks).
//!             let keys = ScramKeys::derive(ScramHash::Sha256, "r0m30myr0m30", b"salt", 4096)?;
//!             assert_eq!(username, "juliet");
//!             let _ = password;
//!             conn.answer_auth(now, AuthAnswer::Keys(Some(keys)))?;
//!         }
//!         Event::BindRequest { proposed, .. } => conn.answer_bind(now, BindAnswer::Accept(proposed))?,
//!         Event::Stanza(stanza) => println!("route {}", stanza.as_str()),
//!         _ => {}
//!     }
//! }
//! assert!(String::from_utf8(out)?.contains("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"));
//! assert!(conn.is_authenticated());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
