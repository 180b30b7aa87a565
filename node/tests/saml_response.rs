//! Response validation (eidas-requirements §2): the happy path and one rejection test per check.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::OnceLock;

use eidas_node::identity::{
    IdentityRequest, Loa, LoaLevel, OptionalAttribute, PersonType, SpType, Subject, LOA_HIGH,
    LOA_LOW,
};
use eidas_node::saml::attributes as reg;
use eidas_node::saml::authn_request::{self, RequestOptions, RequestedAuthn};
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::dsig::{self, SIGNATURE_MARKER};
use eidas_node::saml::idp::{self, AttributeSpec, ResponseSpec};
use eidas_node::saml::keys::SigningKey;
use eidas_node::saml::metadata::ProxyService;
use eidas_node::saml::replay::MemoryReplayCache;
use eidas_node::saml::response::{self, Context, ValidatedResponse};
use eidas_node::saml::sp::ServiceProvider;
use eidas_node::saml::xmlenc::KeyProtection;
use eidas_node::saml::{xml, Error};
use time::{Duration, OffsetDateTime};

const IDP: &str = "https://proxy.cz.example/metadata";
const SP: &str = "https://connector.se.example/saml/metadata";
const ACS: &str = "https://connector.se.example/saml/acs";

struct World {
    sp: ServiceProvider,
    idp: ProxyService,
    idp_key: SigningKey,
    rogue_key: SigningKey,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let idp_key = SigningKey::new(support::keypair("ec", "idp")).unwrap();
        let rogue_key = SigningKey::new(support::keypair("ec", "idp")).unwrap();
        let sp = support::service_provider(
            support::keypair("ec", "sp-sign"),
            vec![],
            vec![
                support::keypair("ec", "sp-enc-ec"),
                support::keypair("rsa", "sp-enc-rsa"),
            ],
        );
        let mut idp = support::proxy_service();
        idp.signing_keys = vec![idp_key.pair.cert.public_key().unwrap()];
        idp.supported_attributes.extend([
            reg::optional(OptionalAttribute::CurrentAddress)
                .0
                .to_owned(),
            reg::optional(OptionalAttribute::BirthName).0.to_owned(),
        ]);
        idp.loas.insert(0, Loa::notified(LoaLevel::Low));
        assert_eq!((sp.entity_id.as_str(), sp.acs_url.as_str()), (SP, ACS));
        assert_eq!(idp.entity_id, IDP);
        World {
            sp,
            idp,
            idp_key,
            rogue_key,
        }
    })
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_millisecond(0).unwrap()
}

fn requested() -> RequestedAuthn {
    let w = world();
    let req = IdentityRequest {
        country: "CZ".into(),
        min_loa: LoaLevel::Substantial,
        person_type: PersonType::NaturalPerson,
        optional_attributes: vec![
            OptionalAttribute::CurrentAddress,
            OptionalAttribute::BirthName,
        ],
        sp_type: SpType::Public,
        requester_id: None,
        provider_name: None,
    };
    authn_request::build(&w.sp, &w.idp, &req, RequestOptions::default(), now())
        .unwrap()
        .requested
}

fn ctx(at: OffsetDateTime) -> Context<'static> {
    let w = world();
    Context {
        sp: &w.sp,
        idp: &w.idp,
        signature_policy: SignaturePolicy::EIDAS,
        skew: Duration::seconds(30),
        extra_audiences: &[],
        max_age: time::Duration::minutes(15),
        allow_representatives: false,
        attribute_aliases: &[],
        now: at,
    }
}

fn good_spec(req: &RequestedAuthn, at: OffsetDateTime) -> ResponseSpec {
    ResponseSpec::success(IDP, ACS, SP, &req.request_id, at)
        .attribute(reg::PERSON_IDENTIFIER, "CZ/SE/1234567890")
        .attribute(reg::GIVEN_NAME, "Jan")
        .attribute(reg::DATE_OF_BIRTH, "1980-02-29")
}

fn with_family_name(mut s: ResponseSpec) -> ResponseSpec {
    s.attributes.push(AttributeSpec {
        name: reg::FAMILY_NAME.into(),
        values: vec![("Novak".into(), false), ("Новак".into(), true)],
    });
    s
}

fn build(spec: &ResponseSpec) -> String {
    let w = world();
    idp::build_response(spec, &w.idp_key, &w.sp.decryption[0].cert).unwrap()
}

