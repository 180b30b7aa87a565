//! XML Encryption restricted to eIDAS (eidas-requirements §3.2): AES-GCM content encryption, key
//! transport by RSA-OAEP, key agreement by ECDH-ES + ConcatKDF + AES key wrap.
//!
//! We decrypt only keys addressed to one of *our* encryption keys, identified in the EncryptedKey
//! (or the AgreementMethod's RecipientKeyInfo) by our certificate or DER public key, as the EU node
//! does: an EncryptedKey that does not say whom it is for is rejected, not tried blindly.

use openssl::aes::{unwrap_key, wrap_key, AesKey};
use openssl::bn::{BigNum, BigNumContext};
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcGroupRef, EcKey, EcPoint, PointConversionForm};
use openssl::encrypt::Encrypter;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::Padding;
use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};
use openssl::x509::X509;
use roxmltree::Node;

use super::crypto::{uri, Hash};
use super::error::{Error, Result};
use super::keys::KeyPair;
use super::xml::{self, ns};
use crate::keys::{Digest, PrivateKey};

const GCM_IV: usize = 12;
const GCM_TAG: usize = 16;

/// Per-peer decryption rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecryptionPolicy {
    /// `xmlenc#rsa-oaep-mgf1p` is allowed only for peers below protocol 1.4 (§0, §3.2.2).
    pub allow_rsa_oaep_mgf1p: bool,
}

/// Decrypts an `xenc:EncryptedData` with one of our keys, returning the plaintext bytes.
pub fn decrypt(
    encrypted_data: Node,
    keys: &[KeyPair],
    policy: &DecryptionPolicy,
) -> Result<Vec<u8>> {
    let method = xml::only_child(encrypted_data, ns::XENC, "EncryptionMethod")?;
    let (cipher, key_len) = content_cipher(method.attribute("Algorithm").unwrap_or(""))?;
    let cipher_value = xml::only_child(
        xml::only_child(encrypted_data, ns::XENC, "CipherData")?,
        ns::XENC,
        "CipherValue",
    )?;
    let data = xml::base64_text(cipher_value)?;

    // EncryptedKeys inside EncryptedData/KeyInfo (EU node) or beside EncryptedData (OpenSAML option).
    let mut encrypted_keys: Vec<Node> = Vec::new();
    if let Some(ki) = xml::child(encrypted_data, ns::DS, "KeyInfo") {
        encrypted_keys.extend(xml::children(ki, ns::XENC, "EncryptedKey"));
    }
    if let Some(parent) = encrypted_data.parent_element() {
        encrypted_keys.extend(xml::children(parent, ns::XENC, "EncryptedKey"));
    }

    let mut addressed = false;
    for ek in encrypted_keys {
        let Some(cek) = unwrap_encrypted_key(ek, keys, policy, &mut addressed)? else {
            continue;
        };
        if cek.len() != key_len {
            return Err(Error::DecryptionFailed);
        }
        return decrypt_gcm(cipher, &cek, &data);
    }
    if addressed {
        Err(Error::DecryptionFailed)
    } else {
        Err(Error::NoRecipientKey)
    }
}

fn content_cipher(alg: &str) -> Result<(Cipher, usize)> {
    match alg {
        uri::AES128_GCM => Ok((Cipher::aes_128_gcm(), 16)),
        uri::AES192_GCM => Ok((Cipher::aes_192_gcm(), 24)),
        uri::AES256_GCM => Ok((Cipher::aes_256_gcm(), 32)),
        // CBC and anything else: no (§3.2.1).
        other => Err(Error::AlgorithmNotAllowed(other.to_owned())),
    }
}

fn decrypt_gcm(cipher: Cipher, key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    if data.len() < GCM_IV + GCM_TAG {
        return Err(Error::DecryptionFailed);
    }
    let (iv, rest) = data.split_at(GCM_IV);
    let (ct, tag) = rest.split_at(rest.len() - GCM_TAG);
    decrypt_aead(cipher, key, Some(iv), &[], ct, tag).map_err(|_| Error::DecryptionFailed)
}

