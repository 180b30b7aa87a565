//! Offline mirror of the OpenID Foundation's OP conformance test plans, as far as they apply to a
//! provider that offers only the authorization code flow with PKCE, no dynamic registration, no
//! refresh tokens and no login session of its own (every login happens abroad):
//!
//! - "Basic OP" (`oidcc-basic-certification-test-plan`): one test per plan module, named after it.
//! - "Config OP" (`oidcc-config-certification-test-plan`): `oidcc_discovery_endpoint_verification`.
//!
//! Modules that do not apply, and why: `oidcc-refresh-token` (no refresh tokens are issued;
//! discovery lists only `authorization_code`), `oidcc-prompt-none-logged-in` (there is no OP session
//! to be logged in to: `prompt=none` is always `login_required`, tested below),
//! `oidcc-idtoken-unsigned` (unsigned ID tokens are never issued), `oidcc-registration-*` (no
//! dynamic registration). The tests run against the in-process provider with the test login step
//! (`helpers::spawn_app`); the identity comes from `complete_authorization`, as the SAML side
//! hands it over.

use serde_json::{json, Value};

use eidas_node::identity::{Subject, VerifiedIdentity};
use eidas_node::jose::{Alg, JwkSet, UnverifiedJws};

use crate::helpers::*;

const CLIENT: &str = "rp-conformance";

fn identity_with_contact_data() -> VerifiedIdentity {
    let mut id = test_identity();
    if let Subject::Natural(p) = &mut id.subject {
        p.email_address = Some("nikos@example.gr".into());
        p.phone_number = Some("+30 210 0000000".into());
    }
    id
}

/// A conformance run's view of one authorization: the parameters it sends, and what came back.
struct Run {
    verifier: String,
    params: Vec<(String, String)>,
}

