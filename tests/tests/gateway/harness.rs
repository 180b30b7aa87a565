//! Starts the REAL `eidas-node serve` binary and the real `eidas-sim-country --auto` binary on
//! port 0, with configs written to a per-test temp dir; kills them on drop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use eidas_testbed::browser::{parse_post_form, Browser, Hop};
use eidas_testbed::gateway_config::{ClientEntry, CountryEntry, GatewayConfig};
use url::Url;

pub const CLIENT_ID: &str = "e2e-client";
pub const SECRET: &str = "e2e-client-secret-0123456789abcdef0123456789";
pub const REDIRECT: &str = "http://127.0.0.1:9/cb";

/// `keys-example/` as an absolute path.
pub fn keys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../keys-example")
        .canonicalize()
        .unwrap()
}

fn key(rel: &str) -> String {
    keys().join(rel).display().to_string()
}

/// The `eidas-node` binary next to the test executable (`target/debug/eidas-node`), built once
/// if it is missing.
pub fn node_bin() -> PathBuf {
    static BUILT: Mutex<bool> = Mutex::new(false);
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap(); // deps/
    let dir = if dir.ends_with("deps") {
        dir.parent().unwrap()
    } else {
        dir
    };
    let bin = dir.join(format!("eidas-node{}", std::env::consts::EXE_SUFFIX));
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if !bin.exists() && !*built {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "eidas-node", "--bin", "eidas-node"])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
            .status()
            .unwrap();
        assert!(status.success(), "building eidas-node failed");
        *built = true;
    }
    assert!(bin.exists(), "{} is missing", bin.display());
    bin
}

/// A temp directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let d = std::env::temp_dir().join(format!(
            "eidas-e2e-{tag}-{}-{}-{:08x}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            rand_u64() as u32
        ));
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn rand_u64() -> u64 {
    let mut b = [0u8; 8];
    openssl::rand::rand_bytes(&mut b).unwrap();
    u64::from_le_bytes(b)
}

/// A child process killed (and reaped) on drop.
pub struct Proc {
    pub child: Child,
    /// `http://ADDR` from the `listening on` line.
    pub url: String,
    pub stderr_path: PathBuf,
}

impl Proc {
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `bin args…`, stderr into `stderr_path`, and waits for `listening on URL` on stdout.
pub fn spawn_listening(
    bin: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stderr_path: PathBuf,
) -> Proc {
    let err = std::fs::File::create(&stderr_path).unwrap();
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(err))
        .stdin(Stdio::null());
    if std::env::var_os("RUST_LOG").is_none() {
        cmd.env("RUST_LOG", "warn");
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    reader.read_line(&mut line).unwrap();
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    let Some(url) = line.trim().strip_prefix("listening on ") else {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "{} did not start: stdout {line:?}, stderr:\n{}",
            bin.display(),
            std::fs::read_to_string(&stderr_path).unwrap_or_default()
        );
    };
    Proc {
        url: url.to_owned(),
        child,
        stderr_path,
    }
}

/// The simulated Proxy-Service (XA: EC signing, ECDH-ES; XB: RSA signing, RSA-OAEP) in
/// automatic mode.
pub struct Sim {
    pub proc: Proc,
}

impl Sim {
    pub fn start(dir: &Path) -> Sim {
        Self::start_trusting(dir, &key("gateway/saml-signing.crt"))
    }

    /// As [`Sim::start`], trusting Connector metadata signed for `gw_cert` (a PEM path).
    pub fn start_trusting(dir: &Path, gw_cert: &str) -> Sim {
        Self::start_trusting_all(dir, &[gw_cert])
    }

