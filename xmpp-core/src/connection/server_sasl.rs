//! SASL from the receiving entity's side (RFC 6120 §6.4, §6.5): mechanisms run as small
//! state machines; credential checks go to the application as questions.

use std::time::Instant;

use super::state::Phase;
use super::{AnswerError, AuthAnswer, AuthRequest, Connection, Event};
use crate::Jid;
use crate::error::{StreamError, StreamErrorCondition as Cond};
use crate::sasl::{
    self, ChannelBinding, ChannelBindingType, DecoyKeys, Mechanism, PlainCredentials,
    SaslCondition, SaslFailure, ScramServer, ServerChannelBindings, base64,
};
use crate::xml::{Element, XmlElement};

/// Where a server-side SASL exchange is.
#[derive(Debug)]
pub(crate) enum ServerSasl {
    /// SCRAM client-first parsed; the application looks up the keys.
    Keys(Box<ScramServer>, Jid),
    /// SCRAM challenge sent; waiting for client-final.
    Final(Box<ScramServer>, Jid),
    /// PLAIN, EXTERNAL or ANONYMOUS presented; the application decides.
    Verdict {
        /// The mechanism.
        mechanism: Mechanism,
        /// PLAIN: the presented account and password.
        plain: Option<(Jid, String)>,
    },
}

impl Connection {
    /// `<auth/>`, `<response/>` or `<abort/>`.
    pub(super) fn server_on_sasl(&mut self, el: Element) {
        let root = el.root();
        let phase = std::mem::replace(&mut self.phase, Phase::ServerReady);
        match (root.name(), phase) {
            ("auth", Phase::ServerReady) if !self.flags.authenticated => self.server_on_auth(&el),
            ("response", Phase::ServerSasl(ServerSasl::Final(mut scram, user))) => {
                let result = base64::decode(&root.text())
                    .map_err(|_| SaslFailure::new(SaslCondition::IncorrectEncoding))
                    .and_then(|data| scram.client_final(&data).map_err(|e| e.failure()));
                match result {
                    Ok(final_message) => {
                        let (mechanism, binding) = (scram.mechanism(), scram.channel_binding());
                        self.server_sasl_success(mechanism, binding, user, Some(final_message))
                    }
                    Err(failure) => self.server_sasl_failure(failure),
                }
            }
            ("abort", Phase::ServerSasl(_)) => {
                self.server_sasl_failure(SaslFailure::new(SaslCondition::Aborted));
            }
            (name, phase) => {
                self.phase = phase;
                let text = format!("<{name}/> out of order");
                self.fail(StreamError::new(Cond::PolicyViolation).with_text(text));
            }
        }
    }

