//! Issue 13 item 3, on the real binary: our keys switch at their configured times without a
//! restart (SAML signing, SAML decryption, ID-token keys), a SIGHUP reloads the keys while a
//! login is in flight, and the admin API reloads them too, warning about a decryption key
//! removed too early and refusing a configuration that does not load.

use std::path::Path;
use std::time::Duration;

use eidas_testbed::browser::{login_flow, Browser};

use crate::harness::*;
use crate::login::verify_id_token;

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// The base64 of a PEM certificate's DER, as our metadata carries it.
fn cert_b64(pem_path: &str) -> String {
    let pem = std::fs::read(pem_path).unwrap();
    let der = openssl::x509::X509::from_pem(&pem)
        .unwrap()
        .to_der()
        .unwrap();
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(der)
}

struct Metadata {
    signing: usize,
    encryption: usize,
    text: String,
}

async fn metadata(gw: &str) -> Metadata {
    let text = reqwest::get(format!("{gw}/saml/metadata"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Metadata {
        signing: text.matches(r#"use="signing""#).count(),
        encryption: text.matches(r#"use="encryption""#).count(),
        text: text.split_whitespace().collect(),
    }
}

async fn jwks_kids(gw: &str) -> Vec<String> {
    let jwks: serde_json::Value = reqwest::get(format!("{gw}/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut kids: Vec<String> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect();
    kids.sort();
    kids
}

/// A login through XA; the `kid` of the verified ID token, or where the browser ended.
async fn try_login_kid(gw: &str) -> Result<String, String> {
    let (url, _, verifier) = authorize_url(gw, "openid", &[]);
    let r = login_flow(&Browser::new().unwrap(), &url, "XA")
        .await
        .unwrap();
    let Some(code) = query_param(&r.final_url, "code") else {
        return Err(r.final_url);
    };
    let tokens = redeem(&format!("{gw}/token"), &code, &verifier).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    verify_id_token(gw, id_token, &query_param(&url, "nonce").unwrap()).await;
    use base64::Engine;
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id_token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    Ok(header["kid"].as_str().unwrap().to_owned())
}

async fn login_kid(gw: &Proc) -> String {
    try_login_kid(&gw.url)
        .await
        .unwrap_or_else(|end| panic!("{end}\n{}", gw.stderr()))
}

async fn until(deadline: std::time::Instant, what: &str, mut ok: impl AsyncFnMut() -> bool) {
    while !ok().await {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The gateway config with the keys of this test in their states.
fn config(base: &str, new: &Path, at: &str, extra_oidc_key: &str, keep_old_ec: bool) -> String {
    let key = |f: &str| keys().join(f).display().to_string();
    let n = |f: &str| new.join(f).display().to_string();
    let mut out = String::new();
    let mut lines = base.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("signing = {") {
            out.push_str(&format!(
                "clock_skew_seconds = 1\nsigning = [\n  {{ key_path = \"{}\", cert_path = \"{}\", retire_at = \"{at}\" }},\n  \
                 {{ key_path = \"{}\", cert_path = \"{}\", state = \"next\", activate_at = \"{at}\" }},\n]\n",
                key("gateway/saml-signing.key"),
                key("gateway/saml-signing.crt"),
                n("saml-signing.key"),
                n("saml-signing.crt"),
            ));
        } else if line.starts_with("encryption = [") || line.starts_with("signing_keys = [") {
            for l in lines.by_ref() {
                if l == "]" {
                    break;
                }
            }
            if line.starts_with("encryption") {
                out.push_str("encryption = [\n");
                if keep_old_ec {
                    out.push_str(&format!(
                        "  {{ key_path = \"{}\", cert_path = \"{}\", retire_at = \"{at}\" }},\n",
                        key("gateway/saml-encryption-ec.key"),
                        key("gateway/saml-encryption-ec.crt"),
                    ));
                }
                out.push_str(&format!(
                    "  {{ key_path = \"{}\", cert_path = \"{}\" }},\n  {{ key_path = \"{}\", cert_path = \"{}\" }},\n]\n",
                    key("gateway/saml-encryption-rsa.key"),
                    key("gateway/saml-encryption-rsa.crt"),
                    n("saml-encryption.key"),
                    n("saml-encryption.crt"),
                ));
            } else {
                out.push_str(&format!(
                    "signing_keys = [\n  {{ kid = \"old-es256\", alg = \"ES256\", key_path = \"{}\", retire_at = \"{at}\" }},\n  \
                     {{ kid = \"new-es256\", alg = \"ES256\", key_path = \"{}\", status = \"next\", activate_at = \"{at}\" }},\n{extra_oidc_key}]\n",
                    key("gateway/oidc-signing.key"),
                    n("oidc-signing.key"),
                ));
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn keys_switch_at_their_times_and_reload_without_a_restart() {
    let dir = TempDir::new("rollover");
    let d = dir.path();
    let new = d.join("new");
    let out = crate::ops::run_node(&["keys", "generate", "--out", new.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", crate::ops::text(&out));
    let old_signing = keys()
        .join("gateway/saml-signing.crt")
        .display()
        .to_string();
    let new_signing = new.join("saml-signing.crt").display().to_string();
    let sim = Sim::start_trusting_all(d, &[&old_signing, &new_signing]);
    let mut cfg = GwConfig::new(sim.url());
    cfg.rs256 = false;
    cfg.oidc_extra = "id_token_ttl_seconds = 2".into();
    let (admin, token) = cfg.with_admin(d, "ops");
    // Everything switches 8 s after start: time for one login before.
    let at_time = time::OffsetDateTime::now_utc() + time::Duration::seconds(8);
    let at = rfc3339(at_time.replace_nanosecond(0).unwrap());
    let switch = std::time::Instant::now() + Duration::from_secs(8);
    let base = cfg.builder().toml();
    let path = d.join("gateway.toml");
    std::fs::write(&path, config(&base, &new, &at, "", true)).unwrap();
    let gw = spawn_listening(
        &node_bin(),
        &["serve", "--config", path.to_str().unwrap()],
        &[],
        d.join("gateway.stderr"),
    );
    let url = gw.url.clone();
    until(switch, "ready", async || {
        reqwest::get(format!("{url}/readyz"))
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;

    // `keys status` shows the timeline and warns: the new signing key activates before every
    // peer can have our metadata with it (its validity is a day here).
    let status = crate::ops::run_node(&["keys", "status", "--config", path.to_str().unwrap()], &[]);
    let said = crate::ops::text(&status);
    assert_eq!(status.status.code(), Some(2), "{said}");
    assert!(said.contains("saml.signing[1] activates"), "{said}");
    assert!(said.contains(&at), "{said}");

    // `check` warns the same (exit 2).
    let check = crate::ops::run_node(&["check", "--config", path.to_str().unwrap()], &[]);
    let said = crate::ops::text(&check);
    assert!(said.contains("saml.signing[1] activates"), "{said}");
    // `keys plan` proposes times from this configuration: metadata validity 24 h plus skew 1 s,
    // JWKS cache 300 s plus skew, ID tokens 2 s; rounded up to whole minutes.
    let plan = crate::ops::run_node(
        &[
            "keys",
            "plan",
            "--config",
            path.to_str().unwrap(),
            "--from",
            "2027-01-01T00:00:00Z",
            "--json",
        ],
        &[],
    );
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let steps: Vec<String> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["at"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        steps,
        [
            "2027-01-01T00:00:00Z", // publish
            "2027-01-01T00:06:00Z", // ID-token key signs
            "2027-01-02T00:01:00Z", // SAML signing key signs, old encryption certificate leaves
            "2027-01-01T00:06:03Z", // old ID-token key leaves the JWKS
            "2027-01-02T00:01:01Z", // old signing certificate leaves
            "2027-01-03T00:01:01Z", // old decryption key no longer tried
        ]
    );

    // Before the switch: the old key signs; the next signing key and every decryption key are
    // published; the next ID-token key is in the JWKS.
    let m = metadata(&gw.url).await;
    assert_eq!((m.signing, m.encryption), (2, 3), "{}", m.text);
    // Both signing certificates are published; the old key signs (its certificate is in the
    // metadata's own signature too).
    assert_eq!(m.text.matches(&cert_b64(&old_signing)).count(), 2);
    assert_eq!(m.text.matches(&cert_b64(&new_signing)).count(), 1);
    assert_eq!(jwks_kids(&gw.url).await, ["new-es256", "old-es256"]);
    assert_eq!(login_kid(&gw).await, "old-es256");
    assert!(
        std::time::Instant::now() < switch,
        "the first login ended after the switch"
    );

    // After it, on the same process: the new keys sign; the retired encryption certificate
    // left the metadata; the old ID-token key stays in the JWKS while its tokens live.
    tokio::time::sleep(switch.saturating_duration_since(std::time::Instant::now())).await;
    let gw_url = gw.url.clone();
    until(
        std::time::Instant::now() + Duration::from_secs(5),
        "encryption certificate left",
        async || metadata(&gw_url).await.encryption == 2,
    )
    .await;
    assert_eq!(login_kid(&gw).await, "new-es256");
    // Old ID-token key gone after its tokens' lifetime (2 s) plus the skew (1 s); the old
    // signing certificate after the skew.
    until(
        std::time::Instant::now() + Duration::from_secs(6),
        "old keys gone",
        async || jwks_kids(&gw_url).await == ["new-es256"] && metadata(&gw_url).await.signing == 1,
    )
    .await;
    // The new key signs the metadata (and the AuthnRequests: the same key in force).
    let m = metadata(&gw.url).await;
    assert_eq!(m.text.matches(&cert_b64(&new_signing)).count(), 2);
    assert!(!m.text.contains(&cert_b64(&old_signing)));

    // SIGHUP with a login in flight: a next RS256 key appears in the JWKS, the login completes.
    let rs = new.join("oidc-signing-rs256.key").display().to_string();
    std::fs::write(
        &path,
        config(
            &base,
            &new,
            &at,
            &format!("  {{ kid = \"hup-rs256\", alg = \"RS256\", key_path = \"{rs}\", status = \"next\" }},\n"),
            true,
        ),
    )
    .unwrap();
    let in_flight = tokio::spawn({
        let u = gw.url.clone();
        async move { try_login_kid(&u).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let pid = gw.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    assert_eq!(
        in_flight.await.unwrap().as_deref(),
        Ok("new-es256"),
        "{}",
        gw.stderr()
    );
    until(
        std::time::Instant::now() + Duration::from_secs(5),
        "hup-rs256 in the JWKS",
        async || jwks_kids(&gw_url).await.contains(&"hup-rs256".to_owned()),
    )
    .await;

    // The admin API: removing the retiring decryption key (still tried for a day) is done, but
    // warned about.
    std::fs::write(&path, config(&base, &new, &at, "", false)).unwrap();
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{admin}/admin/keys/reload"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let warnings = body["warnings"].to_string();
    assert!(
        warnings.contains("saml.encryption[0]")
            && warnings.contains("removed while peers may still encrypt"),
        "{body}"
    );
    assert_eq!(
        jwks_kids(&gw.url).await,
        ["new-es256"],
        "hup-rs256 went with the reload"
    );
    // And the warning was right: the peer still encrypts to the removed key, the login fails
    // (an error for the e-service, never a code).
    let end = try_login_kid(&gw.url).await.unwrap_err();
    assert!(end.contains("error=access_denied"), "{end}");
    assert!(gw.stderr().contains("no_recipient_key"), "{}", gw.stderr());
    // A configuration that does not load is refused; the keys in force stay.
    std::fs::write(&path, config(&base, &d.join("absent"), &at, "", false)).unwrap();
    let r = client
        .post(format!("{admin}/admin/keys/reload"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("saml.signing[1]"));
    assert_eq!(jwks_kids(&gw.url).await, ["new-es256"]);
    assert_eq!(metadata(&gw.url).await.encryption, 2);
    // Without the token: refused.
    let r = client
        .post(format!("{admin}/admin/keys/reload"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(!gw.stderr().contains("panicked"), "{}", gw.stderr());
}
