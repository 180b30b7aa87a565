#![allow(dead_code)]
use std::path::PathBuf;

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(rel)
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn read_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A fresh key pair with a self-signed certificate: "ec" (P-256) or "rsa" (3072), made by the
/// same code as `eidas-node keys generate`.
pub fn keypair(kind: &str, cn: &str) -> eidas_node::saml::keys::KeyPair {
    keypair_with_pem(kind, cn).0
}

/// As [`keypair`], with the private key's PKCS#8 PEM (for tools that need the file).
#[allow(dead_code)]
pub fn keypair_with_pem(kind: &str, cn: &str) -> (eidas_node::saml::keys::KeyPair, Vec<u8>) {
    let key = eidas_node::cli::keys::new_key(kind == "rsa").unwrap();
    let cert = eidas_node::cli::keys::self_signed(&key, cn, 365).unwrap();
    let pem = key.private_key_to_pem_pkcs8().unwrap();
    (
        eidas_node::saml::keys::KeyPair::new(key, cert).unwrap(),
        pem,
    )
}

/// Our SP as the SAML tests know it: SE, entityID and ACS under `connector.se.example`.
pub fn service_provider(
    signing: eidas_node::saml::keys::KeyPair,
    extra_signing_certs: Vec<openssl::x509::X509>,
    decryption: Vec<eidas_node::saml::keys::KeyPair>,
) -> eidas_node::saml::sp::ServiceProvider {
    eidas_node::saml::sp::ServiceProvider {
        entity_id: "https://connector.se.example/saml/metadata".into(),
        acs_url: "https://connector.se.example/saml/acs".into(),
        country: "SE".into(),
        signing: eidas_node::saml::keys::SigningKey::new(signing).unwrap(),
        extra_signing_certs,
        decryption,
        retired_decryption: Vec::new(),
    }
}

/// A Czech Proxy-Service from verified metadata, without keys: protocol 1.4, notified
/// Substantial, the natural-person minimum data set, no RequesterID flag. Tests change what
/// they exercise with struct update syntax.
pub fn proxy_service() -> eidas_node::saml::metadata::ProxyService {
    use eidas_node::identity::{Loa, LoaLevel, PersonType};
    eidas_node::saml::metadata::ProxyService {
        entity_id: "https://proxy.cz.example/metadata".into(),
        valid_until: None,
        country: Some("CZ".into()),
        sso_post_url: Some("https://proxy.cz.example/sso".into()),
        signing_keys: vec![],
        signing_certs: vec![],
        encryption_certs: vec![],
        supported_attributes: eidas_node::saml::attributes::mandatory(PersonType::NaturalPerson)
            .iter()
            .map(|a| a.0.to_owned())
            .collect(),
        loas: vec![Loa::notified(LoaLevel::Substantial)],
        protocol_versions: vec!["1.4".into()],
        application_identifier: None,
        requester_id_flag: false,
        signing_methods: vec![],
        digest_methods: vec![],
        name_id_formats: vec![],
        notes: vec![],
    }
}
