//! Reads the `.xmpp` transcript format (FORMAT.md) into a [`Transcript`]. Every error names
//! the line it was found on.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;

use crate::canon::parse_fragment;
use crate::compact::compact;
use crate::transcript::{
    EventSpec, Header, Payload, SendFrom, Side, Step, StepKind, StreamKind, TlsPolicy, Transcript,
};
use crate::xml::Scope;

/// The stream error conditions of RFC 6120 §4.9.3, the values `!closed` accepts.
pub const STREAM_CONDITIONS: &[&str] = &[
    "bad-format",
    "bad-namespace-prefix",
    "conflict",
    "connection-timeout",
    "host-gone",
    "host-unknown",
    "improper-addressing",
    "internal-server-error",
    "invalid-from",
    "invalid-namespace",
    "invalid-xml",
    "not-authorized",
    "not-well-formed",
    "policy-violation",
    "remote-connection-failed",
    "reset",
    "resource-constraint",
    "restricted-xml",
    "see-other-host",
    "system-shutdown",
    "undefined-condition",
    "unsupported-encoding",
    "unsupported-feature",
    "unsupported-stanza-type",
    "unsupported-version",
];

/// A transcript that could not be read, with the 1-based line at fault (0 = the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The line at fault.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

/// Reads and parses a transcript file.
pub fn parse_file(path: &Path) -> Result<Transcript, ParseError> {
    let text = std::fs::read_to_string(path).map_err(|e| ParseError {
        line: 0,
        message: format!("cannot read {}: {e}", path.display()),
    })?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut t = parse(&text, &name)?;
    t.path = path.to_owned();
    Ok(t)
}

/// Parses transcript text; `default_title` is used when the header has no `title`.
pub fn parse(text: &str, default_title: &str) -> Result<Transcript, ParseError> {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .collect();
    let separator = lines
        .iter()
        .position(|(_, l)| *l == "---")
        .ok_or(ParseError {
            line: 0,
            message: "no `---` line between header and steps".into(),
        })?;
    let header = parse_header(&lines[..separator], lines[separator].0, default_title)?;
    let steps = parse_steps(&lines[separator + 1..], &header)?;
    Ok(Transcript {
        path: Default::default(),
        header,
        steps,
    })
}

fn is_skipped(line: &str) -> bool {
    line.starts_with('#') || line.trim().is_empty()
}

fn parse_header(
    lines: &[(usize, &str)],
    separator_line: usize,
    default_title: &str,
) -> Result<Header, ParseError> {
    let mut seen: Vec<String> = Vec::new();
    let mut h = Header {
        title: default_title.to_owned(),
        spec: None,
        role: Side::Client,
        stream: StreamKind::C2s,
        domain: String::new(),
        jid: None,
        password: None,
        resource: None,
        tls: TlsPolicy::Required,
        mechanisms: None,
        client_nonce: None,
        server_nonce: None,
        salt: None,
        iterations: 4096,
        stream_ids: None,
        send_from: None,
        seed: 0,
        max_stanza_bytes: None,
        max_depth: None,
        max_attributes: None,
    };
    for &(n, line) in lines {
        if is_skipped(line) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return err(n, format!("header line is not `key: value`: {line:?}"));
        };
        let (key, value) = (key.trim(), value.trim());
        if seen.iter().any(|k| k == key) {
            return err(n, format!("duplicate header key `{key}`"));
        }
        seen.push(key.to_owned());
        if value.is_empty() {
            return err(n, format!("header key `{key}` has no value"));
        }
        let owned = || Some(value.to_owned());
        let list = || {
            Some(
                value
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        };
        let number = |what: &str| -> Result<usize, ParseError> {
            value
                .parse()
                .or_else(|_| err(n, format!("`{what}` must be a number, not {value:?}")))
        };
        match key {
            "title" => h.title = value.to_owned(),
            "spec" => h.spec = owned(),
            "role" => {
                h.role = match value {
                    "client" => Side::Client,
                    "server" => Side::Server,
                    _ => return err(n, format!("role must be client or server, not {value:?}")),
                }
            }
            "stream" => {
                h.stream = match value {
                    "c2s" => StreamKind::C2s,
                    "s2s" => StreamKind::S2s,
                    "component" => StreamKind::Component,
                    _ => {
                        return err(
                            n,
                            format!("stream must be c2s, s2s or component, not {value:?}"),
                        );
                    }
                }
            }
            "domain" => h.domain = value.to_owned(),
            "jid" => h.jid = owned(),
            "password" => h.password = owned(),
            "resource" => h.resource = owned(),
            "tls" => {
                h.tls = match value {
                    "required" => TlsPolicy::Required,
                    "optional" => TlsPolicy::Optional,
                    "none" => TlsPolicy::None,
                    _ => {
                        return err(
                            n,
                            format!("tls must be required, optional or none, not {value:?}"),
                        );
                    }
                }
            }
            "mechanisms" => h.mechanisms = list(),
            "client-nonce" => h.client_nonce = owned(),
            "server-nonce" => h.server_nonce = owned(),
            "salt" => {
                let salt = base64::engine::general_purpose::STANDARD
                    .decode(value)
                    .or_else(|e| err(n, format!("salt is not base64: {e}")))?;
                h.salt = Some(salt);
            }
            "iterations" => {
                h.iterations =
                    u32::try_from(number(key)?).or_else(|_| err(n, "iterations out of range"))?;
            }
            "stream-ids" => h.stream_ids = list(),
            "send-from" => {
                h.send_from = Some(match value {
                    "always" => SendFrom::Always,
                    "after-tls" => SendFrom::AfterTls,
                    "never" => SendFrom::Never,
                    _ => {
                        return err(
                            n,
                            format!("send-from must be always, after-tls or never, not {value:?}"),
                        );
                    }
                })
            }
            "seed" => {
                h.seed = value
                    .parse()
                    .or_else(|_| err(n, format!("seed must be a u64, not {value:?}")))?;
            }
            "max-stanza-bytes" => h.max_stanza_bytes = Some(number(key)?),
            "max-depth" => h.max_depth = Some(number(key)?),
            "max-attributes" => h.max_attributes = Some(number(key)?),
            _ => return err(n, format!("unknown header key `{key}`")),
        }
    }
    if !seen.iter().any(|k| k == "role") {
        return err(separator_line, "the header has no `role`");
    }
    if h.domain.is_empty() {
        return err(separator_line, "the header has no `domain`");
    }
    Ok(h)
}

