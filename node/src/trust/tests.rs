#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
//! Trust loading failures, with the independent Estonian fixtures. The positive path (a verified,
//! offered country) is exercised end to end with the simulated Proxy-Service in `tests/`.

use std::path::{Path, PathBuf};

use super::*;
use crate::clock::FixedClock;
use crate::config::Settings;
use openssl::x509::X509;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/interop")
        .join(rel)
}

fn settings(countries: &str) -> Result<Settings, crate::config::Error> {
    let text = format!(
        r#"
[server]
public_url = "https://connector.example.se"
[saml]
country = "SE"
signing = {{ key_path = "k", cert_path = "c" }}
encryption = []
[oidc]
pairwise_key = "00"
signing_keys = []
{countries}
"#
    );
    Settings::from_toml(
        &text,
        Path::new("t"),
        &fixture("eidas-client-ee"),
        std::iter::empty(),
    )
}

fn ee_cert_pem() -> PathBuf {
    // The signer certificate embedded in the Estonian metadata, extracted once to PEM.
    let text = std::fs::read_to_string(fixture("eidas-client-ee/idp-metadata.xml")).unwrap();
    let doc = crate::saml::xml::parse(&text, crate::saml::xml::MAX_METADATA_BYTES).unwrap();
    let c = doc
        .descendants()
        .find(|n| n.tag_name().name() == "X509Certificate")
        .unwrap();
    let cert = X509::from_der(&crate::saml::xml::base64_text(c).unwrap()).unwrap();
    // One file per call: tests run in parallel, and a file rewritten under a reader is empty.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("ee-signer-{}-{n}.pem", std::process::id()));
    std::fs::write(&path, cert.to_pem().unwrap()).unwrap();
    path
}

#[test]
fn a_country_without_pinned_signer_or_anchor_is_a_config_error() {
    let s =
        settings("[[trust.countries]]\ncode = \"EE\"\nmetadata = \"idp-metadata.xml\"\n").unwrap();
    let errs = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap_err();
    assert!(errs[0].to_string().contains("never trusted unverified"));
}

#[test]
fn plain_http_metadata_is_refused_except_on_loopback() {
    let cert = ee_cert_pem();
    let c = |url: &str| {
        format!(
            "[[trust.countries]]\ncode = \"EE\"\nmetadata = \"{url}\"\nsigner_cert_paths = [\"{}\"]\n",
            cert.display()
        )
    };
    let s = settings(&c("http://eidas.example.ee/metadata")).unwrap();
    assert!(
        Source::from_settings(&s.trust, &|p| s.path(p)).unwrap_err()[0]
            .to_string()
            .contains("https")
    );
    let s = settings(&c("http://127.0.0.1:9/metadata")).unwrap();
    assert!(Source::from_settings(&s.trust, &|p| s.path(p)).is_ok());
    let s = settings(&c("https://eidas.example.ee/metadata")).unwrap();
    assert!(Source::from_settings(&s.trust, &|p| s.path(p)).is_ok());
}

#[test]
fn country_names_come_from_cldr_unless_configured_and_el_is_greece() {
    let cert = ee_cert_pem();
    let s = settings(&format!(
        "[[trust.countries]]\ncode = \"EL\"\nmetadata = \"https://eidas.example.gr/metadata\"\n\
         signer_cert_paths = [\"{c}\"]\n\
         [[trust.countries]]\ncode = \"AT\"\nmetadata = \"https://eidas.example.at/metadata\"\n\
         signer_cert_paths = [\"{c}\"]\nnames = {{ en = \"Republic of Austria\", de = \"Republik Österreich\" }}\n\
         [[trust.countries]]\ncode = \"XA\"\nmetadata = \"https://eidas.example/xa\"\n\
         signer_cert_paths = [\"{c}\"]\n",
        c = cert.display()
    ))
    .unwrap();
    let sources = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap();
    let (el, at, xa) = (&sources[0], &sources[1], &sources[2]);
    assert_eq!(el.name("en"), "Greece");
    assert_eq!(el.name("el"), "Ελλάδα");
    assert_eq!(el.name("fr"), "Grèce");
    // Configured names win in their language; CLDR's in the others, before configured English.
    assert_eq!(at.name("de"), "Republik Österreich");
    assert_eq!(at.name("en"), "Republic of Austria");
    assert_eq!(at.name("sv"), "Österrike");
    // A test country (user-assigned code) has no CLDR name: the code.
    assert_eq!(xa.name("de"), "XA");
}

