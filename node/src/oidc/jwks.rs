//! Our signing keys and the JWKS we publish: a current key per algorithm and, during a rotation,
//! the next one, published ahead of use so that relying parties have cached it when it takes over.

use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use serde::Serialize;
use serde_json::{json, Value};

use std::sync::Arc;

use crate::jose::{b64, sign, Alg};
use crate::keys::{FileKey, PrivateKey};

/// Where a key is in a rotation: published ahead (`Next`), signing (`Current`), or still
/// published after it stopped signing, while ID tokens it signed are alive (`Retiring`).
pub type KeyStatus = crate::keys::KeyState;

#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub alg: Alg,
    pub status: KeyStatus,
    key: Arc<dyn PrivateKey>,
    public_jwk: Value,
}

impl SigningKey {
    /// The private key behind it (for readiness probes; it never hands out its private half).
    pub fn private_key(&self) -> &Arc<dyn PrivateKey> {
        &self.key
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key {kid}: {problem}")]
    Unusable { kid: String, problem: &'static str },
    #[error("key {kid}: OpenSSL rejected it")]
    OpenSsl {
        kid: String,
        #[source]
        source: openssl::error::ErrorStack,
    },
}

impl SigningKey {
    /// Loads a PKCS#8 or traditional PEM private key for `alg`: P-256 for ES256, RSA ≥ 2048 bits
    /// for PS256/RS256 (RFC 7518 §3.3).
    pub fn from_pem(kid: &str, alg: Alg, pem: &[u8], status: KeyStatus) -> Result<Self, KeyError> {
        let ossl = |source| KeyError::OpenSsl {
            kid: kid.to_owned(),
            source,
        };
        let key = PKey::private_key_from_pem(pem).map_err(ossl)?;
        Self::from_pkey(kid, alg, key, status)
    }

    /// A fresh P-256 key (demo, tests, benchmarks); its kid is the RFC 7638 thumbprint.
    pub fn generate_es256(status: KeyStatus) -> Result<Self, KeyError> {
        let ossl = |source| KeyError::OpenSsl {
            kid: "generated".into(),
            source,
        };
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(ossl)?;
        let key = PKey::from_ec_key(EcKey::generate(&group).map_err(ossl)?).map_err(ossl)?;
        let mut k = Self::from_pkey("", Alg::ES256, key, status)?;
        let thumb = thumbprint(&k.public_jwk);
        k.kid = thumb.clone();
        if let Some(o) = k.public_jwk.as_object_mut() {
            o.insert("kid".into(), Value::String(thumb));
        }
        Ok(k)
    }

    /// A fresh RSA-2048 key for PS256 or RS256 (tests).
    pub fn generate_rsa(kid: &str, alg: Alg, status: KeyStatus) -> Result<Self, KeyError> {
        let ossl = |source| KeyError::OpenSsl {
            kid: kid.to_owned(),
            source,
        };
        let rsa = openssl::rsa::Rsa::generate(2048).map_err(ossl)?;
        Self::from_pkey(kid, alg, PKey::from_rsa(rsa).map_err(ossl)?, status)
    }

    fn from_pkey(
        kid: &str,
        alg: Alg,
        key: PKey<Private>,
        status: KeyStatus,
    ) -> Result<Self, KeyError> {
        let key = FileKey::new(key).map_err(|_| KeyError::Unusable {
            kid: kid.to_owned(),
            problem: "the key cannot be used",
        })?;
        Self::from_private_key(kid, alg, Arc::new(key), status)
    }

    /// A key held elsewhere (a PKCS#11 token): checked for `alg` and published from its public
    /// half, as file keys are.
    pub fn from_private_key(
        kid: &str,
        alg: Alg,
        key: Arc<dyn PrivateKey>,
        status: KeyStatus,
    ) -> Result<Self, KeyError> {
        let unusable = |problem| KeyError::Unusable {
            kid: kid.to_owned(),
            problem,
        };
        let ossl = |source| KeyError::OpenSsl {
            kid: kid.to_owned(),
            source,
        };
        let public = key.public_key();
        let public_jwk = match alg {
            Alg::ES256 => {
                let ec = public
                    .ec_key()
                    .map_err(|_| unusable("ES256 needs an EC key"))?;
                if ec.group().curve_name() != Some(Nid::X9_62_PRIME256V1) {
                    return Err(unusable("ES256 needs a P-256 key"));
                }
                crate::jose::p256_jwk(public).map_err(ossl)?
            }
            Alg::PS256 | Alg::RS256 => {
                let rsa = public
                    .rsa()
                    .map_err(|_| unusable("PS256/RS256 need an RSA key"))?;
                if rsa.size() < 256 {
                    return Err(unusable("RSA keys must have at least 2048 bits"));
                }
                json!({"kty": "RSA", "n": b64(&rsa.n().to_vec()), "e": b64(&rsa.e().to_vec())})
            }
        };
        let mut public_jwk = public_jwk;
        if let Some(o) = public_jwk.as_object_mut() {
            o.insert("kid".into(), json!(kid));
            o.insert("alg".into(), json!(alg.as_str()));
            o.insert("use".into(), json!("sig"));
        }
        Ok(SigningKey {
            kid: kid.to_owned(),
            alg,
            status,
            key,
            public_jwk,
        })
    }
}

/// RFC 7638 thumbprint over the required members in lexicographic order.
fn thumbprint(jwk: &Value) -> String {
    let canonical = json!({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]});
    b64(&openssl::sha::sha256(canonical.to_string().as_bytes()))
}

/// All our keys. Signing always uses the current key of the requested algorithm.
#[derive(Debug)]
pub struct KeySet {
    keys: Vec<SigningKey>,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
}

impl KeySet {
    /// Every key, in configuration order.
    pub fn keys(&self) -> &[SigningKey] {
        &self.keys
    }

