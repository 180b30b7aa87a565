//! Fetching like a good citizen (issue 11 item 2): conditional GET with a `User-Agent`, size and
//! time caps, HTTPS only except loopback, no redirects; the on-disk cache of verified copies
//! (`trust.cache_dir`); and the CRLs an anchored signer's path names (§4 revocation).
//!
//! Must not: trust anything it fetched: every document is verified by the caller, every CRL by
//! the SAML core against the certificate's issuer.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use time::OffsetDateTime;

use super::{Error, Location, TrustStore};
use crate::saml::metadata::MetadataTrust;

/// Largest metadata document we download.
pub(super) const MAX_FETCH_BYTES: usize = 4 * 1024 * 1024;

/// An error with its causes ("error sending request: connection refused").
pub(super) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(c) = source {
        s.push_str(": ");
        s.push_str(&c.to_string());
        source = c.source();
    }
    s
}

/// A fetch error with its causes, without the URL (the caller names the location).
pub(crate) fn fetch_error(e: reqwest::Error) -> String {
    chain(&e.without_url())
}

/// A response body as UTF-8 text, refused beyond [`MAX_FETCH_BYTES`] while it is read.
pub(crate) async fn read_capped(mut resp: reqwest::Response) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(fetch_error)? {
        if body.len() + chunk.len() > MAX_FETCH_BYTES {
            return Err("document too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "not UTF-8".into())
}

/// Writes `text` to `path` by rename (readers never see half a copy); failures are logged,
/// never fatal. Whether it was written.
pub(crate) fn write_atomically(path: &std::path::Path, text: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("copy");
    let mut r = [0u8; 6];
    let _ = openssl::rand::rand_bytes(&mut r);
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        crate::hex::encode(&r)
    ));
    match std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => true,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            tracing::warn!(path = %path.display(), error = %e, "could not write the cache copy");
            false
        }
    }
}

/// A fetched CRL (DER) and when it was fetched.
pub(super) type CachedCrl = (Arc<Vec<u8>>, OffsetDateTime);

