//! The Connector as the simulator sees it: its metadata, fetched from the AuthnRequest's Issuer
//! (the entityID is the metadata URL, eidas-requirements §4 / IA §6.4), verified against pinned
//! certificates, and the AuthnRequest verified against that metadata's signing keys (§1).

use std::time::{Duration, Instant};

use eidas_node::identity::{Loa, LoaLevel, PersonType};
use eidas_node::saml::attributes as reg;
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::dsig;
use eidas_node::saml::metadata::POST_BINDING;
use eidas_node::saml::xml::{self, ns};
use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use roxmltree::Node;
use time::OffsetDateTime;

use super::SimState;

/// Fetched Connector metadata is reused this long.
const CACHE_FOR: Duration = Duration::from_secs(60);

/// What the simulator needs from a Connector's (SP) metadata.
#[derive(Clone, Debug)]
pub struct ConnectorMetadata {
    pub entity_id: String,
    pub country: Option<String>,
    pub acs_url: String,
    pub signing_keys: Vec<PKey<Public>>,
    pub encryption_certs: Vec<X509>,
}

/// What the simulator needs from a verified AuthnRequest (§1).
#[derive(Clone, Debug)]
pub struct ParsedRequest {
    pub id: String,
    pub issuer: String,
    pub destination: Option<String>,
    /// (Name, isRequired)
    pub attributes: Vec<(String, bool)>,
    pub comparison: String,
    pub loas: Vec<Loa>,
    pub person_type: PersonType,
    /// `Scoping/RequesterID`, when sent.
    pub requester_id: Option<String>,
}

impl ParsedRequest {
    /// Lowest acceptable level (`minimum`) or the lowest of the `exact` set.
    pub fn min_loa(&self) -> LoaLevel {
        self.loas
            .iter()
            .map(|l| l.level)
            .min()
            .unwrap_or(LoaLevel::Low)
    }
}

