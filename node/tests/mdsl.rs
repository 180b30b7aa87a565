//! Metadata Service Lists (eidas-requirements §4): the Swedish signed sample (OpenSAML eIDAS
//! test resources) verifies with its validation certificate and reads as the list it is; a
//! tampered copy, another key, an expired list, a list from the future and other documents are
//! refused with a named check.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::mdsl::{verify_service_list, EPT_CONNECTOR, EPT_PROXY_SERVICE};
use eidas_node::saml::metadata::MetadataTrust;
use eidas_node::saml::Error;
use openssl::x509::X509;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Within the sample's validity (IssueDate 2018-02-24, NextUpdate 2018-03-03).
const WHEN: OffsetDateTime = datetime!(2018-02-26 12:00 UTC);
const SKEW: Duration = Duration::seconds(60);

fn trust() -> MetadataTrust {
    MetadataTrust::Pinned(vec![X509::from_pem(&support::read_bytes(
        "interop/opensaml-eidas/eidas-servicelist-validation-cert.crt",
    ))
    .unwrap()])
}

/// The sample is signed RSA PKCS#1 v1.5 SHA-256 (§3 caveat): the legacy policy.
const POLICY: SignaturePolicy = SignaturePolicy::LEGACY_INTEROP;

fn sample() -> String {
    support::read("interop/opensaml-eidas/mdservicelist.xml")
}

#[test]
fn the_swedish_sample_verifies_and_reads_as_its_territories() {
    let list = verify_service_list(&sample(), &trust(), &POLICY, WHEN, SKEW).unwrap();
    assert_eq!(list.version, "1.0");
    assert_eq!(list.scheme_territory.as_deref(), Some("SE"));
    assert_eq!(
        list.issuer_name.as_deref(),
        Some("Swedish E-Identification Board")
    );
    assert_eq!(list.issue_date, datetime!(2018-02-24 11:06:06.233 UTC));
    assert_eq!(
        list.next_update,
        Some(datetime!(2018-03-03 11:06:06.233 UTC))
    );
    let territories: Vec<&str> = list.lists.iter().map(|l| l.territory.as_str()).collect();
    for t in ["SE", "DK", "NO", "AT", "FR", "IS", "ES"] {
        assert!(territories.contains(&t), "{t} in {territories:?}");
    }
    // Step 3: only ProxyService endpoints, with the location they are published at.
    let dk = list.proxy_services("DK");
    assert_eq!(dk.len(), 1);
    assert_eq!(
        dk[0].endpoint.entity_id,
        "https://eidas-pilot.digst.dk/eidas-ps-dk/ServiceMetadata"
    );
    assert_eq!(dk[0].location.location, dk[0].endpoint.entity_id);
    assert!(!dk[0].location.certificates.is_empty());
    // A location listing both types (Austria) yields its ProxyService endpoint only.
    let at = list.proxy_services("AT");
    assert_eq!(at.len(), 1);
    assert_eq!(at[0].endpoint.endpoint_type, EPT_PROXY_SERVICE);
    let at_list = list.lists.iter().find(|l| l.territory == "AT").unwrap();
    assert!(at_list.locations[0]
        .endpoints
        .iter()
        .any(|e| e.endpoint_type == EPT_CONNECTOR));
    // A territory the list does not cover: nothing.
    assert!(list.proxy_services("DE").is_empty());
    assert_eq!(list.lists.len(), 14);
    // The sample has one entry with an empty Location: skipped and said, not fatal.
    assert_eq!(list.notes.len(), 1, "{:?}", list.notes);
    assert!(list.notes[0].contains("without Location"));
}

