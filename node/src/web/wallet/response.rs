//! `POST /wallet/response`: the wallet's `direct_post.jwt` answer (OpenID4VP 1.0 §8.2–§8.3).
//! The JWE's `kid` names our request (its encryption key's id is the request id); the request
//! is taken (single use), the answer decrypted with that request's key, its `state` checked, the
//! presentation verified (on the CPU pool) and its revocation status checked; the outcome is
//! parked for the browser, and the wallet is told where to send it (HAIP 1.0 §5.1).

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::pkey::PKey;
use serde::Deserialize;

use super::super::error::correlation_id;
use super::super::flow::{park, Outcome};
use super::super::{WebState, RESUME_PATH};
use super::start::PendingWallet;
use super::{WalletPath, WALLET_RESPONSE_PATH};
use crate::events::LoginEvent;
use crate::identity::{LoginMethod, VerifiedIdentity};
use crate::keys::FileKey;
use crate::store::PendingLoginStore;
use crate::wallet::pid::{Names, Pid};
use crate::wallet::request::{MDOC_QUERY, SD_JWT_QUERY};
use crate::wallet::{mdoc, response, sdjwt, Error, PID_VCT};

#[derive(Debug, Deserialize)]
pub(super) struct ResponseForm {
    response: Option<String>,
}

fn invalid(status: StatusCode, why: &'static str) -> Response {
    tracing::info!(reason = why, "wallet response refused");
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        axum::Json(serde_json::json!({"error": "invalid_request"})),
    )
        .into_response()
}

pub(super) async fn respond(
    State(s): State<Arc<WebState>>,
    form: Result<Form<ResponseForm>, FormRejection>,
) -> Response {
    let Some(w) = s.wallet.clone() else {
        return invalid(StatusCode::NOT_FOUND, "the wallet is not configured");
    };
    let Some(jwe) = form.ok().and_then(|Form(f)| f.response) else {
        return invalid(StatusCode::BAD_REQUEST, "no response parameter");
    };
    // Which request: the key it was encrypted to.
    let Some(id) = response::kid(&jwe) else {
        return invalid(StatusCode::BAD_REQUEST, "no kid naming a request");
    };
    let pending: PendingWallet = match s.store.take_login(&id).await {
        Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
            Ok(p) => p,
            Err(_) => return invalid(StatusCode::BAD_REQUEST, "not a wallet request"),
        },
        Ok(None) => {
            return invalid(
                StatusCode::BAD_REQUEST,
                "unknown, expired or answered request",
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "store unavailable for a wallet response");
            return invalid(StatusCode::SERVICE_UNAVAILABLE, "store unavailable");
        }
    };
    let now_ms = i64::try_from(s.clock.now().unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    if let Some(away) = pending
        .left_at_ms
        .and_then(|t| u64::try_from(now_ms - t).ok())
    {
        s.events.emit(&LoginEvent::Returned {
            method: LoginMethod::Wallet,
            country: None,
            abroad: std::time::Duration::from_millis(away),
        });
    }
    let reference = correlation_id();
    let outcome = match verify(&s, &w, &pending, &id, jwe).await {
        Ok(identity) => {
            tracing::info!(correlation_id = %reference, wallet_request = %id, country = %identity.country, "wallet presentation accepted");
            Outcome::Identity(Box::new(identity))
        }
        Err(Error::Declined(why)) => {
            tracing::info!(correlation_id = %reference, wallet_request = %id, error = %why, "the wallet declined");
            s.events.emit(&LoginEvent::Denied {
                method: LoginMethod::Wallet,
                country: None,
            });
            Outcome::Cancelled { reference }
        }
        Err(e) => {
            tracing::warn!(correlation_id = %reference, wallet_request = %id, error_code = e.code(), error = %e, "wallet presentation not accepted");
            s.events.emit(&LoginEvent::Rejected {
                method: LoginMethod::Wallet,
                country: None,
                code: e.code(),
            });
            Outcome::Rejected { reference }
        }
    };
    let cross = pending.cross;
    let parked = match park(&s, pending.flow, outcome).await {
        // A wallet on another device: the waiting browser collects the handle (`wait::poll`).
        Ok(handle) if cross => s
            .store
            .put_login(
                &super::done_key(&id),
                handle.as_bytes(),
                s.login.pending_ttl,
            )
            .await
            .map(|()| None)
            .map_err(|_| ()),
        Ok(handle) => Ok(Some(handle)),
        Err(_) => Err(()),
    };
    match parked {
        Ok(None) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            axum::Json(serde_json::json!({})),
        )
            .into_response(),
        Ok(Some(handle)) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            axum::Json(serde_json::json!({
                "redirect_uri": format!("{}{RESUME_PATH}?r={handle}", s.provider.config.issuer)
            })),
        )
            .into_response(),
        Err(()) => invalid(
            StatusCode::SERVICE_UNAVAILABLE,
            "outcome could not be parked",
        ),
    }
}

