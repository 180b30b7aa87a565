//! `x5c` certificate chains (RFC 7515 §4.1.6: standard base64 DER, leaf first, the trust anchor
//! left out) validated to configured trust anchors at the injected time.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::{X509VerifyFlags, X509VerifyParam};
use openssl::x509::{X509StoreContext, X509};
use time::OffsetDateTime;

use super::Error;

/// The certificates of an `x5c` header value.
pub fn parse(x5c: &serde_json::Value) -> Result<Vec<X509>, Error> {
    let list = x5c.as_array().ok_or(Error::Malformed("x5c"))?;
    if list.is_empty() || list.len() > 8 {
        return Err(Error::Malformed("x5c length"));
    }
    list.iter()
        .map(|c| {
            let der = c
                .as_str()
                .and_then(|s| STANDARD.decode(s).ok())
                .ok_or(Error::Malformed("x5c certificate"))?;
            X509::from_der(&der).map_err(|_| Error::Malformed("x5c certificate"))
        })
        .collect()
}

/// A chain validated to an anchor.
#[derive(Debug, Clone)]
pub struct Validated {
    pub leaf: X509,
    /// The configured anchor the path ends at (which PID provider, which country).
    pub anchor: X509,
}

/// `chain` if it leads to one of `anchors` at `now` (an anchor may be a root or an intermediate
/// CA). A chain whose leaf is self-signed is refused (HAIP 1.0 §5: the anchor is never in
/// `x5c`).
pub fn validate(chain: &[X509], anchors: &[X509], now: OffsetDateTime) -> Result<Validated, Error> {
    let (leaf, rest) = chain.split_first().ok_or(Error::Malformed("x5c length"))?;
    let untrusted = |e: openssl::error::ErrorStack| Error::UntrustedIssuer(e.to_string());
    // Signed by its own key: self-signed, whatever its names say.
    let own = leaf.public_key().map_err(untrusted)?;
    if leaf.verify(&own).unwrap_or(false) {
        return Err(Error::UntrustedIssuer("self-signed leaf".into()));
    }
    let mut store = X509StoreBuilder::new().map_err(untrusted)?;
    for a in anchors {
        store.add_cert(a.clone()).map_err(untrusted)?;
    }
    let mut param = X509VerifyParam::new().map_err(untrusted)?;
    param
        .set_flags(X509VerifyFlags::PARTIAL_CHAIN)
        .map_err(untrusted)?;
    param.set_time(now.unix_timestamp() as _);
    store.set_param(&param).map_err(untrusted)?;
    let store = store.build();
    let mut stack = Stack::new().map_err(untrusted)?;
    for c in rest {
        stack.push(c.clone()).map_err(untrusted)?;
    }
    let mut ctx = X509StoreContext::new().map_err(untrusted)?;
    let (ok, why, top) = ctx
        .init(&store, leaf, &stack, |c| {
            let ok = c.verify_cert()?;
            let top = c
                .chain()
                .and_then(|s| s.iter().last().map(|x| x.to_owned()));
            Ok((ok, c.error().error_string().to_owned(), top))
        })
        .map_err(untrusted)?;
    match (ok, top) {
        (true, Some(anchor)) => Ok(Validated {
            leaf: leaf.clone(),
            anchor,
        }),
        _ => Err(Error::UntrustedIssuer(why)),
    }
}
