//! The AuthnRequest (eidas-requirements §1) and our SP metadata (§4), checked by our verifier and
//! by the Debian `xmlsec1` CLI (ECDSA-SHA256), and documents signed by `xmlsec1` checked by ours.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::process::Command;

use eidas_node::identity::{IdentityRequest, Loa, LoaLevel, OptionalAttribute, PersonType, SpType};
use eidas_node::saml::attributes as reg;
use eidas_node::saml::authn_request::{self, RequestOptions};
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::metadata::ProxyService;
use eidas_node::saml::sp::ServiceProvider;
use eidas_node::saml::sp_metadata::{self, Contact, MetadataInfo, Organization};
use eidas_node::saml::xml::{self, ns};
use eidas_node::saml::{dsig, Error};
use time::{Duration, OffsetDateTime};

fn sp() -> ServiceProvider {
    support::service_provider(
        support::keypair("ec", "sp-sign"),
        vec![support::keypair("ec", "sp-sign-next").cert],
        vec![
            support::keypair("ec", "enc-1"),
            support::keypair("ec", "enc-2"),
        ],
    )
}

fn idp() -> ProxyService {
    let mut p = support::proxy_service();
    p.supported_attributes
        .push(reg::optional(OptionalAttribute::BirthName).0.to_owned());
    p.loas.push(Loa::notified(LoaLevel::High));
    p.requester_id_flag = true;
    p
}

fn request(optional: Vec<OptionalAttribute>) -> IdentityRequest {
    IdentityRequest {
        country: "CZ".into(),
        min_loa: LoaLevel::Substantial,
        person_type: PersonType::NaturalPerson,
        optional_attributes: optional,
        sp_type: SpType::Private,
        requester_id: Some("urn:se:agency:tax".into()),
        provider_name: Some("Skatteverket".into()),
    }
}

