//! JOSE over OpenSSL: compact JWS (RFC 7515) signing and verification for ES256, PS256 and RS256
//! only, shared by the OpenID Connect provider and the wallet verifier; `jwe` decrypts the
//! wallet's ECDH-ES answers. Small on purpose: `alg` comes from our own allow-list, never `none`,
//! never HMAC.

pub mod jwe;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Public};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::{RsaPssSaltlen, Verifier};
use serde::{Deserialize, Serialize};

use crate::keys::{Digest, PrivateKey, Scheme};

/// The JWS algorithms we sign and accept (RFC 7518 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Alg {
    ES256,
    PS256,
    RS256,
}

impl Alg {
    pub fn as_str(self) -> &'static str {
        match self {
            Alg::ES256 => "ES256",
            Alg::PS256 => "PS256",
            Alg::RS256 => "RS256",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ES256" => Some(Alg::ES256),
            "PS256" => Some(Alg::PS256),
            "RS256" => Some(Alg::RS256),
            _ => None,
        }
    }
}

pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Signs `signing_input` (`header.payload`) and returns the raw JWS signature.
pub fn sign(
    alg: Alg,
    key: &dyn PrivateKey,
    signing_input: &[u8],
) -> Result<Vec<u8>, crate::keys::Error> {
    let scheme = match alg {
        Alg::ES256 => Scheme::Ecdsa(Digest::Sha256),
        Alg::PS256 => Scheme::RsaPss(Digest::Sha256),
        Alg::RS256 => Scheme::RsaPkcs1(Digest::Sha256),
    };
    let der = key.sign(scheme, signing_input)?;
    if alg != Alg::ES256 {
        return Ok(der);
    }
    // The key gives ECDSA as DER; JWS wants fixed-width r || s (RFC 7518 §3.4).
    let sig = EcdsaSig::from_der(&der)?;
    let mut out = sig.r().to_vec_padded(32)?;
    out.extend(sig.s().to_vec_padded(32)?);
    Ok(out)
}

/// A compact ES256 JWS of `payload` with `header` (the caller's header: `typ`, `x5c`, …).
pub fn sign_compact(
    header: &serde_json::Value,
    payload: &serde_json::Value,
    key: &dyn PrivateKey,
) -> Result<String, crate::keys::Error> {
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(payload.to_string())
    );
    let sig = sign(Alg::ES256, key, input.as_bytes())?;
    Ok(format!("{input}.{}", B64.encode(sig)))
}

/// The public JWK of a P-256 key (`kty`, `crv`, `x`, `y`; RFC 7518 §6.2).
pub fn p256_jwk(key: &PKey<Public>) -> Result<serde_json::Value, openssl::error::ErrorStack> {
    let (x, y) = jwe::p256_coordinates(key)?;
    Ok(serde_json::json!({"kty": "EC", "crv": "P-256", "x": x, "y": y}))
}