/// Returns the content-encryption key if this EncryptedKey is addressed to one of our keys.
fn unwrap_encrypted_key(
    ek: Node,
    keys: &[KeyPair],
    policy: &DecryptionPolicy,
    addressed: &mut bool,
) -> Result<Option<Vec<u8>>> {
    let method = xml::only_child(ek, ns::XENC, "EncryptionMethod")?;
    let alg = method.attribute("Algorithm").unwrap_or("");
    let wrapped = xml::base64_text(xml::only_child(
        xml::only_child(ek, ns::XENC, "CipherData")?,
        ns::XENC,
        "CipherValue",
    )?)?;
    let key_info = xml::child(ek, ns::DS, "KeyInfo");
    match alg {
        uri::RSA_OAEP | uri::RSA_OAEP_MGF1P => {
            if alg == uri::RSA_OAEP_MGF1P && !policy.allow_rsa_oaep_mgf1p {
                return Err(Error::AlgorithmNotAllowed(alg.to_owned()));
            }
            let Some(pair) = key_info.and_then(|ki| find_recipient(ki, keys)) else {
                return Ok(None);
            };
            *addressed = true;
            let (digest, mgf) = oaep_params(method, alg)?;
            let label = match xml::child(method, ns::XENC, "OAEPparams") {
                Some(p) => Some(xml::base64_text(p)?),
                None => None,
            };
            Ok(Some(rsa_oaep_decrypt(
                pair.key.as_ref(),
                &wrapped,
                digest,
                mgf,
                label.as_deref(),
            )?))
        }
        uri::KW_AES128 | uri::KW_AES192 | uri::KW_AES256 => {
            let am = key_info
                .and_then(|ki| xml::child(ki, ns::XENC, "AgreementMethod"))
                .ok_or(Error::NoRecipientKey)?;
            if am.attribute("Algorithm") != Some(uri::ECDH_ES) {
                return Err(Error::AlgorithmNotAllowed(
                    am.attribute("Algorithm").unwrap_or("").to_owned(),
                ));
            }
            let Some(pair) =
                xml::child(am, ns::XENC, "RecipientKeyInfo").and_then(|r| find_recipient(r, keys))
            else {
                return Ok(None);
            };
            *addressed = true;
            let kek_len = match alg {
                uri::KW_AES128 => 16,
                uri::KW_AES192 => 24,
                _ => 32,
            };
            let kek = ecdh_es_kek(am, pair.key.as_ref(), kek_len)?;
            Ok(Some(aes_unwrap(&kek, &wrapped)?))
        }
        // rsa-1_5 and everything else: forbidden (§3.2.2).
        other => Err(Error::AlgorithmNotAllowed(other.to_owned())),
    }
}

/// Which of our keys a KeyInfo names, by X509Certificate or DEREncodedKeyValue.
fn find_recipient<'k>(key_info: Node, keys: &'k [KeyPair]) -> Option<&'k KeyPair> {
    for n in key_info.descendants() {
        if xml::is(n, ns::DS, "X509Certificate") {
            let der = xml::base64_text(n).ok()?;
            if let Some(k) = keys
                .iter()
                .find(|k| k.cert.to_der().ok().as_deref() == Some(der.as_slice()))
            {
                return Some(k);
            }
        } else if xml::is(n, ns::DS11, "DEREncodedKeyValue") {
            let der = xml::base64_text(n).ok()?;
            if let Some(k) = keys.iter().find(|k| {
                k.key.public_key().public_key_to_der().ok().as_deref() == Some(der.as_slice())
            }) {
                return Some(k);
            }
        }
    }
    None
}

fn oaep_params(method: Node, alg: &str) -> Result<(Digest, Digest)> {
    // DEVIATION: OAEP with a SHA-1 DigestMethod/MGF is decrypted (EU node vectors and OSE defaults
    // use it; §3.2.2 "Decrypt side"). OAEP's security does not rest on SHA-1 collision resistance.
    let digest =
        match xml::child(method, ns::DS, "DigestMethod").and_then(|d| d.attribute("Algorithm")) {
            None | Some(uri::SHA1) => Digest::Sha1,
            Some(u) => Hash::from_digest_uri(u)?.key_digest(),
        };
    let mgf = if alg == uri::RSA_OAEP_MGF1P {
        Digest::Sha1
    } else {
        match xml::child(method, ns::XENC11, "MGF").and_then(|m| m.attribute("Algorithm")) {
            None | Some(uri::MGF1_SHA1) => Digest::Sha1,
            Some(uri::MGF1_SHA256) => Digest::Sha256,
            Some(uri::MGF1_SHA384) => Digest::Sha384,
            Some(uri::MGF1_SHA512) => Digest::Sha512,
            Some(other) => return Err(Error::AlgorithmNotAllowed(other.to_owned())),
        }
    };
    Ok((digest, mgf))
}

fn rsa_oaep_decrypt(
    key: &dyn PrivateKey,
    wrapped: &[u8],
    digest: Digest,
    mgf: Digest,
    label: Option<&[u8]>,
) -> Result<Vec<u8>> {
    if key.public_key().id() != Id::RSA {
        return Err(Error::DecryptionFailed);
    }
    key.decrypt_rsa_oaep(wrapped, digest, mgf, label)
        .map_err(|_| Error::DecryptionFailed)
}

