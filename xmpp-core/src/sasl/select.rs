//! Client mechanism selection and the channel-binding decision (RFC 5802 §6, RFC 9266 §3,
//! XEP-0440 §Business Rules).

use std::fmt;

use super::{ChannelBinding, ChannelBindingType, Gs2Flag, Mechanism};
use crate::tls::TlsVersion;

/// How much the client insists on channel binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChannelBindingPolicy {
    /// Never bind; `-PLUS` mechanisms are not used and the flag is always `n`.
    Disabled,
    /// Bind when possible, fall back to `n` or `y` otherwise (see [`select`]).
    #[default]
    Preferred,
    /// Bind or fail: abort rather than authenticate without channel binding.
    Required,
}

/// What the client knows when it picks a mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectionContext<'a> {
    /// The TLS version if the stream is TLS-protected, `None` if it is not.
    pub tls: Option<TlsVersion>,
    /// The channel-binding types the client can produce on this connection right now:
    /// `tls-exporter` when TLS 1.3 (or TLS 1.2 with extended master secret) is in use,
    /// `tls-server-end-point` when the server certificate is known. `tls-unique` only if
    /// the TLS stack can produce it (rustls cannot).
    pub local_bindings: &'a [ChannelBindingType],
    /// The types the server announces with XEP-0440, from
    /// [`announced_channel_bindings`](super::announced_channel_bindings); `None` if it
    /// announces none.
    pub server_bindings: Option<&'a [ChannelBindingType]>,
    /// How much to insist on channel binding.
    pub policy: ChannelBindingPolicy,
    /// Whether PLAIN may be used on a stream without TLS (default: no).
    pub allow_plain_without_tls: bool,
    /// Whether the client has a password; without one only EXTERNAL and ANONYMOUS remain.
    pub has_password: bool,
}

/// The channel-binding flag to use with the selected mechanism, before the binding data
/// is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gs2FlagKind {
    /// `n` (also what non-SCRAM mechanisms get).
    Unsupported,
    /// `y`.
    ServerLacksSupport,
    /// `p=` with this type.
    Use(ChannelBindingType),
}

impl Gs2FlagKind {
    /// The channel-binding type whose data is needed, for [`Gs2FlagKind::Use`].
    pub fn binding_type(self) -> Option<ChannelBindingType> {
        match self {
            Gs2FlagKind::Use(kind) => Some(kind),
            Gs2FlagKind::Unsupported | Gs2FlagKind::ServerLacksSupport => None,
        }
    }

    /// The [`Gs2Flag`] for a [`SaslClient`](super::SaslClient); `data` is the binding data
    /// of [`binding_type`](Self::binding_type) and is ignored for the other flags.
    pub fn with_data(self, data: Vec<u8>) -> Gs2Flag {
        match self {
            Gs2FlagKind::Unsupported => Gs2Flag::Unsupported,
            Gs2FlagKind::ServerLacksSupport => Gs2Flag::ServerLacksSupport,
            Gs2FlagKind::Use(kind) => Gs2Flag::Used(ChannelBinding { kind, data }),
        }
    }
}

/// The result of [`select`]: a mechanism and its channel-binding flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Selection {
    /// The mechanism to request in `<auth/>`.
    pub mechanism: Mechanism,
    /// The GS2 flag for SCRAM ([`Gs2FlagKind::Unsupported`] for the other mechanisms).
    pub gs2: Gs2FlagKind,
}

/// Why channel binding is not possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BindingProblem {
    /// The policy is [`ChannelBindingPolicy::Disabled`].
    Disabled,
    /// The stream is not TLS-protected.
    NoTls,
    /// The client cannot produce any channel-binding data on this connection.
    NoLocalBinding,
    /// No `-PLUS` mechanism is both offered by the server and usable by the client (in the
    /// preference list, with the needed credentials).
    NoPlusMechanism,
    /// The server's channel-binding types (announced, or assumed by default) are all types
    /// the client cannot produce.
    NoCommonType,
    /// The server offers `-PLUS` without announcing its types (XEP-0440), and the policy is
    /// [`ChannelBindingPolicy::Preferred`], which does not guess: servers disagree on the
    /// unannounced default (ejabberd 23.01 expects `tls-unique` even on TLS 1.3).
    NotAnnounced,
}

