//! The connection: one XMPP stream as a deterministic state machine.
//!
//! Method groups (quinn-proto's layout):
//!
//! - **getters** (`&self`): [`is_online`](Connection::is_online),
//!   [`jid`](Connection::jid), [`wants_read`](Connection::wants_read), [`stats`](Connection::stats), …
//! - **inputs**: [`handle_input`](Connection::handle_input) with an [`Input`];
//! - **commands**: [`send`](Connection::send), [`send_iq`](Connection::send_iq),
//!   [`send_raw`](Connection::send_raw), [`close`](Connection::close);
//! - **outputs**: [`poll_transmit`](Connection::poll_transmit),
//!   [`poll_event`](Connection::poll_event), [`poll_timeout`](Connection::poll_timeout),
//!   and [`poll_output`](Connection::poll_output) which returns the next of the three.
//!
//! **Drain contract.** After every input or command, call `poll_transmit` until `None`
//! (write those bytes in order), `poll_event` until `None`, then `poll_timeout` and arm
//! one timer for the deadline it returns (`None`: no timer). When the timer fires, feed
//! [`Input::Timeout`]. Time is always the caller's `now`; the engine never goes back in time.
//!
//! **Errors.** A peer fault never comes back as `Err`: the engine queues the RFC 6120
//! `<stream:error/>` (or `</stream:stream>`) for `poll_transmit` and emits
//! [`Event::Closed`] once; later input is ignored. A caller fault (sending before online,
//! a malformed stanza, a full queue, data after EOF) returns an error and changes nothing.

mod client;
mod config;
mod error;
mod event;
mod features;
mod input;
mod iq_tracker;
mod questions;
mod send;
mod server;
mod server_config;
mod server_sasl;
mod state;
mod timers;
mod transport;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;

pub use config::{ClientConfig, FromPolicy, Timeouts, TlsMode, TlsPolicy};
pub use error::{InputError, NegotiationError, SendError};
pub use event::{CloseReason, Event, TimeoutKind};
pub use input::Input;
pub use questions::{AnswerError, AuthAnswer, AuthRequest, BindAnswer};
pub use server_config::{ServerConfig, ServerTlsMode};

use self::config::Settings;
use self::iq_tracker::IqTracker;
use self::state::{Flags, Phase};
use self::timers::{Timer, TimerTable};
use self::transport::Transport;
use crate::Jid;
use crate::error::{StreamError, StreamErrorCondition};
use crate::rng::Rng;
use crate::tls::TlsInfo;
use crate::xml::{StreamContext, StreamEvent, StreamHeader, StreamReader, Writer, ns};

/// Counters for the life of a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Bytes received from the transport (before TLS decryption).
    pub bytes_in: u64,
    /// Bytes handed out by `poll_transmit`.
    pub bytes_out: u64,
    /// Stanzas received.
    pub stanzas_in: u64,
    /// Stanzas sent.
    pub stanzas_out: u64,
}

/// Which side of the stream this connection plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// The initiating entity of a client-to-server stream (RFC 6120 §4.1).
    Client,
    /// The receiving entity of a client-to-server stream (a server).
    Server,
}

/// One XMPP stream as a sans-IO state machine. See the [module docs](self) for the
/// contract and the crate docs for a complete drive loop.
#[derive(Debug)]
pub struct Connection {
    role: RoleState,
    settings: Settings,
    phase: Phase,
    flags: Flags,
    reader: StreamReader,
    /// Our stream's namespace context (content namespace, `stream` prefix, `xml:lang`).
    out_ctx: Arc<StreamContext>,
    /// Whether our header for the current stream is written.
    header_sent: bool,
    peer_header: Option<StreamHeader>,
    transport: Transport,
    #[cfg(feature = "rustls")]
    plain_in: Vec<u8>,
    /// Input held while the application answers a question (server role).
    held: Vec<u8>,
    /// Server role: the start of the client's header, until ours is sent.
    header_probe: Vec<u8>,
    /// Whether any byte reached the embedded TLS layer.
    #[cfg(feature = "rustls")]
    tls_input_seen: bool,
    events: VecDeque<Event>,
    timers: TimerTable,
    rng: Rng,
    iqs: IqTracker,
    tls_info: Option<TlsInfo>,
    jid: Option<Jid>,
    now: Instant,
    eof: bool,
    closed: bool,
    report_writable: bool,
    stats: Stats,
}

