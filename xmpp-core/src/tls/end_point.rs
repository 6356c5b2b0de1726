//! The `tls-server-end-point` channel binding (RFC 5929 §4.1).

use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::der::{self, Reader};

/// Hash functions RFC 5929 §4.1 can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

// DER contents of the OIDs involved.
const PKCS1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01]; // 1.2.840.113549.1.1
const ECDSA_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]; // 1.2.840.10045.4.1
const ECDSA_SHA2: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03]; // 1.2.840.10045.4.3
const DSA_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03]; // 1.2.840.10040.4.3
const NIST_SIG: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03]; // 2.16.840.1.101.3.4.3
const NIST_HASH: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02]; // 2.16.840.1.101.3.4.2
const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a]; // 1.3.14.3.2.26

/// Computes the `tls-server-end-point` channel binding of a server certificate (RFC 5929
/// §4.1): the certificate's DER bytes hashed with the hash function of its
/// `signatureAlgorithm`, where MD5 and SHA-1 are replaced by SHA-256.
///
/// `cert_der` must be the end-entity certificate exactly as it appears in the server's TLS
/// Certificate message. Supported signature algorithms:
///
/// * RSA PKCS#1 v1.5 with MD5, SHA-1, SHA-224/256/384/512 (RFC 8017, RFC 4055);
/// * ECDSA and DSA with SHA-1 or SHA-2 (RFC 5758, RFC 3279);
/// * RSASSA-PSS (RFC 4055 §3.1): the `hashAlgorithm` of its parameters (SHA-1 when absent,
///   hence SHA-256), as OpenSSL does; the MGF1 hash is not inspected.
///
/// Returns `None` for malformed input and for algorithms without a single hash function,
/// for which RFC 5929 §4.1 leaves the binding undefined. That includes Ed25519 and Ed448
/// (RFC 8410): some implementations pick SHA-512 for them, but OpenSSL (and so PostgreSQL
/// and most servers) has no digest for them, so any value would not interoperate. `None`
/// also for MD2 and unknown algorithms. Never panics, whatever the input.
///
/// ```
/// assert_eq!(xmpp_core::tls::tls_server_end_point(b"not a certificate"), None);
/// ```
#[must_use]
pub fn tls_server_end_point(cert_der: &[u8]) -> Option<Vec<u8>> {
    let hash = signature_hash(cert_der)?;
    Some(match hash {
        Hash::Sha224 => Sha224::digest(cert_der).to_vec(),
        Hash::Sha256 => Sha256::digest(cert_der).to_vec(),
        Hash::Sha384 => Sha384::digest(cert_der).to_vec(),
        Hash::Sha512 => Sha512::digest(cert_der).to_vec(),
    })
}

/// The channel-binding hash selected by the certificate's outer `signatureAlgorithm`.
///
/// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier,
/// signatureValue BIT STRING }` (RFC 5280 §4.1).
fn signature_hash(cert_der: &[u8]) -> Option<Hash> {
    let mut outer = Reader::new(cert_der);
    let mut cert = Reader::new(outer.read(der::SEQUENCE)?);
    if !outer.is_empty() {
        return None;
    }
    cert.read(der::SEQUENCE)?; // tbsCertificate
    let mut alg = Reader::new(cert.read(der::SEQUENCE)?);
    let oid = alg.read(der::OID)?;
    let (prefix, last) = oid.split_at_checked(oid.len().checked_sub(1)?)?;
    let last = *last.first()?;
    match (prefix, last) {
        // md5WithRSAEncryption, sha1WithRSAEncryption: upgraded to SHA-256.
        (PKCS1, 4 | 5) => Some(Hash::Sha256),
        (PKCS1, 11) => Some(Hash::Sha256),
        (PKCS1, 12) => Some(Hash::Sha384),
        (PKCS1, 13) => Some(Hash::Sha512),
        (PKCS1, 14) => Some(Hash::Sha224),
        (PKCS1, 10) => pss_hash(&mut alg),
        _ if oid == ECDSA_SHA1 || oid == DSA_SHA1 => Some(Hash::Sha256),
        // ecdsa-with-SHA224/256/384/512.
        (ECDSA_SHA2, 1) => Some(Hash::Sha224),
        (ECDSA_SHA2, 2) => Some(Hash::Sha256),
        (ECDSA_SHA2, 3) => Some(Hash::Sha384),
        (ECDSA_SHA2, 4) => Some(Hash::Sha512),
        // dsa-with-sha224/256.
        (NIST_SIG, 1) => Some(Hash::Sha224),
        (NIST_SIG, 2) => Some(Hash::Sha256),
        _ => None,
    }
}

/// The hash of `RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT
/// sha1, ... }` (RFC 4055 §3.1). The parameters are mandatory in a signature's
/// AlgorithmIdentifier, so their absence yields `None`.
fn pss_hash(alg: &mut Reader<'_>) -> Option<Hash> {
    let mut params = Reader::new(alg.read(der::SEQUENCE)?);
    if params.peek_tag() != Some(der::CONTEXT_0) {
        return Some(Hash::Sha256); // default SHA-1, upgraded
    }
    let mut explicit = Reader::new(params.read(der::CONTEXT_0)?);
    let mut hash_alg = Reader::new(explicit.read(der::SEQUENCE)?);
    let oid = hash_alg.read(der::OID)?;
    if oid == SHA1 {
        return Some(Hash::Sha256);
    }
    let (prefix, last) = oid.split_at_checked(oid.len().checked_sub(1)?)?;
    match (prefix, last.first()?) {
        (NIST_HASH, 1) => Some(Hash::Sha256),
        (NIST_HASH, 2) => Some(Hash::Sha384),
        (NIST_HASH, 3) => Some(Hash::Sha512),
        (NIST_HASH, 4) => Some(Hash::Sha224),
        _ => None,
    }
}

#[cfg(test)]
#[path = "end_point_tests.rs"]
mod tests;
