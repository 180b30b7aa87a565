//! Configuration: one [`Settings`] tree (house-style H3), loaded as
//! serde defaults → TOML file → environment (`EIDAS_NODE__SECTION__KEY`) → `*_file` indirection.
//!
//! - Unknown keys are rejected (`deny_unknown_fields`), so a mistyped key stops start-up.
//! - Any setting `foo` may instead be given as `foo_file`, naming a file that holds the value (the
//!   Docker/Kubernetes secrets convention); trailing newlines are trimmed. Settings that *are* file
//!   locations end in `_path` so the two never collide.
//! - Relative paths are resolved against the directory of the config file.
//!
//! Must not: log secret values. `Settings` holds secrets as `SecretString`.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

use crate::identity::LoaLevel;
use crate::oidc::ClientSettings;

/// Prefix of environment overrides: `EIDAS_NODE__SERVER__PUBLIC_URL=https://…`.
pub const ENV_PREFIX: &str = "EIDAS_NODE__";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Toml { path: PathBuf, message: String },
    #[error("environment variable {name}: {problem}")]
    Env { name: String, problem: String },
    #[error("setting {key}: cannot read the file it names ({path}): {source}")]
    SecretFile {
        key: String,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("configuration is invalid: {message}")]
    Invalid { message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub saml: SamlSettings,
    pub oidc: OidcSettings,
    #[serde(default)]
    pub store: StoreSettings,
    #[serde(default)]
    pub trust: TrustSettings,
    #[serde(default)]
    pub ui: UiSettings,
    #[serde(default)]
    pub clients: Vec<ClientSettings>,
    #[serde(default)]
    pub admin: crate::admin::AdminSettings,
    /// Directory the config file was read from (relative paths resolve against it).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

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
}

