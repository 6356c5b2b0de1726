//! Corpus generator and baseline parser drivers for the `xmpp-core` benches.
//!
//! [`c2s_corpus`] builds a deterministic client-to-server XMPP stream (RFC 6120/6121) as a
//! server receives it. The [`Feeder`] trait drives a push parser over that stream in reads
//! of a given size and counts the stanzas (depth-1 elements) it completes; [`RxmlFeeder`]
//! and [`xmlparser_stanzas`] are the baselines the `xmpp-core` stream reader is compared
//! with. [`counting_alloc`] holds the counting global allocator used by the allocation
//! report and the allocation test. [`connection`] holds the fixtures for measuring
//! `xmpp_core::Connection` (online clients and servers, a scripted rustls server peer, a
//! test PKI, client↔server logins).

pub mod connection;
pub mod counting_alloc;

use counting_alloc::AllocStats;

/// The XML declaration and the initial stream header every corpus starts with.
pub const PROLOGUE: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
     xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' \
     xml:lang='en'>";

/// The read sizes the benches and the allocation report use, with their labels:
/// the whole corpus in one read, 1500-byte reads (one Ethernet MTU) and 1-byte reads.
pub const READ_SIZES: [(&str, usize); 3] = [("whole", usize::MAX), ("1500", 1500), ("1", 1)];

/// The seed the benches, the report and the allocation test use.
pub const SEED: u64 = 0x5EED_0C25_0001;

/// The corpus size the benches, the report and the allocation test use (1 MiB).
pub const TARGET_BYTES: usize = 1 << 20;

/// A generated XMPP stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corpus {
    /// The stream bytes: [`PROLOGUE`], then stanzas and whitespace keepalives. The stream
    /// is left open (no `</stream:stream>`), as a server sees a live connection.
    pub bytes: Vec<u8>,
    /// The number of stanzas (depth-1 elements) in `bytes`.
    pub stanzas: usize,
}

