//! The country's signed eIDAS IdP (Proxy-Service) metadata (eidas-requirements §4, "What a
//! Proxy-Service publishes"): entityID = its URL, `validUntil`, NodeCountry, signing and encryption
//! KeyDescriptors, supported attributes, LoAs, protocol version and algsupport.

use eidas_node::identity::{Loa, OptionalAttribute, PersonType};
use eidas_node::saml::attributes::{self as reg, NAME_FORMAT_URI};
use eidas_node::saml::authn_request::{
    random_id, NAMEID_PERSISTENT, NAMEID_TRANSIENT, NAMEID_UNSPECIFIED,
};
use eidas_node::saml::crypto::uri;
use eidas_node::saml::dsig::{self, SIGNATURE_MARKER};
use eidas_node::saml::metadata::{
    APPLICATION_ID_ATTR, ASSURANCE_CERTIFICATION_ATTR, POST_BINDING, PROTOCOL_VERSION_ATTR,
};
use eidas_node::saml::xml::{self, escape_attr, escape_text, ns};
use openssl::x509::X509;
use time::OffsetDateTime;

use super::Country;

/// Builds and signs the metadata of `country`, published at `entity_id`, SSO at `sso_url`.
pub fn build_metadata(
    country: &Country,
    entity_id: &str,
    sso_url: &str,
    now: OffsetDateTime,
) -> eidas_node::saml::Result<String> {
    build_metadata_with(country, &[], false, entity_id, sso_url, now)
}

/// As [`build_metadata`], also publishing `more_signing` as response signing certificates (a key
/// rollover).
pub fn build_metadata_with(
    country: &Country,
    more_signing: &[X509],
    requester_id_flag: bool,
    entity_id: &str,
    sso_url: &str,
    now: OffsetDateTime,
) -> eidas_node::saml::Result<String> {
    let mut x = String::with_capacity(8192);
    x.push_str(&format!(
        concat!(
            r#"<md:EntityDescriptor xmlns:md="{md}" xmlns:ds="{ds}" xmlns:saml2="{saml}" xmlns:alg="{alg}" xmlns:mdattr="{mdattr}" xmlns:eidas="{eidas}""#,
            r#" ID="{id}" entityID="{eid}" validUntil="{vu}">{marker}<md:Extensions><mdattr:EntityAttributes>"#,
            r#"<saml2:Attribute Name="{pv}" NameFormat="{nf}"><saml2:AttributeValue>1.4</saml2:AttributeValue></saml2:Attribute>"#,
            r#"<saml2:Attribute Name="{ai}" NameFormat="{nf}"><saml2:AttributeValue>eidas-testbed-sim:{ver} (TEST)</saml2:AttributeValue></saml2:Attribute>"#,
            "{rid}",
            r#"<saml2:Attribute Name="{ac}" NameFormat="{nf}">"#
        ),
        md = ns::MD,
        ds = ns::DS,
        saml = ns::SAML,
        alg = ns::ALG,
        mdattr = ns::MDATTR,
        eidas = ns::EIDAS,
        id = random_id()?,
        eid = escape_attr(entity_id),
        vu = xml::format_datetime(now + country.metadata_validity),
        marker = SIGNATURE_MARKER,
        pv = PROTOCOL_VERSION_ATTR,
        ai = APPLICATION_ID_ATTR,
        rid = if requester_id_flag {
            format!(
                r#"<saml2:Attribute Name="{}" NameFormat="{NAME_FORMAT_URI}"><saml2:AttributeValue>{}</saml2:AttributeValue></saml2:Attribute>"#,
                eidas_node::saml::metadata::ENTITY_CATEGORY_ATTR,
                eidas_node::saml::metadata::REQUESTER_ID_FLAG
            )
        } else {
            String::new()
        },
        ac = ASSURANCE_CERTIFICATION_ATTR,
        nf = NAME_FORMAT_URI,
        ver = env!("CARGO_PKG_VERSION"),
    ));
    for l in &country.loas {
        x.push_str(&format!(
            "<saml2:AttributeValue>{}</saml2:AttributeValue>",
            Loa::notified(*l).uri()
        ));
    }
    x.push_str("</saml2:Attribute></mdattr:EntityAttributes>");
    for d in [uri::SHA256, uri::SHA384, uri::SHA512] {
        x.push_str(&format!(r#"<alg:DigestMethod Algorithm="{d}"/>"#));
    }
    let min = if country.signing.algorithm.uri().contains("ecdsa") {
        256
    } else {
        3072
    };
    x.push_str(&format!(
        r#"<alg:SigningMethod Algorithm="{}" MinKeySize="{min}"/>"#,
        country.signing.algorithm.uri()
    ));
    let cert = xml::encode_base64(&country.signing.pair.cert_der()?);
    let mut more = String::new();
    for c in more_signing {
        let der = c
            .to_der()
            .map_err(|e| eidas_node::saml::Error::Internal(e.to_string()))?;
        more.push_str(&format!(
            r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
            xml::encode_base64(&der)
        ));
    }
    x.push_str(&format!(
        concat!(
            r#"</md:Extensions><md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="{samlp}">"#,
            r#"<md:Extensions><eidas:NodeCountry>{cc}</eidas:NodeCountry></md:Extensions>"#,
            r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
            "{more}",
            r#"<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo><md:EncryptionMethod Algorithm="{gcm}"/></md:KeyDescriptor>"#
        ),
        samlp = ns::SAMLP,
        cc = escape_text(&country.code),
        cert = cert,
        more = more,
        gcm = uri::AES256_GCM,
    ));
    for f in [NAMEID_PERSISTENT, NAMEID_TRANSIENT, NAMEID_UNSPECIFIED] {
        x.push_str(&format!("<md:NameIDFormat>{f}</md:NameIDFormat>"));
    }
    x.push_str(&format!(
        r#"<md:SingleSignOnService Binding="{POST_BINDING}" Location="{}"/>"#,
        escape_attr(sso_url)
    ));
    let mut attrs: Vec<(&str, &str)> = Vec::new();
    attrs.extend(reg::mandatory(PersonType::NaturalPerson).iter().copied());
    attrs.extend(reg::mandatory(PersonType::LegalPerson).iter().copied());
    // The TEST countries claim every optional attribute, natural and legal.
    attrs.extend(OptionalAttribute::ALL.iter().map(|a| reg::optional(*a)));
    for (name, friendly) in attrs {
        x.push_str(&format!(
            r#"<saml2:Attribute Name="{name}" FriendlyName="{friendly}" NameFormat="{NAME_FORMAT_URI}"/>"#
        ));
    }
    x.push_str(&format!(
        concat!(
            r#"</md:IDPSSODescriptor><md:Organization><md:OrganizationName xml:lang="en">{n}</md:OrganizationName>"#,
            r#"<md:OrganizationDisplayName xml:lang="en">{n}</md:OrganizationDisplayName><md:OrganizationURL xml:lang="en">{u}</md:OrganizationURL></md:Organization>"#,
            r#"<md:ContactPerson contactType="technical"><md:EmailAddress>mailto:test@invalid.example</md:EmailAddress></md:ContactPerson></md:EntityDescriptor>"#
        ),
        n = escape_text(&country.name),
        u = escape_text(entity_id),
    ));
    dsig::sign_enveloped(&x, &country.signing)
}
