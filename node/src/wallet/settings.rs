//! `[wallet]`: the EU Digital Identity Wallet way in (issue 15). Absent: the wallet is not
//! offered. Clients opt in with `wallet = true` in their registration.
//!
//! ```toml
//! [wallet]
//! key_path = "wallet-access.key"        # or pkcs11 = { module, token, key, pin_file }
//! cert_path = "wallet-access.pem"       # our relying-party access certificate, leaf first
//! scheme = "haip-vp://"                 # how the wallet is opened (or openid4vp://, an https link)
//! [[wallet.providers]]                  # the PID providers we trust, per issuing country
//! country = "EE"
//! anchor_cert_paths = ["pid-ee-ca.pem"]
//! ```

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalletSettings {
    /// Our access certificate's key (a PEM file); or, instead, `pkcs11`.
    #[serde(default)]
    pub key_path: Option<PathBuf>,
    #[serde(default)]
    pub pkcs11: Option<crate::keys::pkcs11::Pkcs11Settings>,
    /// Our relying-party access certificate (PEM), leaf first, then any intermediates; its
    /// SHA-256 is our `x509_hash` client identifier.
    pub cert_path: PathBuf,
    /// The link that opens the wallet: `haip-vp://` (HAIP 1.0 §5.1), `openid4vp://`, or an
    /// https URL of a wallet.
    #[serde(default = "default_scheme")]
    pub scheme: String,
    pub providers: Vec<ProviderSettings>,
    /// How old a key binding (SD-JWT) may be.
    #[serde(default = "default_kb_max_age")]
    pub key_binding_max_age_seconds: u64,
    /// How long a status list that cannot be fetched again may still be used.
    #[serde(default = "default_grace")]
    pub status_grace_seconds: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// The issuing country whose PIDs these anchors vouch for.
    pub country: crate::identity::CountryCode,
    /// Trust anchors (PEM) of its PID providers (later: from the EU trusted lists).
    pub anchor_cert_paths: Vec<PathBuf>,
}

fn default_scheme() -> String {
    "haip-vp://".into()
}

fn default_kb_max_age() -> u64 {
    300
}

fn default_grace() -> u64 {
    3600
}