/// The `x5c` header value of a certificate chain, leaf first (RFC 7515 §4.1.6: standard
/// base64 of the DER).
pub fn x5c(chain: &[openssl::x509::X509]) -> Result<serde_json::Value, openssl::error::ErrorStack> {
    use base64::engine::general_purpose::STANDARD;
    chain
        .iter()
        .map(|c| {
            c.to_der()
                .map(|d| serde_json::Value::String(STANDARD.encode(d)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(serde_json::Value::Array)
}

/// Verifies a raw JWS signature. Any malformed input is `false`, never a panic.
pub fn verify(alg: Alg, key: &PKey<Public>, signing_input: &[u8], signature: &[u8]) -> bool {
    verify_inner(alg, key, signing_input, signature).unwrap_or(false)
}

fn verify_inner(
    alg: Alg,
    key: &PKey<Public>,
    input: &[u8],
    signature: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    let der;
    let sig = if alg == Alg::ES256 {
        // ES256 is ECDSA on P-256 with SHA-256 (RFC 7518 §3.4), not any EC key.
        let p256 =
            key.ec_key().ok().and_then(|k| k.group().curve_name()) == Some(Nid::X9_62_PRIME256V1);
        if signature.len() != 64 || !p256 {
            return Ok(false);
        }
        let (r, s) = signature.split_at(32);
        der = EcdsaSig::from_private_components(BigNum::from_slice(r)?, BigNum::from_slice(s)?)?
            .to_der()?;
        der.as_slice()
    } else {
        if key.rsa().is_err() || key.bits() < 2048 {
            return Ok(false);
        }
        signature
    };
    let mut verifier = Verifier::new(MessageDigest::sha256(), key)?;
    if alg == Alg::PS256 {
        verifier.set_rsa_padding(Padding::PKCS1_PSS)?;
        verifier.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
        verifier.set_rsa_mgf1_md(MessageDigest::sha256())?;
    }
    verifier.verify_oneshot(sig, input)
}

/// A public JWK as far as we read one (RFC 7517/7518 §6): EC P-256 or RSA.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kty: String,
    pub kid: Option<String>,
    pub alg: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
    pub crv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
    pub n: Option<String>,
    pub e: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// A P-256 public point from its affine coordinates, refused unless on the curve. P-256 has
/// cofactor 1, so that is the whole of SP 800-56A's partial public-key validation; OpenSSL's
/// `EC_KEY_check_key` (which `from_public_key_affine_coordinates` runs) adds an n·Q = O scalar
/// multiplication that costs as much as the ECDH or verification it guards.
pub fn p256_point(x: &[u8], y: &[u8]) -> Option<openssl::ec::EcPoint> {
    if x.len() != 32 || y.len() != 32 {
        return None;
    }
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).ok()?;
    let mut ctx = openssl::bn::BigNumContext::new().ok()?;
    let mut point = openssl::ec::EcPoint::new(&group).ok()?;
    let (x, y) = (BigNum::from_slice(x).ok()?, BigNum::from_slice(y).ok()?);
    // Coordinates are field elements: below p (no second encoding of a point).
    let (mut p, mut a, mut b) = (
        BigNum::new().ok()?,
        BigNum::new().ok()?,
        BigNum::new().ok()?,
    );
    group
        .components_gfp(&mut p, &mut a, &mut b, &mut ctx)
        .ok()?;
    if x >= p || y >= p {
        return None;
    }
    point
        .set_affine_coordinates_gfp(&group, &x, &y, &mut ctx)
        .ok()?;
    point.is_on_curve(&group, &mut ctx).ok()?.then_some(point)
}

/// [`p256_point`] as a public key.
pub fn p256_public_key(x: &[u8], y: &[u8]) -> Option<PKey<Public>> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).ok()?;
    let point = p256_point(x, y)?;
    PKey::from_ec_key(EcKey::from_public_key(&group, &point).ok()?).ok()
}

fn b64_field(v: &Option<String>) -> Option<Vec<u8>> {
    v.as_deref().and_then(|s| B64.decode(s).ok())
}

impl Jwk {
    /// The OpenSSL public key, or `None` for unsupported or malformed keys.
    pub fn to_public_key(&self) -> Option<PKey<Public>> {
        match self.kty.as_str() {
            "EC" if self.crv.as_deref() == Some("P-256") => {
                p256_public_key(&b64_field(&self.x)?, &b64_field(&self.y)?)
            }
            "RSA" => {
                let n = BigNum::from_slice(&b64_field(&self.n)?).ok()?;
                let e = BigNum::from_slice(&b64_field(&self.e)?).ok()?;
                PKey::from_rsa(Rsa::from_public_components(n, e).ok()?).ok()
            }
            _ => None,
        }
    }

    /// Whether this key may verify `alg`.
    pub fn fits(&self, alg: Alg) -> bool {
        let kty_ok = match alg {
            Alg::ES256 => self.kty == "EC",
            Alg::PS256 | Alg::RS256 => self.kty == "RSA",
        };
        kty_ok
            && self.alg.as_deref().is_none_or(|a| a == alg.as_str())
            && self.use_.as_deref().is_none_or(|u| u == "sig")
    }
}

#[derive(Debug, Deserialize)]
pub struct JwsHeader {
    pub alg: String,
    pub kid: Option<String>,
    pub typ: Option<String>,
}

/// A compact JWS split into its parts; nothing is trusted until [`verify_with_set`] says so.
#[derive(Debug)]
pub struct UnverifiedJws<'a> {
    pub header: JwsHeader,
    pub alg: Alg,
    signing_input: &'a str,
    signature: Vec<u8>,
    payload: Vec<u8>,
}

