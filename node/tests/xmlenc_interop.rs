//! XML-Enc decryption of the EU eIDAS-Node 2.9 vectors, with the keys beside them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use eidas_node::saml::keys::KeyPair;
use eidas_node::saml::xmlenc::{self, DecryptionPolicy};
use eidas_node::saml::{xml, Error};

const DIR: &str = "interop/eu-eidas-node-2.9";

fn key(name: &str) -> KeyPair {
    KeyPair::from_pem(
        &support::read_bytes(&format!("{DIR}/keys/{name}.key.pem")),
        &support::read_bytes(&format!("{DIR}/keys/{name}.crt.pem")),
    )
    .unwrap()
}

fn decrypt(file: &str, keys: &[KeyPair], policy: DecryptionPolicy) -> Result<Vec<u8>, Error> {
    let text = support::read(&format!("{DIR}/responses/{file}"));
    let doc = xml::parse(&text, xml::MAX_MESSAGE_BYTES)?;
    let ed = doc
        .descendants()
        .find(|n| xml::is(*n, xml::ns::XENC, "EncryptedData"))
        .unwrap();
    xmlenc::decrypt(ed, keys, &policy)
}

fn assert_assertion(plain: &[u8]) {
    let s = std::str::from_utf8(plain).unwrap();
    assert!(
        s.contains(":Assertion") && s.contains("PersonIdentifier"),
        "{s}"
    );
}

const LEGACY: DecryptionPolicy = DecryptionPolicy {
    allow_rsa_oaep_mgf1p: true,
};

#[test]
fn every_eu_node_vector_decrypts_with_its_key() {
    let all = [
        key("test-rsa"),
        key("test-ec-nist"),
        key("test-ec-brainpool"),
    ];
    for (file, policy) in [
        (
            "saml_rsa_rsa-oaep_encrypted_response.xml",
            DecryptionPolicy::default(),
        ),
        ("saml_rsa_rsa-oaep-mgf1p_encrypted_response.xml", LEGACY),
        (
            "saml_rsa_rsa-oaep_encrypted_response_DEREncodedKeyValue.xml",
            LEGACY,
        ),
        (
            "saml_ec_NistCurve_kw-aes128_encrypted_response.xml",
            DecryptionPolicy::default(),
        ),
        (
            "saml_ec_NistCurve_kw-aes256_encrypted_response.xml",
            DecryptionPolicy::default(),
        ),
        (
            "saml_ec_Brainpool_kw-aes128_encrypted_response.xml",
            DecryptionPolicy::default(),
        ),
        (
            "saml_ec_Brainpool_kw-aes256_encrypted_response.xml",
            DecryptionPolicy::default(),
        ),
    ] {
        let plain = decrypt(file, &all, policy).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_assertion(&plain);
    }
}

#[test]
fn rsa_oaep_mgf1p_is_refused_for_protocol_1_4_peers() {
    let r = decrypt(
        "saml_rsa_rsa-oaep-mgf1p_encrypted_response.xml",
        &[key("test-rsa")],
        DecryptionPolicy::default(),
    );
    assert!(matches!(r, Err(Error::AlgorithmNotAllowed(a)) if a.ends_with("rsa-oaep-mgf1p")));
}

#[test]
fn invalid_eu_node_vectors_without_recipient_identification_are_rejected() {
    for file in [
        "INVALID_saml_rsa_rsa-oaep_encrypted_response_missing_keyInfo.xml",
        "INVALID_saml_rsa_rsa-oaep_encrypted_response_missing_pubkey.xml",
    ] {
        assert_eq!(
            decrypt(file, &[key("test-rsa")], LEGACY),
            Err(Error::NoRecipientKey),
            "{file}"
        );
    }
}

#[test]
fn a_vector_for_another_key_is_not_decrypted() {
    let r = decrypt(
        "saml_ec_NistCurve_kw-aes256_encrypted_response.xml",
        &[key("test-rsa")],
        LEGACY,
    );
    assert_eq!(r, Err(Error::NoRecipientKey));
}

#[test]
fn our_encryption_round_trips_for_each_key_protection() {
    use xmlenc::KeyProtection::*;
    for (k, prot) in [
        ("test-rsa", RsaOaep),
        ("test-rsa", RsaOaepMgf1p),
        ("test-ec-nist", EcdhEs),
        ("test-ec-brainpool", EcdhEs),
    ] {
        let pair = key(k);
        let ed = xmlenc::encrypt_element(
            b"<a:Assertion xmlns:a=\"urn:x\">hi</a:Assertion>",
            &pair.cert,
            prot,
        )
        .unwrap();
        let doc = xml::parse(&ed, 100_000).unwrap();
        let policy = DecryptionPolicy {
            allow_rsa_oaep_mgf1p: prot == RsaOaepMgf1p,
        };
        let plain =
            xmlenc::decrypt(doc.root_element(), std::slice::from_ref(&pair), &policy).unwrap();
        assert_eq!(plain, b"<a:Assertion xmlns:a=\"urn:x\">hi</a:Assertion>");
    }
}

