//! Response validation (eidas-requirements §2, all steps), turning an untrusted POSTed
//! `SAMLResponse` into a [`VerifiedIdentity`] or an error naming the failed check.
//!
//! Typestate: the Response signature is verified before anything in it is believed, and the
//! assertion is decrypted only after that (§2 step 4 before 6). Keys come only from the
//! Proxy-Service's verified metadata ([`ProxyService`]).

use roxmltree::Node;
use time::{Duration, OffsetDateTime};

use super::assertion;
use super::authn_request::RequestedAuthn;
use super::crypto::SignaturePolicy;
use super::dsig;
use super::error::{Error, Result};
use super::metadata::ProxyService;
use super::schema;
use super::sp::ServiceProvider;
use super::xml::{self, ns};
use super::xmlenc::{self, DecryptionPolicy};
use crate::identity::{Loa, LoginMethod, VerifiedIdentity};

const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const STATUS_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:status:";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const ENTITY_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

/// Everything validation needs besides the message.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub sp: &'a ServiceProvider,
    /// The Proxy-Service the request went to, from verified metadata.
    pub idp: &'a ProxyService,
    pub signature_policy: SignaturePolicy,
    /// Allowed clock difference for NotBefore / NotOnOrAfter / IssueInstant (§2 step 14).
    pub skew: Duration,
    /// How old a Response's and its Assertion's IssueInstant may be (plus `skew`): a message
    /// issued long ago is refused even while its Conditions still hold (§2 steps 3, 7, 14).
    /// The gateway uses its login timeout: no answer can be older than the request it answers.
    pub max_age: Duration,
    /// Extra Audience values accepted besides our entityID (§2 step 9: MF §6.5 shows the ACS URL).
    pub extra_audiences: &'a [String],
    /// Whether an e-service accepts representation; otherwise representative attributes are
    /// rejected (AP §2.8).
    pub allow_representatives: bool,
    /// Interop profile: a peer's attribute `Name`s read as eIDAS ones (`(peer name, eIDAS
    /// name)`). FriendlyName is never used to match, so its variance needs nothing.
    pub attribute_aliases: &'a [(String, String)],
    pub now: OffsetDateTime,
}

/// A response that passed every check. The IDs are returned for the replay cache (§2 step 13).
#[derive(Clone, Debug)]
pub struct ValidatedResponse {
    pub response_id: String,
    pub assertion_id: String,
    /// Keep the IDs in the replay cache until then.
    pub replay_until: OffsetDateTime,
    pub identity: VerifiedIdentity,
}

