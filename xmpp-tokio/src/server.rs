//! The server role: accept a byte stream (a `TcpStream` from a listener) into a server-role
//! engine [`Connection`], with the application deciding credentials and resources.
//!
//! The engine asks its two questions as events (DESIGN §5); the adapter turns them into
//! calls of the application's [`Authenticator`], whose answers are futures. The driver
//! polls such a future in its `select!` next to the socket, the timer and the commands, so a
//! slow database never blocks the loop: the engine holds the client's input meanwhile and
//! the negotiation timeout still applies.
//!
//! ```no_run
//! use std::sync::Arc;
//! use xmpp_core::sasl::{ScramHash, ScramKeys};
//! use xmpp_core::{AuthAnswer, AuthRequest, Event};
//! use xmpp_tokio::server::{Authenticator, BoxFuture, ServerOptions};
//! use xmpp_tokio::ServerIdentity;
//!
//! /// One account, alice / alicepass, with SCRAM keys for every hash.
//! struct OneUser(Vec<ScramKeys>);
//!
//! impl Authenticator for OneUser {
//!     fn authenticate(&self, request: AuthRequest) -> BoxFuture<AuthAnswer> {
//!         let answer = match request {
//!             AuthRequest::Scram { mechanism, username } if username == "alice" => {
//!                 let keys = self.0.iter().find(|k| Some(k.hash) == mechanism.scram_hash());
//!                 AuthAnswer::Keys(keys.cloned())
//!             }
//!             AuthRequest::Scram { .. } => AuthAnswer::Keys(None), // unknown: decoy exchange
//!             // PLAIN: let the engine check the password against the stored keys.
//!             AuthRequest::Plain { username, .. } if username == "alice" => {
//!                 AuthAnswer::Keys(self.0.first().cloned())
//!             }
//!             _ => AuthAnswer::Reject(xmpp_core::sasl::SaslCondition::NotAuthorized),
//!         };
//!         Box::pin(async move { answer })
//!     }
//! }
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = [ScramHash::Sha1, ScramHash::Sha256, ScramHash::Sha512]
//!     .into_iter()
//!     .map(|h| ScramKeys::derive(h, "alicepass", b"some salt", 4096))
//!     .collect::<Result<Vec<_>, _>>()?;
//! let auth: Arc<dyn Authenticator> = Arc::new(OneUser(keys));
//! let identity = ServerIdentity::from_pem_files("localhost.crt", "localhost.key")?;
//! let options = ServerOptions::new("localhost", &identity)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:5222").await?;
//! loop {
//!     let (socket, _) = listener.accept().await?;
//!     let (options, auth) = (options.clone(), Arc::clone(&auth));
//!     tokio::spawn(async move {
//!         let Ok(mut conn) = options.accept(socket, auth).await else { return };
//!         println!("{} online with {:?}", conn.jid(), conn.mechanism());
//!         while let Some(event) = conn.next_event().await {
//!             if let Event::Stanza(stanza) = event {
//!                 println!("route {}", stanza.as_str());
//!             }
//!         }
//!     });
//! }
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use xmpp_core::sasl::Mechanism;
use xmpp_core::tls::TlsInfo;
use xmpp_core::{AuthAnswer, AuthRequest, BindAnswer, CloseReason, Connection, Event, Jid};
use xmpp_core::{ServerConfig, TlsPolicy};

use crate::driver::{self};
use crate::{Error, Handle, ServerIdentity};

/// A boxed, sendable future: what [`Authenticator`] methods return (`Box::pin(async move
/// { ... })`).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The engine's bind question ([`Event::BindRequest`]) with the account it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindQuestion {
    /// The authenticated account (a bare JID).
    pub account: Jid,
    /// The resource the client asked for (`None`: the server assigns one).
    pub requested: Option<String>,
    /// The resource the engine proposes: the requested one, prepared, or a random one.
    pub proposed: String,
}

/// The application's side of a server-role connection: decides credentials and resources.
///
/// Each method returns a future (box an `async move` block); the connection's driver polls
/// it alongside its socket, timer and commands, so the application may consult a database
/// or another task without blocking the connection. Only one question is pending per
/// connection at a time; the client's further input waits for the answer.
pub trait Authenticator: Send + Sync + 'static {
    /// A client presented credentials ([`AuthRequest`]): answer with the account's stored
    /// SCRAM keys ([`AuthAnswer::Keys`], `None` for an unknown account), or a verdict
    /// ([`AuthAnswer::Accept`] / [`AuthAnswer::Reject`]). An answer that does not fit the
    /// request is replaced by `temporary-auth-failure`.
    fn authenticate(&self, request: AuthRequest) -> BoxFuture<AuthAnswer>;

    /// The client asks to bind a resource: accept one (the proposed one, or a replacement,
    /// RFC 6120 §7.7.2.2) or refuse (e.g. `conflict`). The default accepts the proposed
    /// resource. An invalid resource is replaced by an `internal-server-error` refusal.
    fn bind(&self, question: BindQuestion) -> BoxFuture<BindAnswer> {
        Box::pin(async move { BindAnswer::Accept(question.proposed) })
    }
}