#[test]
fn a_tampered_list_or_another_key_is_refused() {
    let bad = support::read("interop/opensaml-eidas/mdservicelist-badsign.xml");
    let r = verify_service_list(&bad, &trust(), &POLICY, WHEN, SKEW);
    assert!(
        matches!(r, Err(Error::DigestMismatch | Error::SignatureInvalid)),
        "{r:?}"
    );
    // Our own edit of one territory breaks the digest.
    let edited = sample().replacen("Territory=\"DK\"", "Territory=\"DE\"", 1);
    let r = verify_service_list(&edited, &trust(), &POLICY, WHEN, SKEW);
    assert!(matches!(r, Err(Error::DigestMismatch)), "{r:?}");
    // The right document, the wrong signer.
    let other = MetadataTrust::Pinned(vec![support::keypair("rsa", "someone else").cert]);
    let r = verify_service_list(&sample(), &other, &POLICY, WHEN, SKEW);
    assert!(matches!(r, Err(Error::SignatureInvalid)), "{r:?}");
    // PKCS#1 v1.5 signatures need the explicit legacy policy.
    let r = verify_service_list(&sample(), &trust(), &SignaturePolicy::EIDAS, WHEN, SKEW);
    assert!(matches!(r, Err(Error::AlgorithmNotAllowed(_))), "{r:?}");
}

#[test]
fn an_expired_list_or_one_from_the_future_is_refused() {
    let after = datetime!(2018-03-03 11:07:07 UTC);
    let r = verify_service_list(&sample(), &trust(), &POLICY, after, SKEW);
    assert!(matches!(r, Err(Error::MetadataExpired)), "{r:?}");
    // Just inside NextUpdate plus the skew.
    verify_service_list(
        &sample(),
        &trust(),
        &POLICY,
        datetime!(2018-03-03 11:07:06 UTC),
        SKEW,
    )
    .unwrap();
    let before = datetime!(2018-02-24 11:05:00 UTC);
    let r = verify_service_list(&sample(), &trust(), &POLICY, before, SKEW);
    assert!(matches!(r, Err(Error::NotYetValid)), "{r:?}");
    let today = OffsetDateTime::now_utc();
    assert!(verify_service_list(&sample(), &trust(), &POLICY, today, SKEW).is_err());
}

#[test]
fn other_documents_are_not_service_lists() {
    let md = support::read("interop/eu-eidas-node-2.9/metadata/ServiceMetadata.xml");
    let r = verify_service_list(&md, &trust(), &POLICY, WHEN, SKEW);
    assert!(matches!(r, Err(Error::UnexpectedRoot { .. })), "{r:?}");
    let r = verify_service_list("<x", &trust(), &POLICY, WHEN, SKEW);
    assert!(matches!(r, Err(Error::Xml(_))), "{r:?}");
}

