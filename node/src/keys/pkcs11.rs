//! Keys inside a PKCS#11 token (issue 13, first slice: the key backend; configuration, `check`,
//! `keys generate --pkcs11` and rollover come next). Every private-key operation runs in the
//! token; the private half never leaves it.
//!
//! - Signing: the digest is computed here and signed with `CKM_ECDSA` (raw `r‖s`, re-encoded as
//!   DER, which [`PrivateKey::sign`] promises) or `CKM_RSA_PKCS_PSS` (salt = digest length, MGF1
//!   with the same digest); PKCS#1 v1.5 with `CKM_SHA*_RSA_PKCS` over the message. Computing the
//!   digest here is one short round trip and works on tokens without the combined mechanisms
//!   (SoftHSM 2.6 has no `CKM_ECDSA_SHA256`).
//! - RSA-OAEP: `CKM_RSA_PKCS_OAEP` with exactly the digest, MGF1 digest and label the message
//!   names; a token that cannot do that combination says so (SoftHSM 2.6 does SHA-1 only).
//! - ECDH: `CKM_ECDH1_DERIVE` without KDF (our ConcatKDF runs outside, as for file keys) into a
//!   session-only secret object, read once and destroyed at once.
//! - Sessions: a pool of idle sessions, opened as needed; the token is logged in once (login is
//!   per application and token in PKCS#11; "already logged in" is success). A session that fails
//!   with a session or device error is dropped and the operation tried once more on a fresh one
//!   (a token pulled out and put back).

use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, EcPoint, EcPointRef, PointConversionForm};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::Rsa;

use super::{Digest, Error, PrivateKey, Scheme, Secret};

/// Where a key lives in a token: `{ module, token, key, pin }` (usually `pin_file`).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11Settings {
    /// The vendor's PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: std::path::PathBuf,
    /// The token's label (a Luna partition, a SoftHSM token).
    pub token: String,
    /// The key's `CKA_LABEL` (private and public key objects share it).
    pub key: String,
    /// The user PIN (usually given as `pin_file`, or through the environment).
    pub pin: secrecy::SecretString,
}

impl Pkcs11Settings {
    /// Loads the module, logs in and finds the key.
    pub fn open(&self) -> Result<Pkcs11Key, Error> {
        use secrecy::ExposeSecret;
        let pkcs11 = load_module(&self.module)?;
        Pkcs11Key::open(pkcs11, &self.token, &self.key, self.pin.expose_secret())
    }
}

/// A private key object in a token, found by its `CKA_LABEL`.
pub struct Pkcs11Key {
    pkcs11: Pkcs11,
    slot: Slot,
    pin: AuthPin,
    label: String,
    idle: Mutex<Vec<Session>>,
    public: PKey<Public>,
    /// For EC keys: the curve's field size in bytes (the length of Z and of r and s).
    field_bytes: Option<usize>,
}

impl std::fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pkcs11Key({:?}, {:?})", self.label, self.public.id())
    }
}

fn failed(e: P11Error) -> Error {
    Error::Failed(format!("PKCS#11: {e}"))
}

/// The session (or the token behind it) is gone: open a new one and try again.
fn session_lost(e: &P11Error) -> bool {
    matches!(
        e,
        P11Error::Pkcs11(
            RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::DeviceRemoved
                | RvError::DeviceError
                | RvError::TokenNotPresent
                | RvError::UserNotLoggedIn,
            _
        )
    )
}

/// Loads `module` once per call (PKCS#11 allows one initialization per process: "already
/// initialized" is success).
pub fn load_module(module: &std::path::Path) -> Result<Pkcs11, Error> {
    let pkcs11 = Pkcs11::new(module).map_err(failed)?;
    match pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(pkcs11),
        Err(e) => Err(failed(e)),
    }
}

/// The slot whose token has `label`.
pub fn slot_by_label(pkcs11: &Pkcs11, label: &str) -> Result<Slot, Error> {
    for slot in pkcs11.get_slots_with_token().map_err(failed)? {
        if pkcs11.get_token_info(slot).map_err(failed)?.label() == label {
            return Ok(slot);
        }
    }
    Err(Error::Failed(format!(
        "PKCS#11: no token labelled {label:?}"
    )))
}

impl Pkcs11Key {
    /// Opens the private key `key_label` on the token `token_label`, logging in with `pin`, and
    /// reads its public half (from the public key object of the same label).
    pub fn open(
        pkcs11: Pkcs11,
        token_label: &str,
        key_label: &str,
        pin: &str,
    ) -> Result<Self, Error> {
        let slot = slot_by_label(&pkcs11, token_label)?;
        let pin = AuthPin::from(pin.to_owned());
        // The first session reads the public half and becomes the pool's first idle session.
        let first = login_session(&pkcs11, slot, &pin).map_err(failed)?;
        let (public, field_bytes) = read_public(&first, key_label).map_err(failed)??;
        Ok(Pkcs11Key {
            pkcs11,
            slot,
            pin,
            label: key_label.to_owned(),
            idle: Mutex::new(vec![first]),
            public,
            field_bytes,
        })
    }

