//! Pushed authorization requests (RFC 9126), signed request objects (RFC 9101), standard scopes
//! (OIDC Core §5.4), `prompt=login`, `max_age`, and per-client token endpoint methods.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn as_refs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The authorization parameters of a good request for `client_id`.
fn auth_params(client_id: &str, challenge: &str) -> Vec<(String, String)> {
    [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "st-par"),
        ("nonce", "n-par"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// The same parameters as request object claims, for us, from `client_id`.
fn request_claims(app: &TestApp, client_id: &str, challenge: &str) -> Value {
    let mut claims = serde_json::Map::new();
    for (k, v) in auth_params(client_id, challenge) {
        claims.insert(k, json!(v));
    }
    claims.insert("iss".into(), json!(client_id));
    claims.insert("aud".into(), json!(app.base));
    claims.insert("exp".into(), json!(now() + 60));
    Value::Object(claims)
}

fn client_assertion(app: &TestApp, client_id: &str, aud: &str) -> String {
    let mut jti = [0u8; 12];
    openssl::rand::rand_bytes(&mut jti).unwrap();
    sign_jwt(
        &app.rp_key,
        &json!({"iss": client_id, "sub": client_id, "aud": aud, "exp": now() + 60,
                "jti": jti.iter().map(|b| format!("{b:02x}")).collect::<String>()}),
    )
}

async fn push(
    app: &TestApp,
    form: &[(String, String)],
    basic: Option<(&str, &str)>,
) -> (u16, Value) {
    let mut req = app.http.post(format!("{}/par", app.base)).form(form);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    assert_eq!(
        r.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    (status, r.json().await.unwrap())
}

/// `/authorize` → test login → the redirect back; returns the final redirect URL.
async fn authorize_to_end(app: &TestApp, params: &[(&str, &str)]) -> String {
    let (status, loc, body) = app.get_authorize(params).await;
    assert_eq!(status, 303, "{body}");
    let loc = loc.unwrap();
    if loc.starts_with(REDIRECT) {
        return loc;
    }
    app.follow(&loc).await
}

async fn redeem(app: &TestApp, code: &str, verifier: &str, basic: (&str, &str)) -> Value {
    let (status, body, _) = app
        .post_token(
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
            Some(basic),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_pushed_request_is_used_by_its_request_uri_once() {
    let app = spawn_app().await;
    let (verifier, challenge) = pkce();
    let (status, body) = push(
        &app,
        &auth_params("rp-par", &challenge),
        Some(("rp-par", SECRET)),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["expires_in"], 60);
    let uri = body["request_uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("urn:ietf:params:oauth:request_uri:"),
        "{uri}"
    );
    let back = authorize_to_end(&app, &[("client_id", "rp-par"), ("request_uri", &uri)]).await;
    assert_eq!(query_param(&back, "state").as_deref(), Some("st-par"));
    let code = query_param(&back, "code").expect("code");
    let tokens = redeem(&app, &code, &verifier, ("rp-par", SECRET)).await;
    assert_eq!(tokens["scope"], "openid");
    // Single use: the second time it is unknown, shown on a page, never redirected.
    let (status, loc, _) = app
        .get_authorize(&[("client_id", "rp-par"), ("request_uri", &uri)])
        .await;
    assert_eq!((status, loc), (400, None));
}

#[tokio::test]
async fn a_client_that_requires_par_is_refused_at_authorize_without_it() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let params = auth_params("rp-par", &challenge);
    let refs = as_refs(&params);
    let back = authorize_to_end(&app, &refs).await;
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_param(&back, "state").as_deref(), Some("st-par"));
    assert_eq!(query_param(&back, "code"), None);
}

#[tokio::test]
async fn par_errors_are_rfc6749_json_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let good = auth_params("rp-par", &challenge);
    let (s, b) = push(&app, &good, None).await;
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));
    let (s, b) = push(&app, &good, Some(("rp-par", "wrong-secret"))).await;
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));
    let edit = |k: &str, v: &str| {
        let mut p = good.clone();
        p.retain(|(n, _)| n != k);
        p.push((k.into(), v.into()));
        p
    };
    for (form, error) in [
        (
            edit("redirect_uri", "https://evil.example/cb"),
            "invalid_request",
        ),
        (edit("scope", "profile"), "invalid_scope"),
        (edit("code_challenge_method", "plain"), "invalid_request"),
        (edit("request_uri", "urn:x"), "invalid_request"),
        (edit("response_type", "token"), "unsupported_response_type"),
    ] {
        let (s, b) = push(&app, &form, Some(("rp-par", SECRET))).await;
        assert_eq!((s, b["error"].as_str()), (400, Some(error)), "{form:?}");
        assert!(b.get("request_uri").is_none());
    }
}