/// A step's first line and its continuation lines, before interpretation.
struct RawStep<'a> {
    line: usize,
    head: &'a str,
    continuation: Vec<&'a str>,
}

fn parse_steps(lines: &[(usize, &str)], header: &Header) -> Result<Vec<Step>, ParseError> {
    let mut raw: Vec<RawStep<'_>> = Vec::new();
    for &(n, line) in lines {
        if is_skipped(line) {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match raw.last_mut() {
                Some(step) => step.continuation.push(line),
                None => return err(n, "continuation line before any step"),
            }
        } else {
            raw.push(RawStep {
                line: n,
                head: line,
                continuation: Vec::new(),
            });
        }
    }
    let mut ctx = [Scope::default(), Scope::default()];
    raw.iter()
        .map(|step| {
            Ok(Step {
                line: step.line,
                kind: parse_step(step, header.role, &mut ctx)?,
            })
        })
        .collect()
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

fn parse_step(
    step: &RawStep<'_>,
    role: Side,
    ctx: &mut [Scope; 2],
) -> Result<StepKind, ParseError> {
    let n = step.line;
    let data_side = |s: &str| match s {
        "C" => Some(Side::Client),
        "S" => Some(Side::Server),
        _ => None,
    };
    if let Some((who, rest)) = step.head.split_once(':')
        && let Some(side) = data_side(who)
    {
        let mut text = rest.trim_start().to_owned();
        for cont in &step.continuation {
            text.push('\n');
            text.push_str(cont);
        }
        if text.trim().is_empty() {
            return err(n, format!("empty `{who}:` step"));
        }
        let scope = &mut ctx[side_index(side)];
        let (compacted, items) = if side == role {
            let compacted = compact(&text, &mut scope.clone()).or_else(|e| err(n, e))?;
            let items = parse_fragment(&compacted.text, scope).or_else(|e| err(n, e))?;
            (compacted, Some(items))
        } else {
            (compact(&text, scope).or_else(|e| err(n, e))?, None)
        };
        return Ok(StepKind::Data {
            side,
            stream_opens: compacted.stream_opens,
            sasl_success: compacted.sasl_success,
            payload: Payload::Xml {
                text: compacted.text,
                items,
            },
        });
    }
    if !step.continuation.is_empty() {
        return err(
            n,
            "only `C:` and `S:` steps may continue on following lines",
        );
    }
    let (word, arg) = match step.head.split_once([' ', '\t']) {
        Some((w, a)) => (w, a.trim()),
        None => (step.head, ""),
    };
    let no_arg = |kind: StepKind| {
        if arg.is_empty() {
            Ok(kind)
        } else {
            err(n, format!("`{word}` takes no argument"))
        }
    };
    match word {
        "!raw" => parse_raw(n, step.head["!raw".len()..].trim_start(), role, ctx),
        "!tls" => no_arg(StepKind::Tls),
        "!eof" => no_arg(StepKind::Eof),
        "!expect-nothing" => no_arg(StepKind::ExpectNothing),
        "!open" => no_arg(StepKind::Open),
        "!skip-output" => no_arg(StepKind::SkipOutput),
        "!time" => parse_time(arg).map(StepKind::Time).or_else(|e| err(n, e)),
        "!stanzas" => arg
            .parse()
            .map(StepKind::Stanzas)
            .or_else(|_| err(n, format!("`!stanzas` needs a count, not {arg:?}"))),
        "!event" => parse_event(arg).map(StepKind::Event).or_else(|e| err(n, e)),
        "!closed" => parse_closed(arg)
            .map(StepKind::Closed)
            .or_else(|e| err(n, e)),
        _ => err(n, format!("unknown step {:?}", step.head)),
    }
}

fn parse_raw(
    n: usize,
    rest: &str,
    role: Side,
    ctx: &mut [Scope; 2],
) -> Result<StepKind, ParseError> {
    let (side, text) = if let Some(t) = rest.strip_prefix("C:") {
        (Side::Client, t)
    } else if let Some(t) = rest.strip_prefix("S:") {
        (Side::Server, t)
    } else {
        return err(n, "`!raw` must be followed by `C:` or `S:`");
    };
    let text = text.strip_prefix(' ').unwrap_or(text);
    let bytes = unescape(text).or_else(|e| err(n, e))?;
    let (stream_opens, sasl_success) = if side == role {
        (0, false)
    } else {
        raw_flags(&bytes, &mut ctx[side_index(side)])
    };
    Ok(StepKind::Data {
        side,
        payload: Payload::Raw(bytes),
        stream_opens,
        sasl_success,
    })
}

/// Stream-level effects of raw input, best effort (raw input may be deliberately broken).
fn raw_flags(bytes: &[u8], ctx: &mut Scope) -> (usize, bool) {
    let text = String::from_utf8_lossy(bytes);
    match compact(&text, ctx) {
        Ok(c) => (c.stream_opens, c.sasl_success),
        Err(_) => (text.matches("<stream:stream").count(), false),
    }
}

/// Decodes the `!raw` escapes `\xNN`, `\n`, `\r`, `\t` and `\\`.
pub fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next().map(|(_, c)| c) {
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('t') => out.push(b'\t'),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex = text.get(i + 2..i + 4).ok_or("`\\x` needs two hex digits")?;
                let byte = u8::from_str_radix(hex, 16)
                    .map_err(|_| format!("`\\x{hex}` is not two hex digits"))?;
                out.push(byte);
                chars.next();
                chars.next();
            }
            other => {
                return Err(format!(
                    "unknown escape `\\{}`",
                    other.map(String::from).unwrap_or_default()
                ));
            }
        }
    }
    Ok(out)
}

