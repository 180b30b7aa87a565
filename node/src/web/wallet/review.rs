//! Review of PID-provider list changes (`activation = "review"` on a `[[wallet.lists]]` entry),
//! as for countries: what a newly verified list *adds* (a provider, an anchor) waits for an
//! operator's approval; what it *removes* leaves at once. The approval names, per provider
//! (`CC/id`), the anchors approved by SHA-256 fingerprint, and is kept in the durable store so
//! every instance applies it; each instance still verifies the list itself and serves only what
//! it verified *and* the approval allows (the store chooses among verified trust, never adds).
//!
//! Must not: verify lists (that is `wallet::lote`) or decide schedules (`providers`).

use std::collections::{BTreeMap, BTreeSet};

use openssl::x509::X509;
use serde::{Deserialize, Serialize};

use crate::store::RecordStore;
use crate::wallet::lote::{ListedProvider, ProviderList};

/// The durable records' kind; ids are `{list}/approved` and `{list}/staged`.
const KIND: &str = "wallet-list";

/// What an operator approved of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// Hex SHA-256 of the approved list's signed payload.
    pub digest: String,
    pub sequence: u64,
    /// Per provider (`CC/id`), the approved anchors' SHA-256 fingerprints (PID anchors and
    /// status-list signers alike).
    pub providers: BTreeMap<String, BTreeSet<String>>,
    pub by: String,
    /// Unix seconds.
    pub at: i64,
}

/// A verified list that adds trust, waiting for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staged {
    pub digest: String,
    pub sequence: u64,
    /// What it adds, for the operator: `CC/id` and the certificate's fingerprint and subject.
    pub adds: Vec<String>,
    /// Unix seconds.
    pub at: i64,
}

pub fn digest_hex(list: &ProviderList) -> String {
    crate::hex::encode(&list.digest)
}

fn key(p: &ListedProvider) -> String {
    format!("{}/{}", p.country, p.id)
}

fn fingerprint(c: &X509) -> String {
    crate::keys::cert_fingerprint(c)
}

/// What an approval of `list` records.
pub fn approval_of(list: &ProviderList, by: &str, at: i64) -> Approval {
    Approval {
        digest: digest_hex(list),
        sequence: list.sequence,
        providers: list
            .providers
            .iter()
            .map(|p| {
                (
                    key(p),
                    p.anchors
                        .iter()
                        .chain(&p.status_signers)
                        .map(fingerprint)
                        .collect(),
                )
            })
            .collect(),
        by: by.to_owned(),
        at,
    }
}

/// What `list` adds beyond `approval` (everything, without one).
pub fn additions(list: &ProviderList, approval: Option<&Approval>) -> Vec<String> {
    let mut adds = Vec::new();
    for p in &list.providers {
        let approved = approval.and_then(|a| a.providers.get(&key(p)));
        for c in p.anchors.iter().chain(&p.status_signers) {
            let fp = fingerprint(c);
            if !approved.is_some_and(|set| set.contains(&fp)) {
                adds.push(format!(
                    "{} {}… ({})",
                    key(p),
                    fp.get(..16).unwrap_or_default(),
                    crate::trust::subject_text(c)
                ));
            }
        }
    }
    adds
}

/// `p` as far as `approval` allows it: its approved anchors and status signers, or `None` when
/// no anchor of it is approved.
pub fn allowed(p: &ListedProvider, approval: Option<&Approval>) -> Option<(Vec<X509>, Vec<X509>)> {
    let approved = approval?.providers.get(&key(p))?;
    let keep = |cs: &[X509]| -> Vec<X509> {
        cs.iter()
            .filter(|c| approved.contains(&fingerprint(c)))
            .cloned()
            .collect()
    };
    let anchors = keep(&p.anchors);
    (!anchors.is_empty()).then(|| (anchors, keep(&p.status_signers)))
}

/// The list's approval and staged change as the store has them.
pub async fn read(
    records: &dyn RecordStore,
    list: &str,
) -> Result<(Option<Approval>, Option<Staged>), crate::store::Error> {
    let approval = get(records, format!("{list}/approved")).await?;
    let staged = get(records, format!("{list}/staged")).await?;
    Ok((approval, staged))
}

/// One record, read; an unreadable one approves nothing (fail closed), and says so.
async fn get<T: serde::de::DeserializeOwned>(
    records: &dyn RecordStore,
    id: String,
) -> Result<Option<T>, crate::store::Error> {
    let bytes = records.get_record(KIND, &id).await?;
    Ok(bytes.and_then(|b| {
        serde_json::from_slice(&b)
            .map_err(|e| tracing::warn!(record = %id, error = %e, "wallet list record unreadable; ignored"))
            .ok()
    }))
}

pub async fn write_approval(
    records: &dyn RecordStore,
    list: &str,
    approval: &Approval,
) -> Result<(), String> {
    let bytes = serde_json::to_vec(approval).map_err(|e| e.to_string())?;
    records
        .put_record(KIND, &format!("{list}/approved"), &bytes)
        .await
        .map_err(|e| e.to_string())?;
    records
        .delete_record(KIND, &format!("{list}/staged"))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Records (or, with `None`, clears) the change waiting for review.
pub async fn write_staged(
    records: &dyn RecordStore,
    list: &str,
    staged: Option<&Staged>,
) -> Result<(), String> {
    let id = format!("{list}/staged");
    match staged {
        Some(s) => {
            let bytes = serde_json::to_vec(s).map_err(|e| e.to_string())?;
            records.put_record(KIND, &id, &bytes).await
        }
        None => records.delete_record(KIND, &id).await.map(|_| ()),
    }
    .map_err(|e| e.to_string())
}
