//! The PID as an ISO/IEC 18013-5 mdoc in OpenID4VP 1.0 (Appendix B.2): a base64url
//! `DeviceResponse` verified fail closed. ISO 18013-5 is not public; its structures are taken
//! from OpenID4VP 1.0 B.2, HAIP 1.0 §5.3.1 and the implementations named in ARCHITECTURE.md.
//!
//! 1. one document (HAIP 1.0 §5.3.1), status 0, `docType` the PID's;
//! 2. `issuerAuth` (COSE_Sign1, RFC 9052): `x5chain` (label 33, RFC 9360) to a PID-provider
//!    anchor, ES256 (-7 or -9), the signature over the Mobile Security Object;
//! 3. the MSO: SHA-256 digests, the PID's `docType`, `validityInfo` around now;
//! 4. every disclosed item's digest (over the item's tag-24 encoding) equal to the MSO's for its
//!    `digestID`, each `digestID` once;
//! 5. `deviceAuth`: the `deviceSignature` (COSE_Sign1, detached) by the MSO's device key over
//!    DeviceAuthentication with the OpenID4VP 1.0 SessionTranscript (B.2.6.1: our client id,
//!    nonce, the thumbprint of this request's encryption key and our response uri), so the answer
//!    is bound to this request; device-signed data elements are not accepted.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ciborium::Value;
use coset::{iana, AsCborValue, CoseSign1, Label, RegisteredLabelWithPrivate};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use serde_json::{Map, Value as Json};
use time::{Duration, OffsetDateTime};

use super::sdjwt::StatusRef;
use super::{x5c, Error, PID_DOCTYPE};
use crate::jose::Alg;

/// What binds the answer to our request (OpenID4VP 1.0 B.2.6.1).
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// RFC 7638 SHA-256 thumbprint of this request's encryption key.
    pub jwk_thumbprint: &'a [u8],
    pub response_uri: &'a str,
    pub now: OffsetDateTime,
    pub skew: Duration,
}

/// A verified PID mdoc.
#[derive(Debug)]
pub struct Verified {
    /// The disclosed data elements of the PID namespace, as JSON.
    pub claims: Map<String, Json>,
    pub issuer: x5c::Validated,
    pub status: Option<StatusRef>,
}

fn bad(what: &'static str) -> Error {
    Error::MdocInvalid(what)
}

fn cbor(bytes: &[u8], what: &'static str) -> Result<Value, Error> {
    ciborium::from_reader(bytes).map_err(|_| bad(what))
}

fn encode(v: &Value) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).map_err(|_| bad("encoding"))?;
    Ok(out)
}

fn sha256(b: &[u8]) -> Result<Vec<u8>, Error> {
    openssl::hash::hash(MessageDigest::sha256(), b)
        .map(|d| d.to_vec())
        .map_err(|_| bad("digest"))
}

/// A CBOR map's entry under a text key.
fn get<'a>(map: &'a Value, key: &str) -> Option<&'a Value> {
    map.as_map()?
        .iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
}

fn get_int(map: &Value, key: i64) -> Option<&Value> {
    map.as_map()?
        .iter()
        .find(|(k, _)| k.as_integer().and_then(|i| i64::try_from(i).ok()) == Some(key))
        .map(|(_, v)| v)
}

/// The bytes inside `#6.24(bstr)` (embedded CBOR).
fn tag24(v: &Value) -> Option<&[u8]> {
    match v {
        Value::Tag(24, inner) => inner.as_bytes().map(Vec::as_slice),
        _ => None,
    }
}

fn tag24_value(bytes: Vec<u8>) -> Value {
    Value::Tag(24, Box::new(Value::Bytes(bytes)))
}

/// The OpenID4VP 1.0 SessionTranscript (B.2.6.1):
/// `[null, null, ["OpenID4VPHandover", SHA-256(CBOR([client_id, nonce, thumbprint, response_uri]))]]`.
pub fn session_transcript(e: &Expect<'_>) -> Result<Value, Error> {
    let info = Value::Array(vec![
        Value::Text(e.client_id.to_owned()),
        Value::Text(e.nonce.to_owned()),
        Value::Bytes(e.jwk_thumbprint.to_vec()),
        Value::Text(e.response_uri.to_owned()),
    ]);
    let hash = sha256(&encode(&info)?)?;
    Ok(Value::Array(vec![
        Value::Null,
        Value::Null,
        Value::Array(vec![
            Value::Text("OpenID4VPHandover".into()),
            Value::Bytes(hash),
        ]),
    ]))
}

