//! eIDAS Metadata Service Lists (MDSL; eidas-requirements §4 "MetadataServiceList", MF v1.4
//! Appendix A, IA §6.2 and §6.4.2): verify a Member State's signed list and read what it vouches
//! for. Protocol only: which territories a list may speak for, and what to do with its entries,
//! is `trust`'s policy.
//!
//! What a list says is never trust by itself: each metadata document it points to is still
//! verified on its own (with the location's certificates or a path to the country's anchor).

use openssl::x509::X509;
use roxmltree::Node;
use time::OffsetDateTime;

use super::crypto::SignaturePolicy;
use super::dsig;
use super::error::{Error, Result};
use super::metadata::{signer_keys, MetadataTrust, Revocation};
use super::xml::{self, ns};

/// `EndpointType` of a Proxy-Service (MF App. A).
pub const EPT_PROXY_SERVICE: &str = "http://eidas.europa.eu/metadata/ept/ProxyService";
/// `EndpointType` of a Connector.
pub const EPT_CONNECTOR: &str = "http://eidas.europa.eu/metadata/ept/Connector";

/// A verified service list.
#[derive(Debug, Clone)]
pub struct ServiceList {
    pub version: String,
    /// When it was issued: a list older than the one in force from the same source is a replay.
    pub issue_date: OffsetDateTime,
    /// When the next list is due; past it, the list is expired.
    pub next_update: Option<OffsetDateTime>,
    pub issuer_name: Option<String>,
    pub scheme_territory: Option<String>,
    pub lists: Vec<MetadataList>,
    /// Entries that were skipped, and why (no personal data: territories, locations, attribute
    /// names). A malformed entry costs that entry, not the list.
    pub notes: Vec<String>,
}

/// The entries for one territory.
#[derive(Debug, Clone)]
pub struct MetadataList {
    pub territory: String,
    /// `Suspend="true"` (NOBID variant): nothing in it is to be used.
    pub suspended: bool,
    pub locations: Vec<MetadataLocation>,
}

/// Where a metadata document is, the certificates to verify it with, and the nodes it describes.
#[derive(Debug, Clone)]
pub struct MetadataLocation {
    pub location: String,
    pub certificates: Vec<X509>,
    /// Certificates in the list that OpenSSL cannot read: reported per location, so that one
    /// odd entry does not cost the whole list (the document it points to is verified anyway).
    pub unreadable_certificates: usize,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub endpoint_type: String,
    pub entity_id: String,
    pub suspended: bool,
    pub hide_from_discovery: bool,
}

/// A Proxy-Service the list vouches for: its metadata location and entry.
#[derive(Debug, Clone)]
pub struct ListedProxyService<'a> {
    pub location: &'a MetadataLocation,
    pub endpoint: &'a Endpoint,
}

impl ServiceList {
    /// The connector algorithm's steps 2–3 (§4): for `territory`, the Proxy-Service endpoints of
    /// a list that is not suspended, skipping suspended endpoints.
    pub fn proxy_services(&self, territory: &str) -> Vec<ListedProxyService<'_>> {
        self.lists
            .iter()
            .filter(|l| l.territory == territory && !l.suspended)
            .flat_map(|l| l.locations.iter())
            .flat_map(|loc| {
                loc.endpoints
                    .iter()
                    .filter(|e| e.endpoint_type == EPT_PROXY_SERVICE && !e.suspended)
                    .map(move |endpoint| ListedProxyService {
                        location: loc,
                        endpoint,
                    })
            })
            .collect()
    }
}

fn boolean(n: Node, name: &str) -> Result<bool> {
    match n.attribute(name).map(str::trim) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(Error::MissingXmlAttribute {
            attribute: "boolean",
        }),
    }
}

fn required<'a>(n: Node<'a, '_>, attribute: &'static str) -> Result<&'a str> {
    n.attribute(attribute)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(Error::MissingXmlAttribute { attribute })
}

