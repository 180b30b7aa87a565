//! The simulated EU Digital Identity Wallet and its PID provider (`eidas-sim-wallet`, issue 15
//! item 4; TEST data only). Opened like a wallet app by a link to `/authorize?client_id=…&
//! request_uri=…` (the gateway's `wallet.scheme` set to this URL), it fetches the gateway's
//! signed request object, checks that it names the verifier by its certificate's `x509_hash`,
//! issues a TEST PID (SD-JWT VC or mdoc, under its own TEST anchor, with a Token Status List at
//! `/status/list`), presents what the DCQL query asks with the key binding, encrypts the answer
//! to the request's key, posts it, and sends the browser where the gateway says. In the demo it
//! first shows a consent page; in tests (`--auto`) it answers at once. `/control` makes it answer
//! wrongly on purpose ([`WalletFault`]). It also publishes a signed PID-providers list naming
//! its provider (`/pid-providers`, ETSI TS 119 602 as the EU list, signed by a TEST list
//! operator whose certificate is at `/list-signer.pem`); `/control` can withdraw the provider
//! from it or set its sequence number (a replayed list).

// `serde_json::Value` indexing (`v["key"][0]`) yields `Null` for what is missing, never a panic:
// the readable way to walk the JSON a verifier sends.
#![allow(clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine;
use eidas_node::jose::{jwe, Jwk, UnverifiedJws};
use eidas_node::keys::{FileKey, PrivateKey};
use eidas_node::wallet::{holder, mdoc, request, PID_VCT};
use openssl::pkey::{PKey, Private, Public};
use openssl::x509::X509;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::html::{escape, page};

eidas_node::enum_with_all! {
    /// A deliberately wrong answer.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum WalletFault {
        /// The key binding carries another nonce.
        WrongNonce,
        /// The key binding is for another verifier.
        WrongAudience,
        /// A disclosed value changed after issuance.
        TamperedDisclosure,
        /// No key binding at all.
        NoKeyBinding,
        /// A key binding made an hour ago.
        StaleKeyBinding,
        /// The credential is revoked in its status list.
        Revoked,
        /// No status list, and valid for longer than a day (neither revocable nor short-lived).
        NoStatus,
        /// The credential expired.
        Expired,
        /// Issued under a key no trust anchor vouches for.
        UntrustedIssuer,
        /// The previous answer (for another, finished request) sent again.
        Replay,
        /// A presentation made for another login's request (bound to its nonce), sent as this
        /// request's answer (this request's key and state).
        OtherFlow,
        /// Encrypted to a key that is not the request's.
        WrongEncryptionKey,
        /// The citizen declines in the wallet.
        Decline,
    }
}

impl WalletFault {
    pub fn as_str(self) -> &'static str {
        use WalletFault::*;
        match self {
            WrongNonce => "wrong-nonce",
            WrongAudience => "wrong-audience",
            TamperedDisclosure => "tampered-disclosure",
            NoKeyBinding => "no-key-binding",
            StaleKeyBinding => "stale-key-binding",
            Revoked => "revoked",
            NoStatus => "no-status",
            Expired => "expired",
            UntrustedIssuer => "untrusted-issuer",
            Replay => "replay",
            OtherFlow => "other-flow",
            WrongEncryptionKey => "wrong-encryption-key",
            Decline => "decline",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        WalletFault::ALL.iter().copied().find(|f| f.as_str() == s)
    }
}

/// What `/control` sets.
#[derive(Debug, Clone)]
pub struct Control {
    /// `sd-jwt` or `mdoc`.
    pub mdoc: bool,
    pub fault: Option<WalletFault>,
    /// Whether the PID carries a personal administrative number.
    pub with_number: bool,
    /// The PID-providers list: whether it names this provider, and its `LoTESequenceNumber`.
    pub listed: bool,
    pub list_sequence: u64,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            mdoc: false,
            fault: None,
            with_number: true,
            listed: true,
            list_sequence: 1,
        }
    }
}

