use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use eidas_node::store::{Error as StoreError, KvBackend};

use crate::helpers::*;

fn form<'a>(code: &'a str, verifier: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ]
}

#[tokio::test]
async fn code_is_redeemed_once_with_basic_auth_and_userinfo_returns_same_claims() {
    let app = spawn_app().await;
    let (code, verifier) = app
        .code_for("rp-secret", "openid eidas:attribute:current_address")
        .await;
    let (status, body, headers) = app
        .post_token(&form(&code, &verifier), Some(("rp-secret", SECRET)))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(body["token_type"], "Bearer");
    let at = body["access_token"].as_str().unwrap();
    let r = app
        .http
        .get(format!("{}/userinfo", app.base))
        .bearer_auth(at)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ui: serde_json::Value = r.json().await.unwrap();
    assert_eq!(ui["sub"], "EL/EE/123456789");
    assert_eq!(ui["eidas_family_name_nonlatin"], "Παπαδόπουλος");
    assert_eq!(ui["address"]["postal_code"], "10563");
    assert_eq!(ui["acr"], "http://eidas.europa.eu/LoA/high");

    let (status, body, _) = app
        .post_token(&form(&code, &verifier), Some(("rp-secret", SECRET)))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn client_secret_post_works_and_wrong_secret_is_invalid_client_with_challenge() {
    let app = spawn_app().await;
    let (code, verifier) = app.code_for("rp-secret", "openid").await;
    let (status, body, headers) = app
        .post_token(&form(&code, &verifier), Some(("rp-secret", "wrong")))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    let mut f = form(&code, &verifier);
    f.extend([("client_id", "rp-secret"), ("client_secret", SECRET)]);
    let (status, body, _) = app.post_token(&f, None).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn code_is_bound_to_client_redirect_uri_and_verifier() {
    let app = spawn_app().await;
    let (code, verifier) = app.code_for("rp-secret", "openid").await;
    let (s, b, _) = app
        .post_token(&form(&code, &verifier), Some(("rp-pairwise", SECRET)))
        .await;
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_grant")));

    let (code, verifier) = app.code_for("rp-secret", "openid").await;
    let mut f = form(&code, &verifier);
    f[2] = ("redirect_uri", "http://127.0.0.1:9/other");
    let (s, b, _) = app.post_token(&f, Some(("rp-secret", SECRET))).await;
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_grant")));

    for bad_verifier in [
        "x".repeat(43),
        "x".repeat(300),
        String::new(),
        "é".repeat(50),
    ] {
        let (code, _) = app.code_for("rp-secret", "openid").await;
        let (s, b, _) = app
            .post_token(&form(&code, &bad_verifier), Some(("rp-secret", SECRET)))
            .await;
        assert_eq!(s, 400, "{b}");
        assert!(
            matches!(
                b["error"].as_str(),
                Some("invalid_grant" | "invalid_request")
            ),
            "{b}"
        );
    }
}

#[tokio::test]
async fn code_expires_after_sixty_seconds() {
    let app = spawn_app().await;
    let (code, verifier) = app.code_for("rp-secret", "openid").await;
    app.clock.advance(Duration::from_secs(61));
    let (s, b, _) = app
        .post_token(&form(&code, &verifier), Some(("rp-secret", SECRET)))
        .await;
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn unsupported_grant_and_missing_auth_are_rfc6749_errors() {
    let app = spawn_app().await;
    let (s, b, _) = app
        .post_token(&[("grant_type", "password")], Some(("rp-secret", SECRET)))
        .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (s, b, _) = app
        .post_token(&[("grant_type", "authorization_code")], None)
        .await;
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));
    let r = app
        .http
        .get(format!("{}/userinfo", app.base))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
}

fn client_assertion(app: &TestApp, jti: &str) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    sign_assertion(
        app,
        serde_json::json!({"iss": "rp-jwt", "sub": "rp-jwt", "aud": format!("{}/token", app.base),
        "exp": now + 60, "iat": now, "jti": jti}),
    )
}

fn sign_assertion(app: &TestApp, claims: serde_json::Value) -> String {
    sign_jwt(&app.rp_key, &claims)
}