    fn session(&self) -> Result<Session, P11Error> {
        if let Some(s) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(s);
        }
        login_session(&self.pkcs11, self.slot, &self.pin)
    }

    /// Runs `op` on an idle (or new) session; once more on a fresh session if the first was lost.
    fn with_session<T>(&self, op: impl Fn(&Session) -> Result<T, P11Error>) -> Result<T, Error> {
        for attempt in 0..2 {
            let s = self.session().map_err(failed)?;
            match op(&s) {
                Ok(v) => {
                    self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(s);
                    return Ok(v);
                }
                Err(e) if attempt == 0 && session_lost(&e) => {
                    // Every idle session went with the token: start afresh.
                    self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
                }
                Err(e) => {
                    self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(s);
                    return Err(failed(e));
                }
            }
        }
        Err(Error::Failed("PKCS#11: the token is not available".into()))
    }

    fn private_handle(&self, s: &Session) -> Result<ObjectHandle, P11Error> {
        find_one(s, ObjectClass::PRIVATE_KEY, &self.label)
    }
}

/// A read-only session, logged in (login is per token: "already logged in" is success).
fn login_session(pkcs11: &Pkcs11, slot: Slot, pin: &AuthPin) -> Result<Session, P11Error> {
    let s = pkcs11.open_ro_session(slot)?;
    match s.login(UserType::User, Some(pin)) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(s),
        Err(e) => Err(e),
    }
}

fn find_one(s: &Session, class: ObjectClass, label: &str) -> Result<ObjectHandle, P11Error> {
    let found = s.find_objects(&[
        Attribute::Class(class),
        Attribute::Label(label.as_bytes().to_vec()),
    ])?;
    match found.as_slice() {
        [one] => Ok(*one),
        _ => Err(P11Error::Pkcs11(
            RvError::KeyHandleInvalid,
            cryptoki::context::Function::FindObjects,
        )),
    }
}

/// A public key, and for EC keys the curve's field size in bytes.
type PublicHalf = (PKey<Public>, Option<usize>);

/// The public key object of `label`: EC (P-256/384/521, `CKA_EC_POINT` as a DER OCTET STRING or
/// raw) or RSA (modulus, exponent). The outer error is the token's, the inner one ours.
fn read_public(s: &Session, label: &str) -> Result<Result<PublicHalf, Error>, P11Error> {
    let h = find_one(s, ObjectClass::PUBLIC_KEY, label)?;
    let attrs = s.get_attributes(
        h,
        &[
            AttributeType::KeyType,
            AttributeType::EcParams,
            AttributeType::EcPoint,
            AttributeType::Modulus,
            AttributeType::PublicExponent,
        ],
    )?;
    let (mut kind, mut params, mut point, mut n, mut e) = (None, None, None, None, None);
    for a in attrs {
        match a {
            Attribute::KeyType(k) => kind = Some(k),
            Attribute::EcParams(p) => params = Some(p),
            Attribute::EcPoint(p) => point = Some(p),
            Attribute::Modulus(m) => n = Some(m),
            Attribute::PublicExponent(x) => e = Some(x),
            _ => {}
        }
    }
    Ok((|| {
        if kind == Some(KeyType::RSA) {
            let (Some(n), Some(e)) = (n, e) else {
                return Err(Error::Failed("PKCS#11: RSA public key incomplete".into()));
            };
            let rsa =
                Rsa::from_public_components(BigNum::from_slice(&n)?, BigNum::from_slice(&e)?)?;
            return Ok((PKey::from_rsa(rsa)?, None));
        }
        let (Some(params), Some(point)) = (params, point) else {
            return Err(Error::Unsupported("this key type"));
        };
        let nid = match params.as_slice() {
            [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07] => Nid::X9_62_PRIME256V1,
            [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22] => Nid::SECP384R1,
            [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23] => Nid::SECP521R1,
            _ => return Err(Error::Unsupported("this curve")),
        };
        let group = EcGroup::from_curve_name(nid)?;
        let raw = unwrap_octet_string(&point);
        let mut ctx = BigNumContext::new()?;
        let q = EcPoint::from_bytes(&group, raw, &mut ctx)?;
        let field = usize::try_from(group.degree().div_ceil(8))
            .map_err(|_| Error::Failed("field size".into()))?;
        let ec = EcKey::from_public_key(&group, &q)?;
        Ok((PKey::from_ec_key(ec)?, Some(field)))
    })())
}

