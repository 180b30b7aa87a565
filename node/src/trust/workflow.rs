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

use super::version::{CountryTrust, Diff, TrustVersion};
use crate::store::RecordStore;

const KIND_VERSION: &str = "trust-version";
const KIND_HISTORY: &str = "trust-history";
const ACTIVE: &str = "trust/active";
const STAGED: &str = "trust/staged";

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    Auto,
    Review,
}

/// What a proposal did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposed {
    /// The candidate is what is active.
    Unchanged,
    Activated {
        id: String,
    },
    /// Under `Review`: the candidate waits for approval; `removals_applied` names the version
    /// made active at once with only its removals, when it removed anything.
    Staged {
        id: String,
        diff: Diff,
        removals_applied: Option<String>,
    },
}

/// One entry of the history, newest last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: String,
    /// `activated`, `staged`, `approved`, `rejected`, `rolled_back`, `removals_applied`.
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

/// `active` with everything `candidate` takes away taken away, and nothing it adds.
fn removals_only(active: &TrustVersion, candidate: &TrustVersion) -> TrustVersion {
    let mut out = TrustVersion::default();
    for (cc, a) in &active.countries {
        let Some(c) = candidate.countries.get(cc) else {
            continue;
        };
        let keep = |x: &std::collections::BTreeSet<_>, y: &std::collections::BTreeSet<_>| {
            x.intersection(y).cloned().collect()
        };
        let mut kept: CountryTrust = a.clone();
        kept.signing_keys = keep(&a.signing_keys, &c.signing_keys);
        kept.encryption_certificates = keep(&a.encryption_certificates, &c.encryption_certificates);
        kept.loas = a.loas.intersection(&c.loas).cloned().collect();
        kept.attributes = a.attributes.intersection(&c.attributes).cloned().collect();
        kept.signing_methods = a
            .signing_methods
            .intersection(&c.signing_methods)
            .cloned()
            .collect();
        kept.digest_methods = a
            .digest_methods
            .intersection(&c.digest_methods)
            .cloned()
            .collect();
        kept.protocol_versions = a
            .protocol_versions
            .intersection(&c.protocol_versions)
            .cloned()
            .collect();
        out.countries.insert(cc.clone(), kept);
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

    /// The version waiting for review, if any.
    pub async fn staged(&self) -> Result<Option<(String, TrustVersion)>, Error> {
        match self.records.pointer(STAGED).await? {
            Some(id) if !id.is_empty() => Ok(Some((id.clone(), self.load(&id).await?))),
            _ => Ok(None),
        }
    }

    pub async fn history(&self) -> Result<Vec<HistoryEntry>, Error> {
        match self.records.get_record(KIND_HISTORY, "log").await? {
            Some(b) => serde_json::from_slice(&b).map_err(|_| Error::Corrupt),
            None => Ok(Vec::new()),
        }
    }

    async fn log(&self, id: &str, action: &str, by: &str, at: i64) -> Result<(), Error> {
        let mut h = self.history().await?;
        h.push(HistoryEntry {
            id: id.to_owned(),
            action: action.to_owned(),
            by: by.to_owned(),
            at,
        });
        let skip = h.len().saturating_sub(self.keep * 4);
        let h: Vec<HistoryEntry> = h.into_iter().skip(skip).collect();
        let bytes = serde_json::to_vec(&h).map_err(|_| Error::Corrupt)?;
        self.records.put_record(KIND_HISTORY, "log", &bytes).await?;
        Ok(())
    }

    async fn activate(&self, expected: Option<&str>, id: &str) -> Result<(), Error> {
        if self.records.swap_pointer(ACTIVE, expected, id).await? {
            Ok(())
        } else {
            Err(Error::Conflict)
        }
    }

    /// A refresh verified `candidate` (at `now`, Unix seconds); apply `policy`.
    pub async fn propose(
        &self,
        candidate: TrustVersion,
        policy: Policy,
        now: i64,
    ) -> Result<Proposed, Error> {
        let active = self.active().await?;
        let active_id = active.as_ref().map(|(id, _)| id.clone());
        let id = candidate.id();
        if active_id.as_deref() == Some(id.as_str()) {
            return Ok(Proposed::Unchanged);
        }
        self.store(&candidate).await?;
        let (Policy::Review, Some((aid, a))) = (policy, active) else {
            // Auto, or nothing active yet (a first start serves what it verified).
            self.activate(active_id.as_deref(), &id).await?;
            self.log(&id, "activated", "refresh", now).await?;
            return Ok(Proposed::Activated { id });
        };
        let diff = a.diff(&candidate);
        let mut removals_applied = None;
        if diff.changes.iter().any(|c| c.removes_trust()) {
            let reduced = removals_only(&a, &candidate);
            let rid = self.store(&reduced).await?;
            if rid != aid {
                self.activate(Some(&aid), &rid).await?;
                self.log(&rid, "removals_applied", "refresh", now).await?;
                removals_applied = Some(rid);
            }
        }
        let previous = self.records.pointer(STAGED).await?;
        if !self
            .records
            .swap_pointer(STAGED, previous.as_deref(), &id)
            .await?
        {
            return Err(Error::Conflict);
        }
        self.log(&id, "staged", "refresh", now).await?;
        Ok(Proposed::Staged {
            id,
            diff,
            removals_applied,
        })
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
        self.log(id, "approved", by, now).await
    }

    /// The operator `by` rejects the staged version `id`: nothing changes but the stage.
    pub async fn reject(&self, id: &str, by: &str, now: i64) -> Result<(), Error> {
        if !self.records.swap_pointer(STAGED, Some(id), "").await? {
            return Err(Error::NotStaged(id.to_owned()));
        }
        self.log(id, "rejected", by, now).await
    }

    /// The operator `by` makes an earlier version `id` active again. Only versions the history
    /// knows; the caller checks that it is still valid (its validUntil) before asking.
    pub async fn rollback(&self, id: &str, by: &str, now: i64) -> Result<(), Error> {
        let known = self.history().await?.iter().any(|h| h.id == id);
        if !known {
            return Err(Error::UnknownVersion(id.to_owned()));
        }
        self.load(id).await?;
        let active = self.records.pointer(ACTIVE).await?;
        self.activate(active.as_deref(), id).await?;
        self.log(id, "rolled_back", by, now).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use std::collections::BTreeSet;

    use super::super::version::KeyInfo;
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
            valid_until: None,
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

    #[tokio::test]
    async fn auto_activates_and_review_stages_until_approved() {
        let w = Workflow::new(records(), 10);
        let first = v(&[("XA", &["k1"])]);
        assert_eq!(
            w.propose(first.clone(), Policy::Review, 1).await.unwrap(),
            Proposed::Activated { id: first.id() },
            "nothing active yet: serve what was verified"
        );
        assert_eq!(
            w.propose(first.clone(), Policy::Review, 2).await.unwrap(),
            Proposed::Unchanged
        );
        // A new key and a new country: staged, the active set unchanged.
        let second = v(&[("XA", &["k1", "k2"]), ("XB", &["k9"])]);
        let Proposed::Staged {
            id,
            diff,
            removals_applied,
        } = w.propose(second.clone(), Policy::Review, 3).await.unwrap()
        else {
            panic!("staged expected")
        };
        assert_eq!(removals_applied, None);
        assert_eq!(diff.changes.len(), 2);
        assert_eq!(w.active().await.unwrap().unwrap().0, first.id());
        assert_eq!(w.staged().await.unwrap().unwrap().0, id);
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
        assert_eq!(
            w.propose(third.clone(), Policy::Auto, 6).await.unwrap(),
            Proposed::Activated { id: third.id() }
        );
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
        w.propose(
            v(&[("XA", &["k1", "k2"]), ("XB", &["k9"])]),
            Policy::Auto,
            1,
        )
        .await
        .unwrap();
        // XB withdrawn, k1 revoked, k3 added: the removals apply now, the addition waits.
        let candidate = v(&[("XA", &["k2", "k3"])]);
        let Proposed::Staged {
            removals_applied: Some(reduced),
            ..
        } = w
            .propose(candidate.clone(), Policy::Review, 2)
            .await
            .unwrap()
        else {
            panic!("staged with removals expected")
        };
        let (active_id, active) = w.active().await.unwrap().unwrap();
        assert_eq!(active_id, reduced);
        assert_eq!(active, v(&[("XA", &["k2"])]));
        // Rejecting the addition leaves the reduced set active.
        w.reject(&candidate.id(), "bob", 3).await.unwrap();
        assert_eq!(w.active().await.unwrap().unwrap().0, reduced);
        assert!(w.reject(&candidate.id(), "bob", 4).await.is_err());
    }

    #[tokio::test]
    async fn rollback_goes_to_a_known_version_and_concurrent_approvals_have_one_winner() {
        let store = records();
        let (a, b) = (Workflow::new(store.clone(), 10), Workflow::new(store, 10));
        let first = v(&[("XA", &["k1"])]);
        a.propose(first.clone(), Policy::Auto, 1).await.unwrap();
        let second = v(&[("XA", &["k1", "k2"])]);
        let Proposed::Staged { id, .. } = a.propose(second, Policy::Review, 2).await.unwrap()
        else {
            panic!("staged expected")
        };
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
    }
}
