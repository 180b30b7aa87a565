//! Metadata Service Lists as trust sources (eidas-requirements §4, "MDSL" and the connector
//! algorithm): a list signed by a Member State's operator names, per territory, where each
//! Proxy-Service's metadata is and which certificates sign it. A verified list becomes one
//! [`Source`] per territory in the list's configured scope; the country's metadata is then
//! fetched and verified exactly as a configured country's.
//!
//! Refused, each with a note for `check` and the log: a territory outside the scope, a
//! suspended list or endpoint (skipped by [`ServiceList::proxy_services`]), an entry without
//! certificates or with a location that is not HTTPS, and a list whose IssueDate is older than
//! the active one from the same source (a replayed old list).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::settings::ListSettings;
use super::{load_trust, parse_location, Error, Location, Source};
use crate::saml::crypto::SignaturePolicy;
use crate::saml::mdsl::ServiceList;
use crate::saml::metadata::{MetadataTrust, ProxyService};

/// One configured service list.
#[derive(Debug, Clone)]
pub struct ListSource {
    pub kind: super::settings::ListKind,
    pub name: String,
    pub location: Location,
    pub trust: MetadataTrust,
    pub policy: SignaturePolicy,
    /// The territories it may vouch for.
    pub territories: BTreeSet<String>,
    pub test: bool,
    /// How changes from this list go live.
    pub activation: super::workflow::Policy,
    /// Display names per territory, by language.
    pub names: BTreeMap<String, BTreeMap<String, String>>,
    /// Anchored list signer: a CRL of its chain that cannot be obtained refuses the list.
    pub revocation_required: bool,
}

