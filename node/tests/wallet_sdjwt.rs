#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 15 item 2 (SD-JWT VC): a PID presentation verified, and every way it can be wrong
//! refused with its named error: the key binding (missing, another nonce, audience, key, a stale
//! one, a presentation changed after binding), the disclosures (tampered, repeated, a claim that
//! must stay plain), the issuer (signature, untrusted or expired chain, `typ`, `alg`), validity
//! and type. The PID provider and wallet are `wallet::holder`; `wallet_interop.rs` does the same
//! with an independent implementation (Python `sd-jwt`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
mod support;

use eidas_node::keys::{FileKey, PrivateKey};
use eidas_node::wallet::holder;
use eidas_node::wallet::sdjwt::{self, Expect};
use eidas_node::wallet::{Error, PID_VCT};
use openssl::x509::X509;
use serde_json::{json, Map, Value};
use support::{cert, p256};
use time::{Duration, OffsetDateTime};

const CLIENT_ID: &str = "x509_hash:abc";
const NONCE: &str = "n-0S6_WzA2Mj";

/// A PID provider under a trust anchor, and a wallet.
struct World {
    anchor: X509,
    issuer: FileKey,
    chain: Vec<X509>,
    holder: FileKey,
}

impl World {
    fn new() -> World {
        World::with_validity(-1, 365)
    }

    fn with_validity(from: i64, until: i64) -> World {
        let ca_key = p256();
        let anchor = cert(&ca_key, "Testland PID CA", None, true, -10, 3650);
        let issuer_key = p256();
        let leaf = cert(
            &issuer_key,
            "Testland PID Provider",
            Some((&ca_key, &anchor)),
            false,
            from,
            until,
        );
        World {
            anchor,
            issuer: FileKey::new(issuer_key).unwrap(),
            chain: vec![leaf],
            holder: FileKey::new(p256()).unwrap(),
        }
    }

