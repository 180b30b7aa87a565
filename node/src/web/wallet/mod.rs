//! The EU Digital Identity Wallet way in (HTTP side of `crate::wallet`, issue 15): [`start`]
//! parks the request (its nonce and fresh encryption key) and sends the browser to the wallet
//! page (`GET /wallet/wait`), which offers a link for a wallet on this device and a QR code for
//! one on another. The wallet fetches the signed request object once (`GET /wallet/request/{id}`,
//! or `…/{id}/cross` from the QR code) and answers at `POST /wallet/response`
//! (`direct_post.jwt`), where the presentation is verified and the outcome parked by
//! `flow::park`. Same device (HAIP 1.0 §5.1): the wallet sends the browser to `/resume` with that
//! handle, which only the browser that started the login can use (the response code bound to
//! the session). Cross device: the waiting page (`GET /wallet/poll`, same binding) collects the
//! handle and continues.
//!
//! Owns: [`WalletPath`] (our access certificate and key, the PID providers in force
//! ([`providers`]: configured and from signed lists), the status list cache). Must not:
//! complete or fail the OIDC flow itself, or verify protocol rules (that is `crate::wallet`'s).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use openssl::x509::X509;
use time::OffsetDateTime;

use super::WebState;
use crate::keys::PrivateKey;
use crate::wallet::sdjwt::StatusRef;
use crate::wallet::status::{self, Status, StatusList};

pub mod providers;
mod request;
mod response;
pub mod review;
mod start;
mod wait;

pub use providers::{ListSource, Provider, Providers};
pub(super) use start::start;

pub const WALLET_REQUEST_PATH: &str = "/wallet/request";
pub const WALLET_RESPONSE_PATH: &str = "/wallet/response";
pub const WALLET_WAIT_PATH: &str = "/wallet/wait";
pub const WALLET_POLL_PATH: &str = "/wallet/poll";

/// Where a wallet request's record lives in the store: a namespace of its own, so no other
/// record (a SAML RelayState, a parked outcome) is ever taken as a wallet request, and no wallet
/// endpoint ever consumes another way's record.
fn record_key(request: &str) -> String {
    format!("wallet.{request}")
}

/// Where a cross-device answer's resume handle waits for the polling browser.
fn done_key(request: &str) -> String {
    format!("wallet.{request}.done")
}

/// Puts a taken request back for its remaining time only (something that was not its answer,
/// or a repeated fetch, must neither end it nor prolong it).
async fn put_back(s: &WebState, id: &str, pending: &start::PendingWallet) -> bool {
    use crate::store::PendingLoginStore;
    let now_ms = i64::try_from(s.clock.now().unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    let left = pending
        .expires_at_ms
        .map(|e| e - now_ms)
        .and_then(|ms| u64::try_from(ms).ok())
        .map(std::time::Duration::from_millis)
        .filter(|d| !d.is_zero());
    match (left, serde_json::to_vec(pending)) {
        (Some(left), Ok(bytes)) => s
            .store
            .put_login(&record_key(id), &bytes, left)
            .await
            .is_ok(),
        _ => false,
    }
}

/// A request id as we make them (base64url of 32 random bytes), before any store lookup.
fn well_formed(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What the wallet way in needs besides the shared state.
pub struct WalletPath {
    /// Our relying-party access certificate's key, and its chain (leaf first).
    pub key: Arc<dyn PrivateKey>,
    pub chain: Vec<X509>,
    /// `x509_hash:…` of the leaf.
    pub client_id: String,
    /// The PID providers we trust: configured, and from signed lists.
    pub providers: Providers,
    pub scheme: String,
    pub kb_max_age: time::Duration,
    pub statuses: StatusLists,
}

impl std::fmt::Debug for WalletPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WalletPath")
    }
}

/// Token Status Lists fetched and cached by uri: kept until their `ttl` (5 minutes without one,
/// one day at most), and, when a list cannot be fetched again, still used for `grace` after it
/// was fetched; beyond that the credential is refused (fail closed).
pub struct StatusLists {
    http: reqwest::Client,
    grace: time::Duration,
    cache: Mutex<HashMap<String, Cached>>,
}

