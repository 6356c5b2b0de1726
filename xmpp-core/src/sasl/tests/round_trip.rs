//! A `SaslClient` against a `ScramServer`, for every SCRAM mechanism, with and without
//! channel binding (RFC 5802 §3, §6).

use crate::sasl::{
    ChannelBinding, ChannelBindingType as Cb, Credentials, DecoyKeys, Gs2Flag, Mechanism,
    SaslClient, SaslClientError, SaslCondition, SaslServerError, ScramFormatError, ScramIdentity,
    ScramKeys, ScramServer, ServerChannelBindings,
};

const ITERATIONS: u32 = 64;

fn credentials(username: &str, password: &str, authzid: Option<&str>) -> Credentials {
    Credentials {
        username: username.into(),
        password: password.into(),
        authzid: authzid.map(Into::into),
    }
}

fn decoy() -> DecoyKeys {
    DecoyKeys {
        secret: b"decoy secret".to_vec(),
        iterations: ITERATIONS,
    }
}

fn bindings(plus_offered: bool, available: &[(Cb, &[u8])]) -> ServerChannelBindings {
    ServerChannelBindings {
        plus_offered,
        available: available
            .iter()
            .map(|(kind, data)| ChannelBinding::new(*kind, data.to_vec()))
            .collect(),
    }
}

/// Runs a whole exchange; the stored keys are for `stored_password` (`None`: unknown user).
fn run(
    mechanism: Mechanism,
    creds: &Credentials,
    gs2: Gs2Flag,
    server_bindings: ServerChannelBindings,
    stored_password: Option<&str>,
) -> Result<ScramIdentity, SaslServerError> {
    let hash = mechanism.scram_hash().unwrap();
    let mut client = SaslClient::new(mechanism, creds, gs2, "client+nonce").unwrap();
    let mut server = ScramServer::new(mechanism, server_bindings).unwrap();
    let identity = server.client_first(client.initial_response())?;
    let keys =
        stored_password.map(|p| ScramKeys::derive(hash, p, b"NaCl salt", ITERATIONS).unwrap());
    let server_first = server.server_first(keys.as_ref(), "server-nonce", &decoy())?;
    let client_final = client.challenge(&server_first).unwrap();
    let server_final = server.client_final(&client_final)?;
    assert_eq!(client.success(Some(&server_final)), Ok(()));
    Ok(identity)
}

const SCRAM: [Mechanism; 3] = [
    Mechanism::ScramSha1,
    Mechanism::ScramSha256,
    Mechanism::ScramSha512,
];
const SCRAM_PLUS: [Mechanism; 3] = [
    Mechanism::ScramSha1Plus,
    Mechanism::ScramSha256Plus,
    Mechanism::ScramSha512Plus,
];

#[test]
fn without_channel_binding() {
    let creds = credentials("juliet", "r0m30myr0m30", None);
    for m in SCRAM {
        let id = run(
            m,
            &creds,
            Gs2Flag::Unsupported,
            bindings(false, &[]),
            Some("r0m30myr0m30"),
        );
        assert_eq!(
            id,
            Ok(ScramIdentity {
                username: "juliet".into(),
                authzid: None
            }),
            "{m}"
        );
        // `y` is fine when the server did not offer -PLUS.
        let id = run(
            m,
            &creds,
            Gs2Flag::ServerLacksSupport,
            bindings(false, &[]),
            Some("r0m30myr0m30"),
        );
        assert!(id.is_ok(), "{m}");
        // `n` is fine even when it did (the client may not support binding).
        let id = run(
            m,
            &creds,
            Gs2Flag::Unsupported,
            bindings(true, &[(Cb::TlsExporter, b"x")]),
            Some("r0m30myr0m30"),
        );
        assert!(id.is_ok(), "{m}");
    }
}

