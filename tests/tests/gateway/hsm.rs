//! Issue 13, first slice: the ID token key and the SAML signing key inside a PKCS#11 token
//! (SoftHSM2). The gateway signs its metadata, its AuthnRequests and the ID tokens in the token:
//! the simulated country verifies the AuthnRequest against our metadata, and the e-service the
//! ID token against the JWKS, published from the key's public half read from the token. Skips without SoftHSM2 (`SOFTHSM2_CONF`, set by
//! `scripts/test.sh`), fails so under `CI=true`.

use std::process::Command;

use eidas_testbed::browser::{login_flow, Browser};

use crate::harness::*;
use crate::login::verify_id_token;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

#[tokio::test]
async fn a_login_with_our_signing_keys_inside_a_softhsm_token() {
    if std::env::var_os("SOFTHSM2_CONF").is_none() || !std::path::Path::new(MODULE).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but SoftHSM2 is not set up"
        );
        eprintln!("SKIPPED a_login_with_our_signing_keys_inside_a_softhsm_token: no SoftHSM2");
        return;
    }
    let dir = TempDir::new("hsm");
    let d = dir.path();
    // A token, and the example ES256 and SAML signing keys imported into it (PKCS#8, as
    // softhsm2-util wants).
    let token = format!("gw-{:012x}", rand_u64() & 0xffff_ffff_ffff);
    let pin = "4321-test";
    let run = |args: &[&str]| {
        let out = Command::new("softhsm2-util").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "--init-token",
        "--free",
        "--label",
        &token,
        "--pin",
        pin,
        "--so-pin",
        "8765-test",
    ]);
    for (file, label, id) in [
        ("gateway/oidc-signing.key", "idtoken", "01"),
        ("gateway/saml-signing.key", "samlsign", "02"),
    ] {
        let pem = std::fs::read(keys().join(file)).unwrap();
        let key = openssl::pkey::PKey::private_key_from_pem(&pem).unwrap();
        let p8 = d.join(format!("{label}.p8"));
        std::fs::write(&p8, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        run(&[
            "--import",
            p8.to_str().unwrap(),
            "--token",
            &token,
            "--label",
            label,
            "--id",
            id,
            "--pin",
            pin,
        ]);
        std::fs::remove_file(&p8).unwrap();
    }
    let pin_file = d.join("hsm.pin");
    std::fs::write(&pin_file, pin).unwrap();

    let sim = Sim::start(d);
    let mut cfg = GwConfig::new(sim.url());
    cfg.rs256 = false;
    let mut toml = cfg.builder().toml();
    for (file, label) in [
        ("gateway/oidc-signing.key", "idtoken"),
        ("gateway/saml-signing.key", "samlsign"),
    ] {
        let needle = format!("key_path = \"{}\"", keys().join(file).display());
        assert!(toml.contains(&needle), "{needle} in {toml}");
        let in_token = format!(
            "pkcs11 = {{ module = \"{MODULE}\", token = \"{token}\", key = \"{label}\", pin_file = \"{}\" }}",
            pin_file.display()
        );
        toml = toml.replace(&needle, &in_token);
    }
    let config = d.join("gateway.toml");
    std::fs::write(&config, &toml).unwrap();
    let gw = spawn_listening(
        &node_bin(),
        &["serve", "--config", config.to_str().unwrap()],
        &[],
        d.join("gateway.stderr"),
    );
    // Ready once trust is loaded.
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

    let (url, _, verifier) = authorize_url(&gw.url, "openid", &[]);
    let r = login_flow(&Browser::new().unwrap(), &url, "XA")
        .await
        .unwrap();
    let code = query_param(&r.final_url, "code").expect("a code");
    let token_response = redeem(&format!("{}/token", gw.url), &code, &verifier).await;
    let nonce = query_param(&url, "nonce").unwrap();
    // Verified with the JWKS the gateway publishes, i.e. the token's public key.
    let claims = verify_id_token(
        &gw.url,
        token_response["id_token"].as_str().unwrap(),
        &nonce,
    )
    .await;
    assert_eq!(claims["eidas_country"], "XA");
    let jwks: serde_json::Value = reqwest::get(format!("{}/jwks", gw.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1, "{jwks}");

    // A wrong PIN is a clear start-up problem, not a panic.
    std::fs::write(&pin_file, "0000-wrong").unwrap();
    let out = crate::ops::run_node(&["check", "--config", config.to_str().unwrap()], &[]);
    let said = crate::ops::text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("oidc.signing_keys[0].pkcs11"), "{said}");
    assert!(said.contains("saml.signing.pkcs11"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}
