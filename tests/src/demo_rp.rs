//! The demo e-service: an OpenID Connect RP built on the `openidconnect` crate (discovery, PKCE
//! S256, nonce, state, client_secret_basic) that really verifies the ID token against the
//! gateway's JWKS and shows every claim. A TEST tool: sessions live in process memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

use crate::html::{escape, page};

const COOKIE: &str = "demo_rp_session";
const SESSION_TTL: Duration = Duration::from_secs(15 * 60);

/// The demo RP's settings.
#[derive(Clone, Debug)]
pub struct RpConfig {
    /// The gateway's issuer URL (discovery at `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where this RP is reachable; the redirect URI is `{public_url}/callback`.
    pub public_url: String,
    /// Countries offered for pre-selection (`eidas:country:xx` scope).
    pub countries: Vec<String>,
}

impl RpConfig {
    pub fn redirect_uri(&self) -> String {
        format!("{}/callback", self.public_url.trim_end_matches('/'))
    }
}

struct LoginSession {
    csrf: String,
    nonce: String,
    verifier: String,
    at: Instant,
}

#[derive(Clone)]
struct RpState {
    cfg: Arc<RpConfig>,
    http: reqwest::Client,
    sessions: Arc<Mutex<HashMap<String, LoginSession>>>,
}

/// The demo RP's routes: `/`, `/login`, `/callback`.
pub fn router(cfg: RpConfig) -> Result<Router, reqwest::Error> {
    let http = reqwest::Client::builder()
        // openidconnect: never follow redirects on back-channel requests (SSRF).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()?;
    let state = RpState {
        cfg: Arc::new(cfg),
        http,
        sessions: Arc::new(Mutex::new(HashMap::new())),
    };
    Ok(Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/callback", get(callback))
        .route(crate::html::STYLE_PATH, get(crate::html::testbed_css))
        .with_state(state))
}

async fn home(State(st): State<RpState>) -> Response {
    let mut b = String::from(
        "<h1>Demo e-service (TEST)</h1>\n<p>This demo shows what an e-service receives from the eIDAS gateway.</p>\n<form method=\"get\" action=\"/login\">\n<div><label for=\"country\">Your country (optional)</label> <select id=\"country\" name=\"country\">\n<option value=\"\" selected>Choose at the gateway</option>\n",
    );
    for c in &st.cfg.countries {
        b.push_str(&format!("<option value=\"{0}\">{0}</option>\n", escape(c)));
    }
    b.push_str("</select></div>\n<div><input type=\"checkbox\" id=\"legal\" name=\"legal\" value=\"on\"> <label for=\"legal\">Log in as a company (legal person)</label></div>\n<div><button type=\"submit\">Log in with your European eID</button></div>\n</form>");
    page(StatusCode::OK, "Demo e-service", &b)
}

async fn discover(st: &RpState) -> Result<CoreProviderMetadata, String> {
    let issuer = IssuerUrl::new(st.cfg.issuer.clone()).map_err(|e| e.to_string())?;
    CoreProviderMetadata::discover_async(issuer, &st.http)
        .await
        .map_err(|e| e.to_string())
}

