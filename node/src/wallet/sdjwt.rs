//! An SD-JWT VC presentation (`<issuer-signed JWT>~<disclosure>~…~<KB-JWT>`) verified, fail
//! closed, in the order of the specifications: SD-JWT (RFC 9901) §7.1 and §7.3, SD-JWT VC
//! (draft 13, the version HAIP 1.0 §9.4 pins) §3, HAIP 1.0 §6.1, OpenID4VP 1.0 Appendix B.3.
//!
//! 1. shape: a key binding JWT is always required (holder binding, OpenID4VP §6.1);
//! 2. the issuer-signed JWT: `typ` `dc+sd-jwt`, ES256, `x5c` chaining to a PID-provider anchor,
//!    its signature (the issuer's key comes from that validated chain, never from elsewhere);
//! 3. `_sd_alg` sha-256; every disclosure's digest found exactly once, every digest at most once,
//!    no disclosure left over, nothing disclosed that must be plain (`iss`, `exp`, `cnf`, …);
//! 4. `exp` (required), `nbf`, `iat`; `vct` the PID's;
//! 5. the key binding JWT: `typ` `kb+jwt`, signed by `cnf.jwk`, `aud` our client identifier,
//!    our nonce, a fresh `iat`, and `sd_hash` over the presentation.
//!
//! Revocation (the credential's `status`) is returned for the caller to check against the
//! Token Status List.

use std::collections::{HashMap, HashSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use super::{x5c, Error};
use crate::jose::{Alg, Jwk, UnverifiedJws};

/// What the verifier expects of this presentation.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// Our client identifier, with its prefix (`x509_hash:…`): the key binding's `aud`.
    pub client_id: &'a str,
    /// The nonce of our request.
    pub nonce: &'a str,
    /// The credential types accepted (the PID: [`super::PID_VCT`]).
    pub vct: &'a [&'a str],
    pub now: OffsetDateTime,
    /// Allowance for clocks that differ.
    pub skew: Duration,
    /// How old a key binding may be.
    pub kb_max_age: Duration,
}

/// Where the credential's revocation status is kept (Token Status List §6.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRef {
    pub idx: u64,
    pub uri: String,
}

/// A verified presentation.
#[derive(Debug)]
pub struct Verified {
    /// The processed payload: disclosed claims in place, `_sd` and `_sd_alg` gone.
    pub claims: Map<String, Value>,
    /// The issuer's validated chain (none when the key was given).
    pub issuer: Option<x5c::Validated>,
    pub status: Option<StatusRef>,
}

/// The claims that must stay plain in the signed payload (SD-JWT VC §3.2.2.2), and `iat`.
const PLAIN: [&str; 7] = ["iss", "nbf", "exp", "cnf", "vct", "status", "iat"];

/// base64url(SHA-256(ASCII)), the digest of a disclosure or of a presentation (RFC 9901 §4.2.3).
pub fn digest(s: &str) -> String {
    let h = openssl::hash::hash(MessageDigest::sha256(), s.as_bytes())
        .map(|d| d.to_vec())
        .unwrap_or_default();
    B64.encode(h)
}

fn json_part(part: &str, what: &'static str) -> Result<Value, Error> {
    let bytes = B64.decode(part).map_err(|_| Error::Malformed(what))?;
    serde_json::from_slice(&bytes).map_err(|_| Error::Malformed(what))
}

fn unix(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_i64)
}

/// Verifies `presentation` against PID-provider `anchors`.
pub fn verify(presentation: &str, anchors: &[X509], e: &Expect<'_>) -> Result<Verified, Error> {
    let jwt = presentation
        .split('~')
        .next()
        .ok_or(Error::Malformed("sd-jwt"))?;
    let header = json_part(
        jwt.split('.').next().ok_or(Error::Malformed("sd-jwt"))?,
        "issuer JWT header",
    )?;
    let chain = x5c::parse(header.get("x5c").ok_or(Error::Malformed("no x5c"))?)?;
    let validated = x5c::validate(&chain, anchors, e.now)?;
    let key = validated
        .leaf
        .public_key()
        .map_err(|_| Error::UntrustedIssuer("issuer key".into()))?;
    let mut v = verify_with_issuer_key(presentation, &key, e)?;
    v.issuer = Some(validated);
    Ok(v)
}

