//! `[trust]`: the countries we trust, where their metadata is and how it is verified.

use std::path::PathBuf;

use serde::Deserialize;

use super::workflow::Policy;
use crate::identity::{CountryCode, LoaLevel};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustSettings {
    /// How often every country's metadata is fetched and verified again.
    #[serde(default = "default_refresh")]
    pub refresh_seconds: u64,
    /// After a failed load, how soon to retry.
    #[serde(default = "default_retry")]
    pub retry_seconds: u64,
    /// Warn (in `check` and the log) this many days before a country's metadata `validUntil` or
    /// one of its encryption certificates expires.
    #[serde(default = "default_warn_days")]
    pub expiry_warning_days: u64,
    /// Where the last verified copy of each country's fetched metadata is kept. At start-up, a
    /// country whose URL cannot be fetched is served from this copy, verified again (signature
    /// and validUntil) exactly as a fresh download; unset, nothing is written.
    #[serde(default)]
    pub cache_dir: Option<PathBuf>,
    /// A response signed by a key the held metadata lacks makes us fetch that country's metadata
    /// again (its key may have rolled over), at most once per this many seconds per country.
    #[serde(default = "default_refetch")]
    pub refetch_cooldown_seconds: u64,
    #[serde(default)]
    pub countries: Vec<CountrySettings>,
    /// Signed Metadata Service Lists (eidas-requirements §4), each vouching for the countries
    /// in its `territories` only.
    #[serde(default)]
    pub lists: Vec<ListSettings>,
    /// How often every instance reads the active trust version from the state store (seconds):
    /// an approval or rollback reaches every instance within this time.
    #[serde(default = "default_sync")]
    pub sync_seconds: u64,
    /// How many trust versions the history keeps for rollback.
    #[serde(default = "default_keep")]
    pub keep_versions: usize,
}

/// What an anchored source does when a certificate of its signer's chain names a CRL that
/// cannot be obtained (fetched, signed by the issuer, current). A revoked certificate is refused
/// either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationMode {
    /// Refuse the document (default).
    #[default]
    FailClosed,
    /// Accept it, with a warning in the log.
    FailOpen,
}

/// What a `[[trust.lists]]` source publishes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// An eIDAS Metadata Service List (`ser:MetadataServiceList`): per territory, where the
    /// Proxy-Service metadata is and which certificate signs it.
    #[default]
    ServiceList,
    /// A signed SAML aggregate (`md:EntitiesDescriptor`) holding the Proxy-Services' metadata
    /// itself, as Sweden distributes the EU nodes' metadata; verified with the list's signer.
    Aggregate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSettings {
    /// `service_list` (default) or `aggregate`.
    #[serde(default)]
    pub kind: ListKind,
    /// A label for logs and `check` (e.g. the publishing state).
    pub name: String,
    /// The list: an `https://` URL (`http://` only for loopback hosts) or a file path.
    pub location: String,
    /// Pinned list-signing certificates (PEM).
    #[serde(default)]
    pub signer_cert_paths: Vec<PathBuf>,
    /// Trust anchors (PEM) the list signer must chain to.
    #[serde(default)]
    pub anchor_cert_paths: Vec<PathBuf>,
    /// The countries this list may vouch for; an entry for any other territory is refused.
    pub territories: Vec<CountryCode>,
    /// Accept RSA PKCS#1 v1.5 signatures on the list and on the metadata it points to.
    #[serde(default)]
    pub legacy_signatures: bool,
    /// Its countries are test countries (marked on the country page).
    #[serde(default)]
    pub test: bool,
    /// How changes from this list go live: `auto` at once, `review` after an operator approves
    /// them (`eidas-node trust approve`). Removals never wait.
    #[serde(default)]
    pub activation: Policy,
    /// With `anchor_cert_paths`: when a CRL named in the signer's chain cannot be obtained.
    #[serde(default)]
    pub revocation: RevocationMode,
    /// Display names of the list's countries by language: `{ XA = { en = "Testland A" } }`;
    /// the code is shown when absent.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

fn default_refresh() -> u64 {
    3600
}
fn default_warn_days() -> u64 {
    14
}
fn default_refetch() -> u64 {
    60
}
fn default_retry() -> u64 {
    30
}
fn default_sync() -> u64 {
    5
}
fn default_keep() -> usize {
    20
}

impl Default for TrustSettings {
    fn default() -> Self {
        TrustSettings {
            refresh_seconds: default_refresh(),
            retry_seconds: default_retry(),
            expiry_warning_days: default_warn_days(),
            cache_dir: None,
            refetch_cooldown_seconds: default_refetch(),
            countries: Vec::new(),
            lists: Vec::new(),
            sync_seconds: default_sync(),
            keep_versions: default_keep(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountrySettings {
    /// ISO 3166-1 alpha-2, as the Proxy-Service's NodeCountry.
    pub code: CountryCode,
    /// Display names by language (`en`, `sv`, …); the code is shown when absent.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,
    /// The Proxy-Service metadata: an `https://` URL (its entityID), or a file path. `http://` is
    /// accepted only for loopback hosts (demo, tests).
    pub metadata: String,
    /// Pinned metadata-signing certificates (PEM).
    #[serde(default)]
    pub signer_cert_paths: Vec<PathBuf>,
    /// Trust anchors (PEM): the metadata signer must chain to one (RFC 5280 path validation).
    #[serde(default)]
    pub anchor_cert_paths: Vec<PathBuf>,
    /// Accept RSA PKCS#1 v1.5 signatures from this peer (nodes below protocol 1.4).
    #[serde(default)]
    pub legacy_signatures: bool,
    /// A test country (simulated): shown with a "test" mark on the country page.
    #[serde(default)]
    pub test: bool,
    /// A floor for this country: requests to it ask for at least this LoA, whatever the client
    /// asked (and the country is offered only if it publishes it).
    pub min_loa: Option<LoaLevel>,
    /// Interop profile: this country's clock skew allowance (seconds, at most 600), replacing
    /// `saml.clock_skew_seconds` for its responses: for a Proxy-Service known to drift.
    pub clock_skew_seconds: Option<u64>,
    /// Interop profile: never send `Scoping/RequesterID` to this country, even when its
    /// metadata asks for it (some nodes fail on Scoping; eidas-requirements §1).
    #[serde(default)]
    pub omit_scoping: bool,
    /// How changes to this country's metadata go live: `auto` at once, `review` after an
    /// operator approves them. Removals never wait.
    #[serde(default)]
    pub activation: Policy,
    /// With `anchor_cert_paths`: when a CRL named in the signer's chain cannot be obtained.
    #[serde(default)]
    pub revocation: RevocationMode,
    /// Interop profile: a peer's variant attribute Names, each read as the eIDAS Name given
    /// (`{ "urn:oid:2.5.4.42" = "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName" }`).
    #[serde(default)]
    pub attribute_names: std::collections::BTreeMap<String, String>,
}