fn default_cpu_wait() -> u64 {
    10
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPairSettings {
    pub key_path: PathBuf,
    pub cert_path: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlSettings {
    /// Our country, ISO 3166-1 alpha-2 (`EL` for Greece), published as NodeCountry.
    pub country: String,
    /// Signs AuthnRequests and our metadata.
    pub signing: KeyPairSettings,
    /// Further signing certificates to publish (rollover: the next key's certificate).
    #[serde(default)]
    pub extra_signing_cert_paths: Vec<PathBuf>,
    /// Decryption keys; all are tried and all certificates are published (rollover).
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
    pub key_path: PathBuf,
    /// `current` signs; `next` is only published (rollover: add it, wait, then make it current;
    /// keep the old one as `next` until the tokens it signed have expired).
    #[serde(default = "default_status")]
    pub status: String,
}

fn default_alg() -> String {
    "ES256".into()
}
fn default_status() -> String {
    "current".into()
}

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
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustSettings {
    /// How often every country's metadata is fetched and verified again.
    #[serde(default = "default_refresh")]
    pub refresh_seconds: u64,
    /// After a failed load, how soon to retry.
    #[serde(default = "default_retry")]
    pub retry_seconds: u64,
    #[serde(default)]
    pub countries: Vec<CountrySettings>,
}

fn default_refresh() -> u64 {
    3600
}
fn default_retry() -> u64 {
    30
}

impl Default for TrustSettings {
    fn default() -> Self {
        TrustSettings {
            refresh_seconds: default_refresh(),
            retry_seconds: default_retry(),
            countries: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountrySettings {
    /// ISO 3166-1 alpha-2, as the Proxy-Service's NodeCountry.
    pub code: String,
    /// Display names by language (`en`, `sv`, …); the code is shown when absent.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,
    /// The Proxy-Service metadata: an `https://` URL (its entityID), or a file path. `http://` is
    /// accepted only for loopback hosts (demo, tests).
    pub metadata: String,
    /// Pinned metadata-signing certificates (PEM).
    #[serde(default)]
    pub signer_cert_paths: Vec<PathBuf>,
    /// Trust anchors (PEM): the metadata signer must chain to one (RFC 5280 path validation).
    #[serde(default)]
    pub anchor_cert_paths: Vec<PathBuf>,
    /// Accept RSA PKCS#1 v1.5 signatures from this peer (nodes below protocol 1.4).
    #[serde(default)]
    pub legacy_signatures: bool,
    /// A test country (simulated): shown with a "test" mark on the country page.
    #[serde(default)]
    pub test: bool,
    /// A floor for this country: requests to it ask for at least this LoA, whatever the client
    /// asked (and the country is offered only if it publishes it).
    pub min_loa: Option<LoaLevel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSettings {
    /// Used when neither `ui_locales` nor the browser names a language we have.
    #[serde(default = "default_locale")]
    pub default_locale: String,
}

fn default_locale() -> String {
    "en".into()
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            default_locale: default_locale(),
        }
    }
}

impl Settings {
    /// Loads `path`, then applies environment overrides from `env` (pass `std::env::vars()`).
    pub fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::from_toml(&text, path, &base_dir, env)
    }

    /// As [`Settings::load`], from TOML text (`origin` only names it in messages).
    pub fn from_toml(
        text: &str,
        origin: &Path,
        base_dir: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, Error> {
        let mut tree: toml::Table = toml::from_str(text).map_err(|e| Error::Toml {
            path: origin.to_owned(),
            message: e.to_string(),
        })?;
        apply_env(&mut tree, env)?;
        resolve_files(&mut tree, base_dir, "")?;
        let mut settings: Settings =
            toml::Value::Table(tree)
                .try_into()
                .map_err(|e: toml::de::Error| Error::Invalid {
                    message: e.message().to_owned(),
                })?;
        settings.base_dir = base_dir.to_owned();
        Ok(settings)
    }

    /// A path from the config, resolved against the config file's directory.
    pub fn path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_owned()
        } else {
            self.base_dir.join(p)
        }
    }

    pub fn public_url(&self) -> &str {
        self.server.public_url.trim_end_matches('/')
    }

    /// Our SAML entityID: the URL our metadata is published at (eidas-requirements §4).
    pub fn entity_id(&self) -> String {
        format!("{}{}", self.public_url(), crate::web::SAML_METADATA_PATH)
    }

    pub fn acs_url(&self) -> String {
        format!("{}{}", self.public_url(), crate::web::SAML_ACS_PATH)
    }
}

/// Settings whose values are secrets: from the environment they are always taken as strings, so
/// that a secret that happens to look like a number never reaches a type error that echoes it.
const SECRET_KEYS: [&str; 4] = [
    "pairwise_key",
    "encryption_key",
    "redis_url",
    "client_secret_sha256",
];

/// `EIDAS_NODE__STORE__REDIS_URL=…` → `store.redis_url`. Values are read as TOML scalars or
/// arrays when they parse as such (`true`, `42`, `["a"]`), else as strings; secrets always as
/// strings.
fn apply_env(
    tree: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(), Error> {
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        if path.iter().any(String::is_empty) {
            return Err(Error::Env {
                name,
                problem: "empty path segment".into(),
            });
        }
        let secret = path
            .last()
            .is_some_and(|k| SECRET_KEYS.contains(&k.as_str()));
        let value = if secret {
            toml::Value::String(raw)
        } else {
            toml::from_str::<toml::Table>(&format!("v = {raw}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or(toml::Value::String(raw))
        };
        let mut node = &mut *tree;
        let Some((last, parents)) = path.split_last() else {
            continue;
        };
        for seg in parents {
            let entry = node
                .entry(seg.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            node = match entry {
                toml::Value::Table(t) => t,
                _ => {
                    return Err(Error::Env {
                        name,
                        problem: format!("{seg} is not a section"),
                    })
                }
            };
        }
        node.insert(last.clone(), value);
    }
    Ok(())
}

/// Replaces every `foo_file = "path"` with `foo = <contents of path>`, recursively.
fn resolve_files(tree: &mut toml::Table, base_dir: &Path, prefix: &str) -> Result<(), Error> {
    let keys: Vec<String> = tree.keys().cloned().collect();
    for key in keys {
        let full = format!("{prefix}{key}");
        if let Some(target) = key.strip_suffix("_file") {
            let Some(toml::Value::String(p)) = tree.get(&key) else {
                return Err(Error::Invalid {
                    message: format!("{full} must be a file path"),
                });
            };
            let path = base_dir.join(p);
            let content = std::fs::read_to_string(&path).map_err(|source| Error::SecretFile {
                key: full.clone(),
                path: path.clone(),
                source,
            })?;
            tree.remove(&key);
            tree.insert(
                target.to_owned(),
                toml::Value::String(content.trim_end_matches(['\n', '\r']).to_owned()),
            );
            continue;
        }
        match tree.get_mut(&key) {
            Some(toml::Value::Table(t)) => resolve_files(t, base_dir, &format!("{full}."))?,
            Some(toml::Value::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let toml::Value::Table(t) = item {
                        resolve_files(t, base_dir, &format!("{full}[{i}]."))?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Hex decoding for keys given in the config.
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use secrecy::ExposeSecret;

    const MINIMAL: &str = r#"
[server]
public_url = "https://connector.example.se/"
[saml]
country = "SE"
signing = { key_path = "k.pem", cert_path = "c.pem" }
encryption = [{ key_path = "ek.pem", cert_path = "ec.pem" }]
[oidc]
pairwise_key = "00"
signing_keys = [{ kid = "a", key_path = "o.pem" }]
"#;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Settings, Error> {
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        Settings::from_toml(text, Path::new("t.toml"), Path::new("/cfg"), env)
    }

    #[test]
    fn urls_are_derived_from_the_public_url() {
        let s = load(MINIMAL, &[]).unwrap();
        assert_eq!(s.entity_id(), "https://connector.example.se/saml/metadata");
        assert_eq!(s.acs_url(), "https://connector.example.se/saml/acs");
        assert_eq!(s.path(Path::new("k.pem")), PathBuf::from("/cfg/k.pem"));
        assert_eq!(s.store.key_prefix, "eidas:");
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_name() {
        let err = load(&format!("{MINIMAL}\nbogus = 1\n"), &[]).unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
        let err = load(&MINIMAL.replace("country", "contry"), &[]).unwrap_err();
        assert!(err.to_string().contains("contry"), "{err}");
    }

    #[test]
    fn environment_overrides_the_file_and_reads_typed_values() {
        let s = load(
            MINIMAL,
            &[
                ("EIDAS_NODE__SERVER__LISTEN", "0.0.0.0:9"),
                ("EIDAS_NODE__TRUST__REFRESH_SECONDS", "5"),
                ("EIDAS_NODE__STORE__REDIS_URL", "redis://127.0.0.1:6379/"),
                ("OTHER", "x"),
            ],
        )
        .unwrap();
        assert_eq!(s.server.listen, "0.0.0.0:9");
        assert_eq!(s.trust.refresh_seconds, 5);
        assert_eq!(
            s.store.redis_url.unwrap().expose_secret(),
            "redis://127.0.0.1:6379/"
        );
        let err = load(MINIMAL, &[("EIDAS_NODE__SERVER__NOPE", "1")]).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
        // A secret that looks like a number stays a string (and is never echoed by a type error).
        let s = load(MINIMAL, &[("EIDAS_NODE__OIDC__PAIRWISE_KEY", "123456")]).unwrap();
        assert_eq!(s.oidc.pairwise_key.expose_secret(), "123456");
    }

    #[test]
    fn file_indirection_reads_secrets_from_files() {
        let dir = std::env::temp_dir().join(format!("eidas-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("key.hex"), "ab".repeat(32) + "\n").unwrap();
        let env = [(
            "EIDAS_NODE__STORE__ENCRYPTION_KEY_FILE".to_owned(),
            "key.hex".to_owned(),
        )];
        let s = Settings::from_toml(MINIMAL, Path::new("t"), &dir, env).unwrap();
        assert_eq!(
            s.store.encryption_key.unwrap().expose_secret(),
            "ab".repeat(32)
        );
        let env = [(
            "EIDAS_NODE__OIDC__PAIRWISE_KEY_FILE".to_owned(),
            "missing".to_owned(),
        )];
        let err = Settings::from_toml(MINIMAL, Path::new("t"), &dir, env).unwrap_err();
        assert!(err.to_string().contains("oidc.pairwise_key_file"), "{err}");
    }

    #[test]
    fn hex_decoding_rejects_odd_and_non_hex() {
        assert_eq!(hex_decode("0aFF"), Some(vec![10, 255]));
        assert_eq!(hex_decode("abc"), None);
        assert_eq!(hex_decode("zz"), None);
    }
}
