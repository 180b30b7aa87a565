//! The eIDAS crypto profile (eidas-requirements §3) on OpenSSL: algorithm identifiers, the
//! allow-lists, and the signature primitives. Nothing here parses XML.

use openssl::bn::BigNum;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::pkey::{HasPublic, Id, PKey, PKeyRef, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};

use super::error::{Error, Result};
use crate::keys::{Digest, PrivateKey, Scheme};

pub mod uri {
    pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
    pub const SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    pub const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
    pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

    pub const RSA_PSS_SHA256: &str = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1";
    pub const RSA_PSS_SHA384: &str = "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1";
    pub const RSA_PSS_SHA512: &str = "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1";
    pub const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    pub const ECDSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    pub const ECDSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";
    pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    pub const RSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    pub const RSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";

    pub const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
    pub const AES192_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
    pub const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
    pub const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    pub const ECDH_ES: &str = "http://www.w3.org/2009/xmlenc11#ECDH-ES";
    pub const CONCAT_KDF: &str = "http://www.w3.org/2009/xmlenc11#ConcatKDF";
    pub const KW_AES128: &str = "http://www.w3.org/2001/04/xmlenc#kw-aes128";
    pub const KW_AES192: &str = "http://www.w3.org/2001/04/xmlenc#kw-aes192";
    pub const KW_AES256: &str = "http://www.w3.org/2001/04/xmlenc#kw-aes256";
    pub const MGF1_SHA1: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
    pub const MGF1_SHA256: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha256";
    pub const MGF1_SHA384: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha384";
    pub const MGF1_SHA512: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha512";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// Digest URIs allowed for references and KDFs: SHA-2 ≥ 256 only (§3.1.1).
    pub fn from_digest_uri(u: &str) -> Result<Self> {
        match u {
            uri::SHA256 => Ok(Hash::Sha256),
            uri::SHA384 => Ok(Hash::Sha384),
            uri::SHA512 => Ok(Hash::Sha512),
            other => Err(Error::AlgorithmNotAllowed(other.to_owned())),
        }
    }
    pub fn digest_uri(self) -> &'static str {
        match self {
            Hash::Sha256 => uri::SHA256,
            Hash::Sha384 => uri::SHA384,
            Hash::Sha512 => uri::SHA512,
        }
    }
    pub fn key_digest(self) -> Digest {
        match self {
            Hash::Sha256 => Digest::Sha256,
            Hash::Sha384 => Digest::Sha384,
            Hash::Sha512 => Digest::Sha512,
        }
    }

    pub fn md(self) -> MessageDigest {
        match self {
            Hash::Sha256 => MessageDigest::sha256(),
            Hash::Sha384 => MessageDigest::sha384(),
            Hash::Sha512 => MessageDigest::sha512(),
        }
    }
    pub fn digest(self, data: &[u8]) -> Result<Vec<u8>> {
        Ok(openssl::hash::hash(self.md(), data)?.to_vec())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    RsaPss(Hash),
    Ecdsa(Hash),
    /// RSA PKCS#1 v1.5: not eIDAS (§3.3); accepted only under an explicit per-peer interop policy.
    RsaPkcs1(Hash),
}

impl SignatureAlgorithm {
    /// Maps a SignatureMethod URI; anything outside the known set (SHA-1, MD5, DSA, HMAC…) is
    /// rejected here, before any policy applies.
    pub fn from_uri(u: &str) -> Result<Self> {
        use SignatureAlgorithm::*;
        Ok(match u {
            uri::RSA_PSS_SHA256 => RsaPss(Hash::Sha256),
            uri::RSA_PSS_SHA384 => RsaPss(Hash::Sha384),
            uri::RSA_PSS_SHA512 => RsaPss(Hash::Sha512),
            uri::ECDSA_SHA256 => Ecdsa(Hash::Sha256),
            uri::ECDSA_SHA384 => Ecdsa(Hash::Sha384),
            uri::ECDSA_SHA512 => Ecdsa(Hash::Sha512),
            uri::RSA_SHA256 => RsaPkcs1(Hash::Sha256),
            uri::RSA_SHA384 => RsaPkcs1(Hash::Sha384),
            uri::RSA_SHA512 => RsaPkcs1(Hash::Sha512),
            other => return Err(Error::AlgorithmNotAllowed(other.to_owned())),
        })
    }

    pub fn uri(self) -> &'static str {
        use SignatureAlgorithm::*;
        match self {
            RsaPss(Hash::Sha256) => uri::RSA_PSS_SHA256,
            RsaPss(Hash::Sha384) => uri::RSA_PSS_SHA384,
            RsaPss(Hash::Sha512) => uri::RSA_PSS_SHA512,
            Ecdsa(Hash::Sha256) => uri::ECDSA_SHA256,
            Ecdsa(Hash::Sha384) => uri::ECDSA_SHA384,
            Ecdsa(Hash::Sha512) => uri::ECDSA_SHA512,
            RsaPkcs1(Hash::Sha256) => uri::RSA_SHA256,
            RsaPkcs1(Hash::Sha384) => uri::RSA_SHA384,
            RsaPkcs1(Hash::Sha512) => uri::RSA_SHA512,
        }
    }

    fn hash(self) -> Hash {
        match self {
            SignatureAlgorithm::RsaPss(h)
            | SignatureAlgorithm::Ecdsa(h)
            | SignatureAlgorithm::RsaPkcs1(h) => h,
        }
    }
}

/// What signatures a peer may use. The default is the eIDAS profile; the legacy setting exists for
/// production peers whose metadata is still signed with RSA PKCS#1 v1.5 (§3 "Real-world caveat").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignaturePolicy {
    pub allow_rsa_pkcs1: bool,
    pub min_rsa_bits: u32,
}

