use crate::helpers::*;

type Params = Vec<(&'static str, String)>;
type Edit = Box<dyn FnOnce(&mut Params)>;

fn base_params(challenge: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", "rp-secret".into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", "openid".into()),
        ("state", "xyz".into()),
        ("code_challenge", challenge.into()),
        ("code_challenge_method", "S256".into()),
    ]
}

async fn authorize_with(
    app: &TestApp,
    edit: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> (u16, Option<String>, String) {
    let (_, challenge) = pkce();
    let mut p = base_params(&challenge);
    edit(&mut p);
    let p: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.get_authorize(&p).await
}

fn set(p: &mut Vec<(&'static str, String)>, k: &'static str, v: &str) {
    p.retain(|(key, _)| *key != k);
    p.push((k, v.into()));
}

#[tokio::test]
async fn authorize_shows_error_page_for_unknown_client_or_unregistered_redirect_uri() {
    let app = spawn_app().await;
    for edit in [
        |p: &mut Vec<_>| set(p, "client_id", "nobody"),
        |p: &mut Vec<_>| set(p, "redirect_uri", "http://127.0.0.1:9/cb/evil"),
        |p: &mut Vec<_>| p.retain(|(k, _)| *k != "redirect_uri"),
        |p: &mut Vec<_>| p.push(("redirect_uri", REDIRECT.into())),
    ] {
        let (status, loc, body) = authorize_with(&app, edit).await;
        assert_eq!(status, 400);
        assert_eq!(
            loc, None,
            "must never redirect to an unvalidated redirect_uri"
        );
        assert!(body.contains("<code class=\"reference\""), "{body}");
    }
}

#[tokio::test]
async fn authorize_redirects_rfc6749_errors_with_state_once_redirect_uri_is_valid() {
    let app = spawn_app().await;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|p| p.retain(|(k, _)| *k != "code_challenge")),
            "invalid_request",
        ),
        (
            Box::new(|p| set(p, "code_challenge_method", "plain")),
            "invalid_request",
        ),
        (
            Box::new(|p| set(p, "code_challenge", "short")),
            "invalid_request",
        ),
        (
            Box::new(|p| set(p, "response_type", "token")),
            "unsupported_response_type",
        ),
        (Box::new(|p| set(p, "scope", "profile")), "invalid_scope"),
        (
            Box::new(|p| set(p, "scope", "openid eidas:attribute:gender")),
            "invalid_scope",
        ),
        (
            Box::new(|p| set(p, "scope", "openid eidas:country:fr")),
            "invalid_scope",
        ),
        (Box::new(|p| set(p, "prompt", "none")), "login_required"),
        (Box::new(|p| set(p, "max_age", "soon")), "invalid_request"),
        (Box::new(|p| set(p, "max_age", "-1")), "invalid_request"),
        (
            Box::new(|p| set(p, "claims", "not json")),
            "invalid_request",
        ),
        (
            Box::new(|p| p.push(("scope", "openid".into()))),
            "invalid_request",
        ),
    ];
    for (edit, expected) in cases {
        let (status, loc, _) = authorize_with(&app, edit).await;
        assert_eq!(status, 303);
        let loc = loc.unwrap();
        assert!(loc.starts_with(REDIRECT), "{loc}");
        assert_eq!(
            query_param(&loc, "error").as_deref(),
            Some(expected),
            "{loc}"
        );
        assert_eq!(query_param(&loc, "state").as_deref(), Some("xyz"));
        assert_eq!(query_param(&loc, "code"), None);
    }
}

#[tokio::test]
async fn authorize_parks_the_request_and_sends_the_browser_to_login() {
    let app = spawn_app().await;
    let (status, loc, _) = authorize_with(&app, |p| {
        set(
            p,
            "scope",
            "openid eidas:country:el eidas:attribute:current_address",
        );
        set(p, "acr_values", "http://eidas.europa.eu/LoA/high");
        set(p, "ui_locales", "el en");
        set(p, "login_hint", "hint");
    })
    .await;
    assert_eq!(status, 303);
    let loc = loc.unwrap();
    let flow = loc.strip_prefix("/login?flow=").expect("login redirect");
    let req = app.provider.pending_authorization(flow).await.unwrap();
    assert_eq!(req.country.as_deref(), Some("EL"));
    assert_eq!(req.min_loa, eidas_node::identity::LoaLevel::High);
    assert_eq!(req.ui_locales, vec!["el", "en"]);
    assert_eq!(
        req.optional_attributes,
        vec![eidas_node::identity::OptionalAttribute::CurrentAddress]
    );
    let client = app.provider.clients.get("rp-secret").unwrap();
    let ir = req.identity_request(client, "EL");
    assert_eq!(ir.provider_name.as_deref(), Some("Tax Office"));
}

#[tokio::test]
async fn acr_shorthand_never_lowers_the_clients_minimum() {
    let app = spawn_app().await;
    let (_, loc, _) = authorize_with(&app, |p| set(p, "acr_values", "low")).await;
    let flow = loc.unwrap().replace("/login?flow=", "");
    let req = app.provider.pending_authorization(&flow).await.unwrap();
    assert_eq!(req.min_loa, eidas_node::identity::LoaLevel::Substantial);
}

#[tokio::test]
async fn authorize_accepts_post_form() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let form: Vec<(&str, String)> = base_params(&challenge);
    let r = app
        .http
        .post(format!("{}/authorize", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?flow="));
}

#[tokio::test]
async fn cancelled_login_returns_access_denied_with_state_and_flow_is_single_use() {
    let app = spawn_app().await;
    let (_, loc, _) = authorize_with(&app, |_| {}).await;
    let loc = loc.unwrap();
    let back = app.follow(&format!("{loc}&cancel=1")).await;
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&back, "state").as_deref(), Some("xyz"));
    let r = app
        .http
        .get(format!("{}{loc}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        400,
        "a used flow cannot complete again"
    );
}

#[tokio::test]
async fn identity_below_requested_loa_or_from_another_country_is_access_denied() {
    let app = spawn_app().await;
    let (_, loc, _) = authorize_with(&app, |p| set(p, "scope", "openid eidas:country:de")).await;
    let flow = loc.unwrap().replace("/login?flow=", "");
    let back = app
        .provider
        .complete_authorization(&flow, test_identity())
        .await
        .unwrap();
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&back, "code"), None);

    let (_, loc, _) = authorize_with(&app, |_| {}).await;
    let flow = loc.unwrap().replace("/login?flow=", "");
    let mut low = test_identity();
    low.loa = eidas_node::identity::Loa::notified(eidas_node::identity::LoaLevel::Low);
    let back = app
        .provider
        .complete_authorization(&flow, low)
        .await
        .unwrap();
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
}
