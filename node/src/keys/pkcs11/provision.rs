//! Putting keys into a token: generated inside it (never extractable: the private half never
//! exists outside the token), or imported from a PEM file (to move an existing key into an HSM).
//! An administrative step (`eidas-node keys generate --pkcs11`, `keys import`), never done by a
//! running node.
//!
//! Each key is a private and a public object with the same `CKA_LABEL` and `CKA_ID`, allowed only
//! what its use needs: a signing key `CKA_SIGN`; an RSA decryption key `CKA_DECRYPT`; an EC
//! decryption key `CKA_DERIVE` (ECDH-ES). `softhsm2-util --import` does not set `CKA_DERIVE`,
//! which is why importing is ours too.

use cryptoki::context::Pkcs11;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, KeyType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use openssl::bn::BigNumContext;
use openssl::ec::PointConversionForm;
use openssl::pkey::{Id, PKey, Private};

use super::{failed, load_module, slot_by_label, Error};

/// What a key is for: it may do that and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Sign,
    Decrypt,
}

/// The kind of key to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    EcP256,
    Rsa(u32),
}

/// DER of the P-256 OID (`CKA_EC_PARAMS`).
const P256: &[u8] = super::CURVES[0].1;

/// A read-write session on a token, logged in as its user.
pub struct Token {
    _pkcs11: Pkcs11,
    session: Session,
}

impl Token {
    pub fn open(module: &std::path::Path, label: &str, pin: &str) -> Result<Token, Error> {
        let pkcs11 = load_module(module)?;
        let slot = slot_by_label(&pkcs11, label)?;
        let session = pkcs11.open_rw_session(slot).map_err(failed)?;
        match session.login(UserType::User, Some(&AuthPin::from(pin.to_owned()))) {
            Ok(())
            | Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::UserAlreadyLoggedIn,
                _,
            )) => {}
            Err(e) => return Err(failed(e)),
        }
        Ok(Token {
            _pkcs11: pkcs11,
            session,
        })
    }

    /// Whether any object carries `label` (a new key never shares a label).
    pub fn has_label(&self, label: &str) -> Result<bool, Error> {
        let found = self
            .session
            .find_objects(&[Attribute::Label(label.as_bytes().to_vec())])
            .map_err(failed)?;
        Ok(!found.is_empty())
    }

    fn refuse_taken(&self, label: &str) -> Result<(), Error> {
        if self.has_label(label)? {
            return Err(Error::Failed(format!(
                "PKCS#11: the token already has an object labelled {label:?}"
            )));
        }
        Ok(())
    }

    /// Generates a key pair inside the token.
    pub fn generate(&self, label: &str, kind: Kind, usage: Usage) -> Result<(), Error> {
        self.refuse_taken(label)?;
        let (mechanism, mut public, ec) = match kind {
            Kind::EcP256 => (
                Mechanism::EccKeyPairGen,
                vec![Attribute::EcParams(P256.to_vec())],
                true,
            ),
            Kind::Rsa(bits) => (
                Mechanism::RsaPkcsKeyPairGen,
                vec![
                    Attribute::ModulusBits(u64::from(bits).into()),
                    Attribute::PublicExponent(vec![1, 0, 1]),
                ],
                false,
            ),
        };
        public.extend(common(label, ObjectClass::PUBLIC_KEY, None));
        public.extend(public_use(usage, ec));
        let mut private = common(label, ObjectClass::PRIVATE_KEY, None);
        private.extend(private_use(usage, ec));
        self.session
            .generate_key_pair(&mechanism, &public, &private)
            .map_err(failed)?;
        Ok(())
    }

    /// Imports `key` (EC P-256/384/521 or RSA) as a private and a public object.
    pub fn import(&self, label: &str, key: &PKey<Private>, usage: Usage) -> Result<(), Error> {
        self.refuse_taken(label)?;
        let (mut private, mut public, ec) = match key.id() {
            Id::EC => {
                let ec = key.ec_key()?;
                let curve = ec.group().curve_name();
                let params = super::CURVES
                    .iter()
                    .find(|(nid, _)| Some(*nid) == curve)
                    .map(|(_, oid)| oid.to_vec())
                    .ok_or(Error::Unsupported("this curve"))?;
                let field = usize::try_from(ec.group().degree().div_ceil(8)).unwrap_or(32);
                let scalar = ec
                    .private_key()
                    .to_vec_padded(i32::try_from(field).unwrap_or(32))?;
                let mut ctx = BigNumContext::new()?;
                let point = ec.public_key().to_bytes(
                    ec.group(),
                    PointConversionForm::UNCOMPRESSED,
                    &mut ctx,
                )?;
                (
                    vec![
                        Attribute::EcParams(params.clone()),
                        Attribute::Value(scalar),
                    ],
                    vec![
                        Attribute::EcParams(params),
                        Attribute::EcPoint(octet_string(&point)),
                    ],
                    true,
                )
            }
            Id::RSA => {
                let rsa = key.rsa()?;
                let part = |b: Option<&openssl::bn::BigNumRef>| {
                    b.map(openssl::bn::BigNumRef::to_vec)
                        .ok_or(Error::Unsupported("an RSA key without CRT parameters"))
                };
                (
                    vec![
                        Attribute::Modulus(rsa.n().to_vec()),
                        Attribute::PublicExponent(rsa.e().to_vec()),
                        Attribute::PrivateExponent(rsa.d().to_vec()),
                        Attribute::Prime1(part(rsa.p())?),
                        Attribute::Prime2(part(rsa.q())?),
                        Attribute::Exponent1(part(rsa.dmp1())?),
                        Attribute::Exponent2(part(rsa.dmq1())?),
                        Attribute::Coefficient(part(rsa.iqmp())?),
                    ],
                    vec![
                        Attribute::Modulus(rsa.n().to_vec()),
                        Attribute::PublicExponent(rsa.e().to_vec()),
                    ],
                    false,
                )
            }
            _ => return Err(Error::Unsupported("this key type")),
        };
        let key_type = Some(if ec { KeyType::EC } else { KeyType::RSA });
        private.extend(common(label, ObjectClass::PRIVATE_KEY, key_type));
        private.extend(private_use(usage, ec));
        public.extend(common(label, ObjectClass::PUBLIC_KEY, key_type));
        public.extend(public_use(usage, ec));
        let private = self.session.create_object(&private).map_err(failed)?;
        if let Err(e) = self.session.create_object(&public) {
            // Nothing half-stored: the private object goes too.
            let _ = self.session.destroy_object(private);
            return Err(failed(e));
        }
        Ok(())
    }
}