/// [`verify`] with the issuer's key already established (by [`verify`] from `x5c`, or a test
/// vector's published key).
pub fn verify_with_issuer_key(
    presentation: &str,
    issuer_key: &PKey<Public>,
    e: &Expect<'_>,
) -> Result<Verified, Error> {
    // 1. Shape: JWT ~ disclosures ~ KB-JWT (a trailing `~` means no key binding).
    let parts: Vec<&str> = presentation.split('~').collect();
    let (kb, rest) = parts.split_last().ok_or(Error::Malformed("sd-jwt"))?;
    let (jwt, disclosures) = rest.split_first().ok_or(Error::KeyBindingMissing)?;
    if kb.is_empty() {
        return Err(Error::KeyBindingMissing);
    }
    if disclosures.iter().any(|d| d.is_empty()) {
        return Err(Error::Malformed("empty disclosure"));
    }

    // 2. The issuer-signed JWT.
    let header = json_part(
        jwt.split('.').next().ok_or(Error::Malformed("sd-jwt"))?,
        "issuer JWT header",
    )?;
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("");
    if typ != "dc+sd-jwt" {
        return Err(Error::TypNotAllowed(typ.chars().take(32).collect()));
    }
    let jws = UnverifiedJws::parse(jwt).ok_or_else(|| {
        Error::AlgorithmNotAllowed(
            header
                .get("alg")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        )
    })?;
    if jws.alg != Alg::ES256 {
        return Err(Error::AlgorithmNotAllowed(jws.alg.as_str().to_owned()));
    }
    let payload = jws
        .verify_with_key(issuer_key)
        .ok_or(Error::IssuerSignatureInvalid)?;
    let Value::Object(mut claims) =
        serde_json::from_slice(payload).map_err(|_| Error::Malformed("issuer JWT payload"))?
    else {
        return Err(Error::Malformed("issuer JWT payload"));
    };

    // 3. Disclosures.
    match claims.remove("_sd_alg") {
        None => {}
        Some(Value::String(a)) if a == "sha-256" => {}
        Some(other) => return Err(Error::AlgorithmNotAllowed(other.to_string())),
    }
    let mut by_digest: HashMap<String, Value> = HashMap::new();
    for d in disclosures {
        let decoded = json_part(d, "disclosure")
            .map_err(|_| Error::DisclosureInvalid("not base64url JSON"))?;
        if by_digest.insert(digest(d), decoded).is_some() {
            return Err(Error::DuplicateDigest);
        }
    }
    let mut seen = HashSet::new();
    let mut disclosed_top = Vec::new();
    let claims = expand_object(claims, &mut by_digest, &mut seen, Some(&mut disclosed_top))?;
    if !by_digest.is_empty() {
        return Err(Error::DisclosureUnreferenced);
    }
    if let Some(name) = disclosed_top.iter().find(|n| PLAIN.contains(&n.as_str())) {
        return Err(Error::ProtectedClaimDisclosed(name.clone()));
    }

    // 4. Validity and type.
    let now = e.now.unix_timestamp();
    let skew = e.skew.whole_seconds();
    match unix(claims.get("exp")) {
        Some(exp) if now <= exp.saturating_add(skew) => {}
        _ => return Err(Error::Expired),
    }
    if unix(claims.get("nbf")).is_some_and(|nbf| now < nbf.saturating_sub(skew)) {
        return Err(Error::NotYetValid);
    }
    if unix(claims.get("iat")).is_some_and(|iat| iat > now.saturating_add(skew)) {
        return Err(Error::NotYetValid);
    }
    let vct = claims.get("vct").and_then(Value::as_str).unwrap_or("");
    if !e.vct.contains(&vct) {
        return Err(Error::VctNotAccepted(vct.to_owned()));
    }
    let holder: Jwk = claims
        .get("cnf")
        .and_then(|c| c.get("jwk"))
        .cloned()
        .and_then(|j| serde_json::from_value(j).ok())
        .ok_or(Error::HolderKeyMissing)?;
    let holder_key = holder.to_public_key().ok_or(Error::HolderKeyMissing)?;
    let status = match claims.get("status") {
        None => None,
        Some(s) => Some(status_ref(s)?),
    };
    let validity = unix(claims.get("exp"))
        .zip(unix(claims.get("iat")).or_else(|| unix(claims.get("nbf"))))
        .map(|(exp, from)| exp.saturating_sub(from));
    super::revocable_or_short(status.is_some(), validity)?;

    // 5. Key binding.
    let kb_header = json_part(
        kb.split('.').next().ok_or(Error::Malformed("kb-jwt"))?,
        "kb-jwt header",
    )
    .map_err(|_| Error::KeyBindingInvalid("header"))?;
    if kb_header.get("typ").and_then(Value::as_str) != Some("kb+jwt") {
        return Err(Error::KeyBindingInvalid("typ"));
    }
    let kb_jws = UnverifiedJws::parse(kb).ok_or(Error::KeyBindingInvalid("alg"))?;
    if kb_jws.alg != Alg::ES256 {
        return Err(Error::KeyBindingInvalid("alg"));
    }
    let kb_payload: Value = kb_jws
        .verify_with_key(&holder_key)
        .ok_or(Error::KeyBindingInvalid("signature"))
        .and_then(|p| serde_json::from_slice(p).map_err(|_| Error::KeyBindingInvalid("payload")))?;
    if kb_payload.get("aud").and_then(Value::as_str) != Some(e.client_id) {
        return Err(Error::KeyBindingInvalid("aud"));
    }
    if kb_payload.get("nonce").and_then(Value::as_str) != Some(e.nonce) {
        return Err(Error::KeyBindingInvalid("nonce"));
    }
    let oldest = now
        .saturating_sub(e.kb_max_age.whole_seconds())
        .saturating_sub(skew);
    match unix(kb_payload.get("iat")) {
        Some(iat) if iat >= oldest && iat <= now.saturating_add(skew) => {}
        _ => return Err(Error::KeyBindingInvalid("iat")),
    }
    let presented = presentation
        .get(..presentation.len() - kb.len())
        .ok_or(Error::Malformed("sd-jwt"))?;
    if kb_payload.get("sd_hash").and_then(Value::as_str) != Some(digest(presented).as_str()) {
        return Err(Error::KeyBindingInvalid("sd_hash"));
    }

    Ok(Verified {
        claims,
        issuer: None,
        status,
    })
}

