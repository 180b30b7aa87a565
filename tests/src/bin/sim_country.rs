//! `eidas-sim-country`: the simulated foreign eIDAS Proxy-Service (TEST countries only).

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use eidas_testbed::server::{init_tracing, serve};
use eidas_testbed::sim::{self, Country, EncryptionMode, SimConfig, SimState};

#[derive(Parser)]
#[command(about = "Simulated eIDAS Proxy-Service hosting TEST countries (never for production)")]
struct Args {
    /// TOML config (see tests/README.md). Without it: TEST countries XA (ecdh-es) and XB
    /// (rsa-oaep) with fresh keys.
    #[arg(long)]
    config: Option<PathBuf>,
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Overrides `public_url`; default: the config's, else http://<bound address>.
    #[arg(long)]
    public_url: Option<String>,
    /// Automatic mode (answer at once as `/control` says).
    #[arg(long)]
    auto: bool,
    /// Certificate (PEM) allowed to sign Connector metadata; repeatable. Added to the config's.
    #[arg(long = "trust-connector-cert")]
    trust_connector_cert: Vec<PathBuf>,
    /// Without --config: write the fresh countries' signing certificates here (`xa.crt`, …).
    #[arg(long)]
    cert_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("bind {}", args.listen))?;
    let bound = format!("http://{}", listener.local_addr()?);
    let mut cfg = match &args.config {
        Some(p) => {
            let mut c = SimConfig::from_toml(
                &std::fs::read_to_string(p).with_context(|| p.display().to_string())?,
            )?;
            // Relative paths in the config are relative to the config file.
            let dir = p.parent().unwrap_or(std::path::Path::new("."));
            for path in c.trusted_connector_certs.iter_mut() {
                *path = dir.join(&*path);
            }
            for path in [&mut c.list_operator_key, &mut c.list_operator_cert]
                .into_iter()
                .flatten()
            {
                *path = dir.join(&*path);
            }
            for country in c.countries.iter_mut() {
                country.signing_key = dir.join(&country.signing_key);
                country.signing_cert = dir.join(&country.signing_cert);
            }
            c
        }
        None => SimConfig {
            public_url: bound.clone(),
            trusted_connector_certs: vec![],
            allowed_connector_metadata_urls: None,
            auto: false,
            countries: vec![],
            list_operator_key: None,
            list_operator_cert: None,
        },
    };
    cfg.public_url = args.public_url.clone().unwrap_or(if args.config.is_some() {
        cfg.public_url
    } else {
        bound
    });
    // As the gateway: a public URL with port 0 means "the port we got" (tests start on port 0).
    if let Ok(mut u) = url::Url::parse(&cfg.public_url) {
        if u.port() == Some(0) {
            if let Ok(port) = listener.local_addr().map(|a| a.port()) {
                if u.set_port(Some(port)).is_ok() {
                    cfg.public_url = u.as_str().trim_end_matches('/').to_owned();
                }
            }
        }
    }
    cfg.auto |= args.auto;
    cfg.trusted_connector_certs
        .extend(args.trust_connector_cert.iter().cloned());
    let state = if args.config.is_some() {
        SimState::from_config(&cfg)?
    } else {
        let countries = vec![
            Country::ephemeral("XA", "Testland A (TEST COUNTRY)", EncryptionMode::EcdhEs)?,
            Country::ephemeral("XB", "Testland B (TEST COUNTRY)", EncryptionMode::RsaOaep)?,
        ];
        if let Some(dir) = &args.cert_dir {
            for c in &countries {
                let path = dir.join(format!("{}.crt", c.code.to_ascii_lowercase()));
                std::fs::write(&path, c.signing.pair.cert.to_pem()?)
                    .with_context(|| path.display().to_string())?;
            }
        }
        let mut trusted = Vec::new();
        for p in &cfg.trusted_connector_certs {
            trusted.extend(openssl::x509::X509::stack_from_pem(&std::fs::read(p)?)?);
        }
        SimState::new(&cfg.public_url, countries, trusted, None, cfg.auto)?
    };
    serve(listener, sim::router(state)).await?;
    Ok(())
}
