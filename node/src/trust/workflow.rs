//! The trust workflow (issue 11, building block): versions kept as durable records, an active
//! pointer and a staged pointer moved only by compare-and-set, so every instance switches
//! together and two operators cannot both win.
//!
//! Policy per source: `Auto` activates a refresh at once; `Review` stages it until approved,
//! except that whatever it *removes* (a country, a key, a certificate, a LoA, an attribute, …)
//! leaves the active set at once: removing trust never waits (fail closed).
//!
//! The store is not a trust root: a version read back is only what this node's own refresh
//! verified and wrote; an instance that uses it re-verifies the signed inputs (issue 11 item 4).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::version::{Diff, TrustVersion};
use crate::store::RecordStore;

const KIND_VERSION: &str = "trust-version";
const ACTIVE: &str = "trust/active";
const STAGED: &str = "trust/staged";
const LEADER: &str = "trust/leader";
const RECHECK: &str = "trust/recheck";
/// Set by a rollback, cleared by the next approval: while set, every source is under review.
const HOLD: &str = "trust/hold";
/// The history, as a pointer so that appends are compare-and-set (two instances logging at
/// once never lose an entry).
const HISTORY: &str = "trust/history";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("state store: {0}")]
    Store(#[from] crate::store::Error),
    #[error("stored trust record cannot be read")]
    Corrupt,
    #[error("version {0} is not the staged version")]
    NotStaged(String),
    #[error("version {0} is not in the history")]
    UnknownVersion(String),
    #[error("another change won the race; read the state again and retry")]
    Conflict,
}

/// How a source's changes go live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    #[default]
    Auto,
    Review,
}

/// What a proposal did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposed {
    /// Nothing to do: the candidate is active, or is staged (or was rejected) already and
    /// removes nothing.
    Unchanged,
    Changed {
        /// The active version before, if any.
        previous: Option<String>,
        /// The active version now (`previous` when only the stage moved).
        active: String,
        /// From `previous` to `active` (empty when the active version did not move).
        activated: Diff,
        /// The version now waiting for review, with its diff against `active`.
        staged: Option<(String, Diff)>,
    },
}

impl Proposed {
    /// Whether the active version moved.
    pub fn moved(&self) -> bool {
        matches!(self, Proposed::Changed { previous, active, .. } if previous.as_deref() != Some(active.as_str()))
    }
}

/// One entry of the history, newest last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: String,
    /// `activated`, `staged`, `approved`, `rejected`, `rolled_back`, `rolled_back_from`,
    /// `removals_applied`.
    pub action: String,
    /// Who: `refresh` or the operator's name.
    pub by: String,
    /// Unix seconds.
    pub at: i64,
}

/// Everything the workflow needs: the durable store and how many history entries to keep.
#[derive(Debug, Clone)]
pub struct Workflow {
    records: Arc<dyn RecordStore>,
    keep: usize,
}

/// What may be active at once after `candidate` was verified while `active` is: see
/// [`Workflow::propose`]. `refused`: the candidate was rejected before (review everything).
fn merge(
    active: &TrustVersion,
    candidate: &TrustVersion,
    policy: &(dyn Fn(&str) -> Policy + Sync),
    refused: bool,
) -> TrustVersion {
    let mut out = TrustVersion::default();
    for (cc, c) in &candidate.countries {
        let auto = !refused && policy(&c.source) == Policy::Auto;
        let entry = match (auto, active.countries.get(cc)) {
            (true, _) => Some(c.clone()),
            (false, Some(a)) if a.source == c.source => Some(a.narrowed_to(c)),
            // A new country (or one moved to another source) under review waits.
            (false, _) => None,
        };
        if let Some(e) = entry {
            out.countries.insert(cc.clone(), e);
        }
    }
    out
}

impl Workflow {
    pub fn new(records: Arc<dyn RecordStore>, keep: usize) -> Self {
        Workflow {
            records,
            keep: keep.max(2),
        }
    }