#[tokio::test]
async fn failing_countries_are_not_offered_and_the_operator_sees_why() {
    let cert = ee_cert_pem();
    let s = settings(&format!(
        r#"
[[trust.countries]]
code = "EE"
metadata = "idp-metadata.xml"
signer_cert_paths = ["{c}"]
legacy_signatures = true
[[trust.countries]]
code = "LV"
metadata = "idp-metadata-invalid_signature.xml"
signer_cert_paths = ["{c}"]
legacy_signatures = true
[[trust.countries]]
code = "LT"
metadata = "does-not-exist.xml"
signer_cert_paths = ["{c}"]
"#,
        c = cert.display()
    ))
    .unwrap();
    let sources = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap();
    let clock = Arc::new(FixedClock(time::macros::datetime!(2020-01-01 0:00 UTC)));
    let trust = TrustStore::new(sources, clock).unwrap();
    assert!(!trust.ready());
    let problems: BTreeMap<String, String> = trust.refresh().await.into_iter().collect();
    // The Estonian file verifies but predates NodeCountry: no entity for the country.
    assert!(
        problems["EE"].contains("no Proxy-Service for country EE"),
        "{problems:?}"
    );
    assert!(
        problems["LV"].contains("verification failed"),
        "{problems:?}"
    );
    assert!(
        problems["LT"].contains("does-not-exist.xml"),
        "{problems:?}"
    );
    assert!(trust.service("EE").is_none());
    assert!(trust
        .offers(|_| true, LoaLevel::Low, PersonType::NaturalPerson, "en")
        .is_empty());
    assert!(!trust.ready(), "loaded, but no usable country");
    assert!(trust.status().iter().all(|c| c.problem.is_some()));
}

#[test]
fn a_country_floor_raises_but_never_lowers_the_requested_loa() {
    let cert = ee_cert_pem();
    let s = settings(&format!(
        "[[trust.countries]]\ncode = \"EE\"\nmetadata = \"idp-metadata.xml\"\nsigner_cert_paths = [\"{}\"]\nmin_loa = \"substantial\"\n",
        cert.display()
    ))
    .unwrap();
    let src = &Source::from_settings(&s.trust, &|p| s.path(p)).unwrap()[0];
    assert_eq!(src.effective_loa(LoaLevel::Low), LoaLevel::Substantial);
    assert_eq!(src.effective_loa(LoaLevel::High), LoaLevel::High);
}

