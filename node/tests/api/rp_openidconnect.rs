//! The provider as agencies use it: the `openidconnect` crate's client discovers us, runs the
//! code + PKCE flow, verifies the ID token against `/jwks` and calls `/userinfo`.

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};

use crate::helpers::*;

async fn run_flow(
    app: &TestApp,
    client_id: &str,
    alg: CoreJwsSigningAlgorithm,
    scopes: &[&str],
) -> serde_json::Value {
    let meta =
        CoreProviderMetadata::discover_async(IssuerUrl::new(app.base.clone()).unwrap(), &app.http)
            .await
            .unwrap();
    let client = CoreClient::from_provider_metadata(
        meta,
        ClientId::new(client_id.into()),
        Some(ClientSecret::new(SECRET.into())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for s in scopes {
        req = req.add_scope(Scope::new((*s).into()));
    }
    let (url, csrf, nonce) = req.set_pkce_challenge(challenge).url();

    let r = app.http.get(url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let back = app.follow(r.headers()["location"].to_str().unwrap()).await;
    assert_eq!(
        query_param(&back, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = query_param(&back, "code").unwrap();

    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&app.http)
        .await
        .unwrap();
    let id_token = token.id_token().expect("id_token");
    let id_verifier = client.id_token_verifier().set_allowed_algs(vec![alg]);
    let claims = id_token
        .claims(&id_verifier, &nonce)
        .expect("ID token verifies against /jwks");
    let at_hash = AccessTokenHash::from_token(
        token.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&id_verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&at_hash));
    assert_eq!(
        claims.auth_context_ref().map(|a| a.as_str()),
        Some("http://eidas.europa.eu/LoA/high")
    );
    assert_eq!(
        claims
            .family_name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str()),
        Some("Papadopoulos")
    );
    assert_eq!(claims.birthdate().map(|b| b.as_str()), Some("1980-05-17"));
    assert!(claims.auth_time().is_some());

    let info: openidconnect::core::CoreUserInfoClaims = client
        .user_info(token.access_token().clone(), Some(claims.subject().clone()))
        .unwrap()
        .request_async(&app.http)
        .await
        .unwrap();
    assert_eq!(info.subject(), claims.subject());

    // The raw claims, for schema checks the standard types do not cover.
    let payload = id_token.to_string();
    let part = payload.split('.').nth(1).unwrap();
    use base64::Engine;
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn openidconnect_client_completes_flow_and_verifies_es256_id_token() {
    let app = spawn_app().await;
    let raw = run_flow(
        &app,
        "rp-secret",
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        &["eidas:attribute:current_address"],
    )
    .await;
    assert_eq!(raw["sub"], "EL/EE/123456789");
    assert_eq!(raw["eidas_person_identifier"], "EL/EE/123456789");
    assert_eq!(raw["eidas_country"], "EL");
    assert_eq!(raw["eidas_family_name_nonlatin"], "Παπαδόπουλος");
    assert_eq!(raw["amr"], serde_json::json!(["eidas"]));
    assert_eq!(raw["address"]["locality"], "Athina");
}

#[tokio::test]
async fn pairwise_client_gets_ps256_token_and_unlinkable_sub() {
    let app = spawn_app().await;
    let raw = run_flow(
        &app,
        "rp-pairwise",
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        &[],
    )
    .await;
    let sub = raw["sub"].as_str().unwrap();
    assert!(!sub.contains("123456789"));
    assert_eq!(sub.len(), 43);
    assert!(raw.get("eidas_person_identifier").is_none());
}

#[tokio::test]
async fn discovery_lists_endpoints_scopes_and_jwks_has_current_and_next_key() {
    let app = spawn_app().await;
    let d: serde_json::Value = app
        .http
        .get(format!("{}/.well-known/openid-configuration", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], app.base);
    assert_eq!(d["token_endpoint"], format!("{}/token", app.base));
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        d["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        d["subject_types_supported"],
        serde_json::json!(["public", "pairwise"])
    );
    assert_eq!(d["claims_parameter_supported"], true);
    let scopes: Vec<&str> = d["scopes_supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for s in [
        "openid",
        "eidas:legal_person",
        "eidas:attribute:current_address",
        "eidas:country:el",
        "eidas:country:de",
    ] {
        assert!(scopes.contains(&s), "{s}");
    }
    let acr: Vec<&str> = d["acr_values_supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(acr.contains(&"http://eidas.europa.eu/LoA/substantial") && acr.contains(&"high"));
    assert_eq!(
        d["id_token_signing_alg_values_supported"],
        serde_json::json!(["ES256", "PS256", "RS256"])
    );
    for k in [
        "claims_supported",
        "grant_types_supported",
        "token_endpoint_auth_methods_supported",
        "ui_locales_supported",
        "userinfo_endpoint",
        "authorization_endpoint",
    ] {
        assert!(d.get(k).is_some(), "{k}");
    }
    let jwks: serde_json::Value = app
        .http
        .get(format!("{}/jwks", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(
        keys.len(),
        4,
        "current ES256, next ES256, current PS256, current RS256"
    );
    assert!(keys
        .iter()
        .all(|k| k["kid"].as_str().is_some_and(|k| !k.is_empty())));
    assert!(
        keys.iter().all(|k| k.get("d").is_none(),),
        "no private parts"
    );
}