/// The NOBID extension attributes: a suspended list or endpoint is not offered; a hidden one is
/// (the flag is for discovery UIs); a malformed endpoint is skipped with a note.
#[test]
fn suspended_and_hidden_entries_follow_the_connector_algorithm() {
    use eidas_node::saml::dsig::{sign_enveloped, SIGNATURE_MARKER};
    use eidas_node::saml::keys::SigningKey;
    let operator = SigningKey::new(support::keypair("ec", "XX list operator")).unwrap();
    let ps = EPT_PROXY_SERVICE;
    let doc = format!(
        r#"<ser:MetadataServiceList xmlns:ser="http://eidas.europa.eu/metadata/servicelist" ID="_l1" Version="1.0" IssueDate="2026-12-01T00:00:00Z" NextUpdate="2026-12-08T00:00:00Z">{SIGNATURE_MARKER}<ser:SchemeInformation><ser:IssuerName>Test</ser:IssuerName><ser:SchemeTerritory>XX</ser:SchemeTerritory></ser:SchemeInformation><ser:MetadataList Territory="XA" Suspend="true"><ser:MetadataLocation Location="https://xa.example/md"><ser:Endpoint EndpointType="{ps}" EntityID="https://xa.example/md"/></ser:MetadataLocation></ser:MetadataList><ser:MetadataList Territory="XB"><ser:MetadataLocation Location="https://xb.example/md"><ser:Endpoint EndpointType="{ps}" EntityID="https://xb.example/old" Suspend="true"/><ser:Endpoint EndpointType="{ps}" EntityID="https://xb.example/md" HideFromDiscovery="true"/><ser:Endpoint EndpointType="{ps}" EntityID="https://xb.example/x" Suspend="maybe"/></ser:MetadataLocation></ser:MetadataList></ser:MetadataServiceList>"#
    );
    let signed = sign_enveloped(&doc, &operator).unwrap();
    let trust = MetadataTrust::Pinned(vec![operator.pair.cert.clone()]);
    let now = datetime!(2026-12-02 00:00 UTC);
    let list = verify_service_list(&signed, &trust, &SignaturePolicy::EIDAS, now, SKEW).unwrap();
    assert!(list.proxy_services("XA").is_empty(), "suspended list");
    let xb = list.proxy_services("XB");
    assert_eq!(xb.len(), 1, "suspended endpoint skipped");
    assert_eq!(xb[0].endpoint.entity_id, "https://xb.example/md");
    assert!(xb[0].endpoint.hide_from_discovery);
    assert_eq!(list.notes.len(), 1, "{:?}", list.notes);
    assert!(list.notes[0].starts_with("XB:"));
    // The same list after its NextUpdate: expired.
    let later = datetime!(2026-12-09 00:00 UTC);
    let r = verify_service_list(&signed, &trust, &SignaturePolicy::EIDAS, later, SKEW);
    assert!(matches!(r, Err(Error::MetadataExpired)), "{r:?}");
}

/// The connector algorithm over the independent Swedish list, scoped to three territories: one
/// source each, pinned to the certificate the list gives and expecting the entityID it names;
/// every other territory refused with a note.
#[test]
fn the_swedish_list_expands_to_its_scoped_countries_only() {
    use eidas_node::trust::lists::ListSource;
    use eidas_node::trust::Location;
    let list = verify_service_list(&sample(), &trust(), &POLICY, WHEN, SKEW).unwrap();
    let source = ListSource {
        kind: eidas_node::trust::settings::ListKind::ServiceList,
        name: "SE".into(),
        location: Location::File("mdservicelist.xml".into()),
        trust: trust(),
        policy: POLICY,
        territories: ["DK", "AT", "NO"].map(String::from).into_iter().collect(),
        test: false,
        activation: eidas_node::trust::workflow::Policy::Auto,
        names: Default::default(),
        revocation_required: true,
    };
    let (sources, notes) = source.expand(&list);
    assert_eq!(
        sources.keys().map(String::as_str).collect::<Vec<_>>(),
        ["AT", "DK", "NO"]
    );
    let dk = &sources["DK"];
    assert_eq!(
        dk.location.to_string(),
        "https://eidas-pilot.digst.dk/eidas-ps-dk/ServiceMetadata"
    );
    assert_eq!(
        dk.expected_entity_id.as_deref(),
        Some("https://eidas-pilot.digst.dk/eidas-ps-dk/ServiceMetadata")
    );
    assert_eq!(dk.list.as_deref(), Some("SE"));
    let MetadataTrust::Pinned(certs) = &dk.trust else {
        panic!("list certificates are pinned")
    };
    assert!(!certs.is_empty());
    for t in ["SE", "FR", "IS", "ES"] {
        assert!(
            notes
                .iter()
                .any(|n| n == &format!("territory {t} is outside this list's scope; refused")),
            "{t}: {notes:?}"
        );
    }
    assert!(notes.iter().all(|n| !n.contains("territory DK")));
}

