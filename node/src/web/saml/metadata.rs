//! `GET /saml/metadata`: our signed SP metadata (entityID = this URL).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::super::WebState;

pub(super) async fn publish(State(s): State<Arc<WebState>>) -> Response {
    match s.saml.metadata(s.clock.now()) {
        Ok(doc) => {
            let mut r = (*doc).clone().into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/samlmetadata+xml"),
            );
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "building our metadata failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
