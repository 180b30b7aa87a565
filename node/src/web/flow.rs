//! The method-neutral part of a login: loading the parked authorization with its client and the
//! browser that started it ([`FlowContext`]), the citizen's language, the [`Outcome`] every way in
//! ends with, [`finish`] (park the outcome, 303 to `/resume`), the same-site `resume` step that
//! checks the browser binding and ends the OIDC flow with an identity or shows the citizen what
//! went wrong (with the ways on: back to the e-service, or try again), and `cancel`.
//!
//! A way in (today `saml`) starts from a [`FlowContext`], keeps a [`FlowHandle`] with its own
//! state while the citizen is away, and calls [`finish`] when they come back. It never touches the
//! OIDC flow itself; this module never knows a protocol of a way in.

use std::sync::Arc;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::binding;
use super::error::{AppError, Cause};
use super::i18n::Locale;
use super::pages::{self, ErrorKind, Ways};
use super::{see_other, WebState, RESUME_PATH};
use crate::events::{LoginEvent, Stage};
use crate::identity::VerifiedIdentity;
use crate::oidc::{AuthorizationRequest, Client, ErrorCode};
use crate::store::LoginResultStore;

pub(super) fn request_locale(
    s: &WebState,
    explicit: Option<&str>,
    req: Option<&AuthorizationRequest>,
    headers: &HeaderMap,
) -> Locale {
    let ui: Option<Vec<&str>> = req.map(|r| r.ui_locales.iter().map(String::as_str).collect());
    s.login
        .localizer
        .negotiate(explicit, ui.as_deref(), headers)
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

pub(super) fn unavailable(
    locale: Locale,
    e: impl std::error::Error + Send + Sync + 'static,
) -> AppError {
    AppError::page(ErrorKind::Unavailable, locale, Cause::new(e))
}

/// A parked authorization at a login step, with its client and the browser that started it.
pub(super) struct FlowContext<'s> {
    pub flow_id: String,
    pub request: AuthorizationRequest,
    pub client: &'s Client,
    /// The browser id from the cookie (its fingerprint matched the flow's binding).
    pub browser: String,
    pub locale: Locale,
}

impl FlowContext<'_> {
    /// Loads the parked authorization, its client and the browser id; any failure is a page.
    /// Only the browser that called `/authorize` may continue (or cancel) its flow: a leaked flow
    /// id must not let another browser run the login and hand the result back (session swapping).
    pub async fn load<'s>(
        s: &'s WebState,
        flow: &str,
        lang: Option<&str>,
        headers: &HeaderMap,
    ) -> Result<FlowContext<'s>, AppError> {
        let fallback = request_locale(s, lang, None, headers);
        let request = s.provider.pending_authorization(flow).await.map_err(|e| {
            if matches!(e, crate::oidc::Error::UnknownFlow) {
                s.events.emit(&LoginEvent::Abandoned {
                    stage: Stage::Flow,
                    client_id: None,
                    country: None,
                });
            }
            AppError::oidc_page(e, fallback)
        })?;
        let locale = request_locale(s, lang, Some(&request), headers);
        let client = s.provider.clients.get(&request.client_id).ok_or_else(|| {
            AppError::page(
                ErrorKind::BadRequest,
                locale,
                Cause::msg("client of a pending flow is no longer configured"),
            )
        })?;
        let browser = binding::browser_id(headers, s.login.secure_cookies)
            .filter(|id| {
                request.agent_binding.as_deref() == Some(binding::fingerprint(id).as_str())
            })
            .ok_or_else(|| {
                AppError::page(
                    ErrorKind::OtherBrowser,
                    locale,
                    Cause::msg("login step reached without the browser that started the flow"),
                )
            })?;
        Ok(FlowContext {
            flow_id: flow.to_owned(),
            request,
            client,
            browser,
            locale,
        })
    }

    /// What a way in keeps while the citizen is away, to hand back to [`finish`].
    pub fn handle(&self) -> FlowHandle {
        FlowHandle {
            flow_id: self.flow_id.clone(),
            browser: binding::fingerprint(&self.browser),
            locale: self.locale,
        }
    }
}

/// Which flow, which browser (its fingerprint), which language: kept by a way in with its own
/// state (flattened into it, so the stored form is the same for every way in).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct FlowHandle {
    pub flow_id: String,
    /// [`binding::fingerprint`] of the browser id that started the flow.
    pub browser: String,
    pub locale: Locale,
}

/// Origins a form on our pages may post to (CSP `form-action`; it also governs the redirect
/// that follows the post, so the client's redirect_uri origin is included for cancel).
pub(super) fn form_action(redirect_uri: &str) -> String {
    match url::Url::parse(redirect_uri) {
        Ok(u) if u.origin().is_tuple() => format!("'self' {}", u.origin().ascii_serialization()),
        // A custom-scheme redirect_uri (native app) has no tuple origin: allow its scheme.
        Ok(u) => format!("'self' {}:", u.scheme()),
        Err(_) => "'self'".into(),
    }
}