/// Metadata over HTTP is fetched with our User-Agent and conditionally: an unchanged document
/// (ETag) is not sent again, and what is reused is verified again, so it still expires.
#[tokio::test]
async fn metadata_is_fetched_conditionally_with_a_user_agent() {
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Seen {
        agents: Vec<String>,
        conditional: usize,
        full: usize,
    }
    let seen = Arc::new(Mutex::new(Seen::default()));
    let body = std::fs::read_to_string(fixture("eidas-client-ee/idp-metadata.xml")).unwrap();
    let app = {
        let seen = seen.clone();
        axum::Router::new().route(
            "/md",
            axum::routing::get(move |headers: HeaderMap| {
                let (seen, body) = (seen.clone(), body.clone());
                async move {
                    let mut s = seen.lock().unwrap();
                    s.agents.push(
                        headers
                            .get("user-agent")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned(),
                    );
                    if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some("\"v1\"")
                    {
                        s.conditional += 1;
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    s.full += 1;
                    ([("etag", "\"v1\"")], body).into_response()
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/md", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let s = settings(&format!(
        r#"
[[trust.countries]]
code = "EE"
metadata = "{url}"
signer_cert_paths = ["{c}"]
legacy_signatures = true
"#,
        c = ee_cert_pem().display()
    ))
    .unwrap();
    let sources = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap();
    let clock = Arc::new(FixedClock(time::macros::datetime!(2020-01-01 0:00 UTC)));
    let trust = TrustStore::new(sources, clock).unwrap();
    let first: BTreeMap<String, String> = trust.refresh().await.into_iter().collect();
    let second: BTreeMap<String, String> = trust.refresh().await.into_iter().collect();
    // The same verdict from the reused document as from the fresh one (the Estonian sample has
    // no NodeCountry): it was verified both times.
    assert_eq!(first, second);
    assert!(
        first["EE"].contains("no Proxy-Service for country EE"),
        "{first:?}"
    );
    let s = seen.lock().unwrap();
    assert_eq!((s.full, s.conditional), (1, 1));
    assert!(
        s.agents.iter().all(|a| a == super::USER_AGENT),
        "{:?}",
        s.agents
    );
    assert!(super::USER_AGENT.starts_with("eidas-node/"));
}

/// `check` and the log warn ahead of expiries: the metadata's validUntil and encryption
/// certificates, within the configured horizon only.
#[test]
fn expiries_within_the_horizon_are_reported() {
    let s = settings(&format!(
        r#"
[[trust.countries]]
code = "CA"
metadata = "idp-metadata.xml"
signer_cert_paths = ["{c}"]
"#,
        c = ee_cert_pem().display()
    ))
    .unwrap();
    let source = Source::from_settings(&s.trust, &|p| s.path(p))
        .unwrap()
        .remove(0);
    let text =
        std::fs::read_to_string(fixture("eu-eidas-node-2.9/metadata/ServiceMetadata.xml")).unwrap();
    let now = time::macros::datetime!(2026-12-01 0:00 UTC);
    let mut ps = crate::saml::metadata::parse_unverified(&text, now)
        .unwrap()
        .remove(0);
    assert!(!ps.encryption_certs.is_empty());
    ps.valid_until = Some(now + time::Duration::days(3));
    let state = CountryState {
        source,
        service: Some(Arc::new(ps)),
        entry: None,
        served: None,
        problem: None,
        last_attempt: None,
        last_success: None,
        failures: 0,
        next_attempt: None,
    };
    let days = time::Duration::days;
    let hours = time::Duration::hours;
    // The held copy lapses in 3 days: news only if that is before two refreshes.
    let soon = state.expiring(now, days(1), days(4));
    assert!(
        soon.iter().any(|l| l.contains("metadata held expires")),
        "{soon:?}"
    );
    assert!(state
        .expiring(now, days(1), hours(2))
        .iter()
        .all(|l| !l.contains("metadata held")));
    // Far enough ahead, every certificate expires within the horizon.
    let certs = state.expiring(now, days(365 * 200), hours(2));
    assert!(
        certs.iter().any(|l| l.contains("encryption certificate")),
        "{certs:?}"
    );
    let none = CountryState {
        service: None,
        entry: None,
        ..state
    };
    assert!(none.expiring(now, days(365 * 200), days(365)).is_empty());
}

#[test]
fn backoff_doubles_per_failure_up_to_the_refresh_interval_with_jitter() {
    let s = time::Duration::seconds;
    let (retry, ceiling) = (s(30), s(3600));
    // First retry: within [retry/2, retry]; the draw decides where.
    assert_eq!(super::backoff(retry, ceiling, 1, 0.0), s(15));
    assert!(super::backoff(retry, ceiling, 1, 0.999) <= s(30));
    assert!(super::backoff(retry, ceiling, 1, 0.999) > s(29));
    // Third: 30 · 2² = 120 s base.
    assert_eq!(super::backoff(retry, ceiling, 3, 0.0), s(60));
    assert_eq!(super::backoff(retry, ceiling, 3, 1.0), s(120));
    // Never beyond the refresh interval, however long the outage.
    for failures in [8, 20, 1000, u32::MAX] {
        let w = super::backoff(retry, ceiling, failures, 1.0);
        assert!(w <= ceiling && w >= s(1800), "{failures}: {w}");
    }
    // Never under a second.
    assert_eq!(super::backoff(s(1), ceiling, 1, 0.0), s(1));
    // The draws differ (jitter is real).
    let draws: std::collections::BTreeSet<u64> =
        (0..32).map(|_| (super::jitter() * 1e6) as u64).collect();
    assert!(draws.len() > 16, "{draws:?}");
    assert!(draws.iter().all(|d| *d < 1_000_000));
}

/// A settable clock for the schedule.
#[derive(Debug)]
struct StepClock(std::sync::Mutex<OffsetDateTime>);
impl Clock for StepClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

#[tokio::test]
async fn each_failing_source_backs_off_on_its_own_schedule() {
    let cert = ee_cert_pem();
    let s = settings(&format!(
        r#"
[[trust.countries]]
code = "LV"
metadata = "idp-metadata-invalid_signature.xml"
signer_cert_paths = ["{c}"]
legacy_signatures = true
[[trust.countries]]
code = "LT"
metadata = "does-not-exist.xml"
signer_cert_paths = ["{c}"]
"#,
        c = cert.display()
    ))
    .unwrap();
    let sources = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap();
    let t0 = time::macros::datetime!(2020-01-01 0:00 UTC);
    let clock = Arc::new(StepClock(std::sync::Mutex::new(t0)));
    let trust = TrustStore::new(sources, clock.clone())
        .unwrap()
        .with_schedule(Duration::from_secs(3600), Duration::from_secs(30));
    let failures = |t: &TrustStore| -> Vec<u32> { t.status().iter().map(|c| c.failures).collect() };

    // First pass: everything is due and fails; the next retry is 15–30 s away.
    let wait = trust.refresh_due().await;
    assert_eq!(failures(&trust), [1, 1]);
    assert!(
        wait >= Duration::from_secs(15) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    for c in trust.status() {
        let next = c.next_attempt.unwrap() - t0;
        assert!(next >= time::Duration::seconds(15) && next <= time::Duration::seconds(30));
    }
    // Nothing is due yet: nothing is loaded again.
    trust.refresh_due().await;
    assert_eq!(failures(&trust), [1, 1]);
    // After the wait, both are retried, and the next wait doubles.
    let t1 = t0 + time::Duration::seconds(31);
    *clock.0.lock().unwrap() = t1;
    trust.refresh_due().await;
    assert_eq!(failures(&trust), [2, 2]);
    for c in trust.status() {
        let next = c.next_attempt.unwrap() - t1;
        assert!(
            next >= time::Duration::seconds(30) && next <= time::Duration::seconds(60),
            "{next}"
        );
    }
    assert!(trust.status().iter().all(|c| c.last_attempt == Some(t1)));
}

#[test]
fn a_country_clock_skew_is_bounded() {
    let cert = ee_cert_pem();
    let entry = |skew: u64| {
        settings(&format!(
            "[[trust.countries]]\ncode = \"EE\"\nmetadata = \"idp-metadata.xml\"\nsigner_cert_paths = [\"{}\"]\nclock_skew_seconds = {skew}\n",
            cert.display()
        ))
        .unwrap()
    };
    let s = entry(600);
    let src = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap();
    assert_eq!(src[0].skew, Some(time::Duration::seconds(600)));
    let s = entry(601);
    let errs = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap_err();
    assert!(errs[0]
        .to_string()
        .contains("clock_skew_seconds = 601 is above 600"));
}

#[test]
fn attribute_name_aliases_map_only_variant_names_to_eidas_names() {
    let cert = ee_cert_pem();
    let c = |names: &str| {
        format!(
            "[[trust.countries]]\ncode = \"EE\"\nmetadata = \"idp-metadata.xml\"\nsigner_cert_paths = [\"{}\"]\nattribute_names = {{ {names} }}\n",
            cert.display()
        )
    };
    let np = "http://eidas.europa.eu/attributes/naturalperson/";
    let ok = settings(&c(&format!(
        "\"urn:oid:2.5.4.42\" = \"{np}CurrentGivenName\""
    )))
    .unwrap();
    let sources = Source::from_settings(&ok.trust, &|p| ok.path(p)).unwrap();
    assert_eq!(
        sources[0].attribute_aliases,
        [(
            "urn:oid:2.5.4.42".to_owned(),
            format!("{np}CurrentGivenName")
        )]
    );
    // Never one eIDAS attribute read as another, and never to a Name outside eIDAS.
    for bad in [
        format!("\"{np}PersonIdentifier\" = \"{np}CurrentGivenName\""),
        // Not even from the representative namespace (its own refusal rule).
        format!("\"{np}representative/PersonIdentifier\" = \"{np}PersonIdentifier\""),
        "\"urn:oid:2.5.4.42\" = \"urn:oid:2.5.4.4\"".to_owned(),
    ] {
        let s = settings(&c(&bad)).unwrap();
        let errs = Source::from_settings(&s.trust, &|p| s.path(p)).unwrap_err();
        assert!(
            errs[0].to_string().contains("attribute_names"),
            "{bad}: {errs:?}"
        );
    }
}

/// What an instance serves is cut to the active version *and* to what it verified last: a key
/// the country has dropped since is not served from the earlier copy while the active version
/// still lists it (the lease holder has not caught up yet), and an addition waiting for review
/// is left out while the rest serves.
#[tokio::test]
async fn served_metadata_is_what_both_the_active_version_and_the_last_verification_allow() {
    use crate::store::memory::MemoryBackend;
    use crate::store::{SealedRecords, Sealer};

    let s = settings(&format!(
        "[[trust.countries]]\ncode = \"CA\"\nmetadata = \"m.xml\"\nsigner_cert_paths = [\"{}\"]\n",
        ee_cert_pem().display()
    ))
    .unwrap();
    let source = Source::from_settings(&s.trust, &|p| s.path(p))
        .unwrap()
        .remove(0);
    let text =
        std::fs::read_to_string(fixture("eu-eidas-node-2.9/metadata/ServiceMetadata.xml")).unwrap();
    let now = time::macros::datetime!(2026-12-01 0:00 UTC);
    let mut old = crate::saml::metadata::parse_unverified(&text, now)
        .unwrap()
        .remove(0);
    old.valid_until = Some(now + time::Duration::days(3));
    old.country = Some("CA".into());
    assert!(
        old.unusable_reasons().is_empty(),
        "{:?}",
        old.unusable_reasons()
    );
    let other = crate::cli::keys::new_key(false).unwrap();
    let other =
        openssl::pkey::PKey::public_key_from_der(&other.public_key_to_der().unwrap()).unwrap();
    let records: Arc<dyn crate::store::RecordStore> = Arc::new(SealedRecords::new(
        Arc::new(MemoryBackend::new()),
        Sealer::random().unwrap(),
    ));
    let store = TrustStore::new(vec![source.clone()], Arc::new(FixedClock(now)))
        .unwrap()
        .with_versioning(records, 10, std::time::Duration::from_secs(5));
    let mut state = CountryState {
        source,
        service: None,
        entry: None,
        served: None,
        problem: None,
        last_attempt: None,
        last_success: None,
        failures: 0,
        next_attempt: None,
    };
    state.set_service(Some(Arc::new(old.clone())));
    let active = version::TrustVersion {
        countries: [("CA".to_owned(), (*state.entry.clone().unwrap()).clone())].into(),
    };
    *store.active.write().unwrap() = Some((active.id(), Arc::new(active)));
    store.gate(&mut state);
    let keys = old.signing_keys.len();
    assert_eq!(state.served.as_ref().unwrap().signing_keys.len(), keys);

    // An addition (a new key beside the old ones): served without it until approved.
    let mut added = old.clone();
    added.signing_keys.push(other.clone());
    state.set_service(Some(Arc::new(added)));
    store.gate(&mut state);
    assert_eq!(state.served.as_ref().unwrap().signing_keys.len(), keys);

    // The country now publishes only the new key: nothing it dropped is served any more.
    let mut replaced = old.clone();
    replaced.signing_keys = vec![other];
    replaced.signing_certs.clear();
    state.set_service(Some(Arc::new(replaced)));
    store.gate(&mut state);
    assert!(state.served.is_none(), "the dropped key must not be served");

    // Nothing verified now: nothing served.
    state.set_service(Some(Arc::new(old)));
    store.gate(&mut state);
    assert!(state.served.is_some());
    state.set_service(None);
    store.gate(&mut state);
    assert!(state.served.is_none());
}
