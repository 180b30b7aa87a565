//! Foreign metadata: real production aggregates, the Estonian negative cases, the EU node's files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use eidas_node::identity::LoaLevel;
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::metadata::{self, MetadataTrust};
use eidas_node::saml::{dsig, xml, Error};
use openssl::x509::X509;
use time::macros::datetime;

fn embedded_cert(text: &str) -> X509 {
    let doc = xml::parse(text, xml::MAX_METADATA_BYTES).unwrap();
    let sig = dsig::signature_of(doc.root_element(), "m")
        .unwrap()
        .unwrap();
    let c = sig
        .descendants()
        .find(|n| n.tag_name().name() == "X509Certificate")
        .unwrap();
    X509::from_der(&xml::base64_text(c).unwrap()).unwrap()
}

#[test]
fn every_entity_of_the_production_aggregates_is_read_and_problems_are_reported_per_entity() {
    let now = datetime!(2020-01-01 0:00 UTC);
    let mut total = 0;
    for file in ["eu-metadata-idps.xml", "eu-metadata-idps2.xml"] {
        let text = support::read(&format!("interop/eidas-connector-se/{file}"));
        let entities = metadata::parse_unverified(&text, now).unwrap();
        assert!(!entities.is_empty());
        for e in &entities {
            total += 1;
            assert!(e.entity_id.starts_with("https://"), "{}", e.entity_id);
            // Every entity yields either a usable Proxy-Service or a list of reasons.
            let reasons = e.unusable_reasons();
            if reasons.is_empty() {
                assert!(
                    e.sso_post_url.is_some() && !e.signing_keys.is_empty() && e.country.is_some()
                );
            }
        }
        if file == "eu-metadata-idps.xml" {
            assert_eq!(entities.len(), 18);
            let usable = entities
                .iter()
                .filter(|e| e.unusable_reasons().is_empty())
                .count();
            assert!(usable >= 15, "only {usable} usable");
            // The node that publishes bare "High"/"Substantial" strings is read, with a note.
            assert!(entities
                .iter()
                .any(|e| e.notes.iter().any(|n| n.contains("instead of a URI"))));
            // Legacy algorithms advertised by peers are filtered out, never adopted.
            assert!(entities.iter().all(|e| e
                .signing_methods
                .iter()
                .all(|m| !m.contains("sha1") && !m.contains("ripemd"))));
            let ee = entities
                .iter()
                .find(|e| e.country.as_deref() == Some("EE"))
                .unwrap();
            assert!(ee.highest_loa() >= Some(LoaLevel::Substantial));
        }
    }
    assert!(total >= 18);
}

#[test]
fn estonian_metadata_is_accepted_when_its_signer_is_pinned_and_the_bad_ones_are_rejected() {
    let good = support::read("interop/eidas-client-ee/idp-metadata.xml");
    let trust = MetadataTrust::Pinned(vec![embedded_cert(&good)]);
    let doc = xml::parse(&good, xml::MAX_METADATA_BYTES).unwrap();
    let valid_until =
        xml::parse_datetime(doc.root_element().attribute("validUntil").unwrap()).unwrap();
    let now = valid_until - time::Duration::days(1);
    let ents =
        metadata::verify_metadata(&good, &trust, &SignaturePolicy::LEGACY_INTEROP, now).unwrap();
    assert_eq!(ents.len(), 1);
    // It verifies; this test file predates NodeCountry and LoA publication, which is reported.
    assert_eq!(
        ents[0].entity_id,
        doc.root_element().attribute("entityID").unwrap()
    );
    assert_eq!(
        ents[0].unusable_reasons(),
        vec!["no eidas:NodeCountry", "no level of assurance published"]
    );
    assert!(ents[0].sso_post_url.is_some() && !ents[0].signing_keys.is_empty());

    // Same document, strict eIDAS policy: rsa-sha512 (PKCS#1 v1.5) is refused.
    assert!(matches!(
        metadata::verify_metadata(&good, &trust, &SignaturePolicy::EIDAS, now),
        Err(Error::AlgorithmNotAllowed(_))
    ));
    // After validUntil: expired.
    assert_eq!(
        metadata::verify_metadata(&good, &trust, &SignaturePolicy::LEGACY_INTEROP, valid_until)
            .err(),
        Some(Error::MetadataExpired)
    );

    let expired = support::read("interop/eidas-client-ee/idp-metadata-expired.xml");
    let r = metadata::verify_metadata(
        &expired,
        &MetadataTrust::Pinned(vec![embedded_cert(&expired)]),
        &SignaturePolicy::LEGACY_INTEROP,
        time::OffsetDateTime::now_utc(),
    );
    // Authenticity is checked before any field is believed; this fixture was re-dated after
    // signing, so it fails there (the good file above shows the validUntil check itself).
    assert!(
        matches!(r, Err(Error::MetadataExpired | Error::DigestMismatch)),
        "{r:?}"
    );

    let bad = support::read("interop/eidas-client-ee/idp-metadata-invalid_signature.xml");
    let r = metadata::verify_metadata(
        &bad,
        &MetadataTrust::Pinned(vec![embedded_cert(&bad)]),
        &SignaturePolicy::LEGACY_INTEROP,
        now,
    );
    assert!(
        matches!(r, Err(Error::DigestMismatch | Error::SignatureInvalid)),
        "{r:?}"
    );

    let xxe = support::read("interop/eidas-client-ee/idp-metadata-xxe.xml");
    let r = metadata::verify_metadata(&xxe, &trust, &SignaturePolicy::LEGACY_INTEROP, now);
    assert!(matches!(r, Err(Error::Xml(_))), "{r:?}");
}

#[test]
fn metadata_signed_by_an_unpinned_key_is_rejected_even_though_the_key_is_in_keyinfo() {
    let good = support::read("interop/eidas-client-ee/idp-metadata.xml");
    let other = X509::from_pem(&support::read_bytes(
        "interop/eu-eidas-node-2.9/keys/test-rsa.crt.pem",
    ))
    .unwrap();
    let now = datetime!(2020-01-01 0:00 UTC);
    let r = metadata::verify_metadata(
        &good,
        &MetadataTrust::Pinned(vec![other]),
        &SignaturePolicy::LEGACY_INTEROP,
        now,
    );
    assert!(
        matches!(r, Err(Error::SignatureInvalid | Error::WeakKey(_))),
        "{r:?}"
    );
}

#[test]
fn eu_node_metadata_files_parse() {
    let now = datetime!(2020-01-01 0:00 UTC);
    let svc = metadata::parse_unverified(
        &support::read("interop/eu-eidas-node-2.9/metadata/ServiceMetadata.xml"),
        now,
    )
    .unwrap();
    assert_eq!(svc.len(), 1);
    assert_eq!(svc[0].country.as_deref(), Some("CA"));
    assert!(svc[0].sso_post_url.is_some());
    assert!(!svc[0].supported_attributes.is_empty());
    let c = support::read("interop/eu-eidas-node-2.9/metadata/ConnectorMetadata.xml");
    let trust = MetadataTrust::Pinned(vec![embedded_cert(&c)]);
    // ConnectorMetadata is an SP's metadata: it verifies, and has no IdP role to use.
    let ents = metadata::verify_metadata(&c, &trust, &SignaturePolicy::EIDAS, now).unwrap();
    assert!(!ents[0].unusable_reasons().is_empty());
}
