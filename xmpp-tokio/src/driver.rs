//! The one loop that drives an engine [`Connection`] over a byte stream (DESIGN §7).
//!
//! Everything happens in a single `select!` whose branches are all cancel-safe:
//!
//! - read: `read_buf` into a buffer, only while [`Connection::wants_read`];
//! - write: `write_all_buf` on the one pending chunk (it advances the buffer, so a
//!   cancelled write loses nothing); the next chunk is taken from the engine only when this
//!   one is written, which is what lets [`Connection::send`] push back with `Full`;
//! - timer: `sleep_until` the engine's [`poll_timeout`](Connection::poll_timeout);
//! - commands from the application over a bounded channel, paused while a send waits for
//!   queue space;
//! - event delivery: `reserve` on the bounded event channel when it was full; meanwhile
//!   events stay in the engine, whose `wants_read` then stops the reads;
//! - server role: the application's answer to the pending question (credentials, resource
//!   binding), a future polled here; the engine holds its input meanwhile (`wants_read` is
//!   false) while the timer and command branches keep running.
//!
//! The clock is tokio's (`tokio::time::Instant::now().into_std()`), so tests under
//! `tokio::time::pause()` run in virtual time. There is no XMPP logic here.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::Instant;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use xmpp_core::connection::SendError;
use xmpp_core::error::{StanzaError, StanzaErrorCondition};
use xmpp_core::sasl::{Mechanism, SaslCondition};
use xmpp_core::tls::TlsInfo;
use xmpp_core::xml::{Element, XmlElement};
use xmpp_core::{AuthAnswer, BindAnswer, CloseReason, Connection, Event, Input, Jid};

use crate::server::{Authenticator, BindQuestion};
use crate::{Error, Handle};

/// Read buffer size: one read takes at most this much.
const READ_CHUNK: usize = 16 * 1024;
/// The pending write chunk collects engine output up to about this size.
const WRITE_CHUNK: usize = 64 * 1024;

/// The adapter's clock: tokio's, so paused-time tests control it.
pub(crate) fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// A closure run on the connection inside the driver (engine commands the handle has no
/// dedicated method for).
pub(crate) type Call = Box<dyn FnOnce(&mut Connection, Instant) + Send>;

/// What the application asks the driver to do.
pub(crate) enum Command {
    Send(XmlElement, oneshot::Sender<Result<(), SendError>>),
    SendRaw(String, oneshot::Sender<Result<(), SendError>>),
    Request(XmlElement, oneshot::Sender<Result<Element, Error>>),
    Close,
    Call(Call),
}

/// State the handles read without asking the driver.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    closed: OnceLock<CloseReason>,
}

impl Shared {
    /// Why the connection ended, once it has.
    pub(crate) fn close_reason(&self) -> Option<CloseReason> {
        self.closed.get().cloned()
    }
}

/// What the driver reports when the stream comes online.
#[derive(Debug)]
pub(crate) struct Online {
    pub(crate) jid: Jid,
    pub(crate) tls: Option<TlsInfo>,
    pub(crate) mechanism: Option<Mechanism>,
}

/// The driver's inputs and outputs besides the socket.
pub(crate) struct Channels {
    pub(crate) commands: mpsc::Receiver<Command>,
    pub(crate) events: mpsc::Sender<Event>,
    pub(crate) online: Option<oneshot::Sender<Result<Online, Error>>>,
    pub(crate) shared: Arc<Shared>,
    /// Server role: who answers the engine's questions.
    pub(crate) authenticator: Option<Arc<dyn Authenticator>>,
}

/// The application's answer to a server-role question, once its future completes.
enum Answer {
    Auth(AuthAnswer),
    Bind(BindAnswer),
}

/// The pending question's answer, being computed by the application.
type PendingAnswer = Pin<Box<dyn Future<Output = Answer> + Send>>;

