//! HTTP layer (axum): the OIDC endpoints, the citizen's login pages (country selection, the SAML
//! POST form, errors), the SAML ACS and metadata, the resume step, health and readiness.
//!
//! Owns: routing, extracting parameters and headers, cookies, page rendering, and turning `oidc`,
//! `saml` and `store` results into responses through the single mapping point
//! [`error::AppError`]. Must not: validate protocol rules (that is `oidc`'s and `saml`'s job) or log
//! tokens, codes, secrets, SAML messages or personal data.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use time::OffsetDateTime;

use crate::clock::Clock;
use crate::oidc::Provider;
use crate::saml::sp::ServiceProvider;
use crate::saml::sp_metadata::MetadataInfo;
use crate::store::SealedStore;
use crate::trust::TrustStore;

mod acs;
pub mod binding;
pub mod error;
pub mod i18n;
mod login;
mod oidc;
pub mod pages;

pub use self::oidc::{oidc_router, see_other, OidcState};

pub const LOGIN_PATH: &str = "/login";
pub const CANCEL_PATH: &str = "/login/cancel";
pub const RESUME_PATH: &str = "/resume";
pub const SAML_METADATA_PATH: &str = "/saml/metadata";
pub const SAML_ACS_PATH: &str = "/saml/acs";

/// Settings of the login step.
#[derive(Debug, Clone)]
pub struct LoginSettings {
    /// Allowed clock difference with Proxy-Services (eidas-requirements §2 time checks).
    pub skew: time::Duration,
    /// How old a response's IssueInstant may be, plus `skew` (§2 steps 3, 7).
    pub max_response_age: time::Duration,
    /// How long a citizen may take abroad (RelayState lifetime).
    pub pending_ttl: Duration,
    /// Between the ACS and the resume step: one redirect.
    pub result_ttl: Duration,
    pub default_locale: i18n::Locale,
    /// `Secure` cookies (the public URL is https).
    pub secure_cookies: bool,
}

/// What the gateway's handlers share.
pub struct WebState {
    pub provider: Arc<Provider>,
    pub sp: Arc<ServiceProvider>,
    pub metadata_info: MetadataInfo,
    pub trust: Arc<TrustStore>,
    pub store: Arc<SealedStore>,
    pub clock: Arc<dyn Clock>,
    pub login: LoginSettings,
    /// Where response validation runs (off the async workers, bounded).
    pub cpu: crate::cpu::CpuPool,
    metadata_cache: Mutex<Option<(OffsetDateTime, Arc<String>)>>,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebState")
    }
}

impl WebState {
    pub fn new(
        provider: Arc<Provider>,
        sp: Arc<ServiceProvider>,
        metadata_info: MetadataInfo,
        trust: Arc<TrustStore>,
        store: Arc<SealedStore>,
        clock: Arc<dyn Clock>,
        login: LoginSettings,
    ) -> Self {
        WebState {
            provider,
            sp,
            metadata_info,
            trust,
            store,
            clock,
            login,
            cpu: crate::cpu::CpuPool::for_this_machine(),
            metadata_cache: Mutex::new(None),
        }
    }

    /// Our signed metadata, re-signed when a tenth of its validity has passed (so that what we
    /// serve is always valid for at least 90% of `validUntil`).
    fn metadata(&self) -> Result<Arc<String>, crate::saml::Error> {
        let now = self.clock.now();
        let mut cache = self
            .metadata_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((at, doc)) = cache.as_ref() {
            if now - *at < self.metadata_info.validity / 10 && now >= *at {
                return Ok(doc.clone());
            }
        }
        let doc = Arc::new(crate::saml::sp_metadata::build(
            &self.sp,
            &self.metadata_info,
            now,
        )?);
        *cache = Some((now, doc.clone()));
        Ok(doc)
    }
}

/// The whole gateway.
pub fn router(state: Arc<WebState>) -> Router {
    let gateway = Router::new()
        .route(LOGIN_PATH, get(login::choose).post(login::chosen))
        .route(CANCEL_PATH, post(login::cancel))
        .route(SAML_ACS_PATH, post(acs::consume))
        .route(RESUME_PATH, get(acs::resume))
        .route(SAML_METADATA_PATH, get(saml_metadata))
        .route("/readyz", get(readyz))
        .with_state(state.clone());
    Router::new()
        .merge(oidc_router(state.provider.clone()))
        .merge(gateway)
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/style.css", get(style))
        .route("/static/autosubmit.js", get(script))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(512 * 1024))
}

async fn saml_metadata(State(s): State<Arc<WebState>>) -> Response {
    match s.metadata() {
        Ok(doc) => {
            let mut r = (*doc).clone().into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/samlmetadata+xml"),
            );
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "building our metadata failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Readiness: the state store answers and trust is loaded (at least one usable country).
async fn readyz(State(s): State<Arc<WebState>>) -> Response {
    let store = tokio::time::timeout(Duration::from_secs(2), s.store.ping())
        .await
        .map_err(|_| "timeout".to_owned())
        .and_then(|r| r.map_err(|e| e.to_string()));
    let trust = s.trust.ready();
    let body = serde_json::json!({
        "store": if store.is_ok() { "ok" } else { "unavailable" },
        "trust": if trust { "ok" } else { "not loaded" },
    });
    if let Err(e) = &store {
        tracing::warn!(error = %e, "readiness: state store unavailable");
    }
    let status = if store.is_ok() && trust {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
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

async fn script() -> Response {
    static_file(pages::AUTOSUBMIT_JS, "text/javascript; charset=utf-8")
}

async fn not_found(headers: axum::http::HeaderMap) -> Response {
    let locale = login::negotiate(None, None, &headers, i18n::Locale::En);
    error::AppError::page(
        pages::ErrorKind::NotFound,
        locale,
        error::Cause::msg("no such route"),
    )
    .into_response()
}
