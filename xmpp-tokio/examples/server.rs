//! `server`: a small client-to-server XMPP server on `xmpp_tokio::server`.
//!
//! ```sh
//! cargo run -p xmpp-tokio --example server -- --cert localhost.crt --key localhost.key \
//!     --user alice:alicepass --user bob:bobpass [--accounts FILE] [--domain localhost] \
//!     [--listen 127.0.0.1:5222] [--iterations 4096]
//! ```
//!
//! - Accounts from `--user name:password` flags and/or a file of `name:password` lines
//!   (`#` comments). Only SCRAM keys are kept (SHA-1, SHA-256 and SHA-512, derived at
//!   start-up with a random salt); PLAIN passwords are checked against them off the
//!   connection's task (`spawn_blocking`).
//! - STARTTLS with the given PEM certificate chain and key (rustls, `ring`), required.
//!   Mechanisms: SCRAM-SHA-512/256/1 with their `-PLUS` variants, and PLAIN over TLS.
//! - Resources: the requested one when free, otherwise (or when none is asked for) one
//!   the server picks.
//! - Routing: message and iq to a full JID go to that resource; a message to a bare JID
//!   (or to an unknown full JID of the account, RFC 6121 §8.5.3.2.1) goes to the available
//!   resource with the highest non-negative priority; presence without `to` is broadcast to
//!   the account's available resources, the sender included (RFC 6121 §4.2.2); directed
//!   presence goes to the addressee. iqs to the server (or to one's own bare JID): roster
//!   get (an empty roster), disco#info, ping (answered by the engine). Unknown or
//!   unavailable recipients: `service-unavailable` back to the sender
//!   (`remote-server-not-found` for other domains: there is no s2s); an error is never
//!   answered with an error.
//!
//! Prints one line per fact: `LISTENING addr`, `LOGIN jid mechanism=... tls=...`,
//! `REFUSED peer: reason`, `ROUTE kind from -> to`, `BOUNCE kind from -> to: condition`,
//! `LOGOUT jid: reason`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use xmpp_core::error::{StanzaError, StanzaErrorCondition};
use xmpp_core::sasl::{SaslCondition, ScramHash, ScramKeys};
use xmpp_core::stanza::{Iq, IqType, Presence};
use xmpp_core::xml::{ElementRef, XmlElement, ns};
use xmpp_core::{AuthAnswer, AuthRequest, BindAnswer, Event, Jid};
use xmpp_tokio::server::{Authenticator, BindQuestion, BoxFuture, ServerOptions};
use xmpp_tokio::{DisplayReason, Handle, ServerIdentity};

const USAGE: &str = "usage: server --cert CHAIN.pem --key KEY.pem (--user NAME:PASSWORD ... | \
--accounts FILE) [--domain localhost] [--listen 127.0.0.1:5222] [--iterations 4096]";

/// The command line.
#[derive(Debug, Clone)]
pub struct Args {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The served domain.
    pub domain: String,
    /// PEM certificate chain, end entity first.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
    /// Accounts: (name, password).
    pub users: Vec<(String, String)>,
    /// PBKDF2 rounds of the stored SCRAM keys.
    pub iterations: u32,
}

/// Parses the arguments after the program name.
pub fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut listen = "127.0.0.1:5222".to_owned();
    let mut domain = "localhost".to_owned();
    let (mut cert, mut key) = (None, None);
    let mut users = Vec::new();
    let mut iterations = 4096;
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => listen = value()?,
            "--domain" => domain = value()?,
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--user" => users.push(split_account(&value()?)?),
            "--accounts" => {
                let path = value()?;
                let text =
                    std::fs::read_to_string(&path).map_err(|e| format!("reading {path}: {e}"))?;
                for line in text.lines().map(str::trim) {
                    if !line.is_empty() && !line.starts_with('#') {
                        users.push(split_account(line)?);
                    }
                }
            }
            "--iterations" => {
                iterations = value()?.parse().map_err(|e| format!("--iterations: {e}"))?
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let listen = listen
        .parse()
        .map_err(|e| format!("--listen {listen}: {e}"))?;
    let (Some(cert), Some(key)) = (cert, key) else {
        return Err(format!("--cert and --key are required\n{USAGE}"));
    };
    if users.is_empty() {
        return Err(format!("no account: give --user or --accounts\n{USAGE}"));
    }
    Ok(Args {
        listen,
        domain,
        cert,
        key,
        users,
        iterations,
    })
}

