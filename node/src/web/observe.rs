//! The layer every routed request passes: a span with a correlation id (so every log line of the
//! request carries it, and an error page shows the same id as its reference), a timeout, and a latency measurement per route kept in [`RouteLatencies`]
//! (read at scrape time by `app::metrics`). Handlers gain nothing to write.

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

/// Latency per `(method, route)`. A short list searched without allocating: there are a
/// couple of dozen routes, and the hot path must not allocate per request.
#[derive(Debug, Default)]
pub struct RouteLatencies(Mutex<Vec<(String, String, Histogram)>>);

impl RouteLatencies {
    fn record(&self, method: &str, route: &str, d: Duration) {
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match all.iter_mut().find(|(m, r, _)| m == method && r == route) {
            Some((_, _, h)) => h.record(d),
            None => {
                let mut h = Histogram::default();
                h.record(d);
                all.push((method.to_owned(), route.to_owned(), h));
            }
        }
    }

    pub fn snapshot(&self) -> BTreeMap<(String, String), Histogram> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(m, r, h)| ((m.clone(), r.clone()), h.clone()))
            .collect()
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

/// 64 random bits, hex. If the CSPRNG fails the id is all zeros: pages still render.
pub fn new_request_id() -> String {
    let mut b = [0u8; 8];
    let _ = openssl::rand::rand_bytes(&mut b);
    crate::hex::encode(&b)
}

/// The id of the request this task is serving, if any.
pub fn current_request_id() -> Option<String> {
    crate::events::correlation_id()
}

/// The middleware (`axum::middleware::from_fn_with_state`, as a route layer so the route is known).
pub async fn observe(
    State(obs): State<Arc<Observer>>,
    route: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let method = req.method().clone();
    let id = new_request_id();
    let span = tracing::info_span!("request", correlation_id = %id, method = %method, route);
    let started = Instant::now();
    let run = crate::events::with_correlation_id(id, next.run(req)).instrument(span.clone());
    let response = match tokio::time::timeout(obs.timeout, run).await {
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
    obs.latencies.record(method.as_str(), route, took);
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

    #[tokio::test]
    async fn the_request_id_is_in_scope_for_the_handler_and_latencies_are_kept_per_route() {
        use axum::routing::get;
        let obs = Arc::new(Observer::new(Duration::from_secs(5)));
        let app = axum::Router::new()
            .route(
                "/id/{x}",
                get(|| async { current_request_id().unwrap_or_default() }),
            )
            .route_layer(axum::middleware::from_fn_with_state(obs.clone(), observe));
        let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
            panic!("bind")
        };
        let addr = listener.local_addr().ok();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let url = format!(
            "http://{}/id/7",
            addr.map(|a| a.to_string()).unwrap_or_default()
        );
        let a = reqwest::get(&url).await.ok();
        let b = reqwest::get(&url).await.ok();
        let (Some(a), Some(b)) = (a, b) else {
            panic!("requests")
        };
        let (a, b) = (
            a.text().await.unwrap_or_default(),
            b.text().await.unwrap_or_default(),
        );
        assert_eq!(a.len(), 16, "{a}");
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b, "one id per request");
        assert_eq!(current_request_id(), None, "outside a request");
        let snap = obs.latencies.snapshot();
        let h = snap.get(&("GET".to_owned(), "/id/{x}".to_owned()));
        assert_eq!(h.map(|h| h.count), Some(2), "{snap:?}");
    }

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
