//! Tests 5 and 6: two instances sharing one Redis, and Redis going away mid-flow.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use eidas_testbed::browser::{login_flow, parse_post_form, Browser};
use serde_json::json;
use url::Url;

use crate::harness::*;
use crate::login::verify_id_token;

#[tokio::test]
async fn two_instances_sharing_redis_continue_each_others_flows() {
    let Some(redis) = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("SKIPPED two_instances_sharing_redis: TEST_REDIS_URL is not set");
        return;
    };
    let dir = TempDir::new("shared");
    let sim = Sim::start(dir.path());
    sim.control(json!({"identity": "natural-greek", "loa": "high"}))
        .await;
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(redis);
    let a = Gateway::start(dir.path(), &cfg, "gw-a");
    // B: the same config and prefix, with A's URL as its public URL (as behind one balancer).
    let mut cfg_b = cfg.clone();
    cfg_b.public_url = a.url().to_owned();
    let b = Gateway::start(dir.path(), &cfg_b, "gw-b");
    assert_ne!(a.url(), b.url());
    a.wait_ready().await;
    b.wait_ready().await;

    let browser = Browser::new().unwrap();
    let (url, state, verifier) = authorize_url(a.url(), "openid", &[]);
    let nonce = query_param(&url, "nonce").unwrap();
    let page = match drive(&browser, &url, "XB", at_saml_response).await {
        End::Page(h) if at_saml_response(&h) => h,
        other => panic!("no SAML response form: {other:?}"),
    };
    let mut form = parse_post_form(&page.body).unwrap();
    let mut action = Url::parse(&form.action).unwrap();
    assert_eq!(
        action.as_str(),
        format!("{}/saml/acs", a.url()),
        "the sim answers A's ACS"
    );
    let b_addr = Url::parse(b.url()).unwrap();
    action.set_port(b_addr.port()).unwrap();
    form.action = action.to_string();
    let acs = browser.submit(&page.url, &form, &[]).await.unwrap();
    assert_eq!(acs.status, 303, "B's ACS: {}", acs.body);
    let resume = acs.location.clone().unwrap();
    assert!(resume.starts_with(b.url()), "{resume}");
    let hops = browser
        .follow(acs, |u| u.starts_with(REDIRECT))
        .await
        .unwrap();
    let to = hops.last().unwrap().location.clone().unwrap();
    assert!(to.starts_with(REDIRECT), "{to}");
    assert_eq!(query_param(&to, "state").as_deref(), Some(state.as_str()));
    let code = query_param(&to, "code").expect("a code from B");

    let token = redeem(&format!("{}/token", b.url()), &code, &verifier).await;
    let id_token = token["id_token"].as_str().unwrap();
    // Verified with the client discovered at A (same issuer, same JWKS).
    let claims = verify_id_token(a.url(), id_token, &nonce).await;
    assert_eq!(claims["iss"], a.url());
    assert_eq!(claims["sub"], "XB/SE/GR-0002-TEST");
    assert_eq!(claims["acr"], "http://eidas.europa.eu/LoA/high");
}

/// A private `redis-server` (or `redis-sentinel`) on a loopback port, killed on drop.
pub(crate) struct Redis(std::process::Child);

impl Redis {
    fn start(port: u16, dir: &Path) -> Redis {
        Redis::with_args(port, dir, &[])
    }

    /// `redis-server` listening on `port` (plain TCP unless `extra` says otherwise), in `dir`.
    pub(crate) fn with_args(port: u16, dir: &Path, extra: &[&str]) -> Redis {
        let mut args = vec![
            "--bind".to_owned(),
            "127.0.0.1".into(),
            "--save".into(),
            String::new(),
            "--appendonly".into(),
            "no".into(),
            "--dir".into(),
            dir.to_str().unwrap().into(),
        ];
        if !extra.contains(&"--tls-port") {
            args.extend(["--port".into(), port.to_string()]);
        }
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        Redis::spawn(Command::new("redis-server").args(args), port)
    }

