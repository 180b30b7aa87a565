//! `[server]`: where the gateway listens, its public URL, TLS and the CPU wait.

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Socket address to bind, e.g. `0.0.0.0:8080`; port 0 picks a free port (tests).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The one public base URL (https in production). Derived from it: the OIDC issuer (itself),
    /// our SAML entityID = metadata URL (`/saml/metadata`) and the ACS (`/saml/acs`).
    pub public_url: String,
    /// Built-in TLS (TLS 1.2/1.3 only, eidas-requirements §3). Absent: plain HTTP behind a
    /// TLS-terminating proxy.
    pub tls: Option<TlsSettings>,
    /// How long a request may wait for a CPU slot to check an answer from abroad before the
    /// flow ends with `temporarily_unavailable`.
    #[serde(default = "default_cpu_wait")]
    pub cpu_wait_seconds: u64,
    /// On SIGTERM: how long `/readyz` fails (so the load balancer takes the node out) while it
    /// still serves, before it stops accepting connections.
    #[serde(default = "default_drain")]
    pub drain_seconds: u64,
    /// Then: how long requests in flight may take to finish before the node exits anyway.
    #[serde(default = "default_shutdown_timeout")]
    pub shutdown_timeout_seconds: u64,
}

fn default_cpu_wait() -> u64 {
    10
}

fn default_drain() -> u64 {
    5
}

fn default_shutdown_timeout() -> u64 {
    30
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
}