fn status_ref(s: &Value) -> Result<StatusRef, Error> {
    let list = s.get("status_list").ok_or(Error::StatusInvalid)?;
    let idx = list
        .get("idx")
        .and_then(Value::as_u64)
        .ok_or(Error::StatusInvalid)?;
    let uri = list
        .get("uri")
        .and_then(Value::as_str)
        .filter(|u| status_uri_allowed(u))
        .ok_or(Error::StatusInvalid)?;
    Ok(StatusRef {
        idx,
        uri: uri.to_owned(),
    })
}

/// Where a status list may be fetched from: `https`, or `http` on the loopback interface (the
/// demo and the tests), with no user info; parsed, not prefix-matched.
pub fn status_uri_allowed(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.username().is_empty()
            && u.password().is_none()
            && match u.scheme() {
                "https" => u.host().is_some(),
                "http" => {
                    matches!(
                        u.host(),
                        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
                    ) || matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
                        || u.host_str() == Some("localhost")
                }
                _ => false,
            }
    })
}

/// Marks `d` as seen, refusing a digest met twice (RFC 9901 §7.1 step 4).
fn see(d: &str, seen: &mut HashSet<String>) -> Result<(), Error> {
    if seen.insert(d.to_owned()) {
        Ok(())
    } else {
        Err(Error::DuplicateDigest)
    }
}

