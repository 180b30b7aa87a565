//! The command line: `serve`, `check`, `keys generate`, `demo`. Start-up code: errors are
//! `anyhow` with context (house-style H2), printed once by `main`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Settings;

pub mod check;
pub mod demo;
pub mod keys;
pub mod trust;

#[derive(Debug, Parser)]
#[command(
    name = "eidas-node",
    version,
    about = "eIDAS Connector: OpenID Connect towards e-services, eIDAS SAML towards foreign Proxy-Services"
)]
pub struct Cli {
    /// Log format on stderr: `auto` (JSON lines when stderr is not a terminal, e.g. a file, a
    /// pipe or a container log; text on a terminal), `json` or `text`. Text to a non-terminal
    /// never carries ANSI colour codes.
    #[arg(
        long,
        global = true,
        env = "EIDAS_NODE_LOG_FORMAT",
        default_value = "auto"
    )]
    pub log_format: LogFormat,
    /// Same as `--log-format json` (kept for existing deployments).
    #[arg(long, global = true, env = "EIDAS_NODE_LOG_JSON", hide = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// `--config` / `-c` / `EIDAS_NODE_CONFIG`: the one way every command names its config file.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigPath {
    /// TOML config file; `EIDAS_NODE__SECTION__KEY` variables override it.
    #[arg(
        long = "config",
        short = 'c',
        value_name = "FILE",
        env = "EIDAS_NODE_CONFIG",
        default_value = "eidas-node.toml"
    )]
    pub path: PathBuf,
}

impl std::ops::Deref for ConfigPath {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.path
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway.
    Serve {
        #[command(flatten)]
        config: ConfigPath,
    },
    /// Validate config, keys, trust configuration and Redis reachability; exit 1 on any problem.
    Check {
        #[command(flatten)]
        config: ConfigPath,
    },
    /// Key management.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Gateway + two simulated foreign countries + a demo e-service on loopback.
    Demo(demo::DemoOptions),
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Trust operations against a running node's admin API.
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// Countries and service lists the running node trusts, with problems and schedules.
    Status(trust::StatusOptions),
    /// Fetch and verify every source now (instead of at the next scheduled refresh).
    Refresh(trust::StatusOptions),
    /// What the staged version (or VERSION) changes against the active one.
    Diff(trust::DiffOptions),
    /// Make the staged VERSION active on every instance.
    Approve(trust::VersionOptions),
    /// Drop the staged VERSION; the active version stays.
    Reject(trust::VersionOptions),
    /// Make an earlier VERSION active again (if everything in it is still vouched for).
    Rollback(trust::VersionOptions),
    /// Activations, stagings and decisions, newest first.
    History(trust::StatusOptions),
    /// Approve a PID-provider list under review (`activation = "review"`) as verified: LIST
    /// and its DIGEST as `trust status` shows them.
    ApproveList(trust::ListApproveOptions),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that the files (in order: rotated ones first) form one unbroken hash chain; say
    /// where it breaks.
    Verify {
        /// A captured standard output (`audit.path = "-"`): lines that are not audit events are
        /// skipped, and a new chain may begin where the process was restarted, with its
        /// `node.started` event. Without it every line must be an event of one chain.
        #[arg(long)]
        stream: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Fresh signing and encryption keys and certificates; never overwrites a file.
    Generate(keys::GenerateOptions),
    /// Every key of ours in the configuration: its use, state and timeline (active from, retire
    /// at, gone at), fingerprint or key id, algorithm and expiry; warnings for unsafe schedules
    /// and certificates expiring within `saml.expiry_warning_days` (exit 2), problems loading a
    /// key (exit 1).
    Status(keys::StatusOptions),
    /// Imports a PEM private key into a PKCS#11 token (to move a file key into an HSM).
    Import(keys::ImportOptions),
    /// A safe rollover schedule (publish, activate, retire, remove) from this configuration's
    /// metadata validity, clock skew, JWKS cache time and ID-token lifetime.
    Plan(keys::PlanOptions),
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Auto,
    Json,
    Text,
}

impl LogFormat {
    /// Whether to write JSON, given whether stderr is a terminal.
    pub fn json(self, terminal: bool) -> bool {
        match self {
            LogFormat::Auto => !terminal,
            LogFormat::Json => true,
            LogFormat::Text => false,
        }
    }
}

/// `RUST_LOG`-style filtering (default `info`), text or JSON lines on stderr. Every line a
/// request logs carries the request span's fields (its correlation id) in both formats.
pub fn init_tracing(format: LogFormat) {
    use std::io::IsTerminal as _;
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::EnvFilter;
    let terminal = std::io::stderr().is_terminal();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(terminal);
    // Audit events (target `audit`) reach the audit file whatever RUST_LOG says.
    let audit = crate::audit::AuditLayer.with_filter(
        tracing_subscriber::filter::Targets::new().with_target("audit", tracing::Level::INFO),
    );
    let registry = tracing_subscriber::registry().with(audit);
    if format.json(terminal) {
        registry
            .with(
                fmt.json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_filter(filter),
            )
            .init();
    } else {
        registry.with(fmt.with_filter(filter)).init();
    }
}

pub fn load(config: &Path) -> anyhow::Result<Settings> {
    Settings::load(config, std::env::vars())
        .with_context(|| format!("loading configuration {}", config.display()))
}

pub async fn serve(config: &Path) -> anyhow::Result<()> {
    let settings = load(config)?;
    crate::app::serve(settings).await
}
