//! Test 1: complete logins with the `openidconnect` crate as the e-service, every claim checked
//! against the simulator's test identities (`tests/src/sim/identities.rs`).

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    RedirectUrl, Scope, TokenResponse,
};
use serde_json::{json, Map, Value};

use eidas_testbed::browser::{login_flow, Browser};

use crate::harness::*;

/// Claims that are about the token, not the person.
const TOKEN_CLAIMS: &[&str] = &[
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "at_hash",
    "azp",
    "jti",
    "sid",
];

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The identity claims the gateway must issue for a sim identity answering from `cc` to our
/// Connector (country SE), with the optional attributes the test requests.
pub fn expected_claims(identity: &str, cc: &str, loa: &str) -> Map<String, Value> {
    let mut m = json!({
        "eidas_country": cc,
        "acr": format!("http://eidas.europa.eu/LoA/{loa}"),
        "amr": ["eidas"],
    });
    let add = match identity {
        "natural-greek" => json!({
            "sub": format!("{cc}/SE/GR-0002-TEST"),
            "eidas_person_identifier": format!("{cc}/SE/GR-0002-TEST"),
            "family_name": "Papadopoulou",
            "eidas_family_name_nonlatin": "Παπαδοπούλου",
            "given_name": "Eleni",
            "eidas_given_name_nonlatin": "Ελένη",
            "birthdate": "1985-03-25",
            "eidas_birth_name": "Georgiou",
            "eidas_birth_name_nonlatin": "Γεωργίου",
            "eidas_place_of_birth": "Thessaloniki",
            "gender": "female",
        }),
        "natural-latin" => json!({
            "sub": format!("{cc}/SE/NP-0001-TEST"),
            "eidas_person_identifier": format!("{cc}/SE/NP-0001-TEST"),
            "family_name": "Mustermann",
            "given_name": "Erika",
            "birthdate": "1964-08-12",
            "address": {
                "formatted": "Test Street 1, 00001, Testville",
                "street_address": "Test Street 1",
                "locality": "Testville",
                "postal_code": "00001",
            },
            "gender": "female",
        }),
        "legal" => json!({
            "sub": format!("{cc}/SE/LP-0003-TEST"),
            "eidas_legal_person_identifier": format!("{cc}/SE/LP-0003-TEST"),
            "eidas_legal_name": "Testland Widgets Ltd",
            "eidas_vat_registration_number": format!("{cc}123456789"),
        }),
        other => panic!("unknown identity {other}"),
    };
    let obj = m.as_object_mut().unwrap();
    for (k, v) in add.as_object().unwrap() {
        obj.insert(k.clone(), v.clone());
    }
    obj.clone()
}

fn scopes_for(identity: &str) -> Vec<&'static str> {
    match identity {
        "natural-greek" => vec![
            "eidas:attribute:birth_name",
            "eidas:attribute:place_of_birth",
            "eidas:attribute:gender",
        ],
        "natural-latin" => vec!["eidas:attribute:current_address", "eidas:attribute:gender"],
        _ => vec![
            "eidas:legal_person",
            "eidas:attribute:vat_registration_number",
        ],
    }
}

pub fn without_token_claims(v: &Value) -> Map<String, Value> {
    let mut m = v.as_object().unwrap().clone();
    for k in TOKEN_CLAIMS {
        m.remove(*k);
    }
    m
}

pub fn jwt_payload(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap()
}

