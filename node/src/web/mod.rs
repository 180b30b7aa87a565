//! HTTP layer (axum): the OIDC endpoints, the citizen's login pages, health and readiness.
//!
//! Map: `oidc` (the OP endpoints); `flow` (method-neutral: flow context, outcome, finish →
//! `/resume`, resume, cancel); `choose` (the choice page, dispatching to a way in); `saml` (the
//! eIDAS way in: AuthnRequest form, ACS, our metadata); `binding`, `i18n`, `pages`, `error`.
//! A second way in is a module beside `saml` plus a `choose::Choice` variant; `flow` and
//! `saml` do not change for it.
//!
//! Owns: routing, extracting parameters and headers, cookies, page rendering, and turning `oidc`,
//! `saml` and `store` results into responses through the single mapping point
//! [`error::AppError`]. Must not: validate protocol rules (that is `oidc`'s and `saml`'s job) or log
//! tokens, codes, secrets, SAML messages or personal data.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::clock::Clock;
use crate::oidc::Provider;
use crate::store::SealedStore;
use crate::trust::TrustStore;

pub mod binding;
mod choose;
pub mod departures;
pub mod error;
mod flow;
pub mod health;
pub mod i18n;
pub mod limits;
pub mod observe;
mod oidc;
pub mod pages;
pub mod saml;
pub mod theme;
pub mod wallet;

pub use self::oidc::{oidc_router, see_other, OidcState};
pub use self::saml::{SamlPath, SamlTimes, SAML_ACS_PATH, SAML_METADATA_PATH};

pub const LOGIN_PATH: &str = "/login";
pub const CANCEL_PATH: &str = "/login/cancel";
pub const FORGET_PATH: &str = "/login/forget";
pub const RESUME_PATH: &str = "/resume";

/// Settings of the login steps every way in shares.
#[derive(Debug, Clone)]
pub struct LoginSettings {
    /// How long a citizen may take abroad (the lifetime of a way in's pending state).
    pub pending_ttl: Duration,
    /// Between the way back in and the resume step: one redirect.
    pub result_ttl: Duration,
    /// Chooses the citizen's language.
    pub localizer: i18n::Localizer,
    /// `Secure` cookies (the public URL is https).
    pub secure_cookies: bool,
    /// Longest any request may take before it is answered 503.
    pub request_timeout: Duration,
}

/// What the gateway's handlers share: the OIDC side, trust, state, time, the neutral login
/// settings, the CPU pool, and each way in's own part.
pub struct WebState {
    pub provider: Arc<Provider>,
    pub trust: Arc<TrustStore>,
    pub store: Arc<SealedStore>,
    pub clock: Arc<dyn Clock>,
    pub login: LoginSettings,
    /// Where CPU-heavy checks of answers from abroad run (off the async workers, bounded).
    pub cpu: crate::cpu::CpuPool,
    /// The eIDAS way in.
    pub saml: SamlPath,
    /// Login outcomes (the provider holds the same sink).
    pub events: Arc<dyn crate::events::EventSink>,
    /// Request spans, timeouts and per-route latency (the routing layer).
    pub observer: Arc<observe::Observer>,
    /// Set on SIGTERM: `/readyz` fails from then on, while requests are still served.
    pub draining: std::sync::atomic::AtomicBool,
    /// `[rate_limits]`; `None` when no limit is configured.
    pub limits: Option<Arc<limits::RateLimiter>>,
    /// Per-country health (degraded countries are marked on the country page).
    pub health: Arc<dyn health::HealthView>,
    /// Citizens abroad, to count those who never come back (`app` sweeps it).
    pub departures: Arc<departures::Departures>,
    /// The EU Digital Identity Wallet way in (`[wallet]`); `None`: not offered. Replaced whole
    /// by a reload (SIGHUP, `POST /admin/keys/reload`): new anchors or a new access key without
    /// a restart.
    pub wallet: crate::keys::KeyRing<Option<Arc<wallet::WalletPath>>>,
}

impl WebState {
    /// The wallet way in as it is now, if configured.
    pub fn wallet(&self) -> Option<Arc<wallet::WalletPath>> {
        (*self.wallet.snapshot()).clone()
    }
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebState")
    }
}

impl WebState {
    pub fn new(
        provider: Arc<Provider>,
        trust: Arc<TrustStore>,
        store: Arc<SealedStore>,
        clock: Arc<dyn Clock>,
        login: LoginSettings,
        cpu: crate::cpu::CpuPool,
        saml: SamlPath,
    ) -> Self {
        let events = provider.events.clone();
        let request_timeout = login.request_timeout;
        WebState {
            provider,
            trust,
            store,
            clock,
            login,
            cpu,
            saml,
            events,
            observer: Arc::new(observe::Observer::new(request_timeout)),
            draining: std::sync::atomic::AtomicBool::new(false),
            limits: None,
            health: Arc::new(health::NoHealth),
            departures: Arc::new(departures::Departures::default()),
            wallet: crate::keys::KeyRing::new(None),
        }
    }
}