impl Run {
    fn new(scope: &str) -> Run {
        let (verifier, challenge) = pkce();
        let params = [
            ("response_type", "code"),
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", "conf-state"),
            ("nonce", "conf-nonce"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        Run { verifier, params }
    }

    fn set(mut self, k: &str, v: &str) -> Run {
        self.params.retain(|(n, _)| n != k);
        self.params.push((k.into(), v.into()));
        self
    }

    fn without(mut self, k: &str) -> Run {
        self.params.retain(|(n, _)| n != k);
        self
    }

    fn refs(&self) -> Vec<(&str, &str)> {
        self.params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// `/authorize` (GET), then the login step completes with `identity`; the redirect back.
    async fn authorize(&self, app: &TestApp, identity: VerifiedIdentity) -> Back {
        let (status, loc, body) = app.get_authorize(&self.refs()).await;
        back_from(app, status, loc, body, identity).await
    }
}

/// Where an authorization ended.
#[derive(Debug)]
enum Back {
    /// At the client's redirect_uri.
    Redirect(String),
    /// On an error page (the redirect_uri could not be trusted).
    Page(u16),
}

impl Back {
    fn redirect(&self) -> &str {
        match self {
            Back::Redirect(u) => u,
            Back::Page(s) => panic!("expected a redirect, got a page {s}"),
        }
    }
    fn param(&self, k: &str) -> Option<String> {
        query_param(self.redirect(), k)
    }
}

async fn back_from(
    app: &TestApp,
    status: u16,
    loc: Option<String>,
    body: String,
    identity: VerifiedIdentity,
) -> Back {
    let Some(loc) = loc.filter(|_| status == 303) else {
        return Back::Page(status);
    };
    if let Some(flow) = loc.strip_prefix("/login?flow=") {
        let url = app
            .provider
            .complete_authorization(flow, identity)
            .await
            .unwrap();
        return Back::Redirect(url);
    }
    assert!(loc.starts_with(REDIRECT), "{loc} {body}");
    Back::Redirect(loc)
}

async fn token(app: &TestApp, back: &Back, verifier: &str) -> (u16, Value) {
    let code = back.param("code").expect("code");
    let (status, body, _) = app
        .post_token(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
            Some((CLIENT, SECRET)),
        )
        .await;
    (status, body)
}

/// OIDC Core §3.1.3.7: signature by a key from `/jwks` with the registered algorithm, `iss`,
/// `aud`, `azp`, `exp` after `iat`, `nonce` as sent, `at_hash` of the access token.
async fn verify_id_token(app: &TestApp, tokens: &Value, nonce: Option<&str>) -> Value {
    let jwt = tokens["id_token"].as_str().unwrap();
    let jwks: JwkSet = app
        .http
        .get(format!("{}/jwks", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jws = UnverifiedJws::parse(jwt).unwrap();
    assert_eq!(jws.alg, Alg::RS256, "the client registered RS256");
    let payload = jws.verify_with_set(&jwks.keys).expect("signature");
    let claims: Value = serde_json::from_slice(payload).unwrap();
    assert_eq!(claims["iss"], app.base);
    assert_eq!(claims["aud"], CLIENT);
    assert_eq!(claims["azp"], CLIENT);
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    assert!(claims["auth_time"].is_i64());
    assert_eq!(claims["nonce"].as_str(), nonce);
    let digest = openssl::sha::sha256(tokens["access_token"].as_str().unwrap().as_bytes());
    use base64::Engine;
    let at_hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]);
    assert_eq!(claims["at_hash"], at_hash);
    claims
}

async fn userinfo_get(app: &TestApp, token: &str) -> (u16, Value) {
    let r = app
        .http
        .get(format!("{}/userinfo", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// A whole successful run: authorize, token, ID token verified; returns (tokens, claims).
async fn code_flow(app: &TestApp, run: Run) -> (Value, Value) {
    let back = run.authorize(app, identity_with_contact_data()).await;
    assert_eq!(back.param("state").as_deref(), Some("conf-state"));
    assert_eq!(back.param("iss").as_deref(), Some(app.base.as_str()));
    let (status, tokens) = token(app, &back, &run.verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let nonce = run
        .params
        .iter()
        .find(|(k, _)| k == "nonce")
        .map(|(_, v)| v.as_str());
    let claims = verify_id_token(app, &tokens, nonce).await;
    (tokens, claims)
}

fn expect_error(back: &Back, error: &str) {
    assert_eq!(back.param("error").as_deref(), Some(error), "{back:?}");
    assert_eq!(back.param("state").as_deref(), Some("conf-state"));
    assert_eq!(back.param("code"), None);
}

// ------------------------------------------------------------------------- Basic OP plan

#[tokio::test]
async fn oidcc_server() {
    let app = spawn_app().await;
    let (tokens, claims) = code_flow(&app, Run::new("openid")).await;
    let (status, info) = userinfo_get(&app, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(info["sub"], claims["sub"], "userinfo sub = ID token sub");
}

#[tokio::test]
async fn oidcc_response_type_missing() {
    let app = spawn_app().await;
    let back = Run::new("openid")
        .without("response_type")
        .authorize(&app, test_identity())
        .await;
    expect_error(&back, "invalid_request");
}

#[tokio::test]
async fn oidcc_userinfo_get() {
    let app = spawn_app().await;
    let (tokens, _) = code_flow(&app, Run::new("openid")).await;
    let (status, info) = userinfo_get(&app, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!((status, info["sub"].is_string()), (200, true));
}

#[tokio::test]
async fn oidcc_userinfo_post_header() {
    let app = spawn_app().await;
    let (tokens, claims) = code_flow(&app, Run::new("openid")).await;
    let r = app
        .http
        .post(format!("{}/userinfo", app.base))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["sub"], claims["sub"]);
}

#[tokio::test]
async fn oidcc_userinfo_post_body() {
    let app = spawn_app().await;
    let (tokens, claims) = code_flow(&app, Run::new("openid")).await;
    let token = tokens["access_token"].as_str().unwrap();
    let r = app
        .http
        .post(format!("{}/userinfo", app.base))
        .form(&[("access_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["sub"], claims["sub"]);
    // RFC 6750 §2: one method only.
    let r = app
        .http
        .post(format!("{}/userinfo", app.base))
        .bearer_auth(token)
        .form(&[("access_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // And never in the query.
    let r = app
        .http
        .get(format!("{}/userinfo?access_token={token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
}

#[tokio::test]
async fn oidcc_ensure_request_without_nonce_succeeds_for_code_flow() {
    let app = spawn_app().await;
    let (_, claims) = code_flow(&app, Run::new("openid").without("nonce")).await;
    assert!(claims.get("nonce").is_none());
}

async fn scope_run(scope: &str) -> (Value, Value) {
    let app = spawn_app().await;
    let (tokens, claims) = code_flow(&app, Run::new(scope)).await;
    let (status, info) = userinfo_get(&app, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(info["sub"], claims["sub"]);
    (tokens, info)
}

#[tokio::test]
async fn oidcc_scope_profile() {
    let (tokens, info) = scope_run("openid profile").await;
    assert_eq!(tokens["scope"], "openid profile");
    for claim in ["family_name", "given_name", "birthdate"] {
        assert!(info[claim].is_string(), "{claim} in {info}");
    }
}

#[tokio::test]
async fn oidcc_scope_email() {
    let (tokens, info) = scope_run("openid email").await;
    assert_eq!(tokens["scope"], "email openid");
    assert_eq!(info["email"], "nikos@example.gr");
}

#[tokio::test]
async fn oidcc_scope_address() {
    let (tokens, info) = scope_run("openid address").await;
    assert_eq!(tokens["scope"], "address openid");
    assert_eq!(info["address"]["postal_code"], "10563");
    assert!(info["address"]["formatted"].is_string());
}

#[tokio::test]
async fn oidcc_scope_phone() {
    let (tokens, info) = scope_run("openid phone").await;
    assert_eq!(tokens["scope"], "openid phone");
    assert_eq!(info["phone_number"], "+30 210 0000000");
}

#[tokio::test]
async fn oidcc_scope_all() {
    let (tokens, info) = scope_run("openid profile email address phone").await;
    assert_eq!(tokens["scope"], "address email openid phone profile");
    for claim in ["email", "phone_number", "family_name"] {
        assert!(info[claim].is_string(), "{claim} in {info}");
    }
    assert!(info["address"].is_object());
}

#[tokio::test]
async fn oidcc_ensure_other_scope_order_succeeds() {
    let (a, _) = scope_run("email openid").await;
    let (b, _) = scope_run("openid email").await;
    assert_eq!(a["scope"], b["scope"]);
}

#[tokio::test]
async fn oidcc_display_page() {
    let app = spawn_app().await;
    code_flow(&app, Run::new("openid").set("display", "page")).await;
}

#[tokio::test]
async fn oidcc_display_popup() {
    let app = spawn_app().await;
    code_flow(&app, Run::new("openid").set("display", "popup")).await;
}

#[tokio::test]
async fn oidcc_prompt_login() {
    let app = spawn_app().await;
    code_flow(&app, Run::new("openid").set("prompt", "login")).await;
}

#[tokio::test]
async fn oidcc_prompt_none_not_logged_in() {
    let app = spawn_app().await;
    let back = Run::new("openid")
        .set("prompt", "none")
        .authorize(&app, test_identity())
        .await;
    expect_error(&back, "login_required");
}

#[tokio::test]
async fn oidcc_max_age_1() {
    let app = spawn_app().await;
    // A fresh login abroad satisfies max_age=1; auth_time is in the ID token.
    let (_, claims) = code_flow(&app, Run::new("openid").set("max_age", "1")).await;
    assert!(claims["auth_time"].as_i64().unwrap() > 0);
    // An authentication abroad older than max_age (plus 60 s for clocks) is not.
    let run = Run::new("openid").set("max_age", "1");
    let mut stale = identity_with_contact_data();
    stale.authn_instant -= time::Duration::minutes(5);
    let back = run.authorize(&app, stale).await;
    expect_error(&back, "login_required");
}

#[tokio::test]
async fn oidcc_max_age_10000() {
    let app = spawn_app().await;
    let (_, claims) = code_flow(&app, Run::new("openid").set("max_age", "10000")).await;
    assert!(claims["auth_time"].is_i64());
}

#[tokio::test]
async fn oidcc_ensure_request_with_unknown_parameter_succeeds() {
    let app = spawn_app().await;
    code_flow(&app, Run::new("openid").set("extra_parameter", "ignored")).await;
}

#[tokio::test]
async fn oidcc_id_token_hint() {
    let app = spawn_app().await;
    let (tokens, _) = code_flow(&app, Run::new("openid")).await;
    let hint = tokens["id_token"].as_str().unwrap();
    code_flow(&app, Run::new("openid").set("id_token_hint", hint)).await;
}

#[tokio::test]
async fn oidcc_login_hint() {
    let app = spawn_app().await;
    code_flow(
        &app,
        Run::new("openid").set("login_hint", "nikos@example.gr"),
    )
    .await;
}

#[tokio::test]
async fn oidcc_ui_locales() {
    let app = spawn_app().await;
    code_flow(&app, Run::new("openid").set("ui_locales", "se")).await;
}

#[tokio::test]
async fn oidcc_claims_locales() {
    let app = spawn_app().await;
    code_flow(&app, Run::new("openid").set("claims_locales", "se")).await;
}

#[tokio::test]
async fn oidcc_ensure_request_with_acr_values_succeeds() {
    let app = spawn_app().await;
    let (_, claims) = code_flow(
        &app,
        Run::new("openid").set("acr_values", "http://eidas.europa.eu/LoA/substantial"),
    )
    .await;
    assert_eq!(claims["acr"], "http://eidas.europa.eu/LoA/high");
}

#[tokio::test]
async fn oidcc_codereuse() {
    let app = spawn_app().await;
    let run = Run::new("openid");
    let back = run.authorize(&app, test_identity()).await;
    assert_eq!(token(&app, &back, &run.verifier).await.0, 200);
    let (status, body) = token(&app, &back, &run.verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn oidcc_codereuse_30seconds() {
    let app = spawn_app().await;
    let run = Run::new("openid");
    let back = run.authorize(&app, test_identity()).await;
    assert_eq!(token(&app, &back, &run.verifier).await.0, 200);
    app.clock.advance(std::time::Duration::from_secs(30));
    let (status, body) = token(&app, &back, &run.verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn oidcc_ensure_registered_redirect_uri() {
    let app = spawn_app().await;
    let back = Run::new("openid")
        .set("redirect_uri", "https://attacker.example/cb")
        .authorize(&app, test_identity())
        .await;
    assert!(matches!(back, Back::Page(400)), "{back:?}");
}

#[tokio::test]
async fn oidcc_ensure_redirect_uri_in_authorization_request() {
    let app = spawn_app().await;
    let back = Run::new("openid")
        .without("redirect_uri")
        .authorize(&app, test_identity())
        .await;
    assert!(matches!(back, Back::Page(400)), "{back:?}");
}

#[tokio::test]
async fn oidcc_redirect_uri_query_ok() {
    let app = spawn_app().await;
    let run = Run::new("openid").set("redirect_uri", "http://127.0.0.1:9/cb?tenant=a");
    let back = run.authorize(&app, test_identity()).await;
    let url = back.redirect();
    assert!(url.starts_with("http://127.0.0.1:9/cb?tenant=a&"), "{url}");
    assert!(back.param("code").is_some());
}

#[tokio::test]
async fn oidcc_redirect_uri_query_mismatch() {
    let app = spawn_app().await;
    let back = Run::new("openid")
        .set("redirect_uri", "http://127.0.0.1:9/cb?tenant=b")
        .authorize(&app, test_identity())
        .await;
    assert!(matches!(back, Back::Page(400)), "{back:?}");
}

#[tokio::test]
async fn oidcc_server_client_secret_post() {
    let app = spawn_app().await;
    let run = Run::new("openid");
    let back = run.authorize(&app, test_identity()).await;
    let code = back.param("code").unwrap();
    let (status, body, _) = app
        .post_token(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &run.verifier),
                ("client_id", CLIENT),
                ("client_secret", SECRET),
            ],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn oidcc_unsigned_request_object_supported_correctly_or_rejected_as_unsupported() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let app = spawn_app().await;
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(
            json!({"client_id": CLIENT, "aud": app.base, "response_type": "code",
                   "redirect_uri": REDIRECT, "scope": "openid"})
            .to_string()
        )
    );
    let (status, loc, _) = app
        .get_authorize(&[("client_id", CLIENT), ("request", &unsigned)])
        .await;
    assert_eq!((status, loc), (400, None));
}

#[tokio::test]
async fn oidcc_ensure_request_object_with_redirect_uri() {
    let app = spawn_app().await;
    let (verifier, challenge) = pkce();
    let object = sign_jwt(
        &app.rp_key,
        &json!({"client_id": CLIENT, "iss": CLIENT, "aud": app.base, "response_type": "code",
                "exp": time::OffsetDateTime::now_utc().unix_timestamp() + 300,
                "redirect_uri": REDIRECT, "scope": "openid", "state": "conf-state",
                "nonce": "obj-nonce", "code_challenge": challenge, "code_challenge_method": "S256"}),
    );
    let (status, loc, body) = app
        .get_authorize(&[
            ("client_id", CLIENT),
            ("request", &object),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid"),
        ])
        .await;
    let back = back_from(&app, status, loc, body, identity_with_contact_data()).await;
    let (status, tokens) = token(&app, &back, &verifier).await;
    assert_eq!(status, 200);
    verify_id_token(&app, &tokens, Some("obj-nonce")).await;
}

#[tokio::test]
async fn oidcc_claims_essential() {
    let app = spawn_app().await;
    let claims =
        r#"{"userinfo":{"name":{"essential":true}},"id_token":{"acr":{"essential":true}}}"#;
    let (_, id) = code_flow(&app, Run::new("openid").set("claims", claims)).await;
    assert!(id["acr"].is_string());
}

#[tokio::test]
async fn oidcc_ensure_request_with_valid_pkce_succeeds() {
    let app = spawn_app().await;
    code_flow(&app, Run::new("openid")).await;
}

#[tokio::test]
async fn oidcc_ensure_pkce_is_required_and_checked() {
    let app = spawn_app().await;
    let back = Run::new("openid")
        .without("code_challenge")
        .authorize(&app, test_identity())
        .await;
    expect_error(&back, "invalid_request");
    let run = Run::new("openid");
    let back = run.authorize(&app, test_identity()).await;
    let (status, body) = token(&app, &back, &format!("{}x", run.verifier)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn oidcc_request_uri_unsigned() {
    // Discovery says request_uri_parameter_supported: false; a request_uri we did not issue
    // (by reference, RFC 9101 §5.2) is refused, never fetched.
    let app = spawn_app().await;
    let (status, loc, _) = app
        .get_authorize(&[
            ("client_id", CLIENT),
            ("request_uri", "https://rp.example/request.jwt"),
        ])
        .await;
    assert_eq!((status, loc), (400, None));
}

#[tokio::test]
async fn oidcc_ensure_post_request_succeeds() {
    let app = spawn_app().await;
    let run = Run::new("openid");
    let r = app
        .http
        .post(format!("{}/authorize", app.base))
        .form(&run.refs())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let loc = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let back = back_from(&app, status, loc, String::new(), test_identity()).await;
    assert_eq!(token(&app, &back, &run.verifier).await.0, 200);
}

#[tokio::test]
async fn oidcc_state_and_iss_are_returned_on_success_and_error() {
    let app = spawn_app().await;
    let back = Run::new("openid")
        .set("state", "conf-state")
        .authorize(&app, test_identity())
        .await;
    assert_eq!(back.param("state").as_deref(), Some("conf-state"));
    assert_eq!(back.param("iss").as_deref(), Some(app.base.as_str()));
    let back = Run::new("openid")
        .set("prompt", "none")
        .authorize(&app, test_identity())
        .await;
    assert_eq!(back.param("iss").as_deref(), Some(app.base.as_str()));
}

// ------------------------------------------------------------------------- Config OP plan

#[tokio::test]
async fn oidcc_discovery_endpoint_verification() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(format!("{}/.well-known/openid-configuration", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let d: Value = r.json().await.unwrap();
    // Discovery §4.3: issuer identical to the URL discovery was fetched from.
    assert_eq!(d["issuer"], app.base);
    for (k, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("pushed_authorization_request_endpoint", "/par"),
    ] {
        assert_eq!(d[k], format!("{}{path}", app.base), "{k}");
    }
    let has = |k: &str, v: &str| {
        d[k].as_array()
            .unwrap_or_else(|| panic!("{k} missing"))
            .iter()
            .any(|x| x == v)
    };
    // Discovery §3 REQUIRED members and values.
    assert!(has("response_types_supported", "code"));
    assert!(has("subject_types_supported", "public"));
    assert!(has("id_token_signing_alg_values_supported", "RS256"));
    assert!(!has("id_token_signing_alg_values_supported", "none"));
    assert!(has("scopes_supported", "openid"));
    assert!(has("grant_types_supported", "authorization_code"));
    assert!(!has("grant_types_supported", "implicit"));
    assert!(has("code_challenge_methods_supported", "S256"));
    assert!(!has("code_challenge_methods_supported", "plain"));
    for m in d["token_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap()
    {
        assert!(
            [
                "client_secret_basic",
                "client_secret_post",
                "private_key_jwt"
            ]
            .contains(&m.as_str().unwrap()),
            "{m}"
        );
    }
    for claim in [
        "sub",
        "iss",
        "auth_time",
        "acr",
        "family_name",
        "given_name",
    ] {
        assert!(has("claims_supported", claim), "{claim}");
    }
    assert_eq!(d["claims_parameter_supported"], true);
    assert_eq!(d["request_parameter_supported"], true);
    assert_eq!(d["request_uri_parameter_supported"], false);
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);
    // The JWKS: signing keys only, unique kids, no private parts, RSA ≥ 2048 bits.
    let jwks: Value = app
        .http
        .get(d["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    let mut kids: Vec<&str> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    kids.sort_unstable();
    let n = kids.len();
    kids.dedup();
    assert_eq!(kids.len(), n, "kids are unique");
    for k in keys {
        assert_eq!(k["use"], "sig", "{k}");
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(k.get(private).is_none(), "{private} in {k}");
        }
        if k["kty"] == "RSA" {
            use base64::Engine;
            let modulus = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k["n"].as_str().unwrap())
                .unwrap();
            assert!(modulus.len() * 8 >= 2048, "{k}");
        }
    }
    // Every advertised ID token algorithm has a key.
    for alg in d["id_token_signing_alg_values_supported"]
        .as_array()
        .unwrap()
    {
        assert!(keys.iter().any(|k| k["alg"] == *alg), "{alg}");
    }
}
