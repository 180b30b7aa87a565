//! A scripted browser for black-box tests and the load generator: cookies on, redirects off, so
//! every hop is visible and timed. Understands the POST-form contract of the simulator and the
//! gateway (see [`crate::html`]).

use std::fmt;
use std::time::{Duration, Instant};

use url::Url;

use crate::html::unescape;

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

/// A parsed `<form method="post">`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// As written (may be relative; [`Browser::submit`] resolves it).
    pub action: String,
    /// Every `<input type="hidden">`, in document order, values unescaped.
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
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

/// A start tag: lower-cased name and attributes (names lower-cased, values unescaped).
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every tag of `html` in order (comments skipped; end tags named `/x`).
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = rest.get(lt + 1..).unwrap_or("");
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after
                .find("-->")
                .and_then(|e| after.get(e + 3..))
                .unwrap_or("");
            continue;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '>' || (c == '/' && !rest.starts_with('/')))
            .unwrap_or(rest.len());
        let name = rest.get(..name_len).unwrap_or("").to_ascii_lowercase();
        rest = rest.get(name_len..).unwrap_or("");
        let (attrs, consumed) = parse_attrs(rest);
        rest = rest.get(consumed..).unwrap_or("");
        if !name.is_empty() {
            out.push(Tag { name, attrs });
        }
    }
    out
}

/// Attributes up to the closing `>`, honouring quotes; returns them and the bytes consumed.
fn parse_attrs(s: &str) -> (Vec<(String, String)>, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut attrs = Vec::new();
    let at = |i: usize| b.get(i).copied();
    loop {
        while at(i).is_some_and(|c| c.is_ascii_whitespace() || c == b'/') {
            i += 1;
        }
        match at(i) {
            None => return (attrs, i),
            Some(b'>') => return (attrs, i + 1),
            _ => {}
        }
        let start = i;
        while at(i).is_some_and(|c| !c.is_ascii_whitespace() && c != b'=' && c != b'>' && c != b'/')
        {
            i += 1;
        }
        let name = s.get(start..i).unwrap_or("").to_ascii_lowercase();
        while at(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        let mut value = String::new();
        if at(i) == Some(b'=') {
            i += 1;
            while at(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            match at(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let vs = i + 1;
                    let mut j = vs;
                    while at(j).is_some_and(|c| c != q) {
                        j += 1;
                    }
                    value = unescape(s.get(vs..j).unwrap_or(""));
                    i = (j + 1).min(b.len());
                }
                _ => {
                    let vs = i;
                    while at(i).is_some_and(|c| !c.is_ascii_whitespace() && c != b'>') {
                        i += 1;
                    }
                    value = unescape(s.get(vs..i).unwrap_or(""));
                }
            }
        }
        if name.is_empty() {
            i += 1;
        } else {
            attrs.push((name, value));
        }
    }
}

/// The first `<form method="post">` of `html`: its `action` and every hidden input.
pub fn parse_post_form(html: &str) -> Option<Form> {
    let all = tags(html);
    let mut it = all.iter().skip_while(|t| {
        !(t.name == "form"
            && t.attr("method")
                .is_some_and(|m| m.eq_ignore_ascii_case("post")))
    });
    let form = it.next()?;
    let fields = it
        .take_while(|t| t.name != "/form")
        .filter(|t| {
            t.name == "input"
                && t.attr("type")
                    .is_some_and(|v| v.eq_ignore_ascii_case("hidden"))
        })
        .filter_map(|t| {
            Some((
                t.attr("name")?.to_owned(),
                t.attr("value").unwrap_or("").to_owned(),
            ))
        })
        .collect();
    Some(Form {
        action: form.attr("action").unwrap_or("").to_owned(),
        fields,
    })
}

/// Every `<button name=… value=…>` of `html` (e.g. the gateway's country buttons).
pub fn parse_buttons(html: &str) -> Vec<(String, String)> {
    tags(html)
        .into_iter()
        .filter(|t| t.name == "button")
        .filter_map(|t| {
            Some((
                t.attr("name")?.to_owned(),
                t.attr("value").unwrap_or("").to_owned(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_post_form_takes_the_first_post_form_and_its_hidden_inputs() {
        let html = r#"<!DOCTYPE html><html><body>
<form method="get" action="/search"><input type="hidden" name="q" value="no"></form>
<!-- <form method="post" action="/commented"> -->
<FORM Action='/acs?a=1&amp;b=2' METHOD='POST' class=x>
  <input value="PHNhbWw+&#x2B;/=" type="hidden" name="SAMLResponse"/>
  <input name='RelayState' type='HIDDEN' value='a&quot;b&#39;c&lt;&gt;&amp;'>
  <input type=hidden name=flow value=abc123>
  <input type="text" name="visible" value="x">
  <input type="hidden" name="empty">
  <button type="submit" name="country" value="XA">Testland A</button>
</FORM>
<form method="post" action="/second"><input type="hidden" name="z" value="1"></form>
</body></html>"#;
        let f = parse_post_form(html).unwrap();
        assert_eq!(f.action, "/acs?a=1&b=2");
        assert_eq!(
            f.fields,
            vec![
                ("SAMLResponse".to_owned(), "PHNhbWw++/=".to_owned()),
                ("RelayState".to_owned(), "a\"b'c<>&".to_owned()),
                ("flow".to_owned(), "abc123".to_owned()),
                ("empty".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            parse_buttons(html),
            vec![("country".to_owned(), "XA".to_owned())]
        );
    }

    #[test]
    fn parse_post_form_survives_junk() {
        for junk in [
            "",
            "<",
            "<form",
            "<form method=post",
            "<form method='post",
            "<<>>",
            "<input type=hidden name=a value='x",
        ] {
            let _ = parse_post_form(junk);
        }
        assert_eq!(parse_post_form("<form method=post>").unwrap().action, "");
        assert!(parse_post_form("<p>no form</p>").is_none());
    }

    #[test]
    fn round_trips_the_simulators_own_form() {
        let fields = [("SAMLResponse", "a+b/c=="), ("RelayState", "x\"y'<z>&")];
        let page = crate::html::auto_post_page("t", "https://c.example/acs?x=1&y=2", &fields);
        let body = futures_body(page);
        let f = parse_post_form(&body).unwrap();
        assert_eq!(f.action, "https://c.example/acs?x=1&y=2");
        assert_eq!(f.field("SAMLResponse"), Some("a+b/c=="));
        assert_eq!(f.field("RelayState"), Some("x\"y'<z>&"));
    }

    fn futures_body(r: axum::response::Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let b = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .unwrap();
            String::from_utf8(b.to_vec()).unwrap()
        })
    }

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
