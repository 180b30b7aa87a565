//! Binding a login flow to the browser that started it.
//!
//! `/authorize` sets a random browser id in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` and
//! `__Host-` prefixed when served over https) and parks a hash of it with the flow
//! (`AuthorizationRequest::agent_binding`). Every later step insists on the same cookie: the
//! country page, the choice and cancel (so a leaked flow id is useless elsewhere), and the resume
//! step, reached by a same-site 303 after the ACS (the hash travels with the pending SAML
//! request). The cross-site POST to the ACS never needs the cookie (Lax does not send it there).
//! This stops a leaked flow id, a captured SAMLResponse or a resume link from being completed in
//! another browser (login CSRF / session swapping).

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

const NAME_SECURE: &str = "__Host-eidas_browser";
const NAME_PLAIN: &str = "eidas_browser";

fn name(secure: bool) -> &'static str {
    if secure {
        NAME_SECURE
    } else {
        NAME_PLAIN
    }
}

/// The browser id from the request's cookies, if present and well-formed.
pub fn browser_id(headers: &HeaderMap, secure: bool) -> Option<String> {
    let wanted = name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == wanted)
        .map(|(_, v)| v.to_owned())
        .filter(|v| {
            v.len() == 43
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// What is stored with the flow: a hash, so the store never holds the cookie value itself.
pub fn fingerprint(browser_id: &str) -> String {
    crate::store::hash_handle(browser_id)
}

/// Ensures the response sets the browser id (reusing an existing one, so parallel tabs work).
pub fn set_cookie(response: &mut Response, id: &str, secure: bool) {
    let cookie = format!(
        "{}={id}; Path=/; HttpOnly; SameSite=Lax{}",
        name(secure),
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// A fresh browser id: 256 bits, base64url (43 characters).
pub fn new_browser_id() -> Option<String> {
    let mut b = [0u8; 32];
    openssl::rand::rand_bytes(&mut b).ok()?;
    Some(crate::jose::b64(&b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cookie_round_trips_and_malformed_values_are_ignored() {
        let id = new_browser_id().unwrap();
        let mut r = Response::new(axum::body::Body::empty());
        set_cookie(&mut r, &id, true);
        let set = r.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(set.starts_with("__Host-eidas_browser="));
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; __Host-eidas_browser={id}")).unwrap(),
        );
        assert_eq!(browser_id(&h, true), Some(id.clone()));
        assert_eq!(
            browser_id(&h, false),
            None,
            "the plain name is another cookie"
        );
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("eidas_browser=short"),
        );
        assert_eq!(browser_id(&h, false), None);
        let mut r = Response::new(axum::body::Body::empty());
        set_cookie(&mut r, &id, false);
        assert!(!r.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Secure"));
    }
}
