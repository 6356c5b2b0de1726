//! Outbound stanzas: validation (like input: one element, depth 1, a stanza of this
//! stream, valid JIDs), iq tracking, and the bounded queue.

use std::sync::Arc;
use std::time::Instant;

use super::iq_tracker::Owner;
use super::state::Phase;
use super::{Connection, SendError};
use crate::Jid;
use crate::xml::{Limits, StreamEvent, StreamHeader, StreamReader, Writer, XmlElement};

/// What a stanza's attributes say, for validation.
struct Head<'a> {
    name: &'a str,
    ns: &'a str,
    type_: Option<&'a str>,
    id: Option<&'a str>,
    to: Option<&'a str>,
    from: Option<&'a str>,
}

impl Connection {
    /// Sends a stanza (build it with [`crate::stanza`]'s builders). An iq `get`/`set` must
    /// carry an id; its response arrives as [`Event::IqResponse`](super::Event).
    pub fn send(&mut self, now: Instant, stanza: &XmlElement) -> Result<(), SendError> {
        self.advance(now);
        let to = self.check(&Head {
            name: stanza.name(),
            ns: stanza.ns(),
            type_: stanza.attr("type"),
            id: stanza.attr("id"),
            to: stanza.attr("to"),
            from: stanza.attr("from"),
        })?;
        self.track(stanza.name(), stanza.attr("type"), stanza.attr("id"), to);
        self.write_element(stanza);
        self.stats.stanzas_out += 1;
        Ok(())
    }

    /// Sends an iq request, generating its id when it has none; returns the id its
    /// [`Event::IqResponse`](super::Event) will carry.
    pub fn send_iq(&mut self, now: Instant, mut iq: XmlElement) -> Result<String, SendError> {
        if iq.attr("id").is_none() && iq.name() == "iq" {
            let id = self.next_id();
            iq.set_attr("id", id);
        }
        self.send(now, &iq)?;
        Ok(iq.attr("id").unwrap_or_default().to_owned())
    }

    /// Sends raw XML: exactly one element, checked by the same reader and limits as
    /// input (well-formed, restricted XML, depth 1) and then like [`send`](Self::send).
    /// It is written as given, byte for byte.
    pub fn send_raw(&mut self, now: Instant, xml: &str) -> Result<(), SendError> {
        self.advance(now);
        let el = parse_one(xml, self.settings.limits.clone(), &self.out_ctx)?;
        let root = el.root();
        let (type_, id, to, from) = (
            root.attr("type"),
            root.attr("id"),
            root.attr("to"),
            root.attr("from"),
        );
        let to = self.check(&Head {
            name: root.name(),
            ns: root.ns(),
            type_: type_.as_deref(),
            id: id.as_deref(),
            to: to.as_deref(),
            from: from.as_deref(),
        })?;
        self.track(root.name(), type_.as_deref(), id.as_deref(), to);
        let ctx = Arc::clone(&self.out_ctx);
        self.write_raw_with(|out| Writer::new(out, &ctx).element(&el));
        self.stats.stanzas_out += 1;
        Ok(())
    }

    /// Refuses what must not be sent; returns the parsed `to`.
    fn check(&mut self, head: &Head<'_>) -> Result<Option<Jid>, SendError> {
        if !matches!(self.phase, Phase::Online) {
            return Err(SendError::NotOnline);
        }
        if head.ns != self.out_ctx.default_ns()
            || !matches!(head.name, "message" | "presence" | "iq")
        {
            return Err(SendError::NotAStanza(head.name.to_owned()));
        }
        let to = head
            .to
            .map(str::parse::<Jid>)
            .transpose()
            .map_err(SendError::InvalidJid)?;
        head.from
            .map(str::parse::<Jid>)
            .transpose()
            .map_err(SendError::InvalidJid)?;
        if head.name == "iq" {
            match head.type_ {
                Some("get" | "set") => {
                    let id = head.id.ok_or(SendError::MissingId)?;
                    if id.is_empty() {
                        return Err(SendError::MissingId);
                    }
                    if self.iqs.len() >= self.settings.max_pending_iqs {
                        return Err(SendError::TooManyPendingIqs);
                    }
                }
                Some("result" | "error") => {}
                _ => return Err(SendError::BadIqType),
            }
        }
        if self.transport.queued() >= self.settings.max_outbound_bytes {
            self.report_writable = true;
            return Err(SendError::Full);
        }
        Ok(to)
    }

    fn track(&mut self, name: &str, type_: Option<&str>, id: Option<&str>, to: Option<Jid>) {
        if let (true, Some(id)) = (name == "iq" && matches!(type_, Some("get" | "set")), id) {
            self.iqs.insert(id.to_owned(), to, Owner::Application);
        }
    }
}

/// Parses `xml` as exactly one depth-1 element of a stream with context `ctx`.
pub(super) fn parse_one(
    xml: &str,
    limits: Limits,
    ctx: &Arc<crate::xml::StreamContext>,
) -> Result<crate::xml::Element, SendError> {
    let mut reader = StreamReader::new(limits);
    let mut header = StreamHeader::new(ctx.default_ns());
    header.context = Arc::clone(ctx);
    let mut prefix = Vec::new();
    Writer::stream_header(&mut prefix, &header);
    let invalid = |e: crate::error::StreamError| {
        SendError::InvalidXml(format!("{}: {}", e.condition, e.text.unwrap_or_default()))
    };
    let mut input = &prefix[..];
    while reader.next_event(&mut input).map_err(invalid)?.is_some() {}
    let mut input = xml.as_bytes();
    let mut found = None;
    while let Some(ev) = reader.next_event(&mut input).map_err(invalid)? {
        match ev {
            StreamEvent::Element(el) if found.is_none() => found = Some(el),
            StreamEvent::Whitespace => {}
            _ => return Err(SendError::InvalidXml("more than one element".into())),
        }
    }
    if !reader.buffered().iter().all(u8::is_ascii_whitespace) {
        return Err(SendError::InvalidXml("incomplete element".into()));
    }
    found.ok_or_else(|| SendError::InvalidXml("no element".into()))
}
