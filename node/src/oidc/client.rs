//! The client registry: e-services (agencies) registered in the config file as `[[clients]]`.
//! Parsed into validated [`Client`]s at start-up; a bad entry stops start-up with a message
//! naming the key and the problem (house-style H3: parse, don't validate).

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use url::Url;

use super::claims::{fixed_scopes, parse_attribute_scope, SCOPE_LEGAL_PERSON, SCOPE_OPENID};
use crate::identity::{ClientId, CountryCode, LoaLevel, PersonType, SpType};
use crate::jose::{Alg, Jwk, JwkSet};

/// One `[[clients]]` entry as written in the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    pub client_id: ClientId,
    pub display_name: String,
    /// Lower-case hex SHA-256 of the client secret. The secret itself must be ≥ 32 random bytes:
    /// an unsalted fast hash is safe only for high-entropy secrets, and keeps `/token` fast.
    pub client_secret_sha256: Option<String>,
    /// The client's public keys, as a JWKS JSON string: for `private_key_jwt` (RFC 7523) and
    /// for verifying its signed request objects (RFC 9101).
    pub jwks: Option<String>,
    /// How the client authenticates at `/token` and `/par` (OIDC Registration §2). Default:
    /// `client_secret_basic` or `client_secret_post` with a secret, else `private_key_jwt`.
    #[serde(default)]
    pub token_endpoint_auth_method: Option<AuthMethod>,
    /// Refuse scopes we do not know instead of ignoring them (OIDC Core §3.1.2.1 says ignore).
    #[serde(default)]
    pub strict_scopes: bool,
    /// Authorization requests only through `/par` (RFC 9126 §6).
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    /// Authorization requests only as a request object signed with a key of `jwks` (RFC 9101 §10.5).
    #[serde(default)]
    pub require_signed_request_object: bool,
    pub redirect_uris: Vec<String>,
    pub allowed_scopes: Vec<String>,
    /// ISO 3166-1 alpha-2 codes (`EL` for Greece).
    pub allowed_countries: Vec<CountryCode>,
    pub min_loa: LoaLevel,
    pub sp_type: SpType,
    #[serde(default)]
    pub subject_type: SubjectType,
    /// Pairwise sector; defaults to the host shared by all redirect_uris.
    pub sector_identifier: Option<String>,
    #[serde(default)]
    pub id_token_signed_response_alg: Option<Alg>,
    /// Offer the EU Digital Identity Wallet as a way in (the `[wallet]` section configures it).
    #[serde(default)]
    pub wallet: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectType {
    #[default]
    Public,
    Pairwise,
}

/// A client authentication method at `/token` and `/par` (RFC 6749 §2.3.1, OIDC Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
        }
    }
}

/// A validated client.
#[derive(Debug, Clone)]
pub struct Client {
    pub client_id: String,
    pub display_name: String,
    /// SHA-256 of the client secret, if it has one.
    pub secret_sha256: Option<[u8; 32]>,
    /// Its registered public keys (empty without `jwks`).
    pub jwks: Vec<Jwk>,
    /// The methods it may authenticate with (one when registered explicitly).
    pub auth_methods: Vec<AuthMethod>,
    pub strict_scopes: bool,
    pub require_par: bool,
    pub require_signed_request_object: bool,
    pub redirect_uris: Vec<String>,
    pub allowed_scopes: BTreeSet<String>,
    pub allowed_countries: BTreeSet<String>,
    pub min_loa: LoaLevel,
    pub sp_type: SpType,
    pub subject_type: SubjectType,
    pub sector_identifier: String,
    pub id_token_alg: Alg,
    /// The EU Digital Identity Wallet is offered to it.
    pub wallet: bool,
}

impl Client {
    pub fn person_types(&self) -> Vec<PersonType> {
        let mut v = vec![PersonType::NaturalPerson];
        if self.allowed_scopes.contains(SCOPE_LEGAL_PERSON) {
            v.push(PersonType::LegalPerson);
        }
        v
    }
}

