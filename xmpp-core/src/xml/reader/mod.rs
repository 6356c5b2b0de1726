//! The incremental stream reader: bytes in, stream events out.

mod prolog;
mod scan;
mod tree;

use std::sync::Arc;

use bytes::{Buf, BytesMut};

use self::scan::{ScanError, Scanner, Token};
use self::tree::{Progress, TreeBuilder};
use super::{Element, Limits, StreamContext, StreamHeader};
use crate::error::{StreamError, StreamErrorCondition as Cond};

/// What the reader found in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamEvent {
    /// The peer's stream header (RFC 6120 §4.7); first event of each (re)started stream.
    Header(StreamHeader),
    /// A complete depth-1 element: a stanza or a nonza (RFC 6120 §4.1).
    Element(Element),
    /// Whitespace between depth-1 elements: a keepalive (RFC 6120 §4.6.1, §11.7). A run of
    /// whitespace split across reads may be reported once per read.
    Whitespace,
    /// The peer closed its stream with `</stream:stream>` (RFC 6120 §4.4).
    Close,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Before the stream header; `at_start` while nothing has been consumed since the
    /// (re)start, which is where an XML declaration may appear.
    Prolog { at_start: bool },
    /// After the header, until the close.
    Stream,
    /// After `</stream:stream>`: further input is ignored.
    Closed,
    /// After a stream error: the same error is returned again.
    Failed(StreamError),
}

/// The open stream's context and the stream element's name (to match its end tag).
#[derive(Debug, Clone)]
struct OpenStream {
    ctx: Arc<StreamContext>,
    qname: Box<str>,
    /// The header was self-closing: report the close next.
    close_pending: bool,
}

/// Smallest buffer block allocated for input; stanzas are zero-copy slices of these blocks.
const MIN_BLOCK: usize = 16 * 1024;

/// An incremental, zero-copy XMPP stream reader.
///
/// Feed it bytes in chunks of any size, split anywhere; it keeps its place and looks at
/// every byte once (n one-byte reads cost O(n)). It enforces restricted XML (RFC 6120 §11)
/// and the [`Limits`], and reports every rejection as a [`StreamError`] with the RFC 6120
/// condition and a short text. After an error it returns the same error again.
///
/// ```
/// use xmpp_core::xml::{Limits, StreamEvent, StreamReader};
///
/// let mut reader = StreamReader::new(Limits::default());
/// let mut input: &[u8] = b"<stream:stream xmlns='jabber:client' \
///     xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>\
///     <message to='romeo@example.net'><body>Art thou not Romeo?</body></message>";
/// let mut stanzas = Vec::new();
/// while let Some(event) = reader.next_event(&mut input)? {
///     match event {
///         StreamEvent::Header(h) => assert_eq!(h.content_ns(), "jabber:client"),
///         StreamEvent::Element(el) => stanzas.push(el),
///         _ => {}
///     }
/// }
/// // `None`: all input consumed, more bytes needed.
/// assert!(input.is_empty());
/// let body = stanzas[0].root().element("body", "jabber:client").unwrap();
/// assert_eq!(body.text(), "Art thou not Romeo?");
/// # Ok::<(), xmpp_core::error::StreamError>(())
/// ```
#[derive(Debug)]
pub struct StreamReader {
    limits: Limits,
    buf: BytesMut,
    scanner: Scanner,
    tree: TreeBuilder,
    phase: Phase,
    stream: Option<OpenStream>,
    /// Prolog bytes (declaration, whitespace) consumed since the (re)start.
    prolog_bytes: usize,
    /// `buf[..utf8_valid]` is valid UTF-8; validation stops at the first invalid sequence.
    utf8_valid: usize,
    /// Set by [`restart`](Self::restart): whitespace before the new stream's XML
    /// declaration is the old stream's (between its elements) and does not move it.
    restarted: bool,
}

/// The buffer with its validated-UTF-8 prefix: complete tokens below the mark are `&str`
/// without validating again (RFC 6120 §11.6; DESIGN §4 "validate UTF-8 once per byte").
#[derive(Clone, Copy)]
pub(crate) struct Input<'a> {
    pub(crate) bytes: &'a [u8],
    valid: usize,
}

