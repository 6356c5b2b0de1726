//! TLS configuration for the engine's embedded rustls, with the `ring` crypto provider.
//!
//! The engine runs TLS itself ([`xmpp_core::TlsMode::Rustls`]); the adapter only builds the
//! rustls configurations: trust anchors (Mozilla's through `webpki-roots`, the platform's
//! store, or only CAs the application adds, e.g. a test CA), protocol versions, and ALPN
//! `xmpp-client` for direct TLS (XEP-0368).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{RootCertStore, SupportedProtocolVersion};
use xmpp_core::tls::ALPN_XMPP_CLIENT;

use crate::Error;

/// Where the client's trust anchors come from, plus CAs added on top.
///
/// ```
/// use xmpp_tokio::TlsOptions;
/// // Mozilla's roots (the default) and nothing else:
/// let _ = TlsOptions::webpki();
/// // Only a private CA, e.g. in tests:
/// let pem = b"-----BEGIN CERTIFICATE-----\n...";
/// assert!(TlsOptions::empty().add_ca_pem(pem).is_err()); // not a real certificate
/// ```
#[derive(Debug, Clone)]
pub struct TlsOptions {
    roots: RootCertStore,
    versions: Vec<&'static SupportedProtocolVersion>,
}

impl Default for TlsOptions {
    /// [`TlsOptions::webpki`].
    fn default() -> Self {
        Self::webpki()
    }
}

impl TlsOptions {
    /// Mozilla's root store as shipped by the `webpki-roots` crate; TLS 1.3 and 1.2.
    pub fn webpki() -> Self {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        Self::with_roots(roots)
    }

    /// The operating system's trust store (`rustls-native-certs`: the OpenSSL directories
    /// on Unix, the system keychain or store elsewhere). Certificates that fail to parse
    /// are skipped; it is an error only when none can be loaded.
    pub fn platform() -> Result<Self, Error> {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let (added, _ignored) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            let why = found
                .errors
                .first()
                .map_or_else(|| "the store is empty".to_owned(), ToString::to_string);
            return Err(Error::Tls(format!("no platform root certificate: {why}")));
        }
        Ok(Self::with_roots(roots))
    }

    /// No trust anchor at all: add the CAs to trust with [`add_ca_pem`](Self::add_ca_pem)
    /// or [`add_ca_der`](Self::add_ca_der).
    pub fn empty() -> Self {
        Self::with_roots(RootCertStore::empty())
    }

    fn with_roots(roots: RootCertStore) -> Self {
        TlsOptions {
            roots,
            versions: rustls::DEFAULT_VERSIONS.to_vec(),
        }
    }

    /// Trusts one more CA certificate (DER).
    pub fn add_ca_der(mut self, der: &[u8]) -> Result<Self, Error> {
        self.roots
            .add(CertificateDer::from(der.to_vec()))
            .map_err(|e| Error::Tls(format!("CA certificate: {e}")))?;
        Ok(self)
    }

    /// Trusts every certificate in a PEM document (at least one is required).
    pub fn add_ca_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let mut n = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| Error::Tls(format!("CA PEM: {e}")))?;
            self.roots
                .add(cert)
                .map_err(|e| Error::Tls(format!("CA certificate: {e}")))?;
            n += 1;
        }
        if n == 0 {
            return Err(Error::Tls("no certificate in the CA PEM".into()));
        }
        Ok(self)
    }

    /// Trusts every certificate in a PEM file.
    pub fn add_ca_pem_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let pem = std::fs::read(path)
            .map_err(|e| Error::Tls(format!("reading {}: {e}", path.display())))?;
        self.add_ca_pem(&pem)
    }

    /// Restricts the TLS versions (default: 1.3 and 1.2), e.g.
    /// `&[&rustls::version::TLS12]` to test a server's TLS 1.2 behaviour.
    pub fn with_versions(mut self, versions: &[&'static SupportedProtocolVersion]) -> Self {
        self.versions = versions.to_vec();
        self
    }

    /// The number of trust anchors.
    pub fn root_count(&self) -> usize {
        self.roots.len()
    }

    /// A rustls client configuration with these roots and versions, the `ring` provider,
    /// and ALPN `xmpp-client` when `direct_tls` (XEP-0368 §3).
    pub fn client_config(&self, direct_tls: bool) -> Result<Arc<rustls::ClientConfig>, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&self.versions)
            .map_err(|e| Error::Tls(e.to_string()))?
            .with_root_certificates(self.roots.clone())
            .with_no_client_auth();
        if direct_tls {
            config.alpn_protocols = vec![ALPN_XMPP_CLIENT.to_vec()];
        }
        Ok(Arc::new(config))
    }
}

