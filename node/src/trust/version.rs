//! Trust versions: what every source vouched for after verification, in one canonical form,
//! named by the SHA-256 of that form, and the difference between two of them (issue 11: staged
//! trust changes). A version holds no key material: public keys and certificates are named by
//! their SHA-256 fingerprints, with subject and expiry where a certificate exists.
//!
//! Must not: fetch or verify anything (`trust` does, before it builds a version); hold
//! anything unverified.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::saml::metadata::ProxyService;

/// A key or certificate, as an operator reviews it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct KeyInfo {
    /// SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex.
    pub fingerprint: String,
    pub subject: Option<String>,
    /// `notAfter`, as OpenSSL prints it.
    pub not_after: Option<String>,
}

pub(super) use crate::hex::encode as hex;

fn spki_fingerprint<T: openssl::pkey::HasPublic>(k: &openssl::pkey::PKeyRef<T>) -> String {
    k.public_key_to_der()
        .map(|der| hex(&openssl::sha::sha256(&der)))
        .unwrap_or_default()
}

/// A certificate's subject as `CN=…, O=…`.
pub(crate) fn subject_text(c: &openssl::x509::X509) -> String {
    c.subject_name()
        .entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?");
            let value = e.data().to_string().unwrap_or_default();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One country's Proxy-Service as trusted: everything a change review is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryTrust {
    /// The source that vouched for it (operator-given name).
    pub source: String,
    pub entity_id: String,
    pub sso_post_url: Option<String>,
    pub signing_keys: BTreeSet<KeyInfo>,
    pub encryption_certificates: BTreeSet<KeyInfo>,
    pub loas: BTreeSet<String>,
    pub attributes: BTreeSet<String>,
    pub signing_methods: BTreeSet<String>,
    pub digest_methods: BTreeSet<String>,
    pub protocol_versions: BTreeSet<String>,
    pub requester_id_flag: bool,
    // No validUntil: most nodes re-sign their metadata daily, and a version that changed with
    // every re-signing would bury real changes. Expiry is enforced where metadata is served
    // (`TrustStore` never hands out expired metadata) and shown in `trust status`.
}

impl CountryTrust {
    pub fn from_service(source: &str, ps: &ProxyService) -> Self {
        CountryTrust {
            source: source.to_owned(),
            entity_id: ps.entity_id.clone(),
            sso_post_url: ps.sso_post_url.clone(),
            signing_keys: ps
                .signing_keys
                .iter()
                .map(|k| {
                    let fingerprint = spki_fingerprint(k);
                    let cert = ps.signing_certs.iter().find(|c| {
                        c.public_key()
                            .is_ok_and(|ck| spki_fingerprint(&ck) == fingerprint)
                    });
                    KeyInfo {
                        fingerprint,
                        subject: cert.map(subject_text),
                        not_after: cert.map(|c| c.not_after().to_string()),
                    }
                })
                .collect(),
            encryption_certificates: ps
                .encryption_certs
                .iter()
                .map(|c| KeyInfo {
                    fingerprint: c
                        .public_key()
                        .map(|k| spki_fingerprint(&k))
                        .unwrap_or_default(),
                    subject: Some(subject_text(c)),
                    not_after: Some(c.not_after().to_string()),
                })
                .collect(),
            loas: ps.loas.iter().map(|l| l.uri().to_owned()).collect(),
            attributes: ps.supported_attributes.iter().cloned().collect(),
            signing_methods: ps.signing_methods.iter().cloned().collect(),
            digest_methods: ps.digest_methods.iter().cloned().collect(),
            protocol_versions: ps.protocol_versions.iter().cloned().collect(),
            requester_id_flag: ps.requester_id_flag,
        }
    }
}

impl CountryTrust {
    fn same_endpoint(&self, ps: &ProxyService) -> bool {
        ps.entity_id == self.entity_id
            && ps.sso_post_url == self.sso_post_url
            && ps.requester_id_flag == self.requester_id_flag
    }

