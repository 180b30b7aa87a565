//! The PID provider's and the wallet's side of SD-JWT VC (RFC 9901 §4, §4.3): issuing a PID whose
//! claims are selectively disclosable, and presenting it with a key binding JWT. For the
//! simulated wallet and the tests; the gateway itself never issues. A fault is made by editing
//! what these return.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use serde_json::{json, Map, Value};

use super::sdjwt::digest;
use super::Error;
use crate::jose::{self, jwe, Alg};
use crate::keys::PrivateKey;

fn ours(e: impl std::fmt::Display) -> Error {
    Error::Ours(e.to_string())
}

/// A TEST certificate for `key` named `cn`, valid from now for a year: issued by `issuer`
/// (self-signed without one), a CA when `ca`. For the simulated PID provider, its list operator
/// and the tests.
pub fn certificate(
    key: &PKey<openssl::pkey::Private>,
    cn: &str,
    issuer: Option<(&PKey<openssl::pkey::Private>, &X509)>,
    ca: bool,
) -> Result<X509, Error> {
    let build = || -> Result<X509, openssl::error::ErrorStack> {
        let mut name = openssl::x509::X509Name::builder()?;
        name.append_entry_by_text("CN", cn)?;
        let name = name.build();
        let mut b = X509::builder()?;
        b.set_version(2)?;
        b.set_subject_name(&name)?;
        b.set_pubkey(key)?;
        let (from, until) = (
            openssl::asn1::Asn1Time::days_from_now(0)?,
            openssl::asn1::Asn1Time::days_from_now(365)?,
        );
        b.set_not_before(&from)?;
        b.set_not_after(&until)?;
        let mut serial = openssl::bn::BigNum::new()?;
        serial.rand(64, openssl::bn::MsbOption::MAYBE_ZERO, false)?;
        let serial = serial.to_asn1_integer()?;
        b.set_serial_number(&serial)?;
        if ca {
            b.append_extension(
                openssl::x509::extension::BasicConstraints::new()
                    .critical()
                    .ca()
                    .build()?,
            )?;
        }
        match issuer {
            Some((k, c)) => {
                b.set_issuer_name(c.subject_name())?;
                b.sign(k, MessageDigest::sha256())?;
            }
            None => {
                b.set_issuer_name(&name)?;
                b.sign(key, MessageDigest::sha256())?;
            }
        }
        Ok(b.build())
    };
    build().map_err(ours)
}

fn salt() -> Result<String, Error> {
    let mut b = [0u8; 16];
    openssl::rand::rand_bytes(&mut b).map_err(ours)?;
    Ok(B64.encode(b))
}

/// A compact ES256 JWS of `payload` with `header` ([`jose::sign_compact`]).
pub fn sign_jws(header: &Value, payload: &Value, key: &dyn PrivateKey) -> Result<String, Error> {
    jose::sign_compact(header, payload, key).map_err(ours)
}

/// The public JWK of a P-256 key ([`jose::p256_jwk`]).
fn p256_jwk(key: &PKey<Public>) -> Result<Value, Error> {
    jose::p256_jwk(key).map_err(ours)
}

/// The `x5c` header value of a chain ([`jose::x5c`]).
pub fn x5c(chain: &[X509]) -> Result<Value, Error> {
    jose::x5c(chain).map_err(ours)
}

/// Issues an SD-JWT VC: `claims` signed by `issuer_key` (whose certificate chain is `chain`),
/// bound to `holder`. The top-level members named in `disclosable` become disclosures; so does
/// each element of the arrays named in `elements` (the array itself stays plain). Two decoy
/// digests are added. Returns `<issuer JWT>~<disclosure>~…~`.
pub fn issue(
    claims: &Map<String, Value>,
    disclosable: &[&str],
    elements: &[&str],
    issuer_key: &dyn PrivateKey,
    chain: &[X509],
    holder: &PKey<Public>,
) -> Result<String, Error> {
    let mut payload = Map::new();
    let mut sd = Vec::new();
    let mut disclosures = Vec::new();
    for (name, value) in claims {
        if disclosable.contains(&name.as_str()) {
            let d = B64.encode(json!([salt()?, name, value]).to_string());
            sd.push(Value::String(digest(&d)));
            disclosures.push(d);
        } else if let (true, Value::Array(items)) = (elements.contains(&name.as_str()), value) {
            let mut hidden = Vec::new();
            for item in items {
                let d = B64.encode(json!([salt()?, item]).to_string());
                hidden.push(json!({"...": digest(&d)}));
                disclosures.push(d);
            }
            payload.insert(name.clone(), Value::Array(hidden));
        } else {
            payload.insert(name.clone(), value.clone());
        }
    }
    for _ in 0..2 {
        sd.push(Value::String(digest(&salt()?)));
    }
    sd.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    payload.insert("_sd".into(), Value::Array(sd));
    payload.insert("_sd_alg".into(), "sha-256".into());
    payload.insert("cnf".into(), json!({"jwk": p256_jwk(holder)?}));
    let header = json!({"alg": "ES256", "typ": "dc+sd-jwt", "x5c": x5c(chain)?});
    let jwt = sign_jws(&header, &Value::Object(payload), issuer_key)?;
    let mut out = jwt;
    out.push('~');
    for d in disclosures {
        out.push_str(&d);
        out.push('~');
    }
    Ok(out)
}

