//! The operators' API, on its own listener (loopback by default), never on the public one.
//!
//! Owns: bearer-token authentication (tokens read from files at start-up, compared by SHA-256 in
//! constant time; the operator is named by the token file's name) and the admin router:
//! `GET /admin/healthz`, `GET /metrics`, `GET /admin/trust/status|diff|history`,
//! `POST /admin/trust/refresh` and `POST /admin/trust/versions/{id}/approve|reject|rollback`.
//! Key rollover lands here as it comes. Must not: know a protocol or the trust types (they are injected as
//! [`Operations`]), or be reachable without a token.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

/// An operator's decision on a staged or earlier version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Rollback,
}

/// Why an operation was refused: the HTTP status and a message for the operator.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

/// What the admin API reports and changes, injected by `app` so this module names no trust
/// type.
#[async_trait::async_trait]
pub trait Operations: Send + Sync {
    /// `GET /admin/trust/status`.
    fn status(&self) -> serde_json::Value;
    /// `GET /metrics`: the Prometheus (OpenMetrics) text.
    fn metrics(&self) -> String;
    /// `GET /admin/trust/diff[?version=ID]`: active → `version` (default: the staged one).
    async fn diff(&self, version: Option<String>) -> Result<serde_json::Value, Refusal>;
    /// `GET /admin/trust/history`.
    async fn history(&self) -> Result<serde_json::Value, Refusal>;
    /// `POST /admin/trust/refresh`: fetch and verify every source now; the status after it.
    async fn refresh(&self) -> serde_json::Value;
    /// `POST /admin/trust/versions/{version}/{decision}` by the operator `by`.
    async fn decide(
        &self,
        decision: Decision,
        version: String,
        by: String,
    ) -> Result<serde_json::Value, Refusal>;
    /// `POST /admin/keys/reload` by the operator `by`: our keys from the config file again
    /// (as SIGHUP does); the warnings and the timeline after it.
    async fn reload_keys(&self, by: String) -> Result<serde_json::Value, Refusal>;
    /// `POST /admin/wallet/lists/{name}/approve?digest=HEX` by the operator `by`: the
    /// PID-provider list `name` under review, as verified (its digest), approved.
    async fn approve_wallet_list(
        &self,
        name: String,
        digest: String,
        by: String,
    ) -> Result<serde_json::Value, Refusal>;
}

/// The operator a request authenticated as (the token file's name, without extension).
#[derive(Debug, Clone)]
pub struct Operator(pub String);

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

/// The accepted tokens, as SHA-256 digests, each with the operator it names.
#[derive(Clone, Default)]
pub struct AdminTokens(Arc<Vec<([u8; 32], String)>>);

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
                    let name = path
                        .file_stem()
                        .map_or_else(|| "admin".into(), |s| s.to_string_lossy().into_owned());
                    digests.push((openssl::sha::sha256(t.trim().as_bytes()), name));
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

    /// The operator `token` names, if it is one of ours.
    fn accepts(&self, token: &str) -> Option<String> {
        let got = openssl::sha::sha256(token.as_bytes());
        // Every digest is compared, so the time does not say which one matched.
        self.0.iter().fold(None, |found, (d, name)| {
            let hit = openssl::memcmp::eq(d, &got);
            found.or_else(|| hit.then(|| name.clone()))
        })
    }
}

/// `Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive).
fn parse_bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 512)
        .then_some(token)
}

async fn require_token(
    State(tokens): State<AdminTokens>,
    mut req: Request,
    next: Next,
) -> Response {
    let who = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_bearer)
        .and_then(|t| tokens.accepts(t));
    if let Some(name) = who {
        req.extensions_mut().insert(Operator(name));
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

fn answer(r: Result<serde_json::Value, Refusal>) -> Response {
    match r {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => (
            e.status,
            axum::Json(serde_json::json!({ "error": e.message })),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct DiffQuery {
    version: Option<String>,
}

type Ops = Arc<dyn Operations>;

async fn decide(
    State(ops): State<Ops>,
    axum::Extension(Operator(by)): axum::Extension<Operator>,
    axum::extract::Path((version, action)): axum::extract::Path<(String, String)>,
) -> Response {
    let decision = match action.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        "rollback" => Decision::Rollback,
        _ => {
            return answer(Err(Refusal {
                status: StatusCode::NOT_FOUND,
                message: "the action is approve, reject or rollback".into(),
            }))
        }
    };
    answer(ops.decide(decision, version, by).await)
}

#[derive(Debug, Deserialize)]
struct DigestQuery {
    digest: String,
}

/// The admin API: every route behind the token check.
pub fn router(tokens: AdminTokens, ops: Ops) -> Router {
    Router::new()
        .route(
            "/admin/healthz",
            get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/metrics",
            get(|State(ops): State<Ops>| async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    ops.metrics(),
                )
            }),
        )
        .route(
            "/admin/trust/status",
            get(|State(ops): State<Ops>| async move { axum::Json(ops.status()) }),
        )
        .route(
            "/admin/trust/diff",
            get(
                |State(ops): State<Ops>,
                 axum::extract::Query(q): axum::extract::Query<DiffQuery>| async move {
                    answer(ops.diff(q.version).await)
                },
            ),
        )
        .route(
            "/admin/trust/refresh",
            axum::routing::post(
                |State(ops): State<Ops>| async move { axum::Json(ops.refresh().await) },
            ),
        )
        .route(
            "/admin/trust/history",
            get(|State(ops): State<Ops>| async move { answer(ops.history().await) }),
        )
        .route(
            "/admin/trust/versions/{version}/{action}",
            axum::routing::post(decide),
        )
        .route(
            "/admin/wallet/lists/{name}/approve",
            axum::routing::post(
                |State(ops): State<Ops>,
                 axum::extract::Path(name): axum::extract::Path<String>,
                 axum::extract::Query(q): axum::extract::Query<DigestQuery>,
                 axum::Extension(Operator(by)): axum::Extension<Operator>| async move {
                    answer(ops.approve_wallet_list(name, q.digest, by).await)
                },
            ),
        )
        .route(
            "/admin/keys/reload",
            axum::routing::post(
                |State(ops): State<Ops>,
                 axum::Extension(Operator(by)): axum::Extension<Operator>| async move {
                    answer(ops.reload_keys(by).await)
                },
            ),
        )
        .with_state(ops)
        .layer(middleware::from_fn_with_state(tokens, require_token))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tokens(list: &[&str]) -> AdminTokens {
        AdminTokens(Arc::new(
            list.iter()
                .enumerate()
                .map(|(i, t)| (openssl::sha::sha256(t.as_bytes()), format!("op{i}")))
                .collect(),
        ))
    }

    #[test]
    fn only_a_listed_token_is_accepted_and_names_its_operator() {
        let t = tokens(&["a".repeat(32).as_str(), "b".repeat(40).as_str()]);
        assert_eq!(t.accepts(&"a".repeat(32)).as_deref(), Some("op0"));
        assert_eq!(t.accepts(&"b".repeat(40)).as_deref(), Some("op1"));
        assert_eq!(t.accepts(&"a".repeat(31)), None);
        assert_eq!(t.accepts(""), None);
        assert_eq!(tokens(&[]).accepts(""), None);
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
        assert_eq!(t.accepts(&"t".repeat(32)).as_deref(), Some("good"));
        let problems =
            AdminTokens::from_files([short.as_path(), dir.join("missing").as_path()]).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
