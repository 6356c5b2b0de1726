//! Arbitrary peer input yields errors, never panics.

use proptest::prelude::*;

use crate::sasl::{
    Credentials, DecoyKeys, Gs2Flag, Mechanism, PlainCredentials, SaslClient, ScramHash, ScramKeys,
    ScramServer, ServerChannelBindings, base64, parse_anonymous,
};

fn client() -> SaslClient {
    let creds = Credentials {
        username: "user".into(),
        password: "pencil".into(),
        authzid: None,
    };
    SaslClient::new(Mechanism::ScramSha1, &creds, Gs2Flag::Unsupported, "abc")
        .unwrap()
        .with_max_iterations(16)
}

/// Bytes biased towards SCRAM syntax.
fn scramish() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        "[nyprsicvpemax=,0-9A-Za-z+/\u{E9}\u{0}-]{0,64}".prop_map(String::into_bytes),
        "(n|y|p=tls-exporter),(a=[a-z=]{0,4})?,n=[a-z=23CD]{0,6},r=abc[a-z,]{0,4}"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #[test]
    fn client_never_panics(first in scramish(), last in scramish(), with_success in any::<bool>()) {
        let mut c = client();
        let _ = c.challenge(&first);
        if with_success {
            let _ = c.success(Some(&last));
        } else {
            let _ = c.challenge(&last);
            let _ = c.success(None);
        }
    }

    #[test]
    fn server_never_panics(first in scramish(), last in scramish()) {
        let keys = ScramKeys::derive(ScramHash::Sha1, "pencil", b"salt", 1).unwrap();
        let decoy = DecoyKeys { secret: vec![1], iterations: 1 };
        let mut s = ScramServer::new(Mechanism::ScramSha1, ServerChannelBindings::default()).unwrap();
        if s.client_first(&first).is_ok() {
            s.server_first(Some(&keys), "srv", &decoy).unwrap();
        }
        let _ = s.client_final(&last);
        let _ = PlainCredentials::parse(&first);
        let _ = parse_anonymous(&first);
    }

    #[test]
    fn base64_round_trips_and_never_panics(data in proptest::collection::vec(any::<u8>(), 0..48), text in "[ -~]{0,24}") {
        prop_assert_eq!(base64::decode(&base64::encode(&data)), Ok(data));
        let _ = base64::decode(&text);
    }
}
