//! `GET /wallet/request/{id}`: the signed request object (OpenID4VP 1.0 §5.10, RFC 9101), for
//! the wallet to fetch once.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::pkey::PKey;

use super::super::WebState;
use super::start::PendingWallet;
use super::WALLET_RESPONSE_PATH;
use crate::store::PendingLoginStore;
use crate::wallet::request::{self, Request};

fn refuse(status: StatusCode, why: &'static str) -> Response {
    tracing::info!(reason = why, "wallet request object refused");
    (
        status,
        axum::Json(serde_json::json!({"error": "invalid_request"})),
    )
        .into_response()
}

pub(super) async fn same_device(state: State<Arc<WebState>>, id: Path<String>) -> Response {
    request_object(state, id, false).await
}

/// From the QR code: a wallet on another device.
pub(super) async fn cross_device(state: State<Arc<WebState>>, id: Path<String>) -> Response {
    request_object(state, id, true).await
}

async fn request_object(
    State(s): State<Arc<WebState>>,
    Path(id): Path<String>,
    cross: bool,
) -> Response {
    let Some(w) = s.wallet() else {
        return refuse(StatusCode::NOT_FOUND, "the wallet is not configured");
    };
    if !super::well_formed(&id) {
        return refuse(StatusCode::NOT_FOUND, "malformed request id");
    }
    // Taken and put back marked as fetched: a second fetch finds it fetched and is refused.
    let mut pending: PendingWallet = match s.store.take_login(&super::record_key(&id)).await {
        Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
            Ok(p) => p,
            Err(_) => return refuse(StatusCode::NOT_FOUND, "not a wallet request"),
        },
        Ok(None) => {
            return refuse(
                StatusCode::NOT_FOUND,
                "unknown, expired or finished request",
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "store unavailable for a wallet request object");
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "store unavailable");
        }
    };
    if pending.fetched {
        // Put back untouched: a second fetch must not cancel the wallet's answer.
        super::put_back(&s, &id, &pending).await;
        return refuse(StatusCode::BAD_REQUEST, "request object already fetched");
    }
    pending.fetched = true;
    pending.cross = cross;
    let claims = pending.claims();
    if !super::put_back(&s, &id, &pending).await {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "request expired or store unavailable",
        );
    }
    let public = B64
        .decode(&pending.encryption_key)
        .ok()
        .and_then(|der| PKey::private_key_from_pkcs8(&der).ok())
        .and_then(|k| k.public_key_to_der().ok())
        .and_then(|der| PKey::public_key_from_der(&der).ok());
    let Some(public) = public else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "encryption key");
    };
    let response_uri = format!("{}{WALLET_RESPONSE_PATH}", s.provider.config.issuer);
    let providers = w.providers.snapshot(s.clock.now());
    let jar = request::request_object(
        &Request {
            client_id: &w.client_id,
            response_uri: &response_uri,
            nonce: &pending.nonce,
            state: &id,
            claims: &claims,
            authority_key_ids: &providers.authority_key_ids,
            encryption_key: &public,
            encryption_kid: &id,
            iat: s.clock.now().unix_timestamp(),
        },
        w.key.as_ref(),
        &w.chain,
    );
    match jar {
        Ok(jar) => {
            tracing::info!(wallet_request = %id, "wallet fetched the request object");
            let mut r = jar.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/oauth-authz-req+jwt"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "request object could not be signed");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "signing")
        }
    }
}