/// Verifies `text` as a service list signed by a key of `trust` (step 1 of the connector
/// algorithm): the signature over the whole list (enveloped, `Reference URI=""` or the root's
/// ID), `IssueDate` present and not in the future beyond `skew`, `NextUpdate` not passed.
pub fn verify_service_list(
    text: &str,
    trust: &MetadataTrust,
    policy: &SignaturePolicy,
    now: OffsetDateTime,
    skew: time::Duration,
) -> Result<ServiceList> {
    verify_service_list_with(text, trust, policy, now, skew, &Revocation::default())
}

/// [`verify_service_list`] with revocation checking of an anchored signer's chain (§4).
pub fn verify_service_list_with(
    text: &str,
    trust: &MetadataTrust,
    policy: &SignaturePolicy,
    now: OffsetDateTime,
    skew: time::Duration,
    revocation: &Revocation,
) -> Result<ServiceList> {
    let doc = xml::parse(text, xml::MAX_METADATA_BYTES)?;
    let root = doc.root_element();
    if !xml::is(root, ns::SER, "MetadataServiceList") {
        return Err(Error::UnexpectedRoot {
            expected: "ser:MetadataServiceList",
            found: root.tag_name().name().to_owned(),
        });
    }
    let keys = signer_keys(root, trust, revocation, now)?;
    dsig::verify_enveloped(root, "MetadataServiceList", &keys, policy)?;
    let version = required(root, "Version")?.to_owned();
    let issue_date =
        xml::parse_datetime(required(root, "IssueDate")?).ok_or(Error::Timestamp("IssueDate"))?;
    if issue_date > now + skew {
        return Err(Error::NotYetValid);
    }
    let next_update = match root.attribute("NextUpdate") {
        Some(v) => Some(xml::parse_datetime(v).ok_or(Error::Timestamp("NextUpdate"))?),
        None => None,
    };
    if next_update.is_some_and(|n| now >= n + skew) {
        return Err(Error::MetadataExpired);
    }
    let scheme = xml::child(root, ns::SER, "SchemeInformation");
    let text_of = |name: &'static str| -> Result<Option<String>> {
        scheme
            .and_then(|s| xml::child(s, ns::SER, name))
            .map(xml::trimmed_text)
            .transpose()
    };
    let mut lists = Vec::new();
    let mut notes = Vec::new();
    for list in xml::children(root, ns::SER, "MetadataList") {
        let Ok(territory) = required(list, "Territory") else {
            notes.push("a MetadataList without Territory was skipped".to_owned());
            continue;
        };
        let mut locations = Vec::new();
        for loc in xml::children(list, ns::SER, "MetadataLocation") {
            let Ok(location) = required(loc, "Location") else {
                notes.push(format!(
                    "{territory}: a MetadataLocation without Location was skipped"
                ));
                continue;
            };
            let mut certificates = Vec::new();
            let mut unreadable_certificates = 0;
            for c in loc
                .descendants()
                .filter(|n| xml::is(*n, ns::DS, "X509Certificate"))
            {
                match xml::base64_text(c)
                    .ok()
                    .and_then(|der| X509::from_der(&der).ok())
                {
                    Some(cert) => certificates.push(cert),
                    None => unreadable_certificates += 1,
                }
            }
            let mut endpoints = Vec::new();
            for e in xml::children(loc, ns::SER, "Endpoint") {
                let parsed = (|| -> Result<Endpoint> {
                    Ok(Endpoint {
                        endpoint_type: required(e, "EndpointType")?.to_owned(),
                        entity_id: required(e, "EntityID")?.to_owned(),
                        suspended: boolean(e, "Suspend")?,
                        hide_from_discovery: boolean(e, "HideFromDiscovery")?,
                    })
                })();
                match parsed {
                    Ok(endpoint) => endpoints.push(endpoint),
                    Err(err) => notes.push(format!(
                        "{territory}: an Endpoint at {location} was skipped: {err}"
                    )),
                }
            }
            locations.push(MetadataLocation {
                location: location.to_owned(),
                certificates,
                unreadable_certificates,
                endpoints,
            });
        }
        lists.push(MetadataList {
            territory: territory.to_owned(),
            suspended: boolean(list, "Suspend")?,
            locations,
        });
    }
    Ok(ServiceList {
        version,
        issue_date,
        next_update,
        issuer_name: text_of("IssuerName")?,
        scheme_territory: text_of("SchemeTerritory")?,
        lists,
        notes,
    })
}