/// The attributes every object of ours carries; the id is derived from the label, so the two
/// halves pair up for tools that match by `CKA_ID`.
fn common(label: &str, class: ObjectClass, key_type: Option<KeyType>) -> Vec<Attribute> {
    let id = openssl::hash::hash(openssl::hash::MessageDigest::sha256(), label.as_bytes())
        .map(|d| d.get(..8).unwrap_or_default().to_vec())
        .unwrap_or_default();
    let mut v = vec![
        Attribute::Class(class),
        Attribute::Token(true),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Id(id),
    ];
    v.extend(key_type.map(Attribute::KeyType));
    v
}

fn private_use(usage: Usage, ec: bool) -> Vec<Attribute> {
    vec![
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(usage == Usage::Sign),
        Attribute::Decrypt(usage == Usage::Decrypt && !ec),
        Attribute::Derive(usage == Usage::Decrypt && ec),
    ]
}

fn public_use(usage: Usage, ec: bool) -> Vec<Attribute> {
    vec![
        Attribute::Private(false),
        Attribute::Verify(usage == Usage::Sign),
        Attribute::Encrypt(usage == Usage::Decrypt && !ec),
    ]
}

/// `CKA_EC_POINT`: the point as a DER OCTET STRING (PKCS#11 2.40 §2.3.3).
fn octet_string(point: &[u8]) -> Vec<u8> {
    let mut v = vec![0x04];
    match u8::try_from(point.len()) {
        Ok(n) if n < 0x80 => v.push(n),
        Ok(n) => v.extend([0x81, n]),
        Err(_) => v.extend([0x82, (point.len() >> 8) as u8, point.len() as u8]),
    }
    v.extend_from_slice(point);
    v
}
