//! The eIDAS AuthnRequest (eidas-requirements §1), signed and ready for the HTTP-POST binding.

use time::OffsetDateTime;

use super::attributes::{self, NAME_FORMAT_URI};
use super::dsig::{self, SIGNATURE_MARKER};
use super::error::{Error, Result};
use super::metadata::ProxyService;
use super::sp::ServiceProvider;
use super::xml::{self, escape_attr, escape_text, ns};
use crate::identity::{IdentityRequest, Loa, LoaLevel, PersonType};

pub const NAMEID_PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
pub const NAMEID_TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
pub const NAMEID_UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// The three fields of the auto-submitting form (SAML HTTP-POST binding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostForm {
    pub action: String,
    /// base64 of the signed XML.
    pub saml_request: String,
    /// Opaque handle (≤ 80 bytes, §1.3): the key of the pending request in the store.
    pub relay_state: String,
}

/// What we asked for, kept with the pending request to validate the response against.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestedAuthn {
    pub request_id: String,
    pub idp_entity_id: String,
    pub country: String,
    pub min_loa: LoaLevel,
    /// Comparison="exact" list (non-notified peers), else empty.
    pub exact_loas: Vec<String>,
    pub person_type: PersonType,
    pub attribute_names: Vec<String>,
    pub name_id_format: String,
}

#[derive(Clone, Debug)]
pub struct BuiltRequest {
    pub form: PostForm,
    pub requested: RequestedAuthn,
    pub xml: String,
}

/// Per-peer switches an operator may set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Some nodes fail on Scoping (§1 "SC has a per-country skip list").
    pub omit_scoping: bool,
}

/// A random identifier with 128+ bits of entropy, usable as an XML ID (NCName).
pub fn random_id() -> Result<String> {
    let mut b = [0u8; 20];
    openssl::rand::rand_bytes(&mut b)?;
    Ok(format!("_{}", hex(&b)))
}

