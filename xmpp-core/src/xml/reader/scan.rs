//! Finds token boundaries in buffered bytes, resumably: every byte is looked at once, no
//! matter how the input is split (DESIGN §4; httparse #217 is the bug this avoids).
//!
//! The scanner only finds where a token ends; `xmlparser` then tokenises that complete
//! token. Markup that XMPP prohibits (RFC 6120 §11.1) is rejected as soon as its opening
//! bytes are seen, without waiting for its end.

use memchr::{memchr, memchr3};

/// A complete token found by [`Scanner::next`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// `<name ...>` or `<name .../>`.
    StartTag,
    /// `</name>`.
    EndTag,
    /// Character data up to (not including) the next `<`.
    Text,
    /// `<![CDATA[...]]>`.
    Cdata,
    /// `<?...?>`, only reported when processing instructions are allowed (the prolog).
    Pi,
}

/// Why scanning stopped with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// A comment (`<!--`).
    Comment,
    /// A document type declaration (`<!DOCTYPE`).
    Doctype,
    /// A processing instruction where none is allowed.
    Pi,
    /// `<!` followed by something that is none of the above nor CDATA.
    Malformed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a token.
    Idle,
    /// In character data.
    Text,
    /// After `<`.
    Lt,
    /// In a start or end tag; `quote` is the open attribute quote, or 0.
    Tag { end: bool, quote: u8 },
    /// After `<!`, classifying.
    Bang,
    /// In a CDATA section.
    Cdata,
    /// In a processing instruction.
    Pi,
}

/// Resumable token-boundary scanner over a growing buffer. Positions are offsets into the
/// buffer the caller passes each time; [`Scanner::consumed`] shifts them when the caller
/// drops bytes from the front.
#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    state: State,
    /// Start of the current token.
    start: usize,
    /// Next byte to look at.
    pos: usize,
    /// Bytes looked at since creation: the O(n) evidence for tests and benches.
    examined: u64,
}

const CDATA_OPEN: &[u8] = b"<![CDATA[";
const COMMENT_OPEN: &[u8] = b"<!--";
const DOCTYPE_OPEN: &[u8] = b"<!DOCTYPE";

impl Scanner {
    pub(crate) fn new() -> Self {
        Scanner {
            state: State::Idle,
            start: 0,
            pos: 0,
            examined: 0,
        }
    }

    /// Start of the token being scanned.
    pub(crate) fn token_start(&self) -> usize {
        self.start
    }

    /// Bytes scanned so far (the furthest position looked at).
    pub(crate) fn scanned(&self) -> usize {
        self.pos
    }

    /// Whether the scanner is between tokens.
    pub(crate) fn is_idle(&self) -> bool {
        self.state == State::Idle
    }

    /// The caller dropped `n` bytes from the front of the buffer (all before the token).
    pub(crate) fn consumed(&mut self, n: usize) {
        debug_assert!(n <= self.start);
        self.start -= n;
        self.pos -= n;
    }

    /// Marks `len` bytes at the token start as handled outside the scanner (whitespace
    /// between depth-1 elements).
    pub(crate) fn skip(&mut self, len: usize) {
        debug_assert_eq!(self.state, State::Idle);
        self.start += len;
        self.pos = self.pos.max(self.start);
        self.examined += len as u64;
    }

    /// Bytes looked at so far; each byte of input is looked at once (plus at most 9 bytes
    /// of `<!` classification per call).
    pub(crate) fn examined(&self) -> u64 {
        self.examined
    }

    /// Scans `buf` from where it stopped. Returns the next complete token with its start and
    /// end offsets, or `None` if more bytes are needed. After a token is returned, the next
    /// call starts a new token at its end.
    pub(crate) fn next(
        &mut self,
        buf: &[u8],
        allow_pi: bool,
    ) -> Result<Option<(Token, usize, usize)>, ScanError> {
        loop {
            match self.state {
                State::Idle => {
                    let Some(&b) = buf.get(self.pos) else {
                        return Ok(None);
                    };
                    self.pos += 1;
                    self.state = if b == b'<' { State::Lt } else { State::Text };
                }
                State::Text => match memchr(b'<', &buf[self.pos..]) {
                    Some(i) => {
                        let end = self.pos + i;
                        return Ok(Some(self.finish(Token::Text, end)));
                    }
                    None => {
                        self.pos = buf.len();
                        return Ok(None);
                    }
                },
                State::Lt => {
                    let Some(&b) = buf.get(self.pos) else {
                        return Ok(None);
                    };
                    match b {
                        b'!' => self.state = State::Bang,
                        b'?' if allow_pi => self.state = State::Pi,
                        b'?' => return Err(ScanError::Pi),
                        b'/' => {
                            self.state = State::Tag {
                                end: true,
                                quote: 0,
                            }
                        }
                        _ => {
                            self.state = State::Tag {
                                end: false,
                                quote: 0,
                            }
                        }
                    }
                    self.pos += 1;
                }
                State::Tag { end, quote: 0 } => {
                    match memchr3(b'>', b'\'', b'"', &buf[self.pos..]) {
                        Some(i) => {
                            let at = self.pos + i;
                            self.pos = at + 1;
                            match buf[at] {
                                b'>' => {
                                    let token = if end { Token::EndTag } else { Token::StartTag };
                                    return Ok(Some(self.finish(token, at + 1)));
                                }
                                q => self.state = State::Tag { end, quote: q },
                            }
                        }
                        None => {
                            self.pos = buf.len();
                            return Ok(None);
                        }
                    }
                }
                State::Tag { end, quote } => match memchr(quote, &buf[self.pos..]) {
                    Some(i) => {
                        self.pos += i + 1;
                        self.state = State::Tag { end, quote: 0 };
                    }
                    None => {
                        self.pos = buf.len();
                        return Ok(None);
                    }
                },
                State::Bang => {
                    // At most 9 bytes are looked at again here, once per call: O(1).
                    let seen = &buf[self.start..];
                    if seen.starts_with(CDATA_OPEN) {
                        self.pos = self.start + CDATA_OPEN.len();
                        self.state = State::Cdata;
                    } else if seen.starts_with(COMMENT_OPEN) {
                        return Err(ScanError::Comment);
                    } else if seen.starts_with(DOCTYPE_OPEN) {
                        return Err(ScanError::Doctype);
                    } else if [CDATA_OPEN, COMMENT_OPEN, DOCTYPE_OPEN]
                        .iter()
                        .any(|p| p.starts_with(seen))
                    {
                        self.pos = buf.len();
                        return Ok(None);
                    } else {
                        return Err(ScanError::Malformed);
                    }
                }
                State::Cdata => {
                    match self.find_close(buf, b']', self.start + CDATA_OPEN.len(), 2) {
                        Some(end) => return Ok(Some(self.finish(Token::Cdata, end))),
                        None => return Ok(None),
                    }
                }
                State::Pi => match self.find_close(buf, b'?', self.start + 2, 1) {
                    Some(end) => return Ok(Some(self.finish(Token::Pi, end))),
                    None => return Ok(None),
                },
            }
        }
    }