#[tokio::test]
async fn a_pushed_request_cannot_be_used_by_another_client() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let (_, body) = push(
        &app,
        &auth_params("rp-par", &challenge),
        Some(("rp-par", SECRET)),
    )
    .await;
    let uri = body["request_uri"].as_str().unwrap();
    let (status, loc, _) = app
        .get_authorize(&[("client_id", "rp-secret"), ("request_uri", uri)])
        .await;
    assert_eq!((status, loc), (400, None));
    // Not a URN of ours: we never fetch a request_uri.
    let (status, loc, _) = app
        .get_authorize(&[
            ("client_id", "rp-par"),
            ("request_uri", "https://rp.example/request.jwt"),
        ])
        .await;
    assert_eq!((status, loc), (400, None));
}

#[tokio::test]
async fn a_signed_request_object_replaces_the_query_and_completes_the_login() {
    let app = spawn_app().await;
    let (verifier, challenge) = pkce();
    let mut claims = request_claims(&app, "rp-jar", &challenge);
    claims["max_age"] = json!(600);
    claims["scope"] = json!("openid email");
    let jwt = sign_jwt(&app.rp_key, &claims);
    // The outer country scope and state are ignored: only the request object counts.
    let (status, loc, body) = app
        .get_authorize(&[
            ("client_id", "rp-jar"),
            ("request", &jwt),
            ("scope", "openid eidas:country:de"),
            ("state", "outer"),
        ])
        .await;
    assert_eq!(status, 303, "{body}");
    let loc = loc.unwrap();
    let flow = loc.strip_prefix("/login?flow=").expect("login redirect");
    let pending = app.provider.pending_authorization(flow).await.unwrap();
    assert_eq!(pending.country, None);
    assert_eq!(pending.max_age, Some(600));
    assert_eq!(pending.state.as_deref(), Some("st-par"));
    let back = app.follow(&loc).await;
    let code = query_param(&back, "code").expect("code");
    let assertion = client_assertion(&app, "rp-jar", &format!("{}/token", app.base));
    let r = app
        .http
        .post(format!("{}/token", app.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tokens: Value = r.json().await.unwrap();
    assert_eq!(tokens["scope"], "email openid");
}

#[tokio::test]
async fn bad_request_objects_are_refused_on_a_page() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let good = request_claims(&app, "rp-jar", &challenge);
    let with = |k: &str, v: Value| {
        let mut c = good.clone();
        c[k] = v;
        c
    };
    let stranger = ec_key();
    let none_alg = {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(good.to_string())
        )
    };
    let cases = [
        ("signed by an unregistered key", sign_jwt(&stranger, &good)),
        ("alg none", none_alg),
        (
            "another audience",
            sign_jwt(&app.rp_key, &with("aud", json!("https://other.example"))),
        ),
        ("no audience", {
            let mut c = good.clone();
            c.as_object_mut().unwrap().remove("aud");
            sign_jwt(&app.rp_key, &c)
        }),
        (
            "another client_id",
            sign_jwt(&app.rp_key, &with("client_id", json!("rp-secret"))),
        ),
        (
            "another iss",
            sign_jwt(&app.rp_key, &with("iss", json!("rp-secret"))),
        ),
        (
            "expired",
            sign_jwt(&app.rp_key, &with("exp", json!(now() - 3600))),
        ),
        (
            "not yet valid",
            sign_jwt(&app.rp_key, &with("nbf", json!(now() + 3600))),
        ),
        (
            "nested request_uri",
            sign_jwt(&app.rp_key, &with("request_uri", json!("urn:x"))),
        ),
        ("encrypted (JWE)", "a.b.c.d.e".to_owned()),
        ("no exp", {
            let mut c = good.clone();
            c.as_object_mut().unwrap().remove("exp");
            sign_jwt(&app.rp_key, &c)
        }),
        (
            "exp two hours ahead",
            sign_jwt(&app.rp_key, &with("exp", json!(now() + 7200))),
        ),
        ("garbage", "eyJ.x.y".to_owned()),
    ];
    for (what, jwt) in cases {
        let (status, loc, _) = app
            .get_authorize(&[("client_id", "rp-jar"), ("request", &jwt)])
            .await;
        assert_eq!((status, loc), (400, None), "{what}");
    }
    // A client without registered keys cannot send one at all.
    let jwt = sign_jwt(&app.rp_key, &request_claims(&app, "rp-secret", &challenge));
    let (status, loc, _) = app
        .get_authorize(&[("client_id", "rp-secret"), ("request", &jwt)])
        .await;
    assert_eq!((status, loc), (400, None));
}

