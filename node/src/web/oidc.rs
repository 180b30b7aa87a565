//! Handlers for discovery, JWKS, authorize, token and userinfo.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::binding;
use super::error::{AppError, Cause};
use super::i18n::{Locale, Localizer};
use super::pages::ErrorKind;
use crate::oidc::{
    AuthorizeOutcome, Provider, AUTHORIZE_PATH, DISCOVERY_PATH, JWKS_PATH, PAR_PATH, TOKEN_PATH,
    USERINFO_PATH,
};

/// What the OIDC handlers need: the provider (config, clients, keys, stores, clock).
pub type OidcState = Arc<Provider>;

/// The OIDC endpoints, ready to be merged into the gateway's router. The login step
/// (`/login?flow=…`) is not part of it: the gateway provides it.
pub fn oidc_router(state: OidcState) -> Router {
    Router::new()
        .route(DISCOVERY_PATH, get(discovery))
        .route(JWKS_PATH, get(jwks))
        .route(AUTHORIZE_PATH, get(authorize_get).post(authorize_post))
        .route(TOKEN_PATH, axum::routing::post(token))
        .route(PAR_PATH, axum::routing::post(par))
        .route(USERINFO_PATH, get(userinfo_get).post(userinfo_post))
        .with_state(state)
}

/// Form or query pairs. Never fails: undecodable bytes become U+FFFD and then fail validation.
fn pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw)
        .into_owned()
        .take(64)
        .collect()
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn discovery(State(p): State<OidcState>) -> Response {
    let mut r = Json(p.discovery_document()).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

async fn jwks(State(p): State<OidcState>) -> Response {
    let mut r = Json(p.jwks_document()).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    r
}

async fn authorize_get(
    State(p): State<OidcState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    authorize(&p, &headers, pairs(q.unwrap_or_default().as_bytes())).await
}

async fn authorize_post(
    State(p): State<OidcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    authorize(&p, &headers, pairs(&body)).await
}

/// On to the login step with the browser-binding cookie set (see [`super::binding`]); errors
/// before the redirect_uri is trusted become a page in the citizen's language.
async fn authorize(
    p: &Provider,
    headers: &HeaderMap,
    params: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let ui_locales = params
        .iter()
        .find(|(k, _)| k == "ui_locales")
        .map(|(_, v)| v.as_str());
    let locale = Localizer::new(Locale::EN).negotiate(
        None,
        ui_locales
            .map(|u| u.split(' ').collect::<Vec<_>>())
            .as_deref(),
        headers,
    );
    // The browser id exists before the flow does, so the flow is bound to it from the start.
    let secure = p.config.issuer.starts_with("https://");
    let id = binding::browser_id(headers, secure)
        .or_else(binding::new_browser_id)
        .ok_or_else(|| {
            AppError::page(ErrorKind::Unavailable, locale, Cause::msg("CSPRNG failed"))
        })?;
    match p
        .authorize_bound(&params, Some(binding::fingerprint(&id)))
        .await
        .map_err(|e| AppError::oidc_page(e, locale))?
    {
        AuthorizeOutcome::Login { location, .. } => {
            let mut r = see_other(&location)?;
            binding::set_cookie(&mut r, &id, secure);
            Ok(r)
        }
        AuthorizeOutcome::Redirect { location } => see_other(&location),
    }
}

/// 303 See Other. Unlike `axum::response::Redirect::to`, never panics on a location that is not a
/// valid header value (ours are serialized by `url` and cannot be, but this is client-influenced).
pub fn see_other(location: &str) -> Result<Response, AppError> {
    let value = HeaderValue::from_str(location).map_err(|_| {
        AppError::page(
            ErrorKind::BadRequest,
            Locale::EN,
            Cause::msg("redirect location is not a valid header value"),
        )
    })?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response())
}

/// A client-authenticated JSON endpoint's answer (`/token`, `/par`): `status` with the body, never
/// cached (RFC 6749 §5.1, RFC 9126 §2.2), or the RFC 6749 §5.2 error.
fn client_json<T: serde::Serialize>(
    result: Result<T, crate::oidc::Error>,
    status: StatusCode,
    authorization: Option<&str>,
) -> Result<Response, AppError> {
    let body = result.map_err(|error| AppError::Api {
        error,
        basic_auth: authorization.is_some(),
    })?;
    let mut r = (status, Json(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(r)
}

async fn token(
    State(p): State<OidcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let authorization = header_str(&headers, header::AUTHORIZATION);
    let result = p.token(&pairs(&body), authorization).await;
    client_json(result, StatusCode::OK, authorization)
}

/// `POST /par` (RFC 9126 §2): 201 with the `request_uri`, or an RFC 6749 §5.2 JSON error.
async fn par(
    State(p): State<OidcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let authorization = header_str(&headers, header::AUTHORIZATION);
    let result = p
        .push_authorization_request(&pairs(&body), authorization)
        .await;
    client_json(result, StatusCode::CREATED, authorization)
}

async fn userinfo_get(
    State(p): State<OidcState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    userinfo(&p, &headers, None).await
}

/// RFC 6750 §2.2: a form-encoded body may carry `access_token` instead of the header.
async fn userinfo_post(
    State(p): State<OidcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = header_str(&headers, header::CONTENT_TYPE).is_some_and(|c| {
        c.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    let params = if form { pairs(&body) } else { Vec::new() };
    let mut tokens = params.iter().filter(|(k, _)| k == "access_token");
    let token = match (tokens.next(), tokens.next()) {
        (_, Some(_)) => {
            return Err(AppError::Bearer(crate::oidc::Error::RepeatedParameter {
                param: "access_token".into(),
            }))
        }
        (one, None) => one.map(|(_, v)| v.as_str()),
    };
    userinfo(&p, &headers, token).await
}

async fn userinfo(
    p: &Provider,
    headers: &HeaderMap,
    body_token: Option<&str>,
) -> Result<Response, AppError> {
    let claims = p
        .userinfo(header_str(headers, header::AUTHORIZATION), body_token)
        .await
        .map_err(AppError::Bearer)?;
    let mut r = Json(claims).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
