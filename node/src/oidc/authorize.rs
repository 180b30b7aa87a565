//! The authorization endpoint (RFC 6749 §4.1.1, OIDC Core §3.1.2): [`Provider::authorize`]
//! validates the request and parks it for the login step; `completion.rs` ends the flow with a
//! code or an error at the client's redirect_uri.

use serde::{Deserialize, Serialize};
use url::Url;

use super::claims::{
    attribute_name, parse_attribute_scope, parse_country_scope, standard_scope_attribute,
    ATTRIBUTE_SCOPE_PREFIX, EIDAS_SCOPE_PREFIX, SCOPE_LEGAL_PERSON, SCOPE_OPENID, SCOPE_PROFILE,
    SCOPE_WALLET,
};
use super::request_object::ResolvedRequest;
use super::{random_handle, Client, Error, Provider};
use crate::identity::{IdentityRequest, Loa, LoaLevel, OptionalAttribute, PersonType};

/// Caps on parameter sizes, so that a pending authorization stays small in the store.
const MAX_PARAM: usize = 2048;
const MAX_CLAIMS: usize = 4096;

/// A validated authorization request, parked in the store while the citizen authenticates abroad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scopes: Vec<String>,
    /// BASE64URL(SHA-256(code_verifier)) (RFC 7636 §4.2, S256 only).
    pub code_challenge: String,
    /// The stricter of the client's minimum and what `acr_values` / `claims` asked.
    pub min_loa: LoaLevel,
    /// Pre-selected by `eidas:country:xx`; otherwise the citizen chooses.
    pub country: Option<String>,
    /// The EU Digital Identity Wallet pre-selected by `eidas:wallet`. Absent in state written
    /// before the field existed.
    #[serde(default)]
    pub wallet: bool,
    pub person_type: PersonType,
    pub optional_attributes: Vec<OptionalAttribute>,
    pub ui_locales: Vec<String>,
    pub login_hint: Option<String>,
    pub prompt: Vec<String>,
    /// OIDC Core §3.1.2.1: the most seconds since the citizen authenticated that the client
    /// accepts; checked against the time abroad when the flow completes.
    #[serde(default)]
    pub max_age: Option<u64>,
    pub claims: Option<serde_json::Value>,
    /// An opaque tag of the user agent that sent the request (the login step's browser binding:
    /// a hash of its cookie). Only the same agent may continue the flow.
    #[serde(default)]
    pub agent_binding: Option<String>,
}

impl AuthorizationRequest {
    /// What the SAML side needs for its AuthnRequest once the country is known.
    pub fn identity_request(&self, client: &Client, country: &str) -> IdentityRequest {
        IdentityRequest {
            country: country.to_owned(),
            min_loa: self.min_loa,
            person_type: self.person_type,
            optional_attributes: self.optional_attributes.clone(),
            sp_type: client.sp_type,
            requester_id: Some(client.client_id.clone()),
            provider_name: Some(client.display_name.clone()),
        }
    }
}

/// Where `/authorize` sends the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeOutcome {
    /// On to the login step (country selection, then SAML): `login_path?flow=<id>`.
    Login { location: String, flow_id: String },
    /// Back to the (validated) redirect_uri with `error` (RFC 6749 §4.1.2.1).
    Redirect { location: String },
}

/// One parameter, rejecting repeats (RFC 6749 §3.1) and over-long values.
fn single<'a>(
    params: &'a [(String, String)],
    name: &'static str,
    max: usize,
) -> Result<Option<&'a str>, Error> {
    let mut it = params.iter().filter(|(k, _)| k == name);
    let first = it.next();
    if it.next().is_some() {
        return Err(Error::RepeatedParameter { param: name.into() });
    }
    match first {
        Some((_, v)) if v.len() > max => Err(Error::MalformedParameter { param: name }),
        Some((_, v)) if v.is_empty() => Ok(None),
        Some((_, v)) => Ok(Some(v.as_str())),
        None => Ok(None),
    }
}

fn required<'a>(
    params: &'a [(String, String)],
    name: &'static str,
    max: usize,
) -> Result<&'a str, Error> {
    single(params, name, max)?.ok_or(Error::MissingParameter { param: name })
}