fn parse_time(arg: &str) -> Result<Duration, String> {
    let amount = arg
        .strip_prefix('+')
        .ok_or_else(|| format!("`!time` needs `+N` with a unit (ms, s, m), not {arg:?}"))?;
    let split = amount
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`!time {arg}` has no unit (ms, s, m)"))?;
    let (digits, unit) = amount.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`!time {arg}` has no number"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("unknown time unit {unit:?} (ms, s, m)")),
    }
}

fn parse_event(arg: &str) -> Result<EventSpec, String> {
    let (name, rest) = match arg.split_once(' ') {
        Some((name, rest)) => (name, rest.trim()),
        None => (arg, ""),
    };
    let spec = match name {
        "secured" => EventSpec::Secured,
        "authenticated" => EventSpec::Authenticated,
        "stanza" => EventSpec::Stanza,
        "closed" => EventSpec::Closed,
        "online" if !rest.is_empty() => return Ok(EventSpec::Online(rest.to_owned())),
        "online" => return Err("`!event online` needs the bound JID".into()),
        "" => return Err("`!event` needs a name".into()),
        _ => {
            return Err(format!(
                "unknown event {name:?} (secured, authenticated, online JID, stanza, closed)"
            ));
        }
    };
    if rest.is_empty() {
        Ok(spec)
    } else {
        Err(format!("event `{name}` takes no argument"))
    }
}

fn parse_closed(arg: &str) -> Result<Option<Vec<String>>, String> {
    if arg == "none" {
        return Ok(None);
    }
    if arg.is_empty() {
        return Err("`!closed` needs a condition or `none`".into());
    }
    arg.split('|')
        .map(|c| {
            let c = c.trim();
            if STREAM_CONDITIONS.contains(&c) {
                Ok(c.to_owned())
            } else {
                Err(format!(
                    "{c:?} is not an RFC 6120 §4.9.3 stream error condition"
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
