//! The active trust version on this instance (issue 11 items 3–5): after each refresh the
//! verified result of all sources becomes a candidate [`TrustVersion`]; one instance at a time
//! (the lease holder) proposes it to the [`Workflow`] in the shared store, and every instance
//! reads the active version back and serves only what it verified itself *and* the active
//! version allows ([`CountryTrust::restrict`]). Operators approve, reject and roll back here.
//!
//! Audit: every activation, staging and operator decision is one `audit` event (target
//! `audit`): who, what, version hashes and a diff summary; trust holds no personal data.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use super::version::{Diff, TrustVersion};
use super::workflow::{self, Policy, Proposed, Workflow};
use super::{still_valid, CountryState, Error, TrustStore};
use crate::store::RecordStore;

/// What a version's short form is: enough hex digits to be unambiguous among a few dozen.
const MIN_PREFIX: usize = 8;

/// An operator's decision on a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Rollback,
}

impl Decision {
    fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Reject => "rejected",
            Decision::Rollback => "rolled_back",
        }
    }
}

pub(super) struct Versioning {
    workflow: Workflow,
    /// This process, in the leader lease.
    instance: String,
    lease: i64,
    pub(super) sync_every: time::Duration,
    /// `false` for `check`: it verifies, but never changes what the fleet trusts.
    propose: AtomicBool,
    staged: Mutex<Option<String>>,
    /// Why automatic activation is suspended (a rollback), as last read.
    hold: Mutex<Option<String>>,
    /// Follower: the countries last handed to the lease holder for a re-fetch.
    asked: Mutex<Vec<String>>,
    /// The candidate and active ids of the last proposal: the same pair is not proposed again.
    last_proposed: Mutex<Option<(String, Option<String>)>>,
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn unix(t: time::OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

impl TrustStore {
    /// Keeps trust versions, the active pointer and the review workflow in `records` (the
    /// state store: Redis shared by every instance, or memory), reading the active version every
    /// `sync_every` and keeping `keep` versions for rollback.
    pub fn with_versioning(
        mut self,
        records: Arc<dyn RecordStore>,
        keep: usize,
        sync_every: Duration,
    ) -> Self {
        let mut id = [0u8; 8];
        let _ = openssl::rand::rand_bytes(&mut id);
        let sync_every = time::Duration::try_from(sync_every).unwrap_or(time::Duration::SECOND);
        self.versioning = Some(Versioning {
            workflow: Workflow::new(records, keep),
            instance: super::version::hex(&id),
            lease: (sync_every.whole_seconds() * 3).max(15),
            sync_every,
            propose: AtomicBool::new(true),
            staged: Mutex::new(None),
            hold: Mutex::new(None),
            asked: Mutex::new(Vec::new()),
            last_proposed: Mutex::new(None),
        });
        self
    }

    /// Verify only: never propose a version (`eidas-node check` must not change the fleet's
    /// trust).
    pub fn never_propose(&self) {
        if let Some(v) = &self.versioning {
            v.propose.store(false, Ordering::Relaxed);
        }
    }

    /// Sets what `state` hands out from what it verified and the active version.
    pub(super) fn gate(&self, state: &mut CountryState) {
        if self.versioning.is_none() {
            state.served = state.service.clone();
            return;
        }
        let active = self.active.read().unwrap_or_else(|p| p.into_inner());
        let Some(entry) = active
            .as_ref()
            .and_then(|(_, v)| v.countries.get(&state.source.code))
        else {
            state.served = None;
            return;
        };
        // Nothing verified now: nothing served, whatever was before.
        let (Some(verified), Some(current)) = (state.service.as_deref(), state.entry.as_deref())
        else {
            state.served = None;
            return;
        };
        let restricted = entry.restrict(verified).or_else(|| {
            // While a change waits for review (a new endpoint, say), the earlier verified copy
            // keeps serving until its own validUntil, cut to what the active version *and*
            // this instance's latest verification both still vouch for: a key the country has
            // dropped since is never served again.
            let allowed = entry.narrowed_to(current);
            state.served.as_deref().and_then(|p| allowed.restrict(p))
        });
        state.served = restricted.map(Arc::new);
    }

    /// The verified, unexpired result of all sources, as a version.
    fn candidate(&self, now: time::OffsetDateTime) -> TrustVersion {
        TrustVersion {
            countries: self
                .read()
                .values()
                .filter_map(|c| {
                    c.service.as_ref().filter(|s| still_valid(s, now))?;
                    let entry = c.entry.as_deref()?;
                    Some((c.source.code.clone(), entry.clone()))
                })
                .collect(),
        }
    }

    fn held_id(&self) -> Option<String> {
        self.active
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|(id, _)| id.clone())
    }

    /// Why automatic activation is suspended, if it is (as this instance last read it).
    pub(super) fn hold(&self) -> Option<String> {
        self.versioning
            .as_ref()
            .and_then(|v| v.hold.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }

    /// The active and staged version ids as this instance last read them.
    pub(super) fn version_ids(&self) -> (Option<String>, Option<String>) {
        let staged = self
            .versioning
            .as_ref()
            .and_then(|v| v.staged.lock().unwrap_or_else(|p| p.into_inner()).clone());
        (self.held_id(), staged)
    }

    /// Why what `c` verified is not (all) served, for `trust status`.
    pub(super) fn held_back(&self, c: &CountryState) -> Option<String> {
        self.versioning.as_ref()?;
        let mine = c.entry.as_deref()?;
        let active = self.active.read().unwrap_or_else(|p| p.into_inner());
        match active
            .as_ref()
            .and_then(|(_, v)| v.countries.get(&c.source.code))
        {
            None => Some("not in the active trust version: waits for review".into()),
            Some(e) if e != mine => Some(format!(
                "verified metadata differs from the active trust version ({}); the difference waits for review",
                e.diff_summary(mine)
            )),
            Some(_) => None,
        }
    }

    /// After a refresh: the lease holder proposes the candidate; then every instance reads the
    /// active version back.
    pub(super) async fn reconcile(&self) {
        let Some(v) = &self.versioning else {
            return;
        };
        let now = self.clock.now();
        if v.propose.load(Ordering::Relaxed) {
            match v.workflow.lead(&v.instance, unix(now), v.lease).await {
                Ok(true) => {
                    self.recheck_requested(v, now).await;
                    self.propose(v, now).await;
                }
                Ok(false) => self.ask_for_recheck(v).await,
                Err(e) => {
                    tracing::warn!(error = %e, "trust versions: the leader lease cannot be read; not proposing");
                }
            }
        }
        self.sync().await;
    }

    /// Follower: countries this instance verified with something the active version lacks or
    /// has no more (the lease holder has not fetched yet) are handed to the lease holder.
    async fn ask_for_recheck(&self, v: &Versioning) {
        // Lock order is `countries` then `active`: take the version out first.
        let version = self
            .active
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|(_, v)| v.clone());
        let Some(version) = version else {
            return;
        };
        let ahead: Vec<String> = {
            self.read()
                .values()
                .filter_map(|c| {
                    let mine = c.entry.as_deref()?;
                    (version.countries.get(&c.source.code) != Some(mine))
                        .then(|| c.source.code.clone())
                })
                .collect()
        };
        let new = {
            let mut asked = v.asked.lock().unwrap_or_else(|p| p.into_inner());
            let new = !ahead.is_empty() && *asked != ahead;
            if new {
                asked.clone_from(&ahead);
            }
            new
        };
        if !new {
            return;
        }
        if let Err(e) = v.workflow.request_recheck(&ahead).await {
            tracing::warn!(error = %e, "trust versions: could not ask the lease holder to re-fetch");
        }
    }

    /// Lease holder: countries followers asked for are fetched at the next pass (at most once
    /// per refetch cooldown each).
    async fn recheck_requested(&self, v: &Versioning, now: time::OffsetDateTime) {
        let codes = match v.workflow.take_recheck().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "trust versions: re-fetch requests cannot be read");
                return;
            }
        };
        if codes.is_empty() {
            return;
        }
        let mut map = self.countries.write().unwrap_or_else(|p| p.into_inner());
        for code in codes {
            if let Some(state) = map.get_mut(&code) {
                if state
                    .last_attempt
                    .is_none_or(|t| now - t >= self.refetch_cooldown)
                {
                    state.next_attempt = None;
                }
            }
        }
    }

    async fn propose(&self, v: &Versioning, now: time::OffsetDateTime) {
        let candidate = self.candidate(now);
        let key = (candidate.id(), self.held_id());
        if v.last_proposed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            == Some(&key)
        {
            return;
        }
        let policies: std::collections::BTreeMap<String, Policy> = self
            .read()
            .values()
            .map(|c| (c.source.label(), c.source.activation))
            .collect();
        // A source we no longer know (removed from the config) adds nothing unreviewed.
        let policy = move |s: &str| policies.get(s).copied().unwrap_or(Policy::Review);
        match v.workflow.propose(candidate, &policy, unix(now)).await {
            Ok(p) => {
                audit_proposal(&p);
                let active = match &p {
                    Proposed::Changed { active, .. } => Some(active.clone()),
                    Proposed::Unchanged => key.1.clone(),
                };
                *v.last_proposed.lock().unwrap_or_else(|p| p.into_inner()) = Some((key.0, active));
            }
            Err(workflow::Error::Conflict) => {
                tracing::info!("trust versions: another instance changed the active version at the same moment; proposing again at the next refresh");
            }
            Err(e) => {
                tracing::warn!(error = %e, "trust versions: the candidate could not be proposed; the active version stays");
            }
        }
    }

    /// Reads the active (and staged) version from the store and serves accordingly. A store
    /// that cannot be read keeps the version held (its countries still expire on time).
    pub async fn sync(&self) {
        let Some(v) = &self.versioning else {
            return;
        };
        let (active, staged) = (v.workflow.active_id().await, v.workflow.staged_id().await);
        let (active, staged) = match (active, staged) {
            (Ok(a), Ok(s)) => (a, s),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "trust versions cannot be read from the state store; keeping the version held");
                return;
            }
        };
        *v.staged.lock().unwrap_or_else(|p| p.into_inner()) = staged;
        if let Ok(h) = v.workflow.hold().await {
            *v.hold.lock().unwrap_or_else(|p| p.into_inner()) = h;
        }
        let Some(id) = active else {
            return;
        };
        if self.held_id().as_deref() == Some(id.as_str()) {
            return;
        }
        match v.workflow.version(&id).await {
            Ok(version) => self.apply_active(id, version),
            Err(e) => {
                tracing::warn!(version = %short(&id), error = %e, "the active trust version cannot be read; keeping the version held");
            }
        }
    }

    fn apply_active(&self, id: String, version: TrustVersion) {
        let previous = self.held_id();
        *self.active.write().unwrap_or_else(|p| p.into_inner()) =
            Some((id.clone(), Arc::new(version.clone())));
        let now = self.clock.now();
        let mut map = self.countries.write().unwrap_or_else(|p| p.into_inner());
        for state in map.values_mut() {
            self.gate(state);
            // The version allows more than this instance has verified (another instance
            // fetched first): fetch this country now rather than at its next refresh.
            let behind = version.countries.get(&state.source.code).is_some_and(|e| {
                state
                    .entry
                    .as_ref()
                    .is_none_or(|m| !e.missing_from(m).is_empty())
            });
            let recent = state
                .last_attempt
                .is_some_and(|t| now - t < self.refetch_cooldown);
            if behind && !recent {
                state.next_attempt = None;
            }
        }
        tracing::info!(version = %short(&id), previous = ?previous.as_deref().map(short), countries = version.countries.len(), "trust version active on this instance");
    }

    /// The full id of `version`: itself, or the one known version (active, staged or in the
    /// history) it is a prefix of, at least 8 hex digits.
    async fn resolve(&self, v: &Versioning, version: &str) -> Result<String, Error> {
        let version = version.trim().to_ascii_lowercase();
        if version.len() < MIN_PREFIX || !version.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Refused(format!(
                "{version:?} is not a trust version: give at least {MIN_PREFIX} hex digits of its id"
            )));
        }
        let mut known = v.workflow.known_ids().await?;
        known.extend(v.workflow.staged_id().await?);
        known.extend(v.workflow.active_id().await?);
        known.sort();
        known.dedup();
        let matches: Vec<&String> = known.iter().filter(|k| k.starts_with(&version)).collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::Refused(format!(
                "no trust version {version} is known"
            ))),
            _ => Err(Error::Refused(format!(
                "{version} names more than one trust version; give more digits"
            ))),
        }
    }

    /// Whether this instance still verifies everything `version` trusts (rollback target).
    fn still_vouched(&self, version: &TrustVersion) -> Result<(), Error> {
        let now = self.clock.now();
        let map = self.read();
        let mut problems = Vec::new();
        for (cc, entry) in &version.countries {
            match map.get(cc).and_then(|c| {
                c.service.as_ref().filter(|s| still_valid(s, now))?;
                c.entry.as_deref()
            }) {
                None => problems.push(format!("{cc}: no valid verified metadata now")),
                Some(mine) => problems.extend(
                    entry
                        .missing_from(mine)
                        .into_iter()
                        .map(|m| format!("{cc}: {m}")),
                ),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Refused(format!(
                "that version is no longer valid: {}",
                problems.join("; ")
            )))
        }
    }

    /// An operator's `decision` on `version` (id or prefix), by `by`. The full id on success;
    /// this instance switches at once, the others within `trust.sync_seconds`.
    pub async fn decide(
        &self,
        decision: Decision,
        version: &str,
        by: &str,
    ) -> Result<String, Error> {
        let v = self
            .versioning
            .as_ref()
            .ok_or_else(|| Error::Refused("trust versions are not kept by this node".into()))?;
        let id = self.resolve(v, version).await?;
        let now = unix(self.clock.now());
        let before = v.workflow.active().await?;
        let target = v.workflow.version(&id).await?;
        match decision {
            Decision::Approve => v.workflow.approve(&id, by, now).await?,
            Decision::Reject => v.workflow.reject(&id, by, now).await?,
            Decision::Rollback => {
                if before.as_ref().is_some_and(|(a, _)| *a == id) {
                    return Err(Error::Refused(format!(
                        "{} is the active version",
                        short(&id)
                    )));
                }
                self.still_vouched(&target)?;
                v.workflow.rollback(&id, by, now).await?;
            }
        }
        let (previous, diff) = match &before {
            Some((a, av)) => (Some(a.clone()), av.diff(&target)),
            None => (None, TrustVersion::default().diff(&target)),
        };
        tracing::info!(
            target: "audit",
            event = %format!("trust.{}", decision.as_str()),
            by = %by,
            version = %id,
            active_before = ?previous,
            changes = diff.changes.len(),
            summary = %diff.summary(),
            "trust change by an operator"
        );
        // A new proposal is judged against what is active now.
        *v.last_proposed.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.sync().await;
        Ok(id)
    }

    /// The difference from the active version to `version` (default: the staged one).
    pub async fn diff_json(&self, version: Option<&str>) -> Result<Value, Error> {
        let v = self
            .versioning
            .as_ref()
            .ok_or_else(|| Error::Refused("trust versions are not kept by this node".into()))?;
        let to = match version {
            Some(x) => Some(self.resolve(v, x).await?),
            None => v.workflow.staged_id().await?,
        };
        let active = v.workflow.active().await?;
        let (from, diff) = match (&active, &to) {
            (_, None) => (active.as_ref().map(|(a, _)| a.clone()), Diff::default()),
            (Some((a, av)), Some(t)) => (Some(a.clone()), av.diff(&v.workflow.version(t).await?)),
            (None, Some(t)) => (
                None,
                TrustVersion::default().diff(&v.workflow.version(t).await?),
            ),
        };
        Ok(json!({
            "from": from,
            "to": to,
            "summary": diff.summary(),
            "changes": diff.changes,
        }))
    }

    /// The workflow's history, newest first.
    pub async fn history_json(&self) -> Result<Value, Error> {
        let v = self
            .versioning
            .as_ref()
            .ok_or_else(|| Error::Refused("trust versions are not kept by this node".into()))?;
        let active = v.workflow.active_id().await?;
        let staged = v.workflow.staged_id().await?;
        let entries: Vec<Value> = v
            .workflow
            .history()
            .await?
            .into_iter()
            .rev()
            .map(|h| {
                let at = time::OffsetDateTime::from_unix_timestamp(h.at)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    });
                json!({ "id": h.id, "action": h.action, "by": h.by, "at": at })
            })
            .collect();
        Ok(json!({ "active": active, "staged": staged, "entries": entries }))
    }
}

fn audit_proposal(p: &Proposed) {
    let Proposed::Changed {
        previous,
        active,
        activated,
        staged,
    } = p
    else {
        return;
    };
    if previous.as_deref() != Some(active.as_str()) {
        let removals_only = !activated.changes.is_empty()
            && activated
                .changes
                .iter()
                .all(|c| c.removes_trust() && !c.adds_trust());
        tracing::info!(
            target: "audit",
            event = if removals_only && staged.is_some() { "trust.removals_applied" } else { "trust.activated" },
            by = "refresh",
            version = %active,
            active_before = ?previous,
            changes = activated.changes.len(),
            summary = %activated.summary(),
            "trust version activated"
        );
    }
    if let Some((id, diff)) = staged {
        tracing::warn!(
            target: "audit",
            event = "trust.staged",
            by = "refresh",
            version = %id,
            changes = diff.changes.len(),
            summary = %diff.summary(),
            "a trust change waits for review: `eidas-node trust diff`, then `trust approve {}` or `trust reject {}`",
            short(id),
            short(id)
        );
    }
}
