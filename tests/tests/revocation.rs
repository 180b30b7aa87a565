//! Issue 11 item 1, revocation (eidas-requirements §4 "Run revocation checks for every
//! certificate that carries revocation information"): a country trusted through an anchor
//! whose metadata signer names a CRL distribution point. A current CRL from the anchor that does
//! not list the signer: trusted. One that lists it: refused, fail-open or not. No usable CRL
//! (unreachable, or signed by another key): refused under the default fail-closed, trusted with a
//! warning under fail-open.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use eidas_node::clock::SystemClock;
use eidas_node::identity::LoaLevel;
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::keys::{KeyPair, SigningKey};
use eidas_node::saml::metadata::MetadataTrust;
use eidas_node::trust::workflow::Policy;
use eidas_node::trust::{Location, Source, TrustStore};
use eidas_testbed::sim::{build_metadata, Country, EncryptionMode};
use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{
    X509Builder, X509CrlBuilder, X509Name, X509NameBuilder, X509RevokedBuilder, X509,
};

fn ec_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

fn name(cn: &str) -> X509Name {
    let mut n = X509NameBuilder::new().unwrap();
    n.append_entry_by_text("CN", cn).unwrap();
    n.build()
}

fn serial(n: u32) -> Asn1Integer {
    BigNum::from_u32(n).unwrap().to_asn1_integer().unwrap()
}

/// A test anchor CA and a metadata signer it issued, naming `crl_url` as its CRL.
fn pki(crl_url: &str) -> (PKey<Private>, X509, PKey<Private>, X509) {
    let ca_key = ec_key();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&serial(1)).unwrap();
    b.set_subject_name(&name("Testland metadata anchor (TEST)"))
        .unwrap();
    b.set_issuer_name(&name("Testland metadata anchor (TEST)"))
        .unwrap();
    b.set_pubkey(&ca_key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    b.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()
            .unwrap(),
    )
    .unwrap();
    let ski = SubjectKeyIdentifier::new()
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(ski).unwrap();
    b.sign(&ca_key, MessageDigest::sha256()).unwrap();
    let ca = b.build();

    let key = ec_key();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&serial(7)).unwrap();
    b.set_subject_name(&name("Testland A metadata signer (TEST)"))
        .unwrap();
    b.set_issuer_name(ca.subject_name()).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    #[allow(deprecated)]
    let cdp = openssl::x509::X509Extension::new_nid(
        None,
        Some(&b.x509v3_context(Some(&ca), None)),
        Nid::CRL_DISTRIBUTION_POINTS,
        &format!("URI:{crl_url}"),
    )
    .unwrap();
    b.append_extension(cdp).unwrap();
    b.sign(&ca_key, MessageDigest::sha256()).unwrap();
    (ca_key, ca, key, b.build())
}

/// A CRL by `issuer` (signed with `key`), listing `revoked` serials, current for a day.
fn crl(issuer: &X509, key: &PKey<Private>, revoked: &[u32]) -> Vec<u8> {
    crl_until(issuer, key, revoked, 86_400)
}

/// As [`crl`], current for `secs` seconds.
fn crl_until(issuer: &X509, key: &PKey<Private>, revoked: &[u32], secs: i64) -> Vec<u8> {
    let mut b = X509CrlBuilder::new().unwrap();
    b.set_issuer_name(issuer.subject_name()).unwrap();
    let ctx_holder = X509Builder::new().unwrap();
    let aki = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&ctx_holder.x509v3_context(Some(issuer), None))
        .unwrap();
    b.append_extension(aki).unwrap();
    // CRLNumber 1: an INTEGER, DER 02 01 01.
    let number = openssl::x509::X509Extension::new_from_der(
        &openssl::asn1::Asn1Object::from_str("2.5.29.20").unwrap(),
        false,
        &openssl::asn1::Asn1OctetString::new_from_bytes(&[2, 1, 1]).unwrap(),
    )
    .unwrap();
    b.append_extension(number).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    b.set_last_update(&Asn1Time::from_unix(now - 3600).unwrap())
        .unwrap();
    b.set_next_update(&Asn1Time::from_unix(now + secs).unwrap())
        .unwrap();
    for s in revoked {
        let mut r = X509RevokedBuilder::new().unwrap();
        r.set_serial_number(&serial(*s)).unwrap();
        r.set_revocation_date(&Asn1Time::from_unix(now - 60).unwrap())
            .unwrap();
        b.add_revoked(r.build()).unwrap();
    }
    b.sign(key, MessageDigest::sha256()).unwrap();
    b.build().unwrap().to_der().unwrap()
}