/// Steps 1–2 (before anything may be redirected): the client and its exact redirect_uri
/// (OIDC Core §3.1.2.1: simple string comparison).
pub fn validate_client_and_redirect<'c>(
    provider: &'c Provider,
    params: &[(String, String)],
) -> Result<(&'c Client, String), Error> {
    let client_id = single(params, "client_id", 128)
        .ok()
        .flatten()
        .ok_or(Error::UnknownClient)?;
    let client = provider
        .clients
        .get(client_id)
        .ok_or(Error::UnknownClient)?;
    let redirect_uri = single(params, "redirect_uri", MAX_PARAM)
        .ok()
        .flatten()
        .ok_or(Error::UnregisteredRedirectUri)?;
    if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Error::UnregisteredRedirectUri);
    }
    Ok((client, redirect_uri.to_owned()))
}

/// Every remaining check, once errors may go to the redirect_uri. `resolved` holds the
/// parameters as sent, or from a request object or a pushed request (`request_object`).
pub fn validate_request(
    client: &Client,
    redirect_uri: &str,
    resolved: &ResolvedRequest,
) -> Result<AuthorizationRequest, Error> {
    let params = resolved.params.as_slice();
    // RFC 9126 §6 and RFC 9101 §10.5: per-client requirements on how the request arrives.
    if client.require_par && !resolved.provenance.pushed {
        return Err(Error::PushedRequestRequired);
    }
    if client.require_signed_request_object && !resolved.provenance.signed {
        return Err(Error::RequestObjectRequired);
    }
    if required(params, "response_type", 64)? != "code" {
        return Err(Error::UnsupportedResponseType);
    }
    if single(params, "response_mode", 64)?.is_some_and(|m| m != "query") {
        return Err(Error::MalformedParameter {
            param: "response_mode",
        });
    }
    let code_challenge = validate_pkce(params)?;
    let scope = validate_scopes(client, required(params, "scope", MAX_PARAM)?)?;
    let claims = match single(params, "claims", MAX_CLAIMS)? {
        Some(c) => Some(
            serde_json::from_str::<serde_json::Value>(c)
                .ok()
                .filter(serde_json::Value::is_object)
                .ok_or(Error::MalformedParameter { param: "claims" })?,
        ),
        None => None,
    };
    let requested_loa = requested_loa(single(params, "acr_values", MAX_PARAM)?, claims.as_ref());
    // OIDC Core §3.1.2.1: `none` cannot be met (every login is interactive); `login`,
    // `consent` and `select_account` are met by every login, which is always fresh abroad.
    let prompt: Vec<String> = words(single(params, "prompt", 128)?);
    if prompt.iter().any(|p| p == "none") {
        return Err(Error::LoginRequired);
    }
    let max_age = match single(params, "max_age", 20)? {
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| Error::MalformedParameter { param: "max_age" })?,
        ),
        None => None,
    };
    Ok(AuthorizationRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: single(params, "state", MAX_PARAM)?.map(str::to_owned),
        nonce: single(params, "nonce", 512)?.map(str::to_owned),
        scopes: scope.scopes,
        code_challenge,
        min_loa: requested_loa.map_or(client.min_loa, |l| l.max(client.min_loa)),
        country: scope.country,
        wallet: scope.wallet,
        person_type: scope.person_type,
        optional_attributes: scope.attributes,
        ui_locales: words(single(params, "ui_locales", 256)?),
        login_hint: single(params, "login_hint", 256)?.map(str::to_owned),
        prompt,
        max_age,
        claims,
        agent_binding: None,
    })
}

fn words(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// RFC 7636 §4.3/§4.4.1: S256 only (plain is refused), challenge = 43 base64url characters.
fn validate_pkce(params: &[(String, String)]) -> Result<String, Error> {
    let challenge = single(params, "code_challenge", 128)?.ok_or(Error::PkceRequired)?;
    if single(params, "code_challenge_method", 16)? != Some("S256") {
        return Err(Error::PkceRequired);
    }
    let ok = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(Error::MalformedParameter {
            param: "code_challenge",
        });
    }
    Ok(challenge.to_owned())
}

struct ScopeRequest {
    scopes: Vec<String>,
    country: Option<String>,
    wallet: bool,
    person_type: PersonType,
    attributes: Vec<OptionalAttribute>,
}

