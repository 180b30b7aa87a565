//! Compact JWE (RFC 7516) for the wallet's answer (OpenID4VP 1.0 §8.3 `direct_post.jwt`, HAIP 1.0
//! §5): `alg` ECDH-ES, direct key agreement on P-256 (RFC 7518 §4.6) with the ephemeral key we
//! created for that one request, `enc` A128GCM or A256GCM. Nothing else is accepted: no key
//! wrapping, no compression (`zip`: an attacker-chosen inflate), no `crit` extensions, no other
//! curve. Every failure after the header is one error, so the answer is no decryption oracle.
//!
//! [`encrypt`] is the wallet's side, for the simulated wallet and tests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, EcPoint};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private, Public};
use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};
use serde::Deserialize;

use crate::keys::PrivateKey;

/// The content encryptions we accept (HAIP 1.0 §5: a verifier supports both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    A128GCM,
    A256GCM,
}

impl Enc {
    pub fn as_str(self) -> &'static str {
        match self {
            Enc::A128GCM => "A128GCM",
            Enc::A256GCM => "A256GCM",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "A128GCM" => Some(Enc::A128GCM),
            "A256GCM" => Some(Enc::A256GCM),
            _ => None,
        }
    }

    fn key_len(self) -> usize {
        match self {
            Enc::A128GCM => 16,
            Enc::A256GCM => 32,
        }
    }

    fn cipher(self) -> Cipher {
        match self {
            Enc::A128GCM => Cipher::aes_128_gcm(),
            Enc::A256GCM => Cipher::aes_256_gcm(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("not a compact JWE: {0}")]
    Malformed(&'static str),
    #[error("JWE algorithm not allowed: {0}")]
    AlgorithmNotAllowed(String),
    #[error("JWE header parameter not allowed: {0}")]
    HeaderNotAllowed(&'static str),
    #[error("JWE is for another key (kid)")]
    WrongKey,
    #[error("JWE could not be decrypted")]
    Decryption,
}

#[derive(Debug, Deserialize)]
struct EpkJwk {
    kty: String,
    crv: String,
    x: String,
    y: String,
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    enc: String,
    kid: Option<String>,
    epk: Option<EpkJwk>,
    apu: Option<String>,
    apv: Option<String>,
    zip: Option<serde_json::Value>,
    crit: Option<serde_json::Value>,
}

/// What a decrypted JWE gave.
#[derive(Debug)]
pub struct Decrypted {
    pub payload: Vec<u8>,
    pub enc: Enc,
}

/// The JWE `epk` as a point on P-256, fully validated (on the curve with coordinates below p;
/// P-256 has cofactor 1).
fn epk_point(epk: &EpkJwk) -> Result<EcPoint, Error> {
    if epk.kty != "EC" || epk.crv != "P-256" {
        return Err(Error::AlgorithmNotAllowed(
            "epk is not an EC P-256 key".into(),
        ));
    }
    let coord = |s: &str| {
        B64.decode(s)
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or(Error::Malformed("epk coordinate"))
    };
    super::p256_point(&coord(&epk.x)?, &coord(&epk.y)?).ok_or(Error::Malformed("epk not on P-256"))
}

/// RFC 7518 §4.6.2: ConcatKDF over Z with AlgorithmID = `enc`, PartyUInfo = apu, PartyVInfo =
/// apv (each length-prefixed) and SuppPubInfo = the key length in bits.
fn derive_cek(z: &[u8], enc: Enc, apu: &[u8], apv: &[u8]) -> Result<Vec<u8>, Error> {
    let mut other = Vec::new();
    for part in [enc.as_str().as_bytes(), apu, apv] {
        let len = u32::try_from(part.len()).map_err(|_| Error::Malformed("apu/apv too long"))?;
        other.extend_from_slice(&len.to_be_bytes());
        other.extend_from_slice(part);
    }
    let bits = u32::try_from(enc.key_len() * 8).map_err(|_| Error::Decryption)?;
    other.extend_from_slice(&bits.to_be_bytes());
    crate::keys::concat_kdf(MessageDigest::sha256(), z, &other, enc.key_len())
        .map_err(|_| Error::Decryption)
}

fn b64_part(s: &str, what: &'static str) -> Result<Vec<u8>, Error> {
    B64.decode(s).map_err(|_| Error::Malformed(what))
}

/// Decrypts a compact JWE sent to `key` (our ephemeral P-256 key of one request, whose `kid` is
/// `kid`): ECDH-ES with the sender's `epk`, then AES-GCM with the protected header as AAD.
pub fn decrypt(token: &str, key: &dyn PrivateKey, kid: &str) -> Result<Decrypted, Error> {
    let parts: Vec<&str> = token.split('.').collect();
    let [h, ek, iv, ct, tag] = parts.as_slice() else {
        return Err(Error::Malformed("five parts"));
    };
    let header: Header =
        serde_json::from_slice(&b64_part(h, "header")?).map_err(|_| Error::Malformed("header"))?;
    if header.alg != "ECDH-ES" {
        return Err(Error::AlgorithmNotAllowed(
            header.alg.chars().take(32).collect(),
        ));
    }
    let enc = Enc::parse(&header.enc)
        .ok_or_else(|| Error::AlgorithmNotAllowed(header.enc.chars().take(32).collect()))?;
    if header.zip.is_some() {
        return Err(Error::HeaderNotAllowed("zip"));
    }
    if header.crit.is_some() {
        return Err(Error::HeaderNotAllowed("crit"));
    }
    // OpenID4VP 1.0 §8.3: the wallet names the key it encrypted to.
    if header.kid.as_deref().is_some_and(|k| k != kid) {
        return Err(Error::WrongKey);
    }
    // Direct key agreement: no encrypted key.
    if !ek.is_empty() {
        return Err(Error::Malformed("an encrypted key with ECDH-ES"));
    }
    if key
        .public_key()
        .ec_key()
        .ok()
        .and_then(|k| k.group().curve_name())
        != Some(Nid::X9_62_PRIME256V1)
    {
        return Err(Error::WrongKey);
    }
    let epk = header.epk.as_ref().ok_or(Error::Malformed("no epk"))?;
    let point = epk_point(epk)?;
    let z = key.ecdh(&point).map_err(|_| Error::Decryption)?;
    let apu = header
        .apu
        .as_deref()
        .map(|s| b64_part(s, "apu"))
        .transpose()?;
    let apv = header
        .apv
        .as_deref()
        .map(|s| b64_part(s, "apv"))
        .transpose()?;
    let cek = derive_cek(
        z.as_bytes(),
        enc,
        apu.as_deref().unwrap_or(&[]),
        apv.as_deref().unwrap_or(&[]),
    )?;
    let iv = b64_part(iv, "iv")?;
    let tag = b64_part(tag, "tag")?;
    if iv.len() != 12 || tag.len() != 16 {
        return Err(Error::Malformed("iv or tag length"));
    }
    let ct = b64_part(ct, "ciphertext")?;
    let payload = decrypt_aead(enc.cipher(), &cek, Some(&iv), h.as_bytes(), &ct, &tag)
        .map_err(|_| Error::Decryption)?;
    Ok(Decrypted { payload, enc })
}

/// A fresh P-256 key pair, for one request's encryption key (HAIP 1.0 §5: ephemeral).
pub fn ephemeral_key() -> Result<PKey<Private>, openssl::error::ErrorStack> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
    PKey::from_ec_key(EcKey::generate(&group)?)
}

/// The public JWK members of a P-256 key: (x, y), base64url.
pub fn p256_coordinates(
    key: &PKey<Public>,
) -> Result<(String, String), openssl::error::ErrorStack> {
    let ec = key.ec_key()?;
    let mut ctx = BigNumContext::new()?;
    let (mut x, mut y) = (BigNum::new()?, BigNum::new()?);
    ec.public_key()
        .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)?;
    Ok((
        B64.encode(x.to_vec_padded(32)?),
        B64.encode(y.to_vec_padded(32)?),
    ))
}

/// The RFC 7638 thumbprint (SHA-256) of a P-256 public key: the raw 32 bytes.
pub fn p256_thumbprint(key: &PKey<Public>) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let (x, y) = p256_coordinates(key)?;
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    Ok(openssl::hash::hash(MessageDigest::sha256(), canonical.as_bytes())?.to_vec())
}