#[test]
fn with_channel_binding() {
    let creds = credentials("juliet", "r0m30myr0m30", None);
    let ekm = [7u8; 32];
    let cert_hash = [9u8; 32];
    let server = || {
        bindings(
            true,
            &[(Cb::TlsExporter, &ekm), (Cb::TlsServerEndPoint, &cert_hash)],
        )
    };
    for m in SCRAM_PLUS {
        for (kind, data) in [(Cb::TlsExporter, &ekm), (Cb::TlsServerEndPoint, &cert_hash)] {
            let gs2 = Gs2Flag::Used(ChannelBinding::new(kind, data.to_vec()));
            assert!(
                run(m, &creds, gs2, server(), Some("r0m30myr0m30")).is_ok(),
                "{m} {kind}"
            );
        }
        // Different data (a MITM terminating TLS) fails (RFC 5802 §6).
        let gs2 = Gs2Flag::Used(ChannelBinding::new(Cb::TlsExporter, vec![8u8; 32]));
        assert_eq!(
            run(m, &creds, gs2, server(), Some("r0m30myr0m30")),
            Err(SaslServerError::ChannelBindingMismatch),
            "{m}"
        );
        // A type the server cannot provide fails (RFC 5802 §6.1).
        let gs2 = Gs2Flag::Used(ChannelBinding::new(Cb::TlsUnique, vec![1]));
        let err = run(m, &creds, gs2, server(), Some("r0m30myr0m30")).unwrap_err();
        assert_eq!(
            err,
            SaslServerError::UnsupportedChannelBinding("tls-unique".into())
        );
        assert_eq!(err.condition(), SaslCondition::NotAuthorized);
    }
}

/// RFC 5802 §6: "If the flag is set to "y" and the server supports channel binding, the
/// server MUST fail authentication."
#[test]
fn y_when_plus_was_offered_is_a_downgrade() {
    let creds = credentials("juliet", "r0m30myr0m30", None);
    for m in SCRAM {
        let err = run(
            m,
            &creds,
            Gs2Flag::ServerLacksSupport,
            bindings(true, &[(Cb::TlsExporter, b"x")]),
            Some("r0m30myr0m30"),
        )
        .unwrap_err();
        assert_eq!(err, SaslServerError::DowngradeDetected);
        assert_eq!(err.condition(), SaslCondition::NotAuthorized);
    }
}

#[test]
fn wrong_password_and_unknown_user_look_alike() {
    let creds = credentials("juliet", "wrong", None);
    for m in SCRAM {
        let err = run(
            m,
            &creds,
            Gs2Flag::Unsupported,
            bindings(false, &[]),
            Some("r0m30myr0m30"),
        )
        .unwrap_err();
        assert_eq!(err, SaslServerError::InvalidProof);
        assert_eq!(err.condition(), SaslCondition::NotAuthorized);
        let err = run(m, &creds, Gs2Flag::Unsupported, bindings(false, &[]), None).unwrap_err();
        assert_eq!(err, SaslServerError::InvalidProof);
    }
    // Even with the "right" password for the decoy's keys there is no way in.
    let creds = credentials("nobody", "", None);
    assert!(SaslClient::new(Mechanism::ScramSha1, &creds, Gs2Flag::Unsupported, "n").is_err());
}

/// The decoy server-first is deterministic per user, and shaped like a real one.
#[test]
fn decoy_server_first() {
    let first = |user: &str| {
        let mut s = ScramServer::new(Mechanism::ScramSha256, bindings(false, &[])).unwrap();
        s.client_first(format!("n,,n={user},r=abc").as_bytes())
            .unwrap();
        String::from_utf8(s.server_first(None, "xyz", &decoy()).unwrap()).unwrap()
    };
    assert_eq!(first("romeo"), first("romeo"));
    assert_ne!(first("romeo"), first("juliet"));
    let f = first("romeo");
    assert!(f.starts_with("r=abcxyz,s="), "{f}");
    assert!(f.ends_with(&format!(",i={ITERATIONS}")), "{f}");
}

#[test]
fn usernames_and_authzid_are_quoted() {
    // RFC 5802 §5.1: ',' and '=' travel as '=2C' and '=3D'.
    let creds = credentials("a,b=c", "secret", Some("admin@example.com"));
    let client = SaslClient::new(
        Mechanism::ScramSha256,
        &creds,
        Gs2Flag::Unsupported,
        "nonce",
    )
    .unwrap();
    assert_eq!(
        client.initial_response(),
        b"n,a=admin@example.com,n=a=2Cb=3Dc,r=nonce"
    );
    let id = run(
        Mechanism::ScramSha256,
        &creds,
        Gs2Flag::Unsupported,
        bindings(false, &[]),
        Some("secret"),
    );
    assert_eq!(
        id,
        Ok(ScramIdentity {
            username: "a,b=c".into(),
            authzid: Some("admin@example.com".into())
        })
    );
}