/// RFC 6749 §3.3 / OIDC Core §3.1.2.1 / §5.4: `openid` is required; `eidas:*` scopes the
/// client is not registered for are refused (they ask for data or a country it may not have);
/// `profile` is granted (the minimum data set covers it); `email`, `phone` and `address` are
/// granted as the matching eIDAS optional attribute when the client is registered for it, and
/// dropped otherwise; other scopes "that are not understood SHOULD be ignored" (§3.1.2.1), or
/// refused for a client with `strict_scopes`. The granted set is what the token response's
/// `scope` reports. At most one `eidas:country:xx`, which must be an allowed country.
fn validate_scopes(client: &Client, scope: &str) -> Result<ScopeRequest, Error> {
    let mut requested: Vec<String> = words(Some(scope));
    requested.sort();
    requested.dedup();
    if !requested.iter().any(|s| s == SCOPE_OPENID) {
        return Err(Error::MissingOpenidScope);
    }
    let not_allowed = |s: &str| Error::ScopeNotAllowed {
        scope: s.chars().take(64).collect(),
    };
    let person_type = if requested.iter().any(|s| s == SCOPE_LEGAL_PERSON) {
        PersonType::LegalPerson
    } else {
        PersonType::NaturalPerson
    };
    let mut scopes = Vec::new();
    let mut country = None;
    let mut wallet = false;
    let mut attributes = Vec::new();
    for s in &requested {
        if s == SCOPE_WALLET {
            // The EU Digital Identity Wallet pre-selected: only for a client registered for it,
            // and a natural person (the PID is one).
            if !client.wallet || person_type != PersonType::NaturalPerson {
                return Err(not_allowed(s));
            }
            wallet = true;
            scopes.push(s.clone());
        } else if let Some(cc) = parse_country_scope(s) {
            if country.is_some() {
                return Err(not_allowed(s));
            }
            if !client.allowed_countries.contains(&cc) {
                return Err(Error::CountryNotAllowed { country: cc });
            }
            country = Some(cc);
            scopes.push(s.clone());
        } else if client.allowed_scopes.contains(s) {
            if let Some(a) = parse_attribute_scope(s) {
                attributes.push(a);
            }
            scopes.push(s.clone());
        } else if s.starts_with(EIDAS_SCOPE_PREFIX) {
            return Err(not_allowed(s));
        } else if s == SCOPE_PROFILE {
            scopes.push(s.clone());
        } else if let Some(a) = standard_scope_attribute(s, person_type) {
            let registered = client
                .allowed_scopes
                .contains(&format!("{ATTRIBUTE_SCOPE_PREFIX}{}", attribute_name(a)));
            if registered {
                attributes.push(a);
                scopes.push(s.clone());
            }
        } else if client.strict_scopes {
            return Err(not_allowed(s));
        }
    }
    if let Some(a) = attributes.iter().find(|a| a.person_type() != person_type) {
        return Err(not_allowed(&format!(
            "{ATTRIBUTE_SCOPE_PREFIX}{}",
            attribute_name(*a)
        )));
    }
    attributes.sort_by_key(|a| attribute_name(*a));
    attributes.dedup();
    if wallet && country.is_some() {
        return Err(not_allowed(SCOPE_WALLET));
    }
    Ok(ScopeRequest {
        scopes,
        country,
        wallet,
        person_type,
        attributes,
    })
}

/// The lowest LoA the client listed in `acr_values` (OIDC Core §3.1.2.1) or in an `acr` claims
/// request (§5.5.1.1): eIDAS URIs or `low`/`substantial`/`high`. Listing several means any of them
/// will do, hence the lowest. Unknown values are ignored, as `acr_values` is a voluntary claim.
fn requested_loa(acr_values: Option<&str>, claims: Option<&serde_json::Value>) -> Option<LoaLevel> {
    let mut values: Vec<String> = words(acr_values);
    for part in ["id_token", "userinfo"] {
        let acr = claims.and_then(|c| c.get(part)).and_then(|p| p.get("acr"));
        if let Some(v) = acr.and_then(|a| a.get("value")).and_then(|v| v.as_str()) {
            values.push(v.to_owned());
        }
        if let Some(vs) = acr.and_then(|a| a.get("values")).and_then(|v| v.as_array()) {
            values.extend(vs.iter().filter_map(|v| v.as_str()).map(str::to_owned));
        }
    }
    values
        .iter()
        .filter_map(|v| {
            Loa::parse_uri(v)
                .map(|l| l.level)
                .or_else(|| LoaLevel::parse_short(v))
        })
        .min()
}