/// A RelayState handle: 32 random bytes, base64url, 43 characters.
pub fn random_relay_state() -> Result<String> {
    use base64::Engine;
    let mut b = [0u8; 32];
    openssl::rand::rand_bytes(&mut b)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

use crate::hex::encode as hex;

/// Builds and signs the AuthnRequest for `req` towards `idp`.
pub fn build(
    sp: &ServiceProvider,
    idp: &ProxyService,
    req: &IdentityRequest,
    opts: RequestOptions,
    now: OffsetDateTime,
) -> Result<BuiltRequest> {
    let destination = idp
        .sso_post_url
        .clone()
        .ok_or_else(|| Error::MetadataUnusable("no HTTP-POST SingleSignOnService".into()))?;
    if idp.country.as_deref() != Some(req.country.as_str()) {
        return Err(Error::CountryMismatch {
            expected: req.country.clone(),
            got: idp.country.clone().unwrap_or_default(),
        });
    }
    let id = random_id()?;
    let (comparison, loa_refs, exact) = loa_request(idp, req.min_loa)?;

    // Mandatory set always; optional ones only of the same person type and supported by the peer.
    let mut attrs: Vec<(&str, &str, bool)> = attributes::mandatory(req.person_type)
        .iter()
        .map(|(n, f)| (*n, *f, true))
        .collect();
    for o in &req.optional_attributes {
        if o.person_type() != req.person_type {
            // Never mix natural and legal person attributes (§1.1, v1.4).
            return Err(Error::Request(
                "natural and legal person attributes in one request",
            ));
        }
        let (n, f) = attributes::optional(*o);
        if idp.supported_attributes.iter().any(|s| s == n) && !attrs.iter().any(|a| a.0 == n) {
            attrs.push((n, f, false));
        }
    }

    let name_id_format = [NAMEID_PERSISTENT, NAMEID_TRANSIENT, NAMEID_UNSPECIFIED]
        .into_iter()
        .find(|f| idp.name_id_formats.is_empty() || idp.name_id_formats.iter().any(|x| x == f))
        .unwrap_or(NAMEID_UNSPECIFIED);

    let mut x = String::with_capacity(4096);
    x.push_str(&format!(
        concat!(
            r#"<saml2p:AuthnRequest xmlns:saml2p="{samlp}" xmlns:saml2="{saml}" xmlns:eidas="{eidas}""#,
            r#" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{dest}" ForceAuthn="true" IsPassive="false""#,
            r#" Consent="urn:oasis:names:tc:SAML:2.0:consent:unspecified"{provider}>"#,
            r#"<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{issuer}</saml2:Issuer>{marker}"#,
            r#"<saml2p:Extensions><eidas:SPType>{sptype}</eidas:SPType><eidas:RequestedAttributes>"#
        ),
        samlp = ns::SAMLP,
        saml = ns::SAML,
        eidas = ns::EIDAS,
        id = id,
        now = xml::format_datetime(now),
        dest = escape_attr(&destination),
        provider = req
            .provider_name
            .as_deref()
            .map(|p| format!(r#" ProviderName="{}""#, escape_attr(p)))
            .unwrap_or_default(),
        issuer = escape_text(&sp.entity_id),
        marker = SIGNATURE_MARKER,
        sptype = req.sp_type.as_str(),
    ));
    for (name, friendly, required) in &attrs {
        x.push_str(&format!(
            r#"<eidas:RequestedAttribute Name="{name}" NameFormat="{NAME_FORMAT_URI}" FriendlyName="{friendly}" isRequired="{required}"/>"#
        ));
    }
    x.push_str("</eidas:RequestedAttributes></saml2p:Extensions>");
    x.push_str(&format!(
        r#"<saml2p:NameIDPolicy AllowCreate="true" Format="{name_id_format}"/><saml2p:RequestedAuthnContext Comparison="{comparison}">"#
    ));
    for r in &loa_refs {
        x.push_str(&format!(
            "<saml2:AuthnContextClassRef>{r}</saml2:AuthnContextClassRef>"
        ));
    }
    x.push_str("</saml2p:RequestedAuthnContext>");
    // Scoping/RequesterID when the peer flags it (§1, MF §2.4.1), unless switched off per peer.
    if let (true, false, Some(rid)) = (
        idp.requester_id_flag,
        opts.omit_scoping,
        req.requester_id.as_deref(),
    ) {
        if rid.len() > 1024 {
            return Err(Error::Request("RequesterID longer than 1024 characters"));
        }
        x.push_str(&format!(
            "<saml2p:Scoping><saml2p:RequesterID>{}</saml2p:RequesterID></saml2p:Scoping>",
            escape_text(rid)
        ));
    }
    x.push_str("</saml2p:AuthnRequest>");

    let signed = dsig::sign_enveloped(&x, &sp.signing)?;
    Ok(BuiltRequest {
        form: PostForm {
            action: destination,
            saml_request: xml::encode_base64(signed.as_bytes()),
            relay_state: random_relay_state()?,
        },
        requested: RequestedAuthn {
            request_id: id,
            idp_entity_id: idp.entity_id.clone(),
            country: req.country.clone(),
            min_loa: req.min_loa,
            exact_loas: exact,
            person_type: req.person_type,
            attribute_names: attrs.iter().map(|a| a.0.to_owned()).collect(),
            name_id_format: name_id_format.to_owned(),
        },
        xml: signed,
    })
}

/// LoA rules (§1.2): a notified level the peer publishes → `minimum` with that one URI; otherwise
/// `exact` with every acceptable URI the peer publishes (non-notified, plus higher notified).
fn loa_request(
    idp: &ProxyService,
    min: LoaLevel,
) -> Result<(&'static str, Vec<String>, Vec<String>)> {
    let notified_ok = idp.loas.iter().any(|l| l.notified && l.level >= min);
    if notified_ok {
        return Ok((
            "minimum",
            vec![Loa::notified(min).uri().to_owned()],
            Vec::new(),
        ));
    }
    let mut acceptable: Vec<String> = idp
        .loas
        .iter()
        .filter(|l| l.level >= min)
        .map(|l| l.uri().to_owned())
        .collect();
    acceptable.sort();
    acceptable.dedup();
    if acceptable.is_empty() {
        return Err(Error::LoaNotPublished(Loa::notified(min).uri().to_owned()));
    }
    Ok(("exact", acceptable.clone(), acceptable))
}
