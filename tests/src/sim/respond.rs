//! Building the answer to a verified AuthnRequest: a signed Response with the assertion encrypted
//! to the Connector (eidas-requirements §2, §3), a denial, or one of the injected [`Fault`]s.

use eidas_node::identity::{Loa, LoaLevel, PersonType};
use eidas_node::saml::attributes as reg;
use eidas_node::saml::authn_request::random_id;
use eidas_node::saml::crypto::uri;
use eidas_node::saml::dsig::{self, SIGNATURE_MARKER};
use eidas_node::saml::idp::{self, AttributeSpec, ResponseSpec};
use eidas_node::saml::keys::{KeyPair, SigningKey};
use eidas_node::saml::xml;
use eidas_node::saml::xmlenc::KeyProtection;
use openssl::pkey::Id;
use openssl::x509::X509;
use time::{Duration, OffsetDateTime};

use super::connector::{ConnectorMetadata, ParsedRequest, Rejection};
use super::identities::{self, TestIdentity};
use super::{Country, EncryptionMode, Fault, SimState};

const STATUS: &str = "urn:oasis:names:tc:SAML:2.0:status:";

/// A verified request waiting for the tester's choice.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub country: String,
    pub request: ParsedRequest,
    pub connector: ConnectorMetadata,
    pub relay_state: Option<String>,
}

/// What to answer: from the picker page or from `/control` in automatic mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerChoice {
    pub identity: String,
    pub loa: LoaLevel,
    pub fault: Option<Fault>,
    pub deny: bool,
}

/// A throwaway key (P-256, or RSA-3072 when `rsa`) with a self-signed certificate, for the
/// `signed-by-unknown-key` fault: of the same type as the country's, so only trust can reject it.
pub(crate) fn rogue_key(rsa: bool) -> Result<SigningKey, openssl::error::ErrorStack> {
    key_valid_for(rsa, 365)
}

/// A fresh key with a self-signed certificate valid for `days`.
pub(crate) fn key_valid_for(
    rsa: bool,
    days: u32,
) -> Result<SigningKey, openssl::error::ErrorStack> {
    use openssl::asn1::Asn1Time;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    use openssl::x509::X509NameBuilder;
    let key = if rsa {
        PKey::from_rsa(openssl::rsa::Rsa::generate(3072)?)?
    } else {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
        PKey::from_ec_key(EcKey::generate(&group)?)?
    };
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_text("CN", "eidas-testbed TEST key")?;
    let name = name.build();
    let mut b = X509::builder()?;
    b.set_version(2)?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(&name)?;
    b.set_pubkey(&key)?;
    b.set_not_before(&*Asn1Time::days_from_now(0)?)?;
    b.set_not_after(&*Asn1Time::days_from_now(days)?)?;
    b.sign(&key, MessageDigest::sha256())?;
    let cert = b.build();
    let pair = KeyPair::new(key, cert).map_err(|_| openssl::error::ErrorStack::get())?;
    SigningKey::new(pair).map_err(|_| openssl::error::ErrorStack::get())
}

fn internal(e: eidas_node::saml::Error) -> Rejection {
    Rejection("build_response", e.code().to_owned())
}

/// The LoA to assert: the chosen one, raised to the requested minimum, or a member of the exact
/// set (§1.2). Returns the AuthnContextClassRef URI.
fn loa_uri(req: &ParsedRequest, chosen: LoaLevel, country: &Country) -> String {
    let level = chosen.max(req.min_loa());
    if req.comparison == "minimum" {
        let published = country
            .loas
            .iter()
            .copied()
            .filter(|l| *l >= level)
            .min()
            .unwrap_or(level);
        return Loa::notified(published).uri().to_owned();
    }
    req.loas
        .iter()
        .find(|l| l.level == level)
        .or(req.loas.first())
        .map_or_else(
            || Loa::notified(level).uri().to_owned(),
            |l| l.uri().to_owned(),
        )
}

/// The Connector's certificate for our encryption mode (§3.2: EC for ECDH-ES, RSA for OAEP).
fn recipient_cert(
    connector: &ConnectorMetadata,
    mode: EncryptionMode,
) -> Result<(&X509, KeyProtection), Rejection> {
    let (want, protection) = match mode {
        EncryptionMode::EcdhEs => (Id::EC, KeyProtection::EcdhEs),
        EncryptionMode::RsaOaep => (Id::RSA, KeyProtection::RsaOaep),
    };
    connector
        .encryption_certs
        .iter()
        .find(|c| c.public_key().is_ok_and(|k| k.id() == want))
        .map(|c| (c, protection))
        .ok_or_else(|| Rejection("no_encryption_cert", format!("no {mode:?} certificate")))
}