struct Inner {
    public_url: String,
    auto: bool,
    pid_key: FileKey,
    pid_chain: Vec<X509>,
    anchor: X509,
    device: FileKey,
    /// The TEST operator of the PID-providers list: its key and certificate.
    list_key: FileKey,
    list_cert: X509,
    control: Mutex<Control>,
    /// Requests shown on the consent page, by a random id.
    pending: Mutex<std::collections::HashMap<String, Request>>,
    /// The last answer sent: (response uri, JWE), for [`WalletFault::Replay`].
    last: Mutex<Option<(String, String)>>,
    /// The nonce of the last request answered, for [`WalletFault::OtherFlow`].
    last_nonce: Mutex<Option<String>>,
    http: reqwest::Client,
}

/// The simulator's state.
#[derive(Clone)]
pub struct WalletSim(Arc<Inner>);

/// A PID provider: its TEST anchor (a CA) and an issuing key certified by it.
pub fn pid_provider() -> anyhow::Result<(PKey<Private>, X509, PKey<Private>, X509)> {
    let ca = p256()?;
    let anchor = cert(&ca, "Walletland PID CA (TEST)", None, true)?;
    let key = p256()?;
    let leaf = cert(
        &key,
        "Walletland PID Provider (TEST)",
        Some((&ca, &anchor)),
        false,
    )?;
    Ok((ca, anchor, key, leaf))
}

/// A fresh P-256 key.
pub fn p256() -> anyhow::Result<PKey<Private>> {
    Ok(jwe::ephemeral_key()?)
}

/// A certificate valid for a year (a CA when `ca`).
pub fn cert(
    key: &PKey<Private>,
    cn: &str,
    issuer: Option<(&PKey<Private>, &X509)>,
    ca: bool,
) -> anyhow::Result<X509> {
    Ok(holder::certificate(key, cn, issuer, ca)?)
}

impl WalletSim {
    /// A wallet at `public_url` whose PIDs are issued by `pid_key` (certified by `pid_cert`
    /// under `anchor`); its PID-providers list signed by `list_signer` (a fresh TEST operator
    /// without).
    pub fn new(
        public_url: &str,
        auto: bool,
        (pid_key, pid_cert, anchor): (PKey<Private>, X509, X509),
        list_signer: Option<(PKey<Private>, X509)>,
    ) -> anyhow::Result<Self> {
        let (list_key, list_cert) = match list_signer {
            Some(s) => s,
            None => {
                let k = p256()?;
                let c = cert(&k, "PID providers list operator (TEST)", None, false)?;
                (k, c)
            }
        };
        Ok(WalletSim(Arc::new(Inner {
            public_url: public_url.trim_end_matches('/').to_owned(),
            auto,
            pid_key: FileKey::new(pid_key)?,
            pid_chain: vec![pid_cert],
            anchor,
            device: FileKey::new(p256()?)?,
            list_key: FileKey::new(list_key)?,
            list_cert,
            control: Mutex::new(Control::default()),
            pending: Mutex::new(std::collections::HashMap::new()),
            last: Mutex::new(None),
            last_nonce: Mutex::new(None),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
        })))
    }

    pub fn router(self) -> Router {
        Router::new()
            .route("/", get(index))
            .route("/authorize", get(authorize))
            .route("/authorize/share", post(share))
            .route("/scan", get(scan))
            .route("/status/list", get(status_list))
            .route("/anchor.pem", get(anchor_pem))
            .route("/pid-providers", get(pid_providers))
            .route("/list-signer.pem", get(list_signer_pem))
            .route("/control", post(control))
            .route("/healthz", get(|| async { "ok" }))
            .with_state(self)
    }