    async fn load(&self, id: &str) -> Result<TrustVersion, Error> {
        let bytes = self
            .records
            .get_record(KIND_VERSION, id)
            .await?
            .ok_or_else(|| Error::UnknownVersion(id.to_owned()))?;
        let v: TrustVersion = serde_json::from_slice(&bytes).map_err(|_| Error::Corrupt)?;
        // Content-addressed: a record that does not hash to its name is not that version.
        if v.id() != id {
            return Err(Error::Corrupt);
        }
        Ok(v)
    }

    async fn store(&self, v: &TrustVersion) -> Result<String, Error> {
        let id = v.id();
        self.records
            .put_record(KIND_VERSION, &id, &v.canonical())
            .await?;
        Ok(id)
    }

    /// The active version, if any.
    pub async fn active(&self) -> Result<Option<(String, TrustVersion)>, Error> {
        match self.records.pointer(ACTIVE).await? {
            Some(id) => Ok(Some((id.clone(), self.load(&id).await?))),
            None => Ok(None),
        }
    }

    /// The active version's id, without reading the version.
    pub async fn active_id(&self) -> Result<Option<String>, Error> {
        Ok(self
            .records
            .pointer(ACTIVE)
            .await?
            .filter(|s| !s.is_empty()))
    }

    /// The staged version's id, without reading the version.
    pub async fn staged_id(&self) -> Result<Option<String>, Error> {
        Ok(self
            .records
            .pointer(STAGED)
            .await?
            .filter(|s| !s.is_empty()))
    }

    /// Whether `instance` may propose versions now: one instance at a time does, so that
    /// instances whose fetches are a moment apart do not undo each other's proposals. A lease of
    /// `lease` seconds in the store, renewed by its holder when half has passed; when the holder
    /// stops renewing (it died), another instance takes over after the lease.
    pub async fn lead(&self, instance: &str, now: i64, lease: i64) -> Result<bool, Error> {
        let current = self.records.pointer(LEADER).await?;
        let (holder, until) = current
            .as_deref()
            .and_then(|v| v.split_once(' '))
            .map_or(("", 0), |(h, u)| (h, u.parse::<i64>().unwrap_or(0)));
        if holder == instance && until - now > lease / 2 {
            return Ok(true);
        }
        if holder != instance && !holder.is_empty() && until > now {
            return Ok(false);
        }
        let new = format!("{instance} {}", now.saturating_add(lease));
        Ok(self
            .records
            .swap_pointer(LEADER, current.as_deref(), &new)
            .await?)
    }

    /// A follower verified newer metadata for `codes` than the active version has: asks the
    /// lease holder to fetch those countries now rather than at their next refresh.
    pub async fn request_recheck(&self, codes: &[String]) -> Result<(), Error> {
        let current = self.records.pointer(RECHECK).await?;
        let mut all: Vec<String> = current
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        let before = all.len();
        for c in codes {
            if !all.contains(c) {
                all.push(c.clone());
            }
        }
        if all.len() == before {
            return Ok(());
        }
        // A lost race only delays the request to the next tick.
        let _ = self
            .records
            .swap_pointer(RECHECK, current.as_deref(), &all.join(","))
            .await?;
        Ok(())
    }

    /// The countries followers asked the lease holder to fetch now (cleared).
    pub async fn take_recheck(&self) -> Result<Vec<String>, Error> {
        let current = self.records.pointer(RECHECK).await?;
        let Some(text) = current.filter(|c| !c.is_empty()) else {
            return Ok(Vec::new());
        };
        if !self.records.swap_pointer(RECHECK, Some(&text), "").await? {
            return Ok(Vec::new());
        }
        Ok(text.split(',').map(str::to_owned).collect())
    }

