//! PID providers from a List of Trusted Entities (ETSI TS 119 602 v1.1.1, the LoTE data model
//! the EU uses for its wallet trust lists): the EU PID Providers list (CIR 2024/2980 Art. 5(2);
//! `LoTEType` [`PID_PROVIDERS_LOTE_TYPE`]) or a list of that profile, in its JSON encoding,
//! signed as a compact JWS (JAdES baseline B, TS 119 602 §6.8) whose `x5c` names the signer.
//!
//! [`verify`] checks, failing closed and in this order: the JWS header (`alg` ES256 or PS256,
//! `crit` understood, `sigT` not in the future), the signer (the `x5c` leaf pinned byte for byte,
//! or its chain to a configured anchor), the signature, the list's version, type, issue time and
//! `NextUpdate`; then reads each trusted entity's PID issuance services
//! ([`PID_ISSUANCE_SERVICE`]) into per-country anchors, and its revocation services
//! ([`PID_REVOCATION_SERVICE`]) into the certificates that may sign its status lists. What a
//! list may not vouch for (a country outside the operator's `territories`, a service not in
//! force, an unreadable certificate) is left out with a note, never trusted.
//!
//! Must not: fetch, cache or decide between lists (the web layer's `providers` does that).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine;
use openssl::x509::X509;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{x5c, Error};
use crate::jose::{Alg, UnverifiedJws};

/// `LoTEType` of the EU PID Providers list (TS 119 602 Annex D).
pub const PID_PROVIDERS_LOTE_TYPE: &str = "http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList";
/// `ServiceTypeIdentifier` of a PID provider's issuance service: its certificates are anchors
/// for the PIDs it issues.
pub const PID_ISSUANCE_SERVICE: &str = "http://uri.etsi.org/19602/SvcType/PID/Issuance";
/// `ServiceTypeIdentifier` of a PID provider's revocation service: its certificates may sign the
/// provider's status lists.
pub const PID_REVOCATION_SERVICE: &str = "http://uri.etsi.org/19602/SvcType/PID/Revocation";
/// The only `LoTEVersionIdentifier` of TS 119 602 v1.1.1.
pub const LOTE_VERSION: u64 = 1;
/// The longest a list may run from `ListIssueDateTime` to `NextUpdate`: the EU PID Providers
/// list's profile allows six months; longer would leave an old list replayable for longer.
pub const MAX_LIST_VALIDITY: time::Duration = time::Duration::days(186);
/// `ServiceStatus` values that mean in force. The EU PID Providers list gives none (presence
/// on the list is the status); a list that gives one must use one of these.
pub const IN_FORCE_STATUSES: [&str; 2] = [
    "http://uri.etsi.org/19602/PIDProvidersList/SvcStatus/notified",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted",
];
/// The most entities, services and certificates we read from one list (a list is attacker
/// input until verified, and large after).
const MAX_ITEMS: usize = 10_000;

/// How the list's signer is trusted (one of them, never neither).
#[derive(Debug, Clone)]
pub enum SignerTrust {
    /// The `x5c` leaf must be one of these certificates, byte for byte.
    Pinned(Vec<X509>),
    /// The `x5c` chain must lead to one of these anchors.
    Anchored(Vec<X509>),
}

/// What the operator allows a list.
#[derive(Debug)]
pub struct Expect<'a> {
    pub signer: &'a SignerTrust,
    /// The issuing countries whose PID providers this list may name.
    pub territories: &'a [String],
    pub now: OffsetDateTime,
    pub skew: time::Duration,
}

/// A verified list.
#[derive(Debug, Clone)]
pub struct ProviderList {
    /// `LoTESequenceNumber`: a list never goes back to a lower one (replay).
    pub sequence: u64,
    /// SHA-256 of the signed payload: two lists with one sequence number must be the same list.
    pub digest: [u8; 32],
    pub issued: OffsetDateTime,
    pub next_update: OffsetDateTime,
    /// `SchemeOperatorName` (English when given).
    pub operator: String,
    pub providers: Vec<ListedProvider>,
    /// What the list names but we do not trust, and why (no personal data: entities are
    /// organisations).
    pub notes: Vec<String>,
}