/// The wallet's side: encrypts `payload` to the recipient's P-256 public key (`kid` named in the
/// header), with a fresh ephemeral key, `apu`/`apv` as given.
pub fn encrypt(
    payload: &[u8],
    recipient: &PKey<Public>,
    kid: &str,
    enc: Enc,
    apv: Option<&[u8]>,
) -> Result<String, openssl::error::ErrorStack> {
    let ephemeral = ephemeral_key()?;
    let public = PKey::public_key_from_der(&ephemeral.public_key_to_der()?)?;
    let (x, y) = p256_coordinates(&public)?;
    let mut deriver = openssl::derive::Deriver::new(&ephemeral)?;
    deriver.set_peer(recipient)?;
    let z = deriver.derive_to_vec()?;
    let header = serde_json::json!({
        "alg": "ECDH-ES",
        "enc": enc.as_str(),
        "kid": kid,
        "epk": {"kty": "EC", "crv": "P-256", "x": x, "y": y},
        "apv": apv.map(|v| B64.encode(v)),
    });
    let h = B64.encode(header.to_string());
    let cek = derive_cek(&z, enc, &[], apv.unwrap_or(&[]))
        .map_err(|_| openssl::error::ErrorStack::get())?;
    let mut iv = [0u8; 12];
    openssl::rand::rand_bytes(&mut iv)?;
    let mut tag = [0u8; 16];
    let ct = encrypt_aead(
        enc.cipher(),
        &cek,
        Some(&iv),
        h.as_bytes(),
        payload,
        &mut tag,
    )?;
    Ok(format!(
        "{h}..{}.{}.{}",
        B64.encode(iv),
        B64.encode(ct),
        B64.encode(tag)
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::keys::FileKey;

    fn recipient() -> (FileKey, PKey<Public>) {
        let key = ephemeral_key().unwrap();
        let public = PKey::public_key_from_der(&key.public_key_to_der().unwrap()).unwrap();
        (FileKey::new(key).unwrap(), public)
    }

    #[test]
    fn a_round_trip_with_both_encryptions_and_apv() {
        let (ours, public) = recipient();
        for enc in [Enc::A128GCM, Enc::A256GCM] {
            let jwe = encrypt(br#"{"vp_token":{}}"#, &public, "k1", enc, Some(b"nonce")).unwrap();
            let d = decrypt(&jwe, &ours, "k1").unwrap();
            assert_eq!(d.payload, br#"{"vp_token":{}}"#);
            assert_eq!(d.enc, enc);
        }
    }

    #[test]
    fn every_tampered_or_foreign_jwe_is_refused_without_panicking() {
        let (ours, public) = recipient();
        let jwe = encrypt(b"secret", &public, "k1", Enc::A256GCM, None).unwrap();
        // Another kid, another recipient key.
        assert_eq!(decrypt(&jwe, &ours, "k2").unwrap_err(), Error::WrongKey);
        let (other, _) = recipient();
        assert_eq!(decrypt(&jwe, &other, "k1").unwrap_err(), Error::Decryption);
        // Every byte of ciphertext, IV and tag matters.
        let parts: Vec<&str> = jwe.split('.').collect();
        for i in 2..5 {
            let mut bytes = B64.decode(parts[i]).unwrap();
            bytes[0] ^= 1;
            let mut p = parts.clone();
            let flipped = B64.encode(&bytes);
            p[i] = &flipped;
            assert!(decrypt(&p.join("."), &ours, "k1").is_err(), "part {i}");
        }
        // The header is authenticated (AAD): a changed apv is refused.
        let mut header: serde_json::Value =
            serde_json::from_slice(&B64.decode(parts[0]).unwrap()).unwrap();
        header["apv"] = "eA".into();
        let h = B64.encode(header.to_string());
        let forged = format!("{h}.{}", parts[1..].join("."));
        assert_eq!(
            decrypt(&forged, &ours, "k1").unwrap_err(),
            Error::Decryption
        );
        // Other algorithms, compression, critical extensions, a wrapped key, garbage.
        for (alg, enc, extra) in [
            ("ECDH-ES+A256KW", "A256GCM", ""),
            ("RSA-OAEP-256", "A256GCM", ""),
            ("ECDH-ES", "A128CBC-HS256", ""),
            ("ECDH-ES", "A256GCM", r#","zip":"DEF""#),
            ("ECDH-ES", "A256GCM", r#","crit":["x"]"#),
        ] {
            let h = B64.encode(format!(r#"{{"alg":"{alg}","enc":"{enc}"{extra}}}"#));
            let t = format!("{h}.{}", parts[1..].join("."));
            assert!(decrypt(&t, &ours, "k1").is_err(), "{alg} {enc} {extra}");
        }
        let wrapped = format!("{}.AAAA.{}", parts[0], parts[2..].join("."));
        assert!(decrypt(&wrapped, &ours, "k1").is_err());
        for garbage in [
            "",
            "a.b",
            "....",
            "a.b.c.d.e.f",
            "\u{0}.\u{0}.\u{0}.\u{0}.\u{0}",
        ] {
            assert!(decrypt(garbage, &ours, "k1").is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn an_epk_off_the_curve_is_refused() {
        let (ours, public) = recipient();
        let jwe = encrypt(b"x", &public, "k1", Enc::A128GCM, None).unwrap();
        let parts: Vec<&str> = jwe.split('.').collect();
        let mut header: serde_json::Value =
            serde_json::from_slice(&B64.decode(parts[0]).unwrap()).unwrap();
        header["epk"]["y"] = B64.encode([7u8; 32]).into();
        let h = B64.encode(header.to_string());
        let t = format!("{h}.{}", parts[1..].join("."));
        assert_eq!(
            decrypt(&t, &ours, "k1").unwrap_err(),
            Error::Malformed("epk not on P-256")
        );
    }

    /// RFC 7638 §3.1's method on the key of OpenID4VP 1.0 Appendix B.2.6.1, whose thumbprint the
    /// specification's SessionTranscript example uses.
    #[test]
    fn the_thumbprint_matches_the_openid4vp_example() {
        let jwk = crate::jose::Jwk {
            kty: "EC".into(),
            kid: None,
            alg: None,
            use_: None,
            crv: Some("P-256".into()),
            x: Some("DxiH5Q4Yx3UrukE2lWCErq8N8bqC9CHLLrAwLz5BmE0".into()),
            y: Some("XtLM4-3h5o3HUH0MHVJV0kyq0iBlrBwlh8qEDMZ4-Pc".into()),
            n: None,
            e: None,
        };
        let t = p256_thumbprint(&jwk.to_public_key().unwrap()).unwrap();
        assert_eq!(
            crate::hex::encode(&t),
            "4283ec927ae0f208daaa2d026a814f2b22dca52cf85ffa8f3f8626c6bd669047"
        );
    }
}