fn split_account(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((name, password)) if !name.is_empty() => Ok((name.to_owned(), password.to_owned())),
        _ => Err(format!("account {s:?} is not NAME:PASSWORD")),
    }
}

/// One bound resource.
struct Session {
    jid: Jid,
    handle: Handle,
    /// Distinguishes this session from a later one with the same JID.
    id: u64,
    /// Sent available presence (and not unavailable since).
    available: bool,
    priority: i8,
    /// When it last became available (a counter): ties in priority go to the latest.
    since: u64,
}

/// The server: accounts, the routing table, and the log.
pub struct Server {
    domain: Jid,
    /// Prepared localpart → SCRAM keys for each hash.
    accounts: HashMap<String, Vec<ScramKeys>>,
    /// Bare JID → its bound resources.
    sessions: Mutex<HashMap<Jid, Vec<Session>>>,
    counter: AtomicU64,
    log: broadcast::Sender<String>,
    print: bool,
}

impl Server {
    /// A server for `domain` with these accounts (keys derived now: `iterations` rounds
    /// of PBKDF2 per account and hash). With `print`, log lines also go to stdout.
    pub fn new(
        domain: &str,
        users: &[(String, String)],
        iterations: u32,
        print: bool,
    ) -> Result<Server, String> {
        let domain: Jid = domain
            .parse()
            .map_err(|e| format!("domain {domain}: {e}"))?;
        if !domain.is_bare() || domain.local().is_some() {
            return Err(format!("{domain} is not a domain"));
        }
        let mut accounts = HashMap::new();
        for (name, password) in users {
            let account = Jid::from_parts(Some(name), domain.domain(), None)
                .map_err(|e| format!("account {name}: {e}"))?;
            let local = account.local().unwrap_or_default().to_owned();
            let salt = xmpp_tokio::os_seed()[..16].to_vec();
            let keys = ScramHash::ALL
                .iter()
                .map(|&h| ScramKeys::derive(h, password, &salt, iterations))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("account {name}: {e}"))?;
            accounts.insert(local, keys);
        }
        Ok(Server {
            domain,
            accounts,
            sessions: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(1),
            log: broadcast::channel(1024).0,
            print,
        })
    }

    /// The log lines, as they happen (for tests; lines are dropped for a lagging reader).
    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.log.subscribe()
    }

    fn log(&self, line: String) {
        if self.print {
            println!("{line}");
        }
        let _ = self.log.send(line);
    }

    fn tick(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Accepts connections until the listener fails.
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        options: ServerOptions,
    ) -> std::io::Result<()> {
        loop {
            let (socket, peer) = listener.accept().await?;
            let _ = socket.set_nodelay(true);
            let server = Arc::clone(&self);
            let options = options.clone();
            tokio::spawn(server.connection(socket, peer, options));
        }
    }

    /// One client, from accept to logout.
    async fn connection(self: Arc<Self>, socket: TcpStream, peer: SocketAddr, opts: ServerOptions) {
        let auth: Arc<dyn Authenticator> = self.clone();
        let mut conn = match opts.accept(socket, auth).await {
            Ok(conn) => conn,
            Err(e) => return self.log(format!("REFUSED {peer}: {e}")),
        };
        let jid = conn.jid().clone();
        let mechanism = conn.mechanism().map_or("-", |m| m.name());
        let tls = conn
            .tls_info()
            .map_or_else(|| "none".to_owned(), |t| format!("{:?}", t.version));
        self.log(format!(
            "LOGIN {jid} mechanism={mechanism} tls={tls} peer={peer}"
        ));
        let id = self.register(&jid, conn.handle());
        while let Some(event) = conn.next_event().await {
            match event {
                Event::Stanza(stanza) => self.route(&jid, stanza.root()).await,
                Event::Closed(reason) => {
                    self.log(format!("LOGOUT {jid}: {}", DisplayReason(&reason)))
                }
                _ => {}
            }
        }
        if self.unregister(&jid, id) {
            let gone = XmlElement::new(ns::JABBER_CLIENT, "presence")
                .with_attr("type", "unavailable")
                .with_attr("from", jid.as_str());
            for target in self.available(&jid.bare()) {
                self.deliver(&target, gone.clone()).await;
            }
        }
        let _ = conn.finish().await;
    }

    /// Adds a session; an older one with the same full JID is closed (RFC 6120 §7.7.2.2).
    fn register(&self, jid: &Jid, handle: Handle) -> u64 {
        let id = self.tick();
        let mut sessions = self.sessions.lock().unwrap();
        let list = sessions.entry(jid.bare()).or_default();
        if let Some(i) = list.iter().position(|s| s.jid == *jid) {
            let old = list.remove(i);
            tokio::spawn(async move { old.handle.close().await });
        }
        list.push(Session {
            jid: jid.clone(),
            handle,
            id,
            available: false,
            priority: 0,
            since: 0,
        });
        id
    }

    /// Removes the session; whether it was available.
    fn unregister(&self, jid: &Jid, id: u64) -> bool {
        let mut sessions = self.sessions.lock().unwrap();
        let bare = jid.bare();
        let Some(list) = sessions.get_mut(&bare) else {
            return false;
        };
        let Some(i) = list.iter().position(|s| s.id == id) else {
            return false;
        };
        let gone = list.remove(i);
        if list.is_empty() {
            sessions.remove(&bare);
        }
        gone.available
    }

    /// The handle of a bound full JID.
    fn session(&self, full: &Jid) -> Option<(Jid, Handle)> {
        let sessions = self.sessions.lock().unwrap();
        let s = sessions
            .get(&full.bare())?
            .iter()
            .find(|s| s.jid == *full)?;
        Some((s.jid.clone(), s.handle.clone()))
    }

    /// The available resources of an account.
    fn available(&self, bare: &Jid) -> Vec<(Jid, Handle)> {
        let sessions = self.sessions.lock().unwrap();
        sessions.get(bare).map_or_else(Vec::new, |list| {
            list.iter()
                .filter(|s| s.available)
                .map(|s| (s.jid.clone(), s.handle.clone()))
                .collect()
        })
    }

    /// The available resource with the highest non-negative priority (the most recently
    /// available one among equals), RFC 6121 §8.5.2.1.1.
    fn best(&self, bare: &Jid) -> Option<(Jid, Handle)> {
        let sessions = self.sessions.lock().unwrap();
        let s = sessions
            .get(bare)?
            .iter()
            .filter(|s| s.available && s.priority >= 0)
            .max_by_key(|s| (s.priority, s.since))?;
        Some((s.jid.clone(), s.handle.clone()))
    }

    fn set_presence(&self, jid: &Jid, available: bool, priority: i8) {
        let since = self.tick();
        let mut sessions = self.sessions.lock().unwrap();
        if let Some(s) = sessions
            .get_mut(&jid.bare())
            .and_then(|l| l.iter_mut().find(|s| s.jid == *jid))
        {
            if available && !s.available {
                s.since = since;
            }
            s.available = available;
            s.priority = priority;
        }
    }

    fn is_local(&self, jid: &Jid) -> bool {
        jid.domain() == self.domain.domain()
    }

    async fn deliver(&self, (to, handle): &(Jid, Handle), stanza: XmlElement) {
        let kind = stanza.name().to_owned();
        let from = stanza.attr("from").unwrap_or_default().to_owned();
        match handle.send(stanza).await {
            Ok(()) => self.log(format!("ROUTE {kind} {from} -> {to}")),
            Err(e) => self.log(format!("LOST {kind} {from} -> {to}: {e}")),
        }
    }

    /// Sends `cond` back to the sender of `stanza`, unless it is an error itself.
    async fn bounce(&self, from: &Jid, stanza: ElementRef<'_>, cond: StanzaErrorCondition) {
        if stanza.attr("type").as_deref() == Some("error") {
            return;
        }
        let error = StanzaError::new(cond.default_type(), cond);
        let mut reply = XmlElement::new(ns::JABBER_CLIENT, stanza.name())
            .with_attr("type", "error")
            .with_attr("to", from.as_str());
        let replier = stanza
            .attr("to")
            .map_or_else(|| self.domain.as_str().to_owned(), |t| t.into_owned());
        reply.set_attr("from", replier.clone());
        if let Some(id) = stanza.attr("id") {
            reply.set_attr("id", id.into_owned());
        }
        reply.push_child(error.to_element(ns::JABBER_CLIENT));
        self.log(format!(
            "BOUNCE {} {from} -> {replier}: {}",
            stanza.name(),
            cond.name()
        ));
        if let Some(target) = self.session(from) {
            let _ = target.1.send(reply).await;
        }
    }

    /// Routes one stanza from the client `from` (its `from` is already checked or stamped
    /// by the engine, but may be the bare JID: it is set to the full one here).
    async fn route(&self, from: &Jid, stanza: ElementRef<'_>) {
        let to = match stanza.attr("to").map(|t| t.parse::<Jid>()) {
            None => None,
            Some(Ok(to)) => Some(to),
            // The engine already answered jid-malformed.
            Some(Err(_)) => return,
        };
        let mut out = stanza.to_owned();
        out.set_attr("from", from.as_str());
        match stanza.name() {
            "message" => self.route_message(from, to, stanza, out).await,
            "presence" => self.route_presence(from, to, stanza, out).await,
            "iq" => self.route_iq(from, to, stanza, out).await,
            _ => {}
        }
    }

    async fn route_message(
        &self,
        from: &Jid,
        to: Option<Jid>,
        stanza: ElementRef<'_>,
        out: XmlElement,
    ) {
        // RFC 6120 §10.3: no `to` means the sender's own bare JID.
        let to = to.unwrap_or_else(|| from.bare());
        if !self.is_local(&to) {
            return self
                .bounce(from, stanza, StanzaErrorCondition::RemoteServerNotFound)
                .await;
        }
        let target = match to.is_full() {
            true => self.session(&to).or_else(|| self.best(&to.bare())),
            false if to.local().is_some() => self.best(&to),
            false => None, // the server itself handles no messages
        };
        match target {
            Some(target) => self.deliver(&target, out).await,
            None if stanza.attr("type").as_deref() == Some("headline") => {}
            None => {
                self.bounce(from, stanza, StanzaErrorCondition::ServiceUnavailable)
                    .await
            }
        }
    }

    async fn route_presence(
        &self,
        from: &Jid,
        to: Option<Jid>,
        stanza: ElementRef<'_>,
        mut out: XmlElement,
    ) {
        let Some(to) = to else {
            // Broadcast (RFC 6121 §4.2.2, §4.5.2); subscription types need a roster: ignored.
            let available = match stanza.attr("type").as_deref() {
                None => true,
                Some("unavailable") => false,
                Some(_) => return,
            };
            let priority = Presence::from_element(stanza).map_or(0, |p| p.priority());
            self.set_presence(from, available, priority);
            let mut targets = self.available(&from.bare());
            if !available && let Some(me) = self.session(from) {
                targets.push(me);
            }
            for target in targets {
                out.set_attr("to", target.0.as_str());
                self.deliver(&target, out.clone()).await;
            }
            return;
        };
        // Directed presence; presence to unknown addressees is dropped (RFC 6121 §4.6.3).
        let targets = match (self.is_local(&to), to.is_full()) {
            (true, true) => self.session(&to).into_iter().collect(),
            (true, false) => self.available(&to),
            (false, _) => Vec::new(),
        };
        for target in targets {
            self.deliver(&target, out.clone()).await;
        }
    }

    async fn route_iq(&self, from: &Jid, to: Option<Jid>, stanza: ElementRef<'_>, out: XmlElement) {
        let request = matches!(stanza.attr("type").as_deref(), Some("get" | "set"));
        let for_server = to
            .as_ref()
            .is_none_or(|t| *t == self.domain || *t == from.bare());
        if for_server {
            if request {
                self.answer_iq(from, stanza).await;
            }
            return;
        }
        let to = to.expect("checked");
        if !self.is_local(&to) {
            return self
                .bounce(from, stanza, StanzaErrorCondition::RemoteServerNotFound)
                .await;
        }
        match self.session(&to).filter(|_| to.is_full()) {
            Some(target) => self.deliver(&target, out).await,
            None if request => {
                self.bounce(from, stanza, StanzaErrorCondition::ServiceUnavailable)
                    .await
            }
            None => {}
        }
    }

    /// iqs the server answers: roster get (empty), disco#info; the rest
    /// `service-unavailable` (RFC 6120 §8.4).
    async fn answer_iq(&self, from: &Jid, stanza: ElementRef<'_>) {
        let Some(iq) = Iq::from_element(stanza) else {
            return;
        };
        let get = iq.type_() == Some(IqType::Get);
        let payload = iq.payload();
        let answer = match payload.map(|p| (p.ns(), p.name())) {
            Some(("jabber:iq:roster", "query")) if get => {
                Some(XmlElement::new("jabber:iq:roster", "query").with_attr("ver", "0"))
            }
            Some((DISCO_INFO, "query"))
                if get && payload.and_then(|p| p.attr("node")).is_none() =>
            {
                let feature =
                    |var: &str| XmlElement::new(DISCO_INFO, "feature").with_attr("var", var);
                Some(
                    XmlElement::new(DISCO_INFO, "query")
                        .with_child(
                            XmlElement::new(DISCO_INFO, "identity")
                                .with_attr("category", "server")
                                .with_attr("type", "im")
                                .with_attr("name", "xmpp-tokio example server"),
                        )
                        .with_child(feature(DISCO_INFO))
                        .with_child(feature("urn:xmpp:ping")),
                )
            }
            _ => None,
        };
        let Some(answer) = answer else {
            return self
                .bounce(from, stanza, StanzaErrorCondition::ServiceUnavailable)
                .await;
        };
        let mut reply = iq
            .result_reply()
            .with_to(from.as_str())
            .with_payload(answer);
        if let Some(to) = iq.to() {
            reply = reply.with_from(to.into_owned());
        }
        if let Some(me) = self.session(from) {
            let _ = me.1.send(reply.build()).await;
        }
    }
}

