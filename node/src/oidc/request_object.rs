//! Where an authorization request's parameters come from: the query as sent, a signed request
//! object (RFC 9101, JAR) or a pushed authorization request (RFC 9126, PAR), and the PAR endpoint.
//!
//! Both end in the same parameter list that `authorize::validate_request` checks, with a
//! [`Provenance`] saying whether it was pushed and whether it was signed, so that per-client
//! `require_pushed_authorization_requests` and `require_signed_request_object` are enforced in
//! one place.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::authorize::{validate_client_and_redirect, validate_request};
use super::{random_handle, Client, Error, Provider};
use crate::jose::UnverifiedJws;

/// RFC 9126 §2.2: the `request_uri` we hand out is this URN plus a random handle.
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";
/// RFC 9126 §2.2 suggests a short lifetime: long enough to redirect the browser.
pub const PUSHED_REQUEST_TTL: Duration = Duration::from_secs(60);
/// Largest request object we read (the query caps apply to its members afterwards).
const MAX_REQUEST_OBJECT: usize = 16 * 1024;
/// Claims of a request object that describe the JWT itself, not the authorization request.
const JWT_CLAIMS: [&str; 6] = ["iss", "aud", "exp", "iat", "nbf", "jti"];
/// Longest a request object may be valid for (`exp` − now).
const MAX_REQUEST_OBJECT_LIFETIME: i64 = 3600;
/// Allowed clock difference for a request object's `exp` and `nbf`.
const SKEW_SECONDS: i64 = 60;

/// How the parameters arrived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Through `/par` (RFC 9126), by its `request_uri`.
    pub pushed: bool,
    /// As a request object signed with a key the client registered (RFC 9101).
    pub signed: bool,
}

/// The parameters to validate and how they arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedRequest {
    pub params: Vec<(String, String)>,
    pub provenance: Provenance,
}

/// A pushed request as kept in the store until its `request_uri` is used (once).
#[derive(Debug, Serialize, Deserialize)]
struct PushedRequest {
    client_id: String,
    request: ResolvedRequest,
}

/// RFC 9126 §2.2 success response.
#[derive(Debug, Serialize)]
pub struct PushedResponse {
    pub request_uri: String,
    pub expires_in: u64,
}

fn single<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, Error> {
    let mut it = params.iter().filter(|(k, _)| k == name);
    let first = it.next();
    if it.next().is_some() {
        return Err(Error::RepeatedParameter { param: name.into() });
    }
    Ok(first.map(|(_, v)| v.as_str()).filter(|v| !v.is_empty()))
}

fn bad(reason: &'static str) -> Error {
    Error::InvalidRequestObject { reason }
}

/// A request object's claims as authorization parameters (RFC 9101 §4): strings as they are,
/// numbers (`max_age`) in decimal, objects (`claims`) as JSON.
fn claims_to_params(claims: &Map<String, Value>) -> Result<Vec<(String, String)>, Error> {
    let mut params = Vec::new();
    for (k, v) in claims {
        if JWT_CLAIMS.contains(&k.as_str()) {
            continue;
        }
        if k == "request" || k == "request_uri" {
            return Err(bad(
                "a request object must not contain request or request_uri",
            ));
        }
        let value = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Object(_) => v.to_string(),
            Value::Null => continue,
            _ => return Err(bad("a member is neither a string, a number nor an object")),
        };
        params.push((k.clone(), value));
    }
    Ok(params)
}

