//! The receiving entity (RFC 6120 §4–§7 from the server's side): header validation,
//! features by state, STARTTLS, bind, and stanzas with `from` enforced.

use std::sync::Arc;

use super::features::{Features, NS_BIND, NS_PING, NS_SESSION, NS_TLS};
use super::iq_tracker::Owner;
use super::server_config::ServerTlsMode;
use super::state::{Feature, Phase};
use super::timers::Timer;
use super::{
    AnswerError, BindAnswer, CloseReason, Connection, Event, NegotiationError, ServerConfig,
    TlsPolicy,
};
use crate::Jid;
use crate::error::{
    ErrorType, StanzaError, StanzaErrorCondition, StreamError, StreamErrorCondition as Cond,
};
use crate::sasl::{self, ChannelBindingType, Mechanism};
use crate::stanza::{Iq, IqType};
use crate::xml::{Element, StreamContext, StreamHeader, XmlElement, ns};

/// The server role's configuration and what it learned about the client.
#[derive(Debug)]
pub(crate) struct ServerState {
    pub config: ServerConfig,
    /// The domain the client asked for (validated against the served ones).
    pub domain: String,
    /// Failed authentications so far.
    pub attempts: u32,
    /// The authenticated account's bare JID.
    pub user: Option<Jid>,
    /// Secret for decoy SCRAM parameters.
    pub decoy_secret: Vec<u8>,
    /// The client's `from`, echoed as `to` in our headers (RFC 6120 §4.7.2).
    pub reply_to: Option<String>,
}

impl ServerState {
    pub(crate) fn new(config: ServerConfig, decoy_secret: Vec<u8>) -> Self {
        let domain = config.domains.first().cloned().unwrap_or_default();
        ServerState {
            config,
            domain,
            attempts: 0,
            user: None,
            decoy_secret,
            reply_to: None,
        }
    }
}

impl Connection {
    /// The first move of a server: wait for the client (or start direct TLS).
    pub(super) fn server_start(&mut self) {
        self.phase = Phase::AwaitHeader;
        if self.sc().config.direct_tls {
            self.server_start_tls();
        }
    }

    /// Our response header (RFC 6120 §4.7): fresh id, `from` our domain, `to` the client.
    pub(super) fn server_send_header(&mut self) {
        let to = self.sc().reply_to.clone();
        let id = match self.sc_mut().config.stream_ids.pop_front() {
            Some(id) => id,
            None => self.rng.alnum(16),
        };
        let mut header = StreamHeader::new(ns::JABBER_CLIENT);
        header.context = Arc::clone(&self.out_ctx);
        header.from = Some(self.sc().domain.clone());
        header.to = to;
        header.id = Some(id);
        self.write_header(&header);
    }

    /// The client's stream header: validate (§4.7, §4.8, §4.9.3), answer with ours and the
    /// features the state allows.
    pub(super) fn server_on_header(&mut self, header: StreamHeader) {
        let to = header
            .to
            .clone()
            .unwrap_or_else(|| self.sc().domain.clone());
        let served = self
            .sc()
            .config
            .domains
            .iter()
            .find(|d| d.eq_ignore_ascii_case(&to))
            .cloned();
        self.sc_mut().reply_to = header.from.clone().filter(|f| f.parse::<Jid>().is_ok());
        if let Some(lang) = header.lang() {
            let ctx = StreamContext::new(ns::JABBER_CLIENT)
                .with_prefix("stream", ns::STREAM)
                .with_lang(lang.to_owned());
            self.out_ctx = Arc::new(ctx);
        }
        if header.content_ns() != ns::JABBER_CLIENT {
            let text = format!(
                "content namespace {:?}, expected jabber:client",
                header.content_ns()
            );
            return self.fail(StreamError::new(Cond::InvalidNamespace).with_text(text));
        }
        let Some(domain) = served else {
            let text = format!("{to} is not served here");
            return self.fail(StreamError::new(Cond::HostUnknown).with_text(text));
        };
        match header.version {
            Some(v) if v.major == 1 => {}
            Some(v) => {
                let text = format!("version {v} is not supported; this server speaks 1.0");
                return self.fail(StreamError::new(Cond::UnsupportedVersion).with_text(text));
            }
            None => {
                // §4.7.5: no version means 0.9, which has no stream features.
                let text = "no version='1.0': pre-RFC 3920 streams are not supported";
                return self.fail(StreamError::new(Cond::UnsupportedVersion).with_text(text));
            }
        }
        self.sc_mut().domain = domain;
        self.peer_header = Some(header);
        self.server_send_header();
        let features = self.server_features();
        self.write_element(&features.to_element());
        self.phase = Phase::ServerReady;
    }