fn validate(xml: &str, req: &RequestedAuthn) -> Result<ValidatedResponse, Error> {
    validate_at(xml, req, now())
}

fn validate_at(
    xml: &str,
    req: &RequestedAuthn,
    at: OffsetDateTime,
) -> Result<ValidatedResponse, Error> {
    let b64 = xml::encode_base64(xml.as_bytes());
    let text = response::decode_post(&b64)?;
    response::validate(&text, req, &ctx(at))
}

/// Re-signs a tampered document with the real IdP key, so that structural checks, not the
/// digest, must catch the tampering (a buggy or compromised peer).
fn resign(doc: &str) -> String {
    let w = world();
    let unsigned = strip_root_signature(doc);
    let at = unsigned.find("</saml2:Issuer>").unwrap() + "</saml2:Issuer>".len();
    let mut marked = unsigned.clone();
    marked.insert_str(at, SIGNATURE_MARKER);
    dsig::sign_enveloped(&marked, &w.idp_key).unwrap()
}

fn strip_root_signature(doc: &str) -> String {
    let start = doc.find("<ds:Signature").unwrap();
    let end = doc.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    format!("{}{}", &doc[..start], &doc[end..])
}

#[test]
fn valid_response_yields_the_identity_with_both_scripts_and_decoded_address() {
    let req = requested();
    let mut spec = with_family_name(good_spec(&req, now()));
    let address = "<eidas:LocatorDesignator>22</eidas:LocatorDesignator><eidas:Thoroughfare>Arcacia Avenue</eidas:Thoroughfare><eidas:PostName>London</eidas:PostName><eidas:PostCode>SW1A 1AA</eidas:PostCode>";
    spec = spec.attribute(
        reg::optional(OptionalAttribute::CurrentAddress).0,
        &xml::encode_base64(address.as_bytes()),
    );
    for protection in [KeyProtection::EcdhEs, KeyProtection::RsaOaep] {
        spec.encryption = Some(protection);
        let w = world();
        let recipient = if protection == KeyProtection::EcdhEs {
            &w.sp.decryption[0].cert
        } else {
            &w.sp.decryption[1].cert
        };
        let doc = idp::build_response(&spec, &w.idp_key, recipient).unwrap();
        let v = validate(&doc, &req).unwrap();
        assert_eq!(v.identity.country, "CZ");
        assert_eq!(v.identity.loa, Loa::notified(LoaLevel::Substantial));
        let Subject::Natural(p) = &v.identity.subject else {
            panic!("natural person expected")
        };
        assert_eq!(p.person_identifier, "CZ/SE/1234567890");
        assert_eq!(p.family_name.latin, "Novak");
        assert_eq!(p.family_name.original.as_deref(), Some("Новак"));
        assert_eq!(p.given_name.latin, "Jan");
        assert_eq!(p.date_of_birth, "1980-02-29");
        let a = p.current_address.as_ref().unwrap();
        assert_eq!(a.thoroughfare.as_deref(), Some("Arcacia Avenue"));
        assert_eq!(a.post_code.as_deref(), Some("SW1A 1AA"));
        assert_eq!(a.locator_designator.as_deref(), Some("22"));
    }
}

