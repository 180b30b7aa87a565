//! Prometheus metrics at `/metrics` on the admin listener (issue 12 item 1), with the
//! maintained `prometheus-client` crate (the official Rust client of the Prometheus project:
//! OpenMetrics text, typed families, collectors read at scrape time).
//!
//! - `eidas_login_events_total{event, client, country, error_code}`: every login outcome
//!   (`authorized`, `started`, `completed`, `cancelled`, `denied`, `rejected`, `peer_failure`,
//!   `unavailable`, `abandoned`); labels come from configuration only (client ids, country
//!   codes) and stable error codes, so their number is bounded.
//! - `eidas_time_abroad_seconds{country}`: from leaving for a country to coming back (histogram).
//! - `eidas_store_operation_duration_seconds{op, result}`: every state-store operation (its
//!   count is the operation count, `result="error"` the errors).
//! - `eidas_http_request_duration_seconds{method, route}`: latency per route (authorize, login,
//!   ACS, resume, token, userinfo, …), read at scrape time from the routing layer's histograms,
//!   so the request path records nothing twice.
//! - `eidas_trust_country_usable{country}`, `eidas_trust_country_metadata_expiry_seconds{country}`,
//!   `eidas_trust_country_certificate_expiry_seconds{country, use}` (the earliest signing and
//!   encryption certificate),
//!   `eidas_trust_active_version_info{version}`, `eidas_trust_staged_version_info{version}`.
//! - `eidas_wallet_list_usable{list}`, `eidas_wallet_list_next_update_seconds{list}`,
//!   `eidas_wallet_list_staged{list}` (each signed PID-provider list), `eidas_wallet_provider_anchor_expiry_seconds{country, provider}`
//!   (the earliest anchor of each PID provider in force).
//! - `eidas_build_info{version}`.

use std::sync::Arc;

use crate::web::wallet::providers::ListHealth;

use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

use crate::events::{EventSink, LoginEvent};
use crate::trust::TrustStore;
use crate::web::observe::{Observer, BUCKETS_MS};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventLabels {
    event: &'static str,
    client: String,
    country: String,
    error_code: &'static str,
}

