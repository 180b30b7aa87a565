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