    fn claims(&self) -> Map<String, Value> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        json!({
            "iss": "https://pid.testland.example",
            "vct": PID_VCT,
            "iat": now - 3600,
            "exp": now + 86_400,
            "status": {"status_list": {"idx": 7, "uri": "https://pid.testland.example/status/1"}},
            "given_name": "Eleni",
            "family_name": "Papadopoulou",
            "birthdate": "1985-03-25",
            "place_of_birth": {"locality": "Thessaloniki", "country": "GR"},
            "nationalities": ["GR", "CY"],
            "personal_administrative_number": "GR-0002-TEST",
            "issuing_country": "XW",
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn issue_claims(&self, claims: &Map<String, Value>, disclosable: &[&str]) -> String {
        holder::issue(
            claims,
            disclosable,
            &["nationalities"],
            &self.issuer,
            &self.chain,
            self.holder.public_key(),
        )
        .unwrap()
    }

    fn issue(&self) -> String {
        self.issue_claims(
            &self.claims(),
            &[
                "given_name",
                "family_name",
                "birthdate",
                "place_of_birth",
                "personal_administrative_number",
                "issuing_country",
            ],
        )
    }

    fn present_with(
        &self,
        issued: &str,
        keep: &dyn Fn(&Value) -> bool,
        aud: &str,
        nonce: &str,
        iat: i64,
    ) -> String {
        holder::present(issued, keep, &self.holder, aud, nonce, iat).unwrap()
    }

    /// All but the personal administrative number, for us, now.
    fn present(&self, issued: &str) -> String {
        self.present_with(
            issued,
            &|d| d.get(1).and_then(Value::as_str) != Some("personal_administrative_number"),
            CLIENT_ID,
            NONCE,
            OffsetDateTime::now_utc().unix_timestamp(),
        )
    }

    fn verify(&self, presentation: &str) -> Result<sdjwt::Verified, Error> {
        sdjwt::verify(presentation, std::slice::from_ref(&self.anchor), &expect())
    }
}

fn expect() -> Expect<'static> {
    Expect {
        client_id: CLIENT_ID,
        nonce: NONCE,
        vct: &[PID_VCT],
        now: OffsetDateTime::now_utc(),
        skew: Duration::seconds(60),
        kb_max_age: Duration::minutes(5),
    }
}

fn code(r: Result<sdjwt::Verified, Error>) -> String {
    match r {
        Ok(_) => "accepted".into(),
        Err(Error::KeyBindingInvalid(why)) => format!("key_binding_invalid: {why}"),
        Err(e) => e.code().into(),
    }
}

/// Re-signs the issuer JWT of `issued` after `edit` changed its header and payload.
fn resign(w: &World, issued: &str, edit: impl Fn(&mut Value, &mut Value)) -> String {
    let (jwt, rest) = issued.split_once('~').unwrap();
    let mut parts = jwt.split('.');
    let mut h: Value = serde_json::from_slice(&B64.decode(parts.next().unwrap()).unwrap()).unwrap();
    let mut p: Value = serde_json::from_slice(&B64.decode(parts.next().unwrap()).unwrap()).unwrap();
    edit(&mut h, &mut p);
    format!("{}~{rest}", holder::sign_jws(&h, &p, &w.issuer).unwrap())
}

#[test]
fn a_pid_presentation_verifies_with_what_was_disclosed() {
    let w = World::new();
    let v = w.verify(&w.present(&w.issue())).unwrap();
    let c = &v.claims;
    assert_eq!(c["given_name"], "Eleni");
    assert_eq!(c["family_name"], "Papadopoulou");
    assert_eq!(c["birthdate"], "1985-03-25");
    assert_eq!(c["place_of_birth"]["locality"], "Thessaloniki");
    assert_eq!(c["nationalities"], json!(["GR", "CY"]));
    assert_eq!(c["issuing_country"], "XW");
    assert!(
        c.get("personal_administrative_number").is_none(),
        "not disclosed"
    );
    assert!(c.get("_sd").is_none() && c.get("_sd_alg").is_none());
    let status = v.status.unwrap();
    assert_eq!(
        (status.idx, status.uri.as_str()),
        (7, "https://pid.testland.example/status/1")
    );
    assert_eq!(
        v.issuer
            .unwrap()
            .leaf
            .subject_name()
            .entries()
            .next()
            .unwrap()
            .data()
            .to_string()
            .unwrap(),
        "Testland PID Provider"
    );
    // One nationality withheld: the array keeps the other.
    let issued = w.issue();
    let p = w.present_with(
        &issued,
        &|d| d.get(1) != Some(&json!("CY")),
        CLIENT_ID,
        NONCE,
        OffsetDateTime::now_utc().unix_timestamp(),
    );
    assert_eq!(w.verify(&p).unwrap().claims["nationalities"], json!(["GR"]));
}

#[test]
fn every_wrong_key_binding_is_refused() {
    let w = World::new();
    let issued = w.issue();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let all = |_: &Value| true;
    let good = w.present(&issued);
    let (presented, _) = good.rsplit_once('~').unwrap();
    let presented = format!("{presented}~");
    let other = FileKey::new(p256()).unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("key_binding_missing", presented.clone()),
        (
            "key_binding_invalid: nonce",
            w.present_with(&issued, &all, CLIENT_ID, "another", now),
        ),
        (
            "key_binding_invalid: aud",
            w.present_with(&issued, &all, "x509_hash:other", NONCE, now),
        ),
        (
            "key_binding_invalid: iat",
            w.present_with(&issued, &all, CLIENT_ID, NONCE, now - 3600),
        ),
        (
            "key_binding_invalid: iat",
            w.present_with(&issued, &all, CLIENT_ID, NONCE, now + 3600),
        ),
        (
            "key_binding_invalid: signature",
            format!(
                "{presented}{}",
                holder::key_binding(&presented, &other, CLIENT_ID, NONCE, now).unwrap()
            ),
        ),
        // A disclosure added after the holder bound the presentation.
        ("key_binding_invalid: sd_hash", {
            let fewer = w.present_with(&issued, &|_| false, CLIENT_ID, NONCE, now);
            let (head, kb) = fewer.rsplit_once('~').unwrap();
            let extra = issued.split('~').nth(1).unwrap();
            format!("{head}~{extra}~{kb}")
        }),
        ("key_binding_invalid: typ", {
            let kb = holder::sign_jws(
                &json!({"alg": "ES256", "typ": "JWT"}),
                &json!({"iat": now, "aud": CLIENT_ID, "nonce": NONCE, "sd_hash": sdjwt::digest(&presented)}),
                &w.holder,
            )
            .unwrap();
            format!("{presented}{kb}")
        }),
    ];
    for (want, p) in cases {
        assert_eq!(code(w.verify(&p)), want, "{want}");
    }
}

