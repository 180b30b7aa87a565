//! `eidas-demo-rp`: the demo e-service (OpenID Connect RP) in front of the gateway.

use anyhow::Context;
use clap::Parser;
use eidas_testbed::demo_rp::{self, RpConfig};
use eidas_testbed::server::{init_tracing, serve};

#[derive(Parser)]
#[command(
    about = "Demo e-service: logs in through the eIDAS gateway and shows the verified claims"
)]
struct Args {
    /// The gateway's OIDC issuer URL.
    #[arg(long)]
    issuer: String,
    #[arg(long)]
    client_id: String,
    #[arg(long, env = "DEMO_RP_CLIENT_SECRET", hide_env_values = true)]
    client_secret: String,
    /// Where this RP is reachable (redirect URI = <public-url>/callback); default http://<bound address>.
    #[arg(long)]
    public_url: Option<String>,
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Country codes offered for pre-selection; repeatable.
    #[arg(long = "country", default_values_t = ["XA".to_owned(), "XB".to_owned()])]
    countries: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("bind {}", args.listen))?;
    let public_url = match args.public_url {
        Some(u) => u,
        None => format!("http://{}", listener.local_addr()?),
    };
    let app = demo_rp::router(RpConfig {
        issuer: args.issuer,
        client_id: args.client_id,
        client_secret: args.client_secret,
        public_url,
        countries: args.countries,
    })?;
    serve(listener, app).await?;
    Ok(())
}