/// Generates a client-to-server stream of at least `target_bytes` bytes (it stops after
/// the stanza that crosses the target), the same for the same `seed`.
///
/// The stream holds chat and groupchat messages (escapes, numeric character references,
/// accented, CJK and emoji text, `<thread/>`, XEP-0085 chat states, XEP-0184 receipt
/// requests, `xml:lang` variants), presences (XEP-0115 caps, show, status, priority, MUC
/// joins, subscription requests), iq roster results with 20–200 items (the shape of a
/// server's roster reply, included for its size and structure), small iqs (ping, disco#info
/// results), one large stanza per 256 KiB of target (a 30–60 KiB message body or a roster
/// of similar size, the first at 128 KiB) and whitespace keepalives between some stanzas.
pub fn c2s_corpus(seed: u64, target_bytes: usize) -> Corpus {
    let mut g = Gen {
        rng: SplitMix64(seed),
        out: String::with_capacity(target_bytes + 64 * 1024),
        stanzas: 0,
        next_id: 0,
    };
    g.out.push_str(PROLOGUE);
    const LARGE_EVERY: usize = 256 * 1024;
    let mut next_large = LARGE_EVERY / 2;
    let mut large_is_message = true;
    while g.out.len() < target_bytes {
        if g.out.len() >= next_large {
            next_large += LARGE_EVERY;
            let size = g.rng.range(30 * 1024, 60 * 1024);
            if large_is_message {
                g.large_message(size);
            } else {
                g.roster_result(RosterSize::Bytes(size));
            }
            large_is_message = !large_is_message;
        } else {
            match g.rng.below(1000) {
                0..=589 => g.message(),
                590..=889 => g.presence(),
                890..=914 => {
                    let items = g.rng.range(20, 200);
                    g.roster_result(RosterSize::Items(items));
                }
                915..=964 => g.ping(),
                _ => g.disco_info_result(),
            }
        }
        g.stanzas += 1;
        // Whitespace keepalives (RFC 6120 §4.6.1) and line breaks between stanzas.
        match g.rng.below(100) {
            0..=7 => g.out.push(' '),
            8..=10 => g.out.push('\n'),
            _ => {}
        }
    }
    Corpus {
        bytes: g.out.into_bytes(),
        stanzas: g.stanzas,
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, enough for test data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (multiply-shift; the bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A value in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

// Word pools. Every entry is already escaped XML character data that is also valid inside
// a single-quoted attribute value.

const PLAIN_WORDS: &[&str] = &[
    "hello", "are", "you", "coming", "tonight", "the", "meeting", "moved", "to", "room", "four",
    "see", "you", "there", "thanks", "for", "patch", "I", "will", "review", "it", "tomorrow",
    "morning", "did", "we", "ship", "release", "yet", "lunch", "at", "noon", "sounds", "good",
    "please", "send", "me", "logs", "when", "server", "restarts", "again", "ok", "sure", "call",
    "later", "on", "my", "way", "train", "is", "late", "what", "about", "weekend", "plans", "a",
    "and", "of", "in", "this", "that", "not", "yes", "no", "maybe",
];

const ESCAPED_WORDS: &[&str] = &[
    "Tom &amp; Jerry",
    "R&amp;D",
    "a &lt; b",
    "b &gt; a",
    "&lt;html&gt;",
    "&quot;quoted&quot;",
    "it&apos;s",
    "don&apos;t",
    "caf&#233;",
    "na&#xEF;ve",
    "&#8364;5",
    "fa&#xE7;ade",
    "&#x1F600;",
    "&#x4E2D;&#x6587;",
    "x&amp;y&lt;z&gt;w&quot;v&apos;u",
];

const NON_ASCII_WORDS: &[&str] = &[
    "café",
    "crème brûlée",
    "naïve",
    "über",
    "señor",
    "Zoë",
    "déjà vu",
    "Ærøskøbing",
    "日本語",
    "こんにちは",
    "你好",
    "谢谢",
    "안녕하세요",
    "Привет",
    "γειά σου",
    "مرحبا",
    "שלום",
];

const EMOJI: &[&str] = &["😀", "🎉", "👍🏽", "❤️", "🚀", "🙈", "🤔", "☕", "🇫🇷", "👨‍👩‍👧"];

const LANGS: &[&str] = &["en", "fr", "de", "ja", "zh-Hans", "en-GB", "pt-BR", "ru"];

const LOCALPARTS: &[&str] = &[
    "juliet",
    "romeo",
    "mercutio",
    "benvolio",
    "nurse",
    "tybalt",
    "paris",
    "rosaline",
    "balthasar",
    "sampson",
    "gregory",
    "abram",
    "peter",
    "escalus",
];

const DOMAINS: &[&str] = &["example.com", "example.net", "example.org", "im.example.de"];

const RESOURCES: &[&str] = &[
    "balcony",
    "orchard",
    "phone",
    "laptop",
    "gajim.X7Y2",
    "dino",
];

const NAMES: &[&str] = &[
    "Juliet Capulet",
    "Romeo",
    "Mercutio &amp; Co",
    "Zoë",
    "王小明",
    "José Álvarez",
    "d&apos;Artagnan",
    "Émile",
    "&quot;The Nurse&quot;",
    "Ольга",
    "山田太郎",
    "Bob 🚀",
    "Ærøskøbing Bob",
];

const GROUPS: &[&str] = &[
    "Friends",
    "Family",
    "Work",
    "Coworkers",
    "Übersetzer",
    "家族",
    "Book Club &amp; Wine",
    "Verona",
];

/// XEP-0115 caps nodes and the matching client names.
const CLIENTS: &[(&str, &str)] = &[
    ("https://gajim.org", "Gajim"),
    ("https://conversations.im", "Conversations"),
    ("https://dino.im", "Dino"),
    ("http://psi-im.org", "Psi"),
    ("https://poez.io", "Poezio"),
    ("http://pidgin.im/", "Pidgin"),
];

const CHAT_STATES: &[&str] = &["active", "composing", "paused", "inactive", "gone"];

const SHOWS: &[&str] = &["away", "chat", "dnd", "xa"];

const FEATURES: &[&str] = &[
    "http://jabber.org/protocol/caps",
    "http://jabber.org/protocol/chatstates",
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/disco#items",
    "http://jabber.org/protocol/muc",
    "jabber:iq:version",
    "urn:xmpp:ping",
    "urn:xmpp:receipts",
    "urn:xmpp:time",
    "urn:xmpp:jingle:1",
    "urn:xmpp:avatar:metadata+notify",
];

enum RosterSize {
    Items(usize),
    Bytes(usize),
}

struct Gen {
    rng: SplitMix64,
    out: String,
    stanzas: usize,
    next_id: u64,
}

impl Gen {
    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        let salt = self.rng.next_u64() as u16;
        format!("{prefix}-{:x}-{salt:04x}", self.next_id)
    }

    fn bare_jid(&mut self) -> String {
        let local = self.rng.pick(LOCALPARTS);
        let n = self.rng.below(500);
        let domain = self.rng.pick(DOMAINS);
        format!("{local}{n}@{domain}")
    }

    fn full_jid(&mut self) -> String {
        let bare = self.bare_jid();
        let res = self.rng.pick(RESOURCES);
        format!("{bare}/{res}")
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.below(16)]))
            .collect()
    }

    /// Base64 of `n` random bytes (what XEP-0115 `ver` looks like for SHA-1 with n = 20).
    fn base64(&mut self, n: usize) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bytes: Vec<u8> = (0..n).map(|_| self.rng.next_u64() as u8).collect();
        let mut s = String::new();
        for c in bytes.chunks(3) {
            let v = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    s.push(char::from(ALPHABET[(v >> (18 - 6 * i)) as usize & 63]));
                } else {
                    s.push('=');
                }
            }
        }
        s
    }

    /// Appends `words` words of escaped text: mostly ASCII, some escapes and character
    /// references, accented and CJK words and emoji, with occasional punctuation.
    fn text(&mut self, words: usize) {
        for i in 0..words {
            if i > 0 {
                let sep = match self.rng.below(100) {
                    0..=5 => ", ",
                    6..=8 => ". ",
                    9 => "! ",
                    10 => "? ",
                    _ => " ",
                };
                self.out.push_str(sep);
            }
            let word = match self.rng.below(100) {
                0..=74 => self.rng.pick(PLAIN_WORDS),
                75..=86 => self.rng.pick(NON_ASCII_WORDS),
                87..=95 => self.rng.pick(ESCAPED_WORDS),
                _ => self.rng.pick(EMOJI),
            };
            self.out.push_str(word);
        }
    }

    fn message(&mut self) {
        let id = self.id("msg");
        let groupchat = self.rng.chance(12);
        let to = if groupchat {
            format!("room{}@conference.example.com", self.rng.below(20))
        } else {
            self.full_jid()
        };
        let kind = if groupchat { "groupchat" } else { "chat" };
        self.out
            .push_str(&format!("<message to='{to}' id='{id}' type='{kind}'"));
        if self.rng.chance(15) {
            let lang = self.rng.pick(LANGS);
            self.out.push_str(&format!(" xml:lang='{lang}'"));
        }
        self.out.push('>');
        // A chat-state notification without a body (XEP-0085 §5.2), or a message.
        let state_only = !groupchat && self.rng.chance(15);
        if !state_only {
            self.out.push_str("<body>");
            let words = self.rng.range(1, 40);
            self.text(words);
            self.out.push_str("</body>");
            // An alternate body in another language (RFC 6121 §5.2.3).
            if self.rng.chance(4) {
                let lang = self.rng.pick(LANGS);
                self.out.push_str(&format!("<body xml:lang='{lang}'>"));
                let words = self.rng.range(1, 20);
                self.text(words);
                self.out.push_str("</body>");
            }
            if self.rng.chance(20) {
                let thread = self.hex(32);
                if self.rng.chance(20) {
                    let parent = self.hex(32);
                    self.out
                        .push_str(&format!("<thread parent='{parent}'>{thread}</thread>"));
                } else {
                    self.out.push_str(&format!("<thread>{thread}</thread>"));
                }
            }
        }
        if !groupchat && (state_only || self.rng.chance(60)) {
            let state = if state_only {
                self.rng.pick(CHAT_STATES)
            } else {
                "active"
            };
            self.out.push_str(&format!(
                "<{state} xmlns='http://jabber.org/protocol/chatstates'/>"
            ));
        }
        if !state_only && self.rng.chance(40) {
            self.out.push_str("<request xmlns='urn:xmpp:receipts'/>");
            let origin = self.hex(16);
            self.out.push_str(&format!(
                "<origin-id xmlns='urn:xmpp:sid:0' id='{origin}'/>"
            ));
        }
        self.out.push_str("</message>");
    }

    fn large_message(&mut self, body_bytes: usize) {
        let id = self.id("msg");
        let to = self.full_jid();
        self.out.push_str(&format!(
            "<message to='{to}' id='{id}' type='chat' xml:lang='en'><body>"
        ));
        let end = self.out.len() + body_bytes;
        while self.out.len() < end {
            let words = self.rng.range(20, 120);
            self.text(words);
            self.out.push_str(".\n\n");
        }
        self.out
            .push_str("</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>");
    }

    fn caps(&mut self) {
        let (node, _) = CLIENTS[self.rng.below(CLIENTS.len())];
        let ver = self.base64(20);
        self.out.push_str(&format!(
            "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='{node}' ver='{ver}'/>"
        ));
    }

    fn presence(&mut self) {
        match self.rng.below(100) {
            // Joining a MUC room (XEP-0045 §7.2).
            0..=9 => {
                let room = self.rng.below(20);
                let nick = self.rng.pick(NAMES);
                self.out.push_str(&format!(
                    "<presence to='room{room}@conference.example.com/{nick}'>\
                     <x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='20'/></x>"
                ));
                self.caps();
                self.out.push_str("</presence>");
            }
            // Subscription management (RFC 6121 §3).
            10..=14 => {
                let to = self.bare_jid();
                let kind = self.rng.pick(&["subscribe", "subscribed", "unsubscribe"]);
                self.out
                    .push_str(&format!("<presence to='{to}' type='{kind}'/>"));
            }
            15..=19 => {
                self.out.push_str("<presence type='unavailable'>");
                if self.rng.chance(50) {
                    self.out.push_str("<status>");
                    let words = self.rng.range(1, 6);
                    self.text(words);
                    self.out.push_str("</status>");
                }
                self.out.push_str("</presence>");
            }
            // Broadcast availability with caps (RFC 6121 §4.2, XEP-0115).
            _ => {
                if self.rng.chance(30) {
                    let id = self.id("pres");
                    self.out.push_str(&format!("<presence id='{id}'>"));
                } else {
                    self.out.push_str("<presence>");
                }
                if self.rng.chance(50) {
                    let show = self.rng.pick(SHOWS);
                    self.out.push_str(&format!("<show>{show}</show>"));
                }
                if self.rng.chance(50) {
                    if self.rng.chance(20) {
                        let lang = self.rng.pick(LANGS);
                        self.out.push_str(&format!("<status xml:lang='{lang}'>"));
                    } else {
                        self.out.push_str("<status>");
                    }
                    let words = self.rng.range(1, 10);
                    self.text(words);
                    self.out.push_str("</status>");
                }
                let priority = self.rng.range(0, 60) as i64 - 10;
                self.out
                    .push_str(&format!("<priority>{priority}</priority>"));
                self.caps();
                self.out.push_str("</presence>");
            }
        }
    }

    fn roster_item(&mut self) {
        let jid = self.bare_jid();
        self.out.push_str(&format!("<item jid='{jid}'"));
        if self.rng.chance(80) {
            let name = self.rng.pick(NAMES);
            self.out.push_str(&format!(" name='{name}'"));
        }
        let subscription = match self.rng.below(100) {
            0..=69 => "both",
            70..=79 => "to",
            80..=89 => "from",
            _ => "none",
        };
        self.out
            .push_str(&format!(" subscription='{subscription}'"));
        // A pending outbound request (RFC 6121 §2.1.2.2) only goes with none or from.
        if matches!(subscription, "none" | "from") && self.rng.chance(30) {
            self.out.push_str(" ask='subscribe'");
        }
        let groups = self.rng.range(0, 2);
        if groups == 0 {
            self.out.push_str("/>");
        } else {
            self.out.push('>');
            let first = self.rng.below(GROUPS.len());
            for k in 0..groups {
                let group = GROUPS[(first + k) % GROUPS.len()];
                self.out.push_str(&format!("<group>{group}</group>"));
            }
            self.out.push_str("</item>");
        }
    }

    fn roster_result(&mut self, size: RosterSize) {
        let id = self.id("roster");
        let to = self.full_jid();
        let ver = self.hex(12);
        self.out.push_str(&format!(
            "<iq type='result' id='{id}' to='{to}'><query xmlns='jabber:iq:roster' ver='{ver}'>"
        ));
        match size {
            RosterSize::Items(n) => (0..n).for_each(|_| self.roster_item()),
            RosterSize::Bytes(n) => {
                let end = self.out.len() + n;
                while self.out.len() < end {
                    self.roster_item();
                }
            }
        }
        self.out.push_str("</query></iq>");
    }

    fn ping(&mut self) {
        let id = self.id("ping");
        self.out.push_str(&format!(
            "<iq type='get' id='{id}' to='example.com'><ping xmlns='urn:xmpp:ping'/></iq>"
        ));
    }

    fn disco_info_result(&mut self) {
        let id = self.id("disco");
        let (_, name) = CLIENTS[self.rng.below(CLIENTS.len())];
        self.out.push_str(&format!(
            "<iq type='result' id='{id}' to='example.com'>\
             <query xmlns='http://jabber.org/protocol/disco#info'>\
             <identity category='client' type='pc' name='{name}'/>"
        ));
        for feature in FEATURES {
            if self.rng.chance(80) {
                self.out.push_str(&format!("<feature var='{feature}'/>"));
            }
        }
        self.out.push_str("</query></iq>");
    }
}

