//! Whole login in one process: demo RP → the real gateway (`eidas_node::app::spawn_gateway`: the
//! real routers, state, trust refresh and CPU pool on loopback port 0) → simulator in automatic
//! mode → back, driven by `browser::login_flow`. The black-box tests in `tests/gateway/` run the
//! same against the binaries.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::sync::Arc;

use eidas_node::app::{spawn_gateway_with, Gateway};
use eidas_node::clock::SystemClock;
use eidas_node::config::Settings;
use eidas_node::events::{LoginEvent, RecordingSink, Stage};
use eidas_node::identity::LoaLevel;
use eidas_node::identity::LoginMethod;
use eidas_node::saml::keys::{KeyPair, SigningKey};
use eidas_testbed::browser::{login_flow, Browser};
use eidas_testbed::demo_rp::{self, RpConfig};
use eidas_testbed::gateway_config::{example_keys_dir, ClientEntry, CountryEntry, GatewayConfig};
use eidas_testbed::sim::{self, Country, EncryptionMode, SimState};
use time::Duration;

const SECRET: &str = "demo-rp-secret-0123456789abcdef0123456789";

struct World {
    rp_base: String,
    sim_url: String,
    sim: SimState,
    browser: Browser,
    _gw: Gateway,
    events: Arc<RecordingSink>,
}

fn example_pair(name: &str) -> KeyPair {
    let dir = example_keys_dir();
    KeyPair::from_files(
        &dir.join(format!("{name}.key")),
        &dir.join(format!("{name}.crt")),
    )
    .unwrap()
}

/// The simulated countries XA and XB at `sim_url`, answering automatically with a natural
/// person.
fn sim_state(sim_url: &str) -> SimState {
    let country = |code: &str| Country {
        code: code.into(),
        name: format!("Testland {code} (TEST COUNTRY)"),
        signing: SigningKey::new(example_pair(&format!(
            "sim/{}-signing",
            code.to_ascii_lowercase()
        )))
        .unwrap(),
        encryption: EncryptionMode::EcdhEs,
        loas: LoaLevel::all().to_vec(),
        metadata_validity: Duration::hours(1),
    };
    // The simulated country trusts the example gateway signing certificate.
    let state = SimState::new(
        sim_url,
        vec![country("XA"), country("XB")],
        vec![example_pair("gateway/saml-signing").cert],
        None,
        true,
    )
    .unwrap();
    state.set_control(sim::AutoControl {
        identity: "natural-greek".into(),
        ..sim::AutoControl::default()
    });
    state
}

/// `cfg` as the node reads it.
fn settings_of(cfg: &GatewayConfig) -> Settings {
    Settings::from_toml(
        &cfg.toml(),
        Path::new("flow.toml"),
        Path::new("."),
        std::iter::empty(),
    )
    .unwrap()
}

/// The real gateway in-process on `cfg` (events recorded, unread).
async fn gateway(cfg: &GatewayConfig) -> Gateway {
    spawn_gateway_with(
        settings_of(cfg),
        Arc::new(SystemClock),
        Arc::new(RecordingSink::default()),
    )
    .await
    .unwrap()
}

/// The simulator (country XA) on a loopback port; its URL.
async fn spawn_sim() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let app = sim::router(sim_state(&url));
    tokio::spawn(async move { axum::serve(l, app).await });
    url
}

/// Serves whatever `published` holds at `/list`; the list's URL.
async fn serve_list(published: Arc<std::sync::Mutex<String>>) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/list", l.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/list",
        axum::routing::get(move || {
            let body = published.lock().unwrap().clone();
            async move { body }
        }),
    );
    tokio::spawn(async move { axum::serve(l, app).await });
    url
}

/// The simulator's countries as a test operator lists them, signed with the XB example key.
struct TestList {
    sim_url: String,
    operator: SigningKey,
}

impl TestList {
    fn new(sim_url: &str) -> Self {
        TestList {
            sim_url: sim_url.to_owned(),
            operator: SigningKey::new(example_pair("sim/xb-signing")).unwrap(),
        }
    }

