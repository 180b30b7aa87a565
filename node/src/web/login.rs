//! The login step before the citizen leaves: country selection (unless pre-selected), then the
//! signed AuthnRequest as an auto-submitting HTTP-POST form; or cancel back to the e-service.

use std::sync::Arc;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::binding;
use super::error::{AppError, Cause};
use super::i18n::Locale;
use super::pages::{self, ErrorKind};
use super::{see_other, WebState};
use crate::oidc::{AuthorizationRequest, Client, ErrorCode};
use crate::saml::authn_request::{self, RequestOptions, RequestedAuthn};
use crate::store::PendingAuthnStore;
use crate::trust::{can_serve, Offer};

/// What the login step keeps under the RelayState while the citizen is abroad.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PendingLogin {
    pub flow_id: String,
    /// [`binding::fingerprint`] of the browser id that started the flow.
    pub browser: String,
    pub requested: RequestedAuthn,
    pub locale: Locale,
}

/// The citizen's language: explicit choice, then `ui_locales`, then `Accept-Language`.
pub fn negotiate(
    explicit: Option<&str>,
    ui_locales: Option<&[&str]>,
    headers: &HeaderMap,
    default: Locale,
) -> Locale {
    explicit
        .and_then(Locale::parse)
        .or_else(|| ui_locales.and_then(|u| Locale::from_ui_locales(u.iter().copied())))
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or(default)
}

fn request_locale(
    s: &WebState,
    explicit: Option<&str>,
    req: Option<&AuthorizationRequest>,
    headers: &HeaderMap,
) -> Locale {
    let ui: Option<Vec<&str>> = req.map(|r| r.ui_locales.iter().map(String::as_str).collect());
    negotiate(explicit, ui.as_deref(), headers, s.login.default_locale)
}

/// A missing or malformed parameter: a page, not axum's plain-text rejection.
pub(super) fn bad_input(
    s: &WebState,
    headers: &HeaderMap,
    e: impl std::error::Error + Send + Sync + 'static,
) -> AppError {
    let locale = request_locale(s, None, None, headers);
    AppError::page(ErrorKind::BadRequest, locale, Cause::new(e))
}

#[derive(Debug, Deserialize)]
pub(super) struct FlowQuery {
    flow: String,
    lang: Option<String>,
}

/// Loads the parked authorization, its client and the browser id; any failure is a page.
async fn flow_context<'s>(
    s: &'s WebState,
    flow: &str,
    lang: Option<&str>,
    headers: &HeaderMap,
) -> Result<(AuthorizationRequest, &'s Client, String, Locale), AppError> {
    let fallback = request_locale(s, lang, None, headers);
    let req = s
        .provider
        .pending_authorization(flow)
        .await
        .map_err(|e| AppError::oidc_page(e, fallback))?;
    let locale = request_locale(s, lang, Some(&req), headers);
    let client = s.provider.clients.get(&req.client_id).ok_or_else(|| {
        AppError::page(
            ErrorKind::BadRequest,
            locale,
            Cause::msg("client of a pending flow is no longer configured"),
        )
    })?;
    // Only the browser that called /authorize may continue (or cancel) its flow: a leaked flow id
    // must not let another browser run the login and hand the result back (session swapping).
    let browser = binding::browser_id(headers, s.login.secure_cookies)
        .filter(|id| req.agent_binding.as_deref() == Some(binding::fingerprint(id).as_str()))
        .ok_or_else(|| {
            AppError::page(
                ErrorKind::OtherBrowser,
                locale,
                Cause::msg("login step reached without the browser that started the flow"),
            )
        })?;
    Ok((req, client, browser, locale))
}

fn offers(s: &WebState, req: &AuthorizationRequest, client: &Client, locale: Locale) -> Vec<Offer> {
    s.trust.offers(
        |cc| client.allowed_countries.contains(cc),
        req.min_loa,
        req.person_type,
        locale.tag(),
    )
}

/// Origins a form on our pages may post to (CSP `form-action`; it also governs the redirect
/// that follows the post, so the client's redirect_uri origin is included for cancel).
fn form_action(redirect_uri: &str) -> String {
    match url::Url::parse(redirect_uri) {
        Ok(u) if u.origin().is_tuple() => format!("'self' {}", u.origin().ascii_serialization()),
        // A custom-scheme redirect_uri (native app) has no tuple origin: allow its scheme.
        Ok(u) => format!("'self' {}:", u.scheme()),
        Err(_) => "'self'".into(),
    }
}

/// `GET /login?flow=…`: the country page, or straight on when the client pre-selected one.
pub(super) async fn choose(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = q.map_err(|e| bad_input(&s, &headers, e))?;
    let (req, client, browser, locale) =
        flow_context(&s, &q.flow, q.lang.as_deref(), &headers).await?;
    if let Some(cc) = req.country.clone() {
        return start(&s, &q.flow, &req, client, &cc, &browser, locale).await;
    }
    let offers = offers(&s, &req, client, locale);
    if offers.is_empty() {
        tracing::warn!(client_id = %client.client_id, min_loa = ?req.min_loa, "no country can serve the request");
    }
    let html = pages::choose_country(locale, &q.flow, &client.display_name, &offers);
    Ok(pages::html_response(
        StatusCode::OK,
        html,
        &form_action(&req.redirect_uri),
    ))
}