#[test]
fn cbc_content_and_rsa_1_5_key_transport_are_rejected() {
    let pair = key("test-rsa");
    let ed = xmlenc::encrypt_element(b"<x/>", &pair.cert, xmlenc::KeyProtection::RsaOaep).unwrap();
    let cbc = ed
        .replace("xmlenc11#aes256-gcm", "xmlenc#aes128-cbc")
        .replace("2009/xmlenc11#aes", "2001/04/xmlenc#aes");
    let doc = xml::parse(&cbc, 100_000).unwrap();
    let r = xmlenc::decrypt(
        doc.root_element(),
        std::slice::from_ref(&pair),
        &DecryptionPolicy::default(),
    );
    assert!(
        matches!(r, Err(Error::AlgorithmNotAllowed(ref a)) if a.contains("cbc")),
        "{r:?}"
    );

    let v15 = ed.replace(
        "http://www.w3.org/2009/xmlenc11#rsa-oaep",
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
    );
    let doc = xml::parse(&v15, 100_000).unwrap();
    let r = xmlenc::decrypt(
        doc.root_element(),
        std::slice::from_ref(&pair),
        &DecryptionPolicy::default(),
    );
    assert!(
        matches!(r, Err(Error::AlgorithmNotAllowed(ref a)) if a.ends_with("rsa-1_5")),
        "{r:?}"
    );
}

/// Invalid-curve defence: the ephemeral ECDH-ES key must be a point on our curve. We rely on
/// OpenSSL's point decoding for that (and skip the redundant n·Q check, our curves having
/// cofactor 1), so an off-curve point must be refused, in both key encodings.
#[test]
fn an_ephemeral_key_off_the_curve_is_refused() {
    use eidas_node::saml::xmlenc::KeyProtection;
    use openssl::bn::{BigNum, BigNumContext};
    use openssl::ec::{EcGroup, EcPoint, PointConversionForm};
    use openssl::nid::Nid;

    let ours = support::keypair("ec", "ecdh-recipient");
    let policy = || DecryptionPolicy {
        allow_rsa_oaep_mgf1p: false,
    };
    let ed = xmlenc::encrypt_element(b"<a>x</a>", &ours.cert, KeyProtection::EcdhEs).unwrap();
    let doc = xml::parse(&ed, xml::MAX_MESSAGE_BYTES).unwrap();
    assert_eq!(
        xmlenc::decrypt(doc.root_element(), std::slice::from_ref(&ours), &policy()).unwrap(),
        b"<a>x</a>"
    );
    let pk_node = doc
        .descendants()
        .find(|n| n.tag_name().name() == "PublicKey")
        .unwrap();
    let original = pk_node.text().unwrap().trim().to_owned();
    let mut point = xml::decode_base64(&original).unwrap();
    assert_eq!(point.len(), 65, "uncompressed P-256 point");
    // Change y: (x, y+1) is not on the curve.
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let mut ctx = BigNumContext::new().unwrap();
    let y = BigNum::from_slice(&point[33..]).unwrap();
    let mut y1 = BigNum::new().unwrap();
    y1.checked_add(&y, &BigNum::from_u32(1).unwrap()).unwrap();
    let y1 = y1.to_vec_padded(32).unwrap();
    point[33..].copy_from_slice(&y1);
    assert!(EcPoint::from_bytes(&group, &point, &mut ctx).is_err());
    let tampered = ed.replace(&original, &xml::encode_base64(&point));
    let doc = xml::parse(&tampered, xml::MAX_MESSAGE_BYTES).unwrap();
    assert_eq!(
        xmlenc::decrypt(doc.root_element(), std::slice::from_ref(&ours), &policy()).err(),
        Some(Error::DecryptionFailed)
    );
    // The same point as a DEREncodedKeyValue (the EU node's encoding): the good key decrypts,
    // the off-curve one is refused.
    let good = EcPoint::from_bytes(&group, &xml::decode_base64(&original).unwrap(), &mut ctx)
        .unwrap()
        .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut ctx)
        .unwrap();
    let spki = openssl::ec::EcKey::from_public_key(
        &group,
        &EcPoint::from_bytes(&group, &good, &mut ctx).unwrap(),
    )
    .unwrap()
    .public_key_to_der()
    .unwrap();
    let bad_spki: Vec<u8> = {
        let mut v = spki.clone();
        let n = v.len();
        v[n - 32..].copy_from_slice(&y1);
        v
    };
    let kv_start = ed.find("<ds:KeyValue>").unwrap();
    let kv_end = ed.find("</ds:KeyValue>").unwrap() + "</ds:KeyValue>".len();
    let with_der = |der: &[u8]| {
        let mut x = ed.clone();
        x.replace_range(
            kv_start..kv_end,
            &format!(
                r#"<ds11:DEREncodedKeyValue xmlns:ds11="http://www.w3.org/2009/xmldsig11#">{}</ds11:DEREncodedKeyValue>"#,
                xml::encode_base64(der)
            ),
        );
        x
    };
    let good_doc = with_der(&spki);
    let doc = xml::parse(&good_doc, xml::MAX_MESSAGE_BYTES).unwrap();
    assert_eq!(
        xmlenc::decrypt(doc.root_element(), std::slice::from_ref(&ours), &policy()).unwrap(),
        b"<a>x</a>"
    );
    let bad_doc = with_der(&bad_spki);
    let doc = xml::parse(&bad_doc, xml::MAX_MESSAGE_BYTES).unwrap();
    assert_eq!(
        xmlenc::decrypt(doc.root_element(), std::slice::from_ref(&ours), &policy()).err(),
        Some(Error::DecryptionFailed)
    );
}

