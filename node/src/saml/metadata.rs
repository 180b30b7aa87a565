//! Foreign Proxy-Service metadata (eidas-requirements §4): verification against a pinned signer
//! or a chain to a configured anchor, `validUntil`, and extraction of everything the Connector
//! relies on. An aggregate is read entity by entity: one unusable entity is reported, not fatal.

use openssl::pkey::{PKey, Public};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509StoreContext, X509};
use roxmltree::Node;
use time::OffsetDateTime;

use super::crypto::{SignatureAlgorithm, SignaturePolicy};
use super::dsig;
use super::error::{Error, Result};
use super::xml::{self, ns};
use crate::identity::{Loa, LoaLevel};

pub const PROTOCOL_VERSION_ATTR: &str = "http://eidas.europa.eu/entity-attributes/protocol-version";
pub const APPLICATION_ID_ATTR: &str =
    "http://eidas.europa.eu/entity-attributes/application-identifier";
pub const ASSURANCE_CERTIFICATION_ATTR: &str =
    "urn:oasis:names:tc:SAML:attribute:assurance-certification";
pub const ENTITY_CATEGORY_ATTR: &str = "http://macedir.org/entity-category";
pub const REQUESTER_ID_FLAG: &str =
    "http://eidas.europa.eu/entity-attributes/termsofaccess/requesterid";
pub const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// How the signer of a metadata document is trusted (§4 "Trust model").
#[derive(Clone)]
pub enum MetadataTrust {
    /// The metadata-signing certificate(s) themselves, exchanged bilaterally.
    Pinned(Vec<X509>),
    /// A national anchor (root or intermediate CA): the signer certificate in the signature must
    /// chain to it (RFC 5280 path validation by OpenSSL).
    Anchors(Vec<X509>),
}

impl std::fmt::Debug for MetadataTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetadataTrust::Pinned(c) => write!(f, "Pinned({} certs)", c.len()),
            MetadataTrust::Anchors(c) => write!(f, "Anchors({} certs)", c.len()),
        }
    }
}

/// What we know about one Proxy-Service, from verified metadata.
#[derive(Clone, Debug)]
pub struct ProxyService {
    pub entity_id: String,
    pub valid_until: Option<OffsetDateTime>,
    pub country: Option<String>,
    pub sso_post_url: Option<String>,
    pub signing_keys: Vec<PKey<Public>>,
    /// The certificates `signing_keys` came from (subject and expiry for operators; never used
    /// to verify anything but through `signing_keys`).
    pub signing_certs: Vec<X509>,
    pub encryption_certs: Vec<X509>,
    pub supported_attributes: Vec<String>,
    pub loas: Vec<Loa>,
    pub protocol_versions: Vec<String>,
    pub application_identifier: Option<String>,
    pub requester_id_flag: bool,
    pub signing_methods: Vec<String>,
    pub digest_methods: Vec<String>,
    pub name_id_formats: Vec<String>,
    /// Things in this entity we could not use (unknown LoA strings, unreadable certificates,
    /// disallowed algorithms, …). Informational when the entity is still usable.
    pub notes: Vec<String>,
}

impl ProxyService {
    /// Why this entity cannot be used to send requests to, if it cannot (§4).
    pub fn unusable_reasons(&self) -> Vec<String> {
        let mut r = Vec::new();
        // The entityID is what responses' Issuer must equal (§2 step 3): a valid URI or nothing.
        if crate::identity::EntityId::parse(&self.entity_id).is_err() {
            r.push("entityID is not an absolute URI of at most 1024 characters".to_owned());
        }
        if self.sso_post_url.is_none() {
            r.push("no HTTP-POST SingleSignOnService".to_owned());
        }
        if self.signing_keys.is_empty() {
            r.push("no usable signing certificate".to_owned());
        }
        if self.country.is_none() {
            r.push("no eidas:NodeCountry".to_owned());
        }
        if self.loas.is_empty() {
            r.push("no level of assurance published".to_owned());
        }
        if self.supported_attributes.is_empty() {
            r.push("no supported attributes published".to_owned());
        }
        r
    }

