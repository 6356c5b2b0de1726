//! The runner's side of `!tls`: a certificate for the transcript's domain and an in-memory
//! rustls peer (server when the engine is the client, client when it is the server) that
//! encrypts input and decrypts the engine's output once TLS is up.

use std::io::{Read, Write};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

/// A throwaway CA and a certificate it issued for the transcript's domain.
#[derive(Clone)]
pub struct TlsMaterial {
    /// The domain the certificate is for.
    pub domain: String,
    /// The CA certificate (DER) a client-role engine must trust.
    pub ca_der: Vec<u8>,
    /// The server's chain (DER), leaf first.
    pub chain_der: Vec<Vec<u8>>,
    /// The leaf's private key (PKCS#8 DER).
    pub key_der: Vec<u8>,
}

impl std::fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

impl TlsMaterial {
    /// Generates a CA and a leaf certificate for `domain`.
    pub fn generate(domain: &str) -> Result<TlsMaterial, String> {
        let e = |e: rcgen::Error| format!("certificate generation failed: {e}");
        let ca_key = rcgen::KeyPair::generate().map_err(e)?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(e)?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "conformance test CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).map_err(e)?;
        let leaf_key = rcgen::KeyPair::generate().map_err(e)?;
        let leaf_params = rcgen::CertificateParams::new(vec![domain.to_owned()]).map_err(e)?;
        let leaf = leaf_params.signed_by(&leaf_key, &ca).map_err(e)?;
        Ok(TlsMaterial {
            domain: domain.to_owned(),
            ca_der: ca.der().to_vec(),
            chain_der: vec![leaf.der().to_vec(), ca.der().to_vec()],
            key_der: leaf_key.serialize_der(),
        })
    }

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// A client configuration (ring provider) that trusts only this CA.
    pub fn client_config(&self) -> Result<Arc<rustls::ClientConfig>, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from(self.ca_der.clone()))
            .map_err(|e| format!("bad CA certificate: {e}"))?;
        let config = rustls::ClientConfig::builder_with_provider(Self::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    /// A server configuration (ring provider) presenting this certificate.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, String> {
        let chain = self
            .chain_der
            .iter()
            .map(|c| CertificateDer::from(c.clone()))
            .collect();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config = rustls::ServerConfig::builder_with_provider(Self::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("bad server certificate: {e}"))?;
        Ok(Arc::new(config))
    }
}

/// The runner's in-memory TLS endpoint.
pub struct TlsPeer {
    conn: rustls::Connection,
}

impl std::fmt::Debug for TlsPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsPeer")
            .field("handshaking", &self.conn.is_handshaking())
            .finish()
    }
}

impl TlsPeer {
    /// The server end, facing a client-role engine.
    pub fn server(material: &TlsMaterial) -> Result<TlsPeer, String> {
        let conn =
            rustls::ServerConnection::new(material.server_config()?).map_err(|e| e.to_string())?;
        Ok(TlsPeer { conn: conn.into() })
    }

    /// The client end, facing a server-role engine; it verifies the certificate for the domain.
    pub fn client(material: &TlsMaterial) -> Result<TlsPeer, String> {
        let name = ServerName::try_from(material.domain.clone())
            .map_err(|e| format!("bad domain for TLS: {e}"))?;
        let conn = rustls::ClientConnection::new(material.client_config()?, name)
            .map_err(|e| e.to_string())?;
        Ok(TlsPeer { conn: conn.into() })
    }

    /// Whether the handshake is still under way.
    pub fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// Takes TLS records from the engine; returns the plaintext they carried.
    pub fn receive(&mut self, mut records: &[u8]) -> Result<Vec<u8>, String> {
        let mut plain = Vec::new();
        while !records.is_empty() {
            self.conn
                .read_tls(&mut records)
                .map_err(|e| format!("TLS read failed: {e}"))?;
            self.conn
                .process_new_packets()
                .map_err(|e| format!("TLS error from the engine's records: {e}"))?;
            let mut buf = [0u8; 4096];
            loop {
                match self.conn.reader().read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => plain.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) => return Err(format!("TLS plaintext read failed: {e}")),
                }
            }
        }
        Ok(plain)
    }

    /// Encrypts plaintext for the engine; returns the records to feed.
    pub fn send(&mut self, plain: &[u8]) -> Result<Vec<u8>, String> {
        self.conn
            .writer()
            .write_all(plain)
            .map_err(|e| format!("TLS write failed: {e}"))?;
        Ok(self.take_output())
    }

    /// Records the peer wants to send (handshake messages, tickets, alerts).
    pub fn take_output(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while self.conn.wants_write() {
            if self.conn.write_tls(&mut out).is_err() {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pumps records between two peers until neither has anything to say.
    fn pump(a: &mut TlsPeer, b: &mut TlsPeer) -> (Vec<u8>, Vec<u8>) {
        let (mut to_a, mut to_b) = (Vec::new(), Vec::new());
        for _ in 0..20 {
            let from_a = a.take_output();
            let from_b = b.take_output();
            if from_a.is_empty() && from_b.is_empty() {
                break;
            }
            to_b.extend(b.receive(&from_a).unwrap());
            to_a.extend(a.receive(&from_b).unwrap());
        }
        (to_a, to_b)
    }

    #[test]
    fn client_and_server_peers_handshake_and_exchange_data() {
        let material = TlsMaterial::generate("im.example.com").unwrap();
        let mut client = TlsPeer::client(&material).unwrap();
        let mut server = TlsPeer::server(&material).unwrap();
        pump(&mut client, &mut server);
        assert!(!client.is_handshaking() && !server.is_handshaking());
        let records = client.send(b"<stream:stream>").unwrap();
        assert_ne!(records, b"<stream:stream>");
        assert_eq!(server.receive(&records).unwrap(), b"<stream:stream>");
    }

    #[test]
    fn a_certificate_for_another_domain_is_refused() {
        let material = TlsMaterial::generate("im.example.com").unwrap();
        let other = TlsMaterial {
            domain: "example.net".into(),
            ..material.clone()
        };
        let mut client = TlsPeer::client(&other).unwrap();
        let mut server = TlsPeer::server(&material).unwrap();
        let hello = client.take_output();
        server.receive(&hello).unwrap();
        let reply = server.take_output();
        assert!(client.receive(&reply).is_err());
    }
}