    /// The version waiting for review, if any.
    pub async fn staged(&self) -> Result<Option<(String, TrustVersion)>, Error> {
        match self.records.pointer(STAGED).await? {
            Some(id) if !id.is_empty() => Ok(Some((id.clone(), self.load(&id).await?))),
            _ => Ok(None),
        }
    }

    pub async fn history(&self) -> Result<Vec<HistoryEntry>, Error> {
        Ok(self.history_raw().await?.1)
    }

    async fn history_raw(&self) -> Result<(Option<String>, Vec<HistoryEntry>), Error> {
        let raw = self
            .records
            .pointer(HISTORY)
            .await?
            .filter(|s| !s.is_empty());
        let h = match &raw {
            Some(text) => serde_json::from_str(text).map_err(|_| Error::Corrupt)?,
            None => Vec::new(),
        };
        Ok((raw, h))
    }

    /// Why automatic activation is suspended (a rollback), if it is.
    pub async fn hold(&self) -> Result<Option<String>, Error> {
        Ok(self.records.pointer(HOLD).await?.filter(|s| !s.is_empty()))
    }

    async fn log(&self, id: &str, action: &str, by: &str, at: i64) -> Result<(), Error> {
        let mut attempts = 0;
        let (h, dropped) = loop {
            let (raw, mut h) = self.history_raw().await?;
            h.push(HistoryEntry {
                id: id.to_owned(),
                action: action.to_owned(),
                by: by.to_owned(),
                at,
            });
            let skip = h.len().saturating_sub(self.keep * 4);
            let dropped: Vec<HistoryEntry> = h.drain(..skip).collect();
            let text = serde_json::to_string(&h).map_err(|_| Error::Corrupt)?;
            if self
                .records
                .swap_pointer(HISTORY, raw.as_deref(), &text)
                .await?
            {
                break (h, dropped);
            }
            attempts += 1;
            if attempts >= 8 {
                return Err(Error::Conflict);
            }
        };
        // Versions the history no longer names (and nothing points at) cannot be rolled back
        // to any more: their records go, so the store does not grow for ever.
        let pinned = [self.active_id().await?, self.staged_id().await?];
        for old in dropped {
            if !h.iter().any(|e| e.id == old.id) && !pinned.iter().flatten().any(|p| *p == old.id) {
                self.records.delete_record(KIND_VERSION, &old.id).await?;
            }
        }
        Ok(())
    }

    async fn activate(&self, expected: Option<&str>, id: &str) -> Result<(), Error> {
        if self.records.swap_pointer(ACTIVE, expected, id).await? {
            Ok(())
        } else {
            Err(Error::Conflict)
        }
    }