/// The on-disk copies of verified metadata (`trust.cache_dir`): one `<CODE>.xml` per country
/// fetched over HTTP(S), written by atomic rename after verification and read only to be
/// verified again. File sources are local already and are not copied.
#[derive(Debug)]
pub(super) struct MetadataCache {
    dir: PathBuf,
    /// Per country: the SHA-256 of what was last written, so an unchanged document is not
    /// rewritten every refresh.
    written: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
    /// Countries whose copy has been consulted since start-up: an expired or rejected copy is
    /// not verified again every retry.
    consulted: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl MetadataCache {
    pub(super) fn new(dir: PathBuf) -> Self {
        MetadataCache {
            dir,
            written: std::sync::Mutex::new(BTreeMap::new()),
            consulted: std::sync::Mutex::new(std::collections::BTreeSet::new()),
        }
    }

    fn path(&self, code: &str) -> PathBuf {
        self.dir.join(format!("{code}.xml"))
    }

    /// Stores `text` (already verified) for `code`; failures are logged, never fatal.
    pub(super) fn store(&self, code: &str, text: &str) {
        let digest = openssl::sha::sha256(text.as_bytes()).to_vec();
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        if written.get(code) == Some(&digest) {
            return;
        }
        if write_atomically(&self.path(code), text) {
            written.insert(code.to_owned(), digest);
        }
    }

    /// The stored copy for `code`, once per process (see `consulted`).
    fn crl_path(&self, url: &str) -> PathBuf {
        let digest = crate::hex::encode(&openssl::sha::sha256(url.as_bytes()));
        self.dir
            .join(format!("crl-{}.der", digest.get(..32).unwrap_or(&digest)))
    }

    /// Keeps a fetched CRL (DER) on disk, so a restart while its server is down still has it
    /// (checked again as any CRL: issuer signature and nextUpdate). Failures are logged.
    pub(super) fn store_crl(&self, url: &str, der: &[u8]) {
        let path = self.crl_path(url);
        let tmp = path.with_extension(format!("der.{}.tmp", std::process::id()));
        if let Err(e) = std::fs::write(&tmp, der).and_then(|()| std::fs::rename(&tmp, &path)) {
            let _ = std::fs::remove_file(&tmp);
            tracing::warn!(path = %path.display(), error = %e, "could not write the CRL cache copy");
        }
    }

    /// The CRL kept for `url`, if any (unverified: the SAML core checks it).
    pub(super) fn load_crl(&self, url: &str) -> Option<Vec<u8>> {
        let path = self.crl_path(url);
        let len = std::fs::metadata(&path).ok()?.len();
        if usize::try_from(len).map_or(true, |l| l > MAX_FETCH_BYTES) {
            return None;
        }
        std::fs::read(path).ok()
    }

    pub(super) fn take(&self, code: &str) -> Option<String> {
        if !self
            .consulted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(code.to_owned())
        {
            return None;
        }
        let path = self.path(code);
        let len = std::fs::metadata(&path).ok()?.len();
        if usize::try_from(len).map_or(true, |l| l > MAX_FETCH_BYTES) {
            tracing::warn!(country = %code, path = %path.display(), "metadata cache copy too large; ignored");
            return None;
        }
        std::fs::read_to_string(&path).ok()
    }
}

/// What a conditional GET needs from the last full answer.
#[derive(Debug, Clone)]
pub(super) struct Fetched {
    etag: Option<String>,
    last_modified: Option<String>,
    body: Arc<String>,
}

/// Sent with every metadata fetch: some production nodes refuse requests without one.
pub const USER_AGENT: &str = concat!(
    "eidas-node/",
    env!("CARGO_PKG_VERSION"),
    " (eIDAS Connector metadata fetch)"
);

impl TrustStore {
    pub(super) async fn fetch(&self, location: &Location) -> Result<String, Error> {
        let fail = |problem: String| Error::Fetch {
            location: location.to_string(),
            problem,
        };
        match location {
            Location::File(p) => std::fs::read_to_string(p).map_err(|e| fail(e.to_string())),
            Location::Url(u) => {
                // Conditional GET (RFC 9110 §13): an unchanged document is not sent again. What
                // comes back, new or cached, is verified again either way (expiry included).
                let previous = self
                    .fetched
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(u.as_str())
                    .cloned();
                let mut req = self.http.get(u.clone());
                if let Some(p) = &previous {
                    if let Some(e) = &p.etag {
                        req = req.header(reqwest::header::IF_NONE_MATCH, e);
                    }
                    if let Some(m) = &p.last_modified {
                        req = req.header(reqwest::header::IF_MODIFIED_SINCE, m);
                    }
                }
                let resp = req
                    .send()
                    .await
                    .map_err(|e| fail(chain(&e.without_url())))?;
                if resp.status() == reqwest::StatusCode::NOT_MODIFIED {
                    if let Some(p) = previous {
                        return Ok(p.body.as_ref().clone());
                    }
                    return Err(fail("HTTP 304 to an unconditional request".into()));
                }
                if !resp.status().is_success() {
                    return Err(fail(format!("HTTP {}", resp.status())));
                }
                let header = |name| {
                    resp.headers()
                        .get(name)
                        .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                        .map(str::to_owned)
                };
                let (etag, last_modified) = (
                    header(reqwest::header::ETAG),
                    header(reqwest::header::LAST_MODIFIED),
                );
                let text = read_capped(resp).await.map_err(fail)?;
                if etag.is_some() || last_modified.is_some() {
                    self.fetched
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(
                            u.to_string(),
                            Fetched {
                                etag,
                                last_modified,
                                body: Arc::new(text.clone()),
                            },
                        );
                }
                Ok(text)
            }
        }
    }

