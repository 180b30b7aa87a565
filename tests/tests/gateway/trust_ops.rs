//! Issue 11, trust versions and their workflow with the real binary, two instances on one Redis
//! and the simulator rotating a key: a change under `review` waits on every instance, the
//! operator sees its diff, approves it (both instances switch), and rolls it back (both switch
//! back, and the refresh does not bring it back by itself).

use std::time::{Duration, Instant};

use eidas_testbed::browser::Browser;
use serde_json::{json, Value};

use crate::harness::*;
use crate::ops::{run_node, text};

/// Whether a login through `gw` to `country` ends with a code at the e-service.
async fn login_works(gw: &Gateway, country: &str) -> bool {
    let browser = Browser::new().unwrap();
    let (url, _, _) = authorize_url(gw.url(), "openid", &[]);
    match drive(&browser, &url, country, |_| false).await {
        End::Final(to) => query_param(&to, "code").is_some(),
        End::Page(_) => false,
    }
}

/// Polls `check` every 300 ms for at most `secs` seconds.
async fn eventually<F, Fut>(secs: u64, what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(Instant::now() < deadline, "not within {secs} s: {what}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn review_approve_and_rollback_reach_every_instance() {
    let Some(redis) = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("SKIPPED review_approve_and_rollback: TEST_REDIS_URL is not set");
        return;
    };
    let dir = TempDir::new("trust-review");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(redis);
    cfg.refresh_seconds = Some(10);
    cfg.trust_extra = "sync_seconds = 1\nrefetch_cooldown_seconds = 1\n".into();
    cfg.country_extra = "activation = \"review\"\n".into();
    let mut cfg_a = cfg.clone();
    // The token file's name is the operator the history names.
    cfg_a.with_admin(dir.path(), "alice");
    let a = Gateway::start(dir.path(), &cfg_a, "gw-a");
    let b = Gateway::start(dir.path(), &cfg, "gw-b");
    a.wait_ready().await;
    b.wait_ready().await;
    let config = a.config_path.to_str().unwrap().to_owned();
    let trust = |args: &[&str]| {
        let mut all = vec!["trust"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--config", &config]);
        let out = run_node(&all, &[]);
        (out.status.code(), text(&out))
    };
    let status = || {
        let (code, out) = trust(&["status", "--json"]);
        assert_eq!(code, Some(0), "{out}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let first = status()["active_version"].as_str().unwrap().to_owned();
    assert!(status()["staged_version"].is_null());
    assert!(login_works(&b, "XA").await, "XA before any change");

    // XA publishes a new signing key and signs with it: the change waits for review.
    sim.control(json!({ "roll_key": "XA" })).await;
    eventually(40, "the new key is staged", || async {
        !status()["staged_version"].is_null()
    })
    .await;
    let st = status();
    let staged = st["staged_version"].as_str().unwrap().to_owned();
    assert_eq!(st["active_version"], first.as_str(), "{st}");
    let xa = st["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "XA")
        .unwrap()
        .clone();
    assert!(
        xa["held_back"]
            .as_str()
            .unwrap()
            .contains("signing_keys +1"),
        "{xa}"
    );
    for gw in [&a, &b] {
        assert!(
            !login_works(gw, "XA").await,
            "a response signed with the unreviewed key is refused on every instance"
        );
    }
    assert!(login_works(&b, "XB").await, "XB is untouched");
    let (code, diff) = trust(&["diff"]);
    assert_eq!(code, Some(0), "{diff}");
    assert!(diff.contains("+ XA: signing_keys "), "{diff}");
    assert!(diff.contains(&staged[..12]), "{diff}");
    let (_, diff_json) = trust(&["diff", "--json"]);
    let d: Value = serde_json::from_str(&diff_json).unwrap();
    assert_eq!(d["to"], staged.as_str());
    assert_eq!(d["changes"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["changes"][0]["source"], "config XA");

    // Unknown, too short and wrong-state versions are refused with a reason.
    let (code, out) = trust(&["approve", "0123456789ab"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("no trust version"), "{out}");
    let (code, out) = trust(&["approve", "abc"]);
    assert_eq!(code, Some(1), "{out}");
    let (code, out) = trust(&["approve", &first[..12]]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("409"),
        "the active version is not staged: {out}"
    );

    // Approve: both instances serve the new key within seconds.
    let (code, out) = trust(&["approve", &staged[..12]]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("approved"), "{out}");
    eventually(15, "B accepts the approved key", || login_works(&b, "XA")).await;
    assert!(login_works(&a, "XA").await);
    let st = status();
    assert_eq!(st["active_version"], staged.as_str(), "{st}");
    assert!(st["staged_version"].is_null(), "{st}");

    let (code, history) = trust(&["history"]);
    assert_eq!(code, Some(0), "{history}");
    assert!(history.contains("approved"), "{history}");
    assert!(history.contains("by alice"), "{history}");

    // Roll back to the first version: the new key is refused again on both, and verifying
    // the sources again does not re-activate what the operator rolled back from.
    let (code, out) = trust(&["rollback", &first]);
    assert_eq!(code, Some(0), "{out}");
    eventually(15, "B refuses the key again", || async {
        !login_works(&b, "XA").await
    })
    .await;
    assert!(!login_works(&a, "XA").await);
    let st = status();
    assert_eq!(st["active_version"], first.as_str());
    assert!(
        st["hold"].as_str().unwrap().contains("by alice"),
        "after a rollback every change waits for review: {st}"
    );
    let (_, history) = trust(&["history", "--json"]);
    let h: Value = serde_json::from_str(&history).unwrap();
    let actions: Vec<&str> = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..3],
        ["rolled_back", "rolled_back_from", "approved"],
        "{h}"
    );
}

/// Issue 11 items 8–9: the simulator publishes a signed service list and steps through a
/// rotation series (a key announced, approved, then used; a country withdrawn and restored; an
/// expired, a tampered, a SHA-1 and a replayed list; a territory out of scope; a certificate
/// about to expire); the running node (list under `review`) gives each step its verdict, in
/// `trust status`, `trust diff` and for logins.
#[tokio::test]
async fn a_rotation_series_through_the_simulators_service_list() {
    let dir = TempDir::new("trust-rotation");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.countries.clear();
    cfg.trust_extra = format!(
        "[[trust.lists]]\nname = \"XX\"\nlocation = \"{}/mdsl\"\nsigner_cert_paths = [\"{}\"]\nterritories = [\"XA\", \"XB\"]\nactivation = \"review\"\ntest = true\n",
        sim.url(),
        keys().join("sim/list-operator.crt").display()
    );
    cfg.with_admin(dir.path(), "ops");
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;
    let config = gw.config_path.to_str().unwrap().to_owned();
    let trust = |args: &[&str]| {
        let mut all = vec!["trust"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--config", &config]);
        let out = run_node(&all, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let refresh = || serde_json::from_str::<Value>(&trust(&["refresh", "--json"])).unwrap();
    let usable = |st: &Value, code: &str| {
        st["countries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == code && c["usable"] == true)
    };
    let st = refresh();
    assert!(usable(&st, "XA") && usable(&st, "XB"), "{st}");
    assert_eq!(st["lists"][0]["problem"], Value::Null, "{st}");
    assert!(login_works(&gw, "XA").await);

    // 1. XA announces its next signing key: staged for review, logins unaffected.
    sim.control(json!({ "announce_key": "XA" })).await;
    let st = refresh();
    let staged = st["staged_version"].as_str().expect("staged").to_owned();
    let diff = trust(&["diff"]);
    assert!(diff.contains("+ XA: signing_keys "), "{diff}");
    assert!(diff.contains("(list XX)"), "{diff}");
    assert!(login_works(&gw, "XA").await);
    trust(&["approve", &staged]);
    // 2. XA switches to it: accepted, as approved.
    sim.control(json!({ "roll_key": "XA" })).await;
    assert!(login_works(&gw, "XA").await, "the approved key signs now");

    // 3. The list withdraws XB: it leaves at once, nothing to approve.
    sim.control(json!({ "withdraw": "XB" })).await;
    let st = refresh();
    assert!(!usable(&st, "XB"), "{st}");
    assert!(st["staged_version"].is_null(), "{st}");
    // 4. Restored: an addition, so it waits for review.
    sim.control(json!({ "restore": "XB" })).await;
    let st = refresh();
    assert!(!usable(&st, "XB"), "{st}");
    let diff = trust(&["diff"]);
    assert!(
        diff.contains("+ XB: country added (from list XX)"),
        "{diff}"
    );
    trust(&["approve", st["staged_version"].as_str().unwrap()]);
    assert!(usable(
        &serde_json::from_str(&trust(&["status", "--json"])).unwrap(),
        "XB"
    ));

    // 5–8. Lists to refuse, each with its reason; the countries of the list in force stay.
    for (mode, reason) in [
        ("expired", "expired"),
        ("tampered", "service list XX: verification failed: digest"),
        ("sha1", "sha1"),
        ("replay", "replayed"),
    ] {
        sim.control(json!({ "list": mode })).await;
        let st = refresh();
        let problem = st["lists"][0]["problem"].as_str().unwrap_or("").to_owned();
        assert!(
            problem.to_lowercase().contains(&reason.to_lowercase()),
            "{mode}: {problem}"
        );
        assert!(usable(&st, "XA") && usable(&st, "XB"), "{mode}: {st}");
    }
    // 9. A list vouching for a territory outside its scope: refused for that territory only.
    sim.control(json!({ "list": "normal" })).await;
    sim.control(json!({ "list_extra_territory": "XC" })).await;
    let st = refresh();
    assert_eq!(st["lists"][0]["problem"], Value::Null, "{st}");
    let notes = st["lists"][0]["notes"].to_string();
    assert!(
        notes.contains("territory XC is outside this list's scope"),
        "{notes}"
    );
    assert!(usable(&st, "XA") && usable(&st, "XB"), "{st}");
    let table = trust(&["status"]);
    assert!(table.contains("note: territory XC"), "{table}");
    // 10. A certificate about to expire: warned about in the status before anything breaks.
    sim.control(json!({ "announce_expiring_key": "XB" })).await;
    let st = refresh();
    let xb = st["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "XB")
        .unwrap()
        .clone();
    assert!(
        xb["warnings"]
            .to_string()
            .contains("a signing certificate expires"),
        "{xb}"
    );
    let table = trust(&["status"]);
    assert!(
        table.contains("warning: country XB: a signing certificate expires"),
        "{table}"
    );
    trust(&["reject", st["staged_version"].as_str().unwrap()]);
    let st: Value = serde_json::from_str(&trust(&["status", "--json"])).unwrap();
    assert!(st["staged_version"].is_null(), "{st}");
    assert!(
        usable(&st, "XB"),
        "rejecting the new key leaves XB as it was: {st}"
    );
}

/// Issue 11 item 9: the real binary restarted while the foreign node is down serves the country
/// from its verified disk copy (`trust.cache_dir`), and says so in `trust status`; with Redis, the
/// restarted instance also finds the active trust version it had.
#[tokio::test]
async fn a_restart_while_the_source_is_down_serves_from_the_cache() {
    let dir = TempDir::new("trust-cache-restart");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.trust_extra = "cache_dir = \"trust-cache\"\n".into();
    cfg.with_admin(dir.path(), "ops");
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;
    assert!(login_works(&gw, "XA").await);
    let config = gw.config_path.to_str().unwrap().to_owned();
    let status = || {
        let out = run_node(&["trust", "status", "--json", "--config", &config], &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let before = status()["active_version"].clone();
    assert!(dir.path().join("trust-cache/XA.xml").exists());
    drop(gw);
    drop(sim);

    let gw = Gateway::start(dir.path(), &cfg, "gateway-again");
    gw.wait_ready().await;
    let st = status();
    let xa = st["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "XA")
        .unwrap()
        .clone();
    assert_eq!(xa["usable"], true, "{xa}");
    assert!(
        xa["problem"]
            .as_str()
            .unwrap()
            .contains("serving the verified cached copy"),
        "{xa}"
    );
    if cfg.redis_url.is_some() {
        assert_eq!(
            st["active_version"], before,
            "the active version survives the restart"
        );
    }
}