    /// `ps` (verified by this instance) cut down to what this entry trusts: its keys,
    /// certificates, LoAs, attributes and algorithms that the entry names too. `None` when the
    /// endpoint differs (entity ID, SSO URL, requester-id flag) or nothing usable is left.
    ///
    /// This is how a version read from the shared store is used (issue 11 item 4): the store
    /// names fingerprints, never keys, so an instance serves only what it verified itself and
    /// the active version also allows.
    pub fn restrict(&self, ps: &ProxyService) -> Option<ProxyService> {
        if !self.same_endpoint(ps) {
            return None;
        }
        let mut out = ps.clone();
        let has = |set: &BTreeSet<KeyInfo>, f: &str| set.iter().any(|k| k.fingerprint == f);
        out.signing_keys
            .retain(|k| has(&self.signing_keys, &spki_fingerprint(k)));
        out.signing_certs.retain(|c| {
            c.public_key()
                .is_ok_and(|k| has(&self.signing_keys, &spki_fingerprint(&k)))
        });
        out.encryption_certs.retain(|c| {
            c.public_key()
                .is_ok_and(|k| has(&self.encryption_certificates, &spki_fingerprint(&k)))
        });
        out.loas.retain(|l| self.loas.contains(l.uri()));
        out.supported_attributes
            .retain(|a| self.attributes.contains(a));
        out.signing_methods
            .retain(|m| self.signing_methods.contains(m));
        out.digest_methods
            .retain(|m| self.digest_methods.contains(m));
        out.protocol_versions
            .retain(|m| self.protocol_versions.contains(m));
        out.unusable_reasons().is_empty().then_some(out)
    }

    /// This entry with every set cut to what `other` also has (keys, certificates, LoAs,
    /// attributes, algorithms, versions), its own endpoint kept: what `other` takes away, taken
    /// away; nothing it adds or changes.
    pub fn narrowed_to(&self, other: &CountryTrust) -> CountryTrust {
        fn keep<T: Ord + Clone>(x: &BTreeSet<T>, y: &BTreeSet<T>) -> BTreeSet<T> {
            x.intersection(y).cloned().collect()
        }
        let fps = |s: &BTreeSet<KeyInfo>| -> BTreeSet<String> {
            s.iter().map(|k| k.fingerprint.clone()).collect()
        };
        // Keys by fingerprint: a re-issued certificate for the same key is the same key.
        let keep_keys = |x: &BTreeSet<KeyInfo>, y: &BTreeSet<KeyInfo>| -> BTreeSet<KeyInfo> {
            let ys = fps(y);
            x.iter()
                .filter(|k| ys.contains(&k.fingerprint))
                .cloned()
                .collect()
        };
        CountryTrust {
            signing_keys: keep_keys(&self.signing_keys, &other.signing_keys),
            encryption_certificates: keep_keys(
                &self.encryption_certificates,
                &other.encryption_certificates,
            ),
            loas: keep(&self.loas, &other.loas),
            attributes: keep(&self.attributes, &other.attributes),
            signing_methods: keep(&self.signing_methods, &other.signing_methods),
            digest_methods: keep(&self.digest_methods, &other.digest_methods),
            protocol_versions: keep(&self.protocol_versions, &other.protocol_versions),
            ..self.clone()
        }
    }