impl<'a> UnverifiedJws<'a> {
    pub fn parse(token: &'a str) -> Option<Self> {
        let mut parts = token.split('.');
        let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: JwsHeader = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
        let alg = Alg::parse(&header.alg)?;
        let signing_input = token.get(..h.len() + 1 + p.len())?;
        Some(UnverifiedJws {
            header,
            alg,
            signing_input,
            signature: B64.decode(s).ok()?,
            payload: B64.decode(p).ok()?,
        })
    }

    /// Verifies against `key` (established by the caller, e.g. from a validated certificate) and
    /// returns the payload bytes.
    pub fn verify_with_key(&self, key: &PKey<Public>) -> Option<&[u8]> {
        verify(
            self.alg,
            key,
            self.signing_input.as_bytes(),
            &self.signature,
        )
        .then_some(self.payload.as_slice())
    }

    /// Verifies against the keys of `set` that fit the header (`kid` when given) and returns the
    /// payload bytes.
    pub fn verify_with_set(&self, set: &[Jwk]) -> Option<&[u8]> {
        let ok = set
            .iter()
            .filter(|k| k.fits(self.alg))
            .filter(|k| match (&self.header.kid, &k.kid) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            })
            .filter_map(Jwk::to_public_key)
            .any(|pk| {
                verify(
                    self.alg,
                    &pk,
                    self.signing_input.as_bytes(),
                    &self.signature,
                )
            });
        ok.then_some(self.payload.as_slice())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn a_p256_point_must_be_on_the_curve_with_coordinates_below_p() {
        let key =
            EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap();
        let mut ctx = openssl::bn::BigNumContext::new().unwrap();
        let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
        key.public_key()
            .affine_coordinates(key.group(), &mut x, &mut y, &mut ctx)
            .unwrap();
        let (xb, yb) = (x.to_vec_padded(32).unwrap(), y.to_vec_padded(32).unwrap());
        assert!(p256_point(&xb, &yb).is_some());
        let mut off = yb.clone();
        off[31] ^= 1;
        assert!(p256_point(&xb, &off).is_none(), "off the curve");
        // x + p: the same point, a second encoding (33 bytes would not even be read; take
        // p itself, which is not a coordinate).
        let p = hex_decode("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        assert!(p256_point(&p, &yb).is_none(), "a coordinate equal to p");
        assert!(p256_point(&xb[1..], &yb).is_none(), "short");
    }

    fn hex_decode(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn parse_rejects_alg_none_and_garbage_without_panicking() {
        let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(b"{}"));
        assert!(UnverifiedJws::parse(&none).is_none());
        for junk in ["", ".", "..", "a.b.c.d", "é.é.é", "eyJ.eyJ.x"] {
            assert!(UnverifiedJws::parse(junk).is_none());
        }
    }

    #[test]
    fn es256_signature_is_64_bytes_and_verifies() {
        let ec =
            EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap();
        let key = PKey::from_ec_key(ec.clone()).unwrap();
        let sig = sign(
            Alg::ES256,
            &crate::keys::FileKey::new(key).unwrap(),
            b"input",
        )
        .unwrap();
        assert_eq!(sig.len(), 64);
        let public =
            PKey::from_ec_key(EcKey::from_public_key(ec.group(), ec.public_key()).unwrap())
                .unwrap();
        assert!(verify(Alg::ES256, &public, b"input", &sig));
        assert!(!verify(Alg::ES256, &public, b"inpuT", &sig));
        assert!(!verify(Alg::ES256, &public, b"input", &sig[..63]));
    }
}