/// A config problem: `key` is the TOML path (`clients[2].redirect_uris[0]`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("config key {key}: {problem}")]
pub struct ClientConfigError {
    pub key: String,
    pub problem: String,
}

#[derive(Debug, Default)]
pub struct ClientRegistry {
    clients: HashMap<String, Client>,
}

impl ClientRegistry {
    /// Validates every entry. `signing_algs` are the algorithms we hold a current key for.
    pub fn from_settings(
        settings: &[ClientSettings],
        signing_algs: &[Alg],
    ) -> Result<Self, ClientConfigError> {
        let mut clients = HashMap::new();
        for (i, s) in settings.iter().enumerate() {
            let client = validate_client(s, &format!("clients[{i}]"), signing_algs)?;
            if clients.contains_key(&client.client_id) {
                return Err(err(
                    format!("clients[{i}].client_id"),
                    "duplicate client_id",
                ));
            }
            clients.insert(client.client_id.clone(), client);
        }
        Ok(ClientRegistry { clients })
    }

    pub fn get(&self, client_id: &str) -> Option<&Client> {
        self.clients.get(client_id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Client> {
        self.clients.values()
    }
}

fn err(key: impl Into<String>, problem: impl Into<String>) -> ClientConfigError {
    ClientConfigError {
        key: key.into(),
        problem: problem.into(),
    }
}

fn validate_client(
    s: &ClientSettings,
    at: &str,
    algs: &[Alg],
) -> Result<Client, ClientConfigError> {
    // `client_id` (a `ClientId`) and `allowed_countries` (`CountryCode`s) were checked as read.
    let (secret_sha256, jwks, auth_methods) = validate_credential(s, at)?;
    if s.require_signed_request_object && jwks.is_empty() {
        return Err(err(
            format!("{at}.require_signed_request_object"),
            "needs the client's jwks to verify request objects",
        ));
    }
    if s.redirect_uris.is_empty() {
        return Err(err(
            format!("{at}.redirect_uris"),
            "at least one redirect URI is required",
        ));
    }
    let mut hosts = BTreeSet::new();
    for (j, uri) in s.redirect_uris.iter().enumerate() {
        hosts.insert(
            validate_redirect_uri(uri).map_err(|p| err(format!("{at}.redirect_uris[{j}]"), p))?,
        );
    }
    let known = fixed_scopes();
    for (j, scope) in s.allowed_scopes.iter().enumerate() {
        if !known.contains(scope) {
            return Err(err(
                format!("{at}.allowed_scopes[{j}]"),
                format!("unknown scope {scope:?} (countries go in allowed_countries)"),
            ));
        }
    }
    if !s.allowed_scopes.iter().any(|x| x == SCOPE_OPENID) {
        return Err(err(
            format!("{at}.allowed_scopes"),
            "must contain \"openid\"",
        ));
    }
    let legal = s.allowed_scopes.iter().any(|x| x == SCOPE_LEGAL_PERSON);
    for scope in &s.allowed_scopes {
        if let Some(a) = parse_attribute_scope(scope) {
            if a.person_type() == PersonType::LegalPerson && !legal {
                return Err(err(
                    format!("{at}.allowed_scopes"),
                    format!("{scope} needs {SCOPE_LEGAL_PERSON}"),
                ));
            }
        }
    }
    if s.allowed_countries.is_empty() {
        return Err(err(
            format!("{at}.allowed_countries"),
            "list at least one country",
        ));
    }
    let sector_identifier = match (&s.sector_identifier, s.subject_type) {
        (Some(sector), _) if !sector.is_empty() => sector.clone(),
        (Some(_), _) => return Err(err(format!("{at}.sector_identifier"), "must not be empty")),
        (None, SubjectType::Pairwise) if hosts.len() > 1 => {
            return Err(err(
                format!("{at}.sector_identifier"),
                "required for a pairwise client whose redirect_uris have several hosts",
            ))
        }
        (None, _) => hosts.into_iter().next().unwrap_or_default(),
    };
    let id_token_alg = s.id_token_signed_response_alg.unwrap_or(Alg::ES256);
    if !algs.contains(&id_token_alg) {
        return Err(err(
            format!("{at}.id_token_signed_response_alg"),
            "no current signing key for this algorithm",
        ));
    }
    Ok(Client {
        client_id: s.client_id.to_string(),
        display_name: s.display_name.clone(),
        secret_sha256,
        jwks,
        auth_methods,
        strict_scopes: s.strict_scopes,
        require_par: s.require_pushed_authorization_requests,
        require_signed_request_object: s.require_signed_request_object,
        redirect_uris: s.redirect_uris.clone(),
        allowed_scopes: s.allowed_scopes.iter().cloned().collect(),
        allowed_countries: s
            .allowed_countries
            .iter()
            .map(ToString::to_string)
            .collect(),
        min_loa: s.min_loa,
        sp_type: s.sp_type,
        subject_type: s.subject_type,
        sector_identifier,
        id_token_alg,
        wallet: s.wallet,
    })
}

type Credentials = (Option<[u8; 32]>, Vec<Jwk>, Vec<AuthMethod>);

/// A secret, a JWKS or both, and the token endpoint methods they allow.
fn validate_credential(s: &ClientSettings, at: &str) -> Result<Credentials, ClientConfigError> {
    let secret = match &s.client_secret_sha256 {
        Some(hex) => Some(parse_hex32(hex).ok_or_else(|| {
            err(
                format!("{at}.client_secret_sha256"),
                "must be 64 hex characters (SHA-256 of the secret)",
            )
        })?),
        None => None,
    };
    let jwks = match &s.jwks {
        Some(jwks) => {
            let key = format!("{at}.jwks");
            let set: JwkSet =
                serde_json::from_str(jwks).map_err(|e| err(&key, format!("not a JWKS: {e}")))?;
            if set.keys.is_empty() {
                return Err(err(&key, "no keys"));
            }
            for (j, k) in set.keys.iter().enumerate() {
                if k.to_public_key().is_none() {
                    return Err(err(
                        format!("{key}.keys[{j}]"),
                        "not an EC P-256 or RSA public key",
                    ));
                }
            }
            set.keys
        }
        None => Vec::new(),
    };
    let key = format!("{at}.token_endpoint_auth_method");
    let methods = match (
        s.token_endpoint_auth_method,
        secret.is_some(),
        !jwks.is_empty(),
    ) {
        (Some(AuthMethod::PrivateKeyJwt), _, false) => {
            return Err(err(key, "private_key_jwt needs jwks"))
        }
        (Some(m @ (AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost)), false, _) => {
            return Err(err(
                key,
                format!("{} needs client_secret_sha256", m.as_str()),
            ))
        }
        (Some(m), _, _) => vec![m],
        (None, true, _) => vec![AuthMethod::ClientSecretBasic, AuthMethod::ClientSecretPost],
        (None, false, true) => vec![AuthMethod::PrivateKeyJwt],
        (None, false, false) => {
            return Err(err(at, "one of client_secret_sha256 or jwks is required"))
        }
    };
    Ok((secret, jwks, methods))
}

fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// OIDC Core §3.1.2.1 / RFC 8252 §7.3: absolute, no fragment, https except loopback http.
/// Returns the host (the default pairwise sector).
fn validate_redirect_uri(uri: &str) -> Result<String, String> {
    let url = Url::parse(uri).map_err(|e| format!("not an absolute URL: {e}"))?;
    if url.fragment().is_some() {
        return Err("must not contain a fragment".into());
    }
    let host = url.host_str().unwrap_or_default().to_owned();
    let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err("must use https (http only for loopback)".into()),
    }
    if url.as_str() != uri && format!("{uri}/") != url.as_str() {
        return Err(format!(
            "must be written in normalized form: {}",
            url.as_str()
        ));
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        clients: Vec<ClientSettings>,
    }

    const GOOD: &str = r#"
[[clients]]
client_id = "tax"
display_name = "Tax Office"
client_secret_sha256 = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
redirect_uris = ["https://tax.example/cb"]
allowed_scopes = ["openid", "eidas:attribute:current_address"]
allowed_countries = ["EL", "DE"]
min_loa = "substantial"
sp_type = "public"
subject_type = "pairwise"
"#;

    fn load(toml_text: &str) -> Result<ClientRegistry, ClientConfigError> {
        let f: File = toml::from_str(toml_text).map_err(|e| err("toml", e.to_string()))?;
        ClientRegistry::from_settings(&f.clients, &[Alg::ES256])
    }

    #[test]
    fn valid_client_loads_with_host_as_pairwise_sector() {
        let r = load(GOOD).unwrap();
        let c = r.get("tax").unwrap();
        assert_eq!(c.sector_identifier, "tax.example");
        assert_eq!(c.id_token_alg, Alg::ES256);
        assert_eq!(
            c.auth_methods,
            [AuthMethod::ClientSecretBasic, AuthMethod::ClientSecretPost]
        );
        assert!(!c.strict_scopes && !c.require_par && !c.require_signed_request_object);
        let one = GOOD.replace(
            "sp_type = \"public\"",
            "sp_type = \"public\"\ntoken_endpoint_auth_method = \"client_secret_post\"",
        );
        let r = load(&one).unwrap();
        assert_eq!(
            r.get("tax").unwrap().auth_methods,
            [AuthMethod::ClientSecretPost]
        );
    }

    #[test]
    fn unknown_key_is_rejected_by_name() {
        let e = load(&GOOD.replace("sp_type", "sp_typo")).unwrap_err();
        assert!(e.problem.contains("sp_typo"), "{e}");
    }

    #[test]
    fn bad_entries_name_key_and_problem() {
        let cases = [
            (
                GOOD.replace("https://tax.example/cb", "http://tax.example/cb"),
                "clients[0].redirect_uris[0]",
            ),
            (
                GOOD.replace("eidas:attribute:current_address", "eidas:country:de"),
                "clients[0].allowed_scopes[1]",
            ),
            (
                GOOD.replace("eidas:attribute:current_address", "eidas:attribute:lei"),
                "clients[0].allowed_scopes",
            ),
            (
                GOOD.replace("2bb80d", "zz"),
                "clients[0].client_secret_sha256",
            ),
            (format!("{GOOD}{GOOD}"), "clients[1].client_id"),
            (
                GOOD.replace(
                    "sp_type = \"public\"",
                    "sp_type = \"public\"\ntoken_endpoint_auth_method = \"private_key_jwt\"",
                ),
                "clients[0].token_endpoint_auth_method",
            ),
            (
                GOOD.replace(
                    "sp_type = \"public\"",
                    "sp_type = \"public\"\nrequire_signed_request_object = true",
                ),
                "clients[0].require_signed_request_object",
            ),
            (
                GOOD.replace(
                    "subject_type = \"pairwise\"",
                    "id_token_signed_response_alg = \"PS256\"",
                ),
                "clients[0].id_token_signed_response_alg",
            ),
        ];
        for (text, key) in cases {
            assert_eq!(load(&text).unwrap_err().key, key);
        }
        // A country code is a `CountryCode`: refused as the file is read.
        let e = load(&GOOD.replace("\"DE\"", "\"de\"")).unwrap_err();
        assert!(e.problem.contains("two upper-case letters"), "{e}");
        let e = load(&GOOD.replace("client_id = \"tax\"", "client_id = \"a:b\"")).unwrap_err();
        assert!(e.problem.contains("without ':'"), "{e}");
    }
}
