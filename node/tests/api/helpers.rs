//! `spawn_app()`: the OIDC router plus a test-only login step, on 127.0.0.1 port 0.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use eidas_node::clock::Clock;
use eidas_node::identity::*;
use eidas_node::jose::Alg;
use eidas_node::oidc::{
    ClientRegistry, ClientSettings, ErrorCode, KeySet, KeyStatus, Provider, ProviderConfig,
    SigningKey,
};
use eidas_node::store::memory::MemoryBackend;
use eidas_node::store::{KvBackend, SealedStore, Sealer};
use eidas_node::web::oidc_router;
use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use serde::Deserialize;
use time::OffsetDateTime;

pub const SECRET: &str = "secret-of-the-tax-office-0123456789abcdef";
pub const REDIRECT: &str = "http://127.0.0.1:9/cb";

/// A clock the tests can move forward (code expiry).
#[derive(Debug)]
pub struct TestClock(pub Mutex<OffsetDateTime>);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

impl TestClock {
    pub fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

pub struct TestApp {
    pub base: String,
    pub provider: Arc<Provider>,
    pub clock: Arc<TestClock>,
    pub http: reqwest::Client,
    /// The private key of client `rp-jwt` (private_key_jwt).
    pub rp_key: PKey<Private>,
}

/// The fixed identity the test login step "authenticates": a Greek citizen with a non-Latin name.
pub fn test_identity() -> VerifiedIdentity {
    VerifiedIdentity {
        method: LoginMethod::Eidas,
        country: "EL".into(),
        loa: Loa::notified(LoaLevel::High),
        authn_instant: OffsetDateTime::now_utc(),
        subject: Subject::Natural(NaturalPerson {
            person_identifier: "EL/EE/123456789".into(),
            family_name: ScriptValue {
                latin: "Papadopoulos".into(),
                original: Some("Παπαδόπουλος".into()),
            },
            given_name: ScriptValue::latin("Nikos"),
            date_of_birth: "1980-05-17".into(),
            birth_name: None,
            place_of_birth: None,
            current_address: Some(Address {
                thoroughfare: Some("Odos Ermou".into()),
                locator_designator: Some("12".into()),
                post_code: Some("10563".into()),
                post_name: Some("Athina".into()),
                ..Address::default()
            }),
            gender: None,
            nationality: None,
            country_of_birth: None,
            country_of_residence: None,
            town_of_birth: None,
            phone_number: None,
            email_address: None,
        }),
        wallet: None,
    }
}

pub fn sha256_hex(s: &str) -> String {
    openssl::sha::sha256(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn ec_jwk(key: &PKey<Private>) -> String {
    let ec = key.ec_key().unwrap();
    let mut ctx = openssl::bn::BigNumContext::new().unwrap();
    let (mut x, mut y) = (
        openssl::bn::BigNum::new().unwrap(),
        openssl::bn::BigNum::new().unwrap(),
    );
    ec.public_key()
        .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
        .unwrap();
    let b = |n: &openssl::bn::BigNum| URL_SAFE_NO_PAD.encode(n.to_vec_padded(32).unwrap());
    format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"rp1","x":"{}","y":"{}"}}]}}"#,
        b(&x),
        b(&y)
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    clients: Vec<ClientSettings>,
}

fn clients_toml(jwks: &str) -> String {
    let hash = sha256_hex(SECRET);
    format!(
        r#"
[[clients]]
client_id = "rp-secret"
display_name = "Tax Office"
client_secret_sha256 = "{hash}"
redirect_uris = ["{REDIRECT}"]
allowed_scopes = ["openid", "eidas:attribute:current_address", "eidas:attribute:birth_name"]
allowed_countries = ["EL", "DE"]
min_loa = "substantial"
sp_type = "public"

[[clients]]
client_id = "rp-pairwise"
display_name = "Health Portal"
client_secret_sha256 = "{hash}"
redirect_uris = ["{REDIRECT}"]
allowed_scopes = ["openid"]
allowed_countries = ["EL"]
min_loa = "low"
sp_type = "private"
subject_type = "pairwise"
sector_identifier = "health.example"
id_token_signed_response_alg = "PS256"

[[clients]]
client_id = "rp-jwt"
display_name = "Pension Office"
jwks = '{jwks}'
redirect_uris = ["{REDIRECT}"]
allowed_scopes = ["openid"]
allowed_countries = ["EL"]
min_loa = "high"
sp_type = "public"

[[clients]]
client_id = "rp-par"
display_name = "Land Registry"
client_secret_sha256 = "{hash}"
jwks = '{jwks}'
token_endpoint_auth_method = "client_secret_basic"
require_pushed_authorization_requests = true
redirect_uris = ["{REDIRECT}"]
allowed_scopes = ["openid"]
allowed_countries = ["EL"]
min_loa = "low"
sp_type = "public"

[[clients]]
client_id = "rp-jar"
display_name = "Social Security"
jwks = '{jwks}'
require_signed_request_object = true
redirect_uris = ["{REDIRECT}"]
allowed_scopes = ["openid", "eidas:attribute:email_address"]
allowed_countries = ["EL", "DE"]
min_loa = "low"
sp_type = "public"

[[clients]]
client_id = "rp-conformance"
display_name = "Conformance RP"
client_secret_sha256 = "{hash}"
jwks = '{jwks}'
redirect_uris = ["{REDIRECT}", "http://127.0.0.1:9/cb?tenant=a"]
allowed_scopes = ["openid", "eidas:attribute:current_address", "eidas:attribute:email_address", "eidas:attribute:phone_number"]
allowed_countries = ["EL"]
min_loa = "low"
sp_type = "public"
id_token_signed_response_alg = "RS256"

[[clients]]
client_id = "rp-strict"
display_name = "Customs"
client_secret_sha256 = "{hash}"
strict_scopes = true
redirect_uris = ["{REDIRECT}"]
allowed_scopes = ["openid"]
allowed_countries = ["EL"]
min_loa = "low"
sp_type = "public"
"#
    )
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Arc::new(MemoryBackend::new())).await
}