/// Appends `params` and `iss` (RFC 9207) to a validated redirect_uri.
pub(super) fn redirect_with(
    provider: &Provider,
    redirect_uri: &str,
    params: &[(&str, &str)],
) -> Result<String, Error> {
    let mut url = Url::parse(redirect_uri).map_err(|_| Error::UnregisteredRedirectUri)?;
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        q.append_pair("iss", &provider.config.issuer);
    }
    Ok(url.into())
}

pub(super) fn error_redirect(
    provider: &Provider,
    redirect_uri: &str,
    state: Option<&str>,
    error: &Error,
) -> Result<String, Error> {
    let description = error.description();
    let mut params = vec![
        ("error", error.code().as_str()),
        ("error_description", description.as_str()),
    ];
    if let Some(s) = state {
        params.push(("state", s));
    }
    redirect_with(provider, redirect_uri, &params)
}

impl Provider {
    /// Validates an authorization request and parks it for the login step. `Err` means the
    /// redirect_uri could not be trusted: show an error page, never redirect.
    #[tracing::instrument(skip_all)]
    pub async fn authorize(&self, params: &[(String, String)]) -> Result<AuthorizeOutcome, Error> {
        self.authorize_bound(params, None).await
    }

    /// As [`Provider::authorize`], recording `agent_binding` with the parked request so that the
    /// login step can insist on the same user agent.
    #[tracing::instrument(skip_all)]
    pub async fn authorize_bound(
        &self,
        params: &[(String, String)],
        agent_binding: Option<String>,
    ) -> Result<AuthorizeOutcome, Error> {
        let resolved = self.resolve_authorization_params(params).await?;
        let (client, redirect_uri) = validate_client_and_redirect(self, &resolved.params)?;
        let state = single(&resolved.params, "state", MAX_PARAM).ok().flatten();
        let result = match validate_request(client, &redirect_uri, &resolved) {
            Ok(mut request) => {
                request.agent_binding = agent_binding;
                self.park(&request).await
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(outcome) => Ok(outcome),
            Err(e) => {
                tracing::info!(client_id = %client.client_id, error = e.code().as_str(), "authorization request refused");
                let location = error_redirect(self, &redirect_uri, state, &e)?;
                Ok(AuthorizeOutcome::Redirect { location })
            }
        }
    }

    async fn park(&self, request: &AuthorizationRequest) -> Result<AuthorizeOutcome, Error> {
        let flow_id = random_handle()?;
        let bytes = serde_json::to_vec(request)?;
        self.stores
            .pending
            .put_pending(&flow_id, &bytes, self.config.pending_ttl)
            .await?;
        self.events.emit(&crate::events::LoginEvent::Authorized {
            client_id: request.client_id.clone(),
        });
        let location = format!("{}?flow={flow_id}", self.config.login_path);
        Ok(AuthorizeOutcome::Login { location, flow_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn requested_loa_is_the_lowest_recognised_value_from_acr_values_or_claims() {
        assert_eq!(
            requested_loa(Some("high substantial"), None),
            Some(LoaLevel::Substantial)
        );
        assert_eq!(
            requested_loa(Some("http://eidas.europa.eu/LoA/high urn:unknown"), None),
            Some(LoaLevel::High)
        );
        assert_eq!(requested_loa(Some("urn:unknown"), None), None);
        let claims =
            serde_json::json!({"id_token": {"acr": {"essential": true, "values": ["low"]}}});
        assert_eq!(requested_loa(None, Some(&claims)), Some(LoaLevel::Low));
    }

    #[test]
    fn pkce_requires_s256_and_a_43_character_challenge() {
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(validate_pkce(&p(&[
            ("code_challenge", c),
            ("code_challenge_method", "S256")
        ]))
        .is_ok());
        assert!(validate_pkce(&p(&[("code_challenge", c)])).is_err());
        assert!(validate_pkce(&p(&[
            ("code_challenge", c),
            ("code_challenge_method", "plain")
        ]))
        .is_err());
        let long = format!("{c}x");
        assert!(validate_pkce(&p(&[
            ("code_challenge", &long),
            ("code_challenge_method", "S256")
        ]))
        .is_err());
    }

    #[test]
    fn repeated_or_oversized_parameters_are_refused() {
        let params = p(&[("state", "a"), ("state", "b")]);
        assert!(matches!(
            single(&params, "state", 10),
            Err(Error::RepeatedParameter { .. })
        ));
        let big = "x".repeat(11);
        let params = p(&[("state", &big)]);
        assert!(matches!(
            single(&params, "state", 10),
            Err(Error::MalformedParameter { .. })
        ));
    }
}
