//! The token endpoint (RFC 6749 §4.1.3, OIDC Core §3.1.3): client authentication, single-use code
//! redemption with PKCE, and issuance of the access token and the signed ID token.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::authorize::AuthorizationRequest;
use super::claims::{identity_claims, pairwise_subject};
use super::client::{AuthMethod, SubjectType};
use super::{ct_eq, random_handle, Client, Error, Provider, PAR_PATH, TOKEN_PATH};
use crate::identity::{SubjectPolicy, VerifiedIdentity};
use crate::jose::{b64, UnverifiedJws};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Longest client assertion lifetime we accept (RFC 7523 §3 lets us bound `exp`).
const MAX_ASSERTION_LIFETIME: i64 = 300;
const MAX_PARAM: usize = 4096;

/// What a code stands for, sealed in the store for at most `code_ttl`.
#[derive(Debug, Serialize, Deserialize)]
pub struct CodeGrant {
    pub request: AuthorizationRequest,
    pub identity: VerifiedIdentity,
    pub expires_at: i64,
}

impl CodeGrant {
    pub fn new(
        request: AuthorizationRequest,
        identity: VerifiedIdentity,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Self {
        let ttl = i64::try_from(ttl.as_secs()).unwrap_or(60);
        CodeGrant {
            request,
            identity,
            expires_at: now.unix_timestamp().saturating_add(ttl),
        }
    }
}

/// What an access token stands for: the client and the claims `/userinfo` returns.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessGrant {
    pub client_id: String,
    pub claims: Map<String, Value>,
}

/// RFC 6749 §5.1 successful response.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub id_token: String,
    pub scope: String,
}

fn param<'a>(params: &'a [(String, String)], name: &'static str) -> Result<Option<&'a str>, Error> {
    let mut it = params.iter().filter(|(k, _)| k == name);
    let first = it.next();
    if it.next().is_some() {
        return Err(Error::RepeatedParameter { param: name.into() });
    }
    match first {
        Some((_, v)) if v.len() > MAX_PARAM => Err(Error::MalformedParameter { param: name }),
        Some((_, v)) if v.is_empty() => Ok(None),
        other => Ok(other.map(|(_, v)| v.as_str())),
    }
}

fn required<'a>(params: &'a [(String, String)], name: &'static str) -> Result<&'a str, Error> {
    param(params, name)?.ok_or(Error::MissingParameter { param: name })
}

/// `client_secret_basic`: RFC 6749 §2.3.1, id and secret form-urlencoded before base64.
fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(rest.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let dec = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    Some((dec(id)?, dec(secret)?))
}