    fn server_on_auth(&mut self, el: &Element) {
        let root = el.root();
        let offered = self.server_mechanisms();
        let name = root.attr("mechanism").unwrap_or_default();
        let Some(mechanism) = Mechanism::from_name(&name).filter(|m| offered.contains(m)) else {
            // RFC 6120 §6.4.2 / §6.5.3, §6.5.7: a mechanism we do not offer here.
            let cond = match Mechanism::from_name(&name) {
                Some(m) if !self.flags.secure && self.sc().config.mechanisms.contains(&m) => {
                    SaslCondition::EncryptionRequired
                }
                _ => SaslCondition::InvalidMechanism,
            };
            return self.server_sasl_failure(SaslFailure::new(cond));
        };
        let data = match base64::decode_optional(&root.text()) {
            Ok(d) => d.unwrap_or_default(),
            Err(_) => {
                return self
                    .server_sasl_failure(SaslFailure::new(SaslCondition::IncorrectEncoding));
            }
        };
        let domain = self.sc().domain.clone();
        let account = |local: &str| Jid::from_parts(Some(local), &domain, None).ok();
        match mechanism {
            Mechanism::Plain => {
                let creds = match PlainCredentials::parse(&data) {
                    Ok(c) => c,
                    Err(e) => return self.server_sasl_failure(e.failure()),
                };
                let Some(user) = account(&creds.authcid) else {
                    return self
                        .server_sasl_failure(SaslFailure::new(SaslCondition::NotAuthorized));
                };
                if let Some(f) = authzid_problem(creds.authzid.as_deref(), &user) {
                    return self.server_sasl_failure(f);
                }
                let username = user.local().unwrap_or_default().to_owned();
                self.phase = Phase::ServerSasl(ServerSasl::Verdict {
                    mechanism,
                    plain: Some((user, creds.password.clone())),
                });
                self.events
                    .push_back(Event::AuthRequest(AuthRequest::Plain {
                        username,
                        password: creds.password,
                    }));
            }
            Mechanism::External => {
                let authzid = match sasl::parse_external(&data) {
                    Ok(a) => a,
                    Err(e) => return self.server_sasl_failure(e.failure()),
                };
                let peer_certificates = self
                    .tls_info
                    .as_ref()
                    .map(|i| i.peer_certificates.clone())
                    .unwrap_or_default();
                self.phase = Phase::ServerSasl(ServerSasl::Verdict {
                    mechanism,
                    plain: None,
                });
                self.events
                    .push_back(Event::AuthRequest(AuthRequest::External {
                        authzid,
                        peer_certificates,
                    }));
            }
            Mechanism::Anonymous => {
                let trace = match sasl::parse_anonymous(&data) {
                    Ok(t) => t,
                    Err(e) => return self.server_sasl_failure(e.failure()),
                };
                self.phase = Phase::ServerSasl(ServerSasl::Verdict {
                    mechanism,
                    plain: None,
                });
                self.events
                    .push_back(Event::AuthRequest(AuthRequest::Anonymous { trace }));
            }
            _ => {
                let bindings = ServerChannelBindings {
                    plus_offered: offered.iter().any(|m| m.is_plus()),
                    available: self.server_binding_data(),
                };
                let Some(mut scram) = ScramServer::new(mechanism, bindings) else {
                    return self
                        .server_sasl_failure(SaslFailure::new(SaslCondition::InvalidMechanism));
                };
                let identity = match scram.client_first(&data) {
                    Ok(i) => i,
                    Err(e) => return self.server_sasl_failure(e.failure()),
                };
                let Some(user) = account(&identity.username) else {
                    return self
                        .server_sasl_failure(SaslFailure::new(SaslCondition::NotAuthorized));
                };
                if let Some(f) = authzid_problem(identity.authzid.as_deref(), &user) {
                    return self.server_sasl_failure(f);
                }
                let username = user.local().unwrap_or_default().to_owned();
                self.phase = Phase::ServerSasl(ServerSasl::Keys(Box::new(scram), user));
                self.events
                    .push_back(Event::AuthRequest(AuthRequest::Scram {
                        mechanism,
                        username,
                    }));
            }
        }
    }

    /// The channel-binding data this TLS session provides.
    fn server_binding_data(&self) -> Vec<ChannelBinding> {
        let mut v = Vec::new();
        if let Some(info) = &self.tls_info {
            if let Some(d) = &info.channel_binding.tls_exporter {
                v.push(ChannelBinding::new(
                    ChannelBindingType::TlsExporter,
                    d.clone(),
                ));
            }
            if let Some(d) = &info.channel_binding.tls_server_end_point {
                v.push(ChannelBinding::new(
                    ChannelBindingType::TlsServerEndPoint,
                    d.clone(),
                ));
            }
        }
        v
    }

    /// The application's answer to an [`Event::AuthRequest`].
    pub fn answer_auth(&mut self, now: Instant, answer: AuthAnswer) -> Result<(), AnswerError> {
        self.advance(now);
        let phase = std::mem::replace(&mut self.phase, Phase::ServerReady);
        let result = match (phase, answer) {
            (Phase::ServerSasl(ServerSasl::Keys(mut scram, user)), AuthAnswer::Keys(keys)) => {
                let nonce = match &self.sc().config.scram_nonce {
                    Some(n) => n.clone(),
                    None => self.rng.alnum(24),
                };
                let decoy = DecoyKeys {
                    secret: self.sc().decoy_secret.clone(),
                    iterations: self.sc().config.decoy_iterations,
                };
                match scram.server_first(keys.as_ref(), &nonce, &decoy) {
                    Ok(challenge) => {
                        let mut c = XmlElement::new(sasl::NS_SASL, "challenge");
                        c.push_text(base64::encode_payload(&challenge));
                        self.write_element(&c);
                        self.phase = Phase::ServerSasl(ServerSasl::Final(scram, user));
                    }
                    Err(e) => self.server_sasl_failure(e.failure()),
                }
                Ok(())
            }
            (Phase::ServerSasl(ServerSasl::Keys(_, _)), AuthAnswer::Reject(cond)) => {
                self.server_sasl_failure(SaslFailure::new(cond));
                Ok(())
            }
            (Phase::ServerSasl(ServerSasl::Verdict { mechanism, plain }), answer) => {
                self.server_verdict(mechanism, plain, answer)
            }
            (phase, _) => {
                let err = if matches!(phase, Phase::ServerSasl(_)) {
                    AnswerError::Mismatch
                } else {
                    AnswerError::NotAsked
                };
                self.phase = phase;
                return Err(err);
            }
        };
        self.resume_held();
        result
    }