/// Why no mechanism can be selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SelectError {
    /// No offered mechanism is in the preference list and usable with the credentials.
    NoCommonMechanism,
    /// The only candidate is PLAIN, and the stream is not TLS-protected (RFC 6120 §13.8).
    PlainRequiresTls,
    /// Channel binding is required (by the policy, or because the server offers only
    /// `-PLUS` mechanisms) but not possible.
    ChannelBindingUnavailable(BindingProblem),
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::NoCommonMechanism => f.write_str("no common SASL mechanism"),
            SelectError::PlainRequiresTls => f.write_str("PLAIN is not allowed without TLS"),
            SelectError::ChannelBindingUnavailable(p) => {
                write!(f, "channel binding required but unavailable: {p:?}")
            }
        }
    }
}

impl std::error::Error for SelectError {}

/// Picks a mechanism from the server's `offered` list, in the client's `preference` order,
/// and the channel-binding flag to use with it.
///
/// # What [`ChannelBindingPolicy::Preferred`] (the default) does
///
/// 1. It binds whenever it can: a `-PLUS` mechanism from the preference list that the server
///    offers beats every mechanism without channel binding, with the strongest binding type
///    both sides support (`tls-exporter`, then `tls-server-end-point`; XEP-0440 rule 7).
///    "Both sides" means the types the server announces (XEP-0440).
/// 2. When the server offers `-PLUS` but announces no type we can produce — e.g. only
///    `tls-unique` (Prosody 0.12 on TLS 1.2, which rustls cannot produce), or nothing at
///    all (ejabberd 23.01, which then expects `tls-unique` even on TLS 1.3, against RFC
///    9266 §3) — it falls back to SCRAM without binding and flag `n`, and the login works.
///    This is what XEP-0440 §Security Considerations calls "fine" absent an attacker; it
///    departs from rule 6 (abort when `tls-server-end-point` is not announced) to keep such
///    servers usable. Use [`ChannelBindingPolicy::Required`] to abort instead.
/// 3. When the server offers no `-PLUS` mechanism at all and the client could bind, it
///    sends `y`, so that a server which did offer `-PLUS` detects the stripped list and
///    fails the exchange (RFC 5802 §6). This covers XEP-0440 rule 5 (types announced but no
///    `-PLUS` mechanism) through the server's check rather than by aborting.
/// 4. Otherwise (no TLS, or no binding data available) it uses `n`.
///
/// [`ChannelBindingPolicy::Required`] accepts only a `-PLUS` mechanism (or EXTERNAL over
/// TLS, where the TLS layer itself authenticates) and fails with
/// [`SelectError::ChannelBindingUnavailable`] otherwise. When the server announces no
/// types it assumes the RFC default (`tls-exporter` on TLS 1.3, RFC 9266 §3; `tls-unique`
/// on TLS 1.2, RFC 5802 §6.1) and, when that cannot be produced, tries
/// `tls-server-end-point`, as XEP-0440 rule 4 allows: the server then either accepts it or
/// fails the exchange, never downgrades it. [`ChannelBindingPolicy::Disabled`] never binds and always sends `n`.
///
/// PLAIN is chosen without TLS only if [`SelectionContext::allow_plain_without_tls`] is set
/// (RFC 6120 §13.8: PLAIN sends the password in the clear).
pub fn select(
    offered: &[Mechanism],
    preference: &[Mechanism],
    ctx: &SelectionContext<'_>,
) -> Result<Selection, SelectError> {
    let usable = |m: Mechanism| offered.contains(&m) && (ctx.has_password || !m.needs_password());
    let binding = binding_type(ctx);
    let plus = preference
        .iter()
        .copied()
        .find(|&m| m.is_plus() && usable(m));

    if let (Ok(kind), Some(mechanism)) = (binding, plus) {
        return Ok(Selection {
            mechanism,
            gs2: Gs2FlagKind::Use(kind),
        });
    }
    if ctx.policy == ChannelBindingPolicy::Required {
        let external = Mechanism::External;
        if ctx.tls.is_some() && preference.contains(&external) && usable(external) {
            return Ok(Selection {
                mechanism: external,
                gs2: Gs2FlagKind::Unsupported,
            });
        }
        // Local problems first, then the server's.
        let problem = match binding {
            Err(p @ (BindingProblem::Disabled | BindingProblem::NoTls)) => p,
            Err(p @ BindingProblem::NoLocalBinding) => p,
            _ if plus.is_none() => BindingProblem::NoPlusMechanism,
            Err(p) => p,
            Ok(_) => BindingProblem::NoPlusMechanism,
        };
        return Err(SelectError::ChannelBindingUnavailable(problem));
    }

    // Without channel binding: `n`, or `y` if the client could bind but the server offers
    // no -PLUS mechanism (RFC 5802 §6).
    let server_offers_plus = offered.iter().any(|m| m.is_plus());
    let could_bind = ctx.policy != ChannelBindingPolicy::Disabled
        && ctx.tls.is_some()
        && !ctx.local_bindings.is_empty();
    let mut plain_blocked = false;
    for &mechanism in preference {
        if mechanism.is_plus() || !usable(mechanism) {
            continue;
        }
        if mechanism == Mechanism::Plain && ctx.tls.is_none() && !ctx.allow_plain_without_tls {
            plain_blocked = true;
            continue;
        }
        let gs2 = if mechanism.scram_hash().is_some() && could_bind && !server_offers_plus {
            Gs2FlagKind::ServerLacksSupport
        } else {
            Gs2FlagKind::Unsupported
        };
        return Ok(Selection { mechanism, gs2 });
    }
    Err(match (plus, binding) {
        (Some(_), Err(problem)) => SelectError::ChannelBindingUnavailable(problem),
        _ if plain_blocked => SelectError::PlainRequiresTls,
        _ => SelectError::NoCommonMechanism,
    })
}

