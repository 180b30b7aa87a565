//! Leaving for the chosen country: the signed AuthnRequest as an auto-submitting HTTP-POST form.

use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::super::error::{AppError, Cause};
use super::super::flow::{fail_early, unavailable, FlowContext, FlowHandle};
use super::super::pages::{self, ErrorKind};
use super::super::WebState;
use crate::events::LoginEvent;
use crate::identity::LoginMethod;
use crate::oidc::ErrorCode;
use crate::saml::authn_request::{self, RequestOptions, RequestedAuthn};
use crate::store::PendingLoginStore;
use crate::trust::can_serve;

/// What the eIDAS way in keeps under the RelayState while the citizen is abroad. The flow handle
/// is flattened, so the stored form is `{flow_id, browser, locale, requested}`.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PendingSaml {
    #[serde(flatten)]
    pub flow: FlowHandle,
    pub requested: RequestedAuthn,
    /// When the citizen left (Unix milliseconds), for the time spent abroad. Absent in state
    /// written before the field existed.
    #[serde(default)]
    pub left_at_ms: Option<i64>,
}

/// Builds and signs the AuthnRequest for `country`, parks it under a fresh RelayState, and
/// answers the auto-submitting POST form to the Proxy-Service.
pub(in crate::web) async fn start(
    s: &WebState,
    ctx: &FlowContext<'_>,
    country: &str,
) -> Result<Response, AppError> {
    let (req, client, locale) = (&ctx.request, ctx.client, ctx.locale);
    let source = s.trust.source(country);
    let min_loa = source
        .as_ref()
        .map_or(req.min_loa, |src| src.effective_loa(req.min_loa));
    let service = s
        .trust
        .service(country)
        .filter(|ps| can_serve(ps, min_loa, req.person_type));
    let Some(ps) = service else {
        tracing::warn!(country, "requested country has no usable verified metadata");
        if req.country.is_some() {
            // The client pre-selected it: tell the client rather than strand the citizen.
            return fail_early(
                s,
                ctx,
                ErrorCode::TemporarilyUnavailable,
                "the requested country is not available at the moment",
            )
            .await;
        }
        return Err(AppError::page(
            ErrorKind::CountryUnavailable,
            locale,
            Cause::msg("country has no usable verified metadata"),
        ));
    };
    let mut identity_request = req.identity_request(client, country);
    identity_request.min_loa = min_loa;
    // Interop profile (issue 11 item 7): per-country switches from the trust source.
    let options = RequestOptions {
        omit_scoping: source.as_ref().is_some_and(|src| src.omit_scoping),
    };
    let built = authn_request::build(&s.saml.sp(), &ps, &identity_request, options, s.clock.now())
        .map_err(|e| unavailable(locale, e))?;
    let pending = PendingSaml {
        flow: ctx.handle(),
        requested: built.requested,
        left_at_ms: i64::try_from(s.clock.now().unix_timestamp_nanos() / 1_000_000).ok(),
    };
    let bytes = serde_json::to_vec(&pending).map_err(|e| unavailable(locale, e))?;
    s.store
        .put_login(&built.form.relay_state, &bytes, s.login.pending_ttl)
        .await
        .map_err(|e| unavailable(locale, e))?;
    s.departures.left(
        &built.form.relay_state,
        &client.client_id,
        Some(country),
        s.login.pending_ttl,
    );
    s.events.emit(&LoginEvent::Started {
        client_id: client.client_id.clone(),
        method: LoginMethod::Eidas,
        country: Some(country.to_owned()),
    });
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
