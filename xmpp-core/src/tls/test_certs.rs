//! Test PKI: a fresh CA and a server certificate per call, generated with rcgen, and rustls
//! configs (ring provider) that trust it. For unit tests of the TLS layer and the connection.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SignatureAlgorithm,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};

use super::TlsVersion;

/// Key (and so signature) algorithm of both the CA and the server certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum KeyAlg {
    /// ECDSA P-256 with SHA-256.
    #[default]
    EcdsaP256,
    /// ECDSA P-384 with SHA-384.
    EcdsaP384,
    /// Ed25519 (no `tls-server-end-point`).
    Ed25519,
}

/// What [`pki_with`] builds.
#[derive(Debug, Clone, Default)]
pub(crate) struct PkiOptions {
    /// The only TLS version both sides allow; `None` allows 1.2 and 1.3.
    pub(crate) version: Option<TlsVersion>,
    /// Key algorithm of the CA and the server certificate.
    pub(crate) key: KeyAlg,
    /// ALPN protocols the client offers.
    pub(crate) client_alpn: Vec<Vec<u8>>,
    /// ALPN protocols the server accepts.
    pub(crate) server_alpn: Vec<Vec<u8>>,
    /// The client presents a certificate from the same CA and the server requires one
    /// (for SASL EXTERNAL).
    pub(crate) client_cert: bool,
}

/// Configs for a client and a server of one test domain.
#[derive(Debug, Clone)]
pub(crate) struct TestPki {
    /// Trusts only the test CA.
    pub(crate) client: Arc<ClientConfig>,
    /// Presents the server certificate; no client authentication.
    pub(crate) server: Arc<ServerConfig>,
    /// The server's end-entity certificate (DER), as sent in its Certificate message.
    pub(crate) server_cert_der: Vec<u8>,
    /// The CA certificate (DER).
    pub(crate) ca_cert_der: Vec<u8>,
}

/// ECDSA P-256 PKI for `domain`, restricted to `version` (`None`: TLS 1.2 and 1.3).
pub(crate) fn pki(domain: &str, version: Option<TlsVersion>) -> TestPki {
    pki_with(
        domain,
        &PkiOptions {
            version,
            ..PkiOptions::default()
        },
    )
}

/// A PKI for `domain` built as `options` say.
pub(crate) fn pki_with(domain: &str, options: &PkiOptions) -> TestPki {
    let alg: &'static SignatureAlgorithm = match options.key {
        KeyAlg::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyAlg::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyAlg::Ed25519 => &rcgen::PKCS_ED25519,
    };

    let mut ca_params = CertificateParams::new(Vec::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate_for(alg).expect("CA key");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);

    let mut leaf_params = CertificateParams::new(vec![domain.to_owned()]).expect("leaf params");
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate_for(alg).expect("leaf key");
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");

    let versions: &[&'static SupportedProtocolVersion] = match options.version {
        None => &[&rustls::version::TLS13, &rustls::version::TLS12],
        Some(TlsVersion::Tls13) => &[&rustls::version::TLS13],
        Some(TlsVersion::Tls12) => &[&rustls::version::TLS12],
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());

    let mut roots = RootCertStore::empty();
    roots
        .add(ca_cert.der().clone())
        .expect("CA is a valid anchor");
    let client = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("versions supported by ring")
        .with_root_certificates(roots.clone());
    let mut client = if options.client_cert {
        let mut params = CertificateParams::new(vec!["juliet.client.example".to_owned()])
            .expect("client params");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate_for(alg).expect("client key");
        let cert = params.signed_by(&key, &issuer).expect("client certificate");
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        client
            .with_client_auth_cert(vec![CertificateDer::from(cert.der().to_vec())], key_der)
            .expect("client key matches certificate")
    } else {
        client.with_no_client_auth()
    };
    client.alpn_protocols = options.client_alpn.clone();

    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let server = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("versions supported by ring");
    let server = if options.client_cert {
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("client verifier");
        server.with_client_cert_verifier(verifier)
    } else {
        server.with_no_client_auth()
    };
    let mut server = server
        .with_single_cert(
            vec![CertificateDer::from(leaf_cert.der().to_vec())],
            key_der,
        )
        .expect("server key matches certificate");
    server.alpn_protocols = options.server_alpn.clone();

    TestPki {
        client: Arc::new(client),
        server: Arc::new(server),
        server_cert_der: leaf_cert.der().to_vec(),
        ca_cert_der: ca_cert.der().to_vec(),
    }
}