/// Resolves with the pending answer; never while there is none. Cancel-safe: the future
/// stays in the option.
fn answer_of(pending: &mut Option<PendingAnswer>) -> impl Future<Output = Answer> + '_ {
    std::future::poll_fn(move |cx| match pending {
        Some(f) => f.as_mut().poll(cx),
        None => Poll::Pending,
    })
}

/// Hands the application's answer to the engine. An answer the engine cannot take (it does
/// not fit the question, or names an invalid identity) is replaced by a refusal
/// (`temporary-auth-failure`, `internal-server-error`) so the client is not left waiting;
/// an answer that arrives after the connection ended is dropped.
fn give_answer(conn: &mut Connection, answer: Answer) {
    match answer {
        Answer::Auth(a) => {
            if conn.answer_auth(now(), a).is_err() {
                let fallback = AuthAnswer::Reject(SaslCondition::TemporaryAuthFailure);
                let _ = conn.answer_auth(now(), fallback);
            }
        }
        Answer::Bind(b) => {
            if conn.answer_bind(now(), b).is_err() {
                let e = StanzaError::new(
                    StanzaErrorCondition::InternalServerError.default_type(),
                    StanzaErrorCondition::InternalServerError,
                );
                let _ = conn.answer_bind(now(), BindAnswer::Refuse(e));
            }
        }
    }
}