/// LatinScript is an xs:boolean: " 0 " means non-Latin exactly as "false" does (AP §2.4), so
/// the schema and the attribute parser read the same value the same way.
#[test]
fn latin_script_is_read_as_the_schema_reads_it() {
    let req = requested();
    let mut spec = with_family_name(good_spec(&req, now()));
    let assertion = idp::build_assertion(&spec, &world().idp_key).unwrap();
    for (written, ok) in [("false", true), (" 0 ", true), ("maybe", false)] {
        let a = assertion.replacen(
            r#"a:LatinScript="false""#,
            &format!(r#"a:LatinScript="{written}""#),
            1,
        );
        spec.assertion_override = Some(a);
        let r = validate(&build(&spec), &req);
        if !ok {
            assert_eq!(r.err().map(|e| e.code()), Some("schema"), "{written}");
            continue;
        }
        let Subject::Natural(p) = r.unwrap().identity.subject else {
            panic!("natural person expected")
        };
        assert_eq!(p.family_name.latin, "Novak", "{written}");
        assert_eq!(
            p.family_name.original.as_deref(),
            Some("Новак"),
            "{written}"
        );
    }
}

#[test]
fn a_signed_assertion_inside_is_verified_too() {
    let req = requested();
    let mut spec = with_family_name(good_spec(&req, now()));
    spec.sign_assertion = true;
    validate(&build(&spec), &req).unwrap();
}

#[test]
fn acs_rejects_unsigned_response() {
    let req = requested();
    let mut spec = with_family_name(good_spec(&req, now()));
    spec.sign_response = false;
    assert_eq!(
        validate(&build(&spec), &req).err(),
        Some(Error::Unsigned {
            element: "Response"
        })
    );
}

#[test]
fn acs_rejects_response_signed_by_a_key_not_in_metadata_even_if_in_keyinfo() {
    let req = requested();
    let spec = with_family_name(good_spec(&req, now()));
    let w = world();
    let doc = idp::build_response(&spec, &w.rogue_key, &w.sp.decryption[0].cert).unwrap();
    assert!(doc.contains("<ds:X509Certificate>"));
    assert_eq!(validate(&doc, &req).err(), Some(Error::SignatureInvalid));
}

#[test]
fn acs_rejects_signed_response_wrapped_in_an_evil_one() {
    let req = requested();
    let good = build(&with_family_name(good_spec(&req, now())));
    // XSW1: evil unsigned root carrying the signed original as a child.
    let evil = good.replacen(
        "<saml2p:Response ",
        "<saml2p:Response ID=\"_evil\" Version=\"2.0\"><saml2p:Response ",
        1,
    ) + "</saml2p:Response>";
    let evil = evil.replacen(
        "ID=\"_evil\" Version=\"2.0\">",
        "ID=\"_evil\" Version=\"2.0\" xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\">",
        1,
    );
    // A Response directly inside a Response breaks the schema (§2 step 2)...
    let err = validate(&evil, &req).err();
    assert_eq!(err.as_ref().map(Error::code), Some("schema"), "{err:?}");
    // ...and the signature layer, on its own, finds the evil root unsigned.
    let doc = xml::parse(&evil, xml::MAX_MESSAGE_BYTES).unwrap();
    let keys = &world().idp.signing_keys;
    assert_eq!(
        dsig::verify_enveloped(
            doc.root_element(),
            "Response",
            keys,
            &SignaturePolicy::EIDAS
        )
        .err(),
        Some(Error::Unsigned {
            element: "Response"
        })
    );
    // XSW2: evil root that copies the original Signature (Reference to the original's ID) and
    // hides the signed original. In Extensions it breaks the schema (only other namespaces may
    // go there); in StatusDetail (any content) it is schema-valid, so the signature layer is
    // what must refuse it.
    let sig_start = good.find("<ds:Signature").unwrap();
    let sig_end = good.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &good[sig_start..sig_end];
    let inner = &good;
    let at = xml::format_datetime(now());
    let open = format!(
        "<saml2p:Response xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_evil\" Version=\"2.0\" IssueInstant=\"{at}\"><saml2:Issuer>{IDP}</saml2:Issuer>{sig}"
    );
    let success = "<saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>";
    let in_extensions = format!(
        "{open}<saml2p:Extensions>{inner}</saml2p:Extensions><saml2p:Status>{success}</saml2p:Status></saml2p:Response>"
    );
    let err = validate(&in_extensions, &req).err();
    assert_eq!(err.as_ref().map(Error::code), Some("schema"), "{err:?}");
    let in_status_detail = format!(
        "{open}<saml2p:Status>{success}<saml2p:StatusDetail>{inner}</saml2p:StatusDetail></saml2p:Status></saml2p:Response>"
    );
    assert_eq!(
        validate(&in_status_detail, &req).err(),
        Some(Error::ReferenceMismatch)
    );
}

#[test]
fn acs_rejects_an_evil_assertion_beside_the_signed_one() {
    let req = requested();
    let good = build(&with_family_name(good_spec(&req, now())));
    let w = world();
    let evil_assertion =
        idp::build_assertion(&with_family_name(good_spec(&req, now())), &w.idp_key).unwrap();
    let tampered = good.replacen(
        "</saml2p:Response>",
        &format!("{evil_assertion}</saml2p:Response>"),
        1,
    );
    // Without re-signing the digest catches it; re-signed, the structure check does.
    assert_eq!(validate(&tampered, &req).err(), Some(Error::DigestMismatch));
    assert_eq!(
        validate(&resign(&tampered), &req).err(),
        Some(Error::AssertionCount(2))
    );
}

#[test]
fn acs_rejects_signed_assertion_moved_into_extensions() {
    let req = requested();
    let w = world();
    let mut spec = with_family_name(good_spec(&req, now()));
    spec.sign_assertion = true;
    spec.encryption = None;
    let signed_assertion = idp::build_assertion(&spec, &w.idp_key).unwrap();
    let mut s2 = with_family_name(good_spec(&req, now()));
    s2.status = Some(("urn:oasis:names:tc:SAML:2.0:status:Success".into(), None));
    let shell = build(&s2);
    let moved = shell.replacen(
        "<saml2p:Status>",
        &format!("<saml2p:Extensions>{signed_assertion}</saml2p:Extensions><saml2p:Status>"),
        1,
    );
    assert_eq!(
        validate(&resign(&moved), &req).err(),
        Some(Error::PlaintextAssertion)
    );
}

#[test]
fn acs_rejects_response_with_two_assertions() {
    let req = requested();
    let good = build(&with_family_name(good_spec(&req, now())));
    let ea_start = good.find("<saml2:EncryptedAssertion>").unwrap();
    let ea_end =
        good.find("</saml2:EncryptedAssertion>").unwrap() + "</saml2:EncryptedAssertion>".len();
    let ea = good[ea_start..ea_end].to_owned();
    let doubled = good.replacen(&ea, &format!("{ea}{ea}"), 1);
    assert_eq!(
        validate(&resign(&doubled), &req).err(),
        Some(Error::AssertionCount(2))
    );
}

#[test]
fn acs_rejects_a_replayed_response() {
    let req = requested();
    let doc = build(&with_family_name(good_spec(&req, now())));
    let cache = MemoryReplayCache::default();
    let first = validate(&doc, &req).unwrap();
    cache.check_and_remember(&first, now()).unwrap();
    let second = validate(&doc, &req).unwrap();
    assert_eq!(
        cache.check_and_remember(&second, now()).err(),
        Some(Error::Replay)
    );
}

#[test]
fn acs_rejects_unknown_missing_or_foreign_in_response_to() {
    let req = requested();
    let other = requested();
    let mut spec = with_family_name(good_spec(&req, now()));
    // Answers another (outstanding) request: InResponseTo does not match this one.
    assert_eq!(
        validate(&build(&spec), &other).err(),
        Some(Error::InResponseToMismatch)
    );
    spec.in_response_to = None;
    assert_eq!(
        validate(&build(&spec), &req).err(),
        Some(Error::MissingInResponseTo)
    );
}

#[test]
fn acs_rejects_wrong_destination_recipient_audience_or_issuer() {
    let req = requested();
    let base = with_family_name(good_spec(&req, now()));

    let mut s = base.clone();
    s.destination = Some("https://evil.example/acs".into());
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::Destination { .. })
    ));
    s.destination = None;
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::Destination { got: None })
    ));

    let mut s = base.clone();
    s.recipient = "https://evil.example/acs".into();
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::Recipient { .. })
    ));

    let mut s = base.clone();
    s.audience = "https://evil.example/metadata".into();
    assert_eq!(validate(&build(&s), &req).err(), Some(Error::Audience));

    let mut s = base;
    s.issuer = "https://proxy.evil.example/metadata".into();
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::IssuerMismatch { .. })
    ));
}