impl<'a> Input<'a> {
    /// `bytes[start..end]` as text, or `unsupported-encoding` if it holds invalid UTF-8
    /// (RFC 6120 §4.9.3.22 names that condition for UTF-8 violations). Tokens end
    /// at ASCII delimiters, so a token reaching past the mark contains an invalid sequence.
    #[allow(unsafe_code)]
    pub(crate) fn str(&self, start: usize, end: usize) -> Result<&'a str, StreamError> {
        if end > self.valid {
            return Err(StreamError::of(
                Cond::UnsupportedEncoding,
                "invalid UTF-8 (RFC 6120 §4.9.3.22, §11.6)",
            ));
        }
        let b = &self.bytes[start..end];
        debug_assert!(std::str::from_utf8(b).is_ok());
        // SAFETY: `bytes[..valid]` passed `str::from_utf8` (see `StreamReader::validate`),
        // and `start` is a token boundary: an ASCII byte or the start of the buffer, which is
        // always a token or element boundary, so never inside a multi-byte sequence.
        Ok(unsafe { std::str::from_utf8_unchecked(b) })
    }
}

impl StreamReader {
    /// A reader waiting for a stream header.
    pub fn new(limits: Limits) -> Self {
        StreamReader {
            limits,
            buf: BytesMut::new(),
            scanner: Scanner::new(),
            tree: TreeBuilder::default(),
            phase: Phase::Prolog { at_start: true },
            stream: None,
            prolog_bytes: 0,
            utf8_valid: 0,
            restarted: false,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reads from `input`, advancing it past what was taken, until an event is complete.
    ///
    /// Returns `Ok(None)` once all of `input` is consumed without completing an event: call
    /// again with more bytes. Input is copied in pieces of at most the stanza limit, so a
    /// hostile peer cannot make the reader hold more than about twice the limit.
    pub fn next_event(&mut self, input: &mut &[u8]) -> Result<Option<StreamEvent>, StreamError> {
        loop {
            match self.step() {
                Ok(Some(event)) => return Ok(Some(event)),
                Ok(None) => {}
                Err(e) => {
                    self.fail(&e);
                    return Err(e);
                }
            }
            if self.phase == Phase::Closed {
                // Nothing may follow the close (RFC 6120 §4.4); it is not parsed.
                *input = &[];
            }
            if input.is_empty() {
                self.release_if_idle();
                return Ok(None);
            }
            self.take(input);
        }
    }

    /// Starts a new stream on the same transport (RFC 6120 §4.3.3, after STARTTLS or SASL):
    /// parser state is reset and bytes already buffered are kept, to be read as the start of
    /// the new stream.
    pub fn restart(&mut self) {
        if matches!(self.phase, Phase::Failed(_)) {
            return;
        }
        self.phase = Phase::Prolog { at_start: true };
        self.stream = None;
        self.prolog_bytes = 0;
        self.restarted = true;
        self.scanner = Scanner::new();
        self.tree.reset();
    }

    /// Bytes taken from input but not yet reported in an event (e.g. bytes received after
    /// `<proceed/>`, which must not exist: RFC 6120 §5.4.3.3).
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// Drops the buffered bytes if they are only whitespace (what a client may send after
    /// `<starttls/>` before its TLS handshake); whether nothing is buffered now. Call only
    /// right before a [`restart`](Self::restart) (the scanner starts over).
    pub(crate) fn discard_blank(&mut self) -> bool {
        if self
            .buf
            .iter()
            .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
        {
            self.buf.clear();
            self.utf8_valid = 0;
            self.scanner = Scanner::new();
        }
        self.buf.is_empty()
    }

    /// The context of the open stream (set by its header).
    pub fn context(&self) -> Option<&Arc<StreamContext>> {
        self.stream.as_ref().map(|s| &s.ctx)
    }

    /// Bytes the token scanner has looked at since the last restart (each input byte once;
    /// exposed so tests and benches can check the O(n) claim).
    #[doc(hidden)]
    pub fn scanned_bytes(&self) -> u64 {
        self.scanner.examined()
    }

    /// Whether a `</stream:stream>` was read.
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    fn step(&mut self) -> Result<Option<StreamEvent>, StreamError> {
        match &self.phase {
            Phase::Prolog { .. } => self.step_prolog(),
            Phase::Stream => self.step_stream(),
            Phase::Closed => Ok(None),
            Phase::Failed(e) => Err(e.clone()),
        }
    }

    fn fail(&mut self, e: &StreamError) {
        self.phase = Phase::Failed(e.clone());
        self.buf = BytesMut::new();
        self.utf8_valid = 0;
        self.scanner = Scanner::new();
        self.tree.reset();
        self.tree.shrink_idle();
    }

    /// Copies the next piece of `input` into the buffer.
    fn take(&mut self, input: &mut &[u8]) {
        let budget = (self.limits.stanza_bytes() + 1)
            .saturating_sub(self.buf.len())
            .max(1);
        let n = input.len().min(budget);
        if self.buf.capacity() - self.buf.len() < n && !self.buf.try_reclaim(n) {
            // A new block; the bytes of a partial element move with it. Growing to at least
            // twice the partial keeps the copying of a large element amortised O(n).
            let cap = (self.buf.len() + n).max(2 * self.buf.len()).max(MIN_BLOCK);
            let mut block = BytesMut::with_capacity(cap);
            block.extend_from_slice(&self.buf);
            self.buf = block;
        }
        self.buf.extend_from_slice(&input[..n]);
        *input = &input[n..];
        self.validate();
    }

    /// Extends the validated-UTF-8 prefix over new bytes. An incomplete sequence at the end
    /// is looked at again (at most 3 bytes) when more arrive; an invalid one stops it for good.
    fn validate(&mut self) {
        match std::str::from_utf8(&self.buf[self.utf8_valid..]) {
            Ok(_) => self.utf8_valid = self.buf.len(),
            Err(e) => self.utf8_valid += e.valid_up_to(),
        }
    }

    fn input(&self) -> Input<'_> {
        Input {
            bytes: &self.buf,
            valid: self.utf8_valid,
        }
    }

    /// Drops the buffer when it holds nothing, so an idle reader holds almost no memory.
    fn release_if_idle(&mut self) {
        if self.buf.is_empty() {
            self.buf = BytesMut::new();
            self.utf8_valid = 0;
            if self.tree.depth() == 0 {
                self.tree.shrink_idle();
            }
        }
    }

    /// Drops `n` handled bytes from the front of the buffer.
    fn consume(&mut self, n: usize) {
        self.buf.advance(n);
        self.scanner.consumed(n);
        self.utf8_valid -= n;
    }

    fn step_prolog(&mut self) -> Result<Option<StreamEvent>, StreamError> {
        loop {
            let at_start = matches!(self.phase, Phase::Prolog { at_start: true });
            if self.scanner.is_idle() {
                let rest = &self.buf[self.scanner.token_start()..];
                if at_start {
                    match prolog::sniff_encoding(rest) {
                        None => return Ok(None),
                        Some(r) => r?,
                    }
                }
                let ws = whitespace_len(rest);
                if ws > 0 {
                    self.prolog_bytes += ws;
                    // After a restart, whitespace the client sent after its last element of
                    // the old stream (go-sendxmpp: `</auth>\n`) may precede the declaration.
                    self.phase = Phase::Prolog {
                        at_start: at_start && self.restarted,
                    };
                    self.scanner.skip(ws);
                    self.consume(self.scanner.token_start());
                    self.check_header_limit(0)?;
                    continue;
                }
                match rest.first() {
                    None => return Ok(None),
                    Some(b'<') => {}
                    Some(_) => return Err(not_well_formed("text before the stream header")),
                }
            }
            let found = self.scanner.next(&self.buf, at_start).map_err(scan_error)?;
            let Some((token, start, end)) = found else {
                self.check_header_limit(self.scanner.scanned())?;
                return Ok(None);
            };
            self.check_header_limit(end)?;
            match token {
                Token::Pi => {
                    prolog::check_declaration(self.input().str(start, end)?)?;
                    self.prolog_bytes += end;
                    self.phase = Phase::Prolog { at_start: false };
                    self.consume(end);
                }
                Token::StartTag => {
                    let (header, qname, empty) =
                        prolog::parse_header(self.input().str(start, end)?, &self.limits)?;
                    self.consume(end);
                    self.stream = Some(OpenStream {
                        ctx: Arc::clone(&header.context),
                        qname: qname.into(),
                        close_pending: empty,
                    });
                    self.phase = Phase::Stream;
                    self.tree.reset();
                    return Ok(Some(StreamEvent::Header(header)));
                }
                _ => return Err(not_well_formed("expected a stream header")),
            }
        }
    }

    fn check_header_limit(&self, pending: usize) -> Result<(), StreamError> {
        if self.prolog_bytes + pending > self.limits.max_header_bytes {
            return Err(StreamError::of(
                Cond::PolicyViolation,
                format!(
                    "no stream header within {} bytes",
                    self.limits.max_header_bytes
                ),
            ));
        }
        Ok(())
    }

    fn step_stream(&mut self) -> Result<Option<StreamEvent>, StreamError> {
        let Some(stream) = self.stream.as_mut() else {
            return Err(StreamError::of(
                Cond::InternalServerError,
                "reader has no open stream",
            ));
        };
        if stream.close_pending {
            stream.close_pending = false;
            self.phase = Phase::Closed;
            return Ok(Some(StreamEvent::Close));
        }
        let limit = self.limits.stanza_bytes();
        loop {
            if self.tree.depth() == 0 && self.scanner.is_idle() {
                let rest = &self.buf[self.scanner.token_start()..];
                let ws = whitespace_len(rest);
                if ws > 0 {
                    self.scanner.skip(ws);
                    self.consume(self.scanner.token_start());
                    return Ok(Some(StreamEvent::Whitespace));
                }
                match rest.first() {
                    None => return Ok(None),
                    Some(b'<') => {}
                    Some(_) => return Err(text_at_depth_one()),
                }
            }
            let found = self.scanner.next(&self.buf, false).map_err(scan_error)?;
            let Some((token, start, end)) = found else {
                if self.scanner.scanned() > limit {
                    return Err(too_large(limit));
                }
                return Ok(None);
            };
            if end > limit {
                return Err(too_large(limit));
            }
            let Some(stream) = self.stream.as_ref() else {
                unreachable!("checked above")
            };
            let input = Input {
                bytes: &self.buf,
                valid: self.utf8_valid,
            };
            let progress = match token {
                Token::StartTag => {
                    self.tree
                        .start_tag(input, start, end, &self.limits, &stream.ctx)?
                }
                Token::EndTag if self.tree.depth() == 0 => {
                    let name = tree::end_tag_name(input, start, end)?;
                    if name != stream.qname.as_bytes() {
                        return Err(not_well_formed(format!(
                            "end tag </{}> does not match <{}>",
                            String::from_utf8_lossy(name),
                            stream.qname
                        )));
                    }
                    self.consume(end);
                    self.phase = Phase::Closed;
                    return Ok(Some(StreamEvent::Close));
                }
                Token::EndTag => self.tree.end_tag(input, start, end)?,
                Token::Text => {
                    self.tree.text(input, start, end)?;
                    Progress::Open
                }
                Token::Cdata if self.tree.depth() == 0 => return Err(text_at_depth_one()),
                Token::Cdata => {
                    self.tree.cdata(input, start, end)?;
                    Progress::Open
                }
                Token::Pi => return Err(scan_error(ScanError::Pi)),
            };
            if let Progress::Complete(end) = progress {
                let ctx = Arc::clone(&stream.ctx);
                let bytes = self.buf.split_to(end).freeze();
                self.scanner.consumed(end);
                self.utf8_valid -= end;
                return Ok(Some(StreamEvent::Element(self.tree.finish(bytes, &ctx))));
            }
        }
    }
}

fn whitespace_len(b: &[u8]) -> usize {
    b.iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count()
}

pub(crate) fn not_well_formed(text: impl Into<String>) -> StreamError {
    StreamError::of(Cond::NotWellFormed, text)
}

fn too_large(limit: usize) -> StreamError {
    StreamError::of(
        Cond::PolicyViolation,
        format!("a stanza larger than {limit} bytes"),
    )
}

/// Non-whitespace character data between depth-1 elements: well-formed XML, but nothing an
/// XMPP entity can process (RFC 6120 §4.9.3.1 `bad-format`; §11.7 allows only whitespace).
fn text_at_depth_one() -> StreamError {
    StreamError::of(
        Cond::BadFormat,
        "character data between stanzas (only whitespace is allowed)",
    )
}

fn scan_error(e: ScanError) -> StreamError {
    match e {
        ScanError::Comment => StreamError::of(
            Cond::RestrictedXml,
            "comments are not allowed (RFC 6120 §11.1)",
        ),
        ScanError::Doctype => {
            StreamError::of(Cond::RestrictedXml, "DTDs are not allowed (RFC 6120 §11.1)")
        }
        ScanError::Pi => StreamError::of(
            Cond::RestrictedXml,
            "processing instructions are not allowed (RFC 6120 §11.1)",
        ),
        ScanError::Malformed => not_well_formed("malformed markup after '<!'"),
    }
}
