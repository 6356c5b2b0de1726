//! The client: connect (SRV or an explicit host), then a handle to send and a stream of
//! events.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use xmpp_core::sasl::Mechanism;
use xmpp_core::tls::TlsInfo;
use xmpp_core::xml::{Element, XmlElement};
use xmpp_core::{ClientConfig, CloseReason, Connection, Event, Jid};

use crate::driver::{self, Command, Shared};
use crate::error::ConnectAttempt;
use crate::srv::{self, Security, Target};
use crate::{Error, TlsOptions};

/// How to reach and authenticate to a server; [`connect`](Self::connect) opens the
/// connection.
///
/// ```no_run
/// # async fn demo() -> Result<(), xmpp_tokio::Error> {
/// use xmpp_tokio::{ClientOptions, Security, TlsOptions};
/// let jid = "alice@localhost".parse().unwrap();
/// let client = ClientOptions::new(jid, "alicepass")
///     .with_server("127.0.0.1", 5222, Security::StartTls) // no SRV look-up
///     .with_tls(TlsOptions::empty().add_ca_pem_file("ca.pem")?)
///     .connect()
///     .await?;
/// println!("online as {}", client.jid());
/// client.close().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ClientOptions {
    jid: Jid,
    config: ClientConfig,
    server: Option<Target>,
    tls: TlsOptions,
    name_servers: Option<Vec<SocketAddr>>,
    connect_timeout: Duration,
    event_capacity: usize,
}

impl ClientOptions {
    /// Options for the account `jid` with `password`: the engine's defaults (TLS required,
    /// SCRAM with channel binding preferred, ...), SRV look-up of the JID's domain,
    /// Mozilla's trust anchors.
    pub fn new(jid: Jid, password: impl Into<String>) -> Self {
        let config = ClientConfig::new(jid.clone()).with_password(password);
        ClientOptions {
            jid,
            config,
            server: None,
            tls: TlsOptions::default(),
            name_servers: None,
            connect_timeout: Duration::from_secs(10),
            event_capacity: 256,
        }
    }

    /// Adjusts the engine configuration (mechanisms, channel-binding policy, resource,
    /// timeouts, ...). The adapter then sets the TLS mode (embedded rustls), direct TLS per
    /// target and a seed from the operating system; settings of those three made here are
    /// replaced.
    pub fn map_config(mut self, f: impl FnOnce(ClientConfig) -> ClientConfig) -> Self {
        self.config = f(self.config);
        self
    }

    /// Connects to `host:port` instead of looking up SRV records; `security` says whether
    /// the port speaks STARTTLS or direct TLS. The TLS server name is still the JID's
    /// domain (RFC 6120 §13.7.2.1).
    pub fn with_server(mut self, host: impl Into<String>, port: u16, security: Security) -> Self {
        self.server = Some(Target {
            host: host.into(),
            port,
            security,
        });
        self
    }

    /// Trust anchors and TLS versions (default [`TlsOptions::webpki`]).
    pub fn with_tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }

    /// DNS servers for the SRV look-up instead of the system's configuration.
    pub fn with_name_servers(mut self, servers: Vec<SocketAddr>) -> Self {
        self.name_servers = Some(servers);
        self
    }

    /// Time allowed for each TCP connection attempt (default 10 s).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Events buffered for the application before the adapter stops reading from the
    /// socket (default 256).
    pub fn with_event_capacity(mut self, capacity: usize) -> Self {
        self.event_capacity = capacity.max(1);
        self
    }

    /// The targets to try, in order: the explicit server, or the SRV answer.
    pub async fn targets(&self) -> Result<Vec<Target>, Error> {
        match &self.server {
            Some(t) => Ok(vec![t.clone()]),
            None => srv::resolve(self.jid.domain(), self.name_servers.as_deref()).await,
        }
    }

    /// Opens the connection and negotiates until online (TLS, SASL, bind). Targets are
    /// tried in order until a TCP connection opens; a failure after that (TLS, SASL, ...)
    /// is returned as is, without trying the next target.
    pub async fn connect(self) -> Result<Client, Error> {
        let targets = self.targets().await?;
        let mut attempts = Vec::new();
        for target in targets {
            let name = format!("{}:{}", target.host, target.port);
            let addrs = match tokio::net::lookup_host((target.host.as_str(), target.port)).await {
                Ok(a) => a.collect::<Vec<_>>(),
                Err(error) => {
                    attempts.push(ConnectAttempt {
                        target: name,
                        error,
                    });
                    continue;
                }
            };
            for addr in addrs {
                let attempt = tokio::time::timeout(self.connect_timeout, TcpStream::connect(addr));
                let error = match attempt.await {
                    Ok(Ok(stream)) => {
                        let _ = stream.set_nodelay(true);
                        return self.connect_over(stream, target.security).await;
                    }
                    Ok(Err(e)) => e,
                    Err(_) => std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timeout"),
                };
                attempts.push(ConnectAttempt {
                    target: format!("{name} ({addr})"),
                    error,
                });
            }
        }
        Err(Error::Connect(attempts))
    }

    /// Negotiates over an already open byte stream (a TCP stream, a proxy tunnel, an
    /// in-memory pipe in tests) whose server speaks `security`.
    pub async fn connect_over<S>(self, io: S, security: Security) -> Result<Client, Error>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let direct = security == Security::DirectTls;
        let rustls = self.tls.client_config(direct)?;
        let config = self
            .config
            .with_rustls(rustls)
            .with_direct_tls(direct)
            .with_rng_seed(crate::seed::os_seed());
        let conn = Connection::client(config, driver::now());
        let started = driver::start(conn, io, self.event_capacity, None).await?;
        Ok(Client {
            handle: started.handle,
            events: started.events,
            jid: started.online.jid,
            tls: started.online.tls,
            mechanism: started.online.mechanism,
            security,
            task: Some(started.task),
        })
    }
}

