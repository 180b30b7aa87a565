//! Trust in foreign Proxy-Services: fetch each country's metadata, verify it, keep the verified
//! result, refresh it on a schedule, and answer "which countries can serve this request?".
//!
//! Owns: metadata sources (file or HTTPS URL), the verification policy per country (pinned signer
//! or anchor, legacy signatures), the current verified snapshot, and the operator-facing status of
//! every country. Must not: know about OIDC or axum; ever hand out metadata that failed
//! verification or has expired (eidas-requirements §4 "Never use unverified metadata").
//!
//! Module map: `source` (what a configured source is), `fetch` (getting documents and CRLs, the
//! disk cache), this file (the store: load = fetch + verify, schedules, the per-country snapshot,
//! what readers get), `lists` (service lists and aggregates → sources), `version` (content-
//! addressed trust versions and diffs), `workflow` (versions, pointers and policies in the shared
//! store), `active` (candidate → proposal → active version → what is served; operator
//! decisions), `settings`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use time::OffsetDateTime;

use crate::clock::Clock;
use crate::identity::{LoaLevel, PersonType};
use crate::saml::attributes;
use crate::saml::metadata::ProxyService;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("country {code}: {problem}")]
    Config { code: String, problem: String },
    #[error("service list {name}: {problem}")]
    List { name: String, problem: String },
    #[error("metadata entityID {got} is not the {expected} the service list names")]
    EntityMismatch { expected: String, got: String },
    #[error("fetching {location} failed: {problem}")]
    Fetch { location: String, problem: String },
    #[error("metadata verification failed: {0}")]
    Verify(#[from] crate::saml::Error),
    #[error("metadata has no Proxy-Service for country {code}")]
    NoEntity { code: String },
    #[error("Proxy-Service is not usable: {reasons}")]
    Unusable { reasons: String },
    #[error("trust versions: {0}")]
    Versions(#[from] workflow::Error),
    /// An operator's request that cannot be carried out (unknown or ambiguous version, a
    /// version no longer valid, versioning off).
    #[error("{0}")]
    Refused(String),
}

/// The state of one country after its last load.
#[derive(Debug, Clone)]
pub struct CountryState {
    pub source: Source,
    /// The Proxy-Service this instance last verified (the refresh's candidate). Set it with
    /// [`CountryState::set_service`], which keeps `entry` in step.
    pub service: Option<Arc<ProxyService>>,
    /// `service` as a trust-version entry, computed once per load (fingerprints are not free).
    pub entry: Option<Arc<version::CountryTrust>>,
    /// What is handed out: `service` cut down to the active trust version's entry (see
    /// [`version::CountryTrust::restrict`]), or an earlier verified copy that the active
    /// version still allows while a change waits for review. Without versioning, `service`.
    pub served: Option<Arc<ProxyService>>,
    /// Why the last load failed (operator-facing; no personal data in metadata).
    pub problem: Option<String>,
    pub last_attempt: Option<OffsetDateTime>,
    pub last_success: Option<OffsetDateTime>,
    /// Consecutive failed loads (0 after a success): the exponent of this source's backoff.
    pub failures: u32,
    /// When the refresh loop loads this source next (`None`: at once).
    pub next_attempt: Option<OffsetDateTime>,
}

impl CountryState {
    /// Sets what this instance verified, and its trust-version entry.
    pub fn set_service(&mut self, ps: Option<Arc<ProxyService>>) {
        self.entry = ps
            .as_deref()
            .map(|p| Arc::new(version::CountryTrust::from_service(&self.source.label(), p)));
        self.service = ps;
    }

    /// What expires soon, one line each, for `check` and the log (issue 11 item 6):
    /// encryption and signing certificates within `within`, and the metadata copy we hold when its
    /// validUntil comes before `metadata_within` (two refreshes: many nodes re-sign daily, so
    /// only a copy that will lapse before refreshes can replace it is news).
    pub fn expiring(
        &self,
        now: OffsetDateTime,
        within: time::Duration,
        metadata_within: time::Duration,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let Some(ps) = &self.service else {
            return out;
        };
        let horizon = now + within;
        if let Some(v) = ps.valid_until.filter(|v| *v <= now + metadata_within) {
            out.push(format!(
                "country {}: the metadata held expires at {v}, before two refreshes could replace it",
                self.source.code
            ));
        }
        let limit = openssl::asn1::Asn1Time::from_unix(horizon.unix_timestamp()).ok();
        let certs = ps
            .encryption_certs
            .iter()
            .map(|c| ("an encryption", c))
            .chain(ps.signing_certs.iter().map(|c| ("a signing", c)));
        for (kind, c) in certs {
            let soon = limit
                .as_ref()
                .and_then(|l| c.not_after().compare(l).ok())
                .is_some_and(|o| o != std::cmp::Ordering::Greater);
            if soon {
                out.push(format!(
                    "country {}: {kind} certificate expires {} (within {} days)",
                    self.source.code,
                    c.not_after(),
                    within.whole_days()
                ));
            }
        }
        out
    }
}

/// A country the citizen may choose for a request.
#[derive(Debug, Clone)]
pub struct Offer {
    pub code: String,
    pub name: String,
    pub test: bool,
    /// Recent logins through it keep failing (set by the web layer from per-country health).
    pub degraded: bool,
}

/// The verified trust snapshot, refreshed in place; readers never block on a fetch.
pub struct TrustStore {
    countries: RwLock<BTreeMap<String, CountryState>>,
    loaded: std::sync::atomic::AtomicBool,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    /// How far ahead certificate expiries are warned about (`trust.expiry_warning_days`).
    expiry_warning: time::Duration,
    /// How far ahead a held metadata copy's validUntil is warned about (two refreshes).
    metadata_warning: time::Duration,
    /// Per URL: the validators and body of the last 200, for conditional GETs.
    fetched: std::sync::Mutex<BTreeMap<String, Fetched>>,
    /// `trust.cache_dir`: the last verified copy per fetched country, for start-up when the
    /// country's URL cannot be reached.
    cache: Option<MetadataCache>,
    /// Per country: when [`TrustStore::refetch_for_new_key`] last fetched, and the least time
    /// between two such fetches.
    refetched: std::sync::Mutex<BTreeMap<String, OffsetDateTime>>,
    refetch_cooldown: time::Duration,
    /// `trust.refresh_seconds`: the interval after a success, and the backoff's ceiling.
    refresh_every: time::Duration,
    /// `trust.retry_seconds`: the first retry after a failure; doubled per further failure.
    retry_every: time::Duration,
    /// `[[trust.lists]]`: signed service lists, each producing country sources.
    lists: std::sync::Mutex<Vec<lists::ListState>>,
    /// Trust versions and their workflow in the shared store; `None`: every verified change is
    /// served at once (unit tests, tools).
    versioning: Option<active::Versioning>,
    /// CRLs by distribution point URL: DER and when fetched (§4 revocation, anchored sources).
    crls: std::sync::Mutex<BTreeMap<String, CachedCrl>>,
    /// The active trust version as this instance last read it. Lock order: `countries`, then
    /// this.
    active: RwLock<Option<(String, Arc<version::TrustVersion>)>>,
}

/// Clock skew accepted on a service list's IssueDate and NextUpdate.
const LIST_SKEW: time::Duration = time::Duration::minutes(5);

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrustStore")
    }
}