#[test]
fn client_construction_errors() {
    let creds = credentials("user", "pencil", None);
    let cb = || Gs2Flag::Used(ChannelBinding::new(Cb::TlsExporter, vec![1]));
    assert_eq!(
        SaslClient::new(Mechanism::ScramSha1Plus, &creds, Gs2Flag::Unsupported, "n").unwrap_err(),
        SaslClientError::ChannelBindingMismatch
    );
    assert_eq!(
        SaslClient::new(Mechanism::ScramSha1, &creds, cb(), "n").unwrap_err(),
        SaslClientError::ChannelBindingMismatch
    );
    for nonce in ["", "a,b", "a b", "caf\u{E9}"] {
        assert_eq!(
            SaslClient::new(Mechanism::ScramSha1, &creds, Gs2Flag::Unsupported, nonce).unwrap_err(),
            SaslClientError::InvalidClientNonce
        );
    }
    assert_eq!(
        SaslClient::new(Mechanism::External, &creds, Gs2Flag::Unsupported, "n").unwrap_err(),
        SaslClientError::NotAPasswordMechanism(Mechanism::External)
    );
    assert_eq!(
        SaslClient::new(
            Mechanism::ScramSha1,
            &credentials("", "p", None),
            Gs2Flag::Unsupported,
            "n"
        )
        .unwrap_err(),
        SaslClientError::InvalidIdentity
    );
    assert!(matches!(
        SaslClient::new(
            Mechanism::ScramSha1,
            &credentials("u", "a\u{0}b", None),
            Gs2Flag::Unsupported,
            "n"
        ),
        Err(SaslClientError::InvalidPassword(_))
    ));
    // The PLUS client sends the binding type and, in c=, the binding data.
    let mut c = SaslClient::new(Mechanism::ScramSha1Plus, &creds, cb(), "abc").unwrap();
    assert_eq!(c.initial_response(), b"p=tls-exporter,,n=user,r=abc");
    let client_final = c.challenge(b"r=abcdef,s=QSXCR+Q6sek8bf92,i=1").unwrap();
    // base64("p=tls-exporter,," || 0x01)
    assert!(client_final.starts_with(b"c=cD10bHMtZXhwb3J0ZXIsLAE=,r=abcdef,p="));
}

/// Client messages the server must refuse, with the condition each gets.
#[test]
fn server_rejects_malformed_client_messages() {
    let first = |m: Mechanism, msg: &str| {
        let mut s = ScramServer::new(m, bindings(true, &[(Cb::TlsExporter, b"ekm")])).unwrap();
        s.client_first(msg.as_bytes())
    };
    let malformed = SaslCondition::MalformedRequest;
    for (mechanism, msg, error) in [
        (
            Mechanism::ScramSha1,
            "n,,n=us=er,r=abc",
            SaslServerError::Malformed(ScramFormatError::InvalidSaslname),
        ),
        (
            Mechanism::ScramSha1,
            "n,,n=,r=abc",
            SaslServerError::Malformed(ScramFormatError::InvalidAttribute),
        ),
        (
            Mechanism::ScramSha1,
            "n,,r=abc,n=user",
            SaslServerError::Malformed(ScramFormatError::ExpectedAttribute('n')),
        ),
        (
            Mechanism::ScramSha1,
            "n,,m=x,n=user,r=abc",
            SaslServerError::Malformed(ScramFormatError::MandatoryExtension),
        ),
        (
            Mechanism::ScramSha1,
            "n,,n=user,r=a b",
            SaslServerError::Malformed(ScramFormatError::InvalidNonce),
        ),
        (
            Mechanism::ScramSha1,
            "n,,n=user",
            SaslServerError::Malformed(ScramFormatError::ExpectedAttribute('r')),
        ),
        (
            Mechanism::ScramSha1,
            "x,,n=user,r=abc",
            SaslServerError::Malformed(ScramFormatError::InvalidGs2Header),
        ),
        (
            Mechanism::ScramSha1,
            "n,a=x=y,n=user,r=abc",
            SaslServerError::Malformed(ScramFormatError::InvalidSaslname),
        ),
        (
            Mechanism::ScramSha1,
            "n,,n=user,r=abc\0",
            SaslServerError::Malformed(ScramFormatError::ContainsNul),
        ),
        (
            Mechanism::ScramSha1,
            "p=tls-exporter,,n=user,r=abc",
            SaslServerError::FlagMechanismMismatch,
        ),
        (
            Mechanism::ScramSha1Plus,
            "n,,n=user,r=abc",
            SaslServerError::FlagMechanismMismatch,
        ),
        (
            Mechanism::ScramSha1Plus,
            "y,,n=user,r=abc",
            SaslServerError::FlagMechanismMismatch,
        ),
    ] {
        let err = first(mechanism, msg).unwrap_err();
        assert_eq!(err, error, "{msg}");
        assert_eq!(err.condition(), malformed, "{msg}");
    }
    assert_eq!(
        first(Mechanism::ScramSha1Plus, "p=tls-foo,,n=user,r=abc"),
        Err(SaslServerError::UnsupportedChannelBinding("tls-foo".into()))
    );
    let mut s = ScramServer::new(Mechanism::ScramSha1, bindings(false, &[])).unwrap();
    assert_eq!(
        s.client_first(b"\xff"),
        Err(SaslServerError::Malformed(ScramFormatError::NotUtf8))
    );
}