/// `CKA_EC_POINT` is a DER OCTET STRING around the point (PKCS#11 2.40); some tokens give it raw.
fn unwrap_octet_string(v: &[u8]) -> &[u8] {
    match v {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() && *len < 0x80 => rest,
        [0x04, 0x81, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        _ => v,
    }
}

fn mech(d: Digest) -> (MechanismType, PkcsMgfType) {
    match d {
        Digest::Sha1 => (MechanismType::SHA1, PkcsMgfType::MGF1_SHA1),
        Digest::Sha256 => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
        Digest::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        Digest::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
    }
}

impl PrivateKey for Pkcs11Key {
    fn public_key(&self) -> &PKey<Public> {
        &self.public
    }

    fn sign(&self, scheme: Scheme, data: &[u8]) -> Result<Vec<u8>, Error> {
        let is_rsa = self.public.id() == Id::RSA;
        match scheme {
            Scheme::Ecdsa(d) => {
                let field = self.field_bytes.ok_or(Error::Unsupported("ECDSA"))?;
                let digest = openssl::hash::hash(d.md(), data)?;
                let rs = self.with_session(|s| {
                    s.sign(&Mechanism::Ecdsa, self.private_handle(s)?, &digest)
                })?;
                if rs.len() != 2 * field {
                    return Err(Error::Failed("PKCS#11: ECDSA signature length".into()));
                }
                let (r, s) = rs.split_at(field);
                let sig = EcdsaSig::from_private_components(
                    BigNum::from_slice(r)?,
                    BigNum::from_slice(s)?,
                )?;
                Ok(sig.to_der()?)
            }
            Scheme::RsaPss(d) if is_rsa => {
                let digest = openssl::hash::hash(d.md(), data)?;
                let (hash_alg, mgf) = mech(d);
                let params = PkcsPssParams {
                    hash_alg,
                    mgf,
                    s_len: u64::try_from(digest.len()).unwrap_or(32).into(),
                };
                self.with_session(|s| {
                    s.sign(
                        &Mechanism::RsaPkcsPss(params),
                        self.private_handle(s)?,
                        &digest,
                    )
                })
            }
            Scheme::RsaPkcs1(d) if is_rsa => {
                let m = match d {
                    Digest::Sha1 => Mechanism::Sha1RsaPkcs,
                    Digest::Sha256 => Mechanism::Sha256RsaPkcs,
                    Digest::Sha384 => Mechanism::Sha384RsaPkcs,
                    Digest::Sha512 => Mechanism::Sha512RsaPkcs,
                };
                self.with_session(|s| s.sign(&m, self.private_handle(s)?, data))
            }
            _ => Err(Error::Unsupported("this signature scheme")),
        }
    }

    fn decrypt_rsa_oaep(
        &self,
        ciphertext: &[u8],
        digest: Digest,
        mgf: Digest,
        label: Option<&[u8]>,
    ) -> Result<Vec<u8>, Error> {
        if self.public.id() != Id::RSA {
            return Err(Error::Unsupported("RSA-OAEP"));
        }
        let (hash_alg, _) = mech(digest);
        let (_, mgf) = mech(mgf);
        self.with_session(|s| {
            let source = label.map_or_else(PkcsOaepSource::empty, PkcsOaepSource::data_specified);
            let params = PkcsOaepParams::new(hash_alg, mgf, source);
            s.decrypt(
                &Mechanism::RsaPkcsOaep(params),
                self.private_handle(s)?,
                ciphertext,
            )
        })
    }

    fn ecdh(&self, peer: &EcPointRef) -> Result<Secret, Error> {
        let field = self.field_bytes.ok_or(Error::Unsupported("ECDH"))?;
        let ec = self.public.ec_key()?;
        let mut ctx = BigNumContext::new()?;
        let peer = peer.to_bytes(ec.group(), PointConversionForm::UNCOMPRESSED, &mut ctx)?;
        let value_len = u64::try_from(field).unwrap_or(32);
        let z = self.with_session(|s| {
            let params = Ecdh1DeriveParams::new(EcKdf::null(), &peer);
            let secret = s.derive_key(
                &Mechanism::Ecdh1Derive(params),
                self.private_handle(s)?,
                &[
                    Attribute::Class(ObjectClass::SECRET_KEY),
                    Attribute::KeyType(KeyType::GENERIC_SECRET),
                    Attribute::Token(false),
                    Attribute::Sensitive(false),
                    Attribute::Extractable(true),
                    Attribute::ValueLen(value_len.into()),
                ],
            )?;
            let value = s.get_attributes(secret, &[AttributeType::Value]);
            // Destroyed whatever happened: the secret must not outlive this call in the token.
            let destroyed = s.destroy_object(secret);
            let value = value?;
            destroyed?;
            Ok(value.into_iter().find_map(|a| match a {
                Attribute::Value(v) => Some(v),
                _ => None,
            }))
        })?;
        let z = z.ok_or_else(|| Error::Failed("PKCS#11: ECDH gave no value".into()))?;
        if z.len() != field {
            return Err(Error::Failed("PKCS#11: ECDH value length".into()));
        }
        Ok(Secret::new(z))
    }
}

#[cfg(test)]
mod tests;