/// Builds the base64 `SAMLResponse` for `pending` as `choice` says.
pub(crate) fn build_answer(
    state: &SimState,
    pending: &Pending,
    choice: &AnswerChoice,
) -> Result<String, Rejection> {
    let country = state
        .country(&pending.country)
        .ok_or_else(|| Rejection("country", pending.country.clone()))?;
    if choice.fault == Some(Fault::Replay) {
        let previous = state
            .inner
            .last_response
            .lock()
            .ok()
            .and_then(|m| m.get(&country.code).cloned());
        if let Some(p) = previous {
            return Ok(p);
        }
    }
    let doc = build_document(state, country, pending, choice)?;
    let b64 = xml::encode_base64(doc.as_bytes());
    if let Ok(mut m) = state.inner.last_response.lock() {
        m.insert(country.code.clone(), b64.clone());
    }
    Ok(b64)
}

fn build_document(
    state: &SimState,
    country: &Country,
    pending: &Pending,
    choice: &AnswerChoice,
) -> Result<String, Rejection> {
    let req = &pending.request;
    let connector = &pending.connector;
    let (cert, protection) = recipient_cert(connector, country.encryption)?;
    let now = OffsetDateTime::now_utc();
    let issuer = state.metadata_url(&country.code);
    let mut spec = ResponseSpec::success(
        &issuer,
        &connector.acs_url,
        &connector.entity_id,
        &req.id,
        now,
    );
    spec.encryption = Some(protection);
    spec.sign_assertion = state
        .inner
        .sign_assertions
        .load(std::sync::atomic::Ordering::Relaxed);
    spec.loa = loa_uri(req, choice.loa, country);
    if choice.deny {
        spec.status = Some((
            format!("{STATUS}Responder"),
            Some(format!("{STATUS}RequestDenied")),
        ));
    }
    let identity = pick_identity(&choice.identity, req.person_type);
    let connector_country = connector.country.clone().unwrap_or_default();
    let requested: Vec<&str> = req.attributes.iter().map(|(n, _)| n.as_str()).collect();
    spec.attributes = identities::attributes(identity, &country.code, &connector_country)
        .into_iter()
        .filter(|a| requested.contains(&a.name.as_str()))
        .collect();
    spec.name_id = spec
        .attributes
        .first()
        .and_then(|a| a.values.first())
        .map_or_else(|| "unknown".to_owned(), |v| v.0.clone());
    let rolled = state.response_signer(country);
    let mut signer = &rolled;
    if let Some(f) = choice.fault {
        apply_spec_fault(&mut spec, f, req, identity, &mut signer, state, now)?;
    }
    let doc = idp::build_response(&spec, signer, cert).map_err(internal)?;
    match choice.fault {
        Some(f) => apply_document_fault(doc, f, &spec, country),
        None => Ok(doc),
    }
}

fn pick_identity(id: &str, person_type: PersonType) -> &'static TestIdentity {
    // Automatic mode: an identity of the wrong person type falls back to the first of the right one.
    identities::find(id)
        .filter(|i| i.person_type == person_type)
        .unwrap_or_else(|| identities::first_of(person_type))
}

fn apply_spec_fault<'a>(
    spec: &mut ResponseSpec,
    fault: Fault,
    req: &ParsedRequest,
    identity: &TestIdentity,
    signer: &mut &'a SigningKey,
    state: &'a SimState,
    now: OffsetDateTime,
) -> Result<(), Rejection> {
    let evil = "https://evil.invalid/saml";
    match fault {
        Fault::Unsigned => spec.sign_response = false,
        Fault::SignedByUnknownKey => {
            *signer = if signer.pair.key.public_key().id() == Id::RSA {
                &state.inner.rogue_rsa
            } else {
                &state.inner.rogue_ec
            }
        }
        Fault::WrongInResponseTo => spec.in_response_to = Some(random_id().map_err(internal)?),
        Fault::MissingInResponseTo => spec.in_response_to = None,
        Fault::WrongDestination => spec.destination = Some(format!("{evil}/acs")),
        Fault::WrongRecipient => spec.recipient = format!("{evil}/acs"),
        Fault::WrongAudience => spec.audience = format!("{evil}/metadata"),
        Fault::WrongIssuer => spec.issuer = format!("{evil}/metadata"),
        Fault::Expired => {
            // Issued recently enough (within the login timeout), valid until five minutes ago.
            spec.issue_instant = now - Duration::minutes(10);
            spec.not_before = now - Duration::minutes(10);
            spec.not_on_or_after = now - Duration::minutes(5);
        }
        Fault::NotYetValid => spec.not_before = now + Duration::minutes(10),
        Fault::StaleIssueInstant => {
            spec.issue_instant = now - Duration::hours(24);
            spec.not_before = now - Duration::hours(24);
            spec.not_on_or_after = now + Duration::minutes(5);
        }
        Fault::LoaTooLow => {
            spec.loa = match req.min_loa() {
                LoaLevel::High => Loa::notified(LoaLevel::Substantial).uri().to_owned(),
                LoaLevel::Substantial => Loa::notified(LoaLevel::Low).uri().to_owned(),
                // Nothing is below low: a non-notified low is the weakest thing to send.
                LoaLevel::Low => "http://eidas.europa.eu/NotNotified/LoA/low".to_owned(),
            }
        }
        Fault::PlaintextAssertion => spec.encryption = None,
        Fault::PersonIdentifierOtherCountry => {
            if let Some(v) = spec
                .attributes
                .first_mut()
                .and_then(|a| a.values.first_mut())
            {
                v.0 =
                    v.0.get(2..)
                        .map_or_else(|| "ZZ".to_owned(), |rest| format!("ZZ{rest}"));
            }
        }
        Fault::MissingMandatoryAttribute => {
            let drop = match identity.person_type {
                PersonType::NaturalPerson => reg::FAMILY_NAME,
                PersonType::LegalPerson => reg::LEGAL_NAME,
            };
            spec.attributes.retain(|a| a.name != drop);
        }
        Fault::UnrequestedRepresentative => spec.attributes.push(AttributeSpec {
            name: "http://eidas.europa.eu/attributes/naturalperson/representative/PersonIdentifier"
                .to_owned(),
            values: vec![("XA/XX/REPRESENTATIVE-TEST".to_owned(), false)],
        }),
        Fault::StatusAuthnFailed => {
            spec.status = Some((
                format!("{STATUS}Responder"),
                Some(format!("{STATUS}AuthnFailed")),
            ));
        }
        Fault::StatusResponderFailure => {
            spec.status = Some((format!("{STATUS}Responder"), None));
        }
        Fault::XswWrapped
        | Fault::EvilAssertionBeside
        | Fault::TwoAssertions
        | Fault::WeakAlgorithms
        | Fault::WeakEncryptionAlgorithm
        | Fault::Replay => {}
    }
    Ok(())
}

