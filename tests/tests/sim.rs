//! The simulated Proxy-Service against the node's own SAML SP code, in process: our metadata is
//! served on loopback for the simulator to fetch, the simulator's metadata is verified with
//! `verify_metadata`, and every answer is checked with `response::validate`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::OnceLock;

use axum::routing::get;
use axum::Router;
use eidas_node::identity::{
    IdentityRequest, LoaLevel, OptionalAttribute, PersonType, SpType, Subject,
};
use eidas_node::saml::authn_request::{self, BuiltRequest, RequestOptions};
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::keys::{KeyPair, SigningKey};
use eidas_node::saml::metadata::{verify_metadata, MetadataTrust, ProxyService};
use eidas_node::saml::replay::MemoryReplayCache;
use eidas_node::saml::response::{self, Context, ValidatedResponse};
use eidas_node::saml::sp::ServiceProvider;
use eidas_node::saml::sp_metadata::{self, Contact, MetadataInfo, Organization};
use eidas_node::saml::{xml, Error};
use eidas_testbed::browser::{parse_post_form, Browser};
use eidas_testbed::sim::{self, Country, EncryptionMode, Fault, SimState};
use support::keypair;
use time::{Duration, OffsetDateTime};

struct Keys {
    sp_sign: KeyPair,
    sp_enc_ec: KeyPair,
    sp_enc_rsa: KeyPair,
    xa: SigningKey,
    xb: SigningKey,
    xc_ec: SigningKey,
    stranger: SigningKey,
}

fn keys() -> &'static Keys {
    static K: OnceLock<Keys> = OnceLock::new();
    K.get_or_init(|| Keys {
        sp_sign: keypair("ec", "connector signing"),
        sp_enc_ec: keypair("ec", "connector enc ec"),
        sp_enc_rsa: keypair("rsa", "connector enc rsa"),
        xa: SigningKey::new(keypair("rsa", "XA signing")).unwrap(),
        xb: SigningKey::new(keypair("rsa", "XB signing")).unwrap(),
        xc_ec: SigningKey::new(keypair("ec", "XC signing")).unwrap(),
        stranger: SigningKey::new(keypair("ec", "stranger")).unwrap(),
    })
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

struct Bed {
    sp: ServiceProvider,
    sim_url: String,
    state: SimState,
    http: reqwest::Client,
    browser: Browser,
}

fn country(code: &str, key: &SigningKey, enc: EncryptionMode) -> Country {
    Country {
        code: code.into(),
        name: format!("Testland {} (TEST COUNTRY)", &code[1..]),
        signing: key.clone(),
        encryption: enc,
        loas: LoaLevel::all().to_vec(),
        metadata_validity: Duration::hours(24),
    }
}

/// A Connector (metadata served on loopback) and a simulator in automatic mode.
async fn bed() -> Bed {
    bed_with(true).await
}

async fn bed_with(auto: bool) -> Bed {
    let k = keys();
    let sp_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sp_base = format!("http://{}", sp_listener.local_addr().unwrap());
    let sp = ServiceProvider {
        entity_id: format!("{sp_base}/saml/metadata"),
        acs_url: format!("{sp_base}/saml/acs"),
        country: "SE".into(),
        signing: SigningKey::new(k.sp_sign.clone()).unwrap(),
        extra_signing_certs: vec![],
        decryption: vec![k.sp_enc_ec.clone(), k.sp_enc_rsa.clone()],
        retired_decryption: Vec::new(),
    };
    let info = MetadataInfo {
        organization: Organization {
            name: "Connector".into(),
            display_name: "Connector".into(),
            url: sp_base.clone(),
        },
        contacts: vec![Contact {
            kind: "technical".into(),
            company: None,
            email: "t@example.org".into(),
        }],
        validity: Duration::hours(24),
    };
    let md = sp_metadata::build(&sp, &info, now()).unwrap();
    let app = Router::new().route("/saml/metadata", get(move || async move { md }));
    tokio::spawn(async move { axum::serve(sp_listener, app).await.unwrap() });

    let sim_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim_url = format!("http://{}", sim_listener.local_addr().unwrap());
    let state = SimState::new(
        &sim_url,
        vec![
            country("XA", &k.xa, EncryptionMode::EcdhEs),
            country("XB", &k.xb, EncryptionMode::RsaOaep),
            country("XC", &k.xc_ec, EncryptionMode::EcdhEs),
        ],
        vec![k.sp_sign.cert.clone()],
        None,
        auto,
    )
    .unwrap();
    let app = sim::router(state.clone());
    tokio::spawn(async move { axum::serve(sim_listener, app).await.unwrap() });
    Bed {
        sp,
        sim_url,
        state,
        http: reqwest::Client::new(),
        browser: Browser::new().unwrap(),
    }
}