#[test]
fn time_window_is_enforced_with_skew_just_inside_and_just_outside() {
    let req = requested();
    let t0 = now();
    let mut spec = with_family_name(good_spec(&req, t0));
    spec.not_on_or_after = t0 + Duration::minutes(5);
    let doc = build(&spec);
    let skew = Duration::seconds(30);
    // NotOnOrAfter passed: inside the skew accepted, outside rejected.
    validate_at(
        &doc,
        &req,
        spec.not_on_or_after + skew - Duration::seconds(1),
    )
    .unwrap();
    assert_eq!(
        validate_at(&doc, &req, spec.not_on_or_after + skew).err(),
        Some(Error::Expired)
    );
    // NotBefore in the future: inside the skew accepted, outside rejected.
    let mut future = with_family_name(good_spec(&req, t0));
    future.not_before = t0 + Duration::minutes(2);
    let doc = build(&future);
    validate_at(&doc, &req, future.not_before - skew).unwrap();
    assert_eq!(
        validate_at(&doc, &req, future.not_before - skew - Duration::seconds(1)).err(),
        Some(Error::NotYetValid)
    );
}

#[test]
fn acs_rejects_loa_below_the_request_or_not_published() {
    let req = requested();
    let mut s = with_family_name(good_spec(&req, now()));
    s.loa = LOA_LOW.into();
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::LoaTooLow { .. })
    ));
    s.loa = LOA_HIGH.into();
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::LoaNotPublished(_))
    ));
    s.loa = "http://eidas.europa.eu/LoA/test".into();
    assert_eq!(validate(&build(&s), &req).err(), Some(Error::LoaInvalid));
}