    /// As [`Sim::start`], trusting Connector metadata signed for any of `gw_certs` (PEM paths).
    pub fn start_trusting_all(dir: &Path, gw_certs: &[&str]) -> Sim {
        let gw_certs = gw_certs
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let toml = format!(
            r#"public_url = "http://127.0.0.1:0"
trusted_connector_certs = [{gw_certs}]
auto = true
list_operator_key = "{op_key}"
list_operator_cert = "{op_cert}"

[[countries]]
code = "XA"
name = "Testland A (TEST COUNTRY)"
signing_key = "{xa_key}"
signing_cert = "{xa_cert}"
encryption = "ecdh-es"

[[countries]]
code = "XB"
name = "Testland B (TEST COUNTRY)"
signing_key = "{xb_key}"
signing_cert = "{xb_cert}"
encryption = "rsa-oaep"
"#,
            op_key = key("sim/list-operator.key"),
            op_cert = key("sim/list-operator.crt"),
            xa_key = key("sim/xa-signing.key"),
            xa_cert = key("sim/xa-signing.crt"),
            xb_key = key("sim/xb-signing.key"),
            xb_cert = key("sim/xb-signing.crt"),
        );
        let path = dir.join("sim.toml");
        std::fs::write(&path, toml).unwrap();
        let proc = spawn_listening(
            Path::new(env!("CARGO_BIN_EXE_eidas-sim-country")),
            &[
                "--config",
                path.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
                "--auto",
            ],
            &[],
            dir.join("sim.stderr"),
        );
        Sim { proc }
    }

    pub fn url(&self) -> &str {
        &self.proc.url
    }