/// Decodes the POSTed form field (base64) with the size cap (§1.3, §2 step 1).
pub fn decode_post(saml_response: &str) -> Result<String> {
    if saml_response.len() > xml::MAX_MESSAGE_BYTES.div_ceil(3) * 4 + 1024 {
        return Err(Error::TooLarge {
            limit: xml::MAX_MESSAGE_BYTES,
        });
    }
    let bytes = xml::decode_base64(saml_response)?;
    if bytes.len() > xml::MAX_MESSAGE_BYTES {
        return Err(Error::TooLarge {
            limit: xml::MAX_MESSAGE_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|_| Error::NotUtf8)
}

/// Validates a decoded response against the pending request it claims to answer.
pub fn validate(
    text: &str,
    requested: &RequestedAuthn,
    ctx: &Context,
) -> Result<ValidatedResponse> {
    let doc = xml::parse(text, xml::MAX_MESSAGE_BYTES)?;
    let root = doc.root_element();
    if !xml::is(root, ns::SAMLP, "Response") {
        return Err(Error::UnexpectedRoot {
            expected: "samlp:Response",
            found: root.tag_name().name().to_owned(),
        });
    }
    // §2 step 2: the schema, before any signature is looked at (IA §7.5).
    schema::validate_document(text)?;
    // §2 step 4: signature first; nothing in an unauthenticated message is believed.
    dsig::verify_enveloped(
        root,
        "Response",
        &ctx.idp.signing_keys,
        &ctx.signature_policy,
    )?;
    // §2 step 3.
    let (response_id, issue_instant) = check_response_element(root, requested, ctx)?;
    // §2 step 5.
    check_status(root)?;
    // §2 step 6.
    let encrypted = single_encrypted_assertion(root)?;
    let ed = xml::only_child(encrypted, ns::XENC, "EncryptedData")?;
    let policy = DecryptionPolicy {
        allow_rsa_oaep_mgf1p: !ctx.idp.is_protocol_1_4(),
    };
    let plain = xmlenc::decrypt(ed, &ctx.sp.decryption_keys(), &policy)?;
    let plain = String::from_utf8(plain).map_err(|_| Error::NotUtf8)?;
    let wrapped = wrap_in_scope(encrypted, &plain);
    let adoc = xml::parse(&wrapped, xml::MAX_MESSAGE_BYTES + 4096)?;
    // §2 step 2, "validate again after decryption" (IA §7.5).
    schema::validate_wrapped(&wrapped)?;
    let wrapper = adoc.root_element();
    let mut elems = xml::element_children(wrapper);
    let a = match (elems.next(), elems.next()) {
        (Some(a), None) if xml::is(a, ns::SAML, "Assertion") => a,
        _ => return Err(Error::AssertionCount(0)),
    };
    // §2 steps 7-12.
    let checked = check_assertion(a, requested, ctx, issue_instant)?;
    Ok(ValidatedResponse {
        response_id,
        assertion_id: checked.assertion_id,
        replay_until: checked.not_on_or_after + ctx.skew,
        identity: checked.identity,
    })
}

fn required_attr<'a>(n: Node<'a, '_>, name: &'static str) -> Result<&'a str> {
    n.attribute(name)
        .filter(|v| !v.is_empty())
        .ok_or(Error::MissingXmlAttribute { attribute: name })
}

fn time_attr(n: Node, name: &'static str) -> Result<OffsetDateTime> {
    n.attribute(name)
        .and_then(xml::parse_datetime)
        .ok_or(Error::Timestamp(name))
}

fn check_issuer(parent: Node, ctx: &Context) -> Result<()> {
    let issuer = xml::only_child(parent, ns::SAML, "Issuer").ok();
    let value = issuer.map(xml::trimmed_text).transpose()?;
    let format_ok = issuer
        .and_then(|i| i.attribute("Format"))
        .is_none_or(|f| f == ENTITY_FORMAT);
    if value.as_deref() != Some(ctx.idp.entity_id.as_str()) || !format_ok {
        return Err(Error::IssuerMismatch {
            expected: ctx.idp.entity_id.clone(),
            got: value,
        });
    }
    Ok(())
}

fn check_response_element(
    root: Node,
    requested: &RequestedAuthn,
    ctx: &Context,
) -> Result<(String, OffsetDateTime)> {
    if root.attribute("Version") != Some("2.0") {
        return Err(Error::Version);
    }
    let id = required_attr(root, "ID")?.to_owned();
    let issue_instant = time_attr(root, "IssueInstant")?;
    let destination = root.attribute("Destination");
    if destination != Some(ctx.sp.acs_url.as_str()) {
        return Err(Error::Destination {
            got: destination.map(str::to_owned),
        });
    }
    // Unsolicited responses MUST NOT be accepted (IA §3.2.2.2).
    match root.attribute("InResponseTo") {
        None | Some("") => return Err(Error::MissingInResponseTo),
        Some(v) if v != requested.request_id => return Err(Error::InResponseToMismatch),
        Some(_) => {}
    }
    if requested.idp_entity_id != ctx.idp.entity_id {
        return Err(Error::IssuerMismatch {
            expected: requested.idp_entity_id.clone(),
            got: Some(ctx.idp.entity_id.clone()),
        });
    }
    check_issuer(root, ctx)?;
    check_issue_instant(issue_instant, "Response", ctx)?;
    if let Some(c) = root.attribute("Consent") {
        if !c.starts_with("urn:oasis:names:tc:SAML:2.0:consent:") {
            return Err(Error::Consent);
        }
    }
    Ok((id, issue_instant))
}