#[tokio::test]
async fn a_client_that_requires_signed_requests_is_refused_without_one() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let params = auth_params("rp-jar", &challenge);
    let refs = as_refs(&params);
    let back = authorize_to_end(&app, &refs).await;
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("invalid_request")
    );
    // Pushed without a request object: refused at /par already.
    let mut form = auth_params("rp-jar", &challenge);
    form.push(("client_assertion_type".into(), JWT_BEARER.into()));
    form.push((
        "client_assertion".into(),
        client_assertion(&app, "rp-jar", &app.base),
    ));
    let (s, b) = push(&app, &form, None).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("invalid_request")),
        "{b}"
    );
}

#[tokio::test]
async fn a_request_object_can_be_pushed_with_private_key_jwt() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let jwt = sign_jwt(&app.rp_key, &request_claims(&app, "rp-jar", &challenge));
    let form = vec![
        ("client_id".to_owned(), "rp-jar".to_owned()),
        ("request".to_owned(), jwt),
        ("client_assertion_type".to_owned(), JWT_BEARER.to_owned()),
        (
            "client_assertion".to_owned(),
            client_assertion(&app, "rp-jar", &format!("{}/par", app.base)),
        ),
    ];
    // RFC 9126 §2: the PAR endpoint is a valid audience for the client assertion.
    let (s, body) = push(&app, &form, None).await;
    assert_eq!(s, 201, "{body}");
    let uri = body["request_uri"].as_str().unwrap();
    let back = authorize_to_end(&app, &[("client_id", "rp-jar"), ("request_uri", uri)]).await;
    assert!(query_param(&back, "code").is_some(), "{back}");
    // The assertion used at /par cannot be used again (RFC 7523 §3 jti).
    let replay = form;
    let (s, b) = push(&app, &replay, None).await;
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));
}

#[tokio::test]
async fn standard_scopes_map_to_eidas_attributes_or_are_dropped() {
    let app = spawn_app().await;
    // rp-secret is registered for current_address but not for e-mail or phone.
    let (code, verifier) = app
        .code_for(
            "rp-secret",
            "openid profile email phone address offline_access x:y",
        )
        .await;
    let tokens = redeem(&app, &code, &verifier, ("rp-secret", SECRET)).await;
    assert_eq!(tokens["scope"], "address openid profile");
    let claims: Value = app
        .http
        .get(format!("{}/userinfo", app.base))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(claims["address"]["postal_code"], "10563", "{claims}");
    assert_eq!(claims["given_name"], "Nikos");
    // eidas: scopes it is not registered for stay refused.
    let (_, challenge) = pkce();
    let mut params = auth_params("rp-secret", &challenge);
    params.retain(|(k, _)| k != "scope");
    params.push((
        "scope".into(),
        "openid profile eidas:attribute:gender".into(),
    ));
    let refs = as_refs(&params);
    let back = authorize_to_end(&app, &refs).await;
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("invalid_scope")
    );
}

#[tokio::test]
async fn a_strict_client_gets_invalid_scope_for_what_it_did_not_register() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    for (scope, error) in [
        ("openid profile", None),
        ("openid foo", Some("invalid_scope")),
    ] {
        let mut params = auth_params("rp-strict", &challenge);
        params.retain(|(k, _)| k != "scope");
        params.push(("scope".into(), scope.into()));
        let refs = as_refs(&params);
        let back = authorize_to_end(&app, &refs).await;
        assert_eq!(query_param(&back, "error").as_deref(), error, "{scope}");
    }
}

