//! A scripted fake engine, so the runner can be tested without `xmpp-core`: it writes fixed
//! output when its accumulated input contains a trigger, optionally upgrading to TLS with a
//! real rustls client.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use conformance::engine::{Engine, EngineEvent, Setup};

/// What the fake does when its input contains `trigger`.
#[derive(Clone)]
pub struct Rule {
    pub trigger: &'static str,
    pub output: String,
    pub events: Vec<EngineEvent>,
    /// Only fire if the whole trigger arrived in one `feed` call (a chunking bug on purpose).
    pub needs_one_piece: bool,
    /// Start TLS (as a client) after writing `output`.
    pub starts_tls: bool,
}

impl Rule {
    pub fn new(trigger: &'static str, output: impl Into<String>) -> Rule {
        Rule {
            trigger,
            output: output.into(),
            events: Vec::new(),
            needs_one_piece: false,
            starts_tls: false,
        }
    }

    pub fn event(mut self, event: EngineEvent) -> Rule {
        self.events.push(event);
        self
    }
}

/// The fake's script.
#[derive(Clone, Default)]
pub struct Script {
    pub on_start: &'static str,
    pub rules: Vec<Rule>,
    /// Written (encrypted) once TLS is up.
    pub on_secured: &'static str,
    /// After this long without input, write `on_timeout`.
    pub idle: Option<(Duration, &'static str)>,
    pub on_eof: &'static str,
    /// A bug on purpose: handling the idle timeout does not move the deadline.
    pub stuck_deadline: bool,
}

pub struct Fake {
    script: Script,
    input: String,
    fired: usize,
    out: VecDeque<Vec<u8>>,
    events: VecDeque<EngineEvent>,
    deadline: Option<Instant>,
    closed: bool,
    tls: Option<rustls::ClientConnection>,
    tls_config: Arc<rustls::ClientConfig>,
    domain: String,
    secured: bool,
}

impl Fake {
    pub fn start(script: Script, setup: &Setup<'_>) -> Box<dyn Engine> {
        let mut fake = Fake {
            input: String::new(),
            fired: 0,
            out: VecDeque::new(),
            events: VecDeque::new(),
            deadline: script.idle.map(|(d, _)| setup.now + d),
            closed: false,
            tls: None,
            tls_config: setup.tls.client_config().unwrap(),
            domain: setup.header.domain.clone(),
            secured: false,
            script,
        };
        fake.write(fake.script.on_start);
        Box::new(fake)
    }

    fn write(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        match &mut self.tls {
            Some(tls) => {
                tls.writer().write_all(text.as_bytes()).unwrap();
                self.flush_tls();
            }
            None => self.out.push_back(text.as_bytes().to_vec()),
        }
    }

    fn flush_tls(&mut self) {
        if let Some(tls) = &mut self.tls {
            let mut records = Vec::new();
            while tls.wants_write() {
                tls.write_tls(&mut records).unwrap();
            }
            if !records.is_empty() {
                self.out.push_back(records);
            }
        }
    }

    fn on_plaintext(&mut self, text: &str, whole_piece: bool) {
        self.input.push_str(text);
        while let Some(rule) = self.script.rules.get(self.fired).cloned() {
            let Some(at) = self.input.find(rule.trigger) else {
                break;
            };
            if rule.needs_one_piece && !(whole_piece && text.contains(rule.trigger)) {
                break;
            }
            self.input.drain(..at + rule.trigger.len());
            self.fired += 1;
            self.write(&rule.output);
            self.events.extend(rule.events.iter().cloned());
            if rule.starts_tls {
                let name = rustls::pki_types::ServerName::try_from(self.domain.clone()).unwrap();
                self.tls =
                    Some(rustls::ClientConnection::new(self.tls_config.clone(), name).unwrap());
                self.flush_tls();
            }
        }
    }
}

impl Engine for Fake {
    fn feed(&mut self, now: Instant, bytes: &[u8]) {
        if self.closed {
            return;
        }
        if let Some((d, _)) = self.script.idle {
            self.deadline = Some(now + d);
        }
        let Some(tls) = &mut self.tls else {
            let text = String::from_utf8_lossy(bytes).into_owned();
            self.on_plaintext(&text, true);
            return;
        };
        let mut rest = bytes;
        let mut plain = Vec::new();
        while !rest.is_empty() {
            tls.read_tls(&mut rest).unwrap();
            tls.process_new_packets().unwrap();
            let _ = tls.reader().read_to_end(&mut plain);
        }
        let handshake_done = !tls.is_handshaking();
        self.flush_tls();
        if handshake_done && !self.secured {
            self.secured = true;
            self.events.push_back(EngineEvent::Secured);
            let text = self.script.on_secured;
            self.write(text);
        }
        if !plain.is_empty() {
            let text = String::from_utf8_lossy(&plain).into_owned();
            self.on_plaintext(&text, true);
        }
    }

    fn eof(&mut self, _now: Instant) {
        if !self.closed {
            self.closed = true;
            let text = self.script.on_eof;
            self.write(text);
            self.events.push_back(EngineEvent::Closed {
                reason: "eof".into(),
            });
        }
    }

    fn timeout(&mut self, now: Instant) {
        if let (Some(deadline), Some((d, text))) = (self.deadline, self.script.idle)
            && deadline <= now
        {
            self.write(text);
            if !self.script.stuck_deadline {
                self.deadline = Some(now + d);
            }
        }
    }

    fn next_deadline(&mut self) -> Option<Instant> {
        self.deadline
    }

    fn poll_output(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    fn poll_event(&mut self) -> Option<EngineEvent> {
        self.events.pop_front()
    }

    fn send(&mut self, _now: Instant, xml: &str) -> Result<(), String> {
        if self.closed {
            return Err("closed".into());
        }
        let xml = xml.to_owned();
        self.write(&xml);
        Ok(())
    }

    fn close(&mut self, _now: Instant) -> Result<(), String> {
        self.write("</stream:stream>");
        Ok(())
    }
}
