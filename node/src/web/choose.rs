//! The choice page (`GET /login`, `POST /login`): how the citizen will prove who they are: the
//! EU Digital Identity Wallet (first, when the client allows it and `[wallet]` is configured) or
//! their country's eIDAS node (the countries that can serve the request). The page is skipped
//! when the client pre-selected a country or the wallet. A choice is dispatched to its way in
//! ([`Choice`]), which starts from the neutral [`FlowContext`].

use std::sync::Arc;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::{AppError, Cause};
use super::flow::{bad_input, form_action, FlowContext};
use super::pages::{self, ErrorKind};
use super::{saml, wallet, WebState};
use crate::trust::Offer;

/// What the citizen may choose: a country (eIDAS) or the wallet; each way in is a module.
enum Choice {
    Country(String),
    Wallet,
}

async fn start(s: &WebState, ctx: &FlowContext<'_>, choice: Choice) -> Result<Response, AppError> {
    match choice {
        Choice::Country(cc) => saml::start(s, ctx, &cc).await,
        Choice::Wallet => wallet::start(s, ctx).await,
    }
}

/// Whether this login may use the wallet: configured, allowed to the client, a natural person,
/// and a PID provider in force for one of the client's countries (as a country whose metadata
/// failed is not offered, a wallet whose PIDs would all be refused is not either).
fn wallet_offered(s: &WebState, ctx: &FlowContext) -> bool {
    ctx.client.wallet
        && ctx.request.person_type == crate::identity::PersonType::NaturalPerson
        && s.wallet().is_some_and(|w| {
            w.providers
                .snapshot(s.clock.now())
                .all
                .iter()
                .any(|p| ctx.client.allowed_countries.contains(&p.country))
        })
}

fn offers(s: &WebState, ctx: &FlowContext) -> Vec<Offer> {
    s.trust.offers(
        |cc| ctx.client.allowed_countries.contains(cc),
        ctx.request.min_loa,
        ctx.request.person_type,
        ctx.locale.tag(),
    )
}

#[derive(Debug, Deserialize)]
pub(super) struct FlowQuery {
    flow: String,
    lang: Option<String>,
    /// The country filter (a GET form on the page).
    q: Option<String>,
}

/// The cookie remembering the citizen's country on this device, set only when they tick the
/// consent box on the country page, removed by "Forget my country". Its value is a country
/// code, nothing personal; it lives a year.
const COUNTRY_COOKIE: &str = "eidas_country";

/// The remembered country code, if the cookie is present and well-formed.
fn remembered_country(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COUNTRY_COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()))
}

fn country_cookie(value: Option<&str>, secure: bool) -> Option<axum::http::HeaderValue> {
    let cookie = match value {
        Some(cc) => format!(
            "{COUNTRY_COOKIE}={cc}; Path={}; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
            super::LOGIN_PATH,
            if secure { "; Secure" } else { "" }
        ),
        None => format!(
            "{COUNTRY_COOKIE}=; Path={}; Max-Age=0; HttpOnly; SameSite=Lax{}",
            super::LOGIN_PATH,
            if secure { "; Secure" } else { "" }
        ),
    };
    axum::http::HeaderValue::from_str(&cookie).ok()
}

