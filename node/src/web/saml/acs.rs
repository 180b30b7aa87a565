//! The citizen comes back: the ACS validates the Proxy-Service's answer (on the CPU pool) and
//! hands the outcome to `flow::finish`.

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::super::error::{correlation_id, AppError};
use super::super::flow::{bad_input, finish, take_record, unavailable, Outcome};
use super::super::WebState;
use super::start::PendingSaml;
use crate::events::{LoginEvent, Stage};
use crate::identity::{LoginMethod, VerifiedIdentity};
use crate::saml::crypto::SignaturePolicy;
use crate::saml::metadata::ProxyService;
use crate::saml::response::{self, Context, ValidatedResponse};
use crate::store::{PendingLoginStore, ReplayCache};

#[derive(Debug, Deserialize)]
pub(super) struct AcsForm {
    #[serde(rename = "SAMLResponse")]
    saml_response: String,
    #[serde(rename = "RelayState")]
    relay_state: String,
}

/// `POST /saml/acs` (HTTP-POST binding). Cross-site: no cookie is expected here.
pub(super) async fn consume(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    form: Result<Form<AcsForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| bad_input(&s, &headers, e))?;
    let fallback = s.login.localizer.negotiate(None, None, &headers);
    // Single use: a replayed response finds nothing (§2 InResponseTo / replay).
    let pending: PendingSaml = take_record(
        &s,
        s.store.take_login(&form.relay_state).await,
        fallback,
        Stage::Return,
        "unknown, expired or already used RelayState",
    )?;
    let locale = pending.flow.locale;
    let now_ms = i64::try_from(s.clock.now().unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    if let Some(abroad) = pending
        .left_at_ms
        .and_then(|t| u64::try_from(now_ms - t).ok())
    {
        s.events.emit(&LoginEvent::Returned {
            method: LoginMethod::Eidas,
            country: Some(pending.requested.country.clone()),
            abroad: std::time::Duration::from_millis(abroad),
        });
    }
    let reference = correlation_id();
    let outcome = match validate(&s, form.saml_response, &pending).await {
        Ok(identity) => {
            tracing::info!(correlation_id = %reference, country = %pending.requested.country, in_response_to = %pending.requested.request_id, loa = ?identity.loa.level, "SAML response accepted");
            Outcome::Identity(Box::new(identity))
        }
        Err(Failure::Store(e)) => return Err(unavailable(locale, e)),
        Err(Failure::Busy(e)) => {
            // The RelayState is spent: end the flow at the e-service, which can start again,
            // rather than strand the citizen on a page.
            tracing::warn!(correlation_id = %reference, country = %pending.requested.country, error = %e, "SAML response not checked: CPU pool busy");
            s.events.emit(&LoginEvent::Unavailable {
                method: LoginMethod::Eidas,
                country: Some(pending.requested.country.clone()),
            });
            Outcome::Unavailable { reference }
        }
        Err(Failure::Saml(e)) => {
            let code = e.code();
            tracing::warn!(correlation_id = %reference, country = %pending.requested.country, in_response_to = %pending.requested.request_id, error_code = code, error = %e, "SAML response not accepted");
            let (method, country) = (LoginMethod::Eidas, Some(pending.requested.country.clone()));
            match e {
                crate::saml::Error::Denied(_) => {
                    s.events.emit(&LoginEvent::Denied { method, country });
                    Outcome::Cancelled { reference }
                }
                crate::saml::Error::AuthnFailed(_) => {
                    s.events.emit(&LoginEvent::Denied { method, country });
                    Outcome::Refused { reference }
                }
                crate::saml::Error::PeerFailure(_) => {
                    s.events.emit(&LoginEvent::PeerFailure { method, country });
                    Outcome::PeerFailure { reference }
                }
                _ => {
                    s.events.emit(&LoginEvent::Rejected {
                        method,
                        country,
                        code,
                    });
                    Outcome::Rejected { reference }
                }
            }
        }
    };
    finish(&s, pending.flow, outcome).await
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
    pending: &PendingSaml,
) -> Result<VerifiedIdentity, Failure> {
    let country = &pending.requested.country;
    let saml_response = Arc::new(saml_response);
    let now = s.clock.now();
    let mut result = verify(s, saml_response.clone(), pending, now).await;
    // Peer key rollover (issue 11 item 2): signed by a key our copy of the metadata lacks. Fetch
    // the country's metadata again (rate-limited per country) and, only if it now publishes a
    // new signing key, verify once more against the verified new metadata.
    if matches!(
        result,
        Err(Failure::Saml(crate::saml::Error::SignatureInvalid))
    ) && s.trust.refetch_for_new_key(country).await
    {
        result = verify(s, saml_response, pending, now).await;
    }
    let (ps, v) = result?;
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

/// One verification of the response against the country's current verified metadata.
async fn verify(
    s: &WebState,
    saml_response: Arc<String>,
    pending: &PendingSaml,
    now: time::OffsetDateTime,
) -> Result<(Arc<ProxyService>, ValidatedResponse), Failure> {
    let country = &pending.requested.country;
    // The Proxy-Service's keys come from verified, unexpired metadata only (§4), never the message.
    let ps = s
        .trust
        .service(country)
        .filter(|ps| ps.entity_id == pending.requested.idp_entity_id)
        .ok_or(Failure::Saml(crate::saml::Error::MetadataExpired))?;
    let (policy, skew, aliases) = match s.trust.source(country) {
        // Per-country skew and attribute names are interop profile settings (issue 11 item 7).
        Some(src) => (
            src.policy,
            src.skew.unwrap_or(s.saml.times.skew),
            src.attribute_aliases,
        ),
        None => (SignaturePolicy::EIDAS, s.saml.times.skew, Vec::new()),
    };
    let (sp, idp, requested) = (s.saml.sp(), ps.clone(), pending.requested.clone());
    let times = s.saml.times;
    let v = s
        .cpu
        .run(move || {
            let text = response::decode_post(&saml_response)?;
            let ctx = Context {
                sp: &sp,
                idp: &idp,
                signature_policy: policy,
                skew,
                max_age: times.max_response_age,
                extra_audiences: &[],
                allow_representatives: false,
                attribute_aliases: &aliases,
                now,
            };
            response::validate(&text, &requested, &ctx)
        })
        .await
        .map_err(Failure::Busy)?
        .map_err(Failure::Saml)?;
    Ok((ps, v))
}
