//! `eidas-loadgen`: N complete logins (scripted browser + token exchange) with concurrency C
//! against a gateway and a simulated country in automatic mode.
//!
//! `--spawn` starts `eidas-node serve` and `eidas-sim-country --auto` itself (binaries next to
//! this one), on port 0, with the example keys (EC P-256) or fresh RSA-3072 keys (`--rsa`), and
//! then also reports the gateway's CPU-seconds per login and peak RSS from `/proc`.
//!
//! The ID token is decoded, not verified: speed matters here, and the tests verify.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use base64::Engine;
use clap::Parser;
use eidas_testbed::browser::{login_flow, Browser};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};

#[derive(Parser, Debug)]
#[command(
    about = "Load generator: complete eIDAS logins through the gateway and a simulated country"
)]
struct Args {
    /// Gateway base URL (the OIDC issuer). Not with --spawn.
    #[arg(long)]
    gateway: Option<String>,
    /// Simulator base URL (its `/control` is set to a clean natural-person answer).
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
    /// With --spawn: use this Redis as the gateway's store (default: memory).
    #[arg(long)]
    redis: Option<String>,
}

/// A child process killed on drop.
struct Proc {
    child: Child,
    url: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_listening(bin: &Path, args: &[&str], stderr: &Path) -> anyhow::Result<Proc> {
    let mut child = Command::new(bin)
        .args(args)
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(stderr)?))
        .spawn()
        .with_context(|| bin.display().to_string())?;
    let mut reader = BufReader::new(child.stdout.take().context("stdout")?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    std::thread::spawn(move || {
        let mut sink = String::new();
        while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    let Some(url) = line.trim().strip_prefix("listening on ") else {
        let _ = child.kill();
        bail!(
            "{} did not start: {}",
            bin.display(),
            std::fs::read_to_string(stderr).unwrap_or_default()
        );
    };
    Ok(Proc {
        url: url.to_owned(),
        child,
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_pair(dir: &Path, name: &str, key: &PKey<Private>) -> anyhow::Result<(String, String)> {
    let cert = eidas_node::cli::keys::self_signed(key, name, 30)?;
    let k = dir.join(format!("{name}.key"));
    let c = dir.join(format!("{name}.crt"));
    std::fs::write(&k, key.private_key_to_pem_pkcs8()?)?;
    std::fs::write(&c, cert.to_pem()?)?;
    Ok((k.display().to_string(), c.display().to_string()))
}

/// The key files of one setup.
struct Keys {
    gw_sign: (String, String),
    gw_enc: (String, String),
    oidc: (String, &'static str),
    /// The ES256 key every node config needs.
    es256: String,
    country_sign: (String, String),
    encryption: &'static str,
    pairwise: String,
    store: String,
}

fn keys(dir: &Path, rsa: bool, country: &str) -> anyhow::Result<Keys> {
    let ex = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../keys-example")
        .canonicalize()?;
    let p = |rel: &str| ex.join(rel).display().to_string();
    let cc = country.to_ascii_lowercase();
    if !rsa {
        return Ok(Keys {
            gw_sign: (p("gateway/saml-signing.key"), p("gateway/saml-signing.crt")),
            gw_enc: (
                p("gateway/saml-encryption-ec.key"),
                p("gateway/saml-encryption-ec.crt"),
            ),
            oidc: (p("gateway/oidc-signing.key"), "ES256"),
            es256: p("gateway/oidc-signing.key"),
            country_sign: (
                p(&format!("sim/{cc}-signing.key")),
                p(&format!("sim/{cc}-signing.crt")),
            ),
            encryption: "ecdh-es",
            pairwise: p("gateway/pairwise.key"),
            store: p("gateway/store-encryption.key"),
        });
    }
    let new = || eidas_node::cli::keys::new_key(true);
    let oidc_key = new()?;
    let oidc_path = dir.join("oidc-signing.key");
    std::fs::write(&oidc_path, oidc_key.private_key_to_pem_pkcs8()?)?;
    Ok(Keys {
        gw_sign: write_pair(dir, "saml-signing", &new()?)?,
        gw_enc: write_pair(dir, "saml-encryption-rsa", &new()?)?,
        oidc: (oidc_path.display().to_string(), "PS256"),
        es256: p("gateway/oidc-signing.key"),
        country_sign: write_pair(dir, &format!("{cc}-signing"), &new()?)?,
        encryption: "rsa-oaep",
        pairwise: p("gateway/pairwise.key"),
        store: p("gateway/store-encryption.key"),
    })
}

struct Spawned {
    gw: Proc,
    sim: Proc,
    keys: Keys,
    _dir: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spawn(args: &Args) -> anyhow::Result<Spawned> {
    let mut rnd = [0u8; 8];
    openssl::rand::rand_bytes(&mut rnd)?;
    let dir = TempDir(std::env::temp_dir().join(format!("eidas-loadgen-{}", hex(&rnd))));
    std::fs::create_dir_all(&dir.0)?;
    let d = &dir.0;
    let bin_dir = std::env::current_exe()?
        .parent()
        .context("exe dir")?
        .to_owned();
    let k = keys(d, args.rsa, &args.country)?;
    let cc = args.country.to_ascii_uppercase();
    std::fs::write(
        d.join("sim.toml"),
        format!(
            r#"public_url = "http://127.0.0.1:0"
trusted_connector_certs = ["{gw_cert}"]
auto = true

[[countries]]
code = "{cc}"
name = "Testland {cc} (TEST COUNTRY)"
signing_key = "{sk}"
signing_cert = "{sc}"
encryption = "{enc}"
"#,
            gw_cert = k.gw_sign.1,
            sk = k.country_sign.0,
            sc = k.country_sign.1,
            enc = k.encryption,
        ),
    )?;
    let sim = spawn_listening(
        &bin_dir.join("eidas-sim-country"),
        &[
            "--config",
            &d.join("sim.toml").display().to_string(),
            "--listen",
            "127.0.0.1:0",
            "--auto",
        ],
        &d.join("sim.stderr"),
    )?;
    let redis = args
        .redis
        .as_ref()
        .map(|r| {
            format!(
                "redis_url = \"{r}\"\nkey_prefix = \"loadgen-{}:\"\n",
                hex(&rnd)
            )
        })
        .unwrap_or_default();
    std::fs::write(
        d.join("gateway.toml"),
        format!(
            r#"[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:0"

[saml]
country = "SE"
signing = {{ key_path = "{gsk}", cert_path = "{gsc}" }}
encryption = [{{ key_path = "{gek}", cert_path = "{gec}" }}]

[oidc]
# The node always needs an ES256 key (its default); the client asks for {alg}.
signing_keys = [{es}{{ kid = "loadgen", alg = "{alg}", key_path = "{ok}" }}]
pairwise_key_file = "{pw}"

[store]
encryption_key_file = "{st}"
{redis}
[trust]
retry_seconds = 1

[[trust.countries]]
code = "{cc}"
metadata = "{sim}/{lc}/metadata"
signer_cert_paths = ["{sc}"]
test = true

[[clients]]
client_id = "{cid}"
display_name = "Load generator"
client_secret_sha256 = "{hash}"
redirect_uris = ["{ru}"]
allowed_scopes = ["openid"]
allowed_countries = ["{cc}"]
min_loa = "low"
sp_type = "public"
id_token_signed_response_alg = "{alg}"
"#,
            gsk = k.gw_sign.0,
            gsc = k.gw_sign.1,
            gek = k.gw_enc.0,
            gec = k.gw_enc.1,
            alg = k.oidc.1,
            ok = k.oidc.0,
            es = if k.oidc.1 == "ES256" {
                String::new()
            } else {
                format!(
                    "{{ kid = \"loadgen-es256\", alg = \"ES256\", key_path = \"{}\" }}, ",
                    k.es256
                )
            },
            pw = k.pairwise,
            st = k.store,
            sim = sim.url,
            lc = cc.to_ascii_lowercase(),
            sc = k.country_sign.1,
            cid = args.client_id,
            hash = hex(&openssl::sha::sha256(args.client_secret.as_bytes())),
            ru = args.redirect_uri,
        ),
    )?;
    let gw = spawn_listening(
        &bin_dir.join("eidas-node"),
        &[
            "serve",
            "--config",
            &d.join("gateway.toml").display().to_string(),
        ],
        &d.join("gateway.stderr"),
    )?;
    Ok(Spawned {
        gw,
        sim,
        keys: k,
        _dir: dir,
    })
}

async fn wait_ready(gw: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = reqwest::get(format!("{gw}/readyz")).await {
            if r.status() == 200 {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("gateway {gw} not ready after 30 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `(utime + stime)` in seconds and VmHWM in KiB of `pid`.
fn proc_usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `after` starts at field 3.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())?;
    #[allow(clippy::cast_precision_loss)]
    Some((ticks as f64 / clk_tck(), hwm))
}

fn clk_tck() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

struct Shared {
    hops: Mutex<BTreeMap<String, Vec<Duration>>>,
    errors: Mutex<Vec<String>>,
}

async fn one_login(
    args: &Args,
    gw: &str,
    http: &reqwest::Client,
    shared: &Shared,
) -> anyhow::Result<()> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut rnd = [0u8; 32];
    openssl::rand::rand_bytes(&mut rnd)?;
    let verifier = b64.encode(rnd);
    let challenge = b64.encode(openssl::sha::sha256(verifier.as_bytes()));
    openssl::rand::rand_bytes(&mut rnd)?;
    let state = hex(&rnd[..8]);
    let nonce = hex(&rnd[8..16]);
    let mut url = url::Url::parse(&format!("{gw}/authorize"))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &args.client_id)
        .append_pair("redirect_uri", &args.redirect_uri)
        .append_pair("scope", "openid")
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let browser = Browser::shared_tls()?;
    let total = Instant::now();
    let flow = login_flow(&browser, url.as_str(), &args.country).await?;
    let back = url::Url::parse(&flow.final_url)?;
    let q: BTreeMap<String, String> = back.query_pairs().into_owned().collect();
    if q.get("state") != Some(&state) {
        bail!("state mismatch in {}", flow.final_url);
    }
    let Some(code) = q.get("code") else {
        bail!("no code: {}", flow.final_url);
    };
    let t = Instant::now();
    let r = http
        .post(format!("{gw}/token"))
        .basic_auth(&args.client_id, Some(&args.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", args.redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await?;
    let status = r.status();
    let body: serde_json::Value = r.json().await?;
    let token_time = t.elapsed();
    if status != 200 {
        bail!("token: {status} {body}");
    }
    let id_token = body
        .get("id_token")
        .and_then(|t| t.as_str())
        .context("no id_token")?;
    let payload = id_token.split('.').nth(1).context("not a JWT")?;
    let claims: serde_json::Value = serde_json::from_slice(&b64.decode(payload)?)?;
    if claims.get("nonce").and_then(|n| n.as_str()) != Some(nonce.as_str())
        || claims.get("sub").and_then(|s| s.as_str()).is_none()
    {
        bail!("bad ID token claims");
    }
    let mut hops = shared.hops.lock().unwrap_or_else(|p| p.into_inner());
    for (label, d) in flow.hops {
        hops.entry(label).or_default().push(d);
    }
    hops.entry("POST /token".into())
        .or_default()
        .push(token_time);
    hops.entry("(whole login)".into())
        .or_default()
        .push(total.elapsed());
    Ok(())
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = (((sorted.len() as f64) * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// µs per call of `f`: the best of three rounds of about `budget` each (the machine is shared,
/// so the minimum is the least disturbed figure).
fn time_op(budget: Duration, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    f()?;
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let mut n = 0u32;
        while t.elapsed() < budget {
            f()?;
            n += 1;
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1)));
    }
    Ok(best)
}

fn load_key(path: &str) -> anyhow::Result<PKey<Private>> {
    Ok(PKey::private_key_from_pem(&std::fs::read(path)?)?)
}

fn sign_once(key: &PKey<Private>, data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut s = openssl::sign::Signer::new(MessageDigest::sha256(), key)?;
    if key.rsa().is_ok() {
        s.set_rsa_padding(openssl::rsa::Padding::PKCS1_PSS)?;
        s.set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::DIGEST_LENGTH)?;
    }
    s.update(data)?;
    Ok(s.sign_to_vec()?)
}

/// The public-key operations one login costs the gateway, timed in-process on the same keys:
/// `(label, µs)`.
fn crypto_cost(k: &Keys) -> anyhow::Result<Vec<(String, f64)>> {
    let budget = Duration::from_millis(200);
    let data = [7u8; 64];
    let mut out = Vec::new();

    let gw_sign = load_key(&k.gw_sign.0)?;
    out.push((
        format!("sign AuthnRequest ({})", kind(&gw_sign)),
        time_op(budget, || sign_once(&gw_sign, &data).map(drop))?,
    ));

    let country = load_key(&k.country_sign.0)?;
    let sig = sign_once(&country, &data)?;
    let public = PKey::public_key_from_pem(&country.public_key_to_pem()?)?;
    out.push((
        format!("verify Response signature ({})", kind(&country)),
        time_op(budget, || {
            let mut v = openssl::sign::Verifier::new(MessageDigest::sha256(), &public)?;
            if public.rsa().is_ok() {
                v.set_rsa_padding(openssl::rsa::Padding::PKCS1_PSS)?;
                v.set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::DIGEST_LENGTH)?;
            }
            v.update(&data)?;
            if !v.verify(&sig)? {
                bail!("verify failed");
            }
            Ok(())
        })?,
    ));

    let enc = load_key(&k.gw_enc.0)?;
    if enc.rsa().is_ok() {
        let enc_pub = PKey::public_key_from_pem(&enc.public_key_to_pem()?)?;
        let mut e = openssl::encrypt::Encrypter::new(&enc_pub)?;
        e.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP)?;
        e.set_rsa_oaep_md(MessageDigest::sha256())?;
        e.set_rsa_mgf1_md(MessageDigest::sha256())?;
        let mut ct = vec![0u8; e.encrypt_len(&data[..32])?];
        let n = e.encrypt(&data[..32], &mut ct)?;
        ct.truncate(n);
        out.push((
            "decrypt assertion key (RSA-OAEP-3072)".into(),
            time_op(budget, || {
                let mut d = openssl::encrypt::Decrypter::new(&enc)?;
                d.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP)?;
                d.set_rsa_oaep_md(MessageDigest::sha256())?;
                d.set_rsa_mgf1_md(MessageDigest::sha256())?;
                let mut pt = vec![0u8; d.decrypt_len(&ct)?];
                d.decrypt(&ct, &mut pt)?;
                Ok(())
            })?,
        ));
    } else {
        let eph = eidas_node::cli::keys::new_key(false)?;
        let eph_pub = PKey::public_key_from_pem(&eph.public_key_to_pem()?)?;
        out.push((
            "decrypt assertion key (ECDH-ES P-256)".into(),
            time_op(budget, || {
                let mut d = openssl::derive::Deriver::new(&enc)?;
                d.set_peer(&eph_pub)?;
                d.derive_to_vec()?;
                Ok(())
            })?,
        ));
    }

    let oidc = load_key(&k.oidc.0)?;
    out.push((
        format!("sign ID token ({})", k.oidc.1),
        time_op(budget, || sign_once(&oidc, &data).map(drop))?,
    ));
    Ok(out)
}

fn kind(k: &PKey<Private>) -> String {
    if k.rsa().is_ok() {
        format!("RSA-{}-PSS", k.bits())
    } else {
        "ECDSA P-256".into()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.c == 0 || args.n == 0 {
        bail!("-n and -c must be at least 1");
    }
    let spawned = if args.spawn {
        Some(spawn(&args)?)
    } else {
        None
    };
    let (gw, sim) = match &spawned {
        Some(s) => (s.gw.url.clone(), s.sim.url.clone()),
        None => (
            args.gateway.clone().context("--gateway (or --spawn)")?,
            args.sim.clone().context("--sim (or --spawn)")?,
        ),
    };
    wait_ready(&gw).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let r = http
        .post(format!("{sim}/control"))
        .json(&serde_json::json!({"identity": "natural-latin", "loa": "high", "fault": "none", "deny": false}))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("sim /control: {}", r.status());
    }
    // Warm-up (metadata caches, connection set-up), not measured.
    let shared = Arc::new(Shared {
        hops: Mutex::new(BTreeMap::new()),
        errors: Mutex::new(Vec::new()),
    });
    one_login(&args, &gw, &http, &shared).await?;
    shared
        .hops
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clear();

    let gw_pid = spawned.as_ref().map(|s| s.gw.child.id());
    let sim_pid = spawned.as_ref().map(|s| s.sim.child.id());
    let before = gw_pid.and_then(proc_usage);
    let sim_before = sim_pid.and_then(proc_usage);
    let args = Arc::new(args);
    let next = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.c {
        let (args, gw, http, shared, next) = (
            args.clone(),
            gw.clone(),
            http.clone(),
            shared.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < args.n {
                if let Err(e) = one_login(&args, &gw, &http, &shared).await {
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