const DISCO_INFO: &str = "http://jabber.org/protocol/disco#info";

impl Authenticator for Server {
    fn authenticate(&self, request: AuthRequest) -> BoxFuture<AuthAnswer> {
        let keys = |user: &str, hash: Option<ScramHash>| {
            let keys = self.accounts.get(user)?;
            keys.iter().find(|k| Some(k.hash) == hash).cloned()
        };
        match request {
            AuthRequest::Scram {
                mechanism,
                username,
            } => {
                // None for an unknown account: the engine runs a decoy exchange.
                let keys = keys(&username, mechanism.scram_hash());
                Box::pin(async move { AuthAnswer::Keys(keys) })
            }
            AuthRequest::Plain { username, password } => {
                let keys = keys(&username, Some(ScramHash::Sha256));
                Box::pin(async move {
                    let Some(keys) = keys else {
                        return AuthAnswer::Reject(SaslCondition::NotAuthorized);
                    };
                    // PBKDF2 off the connection's task.
                    let ok = tokio::task::spawn_blocking(move || keys.verify_password(&password));
                    match ok.await {
                        Ok(true) => AuthAnswer::Accept { username: None },
                        Ok(false) => AuthAnswer::Reject(SaslCondition::NotAuthorized),
                        Err(_) => AuthAnswer::Reject(SaslCondition::TemporaryAuthFailure),
                    }
                })
            }
            _ => Box::pin(async { AuthAnswer::Reject(SaslCondition::NotAuthorized) }),
        }
    }