    /// A refresh verified `candidate` (at `now`, Unix seconds); apply each source's policy.
    ///
    /// What becomes active: every country of an `Auto` source as the candidate has it; for a
    /// `Review` source, the active entry with only what the candidate *removes* taken away
    /// (removals never wait); countries the candidate lacks leave. What the candidate adds under
    /// `Review` is staged for an operator, unless this very version was rejected or rolled back
    /// from before (then only its removals apply, and it is not staged again).
    pub async fn propose(
        &self,
        candidate: TrustVersion,
        policy: &(dyn Fn(&str) -> Policy + Sync),
        now: i64,
    ) -> Result<Proposed, Error> {
        let active = self.active().await?;
        let id = candidate.id();
        let Some((aid, a)) = active else {
            // Nothing active yet (a first start): serve what was verified.
            self.store(&candidate).await?;
            self.activate(None, &id).await?;
            self.log(&id, "activated", "refresh", now).await?;
            return Ok(Proposed::Changed {
                previous: None,
                active: id,
                activated: TrustVersion::default().diff(&candidate),
                staged: None,
            });
        };
        if id == aid {
            return Ok(Proposed::Unchanged);
        }
        let refused =
            self.history().await?.iter().any(|h| {
                h.id == id && matches!(h.action.as_str(), "rejected" | "rolled_back_from")
            });
        // After a rollback every source is under review until an operator approves again:
        // neither an `auto` source nor an unrelated change brings back what was rolled back.
        let held = self.hold().await?.is_some();
        let review: &(dyn Fn(&str) -> Policy + Sync) = &|_| Policy::Review;
        let policy = if held { review } else { policy };
        let target = merge(&a, &candidate, policy, refused);
        let tid = target.id();
        let staged_now = self
            .records
            .pointer(STAGED)
            .await?
            .filter(|s| !s.is_empty());
        let want_stage = (tid != id && !refused).then(|| id.clone());
        if tid == aid && want_stage == staged_now {
            return Ok(Proposed::Unchanged);
        }
        let mut activated = Diff::default();
        if tid != aid {
            self.store(&target).await?;
            self.activate(Some(&aid), &tid).await?;
            let action = if tid == id {
                "activated"
            } else {
                "removals_applied"
            };
            self.log(&tid, action, "refresh", now).await?;
            activated = a.diff(&target);
        }
        let mut staged = None;
        if want_stage != staged_now {
            if want_stage.is_some() {
                self.store(&candidate).await?;
            }
            let new = want_stage.clone().unwrap_or_default();
            let expected = self.records.pointer(STAGED).await?;
            if !self
                .records
                .swap_pointer(STAGED, expected.as_deref(), &new)
                .await?
            {
                return Err(Error::Conflict);
            }
            if let Some(sid) = want_stage {
                self.log(&sid, "staged", "refresh", now).await?;
                staged = Some((sid, target.diff(&candidate)));
            }
        }
        Ok(Proposed::Changed {
            previous: Some(aid),
            active: tid,
            activated,
            staged,
        })
    }

    /// A stored version by id (content-addressed: checked against its name).
    pub async fn version(&self, id: &str) -> Result<TrustVersion, Error> {
        self.load(id).await
    }

    /// The versions the history names, newest first, without repeats.
    pub async fn known_ids(&self) -> Result<Vec<String>, Error> {
        let mut out: Vec<String> = Vec::new();
        for h in self.history().await?.into_iter().rev() {
            if !out.contains(&h.id) {
                out.push(h.id);
            }
        }
        Ok(out)
    }

    /// The operator `by` approves the staged version `id`: it becomes active.
    pub async fn approve(&self, id: &str, by: &str, now: i64) -> Result<(), Error> {
        if self.records.pointer(STAGED).await?.as_deref() != Some(id) {
            return Err(Error::NotStaged(id.to_owned()));
        }
        self.load(id).await?;
        let active = self.records.pointer(ACTIVE).await?;
        self.activate(active.as_deref(), id).await?;
        // Clear the stage only if it still names what was approved.
        let _ = self.records.swap_pointer(STAGED, Some(id), "").await?;
        // An approval ends a rollback's hold: the policies apply again.
        if let Some(h) = self.records.pointer(HOLD).await?.filter(|h| !h.is_empty()) {
            let _ = self.records.swap_pointer(HOLD, Some(&h), "").await?;
        }
        self.log(id, "approved", by, now).await
    }

    /// The operator `by` rejects the staged version `id`: nothing changes but the stage.
    pub async fn reject(&self, id: &str, by: &str, now: i64) -> Result<(), Error> {
        if !self.records.swap_pointer(STAGED, Some(id), "").await? {
            return Err(Error::NotStaged(id.to_owned()));
        }
        self.log(id, "rejected", by, now).await
    }