/// The channel-binding type to use, if the client can bind with the server.
fn binding_type(ctx: &SelectionContext<'_>) -> Result<ChannelBindingType, BindingProblem> {
    if ctx.policy == ChannelBindingPolicy::Disabled {
        return Err(BindingProblem::Disabled);
    }
    let tls = ctx.tls.ok_or(BindingProblem::NoTls)?;
    if ctx.local_bindings.is_empty() {
        return Err(BindingProblem::NoLocalBinding);
    }
    let local = |t: &ChannelBindingType| ctx.local_bindings.contains(t);
    match ctx.server_bindings {
        // XEP-0440 rules 1 and 7: the strongest type both support.
        Some(announced) => ChannelBindingType::PREFERENCE
            .iter()
            .find(|t| local(t) && announced.contains(t))
            .copied()
            .ok_or(BindingProblem::NoCommonType),
        None if ctx.policy == ChannelBindingPolicy::Preferred => Err(BindingProblem::NotAnnounced),
        None => {
            let default = match tls {
                TlsVersion::Tls13 => ChannelBindingType::TlsExporter,
                TlsVersion::Tls12 => ChannelBindingType::TlsUnique,
            };
            if local(&default) {
                Ok(default)
            } else if ctx.policy == ChannelBindingPolicy::Required
                && local(&ChannelBindingType::TlsServerEndPoint)
            {
                // XEP-0440 rule 4: with nothing announced, the client "MAY try
                // authentication using tls-server-end-point".
                Ok(ChannelBindingType::TlsServerEndPoint)
            } else {
                Err(BindingProblem::NoCommonType)
            }
        }
    }
}
