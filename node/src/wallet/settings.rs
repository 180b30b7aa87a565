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
//! [[wallet.lists]]                      # and/or those a signed list names (ETSI TS 119 602)
//! name = "eu-pid-providers"
//! location = "https://example.eu/lists/pid-providers.jwt"
//! signer_cert_paths = ["eu-list-signer.pem"]
//! territories = ["LV", "LT"]
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
    /// PID providers configured with their anchors.
    #[serde(default)]
    pub providers: Vec<ProviderSettings>,
    /// Signed PID-provider lists (ETSI TS 119 602, as the EU PID Providers list).
    #[serde(default)]
    pub lists: Vec<ListSettings>,
    /// How old a key binding (SD-JWT) may be.
    #[serde(default = "default_kb_max_age")]
    pub key_binding_max_age_seconds: u64,
    /// How long a status list that cannot be fetched again may still be used.
    #[serde(default = "default_grace")]
    pub status_grace_seconds: u64,
}

impl WalletSettings {
    /// Every problem of the providers' naming: one unnamed entry per country at most, ids
    /// well-formed and unique.
    pub fn provider_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, p) in self.providers.iter().enumerate() {
            let key = match &p.id {
                Some(id) => {
                    let ok = !id.is_empty()
                        && id.len() <= 32
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                    if !ok {
                        problems.push(format!(
                            "wallet.providers[{i}].id {id:?}: lower-case letters, digits and - only"
                        ));
                    }
                    format!("id {id}")
                }
                None => format!("country {} without an id", p.country),
            };
            if !seen.insert(key.clone()) {
                problems.push(format!(
                    "wallet.providers[{i}]: a second provider entry with {key} (give each an id: numbers are unique per provider only)"
                ));
            }
        }
        problems
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// The issuing country whose PIDs these anchors vouch for.
    pub country: crate::identity::CountryCode,
    /// Names this provider in persistent subjects (`CC/PID/id/number`): needed when a country
    /// has several provider entries (their numbers are unique per provider only); lower-case
    /// letters, digits and `-`. Without it: `CC/PID/number`.
    #[serde(default)]
    pub id: Option<String>,
    /// Trust anchors (PEM) of its PID providers (later: from the EU trusted lists).
    pub anchor_cert_paths: Vec<PathBuf>,
}

/// A signed PID-provider list (`[[wallet.lists]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSettings {
    /// A label for the log, `check` and `trust status`; in `source` of its providers.
    pub name: String,
    /// `https://` URL (plain `http://` on the loopback only) or a file path.
    pub location: String,
    /// The list signer's certificate(s), pinned (the `x5c` leaf must be one); or:
    #[serde(default)]
    pub signer_cert_paths: Vec<PathBuf>,
    /// anchors the signer's `x5c` chain must lead to.
    #[serde(default)]
    pub anchor_cert_paths: Vec<PathBuf>,
    /// The issuing countries whose PID providers this list may name.
    pub territories: Vec<crate::identity::CountryCode>,
    /// How often it is fetched again (and at most how long a failed fetch waits).
    #[serde(default = "default_list_refresh")]
    pub refresh_seconds: u64,
    /// `auto` (default): a verified list is in force at once; `review`: what it adds (a
    /// provider, an anchor) waits for `eidas-node trust approve-list`, what it removes leaves
    /// at once.
    #[serde(default)]
    pub activation: Activation,
}

/// How a list's changes go live (the same words as a trust source's `activation`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    #[default]
    Auto,
    Review,
}

fn default_list_refresh() -> u64 {
    3600
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn settings(providers: &str) -> WalletSettings {
        toml::from_str(&format!(
            "cert_path = \"c.pem\"\nkey_path = \"k.pem\"\n{providers}"
        ))
        .unwrap()
    }

    /// Numbers are unique per provider only: two entries of a country must be told apart.
    #[test]
    fn providers_of_one_country_need_distinct_ids() {
        let one = "[[providers]]\ncountry = \"EE\"\nanchor_cert_paths = [\"a.pem\"]\n";
        assert!(settings(one).provider_problems().is_empty());
        let two = format!("{one}{one}");
        assert!(settings(&two).provider_problems()[0].contains("a second provider entry"));
        let named = format!("{one}[[providers]]\ncountry = \"EE\"\nid = \"ee-bank\"\nanchor_cert_paths = [\"b.pem\"]\n");
        assert!(settings(&named).provider_problems().is_empty());
        let bad =
            "[[providers]]\ncountry = \"EE\"\nid = \"EE/x\"\nanchor_cert_paths = [\"a.pem\"]\n";
        assert!(settings(bad).provider_problems()[0].contains("lower-case letters"));
    }
}
