//! Issue 15, the wallet way in over HTTP against the real binary (same-device flow): the country
//! page offers the EU Digital Identity Wallet first to a client registered for it; the wallet
//! (played here with `eidas_node::wallet::holder`, as a wallet app would) fetches the signed
//! request object once, checks it names us by our certificate's `x509_hash`, answers with a
//! PID as SD-JWT VC or as mdoc, encrypted to the request's key; the browser it sends back gets a
//! code, and the ID token carries the same claim schema with `amr` `eudi_wallet`. A wrong answer
//! ends as an error, never a code; an answer is used once.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine;
use eidas_node::jose::{jwe, Jwk, UnverifiedJws};
use eidas_node::keys::{FileKey, PrivateKey};
use eidas_node::wallet::{holder, mdoc, request, PID_VCT};
use eidas_testbed::browser::{parse_post_form, Browser, Hop};
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use serde_json::{json, Value};

use crate::harness::*;
use crate::login::{jwt_payload, verify_id_token};

fn p256() -> PKey<Private> {
    eidas_testbed::wallet_sim::p256().unwrap()
}

fn cert(key: &PKey<Private>, cn: &str, issuer: Option<(&PKey<Private>, &X509)>, ca: bool) -> X509 {
    eidas_testbed::wallet_sim::cert(key, cn, issuer, ca).unwrap()
}

/// Our relying-party access key and certificate (issued by a throwaway CA, as HAIP wants) in
/// `d` as `access.key` and `access.pem`.
fn write_access_certificate(d: &std::path::Path) {
    let access_ca = p256();
    let access_ca_cert = cert(&access_ca, "Access CA", None, true);
    let access = p256();
    let access_cert = cert(
        &access,
        "eidas-node wallet RP",
        Some((&access_ca, &access_ca_cert)),
        false,
    );
    std::fs::write(
        d.join("access.key"),
        access.private_key_to_pem_pkcs8().unwrap(),
    )
    .unwrap();
    std::fs::write(d.join("access.pem"), access_cert.to_pem().unwrap()).unwrap();
}

/// The `[wallet]` section for the key configuration `key`, the wallet link `scheme` (the
/// default when none) and the PID-provider trust `trust` (TOML); the main client allowed the
/// wallet and XW (the e-service's allowed countries bound the PID's issuing country too).
fn wallet_config(
    cfg: &mut GwConfig,
    d: &std::path::Path,
    key: &str,
    scheme: Option<&str>,
    trust: &str,
) {
    cfg.client_extra = "wallet = true".into();
    cfg.client_countries = vec!["XW".into()];
    let scheme = scheme
        .map(|s| format!("scheme = \"{s}\"\n"))
        .unwrap_or_default();
    cfg.extra_clients = format!(
        "\n[wallet]\n{key}\ncert_path = \"{}\"\n{scheme}\n{trust}\n",
        d.join("access.pem").display(),
    );
}

/// The `[[wallet.providers]]` entry of XW with the anchor at `anchor`.
fn provider_entry(anchor: &std::path::Path) -> String {
    format!(
        "[[wallet.providers]]\ncountry = \"XW\"\nanchor_cert_paths = [\"{}\"]",
        anchor.display()
    )
}

/// A gateway with `[wallet]` (our access certificate; PID providers of XW), its client allowed
/// the wallet, and the PID provider and wallet keys.
struct WalletWorld {
    gw: Gateway,
    _sim: Sim,
    _dir: TempDir,
    pid_key: FileKey,
    pid_chain: Vec<X509>,
    device: FileKey,
}

async fn world(tag: &str) -> WalletWorld {
    world_keyed(tag, false).await
}

/// As [`world`]; with `hsm`, our access key lives in a SoftHSM token (imported by
/// `eidas-node keys import`), configured as `wallet.pkcs11`.
async fn world_keyed(tag: &str, hsm: bool) -> WalletWorld {
    let dir = TempDir::new(tag);
    let d = dir.path();
    write_access_certificate(d);
    let pid_ca = p256();
    let pid_ca_cert = cert(&pid_ca, "Walletland PID CA", None, true);
    let pid = p256();
    let pid_cert = cert(
        &pid,
        "Walletland PID Provider",
        Some((&pid_ca, &pid_ca_cert)),
        false,
    );
    std::fs::write(d.join("pid-ca.pem"), pid_ca_cert.to_pem().unwrap()).unwrap();
    let sim = Sim::start(d);
    let mut cfg = GwConfig::new(sim.url());
    let conf = std::env::var("SOFTHSM2_CONF").unwrap_or_default();
    let env = [("SOFTHSM2_CONF", conf.as_str())];
    let key = if hsm {
        let (token, pin) = crate::hsm::new_token(d, &env);
        let out = crate::ops::run_node(
            &[
                "keys",
                "import",
                "--module",
                crate::hsm::MODULE,
                "--token",
                &token,
                "--pin-file",
                pin.to_str().unwrap(),
                "--key-file",
                d.join("access.key").to_str().unwrap(),
                "--label",
                "wallet-access",
                "--usage",
                "sign",
            ],
            &env,
        );
        assert!(out.status.success(), "{}", crate::ops::text(&out));
        format!(
            "pkcs11 = {{ module = \"{}\", token = \"{token}\", key = \"wallet-access\", pin_file = \"{}\" }}",
            crate::hsm::MODULE,
            pin.display()
        )
    } else {
        format!("key_path = \"{}\"", d.join("access.key").display())
    };
    wallet_config(
        &mut cfg,
        d,
        &key,
        None,
        &provider_entry(&d.join("pid-ca.pem")),
    );
    let gw = Gateway::start_with_env(d, &cfg, "gateway", if hsm { &env } else { &[] });
    gw.wait_ready().await;
    WalletWorld {
        gw,
        _sim: sim,
        _dir: dir,
        pid_key: FileKey::new(pid).unwrap(),
        pid_chain: vec![pid_cert],
        device: FileKey::new(p256()).unwrap(),
    }
}