/// How to accept client connections: the engine's [`ServerConfig`] (domain, TLS,
/// mechanisms, timeouts) plus the adapter's settings. Cheap to clone; one value serves every
/// connection of a listener.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    config: ServerConfig,
    event_capacity: usize,
}

impl ServerOptions {
    /// A server for `domain` presenting `identity` (TLS by the engine's embedded rustls,
    /// `ring` provider, TLS 1.3 and 1.2), with the engine's defaults: STARTTLS required,
    /// SCRAM-SHA-512/256/1 with their `-PLUS` variants (`tls-exporter` on TLS 1.3,
    /// `tls-server-end-point` from the identity's certificate) and PLAIN over TLS. One
    /// decoy secret from the OS is shared by every connection, so probing an unknown user
    /// shows the same SCRAM salt each time.
    pub fn new(domain: impl Into<String>, identity: &ServerIdentity) -> Result<Self, Error> {
        let rustls = identity.server_config()?;
        let cert = identity.chain.first().map(|c| c.as_ref().to_vec());
        let config = ServerConfig::new(domain)
            .with_rustls(rustls, cert)
            .with_decoy_secret(crate::os_seed().to_vec(), 4096);
        Ok(ServerOptions {
            config,
            event_capacity: 256,
        })
    }

    /// A server for `domain` without TLS, offering PLAIN and SCRAM in the clear: tests on
    /// loopback only.
    pub fn insecure(domain: impl Into<String>) -> Self {
        let config = ServerConfig::new(domain)
            .with_tls_policy(TlsPolicy::Disabled)
            .with_plain_without_tls(true)
            .with_decoy_secret(crate::os_seed().to_vec(), 4096);
        ServerOptions {
            config,
            event_capacity: 256,
        }
    }

    /// Adjusts the engine configuration (more domains, mechanisms, timeouts, limits, ...).
    /// The adapter sets a fresh seed from the operating system on every connection; a seed
    /// set here is replaced.
    pub fn map_config(mut self, f: impl FnOnce(ServerConfig) -> ServerConfig) -> Self {
        self.config = f(self.config);
        self
    }

    /// Whether the listener speaks direct TLS (XEP-0368: the handshake starts at byte 0,
    /// ALPN `xmpp-client`) instead of STARTTLS (default).
    pub fn with_direct_tls(mut self, direct: bool) -> Self {
        self.config = self.config.with_direct_tls(direct);
        self
    }

    /// Events buffered for the application before the adapter stops reading from the
    /// socket (default 256).
    pub fn with_event_capacity(mut self, capacity: usize) -> Self {
        self.event_capacity = capacity.max(1);
        self
    }

    /// Runs the server side of the negotiation over `io` (typically an accepted
    /// `TcpStream`) until the client is online, asking `authenticator` for credentials and
    /// the resource. Fails with the engine's reason if the client leaves or is refused
    /// (wrong password, a TLS ClientHello on the STARTTLS port, a negotiation timeout, ...).
    pub async fn accept<S>(
        &self,
        io: S,
        authenticator: Arc<dyn Authenticator>,
    ) -> Result<ServerConnection, Error>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let config = self.config.clone().with_rng_seed(crate::os_seed());
        let conn = Connection::server(config, driver::now());
        let started = driver::start(conn, io, self.event_capacity, Some(authenticator)).await?;
        Ok(ServerConnection {
            handle: started.handle,
            events: started.events,
            jid: started.online.jid,
            tls: started.online.tls,
            mechanism: started.online.mechanism,
            task: Some(started.task),
        })
    }
}

/// An accepted, online client connection: a [`Handle`] to send to the client with (also
/// available as a cloneable [`handle`](Self::handle), e.g. for a routing table) and a
/// stream of [`Event`]s ([`next_event`](Self::next_event), or the
/// [`futures_core::Stream`] implementation).
///
/// [`Event::Stanza`] carries what the client sent, with `from` checked or stamped to its
/// full JID (RFC 6120 §8.1.2.1); the engine itself answers pings to the server and
/// legacy session requests. [`Event::Closed`] comes last, then the stream ends. Dropping
/// every handle and the connection closes the stream gracefully in the background.
#[derive(Debug)]
pub struct ServerConnection {
    handle: Handle,
    events: mpsc::Receiver<Event>,
    jid: Jid,
    tls: Option<TlsInfo>,
    mechanism: Option<Mechanism>,
    task: Option<JoinHandle<Result<CloseReason, Error>>>,
}

crate::session::online_api!(ServerConnection);

impl ServerConnection {}
