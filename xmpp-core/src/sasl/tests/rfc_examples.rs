//! The SCRAM examples of RFC 5802 §5, RFC 7677 §3 and RFC 6120 §9.1.2, replayed byte for
//! byte by the client and by the server.

use crate::sasl::base64::{decode, encode};
use crate::sasl::{
    Credentials, DecoyKeys, Gs2Flag, Mechanism, SaslClient, SaslClientError, ScramIdentity,
    ScramKeys, ScramServer, ServerChannelBindings,
};

/// One recorded exchange without channel binding.
struct Example {
    mechanism: Mechanism,
    username: &'static str,
    password: &'static str,
    client_nonce: &'static str,
    server_nonce: &'static str,
    salt: &'static str,
    client_first: &'static str,
    server_first: &'static str,
    client_final: &'static str,
    server_final: &'static str,
}

/// RFC 5802 §5: SCRAM-SHA-1, user "user", password "pencil".
const RFC5802: Example = Example {
    mechanism: Mechanism::ScramSha1,
    username: "user",
    password: "pencil",
    client_nonce: "fyko+d2lbbFgONRv9qkxdawL",
    server_nonce: "3rfcNHYJY1ZVvWVs7j",
    salt: "QSXCR+Q6sek8bf92",
    client_first: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    server_first: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    client_final: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,\
                   p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    server_final: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
};