/// The decoded JSON of a disclosure (`[salt, name, value]` or `[salt, value]`).
pub fn decode_disclosure(d: &str) -> Option<Value> {
    serde_json::from_slice(&B64.decode(d).ok()?).ok()
}

/// Presents `issued` with the disclosures `keep` accepts, and a key binding JWT signed by
/// `holder_key` for `aud` and `nonce` at `iat`.
pub fn present(
    issued: &str,
    keep: &dyn Fn(&Value) -> bool,
    holder_key: &dyn PrivateKey,
    aud: &str,
    nonce: &str,
    iat: i64,
) -> Result<String, Error> {
    let mut parts = issued.split('~');
    let jwt = parts.next().ok_or(Error::Malformed("sd-jwt"))?;
    let mut presented = format!("{jwt}~");
    for d in parts.filter(|d| !d.is_empty()) {
        if decode_disclosure(d).is_some_and(|v| keep(&v)) {
            presented.push_str(d);
            presented.push('~');
        }
    }
    let kb = key_binding(&presented, holder_key, aud, nonce, iat)?;
    Ok(format!("{presented}{kb}"))
}

/// The key binding JWT for `presented` (everything up to and including its last `~`).
pub fn key_binding(
    presented: &str,
    holder_key: &dyn PrivateKey,
    aud: &str,
    nonce: &str,
    iat: i64,
) -> Result<String, Error> {
    sign_jws(
        &json!({"alg": "ES256", "typ": "kb+jwt"}),
        &json!({"iat": iat, "aud": aud, "nonce": nonce, "sd_hash": digest(presented)}),
        holder_key,
    )
}

/// A status list token for `uri` (draft-ietf-oauth-status-list §5.1) holding `statuses` at
/// `bits` each, signed by `key` whose chain is `chain`.
pub fn status_list_token(
    uri: &str,
    statuses: &[u8],
    bits: u8,
    key: &dyn PrivateKey,
    chain: &[X509],
    iat: i64,
    ttl: i64,
) -> Result<String, Error> {
    sign_jws(
        &json!({"alg": "ES256", "typ": "statuslist+jwt", "x5c": x5c(chain)?}),
        &json!({
            "sub": uri,
            "iat": iat,
            "exp": iat + 86_400,
            "ttl": ttl,
            "status_list": {"bits": bits, "lst": super::status::encode_list(statuses, bits)},
        }),
        key,
    )
}

/// An issued mdoc PID: the signed items (each `#6.24(IssuerSignedItem)`) and `issuerAuth`.
#[derive(Debug, Clone)]
pub struct IssuedMdoc {
    pub items: Vec<(String, ciborium::Value)>,
    pub issuer_auth: ciborium::Value,
}

fn cbor_bytes(v: &ciborium::Value) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).map_err(ours)?;
    Ok(out)
}

fn cbor_map(entries: Vec<(&str, ciborium::Value)>) -> ciborium::Value {
    ciborium::Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (ciborium::Value::Text(k.to_owned()), v))
            .collect(),
    )
}

fn tag24(bytes: Vec<u8>) -> ciborium::Value {
    ciborium::Value::Tag(24, Box::new(ciborium::Value::Bytes(bytes)))
}

fn tdate(t: i64) -> Result<ciborium::Value, Error> {
    let s = time::OffsetDateTime::from_unix_timestamp(t)
        .map_err(ours)?
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(ours)?;
    Ok(ciborium::Value::Tag(0, Box::new(ciborium::Value::Text(s))))
}

/// ES256 over COSE `tbs`, as the raw r‖s COSE wants.
fn cose_sign(key: &dyn PrivateKey, tbs: &[u8]) -> Result<Vec<u8>, Error> {
    jose::sign(Alg::ES256, key, tbs).map_err(ours)
}

fn es256_header() -> coset::Header {
    coset::HeaderBuilder::new()
        .algorithm(coset::iana::Algorithm::ES256)
        .build()
}