struct Cached {
    list: Arc<StatusList>,
    fetched: OffsetDateTime,
    fresh_until: OffsetDateTime,
}

impl StatusLists {
    pub fn new(grace: time::Duration) -> Result<Self, reqwest::Error> {
        Ok(StatusLists {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(5))
                // The uri is the one the issuer signed: no detour to somewhere else.
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            grace,
            cache: Mutex::new(HashMap::new()),
        })
    }

    fn cached(&self, uri: &str) -> Option<(Arc<StatusList>, OffsetDateTime, OffsetDateTime)> {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(uri)
            .map(|c| (c.list.clone(), c.fetched, c.fresh_until))
    }

    /// The cache key: a list is trusted for the provider whose anchors verified it only.
    fn key(provider: &Provider, uri: &str) -> String {
        format!(
            "{}|{}|{uri}",
            provider.country,
            provider.id.as_deref().unwrap_or("")
        )
    }

    async fn fetch(
        &self,
        key: &str,
        uri: &str,
        anchors: &[X509],
        now: OffsetDateTime,
    ) -> Result<Arc<StatusList>, crate::wallet::Error> {
        let unreachable = |_| crate::wallet::Error::StatusListInvalid("unreachable");
        let body = self
            .http
            .get(uri)
            .header("accept", "application/statuslist+jwt")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(unreachable)?
            .text()
            .await
            .map_err(unreachable)?;
        let list = Arc::new(status::verify_token(body.trim(), uri, anchors, now)?);
        let ttl = list.ttl.unwrap_or(300).clamp(10, 86_400);
        let mut fresh_until = now + time::Duration::seconds(ttl);
        if let Some(exp) = list
            .exp
            .and_then(|e| OffsetDateTime::from_unix_timestamp(e).ok())
        {
            fresh_until = fresh_until.min(exp);
        }
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(
            key.to_owned(),
            Cached {
                list: list.clone(),
                fetched: now,
                fresh_until,
            },
        );
        Ok(list)
    }

    /// The credential's status: valid, or an error (revoked, suspended, or no list to tell).
    pub async fn check(
        &self,
        r: &StatusRef,
        provider: &Provider,
        now: OffsetDateTime,
    ) -> Result<(), crate::wallet::Error> {
        let key = Self::key(provider, &r.uri);
        let list = match self.cached(&key) {
            Some((list, _, fresh_until)) if now < fresh_until => list,
            cached => match self
                .fetch(&key, &r.uri, &provider.status_signers, now)
                .await
            {
                Ok(list) => list,
                // Unreachable: the last list, within the grace period and never past its `exp`
                // (Token Status List §8.3).
                Err(e) => match cached {
                    Some((list, fetched, _))
                        if fetched
                            .checked_add(self.grace)
                            .is_some_and(|until| now < until)
                            && list.exp.is_none_or(|exp| now.unix_timestamp() < exp) =>
                    {
                        tracing::warn!(uri = %r.uri, error = %e, "status list not refreshed; using the cached one within the grace period");
                        list
                    }
                    _ => return Err(e),
                },
            },
        };
        match list.status(r.idx)? {
            Status::Valid => Ok(()),
            _ => Err(crate::wallet::Error::Revoked),
        }
    }
}

/// The wallet way in's own endpoints.
pub(super) fn routes() -> Router<Arc<WebState>> {
    Router::new()
        .route(
            &format!("{WALLET_REQUEST_PATH}/{{id}}"),
            get(request::same_device),
        )
        .route(
            &format!("{WALLET_REQUEST_PATH}/{{id}}/cross"),
            get(request::cross_device),
        )
        .route(WALLET_WAIT_PATH, get(wait::page))
        .route(WALLET_POLL_PATH, get(wait::poll))
        .route(WALLET_RESPONSE_PATH, post(response::respond))
}