fn random_handle() -> Option<String> {
    use base64::Engine;
    let mut b = [0u8; 32];
    openssl::rand::rand_bytes(&mut b).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

async fn login(State(st): State<RpState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let meta = match discover(&st).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "discovery failed");
            return rp_error(StatusCode::BAD_GATEWAY, "The login service is unavailable.");
        }
    };
    let Ok(redirect) = RedirectUrl::new(st.cfg.redirect_uri()) else {
        return rp_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Bad redirect URI configured.",
        );
    };
    let client = CoreClient::from_provider_metadata(
        meta,
        ClientId::new(st.cfg.client_id.clone()),
        Some(ClientSecret::new(st.cfg.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    if let Some(cc) = q
        .get("country")
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        req = req.add_scope(Scope::new(format!(
            "eidas:country:{}",
            cc.to_ascii_lowercase()
        )));
    }
    if q.get("legal").is_some_and(|v| v == "on") {
        req = req.add_scope(Scope::new("eidas:legal_person".to_owned()));
    }
    let (url, csrf, nonce) = req.url();
    let Some(sid) = random_handle() else {
        return rp_error(StatusCode::INTERNAL_SERVER_ERROR, "Try again.");
    };
    if let Ok(mut s) = st.sessions.lock() {
        s.retain(|_, v| v.at.elapsed() < SESSION_TTL);
        s.insert(
            sid.clone(),
            LoginSession {
                csrf: csrf.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                at: Instant::now(),
            },
        );
    }
    let mut r = StatusCode::SEE_OTHER.into_response();
    // Secure whenever the RP itself is served over HTTPS (plain http only on loopback tests).
    let secure = if st.cfg.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age=900{secure}");
    if let (Ok(loc), Ok(c)) = (
        HeaderValue::from_str(url.as_str()),
        HeaderValue::from_str(&cookie),
    ) {
        r.headers_mut().insert(header::LOCATION, loc);
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

async fn callback(
    State(st): State<RpState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    // Single use: the session is taken, so a replayed callback finds nothing.
    let sess = session_id(&headers).and_then(|sid| st.sessions.lock().ok()?.remove(&sid));
    let Some(sess) = sess.filter(|s| s.at.elapsed() < SESSION_TTL) else {
        return rp_error(
            StatusCode::BAD_REQUEST,
            "No login in progress (or it expired). Start again.",
        );
    };
    if q.get("state") != Some(&sess.csrf) {
        return rp_error(
            StatusCode::BAD_REQUEST,
            "The state parameter does not match.",
        );
    }
    if let Some(err) = q.get("error") {
        let desc = q.get("error_description").map(String::as_str).unwrap_or("");
        let body = format!(
            "<h1>Login did not succeed</h1>\n<p>The gateway answered <code>{}</code>.</p>\n<p>{}</p>\n<p><a href=\"/\">Start again</a></p>",
            escape(err),
            escape(desc)
        );
        return page(StatusCode::OK, "Login did not succeed", &body);
    }
    let Some(code) = q.get("code") else {
        return rp_error(StatusCode::BAD_REQUEST, "No code in the answer.");
    };
    match redeem(&st, &sess, code).await {
        Ok(claims) => page(StatusCode::OK, "Logged in", &claims_page(&claims)),
        Err(e) => {
            tracing::warn!(error = %e, "code redemption or ID token verification failed");
            rp_error(
                StatusCode::BAD_GATEWAY,
                "The ID token could not be verified.",
            )
        }
    }
}

/// Exchanges the code (client_secret_basic + PKCE) and verifies the ID token (signature against
/// the JWKS, issuer, audience, expiry, nonce). Returns the verified token's claims as JSON.
async fn redeem(
    st: &RpState,
    sess: &LoginSession,
    code: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let meta = discover(st).await?;
    let redirect = RedirectUrl::new(st.cfg.redirect_uri()).map_err(|e| e.to_string())?;
    let client = CoreClient::from_provider_metadata(
        meta,
        ClientId::new(st.cfg.client_id.clone()),
        Some(ClientSecret::new(st.cfg.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| e.to_string())?
        .set_pkce_verifier(PkceCodeVerifier::new(sess.verifier.clone()))
        .request_async(&st.http)
        .await
        .map_err(|e| format!("token request: {e}"))?;
    let id_token = token.id_token().ok_or("no id_token")?;
    let verifier = client.id_token_verifier().set_allowed_algs(vec![
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    ]);
    id_token
        .claims(&verifier, &Nonce::new(sess.nonce.clone()))
        .map_err(|e| format!("id token: {e}"))?;
    // Verified above; now read every claim, including the eIDAS ones the standard type drops.
    let compact = id_token.to_string();
    let payload = compact.split('.').nth(1).ok_or("malformed id token")?;
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// An error page of the demo e-service: what went wrong, and always the way to start again.
fn rp_error(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Error",
        &format!(
            "<h1>Error</h1>\n<p>{}</p>\n<p><a href=\"/\">Start again</a></p>",
            escape(message)
        ),
    )
}

/// A country code as its English CLDR name with the code (`Greece (EL)`); a test country's
/// code alone.
fn country(code: &str) -> String {
    eidas_node::country_names::name(code, "en")
        .map_or_else(|| code.to_owned(), |n| format!("{n} ({code})"))
}

/// A claim's value as a person reads it: times as UTC dates, countries by name, nested values
/// as JSON.
fn shown(key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match (key, v) {
        ("exp" | "iat" | "auth_time" | "nbf", Value::Number(n)) => n
            .as_i64()
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
            .and_then(|t| {
                t.format(time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
                ))
                .ok()
            })
            .unwrap_or_else(|| n.to_string()),
        ("eidas_country", Value::String(s)) => country(s),
        ("nationalities", Value::Array(a)) => a
            .iter()
            .map(|c| c.as_str().map_or_else(|| c.to_string(), country))
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The claims as an HTML table (escaped; dates and countries readable, nested values as JSON).
pub fn claims_page(claims: &serde_json::Map<String, serde_json::Value>) -> String {
    let mut b = String::from("<h1>You are logged in</h1>\n<p>The gateway vouched for these claims (ID token verified):</p>\n<table>\n<thead><tr><th scope=\"col\">Claim</th><th scope=\"col\">Value</th></tr></thead>\n<tbody>\n");
    for (k, v) in claims {
        let shown = shown(k, v);
        b.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
            escape(k),
            escape(&shown)
        ));
    }
    b.push_str("</tbody>\n</table>\n<p><a href=\"/\">Start again</a></p>");
    b
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn claims_show_dates_as_dates_and_countries_by_name() {
        let claims: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"exp": 1796198400, "eidas_country": "EL", "nationalities": ["SE", "XA"],
                "birthdate": "1985-03-25", "given_name": "<Ελένη>"}"#,
        )
        .unwrap();
        let html = claims_page(&claims);
        assert!(html.contains("<td>2026-12-02 08:00:00 UTC</td>"), "{html}");
        assert!(html.contains("<td>Greece (EL)</td>"));
        assert!(html.contains("<td>Sweden (SE), XA</td>"));
        assert!(html.contains("<td>1985-03-25</td>"));
        assert!(html.contains("&lt;Ελένη&gt;"));
        assert!(html.contains("<a href=\"/\">Start again</a>"));
    }
}
