//! Simulator configuration (TOML, `deny_unknown_fields` so a mistyped key fails at startup).

use std::path::PathBuf;

use eidas_node::identity::LoaLevel;
use eidas_node::saml::keys::{KeyPair, SigningKey};
use serde::Deserialize;

use super::{Country, SimError};

/// How the assertion is encrypted to the Connector (eidas-requirements §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncryptionMode {
    /// `xmlenc11#ECDH-ES` + ConcatKDF + AES-KW to the Connector's EC encryption certificate.
    EcdhEs,
    /// `xmlenc11#rsa-oaep` (SHA-256, MGF1-SHA-256) to the Connector's RSA encryption certificate.
    RsaOaep,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// Base URL the simulator is reachable at (no trailing slash needed).
    pub public_url: String,
    /// PEM files of certificates allowed to sign Connector metadata (pinned, §4).
    #[serde(default)]
    pub trusted_connector_certs: Vec<PathBuf>,
    /// If set, only these Connector metadata URLs (AuthnRequest Issuers) are fetched.
    #[serde(default)]
    pub allowed_connector_metadata_urls: Option<Vec<String>>,
    /// Automatic mode: answer at once as `/control` says, no picker page.
    #[serde(default)]
    pub auto: bool,
    pub countries: Vec<CountryConfig>,
    /// A test scheme operator's key and certificate (PEM): with them the simulator publishes a
    /// signed Metadata Service List of its countries at `/mdsl`.
    #[serde(default)]
    pub list_operator_key: Option<PathBuf>,
    #[serde(default)]
    pub list_operator_cert: Option<PathBuf>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryConfig {
    /// ISO 3166-1 user-assigned code, e.g. `XA`.
    pub code: String,
    /// Display name, e.g. "Testland A (TEST COUNTRY)".
    pub name: String,
    /// PEM private key (EC P-256 or RSA ≥ 3072) and its certificate: signs metadata and responses.
    pub signing_key: PathBuf,
    pub signing_cert: PathBuf,
    pub encryption: EncryptionMode,
    #[serde(default = "all_loas")]
    pub loas: Vec<LoaLevel>,
    /// Metadata `validUntil` = now + this many seconds.
    #[serde(default = "one_day")]
    pub metadata_validity_secs: i64,
}

fn all_loas() -> Vec<LoaLevel> {
    LoaLevel::all().to_vec()
}

fn one_day() -> i64 {
    86_400
}

impl SimConfig {
    pub fn from_toml(text: &str) -> Result<Self, SimError> {
        toml::from_str(text).map_err(|e| SimError(format!("config: {e}")))
    }
}

impl CountryConfig {
    pub fn load(&self) -> Result<Country, SimError> {
        let pair = KeyPair::from_files(&self.signing_key, &self.signing_cert)
            .map_err(|e| SimError(format!("country {}: {e}", self.code)))?;
        let signing =
            SigningKey::new(pair).map_err(|e| SimError(format!("country {}: {e}", self.code)))?;
        if self.loas.is_empty() {
            return Err(SimError(format!("country {}: no LoA", self.code)));
        }
        Ok(Country {
            code: self.code.to_ascii_uppercase(),
            name: self.name.clone(),
            signing,
            encryption: self.encryption,
            loas: self.loas.clone(),
            metadata_validity: time::Duration::seconds(self.metadata_validity_secs),
        })
    }
}
