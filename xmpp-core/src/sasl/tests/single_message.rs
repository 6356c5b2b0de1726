//! PLAIN (RFC 4616), EXTERNAL (RFC 4422 Appendix A) and ANONYMOUS (RFC 4505), client and
//! server.

use crate::sasl::base64::encode;
use crate::sasl::{
    Credentials, Gs2Flag, Mechanism, PasswordError, PlainCredentials, SaslClient, SaslClientError,
    SaslServerError, ScramHash, ScramKeys, parse_anonymous, parse_external,
};

fn plain(
    username: &str,
    password: &str,
    authzid: Option<&str>,
) -> Result<SaslClient, SaslClientError> {
    let creds = Credentials {
        username: username.into(),
        password: password.into(),
        authzid: authzid.map(Into::into),
    };
    SaslClient::new(Mechanism::Plain, &creds, Gs2Flag::Unsupported, "unused")
}

#[test]
fn plain_client() {
    // RFC 6120 §6.4.2: <auth mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>
    let mut c = plain("juliet", "r0m30myr0m30", None).unwrap();
    assert_eq!(encode(c.initial_response()), "AGp1bGlldAByMG0zMG15cjBtMzA=");
    assert_eq!(c.challenge(b"x"), Err(SaslClientError::UnexpectedChallenge));
    let mut c = plain("tim", "tanstaaftanstaaf", Some("Ursel")).unwrap();
    // RFC 4616 §4, second example.
    assert_eq!(c.initial_response(), b"Ursel\0tim\0tanstaaftanstaaf");
    assert_eq!(c.success(None), Ok(()));
    assert_eq!(c.success(None), Err(SaslClientError::OutOfOrder));
    let mut c = plain("tim", "x", None).unwrap();
    assert_eq!(
        c.success(Some(b"data")),
        Err(SaslClientError::UnexpectedSuccessData)
    );
    let mut c = plain("tim", "x", None).unwrap();
    assert_eq!(c.success(Some(b"")), Ok(()));

    assert_eq!(
        plain("", "x", None).unwrap_err(),
        SaslClientError::InvalidIdentity
    );
    assert_eq!(
        plain("a\0b", "x", None).unwrap_err(),
        SaslClientError::InvalidIdentity
    );
    assert_eq!(
        plain("a", "x", Some("a\0")).unwrap_err(),
        SaslClientError::InvalidIdentity
    );
    assert_eq!(
        plain("a", "", None).unwrap_err(),
        SaslClientError::InvalidPassword(PasswordError::Empty)
    );
    assert_eq!(
        plain("a", "x\0y", None).unwrap_err(),
        SaslClientError::InvalidPassword(PasswordError::ForbiddenChar('\0'))
    );
}

#[test]
fn plain_server() {
    assert_eq!(
        PlainCredentials::parse(b"\0juliet\0r0m30myr0m30"),
        Ok(PlainCredentials {
            authzid: None,
            authcid: "juliet".into(),
            password: "r0m30myr0m30".into()
        })
    );
    assert_eq!(
        PlainCredentials::parse(b"Ursel\0Kurt\0xipj3plmq").map(|p| p.authzid),
        Ok(Some("Ursel".into()))
    );
    for bad in [
        &b""[..],
        b"juliet",
        b"\0juliet",
        b"\0juliet\0",
        b"\0\0password",
        b"a\0b\0c\0d",
        b"\0jul\xffiet\0pw",
    ] {
        let err = PlainCredentials::parse(bad).unwrap_err();
        assert_eq!(err, SaslServerError::MalformedPlain, "{bad:?}");
        assert_eq!(
            err.condition(),
            crate::sasl::SaslCondition::MalformedRequest
        );
    }
    // A server storing only SCRAM keys checks the PLAIN password against them.
    let keys = ScramKeys::derive(ScramHash::Sha256, "r0m30myr0m30", b"salt", 16).unwrap();
    let creds = PlainCredentials::parse(b"\0juliet\0r0m30myr0m30").unwrap();
    assert!(keys.verify_password(&creds.password));
    assert!(!format!("{creds:?}").contains("r0m30"));
}

#[test]
fn external() {
    let c = SaslClient::external(None).unwrap();
    assert_eq!(c.mechanism(), Mechanism::External);
    assert_eq!(c.initial_response(), b"");
    // RFC 6120 §6.4.2: a zero-length initial response is sent as '='.
    assert_eq!(encode(c.initial_response()), "=");
    let mut c = SaslClient::external(Some("juliet@example.com")).unwrap();
    assert_eq!(c.initial_response(), b"juliet@example.com");
    assert_eq!(c.success(None), Ok(()));
    assert!(SaslClient::external(Some("a\0b")).is_err());

    assert_eq!(parse_external(b""), Ok(None));
    assert_eq!(
        parse_external(b"juliet@example.com"),
        Ok(Some("juliet@example.com".into()))
    );
    assert_eq!(
        parse_external(b"a\0b"),
        Err(SaslServerError::MalformedIdentity)
    );
    assert_eq!(
        parse_external(b"\xff"),
        Err(SaslServerError::MalformedIdentity)
    );
}

#[test]
fn anonymous() {
    let c = SaslClient::anonymous(None).unwrap();
    assert_eq!(
        (c.mechanism(), c.initial_response()),
        (Mechanism::Anonymous, &b""[..])
    );
    // RFC 4505 §4: the trace "sirhc".
    let c = SaslClient::anonymous(Some("sirhc")).unwrap();
    assert_eq!(c.initial_response(), b"sirhc");
    let long = "x".repeat(256);
    assert_eq!(
        SaslClient::anonymous(Some(&long)).unwrap_err(),
        SaslClientError::InvalidIdentity
    );
    assert!(SaslClient::anonymous(Some(&long[..255])).is_ok());

    assert_eq!(parse_anonymous(b""), Ok(None));
    assert_eq!(parse_anonymous(b"sirhc"), Ok(Some("sirhc".into())));
    assert_eq!(
        parse_anonymous(long.as_bytes()),
        Err(SaslServerError::MalformedIdentity)
    );
    assert_eq!(
        parse_anonymous(b"\0"),
        Err(SaslServerError::MalformedIdentity)
    );
}
