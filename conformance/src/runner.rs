//! Replays a transcript against an engine under one chunking plan, on a virtual clock.
//!
//! Output the engine writes accumulates until a step claims it: an expectation (compared as
//! XML, or byte for byte for `!raw`), `!closed`, `!skip-output` or `!expect-nothing`.
//! Consecutive expectations of the engine's side are compared as one. When an expectation
//! finds no output and consists only of stanzas, or of `</stream:stream>` alone, the runner
//! acts as the application: it hands the stanzas to the engine's `send` (or calls `close`)
//! and compares what the engine then writes. Output no step claims by the end fails the run.

use std::fmt;
use std::time::Instant;

use crate::canon::parse_fragment;
use crate::chunking::{Chunker, Plan};
use crate::compare::items_match;
use crate::diff::{diff_items, render};
use crate::engine::{Engine, EngineEvent, EngineFactory, Setup};
use crate::tls_peer::{TlsMaterial, TlsPeer};
use crate::transcript::{EventSpec, Payload, Side, Step, StepKind, Transcript};
use crate::xml::{ANY, Item, NS_STREAM_ERRORS, NS_STREAMS, Scope};

/// Upper bound on output/event polls in one drain, to catch an engine that never settles.
const MAX_POLLS: usize = 100_000;
/// Upper bound on timeouts delivered in one `!time` step.
const MAX_TIMEOUTS: usize = 10_000;

/// Why a transcript failed under one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The plan it failed under (`None`: before any plan ran).
    pub plan: Option<Plan>,
    /// The step's line (0 = not tied to a step).
    pub line: usize,
    /// What went wrong.
    pub message: String,
    /// Expected against actual, where there is something to compare.
    pub diff: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(plan) = self.plan {
            write!(f, "[{plan}] ")?;
        }
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        f.write_str(&self.message)
    }
}

/// Runs `transcript` under every plan (whole, byte by byte, random splits); the first
/// failure is returned.
pub fn run(transcript: &Transcript, factory: &dyn EngineFactory) -> Result<(), Failure> {
    let material = TlsMaterial::generate(&transcript.header.domain).map_err(|message| Failure {
        plan: None,
        line: 0,
        message,
        diff: None,
    })?;
    for plan in Plan::all(transcript.header.seed) {
        run_plan(transcript, factory, &material, plan)?;
    }
    Ok(())
}

/// Runs `transcript` under one plan.
pub fn run_plan(
    transcript: &Transcript,
    factory: &dyn EngineFactory,
    material: &TlsMaterial,
    plan: Plan,
) -> Result<(), Failure> {
    let now = Instant::now();
    let setup = Setup {
        header: &transcript.header,
        tls: material,
        now,
    };
    let engine = factory.start(&setup).map_err(|message| Failure {
        plan: Some(plan),
        line: 0,
        message: format!("the engine cannot play this transcript: {message}"),
        diff: None,
    })?;
    let mut run = Run {
        transcript,
        plan,
        engine,
        material,
        chunker: Chunker::new(plan),
        now,
        start: now,
        tls: None,
        pending: Vec::new(),
        engine_ctx: Scope::default(),
        events: Vec::new(),
        stanzas_total: 0,
        stanzas_checked: 0,
        header_owed: transcript.header.role == Side::Client,
        ended: false,
        line: 0,
    };
    run.execute()
}

/// An error inside a run, before the plan is attached.
struct Fail {
    message: String,
    diff: Option<String>,
}

fn fail<T>(message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail {
        message: message.into(),
        diff: None,
    })
}

struct Run<'a> {
    transcript: &'a Transcript,
    plan: Plan,
    engine: Box<dyn Engine>,
    material: &'a TlsMaterial,
    chunker: Chunker,
    now: Instant,
    /// The virtual clock's start.
    start: Instant,
    tls: Option<TlsPeer>,
    /// Engine output (plaintext) no step has claimed yet.
    pending: Vec<u8>,
    /// Namespaces in scope in the engine's output (from its last stream header).
    engine_ctx: Scope,
    /// Every event so far, and whether a step has claimed it.
    events: Vec<(EngineEvent, bool)>,
    stanzas_total: usize,
    stanzas_checked: usize,
    /// Whether the engine must send a stream header before anything else (RFC 6120 §4.9.1.3).
    header_owed: bool,
    /// Whether claimed output closed the stream (stream error or `</stream:stream>`).
    ended: bool,
    line: usize,
}

