//! Building eIDAS responses as a Proxy-Service would: used by the simulated foreign country and by
//! tests. Every knob that a rejection test needs is a field, so faulty responses are produced by
//! the same code path as good ones.

use openssl::x509::X509;
use time::{Duration, OffsetDateTime};

use super::dsig::{self, SIGNATURE_MARKER};
use super::error::Result;
use super::keys::SigningKey;
use super::xml::{self, escape_attr, escape_text, ns};
use super::xmlenc::{self, KeyProtection};

#[derive(Clone, Debug)]
pub struct AttributeSpec {
    pub name: String,
    /// (value, LatinScript="false")
    pub values: Vec<(String, bool)>,
}

#[derive(Clone, Debug)]
pub struct ResponseSpec {
    pub issuer: String,
    pub destination: Option<String>,
    pub in_response_to: Option<String>,
    pub recipient: String,
    pub audience: String,
    pub issue_instant: OffsetDateTime,
    /// The Assertion's IssueInstant when it differs from the Response's (fault injection).
    pub assertion_issue_instant: Option<OffsetDateTime>,
    pub not_before: OffsetDateTime,
    pub not_on_or_after: OffsetDateTime,
    /// None = Success; Some((top, sub)) as full status URIs.
    pub status: Option<(String, Option<String>)>,
    pub loa: String,
    pub name_id: String,
    pub attributes: Vec<AttributeSpec>,
    /// None sends the assertion in plaintext (a fault).
    pub encryption: Option<KeyProtection>,
    pub sign_assertion: bool,
    pub sign_response: bool,
    /// Raw assertion XML used instead of the built one (fault injection in tests).
    pub assertion_override: Option<String>,
}

impl ResponseSpec {
    /// A successful response to `in_response_to`, valid for five minutes from `now`.
    pub fn success(
        issuer: &str,
        acs: &str,
        audience: &str,
        in_response_to: &str,
        now: OffsetDateTime,
    ) -> Self {
        ResponseSpec {
            issuer: issuer.to_owned(),
            destination: Some(acs.to_owned()),
            in_response_to: Some(in_response_to.to_owned()),
            recipient: acs.to_owned(),
            audience: audience.to_owned(),
            issue_instant: now,
            assertion_issue_instant: None,
            not_before: now,
            not_on_or_after: now + Duration::minutes(5),
            status: None,
            loa: crate::identity::LOA_SUBSTANTIAL.to_owned(),
            name_id: "name-id".to_owned(),
            attributes: Vec::new(),
            encryption: Some(KeyProtection::EcdhEs),
            sign_assertion: false,
            sign_response: true,
            assertion_override: None,
        }
    }

    pub fn attribute(mut self, name: &str, value: &str) -> Self {
        self.attributes.push(AttributeSpec {
            name: name.to_owned(),
            values: vec![(value.to_owned(), false)],
        });
        self
    }
}

