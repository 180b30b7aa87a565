//! OpenID Provider metadata (OpenID Connect Discovery 1.0 §3) and the published JWKS.

use serde_json::{json, Value};

use super::claims::{fixed_scopes, CLAIMS_SUPPORTED, COUNTRY_SCOPE_PREFIX};
use super::{Provider, AUTHORIZE_PATH, JWKS_PATH, PAR_PATH, TOKEN_PATH, USERINFO_PATH};
use crate::identity::{Loa, LoaLevel};

impl Provider {
    pub fn discovery_document(&self) -> Value {
        let c = &self.config;
        let mut scopes = fixed_scopes();
        // OIDC Core §5.4 scopes: `profile` always, the others as eIDAS optional attributes.
        scopes.extend(["profile", "email", "phone", "address"].map(str::to_owned));
        // Country scopes are open-ended; publish the form plus every country some client may use.
        let mut countries: Vec<&String> = Vec::new();
        for client in self.clients.iter() {
            countries.extend(client.allowed_countries.iter());
        }
        countries.sort();
        countries.dedup();
        scopes.extend(
            countries
                .iter()
                .map(|cc| format!("{COUNTRY_SCOPE_PREFIX}{}", cc.to_ascii_lowercase())),
        );
        let mut acr: Vec<String> = LoaLevel::all()
            .iter()
            .map(|l| Loa::notified(*l).uri().to_owned())
            .collect();
        acr.extend(LoaLevel::all().iter().map(|l| l.as_str().to_owned()));
        let algs: Vec<&'static str> = self
            .keys
            .snapshot()
            .algorithms()
            .iter()
            .map(|a| a.as_str())
            .collect();
        json!({
            "issuer": c.issuer,
            "authorization_endpoint": c.endpoint(AUTHORIZE_PATH),
            "token_endpoint": c.endpoint(TOKEN_PATH),
            "userinfo_endpoint": c.endpoint(USERINFO_PATH),
            "jwks_uri": c.endpoint(JWKS_PATH),
            "scopes_supported": scopes,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": algs,
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256", "PS256", "RS256"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": CLAIMS_SUPPORTED,
            "acr_values_supported": acr,
            "ui_locales_supported": c.ui_locales,
            "claims_parameter_supported": true,
            "request_parameter_supported": true,
            "request_object_signing_alg_values_supported": ["ES256", "PS256", "RS256"],
            // Only the URNs of our own PAR endpoint; we never fetch a request_uri.
            "request_uri_parameter_supported": false,
            "pushed_authorization_request_endpoint": c.endpoint(PAR_PATH),
            "require_pushed_authorization_requests": false,
            "authorization_response_iss_parameter_supported": true,
            "prompt_values_supported": ["none", "login", "consent", "select_account"],
        })
    }

    pub fn jwks_document(&self) -> Value {
        self.keys.snapshot().jwks()
    }
}