    /// Fails when two keys share a kid or when ES256 has no current key (it is our default).
    pub fn new(keys: Vec<SigningKey>) -> Result<Self, KeyError> {
        for (i, k) in keys.iter().enumerate() {
            if keys.iter().skip(i + 1).any(|o| o.kid == k.kid) {
                return Err(KeyError::Unusable {
                    kid: k.kid.clone(),
                    problem: "kid used twice",
                });
            }
        }
        let set = KeySet { keys };
        if set.current(Alg::ES256).is_none() {
            return Err(KeyError::Unusable {
                kid: "-".into(),
                problem: "no current ES256 key (the default ID token algorithm)",
            });
        }
        Ok(set)
    }

    pub fn current(&self, alg: Alg) -> Option<&SigningKey> {
        self.keys
            .iter()
            .find(|k| k.alg == alg && k.status == KeyStatus::Current)
    }

    /// Algorithms we can sign with right now, ES256 first.
    pub fn algorithms(&self) -> Vec<Alg> {
        [Alg::ES256, Alg::PS256, Alg::RS256]
            .into_iter()
            .filter(|a| self.current(*a).is_some())
            .collect()
    }

    /// The public JWKS (RFC 7517 §5): current and next keys, each with `kid`, `alg` and `use`.
    pub fn jwks(&self) -> Value {
        json!({"keys": self.keys.iter().map(|k| k.public_jwk.clone()).collect::<Vec<_>>()})
    }