/// A PID provider as a list names it.
#[derive(Debug, Clone)]
pub struct ListedProvider {
    pub country: String,
    /// Its persistent-subject id: its registration identifier in lower case (`TETradeName` in
    /// the ETSI EN 319 412-1 form, `VATEE-70000310` → `vatee-70000310`), or else the slug of
    /// its English name with 8 hex digits of the name's SHA-256 (so names that differ only in
    /// letters outside ASCII, or are long, stay apart).
    pub id: String,
    pub name: String,
    /// Its issuance services' certificates: anchors for its PIDs.
    pub anchors: Vec<X509>,
    /// Its revocation services' certificates (besides `anchors`) for its status lists.
    pub status_signers: Vec<X509>,
}

fn invalid(why: impl Into<String>) -> Error {
    Error::TrustList(why.into())
}

fn time_of(v: Option<&Value>, what: &str) -> Result<OffsetDateTime, Error> {
    v.and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
        .ok_or_else(|| invalid(format!("{what} missing or not a date-time")))
}

/// The English (else the first) `value` of a TS 119 602 multilingual string list.
fn text(v: Option<&Value>) -> Option<String> {
    let items = v?.as_array()?;
    let english = items
        .iter()
        .find(|i| i.get("lang").and_then(Value::as_str) == Some("en"));
    english
        .or(items.first())?
        .get("value")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Lower-case letters, digits and single `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The id of an entity known by its name only: at most 24 characters of its slug, then 8 hex
/// digits of the whole name's SHA-256.
fn name_id(name: &str) -> String {
    let mut base = slug(name);
    base.truncate(24);
    let base = base.trim_end_matches('-');
    let hash = crate::hex::encode(&openssl::sha::sha256(name.as_bytes()));
    let tail = hash.get(..8).unwrap_or_default();
    if base.is_empty() {
        tail.to_owned()
    } else {
        format!("{base}-{tail}")
    }
}

/// A registration identifier as ETSI EN 319 412-1 §5.1.4 writes one: three letters of the
/// scheme, the two-letter country, `-`, the number (`VATEE-70000310`, `NTRBE-0537698318`).
fn registration_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 6
        && b.len() <= 64
        && b.iter().take(5).all(u8::is_ascii_uppercase)
        && b.get(5) == Some(&b'-')
        && s.get(6..).is_some_and(|rest| {
            rest.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
        })
}

/// Verifies a signed PID-providers list (the compact JWS as fetched).
pub fn verify(jws: &str, expect: &Expect<'_>) -> Result<ProviderList, Error> {
    let jws = jws.trim();
    if jws.len() > crate::wallet::status::MAX_LIST_BYTES {
        return Err(invalid("too large"));
    }
    let header: Value = jws
        .split('.')
        .next()
        .and_then(|h| B64.decode(h).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| invalid("not a compact JWS"))?;
    // JAdES baseline B (TS 119 182-1) uses ES256/PS256 for new lists; nothing weaker.
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !matches!(alg, "ES256" | "PS256") {
        return Err(Error::AlgorithmNotAllowed(alg.chars().take(16).collect()));
    }
    // RFC 7515 §4.1.11: a critical header we do not understand refuses the list. We understand
    // JAdES `sigT` (the claimed signing time).
    if let Some(crit) = header.get("crit") {
        let names = crit.as_array().ok_or_else(|| invalid("crit"))?;
        if names.is_empty()
            || names.iter().any(|n| {
                let n = n.as_str().unwrap_or("");
                n != "sigT" || header.get(n).is_none()
            })
        {
            return Err(invalid("a critical header we do not understand"));
        }
    }
    if let Some(sig_t) = header.get("sigT") {
        if time_of(Some(sig_t), "sigT")? > expect.now + expect.skew {
            return Err(invalid("sigT in the future"));
        }
    }
    let chain = x5c::parse(header.get("x5c").ok_or_else(|| invalid("no x5c"))?)?;
    let leaf = chain.first().ok_or_else(|| invalid("no x5c"))?;
    match expect.signer {
        SignerTrust::Pinned(pinned) => {
            let der = leaf.to_der().map_err(|_| invalid("signer certificate"))?;
            if !pinned.iter().any(|p| p.to_der().is_ok_and(|d| d == der)) {
                return Err(invalid("the signer is not a pinned list signer"));
            }
            let at = openssl::asn1::Asn1Time::from_unix(expect.now.unix_timestamp())
                .map_err(|_| invalid("time"))?;
            if leaf.not_after() < at || leaf.not_before() > at {
                return Err(invalid("the pinned signer certificate is not valid now"));
            }
        }
        SignerTrust::Anchored(anchors) => {
            x5c::validate(&chain, anchors, expect.now)
                .map_err(|e| invalid(format!("the signer does not chain to an anchor: {e}")))?;
        }
    }
    let key = leaf.public_key().map_err(|_| invalid("signer key"))?;
    let parsed = UnverifiedJws::parse(jws).ok_or_else(|| invalid("not a compact JWS"))?;
    if !matches!(parsed.alg, Alg::ES256 | Alg::PS256) {
        return Err(Error::AlgorithmNotAllowed(parsed.alg.as_str().into()));
    }
    let bytes = parsed
        .verify_with_key(&key)
        .ok_or_else(|| invalid("signature"))?;
    let payload: Value =
        serde_json::from_slice(bytes).map_err(|_| invalid("payload is not JSON"))?;
    read(&payload, openssl::sha::sha256(bytes), expect)
}

/// The verified payload read (TS 119 602 §6: `LoTE` with `ListAndSchemeInformation` and
/// `TrustedEntitiesList`).
fn read(payload: &Value, digest: [u8; 32], expect: &Expect<'_>) -> Result<ProviderList, Error> {
    let lote = payload.get("LoTE").ok_or_else(|| invalid("no LoTE"))?;
    let info = lote
        .get("ListAndSchemeInformation")
        .ok_or_else(|| invalid("no ListAndSchemeInformation"))?;
    if info.get("LoTEVersionIdentifier").and_then(Value::as_u64) != Some(LOTE_VERSION) {
        return Err(invalid("LoTEVersionIdentifier is not 1"));
    }
    // A list of another kind (wallet providers, access-certificate providers) must never make
    // PID anchors.
    if info.get("LoTEType").and_then(Value::as_str) != Some(PID_PROVIDERS_LOTE_TYPE) {
        return Err(invalid("LoTEType is not the PID providers list"));
    }
    let sequence = info
        .get("LoTESequenceNumber")
        .and_then(Value::as_u64)
        .filter(|n| *n >= 1)
        .ok_or_else(|| invalid("LoTESequenceNumber"))?;
    let issued = time_of(info.get("ListIssueDateTime"), "ListIssueDateTime")?;
    let next_update = time_of(info.get("NextUpdate"), "NextUpdate")?;
    if issued > expect.now + expect.skew {
        return Err(invalid("ListIssueDateTime in the future"));
    }
    if next_update <= issued {
        return Err(invalid("NextUpdate not after ListIssueDateTime"));
    }
    if next_update - issued > MAX_LIST_VALIDITY {
        return Err(invalid(
            "NextUpdate more than six months after ListIssueDateTime",
        ));
    }
    if next_update <= expect.now {
        return Err(invalid("NextUpdate has passed: the list is out of date"));
    }
    let operator = text(info.get("SchemeOperatorName")).unwrap_or_default();
    let mut out = ProviderList {
        sequence,
        digest,
        issued,
        next_update,
        operator: operator.chars().take(200).collect(),
        providers: Vec::new(),
        notes: Vec::new(),
    };
    let empty = Vec::new();
    let entities = match lote.get("TrustedEntitiesList") {
        None => &empty,
        Some(v) => v.as_array().ok_or_else(|| invalid("TrustedEntitiesList"))?,
    };
    if entities.len() > MAX_ITEMS {
        return Err(invalid("too many entities"));
    }
    for (i, entity) in entities.iter().enumerate() {
        match read_entity(entity, expect, &mut out.notes) {
            Ok(Some(p)) => out.providers.push(p),
            Ok(None) => {}
            Err(why) => out.notes.push(format!("entity {i}: {why}; left out")),
        }
    }
    // Two entries of a country with one id would share persistent subjects: neither is trusted.
    let mut seen = std::collections::BTreeMap::new();
    for p in &out.providers {
        *seen
            .entry((p.country.clone(), p.id.clone()))
            .or_insert(0usize) += 1;
    }
    out.providers.retain(|p| {
        let twice = seen.get(&(p.country.clone(), p.id.clone())).copied() > Some(1);
        if twice {
            out.notes.push(format!(
                "{} of {}: another entity has the id {}; both left out",
                p.name, p.country, p.id
            ));
        }
        !twice
    });
    Ok(out)
}

/// One trusted entity as a provider, `None` when it offers no PID issuance in force.
fn read_entity(
    entity: &Value,
    expect: &Expect<'_>,
    notes: &mut Vec<String>,
) -> Result<Option<ListedProvider>, String> {
    let info = entity
        .get("TrustedEntityInformation")
        .ok_or("no TrustedEntityInformation")?;
    let name: String = text(info.get("TEName"))
        .ok_or("no TEName")?
        .chars()
        .take(200)
        .collect();
    // Its country: the one all its postal addresses agree on.
    let mut country: Option<String> = None;
    let addresses = info
        .pointer("/TEAddress/TEPostalAddress")
        .and_then(Value::as_array)
        .ok_or("no TEPostalAddress")?;
    for a in addresses.iter().take(MAX_ITEMS) {
        let c = a
            .get("Country")
            .and_then(Value::as_str)
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
            .ok_or("a postal address without a country code")?;
        match &country {
            Some(prev) if prev != c => return Err("postal addresses in two countries".into()),
            _ => country = Some(c.to_owned()),
        }
    }
    let country = country.ok_or("no country")?;
    if !expect.territories.contains(&country) {
        return Err(format!(
            "{name} of {country}: outside this list's territories"
        ));
    }
    let id = info
        .get("TETradeName")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("value").and_then(Value::as_str))
        .find(|t| registration_id(t))
        .map_or_else(|| name_id(&name), slug);
    let mut anchors = Vec::new();
    let mut status_signers = Vec::new();
    let services = entity
        .get("TrustedEntityServices")
        .and_then(Value::as_array)
        .ok_or("no TrustedEntityServices")?;
    for s in services.iter().take(MAX_ITEMS) {
        let Some(si) = s.get("ServiceInformation") else {
            continue;
        };
        let kind = si.get("ServiceTypeIdentifier").and_then(Value::as_str);
        let into = match kind {
            Some(PID_ISSUANCE_SERVICE) => &mut anchors,
            Some(PID_REVOCATION_SERVICE) => &mut status_signers,
            _ => continue,
        };
        // The EU profile determines status by presence on the list (no ServiceStatus); a
        // list that does give one must say in force, by exactly one of the known URIs.
        if let Some(status) = si.get("ServiceStatus") {
            let granted = status
                .as_str()
                .is_some_and(|u| IN_FORCE_STATUSES.contains(&u));
            if !granted {
                notes.push(format!(
                    "{name} of {country}: a service not in force; left out"
                ));
                continue;
            }
        }
        let certs = si
            .pointer("/ServiceDigitalIdentity/X509Certificates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for c in certs.take(MAX_ITEMS) {
            match c
                .get("val")
                .and_then(Value::as_str)
                .and_then(|v| STANDARD.decode(v).ok())
                .and_then(|der| X509::from_der(&der).ok())
            {
                Some(cert) => into.push(cert),
                None => notes.push(format!(
                    "{name} of {country}: an unreadable certificate; left out"
                )),
            }
        }
    }
    if anchors.is_empty() {
        notes.push(format!(
            "{name} of {country}: no PID issuance certificate; left out"
        ));
        return Ok(None);
    }
    Ok(Some(ListedProvider {
        country,
        id,
        name,
        anchors,
        status_signers,
    }))
}

/// The JSON of a PID-providers list (TS 119 602 §6), for the simulated PID provider and tests:
/// `entities` are (country, name, registration id, issuance certificates).
pub fn list_json(
    sequence: u64,
    issued: OffsetDateTime,
    next_update: OffsetDateTime,
    entities: &[(&str, &str, Option<&str>, &[X509])],
) -> Value {
    let fmt = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    let entities: Vec<Value> = entities
        .iter()
        .map(|(country, name, reg, certs)| {
            let certs: Vec<Value> = certs
                .iter()
                .filter_map(|c| c.to_der().ok())
                .map(|d| serde_json::json!({"val": STANDARD.encode(d)}))
                .collect();
            let mut info = serde_json::json!({
                "TEName": [{"lang": "en", "value": name}],
                "TEAddress": {
                    "TEPostalAddress": [{"lang": "en", "StreetAddress": "1 Test Street", "Country": country}],
                    "TEElectronicAddress": [{"lang": "en", "uriValue": "mailto:pid@example.invalid"}]
                },
                "TEInformationURI": [{"lang": "en", "uriValue": "https://example.invalid/pid"}]
            });
            if let (Some(reg), Some(o)) = (reg, info.as_object_mut()) {
                o.insert("TETradeName".into(), serde_json::json!([{"lang": "en", "value": reg}]));
            }
            serde_json::json!({
                "TrustedEntityInformation": info,
                "TrustedEntityServices": [{"ServiceInformation": {
                    "ServiceName": [{"lang": "en", "value": format!("{name} PID issuance")}],
                    "ServiceTypeIdentifier": PID_ISSUANCE_SERVICE,
                    "ServiceDigitalIdentity": {"X509Certificates": certs}
                }}]
            })
        })
        .collect();
    serde_json::json!({"LoTE": {
        "ListAndSchemeInformation": {
            "LoTEVersionIdentifier": LOTE_VERSION,
            "LoTESequenceNumber": sequence,
            "LoTEType": PID_PROVIDERS_LOTE_TYPE,
            "SchemeOperatorName": [{"lang": "en", "value": "Test PID providers list operator"}],
            "SchemeTerritory": "EU",
            "StatusDeterminationApproach": "http://uri.etsi.org/19602/PIDProvidersList/StatusDetn/EU",
            "ListIssueDateTime": fmt(issued),
            "NextUpdate": fmt(next_update)
        },
        "TrustedEntitiesList": entities
    }})
}

/// Keys, certificates and signed lists for the tests here and in the web layer.
#[cfg(test)]
pub(crate) mod testing {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use openssl::pkey::{PKey, Private};

    pub(crate) fn p256() -> PKey<Private> {
        crate::jose::jwe::ephemeral_key().unwrap()
    }

    /// A CA certificate for `key` (self-signed, or by `issuer`).
    pub(crate) fn cert(
        key: &PKey<Private>,
        cn: &str,
        issuer: Option<(&PKey<Private>, &X509)>,
    ) -> X509 {
        crate::wallet::holder::certificate(key, cn, issuer, true).unwrap()
    }

    /// A PID-providers list issued at `issued` naming `anchor` for XW (as `name`), signed by
    /// `key` (certificate `signer`).
    pub(crate) fn signed_list(
        key: &crate::keys::FileKey,
        signer: &X509,
        (sequence, issued, next_update): (u64, OffsetDateTime, OffsetDateTime),
        anchor: &X509,
        name: &str,
    ) -> String {
        let anchors = [anchor.clone()];
        let payload = list_json(
            sequence,
            issued,
            next_update,
            &[("XW", name, Some("NTRXW-0001"), &anchors)],
        );
        let header = serde_json::json!({
            "alg": "ES256",
            "x5c": crate::jose::x5c(std::slice::from_ref(signer)).unwrap(),
        });
        crate::jose::sign_compact(&header, &payload, key).unwrap()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::testing::{cert, p256};
    use super::*;
    use crate::keys::FileKey;

    struct World {
        signer_key: FileKey,
        signer: X509,
        pid_ca: X509,
        other_ca: X509,
        now: OffsetDateTime,
    }

    fn world() -> World {
        let k = p256();
        let signer = cert(&k, "List operator", None);
        World {
            signer_key: FileKey::new(k).unwrap(),
            signer,
            pid_ca: cert(&p256(), "XW PID CA", None),
            other_ca: cert(&p256(), "XY PID CA", None),
            now: OffsetDateTime::now_utc(),
        }
    }

    fn sign(w: &World, header: Value, payload: &Value) -> String {
        let mut h = header;
        h["x5c"] = crate::jose::x5c(std::slice::from_ref(&w.signer)).unwrap();
        crate::jose::sign_compact(&h, payload, &w.signer_key).unwrap()
    }

    fn list(w: &World, sequence: u64) -> Value {
        let (a, b) = (vec![w.pid_ca.clone()], vec![w.other_ca.clone()]);
        list_json(
            sequence,
            w.now - time::Duration::hours(1),
            w.now + time::Duration::days(30),
            &[
                ("XW", "Walletland PID Office", Some("NTRXW-0001"), &a),
                ("XY", "Otherland PID", None, &b),
            ],
        )
    }

    fn check(w: &World, jws: &str, trust: &SignerTrust) -> Result<ProviderList, Error> {
        let territories = ["XW".to_owned()];
        verify(
            jws,
            &Expect {
                signer: trust,
                territories: &territories,
                now: w.now,
                skew: time::Duration::seconds(60),
            },
        )
    }

    fn pinned(w: &World) -> SignerTrust {
        SignerTrust::Pinned(vec![w.signer.clone()])
    }

    #[test]
    fn a_signed_list_names_the_providers_of_its_territories() {
        let w = world();
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &list(&w, 3));
        let l = check(&w, &jws, &pinned(&w)).unwrap();
        assert_eq!(l.sequence, 3);
        assert_eq!(l.providers.len(), 1);
        let p = &l.providers[0];
        assert_eq!((p.country.as_str(), p.id.as_str()), ("XW", "ntrxw-0001"));
        assert_eq!(p.anchors[0].to_der().unwrap(), w.pid_ca.to_der().unwrap());
        // The provider of a country the operator did not allow this list is left out, noted.
        assert!(l
            .notes
            .iter()
            .any(|n| n.contains("outside this list's territories")));
    }

    #[test]
    fn a_list_from_another_signer_or_tampered_is_refused() {
        let w = world();
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &list(&w, 1));
        let other = SignerTrust::Pinned(vec![w.other_ca.clone()]);
        assert!(
            matches!(check(&w, &jws, &other), Err(Error::TrustList(m)) if m.contains("pinned"))
        );
        let mut parts: Vec<String> = jws.split('.').map(str::to_owned).collect();
        let mut payload = list(&w, 1);
        payload["LoTE"]["ListAndSchemeInformation"]["LoTESequenceNumber"] = 99.into();
        parts[1] = B64.encode(payload.to_string());
        assert!(matches!(
            check(&w, &parts.join("."), &pinned(&w)),
            Err(Error::TrustList(m)) if m == "signature"
        ));
        // Anchored: the signer must chain to the anchor (here it does not).
        let anchored = SignerTrust::Anchored(vec![w.pid_ca.clone()]);
        assert!(check(&w, &jws, &anchored).is_err());
    }

    #[test]
    fn an_anchored_signer_chains_to_its_anchor() {
        let mut w = world();
        let root_key = p256();
        let root = cert(&root_key, "List root", None);
        let k = p256();
        w.signer = cert(&k, "List operator 2", Some((&root_key, &root)));
        w.signer_key = FileKey::new(k).unwrap();
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &list(&w, 1));
        assert!(check(&w, &jws, &SignerTrust::Anchored(vec![root])).is_ok());
    }

    #[test]
    fn header_rules_fail_closed() {
        let w = world();
        let payload = list(&w, 1);
        let crit = sign(
            &w,
            serde_json::json!({"alg": "ES256", "crit": ["b64"], "b64": true}),
            &payload,
        );
        assert!(check(&w, &crit, &pinned(&w)).is_err());
        let sig_t = |t: OffsetDateTime| {
            sign(
                &w,
                serde_json::json!({"alg": "ES256", "crit": ["sigT"], "sigT": t.format(&Rfc3339).unwrap()}),
                &payload,
            )
        };
        assert!(check(&w, &sig_t(w.now), &pinned(&w)).is_ok());
        assert!(check(&w, &sig_t(w.now + time::Duration::hours(1)), &pinned(&w)).is_err());
        let no_x5c = crate::jose::sign_compact(
            &serde_json::json!({"alg": "ES256"}),
            &payload,
            &w.signer_key,
        )
        .unwrap();
        assert!(check(&w, &no_x5c, &pinned(&w)).is_err());
        let rs = sign(&w, serde_json::json!({"alg": "RS256"}), &payload);
        assert!(matches!(
            check(&w, &rs, &pinned(&w)),
            Err(Error::AlgorithmNotAllowed(_))
        ));
    }

    #[test]
    fn list_rules_fail_closed() {
        let w = world();
        let refused = |edit: &dyn Fn(&mut Value)| {
            let mut p = list(&w, 1);
            edit(&mut p["LoTE"]["ListAndSchemeInformation"]);
            let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &p);
            match check(&w, &jws, &pinned(&w)) {
                Err(Error::TrustList(m)) => m,
                other => panic!("accepted: {other:?}"),
            }
        };
        let fmt = |t: OffsetDateTime| Value::from(t.format(&Rfc3339).unwrap());
        // A wallet-providers list never makes PID anchors.
        assert!(refused(
            &|i| i["LoTEType"] = "http://uri.etsi.org/19602/LoTEType/EUWalletProvidersList".into()
        )
        .contains("LoTEType"));
        assert!(refused(&|i| i["LoTEVersionIdentifier"] = 2.into()).contains("Version"));
        assert!(
            refused(&|i| i["NextUpdate"] = fmt(w.now - time::Duration::minutes(1)))
                .contains("NextUpdate has passed")
        );
        assert!(
            refused(&|i| i["ListIssueDateTime"] = fmt(w.now + time::Duration::hours(2)))
                .contains("future")
        );
        assert!(refused(&|i| i["LoTESequenceNumber"] = 0.into()).contains("Sequence"));
        assert!(refused(&|i| i["NextUpdate"] = "tomorrow".into()).contains("date-time"));
    }

    #[test]
    fn services_not_in_force_and_bad_certificates_are_left_out() {
        let w = world();
        let mut p = list(&w, 1);
        let svc = &mut p["LoTE"]["TrustedEntitiesList"][0]["TrustedEntityServices"][0]
            ["ServiceInformation"];
        // Not in force; and a look-alike of the granted URI.
        svc["ServiceStatus"] = "http://example.invalid/Svcstatus/granted".into();
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &p);
        let l = check(&w, &jws, &pinned(&w)).unwrap();
        assert!(l.providers.is_empty());
        assert!(l.notes.iter().any(|n| n.contains("not in force")));

        let mut p = list(&w, 1);
        let svc = &mut p["LoTE"]["TrustedEntitiesList"][0]["TrustedEntityServices"][0]
            ["ServiceInformation"];
        svc["ServiceStatus"] = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted".into();
        svc["ServiceDigitalIdentity"]["X509Certificates"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"val": "bm90IGEgY2VydA=="}));
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &p);
        let l = check(&w, &jws, &pinned(&w)).unwrap();
        assert_eq!(l.providers[0].anchors.len(), 1);
        assert!(l.notes.iter().any(|n| n.contains("unreadable certificate")));

        // A revocation service's certificate signs status lists, never PIDs.
        let mut p = list(&w, 1);
        p["LoTE"]["TrustedEntitiesList"][0]["TrustedEntityServices"][0]["ServiceInformation"]
            ["ServiceTypeIdentifier"] = PID_REVOCATION_SERVICE.into();
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &p);
        let l = check(&w, &jws, &pinned(&w)).unwrap();
        assert!(l.providers.is_empty());
    }

    #[test]
    fn ids_are_registration_identifiers_or_hashed_name_slugs() {
        assert_eq!(slug("NTRXW-0001"), "ntrxw-0001");
        assert!(registration_id("VATEE-70000310"));
        assert!(!registration_id("Walletland PID"));
        assert!(!registration_id("VATEE-"));
        assert!(!registration_id(&format!("VATEE-{}", "1".repeat(80))));
        let riigi = name_id("Riigi Infosüsteemi Amet");
        assert!(riigi.starts_with("riigi-infos-steemi-amet-"), "{riigi}");
        // Names that differ outside ASCII, or only beyond the slug's length, stay apart; a name
        // without ASCII letters still has an id.
        assert_ne!(name_id("Υπουργείο Α"), name_id("Υπουργείο Β"));
        assert_eq!(name_id("Υπουργείο Α").len(), 8);
        let long = |c: char| name_id(&format!("{}{c}", "x".repeat(80)));
        assert_ne!(long('a'), long('b'));
        assert!(long('a').len() <= 33);
    }

    #[test]
    fn two_entities_of_a_country_with_one_id_are_both_left_out() {
        let w = world();
        let a = vec![w.pid_ca.clone()];
        let p = list_json(
            1,
            w.now - time::Duration::hours(1),
            w.now + time::Duration::days(30),
            &[
                ("XW", "Walletland PID Office", Some("NTRXW-0001"), &a),
                ("XW", "Walletland PID Office (copy)", Some("NTRXW-0001"), &a),
            ],
        );
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &p);
        let l = check(&w, &jws, &pinned(&w)).unwrap();
        assert!(l.providers.is_empty());
        assert_eq!(
            l.notes
                .iter()
                .filter(|n| n.contains("both left out"))
                .count(),
            2
        );
    }

    #[test]
    fn a_list_valid_for_more_than_six_months_is_refused() {
        let w = world();
        let a = vec![w.pid_ca.clone()];
        let p = list_json(
            1,
            w.now - time::Duration::hours(1),
            w.now + time::Duration::days(200),
            &[("XW", "Walletland PID Office", None, &a)],
        );
        let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &p);
        assert!(
            matches!(check(&w, &jws, &pinned(&w)), Err(Error::TrustList(m)) if m.contains("six months"))
        );
    }

    /// Every member of a signed list, in turn, replaced by a value of every JSON type (a list
    /// signer that writes nonsense): an error or a list, never a panic, and never a provider
    /// outside the territories or without an anchor.
    #[test]
    fn every_member_of_any_type_is_read_without_a_panic() {
        fn paths(v: &Value, at: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, c) in m {
                        let p = format!("{at}/{k}");
                        out.push(p.clone());
                        paths(c, p, out);
                    }
                }
                Value::Array(a) => {
                    for (i, c) in a.iter().enumerate() {
                        let p = format!("{at}/{i}");
                        out.push(p.clone());
                        paths(c, p, out);
                    }
                }
                _ => {}
            }
        }
        let w = world();
        let good = list(&w, 1);
        let mut all = Vec::new();
        paths(&good, String::new(), &mut all);
        assert!(all.len() > 40, "{}", all.len());
        let values = [
            Value::Null,
            Value::from(-1),
            Value::from(u64::MAX),
            Value::from(1.5),
            Value::from(""),
            Value::from("XW"),
            serde_json::json!([]),
            serde_json::json!([{}]),
            serde_json::json!({}),
        ];
        let mut accepted = 0;
        for path in &all {
            for v in &values {
                let mut p = good.clone();
                if let Some(slot) = p.pointer_mut(path) {
                    *slot = v.clone();
                }
                let jws = sign(&w, serde_json::json!({"alg": "ES256"}), &p);
                if let Ok(l) = check(&w, &jws, &pinned(&w)) {
                    accepted += 1;
                    for pr in &l.providers {
                        assert_eq!(pr.country, "XW", "{path} = {v}");
                        assert!(!pr.anchors.is_empty(), "{path} = {v}");
                        assert!(!pr.id.is_empty(), "{path} = {v}");
                    }
                }
            }
        }
        assert!(accepted > 0, "some members are optional");
    }

    #[test]
    fn garbage_is_an_error_never_a_panic() {
        let w = world();
        for bad in [
            "",
            ".",
            "..",
            "a.b.c",
            "eyJhbGciOiJFUzI1NiJ9..",
            "eyJ9.e30.AA",
        ] {
            assert!(check(&w, bad, &pinned(&w)).is_err());
        }
        let jws = sign(
            &w,
            serde_json::json!({"alg": "ES256"}),
            &serde_json::json!({"LoTE": 5}),
        );
        assert!(check(&w, &jws, &pinned(&w)).is_err());
    }
}
