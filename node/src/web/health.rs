//! What the citizen pages and `/health/countries` need to know of per-country health; the
//! implementation (counting login outcomes, shared through the store) is wired in by `app`.

/// A read-only view of per-country health.
pub trait HealthView: Send + Sync + std::fmt::Debug {
    /// Whether recent logins through `country` keep failing at the peer.
    fn degraded(&self, country: &str) -> bool;
    /// `/health/countries`: per country, the recent counts and the verdict.
    fn report(&self) -> serde_json::Value;
}

/// No health tracking (tests that build a bare state).
#[derive(Debug, Default)]
pub struct NoHealth;

impl HealthView for NoHealth {
    fn degraded(&self, _country: &str) -> bool {
        false
    }
    fn report(&self) -> serde_json::Value {
        serde_json::json!({ "countries": [] })
    }
}