/// ECDH-ES with the originator's ephemeral key, then ConcatKDF (NIST SP 800-56A) to a KEK.
fn ecdh_es_kek(am: Node, ours: &dyn PrivateKey, kek_len: usize) -> Result<Vec<u8>> {
    if ours.public_key().id() != Id::EC {
        return Err(Error::DecryptionFailed);
    }
    let kdm = xml::only_child(am, ns::XENC11, "KeyDerivationMethod")?;
    if kdm.attribute("Algorithm") != Some(uri::CONCAT_KDF) {
        return Err(Error::AlgorithmNotAllowed(
            kdm.attribute("Algorithm").unwrap_or("").to_owned(),
        ));
    }
    let params = xml::only_child(kdm, ns::XENC11, "ConcatKDFParams")?;
    let hash = Hash::from_digest_uri(
        xml::only_child(params, ns::DS, "DigestMethod")?
            .attribute("Algorithm")
            .unwrap_or(""),
    )?;
    let mut other_info = Vec::new();
    for name in [
        "AlgorithmID",
        "PartyUInfo",
        "PartyVInfo",
        "SuppPubInfo",
        "SuppPrivInfo",
    ] {
        if let Some(v) = params.attribute(name) {
            other_info.extend(kdf_bitstring(v)?);
        }
    }
    let originator = xml::only_child(am, ns::XENC, "OriginatorKeyInfo")?;
    let our_ec = ours.public_key().ec_key()?;
    let group = our_ec.group();
    let mut ctx = BigNumContext::new()?;
    // `originator_point` decodes Q onto our curve (full validation with cofactor 1).
    let ephemeral = originator_point(originator, group, &mut ctx)?;
    let z = ours.ecdh(&ephemeral).map_err(|_| Error::DecryptionFailed)?;
    concat_kdf(hash, z.as_bytes(), &other_info, kek_len)
}

