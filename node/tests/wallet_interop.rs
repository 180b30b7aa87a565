#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Interop with an independent PID provider and wallet (`tests/wallet-python/interop.py`): a PID
//! issued as SD-JWT VC and presented with a key binding JWT by the OpenWallet Foundation's Python
//! `sd-jwt` library is accepted by our verifier (and refused for another nonce), and the wallet's
//! `direct_post.jwt` answer encrypted by Authlib (ECDH-ES, A128GCM and A256GCM) is decrypted by
//! ours; a PID mdoc issued by pyMDOC-CBOR (the EUDI reference implementation's mdoc library) and
//! device-signed with pycose over the OpenID4VP session transcript is verified by ours; and a
//! PID-providers list written and signed in Python is verified by ours. `scripts/test.sh`
//! installs the requirements; under `CI` a missing module fails the test.

mod support;

use std::path::PathBuf;
use std::process::Command;

use eidas_node::jose::jwe;
use eidas_node::keys::FileKey;
use eidas_node::wallet::sdjwt::{self, Expect};
use eidas_node::wallet::{Error, PID_VCT};
use serde_json::json;
use time::{Duration, OffsetDateTime};

fn available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import sd_jwt, jwcrypto, authlib, pymdoccbor, pycose"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "python sd-jwt is required in CI (pip install -r tests/wallet-python/requirements.txt)"
        );
        eprintln!("SKIPPED: python sd-jwt not installed (scripts/test.sh installs it)");
    }
    ok
}

