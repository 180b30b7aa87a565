//! Issue 12 item 5: Redis high availability with real processes — a Sentinel failover during a
//! load run, a three-master Cluster, and `rediss://` with a private CA and client certificates.
//!
//! Each test starts its own `redis-server` / `redis-sentinel` processes on loopback ports and
//! skips (or fails under `CI=true`) when `redis-server` is missing.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eidas_testbed::browser::{login_flow, Browser};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, SubjectAlternativeName};
use openssl::x509::{X509Builder, X509NameBuilder, X509};

use crate::harness::*;
use crate::login::verify_id_token;
use crate::redis::{have_redis_server, Redis};

fn skip(test: &str) -> bool {
    if have_redis_server() {
        return false;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but redis-server is missing: {test} must run in CI"
    );
    eprintln!("SKIPPED {test}: redis-server is not on PATH");
    true
}

/// `redis-cli -p port args…`, its stdout.
fn cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `eidas-node check --config <cfg written as name>`: whether it passed, and all it printed.
fn check(cfg: &GwConfig, dir: &Path, name: &str) -> (bool, String) {
    let path = cfg.write(dir, name);
    let out = crate::ops::run_node(&["check", "--config", path.to_str().unwrap()], &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The value after `field` in a flat `redis-cli` listing (`SENTINEL MASTER`, `INFO`).
fn field(listing: &str, name: &str) -> Option<String> {
    let mut lines = listing.lines().map(str::trim);
    while let Some(l) = lines.next() {
        if l == name {
            return lines.next().map(str::to_owned);
        }
        if let Some(v) = l.strip_prefix(&format!("{name}:")) {
            return Some(v.to_owned());
        }
    }
    None
}

fn wait_for(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// How one login of the load run ended.
#[derive(Debug, Clone)]
enum Outcome {
    /// A code, redeemed for a verified ID token.
    LoggedIn,
    /// No code: an error page or an error redirect (the store was unreachable).
    Refused,
    /// A code was issued but could never be redeemed: the state behind it was lost.
    CodeLost(String),
}

/// One login through `gw`: authorize, country, abroad, back, token. A code whose redemption meets
/// `temporarily_unavailable` is retried (the client would), so only a code whose grant is gone
/// counts as lost.
async fn one_login(gw: &str) -> Outcome {
    let (url, _, verifier) = authorize_url(gw, "openid", &[]);
    let Ok(r) = login_flow(&Browser::new().unwrap(), &url, "XA").await else {
        return Outcome::Refused;
    };
    let Some(code) = query_param(&r.final_url, "code") else {
        return Outcome::Refused;
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let resp = reqwest::Client::new()
            .post(format!("{gw}/token"))
            .basic_auth(CLIENT_ID, Some(SECRET))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier.as_str()),
            ])
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        if status == 200 {
            let nonce = query_param(&url, "nonce").unwrap();
            let claims = verify_id_token(gw, body["id_token"].as_str().unwrap(), &nonce).await;
            assert_eq!(claims["eidas_country"], "XA");
            return Outcome::LoggedIn;
        }
        if body["error"] != "temporarily_unavailable" || Instant::now() > deadline {
            return Outcome::CodeLost(format!("{status} {body}"));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Logins back to back from `workers` tasks until `stop`; each with its start time.
fn load_run(
    gw: &str,
    workers: usize,
    stop: Arc<Mutex<bool>>,
) -> Vec<tokio::task::JoinHandle<Vec<(Instant, Outcome)>>> {
    (0..workers)
        .map(|_| {
            let gw = gw.to_owned();
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                while !*stop.lock().unwrap() {
                    let t = Instant::now();
                    let o = one_login(&gw).await;
                    if matches!(o, Outcome::Refused) {
                        // Do not spin while the store is down.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    seen.push((t, o));
                }
                seen
            })
        })
        .collect()
}

fn sentinel_conf(dir: &Path, i: usize, port: u16, master_port: u16) -> std::path::PathBuf {
    let path = dir.join(format!("sentinel-{i}.conf"));
    std::fs::write(
        &path,
        format!(
            "port {port}\nbind 127.0.0.1\ndir {dir}\n\
             sentinel monitor gw 127.0.0.1 {master_port} 2\n\
             sentinel down-after-milliseconds gw 1000\n\
             sentinel failover-timeout gw 10000\n\
             sentinel parallel-syncs gw 1\n",
            dir = dir.display()
        ),
    )
    .unwrap();
    path
}

/// The master is killed (SIGKILL) while two workers log in back to back through a gateway that
/// reaches Redis through three sentinels. Logins fail while there is no master, resume within
/// a few seconds of the replica's promotion without a restart, every code issued is redeemable,
/// and the gateway never panics.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logins_follow_a_sentinel_failover_without_a_restart() {
    if skip("logins_follow_a_sentinel_failover") {
        return;
    }
    let dir = TempDir::new("sentinel");
    let (m, r) = (free_port(), free_port());
    let master = Redis::with_args(m, dir.path(), &[]);
    let replica_dir = dir.path().join("replica");
    std::fs::create_dir_all(&replica_dir).unwrap();
    let _replica = Redis::with_args(
        r,
        &replica_dir,
        &["--replicaof", "127.0.0.1", &m.to_string()],
    );
    wait_for("the replica to sync", 10, || {
        field(&cli(r, &["INFO", "replication"]), "master_link_status").as_deref() == Some("up")
    });
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let _sentinels: Vec<Redis> = ports
        .iter()
        .enumerate()
        .map(|(i, &p)| Redis::sentinel(p, &sentinel_conf(dir.path(), i, p, m)))
        .collect();
    // Every sentinel knows the replica and the two others (quorum 2 needs them).
    for &p in &ports {
        wait_for("the sentinels to find each other", 20, || {
            let l = cli(p, &["SENTINEL", "MASTER", "gw"]);
            field(&l, "num-other-sentinels").as_deref() == Some("2")
                && field(&l, "num-slaves").as_deref() == Some("1")
        });
    }

    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    let hosts: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    cfg.redis_url = Some(format!("redis+sentinel://{}/gw", hosts.join(",")));
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;

    // Phase 1: the master's machine dies.
    let (killed, promoted) = {
        let during = LoadRun::start(gw.url());
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let killed = Instant::now();
        master.kill();
        let promoted = promotion_to(ports[0], r).await;
        during.finish(killed, promoted, "after the kill").await;
        (killed, promoted)
    };
    eprintln!(
        "failover: promotion {:?} after the kill",
        promoted.duration_since(killed)
    );

    // Phase 2: the old master comes back (the sentinels make it a replica), then an operator's
    // planned failover (`SENTINEL FAILOVER`) hands the master role back to it. The demoted
    // server stays up (the sentinels drop its clients, so the gateway sees a lost connection).
    let back = Redis::with_args(m, dir.path(), &[]);
    wait_for("the old master to rejoin as a replica", 30, || {
        field(&cli(m, &["INFO", "replication"]), "master_link_status").as_deref() == Some("up")
    });
    let during = LoadRun::start(gw.url());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let asked = Instant::now();
    let out = cli(ports[1], &["SENTINEL", "FAILOVER", "gw"]);
    assert!(out.contains("OK"), "{out}");
    let promoted = promotion_to(ports[0], m).await;
    during
        .finish(asked, promoted, "after SENTINEL FAILOVER")
        .await;
    drop(back);

    let (status, _) = readyz(gw.url()).await;
    assert_eq!(status, 200);
    let log = gw.proc.stderr();
    assert!(!log.contains("panicked"), "{log}");
    assert!(log.contains("connection lost"), "{log}");
}

/// A master demoted by hand keeps its client connections and answers writes with `READONLY`:
/// the gateway asks the sentinel again and sends the refused write to the new master, so the
/// next login succeeds at its first attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_answering_readonly_is_left_for_the_new_one() {
    if skip("a_master_answering_readonly") {
        return;
    }
    let dir = TempDir::new("readonly");
    let (a, b, s) = (free_port(), free_port(), free_port());
    let _a = Redis::with_args(a, dir.path(), &[]);
    let b_dir = dir.path().join("b");
    std::fs::create_dir_all(&b_dir).unwrap();
    let _b = Redis::with_args(b, &b_dir, &["--replicaof", "127.0.0.1", &a.to_string()]);
    let conf = dir.path().join("sentinel.conf");
    std::fs::write(
        &conf,
        format!(
            "port {s}\nbind 127.0.0.1\ndir {}\nsentinel monitor gw 127.0.0.1 {a} 1\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let _sentinel = Redis::sentinel(s, &conf);

    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(format!("redis+sentinel://127.0.0.1:{s}/gw"));
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;
    let o = one_login(gw.url()).await;
    assert!(matches!(o, Outcome::LoggedIn), "{o:?}");

    // The operator swaps the roles and re-points the sentinel; A keeps its clients.
    assert!(cli(b, &["REPLICAOF", "NO", "ONE"]).contains("OK"));
    assert!(cli(s, &["SENTINEL", "REMOVE", "gw"]).contains("OK"));
    let monitor = cli(
        s,
        &[
            "SENTINEL",
            "MONITOR",
            "gw",
            "127.0.0.1",
            &b.to_string(),
            "1",
        ],
    );
    assert!(monitor.contains("OK"), "{monitor}");
    assert!(cli(a, &["REPLICAOF", "127.0.0.1", &b.to_string()]).contains("OK"));
    wait_for("A to replicate from B", 20, || {
        field(&cli(a, &["INFO", "replication"]), "master_link_status").as_deref() == Some("up")
    });

    let o = one_login(gw.url()).await;
    assert!(matches!(o, Outcome::LoggedIn), "{o:?}");
    let log = gw.proc.stderr();
    assert!(log.contains("READONLY: demoted to replica"), "{log}");
    assert!(!log.contains("request failed"), "a step failed: {log}");
}

/// Waits until the sentinel on `sentinel` names the server on `port` as master.
async fn promotion_to(sentinel: u16, port: u16) -> Instant {
    tokio::task::spawn_blocking(move || {
        wait_for("the promotion", 30, || {
            cli(sentinel, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "gw"])
                .lines()
                .nth(1)
                == Some(&port.to_string())
        });
        Instant::now()
    })
    .await
    .unwrap()
}

/// Two workers logging in back to back while the test breaks something.
struct LoadRun {
    stop: Arc<Mutex<bool>>,
    workers: Vec<tokio::task::JoinHandle<Vec<(Instant, Outcome)>>>,
}

impl LoadRun {
    fn start(gw: &str) -> LoadRun {
        let stop = Arc::new(Mutex::new(false));
        LoadRun {
            workers: load_run(gw, 2, stop.clone()),
            stop,
        }
    }

    /// Runs on for 8 s after `promoted`, then checks: logins worked before `broken`, no code
    /// was issued on lost state, logins resumed within 5 s of the promotion and stayed up.
    async fn finish(self, broken: Instant, promoted: Instant, what: &str) {
        tokio::time::sleep(Duration::from_secs(8)).await;
        *self.stop.lock().unwrap() = true;
        let mut seen = Vec::new();
        for w in self.workers {
            seen.extend(w.await.unwrap());
        }
        seen.sort_by_key(|(t, _)| *t);
        let lost: Vec<&str> = seen
            .iter()
            .filter_map(|(_, o)| match o {
                Outcome::CodeLost(why) => Some(why.as_str()),
                _ => None,
            })
            .collect();
        assert!(
            lost.is_empty(),
            "{what}: codes issued on lost state: {lost:?}"
        );
        assert!(
            seen.iter()
                .any(|(t, o)| *t < broken && matches!(o, Outcome::LoggedIn)),
            "{what}: no login before: {seen:?}"
        );
        let resumed = seen
            .iter()
            .find(|(t, o)| *t >= promoted && matches!(o, Outcome::LoggedIn))
            .map(|(t, _)| t.duration_since(promoted))
            .unwrap_or_else(|| panic!("{what}: logins did not resume after the promotion"));
        assert!(
            resumed < Duration::from_secs(5),
            "{what}: logins resumed only {resumed:?} after the promotion"
        );
        let after: Vec<_> = seen
            .iter()
            .filter(|(t, _)| *t > promoted + resumed + Duration::from_secs(1))
            .collect();
        assert!(!after.is_empty(), "{what}: no logins after resuming");
        assert!(
            after.iter().all(|(_, o)| matches!(o, Outcome::LoggedIn)),
            "{what}: {after:?}"
        );
        eprintln!(
            "{what}: {} logins, resumed {resumed:?} after the promotion",
            seen.len()
        );
    }
}

async fn readyz(gw: &str) -> (u16, serde_json::Value) {
    let r = reqwest::get(format!("{gw}/readyz")).await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

/// Three masters, no replicas, slots spread by `redis-cli --cluster create`: logins (and the
/// trust workflow's compare-and-set records) work, and the keys land on more than one master.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_work_on_a_three_master_cluster() {
    if skip("logins_work_on_a_three_master_cluster") {
        return;
    }
    let dir = TempDir::new("cluster");
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let _nodes: Vec<Redis> = ports
        .iter()
        .map(|&p| {
            let d = dir.path().join(format!("node-{p}"));
            std::fs::create_dir_all(&d).unwrap();
            Redis::with_args(p, &d, &["--cluster-enabled", "yes"])
        })
        .collect();
    let hosts: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let mut create = vec!["--cluster", "create"];
    create.extend(hosts.iter().map(String::as_str));
    create.extend(["--cluster-replicas", "0", "--cluster-yes"]);
    let out = cli(ports[0], &create);
    assert!(out.contains("All 16384 slots covered"), "{out}");
    for &p in &ports {
        wait_for("the cluster to be ok", 20, || {
            field(&cli(p, &["CLUSTER", "INFO"]), "cluster_state").as_deref() == Some("ok")
        });
    }

    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(format!("redis+cluster://{}", hosts.join(",")));
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;
    for _ in 0..3 {
        let o = one_login(gw.url()).await;
        assert!(matches!(o, Outcome::LoggedIn), "{o:?}");
    }
    let used = ports
        .iter()
        .filter(|&&p| cli(p, &["DBSIZE"]).trim().parse::<u64>().unwrap_or(0) > 0)
        .count();
    assert!(used >= 2, "all keys on one master: the test proves nothing");
}

fn ec_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

/// A certificate for `cn`, issued by `issuer` (self-signed when `None`).
fn cert(
    cn: &str,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    usage: &str,
) -> X509 {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    let serial = BigNum::from_u32(u32::try_from(rand_u64() % 1_000_000).unwrap() + 1).unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(issuer.map_or(&name, |(c, _)| c.subject_name()))
        .unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    match usage {
        "ca" => b
            .append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap(),
        "server" => {
            let san = SubjectAlternativeName::new()
                .ip("127.0.0.1")
                .dns("localhost")
                .build(&b.x509v3_context(issuer.map(|(c, _)| &**c), None))
                .unwrap();
            b.append_extension(san).unwrap();
            b.append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
                .unwrap();
        }
        _ => b
            .append_extension(ExtendedKeyUsage::new().client_auth().build().unwrap())
            .unwrap(),
    }
    b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256())
        .unwrap();
    b.build()
}