    /// `territory`'s entry: its metadata URL as location and entityID, its signing certificate.
    fn entry(
        &self,
        territory: &str,
        suspended: bool,
    ) -> eidas_testbed::sim::service_list::ListEntry {
        let lower = territory.to_ascii_lowercase();
        let md = format!("{}/{lower}/metadata", self.sim_url);
        eidas_testbed::sim::service_list::ListEntry {
            territory: territory.into(),
            location: md.clone(),
            entity_id: md,
            cert: example_pair(&format!("sim/{lower}-signing")).cert,
            suspended,
        }
    }

    /// The list of `entries`, issued at `issued`, next update a week later.
    fn signed(
        &self,
        issued: time::OffsetDateTime,
        entries: &[eidas_testbed::sim::service_list::ListEntry],
    ) -> String {
        eidas_testbed::sim::service_list::build_service_list(
            &self.operator,
            issued,
            issued + Duration::days(7),
            entries,
        )
        .unwrap()
    }
}

/// `[[trust.lists]]` "XX" at `list_url`, signed with the XB example key, scoped to XA.
fn list_config(list_url: &str) -> String {
    format!(
        "[[trust.lists]]\nname = \"XX\"\nlocation = \"{list_url}\"\nsigner_cert_paths = [\"{}\"]\nterritories = [\"XA\"]\ntest = true\n",
        example_keys_dir().join("sim/xb-signing.crt").display()
    )
}

async fn world() -> World {
    world_with(|_| {}).await
}