/// RFC 7636 §4.1: 43–128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
/// Checked here rather than with a library helper that asserts on the length.
fn verifier_is_well_formed(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

impl Provider {
    /// RFC 6749 §3.2.1 client authentication with exactly one method, the one the client is
    /// registered for (`token_endpoint_auth_method`); a `private_key_jwt` assertion's `jti` is
    /// recorded in the shared store, so it is accepted once across every instance (RFC 7523 §3).
    /// Used by `/token` and `/par` (RFC 9126 §2.1).
    pub(super) async fn authenticate_client_once(
        &self,
        params: &[(String, String)],
        authorization: Option<&str>,
    ) -> Result<&Client, Error> {
        let client = self.authenticate_client(params, authorization)?;
        if let Some(jwt) = param(params, "client_assertion")? {
            self.remember_assertion(client, jwt).await?;
        }
        Ok(client)
    }

    fn authenticate_client(
        &self,
        params: &[(String, String)],
        authorization: Option<&str>,
    ) -> Result<&Client, Error> {
        let basic = authorization.and_then(parse_basic);
        if authorization.is_some() && basic.is_none() {
            return Err(Error::ClientAuthFailed);
        }
        let post_secret = param(params, "client_secret")?;
        let assertion = param(params, "client_assertion")?;
        let used = usize::from(basic.is_some())
            + usize::from(post_secret.is_some())
            + usize::from(assertion.is_some());
        if used > 1 {
            return Err(Error::MultipleAuthMethods);
        }
        let body_id = param(params, "client_id")?;
        let client = if let Some((id, secret)) = &basic {
            self.check_secret(id, secret, AuthMethod::ClientSecretBasic)?
        } else if let Some(secret) = post_secret {
            self.check_secret(
                body_id.ok_or(Error::ClientAuthFailed)?,
                secret,
                AuthMethod::ClientSecretPost,
            )?
        } else if let Some(jwt) = assertion {
            if param(params, "client_assertion_type")? != Some(JWT_BEARER) {
                return Err(Error::BadClientAssertion {
                    reason: "client_assertion_type",
                });
            }
            self.check_assertion_signature(jwt)?
        } else {
            return Err(Error::ClientAuthFailed);
        };
        if body_id.is_some_and(|id| id != client.client_id) {
            return Err(Error::ClientAuthFailed);
        }
        Ok(client)
    }

    fn check_secret(&self, id: &str, secret: &str, used: AuthMethod) -> Result<&Client, Error> {
        let client = self.clients.get(id).ok_or(Error::ClientAuthFailed)?;
        let expected = client.secret_sha256.ok_or(Error::AuthMethodNotAllowed {
            used: used.as_str(),
        })?;
        let got = openssl::sha::sha256(secret.as_bytes());
        if !ct_eq(&got, &expected) {
            return Err(Error::ClientAuthFailed);
        }
        // Only after the secret proved who is asking: the method must be the registered one.
        if !client.auth_methods.contains(&used) {
            return Err(Error::AuthMethodNotAllowed {
                used: used.as_str(),
            });
        }
        Ok(client)
    }

    /// RFC 7523 §3 / OIDC Core §9 `private_key_jwt`, signature part: keys only from the
    /// client's registered JWKS.
    fn check_assertion_signature(&self, jwt: &str) -> Result<&Client, Error> {
        let bad = |reason| Error::BadClientAssertion { reason };
        let jws = UnverifiedJws::parse(jwt).ok_or(bad("not a JWS with an accepted alg"))?;
        // The issuer is read before verification only to pick the keys to verify with.
        let payload_claims = peek_payload(jwt).ok_or(bad("payload"))?;
        let iss = payload_claims
            .get("iss")
            .and_then(Value::as_str)
            .ok_or(bad("iss"))?;
        let client = self.clients.get(iss).ok_or(Error::ClientAuthFailed)?;
        if !client.auth_methods.contains(&AuthMethod::PrivateKeyJwt) {
            return Err(Error::AuthMethodNotAllowed {
                used: AuthMethod::PrivateKeyJwt.as_str(),
            });
        }
        let payload = jws.verify_with_set(&client.jwks).ok_or(bad("signature"))?;
        let claims: Map<String, Value> =
            serde_json::from_slice(payload).map_err(|_| bad("payload"))?;
        self.check_assertion_claims(client, &claims)?;
        Ok(client)
    }

    fn check_assertion_claims(
        &self,
        client: &Client,
        claims: &Map<String, Value>,
    ) -> Result<(), Error> {
        let bad = |reason| Error::BadClientAssertion { reason };
        let s = |k: &str| claims.get(k).and_then(Value::as_str);
        if s("iss") != Some(&client.client_id) || s("sub") != Some(&client.client_id) {
            return Err(bad("iss and sub must be the client_id"));
        }
        // RFC 7523 §3: the token endpoint or the issuer; RFC 9126 §2: also the PAR endpoint.
        let audiences = [
            self.config.endpoint(TOKEN_PATH),
            self.config.endpoint(PAR_PATH),
            self.config.issuer.clone(),
        ];
        let aud_ok = match claims.get("aud") {
            Some(Value::String(a)) => audiences.contains(a),
            Some(Value::Array(a)) => a
                .iter()
                .any(|v| v.as_str().is_some_and(|v| audiences.iter().any(|x| x == v))),
            _ => false,
        };
        if !aud_ok {
            return Err(bad("aud must be the token or PAR endpoint or the issuer"));
        }
        // A request object (RFC 9101) is signed with the same key and may carry `aud` = issuer;
        // one that passed through a browser must not double as a client assertion.
        if claims.contains_key("response_type") || claims.contains_key("redirect_uri") {
            return Err(bad("an authorization request is not a client assertion"));
        }
        let now = self.clock.now().unix_timestamp();
        let exp = claims
            .get("exp")
            .and_then(Value::as_i64)
            .ok_or(bad("exp"))?;
        if exp <= now || exp > now + MAX_ASSERTION_LIFETIME {
            return Err(bad("exp outside the accepted window"));
        }
        if s("jti").is_none_or(str::is_empty) {
            return Err(bad("jti"));
        }
        Ok(())
    }

    /// Redeems an authorization code (RFC 6749 §4.1.3, OIDC Core §3.1.3.2).
    #[tracing::instrument(skip_all, fields(client_id))]
    pub async fn token(
        &self,
        params: &[(String, String)],
        authorization: Option<&str>,
    ) -> Result<TokenResponse, Error> {
        let client = self.authenticate_client_once(params, authorization).await?;
        tracing::Span::current().record("client_id", client.client_id.as_str());
        if required(params, "grant_type")? != "authorization_code" {
            return Err(Error::UnsupportedGrantType);
        }
        let code = required(params, "code")?;
        let redirect_uri = required(params, "redirect_uri")?;
        let verifier = required(params, "code_verifier")?;
        let bytes = self
            .stores
            .codes
            .take_code(code)
            .await?
            .ok_or(Error::InvalidCode)?;
        let grant: CodeGrant = serde_json::from_slice(&bytes)?;
        self.check_grant(client, &grant, redirect_uri, verifier)?;
        self.issue_tokens(client, grant).await
    }

    /// RFC 7523 §3 item 7: a `jti` is accepted once, for as long as the assertion could live.
    async fn remember_assertion(&self, client: &Client, jwt: &str) -> Result<(), Error> {
        let jti = peek_payload(jwt)
            .and_then(|c| c.get("jti").and_then(Value::as_str).map(str::to_owned))
            .ok_or(Error::BadClientAssertion { reason: "jti" })?;
        let ttl = Duration::from_secs(u64::try_from(MAX_ASSERTION_LIFETIME).unwrap_or(300) + 60);
        let first = self
            .stores
            .replay
            .remember_once(&format!("jwt:{}:{jti}", client.client_id), ttl)
            .await?;
        if !first {
            return Err(Error::BadClientAssertion {
                reason: "jti already used",
            });
        }
        Ok(())
    }

    /// The code binds client, redirect_uri and PKCE challenge (RFC 6749 §4.1.3, RFC 7636 §4.6).
    fn check_grant(
        &self,
        client: &Client,
        grant: &CodeGrant,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<(), Error> {
        if grant.request.client_id != client.client_id {
            return Err(Error::CodeClientMismatch);
        }
        if grant.request.redirect_uri != redirect_uri {
            return Err(Error::CodeRedirectMismatch);
        }
        if self.clock.now().unix_timestamp() >= grant.expires_at {
            return Err(Error::InvalidCode);
        }
        if !verifier_is_well_formed(verifier) {
            return Err(Error::PkceMismatch);
        }
        let computed = b64(&openssl::sha::sha256(verifier.as_bytes()));
        if !ct_eq(computed.as_bytes(), grant.request.code_challenge.as_bytes()) {
            return Err(Error::PkceMismatch);
        }
        Ok(())
    }

    /// `sub`: the eIDAS identifier, or a pairwise hash per sector (OIDC Core §8).
    pub(crate) fn subject(
        &self,
        client: &Client,
        identity: &VerifiedIdentity,
    ) -> Result<String, Error> {
        let id = match identity.subject_policy() {
            // Fresh for this login: nothing to correlate, for any client.
            SubjectPolicy::Transient(id) => return Ok(id.to_owned()),
            SubjectPolicy::Persistent(id) => id,
        };
        match client.subject_type {
            SubjectType::Public => Ok(id.to_owned()),
            SubjectType::Pairwise => {
                use secrecy::ExposeSecret;
                Ok(pairwise_subject(
                    self.config.pairwise_key.expose_secret(),
                    &client.sector_identifier,
                    id,
                )?)
            }
        }
    }

    async fn issue_tokens(
        &self,
        client: &Client,
        grant: CodeGrant,
    ) -> Result<TokenResponse, Error> {
        let sub = self.subject(client, &grant.identity)?;
        let public = client.subject_type == SubjectType::Public;
        let mut claims =
            identity_claims(&grant.identity, &grant.request.optional_attributes, public);
        claims.insert("sub".into(), json!(sub));
        let access_token = random_handle()?;
        let access = AccessGrant {
            client_id: client.client_id.clone(),
            claims: claims.clone(),
        };
        self.stores
            .tokens
            .put_token(
                &access_token,
                &serde_json::to_vec(&access)?,
                self.config.access_token_ttl,
            )
            .await?;
        let now = self.clock.now().unix_timestamp();
        let ttl = i64::try_from(self.config.id_token_ttl.as_secs()).unwrap_or(300);
        // OIDC Core §3.1.3.6: at_hash is the left half of the hash used by the alg (SHA-256 for all ours).
        let digest = openssl::sha::sha256(access_token.as_bytes());
        let at_hash = b64(digest.get(..16).unwrap_or_default());
        claims.insert("iss".into(), json!(self.config.issuer));
        claims.insert("aud".into(), json!(client.client_id));
        claims.insert("azp".into(), json!(client.client_id));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + ttl));
        claims.insert(
            "auth_time".into(),
            json!(grant.identity.authn_instant.unix_timestamp()),
        );
        claims.insert("at_hash".into(), json!(at_hash));
        if let Some(nonce) = &grant.request.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        let id_token = self
            .keys
            .snapshot()
            .sign_jwt(client.id_token_alg, &claims)?;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: self.config.access_token_ttl.as_secs(),
            id_token,
            scope: grant.request.scopes.join(" "),
        })
    }
}

/// The payload of a compact JWS, unverified: only to find which client's keys to verify with,
/// or to read `jti` after verification succeeded.
fn peek_payload(jwt: &str) -> Option<Map<String, Value>> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_percent_decoded_and_malformed_ones_rejected() {
        let h = format!("Basic {}", STANDARD.encode("my%20app:s%3Acret"));
        assert_eq!(parse_basic(&h), Some(("my app".into(), "s:cret".into())));
        assert_eq!(parse_basic("Bearer abc"), None);
        assert_eq!(parse_basic("Basic !!!"), None);
        assert_eq!(
            parse_basic(&format!("Basic {}", STANDARD.encode("nocolon"))),
            None
        );
    }

    #[test]
    fn verifier_format_is_checked_without_panicking_on_any_length() {
        assert!(verifier_is_well_formed(&"a".repeat(43)));
        assert!(!verifier_is_well_formed(&"a".repeat(42)));
        assert!(!verifier_is_well_formed(&"a".repeat(129)));
        assert!(!verifier_is_well_formed(&format!("{}+", "a".repeat(43))));
        assert!(!verifier_is_well_formed(""));
    }
}