#[test]
fn every_wrong_disclosure_is_refused() {
    let w = World::new();
    let issued = w.issue();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let bind = |presented: &str| {
        format!(
            "{presented}{}",
            holder::key_binding(presented, &w.holder, CLIENT_ID, NONCE, now).unwrap()
        )
    };
    let (jwt, _) = issued.split_once('~').unwrap();
    let first = issued.split('~').nth(1).unwrap();
    // A disclosure whose value was changed: its digest is nowhere in the credential.
    let mut d = holder::decode_disclosure(first).unwrap();
    d[2] = json!("Mallory");
    let forged = B64.encode(d.to_string());
    assert_eq!(
        code(w.verify(&bind(&format!("{jwt}~{forged}~")))),
        "disclosure_unreferenced"
    );
    // The same disclosure twice.
    assert_eq!(
        code(w.verify(&bind(&format!("{jwt}~{first}~{first}~")))),
        "duplicate_digest"
    );
    // Not base64url JSON; an empty one.
    assert_eq!(
        code(w.verify(&bind(&format!("{jwt}~%%%~")))),
        "disclosure_invalid"
    );
    assert_eq!(code(w.verify(&bind(&format!("{jwt}~~")))), "malformed");
    // `exp` selectively disclosable: refused even when disclosed and valid.
    let exp_hidden = w.issue_claims(&w.claims(), &["exp", "given_name"]);
    assert_eq!(
        code(w.verify(&w.present(&exp_hidden))),
        "protected_claim_disclosed"
    );
    // A digest listed twice in the signed payload.
    let doubled = resign(&w, &issued, |_, p| {
        let sd = p["_sd"].as_array().unwrap().clone();
        p["_sd"] = Value::Array([sd.clone(), sd].concat());
    });
    assert_eq!(code(w.verify(&w.present(&doubled))), "duplicate_digest");
    // Another hash algorithm.
    let md5 = resign(&w, &issued, |_, p| p["_sd_alg"] = json!("md5"));
    assert_eq!(code(w.verify(&w.present(&md5))), "algorithm_not_allowed");
}

#[test]
fn every_wrong_issuer_validity_or_type_is_refused() {
    let w = World::new();
    let issued = w.issue();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    // The payload changed after signing.
    let (jwt, rest) = issued.split_once('~').unwrap();
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    let mut p: Value = serde_json::from_slice(&B64.decode(&parts[1]).unwrap()).unwrap();
    p["iss"] = json!("https://evil.example");
    parts[1] = B64.encode(p.to_string());
    let tampered = format!("{}~{rest}", parts.join("."));
    assert_eq!(
        code(w.verify(&w.present(&tampered))),
        "issuer_signature_invalid"
    );
    // Signed by a key that does not chain to our anchor (a PID provider of nobody's).
    let stranger = World::new();
    assert_eq!(
        code(w.verify(&stranger.present(&stranger.issue()))),
        "untrusted_issuer"
    );
    // The issuer's certificate expired, or not yet valid.
    let old = World::with_validity(-30, -1);
    assert_eq!(
        code(old.verify(&old.present(&old.issue()))),
        "untrusted_issuer"
    );
    let early = World::with_validity(1, 30);
    assert_eq!(
        code(early.verify(&early.present(&early.issue()))),
        "untrusted_issuer"
    );
    // A self-signed issuer even if it were an anchor: refused.
    let k = p256();
    let selfsigned = cert(&k, "self", None, false, -1, 30);
    let mut s = World::new();
    s.issuer = FileKey::new(k).unwrap();
    s.chain = vec![selfsigned.clone()];
    s.anchor = selfsigned;
    assert_eq!(code(s.verify(&s.present(&s.issue()))), "untrusted_issuer");
    // Expired, not yet valid, issued in the future, no exp.
    for (edit, want) in [
        (json!({"exp": now - 3600}), "expired"),
        (json!({"exp": null}), "expired"),
        (json!({"nbf": now + 3600}), "not_yet_valid"),
        (json!({"iat": now + 3600}), "not_yet_valid"),
        (json!({"vct": "urn:eudi:pid:9"}), "vct_not_accepted"),
        (json!({"cnf": null}), "holder_key_missing"),
        (
            json!({"status": {"status_list": {"idx": -1, "uri": "https://x"}}}),
            "status_invalid",
        ),
        (
            json!({"status": {"status_list": {"idx": 1, "uri": "ftp://x"}}}),
            "status_invalid",
        ),
    ] {
        let changed = resign(&w, &issued, |_, p| {
            for (k, v) in edit.as_object().unwrap() {
                if v.is_null() {
                    p.as_object_mut().unwrap().remove(k);
                } else {
                    p[k] = v.clone();
                }
            }
        });
        assert_eq!(code(w.verify(&w.present(&changed))), want, "{edit}");
    }
    // typ and alg.
    let legacy = resign(&w, &issued, |h, _| h["typ"] = json!("vc+sd-jwt"));
    assert_eq!(code(w.verify(&w.present(&legacy))), "typ_not_allowed");
    let none = {
        let (jwt, rest) = issued.split_once('~').unwrap();
        let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
        let mut h: Value = serde_json::from_slice(&B64.decode(&parts[0]).unwrap()).unwrap();
        h["alg"] = json!("none");
        parts[0] = B64.encode(h.to_string());
        parts[2] = String::new();
        format!("{}~{rest}", parts.join("."))
    };
    assert_eq!(code(w.verify(&w.present(&none))), "algorithm_not_allowed");
}