/// ConcatKDF parameters are hex bit strings whose first byte counts the padding bits; only whole
/// bytes (padding 0) are meaningful here.
fn kdf_bitstring(hex: &str) -> Result<Vec<u8>> {
    let bytes = decode_hex(hex.trim()).ok_or(Error::KdfParameter("not hex"))?;
    match bytes.split_first() {
        None => Ok(Vec::new()),
        Some((0, rest)) => Ok(rest.to_vec()),
        Some(_) => Err(Error::KdfParameter("padding bits")),
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

fn concat_kdf(hash: Hash, z: &[u8], other_info: &[u8], len: usize) -> Result<Vec<u8>> {
    crate::keys::concat_kdf(hash.md(), z, other_info, len).map_err(|_| Error::DecryptionFailed)
}

/// The originator's ephemeral public key (this is the one key a message may carry: it is
/// ephemeral by design and authenticated only through the ECDH result). Must be on our curve.
/// The originator's ephemeral public key, as a point on our key's curve (§3 ECDH-ES), from
/// `dsig11:ECKeyValue` or `dsig11:DEREncodedKeyValue`. Partial public-key validation
/// (SP 800-56A 5.6.2.3.4): decoding rejects points not on the curve, and every curve we accept
/// has cofactor 1 (checked here), so on-curve means in the prime-order group; the full n·Q check
/// would cost a scalar multiplication per response for nothing.
fn originator_point(
    originator: Node,
    group: &EcGroupRef,
    ctx: &mut BigNumContext,
) -> Result<EcPoint> {
    let mut cofactor = BigNum::new()?;
    group.cofactor(&mut cofactor, ctx)?;
    if cofactor != BigNum::from_u32(1)? {
        return Err(Error::DecryptionFailed);
    }
    if let Some(der) = originator
        .descendants()
        .find(|n| xml::is(*n, ns::DS11, "DEREncodedKeyValue"))
    {
        let key = PKey::public_key_from_der(&xml::base64_text(der)?)
            .map_err(|_| Error::DecryptionFailed)?;
        let ec = key.ec_key().map_err(|_| Error::DecryptionFailed)?;
        check_same_curve(&ec, group)?;
        return Ok(ec.public_key().to_owned(group)?);
    }
    let eckv = originator
        .descendants()
        .find(|n| xml::is(*n, ns::DS11, "ECKeyValue"))
        .ok_or(Error::DecryptionFailed)?;
    if let Some(curve) = xml::child(eckv, ns::DS11, "NamedCurve").and_then(|c| c.attribute("URI")) {
        let nid = curve_nid(curve).ok_or_else(|| Error::AlgorithmNotAllowed(curve.to_owned()))?;
        if group.curve_name() != Some(nid) {
            return Err(Error::DecryptionFailed);
        }
    }
    let point_bytes = xml::base64_text(xml::only_child(eckv, ns::DS11, "PublicKey")?)?;
    EcPoint::from_bytes(group, &point_bytes, ctx).map_err(|_| Error::DecryptionFailed)
}

/// The DER key decoded to a point on its curve (OpenSSL's point decoding checks that); it must be
/// our named curve. With cofactor 1 (checked by the caller) that is full validation.
fn check_same_curve(ec: &EcKey<Public>, group: &EcGroupRef) -> Result<()> {
    if ec.group().curve_name() != group.curve_name() || ec.group().curve_name().is_none() {
        return Err(Error::DecryptionFailed);
    }
    Ok(())
}

/// Curves allowed for key agreement (§3.4): NIST P-256/384/521 and Brainpool P256r1/P384r1/P512r1.
fn curve_nid(urn: &str) -> Option<Nid> {
    Some(match urn.strip_prefix("urn:oid:")? {
        "1.2.840.10045.3.1.7" => Nid::X9_62_PRIME256V1,
        "1.3.132.0.34" => Nid::SECP384R1,
        "1.3.132.0.35" => Nid::SECP521R1,
        "1.3.36.3.3.2.8.1.1.7" => Nid::BRAINPOOL_P256R1,
        "1.3.36.3.3.2.8.1.1.11" => Nid::BRAINPOOL_P384R1,
        "1.3.36.3.3.2.8.1.1.13" => Nid::BRAINPOOL_P512R1,
        _ => return None,
    })
}

fn curve_oid(nid: Nid) -> Option<&'static str> {
    Some(match nid {
        Nid::X9_62_PRIME256V1 => "1.2.840.10045.3.1.7",
        Nid::SECP384R1 => "1.3.132.0.34",
        Nid::SECP521R1 => "1.3.132.0.35",
        Nid::BRAINPOOL_P256R1 => "1.3.36.3.3.2.8.1.1.7",
        Nid::BRAINPOOL_P384R1 => "1.3.36.3.3.2.8.1.1.11",
        Nid::BRAINPOOL_P512R1 => "1.3.36.3.3.2.8.1.1.13",
        _ => return None,
    })
}

fn aes_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Vec<u8>> {
    if wrapped.len() < 24 || wrapped.len() % 8 != 0 {
        return Err(Error::DecryptionFailed);
    }
    let key = AesKey::new_decrypt(kek).map_err(|_| Error::DecryptionFailed)?;
    let mut out = vec![0u8; wrapped.len() - 8];
    unwrap_key(&key, None, &mut out, wrapped).map_err(|_| Error::DecryptionFailed)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Encryption: used by the simulated Proxy-Service and by tests; the gateway itself only decrypts.

/// How to protect the content-encryption key for a recipient certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProtection {
    /// `xmlenc11#rsa-oaep` with SHA-256 digest and MGF1-SHA-256 (the EU node default).
    RsaOaep,
    /// `xmlenc#rsa-oaep-mgf1p` (protocol ≤ 1.3 peers only).
    RsaOaepMgf1p,
    /// `xmlenc11#ECDH-ES` + ConcatKDF(SHA-256) + `kw-aes256`.
    EcdhEs,
}

/// Encrypts `plaintext` (an XML element) for `recipient` as an `xenc:EncryptedData` element with
/// aes256-gcm, the EncryptedKey inside its KeyInfo naming the recipient certificate.
pub fn encrypt_element(
    plaintext: &[u8],
    recipient: &X509,
    protection: KeyProtection,
) -> Result<String> {
    let mut cek = [0u8; 32];
    openssl::rand::rand_bytes(&mut cek)?;
    let mut iv = [0u8; GCM_IV];
    openssl::rand::rand_bytes(&mut iv)?;
    let mut tag = [0u8; GCM_TAG];
    let ct = encrypt_aead(
        Cipher::aes_256_gcm(),
        &cek,
        Some(&iv),
        &[],
        plaintext,
        &mut tag,
    )?;
    let mut data = iv.to_vec();
    data.extend(ct);
    data.extend(tag);

    let cert_b64 = xml::encode_base64(&recipient.to_der()?);
    let public = recipient.public_key()?;
    let encrypted_key = match protection {
        KeyProtection::RsaOaep | KeyProtection::RsaOaepMgf1p => {
            let mut e = Encrypter::new(&public)?;
            e.set_rsa_padding(Padding::PKCS1_OAEP)?;
            let method = if protection == KeyProtection::RsaOaep {
                e.set_rsa_oaep_md(MessageDigest::sha256())?;
                e.set_rsa_mgf1_md(MessageDigest::sha256())?;
                format!(
                    r#"<xenc:EncryptionMethod Algorithm="{}"><ds:DigestMethod Algorithm="{}"/><xenc11:MGF xmlns:xenc11="{}" Algorithm="{}"/></xenc:EncryptionMethod>"#,
                    uri::RSA_OAEP,
                    uri::SHA256,
                    ns::XENC11,
                    uri::MGF1_SHA256
                )
            } else {
                e.set_rsa_oaep_md(MessageDigest::sha1())?;
                e.set_rsa_mgf1_md(MessageDigest::sha1())?;
                format!(
                    r#"<xenc:EncryptionMethod Algorithm="{}"><ds:DigestMethod Algorithm="{}"/></xenc:EncryptionMethod>"#,
                    uri::RSA_OAEP_MGF1P,
                    uri::SHA1
                )
            };
            let mut wrapped = vec![0u8; e.encrypt_len(&cek)?];
            let n = e.encrypt(&cek, &mut wrapped)?;
            wrapped.truncate(n);
            format!(
                r#"<xenc:EncryptedKey>{method}<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"#,
                xml::encode_base64(&wrapped)
            )
        }
        KeyProtection::EcdhEs => {
            let recipient_ec = public.ec_key()?;
            let group = recipient_ec.group();
            let nid = group
                .curve_name()
                .ok_or_else(|| Error::Key("unnamed curve".into()))?;
            let oid = curve_oid(nid).ok_or_else(|| Error::Key("curve not allowed".into()))?;
            let group = EcGroup::from_curve_name(nid)?;
            let eph = EcKey::generate(&group)?;
            let mut ctx = BigNumContext::new()?;
            let point =
                eph.public_key()
                    .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut ctx)?;
            let eph = PKey::from_ec_key(eph)?;
            let mut deriver = Deriver::new(&eph)?;
            deriver.set_peer(&public)?;
            let z = deriver.derive_to_vec()?;
            let kek = concat_kdf(Hash::Sha256, &z, &[0u8; 3], 32)?;
            let wrapped = aes_wrap(&kek, &cek)?;
            format!(
                concat!(
                    r#"<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{kw}"/><ds:KeyInfo>"#,
                    r#"<xenc:AgreementMethod Algorithm="{ecdh}"><xenc11:KeyDerivationMethod xmlns:xenc11="{x11}" Algorithm="{kdf}">"#,
                    r#"<xenc11:ConcatKDFParams AlgorithmID="0000" PartyUInfo="0000" PartyVInfo="0000"><ds:DigestMethod Algorithm="{sha}"/></xenc11:ConcatKDFParams></xenc11:KeyDerivationMethod>"#,
                    r#"<xenc:OriginatorKeyInfo><ds:KeyValue><ds11:ECKeyValue xmlns:ds11="{ds11}"><ds11:NamedCurve URI="urn:oid:{oid}"/><ds11:PublicKey>{pt}</ds11:PublicKey></ds11:ECKeyValue></ds:KeyValue></xenc:OriginatorKeyInfo>"#,
                    r#"<xenc:RecipientKeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></xenc:RecipientKeyInfo></xenc:AgreementMethod></ds:KeyInfo>"#,
                    r#"<xenc:CipherData><xenc:CipherValue>{wv}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"#
                ),
                kw = uri::KW_AES256,
                ecdh = uri::ECDH_ES,
                x11 = ns::XENC11,
                kdf = uri::CONCAT_KDF,
                sha = uri::SHA256,
                ds11 = ns::DS11,
                oid = oid,
                pt = xml::encode_base64(&point),
                cert = cert_b64,
                wv = xml::encode_base64(&wrapped),
            )
        }
    };
    Ok(format!(
        r#"<xenc:EncryptedData xmlns:xenc="{xenc}" xmlns:ds="{ds}" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="{alg}"/><ds:KeyInfo>{encrypted_key}</ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{cv}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>"#,
        xenc = ns::XENC,
        ds = ns::DS,
        alg = uri::AES256_GCM,
        cv = xml::encode_base64(&data),
    ))
}

fn aes_wrap(kek: &[u8], key: &[u8]) -> Result<Vec<u8>> {
    let k = AesKey::new_encrypt(kek).map_err(|_| Error::Crypto("bad KEK".into()))?;
    let mut out = vec![0u8; key.len() + 8];
    wrap_key(&k, None, &mut out, key).map_err(|_| Error::Crypto("key wrap".into()))?;
    Ok(out)
}
