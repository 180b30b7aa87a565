//! The simulated foreign eIDAS Proxy-Service: TEST countries only (ISO user-assigned codes such as
//! `XA`, `XB`). Owns its config, the in-memory pending requests and the HTTP routes. Must not be
//! deployed next to a production Connector's trust configuration: it signs whatever it is told.
//!
//! URLs use the **lower-case** country code (`/xa/metadata`, `/xa/sso`); upper case is accepted
//! and answered the same, but the entityID and every published URL are lower case.

mod config;
pub mod connector;
mod fault;
mod handlers;
pub mod i18n;
pub mod identities;
mod idp_metadata;
mod pages;
mod respond;
pub mod service_list;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::routing::{get, post};
use axum::Router;
use eidas_node::identity::LoaLevel;
use eidas_node::saml::keys::SigningKey;
use openssl::x509::X509;

pub use config::{CountryConfig, EncryptionMode, SimConfig};
pub use connector::ConnectorMetadata;
pub use fault::{Fault, UnknownFault};
pub use idp_metadata::build_metadata;
pub use respond::AnswerChoice;

/// One simulated country, ready to sign.
#[derive(Clone, Debug)]
pub struct Country {
    /// Upper-case ISO code (`XA`).
    pub code: String,
    pub name: String,
    pub signing: SigningKey,
    pub encryption: EncryptionMode,
    pub loas: Vec<LoaLevel>,
    pub metadata_validity: time::Duration,
}

/// What the automatic mode answers (set with `POST /control`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AutoControl {
    pub identity: String,
    pub loa: LoaLevel,
    pub fault: Option<Fault>,
    pub deny: bool,
}

impl Default for AutoControl {
    fn default() -> Self {
        AutoControl {
            identity: identities::NATURAL_LATIN.to_owned(),
            loa: LoaLevel::High,
            fault: None,
            deny: false,
        }
    }
}

/// Shared simulator state (cheap to clone).
#[derive(Clone)]
pub struct SimState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub public_url: String,
    pub countries: Vec<Country>,
    pub trusted_connector_certs: Vec<X509>,
    pub allowed_connector_metadata_urls: Option<Vec<String>>,
    pub auto: bool,
    /// Sign the `signed-by-unknown-key` fault: in KeyInfo, never in metadata.
    pub rogue_ec: SigningKey,
    pub rogue_rsa: SigningKey,
    pub http: reqwest::Client,
    pub control: Mutex<AutoControl>,
    pub pending: Mutex<HashMap<String, (Instant, respond::Pending)>>,
    pub connector_cache: Mutex<HashMap<String, (Instant, ConnectorMetadata)>>,
    /// Last response sent per country, for the `replay` fault.
    pub last_response: Mutex<HashMap<String, String>>,
    /// Per country: a rolled-over response signing key, published in metadata next to the
    /// original (which still signs the metadata) and used for responses.
    pub rolled: Mutex<HashMap<String, SigningKey>>,
    /// Publish the requester-id entity category (asking Connectors for `Scoping/RequesterID`).
    pub requester_id_flag: std::sync::atomic::AtomicBool,
    /// Sign the Assertion too, inside the signed Response (as the EU eIDAS-Node does by default).
    pub sign_assertions: std::sync::atomic::AtomicBool,
    /// Per country: the `RequesterID` of the last AuthnRequest (`None` inside: none sent).
    pub last_requester_id: Mutex<HashMap<String, Option<String>>>,
    /// Per country: a next response signing key published ahead in metadata, not used yet.
    pub announced: Mutex<HashMap<String, SigningKey>>,
    /// The signed Metadata Service List at `/mdsl`, when a list operator key is configured.
    pub list: Option<Mutex<service_list::Publisher>>,
}

/// Error building the simulator state.
#[derive(Debug)]
pub struct SimError(pub String);

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SimError {}