/// An `openidconnect` client from the gateway's discovery document.
pub async fn oidc_client(
    issuer: &str,
    http: &reqwest::Client,
) -> openidconnect::core::CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
> {
    let meta = CoreProviderMetadata::discover_async(IssuerUrl::new(issuer.into()).unwrap(), http)
        .await
        .unwrap();
    CoreClient::from_provider_metadata(
        meta,
        ClientId::new(CLIENT_ID.into()),
        Some(ClientSecret::new(SECRET.into())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap())
}

/// Verifies `id_token` (signature against the JWKS, issuer, audience, expiry, nonce) with the
/// client of `issuer`; returns the raw payload.
pub async fn verify_id_token(issuer: &str, id_token: &str, nonce: &str) -> Value {
    verify_id_token_alg(
        issuer,
        id_token,
        nonce,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    )
    .await
}

/// As [`verify_id_token`], for a client registered with another ID token algorithm.
pub async fn verify_id_token_alg(
    issuer: &str,
    id_token: &str,
    nonce: &str,
    alg: CoreJwsSigningAlgorithm,
) -> Value {
    let http = http();
    let client = oidc_client(issuer, &http).await;
    let t: CoreIdToken = id_token.parse().unwrap();
    let v = client.id_token_verifier().set_allowed_algs(vec![alg]);
    t.claims(&v, &Nonce::new(nonce.into()))
        .expect("ID token verifies against the gateway's JWKS");
    jwt_payload(id_token)
}

/// One login as the `openidconnect` crate does it; checks every claim of the ID token and of
/// userinfo.
pub async fn oidc_login(w: &World, country: &str, identity: &str, loa: &str) {
    w.sim
        .control(json!({"identity": identity, "loa": loa, "fault": "none", "deny": false}))
        .await;
    let http = http();
    let client = oidc_client(w.gw.url(), &http).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for s in scopes_for(identity) {
        req = req.add_scope(Scope::new(s.into()));
    }
    let (url, csrf, nonce) = req.set_pkce_challenge(challenge).url();

    let browser = Browser::new().unwrap();
    let r = login_flow(&browser, url.as_str(), country)
        .await
        .unwrap_or_else(|e| panic!("{country}/{identity}: {e}"));
    assert!(r.final_url.starts_with(REDIRECT), "{}", r.final_url);
    assert_eq!(
        query_param(&r.final_url, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    assert_eq!(
        query_param(&r.final_url, "iss").as_deref(),
        Some(w.gw.url())
    );
    let code = query_param(&r.final_url, "code").expect("a code");

    let token = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let id_token = token.id_token().expect("an id_token");
    let v = client
        .id_token_verifier()
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
    let claims = id_token
        .claims(&v, &nonce)
        .expect("ID token verifies against the gateway's JWKS");
    assert_eq!(claims.issuer().as_str(), w.gw.url());

    let payload = jwt_payload(&id_token.to_string());
    let expected = expected_claims(identity, country, loa);
    assert_eq!(
        without_token_claims(&payload),
        expected,
        "{country}/{identity}/{loa}: ID token claims"
    );
    assert_eq!(payload["aud"], json!(CLIENT_ID));

    // userinfo: the same person claims.
    use openidconnect::OAuth2TokenResponse;
    let info: Value = http
        .get(format!("{}/userinfo", w.gw.url()))
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let info = without_token_claims(&info);
    for (k, v) in &expected {
        if k == "acr" || k == "amr" {
            continue; // authentication-event claims: the ID token's business
        }
        assert_eq!(info.get(k), Some(v), "{country}/{identity}: userinfo {k}");
    }
    for k in info.keys() {
        assert!(
            expected.contains_key(k),
            "{country}/{identity}: unexpected userinfo claim {k}"
        );
    }

    // The code is single-use.
    let again = http
        .post(format!("{}/token", w.gw.url()))
        .basic_auth(CLIENT_ID, Some(SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "x".repeat(43).as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
}

#[tokio::test]
async fn natural_and_legal_persons_log_in_from_both_countries() {
    let w = World::start("login").await;
    oidc_login(&w, "XA", "natural-greek", "substantial").await;
    oidc_login(&w, "XB", "natural-greek", "high").await;
    oidc_login(&w, "XB", "natural-latin", "high").await;
    oidc_login(&w, "XA", "natural-latin", "low").await;
    oidc_login(&w, "XA", "legal", "low").await;
    oidc_login(&w, "XB", "legal", "substantial").await;
}