fn write_pem(dir: &Path, name: &str, pem: Vec<u8>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pem).unwrap();
    path.display().to_string()
}

/// `rediss://` to a redis-server whose certificate a private CA issued and which demands a client
/// certificate: with `tls_ca_file` and the client pair the gateway logs in; without the CA (the
/// system trust store does not know it) or without the client certificate, `check` refuses the
/// store with the TLS cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rediss_with_a_private_ca_and_client_certificates() {
    if skip("rediss_with_a_private_ca") {
        return;
    }
    let dir = TempDir::new("rediss");
    let d = dir.path();
    let ca_key = ec_key();
    let ca = cert("Test Redis CA", &ca_key, None, "ca");
    let srv_key = ec_key();
    let srv = cert("localhost", &srv_key, Some((&ca, &ca_key)), "server");
    let cli_key = ec_key();
    let cli_cert = cert("eidas-node", &cli_key, Some((&ca, &ca_key)), "client");
    let ca_pem = write_pem(d, "ca.pem", ca.to_pem().unwrap());
    let srv_pem = write_pem(d, "server.pem", srv.to_pem().unwrap());
    let srv_key_pem = write_pem(d, "server.key", srv_key.private_key_to_pem_pkcs8().unwrap());
    let cli_pem = write_pem(d, "client.pem", cli_cert.to_pem().unwrap());
    let cli_key_pem = write_pem(d, "client.key", cli_key.private_key_to_pem_pkcs8().unwrap());
    let port = free_port();
    let _redis = Redis::with_args(
        port,
        d,
        &[
            "--port",
            "0",
            "--tls-port",
            &port.to_string(),
            "--tls-cert-file",
            &srv_pem,
            "--tls-key-file",
            &srv_key_pem,
            "--tls-ca-cert-file",
            &ca_pem,
            "--tls-auth-clients",
            "yes",
        ],
    );

    let sim = Sim::start(d);
    let mut cfg = GwConfig::new(sim.url());
    cfg.redis_url = Some(format!("rediss://127.0.0.1:{port}"));
    let full = format!(
        "tls_ca_file = \"{ca_pem}\"\ntls_client_cert_file = \"{cli_pem}\"\n\
         tls_client_key_file = \"{cli_key_pem}\"\n"
    );

    // Without the CA: the server's certificate is not trusted.
    cfg.store_extra =
        format!("tls_client_cert_file = \"{cli_pem}\"\ntls_client_key_file = \"{cli_key_pem}\"\n");
    let (ok, out) = check(&cfg, d, "no-ca.toml");
    assert!(!ok, "{out}");
    assert!(out.contains("store.redis_url"), "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");

    // Without the client certificate: the server refuses the handshake.
    cfg.store_extra = format!("tls_ca_file = \"{ca_pem}\"\n");
    let (ok, out) = check(&cfg, d, "no-client.toml");
    assert!(!ok, "{out}");
    assert!(out.contains("store.redis_url"), "{out}");

    // TLS files with a plain-text URL: refused, not silently unused.
    cfg.store_extra = full.clone();
    cfg.redis_url = Some(format!("redis://127.0.0.1:{port}"));
    let (ok, out) = check(&cfg, d, "plain.toml");
    assert!(!ok, "{out}");
    assert!(out.contains("not rediss://"), "{out}");

    cfg.redis_url = Some(format!("rediss://127.0.0.1:{port}"));
    cfg.store_extra = full;
    let (ok, out) = check(&cfg, d, "full.toml");
    assert!(ok, "{out}");
    let gw = Gateway::start(d, &cfg, "gateway");
    gw.wait_ready().await;
    for _ in 0..2 {
        let o = one_login(gw.url()).await;
        assert!(matches!(o, Outcome::LoggedIn), "{o:?}");
    }
}