pub async fn spawn_app_with(backend: Arc<dyn KvBackend>) -> TestApp {
    let rp_key = PKey::from_ec_key(
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
    )
    .unwrap();
    spawn_instance(backend, rp_key).await
}

/// One gateway instance on `backend`, whose JWT clients hold `rp_key`: two instances on one
/// backend are two nodes behind a load balancer.
pub async fn spawn_instance(backend: Arc<dyn KvBackend>, rp_key: PKey<Private>) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let file: ClientsFile = toml::from_str(&clients_toml(&ec_jwk(&rp_key))).unwrap();
    let keys = KeySet::new(vec![
        SigningKey::generate_es256(KeyStatus::Current).unwrap(),
        SigningKey::generate_es256(KeyStatus::Next).unwrap(),
        SigningKey::generate_rsa("ps-1", Alg::PS256, KeyStatus::Current).unwrap(),
        SigningKey::generate_rsa("rs-1", Alg::RS256, KeyStatus::Current).unwrap(),
    ])
    .unwrap();
    let clients = ClientRegistry::from_settings(&file.clients, &keys.algorithms()).unwrap();
    let store = Arc::new(SealedStore::new(backend, Sealer::random().unwrap()));
    let clock = Arc::new(TestClock(Mutex::new(OffsetDateTime::now_utc())));
    let config = ProviderConfig::new(&base, b"pairwise-key-for-tests".to_vec());
    let provider = Arc::new(Provider::new(config, clients, keys, store, clock.clone()));
    let app = oidc_router(provider.clone()).merge(test_login_router(provider.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        provider,
        clock,
        http,
        rp_key,
    }
}

#[derive(Deserialize)]
struct Flow {
    flow: String,
    cancel: Option<String>,
}

/// Test-only login step: completes (or, with `cancel=1`, fails) the flow with [`test_identity`].
/// Issue 4 replaces this with country selection and the SAML exchange.
fn test_login_router(provider: Arc<Provider>) -> Router {
    async fn login(State(p): State<Arc<Provider>>, Query(f): Query<Flow>) -> Response {
        let result = if f.cancel.is_some() {
            p.fail_authorization(&f.flow, ErrorCode::AccessDenied, "the citizen cancelled")
                .await
        } else {
            p.complete_authorization(&f.flow, test_identity()).await
        };
        match result {
            Ok(url) => Redirect::to(&url).into_response(),
            Err(e) => (axum::http::StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        }
    }
    Router::new()
        .route("/login", get(login))
        .with_state(provider)
}

/// A PKCE pair (RFC 7636 §4.1–4.2).
pub fn pkce() -> (String, String) {
    let mut b = [0u8; 32];
    openssl::rand::rand_bytes(&mut b).unwrap();
    let verifier = URL_SAFE_NO_PAD.encode(b);
    let challenge = URL_SAFE_NO_PAD.encode(openssl::sha::sha256(verifier.as_bytes()));
    (verifier, challenge)
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A compact ES256 JWS over `claims` with `key` (kid `rp1`, the one the JWT clients register).
pub fn sign_jwt(key: &PKey<Private>, claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","kid":"rp1"}"#);
    let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let der = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), key)
        .unwrap()
        .sign_oneshot_to_vec(input.as_bytes())
        .unwrap();
    let sig = openssl::ecdsa::EcdsaSig::from_der(&der).unwrap();
    let mut raw = sig.r().to_vec_padded(32).unwrap();
    raw.extend(sig.s().to_vec_padded(32).unwrap());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(raw))
}

/// A fresh P-256 key (a client key nobody registered).
pub fn ec_key() -> PKey<Private> {
    PKey::from_ec_key(
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
    )
    .unwrap()
}

impl TestApp {
    /// GET /authorize with `params`; returns the Location header and status.
    pub async fn get_authorize(&self, params: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let r = self
            .http
            .get(format!("{}/authorize", self.base))
            .query(params)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, loc, r.text().await.unwrap())
    }

    /// Follows a Location that is relative to our base URL.
    pub async fn follow(&self, location: &str) -> String {
        let url = if location.starts_with('/') {
            format!("{}{location}", self.base)
        } else {
            location.to_owned()
        };
        let r = self.http.get(url).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303, "expected a redirect");
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    /// Runs /authorize → test login → redirect_uri and returns (code, verifier).
    pub async fn code_for(&self, client_id: &str, scope: &str) -> (String, String) {
        let (verifier, challenge) = pkce();
        let (status, loc, _) = self
            .get_authorize(&[
                ("response_type", "code"),
                ("client_id", client_id),
                ("redirect_uri", REDIRECT),
                ("scope", scope),
                ("state", "st-1"),
                ("nonce", "n-1"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .await;
        assert_eq!(status, 303);
        let back = self.follow(&loc.unwrap()).await;
        assert!(back.starts_with(REDIRECT), "{back}");
        assert_eq!(query_param(&back, "state").as_deref(), Some("st-1"));
        assert_eq!(
            query_param(&back, "iss").as_deref(),
            Some(self.base.as_str())
        );
        (
            query_param(&back, "code").expect("code in redirect"),
            verifier,
        )
    }

    pub async fn post_token(
        &self,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> (u16, serde_json::Value, reqwest::header::HeaderMap) {
        let mut req = self.http.post(format!("{}/token", self.base)).form(form);
        if let Some((id, secret)) = basic {
            req = req.basic_auth(id, Some(secret));
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.json().await.unwrap(), headers)
    }
}