    /// The CRLs the anchored signer chain of `text` names (§4 revocation), fetched or from the
    /// cache: a cached CRL is used until its nextUpdate and fetched again after a refresh
    /// interval. A CRL that cannot be fetched is left out; under fail-closed verification then
    /// refuses the document, under fail-open it is accepted with a warning here.
    pub(super) async fn revocation(
        &self,
        text: &str,
        trust: &MetadataTrust,
        required: bool,
        what: &str,
        now: OffsetDateTime,
    ) -> crate::saml::metadata::Revocation {
        let urls = if matches!(trust, MetadataTrust::Anchors(_)) {
            let (text, trust) = (text.to_owned(), trust.clone());
            tokio::task::spawn_blocking(move || {
                crate::saml::metadata::signer_crl_urls(&text, &trust)
            })
            .await
            .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut crls = Vec::new();
        for url in urls {
            let cached = self
                .crls
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&url)
                .cloned()
                .or_else(|| {
                    // After a restart: the disk copy, as if fetched long ago (so it is fetched
                    // again first, and used while current if that fails).
                    let der = self.cache.as_ref()?.load_crl(&url)?;
                    Some((Arc::new(der), OffsetDateTime::UNIX_EPOCH))
                });
            let current = |der: &[u8]| {
                openssl::x509::X509Crl::from_der(der).ok().filter(|c| {
                    let n = openssl::asn1::Asn1Time::from_unix(now.unix_timestamp()).ok();
                    c.next_update()
                        .zip(n)
                        .and_then(|(a, b)| a.compare(&b).ok())
                        .is_some_and(|o| o == std::cmp::Ordering::Greater)
                })
            };
            let fresh = cached.as_ref().and_then(|(der, at)| {
                (now - *at < self.refresh_every)
                    .then(|| current(der))
                    .flatten()
            });
            if let Some(crl) = fresh {
                crls.push(crl);
                continue;
            }
            // The cached CRL, while current, is used beside whatever the fetch brings: a stale,
            // older or foreign download can never hide a revocation the cached one shows (the
            // SAML core refuses a certificate any issuer-signed current CRL lists).
            let held = cached.as_ref().and_then(|(der, _)| current(der));
            match self.fetch_crl(&url).await {
                Ok(body) => match openssl::x509::X509Crl::from_der(&body)
                    .or_else(|_| openssl::x509::X509Crl::from_pem(&body))
                {
                    Ok(crl) => {
                        // Replace the cached one only with a CRL at least as new.
                        let newer = held.as_ref().is_none_or(|h| {
                            match (crl.next_update(), h.next_update()) {
                                (Some(a), Some(b)) => {
                                    a.compare(b).is_ok_and(|o| o != std::cmp::Ordering::Less)
                                }
                                _ => false,
                            }
                        });
                        if newer {
                            if let Ok(der) = crl.to_der() {
                                if let Some(cache) = &self.cache {
                                    cache.store_crl(&url, &der);
                                }
                                self.crls
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .insert(url.clone(), (Arc::new(der), now));
                            }
                        }
                        crls.push(crl);
                    }
                    Err(_) => {
                        tracing::warn!(source = %what, crl = %url, fail_closed = required, "the CRL is not a CRL (DER or PEM)");
                    }
                },
                Err(e) => {
                    tracing::warn!(source = %what, crl = %url, error = %e, fail_closed = required, cached_still_current = held.is_some(), "CRL could not be fetched; {}", if held.is_some() { "the cached one serves until its nextUpdate" } else if required { "the source is refused until it can" } else { "revocation is not checked for this certificate (fail-open)" });
                }
            }
            crls.extend(held);
        }
        crate::saml::metadata::Revocation {
            crls: Arc::new(crls),
            required,
        }
    }

    /// `GET url` for a CRL (http or https: CRLs are signed), with the size cap and no redirects.
    pub(super) async fn fetch_crl(&self, url: &str) -> Result<Vec<u8>, String> {
        let mut resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| chain(&e.without_url()))?;
        if !resp.status().is_success() {
            return Err(format!("HTTP {}", resp.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| chain(&e.without_url()))? {
            if body.len() + chunk.len() > MAX_FETCH_BYTES {
                return Err("CRL too large".into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}