impl Run<'_> {
    fn execute(&mut self) -> Result<(), Failure> {
        let steps = &self.transcript.steps;
        let mut i = 0;
        let outcome = (|| {
            self.drain()?;
            while i < steps.len() {
                self.line = steps[i].line;
                i = self.step(i)?;
            }
            self.drain()?;
            if !self.pending.is_empty() {
                return Err(Fail {
                    message: "the engine wrote output that no step claims (add an expectation or \
                              `!skip-output`)"
                        .into(),
                    diff: Some(show_bytes(&self.pending)),
                });
            }
            Ok(())
        })();
        outcome.map_err(|f| Failure {
            plan: Some(self.plan),
            line: self.line,
            message: f.message,
            diff: f.diff,
        })
    }

    fn role(&self) -> Side {
        self.transcript.header.role
    }

    /// Runs step `i` (and the expectations merged with it); returns the next step's index.
    fn step(&mut self, i: usize) -> Result<usize, Fail> {
        let steps = &self.transcript.steps;
        match &steps[i].kind {
            StepKind::Data {
                side,
                payload,
                stream_opens,
                sasl_success,
            } if *side != self.role() => {
                let bytes = match payload {
                    Payload::Xml { text, .. } => text.as_bytes(),
                    Payload::Raw(bytes) => bytes.as_slice(),
                };
                let pieces = self.chunker.split(bytes);
                for piece in pieces {
                    self.feed(piece)?;
                }
                match self.role() {
                    Side::Server if *stream_opens > 0 => self.header_owed = true,
                    Side::Client if *sasl_success => self.header_owed = true,
                    _ => {}
                }
            }
            StepKind::Data {
                payload: Payload::Raw(expected),
                ..
            } => self.expect_raw(expected)?,
            StepKind::Data { .. } => return self.expect_xml(i),
            StepKind::Tls => self.tls_handshake()?,
            StepKind::Time(d) => self.advance(*d)?,
            StepKind::Eof => {
                self.engine.eof(self.now);
                self.drain()?;
            }
            StepKind::Event(spec) => self.expect_event(spec)?,
            StepKind::Closed(conditions) => self.expect_closed(conditions.as_deref())?,
            StepKind::ExpectNothing => {
                self.drain()?;
                if !self.pending.is_empty() {
                    return Err(Fail {
                        message: "expected no output".into(),
                        diff: Some(show_bytes(&self.pending)),
                    });
                }
            }
            StepKind::Open => self.expect_open()?,
            StepKind::SkipOutput => {
                self.drain()?;
                let text = String::from_utf8_lossy(&self.pending).into_owned();
                let mut ctx = self.engine_ctx.clone();
                if let Ok(items) = parse_fragment(&text, &mut ctx) {
                    self.engine_ctx = ctx;
                    self.note_claimed(&items);
                }
                self.pending.clear();
            }
            StepKind::Stanzas(n) => {
                self.drain()?;
                let seen = self.stanzas_total - self.stanzas_checked;
                self.stanzas_checked = self.stanzas_total;
                if seen != *n {
                    return fail(format!(
                        "expected {n} stanza event(s) since the previous check, got {seen}"
                    ));
                }
            }
        }
        Ok(i + 1)
    }

    /// Feeds one piece of input, through TLS once it is up.
    fn feed(&mut self, plain: &[u8]) -> Result<(), Fail> {
        match &mut self.tls {
            Some(tls) => {
                let records = tls.send(plain).or_else(fail)?;
                self.engine.feed(self.now, &records);
            }
            None => self.engine.feed(self.now, plain),
        }
        self.drain()
    }

    /// Collects everything the engine has to say; TLS records are decrypted (and the peer's
    /// answers fed back) once TLS is up.
    fn drain(&mut self) -> Result<(), Fail> {
        for _ in 0..MAX_POLLS {
            let mut progressed = false;
            while let Some(out) = self.engine.poll_output() {
                progressed = true;
                match &mut self.tls {
                    Some(tls) => {
                        let plain = tls.receive(&out).or_else(fail)?;
                        self.pending.extend_from_slice(&plain);
                        let answer = tls.take_output();
                        if !answer.is_empty() {
                            self.engine.feed(self.now, &answer);
                        }
                    }
                    None => self.pending.extend_from_slice(&out),
                }
            }
            while let Some(event) = self.engine.poll_event() {
                progressed = true;
                if event == EngineEvent::Stanza {
                    self.stanzas_total += 1;
                }
                self.events.push((event, false));
            }
            if !progressed {
                return Ok(());
            }
        }
        fail("the engine never stops producing output or events")
    }

    /// The engine's pending output as canonical items (updating its namespace context).
    fn take_items(&mut self) -> Result<Vec<Item>, Fail> {
        let bytes = std::mem::take(&mut self.pending);
        let text = String::from_utf8(bytes).map_err(|e| Fail {
            message: format!("the engine's output is not UTF-8: {e}"),
            diff: None,
        })?;
        let items = parse_fragment(&text, &mut self.engine_ctx).map_err(|e| Fail {
            message: format!("the engine's output is not XML: {e}"),
            diff: Some(text.clone()),
        })?;
        self.note_claimed(&items);
        Ok(items)
    }

    fn note_claimed(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::StreamOpen { .. } => self.header_owed = false,
                Item::StreamClose => self.ended = true,
                Item::Element { element, .. } if element.name.is(NS_STREAMS, "error") => {
                    self.ended = true;
                }
                _ => {}
            }
        }
    }

    fn expect_xml(&mut self, first: usize) -> Result<usize, Fail> {
        let steps = &self.transcript.steps;
        let role = self.role();
        let mut expected = Vec::new();
        let mut next = first;
        while let Some(Step {
            kind:
                StepKind::Data {
                    side,
                    payload:
                        Payload::Xml {
                            items: Some(items), ..
                        },
                    ..
                },
            ..
        }) = steps.get(next)
            && *side == role
        {
            expected.extend(items.iter().cloned());
            next += 1;
        }
        self.drain()?;
        if self.pending.is_empty() {
            self.act_as_application(&expected)?;
        }
        let actual = self.take_items()?;
        if items_match(&expected, &actual) {
            Ok(next)
        } else {
            Err(Fail {
                message: format!(
                    "the engine's output differs from the expected `{}:` step",
                    role.letter()
                ),
                diff: Some(diff_items(&expected, &actual)),
            })
        }
    }

    /// Plays the application for an expectation that found no output (see the module docs).
    fn act_as_application(&mut self, expected: &[Item]) -> Result<(), Fail> {
        if let [Item::StreamClose] = expected {
            self.engine.close(self.now).or_else(|e| {
                fail(format!(
                    "the engine wrote nothing and refused to close when the runner asked: {e}"
                ))
            })?;
            return self.drain();
        }
        let stanzas: Option<Vec<&str>> = expected
            .iter()
            .map(|item| match item {
                Item::Element { element, source }
                    if ["message", "presence", "iq"].contains(&element.name.local.as_str())
                        && element.name.ns.starts_with("jabber:") =>
                {
                    Some(source.as_str())
                }
                _ => None,
            })
            .collect();
        let Some(stanzas) = stanzas.filter(|s| !s.is_empty()) else {
            return Ok(());
        };
        for source in stanzas {
            if source.contains(ANY) {
                return fail(format!(
                    "the engine wrote nothing, and the runner cannot send a stanza with {ANY} \
                     on the application's behalf: {source}"
                ));
            }
            self.engine.send(self.now, source).or_else(|e| {
                fail(format!(
                    "the engine wrote nothing and refused the stanza the runner sent as the \
                     application: {e}"
                ))
            })?;
            self.drain()?;
        }
        Ok(())
    }

    fn expect_raw(&mut self, expected: &[u8]) -> Result<(), Fail> {
        self.drain()?;
        if self.pending != expected {
            return Err(Fail {
                message: "the engine's output differs from the expected raw bytes".into(),
                diff: Some(format!(
                    "- {}\n+ {}\n",
                    show_bytes(expected),
                    show_bytes(&self.pending)
                )),
            });
        }
        let text = String::from_utf8_lossy(expected).into_owned();
        let mut ctx = self.engine_ctx.clone();
        if let Ok(items) = parse_fragment(&text, &mut ctx) {
            self.engine_ctx = ctx;
            self.note_claimed(&items);
        }
        self.pending.clear();
        Ok(())
    }

    fn tls_handshake(&mut self) -> Result<(), Fail> {
        if self.tls.is_some() {
            return fail("`!tls` while TLS is already up");
        }
        self.drain()?;
        let mut peer = match self.role() {
            Side::Client => TlsPeer::server(self.material),
            Side::Server => TlsPeer::client(self.material),
        }
        .or_else(fail)?;
        // Whatever the engine wrote since the last claim is its first TLS records.
        let records = std::mem::take(&mut self.pending);
        let plain = peer.receive(&records).or_else(|e| {
            fail(format!(
                "{e} (the engine's output before `!tls` was {})",
                show_bytes(&records)
            ))
        })?;
        self.pending = plain;
        let kick = peer.take_output();
        self.tls = Some(peer);
        if !kick.is_empty() {
            self.engine.feed(self.now, &kick);
        }
        self.drain()?;
        if self.tls.as_ref().is_some_and(TlsPeer::is_handshaking) {
            return fail("the TLS handshake did not complete");
        }
        if self.role() == Side::Client {
            self.header_owed = true;
        }
        Ok(())
    }

    fn advance(&mut self, by: std::time::Duration) -> Result<(), Fail> {
        let target = self.now + by;
        for _ in 0..MAX_TIMEOUTS {
            match self.engine.next_deadline() {
                Some(deadline) if deadline <= target => {
                    self.now = self.now.max(deadline);
                    self.engine.timeout(self.now);
                    self.drain()?;
                    if let Some(next) = self.engine.next_deadline()
                        && next <= self.now
                    {
                        return fail(format!(
                            "after handling a timeout at +{:?} the engine's next deadline is not \
                             later (+{:?})",
                            self.now - self.start,
                            next.saturating_duration_since(self.start)
                        ));
                    }
                }
                _ => {
                    self.now = target;
                    return Ok(());
                }
            }
        }
        fail("the engine keeps asking for timeouts")
    }

    fn expect_event(&mut self, spec: &EventSpec) -> Result<(), Fail> {
        self.drain()?;
        let wanted = |e: &EngineEvent| match (spec, e) {
            (EventSpec::Secured, EngineEvent::Secured)
            | (EventSpec::Authenticated, EngineEvent::Authenticated)
            | (EventSpec::Stanza, EngineEvent::Stanza)
            | (EventSpec::Closed, EngineEvent::Closed { .. }) => true,
            (EventSpec::Online(want), EngineEvent::Online { jid }) => want == jid,
            _ => false,
        };
        match self
            .events
            .iter_mut()
            .find(|(e, claimed)| !claimed && wanted(e))
        {
            Some((_, claimed)) => {
                *claimed = true;
                Ok(())
            }
            None => fail(format!(
                "expected event {spec:?}; events so far: [{}]",
                self.events
                    .iter()
                    .map(|(e, _)| e.describe())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    fn expect_closed(&mut self, conditions: Option<&[String]>) -> Result<(), Fail> {
        self.drain()?;
        let owed = self.header_owed;
        let actual = self.take_items()?;
        let shown = || Some(render(&actual).join("\n") + "\n");
        let mut rest = actual.as_slice();
        if owed {
            if let [Item::Declaration(_), tail @ ..] = rest {
                rest = tail;
            }
            match rest {
                [Item::StreamOpen { .. }, tail @ ..] => rest = tail,
                _ if conditions.is_some() => {
                    return Err(Fail {
                        message: "the engine must send its stream header before the stream \
                                  error (RFC 6120 §4.9.1.3)"
                            .into(),
                        diff: shown(),
                    });
                }
                _ => {}
            }
        }
        let verdict = match (conditions, rest) {
            (None, [Item::StreamClose]) => Ok(()),
            (None, _) => Err("expected a clean close: `</stream:stream>` alone".to_owned()),
            (Some(conds), [Item::Element { element, .. }, Item::StreamClose])
                if element.name.is(NS_STREAMS, "error") =>
            {
                let defined: Vec<&str> = element
                    .elements()
                    .filter(|c| c.name.ns == NS_STREAM_ERRORS && c.name.local != "text")
                    .map(|c| c.name.local.as_str())
                    .collect();
                match defined.as_slice() {
                    [one] if conds.iter().any(|c| c == one) => Ok(()),
                    _ => Err(format!(
                        "expected stream error condition {}, got {}",
                        conds.join(" or "),
                        if defined.is_empty() {
                            "none".to_owned()
                        } else {
                            defined.join(", ")
                        }
                    )),
                }
            }
            (Some(conds), _) => Err(format!(
                "expected `<stream:error>` with {} followed by `</stream:stream>`",
                conds.join(" or ")
            )),
        };
        if let Err(message) = verdict {
            return Err(Fail {
                message,
                diff: shown(),
            });
        }
        match self
            .events
            .iter_mut()
            .find(|(e, _)| matches!(e, EngineEvent::Closed { .. }))
        {
            Some((_, claimed)) => {
                *claimed = true;
                Ok(())
            }
            None => fail("the engine closed the stream but emitted no closed event"),
        }
    }

    fn expect_open(&mut self) -> Result<(), Fail> {
        self.drain()?;
        if let Some((e, _)) = self
            .events
            .iter()
            .find(|(e, _)| matches!(e, EngineEvent::Closed { .. }))
        {
            return fail(format!(
                "expected an open stream, but the engine emitted {}",
                e.describe()
            ));
        }
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        let items = parse_fragment(&text, &mut self.engine_ctx.clone()).map_err(|e| Fail {
            message: format!("the engine's output is not XML: {e}"),
            diff: Some(text.clone()),
        })?;
        let closing = items.iter().any(|item| match item {
            Item::StreamClose => true,
            Item::Element { element, .. } => element.name.is(NS_STREAMS, "error"),
            _ => false,
        });
        if self.ended || closing {
            return fail(
                "expected an open stream, but the engine sent a stream error or `</stream:stream>`",
            );
        }
        Ok(())
    }
}

/// Bytes for a report: UTF-8 text as is, other bytes escaped.
pub fn show_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}