/// The counters login events go to (created before the rest of the state exists).
pub type EventCounters = Family<EventLabels, Counter>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CountryLabel {
    country: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StoreLabels {
    op: &'static str,
    result: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Up to the login timeout's usual range: a citizen abroad takes seconds to many minutes.
const ABROAD_BUCKETS: [f64; 13] = [
    5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1800.0,
];
/// A loopback Redis answers in well under a millisecond; a struggling one in seconds.
const STORE_BUCKETS: [f64; 12] = [
    0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 2.0,
];

fn abroad_histogram() -> Histogram {
    Histogram::new(ABROAD_BUCKETS)
}

fn store_histogram() -> Histogram {
    Histogram::new(STORE_BUCKETS)
}

/// Everything the request path records into, created before the rest of the state exists.
#[derive(Clone, Debug)]
pub struct Instruments {
    events: EventCounters,
    abroad: Histograms<CountryLabel>,
    store: Histograms<StoreLabels>,
}

impl Default for Instruments {
    fn default() -> Self {
        Instruments {
            events: EventCounters::default(),
            abroad: Family::new_with_constructor(abroad_histogram),
            store: Family::new_with_constructor(store_histogram),
        }
    }
}

impl crate::store::observed::StoreObserver for Instruments {
    fn observe(&self, op: &'static str, ok: bool, took: std::time::Duration) {
        self.store
            .get_or_create(&StoreLabels {
                op,
                result: if ok { "ok" } else { "error" },
            })
            .observe(took.as_secs_f64());
    }
}

/// The registry read at each scrape.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
}

impl Metrics {
    pub fn new(
        instruments: Instruments,
        observer: Arc<Observer>,
        trust: Arc<TrustStore>,
        own_certs: OwnCerts,
        wallet: WalletFigures,
    ) -> Self {
        let mut registry = Registry::default();
        registry.register(
            "eidas_login_events",
            "Login outcomes by event, client, country and error code",
            instruments.events,
        );
        registry.register(
            "eidas_time_abroad_seconds",
            "From leaving for a country to coming back",
            instruments.abroad,
        );
        registry.register(
            "eidas_store_operation_duration_seconds",
            "State-store operations by operation and result",
            instruments.store,
        );
        registry.register_collector(Box::new(RouteCollector(observer)));
        registry.register_collector(Box::new(TrustCollector(trust)));
        registry.register_collector(Box::new(OwnCertificates(own_certs)));
        registry.register_collector(Box::new(WalletCollector(wallet)));
        Metrics { registry }
    }

    /// The OpenMetrics text for a scrape.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Login events into the counters (and the time abroad into its histogram).
#[derive(Debug)]
pub struct MetricsSink(pub Instruments);

impl EventSink for MetricsSink {
    fn emit(&self, event: &LoginEvent) {
        if let LoginEvent::Returned {
            country, abroad, ..
        } = event
        {
            self.0
                .abroad
                .get_or_create(&CountryLabel {
                    country: country.clone().unwrap_or_default(),
                })
                .observe(abroad.as_secs_f64());
        }
        let (client, country, error_code) = match event {
            LoginEvent::Authorized { client_id } | LoginEvent::Cancelled { client_id } => {
                (client_id.clone(), String::new(), "")
            }
            LoginEvent::Started {
                client_id, country, ..
            } => (client_id.clone(), country.clone().unwrap_or_default(), ""),
            LoginEvent::Completed {
                client_id, country, ..
            } => (client_id.clone(), country.clone(), ""),
            LoginEvent::Denied { country, .. }
            | LoginEvent::PeerFailure { country, .. }
            | LoginEvent::Unavailable { country, .. }
            | LoginEvent::Returned { country, .. } => {
                (String::new(), country.clone().unwrap_or_default(), "")
            }
            LoginEvent::Rejected { country, code, .. } => {
                (String::new(), country.clone().unwrap_or_default(), *code)
            }
            LoginEvent::Abandoned {
                client_id, country, ..
            } => (
                client_id.clone().unwrap_or_default(),
                country.clone().unwrap_or_default(),
                "",
            ),
        };
        self.0
            .events
            .get_or_create(&EventLabels {
                event: event.name(),
                client,
                country,
                error_code,
            })
            .inc();
    }
}

#[derive(Debug)]
struct RouteCollector(Arc<Observer>);

impl prometheus_client::collector::Collector for RouteCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let snapshot = self.0.latencies.snapshot();
        let mut metric = encoder.encode_descriptor(
            "eidas_http_request_duration_seconds",
            "Request latency per route",
            None,
            MetricType::Histogram,
        )?;
        for ((method, route), h) in snapshot {
            let labels = [("method", method), ("route", route)];
            // Per-bucket counts: the encoder accumulates them (`le` is cumulative on the wire),
            // and the last bucket is +Inf, which `histogram_quantile` needs.
            let mut buckets: Vec<(f64, u64)> = Vec::with_capacity(BUCKETS_MS.len() + 1);
            for (i, upper) in BUCKETS_MS.iter().enumerate() {
                #[allow(clippy::cast_precision_loss)]
                buckets.push((
                    *upper as f64 / 1000.0,
                    h.buckets.get(i).copied().unwrap_or(0),
                ));
            }
            buckets.push((
                f64::INFINITY,
                h.buckets.get(BUCKETS_MS.len()).copied().unwrap_or(0),
            ));
            #[allow(clippy::cast_precision_loss)]
            let sum = h.sum_micros as f64 / 1_000_000.0;
            metric
                .encode_family(&labels)?
                .encode_histogram::<prometheus_client::encoding::NoLabelSet>(
                    sum, h.count, &buckets, None,
                )?;
        }
        Ok(())
    }
}

/// Our own certificates (SAML signing, published next signing, decryption), by use, as they are
/// now (keys can change without a restart).
pub type OwnCerts = Arc<dyn Fn() -> Vec<(&'static str, openssl::x509::X509)> + Send + Sync>;

struct OwnCertificates(OwnCerts);

impl std::fmt::Debug for OwnCertificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OwnCertificates")
    }
}

impl prometheus_client::collector::Collector for OwnCertificates {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut m = encoder.encode_descriptor(
            "eidas_own_certificate_expiry_seconds",
            "Seconds until each of our SAML certificates expires",
            None,
            MetricType::Gauge,
        )?;
        let now = time::OffsetDateTime::now_utc();
        for (i, (usage, cert)) in (self.0)().iter().enumerate() {
            let Some(at) = crate::keys::cert_not_after(cert) else {
                continue;
            };
            let secs = (at - now).whole_seconds();
            let labels = [("use", (*usage).to_owned()), ("index", i.to_string())];
            ConstGauge::new(secs).encode(m.encode_family(&labels)?)?;
        }
        Ok(())
    }
}

/// The wallet's PID-provider trust as it is now: per list, and per provider (country, id,
/// seconds until its earliest anchor expires).
pub type WalletFigures =
    Arc<dyn Fn() -> (Vec<ListHealth>, Vec<(String, String, i64)>) + Send + Sync>;

struct WalletCollector(WalletFigures);

impl std::fmt::Debug for WalletCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WalletCollector")
    }
}