fn apply_document_fault(
    doc: String,
    fault: Fault,
    spec: &ResponseSpec,
    country: &Country,
) -> Result<String, Rejection> {
    let malformed = || Rejection("build_response", "unexpected document shape".to_owned());
    match fault {
        Fault::XswWrapped => {
            // XSW: an unsigned evil root, schema-valid so that the signature check is what must
            // refuse it, hiding the signed original in StatusDetail (which admits any content).
            let opt = |name: &str, v: &Option<String>| {
                v.as_deref()
                    .map(|v| format!(" {name}=\"{}\"", xml::escape_attr(v)))
                    .unwrap_or_default()
            };
            Ok(format!(
                "<saml2p:Response xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_evil\" Version=\"2.0\" IssueInstant=\"{}\"{}{}><saml2:Issuer>{}</saml2:Issuer><saml2p:Status><saml2p:StatusCode Value=\"{STATUS}Success\"/><saml2p:StatusDetail>{doc}</saml2p:StatusDetail></saml2p:Status></saml2p:Response>",
                xml::format_datetime(spec.issue_instant),
                opt("Destination", &spec.destination),
                opt("InResponseTo", &spec.in_response_to),
                xml::escape_text(&spec.issuer),
            ))
        }
        Fault::EvilAssertionBeside => {
            let mut evil_spec = spec.clone();
            evil_spec.name_id = "evil".to_owned();
            let evil = idp::build_assertion(&evil_spec, &country.signing).map_err(internal)?;
            let tampered = doc.replacen(
                "</saml2p:Response>",
                &format!("{evil}</saml2p:Response>"),
                1,
            );
            resign(&tampered, &country.signing)
        }
        Fault::TwoAssertions => {
            let open = "<saml2:EncryptedAssertion>";
            let close = "</saml2:EncryptedAssertion>";
            let start = doc.find(open).ok_or_else(malformed)?;
            let end = doc.find(close).ok_or_else(malformed)? + close.len();
            let ea = doc.get(start..end).ok_or_else(malformed)?.to_owned();
            resign(
                &doc.replacen(&ea, &format!("{ea}{ea}"), 1),
                &country.signing,
            )
        }
        Fault::WeakAlgorithms => Ok(doc
            .replacen(
                country.signing.algorithm.uri(),
                "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                1,
            )
            .replace(
                uri::AES256_GCM,
                "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            )),
        Fault::WeakEncryptionAlgorithm => resign(
            &doc.replace(
                uri::AES256_GCM,
                "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            ),
            &country.signing,
        ),
        _ => Ok(doc),
    }
}

/// Re-signs a tampered Response with the country's real key, so that the Connector's structural
/// checks, not the digest, must catch the tampering (a buggy or compromised peer).
fn resign(doc: &str, key: &SigningKey) -> Result<String, Rejection> {
    let malformed = || Rejection("build_response", "unexpected document shape".to_owned());
    let start = doc.find("<ds:Signature").ok_or_else(malformed)?;
    let end_tag = "</ds:Signature>";
    let end = doc.find(end_tag).ok_or_else(malformed)? + end_tag.len();
    let unsigned = format!(
        "{}{}",
        doc.get(..start).ok_or_else(malformed)?,
        doc.get(end..).ok_or_else(malformed)?
    );
    let issuer_end = "</saml2:Issuer>";
    let at = unsigned.find(issuer_end).ok_or_else(malformed)? + issuer_end.len();
    let mut marked = unsigned;
    marked.insert_str(at, SIGNATURE_MARKER);
    dsig::sign_enveloped(&marked, key).map_err(internal)
}