    /// The operator `by` makes an earlier version `id` active again: only one that was active
    /// before (never a staged one that was not approved: that is `approve`); the caller checks
    /// it is still vouched for. Until the next approval every source is under review.
    pub async fn rollback(&self, id: &str, by: &str, now: i64) -> Result<(), Error> {
        let was_active = self.history().await?.iter().any(|h| {
            h.id == id
                && matches!(
                    h.action.as_str(),
                    "activated" | "approved" | "rolled_back" | "removals_applied"
                )
        });
        if !was_active {
            return Err(Error::UnknownVersion(id.to_owned()));
        }
        self.load(id).await?;
        let active = self.records.pointer(ACTIVE).await?;
        self.activate(active.as_deref(), id).await?;
        let hold = self.records.pointer(HOLD).await?;
        let _ = self
            .records
            .swap_pointer(
                HOLD,
                hold.as_deref(),
                &format!("rolled back to {} by {by}", id.get(..12).unwrap_or(id)),
            )
            .await?;
        // The version left behind is not re-activated by the next refresh that verifies it
        // again: an operator rolled back from it on purpose.
        if let Some(from) = active.filter(|a| a != id) {
            self.log(&from, "rolled_back_from", by, now).await?;
        }
        self.log(id, "rolled_back", by, now).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use std::collections::BTreeSet;

    use super::super::version::{Change, CountryTrust, KeyInfo};
    use super::*;
    use crate::store::memory::MemoryBackend;
    use crate::store::{SealedRecords, Sealer};

    fn records() -> Arc<dyn RecordStore> {
        Arc::new(SealedRecords::new(
            Arc::new(MemoryBackend::new()),
            Sealer::random().unwrap(),
        ))
    }

    fn key(f: &str) -> KeyInfo {
        KeyInfo {
            fingerprint: f.into(),
            subject: None,
            not_after: None,
        }
    }

    fn country(keys: &[&str]) -> CountryTrust {
        CountryTrust {
            source: "mdsl".into(),
            entity_id: "https://xa.example/md".into(),
            sso_post_url: Some("https://xa.example/sso".into()),
            signing_keys: keys.iter().map(|k| key(k)).collect(),
            encryption_certificates: BTreeSet::new(),
            loas: ["high".to_owned()].into(),
            attributes: ["a".to_owned()].into(),
            signing_methods: BTreeSet::new(),
            digest_methods: BTreeSet::new(),
            protocol_versions: BTreeSet::new(),
            requester_id_flag: false,
        }
    }

    fn v(entries: &[(&str, &[&str])]) -> TrustVersion {
        TrustVersion {
            countries: entries
                .iter()
                .map(|(cc, keys)| ((*cc).to_owned(), country(keys)))
                .collect(),
        }
    }

    const REVIEW: &(dyn Fn(&str) -> Policy + Sync) = &|_| Policy::Review;
    const AUTO: &(dyn Fn(&str) -> Policy + Sync) = &|_| Policy::Auto;

    fn staged_of(p: &Proposed) -> Option<(String, Diff)> {
        match p {
            Proposed::Changed { staged, .. } => staged.clone(),
            Proposed::Unchanged => None,
        }
    }

    #[tokio::test]
    async fn auto_activates_and_review_stages_until_approved() {
        let w = Workflow::new(records(), 10);
        let first = v(&[("XA", &["k1"])]);
        let p = w.propose(first.clone(), REVIEW, 1).await.unwrap();
        assert!(p.moved(), "nothing active yet: serve what was verified");
        assert_eq!(w.active().await.unwrap().unwrap().0, first.id());
        assert_eq!(
            w.propose(first.clone(), REVIEW, 2).await.unwrap(),
            Proposed::Unchanged
        );
        // A new key and a new country: staged, the active set unchanged.
        let second = v(&[("XA", &["k1", "k2"]), ("XB", &["k9"])]);
        let p = w.propose(second.clone(), REVIEW, 3).await.unwrap();
        assert!(!p.moved(), "{p:?}");
        let (id, diff) = staged_of(&p).unwrap();
        assert_eq!(id, second.id());
        assert_eq!(diff.changes.len(), 2);
        assert_eq!(w.active().await.unwrap().unwrap().0, first.id());
        assert_eq!(w.staged().await.unwrap().unwrap().0, id);
        // Verifying the same again stages nothing new and writes no history.
        assert_eq!(
            w.propose(second.clone(), REVIEW, 4).await.unwrap(),
            Proposed::Unchanged
        );
        // Approving something else is refused; approving the staged id activates it.
        assert!(matches!(
            w.approve(&first.id(), "op", 4).await,
            Err(Error::NotStaged(_))
        ));
        w.approve(&id, "alice", 5).await.unwrap();
        assert_eq!(w.active().await.unwrap().unwrap().1, second);
        assert_eq!(w.staged().await.unwrap(), None);
        // Auto: at once.
        let third = v(&[("XA", &["k2"])]);
        let p = w.propose(third.clone(), AUTO, 6).await.unwrap();
        assert!(p.moved());
        assert_eq!(w.active().await.unwrap().unwrap().0, third.id());
        let actions: Vec<String> = w
            .history()
            .await
            .unwrap()
            .into_iter()
            .map(|h| format!("{}:{}", h.action, h.by))
            .collect();
        assert_eq!(
            actions,
            [
                "activated:refresh",
                "staged:refresh",
                "approved:alice",
                "activated:refresh"
            ]
        );
    }

    #[tokio::test]
    async fn removals_never_wait_for_review() {
        let w = Workflow::new(records(), 10);
        w.propose(v(&[("XA", &["k1", "k2"]), ("XB", &["k9"])]), AUTO, 1)
            .await
            .unwrap();
        // XB withdrawn, k1 revoked, k3 added: the removals apply now, the addition waits.
        let candidate = v(&[("XA", &["k2", "k3"])]);
        let p = w.propose(candidate.clone(), REVIEW, 2).await.unwrap();
        assert!(p.moved());
        let Proposed::Changed {
            active: reduced,
            activated,
            ..
        } = &p
        else {
            panic!("{p:?}")
        };
        assert!(
            activated.changes.iter().all(Change::removes_trust),
            "{activated:?}"
        );
        let (active_id, active) = w.active().await.unwrap().unwrap();
        assert_eq!(&active_id, reduced);
        assert_eq!(active, v(&[("XA", &["k2"])]));
        assert_eq!(staged_of(&p).unwrap().0, candidate.id());
        // Rejecting the addition leaves the reduced set active, and the same candidate
        // verified again is not staged again.
        w.reject(&candidate.id(), "bob", 3).await.unwrap();
        assert_eq!(&w.active().await.unwrap().unwrap().0, reduced);
        assert!(w.reject(&candidate.id(), "bob", 4).await.is_err());
        assert_eq!(
            w.propose(candidate.clone(), REVIEW, 5).await.unwrap(),
            Proposed::Unchanged
        );
        assert_eq!(w.staged().await.unwrap(), None);
    }

    #[tokio::test]
    async fn versions_that_leave_the_history_are_deleted() {
        let store = records();
        let w = Workflow::new(store.clone(), 2);
        let mut ids = Vec::new();
        for i in 0..12 {
            let version = v(&[("XA", &[format!("k{i}").as_str()])]);
            ids.push(version.id());
            w.propose(version, AUTO, i).await.unwrap();
        }
        // keep = 2: the history holds 8 entries, so the first four versions are gone.
        assert_eq!(w.history().await.unwrap().len(), 8);
        for old in &ids[..4] {
            assert!(store.get_record(KIND_VERSION, old).await.unwrap().is_none());
            assert!(matches!(
                w.rollback(old, "op", 99).await,
                Err(Error::UnknownVersion(_))
            ));
        }
        for kept in &ids[4..] {
            assert!(store
                .get_record(KIND_VERSION, kept)
                .await
                .unwrap()
                .is_some());
        }
        assert_eq!(w.active().await.unwrap().unwrap().0, ids[11]);
    }

    #[tokio::test]
    async fn each_source_has_its_own_policy() {
        let w = Workflow::new(records(), 10);
        let mut first = v(&[("XA", &["k1"]), ("XB", &["k9"])]);
        first.countries.get_mut("XB").unwrap().source = "auto-list".into();
        w.propose(first.clone(), AUTO, 1).await.unwrap();
        // Both gain a key: XB's source activates at once, XA's (review) waits.
        let mut second = v(&[("XA", &["k1", "k2"]), ("XB", &["k9", "k8"])]);
        second.countries.get_mut("XB").unwrap().source = "auto-list".into();
        let policy = |s: &str| {
            if s == "auto-list" {
                Policy::Auto
            } else {
                Policy::Review
            }
        };
        let p = w.propose(second.clone(), &policy, 2).await.unwrap();
        let (_, active) = w.active().await.unwrap().unwrap();
        assert_eq!(active.countries["XB"], second.countries["XB"]);
        assert_eq!(active.countries["XA"], first.countries["XA"]);
        assert_eq!(staged_of(&p).unwrap().0, second.id());
    }

    #[tokio::test]
    async fn rollback_goes_to_a_known_version_and_concurrent_approvals_have_one_winner() {
        let store = records();
        let (a, b) = (Workflow::new(store.clone(), 10), Workflow::new(store, 10));
        let first = v(&[("XA", &["k1"])]);
        a.propose(first.clone(), AUTO, 1).await.unwrap();
        let second = v(&[("XA", &["k1", "k2"])]);
        let p = a.propose(second.clone(), REVIEW, 2).await.unwrap();
        let (id, _) = staged_of(&p).unwrap();
        // Two instances approve at once: exactly one succeeds.
        let (ra, rb) = tokio::join!(a.approve(&id, "alice", 3), b.approve(&id, "bob", 3));
        assert_eq!(
            usize::from(ra.is_ok()) + usize::from(rb.is_ok()),
            1,
            "{ra:?} {rb:?}"
        );
        assert_eq!(b.active().await.unwrap().unwrap().0, id);
        // Back to the first version, on every instance.
        b.rollback(&first.id(), "carol", 4).await.unwrap();
        assert_eq!(a.active().await.unwrap().unwrap().0, first.id());
        assert!(matches!(
            a.rollback("0000", "carol", 5).await,
            Err(Error::UnknownVersion(_))
        ));
        // The next refresh verifies the rolled-back-from version again: even under `auto` it
        // does not return by itself.
        assert_eq!(
            a.propose(second.clone(), AUTO, 6).await.unwrap(),
            Proposed::Unchanged
        );
        assert_eq!(a.active().await.unwrap().unwrap().0, first.id());
        // Nor does an unrelated change bring it back: after a rollback everything waits for
        // review until an operator approves again, whatever the policy.
        assert!(a.hold().await.unwrap().unwrap().contains("by carol"));
        let third = v(&[("XA", &["k1", "k3"])]);
        let p = a.propose(third.clone(), AUTO, 7).await.unwrap();
        assert!(!p.moved(), "{p:?}");
        assert_eq!(staged_of(&p).unwrap().0, third.id());
        a.approve(&third.id(), "dave", 8).await.unwrap();
        assert_eq!(a.hold().await.unwrap(), None);
        let fourth = v(&[("XA", &["k1", "k3", "k4"])]);
        assert!(a.propose(fourth.clone(), AUTO, 9).await.unwrap().moved());
        assert_eq!(a.known_ids().await.unwrap().first(), Some(&fourth.id()));
        // A staged version that was never active is approved, not rolled back to.
        let fifth = v(&[("XA", &["k5"]), ("XB", &["k6"])]);
        let p = a.propose(fifth.clone(), REVIEW, 10).await.unwrap();
        let (sid, _) = staged_of(&p).unwrap();
        assert!(matches!(
            a.rollback(&sid, "erin", 11).await,
            Err(Error::UnknownVersion(_))
        ));
    }
}