#[test]
fn authn_request_follows_every_rule_of_section_1_and_verifies() {
    let sp = sp();
    let built = authn_request::build(
        &sp,
        &idp(),
        &request(vec![
            OptionalAttribute::BirthName,
            OptionalAttribute::Gender,
        ]),
        RequestOptions::default(),
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    assert_eq!(built.form.action, "https://proxy.cz.example/sso");
    assert!(built.form.relay_state.len() <= 80 && built.form.relay_state.len() >= 43);
    let decoded = String::from_utf8(xml::decode_base64(&built.form.saml_request).unwrap()).unwrap();
    assert_eq!(decoded, built.xml);
    let doc = xml::parse(&built.xml, xml::MAX_MESSAGE_BYTES).unwrap();
    let r = doc.root_element();
    assert!(xml::is(r, ns::SAMLP, "AuthnRequest"));
    assert_eq!(r.attribute("ForceAuthn"), Some("true"));
    assert_eq!(r.attribute("IsPassive"), Some("false"));
    assert_eq!(
        r.attribute("Destination"),
        Some("https://proxy.cz.example/sso")
    );
    assert_eq!(r.attribute("ProviderName"), Some("Skatteverket"));
    assert!(
        r.attribute("AssertionConsumerServiceURL").is_none()
            && r.attribute("ProtocolBinding").is_none()
    );
    let id = r.attribute("ID").unwrap();
    assert!(id.starts_with('_') && id.len() >= 33, "≥128 random bits");
    assert_eq!(built.requested.request_id, id);
    let issuer = xml::child(r, ns::SAML, "Issuer").unwrap();
    assert_eq!(xml::text(issuer).unwrap(), sp.entity_id);
    let ext = xml::child(r, ns::SAMLP, "Extensions").unwrap();
    assert_eq!(
        xml::text(xml::child(ext, ns::EIDAS, "SPType").unwrap()).unwrap(),
        "private"
    );
    assert!(xml::child(ext, ns::EIDAS, "NodeCountry").is_none());
    let attrs: Vec<(String, String)> = xml::children(
        xml::child(ext, ns::EIDAS, "RequestedAttributes").unwrap(),
        ns::EIDAS,
        "RequestedAttribute",
    )
    .map(|a| {
        (
            a.attribute("Name").unwrap().to_owned(),
            a.attribute("isRequired").unwrap().to_owned(),
        )
    })
    .collect();
    for (m, _) in reg::mandatory(PersonType::NaturalPerson) {
        assert!(attrs.contains(&(m.to_string(), "true".into())), "{m}");
    }
    assert!(attrs.contains(&(
        reg::optional(OptionalAttribute::BirthName).0.to_string(),
        "false".into()
    )));
    // Gender is not supported by the peer: not requested.
    assert!(!attrs.iter().any(|a| a.0.ends_with("/Gender")));
    let policy = xml::child(r, ns::SAMLP, "NameIDPolicy").unwrap();
    assert_eq!(policy.attribute("AllowCreate"), Some("true"));
    let rac = xml::child(r, ns::SAMLP, "RequestedAuthnContext").unwrap();
    assert_eq!(rac.attribute("Comparison"), Some("minimum"));
    let refs: Vec<String> = rac
        .children()
        .filter(|c| c.is_element())
        .map(|c| xml::text(c).unwrap())
        .collect();
    assert_eq!(refs, vec!["http://eidas.europa.eu/LoA/substantial"]);
    let rid = r
        .descendants()
        .find(|n| xml::is(*n, ns::SAMLP, "RequesterID"))
        .unwrap();
    assert_eq!(xml::text(rid).unwrap(), "urn:se:agency:tax");
    // Element order of the SAML schema.
    let order: Vec<&str> = r
        .children()
        .filter(|c| c.is_element())
        .map(|c| c.tag_name().name())
        .collect();
    assert_eq!(
        order,
        [
            "Issuer",
            "Signature",
            "Extensions",
            "NameIDPolicy",
            "RequestedAuthnContext",
            "Scoping"
        ]
    );
    dsig::verify_enveloped(
        r,
        "AuthnRequest",
        &[sp.signing.pair.cert.public_key().unwrap()],
        &SignaturePolicy::EIDAS,
    )
    .unwrap();
}

#[test]
fn scoping_only_when_flagged_and_not_switched_off() {
    let sp = sp();
    let mut peer = idp();
    let now = OffsetDateTime::now_utc();
    let off = authn_request::build(
        &sp,
        &peer,
        &request(vec![]),
        RequestOptions { omit_scoping: true },
        now,
    )
    .unwrap();
    assert!(!off.xml.contains("Scoping"));
    peer.requester_id_flag = false;
    let unflagged =
        authn_request::build(&sp, &peer, &request(vec![]), RequestOptions::default(), now).unwrap();
    assert!(!unflagged.xml.contains("Scoping"));
}

#[test]
fn natural_and_legal_attributes_are_never_mixed_and_loa_rules_follow_the_peer() {
    let sp = sp();
    let now = OffsetDateTime::now_utc();
    let r = authn_request::build(
        &sp,
        &idp(),
        &request(vec![OptionalAttribute::Lei]),
        RequestOptions::default(),
        now,
    );
    assert!(matches!(r, Err(Error::Request(_))));

    let mut high_only = request(vec![]);
    high_only.min_loa = LoaLevel::High;
    let mut peer = idp();
    peer.loas = vec![Loa::notified(LoaLevel::Substantial)];
    assert!(matches!(
        authn_request::build(&sp, &peer, &high_only, RequestOptions::default(), now),
        Err(Error::LoaNotPublished(_))
    ));
    // A non-notified peer gets Comparison="exact" with every acceptable URI.
    peer.loas = vec![
        Loa {
            level: LoaLevel::Substantial,
            notified: false,
        },
        Loa {
            level: LoaLevel::High,
            notified: false,
        },
    ];
    let built =
        authn_request::build(&sp, &peer, &request(vec![]), RequestOptions::default(), now).unwrap();
    assert!(built.xml.contains(r#"Comparison="exact""#));
    assert_eq!(built.requested.exact_loas.len(), 2);
}

fn info() -> MetadataInfo {
    MetadataInfo {
        organization: Organization {
            name: "Agency".into(),
            display_name: "Agency".into(),
            url: "https://agency.example".into(),
        },
        contacts: vec![
            Contact {
                kind: "support".into(),
                company: Some("Agency".into()),
                email: "support@agency.example".into(),
            },
            Contact {
                kind: "technical".into(),
                company: None,
                email: "ops@agency.example".into(),
            },
        ],
        validity: Duration::days(1),
    }
}

#[test]
fn sp_metadata_has_every_section_4_element_and_verifies() {
    let sp = sp();
    let now = OffsetDateTime::now_utc();
    let md = sp_metadata::build(&sp, &info(), now).unwrap();
    let doc = xml::parse(&md, xml::MAX_METADATA_BYTES).unwrap();
    let r = doc.root_element();
    assert_eq!(r.attribute("entityID"), Some(sp.entity_id.as_str()));
    let vu = xml::parse_datetime(r.attribute("validUntil").unwrap()).unwrap();
    assert!(vu > now + Duration::hours(23));
    let spsso = xml::child(r, ns::MD, "SPSSODescriptor").unwrap();
    assert_eq!(spsso.attribute("AuthnRequestsSigned"), Some("true"));
    let country = spsso
        .descendants()
        .find(|n| xml::is(*n, ns::EIDAS, "NodeCountry"))
        .unwrap();
    assert_eq!(xml::text(country).unwrap(), "SE");
    let kd: Vec<&str> = xml::children(spsso, ns::MD, "KeyDescriptor")
        .map(|k| k.attribute("use").unwrap())
        .collect();
    assert_eq!(kd, ["signing", "signing", "encryption", "encryption"]);
    assert!(
        md.contains("urn:oasis:names:tc:SAML:metadata:algsupport")
            && md.contains("SigningMethod")
            && md.contains("MinKeySize=\"3072\"")
    );
    assert!(md.contains("http://eidas.europa.eu/entity-attributes/protocol-version"));
    assert!(md.contains("xmlenc11#aes256-gcm") && md.contains("xmlenc11#ECDH-ES"));
    assert!(md.contains("<md:Organization>") && md.contains(r#"contactType="technical""#));
    let acs = xml::child(spsso, ns::MD, "AssertionConsumerService").unwrap();
    assert_eq!(acs.attribute("Location"), Some(sp.acs_url.as_str()));
    dsig::verify_enveloped(
        r,
        "metadata",
        &[sp.signing.pair.cert.public_key().unwrap()],
        &SignaturePolicy::EIDAS,
    )
    .unwrap();
}

// ---- xmlsec1 interop -------------------------------------------------------------------------

fn xmlsec1_available() -> bool {
    let ok = Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var("CI").is_err(), "xmlsec1 is required in CI");
        eprintln!("SKIPPED: xmlsec1 not installed (scripts/test.sh installs it)");
    }
    ok
}

fn tmp(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("eidas-xmlsec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn xmlsec1_verifies_our_signed_request_and_metadata() {
    if !xmlsec1_available() {
        return;
    }
    let sp = sp();
    let now = OffsetDateTime::now_utc();
    let cert = tmp("sp.crt", &sp.signing.pair.cert.to_pem().unwrap());
    let req = authn_request::build(
        &sp,
        &idp(),
        &request(vec![]),
        RequestOptions::default(),
        now,
    )
    .unwrap();
    let md = sp_metadata::build(&sp, &info(), now).unwrap();
    for (name, doc, id_attr) in [
        (
            "req.xml",
            req.xml,
            "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest",
        ),
        (
            "md.xml",
            md,
            "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
        ),
    ] {
        let f = tmp(name, doc.as_bytes());
        let out = Command::new("xmlsec1")
            .args([
                "--verify",
                "--enabled-key-data",
                "x509",
                "--pubkey-cert-pem",
            ])
            .arg(&cert)
            .args(["--id-attr:ID", id_attr])
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // And a tampered copy fails in xmlsec1 too (the check is real).
        let bad = tmp(
            &format!("bad-{name}"),
            doc.replacen("SE<", "NO<", 1)
                .replacen("urn:se:agency:tax", "urn:se:agency:evil", 1)
                .as_bytes(),
        );
        let out = Command::new("xmlsec1")
            .args(["--verify", "--pubkey-cert-pem"])
            .arg(&cert)
            .args(["--id-attr:ID", id_attr])
            .arg(&bad)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name}: tampered copy verified");
    }
}

#[test]
fn we_verify_a_document_signed_by_xmlsec1() {
    if !xmlsec1_available() {
        return;
    }
    let (key, pem) = support::keypair_with_pem("ec", "xmlsec-signer");
    let key_pem = tmp("signer.key", &pem);
    let template = format!(
        r##"<samlp:Response xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="_abc123" Version="2.0"><saml:Issuer>https://proxy.example/md</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/><ds:Reference URI="#_abc123"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
</samlp:Response>"##,
        samlp = ns::SAMLP,
        saml = ns::SAML
    );
    let input = tmp("template.xml", template.as_bytes());
    let output = input.with_file_name("signed.xml");
    let out = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem"])
        .arg(&key_pem)
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
            "--output",
        ])
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = std::fs::read_to_string(&output).unwrap();
    let doc = xml::parse(&signed, xml::MAX_MESSAGE_BYTES).unwrap();
    let pk = key.cert.public_key().unwrap();
    dsig::verify_enveloped(
        doc.root_element(),
        "Response",
        std::slice::from_ref(&pk),
        &SignaturePolicy::EIDAS,
    )
    .unwrap();
    let tampered = signed.replace("proxy.example", "evil.example");
    let doc = xml::parse(&tampered, xml::MAX_MESSAGE_BYTES).unwrap();
    assert_eq!(
        dsig::verify_enveloped(
            doc.root_element(),
            "Response",
            &[pk],
            &SignaturePolicy::EIDAS
        )
        .err(),
        Some(Error::DigestMismatch)
    );
}