impl Connection {
    /// A client-role connection, started at `now`: its first bytes (the stream header, or
    /// a ClientHello for direct TLS) are ready in `poll_transmit`.
    pub fn client(config: ClientConfig, now: Instant) -> Connection {
        let ctx = stream_context(config.lang.as_deref());
        let (seed, settings) = (config.rng_seed, config.settings());
        let mut conn = Connection::new(
            RoleState::Client(Box::new(config)),
            seed,
            settings,
            ctx,
            now,
        );
        conn.client_start();
        conn
    }

    /// A server-role (receiving entity) connection for a client that just connected at
    /// `now`: it waits for the client's stream header (or, for direct TLS, its ClientHello).
    /// Questions for the application (credentials, resources) arrive as events
    /// ([`Event::AuthRequest`], [`Event::BindRequest`]); answer them with
    /// [`answer_auth`](Self::answer_auth) and [`answer_bind`](Self::answer_bind).
    pub fn server(config: ServerConfig, now: Instant) -> Connection {
        let ctx = stream_context(Some(&config.lang));
        let (seed, settings) = (config.rng_seed, config.settings());
        let mut rng = Rng::new(seed);
        let decoy = match &config.decoy_secret {
            Some(s) => s.clone(),
            None => {
                let mut s = vec![0; 32];
                rng.fill(&mut s);
                s
            }
        };
        let state = server::ServerState::new(config, decoy);
        let mut conn =
            Connection::new(RoleState::Server(Box::new(state)), seed, settings, ctx, now);
        conn.rng = rng;
        conn.server_start();
        conn
    }

    fn new(
        role: RoleState,
        seed: [u8; 32],
        settings: Settings,
        ctx: StreamContext,
        now: Instant,
    ) -> Self {
        let mut conn = Connection {
            reader: StreamReader::new(settings.limits.clone()),
            rng: Rng::new(seed),
            settings,
            role,
            phase: Phase::AwaitHeader,
            flags: Flags::default(),
            out_ctx: Arc::new(ctx),
            header_sent: false,
            peer_header: None,
            transport: Transport::default(),
            #[cfg(feature = "rustls")]
            plain_in: Vec::new(),
            held: Vec::new(),
            header_probe: Vec::new(),
            #[cfg(feature = "rustls")]
            tls_input_seen: false,
            events: VecDeque::new(),
            timers: TimerTable::default(),
            iqs: IqTracker::default(),
            tls_info: None,
            jid: None,
            now,
            eof: false,
            closed: false,
            report_writable: false,
            stats: Stats::default(),
        };
        if let Some(d) = conn.settings.timeouts.negotiation {
            conn.timers.set(Timer::Negotiation, now, d);
        }
        conn
    }

    // ----- getters -----

    /// The role this connection plays.
    pub fn role(&self) -> Role {
        match self.role {
            RoleState::Client(_) => Role::Client,
            RoleState::Server(_) => Role::Server,
        }
    }

    fn is_client(&self) -> bool {
        matches!(self.role, RoleState::Client(_))
    }

    /// Whether negotiation is complete and stanzas flow.
    pub fn is_online(&self) -> bool {
        matches!(self.phase, Phase::Online)
    }

    /// Whether the connection has ended ([`Event::Closed`] was queued).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether the stream is encrypted.
    pub fn is_secure(&self) -> bool {
        self.flags.secure
    }

    /// Whether SASL succeeded.
    pub fn is_authenticated(&self) -> bool {
        self.flags.authenticated
    }

    /// The full JID bound to this stream, once online.
    pub fn jid(&self) -> Option<&Jid> {
        self.jid.as_ref()
    }

    /// Server role: the authenticated account (a bare JID), once SASL succeeded; `None`
    /// before that and in the client role. Lets the application decide an
    /// [`Event::BindRequest`] knowing whose resource it is.
    pub fn authenticated_account(&self) -> Option<&Jid> {
        match &self.role {
            RoleState::Server(s) => s.user.as_ref(),
            RoleState::Client(_) => None,
        }
    }

    /// The peer's current stream header.
    pub fn peer_header(&self) -> Option<&StreamHeader> {
        self.peer_header.as_ref()
    }