fn py(args: &[&str]) -> String {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/wallet-python/interop.py");
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn tmp(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("eidas-wallet-py-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn a_pid_presented_by_the_python_sd_jwt_wallet_is_verified() {
    if !available() {
        return;
    }
    let ca_key = support::p256();
    let anchor = support::cert(&ca_key, "Python PID CA", None, true, -10, 3650);
    let issuer = support::p256();
    let leaf = support::cert(
        &issuer,
        "Python PID Provider",
        Some((&ca_key, &anchor)),
        false,
        -1,
        30,
    );
    let holder = support::p256();
    let ik = tmp("issuer.pem", &issuer.private_key_to_pem_pkcs8().unwrap());
    let chain = tmp("chain.pem", &leaf.to_pem().unwrap());
    let hk = tmp("holder.pem", &holder.private_key_to_pem_pkcs8().unwrap());
    let client_id = "x509_hash:Uvo3HtuIxuhC92rShpgqcT3YXwrqRxWEviRiA0OZszk";
    let presentation = py(&["present", &ik, &chain, &hk, client_id, "nonce-42"]);
    let expect = |nonce| Expect {
        client_id,
        nonce,
        vct: &[PID_VCT],
        now: OffsetDateTime::now_utc(),
        skew: Duration::seconds(60),
        kb_max_age: Duration::minutes(5),
    };
    let v = sdjwt::verify(
        &presentation,
        std::slice::from_ref(&anchor),
        &expect("nonce-42"),
    )
    .unwrap();
    assert_eq!(v.claims["given_name"], "Erika");
    assert_eq!(v.claims["family_name"], "Mustermann");
    assert_eq!(v.claims["birthdate"], "1964-08-12");
    assert_eq!(v.claims["issuing_country"], "XP");
    assert_eq!(
        v.claims["nationalities"],
        json!(["DE"]),
        "one nationality withheld"
    );
    assert!(v.claims.get("personal_administrative_number").is_none());
    // Bound to another nonce; or under an anchor that is not the provider's.
    assert_eq!(
        sdjwt::verify(
            &presentation,
            std::slice::from_ref(&anchor),
            &expect("other")
        )
        .unwrap_err(),
        Error::KeyBindingInvalid("nonce")
    );
    let stranger = support::cert(&support::p256(), "Other CA", None, true, -1, 30);
    assert_eq!(
        sdjwt::verify(&presentation, &[stranger], &expect("nonce-42"))
            .unwrap_err()
            .code(),
        "untrusted_issuer"
    );
}

#[test]
fn an_answer_encrypted_by_authlib_is_decrypted() {
    if !available() {
        return;
    }
    let key = jwe::ephemeral_key().unwrap();
    let public =
        openssl::pkey::PKey::public_key_from_der(&key.public_key_to_der().unwrap()).unwrap();
    let (x, y) = jwe::p256_coordinates(&public).unwrap();
    let jwk = json!({"kty": "EC", "crv": "P-256", "x": x, "y": y}).to_string();
    let ours = FileKey::new(key).unwrap();
    for enc in ["A128GCM", "A256GCM"] {
        let payload = r#"{"vp_token":{"pid_sd_jwt":["x~y~"]},"state":"s1"}"#;
        let token = py(&["encrypt", &jwk, "enc-1", enc, payload]);
        let d = jwe::decrypt(&token, &ours, "enc-1").unwrap();
        assert_eq!(d.payload, payload.as_bytes(), "{enc}");
        assert_eq!(d.enc.as_str(), enc);
        assert_eq!(
            jwe::decrypt(&token, &ours, "enc-2").unwrap_err(),
            jwe::Error::WrongKey
        );
    }
}

/// A PID-providers list written and signed independently (Python: the TS 119 602 JSON from the
/// spec's names, an Authlib JWS with the JAdES `sigT` critical header) is verified by ours; it
/// yields the anchor of the country it may vouch for only, and refuses another signer.
#[test]
fn a_pid_providers_list_signed_by_authlib_is_verified() {
    if !available() {
        return;
    }
    use eidas_node::wallet::lote::{self, SignerTrust};
    let signer_key = support::p256();
    let signer = support::cert(&signer_key, "Python list operator", None, false, -1, 30);
    let anchor = support::cert(&support::p256(), "Pythonland PID CA", None, true, -1, 30);
    let list = py(&[
        "lote",
        &tmp(
            "list-key.pem",
            &signer_key.private_key_to_pem_pkcs8().unwrap(),
        ),
        &tmp("list-signer.pem", &signer.to_pem().unwrap()),
        &tmp("pid-anchor.pem", &anchor.to_pem().unwrap()),
        "7",
    ]);
    let territories = ["XP".to_owned()];
    let expect = |trust| lote::Expect {
        signer: trust,
        territories: &territories,
        now: OffsetDateTime::now_utc(),
        skew: Duration::seconds(60),
    };
    let pinned = SignerTrust::Pinned(vec![signer.clone()]);
    let l = lote::verify(&list, &expect(&pinned)).unwrap();
    assert_eq!(l.sequence, 7);
    assert_eq!(l.operator, "Python list operator");
    assert_eq!(l.providers.len(), 1, "XQ is outside the territories");
    let p = &l.providers[0];
    assert_eq!((p.country.as_str(), p.id.as_str()), ("XP", "vatxp-123456"));
    assert_eq!(p.anchors[0].to_der().unwrap(), anchor.to_der().unwrap());
    assert_eq!(
        p.status_signers.len(),
        1,
        "the revocation service's certificate"
    );
    let stranger = SignerTrust::Pinned(vec![anchor.clone()]);
    assert_eq!(
        lote::verify(&list, &expect(&stranger)).unwrap_err().code(),
        "trust_list_invalid"
    );
}

/// A PID as mdoc from independent code: issued by pyMDOC-CBOR (its own CBOR encodings, MSO,
/// value digests and COSE_Sign1 by pycose), device-signed with pycose over DeviceAuthentication
/// with the OpenID4VP 1.0 session transcript. Ours verifies it for this request only.
#[test]
fn a_pid_mdoc_issued_by_pymdoccbor_is_verified() {
    if !available() {
        return;
    }
    use eidas_node::wallet::mdoc;
    let ca_key = support::p256();
    let anchor = support::cert(&ca_key, "Python mdoc PID CA", None, true, -10, 3650);
    let issuer = support::p256();
    let leaf = support::cert(
        &issuer,
        "Python mdoc PID Provider",
        Some((&ca_key, &anchor)),
        false,
        -1,
        30,
    );
    let device = support::p256();
    let client_id = "x509_hash:Uvo3HtuIxuhC92rShpgqcT3YXwrqRxWEviRiA0OZszk";
    let response_uri = "https://connector.example.eu/wallet/response";
    let status_uri = "https://pid.example.eu/status/1";
    static THUMBPRINT: [u8; 32] = [7u8; 32];
    let thumbprint_b64 = eidas_node::jose::b64(&THUMBPRINT);
    let response = py(&[
        "mdoc",
        &tmp(
            "mdoc-issuer.pem",
            &issuer.private_key_to_pem_pkcs8().unwrap(),
        ),
        &tmp("mdoc-chain.pem", &leaf.to_pem().unwrap()),
        &tmp(
            "mdoc-device.pem",
            &device.private_key_to_pem_pkcs8().unwrap(),
        ),
        client_id,
        "nonce-mdoc",
        &thumbprint_b64,
        response_uri,
        status_uri,
    ]);
    let expect = |nonce, thumbprint: &'static [u8]| mdoc::Expect {
        client_id,
        nonce,
        jwk_thumbprint: thumbprint,
        response_uri,
        now: OffsetDateTime::now_utc(),
        skew: Duration::seconds(60),
    };
    let v = mdoc::verify(
        &response,
        std::slice::from_ref(&anchor),
        &expect("nonce-mdoc", &THUMBPRINT),
    )
    .unwrap();
    assert_eq!(v.claims["family_name"], "Mustermann");
    assert_eq!(v.claims["given_name"], "Erika");
    assert_eq!(v.claims["birth_date"], "1964-08-12", "full-date, tag 1004");
    assert_eq!(v.claims["issuing_country"], "XP");
    assert_eq!(v.claims["nationality"], json!(["DE"]));
    assert_eq!(v.claims["personal_administrative_number"], "XP-4711");
    let status = v.status.unwrap();
    assert_eq!((status.uri.as_str(), status.idx), (status_uri, 3));
    // Signed for another nonce or another encryption key: the device signature fails.
    static OTHER: [u8; 32] = [8u8; 32];
    for (nonce, thumbprint) in [("other", &THUMBPRINT), ("nonce-mdoc", &OTHER)] {
        assert_eq!(
            mdoc::verify(
                &response,
                std::slice::from_ref(&anchor),
                &expect(nonce, thumbprint)
            )
            .unwrap_err()
            .code(),
            "key_binding_invalid",
            "{nonce}"
        );
    }
    // Under an anchor that is not the provider's.
    let stranger = support::cert(&support::p256(), "Other CA", None, true, -1, 30);
    assert_eq!(
        mdoc::verify(&response, &[stranger], &expect("nonce-mdoc", &THUMBPRINT))
            .unwrap_err()
            .code(),
        "untrusted_issuer"
    );
}
