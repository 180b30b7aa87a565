//! `[store]`: where protocol state lives and the key that seals it.

use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSettings {
    /// `redis://`, `rediss://`, `redis+cluster://` or `redis+sentinel://` URL; absent = in-memory
    /// store (single instance only: demo and tests).
    pub redis_url: Option<SecretString>,
    /// Prefix for every Redis key, so several deployments can share one Redis.
    #[serde(default = "default_prefix")]
    pub key_prefix: String,
    /// 32 bytes, hex: seals every stored value (AES-256-GCM). Required with Redis (all instances
    /// must share it); random per process when absent and in-memory.
    pub encryption_key: Option<SecretString>,
    /// PEM CA certificate(s) that `rediss` servers must chain to, instead of the system trust
    /// store; usually given as `tls_ca_file`.
    pub tls_ca: Option<String>,
    /// PEM client certificate and key for Redis servers that require mutual TLS
    /// (`tls_client_cert_file`, `tls_client_key_file`).
    pub tls_client_cert: Option<String>,
    pub tls_client_key: Option<SecretString>,
}

fn default_prefix() -> String {
    "eidas:".into()
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            redis_url: None,
            key_prefix: default_prefix(),
            encryption_key: None,
            tls_ca: None,
            tls_client_cert: None,
            tls_client_key: None,
        }
    }
}