    /// The TLS session's details, once secured.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.tls_info.as_ref()
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Whether the engine wants more input: false once closed, after EOF, while a
    /// server-role question is unanswered, while the application has not drained a backlog
    /// of events, or while a backlog of output waits in `poll_transmit` (a peer that sends
    /// pings but does not read our answers cannot grow it without bound). Backpressure:
    /// stop reading until it is true again.
    pub fn wants_read(&self) -> bool {
        !self.closed
            && !self.eof
            && !self.awaiting_app()
            && self.events.len() < self.settings.max_events
            && self.transport.queued() < self.settings.max_outbound_bytes
    }

    // ----- inputs -----

    /// Feeds one input. A peer fault is not an error here (see the module docs); `Err`
    /// means the input itself was a caller fault and was ignored.
    pub fn handle_input(&mut self, now: Instant, input: Input<'_>) -> Result<(), InputError> {
        self.advance(now);
        if self.closed {
            return Ok(());
        }
        match input {
            Input::Data(data) => {
                if self.eof {
                    return Err(InputError::AfterEof);
                }
                self.on_data(data);
            }
            Input::Eof => {
                self.eof = true;
                let reason = if matches!(self.phase, Phase::Closing) {
                    CloseReason::Local
                } else {
                    CloseReason::Eof
                };
                self.finish(reason);
            }
            Input::Timeout => {
                while !self.closed {
                    let Some(timer) = self.timers.pop_expired(self.now) else {
                        break;
                    };
                    self.on_timer(timer);
                }
            }
            Input::TransportFailed => {
                self.transport.discard();
                self.finish(CloseReason::TransportFailed);
            }
            Input::TlsEstablished(info) => {
                if !matches!(self.phase, Phase::AwaitTlsExternal) {
                    return Err(InputError::UnexpectedTls);
                }
                self.on_secured(info);
            }
        }
        Ok(())
    }

    // ----- commands -----

    /// Closes the stream (RFC 6120 §4.4): `</stream:stream>` is queued and the engine waits
    /// up to [`Timeouts::close_grace`] for the peer's. During SASL an `<abort/>` goes
    /// first. Closing a closed connection does nothing.
    pub fn close(&mut self, now: Instant) {
        self.advance(now);
        if self.closed || matches!(self.phase, Phase::Closing) {
            return;
        }
        if !self.header_sent {
            self.finish(CloseReason::Local);
            return;
        }
        if matches!(self.phase, Phase::Sasl { .. }) {
            self.write_element(&crate::xml::XmlElement::new(crate::sasl::NS_SASL, "abort"));
        }
        self.write_close();
        self.phase = Phase::Closing;
        self.timers.stop_all();
        let grace = self.settings.timeouts.close_grace;
        self.timers.set(Timer::CloseGrace, self.now, grace);
    }

    // ----- outputs -----