/// `#6.24(bstr .cbor DeviceAuthentication)`, what the device key signs.
pub fn device_authentication_bytes(
    transcript: &Value,
    doc_type: &str,
    device_namespaces: &Value,
) -> Result<Vec<u8>, Error> {
    let da = Value::Array(vec![
        Value::Text("DeviceAuthentication".into()),
        transcript.clone(),
        Value::Text(doc_type.to_owned()),
        device_namespaces.clone(),
    ]);
    encode(&tag24_value(encode(&da)?))
}

fn es256(sign1: &CoseSign1) -> bool {
    matches!(
        sign1.protected.header.alg,
        Some(RegisteredLabelWithPrivate::Assigned(
            iana::Algorithm::ES256 | iana::Algorithm::ESP256
        ))
    )
}

/// The certificates of the `x5chain` header (label 33, RFC 9360): one bstr or an array.
fn x5chain(sign1: &CoseSign1) -> Result<Vec<X509>, Error> {
    let found = sign1
        .unprotected
        .rest
        .iter()
        .chain(sign1.protected.header.rest.iter())
        .find(|(l, _)| *l == Label::Int(33))
        .map(|(_, v)| v)
        .ok_or(bad("no x5chain"))?;
    let ders: Vec<&Vec<u8>> = match found {
        Value::Bytes(b) => vec![b],
        Value::Array(list) if !list.is_empty() && list.len() <= 8 => list
            .iter()
            .map(|v| v.as_bytes().ok_or(bad("x5chain")))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("x5chain")),
    };
    ders.into_iter()
        .map(|d| X509::from_der(d).map_err(|_| bad("x5chain certificate")))
        .collect()
}

/// ECDSA P-256 verification of a raw r‖s COSE signature.
fn verify_sig(sign1: &CoseSign1, key: &PKey<Public>, tbs: &[u8]) -> bool {
    crate::jose::verify(Alg::ES256, key, tbs, &sign1.signature)
}

/// The device key: a COSE_Key EC2 on P-256 (RFC 9053 §7.1).
fn device_key(k: &Value) -> Result<PKey<Public>, Error> {
    let int = |label: i64| {
        get_int(k, label)
            .and_then(|v| v.as_integer())
            .and_then(|i| i64::try_from(i).ok())
    };
    if int(1) != Some(2) || int(-1) != Some(1) {
        return Err(bad("device key is not EC2 P-256"));
    }
    let coord = |label: i64| {
        get_int(k, label)
            .and_then(Value::as_bytes)
            .filter(|b| b.len() == 32)
            .ok_or(bad("device key coordinates"))
    };
    crate::jose::p256_public_key(coord(-2)?, coord(-3)?).ok_or(bad("device key not on P-256"))
}

/// RFC 3339 `tdate` (tag 0) as Unix seconds.
fn tdate(v: Option<&Value>) -> Result<i64, Error> {
    let text = match v {
        Some(Value::Tag(0, inner)) => inner.as_text(),
        _ => None,
    }
    .ok_or(bad("validityInfo"))?;
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|_| bad("validityInfo"))
}