    /// `redis-sentinel` (Debian's name for `redis-server --sentinel`) with its config file `conf`.
    pub(crate) fn sentinel(port: u16, conf: &Path) -> Redis {
        let conf = conf.to_str().unwrap();
        let mut cmd = if Command::new("redis-sentinel")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            let mut c = Command::new("redis-sentinel");
            c.arg(conf);
            c
        } else {
            let mut c = Command::new("redis-server");
            c.args([conf, "--sentinel"]);
            c
        };
        Redis::spawn(&mut cmd, port)
    }

    fn spawn(cmd: &mut Command, port: u16) -> Redis {
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis did not start on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Redis(child)
    }

    /// Kills the process at once (SIGKILL): a crashed machine, not a clean shutdown.
    pub(crate) fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn have_redis_server() -> bool {
    Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

async fn readyz(gw: &str) -> (u16, serde_json::Value) {
    let r = reqwest::get(format!("{gw}/readyz")).await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn redis_stopped_mid_flow_gives_unavailable_and_recovers() {
    if !have_redis_server() {
        eprintln!("SKIPPED redis_stopped_mid_flow: redis-server is not on PATH");
        return;
    }
    let dir = TempDir::new("redis-down");
    let port = free_port();
    let redis = Redis::start(port, dir.path());
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(format!("redis://127.0.0.1:{port}"));
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;

    // A flow up to the country page.
    let b = Browser::new().unwrap();
    let (url, _, _) = authorize_url(gw.url(), "openid", &[]);
    let End::Page(page) = drive(&b, &url, "XA", at_country_page).await else {
        panic!("no country page")
    };
    assert!(at_country_page(&page));
    let form = parse_post_form(&page.body).unwrap();

    drop(redis);

    let (status, body) = readyz(gw.url()).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["store"], "unavailable");
    assert_eq!(body["trust"], "ok");

    // Continuing the flow: the "temporarily unavailable" page.
    let hop = b
        .submit(&page.url, &form, &[("country", "XA")])
        .await
        .unwrap();
    assert_eq!(hop.status, 503, "{}", hop.body);
    assert_error_page(&hop, "country chosen while Redis is down");
    assert!(hop.body.contains("temporarily unavailable"), "{}", hop.body);
    // A new flow: back to the client with temporarily_unavailable.
    let (url, state, _) = authorize_url(gw.url(), "openid", &[]);
    let hop = Browser::new().unwrap().get(&url).await.unwrap();
    assert!(hop.is_redirect(), "{} {}", hop.status, hop.body);
    let to = hop.location.unwrap();
    assert!(to.starts_with(REDIRECT), "{to}");
    assert_eq!(
        query_param(&to, "error").as_deref(),
        Some("temporarily_unavailable")
    );
    assert_eq!(query_param(&to, "state").as_deref(), Some(state.as_str()));
    assert_eq!(query_param(&to, "code"), None);

    // Redis is back on the same port: ready again within a few seconds, and logins work.
    let _redis = Redis::start(port, dir.path());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = readyz(gw.url()).await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "still not ready: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (url, state, verifier) = authorize_url(gw.url(), "openid", &[]);
    let r = login_flow(&Browser::new().unwrap(), &url, "XA")
        .await
        .unwrap();
    assert_eq!(
        query_param(&r.final_url, "state").as_deref(),
        Some(state.as_str())
    );
    let code = query_param(&r.final_url, "code").expect("a code after recovery");
    let token = redeem(&format!("{}/token", gw.url()), &code, &verifier).await;
    let nonce = query_param(&url, "nonce").unwrap();
    let claims = verify_id_token(gw.url(), token["id_token"].as_str().unwrap(), &nonce).await;
    assert_eq!(claims["eidas_country"], "XA");
}

/// Issue 12 item 6: a login whose steps run on two instances survives one of them being
/// restarted mid-flow (SIGTERM, drain, exit, start again on the same address): the flow state
/// is in Redis, so the answer from abroad lands on B and the code is redeemed at the restarted A.
#[tokio::test]
async fn a_login_survives_an_instance_restart_mid_flow() {
    let Some(redis) = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!(
            "SKIPPED a_login_survives_an_instance_restart_mid_flow: TEST_REDIS_URL is not set"
        );
        return;
    };
    let dir = TempDir::new("restart-mid-flow");
    let sim = Sim::start(dir.path());
    sim.control(json!({"identity": "natural-greek", "loa": "high"}))
        .await;
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(redis);
    let mut a = Gateway::start(dir.path(), &cfg, "gw-a");
    let mut cfg_b = cfg.clone();
    cfg_b.public_url = a.url().to_owned();
    let b = Gateway::start(dir.path(), &cfg_b, "gw-b");
    a.wait_ready().await;
    b.wait_ready().await;

    let browser = Browser::new().unwrap();
    let (url, state, verifier) = authorize_url(a.url(), "openid", &[]);
    let nonce = query_param(&url, "nonce").unwrap();
    let page = match drive(&browser, &url, "XB", at_saml_response).await {
        End::Page(h) if at_saml_response(&h) => h,
        other => panic!("no SAML response form: {other:?}"),
    };
    // A is restarted while the citizen is abroad.
    let a_url = a.url().to_owned();
    let pid = a.proc.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.proc.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "A did not exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(a);
    let mut cfg_a2 = cfg_b.clone();
    cfg_a2.listen = Some(Url::parse(&a_url).unwrap().authority().to_owned());
    let a2 = Gateway::start(dir.path(), &cfg_a2, "gw-a2");
    assert_eq!(a2.url(), a_url, "A is back on its address");
    a2.wait_ready().await;

    // The answer from abroad goes to B.
    let mut form = parse_post_form(&page.body).unwrap();
    let mut action = Url::parse(&form.action).unwrap();
    action
        .set_port(Url::parse(b.url()).unwrap().port())
        .unwrap();
    form.action = action.to_string();
    let acs = browser.submit(&page.url, &form, &[]).await.unwrap();
    assert_eq!(acs.status, 303, "B's ACS: {}", acs.body);
    let hops = browser
        .follow(acs, |u| u.starts_with(REDIRECT))
        .await
        .unwrap();
    let to = hops.last().unwrap().location.clone().unwrap();
    assert_eq!(query_param(&to, "state").as_deref(), Some(state.as_str()));
    let code = query_param(&to, "code").expect("a code");
    // Redeemed at the restarted A; the ID token verifies against its JWKS.
    let token = redeem(&format!("{}/token", a2.url()), &code, &verifier).await;
    let claims = verify_id_token(a2.url(), token["id_token"].as_str().unwrap(), &nonce).await;
    assert_eq!(claims["sub"], "XB/SE/GR-0002-TEST");
}