    /// Signs `claims` as a compact JWS with the current key for `alg`, `kid` in the header.
    pub fn sign_jwt(&self, alg: Alg, claims: &impl Serialize) -> Result<String, super::Error> {
        let key = self.current(alg).ok_or(super::Error::NoSigningKey)?;
        let header = serde_json::to_vec(&Header {
            alg: alg.as_str(),
            typ: "JWT",
            kid: &key.kid,
        })?;
        let mut token = b64(&header);
        token.push('.');
        token.push_str(&b64(&serde_json::to_vec(claims)?));
        let sig = sign(alg, key.key.as_ref(), token.as_bytes())
            .map_err(|e| super::Error::KeyOperation(e.to_string()))?;
        token.push('.');
        token.push_str(&b64(&sig));
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::jose::{JwkSet, UnverifiedJws};

    fn verify_against_own_jwks(set: &KeySet, alg: Alg) {
        let jwt = set.sign_jwt(alg, &json!({"sub": "x"})).unwrap();
        let jwks: JwkSet = serde_json::from_value(set.jwks()).unwrap();
        let jws = UnverifiedJws::parse(&jwt).unwrap();
        assert_eq!(
            jws.header.kid.as_deref(),
            Some(set.current(alg).unwrap().kid.as_str())
        );
        assert_eq!(
            jws.verify_with_set(&jwks.keys),
            Some(&br#"{"sub":"x"}"#[..])
        );
    }

    #[test]
    fn tokens_signed_with_each_algorithm_verify_against_published_jwks() {
        let set = KeySet::new(vec![
            SigningKey::generate_es256(KeyStatus::Current).unwrap(),
            SigningKey::generate_rsa("ps", Alg::PS256, KeyStatus::Current).unwrap(),
            SigningKey::generate_rsa("rs", Alg::RS256, KeyStatus::Current).unwrap(),
        ])
        .unwrap();
        for alg in [Alg::ES256, Alg::PS256, Alg::RS256] {
            verify_against_own_jwks(&set, alg);
        }
    }

    #[test]
    fn next_key_is_published_but_not_used_for_signing() {
        let cur = SigningKey::generate_es256(KeyStatus::Current).unwrap();
        let next = SigningKey::generate_es256(KeyStatus::Next).unwrap();
        let (cur_kid, next_kid) = (cur.kid.clone(), next.kid.clone());
        let set = KeySet::new(vec![cur, next]).unwrap();
        let kids: Vec<String> = set.jwks()["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(kids, vec![cur_kid.clone(), next_kid]);
        assert_eq!(set.current(Alg::ES256).unwrap().kid, cur_kid);
    }

    #[test]
    fn pem_keys_load_for_their_algorithm_only() {
        let ec =
            EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap();
        let pem = PKey::from_ec_key(ec)
            .unwrap()
            .private_key_to_pem_pkcs8()
            .unwrap();
        let k = SigningKey::from_pem("k1", Alg::ES256, &pem, KeyStatus::Current).unwrap();
        assert_eq!(k.public_jwk["kid"], "k1");
        assert!(SigningKey::from_pem("k1", Alg::RS256, &pem, KeyStatus::Current).is_err());
        assert!(SigningKey::from_pem("k1", Alg::ES256, b"garbage", KeyStatus::Current).is_err());
        let set = KeySet::new(vec![k]).unwrap();
        assert!(matches!(
            set.sign_jwt(Alg::PS256, &json!({})),
            Err(crate::oidc::Error::NoSigningKey)
        ));
    }

    #[test]
    fn a_retiring_key_is_published_but_never_signs() {
        let current = SigningKey::generate_es256(KeyStatus::Current).unwrap();
        let retiring = SigningKey::generate_es256(KeyStatus::Retiring).unwrap();
        let rs_retiring =
            SigningKey::generate_rsa("rs-old", Alg::RS256, KeyStatus::Retiring).unwrap();
        let (cur_kid, old_kid) = (current.kid.clone(), retiring.kid.clone());
        let set = KeySet::new(vec![retiring, current, rs_retiring]).unwrap();
        let published: Vec<String> = set.jwks()["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect();
        assert!(published.contains(&old_kid) && published.contains(&"rs-old".to_owned()));
        assert_eq!(set.current(Alg::ES256).unwrap().kid, cur_kid);
        assert_eq!(set.algorithms(), vec![Alg::ES256]);
        assert!(matches!(
            set.sign_jwt(Alg::RS256, &json!({})),
            Err(crate::oidc::Error::NoSigningKey)
        ));
    }

    #[test]
    fn keyset_without_current_es256_is_rejected() {
        let next = SigningKey::generate_es256(KeyStatus::Next).unwrap();
        assert!(KeySet::new(vec![next]).is_err());
        let rsa = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
        assert!(SigningKey::from_pkey("e", Alg::ES256, rsa, KeyStatus::Current).is_err());
    }
}