/// A data element's value as JSON (text, numbers, booleans, full-date and tdate as their text,
/// arrays and text-keyed maps); byte strings (a portrait) are not passed on.
fn to_json(v: &Value, depth: u8) -> Option<Json> {
    if depth > 8 {
        return None;
    }
    Some(match v {
        Value::Text(t) => Json::String(t.clone()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Integer(i) => Json::from(i64::try_from(*i).ok()?),
        Value::Tag(0 | 1004, inner) => Json::String(inner.as_text()?.to_owned()),
        Value::Array(a) => Json::Array(
            a.iter()
                .map(|x| to_json(x, depth + 1))
                .collect::<Option<_>>()?,
        ),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, x)| Some((k.as_text()?.to_owned(), to_json(x, depth + 1)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

/// Verifies a `DeviceResponse` (base64url, as in `vp_token`) against PID-provider `anchors`.
pub fn verify(device_response: &str, anchors: &[X509], e: &Expect<'_>) -> Result<Verified, Error> {
    let raw = B64
        .decode(device_response.trim_end_matches('='))
        .map_err(|_| bad("not base64url"))?;
    let resp = cbor(&raw, "DeviceResponse")?;
    // 1. One document, status 0, the PID.
    if get(&resp, "status").and_then(Value::as_integer) != Some(0.into()) {
        return Err(bad("status"));
    }
    let doc = match get(&resp, "documents")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([doc]) => doc,
        _ => return Err(bad("exactly one document")),
    };
    if get(doc, "docType").and_then(Value::as_text) != Some(PID_DOCTYPE) {
        return Err(Error::VctNotAccepted(
            get(doc, "docType")
                .and_then(Value::as_text)
                .unwrap_or("")
                .chars()
                .take(64)
                .collect(),
        ));
    }
    let issuer_signed = get(doc, "issuerSigned").ok_or(bad("issuerSigned"))?;
    let device_signed = get(doc, "deviceSigned").ok_or(bad("deviceSigned"))?;

    // 2. issuerAuth.
    let issuer_auth = CoseSign1::from_cbor_value(
        get(issuer_signed, "issuerAuth")
            .cloned()
            .ok_or(bad("issuerAuth"))?,
    )
    .map_err(|_| bad("issuerAuth"))?;
    if !es256(&issuer_auth) {
        return Err(Error::AlgorithmNotAllowed("issuerAuth".into()));
    }
    let validated = x5c::validate(&x5chain(&issuer_auth)?, anchors, e.now)?;
    let issuer_key = validated
        .leaf
        .public_key()
        .map_err(|_| Error::UntrustedIssuer("issuer key".into()))?;
    if !verify_sig(&issuer_auth, &issuer_key, &issuer_auth.tbs_data(&[])) {
        return Err(Error::IssuerSignatureInvalid);
    }

    // 3. The Mobile Security Object.
    let mso_bytes = issuer_auth
        .payload
        .as_deref()
        .map(|p| cbor(p, "MSO"))
        .transpose()?
        .as_ref()
        .and_then(tag24)
        .map(<[u8]>::to_vec)
        .ok_or(bad("MSO"))?;
    let mso = cbor(&mso_bytes, "MSO")?;
    if get(&mso, "digestAlgorithm").and_then(Value::as_text) != Some("SHA-256") {
        return Err(Error::AlgorithmNotAllowed("digestAlgorithm".into()));
    }
    if get(&mso, "docType").and_then(Value::as_text) != Some(PID_DOCTYPE) {
        return Err(bad("MSO docType"));
    }
    let validity = get(&mso, "validityInfo").ok_or(bad("validityInfo"))?;
    let now = e.now.unix_timestamp();
    let skew = e.skew.whole_seconds();
    let (valid_from, valid_until) = (
        tdate(get(validity, "validFrom"))?,
        tdate(get(validity, "validUntil"))?,
    );
    if valid_from > now.saturating_add(skew) {
        return Err(Error::NotYetValid);
    }
    if valid_until < now.saturating_sub(skew) {
        return Err(Error::Expired);
    }
    let digests = get(&mso, "valueDigests")
        .and_then(|d| get(d, PID_DOCTYPE))
        .ok_or(bad("valueDigests"))?;

    // 4. The disclosed items.
    let mut claims = Map::new();
    let mut ids = std::collections::HashSet::new();
    let items = get(issuer_signed, "nameSpaces")
        .and_then(|n| get(n, PID_DOCTYPE))
        .and_then(Value::as_array)
        .ok_or(bad("nameSpaces"))?;
    for item in items {
        let inner = tag24(item).ok_or(bad("IssuerSignedItemBytes"))?;
        let digest = sha256(&encode(item)?)?;
        let parsed = cbor(inner, "IssuerSignedItem")?;
        let id = get(&parsed, "digestID")
            .and_then(Value::as_integer)
            .and_then(|i| i64::try_from(i).ok())
            .ok_or(bad("digestID"))?;
        if !ids.insert(id) {
            return Err(Error::DuplicateDigest);
        }
        let expected = get_int(digests, id).and_then(Value::as_bytes);
        if expected.map(Vec::as_slice) != Some(digest.as_slice()) {
            return Err(Error::DisclosureUnreferenced);
        }
        let name = get(&parsed, "elementIdentifier")
            .and_then(Value::as_text)
            .ok_or(bad("elementIdentifier"))?;
        let value = get(&parsed, "elementValue")
            .and_then(|v| to_json(v, 0))
            .ok_or(bad("elementValue"))?;
        if claims.insert(name.to_owned(), value).is_some() {
            return Err(bad("an element disclosed twice"));
        }
    }

    // 5. Device authentication over our session transcript.
    let device_key = get(&mso, "deviceKeyInfo")
        .and_then(|d| get(d, "deviceKey"))
        .ok_or(bad("deviceKey"))
        .and_then(device_key)?;
    let device_namespaces =
        get(device_signed, "nameSpaces").ok_or(bad("deviceSigned nameSpaces"))?;
    let ns_bytes = tag24(device_namespaces).ok_or(bad("deviceSigned nameSpaces"))?;
    if cbor(ns_bytes, "deviceSigned nameSpaces")?
        .as_map()
        .is_none_or(|m| !m.is_empty())
    {
        return Err(bad("device-signed elements are not accepted"));
    }
    let device_signature = get(device_signed, "deviceAuth")
        .and_then(|a| get(a, "deviceSignature"))
        .cloned()
        .ok_or(bad("deviceSignature (deviceMac is not accepted)"))?;
    let device_signature =
        CoseSign1::from_cbor_value(device_signature).map_err(|_| bad("deviceSignature"))?;
    if !es256(&device_signature) {
        return Err(Error::AlgorithmNotAllowed("deviceSignature".into()));
    }
    if device_signature.payload.is_some() {
        return Err(bad("deviceSignature payload must be detached"));
    }
    let transcript = session_transcript(e)?;
    let signed = device_authentication_bytes(&transcript, PID_DOCTYPE, device_namespaces)?;
    if !verify_sig(
        &device_signature,
        &device_key,
        &device_signature.tbs_detached_data(&signed, &[]),
    ) {
        return Err(Error::KeyBindingInvalid("device signature"));
    }

    let status = match get(&mso, "status").and_then(|s| get(s, "status_list")) {
        None => None,
        Some(list) => Some(StatusRef {
            idx: get(list, "idx")
                .and_then(Value::as_integer)
                .and_then(|i| u64::try_from(i).ok())
                .ok_or(Error::StatusInvalid)?,
            uri: get(list, "uri")
                .and_then(Value::as_text)
                .filter(|u| super::sdjwt::status_uri_allowed(u))
                .ok_or(Error::StatusInvalid)?
                .to_owned(),
        }),
    };
    super::revocable_or_short(
        status.is_some(),
        Some(valid_until.saturating_sub(valid_from)),
    )?;
    Ok(Verified {
        claims,
        issuer: validated,
        status,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// OpenID4VP 1.0 Appendix B.2.6.1: the SessionTranscript of the specification's example.
    #[test]
    fn the_session_transcript_matches_the_openid4vp_example() {
        let hex = "4283ec927ae0f208daaa2d026a814f2b22dca52cf85ffa8f3f8626c6bd669047";
        let thumbprint: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let e = Expect {
            client_id: "x509_san_dns:example.com",
            nonce: "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA",
            jwk_thumbprint: &thumbprint,
            response_uri: "https://example.com/response",
            now: OffsetDateTime::UNIX_EPOCH,
            skew: Duration::ZERO,
        };
        let t = encode(&session_transcript(&e).unwrap()).unwrap();
        assert_eq!(
            crate::hex::encode(&t),
            "83f6f682714f70656e494434565048616e646f7665725820\
             048bc053c00442af9b8eed494cefdd9d95240d254b046b11b68013722aad38ac"
        );
    }
}
