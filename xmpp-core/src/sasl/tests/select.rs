//! Mechanism selection and the GS2 flag (RFC 5802 §6, RFC 9266 §3, XEP-0440).

use crate::sasl::ChannelBindingType::{TlsExporter, TlsServerEndPoint, TlsUnique};
use crate::sasl::Mechanism::*;
use crate::sasl::{
    BindingProblem, ChannelBindingPolicy, ChannelBindingType, Gs2Flag, Gs2FlagKind, Mechanism,
    SelectError, Selection, SelectionContext, select,
};

/// RFC 6120 §9.1.2 step 8.
const RFC6120_OFFER: &[Mechanism] = &[ScramSha1Plus, ScramSha1, Plain];
/// A modern server.
const FULL_OFFER: &[Mechanism] = &[
    ScramSha512Plus,
    ScramSha256Plus,
    ScramSha1Plus,
    ScramSha512,
    ScramSha256,
    ScramSha1,
    Plain,
];
const NO_PLUS_OFFER: &[Mechanism] = &[ScramSha256, ScramSha1, Plain];
const BOTH: &[ChannelBindingType] = &[TlsExporter, TlsServerEndPoint];
const TSE: &[ChannelBindingType] = &[TlsServerEndPoint];

fn ctx<'a>(
    tls: Option<TlsVersion>,
    local: &'a [ChannelBindingType],
    announced: Option<&'a [ChannelBindingType]>,
    policy: ChannelBindingPolicy,
) -> SelectionContext<'a> {
    SelectionContext {
        tls,
        local_bindings: local,
        server_bindings: announced,
        policy,
        allow_plain_without_tls: false,
        has_password: true,
    }
}

fn pick(
    offered: &[Mechanism],
    c: &SelectionContext<'_>,
) -> Result<(Mechanism, Gs2FlagKind), SelectError> {
    select(offered, Mechanism::DEFAULT_PREFERENCE, c).map(|s| (s.mechanism, s.gs2))
}

use crate::tls::TlsVersion;
use ChannelBindingPolicy::{Disabled, Preferred, Required};
use Gs2FlagKind::{ServerLacksSupport as Y, Unsupported as N, Use};
use TlsVersion::{Tls12, Tls13};

#[test]
fn default_policy_is_preferred() {
    assert_eq!(ChannelBindingPolicy::default(), Preferred);
}

/// XEP-0440 rules 1 and 7: the strongest announced type we can produce.
#[test]
fn binds_with_the_best_common_announced_type() {
    let c = ctx(
        Some(Tls13),
        BOTH,
        Some(&[TlsServerEndPoint, TlsExporter]),
        Preferred,
    );
    assert_eq!(
        pick(FULL_OFFER, &c),
        Ok((ScramSha512Plus, Use(TlsExporter)))
    );
    assert_eq!(
        pick(RFC6120_OFFER, &c),
        Ok((ScramSha1Plus, Use(TlsExporter)))
    );
    let c = ctx(Some(Tls13), BOTH, Some(TSE), Preferred);
    assert_eq!(
        pick(FULL_OFFER, &c),
        Ok((ScramSha512Plus, Use(TlsServerEndPoint)))
    );
    // TLS 1.2 without extended master secret: only tls-server-end-point can be produced.
    let c = ctx(
        Some(Tls12),
        TSE,
        Some(&[TlsExporter, TlsServerEndPoint]),
        Preferred,
    );
    assert_eq!(
        pick(FULL_OFFER, &c),
        Ok((ScramSha512Plus, Use(TlsServerEndPoint)))
    );
    // Under Required the same choice.
    let c = ctx(Some(Tls13), BOTH, Some(BOTH), Required);
    assert_eq!(
        pick(FULL_OFFER, &c),
        Ok((ScramSha512Plus, Use(TlsExporter)))
    );
}

/// A usable -PLUS mechanism beats an earlier non-PLUS one in the preference list.
#[test]
fn binding_beats_preference_order() {
    let c = ctx(Some(Tls13), BOTH, Some(BOTH), Preferred);
    let s = select(FULL_OFFER, &[ScramSha256, ScramSha1Plus], &c);
    assert_eq!(
        s,
        Ok(Selection {
            mechanism: ScramSha1Plus,
            gs2: Use(TlsExporter)
        })
    );
    // ...but a -PLUS mechanism not in the preference list is never used, and `n` is sent
    // because the server did offer -PLUS.
    let s = select(FULL_OFFER, &[ScramSha256], &c);
    assert_eq!(
        s,
        Ok(Selection {
            mechanism: ScramSha256,
            gs2: N
        })
    );
}