/// Everything an answer must pass, in order: decryption with this request's key and its state
/// (OpenID4VP 1.0 §8.3), the presentation of exactly one PID format (§8.6), its verification
/// (`wallet::sdjwt` or `wallet::mdoc`), the PID's shape and country, its revocation status.
async fn verify(
    s: &WebState,
    w: &Arc<WalletPath>,
    pending: &PendingWallet,
    id: &str,
    jwe: String,
) -> Result<VerifiedIdentity, Error> {
    if !pending.fetched {
        return Err(Error::Malformed("answer to a request never fetched"));
    }
    let der = B64
        .decode(&pending.encryption_key)
        .map_err(|_| Error::Ours("encryption key".into()))?;
    let now = s.clock.now();
    let skew = s.saml.times.skew;
    let (w2, nonce, id2) = (w.clone(), pending.nonce.clone(), id.to_owned());
    let response_uri = format!("{}{WALLET_RESPONSE_PATH}", s.provider.config.issuer);
    let verified = s
        .cpu
        .run(move || -> Result<_, Error> {
            let key = PKey::private_key_from_pkcs8(&der).map_err(|e| Error::Ours(e.to_string()))?;
            let public = PKey::public_key_from_der(
                &key.public_key_to_der()
                    .map_err(|e| Error::Ours(e.to_string()))?,
            )
            .map_err(|e| Error::Ours(e.to_string()))?;
            let key = FileKey::new(key).map_err(|e| Error::Ours(e.to_string()))?;
            let answer = response::open(&jwe, &key, &id2, &id2)?;
            let anchors = w2.anchors();
            let sd = answer.single(SD_JWT_QUERY);
            let md = answer.single(MDOC_QUERY);
            match (sd, md) {
                (Ok(p), Err(Error::MissingPresentation(_))) => {
                    let v = sdjwt::verify(
                        p,
                        &anchors,
                        &sdjwt::Expect {
                            client_id: &w2.client_id,
                            nonce: &nonce,
                            vct: &[PID_VCT],
                            now,
                            skew,
                            kb_max_age: w2.kb_max_age,
                        },
                    )?;
                    let anchor = v.issuer.map(|i| i.anchor);
                    Ok((v.claims, anchor, v.status, Names::SD_JWT))
                }
                (Err(Error::MissingPresentation(_)), Ok(p)) => {
                    let thumbprint = crate::jose::jwe::p256_thumbprint(&public)
                        .map_err(|e| Error::Ours(e.to_string()))?;
                    let v = mdoc::verify(
                        p,
                        &anchors,
                        &mdoc::Expect {
                            client_id: &w2.client_id,
                            nonce: &nonce,
                            jwk_thumbprint: &thumbprint,
                            response_uri: &response_uri,
                            now,
                            skew,
                        },
                    )?;
                    Ok((v.claims, Some(v.issuer.anchor), v.status, Names::MDOC))
                }
                (Err(e), _) | (_, Err(e)) if !matches!(e, Error::MissingPresentation(_)) => Err(e),
                _ => Err(Error::Malformed("exactly one PID presentation")),
            }
        })
        .await
        .map_err(|e| Error::Ours(e.to_string()))??;
    let (claims, anchor, status, names) = verified;
    let provider = anchor
        .as_ref()
        .and_then(|a| w.provider_of(a))
        .ok_or_else(|| Error::UntrustedIssuer("no provider for the anchor".into()))?;
    let pid = Pid::from_claims(&claims, names, &provider.country)?;
    if let Some(r) = &status {
        w.statuses.check(r, &provider.anchors, now).await?;
    }
    pid.into_identity(now)
}