/// The same vectors with the keys imported into a PKCS#11 token (SoftHSM2, issue 13): ECDH on
/// NIST and Brainpool curves with `CKM_ECDH1_DERIVE`, RSA-OAEP with the token's own OAEP
/// (SHA-1 only on SoftHSM 2.6) and with the padding checked outside (`rsa_oaep = "raw"`).
/// Skips without SoftHSM2 (`SOFTHSM2_CONF`), fails so under `CI=true`.
#[test]
fn every_eu_node_vector_decrypts_with_its_key_inside_a_token() {
    use eidas_node::keys::pkcs11::provision::{Token, Usage};
    use eidas_node::keys::pkcs11::Pkcs11Key;
    use std::sync::Arc;
    const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
    if std::env::var_os("SOFTHSM2_CONF").is_none() || !std::path::Path::new(MODULE).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but SoftHSM2 is not set up"
        );
        eprintln!("SKIPPED: no SoftHSM2");
        return;
    }
    let mut rnd = [0u8; 6];
    openssl::rand::rand_bytes(&mut rnd).unwrap();
    let label: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
    let label = format!("eu-{label}");
    let out = std::process::Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", &label])
        .args(["--pin", "1234", "--so-pin", "5678"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let token = Token::open(std::path::Path::new(MODULE), &label, "1234").unwrap();
    let in_token = |name: &str, raw: bool| -> KeyPair {
        let pem = support::read_bytes(&format!("{DIR}/keys/{name}.key.pem"));
        let key = openssl::pkey::PKey::private_key_from_pem(&pem).unwrap();
        let object = format!("{name}-{raw}");
        token.import(&object, &key, Usage::Decrypt).unwrap();
        let key = Pkcs11Key::open(std::path::Path::new(MODULE), &label, &object, "1234")
            .unwrap()
            .with_raw_oaep(raw);
        let cert = openssl::x509::X509::from_pem(&support::read_bytes(&format!(
            "{DIR}/keys/{name}.crt.pem"
        )))
        .unwrap();
        KeyPair::from_key(Arc::new(key), cert).unwrap()
    };
    let ec = [
        in_token("test-ec-nist", false),
        in_token("test-ec-brainpool", false),
    ];
    for file in [
        "saml_ec_NistCurve_kw-aes128_encrypted_response.xml",
        "saml_ec_NistCurve_kw-aes256_encrypted_response.xml",
        "saml_ec_Brainpool_kw-aes128_encrypted_response.xml",
        "saml_ec_Brainpool_kw-aes256_encrypted_response.xml",
    ] {
        let plain = decrypt(file, &ec, DecryptionPolicy::default())
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_assertion(&plain);
    }
    // rsa-oaep-mgf1p (SHA-1): the token's own OAEP does it.
    let rsa_token = [in_token("test-rsa", false)];
    let plain = decrypt(
        "saml_rsa_rsa-oaep-mgf1p_encrypted_response.xml",
        &rsa_token,
        LEGACY,
    )
    .unwrap();
    assert_assertion(&plain);
    // Raw RSA in the token, OAEP checked here: every RSA vector.
    let rsa_raw = [in_token("test-rsa", true)];
    for (file, policy) in [
        (
            "saml_rsa_rsa-oaep_encrypted_response.xml",
            DecryptionPolicy::default(),
        ),
        ("saml_rsa_rsa-oaep-mgf1p_encrypted_response.xml", LEGACY),
        (
            "saml_rsa_rsa-oaep_encrypted_response_DEREncodedKeyValue.xml",
            LEGACY,
        ),
    ] {
        let plain = decrypt(file, &rsa_raw, policy).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_assertion(&plain);
    }
    // A vector for another key is still refused with the token keys.
    assert!(decrypt(
        "saml_ec_NistCurve_kw-aes128_encrypted_response.xml",
        &rsa_raw,
        DecryptionPolicy::default()
    )
    .is_err());
}