impl ListSource {
    pub fn from_settings(
        lists: &[ListSettings],
        resolve: &dyn Fn(&Path) -> PathBuf,
    ) -> Result<Vec<ListSource>, Vec<Error>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for l in lists {
            let bad = |problem: String| Error::List {
                name: l.name.clone(),
                problem,
            };
            let built = (|| {
                if l.territories.is_empty() {
                    return Err(bad(
                        "territories is empty: a list is trusted only for the countries given"
                            .into(),
                    ));
                }
                Ok(ListSource {
                    kind: l.kind,
                    name: l.name.clone(),
                    location: parse_location(&l.location, resolve).map_err(&bad)?,
                    trust: load_trust(&l.signer_cert_paths, &l.anchor_cert_paths, resolve)
                        .map_err(&bad)?,
                    policy: if l.legacy_signatures {
                        SignaturePolicy::LEGACY_INTEROP
                    } else {
                        SignaturePolicy::EIDAS
                    },
                    territories: l.territories.iter().map(|t| t.to_string()).collect(),
                    test: l.test,
                    activation: l.activation,
                    names: l.names.clone(),
                    revocation_required: l.revocation
                        == super::settings::RevocationMode::FailClosed,
                })
            })();
            match built {
                Ok(s) => out.push(s),
                Err(e) => problems.push(e),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    /// The connector algorithm's steps 2–4 over a verified list: one source per in-scope
    /// territory with a usable Proxy-Service entry, and a note for everything refused.
    pub fn expand(&self, list: &ServiceList) -> (BTreeMap<String, Source>, Vec<String>) {
        let mut sources = BTreeMap::new();
        let mut notes = list.notes.clone();
        let territories: BTreeSet<&str> = list.lists.iter().map(|l| l.territory.as_str()).collect();
        for t in territories {
            if !self.territories.contains(t) {
                notes.push(format!(
                    "territory {t} is outside this list's scope; refused"
                ));
                continue;
            }
            let mut chosen = None;
            for entry in list.proxy_services(t) {
                if entry.location.certificates.is_empty() {
                    notes.push(format!(
                        "{t}: {} lists no readable certificate; skipped",
                        entry.location.location
                    ));
                    continue;
                }
                match parse_location(&entry.location.location, &|p| p.to_owned()) {
                    Ok(Location::Url(u)) => {
                        chosen = Some(Source {
                            code: t.to_owned(),
                            names: self.names.get(t).cloned().unwrap_or_default(),
                            location: Location::Url(u),
                            trust: MetadataTrust::Pinned(entry.location.certificates.clone()),
                            policy: self.policy,
                            test: self.test,
                            min_loa: None,
                            expected_entity_id: Some(entry.endpoint.entity_id.clone()),
                            list: Some(self.name.clone()),
                            skew: None,
                            omit_scoping: false,
                            activation: self.activation,
                            attribute_aliases: Vec::new(),
                            // Pinned by the list: nothing to check for revocation.
                            revocation_required: false,
                        });
                        break;
                    }
                    Ok(Location::File(_)) | Err(_) => notes.push(format!(
                        "{t}: location {:?} is not an https:// URL; skipped",
                        entry.location.location
                    )),
                }
            }
            match chosen {
                Some(s) => {
                    sources.insert(t.to_owned(), s);
                }
                None => notes.push(format!(
                    "{t}: no usable Proxy-Service entry (suspended, withdrawn or unreadable)"
                )),
            }
        }
        (sources, notes)
    }
}

impl ListSource {
    /// The countries of a verified aggregate: one source per in-scope NodeCountry whose entity
    /// is usable, each verified again from the same document with the list's own trust and
    /// pinned to its entityID; a note for every entity refused.
    pub fn expand_aggregate(
        &self,
        entities: &[ProxyService],
    ) -> (BTreeMap<String, Source>, Vec<String>) {
        let mut sources = BTreeMap::new();
        let mut notes = Vec::new();
        for e in entities {
            let Some(t) = e.country.as_deref() else {
                notes.push(format!("{}: no eidas:NodeCountry; skipped", e.entity_id));
                continue;
            };
            if !self.territories.contains(t) {
                notes.push(format!(
                    "territory {t} ({}) is outside this list's scope; refused",
                    e.entity_id
                ));
                continue;
            }
            let reasons = e.unusable_reasons();
            if !reasons.is_empty() {
                notes.push(format!(
                    "{t}: {} not usable: {}",
                    e.entity_id,
                    reasons.join("; ")
                ));
                continue;
            }
            if sources.contains_key(t) {
                notes.push(format!(
                    "{t}: more than one usable Proxy-Service; {} ignored",
                    e.entity_id
                ));
                continue;
            }
            sources.insert(
                t.to_owned(),
                Source {
                    code: t.to_owned(),
                    names: self.names.get(t).cloned().unwrap_or_default(),
                    location: self.location.clone(),
                    trust: self.trust.clone(),
                    policy: self.policy,
                    test: self.test,
                    min_loa: None,
                    expected_entity_id: Some(e.entity_id.clone()),
                    list: Some(self.name.clone()),
                    skew: None,
                    omit_scoping: false,
                    activation: self.activation,
                    attribute_aliases: Vec::new(),
                    revocation_required: self.revocation_required,
                },
            );
        }
        (sources, notes)
    }
}

/// A list's state after its last load.
#[derive(Debug, Clone)]
pub struct ListState {
    pub source: ListSource,
    /// IssueDate and NextUpdate of the active (last accepted) list.
    pub issue_date: Option<OffsetDateTime>,
    pub next_update: Option<OffsetDateTime>,
    /// Why the last load failed.
    pub problem: Option<String>,
    /// What the active list had that was refused (out of scope, unusable entries).
    pub notes: Vec<String>,
    pub failures: u32,
    pub next_attempt: Option<OffsetDateTime>,
    /// When a list was last verified and applied.
    pub last_success: Option<OffsetDateTime>,
}

/// Two sources name the same trust (the list rewrote nothing that matters).
pub(super) fn same_source(a: &Source, b: &Source) -> bool {
    let der = |t: &MetadataTrust| -> Vec<Vec<u8>> {
        let certs = match t {
            MetadataTrust::Pinned(c) | MetadataTrust::Anchors(c) => c,
        };
        certs.iter().filter_map(|c| c.to_der().ok()).collect()
    };
    a.location.to_string() == b.location.to_string()
        && a.expected_entity_id == b.expected_entity_id
        && der(&a.trust) == der(&b.trust)
        && matches!(
            (&a.trust, &b.trust),
            (MetadataTrust::Pinned(_), MetadataTrust::Pinned(_))
                | (MetadataTrust::Anchors(_), MetadataTrust::Anchors(_))
        )
}