impl SimState {
    /// Builds the state from already loaded keys (tests) .
    pub fn new(
        public_url: &str,
        countries: Vec<Country>,
        trusted_connector_certs: Vec<X509>,
        allowed_connector_metadata_urls: Option<Vec<String>>,
        auto: bool,
    ) -> Result<Self, SimError> {
        let rogue_ec =
            respond::rogue_key(false).map_err(|e| SimError(format!("rogue key: {e}")))?;
        let rogue_rsa =
            respond::rogue_key(true).map_err(|e| SimError(format!("rogue key: {e}")))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| SimError(format!("http client: {e}")))?;
        for c in &countries {
            if c.code.len() != 2 || !c.code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(SimError(format!(
                    "country code {:?} is not two upper-case letters",
                    c.code
                )));
            }
        }
        Ok(SimState {
            inner: Arc::new(Inner {
                public_url: public_url.trim_end_matches('/').to_owned(),
                countries,
                trusted_connector_certs,
                allowed_connector_metadata_urls,
                auto,
                rogue_ec,
                rogue_rsa,
                http,
                control: Mutex::new(AutoControl::default()),
                pending: Mutex::new(HashMap::new()),
                connector_cache: Mutex::new(HashMap::new()),
                last_response: Mutex::new(HashMap::new()),
                rolled: Mutex::new(HashMap::new()),
                requester_id_flag: std::sync::atomic::AtomicBool::new(false),
                sign_assertions: std::sync::atomic::AtomicBool::new(false),
                last_requester_id: Mutex::new(HashMap::new()),
                announced: Mutex::new(HashMap::new()),
                list: None,
            }),
        })
    }

    /// Publishes a signed Metadata Service List of every country at `/mdsl`, signed by
    /// `operator` (the test scheme operator). Call before sharing the state.
    pub fn with_list_operator(mut self, operator: SigningKey) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.list = Some(Mutex::new(service_list::Publisher::new(operator)));
        }
        self
    }

    /// `{public_url}/mdsl`.
    pub fn list_url(&self) -> String {
        format!("{}/mdsl", self.inner.public_url)
    }

    /// Publishes a next signing key for `code` in its metadata, without using it yet (a key
    /// announced ahead of a rollover); [`SimState::roll_signing_key`] then switches to it.
    pub fn announce_signing_key(&self, code: &str) -> Result<(), SimError> {
        self.announce_key_valid_for(code, 365)
    }

    /// As [`SimState::announce_signing_key`], with a certificate valid for `days` only (a
    /// certificate about to expire, for expiry warnings).
    pub fn announce_key_valid_for(&self, code: &str, days: u32) -> Result<(), SimError> {
        let country = self
            .country(code)
            .ok_or_else(|| SimError(format!("no country {code}")))?;
        let rsa = !country.signing.algorithm.uri().contains("ecdsa");
        let key = respond::key_valid_for(rsa, days).map_err(|e| SimError(format!("key: {e}")))?;
        self.inner
            .announced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(country.code.clone(), key);
        Ok(())
    }

    /// Changes the published list: `f` edits the publisher; a change of content gets a newer
    /// IssueDate unless `f` says otherwise (returns `false`).
    pub fn edit_list(
        &self,
        f: impl FnOnce(&mut service_list::Publisher) -> bool,
    ) -> Result<(), SimError> {
        let list = self
            .inner
            .list
            .as_ref()
            .ok_or_else(|| SimError("no list operator key configured".into()))?;
        let mut p = list.lock().unwrap_or_else(|e| e.into_inner());
        if f(&mut p) {
            p.touch();
        }
        Ok(())
    }

    /// The list document `/mdsl` serves now, if a list operator is configured.
    pub fn service_list(&self) -> Option<eidas_node::saml::Result<String>> {
        let list = self.inner.list.as_ref()?;
        let entries = self
            .inner
            .countries
            .iter()
            .map(|c| service_list::ListEntry {
                territory: c.code.clone(),
                location: self.metadata_url(&c.code),
                entity_id: self.metadata_url(&c.code),
                cert: c.signing.pair.cert.clone(),
                suspended: false,
            })
            .collect();
        let mut p = list.lock().unwrap_or_else(|e| e.into_inner());
        Some(p.render(entries))
    }

    /// Loads keys and certificates named by the config.
    pub fn from_config(cfg: &SimConfig) -> Result<Self, SimError> {
        let countries = cfg
            .countries
            .iter()
            .map(CountryConfig::load)
            .collect::<Result<Vec<_>, _>>()?;
        let mut trusted = Vec::new();
        for p in &cfg.trusted_connector_certs {
            let pem = std::fs::read(p).map_err(|e| SimError(format!("{}: {e}", p.display())))?;
            let certs = X509::stack_from_pem(&pem)
                .map_err(|e| SimError(format!("{}: {e}", p.display())))?;
            trusted.extend(certs);
        }
        let state = Self::new(
            &cfg.public_url,
            countries,
            trusted,
            cfg.allowed_connector_metadata_urls.clone(),
            cfg.auto,
        )?;
        Ok(match (&cfg.list_operator_key, &cfg.list_operator_cert) {
            (Some(k), Some(c)) => {
                let pair = eidas_node::saml::keys::KeyPair::from_files(k, c)
                    .map_err(|e| SimError(format!("list operator key: {e}")))?;
                state.with_list_operator(
                    SigningKey::new(pair).map_err(|e| SimError(format!("list operator: {e}")))?,
                )
            }
            (None, None) => state,
            _ => {
                return Err(SimError(
                    "list_operator_key and list_operator_cert go together".into(),
                ))
            }
        })
    }

    /// The current automatic-mode answer.
    pub fn control(&self) -> AutoControl {
        self.inner
            .control
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    pub fn set_control(&self, c: AutoControl) {
        if let Ok(mut g) = self.inner.control.lock() {
            *g = c;
        }
    }

    pub(crate) fn country(&self, cc: &str) -> Option<&Country> {
        self.inner
            .countries
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(cc))
    }

    /// Rolls `code`'s response signing key over to a fresh one of the same kind: published in
    /// its metadata from now on (next to the original, which keeps signing the metadata) and
    /// used for every response. A Connector holding the older metadata must re-fetch to accept.
    pub fn roll_signing_key(&self, code: &str) -> Result<(), SimError> {
        let country = self
            .country(code)
            .ok_or_else(|| SimError(format!("no country {code}")))?;
        let announced = self
            .inner
            .announced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&country.code);
        let key = match announced {
            Some(k) => k,
            None => {
                let rsa = !country.signing.algorithm.uri().contains("ecdsa");
                respond::rogue_key(rsa).map_err(|e| SimError(format!("key: {e}")))?
            }
        };
        self.inner
            .rolled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(country.code.clone(), key);
        Ok(())
    }

    /// Publish (or not) the requester-id flag in every country's metadata from now on.
    pub fn set_requester_id_flag(&self, on: bool) {
        self.inner
            .requester_id_flag
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// The `Scoping/RequesterID` of `code`'s last AuthnRequest: `None` before any request,
    /// `Some(None)` when the last one had none.
    pub fn last_requester_id(&self, code: &str) -> Option<Option<String>> {
        self.inner
            .last_requester_id
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&code.to_ascii_uppercase())
            .cloned()
    }

    /// The certificates of `code`'s rolled-over and announced response signing keys.
    pub(crate) fn rolled_cert(&self, code: &str) -> Vec<X509> {
        let get = |m: &Mutex<HashMap<String, SigningKey>>| {
            m.lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(code)
                .map(|k| k.pair.cert.clone())
        };
        get(&self.inner.rolled)
            .into_iter()
            .chain(get(&self.inner.announced))
            .collect()
    }

    /// The key that signs `code`'s responses: the rolled-over one, if any.
    pub(crate) fn response_signer(&self, country: &Country) -> SigningKey {
        self.inner
            .rolled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&country.code)
            .cloned()
            .unwrap_or_else(|| country.signing.clone())
    }

    /// `{public_url}/{cc}/metadata`, the entityID of a country.
    pub fn metadata_url(&self, code: &str) -> String {
        format!(
            "{}/{}/metadata",
            self.inner.public_url,
            code.to_ascii_lowercase()
        )
    }

    /// `{public_url}/{cc}/sso`.
    pub fn sso_url(&self, code: &str) -> String {
        format!(
            "{}/{}/sso",
            self.inner.public_url,
            code.to_ascii_lowercase()
        )
    }
}

/// The simulator's routes.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            crate::html::AUTOSUBMIT_PATH,
            get(crate::html::autosubmit_js),
        )
        .route(crate::html::STYLE_PATH, get(crate::html::testbed_css))
        .route(
            "/control",
            get(handlers::get_control).post(handlers::post_control),
        )
        .route("/", get(handlers::index))
        .route("/mdsl", get(handlers::service_list))
        .route("/{cc}/metadata", get(handlers::metadata))
        .route("/{cc}/sso", post(handlers::sso))
        .route("/{cc}/respond", post(handlers::respond))
        .with_state(state)
}

impl Country {
    /// A country with a fresh RSA-3072 signing key and self-signed certificate (quick starts and
    /// tests without key files). The certificate must be pinned by the Connector to trust it.
    pub fn ephemeral(code: &str, name: &str, encryption: EncryptionMode) -> Result<Self, SimError> {
        let key = respond::rogue_key(true).map_err(|e| SimError(format!("key generation: {e}")))?;
        Ok(Country {
            code: code.to_ascii_uppercase(),
            name: name.to_owned(),
            signing: key,
            encryption,
            loas: LoaLevel::all().to_vec(),
            metadata_validity: time::Duration::hours(24),
        })
    }
}
