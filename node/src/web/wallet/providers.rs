//! PID-provider trust, a trust source like the countries' (issue 15 item 2): the providers
//! configured with their anchors (`[[wallet.providers]]`), and those named by signed
//! PID-provider lists (`[[wallet.lists]]`: ETSI TS 119 602, the form of the EU PID Providers
//! list), each fetched and verified (`crate::wallet::lote`) on its own schedule, kept while the
//! source is unreachable until the list's own `NextUpdate`, never replaced by an older list
//! (`LoTESequenceNumber`), and cached on disk (`trust.cache_dir`) for a restart while the list's
//! host is down. Every instance fetches and verifies for itself; nothing here is shared through
//! the store.
//!
//! Which provider vouches for a country: a configured entry first; else the first list (in
//! configuration order) that names providers of it.
//!
//! Must not: verify presentations (that is `crate::wallet`), or trust a list it did not verify.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use openssl::x509::X509;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::review::{self, Approval, Staged};
use crate::store::RecordStore;
use crate::trust::Location;
use crate::wallet::lote::{self, ProviderList, SignerTrust};

/// A PID provider: its issuing country, its `id` (in persistent subjects), its anchors.
#[derive(Debug)]
pub struct Provider {
    pub country: String,
    pub id: Option<String>,
    /// Anchors for its PIDs.
    pub anchors: Vec<X509>,
    /// Anchors for its status lists: its PID anchors and, from a list, its revocation
    /// services' certificates.
    pub status_signers: Vec<X509>,
    /// `config` or `list NAME`.
    pub source: String,
}

/// The providers in force, and what the DCQL query names of them.
#[derive(Debug)]
pub struct ProviderSet {
    pub all: Vec<Arc<Provider>>,
    /// The providers' anchors' key identifiers, for the DCQL `trusted_authorities`.
    pub authority_key_ids: Vec<String>,
    /// When a list this set uses reaches its `NextUpdate`: the set is rebuilt then.
    valid_until: Option<OffsetDateTime>,
}

/// A list's figures for metrics.
#[derive(Debug, Clone)]
pub struct ListHealth {
    pub name: String,
    /// Verified and before its `NextUpdate`.
    pub usable: bool,
    /// Seconds until its `NextUpdate`.
    pub next_update_in: Option<i64>,
    /// Under review, with a change waiting for approval.
    pub staged: bool,
}

/// A configured PID-provider list.
#[derive(Debug)]
pub struct ListSource {
    pub name: String,
    pub location: Location,
    pub signer: SignerTrust,
    pub territories: Vec<String>,
    pub refresh: Duration,
    /// `activation = "review"`: what a new list adds waits for an operator ([`review`]).
    pub review: bool,
    state: Mutex<ListState>,
}

#[derive(Debug, Default, Clone)]
struct ListState {
    verified: Option<Arc<ProviderList>>,
    /// The (sequence, issue time) of the newest list verified: a list below it is a replay.
    /// Kept when the list itself lapses, and carried over a reload with the list's name and
    /// location.
    floor: Option<(u64, OffsetDateTime)>,
    /// The last attempt's problem; `None` after a success.
    problem: Option<String>,
    last_success: Option<OffsetDateTime>,
    next_attempt: Option<OffsetDateTime>,
    failures: u32,
    cache_consulted: bool,
    /// Under review: the approval and the change waiting, as the store last had them.
    approval: Option<Approval>,
    staged: Option<Staged>,
}