/// Issue 12 item 2: logins that keep failing at a country mark it degraded on every instance
/// (counts shared through Redis): `/health/countries` says so and the country page shows a
/// notice beside it, while it stays selectable; the other country is unaffected.
#[tokio::test]
async fn a_failing_country_is_marked_degraded_on_every_instance() {
    let Some(redis) = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("SKIPPED a_failing_country_is_marked_degraded: TEST_REDIS_URL is not set");
        return;
    };
    let dir = TempDir::new("health");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(redis);
    let a = Gateway::start(dir.path(), &cfg, "gw-a");
    let b = Gateway::start(dir.path(), &cfg, "gw-b");
    a.wait_ready().await;
    b.wait_ready().await;
    // XA answers with unsigned responses: each login through A is refused.
    sim.control(json!({"fault": "unsigned"})).await;
    for _ in 0..3 {
        let browser = Browser::new().unwrap();
        let (url, _, _) = authorize_url(a.url(), "openid", &[]);
        match drive(&browser, &url, "XA", |_| false).await {
            End::Final(to) => assert!(query_param(&to, "code").is_none(), "{to}"),
            End::Page(_) => {}
        }
    }
    sim.control(json!({"fault": "none"})).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let report = loop {
        let v: serde_json::Value = reqwest::get(format!("{}/health/countries", b.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let xa = v["countries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "XA")
            .cloned();
        if xa.as_ref().is_some_and(|x| x["degraded"] == true) {
            break v;
        }
        assert!(Instant::now() < deadline, "B never saw XA degraded: {v}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let xa = report["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "XA")
        .unwrap();
    assert_eq!(xa["failures"], 3, "{report}");
    assert!(!report.to_string().contains("\"XB\""), "{report}");
    // B's country page: XA marked, still a choice; XB plain.
    let browser = Browser::new().unwrap();
    let (url, _, _) = authorize_url(b.url(), "openid", &[]);
    let page = match drive(&browser, &url, "XA", at_country_page).await {
        End::Page(h) => h,
        other => panic!("no country page: {other:?}"),
    };
    assert_eq!(
        page.body.matches("class=\"degraded\"").count(),
        1,
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"XA\""));
    assert!(page.body.contains("value=\"XB\""));
}