#[tokio::test]
async fn an_anchored_signer_is_checked_against_its_crl() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (ca_key, ca, signer_key, signer) = pki(&format!("{base}/ca.crl"));
    let country = Country {
        code: "XA".into(),
        name: "Testland A (TEST COUNTRY)".into(),
        signing: SigningKey::new(KeyPair::new(signer_key, signer).unwrap()).unwrap(),
        encryption: EncryptionMode::EcdhEs,
        loas: LoaLevel::all().to_vec(),
        metadata_validity: time::Duration::hours(1),
    };
    let entity = format!("{base}/xa/metadata");
    let metadata = build_metadata(
        &country,
        &entity,
        &format!("{base}/xa/sso"),
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let published_crl: Arc<Mutex<Option<Vec<u8>>>> = Arc::new(Mutex::new(None));
    let served = published_crl.clone();
    let app = axum::Router::new()
        .route(
            "/xa/metadata",
            axum::routing::get(move || {
                let m = metadata.clone();
                async move { m }
            }),
        )
        .route(
            "/ca.crl",
            axum::routing::get(move || {
                let c = served.lock().unwrap().clone();
                async move {
                    match c {
                        Some(der) => (axum::http::StatusCode::OK, der),
                        None => (axum::http::StatusCode::NOT_FOUND, Vec::new()),
                    }
                }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let source = |fail_closed: bool| Source {
        code: "XA".into(),
        names: Default::default(),
        location: Location::Url(url::Url::parse(&entity).unwrap()),
        trust: MetadataTrust::Anchors(vec![ca.clone()]),
        policy: SignaturePolicy::EIDAS,
        test: true,
        min_loa: None,
        expected_entity_id: None,
        list: None,
        skew: None,
        omit_scoping: false,
        activation: Policy::Auto,
        attribute_aliases: Vec::new(),
        revocation_required: fail_closed,
    };
    // A fresh store per case: CRLs are cached per store.
    let verdict = |fail_closed: bool| {
        let s = source(fail_closed);
        async move {
            let t = TrustStore::new(vec![s], Arc::new(SystemClock)).unwrap();
            t.refresh().await;
            let problem = t.status()[0].problem.clone();
            (t.service("XA").is_some(), problem)
        }
    };

    // A current CRL that does not list the signer.
    *published_crl.lock().unwrap() = Some(crl(&ca, &ca_key, &[3]));
    let (ok, problem) = verdict(true).await;
    assert!(ok, "{problem:?}");
    // The signer revoked: refused, whatever the mode.
    *published_crl.lock().unwrap() = Some(crl(&ca, &ca_key, &[3, 7]));
    for fail_closed in [true, false] {
        let (ok, problem) = verdict(fail_closed).await;
        assert!(!ok);
        assert!(
            problem.unwrap().contains("is revoked"),
            "fail_closed {fail_closed}"
        );
    }
    // No CRL to be had: fail-closed refuses, fail-open accepts.
    *published_crl.lock().unwrap() = None;
    let (ok, problem) = verdict(true).await;
    assert!(!ok);
    assert!(problem.unwrap().contains("no current full CRL"));
    assert!(verdict(false).await.0);
    // A store that trusted the signer learns of its revocation at its next refresh, and drops
    // the country at once: the copy it holds is not kept as stale-while-error.
    *published_crl.lock().unwrap() = Some(crl(&ca, &ca_key, &[]));
    let held = TrustStore::new(vec![source(false)], Arc::new(SystemClock))
        .unwrap()
        .with_schedule(
            std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(1),
        );
    held.refresh().await;
    assert!(held.service("XA").is_some());
    *published_crl.lock().unwrap() = Some(crl(&ca, &ca_key, &[7]));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    held.refresh().await;
    assert!(held.service("XA").is_none(), "revoked: not kept");
    assert!(held.status()[0].service.is_none());
    assert!(held.status()[0]
        .problem
        .clone()
        .unwrap()
        .contains("revoked"));

    // An older CRL served later (a replay, or a stale mirror) cannot hide the revocation the
    // newer cached one shows.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    *published_crl.lock().unwrap() = Some(crl_until(&ca, &ca_key, &[], 3_600));
    held.refresh().await;
    assert!(
        held.service("XA").is_none(),
        "the cached CRL still lists the signer"
    );

    // With `trust.cache_dir`, the CRL is kept on disk too: a restart while the CRL server is
    // down still checks (and here passes) under fail-closed.
    let dir = std::env::temp_dir().join(format!(
        "eidas-crl-cache-{}-{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    *published_crl.lock().unwrap() = Some(crl(&ca, &ca_key, &[]));
    let first = TrustStore::new(vec![source(true)], Arc::new(SystemClock))
        .unwrap()
        .with_cache_dir(dir.clone());
    first.refresh().await;
    assert!(first.service("XA").is_some());
    *published_crl.lock().unwrap() = None;
    let restarted = TrustStore::new(vec![source(true)], Arc::new(SystemClock))
        .unwrap()
        .with_cache_dir(dir.clone());
    restarted.refresh().await;
    assert!(
        restarted.service("XA").is_some(),
        "{:?}",
        restarted.status()[0].problem
    );
    std::fs::remove_dir_all(&dir).unwrap();

    // A CRL not signed by the issuer counts as none.
    let other = ec_key();
    *published_crl.lock().unwrap() = Some(crl(&ca, &other, &[]));
    let (ok, problem) = verdict(true).await;
    assert!(!ok, "a CRL by another key is no CRL");
    assert!(problem.unwrap().contains("no current full CRL"));
}
