//! The initiating entity's negotiation (RFC 6120 §4–§7, §9.1): header, STARTTLS, SASL,
//! bind, legacy session, then stanzas.

use std::sync::Arc;

use super::features::{Features, NS_BIND, NS_PING, NS_SESSION, NS_TLS};
use super::iq_tracker::Owner;
use super::state::{Feature, Phase};
use super::timers::Timer;
use super::{Connection, Event, NegotiationError, TlsMode, TlsPolicy};
use crate::Jid;
use crate::error::{StanzaError, StreamError, StreamErrorCondition as Cond};
use crate::sasl::{
    self, ChannelBindingType, Credentials, Gs2FlagKind, Mechanism, SaslClient, SaslClientError,
    SaslCondition, SaslFailure, SelectionContext, base64,
};
use crate::stanza::{Iq, IqType};
use crate::xml::{Element, StreamHeader, XmlElement, ns};

impl Connection {
    /// The first move: direct TLS, or our stream header.
    pub(super) fn client_start(&mut self) {
        if self.cc().direct_tls {
            self.client_start_tls();
        } else {
            self.client_send_header();
        }
    }

    /// Our stream header (RFC 6120 §4.7): `to` the domain, `from` by the policy.
    pub(super) fn client_send_header(&mut self) {
        let mut header = StreamHeader::new(ns::JABBER_CLIENT);
        header.context = Arc::clone(&self.out_ctx);
        header.to = Some(self.cc().jid.domain().to_owned());
        let from = match self.cc().send_from {
            super::FromPolicy::Never => false,
            super::FromPolicy::AfterTls => self.flags.secure,
            super::FromPolicy::Always => true,
        };
        if from && self.cc().jid.local().is_some() {
            header.from = Some(self.cc().jid.as_str().to_owned());
        }
        self.write_header(&header);
    }

    /// Starts TLS after `<proceed/>` (or at byte 0 for direct TLS).
    pub(super) fn client_start_tls(&mut self) {
        match &self.cc().tls_mode {
            TlsMode::External => {
                self.phase = Phase::AwaitTlsExternal;
                self.events.push_back(Event::StartTls);
            }
            #[cfg(feature = "rustls")]
            TlsMode::Rustls(config) => {
                let config = Arc::clone(config);
                let domain = self.cc().jid.domain().to_owned();
                self.phase = Phase::TlsHandshake;
                if let Err(e) = self.transport.start_client_tls(config, &domain) {
                    self.finish(super::CloseReason::Negotiation(NegotiationError::Tls(e)));
                }
            }
        }
    }

    /// The server's stream header (RFC 6120 §4.7, §4.8, §4.7.5).
    pub(super) fn client_on_header(&mut self, header: StreamHeader) {
        if header.content_ns() != ns::JABBER_CLIENT {
            let text = format!(
                "content namespace {:?}, expected jabber:client",
                header.content_ns()
            );
            return self.fail(StreamError::new(Cond::InvalidNamespace).with_text(text));
        }
        match header.version {
            Some(v) if v.major == 1 => {}
            Some(v) if v.major > 1 => {
                let text = format!("version {v} is not supported; this entity speaks 1.0");
                return self.fail(StreamError::new(Cond::UnsupportedVersion).with_text(text));
            }
            _ => {
                // §4.7.5: no version means 0.9, which has no features; we require 1.0.
                let text =
                    "the stream has no version='1.0' (pre-RFC 3920 streams are not supported)";
                return self.fail(StreamError::new(Cond::UnsupportedVersion).with_text(text));
            }
        }
        self.peer_header = Some(header);
        self.phase = Phase::AwaitFeatures;
    }

    /// A depth-1 element from the server, by phase.
    pub(super) fn client_on_element(&mut self, el: Element) {
        let root = el.root();
        // The arms below take the phase by value; meanwhile `self.phase` is
        // `AwaitFeatures`, in which a failure can still write its stream error.
        let phase = std::mem::replace(&mut self.phase, Phase::AwaitFeatures);
        match phase {
            Phase::AwaitFeatures if root.is("features", ns::STREAM) => {
                self.phase = Phase::AwaitFeatures;
                self.client_on_features(Features::parse(root));
            }
            Phase::StartTls if root.is("proceed", NS_TLS) => self.phase = Phase::ProceedReceived,
            Phase::StartTls if root.is("failure", NS_TLS) => {
                self.phase = Phase::StartTls;
                self.fail_negotiation(NegotiationError::TlsRefused);
            }
            Phase::Sasl {
                client,
                mechanism,
                binding,
            } if root.ns() == sasl::NS_SASL => {
                self.client_on_sasl(client, mechanism, binding, el);
            }
            Phase::Bind { id, session } if self.is_response(&el, &id) => {
                self.client_on_bind(&el, session);
            }
            Phase::Session { id } if self.is_response(&el, &id) => {
                let iq = Iq::from_element(el.root());
                match iq.and_then(|iq| iq.type_()) {
                    Some(IqType::Result) => self.client_online(),
                    _ => {
                        let e = stanza_error_of(&el);
                        self.fail_negotiation(NegotiationError::Session(e));
                    }
                }
            }
            Phase::Online | Phase::Closing if is_stanza(&el) => {
                self.phase = phase;
                self.client_on_stanza(el);
            }
            phase => {
                self.phase = phase;
                let text = format!("unexpected <{}/> in namespace {:?}", root.name(), root.ns());
                self.fail(StreamError::new(Cond::UnsupportedStanzaType).with_text(text));
            }
        }
    }

