//! The layer every routed request passes: a span with a request id (so every log line of the
//! request carries it), a timeout, and a latency measurement per route kept in [`RouteLatencies`]
//! (read by metrics later). Handlers gain nothing to write.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

/// Upper bounds (ms) of the latency buckets; the last bucket is everything above.
pub const BUCKETS_MS: [u64; 12] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000];

/// Counts per bucket (one more than [`BUCKETS_MS`]: the overflow), total count and sum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    pub buckets: [u64; BUCKETS_MS.len() + 1],
    pub count: u64,
    pub sum_micros: u64,
}

impl Histogram {
    fn record(&mut self, d: Duration) {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let i = BUCKETS_MS
            .iter()
            .position(|b| ms <= *b)
            .unwrap_or(BUCKETS_MS.len());
        if let Some(b) = self.buckets.get_mut(i) {
            *b += 1;
        }
        self.count += 1;
        self.sum_micros = self
            .sum_micros
            .saturating_add(u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    }
}

/// Latency per `(method, route)`.
#[derive(Debug, Default)]
pub struct RouteLatencies(Mutex<BTreeMap<(String, String), Histogram>>);

impl RouteLatencies {
    fn record(&self, method: &str, route: &str, d: Duration) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((method.to_owned(), route.to_owned()))
            .or_default()
            .record(d);
    }

    pub fn snapshot(&self) -> BTreeMap<(String, String), Histogram> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// What the layer needs.
#[derive(Debug)]
pub struct Observer {
    pub timeout: Duration,
    pub latencies: RouteLatencies,
}

impl Observer {
    pub fn new(timeout: Duration) -> Self {
        Observer {
            timeout,
            latencies: RouteLatencies::default(),
        }
    }
}

fn request_id() -> String {
    let mut b = [0u8; 8];
    if openssl::rand::rand_bytes(&mut b).is_err() {
        return "-".into();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The middleware (`axum::middleware::from_fn_with_state`, as a route layer so the route is known).
pub async fn observe(
    State(obs): State<Arc<Observer>>,
    route: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let route = route.map_or_else(|| "unmatched".to_owned(), |r| r.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id(), %method, %route);
    let started = Instant::now();
    let response =
        match tokio::time::timeout(obs.timeout, next.run(req).instrument(span.clone())).await {
            Ok(r) => r,
            Err(_) => {
                span.in_scope(|| tracing::warn!(timeout = ?obs.timeout, "request timed out"));
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the request took too long\n",
                )
                    .into_response()
            }
        };
    let took = started.elapsed();
    obs.latencies.record(&method, &route, took);
    span.in_scope(|| {
        tracing::debug!(
            status = response.status().as_u16(),
            latency_ms = took.as_secs_f64() * 1e3,
            "request done"
        );
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_land_in_their_bucket() {
        let mut h = Histogram::default();
        h.record(Duration::from_micros(500));
        h.record(Duration::from_millis(30));
        h.record(Duration::from_secs(60));
        assert_eq!(h.count, 3);
        assert_eq!(h.buckets.first(), Some(&1));
        assert_eq!(h.buckets.get(5), Some(&1), "30 ms ≤ 50 ms");
        assert_eq!(h.buckets.last(), Some(&1));
    }
}
