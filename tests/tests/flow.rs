//! Whole login through the testbed, no real gateway needed: demo RP → node's OIDC Provider (with a
//! small test-double login step that follows the gateway's page contract and speaks SAML with the
//! node's own SP code) → simulator in automatic mode → back, driven by `browser::login_flow`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use eidas_node::clock::SystemClock;
use eidas_node::identity::LoaLevel;
use eidas_node::oidc::{
    ClientRegistry, ClientSettings, ErrorCode, KeySet, KeyStatus, Provider, ProviderConfig,
};
use eidas_node::saml::authn_request::{self, RequestOptions, RequestedAuthn};
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::keys::SigningKey;
use eidas_node::saml::metadata::{verify_metadata, MetadataTrust, ProxyService};
use eidas_node::saml::response::{self, Context};
use eidas_node::saml::sp::ServiceProvider;
use eidas_node::saml::sp_metadata::{self, MetadataInfo, Organization};
use eidas_node::saml::Error;
use eidas_node::store::memory::MemoryBackend;
use eidas_node::store::{SealedStore, Sealer};
use eidas_node::web::oidc_router;
use eidas_testbed::browser::{login_flow, Browser};
use eidas_testbed::demo_rp::{self, RpConfig};
use eidas_testbed::html::auto_post_page;
use eidas_testbed::sim::{self, Country, EncryptionMode, SimState};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

const SECRET: &str = "demo-rp-secret-0123456789abcdef0123456789";