/// The whole gateway.
pub fn router(state: Arc<WebState>) -> Router {
    let gateway = Router::new()
        .route(LOGIN_PATH, get(choose::choose).post(choose::chosen))
        .route(CANCEL_PATH, post(flow::cancel))
        .route(FORGET_PATH, post(choose::forget))
        .route(RESUME_PATH, get(flow::resume))
        .merge(saml::routes())
        .merge(wallet::routes())
        .route("/readyz", get(readyz))
        .with_state(state.clone());
    let router = Router::new()
        .merge(oidc_router(state.provider.clone()))
        .merge(gateway)
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/health/countries",
            get({
                let h = state.health.clone();
                move || {
                    let h = h.clone();
                    async move { axum::Json(h.report()) }
                }
            }),
        )
        // Browsers ask for it on every page: an empty answer they cache, not an error page.
        .route(
            "/favicon.ico",
            get(|| async {
                (
                    axum::http::StatusCode::NO_CONTENT,
                    [(axum::http::header::CACHE_CONTROL, "public, max-age=86400")],
                )
            }),
        )
        .route("/static/style.css", get(style))
        .route("/static/autosubmit.js", get(script))
        .route("/static/filter.js", get(filter_script))
        .route("/static/copy.js", get(copy_script))
        .route("/static/wallet.js", get(wallet_script))
        .route("/theme/colors.css", get(theme_colors))
        .route("/theme/extra.css", get(theme_stylesheet))
        .route("/theme/logo", get(theme_logo))
        .route_layer(axum::middleware::from_fn_with_state(
            state.observer.clone(),
            observe::observe,
        ))
        .fallback(not_found);
    let router = match &state.limits {
        Some(l) => router.layer(axum::middleware::from_fn_with_state(
            l.clone(),
            limits::limit,
        )),
        None => router,
    };
    router.layer(axum::extract::DefaultBodyLimit::max(512 * 1024))
}

/// Readiness: the state store answers and trust is loaded (at least one usable country).
async fn readyz(State(s): State<Arc<WebState>>) -> Response {
    if s.draining.load(std::sync::atomic::Ordering::Acquire) {
        // Shutting down: out of the load balancer first, then the listener closes.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({ "draining": true })),
        )
            .into_response();
    }
    let store = tokio::time::timeout(Duration::from_secs(2), s.store.ping())
        .await
        .map_err(|_| "timeout".to_owned())
        .and_then(|r| r.map_err(|e| e.to_string()));
    let trust = s.trust.ready();
    let keys = probe_keys(&s).await;
    let body = serde_json::json!({
        "store": if store.is_ok() { "ok" } else { "unavailable" },
        "trust": if trust { "ok" } else { "not loaded" },
        "keys": if keys.is_ok() { "ok" } else { "unavailable" },
    });
    if let Err(e) = &store {
        tracing::warn!(error = %e, "readiness: state store unavailable");
    }
    if let Err(e) = &keys {
        tracing::warn!(error = %e, "readiness: a private key of ours is unusable");
    }
    let status = if store.is_ok() && trust && keys.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

/// Every private key in force answers (a token key: its token is there, logged in, and holds
/// the key; file keys always do). Off the async workers, bounded to 2 s.
async fn probe_keys(s: &WebState) -> Result<(), String> {
    let sp = s.saml.sp();
    let mut keys: Vec<Arc<dyn crate::keys::PrivateKey>> = vec![sp.signing.pair.key.clone()];
    keys.extend(sp.decryption.iter().map(|k| k.key.clone()));
    keys.extend(
        s.provider
            .keys
            .snapshot()
            .keys()
            .iter()
            .map(|k| k.private_key().clone()),
    );
    let probe = tokio::task::spawn_blocking(move || {
        keys.iter()
            .try_for_each(|k| k.probe().map_err(|e| e.to_string()))
    });
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => Err("the key probe failed".into()),
        Err(_) => Err("timeout".into()),
    }
}

fn static_file(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn style() -> Response {
    static_file(pages::STYLE_CSS, "text/css; charset=utf-8")
}

/// A theme file, or 404 when the theme has none.
fn theme_file(file: Option<(Vec<u8>, &'static str)>) -> Response {
    match file {
        Some((body, content_type)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                // An SVG logo opened on its own may not run anything.
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                    ),
                ),
            ],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn theme_colors() -> Response {
    theme_file(
        theme::current()
            .and_then(|t| t.colors_css.clone())
            .map(|c| (c.into_bytes(), "text/css; charset=utf-8")),
    )
}

async fn theme_stylesheet() -> Response {
    theme_file(
        theme::current()
            .and_then(|t| t.stylesheet.clone())
            .map(|c| (c.into_bytes(), "text/css; charset=utf-8")),
    )
}

async fn theme_logo() -> Response {
    theme_file(theme::current().and_then(|t| t.logo.clone()))
}

async fn filter_script() -> Response {
    static_file(pages::FILTER_JS, "text/javascript; charset=utf-8")
}

async fn wallet_script() -> Response {
    static_file(pages::WALLET_JS, "text/javascript; charset=utf-8")
}

async fn copy_script() -> Response {
    static_file(pages::COPY_JS, "text/javascript; charset=utf-8")
}

async fn script() -> Response {
    static_file(pages::AUTOSUBMIT_JS, "text/javascript; charset=utf-8")
}

async fn not_found(headers: axum::http::HeaderMap) -> Response {
    let locale = i18n::Localizer::new(i18n::Locale::EN).negotiate(None, None, &headers);
    error::AppError::page(
        pages::ErrorKind::NotFound,
        locale,
        error::Cause::msg("no such route"),
    )
    .into_response()
}
