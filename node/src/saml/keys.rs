//! Our own key material: signing keys (requests, metadata) and decryption keys (assertions).
//! Loaded from PEM; several of each may be active during a rollover (eidas-requirements §4).

use std::sync::Arc;

use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

use crate::keys::{FileKey, PrivateKey};

use super::crypto::{signature_algorithm_for, SignatureAlgorithm};
use super::error::{Error, Result};

/// A private key (any backend: `crate::keys`) with its certificate.
#[derive(Clone)]
pub struct KeyPair {
    pub key: Arc<dyn PrivateKey>,
    pub cert: X509,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("subject", &self.cert.subject_name())
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// `key` (any backend) with `cert`, which must certify it.
    pub fn from_key(key: Arc<dyn PrivateKey>, cert: X509) -> Result<Self> {
        let cert_key = cert.public_key().map_err(|e| Error::Key(e.to_string()))?;
        if !key.public_key().public_eq(&cert_key) {
            return Err(Error::Key(
                "certificate does not match the private key".into(),
            ));
        }
        Ok(KeyPair { key, cert })
    }

    /// A key held in memory ([`FileKey`]) with its certificate.
    pub fn new(key: PKey<Private>, cert: X509) -> Result<Self> {
        let key = FileKey::new(key).map_err(|e| Error::Key(e.to_string()))?;
        Self::from_key(Arc::new(key), cert)
    }

    pub fn from_pem(key_pem: &[u8], cert_pem: &[u8]) -> Result<Self> {
        let key = PKey::private_key_from_pem(key_pem)
            .map_err(|e| Error::Key(format!("private key: {e}")))?;
        let cert = X509::from_pem(cert_pem).map_err(|e| Error::Key(format!("certificate: {e}")))?;
        Self::new(key, cert)
    }

    pub fn from_files(key_path: &std::path::Path, cert_path: &std::path::Path) -> Result<Self> {
        let k = std::fs::read(key_path)
            .map_err(|e| Error::Key(format!("{}: {e}", key_path.display())))?;
        let c = std::fs::read(cert_path)
            .map_err(|e| Error::Key(format!("{}: {e}", cert_path.display())))?;
        Self::from_pem(&k, &c)
    }

    pub fn cert_der(&self) -> Result<Vec<u8>> {
        Ok(self.cert.to_der()?)
    }
}

/// The key that signs our AuthnRequests and metadata, with the algorithm chosen for it.
#[derive(Clone, Debug)]
pub struct SigningKey {
    pub pair: KeyPair,
    pub algorithm: SignatureAlgorithm,
}

impl SigningKey {
    pub fn new(pair: KeyPair) -> Result<Self> {
        let algorithm = signature_algorithm_for(pair.key.public_key())?;
        Ok(SigningKey { pair, algorithm })
    }
}