/// Drives `conn` over `reader`/`writer` until the connection has ended and its last bytes
/// are written. `Ok` carries the engine's close reason; `Err(Error::Io)` an I/O failure
/// (the engine was told with [`Input::TransportFailed`]).
pub(crate) async fn run<R, W>(
    mut conn: Connection,
    mut reader: R,
    mut writer: W,
    ch: Channels,
) -> Result<CloseReason, Error>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let Channels {
        mut commands,
        events,
        mut online,
        shared,
        authenticator,
    } = ch;
    let mut question: Option<PendingAnswer> = None;
    let mut rbuf = BytesMut::with_capacity(READ_CHUNK);
    let mut out = BytesMut::new();
    let mut pending_event: Option<Event> = None;
    let mut blocked: Option<Command> = None;
    let mut waiters: HashMap<String, oneshot::Sender<Result<Element, Error>>> = HashMap::new();
    let mut commands_open = true;
    let mut read_open = true;
    let mut writer_ok = true;
    let mut io_error: Option<io::Error> = None;
    let mut mechanism = None;
    let mut reason: Option<CloseReason> = None;
    let sleep = tokio::time::sleep_until(tokio::time::Instant::now());
    tokio::pin!(sleep);
    let mut armed: Option<Instant> = None;

    loop {
        // 1. The next chunk to write, only once the previous one is written.
        if out.is_empty() {
            let mut took = false;
            while out.len() < WRITE_CHUNK {
                let Some(bytes) = conn.poll_transmit() else {
                    break;
                };
                took = true;
                if writer_ok {
                    out.extend_from_slice(&bytes);
                }
            }
            // Queue space may have freed up: retry a send that found the queue full.
            if took && let Some(cmd) = blocked.take() {
                blocked = apply(&mut conn, cmd, &mut waiters);
                continue;
            }
        }

        // 2. Events: route, or hand to the application while its channel has room.
        loop {
            let ev = match pending_event.take() {
                Some(ev) => ev,
                None => match conn.poll_event() {
                    Some(ev) => ev,
                    None => break,
                },
            };
            let ev = match ev {
                Event::Writable | Event::StartTls => continue,
                Event::IqResponse { id, stanza } => match waiters.remove(&id) {
                    Some(w) => {
                        let _ = w.send(Ok(stanza));
                        continue;
                    }
                    None => Event::IqResponse { id, stanza },
                },
                Event::AuthRequest(request) => match &authenticator {
                    Some(a) => {
                        let f = a.authenticate(request);
                        question = Some(Box::pin(async move { Answer::Auth(f.await) }));
                        continue;
                    }
                    None => Event::AuthRequest(request),
                },
                Event::BindRequest {
                    requested,
                    proposed,
                } => match (&authenticator, conn.authenticated_account()) {
                    (Some(a), Some(account)) => {
                        let f = a.bind(BindQuestion {
                            account: account.clone(),
                            requested,
                            proposed,
                        });
                        question = Some(Box::pin(async move { Answer::Bind(f.await) }));
                        continue;
                    }
                    _ => Event::BindRequest {
                        requested,
                        proposed,
                    },
                },
                Event::Authenticated {
                    mechanism: m,
                    channel_binding,
                } => {
                    mechanism = Some(m);
                    Event::Authenticated {
                        mechanism: m,
                        channel_binding,
                    }
                }
                Event::Online { jid } => {
                    if let Some(tx) = online.take() {
                        let _ = tx.send(Ok(Online {
                            jid: jid.clone(),
                            tls: conn.tls_info().cloned(),
                            mechanism,
                        }));
                    }
                    Event::Online { jid }
                }
                Event::Closed(r) => {
                    let _ = shared.closed.set(r.clone());
                    if let Some(tx) = online.take() {
                        let err = match &io_error {
                            Some(e) => Error::Io(io::Error::new(e.kind(), e.to_string())),
                            None => Error::closed(r.clone()),
                        };
                        let _ = tx.send(Err(err));
                    }
                    for (_, w) in waiters.drain() {
                        let _ = w.send(Err(Error::closed(r.clone())));
                    }
                    reason = Some(r.clone());
                    Event::Closed(r)
                }
                other => other,
            };
            match events.try_send(ev) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(ev)) => {
                    pending_event = Some(ev);
                    break;
                }
                // Nobody listens any more: events are dropped.
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }

        // 3. Done: the engine has ended and its last bytes are out.
        if conn.is_closed() && out.is_empty() {
            break;
        }

        // 4. The engine's next deadline.
        let deadline = conn.poll_timeout();
        if deadline != armed {
            if let Some(d) = deadline {
                sleep.as_mut().reset(tokio::time::Instant::from_std(d));
            }
            armed = deadline;
        }

        if rbuf.capacity() - rbuf.len() < READ_CHUNK / 4 {
            rbuf.reserve(READ_CHUNK);
        }
        let want_read = read_open && conn.wants_read();
        tokio::select! {
            r = reader.read_buf(&mut rbuf), if want_read => match r {
                Ok(0) => {
                    read_open = false;
                    let _ = conn.handle_input(now(), Input::Eof);
                }
                Ok(_) => {
                    let _ = conn.handle_input(now(), Input::Data(&rbuf));
                    rbuf.clear();
                }
                Err(e) => {
                    read_open = false;
                    io_error.get_or_insert(e);
                    let _ = conn.handle_input(now(), Input::TransportFailed);
                }
            },
            r = writer.write_all_buf(&mut out), if !out.is_empty() => {
                if let Err(e) = r {
                    writer_ok = false;
                    out.clear();
                    io_error.get_or_insert(e);
                    let _ = conn.handle_input(now(), Input::TransportFailed);
                }
            },
            () = &mut sleep, if armed.is_some() => {
                armed = None;
                let _ = conn.handle_input(now(), Input::Timeout);
            },
            cmd = commands.recv(), if commands_open && blocked.is_none() => match cmd {
                Some(cmd) => blocked = apply(&mut conn, cmd, &mut waiters),
                None => {
                    // Every handle is gone: end the stream politely.
                    commands_open = false;
                    conn.close(now());
                }
            },
            answer = answer_of(&mut question), if question.is_some() => {
                question = None;
                give_answer(&mut conn, answer);
            },
            permit = events.reserve(), if pending_event.is_some() => {
                if let (Ok(permit), Some(ev)) = (permit, pending_event.take()) {
                    permit.send(ev);
                }
            },
            // Nothing can make progress (no read wanted, nothing to write, no timer, no
            // command source, no event to deliver): the engine always keeps a timer or a
            // read open until it closes, so this means the transport is unusable.
            else => {
                let _ = conn.handle_input(now(), Input::TransportFailed);
            },
        }
    }

    if writer_ok {
        let _ = writer.flush().await;
        let _ = writer.shutdown().await;
    }
    // Whatever the application has not taken yet (the final `Closed` included).
    if let Some(ev) = pending_event.take() {
        let _ = events.send(ev).await;
    }
    while let Some(ev) = conn.poll_event() {
        if !matches!(ev, Event::Writable | Event::StartTls) && events.send(ev).await.is_err() {
            break;
        }
    }
    if let Some(Command::Send(_, tx) | Command::SendRaw(_, tx)) = blocked {
        let _ = tx.send(Err(SendError::NotOnline));
    }
    match io_error {
        Some(e) => Err(Error::Io(e)),
        None => Ok(reason.unwrap_or(CloseReason::Local)),
    }
}