    /// The features the current flags allow (DESIGN §5).
    fn server_features(&self) -> Features {
        let cfg = &self.sc().config;
        let mut f = Features::default();
        if self.flags.permits(Feature::StartTls, false) && cfg.tls_policy != TlsPolicy::Disabled {
            f.starttls = Some(cfg.tls_policy == TlsPolicy::Required);
            if cfg.tls_policy == TlsPolicy::Required {
                return f;
            }
        }
        if !self.flags.authenticated {
            f.sasl = true;
            f.mechanisms = self.server_mechanisms();
            let types = self.server_binding_types();
            if !types.is_empty() {
                f.channel_binding = Some(types);
            }
        } else if self.flags.permits(Feature::Bind, false) {
            f.bind = true;
            if cfg.offer_session {
                f.session = Some(true);
            }
        }
        f
    }

    /// The mechanisms offered now: `-PLUS` only with binding data, PLAIN only over TLS
    /// (unless allowed), EXTERNAL only with a client certificate.
    pub(super) fn server_mechanisms(&self) -> Vec<Mechanism> {
        let cfg = &self.sc().config;
        let secure = self.flags.secure;
        let can_bind = !self.server_binding_types().is_empty();
        let has_cert = self
            .tls_info
            .as_ref()
            .is_some_and(|i| !i.peer_certificates.is_empty());
        cfg.mechanisms
            .iter()
            .copied()
            .filter(|m| match m {
                m if m.is_plus() => secure && can_bind,
                Mechanism::Plain => secure || cfg.allow_plain_without_tls,
                Mechanism::External => secure && has_cert,
                _ => true,
            })
            .collect()
    }

    /// Channel-binding types this TLS session provides (XEP-0440).
    pub(super) fn server_binding_types(&self) -> Vec<ChannelBindingType> {
        let mut types = Vec::new();
        if let Some(info) = &self.tls_info {
            if info.channel_binding.tls_exporter.is_some() {
                types.push(ChannelBindingType::TlsExporter);
            }
            if info.channel_binding.tls_server_end_point.is_some() {
                types.push(ChannelBindingType::TlsServerEndPoint);
            }
        }
        types
    }

    /// A depth-1 element from the client, by phase.
    pub(super) fn server_on_element(&mut self, el: Element) {
        let root = el.root();
        match (root.ns(), root.name()) {
            (NS_TLS, "starttls") if matches!(self.phase, Phase::ServerReady) => {
                self.server_on_starttls()
            }
            (sasl::NS_SASL, _) => self.server_on_sasl(el),
            (ns::JABBER_CLIENT, "message" | "presence" | "iq") => {
                if matches!(self.phase, Phase::Online | Phase::Closing) {
                    self.server_on_stanza(el);
                } else if self.flags.authenticated && root.name() == "iq" {
                    self.server_on_negotiation_iq(el);
                } else {
                    let text = "stanzas before the stream is negotiated";
                    self.fail(StreamError::new(Cond::NotAuthorized).with_text(text));
                }
            }
            (ns, name) => {
                let text = format!("unexpected <{name}/> in namespace {ns:?}");
                self.fail(StreamError::new(Cond::UnsupportedStanzaType).with_text(text));
            }
        }
    }

    /// `<starttls/>` (RFC 6120 §5.4.2): `<proceed/>`, then the handshake.
    fn server_on_starttls(&mut self) {
        if !self.flags.permits(Feature::StartTls, false)
            || self.sc().config.tls_policy == TlsPolicy::Disabled
        {
            self.write_element(&XmlElement::new(NS_TLS, "failure"));
            self.write_close();
            return self.finish(CloseReason::Negotiation(NegotiationError::TlsRefused));
        }
        self.write_element(&XmlElement::new(NS_TLS, "proceed"));
        // The reader loop checks that nothing was pipelined after <starttls/> (injection)
        // before the handshake starts.
        self.phase = Phase::ProceedReceived;
    }