    fn control_now(&self) -> Control {
        self.0
            .control
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

async fn index(State(w): State<WalletSim>) -> Response {
    let _ = &w;
    let faults: Vec<&str> = WalletFault::ALL.iter().map(|f| f.as_str()).collect();
    page(
        StatusCode::OK,
        "EU Digital Identity Wallet simulator (TEST)",
        &format!(
            "<h1>EU Digital Identity Wallet simulator (TEST)</h1>\n<p>A TEST wallet and PID provider; never real personal data. The PID provider's anchor: <a href=\"/anchor.pem\">anchor.pem</a>. Faults (<code>POST /control</code>): {}.</p>\n<form method=\"get\" action=\"/scan\"><label for=\"link\">Scanned link (the QR code's content, for a wallet on another device)</label> <input id=\"link\" name=\"link\" type=\"url\" size=\"60\"> <button type=\"submit\">Open</button></form>",
            escape(&faults.join(", "))
        ),
    )
}

#[derive(Debug, Deserialize)]
struct Invocation {
    client_id: String,
    request_uri: String,
}

/// What the wallet read from a verified request object.
struct Request {
    client_id: String,
    nonce: String,
    state: String,
    response_uri: String,
    key: PKey<Public>,
    kid: String,
    /// The SD-JWT claim names the DCQL query asks for.
    claims: Vec<String>,
}

fn refuse(message: &str) -> Response {
    crate::html::error_page(StatusCode::BAD_REQUEST, message)
}

/// Fetches and checks the request object: signed by the certificate in `x5c` whose SHA-256 is
/// the `client_id` the link named (OpenID4VP 1.0 §5.9.3), `typ` `oauth-authz-req+jwt`.
async fn fetch_request(w: &WalletSim, inv: &Invocation) -> Result<Request, String> {
    let jar =
        w.0.http
            .get(&inv.request_uri)
            .send()
            .await
            .map_err(|e| e.to_string())?;
    if !jar.status().is_success() {
        return Err(format!("request_uri answered {}", jar.status()));
    }
    let jar = jar.text().await.map_err(|e| e.to_string())?;
    let header: Value = jar
        .split('.')
        .next()
        .and_then(|h| B64.decode(h).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("request object header")?;
    if header["typ"] != "oauth-authz-req+jwt" {
        return Err("request object typ".into());
    }
    let leaf = header["x5c"][0]
        .as_str()
        .and_then(|c| STANDARD.decode(c).ok())
        .and_then(|d| X509::from_der(&d).ok())
        .ok_or("request object x5c")?;
    if request::client_id(&leaf).map_err(|e| e.to_string())? != inv.client_id {
        return Err("client_id is not the hash of the signing certificate".into());
    }
    let key = leaf.public_key().map_err(|e| e.to_string())?;
    let claims: Value = UnverifiedJws::parse(&jar)
        .and_then(|j| {
            j.verify_with_key(&key)
                .and_then(|p| serde_json::from_slice(p).ok())
        })
        .ok_or("request object signature")?;
    if claims["client_id"] != inv.client_id.as_str() {
        return Err("client_id differs from the link's".into());
    }
    let jwk: Jwk = serde_json::from_value(claims["client_metadata"]["jwks"]["keys"][0].clone())
        .map_err(|e| e.to_string())?;
    let text = |k: &str| {
        claims[k]
            .as_str()
            .map(str::to_owned)
            .ok_or(format!("no {k}"))
    };
    let wanted = claims["dcql_query"]["credentials"][0]["claims"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|c| c["path"][0].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(Request {
        client_id: inv.client_id.clone(),
        nonce: text("nonce")?,
        state: text("state")?,
        response_uri: text("response_uri")?,
        key: jwk.to_public_key().ok_or("encryption key")?,
        kid: jwk.kid.ok_or("no kid")?,
        claims: wanted,
    })
}

/// `GET /authorize`: the wallet is opened (by a link on this device, or a scanned QR code). It
/// fetches and checks the request at once; with `--auto` it answers, otherwise it shows the
/// citizen who asks for what, and answers on Share (or declines).
async fn authorize(State(w): State<WalletSim>, Query(inv): Query<Invocation>) -> Response {
    let r = match fetch_request(&w, &inv).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "request object refused");
            return refuse(&format!("The verifier's request could not be used: {e}"));
        }
    };
    if w.0.auto {
        return answer(&w, r, true).await;
    }
    let Some(id) = eidas_node::web::binding::new_browser_id() else {
        return refuse("no randomness");
    };
    let asked = r.claims.join(", ");
    let who = r.client_id.clone();
    w.0.pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id.clone(), r);
    page(
        StatusCode::OK,
        "Share your PID?",
        &format!(
            "<h1>Share your PID?</h1>\n<p><strong>TEST wallet.</strong> A verifier asks for your personal identification data (PID).</p>\n<dl><dt>Verifier</dt><dd><code>{}</code></dd><dt>Asks for</dt><dd>{}</dd></dl>\n<form method=\"post\" action=\"/authorize/share\"><input type=\"hidden\" name=\"id\" value=\"{}\"><button type=\"submit\" name=\"share\" value=\"yes\">Share</button> <button type=\"submit\" name=\"share\" value=\"no\" class=\"secondary\">Decline</button></form>",
            escape(&who),
            escape(&asked),
            escape(&id)
        ),
    )
}

