//! HTTP handlers of the simulator. Bodies are read as raw bytes and parsed with
//! `form_urlencoded` (which cannot fail), so no input makes a handler panic. Failures are
//! generic error pages; the private cause is logged as a code, never with personal data.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use eidas_node::identity::LoaLevel;
use time::OffsetDateTime;

use super::connector::{self, Rejection};
use super::i18n::{self, SimTexts};
use super::respond::{self, AnswerChoice, Pending};
use super::{pages, AutoControl, Fault, SimState};
use crate::html::{auto_post_page_in, error_page, page, page_in, PostWords};

/// A picker page is answerable this long.
const PENDING_TTL: Duration = Duration::from_secs(15 * 60);

fn form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(f: &'a [(String, String)], name: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn refuse(country: &str, r: &Rejection) -> Response {
    tracing::warn!(country, reason = r.0, detail = %r.1, "request refused");
    error_page(
        StatusCode::BAD_REQUEST,
        "The authentication request could not be verified. No response was sent.",
    )
}

fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "No such TEST country.")
}

pub(crate) async fn index(State(state): State<SimState>) -> Response {
    page(
        StatusCode::OK,
        "eIDAS simulator (TEST)",
        &pages::index(&state.inner.countries),
    )
}

pub(crate) async fn metadata(State(state): State<SimState>, Path(cc): Path<String>) -> Response {
    let Some(country) = state.country(&cc) else {
        return not_found();
    };
    let entity_id = state.metadata_url(&country.code);
    let sso = state.sso_url(&country.code);
    let rolled = state.rolled_cert(&country.code);
    let flag = state
        .inner
        .requester_id_flag
        .load(std::sync::atomic::Ordering::Relaxed);
    match super::idp_metadata::build_metadata_with(
        country,
        &rolled,
        flag,
        &entity_id,
        &sso,
        OffsetDateTime::now_utc(),
    ) {
        Ok(x) => {
            let mut r = x.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/samlmetadata+xml"),
            );
            r
        }
        Err(e) => {
            tracing::error!(country = %country.code, code = e.code(), "metadata signing failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "Metadata unavailable.")
        }
    }
}

/// `GET /mdsl`: the signed Metadata Service List of every simulated country (404 without a
/// list operator key).
pub(crate) async fn service_list(State(state): State<SimState>) -> Response {
    match state.service_list() {
        None => not_found(),
        Some(Ok(x)) => {
            let mut r = x.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml"),
            );
            r
        }
        Some(Err(e)) => {
            tracing::error!(code = e.code(), "service list signing failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Service list unavailable.",
            )
        }
    }
}

#[tracing::instrument(skip_all, fields(country = %cc))]
pub(crate) async fn sso(
    State(state): State<SimState>,
    Path(cc): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = i18n::negotiate(&headers);
    let Some(country) = state.country(&cc) else {
        return not_found();
    };
    let code = country.code.clone();
    let f = form(&body);
    let Some(saml_request) = field(&f, "SAMLRequest") else {
        return refuse(
            &code,
            &Rejection("request_missing", "no SAMLRequest".into()),
        );
    };
    let (request, connector) = match connector::verify_request(&state, saml_request).await {
        Ok(v) => v,
        Err(r) => return refuse(&code, &r),
    };
    state
        .inner
        .last_requester_id
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(code.to_ascii_uppercase(), request.requester_id.clone());
    // §1: Destination, when present, must be this SSO endpoint.
    if request
        .destination
        .as_deref()
        .is_some_and(|d| d != state.sso_url(&code))
    {
        return refuse(
            &code,
            &Rejection("request_destination", "Destination is not us".into()),
        );
    }
    let pending = Pending {
        country: code.clone(),
        request,
        connector,
        relay_state: field(&f, "RelayState").map(str::to_owned),
    };
    if state.inner.auto {
        let c = state.control();
        let choice = AnswerChoice {
            identity: c.identity,
            loa: c.loa,
            fault: c.fault,
            deny: c.deny,
        };
        return answer(&state, t, &pending, &choice);
    }
    let handle = match eidas_node::saml::authn_request::random_relay_state() {
        Ok(h) => h,
        Err(_) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, "Try again."),
    };
    let body = pages::picker(t, country, &handle, &pending.request, state.control().fault);
    if let Ok(mut p) = state.inner.pending.lock() {
        p.retain(|_, (at, _)| at.elapsed() < PENDING_TTL);
        p.insert(handle, (Instant::now(), pending));
    }
    page_in(t.tag, StatusCode::OK, &country.name, &body)
}

#[tracing::instrument(skip_all, fields(country = %cc))]
pub(crate) async fn respond(
    State(state): State<SimState>,
    Path(cc): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let handle = field(&f, "handle").unwrap_or("");
    // Single use: taken, so a second submit of the same page cannot answer twice.
    let pending = state
        .inner
        .pending
        .lock()
        .ok()
        .and_then(|mut p| p.remove(handle))
        .filter(|(at, _)| at.elapsed() < PENDING_TTL)
        .map(|(_, p)| p);
    let Some(pending) = pending.filter(|p| p.country.eq_ignore_ascii_case(&cc)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This login has expired or was already answered.",
        );
    };
    // A form without the field (a scripted client submitting hidden inputs only) gets the
    // fault `/control` set, as the page preselects it.
    let fault = match field(&f, "fault") {
        None => state.control().fault,
        Some(v) => match Fault::parse_optional(v) {
            Ok(fault) => fault,
            Err(_) => return error_page(StatusCode::BAD_REQUEST, "Unknown fault."),
        },
    };
    let choice = AnswerChoice {
        identity: field(&f, "identity").unwrap_or("").to_owned(),
        loa: field(&f, "loa")
            .and_then(LoaLevel::parse_short)
            .unwrap_or(LoaLevel::Low),
        fault,
        deny: field(&f, "action") == Some("cancel"),
    };
    answer(&state, i18n::negotiate(&headers), &pending, &choice)
}