/// A server certificate chain and its private key, for the server role.
#[derive(Debug)]
pub struct ServerIdentity {
    /// The chain, end-entity certificate first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The end-entity certificate's private key.
    pub key: PrivateKeyDer<'static>,
}

impl ServerIdentity {
    /// Reads a PEM certificate chain (end entity first) and a PEM private key (PKCS#8,
    /// PKCS#1 or SEC1).
    pub fn from_pem(chain_pem: &[u8], key_pem: &[u8]) -> Result<Self, Error> {
        let chain = CertificateDer::pem_slice_iter(chain_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Tls(format!("certificate PEM: {e}")))?;
        if chain.is_empty() {
            return Err(Error::Tls("no certificate in the certificate PEM".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|e| Error::Tls(format!("private key PEM: {e}")))?;
        Ok(ServerIdentity { chain, key })
    }

    /// [`from_pem`](Self::from_pem) from two files.
    pub fn from_pem_files(chain: impl AsRef<Path>, key: impl AsRef<Path>) -> Result<Self, Error> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| Error::Tls(format!("reading {}: {e}", p.display())))
        };
        Self::from_pem(&read(chain.as_ref())?, &read(key.as_ref())?)
    }

    /// A rustls server configuration presenting this identity (`ring` provider, TLS 1.3
    /// and 1.2, ALPN `xmpp-client` accepted for direct TLS).
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(rustls::DEFAULT_VERSIONS)
            .map_err(|e| Error::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| Error::Tls(format!("certificate and key: {e}")))?;
        config.alpn_protocols = vec![ALPN_XMPP_CLIENT.to_vec()];
        Ok(Arc::new(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca() -> rcgen::CertifiedKey<rcgen::KeyPair> {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        rcgen::CertifiedKey {
            cert,
            signing_key: key,
        }
    }

    #[test]
    fn webpki_has_roots_and_empty_has_none() {
        assert!(TlsOptions::webpki().root_count() > 100);
        assert_eq!(TlsOptions::empty().root_count(), 0);
    }

    #[test]
    fn add_ca_pem_and_alpn() {
        let ca = ca();
        let opts = TlsOptions::empty()
            .add_ca_pem(ca.cert.pem().as_bytes())
            .unwrap();
        assert_eq!(opts.root_count(), 1);
        let direct = opts.client_config(true).unwrap();
        assert_eq!(direct.alpn_protocols, vec![b"xmpp-client".to_vec()]);
        assert!(opts.client_config(false).unwrap().alpn_protocols.is_empty());
        assert!(TlsOptions::empty().add_ca_pem(b"garbage").is_err());
    }

    #[test]
    fn tls12_only_config_builds() {
        let opts = TlsOptions::empty().with_versions(&[&rustls::version::TLS12]);
        assert!(opts.client_config(false).is_ok());
    }

    #[test]
    fn server_identity_from_pem() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let id = ServerIdentity::from_pem(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
            .unwrap();
        assert_eq!(id.chain.len(), 1);
        assert!(id.server_config().is_ok());
        assert!(ServerIdentity::from_pem(b"", key.serialize_pem().as_bytes()).is_err());
    }
}
