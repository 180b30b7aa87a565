//! Issue 13: every private key of the gateway inside a PKCS#11 token (SoftHSM2), made by
//! `eidas-node keys generate --pkcs11` (generated in the token, never extractable). The gateway
//! signs its metadata, its AuthnRequests and the ID tokens in the token and decrypts the
//! assertion there (ECDH-ES, or RSA-OAEP); the simulated country verifies our metadata with the
//! certificate the token key signed, and the e-service verifies the ID token against the JWKS
//! published from the token key's public half. Skips without SoftHSM2 (`SOFTHSM2_CONF`, set by
//! `scripts/test.sh`), fails so under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use eidas_testbed::browser::{login_flow, Browser};
use eidas_testbed::gateway_config::GatewayKeys;

use crate::harness::*;
use crate::login::verify_id_token_alg;
use openidconnect::core::CoreJwsSigningAlgorithm;

pub(crate) const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

pub(crate) fn softhsm_ready(test: &str) -> bool {
    if std::env::var_os("SOFTHSM2_CONF").is_some() && Path::new(MODULE).exists() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but SoftHSM2 is not set up"
    );
    eprintln!("SKIPPED {test}: no SoftHSM2");
    false
}

/// The environment of the test's processes: its own SoftHSM configuration (`SOFTHSM2_CONF`).
type Env<'a> = [(&'a str, &'a str)];

/// A fresh token; its label and a file holding its PIN.
pub(crate) fn new_token(d: &Path, env: &Env) -> (String, PathBuf) {
    let token = format!("gw-{:012x}", rand_u64() & 0xffff_ffff_ffff);
    new_token_labelled(d, &token, env)
}

fn new_token_labelled(d: &Path, token: &str, env: &Env) -> (String, PathBuf) {
    let token = token.to_owned();
    let pin = "4321-test";
    let out = Command::new("softhsm2-util")
        .envs(env.iter().copied())
        .args(["--init-token", "--free", "--label", &token])
        .args(["--pin", pin, "--so-pin", "8765-test"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pin_file = d.join("hsm.pin");
    std::fs::write(&pin_file, pin).unwrap();
    (token, pin_file)
}

/// The directory SoftHSM keeps `token` in (under `directories.tokendir` of `conf`).
fn token_directory(token: &str, conf: &str) -> PathBuf {
    let conf = std::fs::read_to_string(conf).unwrap();
    let dir = conf
        .lines()
        .find_map(|l| l.trim().strip_prefix("directories.tokendir"))
        .map(|v| v.trim_start_matches([' ', '=']).trim().to_owned())
        .unwrap();
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            std::fs::read(p.join("token.object"))
                .is_ok_and(|b| b.windows(token.len()).any(|w| w == token.as_bytes()))
        })
        .unwrap_or_else(|| panic!("no SoftHSM directory for {token}"))
}

/// `keys generate --pkcs11` into `out`: the gateway's keys, read back from the printed config.
fn generate_in_token(
    token: &str,
    pin_file: &Path,
    out: &Path,
    rsa: bool,
    env: &Env,
) -> GatewayKeys {
    let mut args = vec![
        "keys",
        "generate",
        "--pkcs11",
        "--module",
        MODULE,
        "--token",
        token,
        "--pin-file",
        pin_file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--label-prefix",
        if rsa { "rsa" } else { "ec" },
    ];
    if rsa {
        args.push("--rsa");
    }
    let run = crate::ops::run_node(&args, env);
    let said = crate::ops::text(&run);
    assert!(run.status.success(), "{said}");
    // The printed settings, one per key: `pkcs11 = { … }`.
    let setting = |label: &str| -> String {
        let needle = format!("key = \"{label}\"");
        let line = said
            .lines()
            .find(|l| l.contains(&needle))
            .unwrap_or_else(|| panic!("{needle} in {said}"));
        let start = line.find("pkcs11 = {").unwrap();
        let end = start + line[start..].find('}').unwrap() + 1;
        line[start..end].to_owned()
    };
    let p = if rsa { "rsa" } else { "ec" };
    let cert = |f: &str| out.join(f).display().to_string();
    // No private key file was written: they exist only in the token.
    for entry in std::fs::read_dir(out).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            [
                "saml-signing.crt",
                "saml-encryption.crt",
                "store-encryption.key",
                "pairwise.key"
            ]
            .contains(&name.as_str()),
            "unexpected file {name}"
        );
    }
    GatewayKeys {
        saml_signing: (
            setting(&format!("{p}-saml-signing")),
            cert("saml-signing.crt"),
        ),
        saml_encryption: vec![(
            setting(&format!("{p}-saml-encryption")),
            cert("saml-encryption.crt"),
        )],
        oidc: vec![
            (
                "t-es256".into(),
                "ES256".into(),
                setting(&format!("{p}-oidc-es256")),
            ),
            (
                "t-rs256".into(),
                "RS256".into(),
                setting(&format!("{p}-oidc-rs256")),
            ),
        ],
        pairwise: cert("pairwise.key"),
        store: cert("store-encryption.key"),
    }
}

