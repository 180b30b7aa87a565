//! What we ask the wallet (OpenID4VP 1.0 §5, HAIP 1.0 §5): our client identifier with the
//! `x509_hash` prefix, a DCQL query for the PID in both formats asking only for the claims the
//! e-service needs, and the signed request object (JAR, fetched by `request_uri`) that carries
//! them with a fresh encryption key for the answer.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use serde_json::{json, Value};

use super::{Error, PID_DOCTYPE, PID_VCT};
use crate::jose;
use crate::keys::PrivateKey;

/// The DCQL credential query ids (OpenID4VP 1.0 §6.1).
pub const SD_JWT_QUERY: &str = "pid_sd_jwt";
pub const MDOC_QUERY: &str = "pid_mdoc";

/// A PID attribute an e-service may receive, named as each format names it (PID Rulebook
/// §2–§4: SD-JWT VC `birthdate` and `nationalities`, mdoc `birth_date` and `nationality`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PidClaim {
    GivenName,
    FamilyName,
    Birthdate,
    PlaceOfBirth,
    Nationalities,
    PersonalAdministrativeNumber,
    IssuingCountry,
}

impl PidClaim {
    pub const ALL: [PidClaim; 7] = [
        PidClaim::GivenName,
        PidClaim::FamilyName,
        PidClaim::Birthdate,
        PidClaim::PlaceOfBirth,
        PidClaim::Nationalities,
        PidClaim::PersonalAdministrativeNumber,
        PidClaim::IssuingCountry,
    ];

    pub fn sd_jwt(self) -> &'static str {
        match self {
            PidClaim::GivenName => "given_name",
            PidClaim::FamilyName => "family_name",
            PidClaim::Birthdate => "birthdate",
            PidClaim::PlaceOfBirth => "place_of_birth",
            PidClaim::Nationalities => "nationalities",
            PidClaim::PersonalAdministrativeNumber => "personal_administrative_number",
            PidClaim::IssuingCountry => "issuing_country",
        }
    }

    pub fn mdoc(self) -> &'static str {
        match self {
            PidClaim::Birthdate => "birth_date",
            PidClaim::Nationalities => "nationality",
            other => other.sd_jwt(),
        }
    }
}

/// `x509_hash:` + base64url(SHA-256(DER)) of our access certificate (OpenID4VP 1.0 §5.9.3).
pub fn client_id(cert: &X509) -> Result<String, Error> {
    let der = cert.to_der().map_err(|e| Error::Ours(e.to_string()))?;
    let h = openssl::hash::hash(MessageDigest::sha256(), &der)
        .map_err(|e| Error::Ours(e.to_string()))?;
    Ok(format!("x509_hash:{}", B64.encode(h)))
}

/// The DCQL query (OpenID4VP 1.0 §6, Appendix B.2.3, B.3.5): the PID as SD-JWT VC or as mdoc,
/// exactly one of them (`credential_sets`), with only `claims`, and, when our anchors carry key
/// identifiers, the PID providers we trust (`trusted_authorities` of type `aki`, §6.1.1.1,
/// which HAIP 1.0 §5 asks verifiers to support): the wallet picks a PID we can accept.
pub fn dcql(claims: &[PidClaim], authority_key_ids: &[String]) -> Value {
    let sd: Vec<Value> = claims
        .iter()
        .map(|c| json!({"path": [c.sd_jwt()]}))
        .collect();
    let md: Vec<Value> = claims
        .iter()
        .map(|c| json!({"path": [PID_DOCTYPE, c.mdoc()], "intent_to_retain": false}))
        .collect();
    let mut credentials = vec![
        json!({"id": SD_JWT_QUERY, "format": "dc+sd-jwt", "meta": {"vct_values": [PID_VCT]}, "claims": sd}),
        json!({"id": MDOC_QUERY, "format": "mso_mdoc", "meta": {"doctype_value": PID_DOCTYPE}, "claims": md}),
    ];
    if !authority_key_ids.is_empty() {
        for c in &mut credentials {
            if let Some(o) = c.as_object_mut() {
                o.insert(
                    "trusted_authorities".into(),
                    json!([{"type": "aki", "values": authority_key_ids}]),
                );
            }
        }
    }
    json!({
        "credentials": credentials,
        "credential_sets": [{"options": [[SD_JWT_QUERY], [MDOC_QUERY]]}],
    })
}

/// One authorization request, as the request object states it.
#[derive(Debug)]
pub struct Request<'a> {
    pub client_id: &'a str,
    /// Where the wallet posts its answer.
    pub response_uri: &'a str,
    pub nonce: &'a str,
    pub state: &'a str,
    pub claims: &'a [PidClaim],
    /// base64url key identifiers of the PID providers' anchors (`trusted_authorities`).
    pub authority_key_ids: &'a [String],
    /// The public half of this request's ephemeral encryption key, and its `kid`.
    pub encryption_key: &'a PKey<Public>,
    pub encryption_kid: &'a str,
    /// Unix seconds.
    pub iat: i64,
}

/// How long a wallet may take to fetch the request object after it was made.
pub const REQUEST_OBJECT_LIFETIME: i64 = 300;

/// The signed request object (OpenID4VP 1.0 §5, RFC 9101): ES256 by our access certificate's
/// key, `typ` `oauth-authz-req+jwt`, the certificate chain in `x5c` (leaf first, no anchor).
pub fn request_object(
    r: &Request<'_>,
    key: &dyn PrivateKey,
    chain: &[X509],
) -> Result<String, Error> {
    let ours = |e: openssl::error::ErrorStack| Error::Ours(e.to_string());
    let mut jwk = jose::p256_jwk(r.encryption_key).map_err(ours)?;
    if let Some(o) = jwk.as_object_mut() {
        o.insert("use".into(), "enc".into());
        o.insert("alg".into(), "ECDH-ES".into());
        o.insert("kid".into(), r.encryption_kid.into());
    }
    let claims = json!({
        "response_type": "vp_token",
        "response_mode": "direct_post.jwt",
        "client_id": r.client_id,
        "response_uri": r.response_uri,
        "nonce": r.nonce,
        "state": r.state,
        "dcql_query": dcql(r.claims, r.authority_key_ids),
        "client_metadata": {
            "jwks": {"keys": [jwk]},
            "encrypted_response_enc_values_supported": ["A128GCM", "A256GCM"],
            "vp_formats_supported": {
                "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]},
                "mso_mdoc": {"issuerauth_alg_values": [-7, -9], "deviceauth_alg_values": [-7, -9]},
            },
        },
        "aud": "https://self-issued.me/v2",
        "iat": r.iat,
        "exp": r.iat + REQUEST_OBJECT_LIFETIME,
    });
    let header = json!({"alg": "ES256", "typ": "oauth-authz-req+jwt", "x5c": jose::x5c(chain).map_err(ours)?});
    jose::sign_compact(&header, &claims, key).map_err(|e| Error::Ours(e.to_string()))
}

/// The key identifier of a certificate (its Subject Key Identifier), base64url, if it has one.
pub fn authority_key_id(cert: &X509) -> Option<String> {
    cert.subject_key_id().map(|k| B64.encode(k.as_slice()))
}

/// The link or QR code content that hands the request to a wallet (OpenID4VP 1.0 §5.4, HAIP 1.0
/// §5.1): `scheme` is `haip-vp://` or `openid4vp://`.
pub fn invocation(scheme: &str, client_id: &str, request_uri: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "{scheme}?client_id={}&request_uri={}",
        enc(client_id),
        enc(request_uri)
    )
}