#[test]
fn server_rejects_malformed_client_final() {
    let keys = ScramKeys::derive(crate::sasl::ScramHash::Sha1, "pencil", b"salt", 1).unwrap();
    let server = || {
        let mut s = ScramServer::new(Mechanism::ScramSha1, bindings(false, &[])).unwrap();
        s.client_first(b"n,,n=user,r=abc").unwrap();
        s.server_first(Some(&keys), "def", &decoy()).unwrap();
        s
    };
    let proof = "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
    for (msg, error, condition) in [
        (
            format!("c=biws,r=abcdef,{}", "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts"),
            SaslServerError::Malformed(ScramFormatError::InvalidBase64(
                'p',
                crate::sasl::base64::Base64Error::InvalidPadding,
            )),
            SaslCondition::IncorrectEncoding,
        ),
        (
            format!("c=bi ws,r=abcdef,{proof}"),
            SaslServerError::Malformed(ScramFormatError::InvalidBase64(
                'c',
                crate::sasl::base64::Base64Error::InvalidCharacter {
                    offset: 2,
                    byte: b' ',
                },
            )),
            SaslCondition::IncorrectEncoding,
        ),
        (
            format!("c=eSws,r=abcdef,{proof}"),
            SaslServerError::ChannelBindingMismatch,
            SaslCondition::NotAuthorized,
        ),
        (
            format!("c=biws,r=abcdeg,{proof}"),
            SaslServerError::NonceMismatch,
            SaslCondition::NotAuthorized,
        ),
        (
            format!("c=biws,r=abcdef,{proof}"),
            SaslServerError::InvalidProof,
            SaslCondition::NotAuthorized,
        ),
        (
            "c=biws,r=abcdef,p=AAAA".to_owned(),
            SaslServerError::InvalidProof,
            SaslCondition::NotAuthorized,
        ),
        (
            format!("r=abcdef,c=biws,{proof}"),
            SaslServerError::Malformed(ScramFormatError::ExpectedAttribute('c')),
            SaslCondition::MalformedRequest,
        ),
        (
            "c=biws,r=abcdef".to_owned(),
            SaslServerError::Malformed(ScramFormatError::ExpectedAttribute('p')),
            SaslCondition::MalformedRequest,
        ),
        (
            "garbage".to_owned(),
            SaslServerError::Malformed(ScramFormatError::ExpectedAttribute('p')),
            SaslCondition::MalformedRequest,
        ),
        (
            format!("c=biws,r=abcdef,m=x,{proof}"),
            SaslServerError::Malformed(ScramFormatError::MandatoryExtension),
            SaslCondition::MalformedRequest,
        ),
    ] {
        let err = server().client_final(msg.as_bytes()).unwrap_err();
        assert_eq!(err, error, "{msg}");
        assert_eq!(err.condition(), condition, "{msg}");
    }
}

#[test]
fn server_steps_out_of_order() {
    let keys = ScramKeys::derive(crate::sasl::ScramHash::Sha1, "pencil", b"salt", 1).unwrap();
    let mut s = ScramServer::new(Mechanism::ScramSha1, bindings(false, &[])).unwrap();
    assert_eq!(s.client_final(b"c=biws"), Err(SaslServerError::OutOfOrder));
    let mut s = ScramServer::new(Mechanism::ScramSha1, bindings(false, &[])).unwrap();
    assert_eq!(
        s.server_first(Some(&keys), "x", &decoy()),
        Err(SaslServerError::OutOfOrder)
    );
    let mut s = ScramServer::new(Mechanism::ScramSha1, bindings(false, &[])).unwrap();
    s.client_first(b"n,,n=user,r=abc").unwrap();
    assert_eq!(
        s.server_first(Some(&keys), "a,b", &decoy()),
        Err(SaslServerError::InvalidServerNonce)
    );
    let mut s = ScramServer::new(Mechanism::ScramSha256, bindings(false, &[])).unwrap();
    s.client_first(b"n,,n=user,r=abc").unwrap();
    let err = s.server_first(Some(&keys), "x", &decoy()).unwrap_err();
    assert_eq!(err, SaslServerError::UnusableKeys);
    assert_eq!(err.condition(), SaslCondition::TemporaryAuthFailure);
    assert!(ScramServer::new(Mechanism::Plain, bindings(false, &[])).is_none());
}