/// Why a request is refused (shown as a generic 400 page; the code is logged).
#[derive(Debug)]
pub struct Rejection(pub &'static str, pub String);

fn rej(code: &'static str, detail: impl Into<String>) -> Rejection {
    Rejection(code, detail.into())
}

/// Parses SP metadata that has already been signature-checked by [`fetch_verified`].
pub fn parse_sp_metadata(root: Node) -> Result<ConnectorMetadata, Rejection> {
    if !xml::is(root, ns::MD, "EntityDescriptor") {
        return Err(rej("metadata_root", "not an EntityDescriptor"));
    }
    let entity_id = root.attribute("entityID").unwrap_or("").to_owned();
    let sp = xml::child(root, ns::MD, "SPSSODescriptor")
        .ok_or_else(|| rej("metadata_sp", "no SPSSODescriptor"))?;
    let country = xml::child(sp, ns::MD, "Extensions")
        .and_then(|e| xml::child(e, ns::EIDAS, "NodeCountry"))
        .and_then(|c| xml::trimmed_text(c).ok());
    let mut signing_keys = Vec::new();
    let mut encryption_certs = Vec::new();
    for kd in xml::children(sp, ns::MD, "KeyDescriptor") {
        let use_ = kd.attribute("use");
        for n in kd
            .descendants()
            .filter(|n| xml::is(*n, ns::DS, "X509Certificate"))
        {
            let Some(cert) = xml::base64_text(n)
                .ok()
                .and_then(|d| X509::from_der(&d).ok())
            else {
                continue;
            };
            if use_ != Some("encryption") {
                if let Ok(k) = cert.public_key() {
                    signing_keys.push(k);
                }
            }
            if use_ != Some("signing") {
                encryption_certs.push(cert);
            }
        }
    }
    let acs: Vec<Node> = xml::children(sp, ns::MD, "AssertionConsumerService")
        .filter(|a| a.attribute("Binding") == Some(POST_BINDING))
        .collect();
    let acs_url = acs
        .iter()
        .find(|a| a.attribute("isDefault") == Some("true"))
        .or(acs.first())
        .and_then(|a| a.attribute("Location"))
        .ok_or_else(|| rej("metadata_acs", "no HTTP-POST AssertionConsumerService"))?
        .to_owned();
    Ok(ConnectorMetadata {
        entity_id,
        country,
        acs_url,
        signing_keys,
        encryption_certs,
    })
}

/// Fetches (or takes from the cache) and verifies the metadata at `url`.
pub async fn fetch_verified(state: &SimState, url: &str) -> Result<ConnectorMetadata, Rejection> {
    let inner = &state.inner;
    if let Some(allowed) = &inner.allowed_connector_metadata_urls {
        if !allowed.iter().any(|a| a == url) {
            return Err(rej("issuer_not_allowed", url));
        }
    }
    if let Ok(cache) = inner.connector_cache.lock() {
        if let Some((at, m)) = cache.get(url) {
            if at.elapsed() < CACHE_FOR {
                return Ok(m.clone());
            }
        }
    }
    // DEVIATION: http:// is accepted (loopback tests); a real Proxy-Service insists on HTTPS (§4).
    let resp = inner
        .http
        .get(url)
        .send()
        .await
        .map_err(|e| rej("metadata_fetch", e.to_string()))?;
    if !resp.status().is_success() {
        return Err(rej("metadata_fetch", format!("status {}", resp.status())));
    }
    let text = resp
        .text()
        .await
        .map_err(|e| rej("metadata_fetch", e.to_string()))?;
    let m = verify_sp_metadata(state, &text, url)?;
    if let Ok(mut cache) = inner.connector_cache.lock() {
        cache.insert(url.to_owned(), (Instant::now(), m.clone()));
    }
    Ok(m)
}

/// §4: the metadata signature must verify with a pinned certificate, `validUntil` must be in the
/// future and the entityID must be the URL it was fetched from.
pub fn verify_sp_metadata(
    state: &SimState,
    text: &str,
    url: &str,
) -> Result<ConnectorMetadata, Rejection> {
    let doc = xml::parse(text, xml::MAX_METADATA_BYTES)
        .map_err(|e| rej("metadata_xml", e.to_string()))?;
    let root = doc.root_element();
    let keys: Vec<PKey<Public>> = state
        .inner
        .trusted_connector_certs
        .iter()
        .filter_map(|c| c.public_key().ok())
        .collect();
    dsig::verify_enveloped(root, "metadata", &keys, &SignaturePolicy::EIDAS)
        .map_err(|e| rej("metadata_signature", e.code()))?;
    let valid_until = root
        .attribute("validUntil")
        .and_then(xml::parse_datetime)
        .ok_or_else(|| rej("metadata_valid_until", "missing"))?;
    if valid_until <= OffsetDateTime::now_utc() {
        return Err(rej("metadata_expired", "validUntil passed"));
    }
    let m = parse_sp_metadata(root)?;
    if m.entity_id != url {
        return Err(rej(
            "metadata_entity_id",
            "entityID is not the metadata URL",
        ));
    }
    Ok(m)
}

/// Decodes and verifies a POSTed AuthnRequest; returns it with the Connector's metadata.
pub async fn verify_request(
    state: &SimState,
    saml_request: &str,
) -> Result<(ParsedRequest, ConnectorMetadata), Rejection> {
    // Same size cap as the Connector applies to responses (§1.3).
    let text = eidas_node::saml::response::decode_post(saml_request)
        .map_err(|e| rej("request_decode", e.code()))?;
    let doc =
        xml::parse(&text, xml::MAX_MESSAGE_BYTES).map_err(|e| rej("request_xml", e.code()))?;
    let root = doc.root_element();
    if !xml::is(root, ns::SAMLP, "AuthnRequest") {
        return Err(rej("request_root", "not an AuthnRequest"));
    }
    let issuer = xml::child(root, ns::SAML, "Issuer")
        .and_then(|i| xml::trimmed_text(i).ok())
        .ok_or_else(|| rej("request_issuer", "no Issuer"))?;
    let meta = fetch_verified(state, &issuer).await?;
    // §1: the request MUST be signed; keys only from the verified metadata, never KeyInfo.
    dsig::verify_enveloped(
        root,
        "AuthnRequest",
        &meta.signing_keys,
        &SignaturePolicy::EIDAS,
    )
    .map_err(|e| rej("request_signature", e.code()))?;
    check_issue_instant(root, OffsetDateTime::now_utc())?;
    let parsed = parse_request(root, issuer)?;
    Ok((parsed, meta))
}

/// §1: a request is answered only while fresh: IssueInstant at most 10 minutes old and not more
/// than a minute in the future (clock skew).
fn check_issue_instant(root: Node, now: OffsetDateTime) -> Result<(), Rejection> {
    let t = root
        .attribute("IssueInstant")
        .and_then(xml::parse_datetime)
        .ok_or_else(|| rej("request_issue_instant", "missing or malformed"))?;
    if t < now - time::Duration::minutes(10) || t > now + time::Duration::minutes(1) {
        return Err(rej("request_issue_instant", "outside the accepted window"));
    }
    Ok(())
}

fn parse_request(root: Node, issuer: String) -> Result<ParsedRequest, Rejection> {
    let id = root
        .attribute("ID")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| rej("request_id", "no ID"))?
        .to_owned();
    let mut attributes = Vec::new();
    if let Some(ra) = xml::child(root, ns::SAMLP, "Extensions")
        .and_then(|e| xml::child(e, ns::EIDAS, "RequestedAttributes"))
    {
        for a in xml::children(ra, ns::EIDAS, "RequestedAttribute") {
            if let Some(n) = a.attribute("Name") {
                attributes.push((n.to_owned(), a.attribute("isRequired") == Some("true")));
            }
        }
    }
    let rac = xml::child(root, ns::SAMLP, "RequestedAuthnContext");
    let comparison = rac
        .and_then(|r| r.attribute("Comparison"))
        .unwrap_or("exact")
        .to_owned();
    let loas: Vec<Loa> = rac
        .into_iter()
        .flat_map(|r| xml::children(r, ns::SAML, "AuthnContextClassRef"))
        .filter_map(|c| xml::trimmed_text(c).ok())
        .filter_map(|u| Loa::parse_uri(&u))
        .collect();
    if loas.is_empty() {
        return Err(rej("request_loa", "no known LoA requested"));
    }
    let legal = attributes
        .iter()
        .any(|(n, _)| n == reg::LEGAL_PERSON_IDENTIFIER);
    Ok(ParsedRequest {
        id,
        issuer,
        destination: root.attribute("Destination").map(str::to_owned),
        attributes,
        comparison,
        loas,
        person_type: if legal {
            PersonType::LegalPerson
        } else {
            PersonType::NaturalPerson
        },
        requester_id: xml::child(root, ns::SAMLP, "Scoping")
            .and_then(|s| xml::child(s, ns::SAMLP, "RequesterID"))
            .and_then(|r| xml::trimmed_text(r).ok()),
    })
}
