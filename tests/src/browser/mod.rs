//! A scripted browser for black-box tests and the load generator: cookies on, redirects off, so
//! every hop is visible and timed. Understands the POST-form contract of the simulator and the
//! gateway (see [`crate::html`]).

use std::fmt;
use std::time::{Duration, Instant};

use url::Url;

mod form;

pub use form::{parse_buttons, parse_post_form, Form};

/// Hops a login may take before we give up (a loop is a bug, not a slow server).
const MAX_HOPS: usize = 25;

#[derive(Debug)]
pub enum Error {
    Http(reqwest::Error),
    Url(String),
    /// The flow reached a page it does not know how to continue from.
    Stuck {
        url: String,
        status: u16,
        snippet: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Http(e) => write!(f, "http: {e}"),
            Error::Url(u) => write!(f, "bad URL {u:?}"),
            Error::Stuck {
                url,
                status,
                snippet,
            } => {
                write!(f, "stuck at {url} (status {status}): {snippet}")
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::Http(e)
    }
}

/// One request/response.
#[derive(Clone, Debug)]
pub struct Hop {
    pub method: &'static str,
    pub url: String,
    pub status: u16,
    /// `Location`, resolved against `url`.
    pub location: Option<String>,
    pub body: String,
    pub elapsed: Duration,
}

impl Hop {
    /// `METHOD /path`: stable per endpoint (no query), for per-hop latency statistics.
    pub fn label(&self) -> String {
        let path = Url::parse(&self.url).map_or_else(|_| self.url.clone(), |u| u.path().to_owned());
        format!("{} {}", self.method, path)
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308) && self.location.is_some()
    }
}

/// The outcome of [`login_flow`].
#[derive(Clone, Debug)]
pub struct FlowResult {
    /// The e-service redirect (with `code`/`state` or `error`), not fetched.
    pub final_url: String,
    /// `(label, latency)` of every hop, in order.
    pub hops: Vec<(String, Duration)>,
}

/// A cookie-keeping client that never follows redirects by itself.
#[derive(Clone, Debug)]
pub struct Browser {
    client: reqwest::Client,
}

impl Browser {
    pub fn new() -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Browser { client })
    }

    /// As [`Browser::new`], but cheap to create (the load generator creates one per login): the
    /// TLS connector is built once per process and shared, instead of loading the system's CA
    /// bundle again for every client (that dominated the load generator's CPU), and no proxy
    /// settings are read.
    pub fn shared_tls() -> Result<Self, Error> {
        static TLS: std::sync::OnceLock<Option<native_tls::TlsConnector>> =
            std::sync::OnceLock::new();
        let builder = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .no_proxy();
        let builder = match TLS.get_or_init(|| native_tls::TlsConnector::new().ok()) {
            Some(tls) => builder.use_preconfigured_tls(tls.clone()),
            None => builder,
        };
        Ok(Browser {
            client: builder.build()?,
        })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub async fn get(&self, url: &str) -> Result<Hop, Error> {
        let t = Instant::now();
        let r = self.client.get(url).send().await?;
        Self::hop("GET", url, r, t).await
    }

    pub async fn post(&self, url: &str, fields: &[(String, String)]) -> Result<Hop, Error> {
        let t = Instant::now();
        let r = self.client.post(url).form(fields).send().await?;
        Self::hop("POST", url, r, t).await
    }

    async fn hop(
        method: &'static str,
        url: &str,
        r: reqwest::Response,
        t: Instant,
    ) -> Result<Hop, Error> {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| resolve(url, l))
            .transpose()?;
        let body = r.text().await?;
        Ok(Hop {
            method,
            url: url.to_owned(),
            status,
            location,
            body,
            elapsed: t.elapsed(),
        })
    }

    /// Follows redirects (as GET) from `first`; returns `first` and every further hop. Stops at
    /// the first non-redirect, or before fetching a URL for which `stop` is true.
    pub async fn follow(&self, first: Hop, stop: impl Fn(&str) -> bool) -> Result<Vec<Hop>, Error> {
        let mut hops = vec![first];
        while hops.len() < MAX_HOPS {
            let Some(next) = hops
                .last()
                .filter(|h| h.is_redirect())
                .and_then(|h| h.location.clone())
            else {
                break;
            };
            if stop(&next) {
                break;
            }
            hops.push(self.get(&next).await?);
        }
        Ok(hops)
    }

    /// Submits `form` (found on `page_url`) with its hidden fields plus `extra`.
    pub async fn submit(
        &self,
        page_url: &str,
        form: &Form,
        extra: &[(&str, &str)],
    ) -> Result<Hop, Error> {
        let action = resolve(page_url, &form.action)?;
        let mut fields = form.fields.clone();
        fields.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        self.post(&action, &fields).await
    }
}

fn resolve(base: &str, target: &str) -> Result<String, Error> {
    let b = Url::parse(base).map_err(|_| Error::Url(base.to_owned()))?;
    b.join(target)
        .map(String::from)
        .map_err(|_| Error::Url(target.to_owned()))
}

/// Whether `url` is the e-service redirect that ends a login (`code` or `error` in the query,
/// not the gateway's own `/resume`).
fn is_final(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| {
        !u.path().ends_with("/resume") && u.query_pairs().any(|(k, _)| k == "code" || k == "error")
    })
}

/// Drives a whole login: authorize (or an RP start URL) → country page → SAML form → simulator
/// (automatic mode) → response form → ACS → resume → final redirect, which is returned unfetched.
pub async fn login_flow(
    browser: &Browser,
    start_url: &str,
    country: &str,
) -> Result<FlowResult, Error> {
    let mut timings = Vec::new();
    let mut hop = browser.get(start_url).await?;
    for _ in 0..MAX_HOPS {
        timings.push((hop.label(), hop.elapsed));
        if hop.is_redirect() {
            let next = hop.location.clone().unwrap_or_default();
            if is_final(&next) {
                return Ok(FlowResult {
                    final_url: next,
                    hops: timings,
                });
            }
            hop = browser.get(&next).await?;
            continue;
        }
        let Some(form) = parse_post_form(&hop.body).filter(|_| hop.status == 200) else {
            return Err(stuck(&hop));
        };
        let is_saml = form.field("SAMLRequest").is_some() || form.field("SAMLResponse").is_some();
        let extra: Vec<(&str, &str)> = if !is_saml && hop.body.contains("name=\"country\"") {
            vec![("country", country)]
        } else {
            Vec::new()
        };
        let url = hop.url.clone();
        hop = browser.submit(&url, &form, &extra).await?;
    }
    Err(stuck(&hop))
}

fn stuck(hop: &Hop) -> Error {
    Error::Stuck {
        url: hop.url.clone(),
        status: hop.status,
        snippet: hop.body.chars().take(300).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_redirect_is_the_e_service_not_resume() {
        assert!(is_final("https://rp.example/cb?code=1&state=2"));
        assert!(is_final(
            "https://rp.example/cb?error=access_denied&state=2"
        ));
        assert!(!is_final("https://gw.example/resume?code=1"));
        assert!(!is_final("https://gw.example/authorize?code_challenge=x"));
    }
}