    /// Whether `el` is the iq response with `id` (bind and session requests).
    fn is_response(&self, el: &Element, id: &str) -> bool {
        let root = el.root();
        root.is("iq", ns::JABBER_CLIENT)
            && root.attr("id").as_deref() == Some(id)
            && matches!(root.attr("type").as_deref(), Some("result" | "error"))
    }

    /// Picks the next feature to negotiate (DESIGN §5: filter by flags, run one).
    fn client_on_features(&mut self, features: Features) {
        let policy = self.cc().tls_policy;
        let want_tls = policy != TlsPolicy::Disabled && !self.cc().direct_tls;
        if self.flags.permits(Feature::StartTls, false) && want_tls {
            if features.starttls.is_some() {
                self.write_element(&XmlElement::new(NS_TLS, "starttls"));
                self.phase = Phase::StartTls;
                return;
            }
            if policy == TlsPolicy::Required {
                return self.fail_negotiation(NegotiationError::TlsNotOffered);
            }
        }
        if !self.flags.secure && features.starttls == Some(true) {
            return self.fail_negotiation(NegotiationError::TlsRequiredByServer);
        }
        if !self.flags.authenticated {
            // Without TLS only a policy that allows it reaches here (TlsPolicy::Optional or
            // Disabled); the mechanism choice then refuses PLAIN unless allowed.
            debug_assert!(self.flags.permits(Feature::Sasl, true));
            if !features.sasl {
                return self.fail_negotiation(NegotiationError::SaslNotOffered);
            }
            return self.client_start_sasl(&features);
        }
        if self.flags.permits(Feature::Bind, false) {
            if !features.bind {
                return self.fail_negotiation(NegotiationError::BindNotOffered);
            }
            let session = features.session == Some(false);
            return self.client_send_bind(session);
        }
        let text = "features after resource binding";
        self.fail(StreamError::new(Cond::UnsupportedStanzaType).with_text(text));
    }

