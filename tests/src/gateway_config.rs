//! One builder for the gateway configurations the testbed writes: the black-box harness, the
//! in-process flow tests and the load generator all describe a gateway with it, so a new setting
//! is added in one place. (`eidas-node demo` reads the checked-in `deploy/demo/gateway.toml`,
//! which operators read as an example; a test checks it loads.)

use std::path::{Path, PathBuf};

/// `keys-example/` as an absolute path.
pub fn example_keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../keys-example")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../keys-example"))
}

fn example(rel: &str) -> String {
    example_keys_dir().join(rel).display().to_string()
}

/// Lower-case hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A private key's setting: `key_path = "…"` for a path, or `value` itself when it is already a
/// setting (`pkcs11 = { … }`, a key inside a token).
pub fn key_field(value: &str) -> String {
    if value.starts_with("pkcs11 = ") {
        value.to_owned()
    } else {
        format!("key_path = \"{value}\"")
    }
}

/// The gateway's key material, as file paths (a private key may instead be a verbatim
/// `pkcs11 = { … }` setting, see [`key_field`]).
#[derive(Clone, Debug)]
pub struct GatewayKeys {
    /// SAML signing `(key, cert)`.
    pub saml_signing: (String, String),
    /// SAML decryption `(key, cert)` pairs.
    pub saml_encryption: Vec<(String, String)>,
    /// ID token keys `(kid, alg, key)`.
    pub oidc: Vec<(String, String, String)>,
    pub pairwise: String,
    pub store: String,
}

impl GatewayKeys {
    /// `keys-example/`: EC signing, EC and RSA decryption, ES256 and RS256 ID token keys.
    pub fn example() -> Self {
        GatewayKeys {
            saml_signing: (
                example("gateway/saml-signing.key"),
                example("gateway/saml-signing.crt"),
            ),
            saml_encryption: vec![
                (
                    example("gateway/saml-encryption-ec.key"),
                    example("gateway/saml-encryption-ec.crt"),
                ),
                (
                    example("gateway/saml-encryption-rsa.key"),
                    example("gateway/saml-encryption-rsa.crt"),
                ),
            ],
            oidc: vec![
                (
                    "e2e-es256".into(),
                    "ES256".into(),
                    example("gateway/oidc-signing.key"),
                ),
                (
                    "e2e-rs256".into(),
                    "RS256".into(),
                    example("gateway/oidc-signing-rs256.key"),
                ),
            ],
            pairwise: example("gateway/pairwise.key"),
            store: example("gateway/store-encryption.key"),
        }
    }
}

/// One trusted country: its metadata location and pinned signer certificate.
#[derive(Clone, Debug)]
pub struct CountryEntry {
    pub code: String,
    pub metadata: String,
    pub signer_cert: String,
    /// Further `key = value` lines of the entry, verbatim.
    pub extra: String,
}

impl CountryEntry {
    /// A simulated country (`XA`, `XB`) served by the simulator at `sim_url`, signed with its
    /// example key.
    pub fn simulated(code: &str, sim_url: &str) -> Self {
        let lc = code.to_ascii_lowercase();
        CountryEntry {
            code: code.to_ascii_uppercase(),
            metadata: format!("{sim_url}/{lc}/metadata"),
            signer_cert: example(&format!("sim/{lc}-signing.crt")),
            extra: String::new(),
        }
    }
}

/// A `[[clients]]` entry with a secret.
#[derive(Clone, Debug)]
pub struct ClientEntry {
    pub client_id: String,
    pub secret: String,
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub countries: Vec<String>,
    pub min_loa: String,
    /// Further `key = value` lines, verbatim.
    pub extra: String,
}

impl ClientEntry {
    pub fn new(client_id: &str, secret: &str, redirect_uri: &str) -> Self {
        ClientEntry {
            client_id: client_id.into(),
            secret: secret.into(),
            redirect_uris: vec![redirect_uri.into()],
            scopes: vec!["openid".into()],
            countries: vec!["XA".into(), "XB".into()],
            min_loa: "low".into(),
            extra: String::new(),
        }
    }

    fn toml(&self) -> String {
        let list = |v: &[String]| {
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            r#"
[[clients]]
client_id = "{id}"
display_name = "{id}"
client_secret_sha256 = "{hash}"
redirect_uris = [{ru}]
allowed_scopes = [{scopes}]
allowed_countries = [{cc}]
min_loa = "{loa}"
sp_type = "public"
{extra}
"#,
            id = self.client_id,
            hash = hex(&openssl::sha::sha256(self.secret.as_bytes())),
            ru = list(&self.redirect_uris),
            scopes = list(&self.scopes),
            cc = list(&self.countries),
            loa = self.min_loa,
            extra = self.extra,
        )
    }
}