    /// Starts the server side of TLS (after `<proceed/>`, or at byte 0 for direct TLS).
    pub(super) fn server_start_tls(&mut self) {
        match self.sc().config.tls_mode.clone() {
            ServerTlsMode::External => {
                self.phase = Phase::AwaitTlsExternal;
                self.events.push_back(Event::StartTls);
            }
            #[cfg(feature = "rustls")]
            ServerTlsMode::Rustls { config, cert_der } => {
                self.phase = Phase::TlsHandshake;
                if let Err(e) = self.transport.start_server_tls(config, cert_der) {
                    self.finish(CloseReason::Negotiation(NegotiationError::Tls(e)));
                }
            }
        }
    }

    /// Bind and session requests after SASL (RFC 6120 §7, RFC 3921 §3).
    fn server_on_negotiation_iq(&mut self, el: Element) {
        let root = el.root();
        let id = root.attr("id").map(|i| i.into_owned());
        let is_set = root.attr("type").as_deref() == Some("set");
        if let (Some(bind), true, Some(id), Phase::ServerReady) = (
            root.element("bind", NS_BIND),
            is_set,
            id.clone(),
            &self.phase,
        ) {
            if !self.flags.permits(Feature::Bind, false) {
                let text = "resource already bound";
                return self.fail(StreamError::new(Cond::PolicyViolation).with_text(text));
            }
            let requested = bind
                .element("resource", NS_BIND)
                .map(|r| r.text().trim().to_owned());
            let user = self.sc().user.clone().expect("authenticated");
            let proposed = match requested.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => match user.with_resource(r) {
                    Ok(full) => full.resource().unwrap_or(r).to_owned(),
                    Err(_) => {
                        // RFC 6120 §7.7.2.1: an unusable resourcepart is bad-request.
                        let e =
                            StanzaError::new(ErrorType::Modify, StanzaErrorCondition::BadRequest)
                                .with_text("the resourcepart is not valid");
                        return self.server_iq_error(&el, e);
                    }
                },
                None => self.rng.alnum(16),
            };
            self.phase = Phase::ServerBind { id };
            self.events.push_back(Event::BindRequest {
                requested,
                proposed,
            });
            return;
        }
        if let (Some(_), true, Some(id)) = (root.element("session", NS_SESSION), is_set, id) {
            let reply = Iq::builder(IqType::Result, id).build();
            return self.write_element(&reply);
        }
        let text = "only resource binding is allowed before the stream is online";
        self.fail(StreamError::new(Cond::NotAuthorized).with_text(text));
    }

    /// The application's decision on the bind request.
    pub fn answer_bind(
        &mut self,
        now: std::time::Instant,
        answer: BindAnswer,
    ) -> Result<(), AnswerError> {
        self.advance(now);
        let Phase::ServerBind { id } = &self.phase else {
            return Err(AnswerError::NotAsked);
        };
        let id = id.clone();
        let user = self.sc().user.clone().ok_or(AnswerError::NotAsked)?;
        match answer {
            BindAnswer::Accept(resource) => {
                let full = user
                    .with_resource(&resource)
                    .map_err(|e| AnswerError::InvalidIdentity(e.to_string()))?;
                let bind = XmlElement::new(NS_BIND, "bind")
                    .with_child(XmlElement::new(NS_BIND, "jid").with_text(full.as_str()));
                let reply = Iq::builder(IqType::Result, id).with_payload(bind).build();
                self.write_element(&reply);
                self.flags.bound = true;
                self.jid = Some(full.clone());
                self.phase = Phase::Online;
                self.timers.stop(Timer::Negotiation);
                let t = self.settings.timeouts.clone();
                if let Some(d) = t.keepalive {
                    self.timers.set(Timer::Keepalive, self.now, d);
                }
                if let Some(d) = t.ping_interval {
                    self.timers.set(Timer::Ping, self.now, d);
                }
                self.events.push_back(Event::Online { jid: full });
            }
            BindAnswer::Refuse(error) => {
                let reply = Iq::builder(IqType::Error, id).with_error(error).build();
                self.write_element(&reply);
                self.phase = Phase::ServerReady;
            }
        }
        self.resume_held();
        Ok(())
    }

    /// A stanza from the online client: `from` enforced and stamped (RFC 6120 §8.1.2.1),
    /// pings answered, responses to our iqs matched, the rest surfaced.
    fn server_on_stanza(&mut self, el: Element) {
        self.stats.stanzas_in += 1;
        let Some(full) = self.jid.clone() else { return };
        let root = el.root();
        let el = match root.attr("from") {
            Some(from) => match from.parse::<Jid>() {
                Ok(f) if f == full || f == full.bare() => el,
                _ => {
                    let text = format!("from='{from}' is not this stream's JID {full}");
                    return self.fail(StreamError::new(Cond::InvalidFrom).with_text(text));
                }
            },
            // Stamped in place: the bytes gain ` from='…'` and the parsed view is shifted,
            // with no second parse.
            None => el.with_leading_attr("from", full.as_str()),
        };
        if self.reject_malformed_iq(&el) {
            return;
        }
        let root = el.root();
        if let Some(Err(_)) = root.attr("to").map(|t| t.parse::<Jid>()) {
            if root.attr("type").as_deref() != Some("error") {
                let e = StanzaError::new(ErrorType::Modify, StanzaErrorCondition::JidMalformed);
                return self.server_iq_error(&el, e);
            }
            return;
        }
        if root.name() == "iq" {
            let to_us = root
                .attr("to")
                .is_none_or(|t| t.eq_ignore_ascii_case(&self.sc().domain));
            match root.attr("type").as_deref() {
                Some("result" | "error") => {
                    if let Some(id) = root.attr("id") {
                        match self.iqs.take(&id, Some(&full), &full) {
                            Some(Owner::Application) => {
                                let id = id.into_owned();
                                return self.events.push_back(Event::IqResponse { id, stanza: el });
                            }
                            Some(Owner::Ping) => return,
                            None => {}
                        }
                    }
                }
                Some("get") if to_us && root.element("ping", NS_PING).is_some() => {
                    if let Some(iq) = Iq::from_element(root) {
                        let mut reply = iq.result_reply().build();
                        reply.set_attr("from", self.sc().domain.clone());
                        reply.remove_attr_ns("", "to");
                        reply.set_attr("to", full.as_str());
                        self.write_element(&reply);
                    }
                    return;
                }
                Some("session") | Some("set")
                    if to_us && root.element("session", NS_SESSION).is_some() =>
                {
                    if let Some(id) = root.attr("id") {
                        let reply = Iq::builder(IqType::Result, id.into_owned()).build();
                        self.write_element(&reply);
                    }
                    return;
                }
                _ => {}
            }
        }
        self.events.push_back(Event::Stanza(el));
    }

    /// Answers `el` (any stanza kind) with a stanza error, never answering an error.
    fn server_iq_error(&mut self, el: &Element, error: StanzaError) {
        let root = el.root();
        if root.attr("type").as_deref() == Some("error") {
            return;
        }
        let mut reply = XmlElement::new(ns::JABBER_CLIENT, root.name()).with_attr("type", "error");
        if let Some(id) = root.attr("id") {
            reply.set_attr("id", id.into_owned());
        }
        reply.push_child(error.to_element(ns::JABBER_CLIENT));
        self.write_element(&reply);
    }

    /// The server configuration (server-role code only).
    pub(super) fn sc(&self) -> &ServerState {
        match &self.role {
            super::RoleState::Server(s) => s,
            super::RoleState::Client(_) => unreachable!("server-role code on a client connection"),
        }
    }

    pub(super) fn sc_mut(&mut self) -> &mut ServerState {
        match &mut self.role {
            super::RoleState::Server(s) => s,
            super::RoleState::Client(_) => unreachable!("server-role code on a client connection"),
        }
    }
}

/// The `from` of a client header the reader refused (wrong version or content namespace):
/// our error header still names the client in `to` (RFC 6120 §4.7.2).
pub(super) fn refused_header_from(buffered: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(buffered).ok()?;
    let start = text.find('<')?;
    for token in xmlparser::Tokenizer::from(&text[start..]) {
        match token.ok()? {
            xmlparser::Token::Attribute {
                prefix,
                local,
                value,
                ..
            } if prefix.is_empty() && local.as_str() == "from" => {
                let value = value.as_str();
                return value.parse::<Jid>().is_ok().then(|| value.to_owned());
            }
            xmlparser::Token::ElementEnd { .. } => return None,
            _ => {}
        }
    }
    None
}
