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