/// A push parser driven over a stream in reads, counting completed stanzas.
///
/// The benches, the allocation report and the allocation test implement it for the
/// `xmpp-core` stream reader; [`RxmlFeeder`] implements it for `rxml`.
pub trait Feeder {
    /// The parser's name in reports.
    const NAME: &'static str;

    /// A parser at the start of a stream.
    fn new() -> Self;

    /// Feeds one read, handles every event it completes (events are dropped at once) and
    /// returns the number of stanzas (depth-1 elements) it completed. Panics on a parse
    /// error: the corpora are well-formed.
    fn feed(&mut self, read: &[u8]) -> usize;
}

/// Feeds `bytes` to `feeder` in reads of `read_size` bytes (the last one may be shorter;
/// `usize::MAX` is one read) and returns the number of stanzas completed.
pub fn feed_reads<F: Feeder>(feeder: &mut F, bytes: &[u8], read_size: usize) -> usize {
    bytes.chunks(read_size).map(|read| feeder.feed(read)).sum()
}

/// `rxml`'s namespace-aware push parser ([`rxml::Parser`], what tokio-xmpp uses), counting
/// the ends of depth-1 elements (stanzas; rxml sees them at depth 2, under the stream root).
#[derive(Debug)]
pub struct RxmlFeeder {
    parser: rxml::Parser,
    depth: usize,
}