impl Bed {
    async fn proxy_service(&self, cc: &str, key: &SigningKey) -> ProxyService {
        let text = self
            .http
            .get(format!("{}/{cc}/metadata", self.sim_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let mut v = verify_metadata(
            &text,
            &MetadataTrust::Pinned(vec![key.pair.cert.clone()]),
            &SignaturePolicy::EIDAS,
            now(),
        )
        .unwrap();
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    fn request(&self, ps: &ProxyService, person: PersonType, min: LoaLevel) -> BuiltRequest {
        let optional = match person {
            PersonType::NaturalPerson => vec![
                OptionalAttribute::BirthName,
                OptionalAttribute::CurrentAddress,
            ],
            PersonType::LegalPerson => vec![OptionalAttribute::VatRegistrationNumber],
        };
        let req = IdentityRequest {
            country: ps.country.clone().unwrap(),
            min_loa: min,
            person_type: person,
            optional_attributes: optional,
            sp_type: SpType::Public,
            requester_id: None,
            provider_name: None,
        };
        authn_request::build(&self.sp, ps, &req, RequestOptions::default(), now()).unwrap()
    }

    async fn control(&self, body: serde_json::Value) {
        let r = self
            .http
            .post(format!("{}/control", self.sim_url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    /// POSTs the request to the simulator; returns (status, body).
    async fn post(&self, built: &BuiltRequest, saml_request: &str) -> (u16, String) {
        let hop = self
            .browser
            .post(
                &built.form.action,
                &[
                    ("SAMLRequest".to_owned(), saml_request.to_owned()),
                    ("RelayState".to_owned(), built.form.relay_state.clone()),
                ],
            )
            .await
            .unwrap();
        (hop.status, hop.body)
    }

    /// Full round trip: request → simulator → decoded SAMLResponse text.
    async fn round_trip(&self, built: &BuiltRequest) -> String {
        let (status, body) = self.post(built, &built.form.saml_request).await;
        assert_eq!(status, 200, "{body}");
        let form = parse_post_form(&body).expect("response form");
        assert_eq!(form.action, self.sp.acs_url);
        assert_eq!(
            form.field("RelayState"),
            Some(built.form.relay_state.as_str())
        );
        response::decode_post(form.field("SAMLResponse").unwrap()).unwrap()
    }

    fn validate(
        &self,
        text: &str,
        built: &BuiltRequest,
        ps: &ProxyService,
    ) -> Result<ValidatedResponse, Error> {
        let ctx = Context {
            sp: &self.sp,
            idp: ps,
            signature_policy: SignaturePolicy::EIDAS,
            skew: Duration::seconds(30),
            extra_audiences: &[],
            max_age: time::Duration::minutes(15),
            allow_representatives: false,
            attribute_aliases: &[],
            now: now(),
        };
        response::validate(text, &built.requested, &ctx)
    }
}

#[tokio::test]
async fn country_metadata_verifies_with_the_pinned_cert_and_is_usable() {
    let bed = bed().await;
    for (cc, key) in [("xa", &keys().xa), ("XB", &keys().xb)] {
        let ps = bed.proxy_service(cc, key).await;
        assert_eq!(
            ps.unusable_reasons(),
            Vec::<String>::new(),
            "{cc}: {:?}",
            ps.notes
        );
        assert_eq!(
            ps.entity_id,
            format!("{}/{}/metadata", bed.sim_url, cc.to_lowercase())
        );
        assert_eq!(
            ps.sso_post_url,
            Some(format!("{}/{}/sso", bed.sim_url, cc.to_lowercase()))
        );
        assert_eq!(ps.country.as_deref(), Some(cc.to_uppercase().as_str()));
        assert_eq!(ps.loas.len(), 3);
        assert!(ps.is_protocol_1_4());
        assert!(ps.notes.is_empty(), "{:?}", ps.notes);
    }
    // Another country's certificate does not verify it.
    let text = bed
        .http
        .get(format!("{}/xa/metadata", bed.sim_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(verify_metadata(
        &text,
        &MetadataTrust::Pinned(vec![keys().xb.pair.cert.clone()]),
        &SignaturePolicy::EIDAS,
        now()
    )
    .is_err());
}

#[tokio::test]
async fn natural_and_legal_persons_round_trip_with_ecdh_es_and_rsa_oaep() {
    let bed = bed().await;
    for (cc, key) in [("XA", &keys().xa), ("XB", &keys().xb)] {
        let ps = bed.proxy_service(cc, key).await;

        bed.control(serde_json::json!({"identity": "natural-greek", "loa": "high", "fault": "none", "deny": false})).await;
        let built = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);
        let v = bed
            .validate(&bed.round_trip(&built).await, &built, &ps)
            .unwrap();
        assert_eq!(v.identity.country, cc);
        assert_eq!(v.identity.loa.level, LoaLevel::High);
        let Subject::Natural(p) = &v.identity.subject else {
            panic!("natural expected")
        };
        assert_eq!(p.person_identifier, format!("{cc}/SE/GR-0002-TEST"));
        assert_eq!(p.family_name.latin, "Papadopoulou");
        assert_eq!(p.family_name.original.as_deref(), Some("Παπαδοπούλου"));
        assert_eq!(p.given_name.original.as_deref(), Some("Ελένη"));
        assert_eq!(p.date_of_birth, "1985-03-25");
        assert_eq!(
            p.birth_name.as_ref().unwrap().original.as_deref(),
            Some("Γεωργίου")
        );

        // A chosen LoA below the requested minimum is raised to it (no fault asked for).
        bed.control(serde_json::json!({"identity": "natural-latin", "loa": "low"}))
            .await;
        let built = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);
        let v = bed
            .validate(&bed.round_trip(&built).await, &built, &ps)
            .unwrap();
        assert_eq!(v.identity.loa.level, LoaLevel::Substantial);
        let Subject::Natural(p) = &v.identity.subject else {
            panic!("natural expected")
        };
        assert_eq!(p.family_name.latin, "Mustermann");
        assert_eq!(p.family_name.original, None);
        assert_eq!(
            p.current_address.as_ref().unwrap().post_name.as_deref(),
            Some("Testville")
        );

        bed.control(serde_json::json!({"identity": "legal", "loa": "substantial"}))
            .await;
        let built = bed.request(&ps, PersonType::LegalPerson, LoaLevel::Substantial);
        let v = bed
            .validate(&bed.round_trip(&built).await, &built, &ps)
            .unwrap();
        let Subject::Legal(l) = &v.identity.subject else {
            panic!("legal expected")
        };
        assert_eq!(l.legal_person_identifier, format!("{cc}/SE/LP-0003-TEST"));
        assert_eq!(l.legal_name.latin, "Testland Widgets Ltd");
        assert_eq!(v.identity.loa.level, LoaLevel::Substantial);
    }
}

/// (fault, expected `saml::Error::code()` when the answer is validated against the request).
const FAULTS: &[(Fault, &str)] = &[
    (Fault::Unsigned, "unsigned"),
    (Fault::SignedByUnknownKey, "signature_invalid"),
    (Fault::XswWrapped, "unsigned"),
    (Fault::EvilAssertionBeside, "assertion_count"),
    (Fault::TwoAssertions, "assertion_count"),
    (Fault::WrongInResponseTo, "in_response_to_mismatch"),
    (Fault::MissingInResponseTo, "missing_in_response_to"),
    (Fault::WrongDestination, "destination"),
    (Fault::WrongRecipient, "recipient"),
    (Fault::WrongAudience, "audience"),
    (Fault::WrongIssuer, "issuer_mismatch"),
    (Fault::Expired, "expired"),
    (Fault::NotYetValid, "not_yet_valid"),
    (Fault::StaleIssueInstant, "too_old"),
    (Fault::LoaTooLow, "loa_too_low"),
    (Fault::PlaintextAssertion, "plaintext_assertion"),
    (Fault::WeakAlgorithms, "algorithm_not_allowed"),
    (Fault::WeakEncryptionAlgorithm, "algorithm_not_allowed"),
    (Fault::PersonIdentifierOtherCountry, "country_mismatch"),
    (Fault::MissingMandatoryAttribute, "missing_attribute"),
    (Fault::UnrequestedRepresentative, "unrequested_attribute"),
    (Fault::StatusAuthnFailed, "authn_failed"),
    (Fault::StatusResponderFailure, "peer_failure"),
    // The previous response, answering the previous request: InResponseTo does not match.
    (Fault::Replay, "in_response_to_mismatch"),
];

#[tokio::test]
async fn every_fault_is_rejected_by_the_connectors_validation() {
    let listed: Vec<Fault> = FAULTS.iter().map(|f| f.0).collect();
    assert_eq!(listed, Fault::ALL, "the table lists every fault in order");
    let bed = bed().await;
    for (cc, key) in [("XA", &keys().xa), ("XB", &keys().xb)] {
        let ps = bed.proxy_service(cc, key).await;
        for (person, identity) in [
            (PersonType::NaturalPerson, "natural-latin"),
            (PersonType::LegalPerson, "legal"),
        ] {
            for (fault, code) in FAULTS {
                bed.control(serde_json::json!({"identity": identity, "loa": "substantial", "fault": fault.as_str(), "deny": false})).await;
                let built = bed.request(&ps, person, LoaLevel::Substantial);
                let r = bed.validate(&bed.round_trip(&built).await, &built, &ps);
                assert_eq!(
                    r.as_ref().err().map(Error::code),
                    Some(*code),
                    "{cc} {identity} {fault}: {r:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn deny_yields_a_signed_request_denied_and_replay_is_caught_by_the_replay_cache() {
    let bed = bed().await;
    let ps = bed.proxy_service("XA", &keys().xa).await;
    bed.control(serde_json::json!({"identity": "natural-latin", "loa": "substantial", "fault": "none", "deny": true})).await;
    let built = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);
    let text = bed.round_trip(&built).await;
    assert!(text.contains("RequestDenied"));
    assert!(!text.contains("Assertion"));
    assert!(matches!(
        bed.validate(&text, &built, &ps),
        Err(Error::Denied(_))
    ));

    bed.control(serde_json::json!({"deny": false})).await;
    let first = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);
    let cache = MemoryReplayCache::default();
    let v = bed
        .validate(&bed.round_trip(&first).await, &first, &ps)
        .unwrap();
    cache.check_and_remember(&v, now()).unwrap();
    bed.control(serde_json::json!({"fault": "replay"})).await;
    let second = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);
    let replayed = bed.round_trip(&second).await;
    // Against the request it really answers, the copy is valid: only the replay cache stops it.
    let again = bed.validate(&replayed, &first, &ps).unwrap();
    assert_eq!(
        cache.check_and_remember(&again, now()).err(),
        Some(Error::Replay)
    );
}

#[tokio::test]
async fn tampered_or_foreign_signed_requests_get_the_400_page() {
    let bed = bed().await;
    let ps = bed.proxy_service("XA", &keys().xa).await;
    let built = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);

    let tampered = built
        .xml
        .replacen("ForceAuthn=\"true\"", "ForceAuthn=\"false\"", 1);
    assert_ne!(tampered, built.xml);
    let (status, body) = bed
        .post(&built, &xml::encode_base64(tampered.as_bytes()))
        .await;
    assert_eq!(status, 400);
    assert!(parse_post_form(&body).is_none());

    // Same entityID, but signed by a key that is not in the Connector's metadata.
    let mut impostor = bed.sp.clone();
    impostor.signing = keys().stranger.clone();
    let req = IdentityRequest {
        country: "XA".into(),
        min_loa: LoaLevel::Low,
        person_type: PersonType::NaturalPerson,
        optional_attributes: vec![],
        sp_type: SpType::Public,
        requester_id: None,
        provider_name: None,
    };
    let forged =
        authn_request::build(&impostor, &ps, &req, RequestOptions::default(), now()).unwrap();
    let (status, _) = bed.post(&forged, &forged.form.saml_request).await;
    assert_eq!(status, 400);

    // Properly signed, but stale (§1: IssueInstant older than 10 minutes).
    let stale = authn_request::build(
        &bed.sp,
        &ps,
        &req,
        RequestOptions::default(),
        now() - Duration::minutes(20),
    )
    .unwrap();
    let (status, _) = bed.post(&stale, &stale.form.saml_request).await;
    assert_eq!(status, 400);

    for junk in [
        "",
        "!!!",
        &xml::encode_base64(b"<x/>"),
        &xml::encode_base64(
            b"<saml2p:AuthnRequest xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>",
        ),
    ] {
        let (status, _) = bed.post(&built, junk).await;
        assert_eq!(status, 400, "{junk}");
    }
}

#[tokio::test]
async fn control_round_trips_and_rejects_unknown_values() {
    let bed = bed().await;
    let r = bed
        .http
        .post(format!("{}/control", bed.sim_url))
        .form(&[
            ("identity", "legal"),
            ("loa", "high"),
            ("fault", "expired"),
            ("deny", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got: serde_json::Value = bed
        .http
        .get(format!("{}/control", bed.sim_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        got,
        serde_json::json!({"identity": "legal", "loa": "high", "fault": "expired", "deny": false})
    );
    for bad in [
        ("fault", "nope"),
        ("loa", "medium"),
        ("identity", "x"),
        ("colour", "red"),
    ] {
        let r = bed
            .http
            .post(format!("{}/control", bed.sim_url))
            .form(&[bad])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad:?}");
    }
    assert_eq!(bed.state.control().fault, Some(Fault::Expired));
    let r = bed
        .http
        .get(format!("{}/healthz", bed.sim_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// Known node limitation: `metadata.rs` keeps a signing key only if `bits() >= 2048`, which drops
/// every EC key (P-256 reports 256 bits), so a country signing with EC P-256 is unusable for the
/// node. The simulator's EC metadata itself verifies (signature by the pinned cert).
#[tokio::test]
async fn ec_signing_country_metadata_verifies_and_its_p256_key_is_used() {
    let bed = bed().await;
    let ps = bed.proxy_service("XC", &keys().xc_ec).await;
    assert!(
        ps.unusable_reasons().is_empty(),
        "{:?}",
        ps.unusable_reasons()
    );
    assert_eq!(ps.signing_keys.len(), 1);
}

#[tokio::test]
async fn picker_page_offers_identities_loas_and_faults_and_answers_once() {
    let bed = bed_with(false).await;
    let ps = bed.proxy_service("XA", &keys().xa).await;
    let built = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);
    let (status, page) = bed.post(&built, &built.form.saml_request).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("TEST COUNTRY"));
    assert!(page.contains("Ελένη Παπαδοπούλου"));
    assert!(
        !page.contains("Testland Widgets"),
        "legal person offered for a natural-person request"
    );
    assert!(page.contains("<select id=\"fault\" name=\"fault\">"));
    for f in Fault::ALL {
        assert!(page.contains(&format!("<option value=\"{f}\">")), "{f}");
    }
    assert!(
        !page.contains("<option value=\"low\""),
        "LoA below the request offered"
    );
    assert!(page.contains("Cancel (deny consent)"));
    assert!(page.contains("<html lang=\"en\">"));
    // In the citizen's language (their browser's), the company identity offered directly to a
    // legal-person request.
    let legal = bed.request(&ps, PersonType::LegalPerson, LoaLevel::Substantial);
    let polish = bed
        .browser
        .client()
        .post(&legal.form.action)
        .header("Accept-Language", "pl-PL,pl;q=0.9,en;q=0.5")
        .form(&[
            ("SAMLRequest", legal.form.saml_request.as_str()),
            ("RelayState", legal.form.relay_state.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(polish.contains("<html lang=\"pl\">"), "{polish}");
    for expect in [
        "E-usługa prosi o firmę (osobę prawną) z poziomem zapewnienia co najmniej <em>substantial</em>.",
        "<legend>Tożsamość testowa</legend>",
        "value=\"legal\" checked> <label for=\"identity-0\">Testland Widgets Ltd",
        ">Anuluj (odmów zgody)</button>",
    ] {
        assert!(polish.contains(expect), "{expect} in {polish}");
    }
    let form = parse_post_form(&page).unwrap();
    assert_eq!(form.action, "/xa/respond");
    let action = format!("{}/xa/respond", bed.sim_url);
    let fields = |extra: &[(&str, &str)]| {
        let mut v = form.fields.clone();
        v.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
        v
    };
    let answer = bed
        .browser
        .post(
            &action,
            &fields(&[
                ("identity", "natural-greek"),
                ("loa", "high"),
                ("fault", "none"),
                ("action", "login"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer
        .body
        .contains("<script src=\"/static/autosubmit.js\"></script>"));
    let rf = parse_post_form(&answer.body).unwrap();
    let text = response::decode_post(rf.field("SAMLResponse").unwrap()).unwrap();
    let v = bed.validate(&text, &built, &ps).unwrap();
    assert_eq!(v.identity.loa.level, LoaLevel::High);
    assert_eq!(v.identity.eidas_identifier(), "XA/SE/GR-0002-TEST");

    // The handle is single-use.
    let again = bed
        .browser
        .post(&action, &fields(&[("action", "login")]))
        .await
        .unwrap();
    assert_eq!(again.status, 400);

    // Cancel on a fresh picker page → RequestDenied.
    let built = bed.request(&ps, PersonType::NaturalPerson, LoaLevel::Substantial);
    let (_, page) = bed.post(&built, &built.form.saml_request).await;
    let form = parse_post_form(&page).unwrap();
    let mut f = form.fields.clone();
    f.push(("action".into(), "cancel".into()));
    let answer = bed.browser.post(&action, &f).await.unwrap();
    let rf = parse_post_form(&answer.body).unwrap();
    let text = response::decode_post(rf.field("SAMLResponse").unwrap()).unwrap();
    assert!(matches!(
        bed.validate(&text, &built, &ps),
        Err(Error::Denied(_))
    ));

    let js = bed
        .browser
        .get(&format!("{}/static/autosubmit.js", bed.sim_url))
        .await
        .unwrap();
    assert_eq!(js.status, 200);
    assert!(js.body.contains("submit()"));
}

#[test]
fn example_config_parses_and_unknown_keys_are_refused() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/sim-example.toml")).unwrap();
    let cfg = eidas_testbed::sim::SimConfig::from_toml(&text).unwrap();
    assert_eq!(cfg.countries.len(), 2);
    assert_eq!(cfg.countries[1].encryption, EncryptionMode::RsaOaep);
    assert_eq!(cfg.countries[0].loas, LoaLevel::all().to_vec());
    assert!(
        eidas_testbed::sim::SimConfig::from_toml(&format!("{text}\ncolour = \"red\"\n")).is_err()
    );
}

/// In an aggregate whose entities carry no validUntil of their own, the root's bounds them: the
/// gateway must never treat such an entity as valid forever (§4 "Honour validUntil").
#[test]
fn an_aggregates_valid_until_bounds_its_entities() {
    let country = Country {
        code: "XA".into(),
        name: "Testland A".into(),
        signing: keys().xa.clone(),
        encryption: EncryptionMode::RsaOaep,
        loas: LoaLevel::all().to_vec(),
        metadata_validity: Duration::days(1),
    };
    let t = now();
    let single = sim::build_metadata(
        &country,
        "https://xa.example/md",
        "https://xa.example/sso",
        t,
    )
    .unwrap();
    // Unsigned entity without its own validUntil, inside a signed aggregate valid for one hour.
    let sig_start = single.find("<ds:Signature").unwrap();
    let sig_end = single.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let mut entity = format!("{}{}", &single[..sig_start], &single[sig_end..]);
    let vu_start = entity.find(" validUntil=\"").unwrap();
    let vu_end = vu_start + 13 + entity[vu_start + 13..].find('"').unwrap() + 1;
    entity.replace_range(vu_start..vu_end, "");
    let until = t + Duration::hours(1);
    let aggregate = format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_agg1" validUntil="{}">{}{}</md:EntitiesDescriptor>"#,
        xml::format_datetime(until),
        eidas_node::saml::dsig::SIGNATURE_MARKER,
        entity
    );
    let signed = eidas_node::saml::dsig::sign_enveloped(&aggregate, &keys().xa).unwrap();
    let trust = MetadataTrust::Pinned(vec![keys().xa.pair.cert.clone()]);
    let entities = verify_metadata(&signed, &trust, &SignaturePolicy::EIDAS, t).unwrap();
    assert_eq!(entities.len(), 1);
    let got = entities[0].valid_until.expect("bounded by the aggregate");
    assert!(
        (got - until).abs() < Duration::seconds(1),
        "{got} vs {until}"
    );
}