/// The Prosody 0.12 case: TLS 1.2, only `tls-unique` announced, which rustls cannot
/// produce. Preferred logs in without binding (`n`); Required aborts.
#[test]
fn tls_unique_only_server() {
    let prosody = &[ScramSha1Plus, ScramSha1, Plain][..];
    let c = ctx(Some(Tls12), TSE, Some(&[TlsUnique]), Preferred);
    assert_eq!(pick(prosody, &c), Ok((ScramSha1, N)));
    let c = ctx(Some(Tls12), TSE, Some(&[TlsUnique]), Required);
    assert_eq!(
        pick(prosody, &c),
        Err(SelectError::ChannelBindingUnavailable(
            BindingProblem::NoCommonType
        ))
    );
    // Announcing only unknown types is the same (`Some(&[])` from the parser).
    let c = ctx(Some(Tls13), BOTH, Some(&[]), Preferred);
    assert_eq!(pick(prosody, &c), Ok((ScramSha1, N)));
}

/// No XEP-0440 announcement: assume the server's default type, `tls-exporter` on TLS 1.3
/// (RFC 9266 §3) and `tls-unique` on TLS 1.2 (RFC 5802 §6.1).
#[test]
fn unannounced_types() {
    // Preferred does not guess an unannounced type (ejabberd 23.01 expects tls-unique even
    // on TLS 1.3): SCRAM without binding, `n` (the server offers -PLUS, so not `y`).
    let c = ctx(Some(Tls13), BOTH, None, Preferred);
    assert_eq!(pick(RFC6120_OFFER, &c), Ok((ScramSha1, N)));
    // Required assumes the RFC default: tls-exporter on TLS 1.3 (RFC 9266 §3).
    let c = ctx(Some(Tls13), BOTH, None, Required);
    assert_eq!(
        pick(RFC6120_OFFER, &c),
        Ok((ScramSha1Plus, Use(TlsExporter)))
    );
    // TLS 1.2: the default tls-unique cannot be produced; Preferred does not gamble.
    let c = ctx(Some(Tls12), TSE, None, Preferred);
    assert_eq!(pick(RFC6120_OFFER, &c), Ok((ScramSha1, N)));
    // Required tries tls-server-end-point (XEP-0440 rule 4).
    let c = ctx(Some(Tls12), TSE, None, Required);
    assert_eq!(
        pick(RFC6120_OFFER, &c),
        Ok((ScramSha1Plus, Use(TlsServerEndPoint)))
    );
    let c = ctx(Some(Tls13), TSE, None, Required);
    assert_eq!(
        pick(RFC6120_OFFER, &c),
        Ok((ScramSha1Plus, Use(TlsServerEndPoint)))
    );
    // tls-unique is used if (and only if) the caller says it can produce it.
    let c = ctx(Some(Tls12), &[TlsUnique], None, Required);
    assert_eq!(pick(RFC6120_OFFER, &c), Ok((ScramSha1Plus, Use(TlsUnique))));
}

/// RFC 5802 §6 and XEP-0440 rule 3: a client able to bind that sees no -PLUS sends `y`.
#[test]
fn no_plus_offered_sends_y() {
    let c = ctx(Some(Tls13), BOTH, None, Preferred);
    assert_eq!(pick(NO_PLUS_OFFER, &c), Ok((ScramSha256, Y)));
    // XEP-0440 rule 5: types announced but no -PLUS mechanism; `y` lets the server catch a
    // stripped list.
    let c = ctx(Some(Tls13), BOTH, Some(BOTH), Preferred);
    assert_eq!(pick(NO_PLUS_OFFER, &c), Ok((ScramSha256, Y)));
    let c = ctx(Some(Tls13), BOTH, Some(BOTH), Required);
    assert_eq!(
        pick(NO_PLUS_OFFER, &c),
        Err(SelectError::ChannelBindingUnavailable(
            BindingProblem::NoPlusMechanism
        ))
    );
    // PLAIN carries no flag.
    assert_eq!(
        pick(&[Plain], &ctx(Some(Tls13), BOTH, None, Preferred)),
        Ok((Plain, N))
    );
}