#[tokio::test]
async fn prompt_login_is_honoured_and_max_age_bounds_the_time_abroad() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let run = |extra: Vec<(&'static str, &'static str)>| {
        let mut p = auth_params("rp-secret", &challenge);
        for (k, v) in extra {
            p.push((k.into(), v.into()));
        }
        p
    };
    for extra in [vec![("prompt", "login")], vec![("max_age", "0")]] {
        let params = run(extra.clone());
        let refs = as_refs(&params);
        let back = authorize_to_end(&app, &refs).await;
        assert!(query_param(&back, "code").is_some(), "{extra:?}: {back}");
    }
    // The citizen authenticated abroad (AuthnInstant = now) but we complete ten minutes later:
    // older than max_age = 60 s allows.
    let params = run(vec![("max_age", "60")]);
    let refs = as_refs(&params);
    let (status, loc, _) = app.get_authorize(&refs).await;
    assert_eq!(status, 303);
    app.clock.advance(Duration::from_secs(600));
    let back = app.follow(&loc.unwrap()).await;
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("login_required")
    );
    assert_eq!(query_param(&back, "code"), None);
}

#[tokio::test]
async fn the_registered_token_endpoint_method_is_the_only_one_accepted() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    // rp-par is registered for client_secret_basic: the right secret in the body is refused.
    let mut form = auth_params("rp-par", &challenge);
    form.push(("client_secret".into(), SECRET.into()));
    let (s, b) = push(&app, &form, None).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "{b}"
    );
    // And it holds JWKS, but may not use private_key_jwt either.
    let mut form = auth_params("rp-par", &challenge);
    form.push(("client_assertion_type".into(), JWT_BEARER.into()));
    form.push((
        "client_assertion".into(),
        client_assertion(&app, "rp-par", &app.base),
    ));
    let (s, b) = push(&app, &form, None).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "{b}"
    );
}

/// RFC 7523 §3: a `jti` is accepted once across every node that shares the store, not once per
/// process. Two instances on one backend (Redis when `TEST_REDIS_URL` is set).
#[tokio::test]
async fn a_client_assertion_replayed_at_another_instance_is_refused() {
    let backend: Arc<dyn eidas_node::store::KvBackend> = match std::env::var("TEST_REDIS_URL") {
        Ok(url) => {
            let mut b = [0u8; 8];
            openssl::rand::rand_bytes(&mut b).unwrap();
            let prefix = format!(
                "jti-{}:",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            );
            Arc::new(
                eidas_node::store::redis::RedisBackend::connect(&url, prefix)
                    .await
                    .unwrap(),
            )
        }
        Err(_) => Arc::new(eidas_node::store::memory::MemoryBackend::new()),
    };
    let key = ec_key();
    let a = spawn_instance(backend.clone(), key.clone()).await;
    let b = spawn_instance(backend, key).await;
    let (_, challenge) = pkce();
    // One assertion both accept: in production the nodes share one issuer; here each has its
    // own base URL, so the audience names both.
    let mut jti = [0u8; 12];
    openssl::rand::rand_bytes(&mut jti).unwrap();
    let assertion = sign_jwt(
        &a.rp_key,
        &json!({"iss": "rp-jar", "sub": "rp-jar", "aud": [a.base, b.base], "exp": now() + 60,
                "jti": jti.iter().map(|x| format!("{x:02x}")).collect::<String>()}),
    );
    let form = |app: &TestApp| {
        vec![
            ("client_id".to_owned(), "rp-jar".to_owned()),
            (
                "request".to_owned(),
                sign_jwt(&app.rp_key, &request_claims(app, "rp-jar", &challenge)),
            ),
            ("client_assertion_type".to_owned(), JWT_BEARER.to_owned()),
            ("client_assertion".to_owned(), assertion.clone()),
        ]
    };
    let (s, body) = push(&a, &form(&a), None).await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = push(&b, &form(&b), None).await;
    assert_eq!(
        (s, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
}

/// A request object is signed with the client's key and may name the issuer as audience; one
/// that passed through a browser must not be accepted as a client assertion.
#[tokio::test]
async fn a_request_object_cannot_be_replayed_as_a_client_assertion() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let mut claims = request_claims(&app, "rp-jar", &challenge);
    claims["sub"] = json!("rp-jar");
    claims["jti"] = json!("looks-like-an-assertion");
    let object = sign_jwt(&app.rp_key, &claims);
    let mut form = auth_params("rp-jar", &challenge);
    form.push(("client_assertion_type".into(), JWT_BEARER.into()));
    form.push(("client_assertion".into(), object));
    let (s, b) = push(&app, &form, None).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "{b}"
    );
}
