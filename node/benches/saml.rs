//! SAML hot paths: signing an AuthnRequest, and validating + decrypting a typical response, for
//! (a) RSA-3072 PSS + RSA-OAEP and (b) ECDSA P-256 + ECDH-ES. `cargo bench --bench saml`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use eidas_node::identity::{IdentityRequest, Loa, LoaLevel, PersonType, SpType};
use eidas_node::saml::attributes as reg;
use eidas_node::saml::authn_request::{self, RequestOptions};
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::idp::{self, ResponseSpec};
use eidas_node::saml::keys::{KeyPair, SigningKey};
use eidas_node::saml::metadata::ProxyService;
use eidas_node::saml::response::{self, Context};
use eidas_node::saml::sp::ServiceProvider;
use eidas_node::saml::xmlenc::KeyProtection;
use openssl::asn1::Asn1Time;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509NameBuilder, X509};
use time::{Duration, OffsetDateTime};

fn keypair(rsa: bool) -> KeyPair {
    let key = if rsa {
        PKey::from_rsa(Rsa::generate(3072).unwrap()).unwrap()
    } else {
        PKey::from_ec_key(
            EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
        )
        .unwrap()
    };
    let mut n = X509NameBuilder::new().unwrap();
    n.append_entry_by_text("CN", "bench").unwrap();
    let n = n.build();
    let mut b = X509::builder().unwrap();
    b.set_subject_name(&n).unwrap();
    b.set_issuer_name(&n).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    KeyPair::from_pem(
        &key.private_key_to_pem_pkcs8().unwrap(),
        &b.build().to_pem().unwrap(),
    )
    .unwrap()
}

fn time<F: FnMut()>(label: &str, iters: u32, mut f: F) {
    f();
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / f64::from(iters);
    println!("{label:<55} {per:>9.1} µs/op  ({iters} iterations)");
}

fn main() {
    for (label, rsa) in [
        ("ECDSA P-256 + ECDH-ES", false),
        ("RSA-3072 PSS + RSA-OAEP", true),
    ] {
        let idp_key = SigningKey::new(keypair(rsa)).unwrap();
        let sp = ServiceProvider {
            entity_id: "https://c.example/md".into(),
            acs_url: "https://c.example/acs".into(),
            country: "SE".into(),
            signing: SigningKey::new(keypair(rsa)).unwrap(),
            extra_signing_certs: vec![],
            decryption: vec![keypair(rsa)],
        };
        let idp = ProxyService {
            entity_id: "https://p.example/md".into(),
            valid_until: None,
            country: Some("CZ".into()),
            sso_post_url: Some("https://p.example/sso".into()),
            signing_keys: vec![idp_key.pair.cert.public_key().unwrap()],
            encryption_certs: vec![],
            supported_attributes: reg::mandatory(PersonType::NaturalPerson)
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
        };
        let req = IdentityRequest {
            country: "CZ".into(),
            min_loa: LoaLevel::Substantial,
            person_type: PersonType::NaturalPerson,
            optional_attributes: vec![],
            sp_type: SpType::Public,
            requester_id: None,
            provider_name: Some("Bench".into()),
        };
        let now = OffsetDateTime::now_utc();
        time(&format!("sign AuthnRequest [{label}]"), 300, || {
            authn_request::build(&sp, &idp, &req, RequestOptions::default(), now).unwrap();
        });
        let built = authn_request::build(&sp, &idp, &req, RequestOptions::default(), now).unwrap();
        let mut spec = ResponseSpec::success(
            &idp.entity_id,
            &sp.acs_url,
            &sp.entity_id,
            &built.requested.request_id,
            now,
        )
        .attribute(reg::PERSON_IDENTIFIER, "CZ/SE/1234567890")
        .attribute(reg::FAMILY_NAME, "Novak")
        .attribute(reg::GIVEN_NAME, "Jan")
        .attribute(reg::DATE_OF_BIRTH, "1980-01-01");
        spec.encryption = Some(if rsa {
            KeyProtection::RsaOaep
        } else {
            KeyProtection::EcdhEs
        });
        let doc = idp::build_response(&spec, &idp_key, &sp.decryption[0].cert).unwrap();
        let b64 = eidas_node::saml::xml::encode_base64(doc.as_bytes());
        let ctx = Context {
            sp: &sp,
            idp: &idp,
            signature_policy: SignaturePolicy::EIDAS,
            skew: Duration::seconds(30),
            extra_audiences: &[],
            allow_representatives: false,
            now,
        };
        time(
            &format!("validate + decrypt response ({} B) [{label}]", doc.len()),
            300,
            || {
                let text = response::decode_post(&b64).unwrap();
                response::validate(&text, &built.requested, &ctx).unwrap();
            },
        );
    }
}
