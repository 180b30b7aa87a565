//! The wallet's answer (OpenID4VP 1.0 §8.2–§8.3, `direct_post.jwt`): a form field `response`
//! holding a JWE to this request's key, whose payload is `{"vp_token": {query id: [presentation]},
//! "state": …}`, or an error (`{"error": "access_denied", "state": …}`).

use serde_json::{Map, Value};

use super::Error;
use crate::jose::jwe;
use crate::keys::PrivateKey;

/// A decrypted answer whose `state` is the request's.
#[derive(Debug)]
pub struct Answer {
    pub vp_token: Map<String, Value>,
}

/// The `kid` of the answer's JWE header (which of our requests' keys it is for), before
/// anything is decrypted: a short token of URL-safe characters, or nothing.
pub fn kid(response: &str) -> Option<String> {
    use base64::Engine;
    let header = response.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("kid")
        .and_then(Value::as_str)
        .filter(|k| {
            k.len() <= 64
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
}

/// Decrypts `response` with this request's key and checks it answers `state`.
pub fn open(response: &str, key: &dyn PrivateKey, kid: &str, state: &str) -> Result<Answer, Error> {
    let d = jwe::decrypt(response, key, kid)?;
    let payload: Value =
        serde_json::from_slice(&d.payload).map_err(|_| Error::Malformed("answer payload"))?;
    if payload.get("state").and_then(Value::as_str) != Some(state) {
        return Err(Error::StateMismatch);
    }
    if let Some(error) = payload.get("error") {
        return Err(Error::Declined(
            error.as_str().unwrap_or("error").chars().take(64).collect(),
        ));
    }
    match payload.get("vp_token") {
        Some(Value::Object(vp)) => Ok(Answer {
            vp_token: vp.clone(),
        }),
        _ => Err(Error::Malformed("vp_token")),
    }
}

impl Answer {
    /// The one presentation answering the query `id` (not `multiple`: exactly one, a string).
    pub fn single(&self, id: &'static str) -> Result<&str, Error> {
        match self.vp_token.get(id) {
            Some(Value::Array(list)) if list.len() == 1 => list
                .first()
                .and_then(Value::as_str)
                .ok_or(Error::Malformed("presentation")),
            Some(_) => Err(Error::Malformed("presentations")),
            None => Err(Error::MissingPresentation(id)),
        }
    }
}