#[derive(Clone)]
struct Gw {
    provider: Arc<Provider>,
    sp: Arc<ServiceProvider>,
    xa: Arc<ProxyService>,
    /// RelayState → (flow id, what was asked).
    pending: Arc<Mutex<HashMap<String, (String, RequestedAuthn)>>>,
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

async fn country_page(Query(q): Query<HashMap<String, String>>) -> Response {
    let flow = q.get("flow").cloned().unwrap_or_default();
    eidas_testbed::html::page(
        StatusCode::OK,
        "Choose your country",
        &format!(
            "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"flow\" value=\"{}\"><button type=\"submit\" name=\"country\" value=\"XA\">Testland A</button></form>",
            eidas_testbed::html::escape(&flow)
        ),
    )
}

async fn choose_country(State(gw): State<Gw>, body: Bytes) -> Response {
    let f = form(&body);
    let flow = f["flow"].clone();
    assert_eq!(f["country"], "XA");
    let parked = gw.provider.pending_authorization(&flow).await.unwrap();
    let client = gw.provider.clients.get(&parked.client_id).unwrap();
    let req = parked.identity_request(client, "XA");
    let built = authn_request::build(
        &gw.sp,
        &gw.xa,
        &req,
        RequestOptions::default(),
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    gw.pending.lock().unwrap().insert(
        built.form.relay_state.clone(),
        (flow, built.requested.clone()),
    );
    auto_post_page(
        "To your country",
        &built.form.action,
        &[
            ("SAMLRequest", &built.form.saml_request),
            ("RelayState", &built.form.relay_state),
        ],
    )
}

async fn acs(State(gw): State<Gw>, body: Bytes) -> Response {
    let f = form(&body);
    let (flow, requested) = gw.pending.lock().unwrap().remove(&f["RelayState"]).unwrap();
    let ctx = Context {
        sp: &gw.sp,
        idp: &gw.xa,
        signature_policy: SignaturePolicy::EIDAS,
        skew: Duration::seconds(30),
        extra_audiences: &[],
        max_age: time::Duration::minutes(15),
        allow_representatives: false,
        now: OffsetDateTime::now_utc(),
    };
    let text = response::decode_post(&f["SAMLResponse"]).unwrap();
    let next = match response::validate(&text, &requested, &ctx) {
        Ok(v) => gw
            .provider
            .complete_authorization(&flow, v.identity)
            .await
            .unwrap(),
        Err(Error::Denied(_)) => gw
            .provider
            .fail_authorization(&flow, ErrorCode::AccessDenied, "denied abroad")
            .await
            .unwrap(),
        Err(e) => return (StatusCode::BAD_REQUEST, e.code()).into_response(),
    };
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", &next)
        .finish();
    see_other(&format!("/resume?{q}"))
}

async fn resume(Query(q): Query<HashMap<String, String>>) -> Response {
    see_other(&q["next"])
}

#[derive(Deserialize)]
struct ClientsFile {
    clients: Vec<ClientSettings>,
}

struct World {
    rp_base: String,
    sim_url: String,
    browser: Browser,
}

async fn world() -> World {
    let bind = || async { tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap() };
    let (gw_l, sim_l, rp_l) = (bind().await, bind().await, bind().await);
    let base = format!("http://{}", gw_l.local_addr().unwrap());
    let sim_url = format!("http://{}", sim_l.local_addr().unwrap());
    let rp_base = format!("http://{}", rp_l.local_addr().unwrap());

    let xa_key = SigningKey::new(support::keypair("rsa", "XA")).unwrap();
    let sp = ServiceProvider {
        entity_id: format!("{base}/saml/metadata"),
        acs_url: format!("{base}/saml/acs"),
        country: "SE".into(),
        signing: SigningKey::new(support::keypair("ec", "gw sign")).unwrap(),
        extra_signing_certs: vec![],
        decryption: vec![support::keypair("ec", "gw enc")],
    };
    let state = SimState::new(
        &sim_url,
        vec![Country {
            code: "XA".into(),
            name: "Testland A (TEST COUNTRY)".into(),
            signing: xa_key.clone(),
            encryption: EncryptionMode::EcdhEs,
            loas: LoaLevel::all().to_vec(),
            metadata_validity: Duration::hours(1),
        }],
        vec![sp.signing.pair.cert.clone()],
        Some(vec![sp.entity_id.clone()]),
        true,
    )
    .unwrap();
    state.set_control(sim::AutoControl {
        identity: "natural-greek".into(),
        ..sim::AutoControl::default()
    });
    let sim_app = sim::router(state.clone());
    tokio::spawn(async move { axum::serve(sim_l, sim_app).await.unwrap() });

    let md_text = reqwest::get(format!("{sim_url}/xa/metadata"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let xa = verify_metadata(
        &md_text,
        &MetadataTrust::Pinned(vec![xa_key.pair.cert.clone()]),
        &SignaturePolicy::EIDAS,
        OffsetDateTime::now_utc(),
    )
    .unwrap()
    .remove(0);

    let clients: ClientsFile = toml::from_str(&format!(
        r#"
[[clients]]
client_id = "demo-rp"
display_name = "Demo e-service"
client_secret_sha256 = "{}"
redirect_uris = ["{rp_base}/callback"]
allowed_scopes = ["openid", "eidas:legal_person"]
allowed_countries = ["XA"]
min_loa = "substantial"
sp_type = "public"
"#,
        openssl::sha::sha256(SECRET.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ))
    .unwrap();
    let keys = KeySet::new(vec![eidas_node::oidc::SigningKey::generate_es256(
        KeyStatus::Current,
    )
    .unwrap()])
    .unwrap();
    let registry = ClientRegistry::from_settings(&clients.clients, &keys.algorithms()).unwrap();
    let store = Arc::new(SealedStore::new(
        Arc::new(MemoryBackend::new()),
        Sealer::random().unwrap(),
    ));
    let provider = Arc::new(Provider::new(
        ProviderConfig::new(&base, b"pairwise".to_vec()),
        registry,
        keys,
        store,
        Arc::new(SystemClock),
    ));
    let md = sp_metadata::build(
        &sp,
        &MetadataInfo {
            organization: Organization {
                name: "GW".into(),
                display_name: "GW".into(),
                url: base.clone(),
            },
            contacts: vec![],
            validity: Duration::hours(1),
        },
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    let gw = Gw {
        provider: provider.clone(),
        sp: Arc::new(sp),
        xa: Arc::new(xa),
        pending: Arc::default(),
    };
    let gw_app = oidc_router(provider).merge(
        Router::new()
            .route("/login", get(country_page).post(choose_country))
            .route("/saml/acs", axum::routing::post(acs))
            .route("/resume", get(resume))
            .route("/saml/metadata", get(move || async move { md }))
            .with_state(gw),
    );
    tokio::spawn(async move { axum::serve(gw_l, gw_app).await.unwrap() });

    let rp = demo_rp::router(RpConfig {
        issuer: base,
        client_id: "demo-rp".into(),
        client_secret: SECRET.into(),
        public_url: rp_base.clone(),
        countries: vec!["XA".into()],
    })
    .unwrap();
    tokio::spawn(async move { axum::serve(rp_l, rp).await.unwrap() });
    World {
        rp_base,
        sim_url,
        browser: Browser::new().unwrap(),
    }
}

#[tokio::test]
async fn login_flow_through_the_demo_rp_ends_with_verified_claims() {
    let w = world().await;
    let home = w.browser.get(&format!("{}/", w.rp_base)).await.unwrap();
    assert!(home.body.contains("Log in with your European eID"));

    let r = login_flow(&w.browser, &format!("{}/login", w.rp_base), "XA")
        .await
        .unwrap();
    assert!(
        r.final_url.starts_with(&format!("{}/callback?", w.rp_base)),
        "{}",
        r.final_url
    );
    let labels: Vec<&str> = r.hops.iter().map(|h| h.0.as_str()).collect();
    for expected in [
        "GET /login",
        "GET /authorize",
        "POST /login",
        "POST /xa/sso",
        "POST /saml/acs",
        "GET /resume",
    ] {
        assert!(
            labels.contains(&expected),
            "{expected} missing from {labels:?}"
        );
    }

    let page = w.browser.get(&r.final_url).await.unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("You are logged in"));
    assert!(page.body.contains("Papadopoulou"), "{}", page.body);
    assert!(page.body.contains("Παπαδοπούλου"));
    assert!(page.body.contains("XA/SE/GR-0002-TEST"));

    // The callback is single-use: the session was consumed.
    let again = w.browser.get(&r.final_url).await.unwrap();
    assert_eq!(again.status, 400);
}

#[tokio::test]
async fn cancel_abroad_reaches_the_demo_rp_as_access_denied() {
    let w = world().await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/control", w.sim_url))
        .json(&serde_json::json!({"deny": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = login_flow(&w.browser, &format!("{}/login?country=xa", w.rp_base), "XA")
        .await
        .unwrap();
    assert!(
        r.final_url.contains("error=access_denied"),
        "{}",
        r.final_url
    );
    let page = w.browser.get(&r.final_url).await.unwrap();
    assert!(page.body.contains("Login did not succeed"));
    assert!(page.body.contains("access_denied"));
}
