//! `[saml]`: our SP's keys, time rules and metadata contents.

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPairSettings {
    /// A PEM private key file; or, instead, `pkcs11`.
    #[serde(default)]
    pub key_path: Option<PathBuf>,
    /// The key inside a PKCS#11 token (an HSM): it signs or decrypts there and never leaves it.
    #[serde(default)]
    pub pkcs11: Option<crate::keys::pkcs11::Pkcs11Settings>,
    pub cert_path: PathBuf,
    /// `next`, `current` (default) or `retiring`; with `activate_at` / `retire_at` (RFC 3339)
    /// the key changes phase by itself (`keys::schedule`).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub activate_at: Option<String>,
    #[serde(default)]
    pub retire_at: Option<String>,
}

/// One table, or a list of them (`signing = { … }` or `signing = [{ … }, { … }]`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<KeyPairSettings>, D::Error> {
    use serde::de::Error;
    match toml::Value::deserialize(d)? {
        v @ toml::Value::Array(_) => {
            Vec::<KeyPairSettings>::deserialize(v).map_err(D::Error::custom)
        }
        v => KeyPairSettings::deserialize(v)
            .map(|k| vec![k])
            .map_err(D::Error::custom),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlSettings {
    /// Our country, ISO 3166-1 alpha-2 (`EL` for Greece), published as NodeCountry.
    pub country: crate::identity::CountryCode,
    /// Signs AuthnRequests and our metadata: one key, or several in their states (rollover:
    /// the current key that activated last signs; next and retiring ones are published).
    #[serde(deserialize_with = "one_or_many")]
    pub signing: Vec<KeyPairSettings>,
    /// Further signing certificates to publish (rollover: the next key's certificate).
    #[serde(default)]
    pub extra_signing_cert_paths: Vec<PathBuf>,
    /// Decryption keys: next and current ones are published and tried; retiring ones are tried
    /// only, until our metadata's validity (plus the skew) after they left it.
    pub encryption: Vec<KeyPairSettings>,
    #[serde(default = "default_skew")]
    pub clock_skew_seconds: u64,
    /// How old a response's IssueInstant may be (plus the skew); default: the login timeout.
    #[serde(default)]
    pub max_response_age_seconds: Option<u64>,
    #[serde(default = "default_metadata_validity")]
    pub metadata_validity_hours: u64,
    #[serde(default)]
    pub organization: OrganizationSettings,
    /// Support and technical contact e-mail addresses for our metadata.
    #[serde(default)]
    pub contacts: Vec<ContactSettings>,
    /// `check` and the log (at start and daily) warn this long before one of our certificates
    /// (signing, published next signing, encryption) expires.
    #[serde(default = "default_expiry_warning")]
    pub expiry_warning_days: u64,
}

fn default_expiry_warning() -> u64 {
    30
}

fn default_skew() -> u64 {
    60
}
fn default_metadata_validity() -> u64 {
    24
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSettings {
    pub name: String,
    pub display_name: String,
    pub url: String,
}

impl Default for OrganizationSettings {
    fn default() -> Self {
        OrganizationSettings {
            name: "eIDAS Connector".into(),
            display_name: "eIDAS Connector".into(),
            url: "https://example.invalid/".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactSettings {
    /// `support` or `technical`.
    pub kind: String,
    pub email: String,
    pub company: Option<String>,
}