    /// `POST /control` (JSON); missing fields keep their value.
    pub async fn control(&self, body: serde_json::Value) {
        let r = reqwest::Client::new()
            .post(format!("{}/control", self.url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(status.is_success(), "{status}: {}", r.text().await.unwrap());
    }
}

/// What goes into a gateway config.
#[derive(Clone, Debug)]
pub struct GwConfig {
    pub public_url: String,
    /// `(code, metadata URL)`; XA uses the XA signer, XB the XB signer.
    pub countries: Vec<(String, String)>,
    pub redis_url: Option<String>,
    /// Appended verbatim to `[store]`.
    pub store_extra: String,
    /// Appended verbatim to `[oidc]`.
    pub oidc_extra: String,
    pub key_prefix: String,
    /// Appended verbatim to `[server]`.
    pub server_extra: String,
    /// Load the RS256 ID token key besides the ES256 one (as the example configs do).
    pub rs256: bool,
    /// Further `[[clients]]` entries, appended verbatim.
    pub extra_clients: String,
    /// Appended verbatim to `[trust]`.
    pub trust_extra: String,
    /// `trust.refresh_seconds`, when not the testbed's default.
    pub refresh_seconds: Option<u64>,
    /// `server.drain_seconds` (the testbed's default is 0).
    pub drain_seconds: u64,
    /// `server.listen`, when not loopback port 0.
    pub listen: Option<String>,
    /// Appended verbatim to every `[[trust.countries]]` entry.
    pub country_extra: String,
    /// Appended verbatim to the main client's `[[clients]]` entry.
    pub client_extra: String,
    /// Countries the main client accepts besides XA and XB (a wallet PID's issuing country).
    pub client_countries: Vec<String>,
}

impl GwConfig {
    /// Both countries of `sim`; Redis from `TEST_REDIS_URL` when set, else memory; fresh prefix.
    pub fn new(sim_url: &str) -> Self {
        GwConfig {
            public_url: "http://127.0.0.1:0".into(),
            countries: vec![
                ("XA".into(), format!("{sim_url}/xa/metadata")),
                ("XB".into(), format!("{sim_url}/xb/metadata")),
            ],
            redis_url: std::env::var("TEST_REDIS_URL")
                .ok()
                .filter(|u| !u.is_empty()),
            store_extra: String::new(),
            oidc_extra: String::new(),
            key_prefix: format!("e2e-{:016x}:", rand_u64()),
            server_extra: String::new(),
            rs256: true,
            extra_clients: String::new(),
            trust_extra: String::new(),
            refresh_seconds: None,
            drain_seconds: 0,
            listen: None,
            country_extra: String::new(),
            client_extra: String::new(),
            client_countries: Vec::new(),
        }
    }

    /// The testbed's [`GatewayConfig`] for this description.
    pub fn builder(&self) -> GatewayConfig {
        let mut b = GatewayConfig::new();
        b.public_url = self.public_url.clone();
        b.server_extra = self.server_extra.clone();
        b.drain_seconds = self.drain_seconds;
        if let Some(l) = &self.listen {
            b.listen = l.clone();
        }
        b.redis_url = self.redis_url.clone();
        b.store_extra = self.store_extra.clone();
        b.oidc_extra = self.oidc_extra.clone();
        b.key_prefix = self.key_prefix.clone();
        if !self.rs256 {
            b.keys.oidc.retain(|(_, alg, _)| alg != "RS256");
        }
        b.countries = self
            .countries
            .iter()
            .map(|(code, md)| CountryEntry {
                metadata: md.clone(),
                extra: self.country_extra.clone(),
                ..CountryEntry::simulated(code, "")
            })
            .collect();
        let mut client = ClientEntry::new(CLIENT_ID, SECRET, REDIRECT);
        client.scopes = [
            "openid",
            "eidas:legal_person",
            "eidas:attribute:birth_name",
            "eidas:attribute:place_of_birth",
            "eidas:attribute:current_address",
            "eidas:attribute:gender",
            "eidas:attribute:vat_registration_number",
        ]
        .map(str::to_owned)
        .to_vec();
        client.extra = self.client_extra.clone();
        client
            .countries
            .extend(self.client_countries.iter().cloned());
        b.clients.push(client);
        b.extra = self.extra_clients.clone();
        b.trust_extra = self.trust_extra.clone();
        if let Some(r) = self.refresh_seconds {
            b.refresh_seconds = r;
        }
        b
    }

    /// Turns the admin API on for this config: a token file `{operator}.token` in `dir` (its name
    /// is the operator in trust history and audit) and a free loopback port. Returns the admin
    /// base URL and the token.
    pub fn with_admin(&mut self, dir: &Path, operator: &str) -> (String, String) {
        let token = format!("{operator}-token-0123456789abcdef0123456789ab");
        std::fs::write(dir.join(format!("{operator}.token")), format!("{token}\n")).unwrap();
        let port = free_port();
        self.extra_clients.push_str(&format!(
            "\n[admin]\nlisten = \"127.0.0.1:{port}\"\ntoken_paths = [\"{operator}.token\"]\n"
        ));
        (format!("http://127.0.0.1:{port}"), token)
    }

    /// Writes the config into `dir` and returns its path.
    pub fn write(&self, dir: &Path, name: &str) -> PathBuf {
        self.builder().write(dir, name).unwrap()
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running gateway.
pub struct Gateway {
    pub proc: Proc,
    pub config_path: PathBuf,
}

impl Gateway {
    pub fn start(dir: &Path, cfg: &GwConfig, name: &str) -> Gateway {
        Self::start_with_env(dir, cfg, name, &[])
    }

    pub fn start_with_env(dir: &Path, cfg: &GwConfig, name: &str, env: &[(&str, &str)]) -> Gateway {
        let config_path = cfg.write(dir, &format!("{name}.toml"));
        let proc = spawn_listening(
            &node_bin(),
            &["serve", "--config", config_path.to_str().unwrap()],
            env,
            dir.join(format!("{name}.stderr")),
        );
        Gateway { proc, config_path }
    }

    pub fn url(&self) -> &str {
        &self.proc.url
    }

    /// Polls `/readyz` until it is 200 (store ok, trust loaded).
    pub async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = reqwest::get(format!("{}/readyz", self.url())).await {
                if r.status() == 200 {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "gateway not ready; stderr:\n{}",
                self.proc.stderr()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A sim and a ready gateway on both countries, in a fresh temp dir.
pub struct World {
    pub gw: Gateway,
    pub sim: Sim,
    pub _dir: TempDir,
}

impl World {
    pub async fn start(tag: &str) -> World {
        let dir = TempDir::new(tag);
        let sim = Sim::start(dir.path());
        let gw = Gateway::start(dir.path(), &GwConfig::new(sim.url()), "gateway");
        gw.wait_ready().await;
        World { gw, sim, _dir: dir }
    }
}

/// PKCE verifier and S256 challenge.
pub fn pkce() -> (String, String) {
    use base64::Engine;
    let mut b = [0u8; 32];
    openssl::rand::rand_bytes(&mut b).unwrap();
    let verifier = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(openssl::sha::sha256(verifier.as_bytes()));
    (verifier, challenge)
}

/// A hand-built `/authorize` URL; returns it with `(state, verifier)`.
pub fn authorize_url(gw: &str, scope: &str, extra: &[(&str, &str)]) -> (String, String, String) {
    let (verifier, challenge) = pkce();
    let state = format!("st-{:016x}", rand_u64());
    let mut u = Url::parse(&format!("{gw}/authorize")).unwrap();
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", CLIENT_ID)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("scope", scope)
            .append_pair("state", &state)
            .append_pair("nonce", &format!("n-{:016x}", rand_u64()))
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        for (k, v) in extra {
            q.append_pair(k, v);
        }
    }
    (u.to_string(), state, verifier)
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// How a flow driven by [`drive`] ended.
#[derive(Debug)]
pub enum End {
    /// The redirect to the e-service (unfetched).
    Final(String),
    /// A page that is neither a redirect nor a form to continue with.
    Page(Hop),
}

/// Like `login_flow`, but returns the page it stopped at instead of an error, so tests can
/// inspect the gateway's error pages. Stops before `stop_before(hop)` would submit a form
/// (returned as `Page`).
pub async fn drive(
    b: &Browser,
    start: &str,
    country: &str,
    stop_before: impl Fn(&Hop) -> bool,
) -> End {
    let mut hop = b.get(start).await.unwrap();
    for _ in 0..25 {
        if hop.is_redirect() {
            let next = hop.location.clone().unwrap();
            let u = Url::parse(&next).unwrap();
            if !u.path().ends_with("/resume")
                && u.query_pairs().any(|(k, _)| k == "code" || k == "error")
            {
                return End::Final(next);
            }
            hop = b.get(&next).await.unwrap();
            continue;
        }
        let Some(form) = parse_post_form(&hop.body).filter(|_| hop.status == 200) else {
            return End::Page(hop);
        };
        if stop_before(&hop) {
            return End::Page(hop);
        }
        let is_saml = form.field("SAMLRequest").is_some() || form.field("SAMLResponse").is_some();
        let extra: Vec<(&str, &str)> = if !is_saml && hop.body.contains("name=\"country\"") {
            vec![("country", country)]
        } else {
            Vec::new()
        };
        let url = hop.url.clone();
        hop = b.submit(&url, &form, &extra).await.unwrap();
    }
    End::Page(hop)
}

/// Stop at the simulator's response form (the page holding `SAMLResponse`).
pub fn at_saml_response(h: &Hop) -> bool {
    h.body.contains("name=\"SAMLResponse\"")
}

/// Stop at the gateway's country page.
pub fn at_country_page(h: &Hop) -> bool {
    h.body.contains("name=\"country\"")
}

/// An error page of the gateway: status ≥ 400 with a correlation id.
pub fn assert_error_page(h: &Hop, what: &str) {
    assert!(h.status >= 400, "{what}: status {} {}", h.status, h.body);
    assert!(
        h.body.contains("<code class=\"reference\""),
        "{what}: no reference in {}",
        h.body
    );
    assert!(!h.body.contains("code="), "{what}: a code leaked");
}

/// Redeems `code` at `token_endpoint` with client_secret_basic and PKCE; returns the JSON.
pub async fn redeem(token_endpoint: &str, code: &str, verifier: &str) -> serde_json::Value {
    let r = reqwest::Client::new()
        .post(token_endpoint)
        .basic_auth(CLIENT_ID, Some(SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

/// A free loopback port (bound and released: only for processes that cannot take port 0).
/// A port free now, for a listener a child process binds later. Taken below the kernel's
/// ephemeral range (32768–60999 on Linux), which it hands to outgoing connections: a port from
/// there can be taken by any test's HTTP or Redis client before the child binds it.
pub fn free_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);
    // 12000–21999, spread by process so two test processes rarely probe the same ports. A
    // Redis Cluster node also takes its port + 10000 (22000–31999): outside this range, and
    // below the ephemeral one too.
    let offset = (std::process::id() % 500) * 20;
    loop {
        let n = u32::from(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let port = 12_000 + u16::try_from((offset + n) % 10_000).unwrap_or(0);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
