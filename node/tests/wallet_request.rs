#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 15 item 1 (first part): what we send the wallet and how its answer is opened. The
//! request object is signed by our access certificate's key with that chain in `x5c`, names us
//! by the certificate's `x509_hash`, asks by DCQL for only the claims given, in both PID formats,
//! and carries this request's encryption key; the answer decrypts only with that key and only
//! for that state, and a wallet's refusal is named.

mod support;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine;
use eidas_node::jose::{jwe, UnverifiedJws};
use eidas_node::keys::FileKey;
use eidas_node::wallet::request::{self, PidClaim, Request};
use eidas_node::wallet::{response, Error};
use serde_json::{json, Value};

fn public(
    k: &openssl::pkey::PKey<openssl::pkey::Private>,
) -> openssl::pkey::PKey<openssl::pkey::Public> {
    openssl::pkey::PKey::public_key_from_der(&k.public_key_to_der().unwrap()).unwrap()
}

#[test]
fn the_request_object_is_signed_names_us_and_asks_only_what_is_needed() {
    let ca = support::p256();
    let anchor = support::cert(&ca, "Access CA", None, true, -10, 3650);
    let key = support::p256();
    let leaf = support::cert(
        &key,
        "eidas-node wallet RP",
        Some((&ca, &anchor)),
        false,
        -1,
        365,
    );
    let client_id = request::client_id(&leaf).unwrap();
    // x509_hash: base64url(SHA-256(DER)), computed here with the openssl command line.
    let der = leaf.to_der().unwrap();
    let out = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-binary"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(&der)?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(client_id, format!("x509_hash:{}", B64.encode(&out.stdout)));

    let enc = jwe::ephemeral_key().unwrap();
    let claims = [
        PidClaim::GivenName,
        PidClaim::Birthdate,
        PidClaim::Nationalities,
    ];
    let jar = request::request_object(
        &Request {
            client_id: &client_id,
            response_uri: "https://gw.example/wallet/response",
            nonce: "n1",
            state: "s1",
            claims: &claims,
            authority_key_ids: &["a2V5LWlk".to_owned()],
            encryption_key: &public(&enc),
            encryption_kid: "enc-1",
            iat: 1_800_000_000,
        },
        &FileKey::new(key.clone()).unwrap(),
        std::slice::from_ref(&leaf),
    )
    .unwrap();
    let jws = UnverifiedJws::parse(&jar).unwrap();
    assert_eq!(jws.header.typ.as_deref(), Some("oauth-authz-req+jwt"));
    let payload: Value =
        serde_json::from_slice(jws.verify_with_key(&public(&key)).unwrap()).unwrap();
    let header: Value =
        serde_json::from_slice(&B64.decode(jar.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(
        header["x5c"],
        json!([STANDARD.encode(&der)]),
        "the leaf, standard base64, no anchor"
    );
    for (k, v) in [
        ("response_type", json!("vp_token")),
        ("response_mode", json!("direct_post.jwt")),
        ("client_id", json!(client_id)),
        ("response_uri", json!("https://gw.example/wallet/response")),
        ("nonce", json!("n1")),
        ("state", json!("s1")),
        ("aud", json!("https://self-issued.me/v2")),
        ("iat", json!(1_800_000_000)),
        ("exp", json!(1_800_000_300)),
    ] {
        assert_eq!(payload[k], v, "{k}");
    }
    assert!(
        payload.get("redirect_uri").is_none(),
        "OpenID4VP §8.2: never with response_uri"
    );
    let meta = &payload["client_metadata"];
    let jwk = &meta["jwks"]["keys"][0];
    assert_eq!(
        (
            jwk["kid"].as_str(),
            jwk["alg"].as_str(),
            jwk["use"].as_str()
        ),
        (Some("enc-1"), Some("ECDH-ES"), Some("enc"))
    );
    assert_eq!(
        meta["encrypted_response_enc_values_supported"],
        json!(["A128GCM", "A256GCM"])
    );
    // DCQL: both formats, one of them, only the three claims, each named as its format names it.
    let q = &payload["dcql_query"];
    assert_eq!(
        q["credential_sets"],
        json!([{"options": [["pid_sd_jwt"], ["pid_mdoc"]]}])
    );
    assert_eq!(
        q["credentials"][0]["meta"]["vct_values"],
        json!(["urn:eudi:pid:1"])
    );
    assert_eq!(
        q["credentials"][0]["claims"],
        json!([{"path": ["given_name"]}, {"path": ["birthdate"]}, {"path": ["nationalities"]}])
    );
    assert_eq!(
        q["credentials"][1]["meta"]["doctype_value"],
        json!("eu.europa.ec.eudi.pid.1")
    );
    let mdoc_paths: Vec<&Value> = q["credentials"][1]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["path"])
        .collect();
    assert_eq!(
        mdoc_paths,
        [
            &json!(["eu.europa.ec.eudi.pid.1", "given_name"]),
            &json!(["eu.europa.ec.eudi.pid.1", "birth_date"]),
            &json!(["eu.europa.ec.eudi.pid.1", "nationality"]),
        ]
    );
    assert_eq!(
        request::invocation("haip-vp://", &client_id, "https://gw.example/wallet/request/r1"),
        format!(
            "haip-vp://?client_id=x509_hash%3A{}&request_uri=https%3A%2F%2Fgw.example%2Fwallet%2Frequest%2Fr1",
            client_id.trim_start_matches("x509_hash:")
        )
    );
}

#[test]
fn the_answer_opens_only_with_its_key_and_state() {
    let enc = jwe::ephemeral_key().unwrap();
    let pk = public(&enc);
    let ours = FileKey::new(enc).unwrap();
    let seal = |v: Value| {
        jwe::encrypt(v.to_string().as_bytes(), &pk, "k1", jwe::Enc::A256GCM, None).unwrap()
    };
    let good = seal(json!({"vp_token": {"pid_sd_jwt": ["a~b~c"]}, "state": "s1"}));
    let a = response::open(&good, &ours, "k1", "s1").unwrap();
    assert_eq!(a.single("pid_sd_jwt").unwrap(), "a~b~c");
    assert_eq!(
        a.single("pid_mdoc").unwrap_err(),
        Error::MissingPresentation("pid_mdoc")
    );
    assert_eq!(
        response::open(&good, &ours, "k1", "s2").unwrap_err(),
        Error::StateMismatch
    );
    let other = FileKey::new(jwe::ephemeral_key().unwrap()).unwrap();
    assert_eq!(
        response::open(&good, &other, "k1", "s1")
            .unwrap_err()
            .code(),
        "decryption"
    );
    let declined = seal(json!({"error": "access_denied", "state": "s1"}));
    assert_eq!(
        response::open(&declined, &ours, "k1", "s1").unwrap_err(),
        Error::Declined("access_denied".into())
    );
    for bad in [
        json!({"vp_token": {"pid_sd_jwt": ["a", "b"]}, "state": "s1"}),
        json!({"vp_token": {"pid_sd_jwt": "a"}, "state": "s1"}),
        json!({"vp_token": {"pid_sd_jwt": [7]}, "state": "s1"}),
    ] {
        let a = response::open(&seal(bad.clone()), &ours, "k1", "s1").unwrap();
        assert_eq!(
            a.single("pid_sd_jwt").unwrap_err().code(),
            "malformed",
            "{bad}"
        );
    }
    let no_token = seal(json!({"state": "s1"}));
    assert_eq!(
        response::open(&no_token, &ours, "k1", "s1").unwrap_err(),
        Error::Malformed("vp_token")
    );
}
