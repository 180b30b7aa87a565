//! `eidas-sim-wallet`: the simulated EU Digital Identity Wallet and TEST PID provider (never for
//! production). See `eidas_testbed::wallet_sim`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use eidas_testbed::server::{init_tracing, serve};
use eidas_testbed::wallet_sim::{pid_provider, WalletSim};

#[derive(Parser)]
#[command(
    about = "Simulated EU Digital Identity Wallet with a TEST PID provider (never for production)"
)]
struct Args {
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Default: http://<bound address>.
    #[arg(long)]
    public_url: Option<String>,
    /// Answer at once (tests); otherwise ask on a page (the demo).
    #[arg(long)]
    auto: bool,
    /// The PID provider's issuing key and certificate (PEM) and its trust anchor; without them
    /// a fresh TEST provider is made.
    #[arg(long, requires_all = ["pid_cert", "anchor"])]
    pid_key: Option<PathBuf>,
    #[arg(long)]
    pid_cert: Option<PathBuf>,
    #[arg(long)]
    anchor: Option<PathBuf>,
    /// Write the (fresh) provider's trust anchor here, for the gateway's `[wallet]` config.
    #[arg(long)]
    anchor_out: Option<PathBuf>,
    /// The PID-providers list operator's key and certificate (PEM); without them a fresh TEST
    /// operator signs `/pid-providers`.
    #[arg(long, requires = "list_cert")]
    list_key: Option<PathBuf>,
    #[arg(long)]
    list_cert: Option<PathBuf>,
    /// Write the list operator's certificate here, for the gateway's `[[wallet.lists]]`.
    #[arg(long)]
    list_signer_out: Option<PathBuf>,
}

fn pem<T>(
    path: &PathBuf,
    parse: impl Fn(&[u8]) -> Result<T, openssl::error::ErrorStack>,
) -> anyhow::Result<T> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    parse(&bytes).with_context(|| path.display().to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("bind {}", args.listen))?;
    let public = args
        .public_url
        .clone()
        .unwrap_or(format!("http://{}", listener.local_addr()?));
    let (key, cert, anchor) = match (&args.pid_key, &args.pid_cert, &args.anchor) {
        (Some(k), Some(c), Some(a)) => (
            pem(k, openssl::pkey::PKey::private_key_from_pem)?,
            pem(c, openssl::x509::X509::from_pem)?,
            pem(a, openssl::x509::X509::from_pem)?,
        ),
        _ => {
            let (_, anchor, key, cert) = pid_provider()?;
            (key, cert, anchor)
        }
    };
    if let Some(out) = &args.anchor_out {
        std::fs::write(out, anchor.to_pem()?).with_context(|| out.display().to_string())?;
    }
    let list_signer = match (&args.list_key, &args.list_cert) {
        (Some(k), Some(c)) => Some((
            pem(k, openssl::pkey::PKey::private_key_from_pem)?,
            pem(c, openssl::x509::X509::from_pem)?,
        )),
        _ => None,
    };
    let sim = WalletSim::new(&public, args.auto, (key, cert, anchor), list_signer)?;
    if let Some(out) = &args.list_signer_out {
        std::fs::write(out, sim.list_signer_pem()?).with_context(|| out.display().to_string())?;
    }
    serve(listener, sim.router()).await?;
    Ok(())
}