impl TrustStore {
    pub fn new(sources: Vec<Source>, clock: Arc<dyn Clock>) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(USER_AGENT)
            // A redirect could lead to plain HTTP or an internal host; metadata lives at its URL.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Fetch {
                location: "-".into(),
                problem: e.to_string(),
            })?;
        let countries = sources
            .into_iter()
            .map(|s| {
                (
                    s.code.clone(),
                    CountryState {
                        source: s,
                        service: None,
                        entry: None,
                        served: None,
                        problem: Some("not loaded yet".into()),
                        last_attempt: None,
                        last_success: None,
                        failures: 0,
                        next_attempt: None,
                    },
                )
            })
            .collect();
        Ok(TrustStore {
            countries: RwLock::new(countries),
            loaded: false.into(),
            http,
            clock,
            expiry_warning: time::Duration::days(14),
            metadata_warning: time::Duration::hours(2),
            fetched: std::sync::Mutex::new(BTreeMap::new()),
            cache: None,
            refetched: std::sync::Mutex::new(BTreeMap::new()),
            refetch_cooldown: time::Duration::seconds(60),
            refresh_every: time::Duration::hours(1),
            retry_every: time::Duration::seconds(30),
            lists: std::sync::Mutex::new(Vec::new()),
            versioning: None,
            active: RwLock::new(None),
            crls: std::sync::Mutex::new(BTreeMap::new()),
        })
    }

    /// Adds service lists as sources: their countries join at the first refresh.
    pub fn with_lists(self, sources: Vec<lists::ListSource>) -> Self {
        *self.lists.lock().unwrap_or_else(|p| p.into_inner()) = sources
            .into_iter()
            .map(|source| lists::ListState {
                source,
                issue_date: None,
                next_update: None,
                problem: Some("not loaded yet".into()),
                notes: Vec::new(),
                failures: 0,
                next_attempt: None,
                last_success: None,
            })
            .collect();
        self
    }

    /// Every service list's state, for `check` and the logs.
    pub fn list_status(&self) -> Vec<lists::ListState> {
        self.lists.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Loads list `i` and applies it: its in-scope countries join or change, those it no longer
    /// names leave at once (fail closed). A list that fails keeps its countries until the
    /// NextUpdate of the list we hold; then they leave too. The problem, if it failed.
    async fn refresh_list(&self, i: usize) -> Option<(String, String)> {
        let (src, active) = {
            let l = self.lists.lock().unwrap_or_else(|p| p.into_inner());
            let state = l.get(i)?;
            (state.source.clone(), state.issue_date)
        };
        let now = self.clock.now();
        let result = async {
            let text = self.fetch(&src.location).await?;
            let rev = self
                .revocation(&text, &src.trust, src.revocation_required, &src.name, now)
                .await;
            let (trust, policy) = (src.trust.clone(), src.policy);
            if src.kind == settings::ListKind::Aggregate {
                // A signed aggregate: the document signature (its own, over the whole
                // EntitiesDescriptor) and validUntil, as for any metadata (§4).
                let entities = tokio::task::spawn_blocking(move || {
                    crate::saml::metadata::verify_metadata_with(&text, &trust, &policy, now, &rev)
                })
                .await
                .map_err(|_| {
                    crate::saml::Error::Internal("aggregate verification task failed".into())
                })??;
                // The aggregate's own validUntil bounds every entity's: the latest of them is the
                // document's (an entity that expired early does not lapse the whole source).
                let next_update = entities.iter().filter_map(|e| e.valid_until).max();
                let (sources, notes) = src.expand_aggregate(&entities);
                return Ok((sources, notes, None, next_update));
            }
            let list = tokio::task::spawn_blocking(move || {
                crate::saml::mdsl::verify_service_list_with(
                    &text, &trust, &policy, now, LIST_SKEW, &rev,
                )
            })
            .await
            .map_err(|_| crate::saml::Error::Internal("list verification task failed".into()))??;
            // §4: an older IssueDate than the list in force is a replay of an old signed list.
            if let Some(a) = active.filter(|a| list.issue_date < *a) {
                return Err(Error::List {
                    name: src.name.clone(),
                    problem: format!(
                        "IssueDate {} is older than the active list's {a}: a replayed list; refused",
                        list.issue_date
                    ),
                });
            }
            let (sources, notes) = src.expand(&list);
            Ok((sources, notes, Some(list.issue_date), list.next_update))
        }
        .await;
        match result {
            Ok((sources, notes, issue_date, next_update)) => {
                for n in &notes {
                    tracing::warn!(list = %src.name, "{n}");
                }
                // Check and apply under the lists lock, so two loads running at once (the loop
                // and a key-rollover or `check` refresh) can never apply an older list last.
                let mut l = self.lists.lock().unwrap_or_else(|p| p.into_inner());
                let state = l.get_mut(i)?;
                if issue_date.is_some_and(|i| state.issue_date.is_some_and(|a| i < a)) {
                    return None;
                }
                self.apply_list(&src.name, sources);
                if state.problem.is_some() || state.issue_date != issue_date {
                    tracing::info!(list = %src.name, kind = ?src.kind, issue_date = ?issue_date, "service list verified and applied");
                }
                if let Some(n) = next_update.filter(|n| *n <= now + self.metadata_warning) {
                    tracing::warn!(list = %src.name, next_update = %n, "the service list in force lapses before two refreshes could replace it; its countries leave then unless a newer list is published");
                }
                state.issue_date = issue_date;
                state.next_update = next_update;
                state.notes = notes;
                state.problem = None;
                state.last_success = Some(now);
                state.failures = 0;
                state.next_attempt = Some(now + self.refresh_every);
                None
            }
            Err(e) => {
                let revoked = matches!(e, Error::Verify(crate::saml::Error::Revoked(_)));
                let e = match e {
                    Error::Verify(inner) => Error::List {
                        name: src.name.clone(),
                        problem: format!("verification failed: {inner}"),
                    },
                    other => other,
                };
                let lapsed = {
                    let mut l = self.lists.lock().unwrap_or_else(|p| p.into_inner());
                    let state = l.get_mut(i)?;
                    state.problem = Some(e.to_string());
                    state.failures = state.failures.saturating_add(1);
                    state.next_attempt = Some(
                        now + backoff(
                            self.retry_every,
                            self.refresh_every,
                            state.failures,
                            jitter(),
                        ),
                    );
                    // A revoked list signer withdraws its countries at once (§4).
                    revoked || state.next_update.is_some_and(|n| n <= now)
                };
                tracing::warn!(list = %src.name, error = %e, countries_withdrawn = lapsed, "service list could not be loaded; the countries of the list in force are kept until its NextUpdate");
                if lapsed {
                    self.apply_list(&src.name, BTreeMap::new());
                }
                Some((format!("list {}", src.name), e.to_string()))
            }
        }
    }

    /// Makes the countries of list `name` exactly `sources`: a directly configured country is
    /// never replaced by a list's entry, a changed entry is reloaded before it is used again
    /// (the held metadata was verified with what the list said before), and a country the list
    /// no longer names leaves at once. Lock order: `lists` (held by the caller on success), then
    /// `countries`; nothing takes them the other way round.
    fn apply_list(&self, name: &str, sources: BTreeMap<String, Source>) {
        let mut map = self.countries.write().unwrap_or_else(|p| p.into_inner());
        let withdrawn: Vec<String> = map
            .iter()
            .filter(|(code, c)| {
                c.source.list.as_deref() == Some(name) && !sources.contains_key(code.as_str())
            })
            .map(|(code, _)| code.clone())
            .collect();
        for code in withdrawn {
            tracing::warn!(list = %name, country = %code, "country withdrawn by its service list; no longer offered");
            map.remove(&code);
        }
        for (code, source) in sources {
            match map.get_mut(&code) {
                Some(existing) if existing.source.list.as_deref() != Some(name) => {
                    tracing::warn!(list = %name, country = %code, "country already trusted through another source; the list's entry is ignored");
                }
                Some(existing) => {
                    if !lists::same_source(&existing.source, &source) {
                        tracing::info!(list = %name, country = %code, "the service list changed this country's metadata location or certificates; reloading");
                        existing.source = source;
                        existing.set_service(None);
                        existing.served = None;
                        existing.problem = Some("not loaded yet (changed by its list)".into());
                        existing.next_attempt = None;
                    }
                }
                None => {
                    tracing::info!(list = %name, country = %code, "country added by its service list");
                    map.insert(
                        code,
                        CountryState {
                            source,
                            service: None,
                            entry: None,
                            served: None,
                            problem: Some("not loaded yet".into()),
                            last_attempt: None,
                            last_success: None,
                            failures: 0,
                            next_attempt: None,
                        },
                    );
                }
            }
        }
    }

    /// How often the refresh loop reloads a source after a success (`refresh`) and how soon it
    /// first retries one after a failure (`retry`, then doubled per consecutive failure up to
    /// `refresh`, with jitter). Defaults: 3600 s and 30 s.
    pub fn with_schedule(mut self, refresh: Duration, retry: Duration) -> Self {
        let d = |d: Duration| time::Duration::try_from(d).unwrap_or(time::Duration::hours(1));
        self.refresh_every = d(refresh);
        self.retry_every = d(retry);
        self
    }

    /// The least time between two key-rollover re-fetches of one country (default 60 s).
    pub fn with_refetch_cooldown(mut self, cooldown: time::Duration) -> Self {
        self.refetch_cooldown = cooldown;
        self
    }

    /// Keeps the last verified copy of every fetched country in `dir` (`trust.cache_dir`), and
    /// falls back to it at start-up when a country's URL cannot be loaded.
    pub fn with_cache_dir(mut self, dir: PathBuf) -> Self {
        self.cache = Some(MetadataCache::new(dir));
        self
    }

    /// Warn this far ahead of certificate expiries (default 14 days) and of a held metadata
    /// copy's validUntil (default two hours: two default refreshes).
    pub fn with_expiry_warning(
        mut self,
        within: time::Duration,
        metadata_within: time::Duration,
    ) -> Self {
        self.expiry_warning = within;
        self.metadata_warning = metadata_within;
        self
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, CountryState>> {
        self.countries.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Loads every country once. A failure keeps the previous verified metadata while it is still
    /// valid (stale-while-error), and is logged for operators. Returns the problems found.
    pub async fn refresh(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let n = self.lists.lock().unwrap_or_else(|p| p.into_inner()).len();
        for i in 0..n {
            if let Some(p) = self.refresh_list(i).await {
                problems.push(p);
            }
        }
        let sources: Vec<Source> = self.read().values().map(|c| c.source.clone()).collect();
        for source in sources {
            if let Some(p) = self.refresh_one(&source).await {
                problems.push(p);
            }
        }
        self.reconcile().await;
        self.loaded
            .store(true, std::sync::atomic::Ordering::Release);
        problems
    }

    /// Peer key rollover (issue 11 item 2): a response signed by a key the held metadata lacks
    /// may mean the country has rolled its key over since our last refresh. Fetches and verifies
    /// `code`'s metadata again, at most once per `trust.refetch_cooldown_seconds` per country
    /// (a forged response cannot make us hammer the peer), and says whether it now publishes a
    /// signing key it did not before, i.e. whether verifying again can change the verdict.
    pub async fn refetch_for_new_key(&self, code: &str) -> bool {
        let now = self.clock.now();
        {
            let mut last = self.refetched.lock().unwrap_or_else(|p| p.into_inner());
            if last
                .get(code)
                .is_some_and(|t| now - *t < self.refetch_cooldown)
            {
                return false;
            }
            last.insert(code.to_owned(), now);
        }
        let Some(source) = self.source(code) else {
            return false;
        };
        let before = self.service(code);
        tracing::info!(country = %code, "response signed by a key not in the held metadata; fetching the country's metadata again");
        if self.refresh_one(&source).await.is_some() {
            return false;
        }
        self.reconcile().await;
        let (Some(before), Some(after)) = (before, self.service(code)) else {
            return false;
        };
        after
            .signing_keys
            .iter()
            .any(|k| !before.signing_keys.iter().any(|b| b.public_eq(k)))
    }

    /// Loads one source into the snapshot; the problem, if it failed.
    async fn refresh_one(&self, source: &Source) -> Option<(String, String)> {
        let now = self.clock.now();
        let result = self.load(source, now).await;
        let cached = match &result {
            Err(_) if !self.holds_valid(&source.code, now) => self.load_cached(source, now).await,
            _ => None,
        };
        let mut map = self.countries.write().unwrap_or_else(|p| p.into_inner());
        let state = map.get_mut(&source.code)?;
        state.last_attempt = Some(now);
        let problem = self.record_load(state, source, result, cached, now);
        self.gate(state);
        problem
    }

    /// Records the outcome of one load in `state`; the problem, if it failed.
    fn record_load(
        &self,
        state: &mut CountryState,
        source: &Source,
        result: Result<ProxyService, Error>,
        cached: Option<ProxyService>,
        now: OffsetDateTime,
    ) -> Option<(String, String)> {
        match result {
            Ok(ps) => {
                if state.service.is_none() || state.problem.is_some() {
                    tracing::info!(country = %source.code, entity_id = %ps.entity_id, valid_until = ?ps.valid_until, "country metadata verified");
                }
                state.set_service(Some(Arc::new(ps)));
                state.problem = None;
                state.last_success = Some(now);
                state.failures = 0;
                state.next_attempt = Some(now + self.refresh_every);
                for line in state.expiring(now, self.expiry_warning, self.metadata_warning) {
                    tracing::warn!(country = %source.code, "{line}");
                }
                None
            }
            Err(e) => {
                // A revoked signer takes the country away at once: neither the copy held nor
                // the disk copy (verified under the same signer) is served any more (§4).
                let revoked = matches!(e, Error::Verify(crate::saml::Error::Revoked(_)));
                if revoked {
                    state.set_service(None);
                }
                let mut kept =
                    !revoked && state.service.as_ref().is_some_and(|s| still_valid(s, now));
                let from_cache = !revoked && !kept && cached.is_some();
                if !kept && !revoked {
                    state.set_service(cached.map(Arc::new));
                    kept = from_cache;
                }
                state.failures = state.failures.saturating_add(1);
                let wait = backoff(
                    self.retry_every,
                    self.refresh_every,
                    state.failures,
                    jitter(),
                );
                state.next_attempt = Some(now + wait);
                tracing::warn!(country = %source.code, location = %source.location, error = %e, kept_previous = kept, from_cache, failures = state.failures, retry_in_seconds = wait.whole_seconds(), "country metadata could not be loaded; country not offered unless previous metadata is still valid");
                state.problem = Some(if from_cache {
                    format!("{e}; serving the verified cached copy")
                } else {
                    e.to_string()
                });
                Some((source.code.clone(), e.to_string()))
            }
        }
    }

    async fn load(&self, source: &Source, now: OffsetDateTime) -> Result<ProxyService, Error> {
        let text = self.fetch(&source.location).await?;
        let (ps, text) = self.verify_checked(source, text, now).await?;
        if let (Some(cache), Location::Url(_)) = (&self.cache, &source.location) {
            cache.store(&source.code, &text);
        }
        Ok(ps)
    }

    /// [`TrustStore::verify`] with the CRLs the document's signer path names (§4 revocation):
    /// the one way a downloaded or cached document is checked.
    async fn verify_checked(
        &self,
        source: &Source,
        text: String,
        now: OffsetDateTime,
    ) -> Result<(ProxyService, String), Error> {
        let rev = self
            .revocation(
                &text,
                &source.trust,
                source.revocation_required,
                &source.code,
                now,
            )
            .await;
        Self::verify(source, text, now, rev).await
    }

    /// Whether `code` holds metadata that is still valid (stale-while-error keeps it).
    fn holds_valid(&self, code: &str, now: OffsetDateTime) -> bool {
        self.read()
            .get(code)
            .and_then(|c| c.service.as_ref())
            .is_some_and(|s| still_valid(s, now))
    }

    /// The cached copy of a fetched country, verified again exactly as a download (signature,
    /// validUntil, usability): eidas-requirements §4 "Never use unverified metadata" holds for
    /// what we wrote ourselves too, as the disk is not a trust anchor.
    async fn load_cached(&self, source: &Source, now: OffsetDateTime) -> Option<ProxyService> {
        let cache = self.cache.as_ref()?;
        if !matches!(source.location, Location::Url(_)) {
            return None;
        }
        let text = cache.take(&source.code)?;
        match self.verify_checked(source, text, now).await {
            Ok((ps, _)) => {
                tracing::warn!(country = %source.code, entity_id = %ps.entity_id, valid_until = ?ps.valid_until, "serving the verified cached metadata copy until the country's URL answers");
                Some(ps)
            }
            Err(e) => {
                tracing::warn!(country = %source.code, error = %e, "the metadata cache copy is not usable");
                None
            }
        }
    }

    /// Verifies `text` as `source`'s metadata and picks its Proxy-Service; gives the text back.
    async fn verify(
        source: &Source,
        text: String,
        now: OffsetDateTime,
        rev: crate::saml::metadata::Revocation,
    ) -> Result<(ProxyService, String), Error> {
        // Parsing and verifying an aggregate of up to 16 MiB is CPU work: off the async workers.
        let (trust, policy) = (source.trust.clone(), source.policy);
        let (entities, text) = tokio::task::spawn_blocking(move || {
            (
                crate::saml::metadata::verify_metadata_with(&text, &trust, &policy, now, &rev),
                text,
            )
        })
        .await
        .map_err(|_| crate::saml::Error::Internal("metadata verification task failed".into()))?;
        let mut ours: Vec<ProxyService> = entities?
            .into_iter()
            .filter(|e| e.country.as_deref() == Some(source.code.as_str()))
            .collect();
        // In an aggregate several entities may share a NodeCountry: the one a list names.
        let pick = source
            .expected_entity_id
            .as_ref()
            .and_then(|x| ours.iter().position(|e| &e.entity_id == x))
            .unwrap_or(0);
        if pick >= ours.len() {
            return Err(Error::NoEntity {
                code: source.code.clone(),
            });
        }
        let ps = ours.swap_remove(pick);
        // §4 connector algorithm: the metadata is the entity the service list names.
        if let Some(expected) = &source.expected_entity_id {
            if &ps.entity_id != expected {
                return Err(Error::EntityMismatch {
                    expected: expected.clone(),
                    got: ps.entity_id.clone(),
                });
            }
        }
        let mut ps = ps;
        for a in &mut ps.supported_attributes {
            if let Some((_, to)) = source.attribute_aliases.iter().find(|(f, _)| f == a) {
                a.clone_from(to);
            }
        }
        let reasons = ps.unusable_reasons();
        if !reasons.is_empty() {
            return Err(Error::Unusable {
                reasons: reasons.join("; "),
            });
        }
        Ok((ps, text))
    }

    /// Loads the sources that are due (all, the first time) and says how long until the next
    /// one is: each source keeps its own schedule, so one failing country neither delays nor
    /// hurries the others, and a country that keeps failing is retried ever less often.
    pub async fn refresh_due(&self) -> Duration {
        let now = self.clock.now();
        let due_lists: Vec<usize> = self
            .lists
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .enumerate()
            .filter(|(_, l)| l.next_attempt.is_none_or(|t| t <= now))
            .map(|(i, _)| i)
            .collect();
        for i in due_lists {
            self.refresh_list(i).await;
        }
        let due: Vec<Source> = self
            .read()
            .values()
            .filter(|c| c.next_attempt.is_none_or(|t| t <= now))
            .map(|c| c.source.clone())
            .collect();
        for source in &due {
            self.refresh_one(source).await;
        }
        self.reconcile().await;
        self.loaded
            .store(true, std::sync::atomic::Ordering::Release);
        let now = self.clock.now();
        let list_next = self
            .lists
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter_map(|l| l.next_attempt)
            .min();
        let next = self
            .read()
            .values()
            .filter_map(|c| c.next_attempt)
            .chain(list_next)
            .min()
            .map_or(self.refresh_every, |t| t - now);
        let ceiling = self
            .versioning
            .as_ref()
            .map_or(self.refresh_every, |v| v.sync_every.min(self.refresh_every));
        Duration::try_from(next.clamp(time::Duration::SECOND, ceiling))
            .unwrap_or(Duration::from_secs(1))
    }

    /// Runs [`TrustStore::refresh_due`] forever. Cancel by dropping the task.
    pub async fn refresh_loop(self: Arc<Self>) {
        loop {
            let wait = self.refresh_due().await;
            tokio::time::sleep(wait).await;
        }
    }

    /// Whether the first load has completed and at least one country is usable (readiness).
    pub fn ready(&self) -> bool {
        let now = self.clock.now();
        self.loaded.load(std::sync::atomic::Ordering::Acquire)
            && self
                .read()
                .values()
                .any(|c| c.served.as_ref().is_some_and(|s| still_valid(s, now)))
    }

    /// The verified, unexpired Proxy-Service for `code`, if any.
    pub fn service(&self, code: &str) -> Option<Arc<ProxyService>> {
        let now = self.clock.now();
        self.read()
            .get(code)
            .and_then(|c| c.served.clone())
            .filter(|s| still_valid(s, now))
    }

    pub fn source(&self, code: &str) -> Option<Source> {
        self.read().get(code).map(|c| c.source.clone())
    }

    /// Countries that can meet a request (eidas-requirements §5 "Country selection"): allowed for
    /// the client, verified and unexpired, publishing a LoA at least `min_loa`, and supporting
    /// the mandatory attributes of `person_type`.
    pub fn offers(
        &self,
        allowed: impl Fn(&str) -> bool,
        min_loa: LoaLevel,
        person_type: PersonType,
        locale: &str,
    ) -> Vec<Offer> {
        let now = self.clock.now();
        let mut offers: Vec<Offer> = self
            .read()
            .values()
            .filter(|c| allowed(&c.source.code))
            .filter(|c| {
                let loa = c.source.effective_loa(min_loa);
                c.served
                    .as_ref()
                    .is_some_and(|s| still_valid(s, now) && can_serve(s, loa, person_type))
            })
            .map(|c| Offer {
                degraded: false,
                code: c.source.code.clone(),
                name: c.source.name(locale),
                test: c.source.test,
            })
            .collect();
        // By name as a reader of the page's language expects (accents, Ö after Z in Swedish).
        crate::country_names::sort_by_name(locale, &mut offers, |o| &o.name);
        offers
    }

    /// Every country's state, for `check` and the logs.
    pub fn status(&self) -> Vec<CountryState> {
        self.read().values().cloned().collect()
    }

    /// Countries and lists as operators see them (`GET /admin/trust/status`, `eidas-node trust
    /// status`): metadata facts, schedules and problems; no personal data exists here.
    pub fn status_json(&self) -> serde_json::Value {
        let ts = |t: Option<OffsetDateTime>| {
            t.and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
        };
        let now = self.clock.now();
        let countries: Vec<serde_json::Value> = self
            .status()
            .iter()
            .map(|c| {
                let usable = c.served.as_ref().is_some_and(|s| still_valid(s, now));
                serde_json::json!({
                    "code": c.source.code,
                    "usable": usable,
                    "entity_id": c.served.as_ref().or(c.service.as_ref()).map(|s| s.entity_id.clone()),
                    "valid_until": ts(c.served.as_ref().or(c.service.as_ref()).and_then(|s| s.valid_until)),
                    // The earliest expiry (Unix seconds) of the country's certificates per use,
                    // for the metrics' seconds-to-expiry.
                    "certificates_not_after": c.served.as_ref().or(c.service.as_ref()).map(|s| serde_json::json!({
                        "signing": earliest_not_after(&s.signing_certs),
                        "encryption": earliest_not_after(&s.encryption_certs),
                    })),
                    "problem": c.problem,
                    "held_back": self.held_back(c),
                    "warnings": c.expiring(now, self.expiry_warning, self.metadata_warning),
                    "activation": c.source.activation,
                    "source": c.source.list.as_ref().map_or_else(
                        || "config".to_owned(),
                        |l| format!("list {l}"),
                    ),
                    "location": c.source.location.to_string(),
                    "test": c.source.test,
                    "last_success": ts(c.last_success),
                    "failures": c.failures,
                    "next_attempt": ts(c.next_attempt),
                })
            })
            .collect();
        let lists: Vec<serde_json::Value> = self
            .list_status()
            .iter()
            .map(|l| {
                let warnings: Vec<String> = l
                    .next_update
                    .filter(|n| *n <= now + self.metadata_warning)
                    .map(|n| format!("the list in force lapses at {n}, before two refreshes could replace it"))
                    .into_iter()
                    .collect();
                serde_json::json!({
                    "name": l.source.name,
                    "kind": l.source.kind,
                    "warnings": warnings,
                    "location": l.source.location.to_string(),
                    "territories": l.source.territories,
                    "issue_date": ts(l.issue_date),
                    "next_update": ts(l.next_update),
                    "problem": l.problem,
                    "notes": l.notes,
                    "failures": l.failures,
                    "next_attempt": ts(l.next_attempt),
                })
            })
            .collect();
        let (active, staged) = self.version_ids();
        serde_json::json!({
            "ready": self.ready(),
            "active_version": active,
            "staged_version": staged,
            "hold": self.hold(),
            "countries": countries,
            "lists": lists,
        })
    }
}

/// The wait before retry number `failures` (≥ 1) of a failing source: `retry` doubled per
/// further failure, at most `ceiling`, of which a random half (`unit` in [0, 1)) is jitter, so
/// many nodes restarted together do not retry a peer in step. Never under one second.
fn backoff(
    retry: time::Duration,
    ceiling: time::Duration,
    failures: u32,
    unit: f64,
) -> time::Duration {
    let doubled = retry.saturating_mul(1 << failures.saturating_sub(1).min(20));
    let base = doubled.min(ceiling).max(time::Duration::SECOND);
    let half = base / 2;
    let extra: time::Duration = half * unit.clamp(0.0, 1.0);
    let total: time::Duration = half + extra;
    total.max(time::Duration::SECOND)
}

/// A uniform draw in [0, 1) for [`backoff`] (no cryptographic need; the CSPRNG is at hand).
fn jitter() -> f64 {
    let mut b = [0u8; 2];
    if openssl::rand::rand_bytes(&mut b).is_err() {
        return 0.5;
    }
    f64::from(u16::from_le_bytes(b)) / 65_536.0
}

/// Verified metadata always has a validUntil (the document's bounds every entity's); none means
/// not usable.
fn still_valid(ps: &ProxyService, now: OffsetDateTime) -> bool {
    ps.valid_until.is_some_and(|v| v > now)
}

/// Whether a Proxy-Service can answer: its highest published LoA reaches the minimum (LoAs are
/// hierarchical, §1.2), and it supports every mandatory attribute of the person type (§1.1).
pub fn can_serve(ps: &ProxyService, min_loa: LoaLevel, person_type: PersonType) -> bool {
    let loa_ok = ps.highest_loa().is_some_and(|l| l >= min_loa);
    let attrs_ok = attributes::mandatory(person_type)
        .iter()
        .all(|(a, _)| ps.supported_attributes.iter().any(|s| s == a));
    loa_ok && attrs_ok
}

mod active;
mod fetch;
mod source;
pub use active::Decision;
pub use fetch::USER_AGENT;
pub(crate) use fetch::{fetch_error, read_capped, write_atomically};
use fetch::{CachedCrl, Fetched, MetadataCache};
pub use source::{is_loopback, Location, Source};
pub(crate) use source::{load_trust, parse_location};
pub(crate) use version::subject_text;
pub mod lists;
pub mod settings;
pub mod version;
pub mod workflow;

/// The earliest `notAfter` of `certs`, as Unix seconds.
fn earliest_not_after(certs: &[openssl::x509::X509]) -> Option<i64> {
    certs
        .iter()
        .filter_map(|c| crate::keys::cert_not_after(c))
        .map(time::OffsetDateTime::unix_timestamp)
        .min()
}

#[cfg(test)]
mod tests;