#[derive(Debug, Deserialize)]
pub(super) struct ChosenForm {
    flow: String,
    country: String,
    lang: Option<String>,
}

/// `POST /login`: the citizen chose a country.
pub(super) async fn chosen(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    f: Result<Form<ChosenForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(f) = f.map_err(|e| bad_input(&s, &headers, e))?;
    let (req, client, browser, locale) =
        flow_context(&s, &f.flow, f.lang.as_deref(), &headers).await?;
    // A country pre-selected by the client cannot be swapped; otherwise only what the page
    // offered may be chosen (eidas-requirements §5).
    if req.country.as_ref().is_some_and(|cc| *cc != f.country)
        || !offers(&s, &req, client, locale)
            .iter()
            .any(|o| o.code == f.country)
    {
        return Err(AppError::page(
            ErrorKind::CountryUnavailable,
            locale,
            Cause::msg("chosen country is not offered for this request"),
        ));
    }
    start(&s, &f.flow, &req, client, &f.country, &browser, locale).await
}

/// Builds and signs the AuthnRequest, parks it under a fresh RelayState, and answers the
/// auto-submitting POST form to the Proxy-Service.
async fn start(
    s: &WebState,
    flow: &str,
    req: &AuthorizationRequest,
    client: &Client,
    country: &str,
    browser: &str,
    locale: Locale,
) -> Result<Response, AppError> {
    let min_loa = s
        .trust
        .source(country)
        .map_or(req.min_loa, |src| src.effective_loa(req.min_loa));
    let service = s
        .trust
        .service(country)
        .filter(|ps| can_serve(ps, min_loa, req.person_type));
    let Some(ps) = service else {
        tracing::warn!(country, "requested country has no usable verified metadata");
        if req.country.is_some() {
            // The client pre-selected it: tell the client rather than strand the citizen.
            let location = s
                .provider
                .fail_authorization(
                    flow,
                    ErrorCode::TemporarilyUnavailable,
                    "the requested country is not available at the moment",
                )
                .await
                .map_err(|e| AppError::oidc_page(e, locale))?;
            return see_other(&location);
        }
        return Err(AppError::page(
            ErrorKind::CountryUnavailable,
            locale,
            Cause::msg("country has no usable verified metadata"),
        ));
    };
    let mut identity_request = req.identity_request(client, country);
    identity_request.min_loa = min_loa;
    let built = authn_request::build(
        &s.sp,
        &ps,
        &identity_request,
        RequestOptions::default(),
        s.clock.now(),
    )
    .map_err(|e| AppError::page(ErrorKind::Unavailable, locale, Cause::new(e)))?;
    let pending = PendingLogin {
        flow_id: flow.to_owned(),
        browser: binding::fingerprint(browser),
        requested: built.requested,
        locale,
    };
    let bytes = serde_json::to_vec(&pending)
        .map_err(|e| AppError::page(ErrorKind::Unavailable, locale, Cause::new(e)))?;
    s.store
        .put_authn(&built.form.relay_state, &bytes, s.login.pending_ttl)
        .await
        .map_err(|e| AppError::page(ErrorKind::Unavailable, locale, Cause::new(e)))?;
    // eidas-requirements §7.1 / IA §7.1: node, message ID and time, no personal data.
    tracing::info!(country, idp = %ps.entity_id, authn_request_id = %pending.requested.request_id, client_id = %client.client_id, "AuthnRequest sent");
    let html = pages::post_form(
        locale,
        &built.form.action,
        &[
            ("SAMLRequest", &built.form.saml_request),
            ("RelayState", &built.form.relay_state),
        ],
    );
    // The Proxy-Service's origin, and any https origin it may redirect the POST to (CSP
    // form-action also governs redirects after the submission).
    let origin = url::Url::parse(&built.form.action)
        .map(|u| format!("{} https:", u.origin().ascii_serialization()))
        .unwrap_or_else(|_| "'none'".into());
    Ok(pages::html_response(StatusCode::OK, html, &origin))
}

#[derive(Debug, Deserialize)]
pub(super) struct CancelForm {
    flow: String,
}

/// `POST /login/cancel`: back to the e-service with `access_denied` and its `state`.
pub(super) async fn cancel(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    f: Result<Form<CancelForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(f) = f.map_err(|e| bad_input(&s, &headers, e))?;
    let (_, _, _, locale) = flow_context(&s, &f.flow, None, &headers).await?;
    let location = s
        .provider
        .fail_authorization(
            &f.flow,
            ErrorCode::AccessDenied,
            "the citizen cancelled the login",
        )
        .await
        .map_err(|e| AppError::oidc_page(e, locale))?;
    see_other(&location)
}