/// §2 steps 3 and 7 (IssueInstant present) with step 14's skew: an IssueInstant in the future
/// beyond the skew is not yet valid; one older than `max_age` plus the skew is stale. The spec
/// gives no bound; §2 step 14 recommends "maximum response age about 5 min", DEMW refuses
/// requests older than a minute. Without this, a response issued a day ago with long Conditions
/// would still be accepted.
fn check_issue_instant(
    instant: OffsetDateTime,
    element: &'static str,
    ctx: &Context,
) -> Result<()> {
    if instant > ctx.now + ctx.skew {
        return Err(Error::NotYetValid);
    }
    if instant < ctx.now - ctx.max_age - ctx.skew {
        return Err(Error::TooOld { element });
    }
    Ok(())
}

/// Non-success: RequestDenied is the citizen's cancel or refusal of consent, AuthnFailed their eID
/// not authenticating them; the rest a peer failure. Any assertion in a failure response is ignored (§2 step 5, §5 "Errors").
fn check_status(root: Node) -> Result<()> {
    let status = xml::only_child(root, ns::SAMLP, "Status")?;
    let code = xml::only_child(status, ns::SAMLP, "StatusCode")?;
    let top = code.attribute("Value").unwrap_or("");
    if top == STATUS_SUCCESS {
        return Ok(());
    }
    let sub = xml::child(code, ns::SAMLP, "StatusCode")
        .and_then(|s| s.attribute("Value"))
        .unwrap_or("");
    let short = |u: &str| u.strip_prefix(STATUS_PREFIX).unwrap_or("other").to_owned();
    let label = if sub.is_empty() {
        short(top)
    } else {
        format!("{}/{}", short(top), short(sub))
    };
    if sub.ends_with(":RequestDenied") {
        Err(Error::Denied(label))
    } else if sub.ends_with(":AuthnFailed") {
        Err(Error::AuthnFailed(label))
    } else {
        Err(Error::PeerFailure(label))
    }
}

/// Exactly one EncryptedAssertion, as a direct child of the Response, and no assertion of any
/// kind anywhere else in the document (XSW: assertions moved into Extensions, two assertions).
fn single_encrypted_assertion<'a, 'i>(root: Node<'a, 'i>) -> Result<Node<'a, 'i>> {
    let mut plain = 0usize;
    let mut encrypted: Vec<Node> = Vec::new();
    for n in root.descendants() {
        if xml::is(n, ns::SAML, "Assertion") {
            plain += 1;
        } else if xml::is(n, ns::SAML, "EncryptedAssertion") {
            encrypted.push(n);
        }
    }
    if plain > 0 && encrypted.is_empty() {
        return Err(Error::PlaintextAssertion);
    }
    let total = plain + encrypted.len();
    match encrypted.as_slice() {
        [one] if total == 1 && one.parent() == Some(root) => Ok(*one),
        _ => Err(Error::AssertionCount(total)),
    }
}