#[test]
fn garbage_never_panics() {
    let w = World::new();
    let good = w.present(&w.issue());
    for cut in (0..good.len()).step_by(7) {
        let _ = w.verify(good.get(..cut).unwrap_or(""));
    }
    for junk in [
        "",
        "~",
        "~~~",
        "a.b.c~",
        "a.b.c~d~e.f.g",
        "\u{0}~\u{0}",
        "..~..~..",
    ] {
        assert!(w.verify(junk).is_err(), "{junk:?}");
    }
}

/// Revocation: the status list token the credential names is verified (its issuer's chain,
/// `typ`, `sub` = the uri, not expired) before a status is read; a revoked or suspended PID is
/// not valid.
#[test]
fn a_status_list_token_is_verified_before_it_is_read() {
    use eidas_node::wallet::status::{self, Status};
    let w = World::new();
    let uri = "https://pid.testland.example/status/1";
    let now = OffsetDateTime::now_utc();
    let token = |uri: &str, iat: i64| {
        holder::status_list_token(uri, &[0, 1, 2, 0], 2, &w.issuer, &w.chain, iat, 300).unwrap()
    };
    let anchors = std::slice::from_ref(&w.anchor);
    let list = status::verify_token(&token(uri, now.unix_timestamp()), uri, anchors, now).unwrap();
    assert_eq!(list.ttl, Some(300));
    assert_eq!(
        (0..4).map(|i| list.status(i).unwrap()).collect::<Vec<_>>(),
        [
            Status::Valid,
            Status::Invalid,
            Status::Suspended,
            Status::Valid
        ]
    );
    let err = |r: Result<status::StatusList, Error>| r.unwrap_err();
    // Another list's token; expired; an untrusted signer; tampered; the wrong typ.
    assert_eq!(
        err(status::verify_token(
            &token(
                "https://pid.testland.example/status/2",
                now.unix_timestamp()
            ),
            uri,
            anchors,
            now
        )),
        Error::StatusListInvalid("sub is not the credential's uri")
    );
    assert_eq!(
        err(status::verify_token(
            &token(uri, now.unix_timestamp() - 2 * 86_400),
            uri,
            anchors,
            now
        )),
        Error::StatusListInvalid("expired")
    );
    let stranger = World::new();
    let foreign = holder::status_list_token(
        uri,
        &[0],
        1,
        &stranger.issuer,
        &stranger.chain,
        now.unix_timestamp(),
        60,
    )
    .unwrap();
    assert_eq!(
        err(status::verify_token(&foreign, uri, anchors, now)).code(),
        "untrusted_issuer"
    );
    let good = token(uri, now.unix_timestamp());
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let mut p: Value = serde_json::from_slice(&B64.decode(&parts[1]).unwrap()).unwrap();
    p["status_list"]["lst"] = json!(status::encode_list(&[0, 0, 0, 0], 2));
    parts[1] = B64.encode(p.to_string());
    assert_eq!(
        err(status::verify_token(&parts.join("."), uri, anchors, now)),
        Error::StatusListInvalid("signature")
    );
    let jwt = holder::sign_jws(
        &json!({"alg": "ES256", "typ": "JWT", "x5c": holder::x5c(&w.chain).unwrap()}),
        &p,
        &w.issuer,
    )
    .unwrap();
    assert_eq!(
        err(status::verify_token(&jwt, uri, anchors, now)),
        Error::StatusListInvalid("typ")
    );
}

/// ARF VCR_01: a PID without a status list to check must be short-lived (24 hours at most).
#[test]
fn a_pid_without_status_must_be_short_lived() {
    let w = World::new();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let mut c = w.claims();
    c.remove("status");
    let long = w.issue_claims(&c, &["given_name"]);
    assert_eq!(code(w.verify(&w.present(&long))), "not_revocable");
    c.insert("exp".into(), json!(now + 3600));
    let short = w.issue_claims(&c, &["given_name"]);
    assert_eq!(code(w.verify(&w.present(&short))), "accepted");
}