/// RFC 7677 §3: SCRAM-SHA-256, user "user", password "pencil".
const RFC7677: Example = Example {
    mechanism: Mechanism::ScramSha256,
    username: "user",
    password: "pencil",
    client_nonce: "rOprNGfwEbeRWgbNEkqO",
    server_nonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
    client_first: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    server_first: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                   s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    client_final: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                   p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    server_final: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

/// RFC 6120 §9.1.2, steps 9 to 12: SCRAM-SHA-1, juliet with the password of the PLAIN
/// example of §6.4.2 ("r0m30myr0m30").
const RFC6120: Example = Example {
    mechanism: Mechanism::ScramSha1,
    username: "juliet",
    password: "r0m30myr0m30",
    client_nonce: "oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA",
    server_nonce: "e124695b-69a9-4de6-9c30-b51b3808c59e",
    salt: "NjhkYTM0MDgtNGY0Zi00NjdmLTkxMmUtNDlmNTNmNDNkMDMz",
    client_first: "n,,n=juliet,r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA",
    server_first: "r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AAe124695b-69a9-4de6-9c30-b51b3808c59e,\
                   s=NjhkYTM0MDgtNGY0Zi00NjdmLTkxMmUtNDlmNTNmNDNkMDMz,i=4096",
    client_final: "c=biws,r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AAe124695b-69a9-4de6-9c30-b51b3808c59e,\
                   p=UA57tM/SvpATBkH2FXs0WDXvJYw=",
    server_final: "v=pNNDFVEQxuXxCoSEiW8GEZ+1RSo=",
};

fn client(ex: &Example) -> SaslClient {
    let credentials = Credentials {
        username: ex.username.into(),
        password: ex.password.into(),
        authzid: None,
    };
    SaslClient::new(
        ex.mechanism,
        &credentials,
        Gs2Flag::Unsupported,
        ex.client_nonce,
    )
    .unwrap()
}

fn decoy() -> DecoyKeys {
    DecoyKeys {
        secret: b"server secret".to_vec(),
        iterations: 4096,
    }
}

fn replay_client(ex: &Example) {
    let mut c = client(ex);
    assert_eq!(c.mechanism(), ex.mechanism);
    assert_eq!(c.initial_response(), ex.client_first.as_bytes());
    let client_final = c.challenge(ex.server_first.as_bytes()).unwrap();
    assert_eq!(String::from_utf8(client_final).unwrap(), ex.client_final);
    assert_eq!(c.success(Some(ex.server_final.as_bytes())), Ok(()));
}

fn replay_server(ex: &Example) {
    let salt = decode(ex.salt).unwrap();
    let keys =
        ScramKeys::derive(ex.mechanism.scram_hash().unwrap(), ex.password, &salt, 4096).unwrap();
    let mut s = ScramServer::new(ex.mechanism, ServerChannelBindings::default()).unwrap();
    assert_eq!(
        s.client_first(ex.client_first.as_bytes()),
        Ok(ScramIdentity {
            username: ex.username.into(),
            authzid: None
        })
    );
    let server_first = s
        .server_first(Some(&keys), ex.server_nonce, &decoy())
        .unwrap();
    assert_eq!(String::from_utf8(server_first).unwrap(), ex.server_first);
    let server_final = s.client_final(ex.client_final.as_bytes()).unwrap();
    assert_eq!(String::from_utf8(server_final).unwrap(), ex.server_final);
}

#[test]
fn rfc5802_section_5_client() {
    replay_client(&RFC5802);
}

#[test]
fn rfc5802_section_5_server() {
    replay_server(&RFC5802);
}

#[test]
fn rfc7677_section_3_client() {
    replay_client(&RFC7677);
}

#[test]
fn rfc7677_section_3_server() {
    replay_server(&RFC7677);
}

#[test]
fn rfc6120_section_9_1_2_client() {
    replay_client(&RFC6120);
}

#[test]
fn rfc6120_section_9_1_2_server() {
    replay_server(&RFC6120);
}

/// The character data of RFC 6120 §9.1.2 steps 9 to 12, without the line breaks the RFC
/// adds for display (strict base 64 rejects them, §13.9.1), is the base 64 of the messages.
#[test]
fn rfc6120_section_9_1_2_base64() {
    let auth = "biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==";
    let challenge = "cj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQWUxMjQ2OTViLTY5Y\
                     TktNGRlNi05YzMwLWI1MWIzODA4YzU5ZSxzPU5qaGtZVE0wTURndE5HWTBaaT\
                     AwTmpkbUxUa3hNbVV0TkRsbU5UTm1ORE5rTURNeixpPTQwOTY=";
    let response = "Yz1iaXdzLHI9b01zVEFBd0FBQUFNQUFBQU5QMFRBQUFBQUFCUFUwQUFlMTI0N\
                    jk1Yi02OWE5LTRkZTYtOWMzMC1iNTFiMzgwOGM1OWUscD1VQTU3dE0vU3ZwQV\
                    RCa0gyRlhzMFdEWHZKWXc9";
    let success = "dj1wTk5ERlZFUXh1WHhDb1NFaVc4R0VaKzFSU289";
    let mut c = client(&RFC6120);
    assert_eq!(encode(c.initial_response()), auth);
    let reply = c.challenge(&decode(challenge).unwrap()).unwrap();
    assert_eq!(encode(&reply), response);
    assert_eq!(c.success(Some(&decode(success).unwrap())), Ok(()));
    // As printed, with line breaks, the challenge is rejected.
    assert!(decode("cj1vTXNUQUF3QUFB\n        QU1BQUFBTlAwVEFB").is_err());
}

/// RFC 5802 §5: "If the two are different, the client MUST consider the authentication
/// exchange to be unsuccessful".
#[test]
fn tampered_server_signature_is_rejected() {
    for tampered in [
        "v=rmF9pqV8S7suAoZWja4dJRkFsKQ",  // not strict base 64
        "v=AmF9pqV8S7suAoZWja4dJRkFsKQ=", // one bit off
        "v=rmF9pqV8S7suAoZWja4dJRkFsA==", // truncated
    ] {
        let mut c = client(&RFC5802);
        c.challenge(RFC5802.server_first.as_bytes()).unwrap();
        let err = c.success(Some(tampered.as_bytes())).unwrap_err();
        assert!(
            matches!(
                err,
                SaslClientError::ServerSignatureMismatch | SaslClientError::Malformed(_)
            ),
            "{tampered}: {err:?}"
        );
        // And nothing more is accepted afterwards.
        assert_eq!(
            c.success(Some(RFC5802.server_final.as_bytes())),
            Err(SaslClientError::OutOfOrder)
        );
    }
}

/// The server-final message may come in a last challenge, answered with an empty response,
/// then `<success/>` without data (RFC 6120 §6.3.10 "less efficient modes").
#[test]
fn server_final_in_a_challenge() {
    let mut c = client(&RFC5802);
    c.challenge(RFC5802.server_first.as_bytes()).unwrap();
    assert_eq!(c.challenge(RFC5802.server_final.as_bytes()), Ok(Vec::new()));
    assert_eq!(c.success(None), Ok(()));

    let mut c = client(&RFC5802);
    c.challenge(RFC5802.server_first.as_bytes()).unwrap();
    c.challenge(RFC5802.server_final.as_bytes()).unwrap();
    assert_eq!(
        c.success(Some(RFC5802.server_final.as_bytes())),
        Err(SaslClientError::UnexpectedSuccessData)
    );
}

/// RFC 5802 §5.2 item 2b: SCRAM returns additional data with success, and the server
/// signature is what authenticates the server.
#[test]
fn success_without_server_final_is_an_error() {
    let mut c = client(&RFC5802);
    assert_eq!(c.success(None), Err(SaslClientError::MissingServerFinal));
    let mut c = client(&RFC5802);
    c.challenge(RFC5802.server_first.as_bytes()).unwrap();
    assert_eq!(c.success(None), Err(SaslClientError::MissingServerFinal));
    let mut c = client(&RFC5802);
    c.challenge(RFC5802.server_first.as_bytes()).unwrap();
    assert_eq!(
        c.success(Some(b"")),
        Err(SaslClientError::MissingServerFinal)
    );
}

#[test]
fn server_error_attribute_is_surfaced() {
    let mut c = client(&RFC5802);
    c.challenge(RFC5802.server_first.as_bytes()).unwrap();
    assert_eq!(
        c.success(Some(b"e=invalid-proof")),
        Err(SaslClientError::ServerError("invalid-proof".into()))
    );
    let mut c = client(&RFC5802);
    c.challenge(RFC5802.server_first.as_bytes()).unwrap();
    assert_eq!(
        c.challenge(b"e=other-error,x=ext"),
        Err(SaslClientError::ServerError("other-error".into()))
    );
}

/// Server-first messages the client must refuse (RFC 5802 §5.1, §7).
#[test]
fn malformed_server_first_is_rejected() {
    use crate::sasl::ScramFormatError as F;
    let n = "fyko+d2lbbFgONRv9qkxdawL";
    let cases: Vec<(String, SaslClientError)> = vec![
        (
            format!("m=ext,r={n}x,s=QSXCR+Q6sek8bf92,i=4096"),
            SaslClientError::Malformed(F::MandatoryExtension),
        ),
        (
            format!("r=other{n},s=QSXCR+Q6sek8bf92,i=4096"),
            SaslClientError::NonceMismatch,
        ),
        (
            format!("r={n},s=QSXCR+Q6sek8bf92,i=4096"),
            SaslClientError::NonceMismatch,
        ),
        (
            format!("r={n}x,s=QSXCR+Q6sek8bf9,i=4096"),
            SaslClientError::Malformed(F::InvalidBase64(
                's',
                crate::sasl::base64::Base64Error::InvalidPadding,
            )),
        ),
        (
            format!("r={n}x,s=QSXCR+Q6sek8bf92,i=0"),
            SaslClientError::Malformed(F::InvalidIterationCount),
        ),
        (
            format!("r={n}x,s=QSXCR+Q6sek8bf92,i=4096x"),
            SaslClientError::Malformed(F::InvalidIterationCount),
        ),
        (
            format!("s=QSXCR+Q6sek8bf92,r={n}x,i=4096"),
            SaslClientError::Malformed(F::ExpectedAttribute('r')),
        ),
        (
            format!("r={n}x,i=4096,s=QSXCR+Q6sek8bf92"),
            SaslClientError::Malformed(F::ExpectedAttribute('s')),
        ),
        (
            format!("r={n}x,s=QSXCR+Q6sek8bf92"),
            SaslClientError::Malformed(F::ExpectedAttribute('i')),
        ),
        (
            format!("r={n}x,s=QSXCR+Q6sek8bf92,i=4096,m=ext"),
            SaslClientError::Malformed(F::MandatoryExtension),
        ),
        (
            format!("r={n}\u{E9},s=QSXCR+Q6sek8bf92,i=4096"),
            SaslClientError::NonceMismatch,
        ),
        (
            String::new(),
            SaslClientError::Malformed(F::InvalidAttribute),
        ),
    ];
    for (server_first, expected) in cases {
        let mut c = client(&RFC5802);
        assert_eq!(
            c.challenge(server_first.as_bytes()),
            Err(expected),
            "{server_first}"
        );
    }
    let mut c = client(&RFC5802);
    assert_eq!(
        c.challenge(b"r=\xff"),
        Err(SaslClientError::Malformed(F::NotUtf8))
    );
    // Unknown optional extensions are ignored (RFC 5802 §7 `extensions`).
    let mut c = client(&RFC5802);
    let with_ext = format!("{},x=whatever", RFC5802.server_first);
    assert!(c.challenge(with_ext.as_bytes()).is_ok());
}

#[test]
fn iteration_cap() {
    let mut c = client(&RFC5802).with_max_iterations(4095);
    assert_eq!(
        c.challenge(RFC5802.server_first.as_bytes()),
        Err(SaslClientError::TooManyIterations {
            requested: 4096,
            max: 4095
        })
    );
    // Counts below RFC 7677's recommended 4096 are accepted.
    let mut c = client(&RFC5802);
    let low = "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=1";
    assert!(c.challenge(low.as_bytes()).is_ok());
}