    /// Highest protocol version published; protocol switches key off it (§0). None = unspecified.
    pub fn highest_protocol(&self) -> Option<(u32, u32)> {
        self.protocol_versions
            .iter()
            .filter_map(|v| {
                let (a, b) = v.trim().split_once('.')?;
                Some((a.parse().ok()?, b.parse().ok()?))
            })
            .max()
    }

    /// Whether the peer is at protocol 1.4 or does not say (§0: treated as 1.4).
    pub fn is_protocol_1_4(&self) -> bool {
        self.highest_protocol().is_none_or(|v| v >= (1, 4))
    }

    pub fn highest_loa(&self) -> Option<LoaLevel> {
        self.loas
            .iter()
            .filter(|l| l.notified)
            .map(|l| l.level)
            .max()
    }
}

/// Verifies a metadata document and returns the Proxy-Services it describes.
///
/// Checks, in order: hardened parse; root signature by a trusted signer (§4); root `validUntil`
/// present and in the future; then each entity's own `validUntil`. Entities are returned even if
/// unusable, with their reasons (see [`ProxyService::unusable_reasons`]).
pub fn verify_metadata(
    text: &str,
    trust: &MetadataTrust,
    policy: &SignaturePolicy,
    now: OffsetDateTime,
) -> Result<Vec<ProxyService>> {
    verify_metadata_with(text, trust, policy, now, &Revocation::default())
}

/// [`verify_metadata`] with revocation checking of an anchored signer's chain (§4).
pub fn verify_metadata_with(
    text: &str,
    trust: &MetadataTrust,
    policy: &SignaturePolicy,
    now: OffsetDateTime,
    revocation: &Revocation,
) -> Result<Vec<ProxyService>> {
    let doc = xml::parse(text, xml::MAX_METADATA_BYTES)?;
    let root = doc.root_element();
    let keys = signer_keys(root, trust, revocation, now)?;
    dsig::verify_enveloped(root, "metadata", &keys, policy)?;
    check_valid_until(root, now, true)?;
    // An entity is valid no longer than the document that vouches for it: in an aggregate the
    // root's validUntil bounds every entity's (§4 "Honour validUntil").
    let root_until = root.attribute("validUntil").and_then(xml::parse_datetime);
    let mut entities = parse_entities(root, now)?;
    for e in &mut entities {
        e.valid_until = match (e.valid_until, root_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(entities)
}

/// Reads entities from a document *without* verifying it, for operator diagnostics of aggregates
/// and tests. Never use the result to trust a peer.
pub fn parse_unverified(text: &str, now: OffsetDateTime) -> Result<Vec<ProxyService>> {
    let doc = xml::parse(text, xml::MAX_METADATA_BYTES)?;
    parse_entities(doc.root_element(), now)
}

/// CRLs for checking an anchored signer's chain (eidas-requirements §4: "Run revocation checks
/// for every certificate that carries revocation information"). Pinned certificates are trusted
/// as themselves and not checked: an operator revokes a pin by removing it.
#[derive(Clone, Default)]
pub struct Revocation {
    /// CRLs fetched from the chain's distribution points; each is used only when signed by the
    /// issuer of the certificate it is applied to and not past its nextUpdate.
    pub crls: std::sync::Arc<Vec<openssl::x509::X509Crl>>,
    /// A certificate with a CRL distribution point but no usable CRL: refused (`true`,
    /// fail-closed) or accepted (`false`, fail-open). A certificate a CRL lists is always refused.
    pub required: bool,
}

impl std::fmt::Debug for Revocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Revocation({} CRLs, required: {})",
            self.crls.len(),
            self.required
        )
    }
}

