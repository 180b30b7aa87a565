//! `[oidc]`: ID token keys, the pairwise key and the OP's lifetimes.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// ID token signing keys; the first `current` key per algorithm signs.
    pub signing_keys: Vec<OidcKeySettings>,
    /// HMAC key for pairwise subjects (≥ 32 bytes, hex). Changing it changes every pairwise `sub`.
    pub pairwise_key: SecretString,
    #[serde(default = "default_code_ttl")]
    pub code_ttl_seconds: u64,
    #[serde(default = "default_token_ttl")]
    pub access_token_ttl_seconds: u64,
    #[serde(default = "default_token_ttl")]
    pub id_token_ttl_seconds: u64,
    /// How long a citizen may take abroad.
    #[serde(default = "default_pending_ttl")]
    pub login_timeout_seconds: u64,
}

fn default_code_ttl() -> u64 {
    60
}
fn default_token_ttl() -> u64 {
    300
}
fn default_pending_ttl() -> u64 {
    900
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcKeySettings {
    pub kid: String,
    /// `ES256` (default), `PS256` or `RS256`.
    #[serde(default = "default_alg")]
    pub alg: String,
    /// A PEM private key file; or, instead, `pkcs11`.
    #[serde(default)]
    pub key_path: Option<PathBuf>,
    /// The key inside a PKCS#11 token (an HSM): it signs there and never leaves it.
    #[serde(default)]
    pub pkcs11: Option<crate::keys::pkcs11::Pkcs11Settings>,
    /// `current` signs; `next` is only published; `retiring` is published, not used (manual
    /// rollover). With `activate_at` / `retire_at` (RFC 3339) the switch happens by itself: a
    /// key is next before `activate_at`, current from it, retiring from `retire_at`, and gone
    /// once every ID token it signed has expired (`keys::schedule`).
    #[serde(default = "default_status", alias = "state")]
    pub status: String,
    #[serde(default)]
    pub activate_at: Option<String>,
    #[serde(default)]
    pub retire_at: Option<String>,
}

fn default_alg() -> String {
    "ES256".into()
}
fn default_status() -> String {
    "current".into()
}