/// Issues a PID mdoc (ISO 18013-5 `IssuerSigned`) with `elements` in the PID namespace, valid
/// `from..until` (Unix seconds), bound to `device`, with an optional status list reference.
pub fn issue_mdoc(
    elements: &[(&str, ciborium::Value)],
    issuer_key: &dyn PrivateKey,
    chain: &[X509],
    device: &PKey<Public>,
    from: i64,
    until: i64,
    status: Option<(u64, &str)>,
) -> Result<IssuedMdoc, Error> {
    use ciborium::Value as C;
    let mut items = Vec::new();
    let mut digests = Vec::new();
    for (i, (name, value)) in elements.iter().enumerate() {
        let mut random = [0u8; 16];
        openssl::rand::rand_bytes(&mut random).map_err(ours)?;
        let item = cbor_map(vec![
            ("digestID", C::Integer(i.into())),
            ("random", C::Bytes(random.to_vec())),
            ("elementIdentifier", C::Text((*name).to_owned())),
            ("elementValue", value.clone()),
        ]);
        let tagged = tag24(cbor_bytes(&item)?);
        let digest = openssl::hash::hash(MessageDigest::sha256(), &cbor_bytes(&tagged)?)
            .map_err(ours)?
            .to_vec();
        digests.push((C::Integer(i.into()), C::Bytes(digest)));
        items.push(((*name).to_owned(), tagged));
    }
    let (x, y) = jwe::p256_coordinates(device).map_err(ours)?;
    let coord = |s: &str| B64.decode(s).map(C::Bytes).map_err(ours);
    let device_key = C::Map(vec![
        (C::Integer(1.into()), C::Integer(2.into())),
        (C::Integer((-1).into()), C::Integer(1.into())),
        (C::Integer((-2).into()), coord(&x)?),
        (C::Integer((-3).into()), coord(&y)?),
    ]);
    let mut mso = vec![
        ("version", C::Text("1.0".into())),
        ("digestAlgorithm", C::Text("SHA-256".into())),
        (
            "valueDigests",
            cbor_map(vec![(super::PID_DOCTYPE, C::Map(digests))]),
        ),
        ("deviceKeyInfo", cbor_map(vec![("deviceKey", device_key)])),
        ("docType", C::Text(super::PID_DOCTYPE.into())),
        (
            "validityInfo",
            cbor_map(vec![
                ("signed", tdate(from)?),
                ("validFrom", tdate(from)?),
                ("validUntil", tdate(until)?),
            ]),
        ),
    ];
    if let Some((idx, uri)) = status {
        mso.push((
            "status",
            cbor_map(vec![(
                "status_list",
                cbor_map(vec![
                    ("idx", C::Integer(idx.into())),
                    ("uri", C::Text(uri.to_owned())),
                ]),
            )]),
        ));
    }
    let payload = cbor_bytes(&tag24(cbor_bytes(&cbor_map(mso))?))?;
    let x5chain = match chain {
        [one] => C::Bytes(one.to_der().map_err(ours)?),
        many => C::Array(
            many.iter()
                .map(|c| c.to_der().map(C::Bytes))
                .collect::<Result<_, _>>()
                .map_err(ours)?,
        ),
    };
    let mut sign1 = coset::CoseSign1Builder::new()
        .protected(es256_header())
        .unprotected(coset::HeaderBuilder::new().value(33, x5chain).build())
        .payload(payload)
        .build();
    sign1.signature = cose_sign(issuer_key, &sign1.tbs_data(&[]))?;
    Ok(IssuedMdoc {
        items,
        issuer_auth: coset::AsCborValue::to_cbor_value(sign1).map_err(ours)?,
    })
}

/// Presents `issued` (the items `keep` accepts) as a base64url `DeviceResponse`, the device
/// signature made by `device_key` over the session transcript of the request `e` describes.
pub fn present_mdoc(
    issued: &IssuedMdoc,
    keep: &dyn Fn(&str) -> bool,
    device_key: &dyn PrivateKey,
    e: &super::mdoc::Expect<'_>,
) -> Result<String, Error> {
    use ciborium::Value as C;
    let items: Vec<C> = issued
        .items
        .iter()
        .filter(|(name, _)| keep(name))
        .map(|(_, v)| v.clone())
        .collect();
    let device_namespaces = tag24(cbor_bytes(&C::Map(Vec::new()))?);
    let transcript = super::mdoc::session_transcript(e)?;
    let signed = super::mdoc::device_authentication_bytes(
        &transcript,
        super::PID_DOCTYPE,
        &device_namespaces,
    )?;
    let mut device_signature = coset::CoseSign1Builder::new()
        .protected(es256_header())
        .build();
    device_signature.signature = cose_sign(
        device_key,
        &device_signature.tbs_detached_data(&signed, &[]),
    )?;
    let doc = cbor_map(vec![
        ("docType", C::Text(super::PID_DOCTYPE.into())),
        (
            "issuerSigned",
            cbor_map(vec![
                (
                    "nameSpaces",
                    cbor_map(vec![(super::PID_DOCTYPE, C::Array(items))]),
                ),
                ("issuerAuth", issued.issuer_auth.clone()),
            ]),
        ),
        (
            "deviceSigned",
            cbor_map(vec![
                ("nameSpaces", device_namespaces),
                (
                    "deviceAuth",
                    cbor_map(vec![(
                        "deviceSignature",
                        coset::AsCborValue::to_cbor_value(device_signature).map_err(ours)?,
                    )]),
                ),
            ]),
        ),
    ]);
    let response = cbor_map(vec![
        ("version", C::Text("1.0".into())),
        ("documents", C::Array(vec![doc])),
        ("status", C::Integer(0.into())),
    ]);
    Ok(B64.encode(cbor_bytes(&response)?))
}
