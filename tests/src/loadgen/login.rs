//! One complete login as a browser and an e-service would do it, with per-hop timings.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use base64::Engine;

use super::spawn::hex;
use super::Setup;
use crate::browser::{login_flow, Browser};

#[derive(Default)]
pub struct Shared {
    pub hops: Mutex<BTreeMap<String, Vec<Duration>>>,
    pub errors: Mutex<Vec<String>>,
}

pub async fn one_login(
    args: &Setup,
    gw: &str,
    http: &reqwest::Client,
    shared: &Shared,
) -> anyhow::Result<()> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut rnd = [0u8; 32];
    openssl::rand::rand_bytes(&mut rnd)?;
    let verifier = b64.encode(rnd);
    let challenge = b64.encode(openssl::sha::sha256(verifier.as_bytes()));
    openssl::rand::rand_bytes(&mut rnd)?;
    let state = hex(&rnd[..8]);
    let nonce = hex(&rnd[8..16]);
    let mut url = url::Url::parse(&format!("{gw}/authorize"))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &args.client_id)
        .append_pair("redirect_uri", &args.redirect_uri)
        .append_pair("scope", "openid")
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let browser = Browser::shared_tls()?;
    let total = Instant::now();
    let flow = login_flow(&browser, url.as_str(), &args.country).await?;
    let back = url::Url::parse(&flow.final_url)?;
    let q: BTreeMap<String, String> = back.query_pairs().into_owned().collect();
    if q.get("state") != Some(&state) {
        bail!("state mismatch in {}", flow.final_url);
    }
    let Some(code) = q.get("code") else {
        bail!("no code: {}", flow.final_url);
    };
    let t = Instant::now();
    let r = http
        .post(format!("{gw}/token"))
        .basic_auth(&args.client_id, Some(&args.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", args.redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await?;
    let status = r.status();
    let body: serde_json::Value = r.json().await?;
    let token_time = t.elapsed();
    if status != 200 {
        bail!("token: {status} {body}");
    }
    let id_token = body
        .get("id_token")
        .and_then(|t| t.as_str())
        .context("no id_token")?;
    let payload = id_token.split('.').nth(1).context("not a JWT")?;
    let claims: serde_json::Value = serde_json::from_slice(&b64.decode(payload)?)?;
    if claims.get("nonce").and_then(|n| n.as_str()) != Some(nonce.as_str())
        || claims.get("sub").and_then(|s| s.as_str()).is_none()
    {
        bail!("bad ID token claims");
    }
    let mut hops = shared.hops.lock().unwrap_or_else(|p| p.into_inner());
    for (label, d) in flow.hops {
        hops.entry(label).or_default().push(d);
    }
    hops.entry("POST /token".into())
        .or_default()
        .push(token_time);
    hops.entry("(whole login)".into())
        .or_default()
        .push(total.elapsed());
    Ok(())
}

pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = (((sorted.len() as f64) * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}
