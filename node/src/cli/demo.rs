//! `eidas-node demo`: the gateway, a simulated foreign Proxy-Service hosting two TEST countries,
//! a simulated EU Digital Identity Wallet, and a demo e-service, all on loopback, with the
//! example keys. In memory, or Redis when `REDIS_URL` is set. The helpers are the workspace
//! binaries `eidas-sim-country`, `eidas-sim-wallet` and `eidas-demo-rp`, found next to this
//! executable.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::process::{Child, Command};

#[derive(Debug, clap::Args)]
pub struct DemoOptions {
    /// Directory holding `gateway.toml` and `sim.toml`.
    #[arg(long, default_value = "deploy/demo")]
    pub dir: PathBuf,
    /// The demo e-service's client secret (must match `client_secret_sha256` in gateway.toml).
    #[arg(long, default_value = "keys-example/gateway/demo-client.secret")]
    pub client_secret_file: PathBuf,
    /// State store; default in memory.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// An operator theme directory, to see the pages branded (`deploy/theme-example`).
    #[arg(long)]
    pub theme: Option<PathBuf>,
}

const SIM_ADDR: &str = "127.0.0.1:8081";
const RP_ADDR: &str = "127.0.0.1:8082";
const WALLET_ADDR: &str = "127.0.0.1:8083";

fn sibling(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating this executable")?;
    let path = exe
        .parent()
        .map(|d| d.join(name))
        .filter(|p| p.exists())
        .with_context(|| {
            format!("{name} not found next to {}: build the whole workspace (`cargo build --workspace --release`)", exe.display())
        })?;
    Ok(path)
}

fn spawn(program: &Path, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<Child> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn()
        .with_context(|| format!("starting {}", program.display()))
}

async fn wait_healthy(url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(r) = client.get(url).send().await {
            if r.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{url} did not become healthy")
}

pub async fn run(o: &DemoOptions) -> anyhow::Result<()> {
    let gateway_config = o.dir.join("gateway.toml");
    let mut settings = super::load(&gateway_config)?;
    if let Some(url) = &o.redis_url {
        settings.store.redis_url = Some(url.clone().into());
    }
    if let Some(theme) = &o.theme {
        settings.ui.theme_dir = Some(std::path::absolute(theme).context("the theme directory")?);
    }
    let secret = std::fs::read_to_string(&o.client_secret_file)
        .with_context(|| format!("reading {}", o.client_secret_file.display()))?;
    let public = settings.public_url().to_owned();

    let sim_config = o.dir.join("sim.toml");
    let sim_config = sim_config.to_string_lossy();
    let _sim = spawn(
        &sibling("eidas-sim-country")?,
        &["--config", &sim_config, "--listen", SIM_ADDR],
        &[],
    )?;
    let rp_url = format!("http://{RP_ADDR}");
    let _rp = spawn(
        &sibling("eidas-demo-rp")?,
        &[
            "--issuer",
            &public,
            "--client-id",
            "demo-eservice",
            "--public-url",
            &rp_url,
            "--listen",
            RP_ADDR,
        ],
        &[("DEMO_RP_CLIENT_SECRET", secret.trim())],
    )?;
    // The simulated EU Digital Identity Wallet and its TEST PID provider (keys-example/sim).
    let keys = o
        .client_secret_file
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("keys-example"), Path::to_path_buf);
    let key = |name: &str| keys.join("sim").join(name).to_string_lossy().into_owned();
    let wallet_url = format!("http://{WALLET_ADDR}");
    let _wallet = spawn(
        &sibling("eidas-sim-wallet")?,
        &[
            "--listen",
            WALLET_ADDR,
            "--public-url",
            &wallet_url,
            "--pid-key",
            &key("pid-issuer.key"),
            "--pid-cert",
            &key("pid-issuer.crt"),
            "--anchor",
            &key("pid-ca.crt"),
            "--list-key",
            &key("pid-list-operator.key"),
            "--list-cert",
            &key("pid-list-operator.crt"),
        ],
        &[],
    )?;
    wait_healthy(&format!("http://{SIM_ADDR}/healthz")).await?;
    wait_healthy(&format!("{wallet_url}/healthz")).await?;
    println!();
    println!(
        "  eidas-node demo is starting ({} store).",
        if o.redis_url.is_some() {
            "Redis"
        } else {
            "in-memory"
        }
    );
    println!("  Open the demo e-service:   {rp_url}/");
    println!("  Gateway (OIDC issuer):     {public}/.well-known/openid-configuration");
    println!("  Simulated countries:       http://{SIM_ADDR}/ (Testland A and B: TEST ONLY)");
    println!("  Simulated wallet:          {wallet_url}/ (EU Digital Identity Wallet, Walletland PID: TEST ONLY)");
    let cfg = gateway_config.display();
    println!("  Trust (via the simulator's service list, changes held for review):");
    println!("    eidas-node trust status --config {cfg}");
    println!(
        "    curl -d announce_key=XA http://{SIM_ADDR}/control   # Testland A announces a new key"
    );
    println!("    eidas-node trust refresh --config {cfg} && eidas-node trust diff --config {cfg}");
    println!("    eidas-node trust approve <version> --config {cfg}");
    println!("  Stop with Ctrl-C.");
    println!();
    // The helpers die with this process (kill_on_drop) when `serve` returns.
    crate::app::serve(settings).await
}
