//! A parsed transcript: header settings and the steps to replay.

use std::path::PathBuf;
use std::time::Duration;

use crate::xml::Item;

/// The side of the stream a `C:`/`S:` step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The initiating entity (`C:` lines).
    Client,
    /// The receiving entity (`S:` lines).
    Server,
}

impl Side {
    /// The other side.
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    /// The step prefix for this side, `C` or `S`.
    pub fn letter(self) -> char {
        match self {
            Side::Client => 'C',
            Side::Server => 'S',
        }
    }
}

/// The kind of stream (`stream:` header key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    /// Client-to-server (`jabber:client`).
    C2s,
    /// Server-to-server (`jabber:server`).
    S2s,
    /// External component (XEP-0114).
    Component,
}

/// The engine's TLS policy (`tls:` header key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsPolicy {
    /// TLS must be negotiated before authentication.
    Required,
    /// TLS is used when offered.
    Optional,
    /// TLS is never negotiated.
    None,
}

/// When the client puts `from` in its stream header (`send-from:` header key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendFrom {
    /// In every stream header.
    Always,
    /// Only once the stream is encrypted.
    AfterTls,
    /// Never.
    Never,
}

/// The transcript header; every key of FORMAT.md, `None` where the engine default applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// One line shown in the report (defaults to the file name).
    pub title: String,
    /// Where the behaviour is specified.
    pub spec: Option<String>,
    /// The side the engine under test plays.
    pub role: Side,
    /// The stream kind.
    pub stream: StreamKind,
    /// The server's domain.
    pub domain: String,
    /// Client role: the account's bare JID; server role: the account in the store.
    pub jid: Option<String>,
    /// The account's password.
    pub password: Option<String>,
    /// Client role: the resource to request.
    pub resource: Option<String>,
    /// The engine's TLS policy.
    pub tls: TlsPolicy,
    /// SASL mechanisms, most preferred first (client) or in offer order (server).
    pub mechanisms: Option<Vec<String>>,
    /// The SCRAM client nonce.
    pub client_nonce: Option<String>,
    /// Server role: the SCRAM nonce part the server appends.
    pub server_nonce: Option<String>,
    /// Server role: the SCRAM salt (decoded from base64).
    pub salt: Option<Vec<u8>>,
    /// Server role: the SCRAM iteration count.
    pub iterations: u32,
    /// Server role: the stream ids to send, in order.
    pub stream_ids: Option<Vec<String>>,
    /// Client role: when the client puts `from` in its stream header.
    pub send_from: Option<SendFrom>,
    /// Seed for every other random choice, and for the random chunking plan.
    pub seed: u64,
    /// Limit on the bytes of one stanza.
    pub max_stanza_bytes: Option<usize>,
    /// Limit on element nesting depth.
    pub max_depth: Option<usize>,
    /// Limit on attributes per element.
    pub max_attributes: Option<usize>,
}

/// Bytes a step feeds or expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A compacted XML step: the bytes to feed and the canonical items to compare.
    Xml {
        /// The compacted text (fed as is when this is input).
        text: String,
        /// The canonical form, present for expectations (input may be deliberately broken).
        items: Option<Vec<Item>>,
    },
    /// A `!raw` step: exact bytes.
    Raw(Vec<u8>),
}

/// One step of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// `C:`/`S:`/`!raw C:`/`!raw S:`: bytes one side sends.
    Data {
        /// Who sends them.
        side: Side,
        /// What is sent.
        payload: Payload,
        /// How many stream headers the data opens (for the §4.9.1.3 header rule).
        stream_opens: usize,
        /// Whether the data holds a SASL `<success/>` (the client restarts its stream).
        sasl_success: bool,
    },
    /// `!tls`: an in-memory TLS handshake.
    Tls,
    /// `!time +D`: advance virtual time and deliver due timeouts.
    Time(Duration),
    /// `!eof`: the scripted peer closes the transport.
    Eof,
    /// `!event NAME [ARG]`: the engine must have emitted this event.
    Event(EventSpec),
    /// `!closed CONDITION`: the engine closed the stream with one of these conditions
    /// (`None` = a clean close).
    Closed(Option<Vec<String>>),
    /// `!expect-nothing`: no output since the previous step.
    ExpectNothing,
    /// `!open`: the stream is still open.
    Open,
    /// `!skip-output`: discard output since the previous step.
    SkipOutput,
    /// `!stanzas N`: exactly N stanza events since the previous check.
    Stanzas(usize),
}

/// An event a `!event` step requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSpec {
    /// `secured`: TLS is established.
    Secured,
    /// `authenticated`: SASL succeeded.
    Authenticated,
    /// `online JID`: the resource is bound to this full JID.
    Online(String),
    /// `stanza`: a stanza was received.
    Stanza,
    /// `closed`: the stream is closed.
    Closed,
}

/// A step and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number in the transcript file.
    pub line: usize,
    /// What the step does.
    pub kind: StepKind,
}

/// A whole transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// Where it was read from (empty for in-memory text).
    pub path: PathBuf,
    /// The header.
    pub header: Header,
    /// The steps, in order.
    pub steps: Vec<Step>,
}
