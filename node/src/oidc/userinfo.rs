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
    #[tracing::instrument(skip_all)]
    pub async fn userinfo(&self, authorization: Option<&str>) -> Result<Map<String, Value>, Error> {
        let token = authorization
            .and_then(parse_bearer)
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
