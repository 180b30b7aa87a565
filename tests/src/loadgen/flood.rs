//! The adversarial flood (`eidas-loadgen --flood`): anonymous attackers obtain RelayStates the
//! way anyone can (`/authorize` with a public client, the country page) and POST 128 KiB
//! `SAMLResponse`s of the shapes that once made parsing super-linear, in a loop, while a prober
//! asks `/healthz` on fresh connections. Reports the time to refuse each shape and the health
//! probe's latency under the flood.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use base64::Engine;

use super::spawn::hex;
use super::Setup;
use crate::browser::{parse_post_form, Browser};

/// What fills the 128 KiB message cap in each attack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    /// `<x xmlns:nI="u">` nested, one new prefix per level (the reported cubic case).
    NamespacePerLevel,
    /// `<x>` nested without declarations.
    DeepNesting,
    /// One element with thousands of attributes.
    AttributeFlood,
    /// One element whose name fills the message.
    LongName,
}

impl Shape {
    pub const ALL: [Shape; 4] = [
        Shape::NamespacePerLevel,
        Shape::DeepNesting,
        Shape::AttributeFlood,
        Shape::LongName,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Shape::NamespacePerLevel => "namespace per level",
            Shape::DeepNesting => "deep nesting",
            Shape::AttributeFlood => "attribute flood",
            Shape::LongName => "long name",
        }
    }

    /// A `samlp:Response` of at most `budget` bytes filled with this shape.
    pub fn document(self, budget: usize) -> String {
        let head = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_f" Version="2.0">"#;
        let tail = "</samlp:Response>";
        let room = budget.saturating_sub(head.len() + tail.len() + 16);
        let body = match self {
            Shape::NamespacePerLevel | Shape::DeepNesting => {
                let mut open = String::new();
                let mut n = 0usize;
                loop {
                    let tag = if self == Shape::NamespacePerLevel {
                        format!(r#"<x xmlns:n{n}="u">"#)
                    } else {
                        "<x>".to_owned()
                    };
                    if open.len() + tag.len() + (n + 1) * 4 > room {
                        break;
                    }
                    open.push_str(&tag);
                    n += 1;
                }
                open + &"</x>".repeat(n)
            }
            Shape::AttributeFlood => {
                let mut s = "<x".to_owned();
                let mut n = 0usize;
                while s.len() + 16 < room {
                    s.push_str(&format!(r#" a{n}="v""#));
                    n += 1;
                }
                s + "/>"
            }
            Shape::LongName => format!("<{}/>", "n".repeat(room.saturating_sub(3))),
        };
        format!("{head}{body}{tail}")
    }
}

/// A RelayState the gateway will accept once: authorize, the country page, then the SAML form
/// it would have posted to the Proxy-Service (not followed).
pub async fn fresh_relay_state(gw: &str, setup: &Setup) -> anyhow::Result<String> {
    let mut rnd = [0u8; 16];
    openssl::rand::rand_bytes(&mut rnd)?;
    let mut url = url::Url::parse(&format!("{gw}/authorize"))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &setup.client_id)
        .append_pair("redirect_uri", &setup.redirect_uri)
        .append_pair("scope", "openid")
        .append_pair("state", &hex(&rnd[..8]))
        .append_pair("nonce", &hex(&rnd[8..]))
        .append_pair(
            "code_challenge",
            &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(openssl::sha::sha256(&rnd)),
        )
        .append_pair("code_challenge_method", "S256");
    let browser = Browser::new()?;
    let mut hop = browser.get(url.as_str()).await?;
    for _ in 0..6 {
        if hop.is_redirect() {
            let next = hop.location.clone().unwrap_or_default();
            hop = browser.get(&next).await?;
            continue;
        }
        let form = parse_post_form(&hop.body).context("no form on the login page")?;
        if let Some(rs) = form.field("RelayState") {
            return Ok(rs.to_owned());
        }
        let url = hop.url.clone();
        hop = browser
            .submit(&url, &form, &[("country", setup.country.as_str())])
            .await?;
    }
    bail!("no SAML form reached from {}", hop.url)
}

/// Figures of one flood.
#[derive(Debug, Default)]
pub struct Report {
    /// Time from sending the POST to the gateway's answer, per shape.
    pub refuse: BTreeMap<Shape, Vec<Duration>>,
    /// `/healthz` on a fresh connection, during the flood.
    pub healthz: Vec<Duration>,
    /// Health probes that failed or answered other than 200.
    pub healthz_failures: usize,
    pub errors: Vec<String>,
}

/// `attackers` loops posting each shape in turn for `duration`, and one prober asking `/healthz`
/// every 20 ms on a new connection.
pub async fn run(
    gw: &str,
    setup: &Setup,
    attackers: usize,
    duration: Duration,
) -> anyhow::Result<Report> {
    let docs: Arc<Vec<(Shape, String)>> = Arc::new(
        Shape::ALL
            .iter()
            .map(|s| {
                let doc = s.document(eidas_node::saml::xml::MAX_MESSAGE_BYTES);
                (
                    *s,
                    base64::engine::general_purpose::STANDARD.encode(doc.as_bytes()),
                )
            })
            .collect(),
    );
    let report = Arc::new(Mutex::new(Report::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for a in 0..attackers {
        let (gw, setup, docs, report) =
            (gw.to_owned(), setup.clone(), docs.clone(), report.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?;
            let mut i = a;
            while Instant::now() < deadline {
                let Some((shape, b64)) = docs.get(i % docs.len()) else {
                    break;
                };
                i += 1;
                let attempt = async {
                    let relay = fresh_relay_state(&gw, &setup).await?;
                    let t = Instant::now();
                    let r = http
                        .post(format!("{gw}/saml/acs"))
                        .form(&[("SAMLResponse", b64.as_str()), ("RelayState", &relay)])
                        .send()
                        .await?;
                    let took = t.elapsed();
                    let to_resume = r
                        .headers()
                        .get("location")
                        .and_then(|l| l.to_str().ok())
                        .is_some_and(|l| l.contains("/resume?"));
                    if r.status() != 303 || !to_resume {
                        bail!("{}: answered {}", shape.label(), r.status());
                    }
                    anyhow::Ok(took)
                };
                let outcome = attempt.await;
                let mut rep = report.lock().unwrap_or_else(|p| p.into_inner());
                match outcome {
                    Ok(took) => rep.refuse.entry(*shape).or_default().push(took),
                    Err(e) => rep.errors.push(e.to_string()),
                }
            }
            anyhow::Ok(())
        }));
    }
    let prober = {
        let (gw, report, stop) = (gw.to_owned(), report.clone(), stop.clone());
        tokio::spawn(async move {
            // No pooled connections: every probe opens a new one, as a load balancer's does.
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .timeout(Duration::from_secs(120))
                .build()?;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = http
                    .get(format!("{gw}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200);
                let took = t.elapsed();
                {
                    let mut rep = report.lock().unwrap_or_else(|p| p.into_inner());
                    rep.healthz.push(took);
                    if !ok {
                        rep.healthz_failures += 1;
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            anyhow::Ok(())
        })
    };
    for t in tasks {
        t.await??;
    }
    // With no attackers the prober alone runs for the whole duration (the baseline).
    tokio::time::sleep_until(deadline.into()).await;
    stop.store(true, Ordering::Relaxed);
    prober.await??;
    let mut rep = report.lock().unwrap_or_else(|p| p.into_inner());
    Ok(std::mem::take(&mut *rep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use eidas_node::saml::xml::MAX_MESSAGE_BYTES;

    #[test]
    fn every_shape_fills_most_of_the_cap_and_is_refused_by_its_bound() {
        for shape in Shape::ALL {
            let doc = shape.document(MAX_MESSAGE_BYTES);
            assert!(doc.len() <= MAX_MESSAGE_BYTES, "{shape:?} {}", doc.len());
            assert!(
                doc.len() > MAX_MESSAGE_BYTES * 9 / 10,
                "{shape:?} {}",
                doc.len()
            );
            let code = eidas_node::saml::xml::parse(&doc, MAX_MESSAGE_BYTES)
                .err()
                .map(|e| e.code());
            let expected = match shape {
                Shape::NamespacePerLevel => "xml_namespaces_in_scope",
                Shape::DeepNesting => "xml_depth",
                Shape::AttributeFlood => "xml_attributes",
                Shape::LongName => "xml_name_length",
            };
            assert_eq!(code, Some(expected), "{shape:?}");
        }
    }
}