/// As [`world`], with `edit` applied to the gateway's configuration.
async fn world_with(edit: impl FnOnce(&mut GatewayConfig)) -> World {
    let bind = || async { tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap() };
    let (sim_l, rp_l) = (bind().await, bind().await);
    let sim_url = format!("http://{}", sim_l.local_addr().unwrap());
    let rp_base = format!("http://{}", rp_l.local_addr().unwrap());

    let state = sim_state(&sim_url);
    let sim = state.clone();
    let sim_app = sim::router(state.clone());
    tokio::spawn(async move { axum::serve(sim_l, sim_app).await.unwrap() });

    let mut cfg = GatewayConfig::new();
    cfg.countries.push(CountryEntry::simulated("XA", &sim_url));
    let mut client = ClientEntry::new("demo-rp", SECRET, &format!("{rp_base}/callback"));
    client.scopes.push("eidas:legal_person".into());
    client.countries = vec!["XA".into()];
    client.min_loa = "substantial".into();
    cfg.clients.push(client);
    edit(&mut cfg);
    let events = Arc::new(RecordingSink::default());
    let gw = spawn_gateway_with(settings_of(&cfg), Arc::new(SystemClock), events.clone())
        .await
        .unwrap();
    // Ready once the trust refresh verified the simulator's metadata.
    for _ in 0..200 {
        let r = reqwest::get(format!("{}/readyz", gw.url)).await.unwrap();
        if r.status() == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }

    let rp = demo_rp::router(RpConfig {
        issuer: gw.url.clone(),
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
        sim,
        browser: Browser::new().unwrap(),
        _gw: gw,
        events,
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

    // One event per outcome point, in order, without personal data.
    let events = w.events.events();
    let loa = events
        .iter()
        .find_map(|e| match e {
            LoginEvent::Completed { loa, .. } => Some(*loa),
            _ => None,
        })
        .expect("a Completed event");
    let abroad = events
        .iter()
        .find_map(|e| match e {
            LoginEvent::Returned { abroad, .. } => Some(*abroad),
            _ => None,
        })
        .expect("a Returned event");
    assert!(abroad < std::time::Duration::from_secs(30), "{abroad:?}");
    assert_eq!(
        events,
        vec![
            LoginEvent::Authorized {
                client_id: "demo-rp".into()
            },
            LoginEvent::Started {
                client_id: "demo-rp".into(),
                method: LoginMethod::Eidas,
                country: Some("XA".into()),
            },
            LoginEvent::Returned {
                method: LoginMethod::Eidas,
                country: Some("XA".into()),
                abroad,
            },
            LoginEvent::Completed {
                client_id: "demo-rp".into(),
                method: LoginMethod::Eidas,
                country: "XA".into(),
                loa,
                subject: eidas_node::events::SubjectRef::new("XA/SE/GR-0002-TEST"),
            },
        ]
    );
    // The routing layer measured every hop, per route.
    let latencies = w._gw.state.web.observer.latencies.snapshot();
    for (method, route) in [
        ("GET", "/authorize"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/saml/acs"),
        ("GET", "/resume"),
        ("POST", "/token"),
    ] {
        let h = latencies
            .get(&(method.to_owned(), route.to_owned()))
            .unwrap_or_else(|| panic!("{method} {route} in {latencies:?}"));
        assert!(h.count >= 1 && h.buckets.iter().sum::<u64>() == h.count);
    }
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
    assert!(w.events.events().contains(&LoginEvent::Denied {
        method: LoginMethod::Eidas,
        country: Some("XA".into()),
    }));
}

/// The admin API listens on its own loopback listener, only with a valid bearer token, and is not
/// reachable through the public one.
#[tokio::test]
async fn the_admin_api_is_on_its_own_listener_behind_a_token() {
    let dir = std::env::temp_dir().join(format!("eidas-flow-admin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = "admin-token-0123456789abcdef0123456789";
    let token_file = dir.join("admin.token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let w = world_with(|cfg| {
        cfg.extra.push_str(&format!(
            "\n[admin]\ntoken_paths = [\"{}\"]\n",
            token_file.display()
        ));
    })
    .await;
    let admin = w._gw.admin_url.clone().expect("admin listener");
    assert_ne!(admin, w._gw.url);
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{admin}/admin/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let r = http
        .get(format!("{admin}/admin/healthz"))
        .bearer_auth("wrong-token-0123456789abcdef0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .get(format!("{admin}/admin/healthz"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    // Not on the public listener, with or without the token.
    let r = http
        .get(format!("{}/admin/healthz", w._gw.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // What the node trusts, for `eidas-node trust status`: behind the token too.
    let r = http
        .get(format!("{admin}/admin/trust/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let status = eidas_node::cli::trust::fetch(&admin, token).await.unwrap();
    assert_eq!(status["ready"], true, "{status}");
    let xa = &status["countries"][0];
    assert_eq!(xa["code"], "XA");
    assert_eq!(xa["usable"], true);
    assert_eq!(xa["source"], "config");
    assert_eq!(xa["entity_id"], format!("{}/xa/metadata", w.sim_url));
    assert!(xa["problem"].is_null());
    let table = eidas_node::cli::trust::render(&status);
    assert!(table.starts_with("ready: yes\n"), "{table}");
    assert!(
        table.contains(&format!(
            "country XA (config): ok, {}/xa/metadata valid until ",
            w.sim_url
        )),
        "{table}"
    );
    assert!(
        eidas_node::cli::trust::fetch(&admin, "wrong-token-0123456789abcdef0123456789")
            .await
            .is_err()
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// When every CPU slot stays busy longer than `server.cpu_wait_seconds`, the answer from abroad is
/// not checked: the citizen is told, and their way back ends the flow at the e-service with
/// `temporarily_unavailable` (the RelayState is spent either way), never a dead end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_node_ends_the_flow_with_temporarily_unavailable() {
    let w = world_with(|cfg| cfg.server_extra = "cpu_wait_seconds = 1".into()).await;
    // Walk the flow up to the simulator's answer, without posting it to the ACS yet.
    let mut hop = w
        .browser
        .get(&format!("{}/login", w.rp_base))
        .await
        .unwrap();
    let response_form = loop {
        if hop.is_redirect() {
            let next = hop.location.clone().unwrap();
            hop = w.browser.get(&next).await.unwrap();
            continue;
        }
        let form = eidas_testbed::browser::parse_post_form(&hop.body).expect("a form");
        if form.field("SAMLResponse").is_some() {
            break (hop.url.clone(), form);
        }
        let extra: Vec<(&str, &str)> = if hop.body.contains("name=\"country\"") {
            vec![("country", "XA")]
        } else {
            Vec::new()
        };
        let url = hop.url.clone();
        hop = w.browser.submit(&url, &form, &extra).await.unwrap();
    };
    // Occupy every slot for longer than the allowed wait.
    let cpu = w._gw.state.web.cpu.clone();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let (release, gate) = std::sync::mpsc::channel::<()>();
    let gate = Arc::new(std::sync::Mutex::new(gate));
    let mut hogs = Vec::new();
    for _ in 0..cores {
        let (cpu, gate) = (cpu.clone(), gate.clone());
        hogs.push(tokio::spawn(async move {
            cpu.run(move || {
                let _ = gate
                    .lock()
                    .unwrap()
                    .recv_timeout(std::time::Duration::from_secs(20));
            })
            .await
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let acs = w
        .browser
        .submit(&response_form.0, &response_form.1, &[])
        .await
        .unwrap();
    for _ in 0..cores {
        release.send(()).ok();
    }
    for h in hogs {
        h.await.unwrap().unwrap();
    }
    assert_eq!(acs.status, 303, "{}", acs.body);
    let resume = acs.location.clone().unwrap();
    assert!(resume.contains("/resume?r="), "{resume}");
    // The citizen reads that the service is busy, then returns to the e-service.
    let page = w.browser.get(&resume).await.unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page
        .body
        .contains("<h1>Service temporarily unavailable</h1>"));
    let form = eidas_testbed::browser::parse_post_form(&page.body).expect("the way back");
    let back = w.browser.submit(&page.url, &form, &[]).await.unwrap();
    let to_rp = back.location.clone().unwrap();
    assert!(
        to_rp.starts_with(&format!("{}/callback?", w.rp_base)),
        "{to_rp}"
    );
    assert!(to_rp.contains("error=temporarily_unavailable"), "{to_rp}");
    assert!(to_rp.contains("state="), "{to_rp}");
    assert!(w.events.events().contains(&LoginEvent::Unavailable {
        method: LoginMethod::Eidas,
        country: Some("XA".into()),
    }));
    // The resume handle was single use: coming back again finds nothing.
    let again = w.browser.get(&resume).await.unwrap();
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.body.contains("expired or was already used"));
    assert!(w.events.events().contains(&LoginEvent::Abandoned {
        stage: Stage::Resume,
        client_id: None,
        country: None,
    }));
}

/// Keys are read per request: replacing the ID token keys or our SAML keys takes effect at once,
/// with no restart, and a retiring key stays published.
#[tokio::test]
async fn keys_change_without_a_restart() {
    use base64::Engine;
    use eidas_node::jose::Alg;
    use eidas_node::oidc::{KeySet, KeyStatus, SigningKey as JwtKey};
    let w = world().await;
    let web = &w._gw.state.web;
    let jwks = || async {
        let v: serde_json::Value = reqwest::get(format!("{}/jwks", w._gw.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let before = jwks().await;
    assert!(before.contains(&"e2e-es256".to_owned()), "{before:?}");
    // Roll the ES256 key: a new current one, the old one retiring (still published).
    let pem = std::fs::read(example_keys_dir().join("gateway/oidc-signing.key")).unwrap();
    let old = JwtKey::from_pem("e2e-es256", Alg::ES256, &pem, KeyStatus::Retiring).unwrap();
    let new = JwtKey::generate_es256(KeyStatus::Current).unwrap();
    let new_kid = new.kid.clone();
    web.provider
        .keys
        .replace(KeySet::new(vec![old, new]).unwrap());
    let after = jwks().await;
    assert!(after.contains(&"e2e-es256".to_owned()) && after.contains(&new_kid));
    let r = login_flow(&w.browser, &format!("{}/login", w.rp_base), "XA")
        .await
        .unwrap();
    // The demo e-service verified its ID token against the JWKS it fetched now.
    let page = w.browser.get(&r.final_url).await.unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("You are logged in"));
    let jwt = web
        .provider
        .keys
        .snapshot()
        .sign_jwt(Alg::ES256, &serde_json::json!({}))
        .unwrap();
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], new_kid.as_str(), "signed with the new key");

    // Our SAML signing key: the published metadata follows the replacement.
    let md = || async {
        reqwest::get(format!("{}/saml/metadata", w._gw.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let before = md().await;
    let mut sp = (*web.saml.sp()).clone();
    let fresh = example_pair("gateway/saml-encryption-ec");
    sp.signing = SigningKey::new(fresh.clone()).unwrap();
    web.saml.replace_sp(sp);
    let after = md().await;
    assert_ne!(before, after);
    let fresh_b64 = base64::engine::general_purpose::STANDARD.encode(fresh.cert.to_der().unwrap());
    assert!(
        after.contains(&fresh_b64),
        "the new signing certificate is published"
    );
}

/// `trust.cache_dir` (issue 11): a node that verified a country once starts serving it from its
/// disk copy while the country's URL is down, verified again; a tampered or expired copy, or no
/// cache configured, leaves the country out.
#[tokio::test]
async fn a_restart_during_an_outage_serves_the_verified_cached_metadata() {
    use eidas_node::clock::FixedClock;
    use eidas_node::trust::{Source, TrustStore};

    let cache = std::env::temp_dir().join(format!(
        "eidas-md-cache-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let sim_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim_url = format!("http://{}", sim_l.local_addr().unwrap());
    let sim_app = sim::router(sim_state(&sim_url));
    let sim_task = tokio::spawn(async move { axum::serve(sim_l, sim_app).await });

    let mut cfg = GatewayConfig::new();
    cfg.countries.push(CountryEntry::simulated("XA", &sim_url));
    cfg.trust_extra = format!("cache_dir = \"{}\"", cache.display());
    let first_refresh = |gw: &Gateway| {
        let trust = gw.state.web.trust.clone();
        async move {
            for _ in 0..400 {
                if trust.status().iter().all(|c| c.last_attempt.is_some()) {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            panic!("no trust refresh");
        }
    };

    // Online: verified, offered, and copied to the cache.
    let gw = gateway(&cfg).await;
    first_refresh(&gw).await;
    assert!(gw.state.web.trust.service("XA").is_some());
    let copy = cache.join("XA.xml");
    let text = std::fs::read_to_string(&copy).unwrap();
    assert!(text.contains("EntityDescriptor"), "{text}");
    gw.shutdown().await.unwrap();

    // The country goes down; a node starting now serves the cached copy.
    sim_task.abort();
    let _ = sim_task.await;
    let gw = gateway(&cfg).await;
    first_refresh(&gw).await;
    let trust = &gw.state.web.trust;
    assert!(trust.service("XA").is_some(), "{:?}", trust.status());
    let status = trust.status();
    let problem = status[0].problem.as_deref().unwrap();
    assert!(
        problem.contains("serving the verified cached copy"),
        "{problem}"
    );
    let r = reqwest::get(format!("{}/readyz", gw.url)).await.unwrap();
    assert_eq!(r.status(), 200);
    gw.shutdown().await.unwrap();

    // The copy is verified as a download: not once it has expired (the simulator signs for an
    // hour), not once altered, and not at all without `cache_dir`.
    let s = settings_of(&cfg);
    let sources = || Source::from_settings(&s.trust, &|p| s.path(p)).unwrap();
    let later = time::OffsetDateTime::now_utc() + Duration::hours(2);
    let expired = TrustStore::new(sources(), Arc::new(FixedClock(later)))
        .unwrap()
        .with_cache_dir(cache.clone());
    assert!(!expired.refresh().await.is_empty());
    assert!(expired.service("XA").is_none());

    let uncached = TrustStore::new(sources(), Arc::new(SystemClock)).unwrap();
    assert!(!uncached.refresh().await.is_empty());
    assert!(uncached.service("XA").is_none());

    let cached = || {
        TrustStore::new(sources(), Arc::new(SystemClock))
            .unwrap()
            .with_cache_dir(cache.clone())
    };
    let fresh = cached();
    fresh.refresh().await;
    assert!(fresh.service("XA").is_some(), "the untouched copy verifies");
    let altered = text.replacen(
        &format!("Location=\"{sim_url}"),
        "Location=\"https://attacker.example",
        1,
    );
    assert_ne!(altered, text);
    std::fs::write(&copy, altered).unwrap();
    let tampered = cached();
    assert!(!tampered.refresh().await.is_empty());
    assert!(tampered.service("XA").is_none());
    let _ = std::fs::remove_dir_all(&cache);
}

/// Peer key rollover (issue 11 item 2): a response signed by a key published after our last
/// refresh makes the gateway fetch the country's metadata again, verify it, and accept; a second
/// rollover inside `trust.refetch_cooldown_seconds` does not trigger another fetch and is refused.
#[tokio::test]
async fn a_rolled_over_signing_key_is_learnt_by_refetching_once_per_cooldown() {
    let w = world().await;
    let start = format!("{}/login", w.rp_base);
    let login = || login_flow(&w.browser, &start, "XA");
    w.sim.roll_signing_key("XA").unwrap();
    let r = login().await.unwrap();
    assert!(
        r.final_url
            .starts_with(&format!("{}/callback?code=", w.rp_base)),
        "{}",
        r.final_url
    );
    let page = w.browser.get(&r.final_url).await.unwrap();
    assert!(page.body.contains("You are logged in"), "{}", page.body);

    w.sim.roll_signing_key("XA").unwrap();
    let r = login().await.unwrap();
    assert!(
        !r.final_url.contains("code="),
        "accepted a key the held metadata does not have: {}",
        r.final_url
    );
    assert!(
        w.events.events().iter().any(|e| matches!(
            e,
            LoginEvent::Rejected { code, .. } if *code == "signature_invalid"
        )),
        "{:?}",
        w.events.events()
    );
}

/// Trust through a signed Metadata Service List (issue 11 item 1): the list's in-scope country
/// joins with the certificate the list gives and is verified as a configured one; a territory
/// outside the list's scope is refused with a note; an older IssueDate (a replayed list) is
/// refused and changes nothing; a newer list that suspends the country withdraws it at once.
#[tokio::test]
async fn a_service_list_vouches_for_its_scoped_countries_only() {
    use eidas_testbed::sim::service_list::ListEntry;
    use std::sync::Mutex;

    let sim_url = spawn_sim().await;
    let test_list = TestList::new(&sim_url);
    let entry = |territory: &str, suspended| test_list.entry(territory, suspended);
    let now = time::OffsetDateTime::now_utc();
    let list = |issued, entries: &[ListEntry]| test_list.signed(issued, entries);
    let published = Arc::new(Mutex::new(list(
        now - Duration::hours(1),
        &[entry("XA", false), entry("XB", false)],
    )));
    let list_url = serve_list(published.clone()).await;

    let mut cfg = GatewayConfig::new();
    cfg.trust_extra = list_config(&list_url);
    let gw = gateway(&cfg).await;
    let trust = gw.state.web.trust.clone();
    for _ in 0..400 {
        if trust.service("XA").is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let xa = trust.service("XA").expect("XA trusted through the list");
    assert_eq!(xa.entity_id, format!("{sim_url}/xa/metadata"));
    assert!(trust.service("XB").is_none());
    let codes: Vec<String> = trust
        .status()
        .iter()
        .map(|c| c.source.code.clone())
        .collect();
    assert_eq!(codes, ["XA"]);
    let offers = trust.offers(
        |_| true,
        LoaLevel::Low,
        eidas_node::identity::PersonType::NaturalPerson,
        "en",
    );
    assert_eq!(offers.len(), 1);
    assert!(offers[0].test);
    let lists = trust.list_status();
    assert!(lists[0].problem.is_none(), "{:?}", lists[0].problem);
    assert!(
        lists[0]
            .notes
            .iter()
            .any(|n| n.contains("territory XB is outside this list's scope")),
        "{:?}",
        lists[0].notes
    );

    // A replayed older list (which would withdraw XA) is refused and changes nothing.
    *published.lock().unwrap() = list(now - Duration::days(2), &[]);
    let problems = trust.refresh().await;
    assert!(
        problems
            .iter()
            .any(|(what, p)| what == "list XX" && p.contains("replayed")),
        "{problems:?}"
    );
    assert!(trust.service("XA").is_some());

    // A newer list naming another entityID for XA: the metadata no longer agrees (§4), so XA
    // is reloaded against it and refused.
    let mut other = entry("XA", false);
    other.entity_id = "https://other.example/xa".into();
    *published.lock().unwrap() = list(now - Duration::minutes(30), &[other]);
    trust.refresh().await;
    assert!(trust.service("XA").is_none());
    let problem = trust.status()[0].problem.clone().unwrap();
    assert!(
        problem.contains("is not the https://other.example/xa"),
        "{problem}"
    );

    // A newer list suspending XA withdraws it at once.
    *published.lock().unwrap() = list(now, &[entry("XA", true)]);
    trust.refresh().await;
    assert!(trust.service("XA").is_none());
    assert!(trust.status().is_empty());
    assert!(trust.list_status()[0].problem.is_none());
    gw.shutdown().await.unwrap();
}

/// A list can add countries but never replace one the operator pinned directly: a list naming
/// XA with another certificate leaves the configured XA as it is.
#[tokio::test]
async fn a_service_list_never_overrides_a_configured_country() {
    use eidas_testbed::sim::service_list::{build_service_list, ListEntry};

    let sim_url = spawn_sim().await;
    let operator = SigningKey::new(example_pair("sim/xb-signing")).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let body = build_service_list(
        &operator,
        now,
        now + Duration::days(1),
        &[ListEntry {
            territory: "XA".into(),
            location: "https://elsewhere.example/xa/metadata".into(),
            entity_id: "https://elsewhere.example/xa/metadata".into(),
            cert: example_pair("sim/xb-signing").cert,
            suspended: false,
        }],
    )
    .unwrap();
    let list_url = serve_list(Arc::new(std::sync::Mutex::new(body))).await;

    let mut cfg = GatewayConfig::new();
    cfg.countries.push(CountryEntry::simulated("XA", &sim_url));
    cfg.trust_extra = list_config(&list_url);
    let gw = gateway(&cfg).await;
    let trust = gw.state.web.trust.clone();
    trust.refresh().await;
    let status = trust.status();
    assert_eq!(status.len(), 1);
    assert!(status[0].source.list.is_none(), "still the configured XA");
    assert_eq!(
        status[0].source.location.to_string(),
        format!("{sim_url}/xa/metadata")
    );
    assert!(trust.service("XA").is_some());
    assert!(trust.list_status()[0].problem.is_none());
    gw.shutdown().await.unwrap();
}

/// Interop profile (issue 11 item 7): a per-country `clock_skew_seconds` replaces the global
/// allowance for that country only. A response whose NotBefore is 10 minutes ahead is refused
/// under the default skew and accepted from a country configured with 600 s.
#[tokio::test]
async fn a_country_clock_skew_setting_applies_to_that_country_only() {
    let not_yet_valid = |w: &World| {
        w.sim.set_control(sim::AutoControl {
            identity: "natural-greek".into(),
            fault: Some(sim::Fault::NotYetValid),
            ..sim::AutoControl::default()
        })
    };
    let w = world().await;
    not_yet_valid(&w);
    let r = login_flow(&w.browser, &format!("{}/login", w.rp_base), "XA")
        .await
        .unwrap();
    assert!(
        r.final_url.contains("error=access_denied"),
        "{}",
        r.final_url
    );

    let w = world_with(|c| c.countries[0].extra = "clock_skew_seconds = 600".into()).await;
    not_yet_valid(&w);
    let r = login_flow(&w.browser, &format!("{}/login", w.rp_base), "XA")
        .await
        .unwrap();
    assert!(
        r.final_url
            .starts_with(&format!("{}/callback?code=", w.rp_base)),
        "{}",
        r.final_url
    );
}

/// Interop profile (issue 11 item 7): a country whose metadata asks for `Scoping/RequesterID`
/// gets the e-service's id, unless the operator set `omit_scoping` for it.
#[tokio::test]
async fn omit_scoping_leaves_the_requester_id_out_for_that_country() {
    for (omit, expected) in [(false, Some("demo-rp".to_owned())), (true, None)] {
        let w = world_with(|c| {
            if omit {
                c.countries[0].extra = "omit_scoping = true".into();
            }
        })
        .await;
        w.sim.set_requester_id_flag(true);
        w._gw.state.web.trust.refresh().await;
        assert!(
            w._gw
                .state
                .web
                .trust
                .service("XA")
                .unwrap()
                .requester_id_flag
        );
        let r = login_flow(&w.browser, &format!("{}/login", w.rp_base), "XA")
            .await
            .unwrap();
        assert!(r.final_url.contains("code="), "{}", r.final_url);
        assert_eq!(
            w.sim.last_requester_id("XA"),
            Some(expected),
            "omit_scoping = {omit}"
        );
    }
}

/// Issue 11 item 3 in one process with the real trust store: under `review`, a country a list
/// adds waits for approval while the one it already vouched for keeps serving; a list that
/// withdraws a country removes it at once, review or not; and a rollback to a version whose
/// country is no longer vouched for is refused with the reason.
#[tokio::test]
async fn under_review_additions_wait_and_removals_apply_at_once() {
    use eidas_node::trust::Decision;
    use eidas_testbed::sim::service_list::ListEntry;
    use std::sync::Mutex;

    let sim_url = spawn_sim().await;
    let test_list = TestList::new(&sim_url);
    let entry = |territory: &str, suspended| test_list.entry(territory, suspended);
    let now = time::OffsetDateTime::now_utc();
    let list = |issued, entries: &[ListEntry]| test_list.signed(issued, entries);
    let published = Arc::new(Mutex::new(list(
        now - Duration::hours(2),
        &[entry("XA", false)],
    )));
    let list_url = serve_list(published.clone()).await;
    let mut cfg = GatewayConfig::new();
    cfg.trust_extra = format!(
        "[[trust.lists]]\nname = \"XX\"\nlocation = \"{list_url}\"\nsigner_cert_paths = [\"{}\"]\nterritories = [\"XA\", \"XB\"]\nactivation = \"review\"\n",
        example_keys_dir().join("sim/xb-signing.crt").display()
    );
    let gw = gateway(&cfg).await;
    let trust = gw.state.web.trust.clone();
    trust.refresh().await;
    assert!(
        trust.service("XA").is_some(),
        "a first start serves what it verified"
    );
    let first = trust.status_json()["active_version"]
        .as_str()
        .unwrap()
        .to_owned();

    // The list adds XB: verified, but not served until approved.
    *published.lock().unwrap() = list(
        now - Duration::hours(1),
        &[entry("XA", false), entry("XB", false)],
    );
    trust.refresh().await;
    trust.refresh().await;
    assert!(
        trust
            .status()
            .iter()
            .any(|c| c.source.code == "XB" && c.service.is_some()),
        "{}",
        trust.status_json()
    );
    assert!(trust.service("XB").is_none(), "XB waits for review");
    assert!(trust.service("XA").is_some());
    let st = trust.status_json();
    assert_eq!(st["active_version"], first.as_str());
    let staged = st["staged_version"].as_str().unwrap().to_owned();
    let diff = trust.diff_json(None).await.unwrap();
    assert_eq!(diff["summary"], "XB added", "{diff}");
    assert_eq!(diff["changes"][0]["source"], "list XX");
    let id = trust
        .decide(Decision::Approve, &staged[..10], "alice")
        .await
        .unwrap();
    assert_eq!(id, staged);
    assert!(
        trust.service("XB").is_some(),
        "approved: served at once on this instance"
    );

    // The list suspends XA: it leaves at once, with nothing to approve.
    *published.lock().unwrap() = list(now, &[entry("XA", true), entry("XB", false)]);
    trust.refresh().await;
    assert!(
        trust.service("XA").is_none(),
        "removals never wait for review"
    );
    assert!(trust.service("XB").is_some());
    let st = trust.status_json();
    assert!(st["staged_version"].is_null(), "{st}");
    let history = trust.history_json().await.unwrap();
    assert_eq!(history["entries"][0]["action"], "activated", "{history}");

    // Rolling back to the version with XA is refused: the list no longer vouches for it.
    let err = trust
        .decide(Decision::Rollback, &first, "alice")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("XA: no valid verified metadata now"), "{err}");
    assert!(trust.service("XA").is_none());
    gw.shutdown().await.unwrap();
}