async fn wait_ready(gw: &Proc) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while reqwest::get(format!("{}/readyz", gw.url))
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
        != 200
    {
        assert!(std::time::Instant::now() < deadline, "{}", gw.stderr());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// One login through `country`; the verified ID token's claims.
async fn login(gw: &Proc, country: &str, alg: CoreJwsSigningAlgorithm) -> serde_json::Value {
    let (url, _, verifier) = authorize_url(&gw.url, "openid", &[]);
    let r = login_flow(&Browser::new().unwrap(), &url, country)
        .await
        .unwrap();
    let code = query_param(&r.final_url, "code")
        .unwrap_or_else(|| panic!("a code: {} {}", r.final_url, gw.stderr()));
    let token_response = redeem(&format!("{}/token", gw.url), &code, &verifier).await;
    let nonce = query_param(&url, "nonce").unwrap();
    verify_id_token_alg(
        &gw.url,
        token_response["id_token"].as_str().unwrap(),
        &nonce,
        alg,
    )
    .await
}

fn start_gateway(
    d: &Path,
    sim: &Sim,
    keys: GatewayKeys,
    rs256_client: bool,
    name: &str,
    env: &Env,
) -> (Proc, PathBuf) {
    let cfg = GwConfig::new(sim.url());
    let mut b = cfg.builder();
    b.keys = keys;
    if rs256_client {
        b.clients[0]
            .extra
            .push_str("id_token_signed_response_alg = \"RS256\"\n");
    }
    let config = d.join(format!("{name}.toml"));
    std::fs::write(&config, b.toml()).unwrap();
    let gw = spawn_listening(
        &node_bin(),
        &["serve", "--config", config.to_str().unwrap()],
        env,
        d.join(format!("{name}.stderr")),
    );
    (gw, config)
}

#[tokio::test]
async fn a_login_with_every_ec_key_inside_a_softhsm_token() {
    if !softhsm_ready("a_login_with_every_ec_key_inside_a_softhsm_token") {
        return;
    }
    let dir = TempDir::new("hsm-ec");
    let d = dir.path();
    // Its own token directory: this test pulls a token out, which other tests (processes
    // enumerating the same directory) must not trip over.
    let tokens = d.join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    let conf = d.join("softhsm2.conf").display().to_string();
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .unwrap();
    let env = [("SOFTHSM2_CONF", conf.as_str())];
    let (token, pin_file) = new_token(d, &env);
    let keys = generate_in_token(&token, &pin_file, &d.join("keys"), false, &env);
    // The simulated country pins the metadata signer: here the certificate signed in the token.
    let sim = Sim::start_trusting(d, &keys.saml_signing.1);
    let (gw, config) = start_gateway(d, &sim, keys, false, "gw-ec", &env);
    wait_ready(&gw).await;
    // XA answers with an assertion encrypted by ECDH-ES to our token key.
    let claims = login(&gw, "XA", CoreJwsSigningAlgorithm::EcdsaP256Sha256).await;
    assert_eq!(claims["eidas_country"], "XA");
    let jwks: serde_json::Value = reqwest::get(format!("{}/jwks", gw.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2, "{jwks}");

    // The token goes away under the running node: /readyz says which part, a login ends in an
    // error for the e-service (never a code), nothing panics.
    let ready = reqwest::get(format!("{}/readyz", gw.url)).await.unwrap();
    assert_eq!(ready.status(), 200);
    let token_dir = token_directory(&token, &conf);
    // Out of the token directory (SoftHSM takes every directory in it for a token).
    let away = token_dir
        .parent()
        .unwrap()
        .with_file_name(format!("{token}.pulled-out"));
    std::fs::rename(&token_dir, &away).unwrap();
    let ready = reqwest::get(format!("{}/readyz", gw.url)).await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["keys"], "unavailable", "{body}");
    assert_eq!(body["store"], "ok", "{body}");
    let (url, _, _) = authorize_url(&gw.url, "openid", &[]);
    let r = login_flow(&Browser::new().unwrap(), &url, "XA").await;
    // The AuthnRequest cannot be signed: the citizen gets our error page (503), no code.
    let said = format!("{r:?}");
    assert!(
        said.contains("status: 503") && said.contains("Service temporarily unavailable"),
        "{said}"
    );
    assert!(!gw.stderr().contains("panicked"), "{}", gw.stderr());
    // Put back: the node logs in again on fresh sessions, without a restart.
    std::fs::rename(&away, &token_dir).unwrap();
    wait_ready(&gw).await;
    let claims = login(&gw, "XA", CoreJwsSigningAlgorithm::EcdsaP256Sha256).await;
    assert_eq!(claims["eidas_country"], "XA");

    // `keys import` moves a file key into the token (allowed only its use) and never reuses a
    // label.
    let pin = pin_file.to_str().unwrap();
    let import = |label: &str| {
        crate::ops::run_node(
            &[
                "keys",
                "import",
                "--module",
                MODULE,
                "--token",
                &token,
                "--pin-file",
                pin,
                "--key-file",
                crate::harness::keys()
                    .join("gateway/oidc-signing.key")
                    .to_str()
                    .unwrap(),
                "--label",
                label,
                "--usage",
                "sign",
            ],
            &env,
        )
    };
    let out = import("imported-es256");
    assert!(out.status.success(), "{}", crate::ops::text(&out));
    let out = import("imported-es256");
    assert_eq!(out.status.code(), Some(1), "{}", crate::ops::text(&out));
    assert!(crate::ops::text(&out).contains("already has an object labelled"));
    // A missing module, an absent token, and a key the token does not allow its use (the
    // signing key as a decryption key: no CKA_DERIVE) are clear problems too.
    let toml = std::fs::read_to_string(&config).unwrap();
    for (broken, expect) in [
        (
            toml.replace(MODULE, "/usr/lib/absent/libpkcs11.so"),
            "absent/libpkcs11.so",
        ),
        (
            toml.replace(&format!("token = \"{token}\""), "token = \"no-such-token\""),
            "no token labelled \"no-such-token\"",
        ),
        (
            toml.replace("key = \"ec-saml-encryption\"", "key = \"ec-saml-signing\""),
            "CKA_DERIVE is false",
        ),
    ] {
        let path = d.join("broken.toml");
        std::fs::write(&path, broken).unwrap();
        let out = crate::ops::run_node(&["check", "--config", path.to_str().unwrap()], &env);
        let said = crate::ops::text(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(said.contains(expect), "{expect} in {said}");
        assert!(!said.contains("panicked"), "{said}");
    }

    // A wrong PIN is a clear problem naming every key in the token, not a panic (a new token
    // of the same label, so that the PIN is what fails).
    new_token_labelled(d, &token, &env);
    std::fs::write(&pin_file, "0000-wrong").unwrap();
    let out = crate::ops::run_node(&["check", "--config", config.to_str().unwrap()], &env);
    let said = crate::ops::text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for setting in [
        "oidc.signing_keys[0].pkcs11",
        "saml.signing.pkcs11",
        "saml.encryption[0].pkcs11",
    ] {
        assert!(said.contains(setting), "{setting} in {said}");
    }
    assert!(
        said.to_lowercase().contains("pin"),
        "the PIN is named: {said}"
    );
    assert!(!said.contains("panicked"), "{said}");
}

#[tokio::test]
async fn a_login_with_every_rsa_key_inside_a_softhsm_token() {
    if !softhsm_ready("a_login_with_every_rsa_key_inside_a_softhsm_token") {
        return;
    }
    let dir = TempDir::new("hsm-rsa");
    let d = dir.path();
    let (token, pin_file) = new_token(d, &[]);
    let mut keys = generate_in_token(&token, &pin_file, &d.join("keys"), true, &[]);
    let sim = Sim::start_trusting(d, &keys.saml_signing.1);

    // XB encrypts with RSA-OAEP SHA-256 / MGF1-SHA-256, which SoftHSM 2.6's own OAEP cannot
    // do: the login ends in an error for the e-service (never a code) and the node stays up.
    let (gw, _) = start_gateway(d, &sim, keys.clone(), true, "gw-rsa-token-oaep", &[]);
    wait_ready(&gw).await;
    let (url, _, _) = authorize_url(&gw.url, "openid", &[]);
    let r = login_flow(&Browser::new().unwrap(), &url, "XB").await;
    let refused = match &r {
        Ok(r) => query_param(&r.final_url, "code").is_none(),
        Err(_) => true,
    };
    assert!(refused, "no code without a usable decryption: {r:?}");
    assert!(!gw.stderr().contains("panicked"), "{}", gw.stderr());
    drop(gw);

    // With the padding checked outside (rsa_oaep = "raw"), the token still does the RSA
    // operation and the login completes, ID token signed RS256 in the token.
    let enc = &mut keys.saml_encryption[0].0;
    *enc = enc.replacen(" }", ", rsa_oaep = \"raw\" }", 1);
    let (gw, _) = start_gateway(d, &sim, keys, true, "gw-rsa", &[]);
    wait_ready(&gw).await;
    let claims = login(&gw, "XB", CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256).await;
    assert_eq!(claims["eidas_country"], "XB");
}