/// Decrypted content is parsed in the namespace context of the EncryptedAssertion (XML-Enc
/// "Element" type): re-declare the in-scope namespaces on a wrapper.
fn wrap_in_scope(context: Node, plain: &str) -> String {
    let mut w = format!("<{}", schema::WRAPPER);
    for n in context.namespaces() {
        match n.name() {
            Some("xml") => {}
            Some(p) => w.push_str(&format!(r#" xmlns:{p}="{}""#, xml::escape_attr(n.uri()))),
            None => w.push_str(&format!(r#" xmlns="{}""#, xml::escape_attr(n.uri()))),
        }
    }
    w.push('>');
    // An XML declaration inside would be a syntax error in the wrapper.
    let body = if plain.trim_start().starts_with("<?xml") {
        plain
            .trim_start()
            .split_once("?>")
            .map(|x| x.1)
            .unwrap_or(plain)
    } else {
        plain
    };
    w.push_str(body);
    w.push_str(&format!("</{}>", schema::WRAPPER));
    w
}

struct CheckedAssertion {
    assertion_id: String,
    not_on_or_after: OffsetDateTime,
    identity: VerifiedIdentity,
}

fn check_assertion(
    a: Node,
    requested: &RequestedAuthn,
    ctx: &Context,
    response_instant: OffsetDateTime,
) -> Result<CheckedAssertion> {
    // §2 step 7.
    if a.attribute("Version") != Some("2.0") {
        return Err(Error::Version);
    }
    let assertion_id = required_attr(a, "ID")?.to_owned();
    let instant = time_attr(a, "IssueInstant")?;
    // §2 step 7: not later than the Response's (SC allows 500 ms; we allow the skew).
    if instant > response_instant + ctx.skew {
        return Err(Error::NotYetValid);
    }
    check_issue_instant(instant, "Assertion", ctx)?;
    check_issuer(a, ctx)?;
    // Assertion signature is optional; when present it must verify (CR §3.1).
    if dsig::signature_of(a, "Assertion")?.is_some() {
        dsig::verify_enveloped(a, "Assertion", &ctx.idp.signing_keys, &ctx.signature_policy)?;
    }
    let authn_statements: Vec<Node> = xml::children(a, ns::SAML, "AuthnStatement").collect();
    let attr_statements: Vec<Node> = xml::children(a, ns::SAML, "AttributeStatement").collect();
    let ([authn], [attrs]) = (authn_statements.as_slice(), attr_statements.as_slice()) else {
        return Err(Error::StatementCount);
    };
    // §2 step 8.
    let subject_nooa = check_subject(a, requested, ctx)?;
    // §2 step 9.
    let conditions_nooa = check_conditions(a, ctx)?;
    // §2 step 10.
    let (loa, authn_instant) = check_authn_statement(*authn, requested, ctx)?;
    // §2 steps 11-12.
    let subject = assertion::parse_attributes(
        *attrs,
        requested,
        ctx.allow_representatives,
        ctx.attribute_aliases,
    )?;
    let identity = VerifiedIdentity {
        method: LoginMethod::Eidas,
        country: String::new(),
        loa,
        authn_instant,
        subject,
        wallet: None,
    };
    let country = check_identifier_country(identity.eidas_identifier(), requested, ctx)?;
    Ok(CheckedAssertion {
        assertion_id,
        not_on_or_after: subject_nooa.min(conditions_nooa),
        identity: VerifiedIdentity {
            country,
            ..identity
        },
    })
}

fn check_subject(a: Node, requested: &RequestedAuthn, ctx: &Context) -> Result<OffsetDateTime> {
    let subject = xml::only_child(a, ns::SAML, "Subject")?;
    let name_id = xml::only_child(subject, ns::SAML, "NameID").map_err(|_| Error::NameId)?;
    let value = xml::trimmed_text(name_id).map_err(|_| Error::NameId)?;
    if value.is_empty() {
        return Err(Error::NameId);
    }
    let format = name_id.attribute("Format");
    let known = [
        super::authn_request::NAMEID_PERSISTENT,
        super::authn_request::NAMEID_TRANSIENT,
        super::authn_request::NAMEID_UNSPECIFIED,
    ];
    if let Some(f) = format {
        if !known.contains(&f) {
            return Err(Error::NameId);
        }
        if requested.name_id_format != super::authn_request::NAMEID_UNSPECIFIED
            && f != requested.name_id_format
        {
            return Err(Error::NameId);
        }
    }
    // One bearer confirmation with matching data is required.
    let mut last = Error::SubjectConfirmation;
    for sc in xml::children(subject, ns::SAML, "SubjectConfirmation") {
        if sc.attribute("Method") != Some(BEARER) {
            continue;
        }
        let Some(data) = xml::child(sc, ns::SAML, "SubjectConfirmationData") else {
            continue;
        };
        let recipient = data.attribute("Recipient");
        if recipient != Some(ctx.sp.acs_url.as_str()) {
            last = Error::Recipient {
                got: recipient.map(str::to_owned),
            };
            continue;
        }
        if data.attribute("InResponseTo") != Some(requested.request_id.as_str()) {
            last = Error::InResponseToMismatch;
            continue;
        }
        let nooa = time_attr(data, "NotOnOrAfter")?;
        if ctx.now >= nooa + ctx.skew {
            last = Error::Expired;
            continue;
        }
        if let Some(nb) = data.attribute("NotBefore") {
            let nb = xml::parse_datetime(nb).ok_or(Error::Timestamp("NotBefore"))?;
            if nb > ctx.now + ctx.skew {
                last = Error::NotYetValid;
                continue;
            }
        }
        return Ok(nooa);
    }
    Err(last)
}

fn check_conditions(a: Node, ctx: &Context) -> Result<OffsetDateTime> {
    let c = xml::only_child(a, ns::SAML, "Conditions")?;
    let not_before = time_attr(c, "NotBefore")?;
    let not_on_or_after = time_attr(c, "NotOnOrAfter")?;
    if not_before > ctx.now + ctx.skew {
        return Err(Error::NotYetValid);
    }
    if ctx.now >= not_on_or_after + ctx.skew {
        return Err(Error::Expired);
    }
    // Every AudienceRestriction must admit us (SAML core §2.5.1.4).
    let restrictions: Vec<Node> = xml::children(c, ns::SAML, "AudienceRestriction").collect();
    if restrictions.is_empty() {
        return Err(Error::Audience);
    }
    for r in restrictions {
        let ok = xml::children(r, ns::SAML, "Audience").any(|au| {
            xml::trimmed_text(au)
                .is_ok_and(|v| v == ctx.sp.entity_id || ctx.extra_audiences.contains(&v))
        });
        if !ok {
            return Err(Error::Audience);
        }
    }
    Ok(not_on_or_after)
}

fn check_authn_statement(
    s: Node,
    requested: &RequestedAuthn,
    ctx: &Context,
) -> Result<(Loa, OffsetDateTime)> {
    let instant = time_attr(s, "AuthnInstant")?;
    let ctx_el = xml::only_child(s, ns::SAML, "AuthnContext")?;
    let class_ref =
        xml::only_child(ctx_el, ns::SAML, "AuthnContextClassRef").map_err(|_| Error::LoaInvalid)?;
    let uri = xml::trimmed_text(class_ref)?;
    let loa = Loa::parse_uri(&uri).ok_or(Error::LoaInvalid)?;
    if requested.exact_loas.is_empty() {
        // Comparison="minimum": a notified LoA at or above the requested one.
        if !loa.notified || loa.level < requested.min_loa {
            return Err(Error::LoaTooLow {
                requested: Loa::notified(requested.min_loa).uri().to_owned(),
                got: uri,
            });
        }
    } else if !requested.exact_loas.contains(&loa.uri().to_owned()) {
        return Err(Error::LoaTooLow {
            requested: requested.exact_loas.join(" "),
            got: uri,
        });
    }
    // Must also be a LoA the Proxy-Service publishes (NODE checkResponseLoA).
    if !ctx.idp.loas.contains(&loa) {
        return Err(Error::LoaNotPublished(uri));
    }
    Ok((loa, instant))
}

/// The identifier's first part must be the selected country (and the peer's NodeCountry), the
/// second part ours (§2 steps 11-12).
fn check_identifier_country(id: &str, requested: &RequestedAuthn, ctx: &Context) -> Result<String> {
    let mut parts = id.splitn(3, '/');
    let (Some(issuer), Some(dest)) = (parts.next(), parts.next()) else {
        return Err(Error::AttributeFormat("PersonIdentifier"));
    };
    if issuer != requested.country || ctx.idp.country.as_deref() != Some(requested.country.as_str())
    {
        return Err(Error::CountryMismatch {
            expected: requested.country.clone(),
            got: issuer.to_owned(),
        });
    }
    if dest != ctx.sp.country {
        return Err(Error::CountryMismatch {
            expected: ctx.sp.country.clone(),
            got: dest.to_owned(),
        });
    }
    Ok(issuer.to_owned())
}