/// `n` when the client cannot bind: no TLS, no binding data, or binding disabled.
#[test]
fn cannot_bind_sends_n() {
    let c = ctx(Some(Tls12), &[], None, Preferred);
    assert_eq!(pick(NO_PLUS_OFFER, &c), Ok((ScramSha256, N)));
    assert_eq!(pick(RFC6120_OFFER, &c), Ok((ScramSha1, N)));
    let c = ctx(None, &[], None, Preferred);
    assert_eq!(pick(NO_PLUS_OFFER, &c), Ok((ScramSha256, N)));
    let c = ctx(Some(Tls13), BOTH, Some(BOTH), Disabled);
    assert_eq!(pick(FULL_OFFER, &c), Ok((ScramSha512, N)));
    assert_eq!(pick(NO_PLUS_OFFER, &c), Ok((ScramSha256, N)));
    assert_eq!(
        pick(&[ScramSha1Plus], &c),
        Err(SelectError::ChannelBindingUnavailable(
            BindingProblem::Disabled
        ))
    );
    let c = ctx(None, &[], None, Required);
    assert_eq!(
        pick(FULL_OFFER, &c),
        Err(SelectError::ChannelBindingUnavailable(
            BindingProblem::NoTls
        ))
    );
    let c = ctx(Some(Tls12), &[], None, Required);
    assert_eq!(
        pick(FULL_OFFER, &c),
        Err(SelectError::ChannelBindingUnavailable(
            BindingProblem::NoLocalBinding
        ))
    );
}

/// A server offering only -PLUS with types we cannot produce leaves nothing to use.
#[test]
fn plus_only_server_without_common_type() {
    let c = ctx(Some(Tls12), TSE, Some(&[TlsUnique]), Preferred);
    assert_eq!(
        pick(&[ScramSha1Plus], &c),
        Err(SelectError::ChannelBindingUnavailable(
            BindingProblem::NoCommonType
        ))
    );
}

/// RFC 6120 §13.8: no PLAIN in the clear unless explicitly allowed.
#[test]
fn plain_needs_tls() {
    let mut c = ctx(None, &[], None, Preferred);
    assert_eq!(pick(&[Plain], &c), Err(SelectError::PlainRequiresTls));
    assert_eq!(pick(&[Plain, ScramSha1], &c), Ok((ScramSha1, N)));
    c.allow_plain_without_tls = true;
    assert_eq!(pick(&[Plain], &c), Ok((Plain, N)));
    assert_eq!(pick(&[Anonymous], &c), Err(SelectError::NoCommonMechanism));
}

#[test]
fn credentials_decide_between_password_and_other_mechanisms() {
    let offer = &[ScramSha256, Plain, External, Anonymous][..];
    let mut c = ctx(Some(Tls13), BOTH, None, Preferred);
    c.has_password = false;
    assert_eq!(pick(offer, &c), Err(SelectError::NoCommonMechanism));
    let s = select(offer, &[ScramSha256, External], &c);
    assert_eq!(
        s,
        Ok(Selection {
            mechanism: External,
            gs2: N
        })
    );
    let s = select(offer, &[Anonymous], &c);
    assert_eq!(
        s,
        Ok(Selection {
            mechanism: Anonymous,
            gs2: N
        })
    );
    // EXTERNAL over TLS satisfies Required: the TLS layer authenticates.
    c.policy = Required;
    c.has_password = true;
    let s = select(offer, &[ScramSha256Plus, External], &c);
    assert_eq!(
        s,
        Ok(Selection {
            mechanism: External,
            gs2: N
        })
    );
    assert_eq!(
        pick(&[], &c),
        Err(SelectError::ChannelBindingUnavailable(
            BindingProblem::NoPlusMechanism
        ))
    );
}

#[test]
fn flag_kind_becomes_a_flag() {
    assert_eq!(N.with_data(vec![1]), Gs2Flag::Unsupported);
    assert_eq!(Y.with_data(vec![]), Gs2Flag::ServerLacksSupport);
    let flag = Use(TlsExporter).with_data(vec![1, 2]);
    assert_eq!(flag.binding_type(), Some(TlsExporter));
    assert_eq!(Use(TlsExporter).binding_type(), Some(TlsExporter));
    assert_eq!(N.binding_type(), None);
}