    /// The next bytes to write to the transport, in order.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        let out = self.transport.take();
        if let Some(b) = &out {
            self.stats.bytes_out += b.len() as u64;
        }
        if self.report_writable && !self.closed {
            self.report_writable = false;
            self.events.push_back(Event::Writable);
        }
        out
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The next deadline at which to feed [`Input::Timeout`]; `None`: no timer.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.closed {
            None
        } else {
            self.timers.next()
        }
    }

    /// The next output of any kind: transmit first, then events, then the deadline.
    /// Handy for tests and simple loops; `None` when there is nothing to transmit, no
    /// event and no deadline.
    pub fn poll_output(&mut self) -> Option<Output> {
        if let Some(b) = self.poll_transmit() {
            return Some(Output::Transmit(b));
        }
        if let Some(e) = self.poll_event() {
            return Some(Output::Event(e));
        }
        self.poll_timeout().map(Output::Timeout)
    }

    // ----- internals shared by the roles -----

    /// Moves the clock forward (never back).
    fn advance(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
    }

    fn on_data(&mut self, data: &[u8]) {
        self.stats.bytes_in += data.len() as u64;
        self.on_traffic();
        match self.phase {
            Phase::AwaitTlsExternal => {
                // The application handles TLS itself and must not hand us its records.
                self.fail(
                    StreamError::new(StreamErrorCondition::PolicyViolation)
                        .with_text("data received while the TLS handshake was pending"),
                );
                return;
            }
            Phase::Closed => return,
            _ => {}
        }
        #[cfg(feature = "rustls")]
        if self.transport.has_tls() {
            let mut data = data;
            if !self.is_client()
                && matches!(self.phase, Phase::TlsHandshake)
                && !self.tls_input_seen
            {
                // A client's line break after `<starttls/>` that arrives in its own read
                // (go-sendxmpp writes one) is not a TLS record: skip it.
                let ws = data
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                    .count();
                data = &data[ws..];
                if data.is_empty() {
                    return;
                }
            }
            self.tls_input_seen = true;
            let mut plain = std::mem::take(&mut self.plain_in);
            plain.clear();
            match self.transport.receive_tls(data, &mut plain) {
                Err(e) => {
                    self.transport.discard();
                    self.finish(CloseReason::Negotiation(NegotiationError::Tls(e)));
                }
                Ok(established) => {
                    if let Some(info) = established {
                        self.on_secured(info);
                    }
                    if !plain.is_empty() {
                        self.on_plaintext(&plain);
                    }
                }
            }
            // Keep the scratch buffer only while small: after a large record or a large read
            // it would otherwise pin tens of KiB per idle connection.
            if plain.capacity() <= PLAIN_IN_KEEP {
                self.plain_in = plain;
            }
            return;
        }
        self.on_plaintext(data);
    }

    /// Runs plaintext through the XML reader and the role's state machine.
    fn on_plaintext(&mut self, data: &[u8]) {
        if !self.is_client() && !self.header_sent {
            // Kept (bounded) so a refused header's `from` can still be answered (§4.7.2).
            let room = self
                .settings
                .limits
                .max_header_bytes
                .saturating_sub(self.header_probe.len());
            self.header_probe
                .extend_from_slice(&data[..data.len().min(room)]);
        }
        let mut input = data;
        while !self.closed {
            if self.awaiting_app() {
                // Keep the rest until the application answers (bounded like a stanza).
                self.held.extend_from_slice(input);
                if self.held.len() > self.settings.limits.max_stanza_bytes {
                    self.fail(
                        StreamError::new(StreamErrorCondition::PolicyViolation)
                            .with_text("too much data while authentication or binding was pending"),
                    );
                }
                return;
            }
            if matches!(self.phase, Phase::ProceedReceived) {
                // RFC 6120 §5.4.3.3 / DESIGN §6: nothing may follow <proceed/> in plaintext
                // (STARTTLS command injection); refuse in plaintext, before any TLS starts.
                // Server role: whitespace that arrived with the client's <starttls/>
                // (go-sendxmpp writes `<starttls .../>\n`) carries no command and is
                // dropped; anything else, and anything after <proceed/> on the client
                // side, is refused.
                let blank = !self.is_client()
                    && input
                        .iter()
                        .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
                    && self.reader.discard_blank();
                if !blank && (!input.is_empty() || !self.reader.buffered().is_empty()) {
                    self.fail(
                        StreamError::new(StreamErrorCondition::PolicyViolation)
                            .with_text("plaintext data after <proceed/> (STARTTLS injection)"),
                    );
                } else if self.is_client() {
                    self.client_start_tls();
                } else {
                    self.server_start_tls();
                }
                return;
            }
            match self.reader.next_event(&mut input) {
                Ok(None) => return,
                Ok(Some(event)) => self.on_stream_event(event),
                Err(e) => {
                    if !self.is_client() && !self.header_sent {
                        let from = server::refused_header_from(&self.header_probe);
                        self.sc_mut().reply_to = from;
                    }
                    self.fail(e);
                    return;
                }
            }
        }
    }

    fn on_stream_event(&mut self, event: StreamEvent) {
        match event {
            StreamEvent::Header(h) if self.is_client() => self.client_on_header(h),
            StreamEvent::Header(h) => self.server_on_header(h),
            StreamEvent::Element(el) if el.root().is("error", ns::STREAM) => {
                // RFC 6120 §4.9: surfaced, answered with our close, never with an error.
                let error = StreamError::from_element(el.root())
                    .unwrap_or_else(|_| StreamError::new(StreamErrorCondition::UndefinedCondition));
                self.write_final_close();
                self.finish(CloseReason::RemoteError(error));
            }
            StreamEvent::Element(el) if self.is_client() => self.client_on_element(el),
            StreamEvent::Element(el) => self.server_on_element(el),
            StreamEvent::Whitespace => {}
            StreamEvent::Close => {
                if matches!(self.phase, Phase::Closing) {
                    self.finish(CloseReason::Local);
                } else {
                    self.write_close();
                    self.finish(CloseReason::Remote);
                }
            }
        }
    }

    /// Inbound traffic proves the peer alive: reset the ping timers.
    fn on_traffic(&mut self) {
        self.timers.stop(Timer::PingTimeout);
        if let (Phase::Online, Some(d)) = (&self.phase, self.settings.timeouts.ping_interval) {
            self.timers.set(Timer::Ping, self.now, d);
        }
    }

    fn on_timer(&mut self, timer: Timer) {
        match timer {
            Timer::Negotiation => {
                if !matches!(self.phase, Phase::Online | Phase::Closing) {
                    self.fail_timeout(TimeoutKind::Negotiation, "stream negotiation took too long");
                }
            }
            Timer::Keepalive => {
                if matches!(self.phase, Phase::Online) {
                    // RFC 6120 §4.6.1: a single space keeps NATs and the peer's idle timer happy.
                    self.write_raw(b" ");
                }
            }
            Timer::Ping => {
                if matches!(self.phase, Phase::Online) {
                    self.send_ping();
                    let d = self.settings.timeouts.ping_timeout;
                    self.timers.set(Timer::PingTimeout, self.now, d);
                }
            }
            Timer::PingTimeout => {
                self.fail_timeout(TimeoutKind::Ping, "no answer to XEP-0199 ping");
            }
            Timer::CloseGrace => {
                self.transport.close_tls();
                self.finish(CloseReason::Timeout(TimeoutKind::CloseGrace));
            }
        }
    }

    /// TLS is up (embedded handshake done, or the application reported it): restart the
    /// stream over it (RFC 6120 §5.4.3.3).
    fn on_secured(&mut self, info: TlsInfo) {
        self.flags.secure = true;
        self.tls_info = Some(info.clone());
        self.events.push_back(Event::Secured(info));
        self.reader = StreamReader::new(self.settings.limits.clone());
        self.header_sent = false;
        if self.is_client() {
            self.client_send_header();
        } else {
            self.phase = Phase::AwaitHeader;
        }
    }

    /// Restarts the stream after SASL success (RFC 6120 §6.4.6): a new header from us, a
    /// new stream from the peer; bytes already received belong to it and are kept.
    fn restart_stream(&mut self) {
        self.reader.restart();
        self.peer_header = None;
        self.header_sent = false;
        if self.is_client() {
            self.client_send_header();
        } else {
            self.phase = Phase::AwaitHeader;
        }
    }

    /// Processes input held while a question was pending.
    fn resume_held(&mut self) {
        if !self.awaiting_app() && !self.closed {
            let held = std::mem::take(&mut self.held);
            self.on_plaintext(&held);
        }
    }

    /// Writes our stream header and waits for the peer's.
    fn write_header(&mut self, header: &StreamHeader) {
        self.header_probe = Vec::new();
        self.write_raw_with(|out| Writer::stream_header(out, header));
        self.header_sent = true;
        self.phase = Phase::AwaitHeader;
    }

    fn write_close(&mut self) {
        self.write_raw_with(|out| Writer::stream_close(out, Some("stream")));
    }

    /// Our last bytes: `</stream:stream>`, then TLS close_notify when TLS is embedded.
    fn write_final_close(&mut self) {
        self.write_close();
        self.transport.close_tls();
    }

    /// Writes one element in our stream's context.
    fn write_element(&mut self, el: &crate::xml::XmlElement) {
        let ctx = Arc::clone(&self.out_ctx);
        self.write_raw_with(|out| Writer::new(out, &ctx).xml_element(el));
    }

    fn write_raw(&mut self, bytes: &[u8]) {
        self.write_raw_with(|out| out.extend_from_slice(bytes));
    }

    fn write_raw_with(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        if let Err(e) = self.transport.write_with(f) {
            self.transport.discard();
            self.finish(CloseReason::Negotiation(NegotiationError::Tls(e)));
            return;
        }
        if let (Phase::Online, Some(d)) = (&self.phase, self.settings.timeouts.keepalive) {
            self.timers.set(Timer::Keepalive, self.now, d);
        }
    }

    /// A peer fault: send the stream error (after our header if none was sent yet, RFC 6120
    /// §4.9.1.3), close our stream, report.
    fn fail(&mut self, error: StreamError) {
        if self.closed {
            return;
        }
        if self.can_write_xml() {
            if !self.header_sent {
                if self.is_client() {
                    self.client_send_header();
                } else {
                    self.server_send_header();
                }
            }
            self.write_element(&error.to_element());
            self.write_final_close();
        }
        self.finish(CloseReason::LocalError(error));
    }

    /// A negotiation failure on our policy's side: close our stream cleanly and report.
    fn fail_negotiation(&mut self, error: NegotiationError) {
        if self.closed {
            return;
        }
        if self.can_write_xml() && self.header_sent {
            self.write_final_close();
        }
        self.finish(CloseReason::Negotiation(error));
    }

    /// A timer ran out: `connection-timeout` (when a stream is open to carry it), report.
    fn fail_timeout(&mut self, kind: TimeoutKind, text: &str) {
        if self.can_write_xml() && self.header_sent {
            let e = StreamError::new(StreamErrorCondition::ConnectionTimeout).with_text(text);
            self.write_element(&e.to_element());
            self.write_final_close();
        }
        self.finish(CloseReason::Timeout(kind));
    }

    /// Whether XML can be written now (not during a TLS handshake).
    fn can_write_xml(&self) -> bool {
        !matches!(
            self.phase,
            Phase::TlsHandshake | Phase::AwaitTlsExternal | Phase::Closed
        )
    }

    /// RFC 6120 §8.2.3: a malformed iq request (no id, an unknown type, a get or set without
    /// exactly one payload) is answered with `bad-request` and not surfaced. Responses are
    /// never answered (an error is never answered with an error).
    fn reject_malformed_iq(&mut self, el: &crate::xml::Element) -> bool {
        let root = el.root();
        if root.name() != "iq" || matches!(root.attr("type").as_deref(), Some("result" | "error")) {
            return false;
        }
        let Some(iq) = crate::stanza::Iq::from_element(root) else {
            return false;
        };
        let Err(problem) = iq.validate() else {
            return false;
        };
        let error = crate::error::StanzaError::new(
            crate::error::ErrorType::Modify,
            crate::error::StanzaErrorCondition::BadRequest,
        )
        .with_text(problem.to_string());
        let reply = iq.error_reply(error).build();
        self.write_element(&reply);
        self.stats.stanzas_out += 1;
        true
    }

    /// Ends the connection: one `Closed` event, timers off, later input ignored.
    fn finish(&mut self, reason: CloseReason) {
        if self.closed {
            return;
        }
        self.closed = true;
        self.phase = Phase::Closed;
        self.timers.stop_all();
        self.events.push_back(Event::Closed(reason));
    }
}

/// Capacity of the decrypted-input scratch buffer a connection keeps between reads.
#[cfg(feature = "rustls")]
const PLAIN_IN_KEEP: usize = 4096;

/// Our stream's namespace context: `jabber:client` content, `stream` prefix, `xml:lang`.
fn stream_context(lang: Option<&str>) -> StreamContext {
    let ctx = StreamContext::new(ns::JABBER_CLIENT).with_prefix("stream", ns::STREAM);
    match lang {
        Some(lang) => ctx.with_lang(lang.to_owned()),
        None => ctx,
    }
}

/// The role's own configuration and state.
#[derive(Debug)]
enum RoleState {
    /// The initiating entity.
    Client(Box<ClientConfig>),
    /// The receiving entity.
    Server(Box<server::ServerState>),
}

impl Connection {
    /// The client configuration (client-role code only).
    fn cc(&self) -> &ClientConfig {
        match &self.role {
            RoleState::Client(c) => c,
            RoleState::Server(_) => unreachable!("client-role code on a server connection"),
        }
    }
}

/// One output of [`Connection::poll_output`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Bytes to write.
    Transmit(Bytes),
    /// An event.
    Event(Event),
    /// The next deadline.
    Timeout(Instant),
}