/// What the wallet read from our request object.
struct Asked {
    client_id: String,
    nonce: String,
    state: String,
    response_uri: String,
    key: PKey<openssl::pkey::Public>,
    kid: String,
    dcql: Value,
}

/// Up to the wallet page, then the wallet fetches and checks our request object.
async fn to_wallet(w: &WalletWorld, b: &Browser, scope: &str) -> (Asked, String, String, String) {
    let (url, state, verifier) = authorize_url(w.gw.url(), scope, &[]);
    let nonce = query_param(&url, "nonce").unwrap();
    let mut hop = b.get(&url).await.unwrap();
    while hop.is_redirect() {
        hop = b.get(&hop.location.clone().unwrap()).await.unwrap();
    }
    // The country page offers the wallet first.
    let wallet_at = hop
        .body
        .find("name=\"way\" value=\"wallet\"")
        .expect("the wallet offered");
    assert!(
        wallet_at < hop.body.find("name=\"country\"").unwrap(),
        "wallet before the countries"
    );
    assert!(hop.body.contains(">EU Digital Identity Wallet</button>"));
    let form = parse_post_form(&hop.body).unwrap();
    let mut page = b
        .submit(&hop.url, &form, &[("way", "wallet")])
        .await
        .unwrap();
    // To the wallet page, a GET of its own (reload-safe).
    assert_eq!(page.status, 303, "{}", page.body);
    while page.is_redirect() {
        page = b.get(&page.location.clone().unwrap()).await.unwrap();
    }
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<figure class=\"qr\" role=\"img\""),
        "a QR code for another device"
    );
    assert!(page
        .body
        .contains("<h1>Log in with your EU Digital Identity Wallet</h1>"));
    let link = page
        .body
        .split("href=\"")
        .find(|s| s.starts_with("haip-vp://"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let link = url::Url::parse(&link.replacen("haip-vp://", "haip-vp://wallet/", 1)).unwrap();
    let param = |k: &str| {
        link.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let (client_id, request_uri) = (param("client_id"), param("request_uri"));
    // The request object: typ, x5c, signed by the certificate whose hash names us.
    let r = reqwest::get(&request_uri).await.unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/oauth-authz-req+jwt"
    );
    let jar = r.text().await.unwrap();
    let header: Value =
        serde_json::from_slice(&B64.decode(jar.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["typ"], "oauth-authz-req+jwt");
    let leaf =
        X509::from_der(&STANDARD.decode(header["x5c"][0].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(client_id, request::client_id(&leaf).unwrap());
    let jws = UnverifiedJws::parse(&jar).unwrap();
    let claims: Value =
        serde_json::from_slice(jws.verify_with_key(&leaf.public_key().unwrap()).unwrap()).unwrap();
    assert_eq!(claims["client_id"], json!(client_id));
    assert_eq!(claims["response_mode"], "direct_post.jwt");
    // Fetched once only.
    assert_eq!(reqwest::get(&request_uri).await.unwrap().status(), 400);
    let jwk: Jwk =
        serde_json::from_value(claims["client_metadata"]["jwks"]["keys"][0].clone()).unwrap();
    let asked = Asked {
        client_id,
        nonce: claims["nonce"].as_str().unwrap().into(),
        state: claims["state"].as_str().unwrap().into(),
        response_uri: claims["response_uri"].as_str().unwrap().into(),
        key: jwk.to_public_key().unwrap(),
        kid: jwk.kid.clone().unwrap(),
        dcql: claims["dcql_query"].clone(),
    };
    (asked, state, verifier, nonce)
}

fn pid_claims() -> serde_json::Map<String, Value> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    json!({
        "iss": "https://pid.walletland.example",
        "vct": PID_VCT,
        "iat": now - 60,
        // No status list: short-lived (24 hours at most).
        "exp": now + 3600,
        "given_name": "Ewa",
        "family_name": "Kowalska",
        "birthdate": "1990-01-31",
        "place_of_birth": {"locality": "Kraków", "country": "PL"},
        "nationalities": ["PL"],
        "issuing_country": "XW",
        "personal_administrative_number": "XW-77",
    })
    .as_object()
    .unwrap()
    .clone()
}

/// The wallet's answer: `vp_token` encrypted to the request's key, posted to its response uri.
async fn answer(a: &Asked, vp_token: Value) -> reqwest::Response {
    let payload = json!({"vp_token": vp_token, "state": a.state});
    let jwe = jwe::encrypt(
        payload.to_string().as_bytes(),
        &a.key,
        &a.kid,
        jwe::Enc::A256GCM,
        None,
    )
    .unwrap();
    reqwest::Client::new()
        .post(&a.response_uri)
        .form(&[("response", jwe.as_str())])
        .send()
        .await
        .unwrap()
}

fn sd_jwt(w: &WalletWorld, a: &Asked, nonce: &str) -> Value {
    sd_jwt_by(&w.pid_key, &w.pid_chain, &w.device, a, nonce)
}

/// A PID of the provider `key`/`chain`, presented for `a`.
fn sd_jwt_by(key: &FileKey, chain: &[X509], device: &FileKey, a: &Asked, nonce: &str) -> Value {
    let issued = holder::issue(
        &pid_claims(),
        &[
            "given_name",
            "family_name",
            "birthdate",
            "place_of_birth",
            "issuing_country",
            "personal_administrative_number",
        ],
        &["nationalities"],
        key,
        chain,
        device.public_key(),
    )
    .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let p = holder::present(&issued, &|_| true, device, &a.client_id, nonce, now).unwrap();
    json!({"pid_sd_jwt": [p]})
}

/// Back in the browser: the redirect the wallet was given leads to the e-service.
async fn back(b: &Browser, redirect_uri: &str) -> Hop {
    b.get(redirect_uri).await.unwrap()
}

#[tokio::test]
async fn a_login_with_the_wallet_sd_jwt_and_mdoc_gives_the_same_claims() {
    let w = world("wallet-login").await;
    // SD-JWT VC.
    let b = Browser::new().unwrap();
    let (a, state, verifier, nonce) =
        to_wallet(&w, &b, "openid eidas:attribute:place_of_birth").await;
    let paths: Vec<&Value> = a.dcql["credentials"][0]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["path"][0])
        .collect();
    assert!(
        paths.contains(&&json!("place_of_birth")) && !paths.contains(&&json!("nationalities")),
        "{paths:?}"
    );
    let token = sd_jwt(&w, &a, &a.nonce);
    let r = answer(&a, token.clone()).await;
    assert_eq!(r.status(), 200, "{}", w.gw.proc.stderr());
    let to: Value = r.json().await.unwrap();
    let hop = back(&b, to["redirect_uri"].as_str().unwrap()).await;
    assert_eq!(hop.status, 303, "{}", hop.body);
    let to_rp = hop.location.unwrap();
    assert!(to_rp.starts_with(REDIRECT), "{to_rp}");
    assert_eq!(
        query_param(&to_rp, "state").as_deref(),
        Some(state.as_str())
    );
    assert!(query_param(&to_rp, "code").is_some(), "{to_rp}");
    let tokens = redeem(
        &format!("{}/token", w.gw.url()),
        &query_param(&to_rp, "code").unwrap(),
        &verifier,
    )
    .await;
    let c = verify_id_token(w.gw.url(), tokens["id_token"].as_str().unwrap(), &nonce).await;
    assert_eq!(c["amr"], json!(["eudi_wallet"]));
    assert_eq!(c["acr"], "http://eidas.europa.eu/LoA/high");
    assert_eq!(c["sub"], "XW/PID/XW-77");
    assert_eq!(c["eidas_country"], "XW");
    assert_eq!(
        (
            c["given_name"].as_str(),
            c["family_name"].as_str(),
            c["birthdate"].as_str()
        ),
        (Some("Ewa"), Some("Kowalska"), Some("1990-01-31"))
    );
    assert_eq!(
        c["place_of_birth"],
        json!({"locality": "Kraków", "country": "PL"})
    );
    assert!(c.get("nationalities").is_none(), "not asked for");
    // The same answer again: the request is spent.
    assert_eq!(answer(&a, token).await.status(), 400);

    // mdoc.
    let b = Browser::new().unwrap();
    let (a, _, verifier, nonce) = to_wallet(&w, &b, "openid").await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let issued = holder::issue_mdoc(
        &[
            ("family_name", ciborium::Value::Text("Kowalska".into())),
            ("given_name", ciborium::Value::Text("Ewa".into())),
            (
                "birth_date",
                ciborium::Value::Tag(1004, Box::new(ciborium::Value::Text("1990-01-31".into()))),
            ),
            ("issuing_country", ciborium::Value::Text("XW".into())),
        ],
        &w.pid_key,
        &w.pid_chain,
        w.device.public_key(),
        now - 60,
        now + 3600,
        None,
    )
    .unwrap();
    let thumbprint = jwe::p256_thumbprint(&a.key).unwrap();
    let e = mdoc::Expect {
        client_id: &a.client_id,
        nonce: &a.nonce,
        jwk_thumbprint: &thumbprint,
        response_uri: &a.response_uri,
        now: time::OffsetDateTime::now_utc(),
        skew: time::Duration::ZERO,
    };
    let p = holder::present_mdoc(&issued, &|_| true, &w.device, &e).unwrap();
    let to: Value = answer(&a, json!({"pid_mdoc": [p]}))
        .await
        .json()
        .await
        .unwrap();
    let to_rp = back(&b, to["redirect_uri"].as_str().unwrap())
        .await
        .location
        .unwrap();
    let tokens = redeem(
        &format!("{}/token", w.gw.url()),
        &query_param(&to_rp, "code").unwrap(),
        &verifier,
    )
    .await;
    let c = verify_id_token(w.gw.url(), tokens["id_token"].as_str().unwrap(), &nonce).await;
    assert_eq!(c["amr"], json!(["eudi_wallet"]));
    assert_eq!(c["birthdate"], "1990-01-31");
    // No personal administrative number: a transient subject, said so.
    assert_eq!(c["eidas_subject_type"], "transient");
    assert!(c["sub"].as_str().unwrap().starts_with("XW/PID-TRANSIENT/"));
}

#[tokio::test]
async fn a_wrong_answer_ends_as_an_error_never_a_code() {
    let w = world("wallet-faults").await;
    let b = Browser::new().unwrap();
    let (a, state, _, _) = to_wallet(&w, &b, "openid").await;
    // Bound to another nonce: the wallet still gets a redirect (the request is spent), the
    // browser our page, the e-service an error.
    let r = answer(&a, sd_jwt(&w, &a, "not-our-nonce")).await;
    assert_eq!(r.status(), 200);
    let to: Value = r.json().await.unwrap();
    let page = back(&b, to["redirect_uri"].as_str().unwrap()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<code class=\"reference\""));
    assert!(!page.body.contains("code="));
    let form = parse_post_form(&page.body).unwrap();
    let hop = b.submit(&page.url, &form, &[]).await.unwrap();
    let to_rp = hop.location.unwrap();
    assert_eq!(
        query_param(&to_rp, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_param(&to_rp, "state").as_deref(),
        Some(state.as_str())
    );
    assert_eq!(query_param(&to_rp, "code"), None);
    // An answer in another browser: the redirect is of no use there.
    let b2 = Browser::new().unwrap();
    let (a2, _, _, _) = to_wallet(&w, &b2, "openid").await;
    let to: Value = answer(&a2, sd_jwt(&w, &a2, &a2.nonce))
        .await
        .json()
        .await
        .unwrap();
    let elsewhere = Browser::new()
        .unwrap()
        .get(to["redirect_uri"].as_str().unwrap())
        .await
        .unwrap();
    assert_error_page(&elsewhere, "a wallet answer's redirect in another browser");
    // An answer that does not open with the request's key (someone who saw the request id):
    // refused, and the request stays open for the wallet's real answer.
    let b3 = Browser::new().unwrap();
    let (a3, _, verifier3, _) = to_wallet(&w, &b3, "openid").await;
    let stranger = p256();
    let stranger_pub = PKey::public_key_from_der(&stranger.public_key_to_der().unwrap()).unwrap();
    let forged = jwe::encrypt(
        json!({"vp_token": sd_jwt(&w, &a3, &a3.nonce), "state": a3.state})
            .to_string()
            .as_bytes(),
        &stranger_pub,
        &a3.kid,
        jwe::Enc::A256GCM,
        None,
    )
    .unwrap();
    let r = reqwest::Client::new()
        .post(&a3.response_uri)
        .form(&[("response", forged.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let to: Value = answer(&a3, sd_jwt(&w, &a3, &a3.nonce))
        .await
        .json()
        .await
        .unwrap();
    let to_rp = back(&b3, to["redirect_uri"].as_str().unwrap())
        .await
        .location
        .unwrap();
    let code = query_param(&to_rp, "code").expect("the real answer still logs in");
    redeem(&format!("{}/token", w.gw.url()), &code, &verifier3).await;
    // Garbage and an unknown request: refused, nothing parked.
    let r = reqwest::Client::new()
        .post(&a.response_uri)
        .form(&[("response", "a.b.c.d.e")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

/// `eidas:wallet` pre-selects the wallet as `eidas:country:xx` pre-selects a country: no country
/// page; asking for both is refused.
#[tokio::test]
async fn the_wallet_can_be_preselected_by_scope() {
    let w = world("wallet-scope").await;
    let b = Browser::new().unwrap();
    let (url, _, _) = authorize_url(w.gw.url(), "openid eidas:wallet", &[]);
    let mut hop = b.get(&url).await.unwrap();
    while hop.is_redirect() {
        hop = b.get(&hop.location.clone().unwrap()).await.unwrap();
    }
    assert_eq!(hop.status, 200, "{} {}", hop.url, hop.body);
    assert!(
        hop.body
            .contains("<h1>Log in with your EU Digital Identity Wallet</h1>"),
        "{}",
        hop.body
    );
    assert!(hop
        .body
        .contains("href=\"haip-vp://?client_id=x509_hash%3A"));
    let (url, _, _) = authorize_url(w.gw.url(), "openid eidas:wallet eidas:country:xa", &[]);
    let to = b.get(&url).await.unwrap().location.unwrap();
    assert_eq!(
        query_param(&to, "error").as_deref(),
        Some("invalid_scope"),
        "{to}"
    );
}

/// The simulated wallet (`eidas-sim-wallet --auto`) with a fresh TEST PID provider, and a
/// gateway whose `[wallet]` opens it by its https-style link.
struct SimWorld {
    gw: Gateway,
    wallet: Proc,
    _sim: Sim,
    _dir: TempDir,
}

async fn sim_world(tag: &str) -> SimWorld {
    sim_world_trusting(tag, None).await.0
}

/// The simulated wallet and a gateway trusting its PID provider by its anchor, or, with
/// `list = Some(extra)`, only through its signed list (refreshed every second; `extra` more
/// settings of the list); with the admin API on (its URL and token).
async fn sim_world_trusting(tag: &str, list: Option<&str>) -> (SimWorld, String, String) {
    let dir = TempDir::new(tag);
    let d = dir.path();
    let (anchor, signer) = (d.join("pid-anchor.pem"), d.join("list-signer.pem"));
    let wallet = spawn_listening(
        std::path::Path::new(env!("CARGO_BIN_EXE_eidas-sim-wallet")),
        &[
            "--listen",
            "127.0.0.1:0",
            "--auto",
            "--anchor-out",
            anchor.to_str().unwrap(),
            "--list-signer-out",
            signer.to_str().unwrap(),
        ],
        &[],
        d.join("sim-wallet.stderr"),
    );
    write_access_certificate(d);
    let sim = Sim::start(d);
    let mut cfg = GwConfig::new(sim.url());
    let key = format!("key_path = \"{}\"", d.join("access.key").display());
    let scheme = format!("{}/authorize", wallet.url);
    let trust = match list {
        None => provider_entry(&anchor),
        Some(extra) => format!(
            "[[wallet.lists]]\nname = \"test-pid-providers\"\nlocation = \"{}/pid-providers\"\n\
             signer_cert_paths = [\"{}\"]\nterritories = [\"XW\"]\nrefresh_seconds = 1\n{extra}",
            wallet.url,
            signer.display()
        ),
    };
    wallet_config(&mut cfg, d, &key, Some(&scheme), &trust);
    let (admin, token) = cfg.with_admin(d, "ops");
    let gw = Gateway::start(d, &cfg, "gateway");
    gw.wait_ready().await;
    let w = SimWorld {
        gw,
        wallet,
        _sim: sim,
        _dir: dir,
    };
    (w, admin, token)
}

async fn control_wallet(w: &SimWorld, body: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/control", w.wallet.url))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

/// A whole login through the simulated wallet: the final redirect to the e-service (unfetched),
/// or the page the browser stopped on.
async fn wallet_login(
    w: &SimWorld,
    b: &Browser,
    scope: &str,
) -> (Result<String, Hop>, String, String) {
    let (link, state, verifier) = wallet_link(w, b, scope).await;
    let link = link.unwrap_or_else(|page| panic!("no wallet link in {}", page.body));
    (follow_wallet_link(w, b, &link).await, state, verifier)
}

/// Starts a login with `scope` up to our wallet page: the link that opens the (simulated)
/// wallet, or the page shown instead; the OIDC state and PKCE verifier.
async fn wallet_link(
    w: &SimWorld,
    b: &Browser,
    scope: &str,
) -> (Result<String, Hop>, String, String) {
    let (url, state, verifier) = authorize_url(w.gw.url(), scope, &[]);
    let mut hop = b.get(&url).await.unwrap();
    while hop.is_redirect() {
        hop = b.get(&hop.location.clone().unwrap()).await.unwrap();
    }
    let link = hop
        .body
        .split("href=\"")
        .find(|s| s.starts_with(&format!("{}/authorize", w.wallet.url)))
        .and_then(|s| s.split('"').next())
        .map(|l| l.replace("&amp;", "&"));
    (link.ok_or(hop), state, verifier)
}

/// Opens the wallet link; the wallet answers and sends the browser on: the final redirect to
/// the e-service (unfetched), or the page the browser stopped on.
async fn follow_wallet_link(w: &SimWorld, b: &Browser, link: &str) -> Result<String, Hop> {
    let mut hop = b.get(link).await.unwrap();
    for _ in 0..5 {
        let Some(next) = hop.location.clone() else {
            break;
        };
        if next.starts_with(REDIRECT) {
            return Ok(next);
        }
        hop = b.get(&next).await.unwrap();
    }
    let _ = w;
    Err(hop)
}

#[tokio::test]
async fn the_simulated_wallet_logs_in_with_either_format_and_every_fault_ends_without_a_code() {
    let w = sim_world("sim-wallet").await;
    for (format, number) in [("sd-jwt", true), ("mdoc", true), ("sd-jwt", false)] {
        control_wallet(
            &w,
            json!({"format": format, "fault": "none", "with_number": number}),
        )
        .await;
        let b = Browser::new().unwrap();
        let (end, state, verifier) =
            wallet_login(&w, &b, "openid eidas:wallet eidas:attribute:place_of_birth").await;
        let to_rp = end.unwrap_or_else(|h| panic!("{format}: stopped at {} {}", h.url, h.body));
        assert_eq!(
            query_param(&to_rp, "state").as_deref(),
            Some(state.as_str())
        );
        let tokens = redeem(
            &format!("{}/token", w.gw.url()),
            &query_param(&to_rp, "code").unwrap(),
            &verifier,
        )
        .await;
        let c = jwt_payload(tokens["id_token"].as_str().unwrap());
        assert_eq!(c["amr"], json!(["eudi_wallet"]), "{format}");
        assert_eq!(c["family_name"], "Kowalska", "{format}");
        assert_eq!(c["eidas_country"], "XW", "{format}");
        if number {
            assert_eq!(c["sub"], "XW/PID/XW-77", "{format}");
        } else {
            assert_eq!(c["eidas_subject_type"], "transient", "{format}");
        }
        if format == "sd-jwt" {
            assert_eq!(c["place_of_birth"]["locality"], "Kraków");
        }
    }
    // Every fault, in both formats: an error at the e-service or a page, never a code.
    let mut outcomes = Vec::new();
    for format in ["sd-jwt", "mdoc"] {
        for fault in eidas_testbed::wallet_sim::WalletFault::ALL {
            // An mdoc's device authentication carries no time: its freshness is the nonce's.
            if format == "mdoc" && *fault == eidas_testbed::wallet_sim::WalletFault::StaleKeyBinding
            {
                continue;
            }
            if matches!(
                *fault,
                eidas_testbed::wallet_sim::WalletFault::Replay
                    | eidas_testbed::wallet_sim::WalletFault::OtherFlow
            ) {
                // Something to replay, another login to take from: a clean answer first.
                control_wallet(
                    &w,
                    json!({"format": format, "fault": "none", "with_number": true}),
                )
                .await;
                let (end, _, _) =
                    wallet_login(&w, &Browser::new().unwrap(), "openid eidas:wallet").await;
                assert!(end.is_ok_and(|u| query_param(&u, "code").is_some()));
            }
            control_wallet(&w, json!({"format": format, "fault": fault.as_str()})).await;
            let b = Browser::new().unwrap();
            let (end, state, _) = wallet_login(&w, &b, "openid eidas:wallet").await;
            let what = format!("{format} {}", fault.as_str());
            let result = match end {
                Ok(u) => {
                    assert_eq!(query_param(&u, "code"), None, "{what}: a code! {u}");
                    format!("error={}", query_param(&u, "error").unwrap())
                }
                Err(page) => {
                    assert!(!page.body.contains("code="), "{what}: {}", page.body);
                    // Our outcome page: its way back gives the e-service an error with its state.
                    if page.url.contains("/resume?r=") {
                        let form = parse_post_form(&page.body).unwrap();
                        let to = b
                            .submit(&page.url, &form, &[])
                            .await
                            .unwrap()
                            .location
                            .unwrap();
                        assert_eq!(query_param(&to, "code"), None, "{what}");
                        assert_eq!(query_param(&to, "state").as_deref(), Some(state.as_str()));
                        format!("page, then error={}", query_param(&to, "error").unwrap())
                    } else {
                        format!("stopped at {} ({})", page.url, page.status)
                    }
                }
            };
            outcomes.push(format!("{what}: {result}"));
        }
    }
    control_wallet(&w, json!({"fault": "none", "format": "sd-jwt"})).await;
    eprintln!("wallet faults:\n  {}", outcomes.join("\n  "));
    assert!(!w.gw.proc.stderr().contains("panicked"));
}

/// Cross device: the wallet on another device (no cookies of the browser) scans the QR code's
/// link; the gateway answers it without a redirect, and the waiting browser (polling, or its
/// "I have answered" reload without scripts) continues to the e-service. Nobody else can
/// collect the answer.
#[tokio::test]
async fn a_wallet_on_another_device_answers_and_the_waiting_browser_continues() {
    let w = sim_world("sim-wallet-cross").await;
    // Both formats (an mdoc's session transcript names the same response uri and key either way),
    // with and without scripts.
    for (scripted, format) in [(true, "sd-jwt"), (false, "mdoc"), (true, "mdoc")] {
        control_wallet(
            &w,
            json!({"format": format, "fault": "none", "with_number": true}),
        )
        .await;
        let b = Browser::new().unwrap();
        let (url, state, verifier) = authorize_url(w.gw.url(), "openid eidas:wallet", &[]);
        let mut hop = b.get(&url).await.unwrap();
        while hop.is_redirect() {
            hop = b.get(&hop.location.clone().unwrap()).await.unwrap();
        }
        let wait_url = hop.url.clone();
        let poll = hop
            .body
            .split("data-poll=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .replace("&amp;", "&");
        let cross = hop
            .body
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|s| s.contains("%2Fcross"))
            .expect("the cross-device link")
            .replace("&amp;", "&");
        // Before the answer: still waiting.
        let r = b.get(&format!("{}{poll}", w.gw.url())).await.unwrap();
        assert_eq!(r.status, 202);
        // The other device: the wallet, without the browser's cookies.
        let phone = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = phone.get(&cross).send().await.unwrap();
        assert_eq!(r.status(), 200, "the wallet shows it is done");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("Go back to your other device"));
        // An "answer" whose `kid` names the parked record rather than a request (`{id}.done`):
        // refused before any lookup, so the parked answer stays for our browser.
        let id = cross
            .split("%2Fwallet%2Frequest%2F")
            .nth(1)
            .and_then(|s| s.split("%2Fcross").next())
            .unwrap();
        let stranger = p256();
        let stranger = PKey::public_key_from_der(&stranger.public_key_to_der().unwrap()).unwrap();
        let odd = jwe::encrypt(
            b"{}",
            &stranger,
            &format!("{id}.done"),
            jwe::Enc::A256GCM,
            None,
        )
        .unwrap();
        let r = reqwest::Client::new()
            .post(format!("{}/wallet/response", w.gw.url()))
            .form(&[("response", odd.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        // Someone else polling (another browser): refused, the answer stays for ours.
        let other = Browser::new()
            .unwrap()
            .get(&format!("{}{poll}", w.gw.url()))
            .await
            .unwrap();
        assert_error_page(&other, "a poll from another browser");
        let to_resume = if scripted {
            let r = b.get(&format!("{}{poll}", w.gw.url())).await.unwrap();
            assert_eq!(r.status, 200);
            let next: Value = serde_json::from_str(&r.body).unwrap();
            format!("{}{}", w.gw.url(), next["next"].as_str().unwrap())
        } else {
            let r = b.get(&wait_url).await.unwrap();
            assert_eq!(r.status, 303, "{}", r.body);
            r.location.unwrap()
        };
        let to_rp = b.get(&to_resume).await.unwrap().location.unwrap();
        assert_eq!(
            query_param(&to_rp, "state").as_deref(),
            Some(state.as_str()),
            "{to_rp}"
        );
        let tokens = redeem(
            &format!("{}/token", w.gw.url()),
            &query_param(&to_rp, "code").unwrap(),
            &verifier,
        )
        .await;
        let claims = jwt_payload(tokens["id_token"].as_str().unwrap());
        assert_eq!(claims["amr"], json!(["eudi_wallet"]), "{format}");
        assert_eq!(claims["sub"], "XW/PID/XW-77", "{format}");
        // Collected once: the wait page now says the login has moved on.
        let again = b.get(&wait_url).await.unwrap();
        assert_error_page(&again, "the wallet page after the answer was collected");
    }
}

/// HAIP 1.0 §5 with our access key in an HSM: the request object is signed inside a SoftHSM
/// token (`wallet.pkcs11`), and a wallet login completes.
#[tokio::test]
async fn the_request_object_is_signed_by_an_access_key_in_a_token() {
    if !crate::hsm::softhsm_ready("the_request_object_is_signed_by_an_access_key_in_a_token") {
        return;
    }
    let w = world_keyed("wallet-hsm", true).await;
    let b = Browser::new().unwrap();
    // `to_wallet` verifies the request object's signature with the certificate whose hash names us.
    let (a, _, verifier, nonce) = to_wallet(&w, &b, "openid").await;
    let to: Value = answer(&a, sd_jwt(&w, &a, &a.nonce))
        .await
        .json()
        .await
        .unwrap();
    let to_rp = back(&b, to["redirect_uri"].as_str().unwrap())
        .await
        .location
        .unwrap();
    let tokens = redeem(
        &format!("{}/token", w.gw.url()),
        &query_param(&to_rp, "code").unwrap(),
        &verifier,
    )
    .await;
    let c = verify_id_token(w.gw.url(), tokens["id_token"].as_str().unwrap(), &nonce).await;
    assert_eq!(c["amr"], json!(["eudi_wallet"]));
}

/// A PID provider's anchor rotated without a restart: the anchor file replaced and the node
/// told (SIGHUP, as `POST /admin/keys/reload`); the new provider's PIDs are accepted, the old
/// one's are not.
#[tokio::test]
async fn pid_provider_anchors_are_rotated_by_a_reload() {
    let w = world("wallet-reload").await;
    let ca = p256();
    let anchor = cert(&ca, "Walletland PID CA 2", None, true);
    let issuer = p256();
    let chain = vec![cert(
        &issuer,
        "Walletland PID Provider 2",
        Some((&ca, &anchor)),
        false,
    )];
    let issuer = FileKey::new(issuer).unwrap();
    std::fs::write(w._dir.path().join("pid-ca.pem"), anchor.to_pem().unwrap()).unwrap();
    let pid = w.gw.proc.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    // The new provider's PIDs log in once the reload is through.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let b = Browser::new().unwrap();
        let (a, _, verifier, _) = to_wallet(&w, &b, "openid").await;
        let to: Value = answer(&a, sd_jwt_by(&issuer, &chain, &w.device, &a, &a.nonce))
            .await
            .json()
            .await
            .unwrap();
        let hop = back(&b, to["redirect_uri"].as_str().unwrap()).await;
        if let Some(code) = hop.location.as_deref().and_then(|l| query_param(l, "code")) {
            redeem(&format!("{}/token", w.gw.url()), &code, &verifier).await;
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new anchor is not in force"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // The old provider: refused, no code.
    let b = Browser::new().unwrap();
    let (a, _, _, _) = to_wallet(&w, &b, "openid").await;
    let to: Value = answer(&a, sd_jwt(&w, &a, &a.nonce))
        .await
        .json()
        .await
        .unwrap();
    let page = back(&b, to["redirect_uri"].as_str().unwrap()).await;
    assert_eq!(page.status, 200, "the outcome page");
    assert!(!page.body.contains("code="));
}

/// The outcome of one simulated-wallet login: the `sub` of its ID token, or `None` when the
/// wallet was not offered or the login ended without a code.
async fn sub_of_a_wallet_login(w: &SimWorld) -> Option<String> {
    let b = Browser::new().unwrap();
    let (link, _, verifier) = wallet_link(w, &b, "openid eidas:wallet").await;
    let end = follow_wallet_link(w, &b, &link.ok()?).await;
    let code = end.ok().and_then(|u| query_param(&u, "code"))?;
    let tokens = redeem(&format!("{}/token", w.gw.url()), &code, &verifier).await;
    Some(
        jwt_payload(tokens["id_token"].as_str().unwrap())["sub"]
            .as_str()?
            .to_owned(),
    )
}

/// The `wallet` member of `GET /admin/trust/status`.
async fn wallet_status(admin: &str, token: &str) -> Value {
    let status: Value = reqwest::Client::new()
        .get(format!("{admin}/admin/trust/status"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    status["wallet"].clone()
}

/// The wallet status once the list in force has `sequence` (within 15 s).
async fn until_sequence(admin: &str, token: &str, sequence: u64) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let s = wallet_status(admin, token).await;
        if s["lists"][0]["sequence"] == sequence {
            return s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "sequence {sequence} never came: {s}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// `eidas-node trust …` against the gateway of `w`: exit code and standard output.
fn trust_cli(w: &SimWorld, args: &[&str]) -> (Option<i32>, String) {
    let config = w.gw.config_path.to_str().unwrap().to_owned();
    let mut all = vec!["trust"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--config", &config]);
    let out = crate::ops::run_node(&all, &[]);
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `activation = "review"` on a PID-provider list: nothing from it is trusted until an operator
/// approves the list as verified (`eidas-node trust approve-list`, shown by `trust status`);
/// then logins work.
#[tokio::test]
async fn a_pid_provider_list_under_review_is_trusted_once_approved() {
    let (w, admin, token) =
        sim_world_trusting("wallet-list-review", Some("activation = \"review\"")).await;
    // Staged by the serving node's schedule (every second here).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let staged = loop {
        let s = wallet_status(&admin, &token).await;
        if s["lists"][0]["staged"].is_object() {
            break s["lists"][0]["staged"].clone();
        }
        assert!(std::time::Instant::now() < deadline, "never staged: {s}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(wallet_status(&admin, &token).await["providers"], json!([]));
    assert_eq!(
        sub_of_a_wallet_login(&w).await,
        None,
        "not offered before approval"
    );
    let staged_metric = |value: u8| {
        let (admin, token) = (admin.clone(), token.clone());
        async move {
            let metrics = reqwest::Client::new()
                .get(format!("{admin}/metrics"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            metrics.contains(&format!(
                "eidas_wallet_list_staged{{list=\"test-pid-providers\"}} {value}"
            ))
        }
    };
    assert!(
        staged_metric(1).await,
        "the staged change is a metric (and an alert)"
    );
    let (code, printed) = trust_cli(&w, &["status"]);
    assert_eq!(code, Some(0), "{printed}");
    let digest = staged["digest"].as_str().unwrap();
    assert!(
        printed.contains("under review: nothing approved yet")
            && printed.contains("held back: sequence 1 adds XW/ntrxw-0001 ")
            && printed.contains(&format!(
                "`eidas-node trust approve-list test-pid-providers {}`",
                &digest[..12]
            )),
        "{printed}"
    );
    // A wrong digest is refused; the right one approves.
    let (code, printed) = trust_cli(&w, &["approve-list", "test-pid-providers", "deadbeef"]);
    assert_ne!(code, Some(0), "{printed}");
    let (code, printed) = trust_cli(&w, &["approve-list", "test-pid-providers", &digest[..12]]);
    assert_eq!(code, Some(0), "{printed}");
    assert!(printed.contains("approved (by ops)"), "{printed}");
    assert_eq!(
        sub_of_a_wallet_login(&w).await.as_deref(),
        Some("XW/PID/ntrxw-0001/XW-77")
    );
    // The staging was an audit event (a warning); the approval names its operator.
    assert!(w.gw.proc.stderr().contains("wallet.list.staged"));
    let status = wallet_status(&admin, &token).await;
    assert_eq!(status["lists"][0]["approved"]["by"], "ops", "{status}");
    assert_eq!(status["lists"][0]["staged"], Value::Null, "{status}");
    assert!(staged_metric(0).await);
}

/// Issue 15 item 2, PID-provider trust as a trust source: the providers come from a signed
/// list (ETSI TS 119 602, the form of the EU PID Providers list) that the gateway fetches,
/// verifies and refreshes on its own schedule. A provider the list withdraws is refused from
/// the next refresh, without a restart; an older list sent again (a replay) changes nothing;
/// `check`, the admin status and the metrics show the list and its providers.
#[tokio::test]
async fn pid_providers_come_from_a_signed_list_refreshed_without_downtime() {
    let (w, admin, token) = sim_world_trusting("wallet-list", Some("")).await;
    // The listed provider logs in; persistent subjects name it by its registration identifier.
    assert_eq!(
        sub_of_a_wallet_login(&w).await.as_deref(),
        Some("XW/PID/ntrxw-0001/XW-77")
    );
    let status = wallet_status(&admin, &token).await;
    assert_eq!(status["lists"][0]["sequence"], 1, "{status}");
    assert_eq!(status["lists"][0]["usable"], true);
    assert_eq!(status["providers"][0]["country"], "XW");
    assert_eq!(status["providers"][0]["source"], "list test-pid-providers");
    let metrics = reqwest::Client::new()
        .get(format!("{admin}/metrics"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("eidas_wallet_list_usable{list=\"test-pid-providers\"} 1"));
    assert!(metrics.contains(
        "eidas_wallet_provider_anchor_expiry_seconds{country=\"XW\",provider=\"ntrxw-0001\"}"
    ));
    let out = crate::ops::run_node(
        &["check", "--config", w.gw.config_path.to_str().unwrap()],
        &[],
    );
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        printed.contains("wallet list test-pid-providers: ok (sequence 1")
            && printed
                .contains("wallet provider XW/ntrxw-0001 (list test-pid-providers): 1 anchor(s)"),
        "{printed}"
    );

    let out = crate::ops::run_node(
        &[
            "trust",
            "status",
            "--config",
            w.gw.config_path.to_str().unwrap(),
        ],
        &[],
    );
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        printed.contains("wallet list test-pid-providers: ok, sequence 1,")
            && printed
                .contains("wallet provider XW/ntrxw-0001 (list test-pid-providers): 1 anchor(s)"),
        "{printed}"
    );

    // The list withdraws the provider: refused from the next refresh on, without a restart,
    // also for a login under way; and the wallet is no longer offered.
    let in_flight = Browser::new().unwrap();
    let (link, _, _) = wallet_link(&w, &in_flight, "openid eidas:wallet").await;
    let link = link.unwrap();
    control_wallet(&w, json!({"listed": false, "list_sequence": 2})).await;
    let status = until_sequence(&admin, &token, 2).await;
    assert_eq!(status["providers"], json!([]), "{status}");
    match follow_wallet_link(&w, &in_flight, &link).await {
        Ok(u) => assert_eq!(query_param(&u, "code"), None, "{u}"),
        Err(page) => assert!(!page.body.contains("code="), "{}", page.body),
    }
    let (offered, _, _) = wallet_link(&w, &Browser::new().unwrap(), "openid eidas:wallet").await;
    let page = offered.expect_err("the wallet is not offered without a PID provider");
    assert!(
        page.body.contains("<h1>Choose your country</h1>"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("EU Digital Identity Wallet"),
        "{}",
        page.body
    );
    assert_eq!(sub_of_a_wallet_login(&w).await, None);

    // An older list naming it again (a replay) is refused; the withdrawal stands.
    control_wallet(&w, json!({"listed": true, "list_sequence": 1})).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let status = loop {
        let s = wallet_status(&admin, &token).await;
        if s["lists"][0]["problem"].is_string() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the replay went unnoticed: {s}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(
        status["lists"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("a replayed list"),
        "{status}"
    );
    assert_eq!(status["lists"][0]["sequence"], 2);
    assert_eq!(sub_of_a_wallet_login(&w).await, None);

    // A newer list names it again: trusted again.
    control_wallet(&w, json!({"list_sequence": 3})).await;
    until_sequence(&admin, &token, 3).await;
    assert_eq!(
        sub_of_a_wallet_login(&w).await.as_deref(),
        Some("XW/PID/ntrxw-0001/XW-77")
    );
}