#[derive(Debug, Deserialize)]
struct Share {
    id: String,
    share: String,
}

async fn share(State(w): State<WalletSim>, Form(f): Form<Share>) -> Response {
    let r =
        w.0.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&f.id);
    match r {
        Some(r) => answer(&w, r, f.share == "yes").await,
        None => refuse("This request was already answered."),
    }
}

#[derive(Debug, Deserialize)]
struct Scanned {
    link: String,
}

/// `GET /scan?link=…`: what a QR code held (the cross-device link), typed or pasted, opened as
/// if scanned.
async fn scan(Query(s): Query<Scanned>) -> Response {
    let params = url::Url::parse(s.link.trim()).ok().map(|u| {
        let get = |k: &str| {
            u.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        (get("client_id"), get("request_uri"))
    });
    match params {
        Some((Some(client_id), Some(request_uri))) => {
            let q = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("client_id", &client_id)
                .append_pair("request_uri", &request_uri)
                .finish();
            Redirect::to(&format!("/authorize?{q}")).into_response()
        }
        _ => refuse("Not a wallet link (it needs client_id and request_uri)."),
    }
}

fn pid_claims(w: &WalletSim, c: &Control, now: i64) -> serde_json::Map<String, Value> {
    let mut m = json!({
        "iss": "https://pid.walletland.example",
        "vct": PID_VCT,
        "iat": now - 60,
        "exp": if c.fault == Some(WalletFault::Expired) { now - 3600 } else { now + 86_400 },
        "status": {"status_list": {"idx": status_index(c), "uri": format!("{}/status/list", w.0.public_url)}},
        "given_name": "Ewa",
        "family_name": "Kowalska",
        "birthdate": "1990-01-31",
        "place_of_birth": {"locality": "Kraków", "country": "PL"},
        "nationalities": ["PL", "XW"],
        "issuing_country": "XW",
        "personal_administrative_number": "XW-77",
    });
    if let Some(o) = m.as_object_mut() {
        if !c.with_number {
            o.remove("personal_administrative_number");
        }
        if c.fault == Some(WalletFault::NoStatus) {
            o.remove("status");
        }
    }
    m.as_object().cloned().unwrap_or_default()
}

/// The `vp_token` for `r` as `c` says (faults included).
fn vp_token(w: &WalletSim, r: &Request, c: &Control) -> anyhow::Result<Value> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let fault = c.fault;
    let aud = if fault == Some(WalletFault::WrongAudience) {
        "x509_hash:someone-else".to_owned()
    } else {
        r.client_id.clone()
    };
    let nonce = match fault {
        Some(WalletFault::WrongNonce) => "not-the-request-nonce".to_owned(),
        Some(WalletFault::OtherFlow) => {
            w.0.last_nonce
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
                .unwrap_or_else(|| "another-request-nonce".to_owned())
        }
        _ => r.nonce.clone(),
    };
    let iat = if fault == Some(WalletFault::StaleKeyBinding) {
        now - 3600
    } else {
        now
    };
    let claims = pid_claims(w, c, now);
    let untrusted;
    let (key, chain): (&dyn PrivateKey, &[X509]) = if fault == Some(WalletFault::UntrustedIssuer) {
        let (_, _, k, leaf) = pid_provider()?;
        untrusted = (FileKey::new(k)?, vec![leaf]);
        (&untrusted.0, &untrusted.1)
    } else {
        (&w.0.pid_key, &w.0.pid_chain)
    };
    if c.mdoc {
        use ciborium::Value as C;
        let text = |k: &str| C::Text(claims[k].as_str().unwrap_or_default().to_owned());
        let mut elements = vec![
            ("family_name", text("family_name")),
            ("given_name", text("given_name")),
            ("birth_date", C::Tag(1004, Box::new(text("birthdate")))),
            ("issuing_country", text("issuing_country")),
            (
                "nationality",
                C::Array(vec![C::Text("PL".into()), C::Text("XW".into())]),
            ),
        ];
        if c.with_number {
            elements.push((
                "personal_administrative_number",
                text("personal_administrative_number"),
            ));
        }
        let (from, until) = if fault == Some(WalletFault::Expired) {
            (now - 86_400, now - 3600)
        } else {
            (now - 60, now + 86_400)
        };
        let status_uri = format!("{}/status/list", w.0.public_url);
        let issued = holder::issue_mdoc(
            &elements,
            key,
            chain,
            w.0.device.public_key(),
            from,
            until,
            (fault != Some(WalletFault::NoStatus))
                .then_some((status_index(c), status_uri.as_str())),
        )?;
        let thumbprint = jwe::p256_thumbprint(&r.key)?;
        let e = mdoc::Expect {
            client_id: &aud,
            nonce: &nonce,
            jwk_thumbprint: &thumbprint,
            response_uri: &r.response_uri,
            now: time::OffsetDateTime::now_utc(),
            skew: time::Duration::ZERO,
        };
        let wanted: Vec<String> = r
            .claims
            .iter()
            .map(|n| match n.as_str() {
                "birthdate" => "birth_date".to_owned(),
                "nationalities" => "nationality".to_owned(),
                other => other.to_owned(),
            })
            .collect();
        let p = holder::present_mdoc(&issued, &|n| wanted.iter().any(|x| x == n), &w.0.device, &e)?;
        let p = match fault {
            Some(WalletFault::TamperedDisclosure | WalletFault::NoKeyBinding) => {
                mdoc_fault(&p, fault == Some(WalletFault::NoKeyBinding))?
            }
            _ => p,
        };
        return Ok(json!({"pid_mdoc": [p]}));
    }
    let disclosable = [
        "given_name",
        "family_name",
        "birthdate",
        "place_of_birth",
        "issuing_country",
        "personal_administrative_number",
    ];
    let issued = holder::issue(
        &claims,
        &disclosable,
        &["nationalities"],
        key,
        chain,
        w.0.device.public_key(),
    )?;
    // Disclose what the query asks: members by name, and every element of an asked array.
    let asked = r.claims.clone();
    let keep = move |d: &Value| match d.as_array().map(Vec::len) {
        Some(3) => d[1].as_str().is_some_and(|n| asked.iter().any(|a| a == n)),
        _ => asked.iter().any(|a| a == "nationalities"),
    };
    let mut p = holder::present(&issued, &keep, &w.0.device, &aud, &nonce, iat)?;
    match fault {
        Some(WalletFault::NoKeyBinding) => {
            if let Some((head, _)) = p.rsplit_once('~') {
                p = format!("{head}~");
            }
        }
        Some(WalletFault::TamperedDisclosure) => {
            // The first disclosure's value replaced, the key binding left as it was.
            let parts: Vec<&str> = p.split('~').collect();
            if let Some(d) = parts.get(1).and_then(|d| holder::decode_disclosure(d)) {
                let mut d = d;
                if let Some(v) = d.get_mut(2) {
                    *v = json!("Mallory");
                }
                let forged = B64.encode(d.to_string());
                let mut parts: Vec<String> = parts.iter().map(|s| (*s).to_owned()).collect();
                if let Some(slot) = parts.get_mut(1) {
                    *slot = forged;
                }
                p = parts.join("~");
            }
        }
        _ => {}
    }
    Ok(json!({"pid_sd_jwt": [p]}))
}