/// `GET /login?flow=…`: the choice page, or straight on when the client pre-selected a country.
pub(super) async fn choose(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = q.map_err(|e| bad_input(&s, &headers, e))?;
    let ctx = FlowContext::load(&s, &q.flow, q.lang.as_deref(), &headers).await?;
    if let Some(cc) = ctx.request.country.clone() {
        return start(&s, &ctx, Choice::Country(cc)).await;
    }
    if ctx.request.wallet && wallet_offered(&s, &ctx) {
        return start(&s, &ctx, Choice::Wallet).await;
    }
    let mut offers = offers(&s, &ctx);
    for o in &mut offers {
        o.degraded = s.health.degraded(&o.code);
    }
    if offers.is_empty() {
        tracing::warn!(client_id = %ctx.client.client_id, min_loa = ?ctx.request.min_loa, "no country can serve the request");
    }
    // The remembered country, if this request can use it, comes first.
    let remembered = remembered_country(&headers)
        .and_then(|cc| offers.iter().position(|o| o.code == cc))
        .map(|i| {
            let o = offers.remove(i);
            offers.insert(0, o.clone());
            o
        });
    let query =
        q.q.as_deref()
            .map(|q| q.chars().take(64).collect::<String>());
    if let Some(query) = query.as_deref() {
        offers.retain(|o| crate::country_names::matches(&o.name, &o.code, query));
    }
    let html = pages::choose_country(
        ctx.locale,
        &q.flow,
        &ctx.client.display_name,
        &offers,
        pages::ChoiceView {
            query: query.as_deref(),
            remembered: remembered.as_ref(),
            wallet: wallet_offered(&s, &ctx),
        },
    );
    Ok(pages::html_response(
        StatusCode::OK,
        html,
        &form_action(&ctx.request.redirect_uri),
    ))
}

#[derive(Debug, Deserialize)]
pub(super) struct ChosenForm {
    flow: String,
    /// A country; or, instead, `way` = `wallet`.
    country: Option<String>,
    way: Option<String>,
    lang: Option<String>,
    /// `1`: the citizen consented to remembering the country on this device.
    remember: Option<String>,
}

/// `POST /login`: the citizen chose.
pub(super) async fn chosen(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    f: Result<Form<ChosenForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(f) = f.map_err(|e| bad_input(&s, &headers, e))?;
    let ctx = FlowContext::load(&s, &f.flow, f.lang.as_deref(), &headers).await?;
    if f.way.as_deref() == Some("wallet") {
        if ctx.request.country.is_some() || !wallet_offered(&s, &ctx) {
            return Err(AppError::page(
                ErrorKind::CountryUnavailable,
                ctx.locale,
                Cause::msg("the wallet is not offered for this request"),
            )
            .with_back(&f.flow, form_action(&ctx.request.redirect_uri)));
        }
        return start(&s, &ctx, Choice::Wallet)
            .await
            .map_err(|e| e.with_back(&f.flow, form_action(&ctx.request.redirect_uri)));
    }
    let country = f.country.clone().unwrap_or_default();
    // A country pre-selected by the client cannot be swapped; otherwise only what the page
    // offered may be chosen (eidas-requirements §5).
    if ctx
        .request
        .country
        .as_ref()
        .is_some_and(|cc| *cc != country)
        || !offers(&s, &ctx).iter().any(|o| o.code == country)
    {
        return Err(AppError::page(
            ErrorKind::CountryUnavailable,
            ctx.locale,
            Cause::msg("chosen country is not offered for this request"),
        )
        .with_back(&f.flow, form_action(&ctx.request.redirect_uri)));
    }
    let remember = f.remember.as_deref() == Some("1");
    let cc = country.clone();
    // A failure here (our keys, the store) leaves the login intact: offer the way back.
    let mut response = start(&s, &ctx, Choice::Country(country))
        .await
        .map_err(|e| e.with_back(&f.flow, form_action(&ctx.request.redirect_uri)))?;
    if remember {
        if let Some(v) = country_cookie(Some(&cc), s.login.secure_cookies) {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub(super) struct ForgetForm {
    flow: String,
    lang: Option<String>,
}

/// `POST /login/forget`: the remembered country is removed; back to the country page.
pub(super) async fn forget(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    f: Result<Form<ForgetForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(f) = f.map_err(|e| bad_input(&s, &headers, e))?;
    // Only for a flow of this browser (the same checks as the page itself).
    let ctx = FlowContext::load(&s, &f.flow, f.lang.as_deref(), &headers).await?;
    let location = format!(
        "{}?flow={}&lang={}",
        super::LOGIN_PATH,
        url::form_urlencoded::byte_serialize(f.flow.as_bytes()).collect::<String>(),
        ctx.locale.tag()
    );
    let mut response = axum::response::Redirect::to(&location).into_response();
    if let Some(v) = country_cookie(None, s.login.secure_cookies) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, v);
    }
    Ok(response)
}