impl Feeder for RxmlFeeder {
    const NAME: &'static str = "rxml";

    fn new() -> Self {
        Self {
            parser: rxml::Parser::new(),
            depth: 0,
        }
    }

    fn feed(&mut self, mut read: &[u8]) -> usize {
        use rxml::Parse as _;
        use rxml::error::EndOrError;
        let mut stanzas = 0;
        loop {
            // `at_eof` stays false: the stream is open, the next read may bring more bytes.
            // (With `true` rxml would report the unclosed stream root as an error.)
            match self.parser.parse(&mut read, false) {
                Ok(Some(rxml::Event::StartElement(..))) => self.depth += 1,
                Ok(Some(rxml::Event::EndElement(_))) => {
                    self.depth -= 1;
                    if self.depth == 1 {
                        stanzas += 1;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => panic!("rxml: unexpected end of document"),
                Err(EndOrError::NeedMoreData) => {
                    // rxml buffers partial tokens internally, so the read is used up.
                    assert!(read.is_empty(), "rxml left input unread");
                    return stanzas;
                }
                Err(EndOrError::Error(e)) => panic!("rxml: {e}"),
            }
        }
    }
}

/// Tokenises `text` (a whole stream) with [`xmlparser::Tokenizer`], iterating every token,
/// and returns the number of depth-1 elements (stanzas) it saw end.
///
/// `Tokenizer::from` runs over the whole text, XML declaration and stream header included:
/// the unclosed stream root is no problem for a tokenizer, which never checks that elements
/// are closed at the end of input, so the stream root just keeps every stanza at depth 2.
/// (`from_fragment` would instead need the header's length and skip its tokenisation.)
pub fn xmlparser_stanzas(text: &str) -> usize {
    use xmlparser::{ElementEnd, Token};
    let mut depth = 0usize;
    let mut stanzas = 0;
    for token in xmlparser::Tokenizer::from(text) {
        match token.expect("xmlparser: tokenisation error") {
            Token::ElementStart { .. } => depth += 1,
            Token::ElementEnd { end, .. } => match end {
                ElementEnd::Open => {}
                ElementEnd::Close(..) | ElementEnd::Empty => {
                    depth -= 1;
                    if depth == 1 {
                        stanzas += 1;
                    }
                }
            },
            _ => {}
        }
    }
    stanzas
}

/// The byte range of every stanza (depth-1 element) in `text`, a whole stream, per
/// xmlparser's token spans: to check that a reader hands out exactly these bytes.
pub fn xmlparser_stanza_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    use xmlparser::{ElementEnd, Token};
    let (mut depth, mut start, mut spans) = (0usize, 0, Vec::new());
    for token in xmlparser::Tokenizer::from(text) {
        match token.expect("xmlparser: tokenisation error") {
            Token::ElementStart { span, .. } => {
                depth += 1;
                if depth == 2 {
                    start = span.start();
                }
            }
            Token::ElementEnd {
                end: ElementEnd::Open,
                ..
            } => {}
            Token::ElementEnd { span, .. } => {
                depth -= 1;
                if depth == 1 {
                    spans.push(start..span.end());
                }
            }
            _ => {}
        }
    }
    spans
}

/// Feeds `bytes` to a new `F` in reads of `read_size` and returns the stanzas completed
/// and the allocator activity of the feeding (the parser is created before counting
/// starts; events are dropped as they come).
///
/// Needs [`counting_alloc::CountingAlloc`] as the global allocator.
pub fn measure_parse<F: Feeder>(bytes: &[u8], read_size: usize) -> (usize, AllocStats) {
    let mut feeder = F::new();
    counting_alloc::measure(|| feed_reads(&mut feeder, bytes, read_size))
}

/// The heap an idle `F` holds right after it has parsed [`PROLOGUE`], fed in reads of
/// `read_size`, with no input pending and the header events dropped: live bytes after
/// minus before, the parser's creation included.
///
/// Needs [`counting_alloc::CountingAlloc`] as the global allocator.
pub fn measure_idle_heap<F: Feeder>(read_size: usize) -> i64 {
    let (feeder, stats) = counting_alloc::measure(|| {
        let mut feeder = F::new();
        let stanzas = feed_reads(&mut feeder, PROLOGUE.as_bytes(), read_size);
        assert_eq!(stanzas, 0);
        feeder
    });
    drop(feeder);
    stats.live_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed() {
        let a = c2s_corpus(42, 300 * 1024);
        let b = c2s_corpus(42, 300 * 1024);
        assert_eq!(a, b);
        let c = c2s_corpus(43, 300 * 1024);
        assert_ne!(a.bytes, c.bytes);
    }

    #[test]
    fn size_close_to_target() {
        for target in [1, 10_000, 300 * 1024, TARGET_BYTES] {
            let c = c2s_corpus(7, target);
            assert!(c.bytes.len() >= target);
            // At most one large stanza (< 64 KiB with its markup) past the target.
            assert!(c.bytes.len() < target.max(PROLOGUE.len()) + 64 * 1024);
            assert!(c.bytes.starts_with(PROLOGUE.as_bytes()));
            assert_eq!(c.stanzas == 0, target <= PROLOGUE.len());
        }
    }

    /// Checks that every `&` in `s` starts a predefined entity or a character reference to
    /// an XML `Char`.
    fn check_references(s: &str) {
        let mut rest = s;
        while let Some(at) = rest.find('&') {
            rest = &rest[at + 1..];
            let end = rest.find(';').expect("unterminated reference");
            let name = &rest[..end];
            match name {
                "amp" | "lt" | "gt" | "quot" | "apos" => {}
                _ => {
                    let code = if let Some(hex) = name.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16)
                    } else {
                        name.strip_prefix('#').expect("unknown entity").parse()
                    }
                    .expect("bad character reference");
                    let c = char::from_u32(code).expect("not a char");
                    assert!(!c.is_control() || matches!(c, '\t' | '\n' | '\r'));
                }
            }
            rest = &rest[end + 1..];
        }
    }

    /// Tokenises the corpus with xmlparser: tags balance (except the open stream root),
    /// stanzas are unprefixed message/presence/iq, only the declared `stream` and the
    /// reserved `xml` prefixes are used, references are valid, and the stanza count matches.
    #[test]
    fn well_formed_per_xmlparser() {
        use xmlparser::{ElementEnd, Token};
        let corpus = c2s_corpus(SEED, TARGET_BYTES);
        let text = std::str::from_utf8(&corpus.bytes).unwrap();
        let mut stack: Vec<(&str, &str)> = Vec::new();
        let mut stanzas = 0;
        let mut attrs: Vec<(&str, &str)> = Vec::new();
        for token in xmlparser::Tokenizer::from(text) {
            match token.unwrap() {
                Token::ElementStart { prefix, local, .. } => {
                    let (prefix, local) = (prefix.as_str(), local.as_str());
                    match stack.len() {
                        0 => assert_eq!((prefix, local), ("stream", "stream")),
                        1 => {
                            assert_eq!(prefix, "");
                            assert!(["message", "presence", "iq"].contains(&local), "{local}");
                        }
                        _ => assert_eq!(prefix, ""),
                    }
                    stack.push((prefix, local));
                    attrs.clear();
                }
                Token::Attribute {
                    prefix,
                    local,
                    value,
                    ..
                } => {
                    let name = (prefix.as_str(), local.as_str());
                    assert!(["", "xml", "xmlns"].contains(&name.0) || stack.len() == 1);
                    assert!(!attrs.contains(&name), "duplicate attribute {name:?}");
                    attrs.push(name);
                    check_references(value.as_str());
                }
                Token::ElementEnd { end, .. } => {
                    let closed = match end {
                        ElementEnd::Open => continue,
                        ElementEnd::Empty => stack.pop().unwrap(),
                        ElementEnd::Close(prefix, local) => {
                            let open = stack.pop().unwrap();
                            assert_eq!(open, (prefix.as_str(), local.as_str()));
                            open
                        }
                    };
                    assert_ne!(closed, ("stream", "stream"), "stream closed");
                    if stack.len() == 1 {
                        stanzas += 1;
                    }
                }
                Token::Text { text } => {
                    if stack.len() == 1 {
                        assert!(text.as_str().bytes().all(|b| b == b' ' || b == b'\n'));
                    }
                    check_references(text.as_str());
                }
                Token::Declaration { .. } => assert!(stack.is_empty()),
                other => panic!("unexpected token {other:?}"),
            }
        }
        assert_eq!(stack, [("stream", "stream")]);
        assert_eq!(stanzas, corpus.stanzas);
        assert_eq!(xmlparser_stanzas(text), corpus.stanzas);
    }

    /// rxml checks XML 1.0 and namespace well-formedness strictly; it must accept the
    /// corpus in any read size and count the same stanzas.
    #[test]
    fn well_formed_per_rxml() {
        let corpus = c2s_corpus(SEED, TARGET_BYTES);
        for read_size in [usize::MAX, 1500, 7] {
            let mut feeder = RxmlFeeder::new();
            let stanzas = feed_reads(&mut feeder, &corpus.bytes, read_size);
            assert_eq!(stanzas, corpus.stanzas, "read size {read_size}");
            assert_eq!(feeder.depth, 1, "the stream root stays open");
        }
    }

    #[test]
    fn has_the_promised_variety() {
        let corpus = c2s_corpus(SEED, TARGET_BYTES);
        let text = std::str::from_utf8(&corpus.bytes).unwrap();
        for needle in [
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&apos;",
            "&#233;",
            "&#x1F600;",
            "café",
            "日本語",
            "😀",
            "<thread>",
            "<active xmlns='http://jabber.org/protocol/chatstates'/>",
            "<composing xmlns='http://jabber.org/protocol/chatstates'/>",
            "<message to='",
            " xml:lang='",
            "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='",
            "<show>",
            "<status>",
            "<priority>",
            "<query xmlns='jabber:iq:roster' ver='",
            "<group>",
            "subscription='both'",
            "ask='subscribe'",
            "</message> <",
            "</presence>\n<",
        ] {
            assert!(text.contains(needle), "missing {needle:?}");
        }
        // Four large stanzas in 1 MiB, each at least 30 KiB.
        let large = xmlparser_stanza_spans(text)
            .into_iter()
            .filter(|span| span.len() >= 30 * 1024)
            .count();
        assert_eq!(large, 4);
        // A roster of 20–200 items.
        let counts: Vec<usize> = text
            .split("<query xmlns='jabber:iq:roster'")
            .skip(1)
            .map(|s| s[..s.find("</query>").unwrap()].matches("<item ").count())
            .collect();
        assert!(counts.iter().any(|&n| (20..=200).contains(&n)));
        assert!(corpus.stanzas > 1000, "{} stanzas", corpus.stanzas);
    }
}
