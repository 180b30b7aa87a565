//! The wallet verifier's CPU per login (issue 15 item 6), beside the SAML path's: opening the
//! `direct_post.jwt` answer (ECDH-ES + AES-GCM) and verifying the PID presentation (the issuer's
//! chain to the anchor, its signature, the disclosures, the key binding) for SD-JWT VC and for
//! mdoc, against the raw public-key operations they contain, timed interleaved in the same run.
//! Status-list fetching is network, not CPU, and is not included (a cached list is a map
//! lookup). Run with `cargo bench --bench wallet`; figures go to BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use eidas_node::jose::jwe;
use eidas_node::keys::{FileKey, PrivateKey};
use eidas_node::wallet::pid::{Names, Pid};
use eidas_node::wallet::{holder, mdoc, response, sdjwt, PID_VCT};
use openssl::pkey::{PKey, Private, Public};
use openssl::x509::X509;
use serde_json::json;

fn p256() -> PKey<Private> {
    eidas_node::jose::jwe::ephemeral_key().unwrap()
}

fn public(k: &PKey<Private>) -> PKey<Public> {
    PKey::public_key_from_der(&k.public_key_to_der().unwrap()).unwrap()
}

fn cert(key: &PKey<Private>, cn: &str, issuer: Option<(&PKey<Private>, &X509)>) -> X509 {
    holder::certificate(key, cn, issuer, issuer.is_none()).unwrap()
}

fn best<F: FnMut()>(mut f: F) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for _ in 0..300 {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6 / 300.0);
    }
    best
}

fn main() {
    let ca = p256();
    let anchor = cert(&ca, "PID CA", None);
    let issuer_key = p256();
    let leaf = cert(&issuer_key, "PID Provider", Some((&ca, &anchor)));
    let issuer = FileKey::new(issuer_key.clone()).unwrap();
    let device = FileKey::new(p256()).unwrap();
    let enc = p256();
    let enc_pub = public(&enc);
    let ours = FileKey::new(enc.clone()).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let t = now.unix_timestamp();
    let client_id = "x509_hash:bench";
    let claims = json!({
        "vct": PID_VCT, "iat": t - 60, "exp": t + 3600,
        "given_name": "Ewa", "family_name": "Kowalska", "birthdate": "1990-01-31",
        "issuing_country": "XW", "personal_administrative_number": "XW-77",
        "place_of_birth": {"locality": "Kraków"}, "nationalities": ["PL"],
    });
    let issued = holder::issue(
        claims.as_object().unwrap(),
        &[
            "given_name",
            "family_name",
            "birthdate",
            "issuing_country",
            "personal_administrative_number",
            "place_of_birth",
        ],
        &["nationalities"],
        &issuer,
        std::slice::from_ref(&leaf),
        device.public_key(),
    )
    .unwrap();
    let presentation = holder::present(&issued, &|_| true, &device, client_id, "n1", t).unwrap();
    let sd_answer = jwe::encrypt(
        json!({"vp_token": {"pid_sd_jwt": [presentation]}, "state": "s1"})
            .to_string()
            .as_bytes(),
        &enc_pub,
        "k1",
        jwe::Enc::A256GCM,
        None,
    )
    .unwrap();
    let thumb = jwe::p256_thumbprint(&enc_pub).unwrap();
    let me = mdoc::Expect {
        client_id,
        nonce: "n1",
        jwk_thumbprint: &thumb,
        response_uri: "https://gw/r",
        now,
        skew: time::Duration::seconds(60),
    };
    let mdoc_issued = holder::issue_mdoc(
        &[
            ("family_name", ciborium::Value::Text("Kowalska".into())),
            ("given_name", ciborium::Value::Text("Ewa".into())),
            (
                "birth_date",
                ciborium::Value::Tag(1004, Box::new(ciborium::Value::Text("1990-01-31".into()))),
            ),
            ("issuing_country", ciborium::Value::Text("XW".into())),
            (
                "personal_administrative_number",
                ciborium::Value::Text("XW-77".into()),
            ),
        ],
        &issuer,
        std::slice::from_ref(&leaf),
        device.public_key(),
        t - 60,
        t + 3600,
        None,
    )
    .unwrap();
    let mdoc_p = holder::present_mdoc(&mdoc_issued, &|_| true, &device, &me).unwrap();
    let md_answer = jwe::encrypt(
        json!({"vp_token": {"pid_mdoc": [mdoc_p]}, "state": "s1"})
            .to_string()
            .as_bytes(),
        &enc_pub,
        "k1",
        jwe::Enc::A256GCM,
        None,
    )
    .unwrap();
    let anchors = [anchor.clone()];
    let e = sdjwt::Expect {
        client_id,
        nonce: "n1",
        vct: &[PID_VCT],
        now,
        skew: time::Duration::seconds(60),
        kb_max_age: time::Duration::minutes(5),
    };

    let sd_login = || {
        let a = response::open(&sd_answer, &ours, "k1", "s1").unwrap();
        let v = sdjwt::verify(a.single("pid_sd_jwt").unwrap(), &anchors, &e).unwrap();
        Pid::from_claims(&v.claims, Names::SD_JWT, "XW").unwrap();
    };
    let md_login = || {
        let a = response::open(&md_answer, &ours, "k1", "s1").unwrap();
        let v = mdoc::verify(a.single("pid_mdoc").unwrap(), &anchors, &me).unwrap();
        Pid::from_claims(&v.claims, Names::MDOC, "XW").unwrap();
    };
    // The raw public-key work of one answer: ECDH (decryption), the certificate's signature
    // (chain), the issuer's signature, the holder's (key binding / device) signature.
    let sig =
        openssl::ecdsa::EcdsaSig::sign(&[7u8; 32], issuer_key.ec_key().unwrap().as_ref()).unwrap();
    let issuer_pub = issuer_key.ec_key().unwrap();
    let peer = public(&p256());
    let raw = || {
        let mut d = openssl::derive::Deriver::new(&enc).unwrap();
        d.set_peer(&peer).unwrap();
        d.derive_to_vec().unwrap();
        for _ in 0..3 {
            assert!(sig.verify(&[7u8; 32], &issuer_pub).unwrap());
        }
    };
    let only = std::env::var("WALLET_BENCH").unwrap_or_default();
    let mut rows = Vec::new();
    for round in 0..3 {
        let r = best(raw);
        if only.is_empty() || only == "sd-jwt" {
            let s = best(sd_login);
            rows.push(("sd-jwt", round, s, r));
        }
        if only.is_empty() || only == "mdoc" {
            let m = best(md_login);
            rows.push(("mdoc", round, m, r));
        }
    }
    for (what, round, v, r) in rows {
        println!("{what} round {round}: answer opened + PID verified {v:.0} µs/op; raw ECDH + 3 ECDSA verify {r:.0} µs; ratio {:.2}", v / r);
    }
}
