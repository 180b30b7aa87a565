//! The UserInfo endpoint (OIDC Core §5.3): the same identity claims as the ID token, for a bearer
//! access token (RFC 6750), which is opaque, short-lived and stored only as a hash.

use serde_json::{Map, Value};

use super::token::AccessGrant;
use super::{Error, Provider};

/// The token from `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive).
pub fn parse_bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 512)
        .then_some(token)
}

impl Provider {
    /// The token comes in `Authorization: Bearer` (RFC 6750 §2.1) or as the form-encoded body
    /// parameter `access_token` of a POST (§2.2); using both is refused (§2: "MUST NOT use more
    /// than one method").
    #[tracing::instrument(skip_all)]
    pub async fn userinfo(
        &self,
        authorization: Option<&str>,
        body_token: Option<&str>,
    ) -> Result<Map<String, Value>, Error> {
        let token = match (authorization, body_token) {
            (Some(_), Some(_)) => return Err(Error::MultipleAuthMethods),
            (Some(h), None) => parse_bearer(h),
            (None, Some(t)) => Some(t).filter(|t| !t.is_empty() && t.len() <= 512),
            (None, None) => None,
        }
        .ok_or(Error::InvalidAccessToken)?;
        let bytes = self
            .stores
            .tokens
            .get_token(token)
            .await?
            .ok_or(Error::InvalidAccessToken)?;
        let grant: AccessGrant = serde_json::from_slice(&bytes)?;
        Ok(grant.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_is_parsed_case_insensitively() {
        assert_eq!(parse_bearer("Bearer abc"), Some("abc"));
        assert_eq!(parse_bearer("bearer  abc "), Some("abc"));
        assert_eq!(parse_bearer("Basic abc"), None);
        assert_eq!(parse_bearer("Bearer"), None);
    }
}
