//! `oidc::Error`: every way an OpenID Provider operation fails, each carrying its RFC 6749 /
//! OIDC Core error code and HTTP status. The description sent to clients is fixed per variant;
//! private detail stays in the `source()` chain for the log.

use crate::store;

/// Error codes of RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1 and OIDC Core §3.1.2.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    UnauthorizedClient,
    AccessDenied,
    UnsupportedResponseType,
    InvalidScope,
    ServerError,
    TemporarilyUnavailable,
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
    InvalidToken,
    LoginRequired,
    RequestUriNotSupported,
    InvalidRequestObject,
    InvalidRequestUri,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            InvalidRequest => "invalid_request",
            UnauthorizedClient => "unauthorized_client",
            AccessDenied => "access_denied",
            UnsupportedResponseType => "unsupported_response_type",
            InvalidScope => "invalid_scope",
            ServerError => "server_error",
            TemporarilyUnavailable => "temporarily_unavailable",
            InvalidClient => "invalid_client",
            InvalidGrant => "invalid_grant",
            UnsupportedGrantType => "unsupported_grant_type",
            InvalidToken => "invalid_token",
            LoginRequired => "login_required",
            RequestUriNotSupported => "request_uri_not_supported",
            InvalidRequestObject => "invalid_request_object",
            InvalidRequestUri => "invalid_request_uri",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // --- before redirect_uri is trusted: shown on an error page, never redirected (RFC 6749 §4.1.2.1)
    #[error("client_id missing or unknown")]
    UnknownClient,
    #[error("redirect_uri missing or not registered for the client")]
    UnregisteredRedirectUri,
    #[error("no pending authorization for this flow (expired or already used)")]
    UnknownFlow,

    // --- authorization request, redirected once redirect_uri is validated
    #[error("parameter {param} is missing")]
    MissingParameter { param: &'static str },
    #[error("parameter {param} is malformed or too long")]
    MalformedParameter { param: &'static str },
    #[error("parameter {param} was given more than once")]
    RepeatedParameter { param: String },
    #[error("response_type must be \"code\"")]
    UnsupportedResponseType,
    #[error("scope must contain openid")]
    MissingOpenidScope,
    #[error("scope {scope} is unknown or not allowed for this client")]
    ScopeNotAllowed { scope: String },
    #[error("country {country} is not allowed for this client")]
    CountryNotAllowed { country: String },
    #[error("PKCE with code_challenge_method=S256 is required")]
    PkceRequired,
    #[error("prompt=none cannot be satisfied: every login is interactive")]
    LoginRequired,
    #[error(
        "request_uri is supported only as returned by the pushed authorization request endpoint"
    )]
    RequestUriNotSupported,
    /// RFC 9101 §6: a request object that cannot be verified or is not for us.
    #[error("request object rejected: {reason}")]
    InvalidRequestObject { reason: &'static str },
    /// RFC 9126 §4: unknown, expired, used or another client's pushed request.
    #[error("request_uri is unknown, expired, already used or not this client's")]
    InvalidRequestUri,
    #[error("this client must push its authorization requests to the PAR endpoint")]
    PushedRequestRequired,
    #[error("this client must send its authorization request as a signed request object")]
    RequestObjectRequired,
    /// The login step ended without an identity; `description` is public (no personal data).
    #[error("{description}")]
    AuthenticationFailed {
        code: ErrorCode,
        description: String,
    },
    #[error("identity does not meet the request: {reason}")]
    IdentityMismatch { reason: &'static str },
    #[error("the authentication abroad is older than max_age allows")]
    AuthenticationTooOld,

    // --- token endpoint
    #[error("client authentication failed")]
    ClientAuthFailed,
    #[error("client used {used} but is registered for another method")]
    AuthMethodNotAllowed { used: &'static str },
    #[error("more than one client authentication method was used")]
    MultipleAuthMethods,
    #[error("client assertion rejected: {reason}")]
    BadClientAssertion { reason: &'static str },
    #[error("grant_type must be authorization_code")]
    UnsupportedGrantType,
    #[error("authorization code is unknown, expired or already used")]
    InvalidCode,
    #[error("authorization code was issued to another client")]
    CodeClientMismatch,
    #[error("redirect_uri differs from the authorization request")]
    CodeRedirectMismatch,
    #[error("code_verifier does not match the code_challenge")]
    PkceMismatch,

    // --- userinfo
    #[error("access token missing, unknown or expired")]
    InvalidAccessToken,

    // --- internal
    #[error("state store unavailable")]
    Store(#[from] store::Error),
    #[error("no current signing key for the client's algorithm")]
    NoSigningKey,
    #[error("signing failed")]
    Signing(#[from] openssl::error::ErrorStack),
    #[error("signing with our key failed: {0}")]
    KeyOperation(String),
    #[error("encoding failed")]
    Encoding(#[from] serde_json::Error),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        use Error::*;
        match self {
            UnknownClient | UnregisteredRedirectUri | UnknownFlow => ErrorCode::InvalidRequest,
            MissingParameter { .. } | MalformedParameter { .. } | RepeatedParameter { .. } => {
                ErrorCode::InvalidRequest
            }
            PkceRequired | MultipleAuthMethods => ErrorCode::InvalidRequest,
            UnsupportedResponseType => ErrorCode::UnsupportedResponseType,
            MissingOpenidScope | ScopeNotAllowed { .. } | CountryNotAllowed { .. } => {
                ErrorCode::InvalidScope
            }
            LoginRequired | AuthenticationTooOld => ErrorCode::LoginRequired,
            RequestUriNotSupported => ErrorCode::RequestUriNotSupported,
            InvalidRequestObject { .. } => ErrorCode::InvalidRequestObject,
            InvalidRequestUri => ErrorCode::InvalidRequestUri,
            PushedRequestRequired | RequestObjectRequired => ErrorCode::InvalidRequest,
            AuthenticationFailed { code, .. } => *code,
            IdentityMismatch { .. } => ErrorCode::AccessDenied,
            ClientAuthFailed | AuthMethodNotAllowed { .. } | BadClientAssertion { .. } => {
                ErrorCode::InvalidClient
            }
            UnsupportedGrantType => ErrorCode::UnsupportedGrantType,
            InvalidCode | CodeClientMismatch | CodeRedirectMismatch | PkceMismatch => {
                ErrorCode::InvalidGrant
            }
            InvalidAccessToken => ErrorCode::InvalidToken,
            Store(_) => ErrorCode::TemporarilyUnavailable,
            NoSigningKey | Signing(_) | KeyOperation(_) | Encoding(_) => ErrorCode::ServerError,
        }
    }

    /// HTTP status for JSON endpoints (RFC 6749 §5.2, RFC 6750 §3.1).
    pub fn status(&self) -> u16 {
        match self.code() {
            ErrorCode::InvalidClient | ErrorCode::InvalidToken => 401,
            ErrorCode::ServerError => 500,
            ErrorCode::TemporarilyUnavailable => 503,
            _ => 400,
        }
    }

    /// The `error_description` we let clients see: the variant's message, except for internal
    /// failures whose detail is private.
    pub fn description(&self) -> String {
        match self {
            Error::Store(_) => "the service is temporarily unavailable".into(),
            Error::NoSigningKey
            | Error::Signing(_)
            | Error::KeyOperation(_)
            | Error::Encoding(_) => "internal error".into(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_failure_maps_to_temporarily_unavailable_without_detail() {
        let e = Error::Store(store::Error::Tampered);
        assert_eq!(e.code(), ErrorCode::TemporarilyUnavailable);
        assert_eq!(e.status(), 503);
        assert!(!e.description().contains("authentication"));
    }

    #[test]
    fn token_errors_carry_rfc6749_codes_and_statuses() {
        assert_eq!(Error::InvalidCode.code().as_str(), "invalid_grant");
        assert_eq!(Error::InvalidCode.status(), 400);
        assert_eq!(Error::ClientAuthFailed.code().as_str(), "invalid_client");
        assert_eq!(Error::ClientAuthFailed.status(), 401);
    }
}
