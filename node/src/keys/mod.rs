//! Our private keys, behind a trait that knows no protocol: sign with a named scheme, RSA-OAEP
//! decrypt with a named digest and MGF, ECDH with a peer point. `saml` and `oidc` hold
//! `Arc<dyn PrivateKey>` and never touch key material, so a key can live in a file today
//! ([`FileKey`], with the fast paths the benchmarks rely on) and in a token (PKCS#11) later.
//! [`KeyRing`] holds what is next, current and retiring, read per request and swapped whole, so
//! keys change without a restart.
//!
//! Must not: know SAML, JOSE or HTTP; log or print key material.

use std::sync::{Arc, RwLock};

use openssl::ec::EcPointRef;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};

mod file;
pub mod pkcs11;

pub use file::FileKey;

/// A certificate's `notAfter`.
pub fn cert_not_after(cert: &openssl::x509::X509Ref) -> Option<time::OffsetDateTime> {
    let epoch = openssl::asn1::Asn1Time::from_unix(0).ok()?;
    let d = epoch.diff(cert.not_after()).ok()?;
    time::OffsetDateTime::from_unix_timestamp(i64::from(d.days) * 86_400 + i64::from(d.secs)).ok()
}

/// A certificate's SHA-256 fingerprint, lower-case hex.
pub fn cert_fingerprint(cert: &openssl::x509::X509Ref) -> String {
    cert.digest(MessageDigest::sha256())
        .map(|d| crate::hex::encode(&d))
        .unwrap_or_default()
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("the key cannot do {0}")]
    Unsupported(&'static str),
    #[error("the key operation failed: {0}")]
    Failed(String),
}

impl From<openssl::error::ErrorStack> for Error {
    fn from(e: openssl::error::ErrorStack) -> Self {
        Error::Failed(e.to_string())
    }
}

/// A hash function, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Digest {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    pub fn md(self) -> MessageDigest {
        match self {
            Digest::Sha1 => MessageDigest::sha1(),
            Digest::Sha256 => MessageDigest::sha256(),
            Digest::Sha384 => MessageDigest::sha384(),
            Digest::Sha512 => MessageDigest::sha512(),
        }
    }
}

/// A signature scheme, by name. The salt of RSA-PSS is the digest's length, its MGF1 the digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// ECDSA; the signature is DER (`ECDSA-Sig-Value`): each protocol re-encodes it.
    Ecdsa(Digest),
    RsaPss(Digest),
    RsaPkcs1(Digest),
}

/// A shared secret, wiped when dropped.
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // `fill` then a compiler fence so the store is not elided as dead.
        self.0.fill(0);
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

/// A private key that never hands out its private half.
pub trait PrivateKey: Send + Sync + std::fmt::Debug {
    /// The public half: to match certificates, choose algorithms and publish.
    fn public_key(&self) -> &PKey<Public>;
    /// Signs `data` (the whole message; the key hashes it).
    fn sign(&self, scheme: Scheme, data: &[u8]) -> Result<Vec<u8>, Error>;
    /// RSA-OAEP decryption with `digest`, MGF1 with `mgf`, and an optional label.
    fn decrypt_rsa_oaep(
        &self,
        ciphertext: &[u8],
        digest: Digest,
        mgf: Digest,
        label: Option<&[u8]>,
    ) -> Result<Vec<u8>, Error>;
    /// The ECDH shared secret Z = x(d·Q) (SP 800-56A §5.7.1.2), field-size bytes, with `peer`
    /// already decoded to a point on our curve by the caller.
    fn ecdh(&self, peer: &EcPointRef) -> Result<Secret, Error>;
}

/// Where a key is in its life: published ahead, in use, or published after use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyState {
    /// Published so that peers can fetch it before it is used.
    Next,
    /// In use.
    Current,
    /// No longer used; still published (and, for decryption, still tried) while answers to
    /// what it signed or encrypted may arrive.
    Retiring,
}

/// A value (a set of keys in their states) read per request and replaced whole: readers take a
/// snapshot (an `Arc`) and never see half a rollover.
#[derive(Debug)]
pub struct KeyRing<T>(RwLock<Arc<T>>);

impl<T> KeyRing<T> {
    pub fn new(value: T) -> Self {
        KeyRing(RwLock::new(Arc::new(value)))
    }

    /// What is in force now.
    pub fn snapshot(&self) -> Arc<T> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Puts `value` in force; requests already running keep the snapshot they took.
    pub fn replace(&self, value: T) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_is_unchanged_by_a_later_replace() {
        let ring = KeyRing::new(vec![1]);
        let before = ring.snapshot();
        ring.replace(vec![2]);
        assert_eq!(*before, vec![1]);
        assert_eq!(*ring.snapshot(), vec![2]);
    }
}