#[test]
fn acs_rejects_a_plaintext_assertion() {
    let req = requested();
    let mut s = with_family_name(good_spec(&req, now()));
    s.encryption = None;
    assert_eq!(
        validate(&build(&s), &req).err(),
        Some(Error::PlaintextAssertion)
    );
}

#[test]
fn acs_rejects_rsa_sha1_aes_cbc_and_rsa_1_5() {
    let req = requested();
    let good = build(&with_family_name(good_spec(&req, now())));
    let sha1 = good.replace(
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    );
    assert!(
        matches!(validate(&sha1, &req), Err(Error::AlgorithmNotAllowed(a)) if a.ends_with("rsa-sha1"))
    );

    let cbc = resign(&good.replace(
        "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    ));
    assert!(
        matches!(validate(&cbc, &req), Err(Error::AlgorithmNotAllowed(a)) if a.ends_with("aes128-cbc"))
    );

    let mut rsa = with_family_name(good_spec(&req, now()));
    rsa.encryption = Some(KeyProtection::RsaOaep);
    let w = world();
    let doc = idp::build_response(&rsa, &w.idp_key, &w.sp.decryption[1].cert).unwrap();
    let v15 = resign(&doc.replace(
        "http://www.w3.org/2009/xmlenc11#rsa-oaep",
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
    ));
    assert!(
        matches!(validate(&v15, &req), Err(Error::AlgorithmNotAllowed(a)) if a.ends_with("rsa-1_5"))
    );
}

#[test]
fn non_success_statuses_map_to_denial_or_peer_failure() {
    let req = requested();
    let p = "urn:oasis:names:tc:SAML:2.0:status:";
    for (top, sub, code) in [
        ("Responder", Some("RequestDenied"), "denied"),
        ("Responder", Some("AuthnFailed"), "authn_failed"),
        ("Responder", Some("InvalidAttrNameOrValue"), "peer_failure"),
        ("Requester", None, "peer_failure"),
    ] {
        let mut s = with_family_name(good_spec(&req, now()));
        s.status = Some((format!("{p}{top}"), sub.map(|x| format!("{p}{x}"))));
        let r = validate(&build(&s), &req);
        assert_eq!(
            r.as_ref().err().map(Error::code),
            Some(code),
            "{top}/{sub:?}: {r:?}"
        );
    }
}

#[test]
fn acs_rejects_entity_expansion_bombs_and_oversized_messages() {
    let req = requested();
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&c;</samlp:Response>"#;
    assert!(matches!(validate(bomb, &req), Err(Error::Xml(_))));
    let big = format!("<x>{}</x>", "a".repeat(200 * 1024));
    assert!(matches!(
        response::decode_post(&xml::encode_base64(big.as_bytes())),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        response::decode_post("!!!not base64"),
        Err(Error::Base64)
    ));
    for junk in ["", "<", "<a", "\u{0}", "<samlp:Response/>"] {
        assert!(validate(junk, &req).is_err());
    }
}

#[test]
fn a_comment_inside_name_id_or_person_identifier_does_not_truncate_the_value() {
    let req = requested();
    let w = world();
    let mut spec = with_family_name(good_spec(&req, now()));
    let assertion = idp::build_assertion(&spec, &w.idp_key).unwrap();
    let injected = assertion
        .replace("CZ/SE/1234567890", "CZ/SE/12345<!-- cut -->67890")
        .replace(">name-id<", ">name<!---->-id<");
    assert!(injected.contains("<!-- cut -->"));
    spec.assertion_override = Some(injected);
    let v = validate(&build(&spec), &req).unwrap();
    assert_eq!(v.identity.eidas_identifier(), "CZ/SE/1234567890");
}

#[test]
fn acs_rejects_person_identifier_of_another_country() {
    let req = requested();
    let mut s = with_family_name(good_spec(&req, now()));
    s.attributes[0].values[0].0 = "DE/SE/1234567890".into();
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::CountryMismatch { .. })
    ));
    s.attributes[0].values[0].0 = "CZ/NO/1234567890".into();
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::CountryMismatch { .. })
    ));
    s.attributes[0].values[0].0 = "CZ SE 1".into();
    assert_eq!(
        validate(&build(&s), &req).err(),
        Some(Error::AttributeFormat("PersonIdentifier"))
    );
}