    /// Selects a mechanism (XEP-0440 rules for channel binding) and sends `<auth/>`.
    fn client_start_sasl(&mut self, features: &Features) {
        let mut local = Vec::new();
        if let Some(info) = &self.tls_info {
            if let Some(data) = &info.channel_binding.tls_exporter {
                local.push((ChannelBindingType::TlsExporter, data.clone()));
            }
            if let Some(data) = &info.channel_binding.tls_server_end_point {
                local.push((ChannelBindingType::TlsServerEndPoint, data.clone()));
            }
        }
        let kinds: Vec<ChannelBindingType> = local.iter().map(|(k, _)| *k).collect();
        let ctx = SelectionContext {
            tls: self.tls_info.as_ref().map(|i| i.version),
            local_bindings: &kinds,
            server_bindings: features.channel_binding.as_deref(),
            policy: self.cc().channel_binding,
            allow_plain_without_tls: self.cc().allow_plain_without_tls,
            has_password: self.cc().password.is_some(),
        };
        let selection = match sasl::select(&features.mechanisms, &self.cc().mechanisms, &ctx) {
            Ok(s) => s,
            Err(e) => return self.fail_negotiation(NegotiationError::NoMechanism(e)),
        };
        let data = match selection.gs2 {
            Gs2FlagKind::Use(kind) => local
                .into_iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, d)| d)
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let binding = match selection.gs2 {
            Gs2FlagKind::Use(kind) => Some(kind),
            _ => None,
        };
        let gs2 = selection.gs2.with_data(data);
        let mechanism = selection.mechanism;
        let authzid = self.cc().authzid.clone();
        let client = match mechanism {
            Mechanism::External => SaslClient::external(authzid.as_deref()),
            Mechanism::Anonymous => SaslClient::anonymous(None),
            _ => {
                let nonce = match &self.cc().scram_nonce {
                    Some(n) => n.clone(),
                    None => self.rng.alnum(24),
                };
                let credentials = Credentials {
                    username: self.cc().jid.local().unwrap_or_default().to_owned(),
                    password: self.cc().password.clone().unwrap_or_default(),
                    authzid,
                };
                SaslClient::new(mechanism, &credentials, gs2, &nonce)
            }
        };
        let client = match client {
            Ok(c) => c,
            Err(e) => return self.fail_negotiation(NegotiationError::Sasl(e)),
        };
        let mut auth =
            XmlElement::new(sasl::NS_SASL, "auth").with_attr("mechanism", mechanism.name());
        auth.push_text(base64::encode_optional(Some(client.initial_response())));
        self.write_element(&auth);
        self.phase = Phase::Sasl {
            client: Box::new(client),
            mechanism,
            binding,
        };
    }

    /// `<challenge/>`, `<success/>` or `<failure/>` (RFC 6120 §6.4.2–§6.4.6).
    fn client_on_sasl(
        &mut self,
        mut client: Box<SaslClient>,
        mechanism: Mechanism,
        binding: Option<ChannelBindingType>,
        el: Element,
    ) {
        let root = el.root();
        let text = root.text();
        match root.name() {
            "challenge" => {
                let reply = base64::decode(&text)
                    .map_err(SaslClientError::from)
                    .and_then(|data| client.challenge(&data));
                match reply {
                    Ok(reply) => {
                        let mut r = XmlElement::new(sasl::NS_SASL, "response");
                        r.push_text(base64::encode_payload(&reply));
                        self.write_element(&r);
                        self.phase = Phase::Sasl {
                            client,
                            mechanism,
                            binding,
                        };
                    }
                    Err(e) => self.client_sasl_abort(e),
                }
            }
            "success" => {
                let checked = base64::decode_optional(&text)
                    .map_err(SaslClientError::from)
                    .and_then(|data| client.success(data.as_deref()));
                match checked {
                    Ok(()) => {
                        self.flags.authenticated = true;
                        self.events.push_back(Event::Authenticated {
                            mechanism,
                            channel_binding: binding,
                        });
                        self.restart_stream();
                    }
                    Err(e) => {
                        // The server thinks we are in; we do not trust it (RFC 5802 §5). Close.
                        self.phase = Phase::AwaitFeatures;
                        self.fail_negotiation(NegotiationError::Sasl(e));
                    }
                }
            }
            "failure" => {
                let failure = sasl::SaslFailure::from_element(root)
                    .unwrap_or_else(|_| SaslFailure::new(SaslCondition::NotAuthorized));
                self.phase = Phase::AwaitFeatures;
                self.fail_negotiation(NegotiationError::SaslFailure(failure));
            }
            other => {
                self.phase = Phase::AwaitFeatures;
                let text = format!("unexpected <{other}/> during SASL");
                self.fail(StreamError::new(Cond::UnsupportedStanzaType).with_text(text));
            }
        }
    }

    /// Aborts SASL (RFC 6120 §6.4.4) and closes.
    fn client_sasl_abort(&mut self, error: SaslClientError) {
        self.phase = Phase::AwaitFeatures;
        self.write_element(&XmlElement::new(sasl::NS_SASL, "abort"));
        self.fail_negotiation(NegotiationError::Sasl(error));
    }

    /// Resource binding request (RFC 6120 §7.5, §7.6).
    fn client_send_bind(&mut self, session: bool) {
        let id = self.next_id();
        let mut bind = XmlElement::new(NS_BIND, "bind");
        if let Some(r) = &self.cc().resource {
            bind.push_child(XmlElement::new(NS_BIND, "resource").with_text(r.clone()));
        }
        let iq = Iq::builder(IqType::Set, id.clone())
            .with_payload(bind)
            .build();
        self.write_element(&iq);
        self.phase = Phase::Bind { id, session };
    }

    fn client_on_bind(&mut self, el: &Element, session: bool) {
        let root = el.root();
        if root.attr("type").as_deref() != Some("result") {
            return self.fail_negotiation(NegotiationError::Bind(stanza_error_of(el)));
        }
        let jid = root
            .element("bind", NS_BIND)
            .and_then(|b| b.element("jid", NS_BIND))
            .map(|j| j.text().trim().to_owned());
        let jid = match jid.as_deref().map(str::parse::<Jid>) {
            Some(Ok(j)) if j.is_full() => j,
            Some(Ok(j)) => {
                return self.fail_negotiation(NegotiationError::BadBindResult(format!(
                    "{j} is not a full JID"
                )));
            }
            Some(Err(e)) => {
                return self.fail_negotiation(NegotiationError::BadBindResult(e.to_string()));
            }
            None => {
                return self.fail_negotiation(NegotiationError::BadBindResult(
                    "no <jid/> in the result".into(),
                ));
            }
        };
        self.flags.bound = true;
        self.jid = Some(jid);
        if session {
            // RFC 3921 §3 legacy session, required when advertised without <optional/>.
            let id = self.next_id();
            let iq = Iq::builder(IqType::Set, id.clone())
                .with_payload(XmlElement::new(NS_SESSION, "session"))
                .build();
            self.write_element(&iq);
            self.phase = Phase::Session { id };
        } else {
            self.client_online();
        }
    }

    fn client_online(&mut self) {
        self.phase = Phase::Online;
        self.timers.stop(Timer::Negotiation);
        if let Some(d) = self.settings.timeouts.keepalive {
            self.timers.set(Timer::Keepalive, self.now, d);
        }
        if let Some(d) = self.settings.timeouts.ping_interval {
            self.timers.set(Timer::Ping, self.now, d);
        }
        let jid = self.jid.clone().expect("bound before online");
        self.events.push_back(Event::Online { jid });
    }

    /// A stanza while online: match iq responses, answer pings, surface the rest.
    fn client_on_stanza(&mut self, el: Element) {
        self.stats.stanzas_in += 1;
        if self.reject_malformed_iq(&el) {
            return;
        }
        let root = el.root();
        if root.name() == "iq" {
            let type_ = root.attr("type");
            match type_.as_deref() {
                Some("result" | "error") => {
                    if let (Some(id), Some(me)) = (root.attr("id"), self.jid.as_ref()) {
                        let from = root.attr("from").and_then(|f| f.parse::<Jid>().ok());
                        if root.attr("from").is_some() == from.is_some() {
                            match self.iqs.take(&id, from.as_ref(), me) {
                                Some(Owner::Application) => {
                                    let id = id.into_owned();
                                    self.events.push_back(Event::IqResponse { id, stanza: el });
                                    return;
                                }
                                Some(Owner::Ping) => return,
                                None => {}
                            }
                        }
                    }
                }
                Some("get") if root.element("ping", NS_PING).is_some() => {
                    // XEP-0199 §4: answer pings ourselves.
                    if let Some(iq) = Iq::from_element(root) {
                        let reply = iq.result_reply().build();
                        self.write_element(&reply);
                        self.stats.stanzas_out += 1;
                    }
                    return;
                }
                _ => {}
            }
        }
        self.events.push_back(Event::Stanza(el));
    }

    /// An XEP-0199 ping to our server (client-to-server ping, §4.2).
    pub(super) fn send_ping(&mut self) {
        let id = self.next_id();
        // Client: to our server (XEP-0199 §4.2). Server: to the client (§4.1), from us.
        let (to, from) = if self.is_client() {
            (self.cc().jid.domain().to_owned(), None)
        } else {
            let to = self
                .jid
                .as_ref()
                .map(|j| j.as_str().to_owned())
                .unwrap_or_default();
            (to, Some(self.sc().domain.clone()))
        };
        let mut iq = Iq::builder(IqType::Get, id.clone())
            .with_to(to.clone())
            .with_payload(XmlElement::new(NS_PING, "ping"))
            .build();
        if let Some(from) = from {
            iq.set_attr("from", from);
        }
        self.write_element(&iq);
        self.iqs.insert(id, to.parse().ok(), Owner::Ping);
    }

    /// A fresh stanza id from the seeded generator.
    pub(super) fn next_id(&mut self) -> String {
        loop {
            let id = self.rng.alnum(12);
            if !self.iqs.contains(&id) {
                return id;
            }
        }
    }
}

/// Whether `el` is a stanza of a client stream.
fn is_stanza(el: &Element) -> bool {
    let root = el.root();
    root.ns() == ns::JABBER_CLIENT && matches!(root.name(), "message" | "presence" | "iq")
}

/// The `<error/>` of an error response, or `undefined-condition` when it has none.
fn stanza_error_of(el: &Element) -> StanzaError {
    el.root()
        .element("error", ns::JABBER_CLIENT)
        .and_then(|e| StanzaError::from_element(e).ok())
        .unwrap_or_else(|| {
            StanzaError::new(
                crate::error::ErrorType::Cancel,
                crate::error::StanzaErrorCondition::UndefinedCondition,
            )
        })
}