    /// The difference from this entry to `newer`, in one line.
    pub fn diff_summary(&self, newer: &CountryTrust) -> String {
        country_changes("", self, newer)
            .into_iter()
            .map(|c| Diff { changes: vec![c] }.summary().trim().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What of this entry `verified` (this instance's own verified entry) does not vouch for
    /// any more, one line each; empty when all of it is still vouched for.
    pub fn missing_from(&self, verified: &CountryTrust) -> Vec<String> {
        let mut out = Vec::new();
        if self.entity_id != verified.entity_id
            || self.sso_post_url != verified.sso_post_url
            || self.requester_id_flag != verified.requester_id_flag
        {
            out.push("its endpoint (entity ID, SSO URL or requester-id flag) differs".into());
        }
        let gone = |name: &str, a: &BTreeSet<String>, b: &BTreeSet<String>| {
            a.difference(b)
                .map(|x| format!("{name} {x} is no longer published"))
                .collect::<Vec<_>>()
        };
        let fps = |s: &BTreeSet<KeyInfo>| -> BTreeSet<String> {
            s.iter().map(|k| k.fingerprint.clone()).collect()
        };
        out.extend(gone(
            "signing key",
            &fps(&self.signing_keys),
            &fps(&verified.signing_keys),
        ));
        out.extend(gone(
            "encryption certificate",
            &fps(&self.encryption_certificates),
            &fps(&verified.encryption_certificates),
        ));
        out.extend(gone("LoA", &self.loas, &verified.loas));
        out.extend(gone("attribute", &self.attributes, &verified.attributes));
        out
    }
}

/// The trusted set: country code → what is trusted for it. Ordered, so its JSON is canonical.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustVersion {
    pub countries: BTreeMap<String, CountryTrust>,
}

impl TrustVersion {
    /// The canonical form: JSON of ordered maps and sets.
    pub fn canonical(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The version's name: SHA-256 of the canonical form, lower-case hex.
    pub fn id(&self) -> String {
        hex(&openssl::sha::sha256(&self.canonical()))
    }

    /// What changes from `self` (the active version) to `newer`, country by country.
    pub fn diff(&self, newer: &TrustVersion) -> Diff {
        let mut changes = Vec::new();
        let codes: BTreeSet<&String> = self
            .countries
            .keys()
            .chain(newer.countries.keys())
            .collect();
        for cc in codes {
            match (self.countries.get(cc), newer.countries.get(cc)) {
                (None, Some(n)) => changes.push(Change {
                    country: cc.clone(),
                    source: n.source.clone(),
                    what: What::CountryAdded,
                }),
                (Some(o), None) => changes.push(Change {
                    country: cc.clone(),
                    source: o.source.clone(),
                    what: What::CountryRemoved,
                }),
                (Some(o), Some(n)) => changes.extend(country_changes(cc, o, n)),
                (None, None) => {}
            }
        }
        Diff { changes }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub country: String,
    /// The source that caused it (the newer entry's, or the removed one's).
    pub source: String,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum What {
    CountryAdded,
    CountryRemoved,
    /// A field's value changed (entity ID, SSO URL, requester-id flag, validUntil).
    Changed {
        field: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// Members of a set (keys, certificates, LoAs, attributes, algorithms, versions).
    SetChanged {
        field: String,
        removed: Vec<String>,
        added: Vec<String>,
    },
}

impl Change {
    /// Whether this change takes trust away (a country, a key, a certificate, a LoA, an
    /// attribute): removals never wait for review (fail closed).
    pub fn removes_trust(&self) -> bool {
        match &self.what {
            What::CountryRemoved => true,
            What::SetChanged { removed, .. } => !removed.is_empty(),
            What::CountryAdded | What::Changed { .. } => false,
        }
    }

    /// Whether this change grants something new (needs review under a `review` policy).
    pub fn adds_trust(&self) -> bool {
        match &self.what {
            What::CountryAdded | What::Changed { .. } => true,
            What::SetChanged { added, .. } => !added.is_empty(),
            What::CountryRemoved => false,
        }
    }
}

/// All differences between two versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// One line for logs and the audit trail: `XA signing_keys +1 -1; XB added`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no change".into();
        }
        self.changes
            .iter()
            .map(|c| match &c.what {
                What::CountryAdded => format!("{} added", c.country),
                What::CountryRemoved => format!("{} removed", c.country),
                What::Changed { field, .. } => format!("{} {field} changed", c.country),
                What::SetChanged {
                    field,
                    removed,
                    added,
                } => format!("{} {field} +{} -{}", c.country, added.len(), removed.len()),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn set_change<T: Ord + Clone>(
    field: &'static str,
    old: &BTreeSet<T>,
    new: &BTreeSet<T>,
    show: impl Fn(&T) -> String,
) -> Option<What> {
    let removed: Vec<String> = old.difference(new).map(&show).collect();
    let added: Vec<String> = new.difference(old).map(&show).collect();
    (!removed.is_empty() || !added.is_empty()).then_some(What::SetChanged {
        field: field.to_owned(),
        removed,
        added,
    })
}

fn key_label(k: &KeyInfo) -> String {
    match (&k.subject, &k.not_after) {
        (Some(s), Some(n)) => format!("{} ({s}, until {n})", k.fingerprint),
        _ => k.fingerprint.clone(),
    }
}

fn country_changes(cc: &str, o: &CountryTrust, n: &CountryTrust) -> Vec<Change> {
    let mut out: Vec<What> = Vec::new();
    let mut field = |name: &'static str, a: Option<String>, b: Option<String>| {
        if a != b {
            out.push(What::Changed {
                field: name.to_owned(),
                from: a,
                to: b,
            });
        }
    };
    field(
        "entity_id",
        Some(o.entity_id.clone()),
        Some(n.entity_id.clone()),
    );
    field(
        "sso_post_url",
        o.sso_post_url.clone(),
        n.sso_post_url.clone(),
    );
    field(
        "requester_id_flag",
        Some(o.requester_id_flag.to_string()),
        Some(n.requester_id_flag.to_string()),
    );
    let s = |x: &String| x.clone();
    out.extend(
        [
            set_change("signing_keys", &o.signing_keys, &n.signing_keys, key_label),
            set_change(
                "encryption_certificates",
                &o.encryption_certificates,
                &n.encryption_certificates,
                key_label,
            ),
            set_change("loas", &o.loas, &n.loas, s),
            set_change("attributes", &o.attributes, &n.attributes, s),
            set_change("signing_methods", &o.signing_methods, &n.signing_methods, s),
            set_change("digest_methods", &o.digest_methods, &n.digest_methods, s),
            set_change(
                "protocol_versions",
                &o.protocol_versions,
                &n.protocol_versions,
                s,
            ),
        ]
        .into_iter()
        .flatten(),
    );
    out.into_iter()
        .map(|what| Change {
            country: cc.to_owned(),
            source: n.source.clone(),
            what,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn country(source: &str) -> CountryTrust {
        CountryTrust {
            source: source.into(),
            entity_id: "https://xa.example/md".into(),
            sso_post_url: Some("https://xa.example/sso".into()),
            signing_keys: [KeyInfo {
                fingerprint: "aa".into(),
                subject: None,
                not_after: None,
            }]
            .into(),
            encryption_certificates: BTreeSet::new(),
            loas: ["http://eidas.europa.eu/LoA/high".to_owned()].into(),
            attributes: ["a".to_owned()].into(),
            signing_methods: BTreeSet::new(),
            digest_methods: BTreeSet::new(),
            protocol_versions: ["1.4".to_owned()].into(),
            requester_id_flag: false,
        }
    }

    fn version(entries: &[(&str, CountryTrust)]) -> TrustVersion {
        TrustVersion {
            countries: entries
                .iter()
                .map(|(cc, c)| ((*cc).to_owned(), c.clone()))
                .collect(),
        }
    }

    #[test]
    fn the_id_names_the_content_not_the_order_it_was_built_in() {
        let a = version(&[("XA", country("s")), ("XB", country("s"))]);
        let b = version(&[("XB", country("s")), ("XA", country("s"))]);
        assert_eq!(a.id(), b.id());
        assert_eq!(a.id().len(), 64);
        let mut c = a.clone();
        c.countries.get_mut("XA").unwrap().requester_id_flag = true;
        assert_ne!(a.id(), c.id());
        let back: TrustVersion = serde_json::from_slice(&a.canonical()).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn the_diff_names_each_change_and_whether_it_adds_or_removes_trust() {
        let old = version(&[("XA", country("mdsl-se")), ("XB", country("mdsl-se"))]);
        let mut xa = country("mdsl-se");
        xa.signing_keys.insert(KeyInfo {
            fingerprint: "bb".into(),
            subject: None,
            not_after: None,
        });
        xa.loas.clear();
        let new = version(&[("XA", xa), ("XC", country("file-xc"))]);
        let d = old.diff(&new);
        let kinds: Vec<(&str, &What)> = d
            .changes
            .iter()
            .map(|c| (c.country.as_str(), &c.what))
            .collect();
        assert!(kinds.contains(&("XB", &What::CountryRemoved)), "{kinds:?}");
        assert!(kinds.contains(&("XC", &What::CountryAdded)));
        let keys = d
            .changes
            .iter()
            .find(|c| matches!(&c.what, What::SetChanged { field, .. } if field == "signing_keys"))
            .unwrap();
        assert!(keys.adds_trust() && !keys.removes_trust());
        let loas = d
            .changes
            .iter()
            .find(|c| matches!(&c.what, What::SetChanged { field, .. } if field == "loas"))
            .unwrap();
        assert!(loas.removes_trust() && !loas.adds_trust());
        let removed = d
            .changes
            .iter()
            .find(|c| c.what == What::CountryRemoved)
            .unwrap();
        assert_eq!(removed.source, "mdsl-se");
        assert!(old.diff(&old).is_empty());
    }

    #[test]
    fn a_real_proxy_service_becomes_a_reviewable_entry() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/interop/eu-eidas-node-2.9/metadata/ServiceMetadata.xml");
        let text = std::fs::read_to_string(path).unwrap();
        let entities =
            crate::saml::metadata::parse_unverified(&text, time::OffsetDateTime::now_utc())
                .unwrap();
        let c = CountryTrust::from_service("file-eu", &entities[0]);
        assert_eq!(c.source, "file-eu");
        assert!(!c.signing_keys.is_empty());
        assert!(c.signing_keys.iter().all(|k| k.fingerprint.len() == 64));
        assert!(!c.loas.is_empty() && !c.attributes.is_empty());
        assert!(c
            .encryption_certificates
            .iter()
            .all(|k| k.subject.is_some() && k.not_after.is_some()));
        let v = TrustVersion {
            countries: [("CA".to_owned(), c)].into(),
        };
        assert_eq!(TrustVersion::default().diff(&v).changes.len(), 1);
    }
}