impl Provider {
    /// RFC 9101 §6: a request object signed with one of the client's registered keys (ES256,
    /// PS256 or RS256; never `none` or an encrypted one), for us (`aud` = our issuer), from the
    /// client (`iss`, `client_id`), not expired; its members replace the query's (§6.3).
    pub fn verify_request_object(
        &self,
        client: &Client,
        jwt: &str,
    ) -> Result<ResolvedRequest, Error> {
        if jwt.len() > MAX_REQUEST_OBJECT {
            return Err(bad("too large"));
        }
        if jwt.split('.').count() == 5 {
            return Err(bad("encrypted request objects are not supported"));
        }
        if client.jwks.is_empty() {
            return Err(bad("the client has registered no keys"));
        }
        let jws = UnverifiedJws::parse(jwt).ok_or(bad("not a JWS with ES256, PS256 or RS256"))?;
        let payload = jws
            .verify_with_set(&client.jwks)
            .ok_or(bad("signature does not verify with the client's keys"))?;
        let claims: Map<String, Value> =
            serde_json::from_slice(payload).map_err(|_| bad("payload is not a JSON object"))?;
        let s = |k: &str| claims.get(k).and_then(Value::as_str);
        if s("client_id") != Some(client.client_id.as_str()) {
            return Err(bad("client_id must be the client's"));
        }
        if claims.get("iss").is_some() && s("iss") != Some(client.client_id.as_str()) {
            return Err(bad("iss must be the client_id"));
        }
        let issuer = self.config.issuer.as_str();
        let aud_ok = match claims.get("aud") {
            Some(Value::String(a)) => a == issuer,
            Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(issuer)),
            _ => false,
        };
        if !aud_ok {
            return Err(bad("aud must be the issuer"));
        }
        // `exp` is required and at most an hour ahead, so a request object that leaked (it
        // passes through the browser) cannot be replayed for long.
        let now = self.clock.now().unix_timestamp();
        let exp = claims
            .get("exp")
            .and_then(Value::as_i64)
            .ok_or(bad("exp is required"))?;
        if exp.saturating_add(SKEW_SECONDS) <= now {
            return Err(bad("expired"));
        }
        if exp > now.saturating_add(MAX_REQUEST_OBJECT_LIFETIME) {
            return Err(bad("exp is more than an hour ahead"));
        }
        match claims.get("nbf") {
            Some(nbf)
                if nbf
                    .as_i64()
                    .is_none_or(|n| n > now.saturating_add(SKEW_SECONDS)) =>
            {
                return Err(bad("not yet valid"))
            }
            _ => {}
        }
        Ok(ResolvedRequest {
            params: claims_to_params(&claims)?,
            provenance: Provenance {
                pushed: false,
                signed: true,
            },
        })
    }

    /// The parameters `/authorize` validates: from the pushed request named by `request_uri`
    /// (taken from the store: single use), from a request object, or as sent. Failures here
    /// happen before a redirect_uri is trusted, so they are shown, never redirected.
    pub async fn resolve_authorization_params(
        &self,
        params: &[(String, String)],
    ) -> Result<ResolvedRequest, Error> {
        let request = single(params, "request")?;
        let request_uri = single(params, "request_uri")?;
        if request.is_none() && request_uri.is_none() {
            return Ok(ResolvedRequest {
                params: params.to_vec(),
                provenance: Provenance::default(),
            });
        }
        if request.is_some() && request_uri.is_some() {
            return Err(Error::MalformedParameter {
                param: "request_uri",
            });
        }
        let client_id = single(params, "client_id")?.ok_or(Error::UnknownClient)?;
        let client = self.clients.get(client_id).ok_or(Error::UnknownClient)?;
        let mut resolved = match (request, request_uri) {
            (Some(jwt), _) => self.verify_request_object(client, jwt)?,
            (None, Some(uri)) => {
                let handle = uri
                    .strip_prefix(REQUEST_URI_PREFIX)
                    .ok_or(Error::RequestUriNotSupported)?;
                let bytes = self
                    .stores
                    .pushed
                    .take_pushed(handle)
                    .await?
                    .ok_or(Error::InvalidRequestUri)?;
                let pushed: PushedRequest = serde_json::from_slice(&bytes)?;
                // Taken before the check: a request_uri shown with another client_id is spent
                // (it travels through the browser like a bearer value; RFC 9126 §4).
                if pushed.client_id != client.client_id {
                    return Err(Error::InvalidRequestUri);
                }
                pushed.request
            }
            (None, None) => return Err(Error::UnknownClient),
        };
        // The outer client_id is authoritative (RFC 9101 §5, RFC 9126 §4); a request object's
        // was checked to be the same.
        resolved.params.retain(|(k, _)| k != "client_id");
        resolved
            .params
            .push(("client_id".into(), client.client_id.clone()));
        Ok(resolved)
    }

    /// `POST /par` (RFC 9126 §2): the client authenticates as at `/token`; the request is
    /// validated now, so that errors come back as JSON, and kept for [`PUSHED_REQUEST_TTL`]
    /// under a single-use `request_uri`.
    #[tracing::instrument(skip_all, fields(client_id))]
    pub async fn push_authorization_request(
        &self,
        params: &[(String, String)],
        authorization: Option<&str>,
    ) -> Result<PushedResponse, Error> {
        let client = self.authenticate_client_once(params, authorization).await?;
        tracing::Span::current().record("client_id", client.client_id.as_str());
        if single(params, "request_uri")?.is_some() {
            // RFC 9126 §2.1: "The request_uri authorization request parameter MUST NOT be provided".
            return Err(Error::MalformedParameter {
                param: "request_uri",
            });
        }
        let mut resolved = match single(params, "request")? {
            Some(jwt) => self.verify_request_object(client, jwt)?,
            None => ResolvedRequest {
                params: params
                    .iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "client_secret" | "client_assertion" | "client_assertion_type"
                        )
                    })
                    .cloned()
                    .collect(),
                provenance: Provenance::default(),
            },
        };
        resolved.params.retain(|(k, _)| k != "client_id");
        resolved
            .params
            .push(("client_id".into(), client.client_id.clone()));
        resolved.provenance.pushed = true;
        let (_, redirect_uri) = validate_client_and_redirect(self, &resolved.params)?;
        validate_request(client, &redirect_uri, &resolved)?;
        let handle = random_handle()?;
        let record = PushedRequest {
            client_id: client.client_id.clone(),
            request: resolved,
        };
        self.stores
            .pushed
            .put_pushed(&handle, &serde_json::to_vec(&record)?, PUSHED_REQUEST_TTL)
            .await?;
        Ok(PushedResponse {
            request_uri: format!("{REQUEST_URI_PREFIX}{handle}"),
            expires_in: PUSHED_REQUEST_TTL.as_secs(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_become_parameters_and_jwt_claims_are_dropped() {
        let claims: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "iss": "c", "aud": "https://op", "exp": 1, "client_id": "c",
            "scope": "openid", "max_age": 0, "claims": {"id_token": {"acr": null}}, "nonce": null
        }))
        .unwrap_or_default();
        let mut p = claims_to_params(&claims).unwrap_or_default();
        p.sort();
        assert_eq!(
            p,
            [
                (
                    "claims".to_owned(),
                    r#"{"id_token":{"acr":null}}"#.to_owned()
                ),
                ("client_id".to_owned(), "c".to_owned()),
                ("max_age".to_owned(), "0".to_owned()),
                ("scope".to_owned(), "openid".to_owned()),
            ]
        );
    }

    #[test]
    fn nested_requests_and_arrays_are_refused() {
        for bad in [
            serde_json::json!({"request": "x"}),
            serde_json::json!({"request_uri": "x"}),
            serde_json::json!({"scope": ["openid"]}),
        ] {
            let claims: Map<String, Value> = serde_json::from_value(bad).unwrap_or_default();
            assert!(matches!(
                claims_to_params(&claims),
                Err(Error::InvalidRequestObject { .. })
            ));
        }
    }
}