    /// Finds a `>` preceded by `n` copies of `mark` (`]]>` or `?>`) at or after `self.pos`,
    /// with the marks at or after `content`. Returns the end offset (after `>`).
    fn find_close(&mut self, buf: &[u8], mark: u8, content: usize, n: usize) -> Option<usize> {
        while let Some(i) = memchr(b'>', &buf[self.pos..]) {
            let at = self.pos + i;
            self.pos = at + 1;
            if at >= content + n && buf[at - n..at].iter().all(|&b| b == mark) {
                return Some(at + 1);
            }
        }
        self.pos = buf.len();
        None
    }

    fn finish(&mut self, token: Token, end: usize) -> (Token, usize, usize) {
        let start = self.start;
        self.state = State::Idle;
        self.start = end;
        self.pos = end;
        (token, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` one byte at a time into a growing buffer and collects tokens.
    fn tokens_bytewise(input: &[u8], allow_pi: bool) -> Result<Vec<(Token, String)>, ScanError> {
        let mut s = Scanner::new();
        let mut out = Vec::new();
        let mut start = 0;
        for n in 1..=input.len() {
            while let Some((t, _, end)) = s.next(&input[..n], allow_pi)? {
                out.push((t, String::from_utf8_lossy(&input[start..end]).into_owned()));
                start = end;
            }
        }
        Ok(out)
    }

    fn tokens_whole(input: &[u8], allow_pi: bool) -> Result<Vec<(Token, String)>, ScanError> {
        let mut s = Scanner::new();
        let mut out = Vec::new();
        let mut start = 0;
        while let Some((t, _, end)) = s.next(input, allow_pi)? {
            out.push((t, String::from_utf8_lossy(&input[start..end]).into_owned()));
            start = end;
        }
        Ok(out)
    }

    #[test]
    fn splits_tags_text_and_cdata_whatever_the_chunking() {
        let input = b"<a x='>' y=\"'>\">hi &amp; <![CDATA[ ]] > ]]]>x</a><b/>";
        let whole = tokens_whole(input, false).unwrap();
        assert_eq!(whole, tokens_bytewise(input, false).unwrap());
        let kinds: Vec<_> = whole.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            kinds,
            [
                Token::StartTag,
                Token::Text,
                Token::Cdata,
                Token::Text,
                Token::EndTag,
                Token::StartTag
            ]
        );
        assert_eq!(whole[0].1, "<a x='>' y=\"'>\">");
        assert_eq!(whole[2].1, "<![CDATA[ ]] > ]]]>");
    }

    #[test]
    fn prohibited_markup_is_rejected_at_its_opening_bytes() {
        // RFC 6120 §11.1: comments, PIs and DTDs are rejected without waiting for their end.
        assert_eq!(
            tokens_bytewise(b"<a><!-- never closed", false),
            Err(ScanError::Comment)
        );
        assert_eq!(
            tokens_bytewise(b"<!DOCTYPE x [", false),
            Err(ScanError::Doctype)
        );
        assert_eq!(tokens_bytewise(b"<a><?pi", false), Err(ScanError::Pi));
        assert_eq!(tokens_bytewise(b"<!-x", false), Err(ScanError::Malformed));
        assert_eq!(
            tokens_bytewise(b"<!ENTITY", false),
            Err(ScanError::Malformed)
        );
        assert_eq!(
            tokens_whole(b"<?xml version='1.0'?>", true).unwrap()[0].0,
            Token::Pi
        );
    }

    #[test]
    fn each_byte_is_scanned_once() {
        // A large text arriving one byte at a time: the scan position only moves forward.
        let mut buf = b"<a>".to_vec();
        let mut s = Scanner::new();
        assert_eq!(s.next(&buf, false).unwrap(), Some((Token::StartTag, 0, 3)));
        for _ in 0..10_000 {
            buf.push(b'x');
            assert_eq!(s.next(&buf, false).unwrap(), None);
            assert_eq!(s.scanned(), buf.len());
        }
    }
}
