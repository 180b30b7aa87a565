//! Tests 7–9: health and readiness, `check`, configuration errors, localized error pages.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use eidas_testbed::browser::Browser;
use url::Url;

use crate::harness::*;

/// Runs `eidas-node args…` to completion (at most 30 s).
pub(crate) fn run_node(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(node_bin());
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "eidas-node {args:?} did not exit: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn healthz_readyz_and_check_report_trust() {
    let dir = TempDir::new("trust");
    // A country whose metadata URL nobody listens on.
    let dead = free_port();
    let mut cfg = GwConfig::new(&format!("http://127.0.0.1:{dead}"));
    cfg.countries.truncate(1);
    let gw = Gateway::start(dir.path(), &cfg, "dead");
    let r = reqwest::get(format!("{}/healthz", gw.url())).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = reqwest::get(format!("{}/readyz", gw.url())).await.unwrap();
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["trust"], "not loaded", "{body}");
    assert_eq!(body["store"], "ok", "{body}");

    let out = run_node(
        &["check", "--config", gw.config_path.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("problem: country XA:"),
        "{}",
        text(&out)
    );

    // The good configuration: ready, and `check` passes.
    let w = World::start("trust-ok").await;
    let r = reqwest::get(format!("{}/healthz", w.gw.url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = reqwest::get(format!("{}/readyz", w.gw.url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"store": "ok", "trust": "ok", "keys": "ok"})
    );
    let out = run_node(
        &["check", "--config", w.gw.config_path.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", w.gw.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        serde_json::json!(["ES256", "RS256"])
    );

    // Without an RS256 key the node still runs, and `check` says what OIDC Discovery §3 wants.
    let mut cfg = GwConfig::new(w.sim.url());
    cfg.rs256 = false;
    let path = cfg.write(dir.path(), "no-rs256.toml");
    let out = run_node(&["check", "--config", path.to_str().unwrap()], &[]);
    // Exit code 2: warnings only (0 clean, 1 problems).
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("warning: oidc.signing_keys has no current RS256 key"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn serve_refuses_unknown_keys_from_the_file_and_the_environment() {
    let dir = TempDir::new("config");
    let mut cfg = GwConfig::new("http://127.0.0.1:9");
    cfg.server_extra = "listen_backlog_typo = 5".into();
    let path = cfg.write(dir.path(), "typo.toml");
    let out = run_node(&["serve", "--config", path.to_str().unwrap()], &[]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("listen_backlog_typo"), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("listening on"),
        "{}",
        text(&out)
    );

    let cfg = GwConfig::new("http://127.0.0.1:9");
    let path = cfg.write(dir.path(), "good.toml");
    let out = run_node(
        &["serve", "--config", path.to_str().unwrap()],
        &[("EIDAS_NODE__SERVER__NOPE", "1")],
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nope"), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("listening on"),
        "{}",
        text(&out)
    );
}

async fn get_with_language(url: &str, accept_language: &str) -> (u16, String) {
    let r = Browser::new()
        .unwrap()
        .client()
        .get(url)
        .header("Accept-Language", accept_language)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn error_and_country_pages_follow_the_citizens_language() {
    let w = World::start("i18n").await;
    let unknown = format!("{}/login?flow=no-such-flow", w.gw.url());
    for (lang, header, title) in [
        (
            "sv",
            "sv-SE,sv;q=0.9,en;q=0.5",
            "Din inloggningssession har avslutats",
        ),
        ("da", "da", "Din login-session er udløbet"),
        ("nb", "nb-NO,nb;q=0.9", "Innloggingsøkten din er avsluttet"),
        (
            "fr",
            "fr-BE, en;q=0.5",
            "Votre session de connexion a pris fin",
        ),
        ("el", "el", "Η συνεδρία σύνδεσής σας έληξε"),
        ("en", "ja, en;q=0.5", "Your login session has ended"),
    ] {
        let (status, body) = get_with_language(&unknown, header).await;
        assert_eq!(status, 400, "{lang}: {body}");
        assert!(
            body.contains(&format!("<html lang=\"{lang}\"")),
            "{lang}: {body}"
        );
        assert!(body.contains(title), "{lang}: {body}");
        assert!(body.contains("<code class=\"reference\""), "{lang}: {body}");
    }

    // ui_locales on /authorize wins over Accept-Language on the country page.
    let b = Browser::new().unwrap();
    let (url, _, _) = authorize_url(w.gw.url(), "openid", &[("ui_locales", "sv")]);
    let r = b
        .client()
        .get(&url)
        .header("Accept-Language", "da")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let login = Url::parse(&url)
        .unwrap()
        .join(r.headers()["location"].to_str().unwrap())
        .unwrap();
    let r = b
        .client()
        .get(login.as_str())
        .header("Accept-Language", "da")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("<html lang=\"sv\""), "{body}");
    assert!(body.contains("Välj ditt land"), "{body}");
    // Without ui_locales the browser's language is used.
    let (url, _, _) = authorize_url(w.gw.url(), "openid", &[]);
    let r = b
        .client()
        .get(&url)
        .header("Accept-Language", "da")
        .send()
        .await
        .unwrap();
    let login = Url::parse(&url)
        .unwrap()
        .join(r.headers()["location"].to_str().unwrap())
        .unwrap();
    let (_, body) = get_with_language(login.as_str(), "da").await;
    // A fresh browser has no binding cookie: that is an error page, but in Danish.
    assert!(body.contains("<html lang=\"da\""), "{body}");
    let r = b
        .client()
        .get(login.as_str())
        .header("Accept-Language", "da")
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("<html lang=\"da\""), "{body}");
    assert!(body.contains("Vælg dit land"), "{body}");
}

/// `eidas-node trust status` reads what the running node trusts from its admin API, as a table
/// and as JSON, with the token from `admin.token_paths`.
#[tokio::test]
async fn trust_status_reads_the_running_node() {
    let dir = TempDir::new("trust-status");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.with_admin(dir.path(), "admin");
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;
    let config = gw.config_path.to_str().unwrap();
    let out = run_node(&["trust", "status", "--config", config], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("ready: yes\n"), "{table}");
    for code in ["XA", "XB"] {
        assert!(
            table.contains(&format!("country {code} (config): ok, ")),
            "{table}"
        );
    }
    let out = run_node(&["trust", "status", "--json", "--config", config], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["countries"].as_array().unwrap().len(), 2, "{v}");
    assert!(v["countries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["usable"] == true));
    // A wrong token is an error with the reason, not an empty table.
    std::fs::write(
        dir.path().join("admin.token"),
        "wrong-token-0123456789abcdef0123456789\n",
    )
    .unwrap();
    let out = run_node(&["trust", "status", "--config", config], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("401"), "{}", text(&out));
}

/// Issue 12 item 4: logs to a file are JSON lines by default (text on request), never with ANSI
/// colour codes; every line of a request carries its correlation id; `/favicon.ico` and stray
/// paths are not logged as refused login steps.
#[tokio::test]
async fn logs_to_a_file_are_json_lines_with_correlation_ids_and_no_colour() {
    let dir = TempDir::new("logs");
    let sim = Sim::start(dir.path());
    let cfg = GwConfig::new(sim.url());
    let gw = Gateway::start_with_env(dir.path(), &cfg, "json", &[("RUST_LOG", "info")]);
    gw.wait_ready().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let favicon = http
        .get(format!("{}/favicon.ico", gw.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(favicon.status(), 204);
    let stray = http
        .get(format!("{}/wp-login.php", gw.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(stray.status(), 404);
    // A refused login step: an unknown client.
    let refused = http
        .get(format!(
            "{}/authorize?client_id=nobody&response_type=code&scope=openid",
            gw.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = gw.proc.stderr();
    assert!(!log.contains('\u{1b}'), "no ANSI codes in a file");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(!lines.is_empty());
    let refused_lines: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "login step refused")
        .collect();
    assert_eq!(refused_lines.len(), 1, "only the unknown client: {log}");
    // Every line logged inside a request carries the request's correlation id.
    for l in lines.iter().filter(|l| l.get("span").is_some()) {
        assert!(
            l["span"]["correlation_id"].is_string(),
            "a request line without its correlation id: {l}"
        );
    }
    assert!(lines.iter().any(|l| l["span"]["correlation_id"].is_string()
        && l["fields"]["message"] == "login step refused"));

    // Text on request: still no colour in a file.
    let text_gw = Gateway::start_with_env(
        dir.path(),
        &cfg,
        "text",
        &[("RUST_LOG", "info"), ("EIDAS_NODE_LOG_FORMAT", "text")],
    );
    text_gw.wait_ready().await;
    let log = text_gw.proc.stderr();
    assert!(!log.contains('\u{1b}'), "{log}");
    assert!(log.lines().any(|l| l.contains(" INFO ")), "{log}");
    assert!(serde_json::from_str::<serde_json::Value>(log.lines().next().unwrap()).is_err());
}

/// Issue 12 item 9: `check` reports every problem in one run: all unreadable files at once,
/// each OS error once; then keys, an unreachable Redis with its cause, and the trust sources,
/// which are checked even though the rest failed.
#[tokio::test]
async fn check_reports_every_problem_in_one_run() {
    let dir = TempDir::new("check-all");
    let cfg = GwConfig::new("http://127.0.0.1:9");
    let path = cfg.write(dir.path(), "gateway.toml");
    let good = std::fs::read_to_string(&path).unwrap();
    let pairwise = good
        .lines()
        .find(|l| l.starts_with("pairwise_key_file"))
        .unwrap()
        .to_owned();
    let store = good
        .lines()
        .find(|l| l.starts_with("encryption_key_file"))
        .unwrap()
        .to_owned();
    // Two files that do not exist: both named, each error once.
    let two_missing = good
        .replace(&pairwise, "pairwise_key_file = \"missing-pairwise.key\"")
        .replace(&store, "encryption_key_file = \"missing-store.key\"");
    std::fs::write(&path, &two_missing).unwrap();
    let out = run_node(&["check", "--config", path.to_str().unwrap()], &[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("missing-pairwise.key"), "{t}");
    assert!(t.contains("missing-store.key"), "{t}");
    for line in t.lines().filter(|l| l.contains("os error")) {
        assert_eq!(line.matches("os error").count(), 1, "{line}");
    }
    // A missing key file, an unreachable Redis and unreachable countries: all in one run.
    let saml_key = good
        .lines()
        .find(|l| l.starts_with("signing = "))
        .unwrap()
        .to_owned();
    let key_path = saml_key.split('"').nth(1).unwrap().to_owned();
    let port = free_port();
    let mut broken = good.replace(&key_path, "/nonexistent/saml-signing.key");
    broken = if broken.contains("redis_url") {
        broken
            .lines()
            .map(|l| {
                if l.starts_with("redis_url") {
                    format!("redis_url = \"redis://127.0.0.1:{port}\"")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        broken.replace(
            "[store]\n",
            &format!("[store]\nredis_url = \"redis://127.0.0.1:{port}\"\n"),
        )
    };
    std::fs::write(&path, &broken).unwrap();
    let out = run_node(&["check", "--config", path.to_str().unwrap()], &[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("problem: saml.signing"), "{t}");
    assert!(
        t.contains("Redis is not reachable") && t.contains("Connection refused"),
        "the cause is named: {t}"
    );
    assert!(
        t.contains("problem: country XA"),
        "trust is checked too: {t}"
    );
    assert!(t.contains("problem: country XB"), "{t}");
}

/// Issue 12 item 6: on SIGTERM the node first fails readiness while still serving, then stops
/// accepting connections, finishes the request in flight and exits 0.
#[tokio::test]
async fn sigterm_drains_finishes_requests_in_flight_and_exits() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let dir = TempDir::new("drain");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.drain_seconds = 2;
    let mut gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;
    let addr = Url::parse(gw.url()).unwrap();
    let host = format!("127.0.0.1:{}", addr.port().unwrap());
    // A request in flight: its body arrives in two parts, the second after the drain.
    let body = "grant_type=authorization_code&code=not-a-code&redirect_uri=x";
    let mut conn = tokio::net::TcpStream::connect(&host).await.unwrap();
    conn.write_all(
        format!(
            "POST /token HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            &body[..10]
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let pid = gw.proc.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(400)).await;
    let ready = reqwest::get(format!("{}/readyz", gw.url())).await.unwrap();
    assert_eq!(ready.status(), 503, "readiness fails first");
    let v: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(v["draining"], true);
    let health = reqwest::get(format!("{}/healthz", gw.url())).await.unwrap();
    assert_eq!(health.status(), 200, "still serving while draining");

    // After the drain time: no new connections.
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    assert!(
        reqwest::get(format!("{}/healthz", gw.url())).await.is_err(),
        "the listener is closed after the drain"
    );
    // The request in flight still gets its answer.
    conn.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert!(answer.contains("\"error\""), "{answer}");
    // And the process exits by itself, successfully.
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = gw.proc.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "did not exit after draining");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status:?}: {}", gw.proc.stderr());
}

/// Issue 12 item 7: per-client-IP and global limits on the hammerable endpoints: 429 with
/// Retry-After (an OAuth error JSON at /token); other endpoints unaffected; the client IP from
/// the configured proxy header only.
#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let dir = TempDir::new("limits");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.extra_clients = "\n[rate_limits]\nauthorize = { per_ip_per_minute = 3 }\ntoken = { per_ip_per_minute = 2 }\n".into();
    let gw = Gateway::start(dir.path(), &cfg, "limited");
    gw.wait_ready().await;
    let http = reqwest::Client::new();
    let authorize = format!("{}/authorize?client_id=nobody&response_type=code", gw.url());
    for _ in 0..3 {
        let r = http.get(&authorize).send().await.unwrap();
        assert_eq!(r.status(), 400);
    }
    let r = http.get(&authorize).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    let token = format!("{}/token", gw.url());
    for _ in 0..2 {
        let r = http
            .post(&token)
            .form(&[("grant_type", "authorization_code"), ("code", "x")])
            .send()
            .await
            .unwrap();
        assert_ne!(r.status(), 429);
    }
    let r = http
        .post(&token)
        .form(&[("grant_type", "authorization_code"), ("code", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"], "temporarily_unavailable");
    for _ in 0..10 {
        let r = http
            .get(format!("{}/healthz", gw.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "unlimited endpoints stay unlimited");
    }

    // Behind a proxy: the client IP is the last address of the configured header.
    let mut cfg = GwConfig::new(sim.url());
    cfg.extra_clients = "\n[rate_limits]\nclient_ip_header = \"x-forwarded-for\"\nauthorize = { per_ip_per_minute = 2 }\n".into();
    let proxied = Gateway::start(dir.path(), &cfg, "proxied");
    proxied.wait_ready().await;
    let authorize = format!(
        "{}/authorize?client_id=nobody&response_type=code",
        proxied.url()
    );
    let from = |ip: &str| {
        http.get(&authorize)
            .header("x-forwarded-for", format!("203.0.113.9, {ip}"))
            .send()
    };
    assert_eq!(from("192.0.2.1").await.unwrap().status(), 400);
    assert_eq!(from("192.0.2.1").await.unwrap().status(), 400);
    assert_eq!(from("192.0.2.1").await.unwrap().status(), 429);
    assert_eq!(
        from("192.0.2.2").await.unwrap().status(),
        400,
        "another client behind the same proxy is not limited with the first"
    );
}

/// Issue 12 item 3: with `[audit]`, login outcomes and trust changes go to a hash-chained file,
/// without personal data; `eidas-node audit verify` accepts it and names the line where a change
/// breaks it.
#[tokio::test]
async fn the_audit_trail_is_hash_chained_and_verifiable() {
    let dir = TempDir::new("audit");
    let sim = Sim::start(dir.path());
    sim.control(serde_json::json!({"identity": "natural-greek", "loa": "high"}))
        .await;
    let mut cfg = GwConfig::new(sim.url());
    let key = dir.path().join("subject.key");
    std::fs::write(&key, "ab".repeat(32)).unwrap();
    cfg.extra_clients = format!(
        "\n[audit]\npath = \"audit.jsonl\"\nsubject_key_file = \"{}\"\n",
        key.display()
    );
    let gw = Gateway::start(dir.path(), &cfg, "audited");
    gw.wait_ready().await;
    // The same person twice (the same subject hash), then another person.
    for identity in ["natural-greek", "natural-greek", "natural-latin"] {
        sim.control(serde_json::json!({ "identity": identity, "loa": "high" }))
            .await;
        let browser = Browser::new().unwrap();
        let (url, _, _) = authorize_url(gw.url(), "openid", &[]);
        match drive(&browser, &url, "XB", |_| false).await {
            End::Final(to) => assert!(query_param(&to, "code").is_some(), "{to}"),
            End::Page(h) => panic!("no code: {}", h.body),
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let path = dir.path().join("audit.jsonl");
    let trail = std::fs::read_to_string(&path).unwrap();
    let events: Vec<serde_json::Value> = trail
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    for expected in [
        "node.started",
        "trust.activated",
        "login.authorized",
        "login.started",
        "login.completed",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    // The first event names the keys in force (public fingerprints and key ids).
    let started = events
        .iter()
        .find(|e| e["event"] == "node.started")
        .unwrap();
    assert_eq!(
        started["saml_signing_sha256"].as_str().map(str::len),
        Some(64),
        "{started}"
    );
    assert!(started["oidc_kids"].as_str().is_some_and(|k| !k.is_empty()));
    let completed: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["event"] == "login.completed")
        .collect();
    assert_eq!(completed.len(), 3);
    assert_eq!(completed[0]["country"], "XB");
    assert_eq!(completed[0]["loa"], "high");
    // A keyed hash links one person's logins, and tells two people apart.
    let hashes: Vec<&str> = completed
        .iter()
        .map(|e| e["subject_hash"].as_str().unwrap())
        .collect();
    assert_eq!(hashes[0].len(), 32);
    assert_eq!(hashes[0], hashes[1]);
    assert_ne!(hashes[0], hashes[2]);
    // Every login event of a request carries its correlation id; the return from abroad its
    // time spent there.
    for e in events
        .iter()
        .filter(|e| e["event"].as_str().is_some_and(|n| n.starts_with("login.")))
    {
        assert_eq!(e["correlation_id"].as_str().map(str::len), Some(16), "{e}");
    }
    let returned = events
        .iter()
        .find(|e| e["event"] == "login.returned")
        .unwrap();
    assert_eq!(returned["country"], "XB");
    assert!(returned["abroad_ms"].as_str().is_some(), "{returned}");
    for secret in ["Papadopoulou", "GR-0002", "Eleni", "Mustermann", "code="] {
        assert!(
            !trail.contains(secret),
            "personal data or a code in the audit: {secret}"
        );
    }
    let out = run_node(&["audit", "verify", path.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("chain intact"));
    // One changed value on line 2: the verification names that line.
    let mut lines: Vec<String> = trail.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("\"seq\":1", "\"seq\":1,\"x\":1", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = run_node(&["audit", "verify", path.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit.jsonl:2:"),
        "{}",
        text(&out)
    );
}

/// Issue 12 item 1 (first part): `/metrics` on the admin listener, behind its token: login
/// outcomes by event, client and country, latency per route, trust per country and version.
#[tokio::test]
async fn metrics_count_logins_and_show_trust_per_country() {
    let dir = TempDir::new("metrics");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    let (admin, token) = cfg.with_admin(dir.path(), "prom");
    let gw = Gateway::start(dir.path(), &cfg, "metered");
    gw.wait_ready().await;
    let browser = Browser::new().unwrap();
    let (url, _, _) = authorize_url(gw.url(), "openid", &[]);
    match drive(&browser, &url, "XA", |_| false).await {
        End::Final(to) => assert!(query_param(&to, "code").is_some(), "{to}"),
        End::Page(h) => panic!("no code: {}", h.body),
    }
    let metrics_url = format!("{admin}/metrics");
    let http = reqwest::Client::new();
    assert_eq!(http.get(&metrics_url).send().await.unwrap().status(), 401);
    let body = scrape(&admin, &token).await;
    let has = |needle: &str| assert!(body.contains(needle), "{needle} not in\n{body}");
    has(
        r#"eidas_login_events_total{event="completed",client="e2e-client",country="XA",error_code=""} 1"#,
    );
    has(
        r#"eidas_login_events_total{event="started",client="e2e-client",country="XA",error_code=""} 1"#,
    );
    has(r#"eidas_http_request_duration_seconds_count{method="POST",route="/saml/acs"} 1"#);
    // A well-formed histogram: cumulative buckets rising to +Inf (which histogram_quantile
    // needs) equal to the count, here the one ACS request.
    let acs_buckets: Vec<(String, u64)> = body
        .lines()
        .filter(|l| {
            l.starts_with("eidas_http_request_duration_seconds_bucket{")
                && l.contains(r#"route="/saml/acs""#)
        })
        .map(|l| {
            let le = l.split("le=\"").nth(1).unwrap().split('"').next().unwrap();
            (
                le.to_owned(),
                l.rsplit(' ').next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        acs_buckets.last().map(|(le, n)| (le.as_str(), *n)),
        Some(("+Inf", 1))
    );
    assert!(
        acs_buckets.windows(2).all(|w| w[0].1 <= w[1].1),
        "{acs_buckets:?}"
    );
    assert_eq!(
        acs_buckets.first().map(|(_, n)| *n),
        Some(0),
        "{acs_buckets:?}"
    );
    has(r#"eidas_time_abroad_seconds_count{country="XA"} 1"#);
    has(r#"eidas_login_events_total{event="returned",client="",country="XA",error_code=""} 1"#);
    // The flow's state went through the store (put, then single-use take) and was timed.
    has(r#"eidas_store_operation_duration_seconds_count{op="put",result="ok"}"#);
    has(r#"eidas_store_operation_duration_seconds_count{op="take",result="ok"}"#);
    has(r#"eidas_trust_country_usable{country="XA"} 1"#);
    has(r#"eidas_trust_country_usable{country="XB"} 1"#);
    has("eidas_trust_country_metadata_expiry_seconds{country=\"XA\"}");
    has(r#"eidas_trust_country_certificate_expiry_seconds{country="XA",use="signing"}"#);
    has(r#"eidas_trust_country_certificate_expiry_seconds{country="XA",use="encryption"}"#);
    has("eidas_trust_active_version_info{version=");
    has("eidas_build_info{version=");
    // The shipped alert rules parse, and every metric they use is one we export.
    let rules =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/prometheus/alerts.yml");
    let parsed = Command::new("python3")
        .args([
            "-c",
            "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            rules.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(parsed.status.success(), "{}", text(&parsed));
    let doc: serde_json::Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let rule_list = doc["groups"][0]["rules"].as_array().unwrap();
    assert!(rule_list.len() >= 5);
    let exported = |expr: &str, what: &str| {
        for name in expr
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with("eidas_"))
        {
            // Present only while a change is staged.
            if name == "eidas_trust_staged_version_info" {
                continue;
            }
            assert!(body.contains(name), "{what} uses {name}, not exported");
        }
    };
    for rule in rule_list {
        exported(
            rule["expr"].as_str().unwrap(),
            &format!("alert {}", rule["alert"]),
        );
    }
    // So does every panel of the shipped Grafana dashboard.
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../deploy/grafana/eidas-node.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut queries = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            exported(
                target["expr"].as_str().unwrap(),
                &format!("panel {}", panel["title"]),
            );
            queries += 1;
        }
    }
    assert!(queries >= 15, "{queries} dashboard queries");
    has(r#"eidas_own_certificate_expiry_seconds{use="saml_signing",index="0"}"#);
    has(r#"eidas_own_certificate_expiry_seconds{use="saml_encryption","#);
    has("# EOF");
}

/// `/metrics` on the admin listener, with the operator's token.
async fn scrape(admin: &str, token: &str) -> String {
    reqwest::Client::new()
        .get(format!("{admin}/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Issue 12 items 1 and 2: a citizen who leaves for a country and never comes back is counted
/// as abandoned once the login timeout has passed (on `/metrics` and in the country's health),
/// and ten such citizens (with no success) mark the country degraded.
#[tokio::test]
async fn citizens_who_never_come_back_are_counted_abandoned() {
    let dir = TempDir::new("abandoned");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.oidc_extra = "login_timeout_seconds = 10\n".into();
    let (admin, token) = cfg.with_admin(dir.path(), "prom");
    let gw = Gateway::start(dir.path(), &cfg, "abandoned");
    gw.wait_ready().await;
    for _ in 0..10 {
        let browser = Browser::new().unwrap();
        let (url, _, _) = authorize_url(gw.url(), "openid", &[]);
        // Up to the form that would take the citizen abroad; it is never submitted.
        match drive(&browser, &url, "XA", |h| h.body.contains("SAMLRequest")).await {
            End::Page(h) => assert!(h.body.contains("SAMLRequest")),
            End::Final(to) => panic!("the flow ended: {to}"),
        }
    }
    let wanted = r#"eidas_login_events_total{event="abandoned",client="e2e-client",country="XA",error_code=""} 10"#;
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    loop {
        let body = scrape(&admin, &token).await;
        if body.contains(wanted) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{wanted} not in\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The shared health view follows within a sync interval.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let health: serde_json::Value = reqwest::get(format!("{}/health/countries", gw.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let xa = health["countries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "XA")
            .cloned();
        if let Some(xa) = xa.filter(|c| c["abandoned"] == 10) {
            assert_eq!(xa["degraded"], true, "{xa}");
            assert_eq!(xa["success_rate"], 0.0, "{xa}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{health}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Issue 13 item 4: `check` and the log warn `saml.expiry_warning_days` before one of our
/// certificates expires (the example certificates run to 2036: a 20-year horizon reaches them).
#[tokio::test]
async fn check_and_the_log_warn_before_our_certificates_expire() {
    let dir = TempDir::new("own-expiry");
    let sim = Sim::start(dir.path());
    let cfg = GwConfig::new(sim.url());
    let path = cfg.write(dir.path(), "gateway.toml");
    let config = path.to_str().unwrap();
    // The default 30 days: nothing to say.
    let out = run_node(&["check", "--config", config], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        !text(&out).contains("certificate (SHA-256"),
        "{}",
        text(&out)
    );
    let horizon = [("EIDAS_NODE__SAML__EXPIRY_WARNING_DAYS", "7300")];
    let out = run_node(&["check", "--config", config], &horizon);
    assert_eq!(out.status.code(), Some(2), "warnings only: {}", text(&out));
    let said = text(&out);
    for usage in ["saml signing", "saml encryption"] {
        assert!(
            said.contains(&format!("warning: our {usage} certificate (SHA-256 ")),
            "{usage}: {said}"
        );
    }
    assert!(said.contains("expires at 2036-11-19"), "{said}");
    // `keys status`: every key of ours, and the same warnings.
    let out = run_node(&["keys", "status", "--config", config], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let table = text(&out);
    for row in [
        "saml_signing     saml.signing          current   sha256:",
        "saml_encryption  saml.encryption[1]    current   sha256:",
        "id_token         oidc.signing_keys[0]  current   kid:e2e-es256",
    ] {
        assert!(table.contains(row), "{row}: {table}");
    }
    assert!(
        table.contains("EC P-256") && table.contains("RSA 3072"),
        "{table}"
    );
    let out = run_node(&["keys", "status", "--config", config, "--json"], &horizon);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = doc["keys"].as_array().unwrap();
    // The testbed's config: one signing, two encryption, ES256 and RS256 ID token keys.
    assert_eq!(keys.len(), 5, "{doc}");
    assert!(keys
        .iter()
        .filter(|k| k["use"] != "id_token")
        .all(|k| k["expires"]
            .as_str()
            .is_some_and(|e| e.starts_with("2036-"))));
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 3, "{doc}");
    // The running node says it in its log at start.
    let gw = Gateway::start_with_env(dir.path(), &cfg, "expiring", &horizon);
    gw.wait_ready().await;
    let log = gw.proc.stderr();
    assert!(log.contains("our saml signing certificate"), "{log}");
}

/// `check` verifies `[audit]` without writing the trail: no file appears, a missing directory and
/// a malformed subject key are problems.
#[tokio::test]
async fn check_verifies_the_audit_settings_without_writing_the_trail() {
    let dir = TempDir::new("audit-check");
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.extra_clients = "\n[audit]\npath = \"trail.jsonl\"\n".into();
    let path = cfg.write(dir.path(), "good.toml");
    let out = run_node(&["check", "--config", path.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        !dir.path().join("trail.jsonl").exists(),
        "check wrote the trail"
    );

    cfg.extra_clients =
        "\n[audit]\npath = \"no-such-dir/trail.jsonl\"\nsubject_key = \"abcd\"\n".into();
    let path = cfg.write(dir.path(), "bad.toml");
    let out = run_node(&["check", "--config", path.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("trail.jsonl: its directory does not exist"),
        "{said}"
    );
    assert!(
        said.contains("audit.subject_key must be at least 32 bytes"),
        "{said}"
    );
}