/// Runs one command; returns it when the engine's queue is full (it is retried once the
/// pending chunk has been taken).
fn apply(
    conn: &mut Connection,
    cmd: Command,
    waiters: &mut HashMap<String, oneshot::Sender<Result<Element, Error>>>,
) -> Option<Command> {
    let t = now();
    match cmd {
        Command::Send(el, reply) => match conn.send(t, &el) {
            Err(SendError::Full) => return Some(Command::Send(el, reply)),
            r => {
                let _ = reply.send(r);
            }
        },
        Command::SendRaw(xml, reply) => match conn.send_raw(t, &xml) {
            Err(SendError::Full) => return Some(Command::SendRaw(xml, reply)),
            r => {
                let _ = reply.send(r);
            }
        },
        Command::Request(iq, reply) => match conn.send_iq(t, iq.clone()) {
            Err(SendError::Full) => return Some(Command::Request(iq, reply)),
            Err(e) => {
                let _ = reply.send(Err(Error::Send(e)));
            }
            Ok(id) => {
                waiters.insert(id, reply);
            }
        },
        Command::Close => conn.close(t),
        Command::Call(f) => f(conn, t),
    }
    None
}

/// A connection being driven by its own task, online.
pub(crate) struct Started {
    pub(crate) handle: Handle,
    pub(crate) events: mpsc::Receiver<Event>,
    pub(crate) online: Online,
    pub(crate) task: JoinHandle<Result<CloseReason, Error>>,
}

/// Spawns the driver for `conn` over `io` and waits until the stream is online (or has
/// ended: the error then says why).
pub(crate) async fn start<S>(
    conn: Connection,
    io: S,
    event_capacity: usize,
    authenticator: Option<Arc<dyn Authenticator>>,
) -> Result<Started, Error>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (cmd_tx, cmd_rx) = mpsc::channel(32);
    let (ev_tx, ev_rx) = mpsc::channel(event_capacity);
    let (online_tx, online_rx) = oneshot::channel();
    let shared = Arc::new(Shared::default());
    let (reader, writer) = tokio::io::split(io);
    let channels = Channels {
        commands: cmd_rx,
        events: ev_tx,
        online: Some(online_tx),
        shared: Arc::clone(&shared),
        authenticator,
    };
    let task = tokio::spawn(run(conn, reader, writer, channels));
    let online = match online_rx.await {
        Ok(Ok(online)) => online,
        Ok(Err(e)) => {
            let _ = task.await;
            return Err(e);
        }
        Err(_) => {
            // The driver ended without a verdict: it can only have panicked.
            return Err(match task.await {
                Ok(Err(e)) => e,
                _ => Error::closed(CloseReason::TransportFailed),
            });
        }
    };
    Ok(Started {
        handle: Handle::new(cmd_tx, shared),
        events: ev_rx,
        online,
        task,
    })
}