/// The Swedish production aggregate (18 EU Proxy-Services), signed by a test operator as Sweden
/// Connect signs it, read as an `aggregate` source scoped to a few territories: the scoped
/// countries come from the aggregate and verify as metadata of their own; every other territory
/// is refused with a note; a tampered aggregate yields nothing.
#[tokio::test]
async fn the_swedish_aggregate_is_a_scoped_multi_country_source() {
    use eidas_node::clock::FixedClock;
    use eidas_node::saml::dsig::{sign_enveloped, SIGNATURE_MARKER};
    use eidas_node::saml::keys::SigningKey;
    use eidas_node::trust::lists::ListSource;
    use eidas_node::trust::settings::ListKind;
    use eidas_node::trust::{Location, TrustStore};

    let text = support::read("interop/eidas-connector-se/eu-metadata-idps.xml");
    // The published file's own signature was removed upstream; sign it as an operator would.
    let start = text.find("<md:EntitiesDescriptor").unwrap();
    let body = &text[start..];
    let open_end = body.find('>').unwrap() + 1;
    let unsigned = format!(
        "{}{SIGNATURE_MARKER}{}",
        &body[..open_end],
        &body[open_end..]
    );
    let operator = support::keypair("ec", "aggregate operator (TEST)");
    let cert = operator.cert.clone();
    let signed = sign_enveloped(&unsigned, &SigningKey::new(operator).unwrap()).unwrap();
    let dir = std::env::temp_dir().join(format!("eidas-aggregate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("aggregate.xml");
    std::fs::write(&path, &signed).unwrap();

    let source = |path: &std::path::Path| ListSource {
        kind: ListKind::Aggregate,
        name: "SE-aggregate".into(),
        location: Location::File(path.to_owned()),
        trust: MetadataTrust::Pinned(vec![cert.clone()]),
        policy: SignaturePolicy::EIDAS,
        territories: ["AT", "EE", "LV", "DE"]
            .map(String::from)
            .into_iter()
            .collect(),
        test: false,
        activation: eidas_node::trust::workflow::Policy::Auto,
        names: Default::default(),
        revocation_required: true,
    };
    let clock = std::sync::Arc::new(FixedClock(datetime!(2026-12-01 12:00 UTC)));
    let trust = TrustStore::new(vec![], clock.clone())
        .unwrap()
        .with_lists(vec![source(&path)]);
    trust.refresh().await;
    let list = &trust.list_status()[0];
    assert!(list.problem.is_none(), "{:?}", list.problem);
    for out_of_scope in ["ES", "HR", "IT", "DK", "NL"] {
        assert!(
            list.notes
                .iter()
                .any(|n| n.starts_with(&format!("territory {out_of_scope} "))
                    && n.contains("outside")),
            "{out_of_scope}: {:?}",
            list.notes
        );
    }
    let codes: Vec<String> = trust
        .status()
        .iter()
        .map(|c| c.source.code.clone())
        .collect();
    assert!(!codes.is_empty(), "{:?}", list.notes);
    for c in trust.status() {
        assert!(["AT", "EE", "LV", "DE"].contains(&c.source.code.as_str()));
        let ps = trust.service(&c.source.code);
        assert!(ps.is_some(), "{}: {:?}", c.source.code, c.problem);
        assert_eq!(
            ps.unwrap().entity_id,
            c.source.expected_entity_id.clone().unwrap()
        );
    }
    assert!(
        codes.contains(&"EE".to_owned()),
        "{codes:?} {:?}",
        list.notes
    );
    assert_eq!(
        trust.service("EE").unwrap().entity_id,
        "https://eidas.ria.ee/EidasNode/ServiceMetadata"
    );

    // One changed byte in the signed aggregate: nothing from it is trusted.
    let tampered = dir.join("tampered.xml");
    std::fs::write(
        &tampered,
        signed.replacen("https://eidas.ria.ee/", "https://eidas.ria.ex/", 1),
    )
    .unwrap();
    let trust = TrustStore::new(vec![], clock)
        .unwrap()
        .with_lists(vec![source(&tampered)]);
    trust.refresh().await;
    assert!(trust.status().is_empty());
    assert!(trust.list_status()[0].problem.is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}
