//! The operators' API, on its own listener (loopback by default), never on the public one.
//!
//! Owns: bearer-token authentication (tokens read from files at start-up, compared by SHA-256 in
//! constant time) and the admin router. It serves `GET /admin/healthz` and
//! `GET /admin/trust/status`; trust operations, metrics and key rollover land here as they come. Must not: know a protocol, or be
//! reachable without a token.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

/// A read-only report the admin API serves as JSON (e.g. the trust status). Injected by `app`,
/// so this module names no protocol or trust type.
pub type Report = Arc<dyn Fn() -> serde_json::Value + Send + Sync>;

/// `[admin]`: where the admin API listens and who may call it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    /// Socket address of the admin listener. Keep it on loopback or a management network.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Files holding one bearer token each (≥ 32 characters). No tokens: no admin listener.
    #[serde(default)]
    pub token_paths: Vec<std::path::PathBuf>,
}

fn default_listen() -> String {
    "127.0.0.1:9090".into()
}

impl Default for AdminSettings {
    fn default() -> Self {
        AdminSettings {
            listen: default_listen(),
            token_paths: Vec::new(),
        }
    }
}

/// Shortest token we accept: 32 characters of a random token carry enough entropy for a fast hash.
pub const MIN_TOKEN_LEN: usize = 32;

/// The accepted tokens, as SHA-256 digests.
#[derive(Clone, Default)]
pub struct AdminTokens(Arc<Vec<[u8; 32]>>);

impl std::fmt::Debug for AdminTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AdminTokens({} tokens)", self.0.len())
    }
}

impl AdminTokens {
    /// Reads each file (trailing whitespace trimmed); names the file of every problem.
    pub fn from_files<'a>(
        paths: impl IntoIterator<Item = &'a Path>,
    ) -> Result<AdminTokens, Vec<String>> {
        let mut digests = Vec::new();
        let mut problems = Vec::new();
        for path in paths {
            match std::fs::read_to_string(path) {
                Ok(t) if t.trim().len() >= MIN_TOKEN_LEN => {
                    digests.push(openssl::sha::sha256(t.trim().as_bytes()));
                }
                Ok(_) => problems.push(format!(
                    "admin.token_paths: {} holds a token shorter than {MIN_TOKEN_LEN} characters",
                    path.display()
                )),
                Err(e) => problems.push(format!(
                    "admin.token_paths: cannot read {}: {e}",
                    path.display()
                )),
            }
        }
        if problems.is_empty() {
            Ok(AdminTokens(Arc::new(digests)))
        } else {
            Err(problems)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn accepts(&self, token: &str) -> bool {
        let got = openssl::sha::sha256(token.as_bytes());
        // Every digest is compared, so the time does not say which one matched.
        self.0
            .iter()
            .fold(false, |ok, d| openssl::memcmp::eq(d, &got) | ok)
    }
}

/// `Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive).
fn parse_bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 512)
        .then_some(token)
}

async fn require_token(State(tokens): State<AdminTokens>, req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_bearer)
        .is_some_and(|t| tokens.accepts(t));
    if ok {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "admin request without a valid token");
    let mut r = (
        StatusCode::UNAUTHORIZED,
        "a valid admin bearer token is required\n",
    )
        .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"eidas-node-admin\""),
    );
    r
}

/// The admin API: every route behind the token check.
pub fn router(tokens: AdminTokens, trust_status: Report) -> Router {
    Router::new()
        .route(
            "/admin/healthz",
            get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/admin/trust/status",
            get(move || {
                let report = trust_status.clone();
                async move { axum::Json(report()) }
            }),
        )
        .layer(middleware::from_fn_with_state(tokens, require_token))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tokens(list: &[&str]) -> AdminTokens {
        AdminTokens(Arc::new(
            list.iter()
                .map(|t| openssl::sha::sha256(t.as_bytes()))
                .collect(),
        ))
    }

    #[test]
    fn only_a_listed_token_is_accepted() {
        let t = tokens(&["a".repeat(32).as_str(), "b".repeat(40).as_str()]);
        assert!(t.accepts(&"a".repeat(32)));
        assert!(t.accepts(&"b".repeat(40)));
        assert!(!t.accepts(&"a".repeat(31)));
        assert!(!t.accepts(""));
        assert!(!tokens(&[]).accepts(""));
    }

    #[test]
    fn token_files_must_exist_and_hold_long_tokens() {
        let dir = std::env::temp_dir().join(format!("eidas-admin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good");
        let short = dir.join("short");
        std::fs::write(&good, format!("{}\n", "t".repeat(32))).unwrap();
        std::fs::write(&short, "short\n").unwrap();
        let t = AdminTokens::from_files([good.as_path()]).unwrap();
        assert!(t.accepts(&"t".repeat(32)));
        let problems =
            AdminTokens::from_files([short.as_path(), dir.join("missing").as_path()]).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
