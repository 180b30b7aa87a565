#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Interop with python-xmlsec (PyPI `xmlsec`, bundling libxmlsec1 1.3): the algorithms Debian's
//! xmlsec1 1.2 lacks. RSA-PSS signatures both ways (our AuthnRequest verified by it; a document it
//! signs verified by us) and xmlenc11 RSA-OAEP (SHA-256, MGF1-SHA-256) with AES-256-GCM both ways.
//! The peer is `tests/xmlsec-python/interop.py`; `scripts/test.sh` installs its requirements and
//! under `CI` a missing module fails the test instead of skipping it.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use eidas_node::identity::{IdentityRequest, LoaLevel, PersonType, SpType};
use eidas_node::saml::authn_request::{self, RequestOptions};
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::metadata::ProxyService;
use eidas_node::saml::sp::ServiceProvider;
use eidas_node::saml::xmlenc::{self, DecryptionPolicy, KeyProtection};
use eidas_node::saml::{dsig, xml, Error};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/xmlsec-python/interop.py")
}

fn available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import xmlsec, lxml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "python xmlsec is required in CI (pip install -r tests/xmlsec-python/requirements.txt)"
        );
        eprintln!("SKIPPED: python xmlsec not installed (scripts/test.sh installs it)");
    }
    ok
}

fn tmp(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eidas-pyxmlsec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn py(args: &[&std::ffi::OsStr]) -> Output {
    Command::new("python3")
        .arg(script())
        .args(args)
        .output()
        .unwrap()
}

fn rsa_sp() -> ServiceProvider {
    support::service_provider(
        support::keypair("rsa", "sp-rsa-sign"),
        vec![],
        vec![support::keypair("rsa", "sp-rsa-enc")],
    )
}

fn idp() -> ProxyService {
    support::proxy_service()
}

#[test]
fn python_xmlsec_verifies_our_rsa_pss_authn_request_and_rejects_a_tampered_one() {
    if !available() {
        return;
    }
    let sp = rsa_sp();
    let req = IdentityRequest {
        country: "CZ".into(),
        min_loa: LoaLevel::Substantial,
        person_type: PersonType::NaturalPerson,
        optional_attributes: vec![],
        sp_type: SpType::Public,
        requester_id: None,
        provider_name: Some("Skatteverket".into()),
    };
    let built = authn_request::build(
        &sp,
        &idp(),
        &req,
        RequestOptions::default(),
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    assert!(
        built.xml.contains("xmldsig-more#sha256-rsa-MGF1"),
        "RSA-PSS"
    );
    let cert = tmp("sp.crt", &sp.signing.pair.cert.to_pem().unwrap());
    let good = tmp("request.xml", built.xml.as_bytes());
    let out = py(&["verify".as_ref(), good.as_os_str(), cert.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad = tmp(
        "request-tampered.xml",
        built.xml.replace("Skatteverket", "Evil Corp").as_bytes(),
    );
    let out = py(&["verify".as_ref(), bad.as_os_str(), cert.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "tampered request must fail");
}

#[test]
fn we_verify_an_rsa_pss_signature_made_by_python_xmlsec() {
    if !available() {
        return;
    }
    let (key, pem) = support::keypair_with_pem("rsa", "py-signer");
    let key_pem = tmp("py-signer.key", &pem);
    let template = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_pss1" Version="2.0"><saml:Issuer>https://proxy.example/md</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>"#;
    let input = tmp("pss-template.xml", template.as_bytes());
    let output = input.with_file_name("pss-signed.xml");
    let out = py(&[
        "sign-pss".as_ref(),
        input.as_os_str(),
        output.as_os_str(),
        key_pem.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = std::fs::read_to_string(&output).unwrap();
    assert!(signed.contains("sha256-rsa-MGF1"));
    let pk = key.cert.public_key().unwrap();
    let doc = xml::parse(&signed, xml::MAX_MESSAGE_BYTES).unwrap();
    dsig::verify_enveloped(
        doc.root_element(),
        "Response",
        std::slice::from_ref(&pk),
        &SignaturePolicy::EIDAS,
    )
    .unwrap();
    let tampered = signed.replace("proxy.example", "evil.example");
    let doc = xml::parse(&tampered, xml::MAX_MESSAGE_BYTES).unwrap();
    assert!(matches!(
        dsig::verify_enveloped(
            doc.root_element(),
            "Response",
            std::slice::from_ref(&pk),
            &SignaturePolicy::EIDAS,
        ),
        Err(Error::DigestMismatch)
    ));
}

const ASSERTION: &str = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_as1" Version="2.0"><saml:Issuer>https://proxy.example/md</saml:Issuer><saml:Subject>Ελένη</saml:Subject></saml:Assertion>"#;

#[test]
fn python_xmlsec_decrypts_what_we_encrypt_with_rsa_oaep_sha256() {
    if !available() {
        return;
    }
    let (recipient, recipient_pem) = support::keypair_with_pem("rsa", "py-recipient");
    let ed = xmlenc::encrypt_element(
        ASSERTION.as_bytes(),
        &recipient.cert,
        KeyProtection::RsaOaep,
    )
    .unwrap();
    assert!(ed.contains("xmlenc11#rsa-oaep") && ed.contains("aes256-gcm"));
    let file = tmp("ours-encrypted.xml", ed.as_bytes());
    let key = tmp("py-recipient.key", &recipient_pem);
    let out = py(&["decrypt".as_ref(), file.as_os_str(), key.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plain = String::from_utf8(out.stdout).unwrap();
    assert!(
        plain.contains("Ελένη") && plain.contains("ID=\"_as1\""),
        "{plain}"
    );
}

#[test]
fn we_decrypt_what_python_xmlsec_encrypts_with_rsa_oaep_sha256() {
    if !available() {
        return;
    }
    let ours = support::keypair("rsa", "our-enc");
    let cert = tmp("our-enc.crt", &ours.cert.to_pem().unwrap());
    let input = tmp("assertion.xml", ASSERTION.as_bytes());
    let output = input.with_file_name("py-encrypted.xml");
    let out = py(&[
        "encrypt-oaep".as_ref(),
        input.as_os_str(),
        output.as_os_str(),
        cert.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let enc = std::fs::read_to_string(&output).unwrap();
    assert!(enc.contains("xmlenc11#rsa-oaep") && enc.contains("mgf1sha256"));
    let doc = xml::parse(&enc, xml::MAX_MESSAGE_BYTES).unwrap();
    let policy = DecryptionPolicy {
        allow_rsa_oaep_mgf1p: false,
    };
    let plain = xmlenc::decrypt(doc.root_element(), std::slice::from_ref(&ours), &policy).unwrap();
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.contains("Ελένη") && plain.contains("_as1"), "{plain}");
    // A different key cannot open it (the test is real).
    let other = support::keypair("rsa", "other");
    assert!(xmlenc::decrypt(doc.root_element(), &[other], &policy).is_err());
}