impl ListSource {
    pub fn new(
        name: String,
        location: Location,
        signer: SignerTrust,
        territories: Vec<String>,
        refresh: Duration,
        review: bool,
    ) -> Self {
        ListSource {
            name,
            location,
            signer,
            territories,
            refresh,
            review,
            state: Mutex::new(ListState::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ListState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The same source as `other`: name, location, signer and territories alike.
    fn same_as(&self, other: &ListSource) -> bool {
        let ders = |s: &SignerTrust| -> Vec<Vec<u8>> {
            let (SignerTrust::Pinned(c) | SignerTrust::Anchored(c)) = s;
            c.iter().filter_map(|c| c.to_der().ok()).collect()
        };
        self.name == other.name
            && self.location.to_string() == other.location.to_string()
            && matches!(
                (&self.signer, &other.signer),
                (SignerTrust::Pinned(_), SignerTrust::Pinned(_))
                    | (SignerTrust::Anchored(_), SignerTrust::Anchored(_))
            )
            && ders(&self.signer) == ders(&other.signer)
            && self.territories == other.territories
    }

    /// The verified list, while it is in date.
    fn in_force(&self, now: OffsetDateTime) -> Option<Arc<ProviderList>> {
        self.state()
            .verified
            .clone()
            .filter(|l| now < l.next_update)
    }

    /// `wallet-list-{name}-{8 hex digits of the name's SHA-256}.jws`: two names never share
    /// a file.
    fn cache_file(&self, dir: &std::path::Path) -> PathBuf {
        let safe: String = self
            .name
            .chars()
            .take(40)
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let hash = crate::hex::encode(&openssl::sha::sha256(self.name.as_bytes()));
        dir.join(format!(
            "wallet-list-{safe}-{}.jws",
            hash.get(..8).unwrap_or_default()
        ))
    }
}

/// Every PID provider in force, and the lists they come from.
#[derive(Debug)]
pub struct Providers {
    configured: Vec<Arc<Provider>>,
    lists: Vec<ListSource>,
    current: RwLock<Arc<ProviderSet>>,
    http: reqwest::Client,
    cache_dir: Option<PathBuf>,
    skew: time::Duration,
    refreshing: tokio::sync::Mutex<()>,
    /// Held while the set in force is rebuilt, so an older rebuild never overwrites a newer.
    rebuilding: Mutex<()>,
    /// The durable store holding approvals of lists under review (attached by the app).
    records: std::sync::OnceLock<Arc<dyn RecordStore>>,
    /// Whether a verified change is staged in the store: only in a serving node (`check` reads,
    /// never proposes).
    staging: std::sync::atomic::AtomicBool,
    /// When approvals were last read from the store.
    synced: Mutex<Option<OffsetDateTime>>,
}

/// How often a serving node reads the approvals of lists under review from the store.
const SYNC_EVERY: time::Duration = time::Duration::seconds(5);

/// A time as the status shows it (RFC 3339; ISO 8601 order, so strings sort as times).
fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// How long a failed list waits before the next attempt: 30 s, doubling, at most `refresh`.
fn backoff(failures: u32, refresh: Duration) -> Duration {
    Duration::from_secs(30u64.saturating_mul(1 << failures.min(10))).min(refresh)
}

impl Providers {
    pub fn new(
        configured: Vec<Provider>,
        lists: Vec<ListSource>,
        cache_dir: Option<PathBuf>,
        skew: time::Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(crate::trust::USER_AGENT)
            // A list lives at its URL: no detour to plain HTTP or an internal host.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let p = Providers {
            configured: configured.into_iter().map(Arc::new).collect(),
            lists,
            current: RwLock::new(Arc::new(ProviderSet {
                all: Vec::new(),
                authority_key_ids: Vec::new(),
                valid_until: None,
            })),
            http,
            cache_dir,
            skew,
            refreshing: tokio::sync::Mutex::new(()),
            rebuilding: Mutex::new(()),
            records: std::sync::OnceLock::new(),
            staging: std::sync::atomic::AtomicBool::new(false),
            synced: Mutex::new(None),
        };
        p.rebuild(OffsetDateTime::now_utc());
        Ok(p)
    }

    /// The providers in force at `now` (rebuilt first when a list has passed its `NextUpdate`).
    pub fn snapshot(&self, now: OffsetDateTime) -> Arc<ProviderSet> {
        let set = self
            .current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if set.valid_until.is_some_and(|u| now >= u) {
            return self.rebuild(now);
        }
        set
    }

    fn rebuild(&self, now: OffsetDateTime) -> Arc<ProviderSet> {
        let _one = self.rebuilding.lock().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<Arc<Provider>> = self.configured.clone();
        let mut claimed: std::collections::BTreeSet<String> =
            all.iter().map(|p| p.country.clone()).collect();
        let mut valid_until: Option<OffsetDateTime> = None;
        for l in &self.lists {
            let Some(list) = l.in_force(now) else {
                continue;
            };
            let approval = l.state().approval.clone();
            let mut used = false;
            let mut these = std::collections::BTreeSet::new();
            for p in list
                .providers
                .iter()
                .filter(|p| !claimed.contains(&p.country))
            {
                // Under review: only what the approval allows (removals apply at once).
                let (anchors, signers) = if l.review {
                    match review::allowed(p, approval.as_ref()) {
                        Some(kept) => kept,
                        None => continue,
                    }
                } else {
                    (p.anchors.clone(), p.status_signers.clone())
                };
                these.insert(p.country.clone());
                used = true;
                all.push(Arc::new(Provider {
                    country: p.country.clone(),
                    id: Some(p.id.clone()),
                    status_signers: anchors.iter().chain(&signers).cloned().collect(),
                    anchors,
                    source: format!("list {}", l.name),
                }));
            }
            claimed.extend(these);
            if used {
                valid_until =
                    Some(valid_until.map_or(list.next_update, |u| u.min(list.next_update)));
            }
        }
        let authority_key_ids = all
            .iter()
            .flat_map(|p| p.anchors.iter())
            .filter_map(crate::wallet::request::authority_key_id)
            .collect();
        let set = Arc::new(ProviderSet {
            all,
            authority_key_ids,
            valid_until,
        });
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = set.clone();
        set
    }

    /// After a reload: what the previous configuration verified of the same lists carries over
    /// (so an unreachable list keeps its providers, and a replayed older list is still refused).
    pub fn adopt(&self, old: &Providers, now: OffsetDateTime) {
        for l in &self.lists {
            if let Some(o) = old.lists.iter().find(|o| o.same_as(l)) {
                let s = o.state().clone();
                *l.state() = s;
            } else if let Some(o) = old
                .lists
                .iter()
                .find(|o| o.name == l.name && o.location.to_string() == l.location.to_string())
            {
                // Another signer or territories: nothing it verified is trusted here, but a
                // replay is still one.
                let floor = o.state().floor;
                l.state().floor = floor;
            }
        }
        self.rebuild(now);
    }

    /// Fetches and verifies every list that is due (all with `force`); rebuilds the set. One
    /// refresh at a time (the schedule and an operator's refresh never interleave).
    pub async fn refresh(&self, now: OffsetDateTime, force: bool) {
        let _one = self.refreshing.lock().await;
        let mut changed = self.sync(now, force).await;
        for l in &self.lists {
            let due = force || l.state().next_attempt.is_none_or(|at| now >= at);
            if due {
                changed |= self.refresh_one(l, now).await;
                if l.review {
                    self.stage(l, now).await;
                }
            }
        }
        if changed {
            self.rebuild(now);
        }
    }

    /// The durable store for approvals; a node without it treats lists under review as never
    /// approved.
    pub fn attach(&self, records: Arc<dyn RecordStore>) {
        let _ = self.records.set(records);
    }

    /// From now on, a verified change of a list under review is staged in the store (a serving
    /// node; `check` never calls this).
    pub fn enable_staging(&self) {
        self.staging
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Reads the approvals and staged changes of lists under review from the store (every
    /// [`SYNC_EVERY`], or now with `force`); whether an approval changed.
    async fn sync(&self, now: OffsetDateTime, force: bool) -> bool {
        let Some(records) = self.records.get() else {
            return false;
        };
        {
            let mut synced = self.synced.lock().unwrap_or_else(|p| p.into_inner());
            if !force && synced.is_some_and(|t| now < t + SYNC_EVERY) {
                return false;
            }
            *synced = Some(now);
        }
        let mut changed = false;
        for l in self.lists.iter().filter(|l| l.review) {
            match review::read(records.as_ref(), &l.name).await {
                Ok((approval, staged)) => {
                    let mut st = l.state();
                    changed |= st.approval != approval;
                    st.approval = approval;
                    st.staged = staged;
                }
                Err(e) => {
                    tracing::warn!(list = %l.name, error = %e, "PID-provider list approvals could not be read; the last ones stay");
                }
            }
        }
        changed
    }

    /// A list under review that adds trust beyond its approval: its change is staged in the
    /// store (once per list), for `eidas-node trust approve-list`.
    async fn stage(&self, l: &ListSource, now: OffsetDateTime) {
        if !self.staging.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let Some(records) = self.records.get() else {
            return;
        };
        let (list, approval, staged) = {
            let st = l.state();
            (st.verified.clone(), st.approval.clone(), st.staged.clone())
        };
        let Some(list) = list.filter(|v| now < v.next_update) else {
            return;
        };
        let adds = review::additions(&list, approval.as_ref());
        let digest = review::digest_hex(&list);
        let wanted = (!adds.is_empty()).then(|| Staged {
            digest: digest.clone(),
            sequence: list.sequence,
            adds,
            at: now.unix_timestamp(),
        });
        if wanted.as_ref().map(|w| &w.digest) == staged.as_ref().map(|s| &s.digest) {
            return;
        }
        match review::write_staged(records.as_ref(), &l.name, wanted.as_ref()).await {
            Ok(()) => {
                if let Some(w) = &wanted {
                    tracing::warn!(target: "audit", event = "wallet.list.staged", list = %l.name,
                        sequence = w.sequence, digest = %w.digest, adds = %w.adds.join("; "),
                        "a PID-provider list change waits for review: `eidas-node trust approve-list {} {}`",
                        l.name, w.digest.get(..12).unwrap_or_default());
                }
                l.state().staged = wanted;
            }
            Err(e) => {
                tracing::warn!(list = %l.name, error = %e, "a PID-provider list change could not be staged");
            }
        }
    }

    /// An operator approves the list `name` as this instance verified it (its payload digest,
    /// or at least 8 leading hex digits of it): every instance then trusts what it adds.
    pub async fn approve(
        &self,
        name: &str,
        digest: &str,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<Value, String> {
        // Not while a refresh reads the approvals back (it would undo this one until the next).
        let _one = self.refreshing.lock().await;
        let l = self
            .lists
            .iter()
            .find(|l| l.name == name)
            .ok_or_else(|| format!("no wallet list {name}"))?;
        if !l.review {
            return Err(format!(
                "wallet list {name} is not under review (activation = \"review\"): its changes apply when verified"
            ));
        }
        let list = l
            .in_force(now)
            .ok_or_else(|| format!("this instance has no verified list {name} in force"))?;
        let have = review::digest_hex(&list);
        let wanted = digest.trim().to_ascii_lowercase();
        if wanted.len() < 8 || !have.starts_with(&wanted) {
            return Err(format!(
                "this instance verified list {name} {} (sequence {}), not {wanted}: see `eidas-node trust status`",
                have.get(..12).unwrap_or_default(),
                list.sequence
            ));
        }
        let records = self
            .records
            .get()
            .ok_or_else(|| "no state store for approvals".to_owned())?;
        let approval = review::approval_of(&list, by, now.unix_timestamp());
        review::write_approval(records.as_ref(), name, &approval).await?;
        {
            let mut st = l.state();
            st.approval = Some(approval);
            st.staged = None;
        }
        self.rebuild(now);
        tracing::info!(target: "audit", event = "wallet.list.approved", list = %name, by = %by,
            sequence = list.sequence, digest = %have, "PID-provider list approved");
        Ok(json!({"list": name, "digest": have, "sequence": list.sequence, "by": by}))
    }

    async fn fetch(&self, location: &Location) -> Result<String, String> {
        match location {
            Location::File(p) => std::fs::read_to_string(p).map_err(|e| e.to_string()),
            Location::Url(u) => {
                let resp = self
                    .http
                    .get(u.clone())
                    .send()
                    .await
                    .map_err(crate::trust::fetch_error)?;
                if !resp.status().is_success() {
                    return Err(format!("HTTP {}", resp.status()));
                }
                crate::trust::read_capped(resp).await
            }
        }
    }

    fn verify(
        &self,
        l: &ListSource,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<ProviderList, String> {
        lote::verify(
            text,
            &lote::Expect {
                signer: &l.signer,
                territories: &l.territories,
                now,
                skew: self.skew,
            },
        )
        .map_err(|e| e.to_string())
    }

    /// The copy of `l` this node verified and cached before a restart, verified again: where
    /// a replayed list must start above, and what serves while the list's host is down.
    fn cached(&self, l: &ListSource, now: OffsetDateTime) -> Option<ProviderList> {
        let dir = self.cache_dir.as_ref()?;
        let path = l.cache_file(dir);
        let len = std::fs::metadata(&path).ok()?.len();
        if usize::try_from(len).map_or(true, |n| n > crate::wallet::status::MAX_LIST_BYTES) {
            return None;
        }
        let text = std::fs::read_to_string(path).ok()?;
        self.verify(l, &text, now).ok()
    }

    /// One list fetched and verified; whether what is in force changed.
    async fn refresh_one(&self, l: &ListSource, now: OffsetDateTime) -> bool {
        // First time since start-up: the cached copy, verified again, is the floor for replays
        // (and serves if the fetch fails).
        let mut changed = false;
        let consult = {
            let mut st = l.state();
            let c = st.verified.is_none() && !st.cache_consulted;
            st.cache_consulted = true;
            c
        };
        if consult {
            if let Some(c) = self.cached(l, now) {
                let mut st = l.state();
                if st.floor.is_none_or(|f| (c.sequence, c.issued) >= f) {
                    st.floor = Some((c.sequence, c.issued));
                    st.verified = Some(Arc::new(c));
                    changed = true;
                }
            }
        }
        let fetched = self.fetch(&l.location).await;
        let result = fetched.and_then(|text| self.verify(l, &text, now).map(|v| (v, text)));
        let mut st = l.state();
        // Checked and stored under one lock: never an older list after a newer one.
        let result = result.and_then(|(list, text)| {
            let replayed = st.floor.is_some_and(|f| (list.sequence, list.issued) < f);
            let forked = st.verified.as_ref().is_some_and(|v| {
                (v.sequence, v.issued) == (list.sequence, list.issued) && v.digest != list.digest
            });
            match (replayed, forked) {
                (true, _) => Err(format!(
                    "LoTESequenceNumber {} is older than the list verified before ({}): a replayed list, refused",
                    list.sequence,
                    st.floor.map_or(0, |f| f.0)
                )),
                (_, true) => Err(format!(
                    "a list with the sequence number {} of the list in force but other contents: refused",
                    list.sequence
                )),
                _ => Ok((list, text)),
            }
        });
        match result {
            Ok((list, text)) => {
                let new = st.verified.as_ref().is_none_or(|v| v.digest != list.digest);
                if new {
                    tracing::info!(target: "audit", event = "wallet.list.verified", list = %l.name,
                        sequence = list.sequence, providers = list.providers.len(),
                        "PID-provider list verified and in force");
                    for n in &list.notes {
                        tracing::warn!(list = %l.name, note = %n, "PID-provider list: an entry is not trusted");
                    }
                    if let (Some(dir), Location::Url(_)) = (&self.cache_dir, &l.location) {
                        crate::trust::write_atomically(&l.cache_file(dir), &text);
                    }
                }
                st.floor = Some((list.sequence, list.issued));
                st.verified = Some(Arc::new(list));
                st.problem = None;
                st.last_success = Some(now);
                st.failures = 0;
                st.next_attempt = Some(now + l.refresh);
                true
            }
            Err(problem) => {
                st.failures = st.failures.saturating_add(1);
                st.next_attempt = Some(now + backoff(st.failures, l.refresh));
                let serving = match &st.verified {
                    Some(v) if now < v.next_update => format!(
                        "; serving the list verified before (sequence {}) until its NextUpdate {}",
                        v.sequence, v.next_update
                    ),
                    _ => "; no PID providers from this list".to_owned(),
                };
                let text = format!("{problem}{serving}");
                tracing::warn!(list = %l.name, location = %l.location, problem = %text, "PID-provider list could not be loaded");
                st.problem = Some(text);
                changed
            }
        }
    }

    /// `eidas-node check`'s lines: each list (`problem: …` when it cannot be loaded or has
    /// lapsed), its notes and each provider in force (`warning: …` for an anchor that expires
    /// within `within`, `problem: …` for one that has).
    pub fn report(&self, now: OffsetDateTime, within: time::Duration) -> Vec<String> {
        let mut lines = Vec::new();
        for l in &self.lists {
            let st = l.state().clone();
            match (&st.problem, l.in_force(now)) {
                (Some(p), _) => lines.push(format!("problem: wallet list {}: {p}", l.name)),
                (None, Some(v)) => lines.push(format!(
                    "wallet list {}: ok (sequence {}, issued {}, next update {}, {} provider(s))",
                    l.name,
                    v.sequence,
                    v.issued,
                    v.next_update,
                    v.providers.len()
                )),
                (None, None) => {
                    lines.push(format!("problem: wallet list {}: not in force", l.name))
                }
            }
            for n in st.verified.iter().flat_map(|v| v.notes.iter()) {
                lines.push(format!("warning: wallet list {}: {n}", l.name));
            }
            if l.review {
                if let Some(v) = st.verified.as_ref() {
                    let adds = review::additions(v, st.approval.as_ref());
                    if !adds.is_empty() {
                        lines.push(format!(
                            "warning: wallet list {}: held back for review: adds {}; `eidas-node trust approve-list {} {}`",
                            l.name,
                            adds.join("; "),
                            l.name,
                            review::digest_hex(v).get(..12).unwrap_or_default()
                        ));
                    }
                }
            }
        }
        for p in &self.snapshot(now).all {
            let who = format!(
                "wallet provider {}{} ({})",
                p.country,
                p.id.as_deref().map(|i| format!("/{i}")).unwrap_or_default(),
                p.source
            );
            lines.push(format!("{who}: {} anchor(s)", p.anchors.len()));
            for a in &p.anchors {
                let Some(at) = crate::keys::cert_not_after(a) else {
                    continue;
                };
                let subject = crate::trust::subject_text(a);
                if at <= now {
                    lines.push(format!("problem: {who}: anchor {subject} expired at {at}"));
                } else if at <= now + within {
                    lines.push(format!("warning: {who}: anchor {subject} expires at {at}"));
                }
            }
        }
        lines
    }

    /// Seconds until each provider's earliest anchor expires, by (country, id): for metrics.
    pub fn anchor_expiries(&self, now: OffsetDateTime) -> Vec<(String, String, i64)> {
        self.snapshot(now)
            .all
            .iter()
            .filter_map(|p| {
                let at = p
                    .anchors
                    .iter()
                    .filter_map(|a| crate::keys::cert_not_after(a))
                    .min()?;
                Some((
                    p.country.clone(),
                    p.id.clone().unwrap_or_default(),
                    (at - now).whole_seconds(),
                ))
            })
            .collect()
    }

    /// Per list: whether it is in force, seconds until its `NextUpdate`, whether a change waits
    /// for review (for metrics).
    pub fn list_health(&self, now: OffsetDateTime) -> Vec<ListHealth> {
        self.lists
            .iter()
            .map(|l| {
                let v = l.in_force(now);
                ListHealth {
                    name: l.name.clone(),
                    usable: v.is_some(),
                    next_update_in: v.map(|v| (v.next_update - now).whole_seconds()),
                    staged: l.review && l.state().staged.is_some(),
                }
            })
            .collect()
    }

    /// What `GET /admin/trust/status` (`wallet`) and `check` show: the providers in force, with
    /// their anchors, and every list's state.
    pub fn status_json(&self, now: OffsetDateTime) -> Value {
        let cert = |c: &X509| {
            json!({
                "sha256": crate::keys::cert_fingerprint(c),
                "subject": crate::trust::subject_text(c),
                "not_after": crate::keys::cert_not_after(c).map(rfc3339),
            })
        };
        let set = self.snapshot(now);
        let providers: Vec<Value> = set
            .all
            .iter()
            .map(|p| {
                json!({
                    "country": p.country,
                    "id": p.id,
                    "source": p.source,
                    "anchors": p.anchors.iter().map(cert).collect::<Vec<_>>(),
                })
            })
            .collect();
        let lists: Vec<Value> = self
            .lists
            .iter()
            .map(|l| {
                let st = l.state().clone();
                let v = st.verified.as_ref();
                json!({
                    "name": l.name,
                    "location": l.location.to_string(),
                    "usable": l.in_force(now).is_some(),
                    "sequence": v.map(|v| v.sequence),
                    "issued": v.map(|v| rfc3339(v.issued)),
                    "next_update": v.map(|v| rfc3339(v.next_update)),
                    "operator": v.map(|v| v.operator.clone()),
                    "providers": v.map(|v| v.providers.iter().map(|p| json!({
                        "country": p.country, "id": p.id, "name": p.name,
                    })).collect::<Vec<_>>()),
                    "notes": v.map(|v| v.notes.clone()).unwrap_or_default(),
                    "problem": st.problem,
                    "last_success": st.last_success.map(rfc3339),
                    "review": l.review,
                    "digest": v.map(|v| review::digest_hex(v)),
                    "approved": st.approval.as_ref().map(|a| json!({
                        "digest": a.digest, "sequence": a.sequence, "by": a.by,
                    })),
                    "staged": st.staged.as_ref().map(|s| json!({
                        "digest": s.digest, "sequence": s.sequence, "adds": s.adds,
                    })),
                })
            })
            .collect();
        json!({"providers": providers, "lists": lists})
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::keys::FileKey;
    use crate::wallet::lote::testing::{cert, p256, signed_list};

    struct Fixture {
        dir: PathBuf,
        key: FileKey,
        signer: X509,
        anchor: X509,
    }

    fn fixture(tag: &str) -> Fixture {
        let dir =
            std::env::temp_dir().join(format!("eidas-wallet-lists-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let k = p256();
        let signer = cert(&k, "List operator", None);
        Fixture {
            dir,
            key: FileKey::new(k).unwrap(),
            signer,
            anchor: cert(&p256(), "XW PID CA", None),
        }
    }

    impl Fixture {
        fn publish(&self, sequence: u64, next_update: OffsetDateTime) {
            let issued = next_update - time::Duration::days(30);
            self.publish_as(sequence, issued, next_update, "Walletland PID Office");
        }

        fn publish_as(
            &self,
            sequence: u64,
            issued: OffsetDateTime,
            next_update: OffsetDateTime,
            name: &str,
        ) {
            let list = signed_list(
                &self.key,
                &self.signer,
                (sequence, issued, next_update),
                &self.anchor,
                name,
            );
            std::fs::write(self.dir.join("list.jws"), list).unwrap();
        }

        fn source(&self, location: Location) -> ListSource {
            ListSource::new(
                "test".into(),
                location,
                SignerTrust::Pinned(vec![self.signer.clone()]),
                vec!["XW".into()],
                Duration::from_secs(60),
                false,
            )
        }

        fn providers(&self, configured: Vec<Provider>, location: Location) -> Providers {
            Providers::new(
                configured,
                vec![self.source(location)],
                Some(self.dir.clone()),
                time::Duration::seconds(60),
            )
            .unwrap()
        }

        /// A list under review, its approvals in `records` (shared by two "instances").
        fn reviewed(&self, records: &Arc<dyn RecordStore>) -> Providers {
            let mut source = self.source(self.file());
            source.review = true;
            let p = Providers::new(Vec::new(), vec![source], None, time::Duration::seconds(60))
                .unwrap();
            p.attach(records.clone());
            p.enable_staging();
            p
        }

        fn publish_two(&self, sequence: u64, issued: OffsetDateTime, second: &X509) {
            let anchors = [self.anchor.clone(), second.clone()];
            let payload = lote::list_json(
                sequence,
                issued,
                issued + time::Duration::days(30),
                &[("XW", "Walletland PID Office", Some("NTRXW-0001"), &anchors)],
            );
            let header = json!({
                "alg": "ES256",
                "x5c": crate::jose::x5c(std::slice::from_ref(&self.signer)).unwrap(),
            });
            let list = crate::jose::sign_compact(&header, &payload, &self.key).unwrap();
            std::fs::write(self.dir.join("list.jws"), list).unwrap();
        }

        fn file(&self) -> Location {
            Location::File(self.dir.join("list.jws"))
        }
    }

    /// The first list's problem as the status shows it ("" without one).
    fn problem(p: &Providers) -> String {
        p.status_json(OffsetDateTime::now_utc())["lists"][0]["problem"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn countries(p: &Providers, now: OffsetDateTime) -> Vec<(String, Option<String>, String)> {
        p.snapshot(now)
            .all
            .iter()
            .map(|p| (p.country.clone(), p.id.clone(), p.source.clone()))
            .collect()
    }

    #[tokio::test]
    async fn a_list_is_kept_until_its_next_update_and_never_replaced_by_an_older_one() {
        let f = fixture("replay");
        let now = OffsetDateTime::now_utc();
        f.publish(2, now + time::Duration::hours(2));
        let p = f.providers(Vec::new(), f.file());
        assert!(
            countries(&p, now).is_empty(),
            "nothing before the first fetch"
        );
        p.refresh(now, true).await;
        let listed = vec![(
            "XW".to_owned(),
            Some("ntrxw-0001".to_owned()),
            "list test".to_owned(),
        )];
        assert_eq!(countries(&p, now), listed);
        // An older list: refused, the one in force stays.
        f.publish(1, now + time::Duration::hours(9));
        p.refresh(now, true).await;
        assert_eq!(countries(&p, now), listed);
        assert!(problem(&p).contains("a replayed list"), "{:?}", problem(&p));
        // Unreachable: still served until its NextUpdate, then gone.
        std::fs::remove_file(f.dir.join("list.jws")).unwrap();
        p.refresh(now, true).await;
        assert!(problem(&p).contains("serving the list verified before (sequence 2)"));
        assert_eq!(countries(&p, now + time::Duration::minutes(119)), listed);
        assert!(countries(&p, now + time::Duration::hours(2)).is_empty());
        assert!(
            p.report(now + time::Duration::hours(3), time::Duration::days(1))[0]
                .starts_with("problem: ")
        );
    }

    #[tokio::test]
    async fn another_list_under_the_sequence_number_in_force_is_refused() {
        let f = fixture("fork");
        let now = OffsetDateTime::now_utc();
        let (issued, next) = (
            now - time::Duration::hours(1),
            now + time::Duration::hours(5),
        );
        f.publish_as(4, issued, next, "Walletland PID Office");
        let p = f.providers(Vec::new(), f.file());
        p.refresh(now, true).await;
        assert!(problem(&p).is_empty());
        // The same list again (signed anew): fine.
        f.publish_as(4, issued, next, "Walletland PID Office");
        p.refresh(now, true).await;
        assert!(problem(&p).is_empty(), "{:?}", problem(&p));
        // Same sequence number and issue time, other contents: refused.
        f.publish_as(4, issued, next, "Walletland PID Office (changed)");
        p.refresh(now, true).await;
        assert!(problem(&p).contains("other contents"), "{:?}", problem(&p));
        assert_eq!(
            p.status_json(now)["lists"][0]["providers"][0]["name"],
            "Walletland PID Office"
        );
    }

    /// `activation = "review"`: nothing is trusted before an approval, which every instance
    /// sharing the store applies; an added anchor waits (the approved one stays); a withdrawal
    /// applies at once; an approval must name the list this instance verified.
    #[tokio::test]
    async fn a_list_under_review_adds_only_what_an_operator_approved() {
        use crate::store::memory::MemoryBackend;
        use crate::store::{SealedRecords, Sealer};
        let records: Arc<dyn RecordStore> = Arc::new(SealedRecords::new(
            Arc::new(MemoryBackend::new()),
            Sealer::random().unwrap(),
        ));
        let f = fixture("review");
        let now = OffsetDateTime::now_utc();
        let issued = now - time::Duration::hours(1);
        f.publish_as(
            1,
            issued,
            now + time::Duration::days(9),
            "Walletland PID Office",
        );
        let (a, b) = (f.reviewed(&records), f.reviewed(&records));
        a.refresh(now, true).await;
        b.refresh(now, true).await;
        assert!(countries(&a, now).is_empty(), "nothing approved yet");
        let status = a.status_json(now);
        let staged = status["lists"][0]["staged"].clone();
        assert_eq!(staged["sequence"], 1, "{status}");
        assert!(staged["adds"][0]
            .as_str()
            .unwrap()
            .starts_with("XW/ntrxw-0001 "));
        assert!(a
            .report(now, time::Duration::days(1))
            .iter()
            .any(|l| l.contains("held back for review")));
        // An approval must name what this instance verified.
        let digest = staged["digest"].as_str().unwrap().to_owned();
        assert!(a
            .approve("test", "00000000", "alice", now)
            .await
            .unwrap_err()
            .contains("not 00000000"));
        assert!(
            a.approve("test", &digest[..6], "alice", now).await.is_err(),
            "8 digits at least"
        );
        a.approve("test", &digest[..8], "alice", now).await.unwrap();
        assert_eq!(countries(&a, now).len(), 1);
        // The other instance follows at its next sync.
        b.refresh(now + SYNC_EVERY, false).await;
        assert_eq!(countries(&b, now).len(), 1);
        // A newer list adds a second anchor: held back, the approved one stays in force.
        let second = cert(&p256(), "XW PID CA 2", None);
        f.publish_two(2, issued + time::Duration::minutes(1), &second);
        a.refresh(now, true).await;
        let set = a.snapshot(now);
        assert_eq!(set.all[0].anchors.len(), 1, "only the approved anchor");
        let status = a.status_json(now);
        assert_eq!(status["lists"][0]["staged"]["sequence"], 2, "{status}");
        assert_eq!(
            status["lists"][0]["staged"]["adds"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        // The list withdraws the provider: gone at once, no approval needed.
        let withdrawn = lote::list_json(
            4,
            issued + time::Duration::minutes(3),
            now + time::Duration::days(9),
            &[],
        );
        let header = json!({"alg": "ES256", "x5c": crate::jose::x5c(std::slice::from_ref(&f.signer)).unwrap()});
        std::fs::write(
            f.dir.join("list.jws"),
            crate::jose::sign_compact(&header, &withdrawn, &f.key).unwrap(),
        )
        .unwrap();
        a.refresh(now, true).await;
        assert!(countries(&a, now).is_empty());
        // Not under review: approving is refused.
        let plain = f.providers(Vec::new(), f.file());
        plain.attach(records.clone());
        plain.refresh(now, true).await;
        assert!(plain
            .approve("test", &digest, "alice", now)
            .await
            .unwrap_err()
            .contains("not under review"));
    }

    #[tokio::test]
    async fn a_configured_provider_takes_precedence_and_a_reload_keeps_what_was_verified() {
        let f = fixture("precedence");
        let now = OffsetDateTime::now_utc();
        f.publish(1, now + time::Duration::hours(2));
        let configured = || {
            vec![Provider {
                country: "XW".into(),
                id: None,
                anchors: vec![f.anchor.clone()],
                status_signers: Vec::new(),
                source: "config".into(),
            }]
        };
        let p = f.providers(configured(), f.file());
        p.refresh(now, true).await;
        assert_eq!(
            countries(&p, now),
            vec![("XW".to_owned(), None, "config".to_owned())]
        );
        // A reload with the same list: what was verified carries over, even when the list
        // cannot be had just then.
        let old = f.providers(Vec::new(), f.file());
        old.refresh(now, true).await;
        std::fs::remove_file(f.dir.join("list.jws")).unwrap();
        let new = f.providers(Vec::new(), f.file());
        new.adopt(&old, now);
        new.refresh(now, true).await;
        assert_eq!(countries(&new, now).len(), 1);
    }

    #[tokio::test]
    async fn a_restart_while_the_list_is_unreachable_serves_the_verified_cached_copy() {
        use axum::routing::get;
        let f = fixture("cache");
        let now = OffsetDateTime::now_utc();
        f.publish(2, now + time::Duration::hours(2));
        let body = Arc::new(Mutex::new(Some(
            std::fs::read_to_string(f.dir.join("list.jws")).unwrap(),
        )));
        let b = body.clone();
        let app = axum::Router::new().route(
            "/list",
            get(move || {
                let b = b.clone();
                async move {
                    match b.lock().unwrap().clone() {
                        Some(t) => (axum::http::StatusCode::OK, t),
                        None => (axum::http::StatusCode::SERVICE_UNAVAILABLE, String::new()),
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/list", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let location = || Location::Url(url::Url::parse(&url).unwrap());
        let first = f.providers(Vec::new(), location());
        first.refresh(now, true).await;
        assert_eq!(countries(&first, now).len(), 1);
        let cached = f.source(location()).cache_file(&f.dir);
        assert!(cached.exists());
        // The list's host is down when the node restarts.
        *body.lock().unwrap() = None;
        let restarted = f.providers(Vec::new(), location());
        restarted.refresh(now, true).await;
        assert_eq!(countries(&restarted, now).len(), 1);
        assert!(
            problem(&restarted)
                .contains("HTTP 503 Service Unavailable; serving the list verified before"),
            "{:?}",
            problem(&restarted)
        );
        // Restarted while someone serves an older list: the cached copy is the floor.
        f.publish(1, now + time::Duration::hours(9));
        *body.lock().unwrap() = Some(std::fs::read_to_string(f.dir.join("list.jws")).unwrap());
        let replayed = f.providers(Vec::new(), location());
        replayed.refresh(now, true).await;
        assert!(
            problem(&replayed).contains("a replayed list"),
            "{:?}",
            problem(&replayed)
        );
        assert_eq!(
            countries(&replayed, now).len(),
            1,
            "the cached sequence 2 serves"
        );
        // A cached copy that does not verify (tampered) is not used.
        *body.lock().unwrap() = None;
        std::fs::write(&cached, "x.y.z").unwrap();
        let tampered = f.providers(Vec::new(), location());
        tampered.refresh(now, true).await;
        assert!(countries(&tampered, now).is_empty());
    }

    #[test]
    fn failed_lists_back_off_up_to_their_refresh_interval() {
        let hour = Duration::from_secs(3600);
        assert_eq!(backoff(1, hour), Duration::from_secs(60));
        assert_eq!(backoff(3, hour), Duration::from_secs(240));
        assert_eq!(backoff(40, hour), hour);
        assert_eq!(backoff(1, Duration::from_secs(5)), Duration::from_secs(5));
    }
}
