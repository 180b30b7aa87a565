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

pub fn p256() -> openssl::pkey::PKey<openssl::pkey::Private> {
    openssl::pkey::PKey::from_ec_key(
        openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap()
}

fn name(cn: &str) -> openssl::x509::X509Name {
    let mut n = openssl::x509::X509Name::builder().unwrap();
    n.append_entry_by_text("CN", cn).unwrap();
    n.build()
}

/// A certificate for `key` named `cn`, by `issuer` (self-signed when none), valid `from..until`
/// days around now.
pub fn cert(
    key: &openssl::pkey::PKey<openssl::pkey::Private>,
    cn: &str,
    issuer: Option<(
        &openssl::pkey::PKey<openssl::pkey::Private>,
        &openssl::x509::X509,
    )>,
    ca: bool,
    from: i64,
    until: i64,
) -> openssl::x509::X509 {
    let mut b = openssl::x509::X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name(cn)).unwrap();
    b.set_pubkey(key).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    b.set_not_before(&openssl::asn1::Asn1Time::from_unix(now + from * 86_400).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::from_unix(now + until * 86_400).unwrap())
        .unwrap();
    let serial = openssl::bn::BigNum::from_u32(rand_u32())
        .unwrap()
        .to_asn1_integer()
        .unwrap();
    b.set_serial_number(&serial).unwrap();
    if ca {
        b.append_extension(
            openssl::x509::extension::BasicConstraints::new()
                .critical()
                .ca()
                .build()
                .unwrap(),
        )
        .unwrap();
        b.append_extension(
            openssl::x509::extension::KeyUsage::new()
                .critical()
                .key_cert_sign()
                .build()
                .unwrap(),
        )
        .unwrap();
    } else {
        b.append_extension(
            openssl::x509::extension::KeyUsage::new()
                .critical()
                .digital_signature()
                .build()
                .unwrap(),
        )
        .unwrap();
    }
    match issuer {
        Some((ik, ic)) => {
            b.set_issuer_name(ic.subject_name()).unwrap();
            b.sign(ik, openssl::hash::MessageDigest::sha256()).unwrap();
        }
        None => {
            b.set_issuer_name(&name(cn)).unwrap();
            b.sign(key, openssl::hash::MessageDigest::sha256()).unwrap();
        }
    }
    b.build()
}

fn rand_u32() -> u32 {
    let mut b = [0u8; 4];
    openssl::rand::rand_bytes(&mut b).unwrap();
    u32::from_be_bytes(b) | 1
}
