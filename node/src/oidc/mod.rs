//! OpenID Connect Provider core towards national e-services (authorization code flow + PKCE).
//!
//! Owns: request validation (RFC 6749, OIDC Core), client authentication, code and token issuance,
//! ID token signing, discovery and JWKS documents, and the claim schema. Consumes a
//! [`crate::identity::VerifiedIdentity`] from the login step and hands it an
//! [`crate::identity::IdentityRequest`]. Must not: import `saml`, axum or any HTTP type; log
//! tokens, codes, secrets or personal data.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretSlice;

use crate::clock::Clock;
use crate::store::{
    AccessTokenStore, AuthCodeStore, PendingAuthorizationStore, PushedRequestStore, ReplayCache,
    SealedStore,
};

pub mod authorize;
pub mod claims;
pub mod client;
mod completion;
pub mod discovery;
mod error;
pub mod jwks;
pub mod request_object;
pub mod settings;
pub mod token;
pub mod userinfo;

pub use authorize::{AuthorizationRequest, AuthorizeOutcome};
pub use client::{Client, ClientRegistry, ClientSettings};
pub use error::{Error, ErrorCode};
pub use jwks::{KeySet, KeyStatus, SigningKey};

/// Provider-wide settings.
#[derive(Debug)]
pub struct ProviderConfig {
    /// Our issuer identifier (OIDC Discovery §4.3): https URL without trailing slash.
    pub issuer: String,
    /// Where `/authorize` sends the browser next; `?flow=<id>` is appended.
    pub login_path: String,
    /// RFC 6749 §4.1.2 recommends ≤ 10 min; we keep codes for at most 60 s.
    pub code_ttl: Duration,
    pub access_token_ttl: Duration,
    pub id_token_ttl: Duration,
    /// How long a citizen may take abroad before the pending authorization expires.
    pub pending_ttl: Duration,
    pub ui_locales: Vec<String>,
    /// HMAC key for pairwise subjects; changing it changes every pairwise `sub`.
    pub pairwise_key: SecretSlice<u8>,
}

impl ProviderConfig {
    pub fn new(issuer: &str, pairwise_key: Vec<u8>) -> Self {
        ProviderConfig {
            issuer: issuer.trim_end_matches('/').to_owned(),
            login_path: "/login".into(),
            code_ttl: Duration::from_secs(60),
            access_token_ttl: Duration::from_secs(300),
            id_token_ttl: Duration::from_secs(300),
            pending_ttl: Duration::from_secs(900),
            ui_locales: vec!["en".into()],
            pairwise_key: pairwise_key.into(),
        }
    }

    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

pub const AUTHORIZE_PATH: &str = "/authorize";
pub const TOKEN_PATH: &str = "/token";
pub const USERINFO_PATH: &str = "/userinfo";
pub const JWKS_PATH: &str = "/jwks";
pub const PAR_PATH: &str = "/par";
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The OpenID Provider: configuration, clients, keys and the stores it needs.
#[derive(Debug)]
pub struct Provider {
    pub config: ProviderConfig,
    pub clients: ClientRegistry,
    /// Read per request: a rollover replaces the whole set without a restart.
    pub keys: crate::keys::KeyRing<KeySet>,
    pub clock: Arc<dyn Clock>,
    /// Where `Authorized` and `Completed` go (the rest are decided by the login steps).
    pub events: Arc<dyn crate::events::EventSink>,
    stores: Stores,
}

struct Stores {
    pending: Arc<dyn PendingAuthorizationStore>,
    codes: Arc<dyn AuthCodeStore>,
    tokens: Arc<dyn AccessTokenStore>,
    replay: Arc<dyn ReplayCache>,
    pushed: Arc<dyn PushedRequestStore>,
}

impl std::fmt::Debug for Stores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stores")
    }
}

impl Provider {
    pub fn new(
        config: ProviderConfig,
        clients: ClientRegistry,
        keys: KeySet,
        store: Arc<SealedStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Provider {
            config,
            clients,
            keys: crate::keys::KeyRing::new(keys),
            clock,
            events: Arc::new(crate::events::LogSink),
            stores: Stores {
                pending: store.clone(),
                codes: store.clone(),
                tokens: store.clone(),
                pushed: store.clone(),
                replay: store,
            },
        }
    }
}

impl Provider {
    /// The same provider, emitting its login events into `events`.
    pub fn with_events(mut self, events: Arc<dyn crate::events::EventSink>) -> Self {
        self.events = events;
        self
    }
}

/// 256 bits from OpenSSL's CSPRNG, base64url: codes, tokens, flow ids.
pub(crate) fn random_handle() -> Result<String, Error> {
    let mut b = [0u8; 32];
    openssl::rand::rand_bytes(&mut b)?;
    Ok(crate::jose::b64(&b))
}

/// Constant-time equality (a secret or a PKCE challenge against its expected value).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a, b)
}
