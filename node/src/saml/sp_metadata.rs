//! Our signed SP (Connector) metadata (eidas-requirements §4 "Metadata we publish").

use openssl::x509::X509;
use time::{Duration, OffsetDateTime};

use super::authn_request::{NAMEID_PERSISTENT, NAMEID_TRANSIENT, NAMEID_UNSPECIFIED};
use super::crypto::uri;
use super::dsig::{self, SIGNATURE_MARKER};
use super::error::Result;
use super::metadata::{APPLICATION_ID_ATTR, POST_BINDING, PROTOCOL_VERSION_ATTR};
use super::sp::ServiceProvider;
use super::xml::{self, escape_attr, escape_text, ns};

#[derive(Clone, Debug)]
pub struct Organization {
    pub name: String,
    pub display_name: String,
    pub url: String,
}

#[derive(Clone, Debug)]
pub struct Contact {
    /// `support` or `technical`.
    pub kind: String,
    pub company: Option<String>,
    pub email: String,
}

#[derive(Clone, Debug)]
pub struct MetadataInfo {
    pub organization: Organization,
    pub contacts: Vec<Contact>,
    pub validity: Duration,
}

/// Builds and signs our metadata. Lists every signing and decryption certificate (rollover).
pub fn build(sp: &ServiceProvider, info: &MetadataInfo, now: OffsetDateTime) -> Result<String> {
    let id = super::authn_request::random_id()?;
    let mut x = String::with_capacity(8192);
    x.push_str(&format!(
        concat!(
            r#"<md:EntityDescriptor xmlns:md="{md}" xmlns:ds="{ds}" xmlns:saml2="{saml}" xmlns:alg="{alg}" xmlns:mdattr="{mdattr}" xmlns:eidas="{eidas}""#,
            r#" ID="{id}" entityID="{eid}" validUntil="{vu}">{marker}<md:Extensions><mdattr:EntityAttributes>"#,
            r#"<saml2:Attribute Name="{pv}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml2:AttributeValue>1.4</saml2:AttributeValue><saml2:AttributeValue>1.3</saml2:AttributeValue><saml2:AttributeValue>1.2</saml2:AttributeValue></saml2:Attribute>"#,
            r#"<saml2:Attribute Name="{ai}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml2:AttributeValue>eidas-node-rs:{ver}</saml2:AttributeValue></saml2:Attribute>"#,
            r#"</mdattr:EntityAttributes>"#
        ),
        md = ns::MD,
        ds = ns::DS,
        saml = ns::SAML,
        alg = ns::ALG,
        mdattr = ns::MDATTR,
        eidas = ns::EIDAS,
        id = id,
        eid = escape_attr(&sp.entity_id),
        vu = xml::format_datetime(now + info.validity),
        marker = SIGNATURE_MARKER,
        pv = PROTOCOL_VERSION_ATTR,
        ai = APPLICATION_ID_ATTR,
        ver = env!("CARGO_PKG_VERSION"),
    ));
    for d in [uri::SHA256, uri::SHA384, uri::SHA512] {
        x.push_str(&format!(r#"<alg:DigestMethod Algorithm="{d}"/>"#));
    }
    for (m, min) in [
        (uri::ECDSA_SHA256, 256),
        (uri::ECDSA_SHA384, 256),
        (uri::ECDSA_SHA512, 256),
        (uri::RSA_PSS_SHA256, 3072),
        (uri::RSA_PSS_SHA384, 3072),
        (uri::RSA_PSS_SHA512, 3072),
    ] {
        x.push_str(&format!(
            r#"<alg:SigningMethod Algorithm="{m}" MinKeySize="{min}"/>"#
        ));
    }
    x.push_str(&format!(
        r#"</md:Extensions><md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="false" protocolSupportEnumeration="{}"><md:Extensions><eidas:NodeCountry>{}</eidas:NodeCountry></md:Extensions>"#,
        ns::SAMLP,
        escape_text(&sp.country)
    ));
    let mut signing: Vec<&X509> = vec![&sp.signing.pair.cert];
    signing.extend(sp.extra_signing_certs.iter());
    for c in signing {
        x.push_str(&key_descriptor("signing", c, "")?);
    }
    let enc_methods: String = [
        uri::AES256_GCM,
        uri::AES192_GCM,
        uri::AES128_GCM,
        uri::RSA_OAEP,
        uri::ECDH_ES,
    ]
    .iter()
    .map(|m| format!(r#"<md:EncryptionMethod Algorithm="{m}"/>"#))
    .collect();
    for k in &sp.decryption {
        x.push_str(&key_descriptor("encryption", &k.cert, &enc_methods)?);
    }
    for f in [NAMEID_PERSISTENT, NAMEID_TRANSIENT, NAMEID_UNSPECIFIED] {
        x.push_str(&format!("<md:NameIDFormat>{f}</md:NameIDFormat>"));
    }
    x.push_str(&format!(
        r#"<md:AssertionConsumerService Binding="{POST_BINDING}" Location="{}" index="0" isDefault="true"/></md:SPSSODescriptor>"#,
        escape_attr(&sp.acs_url)
    ));
    let o = &info.organization;
    x.push_str(&format!(
        r#"<md:Organization><md:OrganizationName xml:lang="en">{}</md:OrganizationName><md:OrganizationDisplayName xml:lang="en">{}</md:OrganizationDisplayName><md:OrganizationURL xml:lang="en">{}</md:OrganizationURL></md:Organization>"#,
        escape_text(&o.name),
        escape_text(&o.display_name),
        escape_text(&o.url)
    ));
    for c in &info.contacts {
        x.push_str(&format!(
            r#"<md:ContactPerson contactType="{}">"#,
            escape_attr(&c.kind)
        ));
        if let Some(company) = &c.company {
            x.push_str(&format!(
                "<md:Company>{}</md:Company>",
                escape_text(company)
            ));
        }
        x.push_str(&format!(
            "<md:EmailAddress>mailto:{}</md:EmailAddress></md:ContactPerson>",
            escape_text(&c.email)
        ));
    }
    x.push_str("</md:EntityDescriptor>");
    dsig::sign_enveloped(&x, &sp.signing)
}

fn key_descriptor(use_: &str, cert: &X509, inner: &str) -> Result<String> {
    Ok(format!(
        r#"<md:KeyDescriptor use="{use_}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{inner}</md:KeyDescriptor>"#,
        xml::encode_base64(&cert.to_der()?)
    ))
}