fn answer(state: &SimState, t: &SimTexts, pending: &Pending, choice: &AnswerChoice) -> Response {
    match respond::build_answer(state, pending, choice) {
        Ok(b64) => {
            tracing::info!(
                country = %pending.country,
                fault = choice.fault.map_or("none", Fault::as_str),
                deny = choice.deny,
                "response sent"
            );
            let mut fields = vec![("SAMLResponse", b64.as_str())];
            if let Some(rs) = &pending.relay_state {
                fields.push(("RelayState", rs.as_str()));
            }
            auto_post_page_in(
                &PostWords {
                    lang: t.tag,
                    title: t.returning,
                    note: t.note,
                    button: t.continue_,
                },
                &pending.connector.acs_url,
                &fields,
            )
        }
        Err(r) => {
            tracing::error!(country = %pending.country, reason = r.0, detail = %r.1, "cannot answer");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The TEST country could not answer.",
            )
        }
    }
}

pub(crate) async fn get_control(State(state): State<SimState>) -> Response {
    Json(state.control()).into_response()
}

/// `POST /control`: form or JSON `{identity, loa, fault, deny}`; missing fields keep their value.
pub(crate) async fn post_control(
    State(state): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let pairs: Vec<(String, String)> = if is_json {
        match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&body) {
            Ok(m) => m
                .into_iter()
                .map(|(k, v)| {
                    let s = match v {
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Null => "none".to_owned(),
                        other => other.to_string(),
                    };
                    (k, s)
                })
                .collect(),
            Err(_) => return control_error("body is not a JSON object"),
        }
    } else {
        form(&body)
    };
    let mut c = state.control();
    for (k, v) in &pairs {
        match k.as_str() {
            "identity" => {
                if super::identities::find(v).is_none() {
                    return control_error("unknown identity");
                }
                c.identity = v.clone();
            }
            "loa" => match LoaLevel::parse_short(v) {
                Some(l) => c.loa = l,
                None => return control_error("loa must be low, substantial or high"),
            },
            "fault" => match Fault::parse_optional(v) {
                Ok(f) => c.fault = f,
                Err(_) => return control_error("unknown fault"),
            },
            // Rotation: publish a fresh response signing key for this country and sign with it.
            "roll_key" => {
                if let Err(e) = state.roll_signing_key(v) {
                    return control_error(&e.0);
                }
            }
            "announce_key" => {
                if let Err(e) = state.announce_signing_key(v) {
                    return control_error(&e.0);
                }
            }
            // As announce_key, with a certificate that expires in three days.
            "announce_expiring_key" => {
                if let Err(e) = state.announce_key_valid_for(v, 3) {
                    return control_error(&e.0);
                }
            }
            // The service list at /mdsl: a rotation step (see `ListMode`).
            "list" => {
                let Some(mode) = super::service_list::ListMode::parse(v) else {
                    return control_error("list must be normal, expired, tampered, sha1 or replay");
                };
                if let Err(e) = state.edit_list(|p| {
                    p.mode = mode;
                    false
                }) {
                    return control_error(&e.0);
                }
            }
            "withdraw" | "restore" => {
                let code = v.to_ascii_uppercase();
                if state.country(&code).is_none() {
                    return control_error("no such country");
                }
                let withdraw = k == "withdraw";
                if let Err(e) = state.edit_list(|p| {
                    if withdraw {
                        p.withdrawn.insert(code)
                    } else {
                        p.withdrawn.remove(&code)
                    }
                }) {
                    return control_error(&e.0);
                }
            }
            "list_extra_territory" => {
                let t = (v != "none" && !v.is_empty()).then(|| v.to_ascii_uppercase());
                if let Err(e) = state.edit_list(|p| {
                    let changed = p.extra_territory != t;
                    p.extra_territory = t;
                    changed
                }) {
                    return control_error(&e.0);
                }
            }
            // Sign the Assertion too (the EU eIDAS-Node's default), from now on.
            "sign_assertion" => match v.as_str() {
                "true" | "1" | "on" => state
                    .inner
                    .sign_assertions
                    .store(true, std::sync::atomic::Ordering::Relaxed),
                "false" | "0" | "off" | "" => state
                    .inner
                    .sign_assertions
                    .store(false, std::sync::atomic::Ordering::Relaxed),
                _ => return control_error("sign_assertion must be true or false"),
            },
            "deny" => match v.as_str() {
                "true" | "1" | "on" => c.deny = true,
                "false" | "0" | "off" | "" => c.deny = false,
                _ => return control_error("deny must be true or false"),
            },
            _ => return control_error("unknown field"),
        }
    }
    state.set_control(c.clone());
    Json::<AutoControl>(c).into_response()
}

fn control_error(msg: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": msg })),
    )
        .into_response()
}