impl SignaturePolicy {
    /// eidas-requirements §3.3: RSA-PSS ≥ 3072 or ECDSA ≥ 256, nothing else.
    pub const EIDAS: SignaturePolicy = SignaturePolicy {
        allow_rsa_pkcs1: false,
        min_rsa_bits: 3072,
    };
    /// DEVIATION: per-peer opt-in for RSA PKCS#1 v1.5 with SHA-2 and RSA ≥ 2048, which real
    /// production metadata still uses. Never the default; SHA-1 and MD5 stay impossible.
    pub const LEGACY_INTEROP: SignaturePolicy = SignaturePolicy {
        allow_rsa_pkcs1: true,
        min_rsa_bits: 2048,
    };
}

impl Default for SignaturePolicy {
    fn default() -> Self {
        Self::EIDAS
    }
}

/// Checks that the algorithm is allowed and the key is of the right type and strength (§3.3, §3.4).
pub fn check_signature_key<T: HasPublic>(
    alg: SignatureAlgorithm,
    key: &PKeyRef<T>,
    policy: &SignaturePolicy,
) -> Result<()> {
    match alg {
        SignatureAlgorithm::RsaPkcs1(_) if !policy.allow_rsa_pkcs1 => {
            return Err(Error::AlgorithmNotAllowed(alg.uri().to_owned()))
        }
        SignatureAlgorithm::RsaPss(_) | SignatureAlgorithm::RsaPkcs1(_) => {
            if key.id() != Id::RSA {
                return Err(Error::WeakKey("RSA algorithm with a non-RSA key".into()));
            }
            if key.bits() < policy.min_rsa_bits {
                return Err(Error::WeakKey(format!("RSA-{}", key.bits())));
            }
        }
        SignatureAlgorithm::Ecdsa(_) => {
            if key.id() != Id::EC {
                return Err(Error::WeakKey("ECDSA algorithm with a non-EC key".into()));
            }
            if key.bits() < 256 {
                return Err(Error::WeakKey(format!("EC-{}", key.bits())));
            }
        }
    }
    Ok(())
}

/// Verifies an XML-DSig SignatureValue. ECDSA values are raw `r‖s` (XMLDSig 1.1), not DER.
pub fn verify<T: HasPublic>(
    alg: SignatureAlgorithm,
    key: &PKeyRef<T>,
    data: &[u8],
    signature: &[u8],
    policy: &SignaturePolicy,
) -> Result<bool> {
    check_signature_key(alg, key, policy)?;
    let md = alg.hash().md();
    let mut v = Verifier::new(md, key)?;
    match alg {
        SignatureAlgorithm::RsaPss(_) => {
            v.set_rsa_padding(Padding::PKCS1_PSS)?;
            v.set_rsa_mgf1_md(md)?;
            v.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
            v.update(data)?;
            Ok(v.verify(signature).unwrap_or(false))
        }
        SignatureAlgorithm::RsaPkcs1(_) => {
            v.set_rsa_padding(Padding::PKCS1)?;
            v.update(data)?;
            Ok(v.verify(signature).unwrap_or(false))
        }
        SignatureAlgorithm::Ecdsa(_) => {
            if signature.is_empty() || signature.len() % 2 != 0 {
                return Ok(false);
            }
            let (r, s) = signature.split_at(signature.len() / 2);
            let sig =
                EcdsaSig::from_private_components(BigNum::from_slice(r)?, BigNum::from_slice(s)?)?;
            let der = sig.to_der()?;
            v.update(data)?;
            Ok(v.verify(&der).unwrap_or(false))
        }
    }
}

/// Signs with our key; ECDSA output is converted to raw `r‖s` of the curve's field size.
pub fn sign(alg: SignatureAlgorithm, key: &dyn PrivateKey, data: &[u8]) -> Result<Vec<u8>> {
    let scheme = match alg {
        SignatureAlgorithm::RsaPss(h) => Scheme::RsaPss(h.key_digest()),
        SignatureAlgorithm::RsaPkcs1(h) => Scheme::RsaPkcs1(h.key_digest()),
        SignatureAlgorithm::Ecdsa(h) => Scheme::Ecdsa(h.key_digest()),
    };
    let raw = key
        .sign(scheme, data)
        .map_err(|e| Error::Crypto(e.to_string()))?;
    if let SignatureAlgorithm::Ecdsa(_) = alg {
        // XML-DSig wants r‖s, each the size of the curve order (RFC 4051 §3.3).
        let sig = EcdsaSig::from_der(&raw)?;
        let width = i32::try_from(key.public_key().bits().div_ceil(8))
            .map_err(|_| Error::Crypto("key size".into()))?;
        let mut out = sig.r().to_vec_padded(width)?;
        out.extend(sig.s().to_vec_padded(width)?);
        return Ok(out);
    }
    Ok(raw)
}

/// The signature algorithm we use with one of our keys: ECDSA with the hash matching the curve,
/// RSA-PSS-SHA256 for RSA ≥ 3072 (§3.3).
pub fn signature_algorithm_for(key: &PKey<Public>) -> Result<SignatureAlgorithm> {
    match key.id() {
        Id::EC => Ok(SignatureAlgorithm::Ecdsa(match key.bits() {
            0..=255 => return Err(Error::WeakKey(format!("EC-{}", key.bits()))),
            256..=383 => Hash::Sha256,
            384..=511 => Hash::Sha384,
            _ => Hash::Sha512,
        })),
        Id::RSA if key.bits() >= 3072 => Ok(SignatureAlgorithm::RsaPss(Hash::Sha256)),
        Id::RSA => Err(Error::WeakKey(format!("RSA-{}", key.bits()))),
        _ => Err(Error::Key("unsupported key type".into())),
    }
}

/// Constant-time equality for digests.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a, b)
}