/// How a way in ended, as the resume step needs it. Every failure carries the reference of the
/// request whose log lines tell what happened (the citizen sees it; support searches for it).
#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Outcome {
    Identity(Box<VerifiedIdentity>),
    /// The citizen cancelled or refused consent where they authenticated (eidas-requirements §2
    /// step 5 `RequestDenied`, §5 → `access_denied`).
    Cancelled {
        reference: String,
    },
    /// Their eID did not authenticate them there (§2 step 5 `AuthnFailed`, §5 →
    /// `access_denied`).
    Refused {
        reference: String,
    },
    /// A cancel parked by a node of the previous release (before `Cancelled` had a reference):
    /// read during a rolling deploy, never written.
    Denied,
    /// The other side reported a failure (§5 → `server_error`, our choice).
    PeerFailure {
        reference: String,
    },
    /// Our validation rejected the answer (§2): abort (IA §5(8)); the client learns only that.
    Rejected {
        reference: String,
    },
    /// We could not check the answer now (overload): `temporarily_unavailable`.
    Unavailable {
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

/// Parks `outcome` under a fresh single-use handle and sends the browser to `/resume`, same-site,
/// where the binding cookie is present again (the way back in may have been a cross-site POST).
pub(super) async fn finish(
    s: &WebState,
    flow: FlowHandle,
    outcome: Outcome,
) -> Result<Response, AppError> {
    let handle = park(s, flow, outcome).await?;
    see_other(&format!("{RESUME_PATH}?r={handle}"))
}

/// Parks `outcome` under a fresh single-use handle for `/resume` (where only the browser of
/// `flow` can use it) and returns the handle: [`finish`] redirects the browser there; the
/// wallet way in hands it to the wallet, which sends the browser.
pub(super) async fn park(
    s: &WebState,
    flow: FlowHandle,
    outcome: Outcome,
) -> Result<String, AppError> {
    let locale = flow.locale;
    let result = LoginResult {
        flow_id: flow.flow_id,
        browser: flow.browser,
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
    Ok(handle)
}

/// A single-use record from the store, decoded; a store failure is a 503 page, an absent record
/// (unknown, expired or used: `what`) an "expired" page.
pub(super) fn take_record<T: serde::de::DeserializeOwned>(
    s: &WebState,
    taken: Result<Option<Vec<u8>>, crate::store::Error>,
    locale: Locale,
    stage: Stage,
    what: &'static str,
) -> Result<T, AppError> {
    let bytes = taken.map_err(|e| unavailable(locale, e))?.ok_or_else(|| {
        s.events.emit(&LoginEvent::Abandoned {
            stage,
            client_id: None,
            country: None,
        });
        AppError::page(ErrorKind::Expired, locale, Cause::msg(what))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| unavailable(locale, e))
}

impl Outcome {
    /// What the e-service hears when the citizen returns to it after this failure (the client
    /// learns only the class of failure and our reference, never the details).
    fn error(&self) -> Option<(ErrorCode, String)> {
        Some(match self {
            Outcome::Identity(_) => return None,
            Outcome::Cancelled { .. } | Outcome::Denied => (
                ErrorCode::AccessDenied,
                "authentication abroad was cancelled or consent refused".to_owned(),
            ),
            Outcome::Refused { reference } => (
                ErrorCode::AccessDenied,
                format!("authentication abroad failed (reference {reference})"),
            ),
            Outcome::PeerFailure { reference } => (
                ErrorCode::ServerError,
                format!("the foreign eIDAS node reported a failure (reference {reference})"),
            ),
            Outcome::Unavailable { reference } => (
                ErrorCode::TemporarilyUnavailable,
                format!("the service is busy, please try again (reference {reference})"),
            ),
            Outcome::Rejected { reference } => (
                ErrorCode::AccessDenied,
                format!(
                    "the authentication response from abroad was rejected (reference {reference})"
                ),
            ),
        })
    }

    /// The page the citizen sees for this failure, and the reference on it.
    fn page(&self) -> Option<(ErrorKind, Option<&str>)> {
        Some(match self {
            Outcome::Identity(_) => return None,
            Outcome::Cancelled { reference } => (ErrorKind::Cancelled, Some(reference)),
            Outcome::Denied => (ErrorKind::Cancelled, None),
            Outcome::Refused { reference } => (ErrorKind::Refused, Some(reference)),
            Outcome::PeerFailure { reference } | Outcome::Rejected { reference } => {
                (ErrorKind::CountryFailed, Some(reference))
            }
            Outcome::Unavailable { reference } => (ErrorKind::Unavailable, Some(reference)),
        })
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ResumeQuery {
    r: String,
    /// A language chosen on the outcome page (its language menu links back here).
    lang: Option<String>,
}

/// `GET /resume?r=…`: same-site, so the `SameSite=Lax` binding cookie is present again.
pub(super) async fn resume(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    q: Result<Query<ResumeQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = q.map_err(|e| bad_input(&s, &headers, e))?;
    let fallback = s.login.localizer.negotiate(None, None, &headers);
    let result: LoginResult = take_record(
        &s,
        s.store.take_result(&q.r).await,
        fallback,
        Stage::Resume,
        "unknown, expired or already used resume handle",
    )?;
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
    match result.outcome {
        Outcome::Identity(identity) => {
            let location = s
                .provider
                .complete_authorization(&result.flow_id, *identity)
                .await
                .map_err(|e| AppError::oidc_page(e, locale))?;
            see_other(&location)
        }
        outcome => {
            let result = LoginResult { outcome, ..result };
            outcome_page(&s, &q.r, result, q.lang.as_deref()).await
        }
    }
}

/// A login that failed abroad (or could not be checked): the citizen reads what happened and
/// what to try, and chooses the way on (issue 14 item 4): "Return to the e-service" (`cancel`
/// with this outcome, so the e-service hears the fitting error) or "Try again" (back to the
/// choice: the OIDC flow is still open). The outcome stays parked under the same handle for the
/// rest of the login's life, so a reload, Back, or a change of language shows this page again.
async fn outcome_page(
    s: &WebState,
    handle: &str,
    result: LoginResult,
    lang: Option<&str>,
) -> Result<Response, AppError> {
    let locale = lang.and_then(Locale::parse).unwrap_or(result.locale);
    let (kind, reference) = result.outcome.page().ok_or_else(|| {
        AppError::page(
            ErrorKind::Unavailable,
            locale,
            Cause::msg("an identity has no outcome page"),
        )
    })?;
    // The login must still be open for either way on; if it ended (expired, or the citizen
    // already returned in another tab), say so.
    let request = s
        .provider
        .pending_authorization(&result.flow_id)
        .await
        .map_err(|e| AppError::oidc_page(e, locale))?;
    let bytes = serde_json::to_vec(&result).map_err(|e| unavailable(locale, e))?;
    s.store
        .put_result(handle, &bytes, s.login.pending_ttl)
        .await
        .map_err(|e| unavailable(locale, e))?;
    let reference = reference.map_or_else(super::error::correlation_id, str::to_owned);
    let here = format!("{RESUME_PATH}?r={handle}");
    let html = pages::error_page(
        locale,
        kind,
        &reference,
        Ways {
            flow: Some(&result.flow_id),
            outcome: Some(handle),
            here: Some(&here),
        },
    );
    Ok(pages::html_response(
        axum::http::StatusCode::OK,
        html,
        &form_action(&request.redirect_uri),
    ))
}

/// Ends the flow at the client with `code` before the citizen left (a way in could not start):
/// the one place besides `resume` and `cancel` where a login step ends the OIDC flow.
pub(super) async fn fail_early(
    s: &WebState,
    ctx: &FlowContext<'_>,
    code: ErrorCode,
    description: &str,
) -> Result<Response, AppError> {
    let location = s
        .provider
        .fail_authorization(&ctx.flow_id, code, description)
        .await
        .map_err(|e| AppError::oidc_page(e, ctx.locale))?;
    see_other(&location)
}

#[derive(Debug, Deserialize)]
pub(super) struct CancelForm {
    flow: String,
    /// From an outcome page: the parked failure the e-service should hear about.
    r: Option<String>,
}

/// `POST /login/cancel`: back to the e-service with its `state` and `access_denied`, or, from
/// an outcome page, the error that fits what happened abroad.
pub(super) async fn cancel(
    State(s): State<Arc<WebState>>,
    headers: HeaderMap,
    f: Result<Form<CancelForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(f) = f.map_err(|e| bad_input(&s, &headers, e))?;
    let ctx = FlowContext::load(&s, &f.flow, None, &headers).await?;
    // Only an outcome of this very login and browser counts; a missing one (expired, already
    // used) falls back to a plain cancel, and another login's is put back untouched.
    let mut parked = None;
    if let Some(r) = f.r.as_deref() {
        let taken = s
            .store
            .take_result(r)
            .await
            .map_err(|e| unavailable(ctx.locale, e))?;
        if let Some(bytes) = taken {
            match serde_json::from_slice::<LoginResult>(&bytes) {
                Ok(p) if p.flow_id == f.flow && p.browser == binding::fingerprint(&ctx.browser) => {
                    parked = p.outcome.error();
                }
                _ => s
                    .store
                    .put_result(r, &bytes, s.login.pending_ttl)
                    .await
                    .map_err(|e| unavailable(ctx.locale, e))?,
            }
        }
    }
    let (code, description) = match parked {
        Some(error) => error,
        None => {
            s.events.emit(&LoginEvent::Cancelled {
                client_id: ctx.client.client_id.clone(),
            });
            (
                ErrorCode::AccessDenied,
                "the citizen cancelled the login".to_owned(),
            )
        }
    };
    let location = s
        .provider
        .fail_authorization(&f.flow, code, &description)
        .await
        .map_err(|e| AppError::oidc_page(e, ctx.locale))?;
    see_other(&location)
}