impl prometheus_client::collector::Collector for WalletCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let (lists, anchors) = (self.0)();
        {
            let mut m = encoder.encode_descriptor(
                "eidas_wallet_list_usable",
                "1 when the signed PID-provider list is verified and before its NextUpdate",
                None,
                MetricType::Gauge,
            )?;
            for l in &lists {
                ConstGauge::new(i64::from(l.usable))
                    .encode(m.encode_family(&[("list", l.name.clone())])?)?;
            }
        }
        {
            let mut m = encoder.encode_descriptor(
                "eidas_wallet_list_staged",
                "1 when a PID-provider list under review has a change waiting for approval",
                None,
                MetricType::Gauge,
            )?;
            for l in &lists {
                ConstGauge::new(i64::from(l.staged))
                    .encode(m.encode_family(&[("list", l.name.clone())])?)?;
            }
        }
        {
            let mut m = encoder.encode_descriptor(
                "eidas_wallet_list_next_update_seconds",
                "Seconds until the PID-provider list in force reaches its NextUpdate",
                None,
                MetricType::Gauge,
            )?;
            for l in &lists {
                if let Some(secs) = l.next_update_in {
                    ConstGauge::new(secs).encode(m.encode_family(&[("list", l.name.clone())])?)?;
                }
            }
        }
        let mut m = encoder.encode_descriptor(
            "eidas_wallet_provider_anchor_expiry_seconds",
            "Seconds until the earliest trust anchor of a PID provider in force expires",
            None,
            MetricType::Gauge,
        )?;
        for (country, provider, secs) in anchors {
            ConstGauge::new(secs)
                .encode(m.encode_family(&[("country", country), ("provider", provider)])?)?;
        }
        Ok(())
    }
}

#[derive(Debug)]
struct TrustCollector(Arc<TrustStore>);

/// A JSON member, `Null` when absent.
fn f<'a>(v: &'a serde_json::Value, k: &str) -> &'a serde_json::Value {
    v.get(k).unwrap_or(&serde_json::Value::Null)
}

impl prometheus_client::collector::Collector for TrustCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let status = self.0.status_json();
        let now = time::OffsetDateTime::now_utc();
        let countries = f(&status, "countries")
            .as_array()
            .cloned()
            .unwrap_or_default();
        {
            let mut usable = encoder.encode_descriptor(
                "eidas_trust_country_usable",
                "1 when the country is offered (verified, unexpired, allowed by the active trust version)",
                None,
                MetricType::Gauge,
            )?;
            for c in &countries {
                let code = f(c, "code").as_str().unwrap_or("").to_owned();
                let v = i64::from(f(c, "usable").as_bool() == Some(true));
                ConstGauge::new(v).encode(usable.encode_family(&[("country", code)])?)?;
            }
        }
        {
            let mut expiry = encoder.encode_descriptor(
                "eidas_trust_country_metadata_expiry_seconds",
                "Seconds until the held metadata's validUntil",
                None,
                MetricType::Gauge,
            )?;
            for c in &countries {
                let Some(until) = f(c, "valid_until").as_str().and_then(|t| {
                    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                        .ok()
                }) else {
                    continue;
                };
                let code = f(c, "code").as_str().unwrap_or("").to_owned();
                ConstGauge::new((until - now).whole_seconds())
                    .encode(expiry.encode_family(&[("country", code)])?)?;
            }
        }
        {
            let mut certs = encoder.encode_descriptor(
                "eidas_trust_country_certificate_expiry_seconds",
                "Seconds until the earliest of a country's signing or encryption certificates expires",
                None,
                MetricType::Gauge,
            )?;
            for c in &countries {
                let code = f(c, "code").as_str().unwrap_or("").to_owned();
                for usage in ["signing", "encryption"] {
                    let Some(at) = f(f(c, "certificates_not_after"), usage).as_i64() else {
                        continue;
                    };
                    ConstGauge::new(at - now.unix_timestamp()).encode(certs.encode_family(
                        &[("country", code.clone()), ("use", usage.to_owned())],
                    )?)?;
                }
            }
        }
        for (name, key) in [
            ("eidas_trust_active_version_info", "active_version"),
            ("eidas_trust_staged_version_info", "staged_version"),
        ] {
            if let Some(v) = f(&status, key).as_str() {
                let mut m = encoder.encode_descriptor(
                    name,
                    "The trust version (id)",
                    None,
                    MetricType::Gauge,
                )?;
                ConstGauge::new(1i64).encode(m.encode_family(&[("version", v.to_owned())])?)?;
            }
        }
        let mut b = encoder.encode_descriptor(
            "eidas_build_info",
            "The running build",
            None,
            MetricType::Gauge,
        )?;
        ConstGauge::new(1i64)
            .encode(b.encode_family(&[("version", env!("CARGO_PKG_VERSION").to_owned())])?)?;
        Ok(())
    }
}