/// The assertion element alone (unsigned unless `sign_assertion`).
pub fn build_assertion(spec: &ResponseSpec, signer: &SigningKey) -> Result<String> {
    let id = super::authn_request::random_id()?;
    let irt = spec.in_response_to.as_deref().unwrap_or("");
    let mut a = format!(
        concat!(
            r#"<saml2:Assertion xmlns:saml2="{saml}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{id}" IssueInstant="{ii}" Version="2.0">"#,
            r#"<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{issuer}</saml2:Issuer>{marker}"#,
            r#"<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{nameid}</saml2:NameID>"#,
            r#"<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData InResponseTo="{irt}" NotOnOrAfter="{nooa}" Recipient="{rcpt}"/></saml2:SubjectConfirmation></saml2:Subject>"#,
            r#"<saml2:Conditions NotBefore="{nb}" NotOnOrAfter="{nooa}"><saml2:AudienceRestriction><saml2:Audience>{aud}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>"#,
            r#"<saml2:AuthnStatement AuthnInstant="{ii}"><saml2:AuthnContext><saml2:AuthnContextClassRef>{loa}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>"#,
            r#"<saml2:AttributeStatement>"#
        ),
        saml = ns::SAML,
        id = id,
        ii = xml::format_datetime(spec.assertion_issue_instant.unwrap_or(spec.issue_instant)),
        issuer = escape_text(&spec.issuer),
        marker = if spec.sign_assertion {
            SIGNATURE_MARKER
        } else {
            ""
        },
        nameid = escape_text(&spec.name_id),
        irt = escape_attr(irt),
        nooa = xml::format_datetime(spec.not_on_or_after),
        rcpt = escape_attr(&spec.recipient),
        nb = xml::format_datetime(spec.not_before),
        aud = escape_text(&spec.audience),
        loa = escape_text(&spec.loa),
    );
    for attr in &spec.attributes {
        a.push_str(&format!(
            r#"<saml2:Attribute Name="{}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">"#,
            escape_attr(&attr.name)
        ));
        // As the EU node does: xsi:type from the eIDAS attribute registry, whose type for
        // `{namespace}/{Name}` is `{namespace}:{Name}Type` for every registered attribute, and
        // LatinScript in the attribute's own namespace (AP §2.4).
        let typed = attr
            .name
            .rsplit_once('/')
            .filter(|(ns, _)| ns.starts_with("http://eidas.europa.eu/attributes/"));
        for (v, non_latin) in &attr.values {
            let mut open = String::from("<saml2:AttributeValue");
            if let Some((ns, name)) = typed {
                open.push_str(&format!(
                    r#" xmlns:a="{}" xsi:type="a:{}Type""#,
                    escape_attr(ns),
                    escape_attr(name)
                ));
                if *non_latin {
                    open.push_str(r#" a:LatinScript="false""#);
                }
            }
            a.push_str(&format!("{open}>{}</saml2:AttributeValue>", escape_text(v)));
        }
        a.push_str("</saml2:Attribute>");
    }
    a.push_str("</saml2:AttributeStatement></saml2:Assertion>");
    if spec.sign_assertion {
        a = dsig::sign_enveloped(&a, signer)?;
    }
    Ok(a)
}

/// A complete Response document (XML text, not yet base64).
pub fn build_response(
    spec: &ResponseSpec,
    signer: &SigningKey,
    recipient: &X509,
) -> Result<String> {
    let body = match &spec.status {
        Some(_) => String::new(),
        None => {
            let assertion = match &spec.assertion_override {
                Some(a) => a.clone(),
                None => build_assertion(spec, signer)?,
            };
            match spec.encryption {
                Some(p) => format!(
                    "<saml2:EncryptedAssertion>{}</saml2:EncryptedAssertion>",
                    xmlenc::encrypt_element(assertion.as_bytes(), recipient, p)?
                ),
                None => assertion,
            }
        }
    };
    let (top, sub) = match &spec.status {
        None => (
            "urn:oasis:names:tc:SAML:2.0:status:Success".to_owned(),
            None,
        ),
        Some((t, s)) => (t.clone(), s.clone()),
    };
    let status_code = match sub {
        Some(s) => format!(
            r#"<saml2p:StatusCode Value="{}"><saml2p:StatusCode Value="{}"/></saml2p:StatusCode>"#,
            escape_attr(&top),
            escape_attr(&s)
        ),
        None => format!(r#"<saml2p:StatusCode Value="{}"/>"#, escape_attr(&top)),
    };
    let r = format!(
        concat!(
            r#"<saml2p:Response xmlns:saml2p="{samlp}" xmlns:saml2="{saml}" ID="{id}" Version="2.0" IssueInstant="{ii}"{dest}{irt}>"#,
            r#"<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{issuer}</saml2:Issuer>{marker}"#,
            r#"<saml2p:Status>{status}</saml2p:Status>{body}</saml2p:Response>"#
        ),
        samlp = ns::SAMLP,
        saml = ns::SAML,
        id = super::authn_request::random_id()?,
        ii = xml::format_datetime(spec.issue_instant),
        dest = spec
            .destination
            .as_deref()
            .map(|d| format!(r#" Destination="{}""#, escape_attr(d)))
            .unwrap_or_default(),
        irt = spec
            .in_response_to
            .as_deref()
            .map(|d| format!(r#" InResponseTo="{}""#, escape_attr(d)))
            .unwrap_or_default(),
        issuer = escape_text(&spec.issuer),
        marker = if spec.sign_response {
            SIGNATURE_MARKER
        } else {
            ""
        },
        status = status_code,
        body = body,
    );
    if spec.sign_response {
        dsig::sign_enveloped(&r, signer)
    } else {
        Ok(r)
    }
}
