//! `eidas-loadgen`: N complete logins (scripted browser + token exchange) with concurrency C
//! against a gateway and a simulated country in automatic mode.
//!
//! `--spawn` starts `eidas-node serve` and `eidas-sim-country --auto` itself (binaries next to
//! this one), on port 0, with the example keys (EC P-256) or fresh RSA-3072 keys (`--rsa`), and
//! then also reports the gateway's CPU-seconds per login and peak RSS from `/proc`.
//!
//! The ID token is decoded, not verified: speed matters here, and the tests verify.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Parser;
use eidas_testbed::loadgen::crypto::crypto_cost;
use eidas_testbed::loadgen::login::{one_login, pct, Shared};
use eidas_testbed::loadgen::spawn::{proc_usage, spawn, wait_ready};
use eidas_testbed::loadgen::{flood, Setup};

#[derive(Parser, Debug)]
#[command(
    about = "Load generator: complete eIDAS logins through the gateway and a simulated country"
)]
struct Args {
    /// Gateway base URL (the OIDC issuer). Not with --spawn.
    #[arg(long)]
    gateway: Option<String>,
    /// Simulator base URL (its `/control` is set to a clean natural-person answer, and one
    /// login warms up). Without it (and without --spawn) the simulator's answers are left as set.
    #[arg(long)]
    sim: Option<String>,
    #[arg(long, default_value = "loadgen")]
    client_id: String,
    #[arg(long, default_value = "loadgen-secret-0123456789abcdef0123456789")]
    client_secret: String,
    #[arg(long, default_value = "http://127.0.0.1:9/cb")]
    redirect_uri: String,
    #[arg(long, default_value = "XA")]
    country: String,
    /// Number of logins.
    #[arg(short = 'n', default_value_t = 200)]
    n: usize,
    /// Concurrent logins.
    #[arg(short = 'c', default_value_t = 20)]
    c: usize,
    /// Start the gateway and the simulator (on port 0) instead of using --gateway/--sim.
    #[arg(long)]
    spawn: bool,
    /// With --spawn: RSA-3072 keys for everything (RSA-PSS, RSA-OAEP, PS256).
    #[arg(long)]
    rsa: bool,
    /// With --spawn: write an audit trail (`[audit]` with a file and `subject_key`), as a
    /// production node does; the cost of metrics, health and audit together (issue 12 item 10)
    #[arg(long)]
    audit: bool,
    /// With --spawn: every private key of the gateway in a fresh SoftHSM2 token (imported with
    /// `eidas-node keys import`; needs `SOFTHSM2_CONF` and Debian's softhsm2), to compare token
    /// keys with file keys (issue 13 item 5).
    #[arg(long)]
    pkcs11: bool,
    /// With --spawn: use this Redis as the gateway's store (default: memory).
    #[arg(long)]
    redis: Option<String>,
    /// Instead of logins: flood the ACS with 128 KiB adversarial responses for this many seconds
    /// while probing `/healthz` (see `loadgen::flood`).
    #[arg(long)]
    flood: Option<u64>,
    /// With --flood: concurrent attackers.
    #[arg(long, default_value_t = 4)]
    attackers: usize,
    /// Instead of logins: the CPU cost of refreshing this many countries' metadata (RSA-3072
    /// signed, served from loopback), averaged over 10 full refreshes (see
    /// `loadgen::trust_refresh`). Needs neither --spawn nor a gateway.
    #[arg(long)]
    trust_refresh: Option<usize>,
    /// With --spawn: also trust this many more countries (RSA-3072 signed metadata served by this
    /// process), so a trust refresh has real work (issue 11 item 10).
    #[arg(long, default_value_t = 0)]
    refresh_countries: usize,
    /// The simulated country signs the Assertion too, inside the signed Response (the EU
    /// eIDAS-Node's default): one more signature to verify per login.
    #[arg(long)]
    sign_assertion: bool,
    /// With --refresh-countries: during the logins, ask the gateway for a full trust refresh
    /// (`POST /admin/trust/refresh`) every this many milliseconds; 0: never.
    #[arg(long, default_value_t = 0)]
    refresh_every_ms: u64,
}

impl Args {
    fn setup(&self) -> Setup {
        Setup {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            redirect_uri: self.redirect_uri.clone(),
            country: self.country.clone(),
            rsa: self.rsa,
            redis: self.redis.clone(),
            audit: self.audit,
            pkcs11: self.pkcs11,
        }
    }
}