/// The mdoc faults: an element's value changed after issuance, or the device signature gone.
fn mdoc_fault(b64: &str, drop_device_signature: bool) -> anyhow::Result<String> {
    use ciborium::Value as C;
    fn entry<'a>(m: &'a mut C, key: &str) -> Option<&'a mut C> {
        match m {
            C::Map(e) => e
                .iter_mut()
                .find(|(k, _)| k.as_text() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
    let mut v: C = ciborium::from_reader(&B64.decode(b64)?[..])?;
    let doc = match entry(&mut v, "documents") {
        Some(C::Array(d)) => d.first_mut(),
        _ => None,
    }
    .ok_or_else(|| anyhow::anyhow!("no document"))?;
    if drop_device_signature {
        if let Some(auth) = entry(doc, "deviceSigned").and_then(|d| entry(d, "deviceAuth")) {
            *auth = C::Map(Vec::new());
        }
    } else if let Some(C::Array(items)) = entry(doc, "issuerSigned")
        .and_then(|s| entry(s, "nameSpaces"))
        .and_then(|n| entry(n, eidas_node::wallet::PID_DOCTYPE))
    {
        if let Some(C::Tag(24, inner)) = items.first_mut() {
            let mut item: C =
                ciborium::from_reader(&inner.as_bytes().cloned().unwrap_or_default()[..])?;
            if let Some(value) = entry(&mut item, "elementValue") {
                *value = C::Text("Mallory".into());
            }
            let mut out = Vec::new();
            ciborium::into_writer(&item, &mut out)?;
            **inner = C::Bytes(out);
        }
    }
    let mut out = Vec::new();
    ciborium::into_writer(&v, &mut out)?;
    Ok(B64.encode(out))
}

/// Builds, encrypts and posts the answer; sends the browser where the gateway says.
async fn answer(w: &WalletSim, r: Request, share: bool) -> Response {
    let c = w.control_now();
    let payload = if !share || c.fault == Some(WalletFault::Decline) {
        json!({"error": "access_denied", "state": r.state})
    } else {
        match vp_token(w, &r, &c) {
            Ok(t) => json!({"vp_token": t, "state": r.state}),
            Err(e) => return refuse(&format!("The TEST wallet could not answer: {e}")),
        }
    };
    let recipient = if c.fault == Some(WalletFault::WrongEncryptionKey) {
        match p256().and_then(|k| Ok(PKey::public_key_from_der(&k.public_key_to_der()?)?)) {
            Ok(k) => k,
            Err(e) => return refuse(&e.to_string()),
        }
    } else {
        r.key.clone()
    };
    let jwe = match jwe::encrypt(
        payload.to_string().as_bytes(),
        &recipient,
        &r.kid,
        jwe::Enc::A256GCM,
        None,
    ) {
        Ok(j) => j,
        Err(e) => return refuse(&e.to_string()),
    };
    let (uri, body) = match (
        c.fault,
        w.0.last.lock().unwrap_or_else(|p| p.into_inner()).clone(),
    ) {
        (Some(WalletFault::Replay), Some(previous)) => previous,
        _ => (r.response_uri.clone(), jwe.clone()),
    };
    *w.0.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((r.response_uri.clone(), jwe));
    *w.0.last_nonce.lock().unwrap_or_else(|p| p.into_inner()) = Some(r.nonce.clone());
    let posted =
        w.0.http
            .post(&uri)
            .form(&[("response", body.as_str())])
            .send()
            .await;
    let to = match posted {
        Ok(resp) if resp.status().is_success() => resp.json::<Value>().await.ok(),
        Ok(resp) => {
            return refuse(&format!(
                "The verifier refused the answer ({}).",
                resp.status()
            ));
        }
        Err(e) => return refuse(&e.to_string()),
    };
    match to.as_ref().map(|v| v["redirect_uri"].as_str()) {
        Some(Some(u)) => Redirect::to(u).into_response(),
        // Cross device: the verifier's page on the other device continues by itself.
        Some(None) => page(
            StatusCode::OK,
            "Answer sent",
            "<h1>Answer sent</h1>\n<p>Your PID was shared. Go back to your other device.</p>",
        ),
        None => refuse("The verifier's answer was not JSON."),
    }
}

/// Where a PID's status is kept: index 0 (valid), or index 1, revoked for good, for
/// [`WalletFault::Revoked`] (so no cached list can hide it).
fn status_index(c: &Control) -> u64 {
    u64::from(c.fault == Some(WalletFault::Revoked))
}

/// `GET /status/list`: the Token Status List of this provider's PIDs (index 1 revoked).
async fn status_list(State(w): State<WalletSim>) -> Response {
    let uri = format!("{}/status/list", w.0.public_url);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match holder::status_list_token(
        &uri,
        &[0, 1, 0, 0],
        1,
        &w.0.pid_key,
        &w.0.pid_chain,
        now,
        60,
    ) {
        Ok(t) => ([("content-type", "application/statuslist+jwt")], t).into_response(),
        Err(e) => refuse(&e.to_string()),
    }
}

/// `GET /pid-providers`: the signed PID-providers list (ETSI TS 119 602, JSON in a compact JWS)
/// naming this provider (Walletland, XW) unless withdrawn by `/control`.
async fn pid_providers(State(w): State<WalletSim>) -> Response {
    let c = w.control_now();
    let now = time::OffsetDateTime::now_utc();
    let anchors = [w.0.anchor.clone()];
    let entities: Vec<(&str, &str, Option<&str>, &[X509])> = if c.listed {
        vec![(
            "XW",
            "Walletland PID Office (TEST)",
            Some("NTRXW-0001"),
            &anchors,
        )]
    } else {
        Vec::new()
    };
    let list = eidas_node::wallet::lote::list_json(
        c.list_sequence,
        now - time::Duration::minutes(5),
        now + time::Duration::days(30),
        &entities,
    );
    let signed = holder::x5c(std::slice::from_ref(&w.0.list_cert)).and_then(|x5c| {
        holder::sign_jws(
            &json!({"alg": "ES256", "typ": "JWT", "x5c": x5c}),
            &list,
            &w.0.list_key,
        )
    });
    match signed {
        Ok(t) => ([("content-type", "application/jwt")], t).into_response(),
        Err(e) => refuse(&e.to_string()),
    }
}

impl WalletSim {
    /// The list operator's certificate (PEM), for the gateway's `[[wallet.lists]]`.
    pub fn list_signer_pem(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.list_cert.to_pem()?)
    }
}

