//! A scripted peer for one connection: feed bytes, collect output and events, move time.

use std::time::{Duration, Instant};

use crate::connection::{ClientConfig, CloseReason, Connection, Event, Input, TlsPolicy};
use crate::tls::{ChannelBindingData, TlsInfo, TlsVersion};

/// The RFC 6120 §9.1 server's stream header (response stream).
pub(super) const SERVER_HEADER: &str = "<?xml version='1.0'?><stream:stream from='im.example.com' \
    id='t7AMCin9zjMNwQKDnplntZPIDEI=' to='juliet@im.example.com' version='1.0' xml:lang='en' \
    xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

pub(super) struct Harness {
    pub conn: Connection,
    pub now: Instant,
    pub out: Vec<u8>,
    pub events: Vec<Event>,
}

impl Harness {
    pub fn new(config: ClientConfig) -> Self {
        let now = crate::test_util::epoch();
        let mut h = Harness {
            conn: Connection::client(config, now),
            now,
            out: Vec::new(),
            events: Vec::new(),
        };
        h.drain();
        h
    }

    /// A client for juliet@im.example.com with PLAIN allowed in plaintext (no TLS).
    pub fn plaintext() -> Self {
        Self::new(plain_config().with_tls_policy(TlsPolicy::Disabled))
    }

    pub fn drain(&mut self) {
        while let Some(b) = self.conn.poll_transmit() {
            self.out.extend_from_slice(&b);
        }
        while let Some(e) = self.conn.poll_event() {
            self.events.push(e);
        }
    }

    pub fn feed(&mut self, s: &str) {
        self.feed_bytes(s.as_bytes());
    }

    /// Feeds `s` whole.
    pub fn feed_bytes(&mut self, b: &[u8]) {
        self.conn.handle_input(self.now, Input::Data(b)).unwrap();
        self.drain();
    }

    /// Feeds `s` one byte at a time.
    pub fn feed_bytewise(&mut self, s: &str) {
        for b in s.as_bytes() {
            self.conn
                .handle_input(self.now, Input::Data(std::slice::from_ref(b)))
                .unwrap();
            self.drain();
        }
    }

    pub fn input(&mut self, input: Input<'_>) {
        self.conn.handle_input(self.now, input).unwrap();
        self.drain();
    }

    /// Output since the last call, as text.
    pub fn take_out(&mut self) -> String {
        String::from_utf8(std::mem::take(&mut self.out)).unwrap()
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Moves to the next deadline (at most `max`) and delivers the timeout.
    pub fn advance(&mut self, by: Duration) {
        self.now += by;
        self.input(Input::Timeout);
    }

    /// Runs timers until the connection closes or `limit` passes; returns the elapsed time.
    pub fn run_timers(&mut self, limit: Duration) -> Duration {
        let start = self.now;
        while let Some(t) = self.conn.poll_timeout() {
            if t - start > limit {
                break;
            }
            self.now = t;
            self.input(Input::Timeout);
        }
        self.now - start
    }

    pub fn closed_reason(&self) -> Option<&CloseReason> {
        self.events.iter().find_map(|e| match e {
            Event::Closed(r) => Some(r),
            _ => None,
        })
    }

    /// Runs the external-TLS STARTTLS exchange: header, features, starttls, proceed,
    /// `TlsEstablished`, and the server's second header.
    pub fn starttls_external(&mut self, info: TlsInfo) {
        self.feed(SERVER_HEADER);
        self.feed("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>");
        assert!(
            self.take_out()
                .ends_with("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        );
        self.feed("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        assert_eq!(self.take_events(), vec![Event::StartTls]);
        assert!(self.take_out().is_empty());
        self.input(Input::TlsEstablished(info.clone()));
        assert_eq!(self.take_events(), vec![Event::Secured(info)]);
    }

    /// Logs in with PLAIN over a plaintext stream and binds `balcony`.
    pub fn online_plaintext() -> Self {
        let mut h = Self::plaintext();
        h.feed(SERVER_HEADER);
        h.feed(PLAIN_FEATURES);
        h.take_out();
        h.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        h.feed(SERVER_HEADER);
        h.feed(BIND_FEATURES);
        let out = h.take_out();
        let id = attr_of(&out, "iq", "id");
        h.feed(&bind_result(&id, "juliet@im.example.com/balcony"));
        h.take_out();
        h.take_events();
        assert!(h.conn.is_online());
        h
    }
}

pub(super) const PLAIN_FEATURES: &str = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
pub(super) const BIND_FEATURES: &str =
    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

pub(super) fn bind_result(id: &str, jid: &str) -> String {
    format!(
        "<iq id='{id}' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{jid}</jid></bind></iq>"
    )
}

pub(super) fn plain_config() -> ClientConfig {
    ClientConfig::new("juliet@im.example.com".parse().unwrap())
        .with_password("r0m30myr0m30")
        .with_resource("balcony")
        .with_plain_without_tls(true)
        .with_seed_u64(1)
}

/// A TLS 1.2 session without channel-binding data (as an external TLS stack might report).
pub(super) fn external_tls_info() -> TlsInfo {
    TlsInfo {
        version: TlsVersion::Tls12,
        channel_binding: ChannelBindingData::default(),
        peer_certificates: Vec::new(),
        alpn: None,
    }
}

/// The value of `attr` on the first `<name ` element in `xml`.
pub(super) fn attr_of(xml: &str, name: &str, attr: &str) -> String {
    let start = xml
        .find(&format!("<{name} "))
        .unwrap_or_else(|| panic!("no <{name}> in {xml}"));
    let tag = &xml[start..];
    let tag = &tag[..tag.find('>').unwrap()];
    let at = tag
        .find(&format!(" {attr}="))
        .unwrap_or_else(|| panic!("no {attr} in {tag}"));
    let rest = &tag[at + attr.len() + 2..];
    let q = rest.as_bytes()[0] as char;
    rest[1..].split(q).next().unwrap().to_owned()
}