#[test]
fn acs_rejects_a_missing_mandatory_attribute_and_unrequested_representatives() {
    let req = requested();
    let s = good_spec(&req, now()); // no family name
    assert_eq!(
        validate(&build(&s), &req).err(),
        Some(Error::MissingAttribute("CurrentFamilyName"))
    );
    let s = with_family_name(good_spec(&req, now())).attribute(
        "http://eidas.europa.eu/attributes/naturalperson/representative/PersonIdentifier",
        "CZ/SE/9",
    );
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::UnrequestedAttribute(_))
    ));
}

#[test]
fn malformed_dates_and_empty_values_are_rejected() {
    let req = requested();
    let mut s = with_family_name(good_spec(&req, now()));
    s.attributes[2].values[0].0 = "1980-02-30".into();
    // Typed as eidas-natural:DateOfBirthType (xs:date), the schema refuses it after decryption.
    let err = validate(&build(&s), &req).err();
    assert_eq!(err.as_ref().map(Error::code), Some("schema"), "{err:?}");
    // Without xsi:type (AttributeValue is anyType) our own check still does.
    let typed = idp::build_assertion(&s, &world().idp_key).unwrap();
    let untyped = typed.replacen(r#" xsi:type="a:DateOfBirthType""#, "", 1);
    assert_ne!(untyped, typed);
    s.assertion_override = Some(untyped);
    assert_eq!(
        validate(&build(&s), &req).err(),
        Some(Error::AttributeFormat("DateOfBirth"))
    );
    s.assertion_override = None;
    s.attributes[2].values[0].0 = " ".into();
    assert!(validate(&build(&s), &req).is_err());
}

#[test]
fn acs_checks_the_schema_before_the_signature_and_again_after_decryption() {
    let req = requested();
    let good = build(&with_family_name(good_spec(&req, now())));
    // An attribute the Response type does not have, on an unsigned response: the schema check
    // (§2 step 2) runs first, so the error names it rather than the missing signature.
    let odd = strip_root_signature(&good).replacen(
        "<saml2p:Response ",
        "<saml2p:Response Unexpected=\"1\" ",
        1,
    );
    let err = validate(&odd, &req).err();
    assert_eq!(err.as_ref().map(Error::code), Some("schema"), "{err:?}");
    // A declared encoding other than UTF-8 would make libxml2 read other text than we do
    // (UTF-7 can hide elements in a "comment"): refused before anything else looks at it.
    let utf7 = format!(r#"<?xml version="1.0" encoding="UTF-7"?>{good}"#);
    let err = validate(&utf7, &req).err();
    assert_eq!(err.as_ref().map(Error::code), Some("xml"), "{err:?}");
    let utf8 = format!(r#"<?xml version="1.0" encoding="UTF-8"?>{good}"#);
    assert!(validate(&utf8, &req).is_ok());
    // Signed by the peer but with an element out of order: still refused.
    let status_first = {
        let st = good.find("<saml2p:Status>").unwrap();
        let en = good.find("</saml2p:Status>").unwrap() + "</saml2p:Status>".len();
        let status = good[st..en].to_owned();
        good.replacen(&status, "", 1).replacen(
            "<saml2:Issuer",
            &format!("{status}<saml2:Issuer"),
            1,
        )
    };
    let err = validate(&resign(&status_first), &req).err();
    assert_eq!(err.as_ref().map(Error::code), Some("schema"), "{err:?}");
    // Inside the encrypted assertion: an xsi:type the eIDAS schemas do not define, and an
    // element the assertion schema does not allow. Both only visible after decryption.
    let mut s = with_family_name(good_spec(&req, now()));
    let assertion = idp::build_assertion(&s, &world().idp_key).unwrap();
    for broken in [
        assertion.replacen("a:CurrentGivenNameType", "a:NoSuchType", 1),
        assertion.replacen("</saml2:Issuer>", "</saml2:Issuer><saml2:Unexpected/>", 1),
    ] {
        assert_ne!(broken, assertion);
        s.assertion_override = Some(broken);
        let err = validate(&build(&s), &req).err();
        assert_eq!(err.as_ref().map(Error::code), Some("schema"), "{err:?}");
    }
    // The control: the same assertion, unbroken, passes.
    s.assertion_override = Some(assertion);
    assert!(validate(&build(&s), &req).is_ok());
}

/// §2 steps 3, 7 and 14: an IssueInstant older than the accepted age (15 min in `ctx`) plus the
/// skew (30 s) is refused although Conditions and SubjectConfirmationData still hold, for the
/// Response and for the Assertion, with either key transport.
#[test]
fn stale_issue_instants_are_refused_just_outside_the_age_bound() {
    let req = requested();
    let t0 = now();
    let w = world();
    let bound = Duration::minutes(15) + Duration::seconds(30);
    for (protection, recipient) in [
        (KeyProtection::EcdhEs, &w.sp.decryption[0].cert),
        (KeyProtection::RsaOaep, &w.sp.decryption[1].cert),
    ] {
        let mut spec = with_family_name(good_spec(&req, t0));
        spec.encryption = Some(protection);
        spec.not_on_or_after = t0 + Duration::days(2);
        let doc = idp::build_response(&spec, &w.idp_key, recipient).unwrap();
        validate_at(&doc, &req, t0 + bound).unwrap();
        for late in [bound + Duration::seconds(1), Duration::hours(24)] {
            assert_eq!(
                validate_at(&doc, &req, t0 + late).err(),
                Some(Error::TooOld {
                    element: "Response"
                }),
                "{protection:?} {late}"
            );
        }
        // A fresh Response around an assertion issued long before it.
        let mut spec = spec.clone();
        spec.assertion_issue_instant = Some(t0 - Duration::hours(24));
        let doc = idp::build_response(&spec, &w.idp_key, recipient).unwrap();
        assert_eq!(
            validate_at(&doc, &req, t0).err(),
            Some(Error::TooOld {
                element: "Assertion"
            })
        );
        spec.assertion_issue_instant = Some(t0 - bound);
        let doc = idp::build_response(&spec, &w.idp_key, recipient).unwrap();
        validate_at(&doc, &req, t0).unwrap();
        spec.assertion_issue_instant = Some(t0 - bound - Duration::seconds(1));
        let doc = idp::build_response(&spec, &w.idp_key, recipient).unwrap();
        assert_eq!(
            validate_at(&doc, &req, t0).err(),
            Some(Error::TooOld {
                element: "Assertion"
            })
        );
    }
    // An IssueInstant in the future beyond the skew is not yet valid.
    let spec = with_family_name(good_spec(&req, t0));
    let doc = build(&spec);
    validate_at(&doc, &req, t0 - Duration::seconds(30)).unwrap();
    assert_eq!(
        validate_at(&doc, &req, t0 - Duration::seconds(31)).err(),
        Some(Error::NotYetValid)
    );
}

/// §2 step 1: shapes that made parsing super-linear are refused by a named structural bound
/// before any parser builds a tree, each filling most of the 128 KiB cap.
#[test]
fn adversarial_xml_shapes_are_refused_with_their_named_bound() {
    let req = requested();
    let root = |inner: String| {
        format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a" Version="2.0">{inner}</samlp:Response>"#
        )
    };
    let nested = |n: usize, open: &dyn Fn(usize) -> String| {
        let mut s: String = (0..n).map(open).collect();
        s.push_str(&"</x>".repeat(n));
        s
    };
    let attrs = |n: usize, f: &dyn Fn(usize) -> String| {
        format!("<x {}/>", (0..n).map(f).collect::<Vec<_>>().join(" "))
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "namespace per level",
            root(nested(5_000, &|i| format!(r#"<x xmlns:n{i}="u">"#))),
            "xml_namespaces_in_scope",
        ),
        (
            "deep nesting",
            root(nested(15_000, &|_| "<x>".to_owned())),
            "xml_depth",
        ),
        (
            "attribute flood",
            root(attrs(12_000, &|i| format!(r#"a{i}="v""#))),
            "xml_attributes",
        ),
        (
            "declaration flood",
            root(attrs(6_000, &|i| format!(r#"xmlns:p{i}="u""#))),
            "xml_namespaces_per_element",
        ),
        (
            "declarations on siblings",
            root(r#"<y xmlns:a="u" xmlns:b="u" xmlns:c="u"/>"#.repeat(3_000)),
            "xml_namespaces_total",
        ),
        (
            "long element name",
            root(format!("<{}/>", "n".repeat(120_000))),
            "xml_name_length",
        ),
        (
            "long attribute name",
            root(format!(r#"<x {}="v"/>"#, "n".repeat(120_000))),
            "xml_name_length",
        ),
    ];
    for (what, doc, code) in cases {
        assert!(doc.len() <= xml::MAX_MESSAGE_BYTES, "{what}: {}", doc.len());
        assert!(doc.len() > 64 * 1024, "{what}: {}", doc.len());
        let got = validate(&doc, &req).err().map(|e| e.code());
        assert_eq!(got, Some(code), "{what}");
    }
}

/// Interop quirk (issue 11 item 7): some nodes put an unencrypted assertion in a failure
/// response. The status decides (§2 step 5): the citizen's denial or a peer failure, never an
/// identity and never mistaken for a plaintext-assertion attack.
#[test]
fn an_unencrypted_assertion_in_a_failure_response_is_ignored() {
    let req = requested();
    let p = "urn:oasis:names:tc:SAML:2.0:status:";
    for (sub, denied) in [("RequestDenied", true), ("InvalidAttrNameOrValue", false)] {
        let mut s = with_family_name(good_spec(&req, now()));
        let assertion = idp::build_assertion(&s, &world().idp_key).unwrap();
        s.status = Some((format!("{p}Responder"), Some(format!("{p}{sub}"))));
        let doc =
            resign(&build(&s).replace("</saml2p:Status>", &format!("</saml2p:Status>{assertion}")));
        assert!(doc.contains("<saml2:Assertion") && !doc.contains("EncryptedAssertion"));
        let r = validate(&doc, &req);
        if denied {
            assert!(matches!(r, Err(Error::Denied(_))), "{sub}: {r:?}");
        } else {
            assert!(matches!(r, Err(Error::PeerFailure(_))), "{sub}: {r:?}");
        }
    }
    // The same plaintext assertion under a success status is refused.
    let mut s = with_family_name(good_spec(&req, now()));
    s.encryption = None;
    assert!(matches!(
        validate(&build(&s), &req),
        Err(Error::PlaintextAssertion)
    ));
}

/// Interop profile (issue 11 item 7): a peer sending a variant attribute Name is read through
/// the country's configured alias; without the alias the attribute is simply not the one
/// requested (and the mandatory set is incomplete); with both the variant and the eIDAS Name
/// present, the attribute is repeated and refused.
#[test]
fn a_configured_attribute_name_alias_reads_a_peers_variant_name() {
    let req = requested();
    const VARIANT: &str = "urn:oid:2.5.4.42";
    let mut spec = with_family_name(good_spec(&req, now()));
    for a in &mut spec.attributes {
        if a.name == reg::GIVEN_NAME {
            a.name = VARIANT.into();
        }
    }
    let doc = build(&spec);
    let without = validate(&doc, &req).unwrap_err();
    assert_eq!(without.code(), "missing_attribute", "{without:?}");
    let aliases = [(VARIANT.to_owned(), reg::GIVEN_NAME.to_owned())];
    let with = |doc: &str| {
        let mut c = ctx(now());
        c.attribute_aliases = &aliases;
        let text = response::decode_post(&xml::encode_base64(doc.as_bytes())).unwrap();
        response::validate(&text, &req, &c)
    };
    let Subject::Natural(p) = with(&doc).unwrap().identity.subject else {
        panic!("natural person expected")
    };
    assert_eq!(p.given_name.latin, "Jan");
    // The variant and the eIDAS Name both: one attribute twice.
    let both = spec.attribute(reg::GIVEN_NAME, "Jan");
    let err = with(&build(&both)).unwrap_err();
    assert_eq!(err.code(), "repeated_attribute", "{err:?}");
}
