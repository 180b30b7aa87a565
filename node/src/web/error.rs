//! `AppError`: the single place where failures become HTTP responses (house-style H2).
//!
//! - API endpoints (`/token`, `/userinfo`) get RFC 6749 §5.2 / RFC 6750 §3 JSON errors;
//! - browser requests whose redirect_uri is not (yet) trusted get an HTML page with a correlation
//!   id, never a redirect;
//! - the private cause is logged once here, with the correlation id, never sent to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::i18n::Locale;
use super::pages::{error_page, html_response, ErrorKind, Ways};
use crate::oidc::{self, ErrorCode};

#[derive(Debug)]
pub enum AppError {
    /// A JSON API error (token endpoint). `basic_auth` adds the RFC 6749 §5.2 challenge on 401.
    Api {
        error: oidc::Error,
        basic_auth: bool,
    },
    /// A protected-resource error (userinfo), with an RFC 6750 §3 `WWW-Authenticate` challenge.
    Bearer(oidc::Error),
    /// A browser error before (or without) a validated redirect_uri: a page in the citizen's
    /// language with a correlation id, never a redirect.
    Page {
        kind: ErrorKind,
        locale: Locale,
        cause: Cause,
        /// When the login and its e-service are known: the flow to cancel from the page (the
        /// e-service then hears `access_denied`), and the CSP `form-action` that allows it.
        back: Option<Back>,
    },
}

/// The way back to the e-service from an error page.
#[derive(Debug)]
pub struct Back {
    pub flow: String,
    pub form_action: String,
}

/// The private cause of a page error, logged under the correlation id and never shown.
#[derive(Debug)]
pub struct Cause(Box<dyn std::error::Error + Send + Sync>);

impl Cause {
    pub fn msg(m: &'static str) -> Self {
        Cause(m.into())
    }
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Cause(Box::new(e))
    }
}

impl AppError {
    pub fn page(kind: ErrorKind, locale: Locale, cause: Cause) -> Self {
        AppError::Page {
            kind,
            locale,
            cause,
            back: None,
        }
    }

    /// The same error, with a way back to the e-service of `flow` on its page.
    pub fn with_back(self, flow: &str, form_action: String) -> Self {
        match self {
            AppError::Page {
                kind,
                locale,
                cause,
                ..
            } if kind != ErrorKind::Expired => AppError::Page {
                kind,
                locale,
                cause,
                back: Some(Back {
                    flow: flow.to_owned(),
                    form_action,
                }),
            },
            other => other,
        }
    }

    /// An OIDC failure shown as a page: the flow is gone, the store is down, or the request was bad.
    pub fn oidc_page(error: oidc::Error, locale: Locale) -> Self {
        let kind = match (&error, error.code()) {
            (oidc::Error::UnknownFlow, _) => ErrorKind::Expired,
            (_, ErrorCode::TemporarilyUnavailable) => ErrorKind::Unavailable,
            _ => ErrorKind::BadRequest,
        };
        AppError::page(kind, locale, Cause::new(error))
    }
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn log(error: &oidc::Error, correlation_id: &str) {
    let mut chain = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    if error.code() == ErrorCode::ServerError || error.code() == ErrorCode::TemporarilyUnavailable {
        tracing::error!(correlation_id, error = %error, cause = %chain, "request failed");
    } else {
        tracing::info!(correlation_id, error = %error, "request refused");
    }
}

/// The id of the request being served (`web::observe` sets it for every routed request), so the
/// reference on an error page is the `correlation_id` on every log line of that request; a fresh
/// one outside a routed request.
pub fn correlation_id() -> String {
    super::observe::current_request_id().unwrap_or_else(super::observe::new_request_id)
}

fn json_error(error: &oidc::Error) -> Response {
    let body = json!({"error": error.code().as_str(), "error_description": error.description()});
    let mut r = (status(error.status()), axum::Json(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let id = correlation_id();
        match self {
            AppError::Api { error, basic_auth } => {
                log(&error, &id);
                let mut r = json_error(&error);
                if basic_auth && error.status() == 401 {
                    r.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"eidas-node\""),
                    );
                }
                r
            }
            AppError::Bearer(error) => {
                log(&error, &id);
                let mut r = json_error(&error);
                if error.status() == 401 {
                    r.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static(
                            "Bearer realm=\"eidas-node\", error=\"invalid_token\"",
                        ),
                    );
                }
                r
            }
            AppError::Page {
                kind,
                locale,
                cause,
                back,
            } => {
                let mut chain = cause.0.to_string();
                let mut source = cause.0.source();
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                if kind == ErrorKind::NotFound {
                    // Not a login step: a stray path (a browser's favicon, a scanner).
                    tracing::debug!(correlation_id = %id, cause = %chain, "no such page");
                } else if kind == ErrorKind::Unavailable {
                    tracing::error!(correlation_id = %id, kind = ?kind, cause = %chain, "login step failed");
                } else {
                    tracing::info!(correlation_id = %id, kind = ?kind, cause = %chain, "login step refused");
                }
                let ways = Ways {
                    flow: back.as_ref().map(|b| b.flow.as_str()),
                    ..Ways::default()
                };
                let form_action = back.as_ref().map_or("'none'", |b| b.form_action.as_str());
                html_response(
                    kind.status(),
                    error_page(locale, kind, &id, ways),
                    form_action,
                )
            }
        }
    }
}
