//! Signed Metadata Service Lists (eidas-requirements §4) as a test operator publishes them: the
//! simulator's way of vouching for its countries through the MDSL path.

use eidas_node::saml::dsig::{sign_enveloped, SIGNATURE_MARKER};
use eidas_node::saml::keys::SigningKey;
use eidas_node::saml::mdsl::EPT_PROXY_SERVICE;
use eidas_node::saml::xml::{self, escape_attr, ns};
use openssl::x509::X509;
use time::OffsetDateTime;

/// One territory's Proxy-Service in a list.
#[derive(Clone, Debug)]
pub struct ListEntry {
    pub territory: String,
    /// Where its metadata is.
    pub location: String,
    /// The entityID the list names (in practice the location).
    pub entity_id: String,
    /// Its metadata-signing certificate.
    pub cert: X509,
    pub suspended: bool,
}

/// Builds and signs a list issued at `issued`, valid until `next_update`.
pub fn build_service_list(
    operator: &SigningKey,
    issued: OffsetDateTime,
    next_update: OffsetDateTime,
    entries: &[ListEntry],
) -> eidas_node::saml::Result<String> {
    let mut x = format!(
        r#"<ser:MetadataServiceList xmlns:ser="{ser}" xmlns:ds="{ds}" ID="_list{n}" Version="1.0" IssueDate="{i}" NextUpdate="{u}">{SIGNATURE_MARKER}<ser:SchemeInformation><ser:IssuerName>eidas-testbed operator (TEST)</ser:IssuerName><ser:SchemeTerritory>XX</ser:SchemeTerritory></ser:SchemeInformation>"#,
        ser = ns::SER,
        ds = ns::DS,
        n = issued.unix_timestamp(),
        i = xml::format_datetime(issued),
        u = xml::format_datetime(next_update),
    );
    for e in entries {
        let der = e
            .cert
            .to_der()
            .map_err(|err| eidas_node::saml::Error::Internal(err.to_string()))?;
        x.push_str(&format!(
            r#"<ser:MetadataList Territory="{t}"{s}><ser:MetadataLocation Location="{l}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo><ser:Endpoint EndpointType="{EPT_PROXY_SERVICE}" EntityID="{eid}"/></ser:MetadataLocation></ser:MetadataList>"#,
            t = escape_attr(&e.territory),
            s = if e.suspended { r#" Suspend="true""# } else { "" },
            l = escape_attr(&e.location),
            eid = escape_attr(&e.entity_id),
            c = xml::encode_base64(&der),
        ));
    }
    x.push_str("</ser:MetadataServiceList>");
    sign_enveloped(&x, operator)
}

/// What the simulator's `/mdsl` serves next: the current list, or one step of a rotation series
/// a Connector must refuse (set with `POST /control` `list=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListMode {
    /// The current list, signed, IssueDate = the last change.
    Normal,
    /// A list whose NextUpdate has passed.
    Expired,
    /// The current list with one attribute changed after signing.
    Tampered,
    /// The current list relabelled as signed with SHA-1 (refused on the algorithm, §3.3).
    Sha1,
    /// The first list this simulator served (an older IssueDate: a replay).
    Replay,
}

impl ListMode {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "normal" | "" => ListMode::Normal,
            "expired" => ListMode::Expired,
            "tampered" => ListMode::Tampered,
            "sha1" => ListMode::Sha1,
            "replay" => ListMode::Replay,
            _ => return None,
        })
    }
}

/// The simulator's list as a test operator publishes it.
#[derive(Debug)]
pub struct Publisher {
    pub operator: SigningKey,
    pub issued: OffsetDateTime,
    pub mode: ListMode,
    /// Countries marked `Suspend="true"`.
    pub withdrawn: std::collections::BTreeSet<String>,
    /// A territory the list also vouches for (pointing at the first country's metadata), to
    /// test that a Connector refuses territories outside a list's scope.
    pub extra_territory: Option<String>,
    /// The first list served, for [`ListMode::Replay`].
    pub first: Option<String>,
}

impl Publisher {
    pub fn new(operator: SigningKey) -> Self {
        Publisher {
            operator,
            // A second in the past, so the first change is always newer.
            issued: OffsetDateTime::now_utc() - time::Duration::SECOND,
            mode: ListMode::Normal,
            withdrawn: std::collections::BTreeSet::new(),
            extra_territory: None,
            first: None,
        }
    }

    /// The content changed: a newer IssueDate.
    pub fn touch(&mut self) {
        let now = OffsetDateTime::now_utc();
        self.issued = if now > self.issued {
            now
        } else {
            self.issued + time::Duration::SECOND
        };
    }

    /// The document to serve for `entries` (the simulator's countries, in order).
    pub fn render(&mut self, mut entries: Vec<ListEntry>) -> eidas_node::saml::Result<String> {
        for e in &mut entries {
            e.suspended = self.withdrawn.contains(&e.territory);
        }
        if let (Some(t), Some(first)) = (&self.extra_territory, entries.first().cloned()) {
            entries.push(ListEntry {
                territory: t.clone(),
                suspended: false,
                ..first
            });
        }
        let day = time::Duration::days(1);
        let current = build_service_list(&self.operator, self.issued, self.issued + day, &entries)?;
        if self.first.is_none() {
            self.first = Some(current.clone());
        }
        Ok(match self.mode {
            ListMode::Normal => current,
            ListMode::Expired => {
                let now = OffsetDateTime::now_utc();
                build_service_list(&self.operator, now - 3 * day, now - day, &entries)?
            }
            ListMode::Tampered => {
                let first = entries
                    .first()
                    .map(|e| format!("Territory=\"{}\"", e.territory))
                    .unwrap_or_default();
                current.replacen(&first, "Territory=\"ZZ\"", 1)
            }
            ListMode::Sha1 => current
                .replace(
                    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
                    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
                )
                .replace(
                    "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
                    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                )
                .replace(
                    "http://www.w3.org/2001/04/xmlenc#sha256",
                    "http://www.w3.org/2000/09/xmldsig#sha1",
                ),
            ListMode::Replay => self.first.clone().unwrap_or(current),
        })
    }
}
