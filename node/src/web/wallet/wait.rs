//! The wallet page (`GET /wallet/wait`) and its question "has the wallet answered?"
//! (`GET /wallet/poll`): both only for the browser of the flow (its binding cookie), so a
//! cross-device answer's handle reaches no one else, and both single use on that handle.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::super::error::{AppError, Cause};
use super::super::flow::{bad_input, form_action, unavailable, FlowContext};
use super::super::pages::{self, ErrorKind, WalletView};
use super::super::{see_other, WebState, RESUME_PATH};
use super::{done_key, well_formed, WALLET_REQUEST_PATH};
use crate::store::PendingLoginStore;
use crate::wallet::request;

#[derive(Debug, Deserialize)]
pub(super) struct WaitQuery {
    flow: String,
    r: String,
    lang: Option<String>,
}

/// The cross-device answer's resume handle, if the wallet has answered this flow's request
/// (taken: single use; a record of another flow is put back).
async fn answered(
    s: &WebState,
    flow: &str,
    r: &str,
) -> Result<Option<String>, crate::store::Error> {
    let Some(bytes) = s.store.take_login(&done_key(r)).await? else {
        return Ok(None);
    };
    let record = String::from_utf8(bytes).unwrap_or_default();
    match record.split_once(' ') {
        Some((f, handle)) if f == flow => Ok(Some(handle.to_owned())),
        _ => {
            s.store
                .put_login(&done_key(r), record.as_bytes(), s.login.result_ttl)
                .await?;
            Ok(None)
        }
    }
}

/// A QR code of `text` as an inline SVG (no XML declaration; sized by the stylesheet).
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build();
    Some(
        svg.split_once("?>")
            .map_or(svg.clone(), |(_, s)| s.to_owned()),
    )
}

pub(super) async fn page(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    q: Result<Query<WaitQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = q.map_err(|e| bad_input(&s, &headers, e))?;
    let ctx = FlowContext::load(&s, &q.flow, q.lang.as_deref(), &headers).await?;
    let locale = ctx.locale;
    let gone = || {
        AppError::page(
            ErrorKind::Expired,
            locale,
            Cause::msg("wallet request unknown, expired or answered"),
        )
    };
    let w = s.wallet().ok_or_else(gone)?;
    if !well_formed(&q.r) {
        return Err(gone());
    }
    // Answered from another device: continue.
    if let Some(handle) = answered(&s, &q.flow, &q.r)
        .await
        .map_err(|e| unavailable(locale, e))?
    {
        return see_other(&format!("{RESUME_PATH}?r={handle}"));
    }
    let open = s
        .store
        .login_pending(&super::record_key(&q.r))
        .await
        .map_err(|e| unavailable(locale, e))?;
    if !open {
        return Err(gone());
    }
    let base = format!("{}{WALLET_REQUEST_PATH}/{}", s.provider.config.issuer, q.r);
    let same = request::invocation(&w.scheme, &w.client_id, &base);
    let cross = request::invocation(&w.scheme, &w.client_id, &format!("{base}/cross"));
    let svg = qr_svg(&cross).ok_or_else(|| {
        AppError::page(
            ErrorKind::Unavailable,
            locale,
            Cause::msg("the QR code could not be made"),
        )
    })?;
    let html = pages::wallet_page(
        locale,
        WalletView {
            same_device: &same,
            cross_device: &cross,
            qr_svg: &svg,
            flow: &q.flow,
            request: &q.r,
        },
    );
    Ok(pages::html_response(
        StatusCode::OK,
        html,
        &form_action(&ctx.request.redirect_uri),
    ))
}

/// `GET /wallet/poll`: `{"next": "/resume?r=…"}` once a wallet on another device has answered,
/// 202 while the request is open, `{"next": <the wallet page>}` when it is gone (which then
/// says so).
pub(super) async fn poll(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    q: Result<Query<WaitQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = q.map_err(|e| bad_input(&s, &headers, e))?;
    let ctx = FlowContext::load(&s, &q.flow, None, &headers).await?;
    let locale = ctx.locale;
    if !well_formed(&q.r) {
        return Err(bad_input(&s, &headers, std::fmt::Error));
    }
    let json = |v: serde_json::Value| axum::Json(v).into_response();
    if let Some(handle) = answered(&s, &q.flow, &q.r)
        .await
        .map_err(|e| unavailable(locale, e))?
    {
        return Ok(json(
            serde_json::json!({"next": format!("{RESUME_PATH}?r={handle}")}),
        ));
    }
    let open = s
        .store
        .login_pending(&super::record_key(&q.r))
        .await
        .map_err(|e| unavailable(locale, e))?;
    if open {
        return Ok((StatusCode::ACCEPTED, "").into_response());
    }
    // Gone (answered on this device, expired): the wallet page says what happened.
    Ok(json(serde_json::json!({"next": format!(
        "{}?flow={}&r={}",
        super::WALLET_WAIT_PATH,
        url::form_urlencoded::byte_serialize(q.flow.as_bytes()).collect::<String>(),
        q.r
    )})))
}
