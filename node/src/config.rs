//! Configuration: one [`Settings`] tree (house-style H3), loaded as
//! serde defaults → TOML file → environment (`EIDAS_NODE__SECTION__KEY`) → `*_file` indirection.
//!
//! - Unknown keys are rejected (`deny_unknown_fields`), so a mistyped key stops start-up.
//! - Any setting `foo` may instead be given as `foo_file`, naming a file that holds the value (the
//!   Docker/Kubernetes secrets convention); trailing newlines are trimmed. Settings that *are* file
//!   locations end in `_path` so the two never collide.
//! - Relative paths are resolved against the directory of the config file.
//!
//! Owns only the loading: each section's type belongs to the module it configures
//! (`app::settings`, `saml::settings`, `oidc::settings`, `store::settings`, `trust::settings`,
//! `web::i18n::UiSettings`, `admin::AdminSettings`, `oidc::ClientSettings`). URLs derived from the
//! public URL are built in `app` (wiring). Must not: log secret values; import `web` or `trust`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::oidc::ClientSettings;

/// Prefix of environment overrides: `EIDAS_NODE__SERVER__PUBLIC_URL=https://…`.
pub const ENV_PREFIX: &str = "EIDAS_NODE__";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // The I/O error is in the message and not a `source`: `{:#}` printing would repeat it.
    #[error("cannot read config file {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Toml { path: PathBuf, message: String },
    #[error("environment variable {name}: {problem}")]
    Env { name: String, problem: String },
    /// Every `*_file` that could not be read, one per line: all of them in one run.
    #[error("{}", problems.join("\n"))]
    SecretFiles { problems: Vec<String> },
    #[error("configuration is invalid: {message}")]
    Invalid { message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: crate::app::settings::ServerSettings,
    pub saml: crate::saml::settings::SamlSettings,
    pub oidc: crate::oidc::settings::OidcSettings,
    #[serde(default)]
    pub store: crate::store::settings::StoreSettings,
    #[serde(default)]
    pub trust: crate::trust::settings::TrustSettings,
    #[serde(default)]
    pub ui: crate::web::i18n::UiSettings,
    #[serde(default)]
    pub clients: Vec<ClientSettings>,
    #[serde(default)]
    pub admin: crate::admin::AdminSettings,
    #[serde(default)]
    pub rate_limits: crate::web::limits::RateLimitSettings,
    #[serde(default)]
    pub audit: crate::audit::AuditSettings,
    /// The EU Digital Identity Wallet way in; absent: not offered.
    #[serde(default)]
    pub wallet: Option<crate::wallet::settings::WalletSettings>,
    /// Directory the config file was read from (relative paths resolve against it).
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The config file itself (`None` when built from text), for reloads.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

impl Settings {
    /// Loads `path`, then applies environment overrides from `env` (pass `std::env::vars()`).
    pub fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, Error> {
        let text = std::fs::read_to_string(path).map_err(|error| Error::Read {
            path: path.to_owned(),
            error,
        })?;
        let base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut settings = Self::from_toml(&text, path, &base_dir, env)?;
        settings.source = Some(path.to_owned());
        Ok(settings)
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
        let mut problems = Vec::new();
        resolve_files(&mut tree, base_dir, "", &mut problems)?;
        if !problems.is_empty() {
            return Err(Error::SecretFiles { problems });
        }
        // serde_path_to_error names the key of a value a section type refused (`saml.country:
        // a country code is …`), not only unknown keys.
        let mut settings: Settings = serde_path_to_error::deserialize(toml::Value::Table(tree))
            .map_err(|e| {
                let path = e.path().to_string();
                let message = e.into_inner().message().to_owned();
                Error::Invalid {
                    message: if path == "." {
                        message
                    } else {
                        format!("{path}: {message}")
                    },
                }
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
}

/// Settings whose values are secrets: from the environment they are always taken as strings, so
/// that a secret that happens to look like a number never reaches a type error that echoes it.
const SECRET_KEYS: [&str; 5] = [
    "pin",
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

/// Replaces every `foo_file = "path"` with `foo = <contents of path>`, recursively; each file
/// that cannot be read is one line in `problems` (all are collected, not the first only).
fn resolve_files(
    tree: &mut toml::Table,
    base_dir: &Path,
    prefix: &str,
    problems: &mut Vec<String>,
) -> Result<(), Error> {
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
            let content = match std::fs::read_to_string(&path) {
                Ok(c) => c,
                Err(e) => {
                    problems.push(format!(
                        "setting {full}: cannot read the file it names ({}): {e}",
                        path.display()
                    ));
                    continue;
                }
            };
            tree.remove(&key);
            tree.insert(
                target.to_owned(),
                toml::Value::String(content.trim_end_matches(['\n', '\r']).to_owned()),
            );
            continue;
        }
        match tree.get_mut(&key) {
            Some(toml::Value::Table(t)) => {
                resolve_files(t, base_dir, &format!("{full}."), problems)?;
            }
            Some(toml::Value::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let toml::Value::Table(t) = item {
                        resolve_files(t, base_dir, &format!("{full}[{i}]."), problems)?;
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
        assert_eq!(s.public_url(), "https://connector.example.se");
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
