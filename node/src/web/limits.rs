//! Rate limits on the endpoints a client or a citizen's browser can hammer (issue 12 item 7):
//! `/authorize` (and `/par`), `/login`, `/saml/acs` and `/token`, each with a per-client-IP and a
//! global token bucket. Over a limit: 429 with `Retry-After`; at `/token` as an OAuth error JSON.
//!
//! The client IP is the TCP peer, or, only when `client_ip_header` is configured (the node is
//! behind a proxy that sets it), the last address in that header: the one our own proxy added.
//! Limits are per instance: with N instances behind a balancer the global figure is N times it.
//!
//! Must not: know a protocol beyond the endpoint paths it limits.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// One endpoint's limits; 0 means no limit.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// Requests per minute from one client IP (also the burst).
    #[serde(default)]
    pub per_ip_per_minute: u32,
    /// Requests per second from everyone together (also the burst).
    #[serde(default)]
    pub global_per_second: u32,
}

/// `[rate_limits]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    /// A header the proxy in front of the node sets to the client's address (e.g.
    /// `x-forwarded-for`, `x-real-ip`); the last address in it is used. Unset: the TCP peer.
    /// Set it only behind a proxy that always sets it, or clients choose their own address.
    #[serde(default)]
    pub client_ip_header: Option<String>,
    #[serde(default)]
    pub authorize: Limit,
    #[serde(default)]
    pub login: Limit,
    #[serde(default)]
    pub acs: Limit,
    #[serde(default)]
    pub token: Limit,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Takes one token from a bucket of `capacity` refilled at `rate` per second; else the
    /// seconds until one is there.
    fn take(&mut self, capacity: f64, rate: f64, now: Instant) -> Result<(), u64> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(capacity);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let wait = ((1.0 - self.tokens) / rate).ceil().max(1.0) as u64;
            Err(wait)
        }
    }
}

/// Most client IPs remembered per endpoint; beyond it, full (idle) buckets are forgotten.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Default)]
struct Endpoint {
    limit: Limit,
    global: Mutex<Option<Bucket>>,
    per_ip: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Endpoint {
    fn check(&self, ip: Option<IpAddr>, now: Instant) -> Result<(), u64> {
        if self.limit.global_per_second > 0 {
            let cap = f64::from(self.limit.global_per_second);
            let mut g = self.global.lock().unwrap_or_else(|p| p.into_inner());
            let b = g.get_or_insert(Bucket {
                tokens: cap,
                at: now,
            });
            b.take(cap, cap, now)?;
        }
        if let (Some(ip), n) = (ip, self.limit.per_ip_per_minute) {
            if n > 0 {
                let cap = f64::from(n);
                let rate = cap / 60.0;
                let mut m = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
                if m.len() >= MAX_TRACKED && !m.contains_key(&ip) {
                    // Forget buckets that have refilled: they hold no information.
                    m.retain(|_, b| {
                        now.saturating_duration_since(b.at).as_secs_f64() * rate + b.tokens < cap
                    });
                }
                let b = m.entry(ip).or_insert(Bucket {
                    tokens: cap,
                    at: now,
                });
                b.take(cap, rate, now)?;
            }
        }
        Ok(())
    }
}

/// The limiter shared by the routes.
#[derive(Debug, Default)]
pub struct RateLimiter {
    client_ip_header: Option<axum::http::HeaderName>,
    authorize: Endpoint,
    login: Endpoint,
    acs: Endpoint,
    token: Endpoint,
}

impl RateLimiter {
    pub fn new(s: &RateLimitSettings) -> Result<Self, String> {
        let header = match &s.client_ip_header {
            Some(h) => Some(
                axum::http::HeaderName::from_bytes(h.trim().as_bytes()).map_err(|_| {
                    format!("rate_limits.client_ip_header: {h:?} is not a header name")
                })?,
            ),
            None => None,
        };
        let ep = |limit: Limit| Endpoint {
            limit,
            ..Endpoint::default()
        };
        Ok(RateLimiter {
            client_ip_header: header,
            authorize: ep(s.authorize),
            login: ep(s.login),
            acs: ep(s.acs),
            token: ep(s.token),
        })
    }

    fn endpoint(&self, path: &str) -> Option<(&Endpoint, bool)> {
        match path {
            "/authorize" | "/par" => Some((&self.authorize, false)),
            "/login" => Some((&self.login, false)),
            "/saml/acs" => Some((&self.acs, false)),
            "/token" => Some((&self.token, true)),
            _ => None,
        }
    }

    /// The client's address: from the configured header (its last entry) or the TCP peer.
    fn client_ip(&self, req: &Request) -> Option<IpAddr> {
        if let Some(h) = &self.client_ip_header {
            let from_header = req
                .headers()
                .get_all(h)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|s| s.trim().parse::<IpAddr>().ok());
            if from_header.is_some() {
                return from_header;
            }
        }
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
    }
}

/// The middleware: limited endpoints pass through their buckets; others pass.
pub async fn limit(State(l): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    let Some((ep, oauth)) = l.endpoint(req.uri().path()) else {
        return next.run(req).await;
    };
    let ip = l.client_ip(&req);
    match ep.check(ip, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            tracing::warn!(path = %req.uri().path(), retry_after = wait, "rate limit reached; request refused");
            too_many(wait, oauth)
        }
    }
}

fn too_many(wait: u64, oauth: bool) -> Response {
    let mut r = if oauth {
        (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(serde_json::json!({
                "error": "temporarily_unavailable",
                "error_description": format!("too many requests; retry after {wait} s"),
            })),
        )
            .into_response()
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many requests. Please try again in {wait} seconds.\n"),
        )
            .into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Whether no limit is configured at all: then no layer is installed (nothing on the request
/// path).
pub fn is_off(s: &RateLimitSettings) -> bool {
    [s.authorize, s.login, s.acs, s.token]
        .iter()
        .all(|l| *l == Limit::default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::time::Duration;

    #[test]
    fn buckets_allow_the_burst_then_refill_at_the_rate() {
        let t0 = Instant::now();
        let ep = Endpoint {
            limit: Limit {
                per_ip_per_minute: 3,
                global_per_second: 0,
            },
            ..Endpoint::default()
        };
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            ep.check(Some(a), t0).unwrap();
        }
        let wait = ep.check(Some(a), t0).unwrap_err();
        assert_eq!(wait, 20, "3 per minute: one token every 20 s");
        ep.check(Some(b), t0).unwrap();
        ep.check(Some(a), t0 + Duration::from_secs(20)).unwrap();
        assert!(ep.check(Some(a), t0 + Duration::from_secs(21)).is_err());
        let g = Endpoint {
            limit: Limit {
                per_ip_per_minute: 0,
                global_per_second: 2,
            },
            ..Endpoint::default()
        };
        g.check(Some(a), t0).unwrap();
        g.check(Some(b), t0).unwrap();
        assert_eq!(g.check(None, t0).unwrap_err(), 1);
        g.check(None, t0 + Duration::from_millis(600)).unwrap();
    }
}