    fn server_verdict(
        &mut self,
        mechanism: Mechanism,
        plain: Option<(Jid, String)>,
        answer: AuthAnswer,
    ) -> Result<(), AnswerError> {
        let restore = |plain| Phase::ServerSasl(ServerSasl::Verdict { mechanism, plain });
        match answer {
            AuthAnswer::Reject(cond) => {
                self.server_sasl_failure(SaslFailure::new(cond));
                Ok(())
            }
            AuthAnswer::Keys(keys) => {
                let Some((user, password)) = plain.clone() else {
                    self.phase = restore(plain);
                    return Err(AnswerError::Mismatch);
                };
                if keys.is_some_and(|k| k.verify_password(&password)) {
                    self.server_sasl_success(mechanism, None, user, None);
                } else {
                    self.server_sasl_failure(SaslFailure::new(SaslCondition::NotAuthorized));
                }
                Ok(())
            }
            AuthAnswer::Accept { username } => {
                let user = match (username, &plain) {
                    (None, Some((user, _))) => user.clone(),
                    (Some(local), _) => {
                        let domain = self.sc().domain.clone();
                        match Jid::from_parts(Some(&local), &domain, None) {
                            Ok(j) => j,
                            Err(e) => {
                                self.phase = restore(plain);
                                return Err(AnswerError::InvalidIdentity(e.to_string()));
                            }
                        }
                    }
                    (None, None) => {
                        self.phase = restore(plain);
                        return Err(AnswerError::Mismatch);
                    }
                };
                self.server_sasl_success(mechanism, None, user, None);
                Ok(())
            }
        }
    }

    /// `<success/>` (RFC 6120 §6.4.6), then wait for the client's new stream.
    fn server_sasl_success(
        &mut self,
        mechanism: Mechanism,
        channel_binding: Option<ChannelBindingType>,
        user: Jid,
        data: Option<Vec<u8>>,
    ) {
        let mut s = XmlElement::new(sasl::NS_SASL, "success");
        if let Some(d) = data {
            s.push_text(base64::encode_optional(Some(&d)));
        }
        self.write_element(&s);
        self.flags.authenticated = true;
        self.sc_mut().user = Some(user);
        self.events.push_back(Event::Authenticated {
            mechanism,
            channel_binding,
        });
        self.restart_stream();
    }

    /// `<failure/>` (RFC 6120 §6.4.5); after too many, `policy-violation`.
    fn server_sasl_failure(&mut self, failure: SaslFailure) {
        self.write_element(&failure.to_element());
        self.phase = Phase::ServerReady;
        let state = self.sc_mut();
        state.attempts += 1;
        if state.attempts >= state.config.max_auth_attempts {
            let text = format!("{} failed authentication attempts", state.attempts);
            self.fail(StreamError::new(Cond::PolicyViolation).with_text(text));
        }
    }

    /// Whether the engine waits for the application's answer to a question.
    pub(super) fn awaiting_app(&self) -> bool {
        matches!(
            self.phase,
            Phase::ServerSasl(ServerSasl::Keys(..) | ServerSasl::Verdict { .. })
                | Phase::ServerBind { .. }
        )
    }
}

/// RFC 6120 §6.3.8: an authzid must name the authenticated account itself here (we do not
/// support acting for another entity).
fn authzid_problem(authzid: Option<&str>, user: &Jid) -> Option<SaslFailure> {
    let a = authzid.filter(|a| !a.is_empty())?;
    match a.parse::<Jid>() {
        Ok(j) if j == *user => None,
        _ => Some(SaslFailure::new(SaslCondition::InvalidAuthzid)),
    }
}