async fn flood_report(gw: &str, setup: &Setup, attackers: usize, secs: u64) -> anyhow::Result<()> {
    let mut rep = flood::run(gw, setup, attackers, std::time::Duration::from_secs(secs)).await?;
    println!(
        "flood: {attackers} attackers, {secs} s; refusing one 128 KiB response (POST /saml/acs → 303):"
    );
    println!(
        "{:<28} {:>7} {:>9} {:>9} {:>9}",
        "shape", "count", "p50 ms", "p99 ms", "max ms"
    );
    for (shape, v) in &mut rep.refuse {
        v.sort();
        println!(
            "{:<28} {:>7} {:>9.2} {:>9.2} {:>9.2}",
            shape.label(),
            v.len(),
            pct(v, 0.50),
            pct(v, 0.99),
            pct(v, 1.0)
        );
    }
    rep.healthz.sort();
    println!(
        "{:<28} {:>7} {:>9.2} {:>9.2} {:>9.2}   failures: {}",
        "GET /healthz (new conn.)",
        rep.healthz.len(),
        pct(&rep.healthz, 0.50),
        pct(&rep.healthz, 0.99),
        pct(&rep.healthz, 1.0),
        rep.healthz_failures
    );
    for e in rep.errors.iter().take(5) {
        println!("  error: {e}");
    }
    if !rep.errors.is_empty() || rep.healthz_failures > 0 {
        bail!(
            "{} attack errors, {} failed health probes",
            rep.errors.len(),
            rep.healthz_failures
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.c == 0 || args.n == 0 {
        bail!("-n and -c must be at least 1");
    }
    if let Some(countries) = args.trust_refresh {
        let r = eidas_testbed::loadgen::trust_refresh::run(countries, 10).await?;
        let met = if r.cpu_per_refresh <= 1.0 {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "trust refresh: {} countries, {} rounds: CPU {:.0} ms per refresh (goal ≤ 1 s: {met}), wall {:.0} ms",
            r.countries,
            r.rounds,
            r.cpu_per_refresh * 1000.0,
            r.wall_per_refresh * 1000.0
        );
        return Ok(());
    }
    let extra = if args.refresh_countries > 0 {
        if !args.spawn {
            bail!("--refresh-countries needs --spawn");
        }
        // One more than asked when one of them is the login country, which the simulator hosts.
        let mut v =
            eidas_testbed::loadgen::trust_refresh::serve_countries(args.refresh_countries + 1)
                .await?;
        let login = args.country.to_ascii_uppercase();
        if v.iter().any(|s| s.code == login) {
            v.retain(|s| s.code != login);
        } else {
            v.pop();
        }
        v
    } else {
        Vec::new()
    };
    let spawned = if args.spawn {
        Some(spawn(&args.setup(), &extra)?)
    } else {
        None
    };
    let (gw, sim) = match &spawned {
        Some(s) => (s.gw.url.clone(), Some(s.sim.url.clone())),
        None => (
            args.gateway.clone().context("--gateway (or --spawn)")?,
            args.sim.clone(),
        ),
    };
    wait_ready(&gw).await?;
    if let Some(secs) = args.flood {
        return flood_report(&gw, &args.setup(), args.attackers, secs).await;
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let shared = Arc::new(Shared::default());
    let setup = Arc::new(args.setup());
    // Without --sim the simulator is left as it is (traffic whose answers another tool sets up,
    // failures included), and nothing is warmed up.
    if let Some(sim) = &sim {
        let r = http
            .post(format!("{sim}/control"))
            .json(&serde_json::json!({"identity": "natural-latin", "loa": "high", "fault": "none", "deny": false, "sign_assertion": args.sign_assertion}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("sim /control: {}", r.status());
        }
        // Warm-up (metadata caches, connection set-up), not measured.
        one_login(&setup, &gw, &http, &shared).await?;
        shared
            .hops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    let gw_pid = spawned.as_ref().map(|s| s.gw.child.id());
    let sim_pid = spawned.as_ref().map(|s| s.sim.child.id());
    let before = gw_pid.and_then(proc_usage);
    let sim_before = sim_pid.and_then(proc_usage);
    let args = Arc::new(args);
    let next = Arc::new(AtomicUsize::new(0));
    // Trust refreshes while the logins run (each one a full fetch and verification of every
    // country), counted.
    let refresh_count = Arc::new(AtomicUsize::new(0));
    let refreshing = match (
        spawned.as_ref().and_then(|s| s.admin.clone()),
        args.refresh_every_ms,
    ) {
        (Some((admin, token)), ms) if ms > 0 => {
            let (http, count) = (http.clone(), refresh_count.clone());
            let every = std::time::Duration::from_millis(ms);
            Some(tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    let r = http
                        .post(format!("{admin}/admin/trust/refresh"))
                        .bearer_auth(&token)
                        .send()
                        .await;
                    if r.is_ok_and(|r| r.status().is_success()) {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }))
        }
        _ => None,
    };
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.c {
        let (args, setup, gw, http, shared, next) = (
            args.clone(),
            setup.clone(),
            gw.clone(),
            http.clone(),
            shared.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < args.n {
                if let Err(e) = one_login(&setup, &gw, &http, &shared).await {
                    shared
                        .errors
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(e.to_string());
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let wall = t.elapsed().as_secs_f64();
    if let Some(r) = refreshing {
        r.abort();
        println!(
            "trust refreshes during the run: {} (one every {} ms, {} countries each)",
            refresh_count.load(Ordering::Relaxed),
            args.refresh_every_ms,
            extra.len() + 1
        );
    }
    let after = gw_pid.and_then(proc_usage);
    let sim_after = sim_pid.and_then(proc_usage);

    let errors = shared.errors.lock().unwrap_or_else(|p| p.into_inner());
    let ok = args.n - errors.len();
    println!(
        "logins: {} ok, {} errors, concurrency {}, {:.1} s, {:.1} logins/s",
        ok,
        errors.len(),
        args.c,
        wall,
        f64::from(u32::try_from(ok).unwrap_or(u32::MAX)) / wall
    );
    let mut seen = std::collections::BTreeSet::new();
    for e in errors.iter() {
        if seen.insert(e.chars().take(120).collect::<String>()) && seen.len() <= 5 {
            println!("  error: {}", e.chars().take(300).collect::<String>());
        }
    }
    println!(
        "{:<28} {:>7} {:>9} {:>9} {:>9}",
        "hop", "count", "p50 ms", "p95 ms", "p99 ms"
    );
    for (label, v) in shared
        .hops
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter_mut()
    {
        v.sort();
        println!(
            "{:<28} {:>7} {:>9.2} {:>9.2} {:>9.2}",
            label,
            v.len(),
            pct(v, 0.50),
            pct(v, 0.95),
            pct(v, 0.99)
        );
    }
    let per_login_ms = |b: Option<(f64, u64)>, a: Option<(f64, u64)>| match (b, a) {
        #[allow(clippy::cast_precision_loss)]
        (Some((b, _)), Some((a, _))) if ok > 0 => Some((a - b) * 1000.0 / ok as f64),
        _ => None,
    };
    if let Some(s) = &spawned {
        let crypto = crypto_cost(&s.keys)?;
        let sum: f64 = crypto.iter().map(|(_, us)| us).sum();
        println!("public-key crypto per login (in-process, same keys):");
        for (label, us) in &crypto {
            println!("  {label:<44} {us:>9.1} µs");
        }
        println!("  {:<44} {:>9.1} µs", "total", sum);
        if let Some(ms) = per_login_ms(before, after) {
            let overhead = ms - sum / 1000.0;
            println!(
                "gateway CPU per login: {ms:.3} ms; minus crypto: {overhead:.3} ms (goal ≤ 1 ms: {})",
                if overhead <= 1.0 { "met" } else { "MISSED" }
            );
        }
        if let Some(ms) = per_login_ms(sim_before, sim_after) {
            println!("simulator CPU per login: {ms:.3} ms");
        }
        if let Some((_, hwm)) = after {
            #[allow(clippy::cast_precision_loss)]
            let mb = hwm as f64 / 1024.0;
            println!(
                "gateway peak RSS (VmHWM): {mb:.1} MiB (goal < 100 MB: {})",
                if mb * 1.048_576 < 100.0 {
                    "met"
                } else {
                    "MISSED"
                }
            );
        }
        println!(
            "errors at C={}: {} (goal: none: {})",
            args.c,
            errors.len(),
            if errors.is_empty() { "met" } else { "MISSED" }
        );
    }
    Ok(())
}
