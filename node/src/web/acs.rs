//! The citizen comes back: the ACS validates the Proxy-Service's answer and parks the outcome
//! under a fresh handle; the same-site resume step checks the browser binding and ends the OIDC
//! flow with a code or an error at the e-service.

use std::sync::Arc;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::binding;
use super::error::{correlation_id, AppError, Cause};
use super::i18n::Locale;
use super::login::{bad_input, PendingLogin};
use super::pages::ErrorKind;
use super::{see_other, WebState, RESUME_PATH};
use crate::identity::VerifiedIdentity;
use crate::oidc::ErrorCode;
use crate::saml::crypto::SignaturePolicy;
use crate::saml::response::{self, Context};
use crate::store::{LoginResultStore, PendingAuthnStore, ReplayCache};

#[derive(Debug, Deserialize)]
pub(super) struct AcsForm {
    #[serde(rename = "SAMLResponse")]
    saml_response: String,
    #[serde(rename = "RelayState")]
    relay_state: String,
}

/// What the ACS hands to the resume step.
#[derive(Debug, Serialize, Deserialize)]
enum Outcome {
    Identity(Box<VerifiedIdentity>),
    /// RequestDenied / AuthnFailed abroad (eidas-requirements §5 → `access_denied`).
    Denied,
    /// Another failure status from the Proxy-Service (§5 → `server_error`, our choice).
    PeerFailure {
        reference: String,
    },
    /// Our validation rejected the response (§2): abort (IA §5(8)); the client learns only that.
    Rejected {
        reference: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct LoginResult {
    flow_id: String,
    browser: String,
    locale: Locale,
    outcome: Outcome,
}

fn unavailable(locale: Locale, e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::page(ErrorKind::Unavailable, locale, Cause::new(e))
}

/// A single-use record from the store, decoded; a store failure is a 503 page, an absent record
/// (unknown, expired or used: `what`) an "expired" page.
async fn take_record<T: serde::de::DeserializeOwned>(
    taken: Result<Option<Vec<u8>>, crate::store::Error>,
    locale: Locale,
    what: &'static str,
) -> Result<T, AppError> {
    let bytes = taken
        .map_err(|e| unavailable(locale, e))?
        .ok_or_else(|| AppError::page(ErrorKind::Expired, locale, Cause::msg(what)))?;
    serde_json::from_slice(&bytes).map_err(|e| unavailable(locale, e))
}

/// `POST /saml/acs` (HTTP-POST binding). Cross-site: no cookie is expected here.
pub(super) async fn consume(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    form: Result<Form<AcsForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| bad_input(&s, &headers, e))?;
    let fallback = super::login::negotiate(None, None, &headers, s.login.default_locale);
    // Single use: a replayed response finds nothing (§2 InResponseTo / replay).
    let pending: PendingLogin = take_record(
        s.store.take_authn(&form.relay_state).await,
        fallback,
        "unknown, expired or already used RelayState",
    )
    .await?;
    let locale = pending.locale;
    let reference = correlation_id();
    let outcome = match validate(&s, form.saml_response, &pending).await {
        Ok(identity) => {
            tracing::info!(correlation_id = %reference, country = %pending.requested.country, in_response_to = %pending.requested.request_id, loa = ?identity.loa.level, "SAML response accepted");
            Outcome::Identity(Box::new(identity))
        }
        Err(Failure::Store(e)) => return Err(unavailable(locale, e)),
        Err(Failure::Busy(e)) => return Err(unavailable(locale, e)),
        Err(Failure::Saml(e)) => {
            let code = e.code();
            tracing::warn!(correlation_id = %reference, country = %pending.requested.country, in_response_to = %pending.requested.request_id, error_code = code, error = %e, "SAML response not accepted");
            match e {
                crate::saml::Error::Denied(_) => Outcome::Denied,
                crate::saml::Error::PeerFailure(_) => Outcome::PeerFailure { reference },
                _ => Outcome::Rejected { reference },
            }
        }
    };
    let result = LoginResult {
        flow_id: pending.flow_id,
        browser: pending.browser,
        locale,
        outcome,
    };
    let handle = binding::new_browser_id().ok_or_else(|| {
        AppError::page(ErrorKind::Unavailable, locale, Cause::msg("CSPRNG failed"))
    })?;
    let bytes = serde_json::to_vec(&result).map_err(|e| unavailable(locale, e))?;
    s.store
        .put_result(&handle, &bytes, s.login.result_ttl)
        .await
        .map_err(|e| unavailable(locale, e))?;
    see_other(&format!("{RESUME_PATH}?r={handle}"))
}

enum Failure {
    Saml(crate::saml::Error),
    Store(crate::store::Error),
    Busy(crate::cpu::Busy),
}

/// eidas-requirements §2, in order (inside `response::validate`, on the CPU pool: parsing,
/// schema, signature and decryption never run on an async worker), then replay (§2 step 3).
async fn validate(
    s: &WebState,
    saml_response: String,
    pending: &PendingLogin,
) -> Result<VerifiedIdentity, Failure> {
    let country = &pending.requested.country;
    // The Proxy-Service's keys come from verified, unexpired metadata only (§4), never the message.
    let ps = s
        .trust
        .service(country)
        .filter(|ps| ps.entity_id == pending.requested.idp_entity_id)
        .ok_or(Failure::Saml(crate::saml::Error::MetadataExpired))?;
    let policy = match s.trust.source(country) {
        Some(src) => src.policy,
        None => SignaturePolicy::EIDAS,
    };
    let now = s.clock.now();
    let (sp, idp, requested) = (s.sp.clone(), ps.clone(), pending.requested.clone());
    let (skew, max_age) = (s.login.skew, s.login.max_response_age);
    let v = s
        .cpu
        .run(move || {
            let text = response::decode_post(&saml_response)?;
            let ctx = Context {
                sp: &sp,
                idp: &idp,
                signature_policy: policy,
                skew,
                max_age,
                extra_audiences: &[],
                allow_representatives: false,
                now,
            };
            response::validate(&text, &requested, &ctx)
        })
        .await
        .map_err(Failure::Busy)?
        .map_err(Failure::Saml)?;
    let ttl = (v.replay_until - now)
        .try_into()
        .unwrap_or(std::time::Duration::from_secs(1))
        .max(std::time::Duration::from_secs(1));
    for id in [&v.response_id, &v.assertion_id] {
        let first = s
            .store
            .remember_once(&format!("{}|{id}", ps.entity_id), ttl)
            .await
            .map_err(Failure::Store)?;
        if !first {
            return Err(Failure::Saml(crate::saml::Error::Replay));
        }
    }
    Ok(v.identity)
}

#[derive(Debug, Deserialize)]
pub(super) struct ResumeQuery {
    r: String,
}

/// `GET /resume?r=…`: same-site, so the `SameSite=Lax` binding cookie is present again.
pub(super) async fn resume(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    q: Result<Query<ResumeQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = q.map_err(|e| bad_input(&s, &headers, e))?;
    let fallback = super::login::negotiate(None, None, &headers, s.login.default_locale);
    let result: LoginResult = take_record(
        s.store.take_result(&q.r).await,
        fallback,
        "unknown, expired or already used resume handle",
    )
    .await?;
    let locale = result.locale;
    let bound = binding::browser_id(&headers, s.login.secure_cookies)
        .is_some_and(|id| binding::fingerprint(&id) == result.browser);
    if !bound {
        // The flow stays unfinished and expires: completing it here could log a victim in as
        // someone else (login CSRF).
        return Err(AppError::page(
            ErrorKind::OtherBrowser,
            locale,
            Cause::msg("browser binding mismatch at resume"),
        ));
    }
    let p = &s.provider;
    let location = match result.outcome {
        Outcome::Identity(identity) => p.complete_authorization(&result.flow_id, *identity).await,
        Outcome::Denied => {
            p.fail_authorization(
                &result.flow_id,
                ErrorCode::AccessDenied,
                "authentication abroad was cancelled or denied",
            )
            .await
        }
        Outcome::PeerFailure { reference } => {
            p.fail_authorization(
                &result.flow_id,
                ErrorCode::ServerError,
                &format!("the foreign eIDAS node reported a failure (reference {reference})"),
            )
            .await
        }
        Outcome::Rejected { reference } => {
            p.fail_authorization(
                &result.flow_id,
                ErrorCode::AccessDenied,
                &format!(
                    "the authentication response from abroad was rejected (reference {reference})"
                ),
            )
            .await
        }
    }
    .map_err(|e| AppError::oidc_page(e, locale))?;
    see_other(&location)
}