/// The http(s) CRL distribution points of `cert`.
pub fn crl_distribution_points(cert: &X509) -> Vec<String> {
    let mut out = Vec::new();
    for dp in cert.crl_distribution_points().iter().flatten() {
        let Some(names) = dp.distpoint().and_then(|n| n.fullname()) else {
            continue;
        };
        for n in names {
            if let Some(uri) = n.uri() {
                if uri.starts_with("http://") || uri.starts_with("https://") {
                    out.push(uri.to_owned());
                }
            }
        }
    }
    out
}

/// The CRL URLs the signer chain of `text` (anchored trust only) names, for the caller to fetch
/// before [`verify_metadata_with`]. The chain is path-validated first, so only URLs in
/// certificates issued under a configured anchor are returned; nothing here is trusted yet.
pub fn signer_crl_urls(text: &str, trust: &MetadataTrust) -> Vec<String> {
    let MetadataTrust::Anchors(anchors) = trust else {
        return Vec::new();
    };
    let Ok(doc) = xml::parse(text, xml::MAX_METADATA_BYTES) else {
        return Vec::new();
    };
    let Ok(certs) = signature_certs(doc.root_element()) else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    for leaf in &certs {
        if let Ok(Some(chain)) = chain_to(leaf, &certs, anchors) {
            for c in chain.iter().filter(|c| !is_anchor(c, anchors)) {
                urls.extend(crl_distribution_points(c));
            }
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

fn same_der(a: &X509, b: &X509) -> bool {
    matches!((a.to_der(), b.to_der()), (Ok(x), Ok(y)) if x == y)
}

fn is_anchor(c: &X509, anchors: &[X509]) -> bool {
    anchors.iter().any(|a| same_der(a, c))
}

/// §4 revocation: every certificate of `chain` (leaf first) below the anchor that names a CRL
/// distribution point is checked against a CRL signed by its issuer and still current.
fn check_revocation(
    chain: &[X509],
    anchors: &[X509],
    revocation: &Revocation,
    now: OffsetDateTime,
) -> Result<()> {
    let now_asn1 = openssl::asn1::Asn1Time::from_unix(now.unix_timestamp())?;
    for (i, cert) in chain.iter().enumerate() {
        // Any CRL distribution point counts, LDAP-only ones too: revocation information we
        // cannot fetch is "no CRL", which fail-closed refuses.
        if is_anchor(cert, anchors) || cert.crl_distribution_points().is_none() {
            continue;
        }
        let Some(issuer) = chain.get(i + 1) else {
            continue;
        };
        let issuer_name = issuer.subject_name().to_der()?;
        let issuer_key = issuer.public_key()?;
        // Every CRL from the issuer (name and signature) that is current; an older or foreign
        // one fetched beside a newer one cannot hide a revocation, as any that lists the
        // certificate refuses it.
        let valid: Vec<&openssl::x509::X509Crl> = revocation
            .crls
            .iter()
            .filter(|crl| {
                crl.issuer_name().to_der().is_ok_and(|n| n == issuer_name)
                    && crl.verify(&issuer_key).unwrap_or(false)
                    && crl
                        .next_update()
                        .and_then(|n| n.compare(&now_asn1).ok())
                        .is_some_and(|o| o == std::cmp::Ordering::Greater)
            })
            .collect();
        let subject = format!("{:?}", cert.subject_name());
        if valid
            .iter()
            .any(|crl| matches!(crl.get_by_cert(cert), openssl::x509::CrlStatus::Revoked(_)))
        {
            return Err(Error::Revoked(format!(
                "certificate {subject} is revoked (CRL of its issuer)"
            )));
        }
        // Only a full CRL vouches that a certificate is not revoked: a partitioned
        // (IssuingDistributionPoint) or delta CRL may simply not cover it.
        let covered = valid.iter().any(|crl| is_full_crl(crl));
        if !covered && revocation.required {
            return Err(Error::UntrustedSigner(format!(
                "no current full CRL signed by the issuer of {subject} could be obtained (revocation is fail-closed)"
            )));
        }
    }
    Ok(())
}

/// Whether `crl` is a full CRL: no IssuingDistributionPoint (2.5.29.28) and no delta CRL
/// indicator (2.5.29.27) extension. Read from the DER (the OID encodings `06 03 55 1D 1C` /
/// `1B` occur nowhere else in a CRL: entry extensions use other OIDs).
fn is_full_crl(crl: &openssl::x509::X509CrlRef) -> bool {
    let Ok(der) = crl.to_der() else {
        return false;
    };
    !der.windows(5).any(|w| {
        w.first() == Some(&0x06)
            && w.get(1) == Some(&0x03)
            && w.get(2) == Some(&0x55)
            && w.get(3) == Some(&0x1d)
            && matches!(w.get(4), Some(0x1b | 0x1c))
    })
}

/// The certificates in the document signature's KeyInfo (candidates, not trusted).
fn signature_certs(root: Node) -> Result<Vec<X509>> {
    let sig = dsig::signature_of(root, "metadata")?.ok_or(Error::Unsigned {
        element: "metadata",
    })?;
    let mut certs = Vec::new();
    for n in sig
        .descendants()
        .filter(|n| xml::is(*n, ns::DS, "X509Certificate"))
    {
        certs.push(X509::from_der(&xml::base64_text(n)?).map_err(|_| Error::BadCertificate)?);
    }
    Ok(certs)
}

pub(super) fn signer_keys(
    root: Node,
    trust: &MetadataTrust,
    revocation: &Revocation,
    now: OffsetDateTime,
) -> Result<Vec<PKey<Public>>> {
    match trust {
        MetadataTrust::Pinned(certs) => certs
            .iter()
            .map(|c| c.public_key().map_err(Error::from))
            .collect(),
        MetadataTrust::Anchors(anchors) => {
            // The candidate signer certificate comes from the signature, but it is only used once
            // it has been validated as a path to a configured anchor, and (§4) none of the
            // path's certificates is revoked.
            let certs = signature_certs(root)?;
            let mut out = Vec::new();
            for leaf in &certs {
                if let Some(chain) = chain_to(leaf, &certs, anchors)? {
                    check_revocation(&chain, anchors, revocation, now)?;
                    out.push(leaf.public_key()?);
                }
            }
            if out.is_empty() {
                return Err(Error::UntrustedSigner(
                    "no signer certificate chains to a configured anchor".into(),
                ));
            }
            Ok(out)
        }
    }
}

/// The validated path from `leaf` to an anchor (leaf first), if there is one.
fn chain_to(leaf: &X509, untrusted: &[X509], anchors: &[X509]) -> Result<Option<Vec<X509>>> {
    let mut store = X509StoreBuilder::new()?;
    for a in anchors {
        store.add_cert(a.clone())?;
    }
    // An anchor may be an intermediate CA (§4: NODE trusts leaf, intermediate or root).
    store.set_flags(openssl::x509::verify::X509VerifyFlags::PARTIAL_CHAIN)?;
    let store = store.build();
    let mut chain = Stack::new()?;
    for c in untrusted {
        chain.push(c.clone())?;
    }
    let mut ctx = X509StoreContext::new()?;
    Ok(ctx.init(&store, leaf, &chain, |c| {
        if !c.verify_cert()? {
            return Ok(None);
        }
        Ok(c.chain().map(|s| s.iter().map(|x| x.to_owned()).collect()))
    })?)
}

fn check_valid_until(node: Node, now: OffsetDateTime, required: bool) -> Result<()> {
    match node.attribute("validUntil") {
        None if required => Err(Error::MetadataExpired),
        None => Ok(()),
        Some(v) => {
            let t = xml::parse_datetime(v).ok_or(Error::Timestamp("validUntil"))?;
            if t <= now {
                Err(Error::MetadataExpired)
            } else {
                Ok(())
            }
        }
    }
}

fn parse_entities(root: Node, now: OffsetDateTime) -> Result<Vec<ProxyService>> {
    if xml::is(root, ns::MD, "EntityDescriptor") {
        return Ok(vec![parse_entity(root)]);
    }
    if !xml::is(root, ns::MD, "EntitiesDescriptor") {
        return Err(Error::UnexpectedRoot {
            expected: "md:EntityDescriptor or md:EntitiesDescriptor",
            found: root.tag_name().name().to_owned(),
        });
    }
    let mut out = Vec::new();
    for e in root
        .descendants()
        .filter(|n| xml::is(*n, ns::MD, "EntityDescriptor"))
    {
        let mut ps = parse_entity(e);
        if check_valid_until(e, now, false).is_err() {
            ps.notes.push("entity validUntil has passed".into());
            ps.signing_keys.clear();
            ps.signing_certs.clear();
        }
        out.push(ps);
    }
    Ok(out)
}

fn parse_entity(e: Node) -> ProxyService {
    let mut ps = ProxyService {
        entity_id: e.attribute("entityID").unwrap_or("").to_owned(),
        valid_until: e.attribute("validUntil").and_then(xml::parse_datetime),
        country: None,
        sso_post_url: None,
        signing_keys: Vec::new(),
        signing_certs: Vec::new(),
        encryption_certs: Vec::new(),
        supported_attributes: Vec::new(),
        loas: Vec::new(),
        protocol_versions: Vec::new(),
        application_identifier: None,
        requester_id_flag: false,
        signing_methods: Vec::new(),
        digest_methods: Vec::new(),
        name_id_formats: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(ext) = xml::child(e, ns::MD, "Extensions") {
        read_entity_extensions(ext, &mut ps);
    }
    let Some(idp) = xml::child(e, ns::MD, "IDPSSODescriptor") else {
        ps.notes.push("no IDPSSODescriptor".into());
        return ps;
    };
    if let Some(ext) = xml::child(idp, ns::MD, "Extensions") {
        if let Some(c) =
            xml::child(ext, ns::EIDAS, "NodeCountry").and_then(|c| xml::trimmed_text(c).ok())
        {
            if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
                ps.country = Some(c);
            } else {
                ps.notes.push("malformed NodeCountry".into());
            }
        }
        // SC also repeats the algsupport elements under the role.
        read_alg_support(ext, &mut ps);
    }
    for kd in xml::children(idp, ns::MD, "KeyDescriptor") {
        read_key_descriptor(kd, &mut ps);
    }
    for sso in xml::children(idp, ns::MD, "SingleSignOnService") {
        if sso.attribute("Binding") == Some(POST_BINDING) && ps.sso_post_url.is_none() {
            ps.sso_post_url = sso.attribute("Location").map(str::to_owned);
        }
    }
    for f in xml::children(idp, ns::MD, "NameIDFormat") {
        if let Ok(t) = xml::trimmed_text(f) {
            ps.name_id_formats.push(t);
        }
    }
    for a in xml::children(idp, ns::SAML, "Attribute") {
        if let Some(n) = a.attribute("Name") {
            ps.supported_attributes.push(n.to_owned());
        }
    }
    ps
}

fn read_entity_extensions(ext: Node, ps: &mut ProxyService) {
    read_alg_support(ext, ps);
    let Some(ea) = xml::child(ext, ns::MDATTR, "EntityAttributes") else {
        return;
    };
    for attr in xml::children(ea, ns::SAML, "Attribute") {
        let values: Vec<String> = xml::children(attr, ns::SAML, "AttributeValue")
            .filter_map(|v| xml::trimmed_text(v).ok())
            .collect();
        match attr.attribute("Name") {
            Some(PROTOCOL_VERSION_ATTR) => {
                // Some nodes publish "1.4;1.3;1.2" in one value, others one value each.
                ps.protocol_versions.extend(
                    values
                        .iter()
                        .flat_map(|v| v.split(';'))
                        .map(|v| v.trim().to_owned()),
                );
            }
            Some(APPLICATION_ID_ATTR) => ps.application_identifier = values.first().cloned(),
            Some(ASSURANCE_CERTIFICATION_ATTR) => {
                for v in values {
                    if let Some(loa) = Loa::parse_uri(&v) {
                        ps.loas.push(loa);
                    } else if let Some(level) = LoaLevel::parse_short(&v) {
                        // DEVIATION: one production node publishes High/Substantial/Low instead
                        // of URIs (§4); read them as the notified levels and say so.
                        ps.notes
                            .push(format!("LoA given as {v:?} instead of a URI"));
                        ps.loas.push(Loa::notified(level));
                    } else {
                        ps.notes.push(format!("unknown LoA {v:?} ignored"));
                    }
                }
            }
            Some(ENTITY_CATEGORY_ATTR) if values.iter().any(|v| v == REQUESTER_ID_FLAG) => {
                ps.requester_id_flag = true;
            }
            _ => {}
        }
    }
}

fn read_alg_support(ext: Node, ps: &mut ProxyService) {
    for m in xml::children(ext, ns::ALG, "SigningMethod") {
        if let Some(a) = m.attribute("Algorithm") {
            if SignatureAlgorithm::from_uri(a).is_err() {
                ps.notes
                    .push(format!("signing method {a} is not allowed; ignored"));
            } else if !ps.signing_methods.iter().any(|x| x == a) {
                ps.signing_methods.push(a.to_owned());
            }
        }
    }
    for m in xml::children(ext, ns::ALG, "DigestMethod") {
        if let Some(a) = m.attribute("Algorithm") {
            if !ps.digest_methods.iter().any(|x| x == a) {
                ps.digest_methods.push(a.to_owned());
            }
        }
    }
}

fn read_key_descriptor(kd: Node, ps: &mut ProxyService) {
    let use_ = kd.attribute("use");
    let certs: Vec<X509> = kd
        .descendants()
        .filter(|n| xml::is(*n, ns::DS, "X509Certificate"))
        .filter_map(|n| {
            let parsed = xml::base64_text(n)
                .ok()
                .and_then(|der| X509::from_der(&der).ok());
            if parsed.is_none() {
                ps.notes.push("unreadable certificate ignored".into());
            }
            parsed
        })
        .collect();
    for c in certs {
        // A KeyDescriptor without `use` serves both purposes (SAML metadata §2.4.1.1).
        if use_ != Some("encryption") {
            match c.public_key() {
                // §3: RSA ≥ 2048 bits (3072 recommended), EC ≥ 256 bits (P-256 and up).
                Ok(k) if signing_key_strong_enough(&k) => {
                    ps.signing_keys.push(k);
                    ps.signing_certs.push(c.clone());
                }
                Ok(k) => ps
                    .notes
                    .push(format!("signing key of {} bits ignored", k.bits())),
                Err(_) => ps
                    .notes
                    .push("certificate without usable key ignored".into()),
            }
        }
        if use_ != Some("signing") {
            ps.encryption_certs.push(c);
        }
    }
}

fn signing_key_strong_enough(k: &PKey<Public>) -> bool {
    match k.id() {
        openssl::pkey::Id::RSA => k.bits() >= 2048,
        openssl::pkey::Id::EC => k.bits() >= 256,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_version_switch_treats_unspecified_as_1_4() {
        let mut ps = parse_entity(
            xml::parse(r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>"#, 10_000)
                .expect("parse")
                .root_element(),
        );
        assert!(ps.is_protocol_1_4());
        ps.protocol_versions = vec!["1.1".into(), "1.2".into()];
        assert!(!ps.is_protocol_1_4());
        ps.protocol_versions.push("1.4".into());
        assert!(ps.is_protocol_1_4());
    }
}