/// A whole gateway configuration.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    pub listen: String,
    pub public_url: String,
    /// Appended verbatim to `[server]`.
    pub server_extra: String,
    /// `server.drain_seconds`: 0 here (tests stop gateways often), 5 in the product.
    pub drain_seconds: u64,
    pub keys: GatewayKeys,
    pub countries: Vec<CountryEntry>,
    pub redis_url: Option<String>,
    /// Appended verbatim to `[store]` (TLS files, say).
    pub store_extra: String,
    /// Appended verbatim to `[oidc]`.
    pub oidc_extra: String,
    pub key_prefix: String,
    pub refresh_seconds: u64,
    pub retry_seconds: u64,
    /// Further `[trust]` lines (e.g. `cache_dir = "…"`), verbatim.
    pub trust_extra: String,
    pub clients: Vec<ClientEntry>,
    /// Further `[[clients]]` entries (or sections), appended verbatim.
    pub extra: String,
}

impl GatewayConfig {
    /// Loopback, port 0, the example keys, the memory store, no countries or clients yet.
    pub fn new() -> Self {
        let mut b = [0u8; 8];
        let _ = openssl::rand::rand_bytes(&mut b);
        GatewayConfig {
            listen: "127.0.0.1:0".into(),
            public_url: "http://127.0.0.1:0".into(),
            server_extra: String::new(),
            drain_seconds: 0,
            keys: GatewayKeys::example(),
            countries: Vec::new(),
            redis_url: None,
            store_extra: String::new(),
            oidc_extra: String::new(),
            key_prefix: format!("tb-{}:", hex(&b)),
            refresh_seconds: 300,
            retry_seconds: 1,
            trust_extra: String::new(),
            clients: Vec::new(),
            extra: String::new(),
        }
    }

    pub fn toml(&self) -> String {
        let k = &self.keys;
        let pairs = |v: &[(String, String)]| {
            v.iter()
                .map(|(key, cert)| format!("  {{ {}, cert_path = \"{cert}\" }},", key_field(key)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let oidc = k
            .oidc
            .iter()
            .map(|(kid, alg, key)| {
                format!(
                    "  {{ kid = \"{kid}\", alg = \"{alg}\", {} }},",
                    key_field(key)
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mut s = format!(
            r#"[server]
listen = "{listen}"
public_url = "{public_url}"
drain_seconds = {drain}
{server_extra}

[saml]
country = "SE"
signing = {{ {sk}, cert_path = "{sc}" }}
encryption = [
{enc}
]

[oidc]
signing_keys = [
{oidc}
]
pairwise_key_file = "{pairwise}"
{oidc_extra}

[store]
encryption_key_file = "{store}"
key_prefix = "{prefix}"
"#,
            listen = self.listen,
            public_url = self.public_url,
            server_extra = self.server_extra,
            drain = self.drain_seconds,
            sk = key_field(&k.saml_signing.0),
            sc = k.saml_signing.1,
            enc = pairs(&k.saml_encryption),
            pairwise = k.pairwise,
            oidc_extra = self.oidc_extra,
            store = k.store,
            prefix = self.key_prefix,
        );
        if let Some(r) = &self.redis_url {
            s.push_str(&format!("redis_url = \"{r}\"\n"));
        }
        s.push_str(&self.store_extra);
        s.push('\n');
        s.push_str(&format!(
            "\n[trust]\nrefresh_seconds = {}\nretry_seconds = {}\n{}\n",
            self.refresh_seconds, self.retry_seconds, self.trust_extra
        ));
        for c in &self.countries {
            s.push_str(&format!(
                r#"
[[trust.countries]]
code = "{code}"
names = {{ en = "Testland {code}", sv = "Testland {code}", nb = "Testland {code}", da = "Testland {code}" }}
metadata = "{md}"
signer_cert_paths = ["{cert}"]
test = true
{extra}
"#,
                extra = c.extra,
                code = c.code,
                md = c.metadata,
                cert = c.signer_cert,
            ));
        }
        for c in &self.clients {
            s.push_str(&c.toml());
        }
        s.push_str(&self.extra);
        s
    }

    /// Writes the config into `dir` and returns its path.
    pub fn write(&self, dir: &Path, name: &str) -> std::io::Result<PathBuf> {
        let path = dir.join(name);
        std::fs::write(&path, self.toml())?;
        Ok(path)
    }
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_built_config_loads_in_the_node() {
        let mut cfg = GatewayConfig::new();
        cfg.countries
            .push(CountryEntry::simulated("XA", "http://127.0.0.1:9"));
        let mut client = ClientEntry::new("c", "s".repeat(40).as_str(), "http://127.0.0.1:9/cb");
        client.extra = "id_token_signed_response_alg = \"RS256\"".into();
        cfg.clients.push(client);
        let settings = eidas_node::config::Settings::from_toml(
            &cfg.toml(),
            Path::new("built.toml"),
            Path::new("."),
            std::iter::empty(),
        )
        .unwrap();
        assert_eq!(settings.trust.countries.len(), 1);
        assert_eq!(settings.clients.len(), 1);
        assert_eq!(settings.oidc.signing_keys.len(), 2);
    }
}