/// A connected, online client: a [`Handle`] to send with (also available as a cloneable
/// [`handle`](Self::handle)) and a stream of [`Event`]s ([`next_event`](Self::next_event),
/// or the [`futures_core::Stream`] implementation).
///
/// Events are the engine's: [`Event::Stanza`] for received stanzas, [`Event::IqResponse`]
/// for responses to iqs sent with [`Handle::send`] (those sent with
/// [`Handle::request`] are answered there instead), and [`Event::Closed`] last, after which
/// the stream ends. The events of the negotiation (`Secured`, `Authenticated`, `Online`)
/// come first.
///
/// Dropping every handle and the client closes the stream gracefully in the background.
#[derive(Debug)]
pub struct Client {
    handle: Handle,
    events: mpsc::Receiver<Event>,
    jid: Jid,
    tls: Option<TlsInfo>,
    mechanism: Option<Mechanism>,
    security: Security,
    task: Option<JoinHandle<Result<CloseReason, Error>>>,
}

crate::session::online_api!(Client);

impl Client {
    /// Whether the stream started with direct TLS or STARTTLS.
    pub fn security(&self) -> Security {
        self.security
    }
}

/// Sends on a connection from any task. Every method waits for the engine to take the
/// command, so a full outbound queue (the socket not keeping up) makes them wait:
/// that is the backpressure. A method cancelled while waiting may still have sent.
#[derive(Debug, Clone)]
pub struct Handle {
    tx: mpsc::Sender<Command>,
    shared: Arc<Shared>,
}

impl Handle {
    pub(crate) fn new(tx: mpsc::Sender<Command>, shared: Arc<Shared>) -> Self {
        Handle { tx, shared }
    }

    /// Hands a command to the driver (`Err` once it has ended).
    pub(crate) async fn command(&self, cmd: Command) -> Result<(), Error> {
        self.tx.send(cmd).await.map_err(|_| self.ended())
    }

    fn ended(&self) -> Error {
        Error::closed(
            self.shared
                .close_reason()
                .unwrap_or(CloseReason::TransportFailed),
        )
    }

    /// Sends a stanza (build it with [`xmpp_core::stanza`]). An iq `get`/`set` needs an
    /// `id`; its response arrives as [`Event::IqResponse`].
    pub async fn send(&self, stanza: XmlElement) -> Result<(), Error> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Command::Send(stanza, tx))
            .await
            .map_err(|_| self.ended())?;
        match rx.await {
            Ok(r) => r.map_err(Error::Send),
            Err(_) => Err(self.ended()),
        }
    }

    /// Sends raw XML: one stanza, validated by the engine like input.
    pub async fn send_raw(&self, xml: impl Into<String>) -> Result<(), Error> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Command::SendRaw(xml.into(), tx))
            .await
            .map_err(|_| self.ended())?;
        match rx.await {
            Ok(r) => r.map_err(Error::Send),
            Err(_) => Err(self.ended()),
        }
    }

    /// Sends an iq `get`/`set` (an id is generated when it has none) and waits for its
    /// response, `result` or `error` alike: the element is returned either way.
    pub async fn request(&self, iq: XmlElement) -> Result<Element, Error> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Command::Request(iq, tx))
            .await
            .map_err(|_| self.ended())?;
        rx.await.unwrap_or_else(|_| Err(self.ended()))
    }

    /// Asks for the stream to be closed (RFC 6120 §4.4); the events continue until
    /// [`Event::Closed`].
    pub async fn close(&self) -> Result<(), Error> {
        self.tx.send(Command::Close).await.map_err(|_| self.ended())
    }

    /// Runs `f` on the engine inside the driver, with the driver's clock, and returns its
    /// result: for engine commands the handle has no method for.
    pub async fn with_connection<T, F>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(&mut Connection, std::time::Instant) -> T + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let call: driver::Call = Box::new(move |conn, now| {
            let _ = tx.send(f(conn, now));
        });
        self.tx
            .send(Command::Call(call))
            .await
            .map_err(|_| self.ended())?;
        rx.await.map_err(|_| self.ended())
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.shared.close_reason().is_some() || self.tx.is_closed()
    }

    /// Why the connection ended, once it has.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.shared.close_reason()
    }
}
