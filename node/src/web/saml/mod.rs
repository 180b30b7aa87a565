//! The eIDAS way in (HTTP side of `crate::saml`): [`start`] signs an AuthnRequest for the chosen
//! country and answers the auto-submitting POST form; `acs` validates the Proxy-Service's answer
//! and hands the outcome to `flow::finish`; `metadata` publishes our signed SP metadata.
//!
//! Owns: [`SamlPath`] (our SP identity, the metadata cache, the SAML time settings) and the state
//! kept under the RelayState. Must not: complete or fail the OIDC flow itself (that is `flow`'s
//! job), or validate protocol rules (that is `crate::saml`'s).

use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use time::OffsetDateTime;

use super::WebState;
use crate::saml::sp::ServiceProvider;
use crate::saml::sp_metadata::MetadataInfo;

mod acs;
mod metadata;
mod start;

pub(super) use start::start;

pub const SAML_METADATA_PATH: &str = "/saml/metadata";
pub const SAML_ACS_PATH: &str = "/saml/acs";

/// Time rules for the answers of Proxy-Services.
#[derive(Debug, Clone, Copy)]
pub struct SamlTimes {
    /// Allowed clock difference with Proxy-Services (eidas-requirements §2 time checks).
    pub skew: time::Duration,
    /// How old a response's IssueInstant may be, plus `skew` (§2 steps 3, 7).
    pub max_response_age: time::Duration,
}

/// What the eIDAS way in needs besides the shared state.
pub struct SamlPath {
    /// Our SP identity and keys, read per request ([`SamlPath::sp`]): a key rollover replaces
    /// it whole without a restart.
    sp: crate::keys::KeyRing<ServiceProvider>,
    pub metadata_info: MetadataInfo,
    pub times: SamlTimes,
    metadata_cache: Mutex<Option<(OffsetDateTime, Arc<String>)>>,
}

impl std::fmt::Debug for SamlPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SamlPath")
    }
}

impl SamlPath {
    pub fn new(sp: ServiceProvider, metadata_info: MetadataInfo, times: SamlTimes) -> Self {
        SamlPath {
            sp: crate::keys::KeyRing::new(sp),
            metadata_info,
            times,
            metadata_cache: Mutex::new(None),
        }
    }

    /// Our SP as it is now.
    pub fn sp(&self) -> Arc<ServiceProvider> {
        self.sp.snapshot()
    }

    /// Puts new SP keys in force (rollover); the metadata is re-signed on its next request.
    pub fn replace_sp(&self, sp: ServiceProvider) {
        let (signing, decryption) = sp.key_fingerprints();
        tracing::info!(
            target: "audit",
            event = "keys.replaced",
            saml_signing_sha256 = %signing,
            saml_encryption_sha256 = %decryption.join(","),
            "our SAML keys were replaced"
        );
        self.sp.replace(sp);
        *self
            .metadata_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Our signed metadata, re-signed when a tenth of its validity has passed (so that what we
    /// serve is always valid for at least 90% of `validUntil`).
    fn metadata(&self, now: OffsetDateTime) -> Result<Arc<String>, crate::saml::Error> {
        let mut cache = self
            .metadata_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((at, doc)) = cache.as_ref() {
            if now - *at < self.metadata_info.validity / 10 && now >= *at {
                return Ok(doc.clone());
            }
        }
        let doc = Arc::new(crate::saml::sp_metadata::build(
            &self.sp(),
            &self.metadata_info,
            now,
        )?);
        *cache = Some((now, doc.clone()));
        Ok(doc)
    }
}

/// The eIDAS way in's own endpoints.
pub(super) fn routes() -> Router<Arc<WebState>> {
    Router::new()
        .route(SAML_ACS_PATH, post(acs::consume))
        .route(SAML_METADATA_PATH, get(metadata::publish))
}
