//! Short-lived protocol state: pending authorizations, authorization codes, access tokens, pending
//! SAML AuthnRequests (by RelayState handle) and the SAML replay cache.
//!
//! Owns: the narrow store traits (house-style H4), key derivation (entries are keyed by a SHA-256
//! of the secret handle, never the handle itself), AEAD sealing of every value at rest, and the
//! two backends ([`memory`], [`redis`]). Must not: know about HTTP, OIDC error codes or SAML
//! messages; log keys or values.
//!
//! Semantics shared by every implementation (checked by [`contract`]):
//! - every write carries a TTL; nothing lives forever;
//! - `take` is atomic and single-use: of any number of concurrent callers, exactly one gets the value;
//! - a failure of the backend is an [`Error`], never "not found", so that the caller cannot mistake
//!   lost state for an absent entry (and, e.g., issue a code whose grant was never written).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

#[cfg(test)]
pub mod contract;
mod crypto;
pub mod durable;
pub mod memory;
pub mod observed;
pub mod redis;
pub mod settings;

pub use crypto::{hash_handle, Sealer};
pub use durable::{DurableBackend, RecordStore, SealedRecords};

/// Every way the state store can fail. The HTTP layer maps all of them to
/// `temporarily_unavailable` (RFC 6749 §4.1.2.1) or a 503.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("state store backend failed")]
    Backend(#[from] ::redis::RedisError),
    /// No sentinel named a master that confirmed its role (during a failover, or misconfigured).
    #[error("no Redis master: the sentinels name none that answers as master")]
    NoMaster,
    #[error("state store URL is not usable: {problem}")]
    BadUrl { problem: String },
    #[error("store encryption key is not usable: {problem}")]
    BadKey { problem: String },
    #[error("sealing or opening a stored value failed")]
    Crypto(#[from] openssl::error::ErrorStack),
    /// The ciphertext did not authenticate: tampered with, or sealed under another key.
    #[error("stored value failed authentication")]
    Tampered,
    #[error("stored value could not be encoded or decoded")]
    Codec(#[from] serde_json::Error),
}

/// The raw key-value operations a backend provides. Keys arrive already hashed and namespaced;
/// values arrive already sealed. Backends only add TTLs and atomicity.
#[async_trait]
pub trait KvBackend: Send + Sync + std::fmt::Debug {
    /// Stores `value` under `key` for `ttl`, replacing any previous value.
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), Error>;
    /// Stores `value` only if `key` is absent (Redis `SET NX PX`). Returns whether it was stored.
    async fn put_if_absent(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, Error>;
    /// Reads without consuming.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error>;
    /// Reads and deletes in one atomic step (Redis `GETDEL`).
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, Error>;
    /// Reachability, for readiness probes and `check`.
    async fn ping(&self) -> Result<(), Error>;
}

/// What `/authorize` validated, kept until the citizen comes back from abroad (keyed by flow id).
#[async_trait]
pub trait PendingAuthorizationStore: Send + Sync {
    async fn put_pending(&self, flow_id: &str, value: &[u8], ttl: Duration) -> Result<(), Error>;
    /// Non-consuming read, for the login step (country selection) before the flow completes.
    async fn get_pending(&self, flow_id: &str) -> Result<Option<Vec<u8>>, Error>;
    /// Atomic single use: completing or failing a flow consumes it.
    async fn take_pending(&self, flow_id: &str) -> Result<Option<Vec<u8>>, Error>;
}

/// Authorization codes (RFC 6749 §4.1.2: single use, short-lived).
#[async_trait]
pub trait AuthCodeStore: Send + Sync {
    async fn put_code(&self, code: &str, grant: &[u8], ttl: Duration) -> Result<(), Error>;
    /// Atomic single use: a second redemption, concurrent or later, gets `None`.
    async fn take_code(&self, code: &str) -> Result<Option<Vec<u8>>, Error>;
}

/// Opaque bearer access tokens for `/userinfo`.
#[async_trait]
pub trait AccessTokenStore: Send + Sync {
    async fn put_token(&self, token: &str, grant: &[u8], ttl: Duration) -> Result<(), Error>;
    async fn get_token(&self, token: &str) -> Result<Option<Vec<u8>>, Error>;
}

/// The login step's state while the citizen is abroad, keyed by the RelayState handle
/// (eidas-requirements §1.3). The value (the AuthnRequest ID, what it asked for, the flow id and
/// the browser binding) is defined by the login step and opaque here.
#[async_trait]
pub trait PendingLoginStore: Send + Sync {
    async fn put_login(&self, handle: &str, value: &[u8], ttl: Duration) -> Result<(), Error>;
    /// Atomic single use, so that a replayed Response finds nothing to complete.
    async fn take_login(&self, handle: &str) -> Result<Option<Vec<u8>>, Error>;
    /// Whether the state is still there (nobody came back with the handle yet); reads neither
    /// value nor consumes it.
    async fn login_pending(&self, handle: &str) -> Result<bool, Error>;
}

/// The outcome of the SAML exchange between the ACS and the resume step, keyed by a fresh
/// single-use handle: the identity never travels in a URL.
#[async_trait]
pub trait LoginResultStore: Send + Sync {
    async fn put_result(&self, handle: &str, value: &[u8], ttl: Duration) -> Result<(), Error>;
    /// Atomic single use.
    async fn take_result(&self, handle: &str) -> Result<Option<Vec<u8>>, Error>;
}

/// Pushed authorization requests (RFC 9126) under the handle of their `request_uri`, taken once.
#[async_trait]
pub trait PushedRequestStore: Send + Sync {
    async fn put_pushed(&self, handle: &str, value: &[u8], ttl: Duration) -> Result<(), Error>;
    /// Atomic and single use: a `request_uri` is good for one authorization request.
    async fn take_pushed(&self, handle: &str) -> Result<Option<Vec<u8>>, Error>;
}

/// Replay cache for SAML Response and Assertion IDs.
#[async_trait]
pub trait ReplayCache: Send + Sync {
    /// `true` the first time `id` is seen within `ttl`, `false` on every later call (`SET NX`).
    async fn remember_once(&self, id: &str, ttl: Duration) -> Result<bool, Error>;
}

/// The one store the node uses: hashes keys, seals values and delegates to a backend.
/// Implements every narrow trait; hand out `Arc<dyn Trait>` views of it.
#[derive(Debug)]
pub struct SealedStore {
    backend: Arc<dyn KvBackend>,
    sealer: Sealer,
}

const NS_PENDING: &str = "authz";
const NS_CODE: &str = "code";
const NS_TOKEN: &str = "at";
/// `relay` because the first way in keys it by RelayState; kept so that a rolling deploy finds
/// the logins in flight.
const NS_LOGIN: &str = "relay";
const NS_REPLAY: &str = "replay";
const NS_RESULT: &str = "result";
const NS_PUSHED: &str = "par";

impl SealedStore {
    pub fn new(backend: Arc<dyn KvBackend>, sealer: Sealer) -> Self {
        SealedStore { backend, sealer }
    }

    /// Whether the backend answers (readiness).
    pub async fn ping(&self) -> Result<(), Error> {
        self.backend.ping().await
    }

    fn key(ns: &str, handle: &str) -> String {
        format!("{ns}:{}", hash_handle(handle))
    }

    /// The key doubles as associated data, so a sealed value moved under another key (or another
    /// namespace) fails to open instead of being accepted as that entry.
    async fn put_sealed(
        &self,
        ns: &str,
        handle: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), Error> {
        let key = Self::key(ns, handle);
        let sealed = self.sealer.seal(value, key.as_bytes())?;
        self.backend.put(&key, sealed, ttl).await
    }

    async fn open(&self, key: &str, sealed: Option<Vec<u8>>) -> Result<Option<Vec<u8>>, Error> {
        sealed
            .map(|s| self.sealer.open(&s, key.as_bytes()))
            .transpose()
    }

    async fn get_sealed(&self, ns: &str, handle: &str) -> Result<Option<Vec<u8>>, Error> {
        let key = Self::key(ns, handle);
        let sealed = self.backend.get(&key).await?;
        self.open(&key, sealed).await
    }

    async fn take_sealed(&self, ns: &str, handle: &str) -> Result<Option<Vec<u8>>, Error> {
        let key = Self::key(ns, handle);
        let sealed = self.backend.take(&key).await?;
        self.open(&key, sealed).await
    }
}

#[async_trait]
impl PendingAuthorizationStore for SealedStore {
    async fn put_pending(&self, flow_id: &str, value: &[u8], ttl: Duration) -> Result<(), Error> {
        self.put_sealed(NS_PENDING, flow_id, value, ttl).await
    }
    async fn get_pending(&self, flow_id: &str) -> Result<Option<Vec<u8>>, Error> {
        self.get_sealed(NS_PENDING, flow_id).await
    }
    async fn take_pending(&self, flow_id: &str) -> Result<Option<Vec<u8>>, Error> {
        self.take_sealed(NS_PENDING, flow_id).await
    }
}

#[async_trait]
impl AuthCodeStore for SealedStore {
    async fn put_code(&self, code: &str, grant: &[u8], ttl: Duration) -> Result<(), Error> {
        self.put_sealed(NS_CODE, code, grant, ttl).await
    }
    async fn take_code(&self, code: &str) -> Result<Option<Vec<u8>>, Error> {
        self.take_sealed(NS_CODE, code).await
    }
}

#[async_trait]
impl AccessTokenStore for SealedStore {
    async fn put_token(&self, token: &str, grant: &[u8], ttl: Duration) -> Result<(), Error> {
        self.put_sealed(NS_TOKEN, token, grant, ttl).await
    }
    async fn get_token(&self, token: &str) -> Result<Option<Vec<u8>>, Error> {
        self.get_sealed(NS_TOKEN, token).await
    }
}

#[async_trait]
impl PendingLoginStore for SealedStore {
    async fn put_login(&self, handle: &str, value: &[u8], ttl: Duration) -> Result<(), Error> {
        self.put_sealed(NS_LOGIN, handle, value, ttl).await
    }
    async fn take_login(&self, handle: &str) -> Result<Option<Vec<u8>>, Error> {
        self.take_sealed(NS_LOGIN, handle).await
    }
    async fn login_pending(&self, handle: &str) -> Result<bool, Error> {
        Ok(self
            .backend
            .get(&Self::key(NS_LOGIN, handle))
            .await?
            .is_some())
    }
}

#[async_trait]
impl LoginResultStore for SealedStore {
    async fn put_result(&self, handle: &str, value: &[u8], ttl: Duration) -> Result<(), Error> {
        self.put_sealed(NS_RESULT, handle, value, ttl).await
    }
    async fn take_result(&self, handle: &str) -> Result<Option<Vec<u8>>, Error> {
        self.take_sealed(NS_RESULT, handle).await
    }
}

#[async_trait]
impl PushedRequestStore for SealedStore {
    async fn put_pushed(&self, handle: &str, value: &[u8], ttl: Duration) -> Result<(), Error> {
        self.put_sealed(NS_PUSHED, handle, value, ttl).await
    }
    async fn take_pushed(&self, handle: &str) -> Result<Option<Vec<u8>>, Error> {
        self.take_sealed(NS_PUSHED, handle).await
    }
}

#[async_trait]
impl ReplayCache for SealedStore {
    async fn remember_once(&self, id: &str, ttl: Duration) -> Result<bool, Error> {
        self.backend
            .put_if_absent(&Self::key(NS_REPLAY, id), vec![1], ttl)
            .await
    }
}