    fn bind(&self, question: BindQuestion) -> BoxFuture<BindAnswer> {
        let taken = |resource: &str| {
            question
                .account
                .with_resource(resource)
                .is_ok_and(|full| self.session(&full).is_some())
        };
        let resource = if taken(&question.proposed) {
            // RFC 6120 §7.7.2.2: the server may assign another resource.
            format!("{}-{}", question.proposed, self.tick())
        } else {
            question.proposed
        };
        Box::pin(async move { BindAnswer::Accept(resource) })
    }
}

/// Loads the TLS identity and builds the engine options for `args`.
pub fn options(args: &Args) -> Result<ServerOptions, String> {
    let identity =
        ServerIdentity::from_pem_files(&args.cert, &args.key).map_err(|e| e.to_string())?;
    ServerOptions::new(args.domain.clone(), &identity).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let setup = options(&args).and_then(|o| {
        let server = Server::new(&args.domain, &args.users, args.iterations, true)?;
        Ok((o, Arc::new(server)))
    });
    let (options, server) = match setup {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let listener = match TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("listen {}: {e}", args.listen);
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().map_or(args.listen, |a| a);
    println!(
        "LISTENING {addr} domain={} accounts={}",
        args.domain,
        args.users.len()
    );
    tokio::select! {
        r = server.serve(listener, options) => {
            if let Err(e) = r {
                eprintln!("accept: {e}");
                std::process::exit(1);
            }
        }
        _ = tokio::signal::ctrl_c() => println!("STOPPED"),
    }
}
