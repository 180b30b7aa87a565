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
    /// OpenID4VP 1.0 §8.3.1: a wallet that cannot encrypt may send its error in the clear.
    error: Option<String>,
    state: Option<String>,
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
    let Some(w) = s.wallet() else {
        return invalid(StatusCode::NOT_FOUND, "the wallet is not configured");
    };
    let Some(Form(f)) = form.ok() else {
        return invalid(StatusCode::BAD_REQUEST, "not a form");
    };
    // Which request: the key the answer was encrypted to (its `kid`), or, for a clear error,
    // its `state`.
    let (id, jwe, clear_error) = match (f.response, f.error, f.state) {
        (Some(jwe), _, _) => match response::kid(&jwe) {
            // `kid` admits only a request id's characters (`response::kid`).
            Some(id) => (id, Some(jwe), None),
            None => return invalid(StatusCode::BAD_REQUEST, "no kid naming a request"),
        },
        (None, Some(error), Some(state)) if super::well_formed(&state) => (
            state,
            None,
            Some(error.chars().take(64).collect::<String>()),
        ),
        _ => return invalid(StatusCode::BAD_REQUEST, "no response parameter"),
    };
    let pending: PendingWallet = match s.store.take_login(&super::record_key(&id)).await {
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
    if !pending.fetched {
        super::put_back(&s, &id, &pending).await;
        return invalid(StatusCode::BAD_REQUEST, "answer to a request never fetched");
    }
    // Opened before anything is decided: an answer that does not decrypt with this request's
    // key for this state is not this request's, and leaves it as it was.
    let opened = match &jwe {
        Some(jwe) => match open(&pending, &id, jwe) {
            Ok(a) => Some(Ok(a)),
            Err(Error::Declined(why)) => Some(Err(why)),
            Err(e) => {
                tracing::info!(wallet_request = %id, error_code = e.code(), "wallet answer is not this request's");
                super::put_back(&s, &id, &pending).await;
                return invalid(
                    StatusCode::BAD_REQUEST,
                    "answer does not open with the request's key",
                );
            }
        },
        None => None,
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
    let result = match opened {
        Some(Ok(answer)) => verify(&s, &w, &pending, answer).await,
        Some(Err(why)) => Err(Failure::Wallet(Error::Declined(why))),
        None => Err(Failure::Wallet(Error::Declined(
            clear_error.unwrap_or_default(),
        ))),
    };
    let outcome = match result {
        Ok(identity) => {
            tracing::info!(correlation_id = %reference, wallet_request = %id, country = %identity.country, "wallet presentation accepted");
            Outcome::Identity(Box::new(identity))
        }
        Err(Failure::Wallet(Error::Declined(why))) => {
            tracing::info!(correlation_id = %reference, wallet_request = %id, error = %why, "the wallet declined");
            s.events.emit(&LoginEvent::Denied {
                method: LoginMethod::Wallet,
                country: None,
            });
            Outcome::Cancelled { reference }
        }
        Err(Failure::Busy) => {
            tracing::warn!(correlation_id = %reference, wallet_request = %id, "wallet presentation not checked: CPU pool busy");
            s.events.emit(&LoginEvent::Unavailable {
                method: LoginMethod::Wallet,
                country: None,
            });
            Outcome::Unavailable { reference }
        }
        Err(Failure::Wallet(e)) => {
            tracing::warn!(correlation_id = %reference, wallet_request = %id, error_code = e.code(), error = %e, "wallet presentation not accepted");
            s.events.emit(&LoginEvent::Rejected {
                method: LoginMethod::Wallet,
                country: None,
                code: e.code(),
            });
            Outcome::Rejected { reference }
        }
    };
    let (cross, flow_id) = (pending.cross, pending.flow.flow_id.clone());
    let parked = match park(&s, pending.flow, outcome).await {
        // A wallet on another device: the waiting browser of this flow collects the handle.
        Ok(handle) if cross => s
            .store
            .put_login(
                &super::done_key(&id),
                format!("{flow_id} {handle}").as_bytes(),
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

/// Why a verification did not give an identity.
enum Failure {
    Wallet(Error),
    /// The CPU pool had no slot in time: `temporarily_unavailable`, as for SAML.
    Busy,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Wallet(e)
    }
}

/// The answer decrypted with this request's key and checked to answer its state (OpenID4VP
/// 1.0 §8.3).
fn open(pending: &PendingWallet, id: &str, jwe: &str) -> Result<response::Answer, Error> {
    let der = B64
        .decode(&pending.encryption_key)
        .map_err(|_| Error::Ours("encryption key".into()))?;
    let key = PKey::private_key_from_pkcs8(&der).map_err(|e| Error::Ours(e.to_string()))?;
    let key = FileKey::new(key).map_err(|e| Error::Ours(e.to_string()))?;
    response::open(jwe, &key, id, id)
}

/// The presentation of exactly one PID format (§8.6) verified (`wallet::sdjwt` or
/// `wallet::mdoc`) against each provider's own anchors in turn, so a provider vouches only for
/// what chains to its anchors; then the PID's shape and country (that provider's), its
/// revocation status (that provider's lists).
async fn verify(
    s: &WebState,
    w: &Arc<WalletPath>,
    pending: &PendingWallet,
    answer: response::Answer,
) -> Result<VerifiedIdentity, Failure> {
    let der = B64
        .decode(&pending.encryption_key)
        .map_err(|_| Error::Ours("encryption key".into()))?;
    let now = s.clock.now();
    let skew = s.saml.times.skew;
    let providers = w.providers.snapshot(now);
    let (w2, nonce, set) = (w.clone(), pending.nonce.clone(), providers.clone());
    let response_uri = format!("{}{WALLET_RESPONSE_PATH}", s.provider.config.issuer);
    let verified = s
        .cpu
        .run(move || -> Result<_, Error> {
            let thumbprint = PKey::private_key_from_pkcs8(&der)
                .and_then(|k| k.public_key_to_der())
                .and_then(|d| PKey::public_key_from_der(&d))
                .and_then(|p| crate::jose::jwe::p256_thumbprint(&p))
                .map_err(|e| Error::Ours(e.to_string()))?;
            let sd = answer.single(SD_JWT_QUERY);
            let md = answer.single(MDOC_QUERY);
            let mut last = Error::UntrustedIssuer("no PID provider configured".into());
            for (i, provider) in set.all.iter().enumerate() {
                let result = match (&sd, &md) {
                    (Ok(p), Err(Error::MissingPresentation(_))) => sdjwt::verify(
                        p,
                        &provider.anchors,
                        &sdjwt::Expect {
                            client_id: &w2.client_id,
                            nonce: &nonce,
                            vct: &[PID_VCT],
                            now,
                            skew,
                            kb_max_age: w2.kb_max_age,
                        },
                    )
                    .map(|v| (v.claims, v.status, Names::SD_JWT)),
                    (Err(Error::MissingPresentation(_)), Ok(p)) => mdoc::verify(
                        p,
                        &provider.anchors,
                        &mdoc::Expect {
                            client_id: &w2.client_id,
                            nonce: &nonce,
                            jwk_thumbprint: &thumbprint,
                            response_uri: &response_uri,
                            now,
                            skew,
                        },
                    )
                    .map(|v| (v.claims, v.status, Names::MDOC)),
                    (Err(e), _) | (_, Err(e)) if !matches!(e, Error::MissingPresentation(_)) => {
                        Err(e.clone())
                    }
                    _ => Err(Error::Malformed("exactly one PID presentation")),
                };
                match result {
                    Err(Error::UntrustedIssuer(why)) => last = Error::UntrustedIssuer(why),
                    other => return other.map(|(c, st, n)| (i, c, st, n)),
                }
            }
            Err(last)
        })
        .await
        .map_err(|_| Failure::Busy)??;
    let (i, claims, status, names) = verified;
    let provider = providers
        .all
        .get(i)
        .ok_or_else(|| Error::UntrustedIssuer("provider".into()))?;
    let pid = Pid::from_claims(&claims, names, &provider.country)?;
    if let Some(r) = &status {
        w.statuses.check(r, provider, now).await?;
    }
    Ok(pid.into_identity(provider.id.as_deref(), now)?)
}