#[tokio::test]
async fn private_key_jwt_authenticates_and_a_replayed_assertion_is_refused() {
    let app = spawn_app().await;
    let jwt = client_assertion(&app, "jti-1");
    let with = |code: &str, verifier: &str, jwt: &str| {
        let mut f: Vec<(String, String)> = form(code, verifier)
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        f.push((
            "client_assertion_type".into(),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
        ));
        f.push(("client_assertion".into(), jwt.into()));
        f
    };
    let (code, verifier) = app.code_for("rp-jwt", "openid").await;
    let r = app
        .http
        .post(format!("{}/token", app.base))
        .form(&with(&code, &verifier, &jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());

    let (code, verifier) = app.code_for("rp-jwt", "openid").await;
    let r = app
        .http
        .post(format!("{}/token", app.base))
        .form(&with(&code, &verifier, &jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "jti replay must fail");

    let forged = format!("{}x", &jwt[..jwt.len() - 1]);
    let r = app
        .http
        .post(format!("{}/token", app.base))
        .form(&with(&code, &verifier, &forged))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // A secret-based client cannot switch to a JWT, nor a JWT client to a secret.
    let (s, _, _) = app
        .post_token(&form(&code, &verifier), Some(("rp-jwt", SECRET)))
        .await;
    assert_eq!(s, 401);
}

async fn race_fifty_token_requests(app: Arc<TestApp>) {
    let (code, verifier) = app.code_for("rp-secret", "openid").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (app, code, verifier) = (app.clone(), code.clone(), verifier.clone());
        tasks.push(tokio::spawn(async move {
            app.post_token(&form(&code, &verifier), Some(("rp-secret", SECRET)))
                .await
                .0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 49);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_token_requests_with_one_code_yield_exactly_one_token() {
    race_fifty_token_requests(Arc::new(spawn_app().await)).await;
}

/// The same race over HTTP with the Redis store (the store contract already requires Redis in CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_token_requests_against_redis_yield_exactly_one_token() {
    let Ok(url) = std::env::var("TEST_REDIS_URL") else {
        eprintln!("SKIPPED fifty_simultaneous_token_requests_against_redis: TEST_REDIS_URL unset");
        return;
    };
    let mut b = [0u8; 8];
    openssl::rand::rand_bytes(&mut b).unwrap();
    let prefix = format!(
        "apitest-{}:",
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    );
    let backend = eidas_node::store::redis::RedisBackend::connect(&url, prefix)
        .await
        .unwrap();
    race_fifty_token_requests(Arc::new(spawn_app_with(Arc::new(backend)).await)).await;
}

/// A backend that is down: every operation fails.
#[derive(Debug)]
struct DownBackend;

#[async_trait]
impl KvBackend for DownBackend {
    async fn put(&self, _: &str, _: Vec<u8>, _: Duration) -> Result<(), StoreError> {
        Err(StoreError::Backend(std::io::Error::other("down").into()))
    }
    async fn put_if_absent(&self, _: &str, _: Vec<u8>, _: Duration) -> Result<bool, StoreError> {
        Err(StoreError::Backend(std::io::Error::other("down").into()))
    }
    async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Err(StoreError::Backend(std::io::Error::other("down").into()))
    }
    async fn take(&self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Err(StoreError::Backend(std::io::Error::other("down").into()))
    }
    async fn ping(&self) -> Result<(), StoreError> {
        Err(StoreError::Backend(std::io::Error::other("down").into()))
    }
}

#[tokio::test]
async fn store_failure_becomes_temporarily_unavailable_and_no_code_is_issued() {
    let app = spawn_app_with(Arc::new(DownBackend)).await;
    let (_, challenge) = pkce();
    let (status, loc, _) = app
        .get_authorize(&[
            ("response_type", "code"),
            ("client_id", "rp-secret"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    assert_eq!(status, 303);
    let loc = loc.unwrap();
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("temporarily_unavailable")
    );
    assert_eq!(query_param(&loc, "code"), None);
    let (s, b, _) = app
        .post_token(&form("c", &"v".repeat(43)), Some(("rp-secret", SECRET)))
        .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (503, Some("temporarily_unavailable"))
    );
}

#[tokio::test]
async fn client_assertion_with_wrong_audience_expiry_or_subject_is_refused() {
    let app = spawn_app().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token_url = format!("{}/token", app.base);
    let bad_claims = [
        serde_json::json!({"iss": "rp-jwt", "sub": "rp-jwt", "aud": "https://elsewhere.example/token", "exp": now + 60, "jti": "a"}),
        serde_json::json!({"iss": "rp-jwt", "sub": "rp-jwt", "aud": token_url, "exp": now - 1, "jti": "b"}),
        serde_json::json!({"iss": "rp-jwt", "sub": "rp-jwt", "aud": token_url, "exp": now + 3600, "jti": "c"}),
        serde_json::json!({"iss": "rp-jwt", "sub": "someone-else", "aud": token_url, "exp": now + 60, "jti": "d"}),
        serde_json::json!({"iss": "rp-jwt", "sub": "rp-jwt", "aud": [token_url], "exp": now + 60}),
    ];
    let (code, verifier) = app.code_for("rp-jwt", "openid").await;
    for claims in bad_claims {
        let jwt = sign_assertion(&app, claims.clone());
        let mut f: Vec<(&str, &str)> = form(&code, &verifier);
        f.push((
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ));
        f.push(("client_assertion", &jwt));
        let (s, b, _) = app.post_token(&f, None).await;
        assert_eq!(
            (s, b["error"].as_str()),
            (401, Some("invalid_client")),
            "{claims}"
        );
    }
    // The code survived the failed client authentications and still works for the right client.
    let jwt = client_assertion(&app, "good");
    let mut f: Vec<(&str, &str)> = form(&code, &verifier);
    f.push((
        "client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    ));
    f.push(("client_assertion", &jwt));
    let (s, b, _) = app.post_token(&f, None).await;
    assert_eq!(s, 200, "{b}");
}