/// An object with its `_sd` digests replaced by the disclosed members (RFC 9901 §7.1 step 3).
/// `top` collects the names disclosed at the top level.
fn expand_object(
    mut obj: Map<String, Value>,
    disclosures: &mut HashMap<String, Value>,
    seen: &mut HashSet<String>,
    mut top: Option<&mut Vec<String>>,
) -> Result<Map<String, Value>, Error> {
    let digests = match obj.remove("_sd") {
        None => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(Error::DisclosureInvalid("_sd is not an array")),
    };
    let mut out = Map::new();
    for (k, v) in obj {
        if k == "..." {
            return Err(Error::DisclosureInvalid("... outside an array"));
        }
        out.insert(k, expand(v, disclosures, seen)?);
    }
    for d in digests {
        let d = d
            .as_str()
            .ok_or(Error::DisclosureInvalid("digest is not a string"))?;
        see(d, seen)?;
        // A digest without a disclosure is an undisclosed claim or a decoy.
        let Some(disclosure) = disclosures.remove(d) else {
            continue;
        };
        let Value::Array(mut items) = disclosure else {
            return Err(Error::DisclosureInvalid("not an array"));
        };
        if items.len() != 3 || !items.first().is_some_and(Value::is_string) {
            return Err(Error::DisclosureInvalid(
                "an object member needs salt, name, value",
            ));
        }
        let value = items.pop().unwrap_or(Value::Null);
        let name = match items.pop() {
            Some(Value::String(n)) => n,
            _ => return Err(Error::DisclosureInvalid("name is not a string")),
        };
        if name == "_sd" || name == "..." || out.contains_key(&name) {
            return Err(Error::DisclosureInvalid(
                "name not allowed or already present",
            ));
        }
        if let Some(t) = top.as_deref_mut() {
            t.push(name.clone());
        }
        let value = expand(value, disclosures, seen)?;
        out.insert(name, value);
    }
    Ok(out)
}

fn expand(
    v: Value,
    disclosures: &mut HashMap<String, Value>,
    seen: &mut HashSet<String>,
) -> Result<Value, Error> {
    match v {
        Value::Object(o) => Ok(Value::Object(expand_object(o, disclosures, seen, None)?)),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                // `{"...": digest}`: an array element disclosed separately (RFC 9901 §4.2.4.2).
                let element_digest = match &item {
                    Value::Object(o) if o.contains_key("...") => {
                        if o.len() != 1 {
                            return Err(Error::DisclosureInvalid("... beside other members"));
                        }
                        Some(
                            o.get("...")
                                .and_then(Value::as_str)
                                .ok_or(Error::DisclosureInvalid("digest is not a string"))?
                                .to_owned(),
                        )
                    }
                    _ => None,
                };
                let Some(d) = element_digest else {
                    out.push(expand(item, disclosures, seen)?);
                    continue;
                };
                see(&d, seen)?;
                let Some(disclosure) = disclosures.remove(&d) else {
                    continue;
                };
                let Value::Array(mut pair) = disclosure else {
                    return Err(Error::DisclosureInvalid("not an array"));
                };
                if pair.len() != 2 || !pair.first().is_some_and(Value::is_string) {
                    return Err(Error::DisclosureInvalid(
                        "an array element needs salt, value",
                    ));
                }
                let value = pair.pop().unwrap_or(Value::Null);
                out.push(expand(value, disclosures, seen)?);
            }
            Ok(Value::Array(out))
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn status_lists_come_from_https_or_the_loopback_only() {
        for ok in [
            "https://pid.example/status/1",
            "http://127.0.0.1:8083/status/list",
            "http://localhost/s",
        ] {
            assert!(status_uri_allowed(ok), "{ok}");
        }
        for bad in [
            "http://pid.example/status",
            "http://127.0.0.1@evil.example/s",
            "http://127.0.0.1.evil.example/s",
            "https://user:pw@pid.example/s",
            "ftp://pid.example/s",
            "status",
        ] {
            assert!(!status_uri_allowed(bad), "{bad}");
        }
    }

    /// RFC 9901 §4.2.3: the digest of the example disclosure of `family_name`.
    #[test]
    fn the_disclosure_digest_matches_the_rfc() {
        assert_eq!(
            digest("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"),
            "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
        );
    }
}