async fn list_signer_pem(State(w): State<WalletSim>) -> Response {
    match w.list_signer_pem() {
        Ok(p) => ([("content-type", "application/x-pem-file")], p).into_response(),
        Err(e) => refuse(&e.to_string()),
    }
}

async fn anchor_pem(State(w): State<WalletSim>) -> Response {
    match w.0.anchor.to_pem() {
        Ok(p) => ([("content-type", "application/x-pem-file")], p).into_response(),
        Err(e) => refuse(&e.to_string()),
    }
}

#[derive(Debug, Deserialize)]
struct ControlBody {
    format: Option<String>,
    fault: Option<String>,
    with_number: Option<bool>,
    listed: Option<bool>,
    list_sequence: Option<u64>,
}

/// `POST /control` (JSON): `{"format": "sd-jwt"|"mdoc", "fault": "none"|<fault>, "with_number":
/// bool, "listed": bool, "list_sequence": n}`.
async fn control(State(w): State<WalletSim>, Json(b): Json<ControlBody>) -> Response {
    let mut c = w.0.control.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(f) = b.format {
        c.mdoc = match f.as_str() {
            "mdoc" => true,
            "sd-jwt" => false,
            _ => return (StatusCode::BAD_REQUEST, "unknown format").into_response(),
        };
    }
    if let Some(f) = b.fault {
        c.fault = match f.as_str() {
            "none" => None,
            other => match WalletFault::parse(other) {
                Some(f) => Some(f),
                None => return (StatusCode::BAD_REQUEST, "unknown fault").into_response(),
            },
        };
    }
    if let Some(n) = b.with_number {
        c.with_number = n;
    }
    if let Some(l) = b.listed {
        c.listed = l;
    }
    if let Some(n) = b.list_sequence {
        c.list_sequence = n;
    }
    (StatusCode::OK, "ok").into_response()
}
