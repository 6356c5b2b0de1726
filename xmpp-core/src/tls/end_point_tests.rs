use proptest::prelude::*;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::*;

/// A DER element with `tag` and `contents`.
fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len <= 0xff {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(contents);
    out
}

/// A structurally valid certificate whose signatureAlgorithm is `oid` with `params`.
fn fake_cert(oid: &[u8], params: &[u8]) -> Vec<u8> {
    let tbs = tlv(0x30, &tlv(0x02, &[1]));
    let mut alg = tlv(0x06, oid);
    alg.extend_from_slice(params);
    let mut body = tbs;
    body.extend(tlv(0x30, &alg));
    body.extend(tlv(0x03, &[0, 0xaa]));
    tlv(0x30, &body)
}

fn oid(prefix: &[u8], last: u8) -> Vec<u8> {
    let mut v = prefix.to_vec();
    v.push(last);
    v
}

const NULL: &[u8] = &[0x05, 0x00];

#[test]
fn rsa_pkcs1_and_ecdsa_and_dsa_hashes() {
    type H = fn(&[u8]) -> Vec<u8>;
    let sha224: H = |d| Sha224::digest(d).to_vec();
    let sha256: H = |d| Sha256::digest(d).to_vec();
    let sha384: H = |d| Sha384::digest(d).to_vec();
    let sha512: H = |d| Sha512::digest(d).to_vec();
    let cases: &[(Vec<u8>, &[u8], H)] = &[
        (oid(PKCS1, 4), NULL, sha256), // MD5 → SHA-256
        (oid(PKCS1, 5), NULL, sha256), // SHA-1 → SHA-256
        (oid(PKCS1, 11), NULL, sha256),
        (oid(PKCS1, 12), NULL, sha384),
        (oid(PKCS1, 13), NULL, sha512),
        (oid(PKCS1, 14), NULL, sha224),
        (ECDSA_SHA1.to_vec(), &[], sha256),
        (oid(ECDSA_SHA2, 1), &[], sha224),
        (oid(ECDSA_SHA2, 2), &[], sha256),
        (oid(ECDSA_SHA2, 3), &[], sha384),
        (oid(ECDSA_SHA2, 4), &[], sha512),
        (DSA_SHA1.to_vec(), &[], sha256),
        (oid(NIST_SIG, 2), &[], sha256),
    ];
    for (alg, params, hash) in cases {
        let cert = fake_cert(alg, params);
        assert_eq!(
            tls_server_end_point(&cert),
            Some(hash(&cert)),
            "OID {alg:02x?}"
        );
    }
}

#[test]
fn rsa_pss_uses_the_parameter_hash() {
    let hash_alg = |h: &[u8]| tlv(0xa0, &tlv(0x30, &[tlv(0x06, h), NULL.to_vec()].concat()));
    let pss = oid(PKCS1, 10);

    let sha384 = fake_cert(&pss, &tlv(0x30, &hash_alg(&oid(NIST_HASH, 2))));
    assert_eq!(
        tls_server_end_point(&sha384),
        Some(Sha384::digest(&sha384).to_vec())
    );
    let sha1 = fake_cert(&pss, &tlv(0x30, &hash_alg(SHA1)));
    assert_eq!(
        tls_server_end_point(&sha1),
        Some(Sha256::digest(&sha1).to_vec())
    );
    // All defaults: SHA-1, upgraded to SHA-256.
    let default = fake_cert(&pss, &tlv(0x30, &[]));
    assert_eq!(
        tls_server_end_point(&default),
        Some(Sha256::digest(&default).to_vec())
    );
    // Parameters are mandatory in a signature AlgorithmIdentifier.
    assert_eq!(tls_server_end_point(&fake_cert(&pss, &[])), None);
    // Unknown hash.
    let md5 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05];
    assert_eq!(
        tls_server_end_point(&fake_cert(&pss, &tlv(0x30, &hash_alg(&md5)))),
        None
    );
}

#[test]
fn undefined_algorithms_are_none() {
    assert_eq!(
        tls_server_end_point(&fake_cert(&[0x2b, 0x65, 0x70], &[])),
        None
    ); // Ed25519
    assert_eq!(
        tls_server_end_point(&fake_cert(&[0x2b, 0x65, 0x71], &[])),
        None
    ); // Ed448
    assert_eq!(tls_server_end_point(&fake_cert(&oid(PKCS1, 2), NULL)), None); // MD2
    assert_eq!(tls_server_end_point(&fake_cert(&[], &[])), None); // empty OID
}

#[test]
fn malformed_certificates_are_none() {
    let good = fake_cert(&oid(ECDSA_SHA2, 2), &[]);
    assert!(tls_server_end_point(&good).is_some());
    for len in 0..good.len() {
        assert_eq!(
            tls_server_end_point(&good[..len]),
            None,
            "truncated to {len}"
        );
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(tls_server_end_point(&trailing), None);
    let mut not_seq = good;
    not_seq[0] = 0x31;
    assert_eq!(tls_server_end_point(&not_seq), None);
}

#[test]
fn real_certificates() {
    for (alg, expected) in [
        (&rcgen::PKCS_ECDSA_P256_SHA256, Some(32)),
        (&rcgen::PKCS_ECDSA_P384_SHA384, Some(48)),
        (&rcgen::PKCS_ED25519, None),
    ] {
        let key = rcgen::KeyPair::generate_for(alg).expect("key generation");
        let cert = rcgen::CertificateParams::new(vec!["example.org".to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("certificate");
        let der: &[u8] = cert.der();
        let got = tls_server_end_point(der);
        assert_eq!(got.as_ref().map(Vec::len), expected, "{alg:?}");
        if expected == Some(32) {
            assert_eq!(got, Some(Sha256::digest(der).to_vec()));
        }
        if expected == Some(48) {
            assert_eq!(got, Some(Sha384::digest(der).to_vec()));
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = tls_server_end_point(&bytes);
    }

    #[test]
    fn mutated_certificates_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut cert = fake_cert(
            &oid(PKCS1, 10),
            &tlv(0x30, &tlv(0xa0, &tlv(0x30, &tlv(0x06, &oid(NIST_HASH, 3))))),
        );
        for (at, byte) in edits {
            let i = at.index(cert.len());
            cert[i] = byte;
        }
        let _ = tls_server_end_point(&cert);
    }
}
