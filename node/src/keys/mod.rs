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
pub mod oaep;
pub mod pkcs11;
pub mod schedule;

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

/// A certificate for `subject` named `cn`, issued by `signer` named `issuer_cn` (the same key and
/// name: self-signed), with ECDSA or RSA PKCS#1 v1.5 and SHA-256, signed wherever the signer
/// lives: the to-be-signed part is built by OpenSSL and signed through [`PrivateKey::sign`], so a
/// token key certifies inside the token. (A decryption key in a token may not sign, so its
/// certificate is issued by our signing key.)
pub fn certificate(
    subject: &openssl::pkey::PKeyRef<Public>,
    cn: &str,
    signer: &dyn PrivateKey,
    issuer_cn: &str,
    days: u32,
) -> Result<openssl::x509::X509, Error> {
    use openssl::x509::{X509NameBuilder, X509};
    let public = signer.public_key();
    // A stand-in of the same kind only fixes the signature algorithm in the TBS; its signature
    // is thrown away.
    let (stand_in, scheme) = match public.id() {
        openssl::pkey::Id::EC => {
            let group = public
                .ec_key()?
                .group()
                .curve_name()
                .ok_or(Error::Unsupported("this curve"))?;
            let group = openssl::ec::EcGroup::from_curve_name(group)?;
            (
                PKey::from_ec_key(openssl::ec::EcKey::generate(&group)?)?,
                Scheme::Ecdsa(Digest::Sha256),
            )
        }
        openssl::pkey::Id::RSA => (
            PKey::from_rsa(openssl::rsa::Rsa::generate(2048)?)?,
            Scheme::RsaPkcs1(Digest::Sha256),
        ),
        _ => return Err(Error::Unsupported("this key type")),
    };
    let name = |cn: &str| -> Result<openssl::x509::X509Name, Error> {
        let mut name = X509NameBuilder::new()?;
        name.append_entry_by_text("CN", cn)?;
        Ok(name.build())
    };
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let mut serial = openssl::bn::BigNum::new()?;
    serial.rand(127, openssl::bn::MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    b.set_serial_number(&serial)?;
    let (subject_name, issuer_name) = (name(cn)?, name(issuer_cn)?);
    b.set_subject_name(&subject_name)?;
    b.set_issuer_name(&issuer_name)?;
    b.set_pubkey(subject)?;
    let (from, until) = (
        openssl::asn1::Asn1Time::days_from_now(0)?,
        openssl::asn1::Asn1Time::days_from_now(days)?,
    );
    b.set_not_before(&from)?;
    b.set_not_after(&until)?;
    b.sign(&stand_in, MessageDigest::sha256())?;
    let der = b.build().to_der()?;
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
    let bad = || Error::Failed("certificate encoding".into());
    let (h, len) = der_header(&der).ok_or_else(bad)?;
    let body = der.get(h..h + len).ok_or_else(bad)?;
    let (th, tl) = der_header(body).ok_or_else(bad)?;
    let tbs = body.get(..th + tl).ok_or_else(bad)?;
    let rest = body.get(th + tl..).ok_or_else(bad)?;
    let (ah, al) = der_header(rest).ok_or_else(bad)?;
    let alg = rest.get(..ah + al).ok_or_else(bad)?;
    let signature = signer.sign(scheme, tbs)?;
    let mut bits = vec![0u8];
    bits.extend_from_slice(&signature);
    let mut inner = tbs.to_vec();
    inner.extend_from_slice(alg);
    inner.extend(der_tlv(0x03, &bits));
    let cert = X509::from_der(&der_tlv(0x30, &inner))?;
    if !cert.verify(public)? {
        return Err(Error::Failed(
            "the new certificate's signature does not verify".into(),
        ));
    }
    Ok(cert)
}

/// A DER element's header length and content length.
fn der_header(der: &[u8]) -> Option<(usize, usize)> {
    let first = *der.get(1)?;
    if first < 0x80 {
        return Some((2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let len = der
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Some((2 + n, len))
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let len = content.len();
    if len < 0x80 {
        v.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        v.push(0x80 | bytes.len() as u8);
        v.extend(bytes);
    }
    v.extend_from_slice(content);
    v
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

/// The single-step key derivation of NIST SP 800-56A §5.8.2.1 ("ConcatKDF"): `len` bytes of
/// H(counter ‖ Z ‖ OtherInfo) for counter = 1, 2, … . XML-Enc 1.1 ECDH-ES (its OtherInfo from
/// `ConcatKDFParams`) and JWE ECDH-ES (RFC 7518 §4.6.2) both derive their keys with it.
pub fn concat_kdf(
    md: MessageDigest,
    z: &[u8],
    other_info: &[u8],
    len: usize,
) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let mut out = Vec::with_capacity(len + md.size());
    let mut counter: u32 = 1;
    while out.len() < len {
        let mut h = openssl::hash::Hasher::new(md)?;
        h.update(&counter.to_be_bytes())?;
        h.update(z)?;
        h.update(other_info)?;
        out.extend_from_slice(&h.finish()?);
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    Ok(out)
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
    /// Whether the key may be used for `purpose` at all (a token key carries what it is allowed:
    /// `CKA_SIGN`, `CKA_DECRYPT`, `CKA_DERIVE`); checked when the configuration loads, so a key
    /// of the wrong kind is a `check` problem, not a failed login. A file key may do anything.
    fn permits(&self, purpose: Purpose) -> Result<(), Error> {
        let _ = purpose;
        Ok(())
    }
    /// Whether the key is usable now (a token that answers, a session that finds the key); for
    /// readiness. A file key always is.
    fn probe(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// What a key of ours is configured for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Sign,
    /// RSA-OAEP or ECDH-ES, by key type.
    Decrypt,
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
