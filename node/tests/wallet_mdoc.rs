#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 15 item 2 (mdoc): a PID `DeviceResponse` verified, and every way it can be wrong refused
//! by name: the device signature over another request's session transcript (nonce, client,
//! encryption key, response uri), a changed element, the issuer (untrusted chain, signature),
//! validity, document type, shape (two documents, a MAC, device-signed elements). The session
//! transcript itself is checked against the OpenID4VP 1.0 example in `wallet::mdoc`'s unit test.

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ciborium::Value as C;
use eidas_node::keys::{FileKey, PrivateKey};
use eidas_node::wallet::holder::{self, IssuedMdoc};
use eidas_node::wallet::mdoc::{self, Expect};
use eidas_node::wallet::Error;
use openssl::x509::X509;
use time::{Duration, OffsetDateTime};

const THUMB: [u8; 32] = [7; 32];

fn expect() -> Expect<'static> {
    Expect {
        client_id: "x509_hash:abc",
        nonce: "n1",
        jwk_thumbprint: &THUMB,
        response_uri: "https://gw.example/wallet/response",
        now: OffsetDateTime::now_utc(),
        skew: Duration::seconds(60),
    }
}

struct World {
    anchor: X509,
    issuer: FileKey,
    chain: Vec<X509>,
    device: FileKey,
}

fn world() -> World {
    let ca = support::p256();
    let anchor = support::cert(&ca, "Testland PID CA", None, true, -10, 3650);
    let key = support::p256();
    let leaf = support::cert(
        &key,
        "Testland PID Provider",
        Some((&ca, &anchor)),
        false,
        -1,
        365,
    );
    World {
        anchor,
        issuer: FileKey::new(key).unwrap(),
        chain: vec![leaf],
        device: FileKey::new(support::p256()).unwrap(),
    }
}

fn elements() -> Vec<(&'static str, C)> {
    vec![
        ("family_name", C::Text("Papadopoulou".into())),
        ("given_name", C::Text("Eleni".into())),
        (
            "birth_date",
            C::Tag(1004, Box::new(C::Text("1985-03-25".into()))),
        ),
        ("nationality", C::Array(vec![C::Text("GR".into())])),
        ("issuing_country", C::Text("XW".into())),
        ("personal_administrative_number", C::Text("XW-0002".into())),
    ]
}

impl World {
    fn issue_valid(&self, from: i64, until: i64) -> IssuedMdoc {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        holder::issue_mdoc(
            &elements(),
            &self.issuer,
            &self.chain,
            self.device.public_key(),
            now + from,
            now + until,
            Some((3, "https://pid.testland.example/status/1")),
        )
        .unwrap()
    }

    fn issue(&self) -> IssuedMdoc {
        self.issue_valid(-3600, 86_400)
    }

    fn present(&self, issued: &IssuedMdoc, e: &Expect<'_>) -> String {
        holder::present_mdoc(
            issued,
            &|n| n != "personal_administrative_number",
            &self.device,
            e,
        )
        .unwrap()
    }

    fn verify(&self, response: &str) -> Result<mdoc::Verified, Error> {
        mdoc::verify(response, std::slice::from_ref(&self.anchor), &expect())
    }
}

fn code(r: Result<mdoc::Verified, Error>) -> String {
    match r {
        Ok(_) => "accepted".into(),
        Err(Error::MdocInvalid(why)) => format!("mdoc_invalid: {why}"),
        Err(Error::KeyBindingInvalid(why)) => format!("key_binding_invalid: {why}"),
        Err(e) => e.code().into(),
    }
}

/// The DeviceResponse of `b64`, changed by `edit`, re-encoded.
fn edit(b64: &str, edit: impl Fn(&mut C)) -> String {
    let mut v: C = ciborium::from_reader(&B64.decode(b64).unwrap()[..]).unwrap();
    edit(&mut v);
    let mut out = Vec::new();
    ciborium::into_writer(&v, &mut out).unwrap();
    B64.encode(out)
}

fn entry<'a>(m: &'a mut C, key: &str) -> &'a mut C {
    match m {
        C::Map(entries) => {
            &mut entries
                .iter_mut()
                .find(|(k, _)| k.as_text() == Some(key))
                .unwrap()
                .1
        }
        _ => panic!("not a map"),
    }
}

fn document(v: &mut C) -> &mut C {
    match entry(v, "documents") {
        C::Array(docs) => &mut docs[0],
        _ => panic!(),
    }
}

#[test]
fn a_pid_mdoc_verifies_with_what_was_disclosed() {
    let w = world();
    let v = w.verify(&w.present(&w.issue(), &expect())).unwrap();
    assert_eq!(v.claims["family_name"], "Papadopoulou");
    assert_eq!(v.claims["birth_date"], "1985-03-25");
    assert_eq!(v.claims["nationality"], serde_json::json!(["GR"]));
    assert!(v.claims.get("personal_administrative_number").is_none());
    let status = v.status.unwrap();
    assert_eq!(
        (status.idx, status.uri.as_str()),
        (3, "https://pid.testland.example/status/1")
    );
    assert_eq!(
        v.issuer.anchor.to_der().unwrap(),
        w.anchor.to_der().unwrap()
    );
    // And it reads as a PID with the mdoc names.
    let pid = eidas_node::wallet::pid::Pid::from_claims(
        &v.claims,
        eidas_node::wallet::pid::Names::MDOC,
        "XW",
    )
    .unwrap();
    assert_eq!(pid.birthdate, "1985-03-25");
    assert_eq!(pid.nationalities, ["GR"]);
}

#[test]
fn an_answer_for_another_request_is_refused() {
    let w = world();
    let issued = w.issue();
    let other_thumb = [8u8; 32];
    for (what, e) in [
        (
            "nonce",
            Expect {
                nonce: "n2",
                ..expect()
            },
        ),
        (
            "client",
            Expect {
                client_id: "x509_hash:other",
                ..expect()
            },
        ),
        (
            "encryption key",
            Expect {
                jwk_thumbprint: &other_thumb,
                ..expect()
            },
        ),
        (
            "response uri",
            Expect {
                response_uri: "https://evil.example/r",
                ..expect()
            },
        ),
    ] {
        assert_eq!(
            code(w.verify(&w.present(&issued, &e))),
            "key_binding_invalid: device signature",
            "{what}"
        );
    }
    // Signed by another device key than the MSO's.
    let thief = FileKey::new(support::p256()).unwrap();
    let stolen = holder::present_mdoc(&issued, &|_| true, &thief, &expect()).unwrap();
    assert_eq!(
        code(w.verify(&stolen)),
        "key_binding_invalid: device signature"
    );
}

#[test]
fn every_wrong_issuer_element_or_shape_is_refused() {
    let w = world();
    let good = w.present(&w.issue(), &expect());
    // An element's value changed: its digest is not the MSO's.
    let changed = edit(&good, |v| {
        let items = entry(
            entry(entry(document(v), "issuerSigned"), "nameSpaces"),
            "eu.europa.ec.eudi.pid.1",
        );
        let C::Array(items) = items else { panic!() };
        let C::Tag(24, inner) = &mut items[0] else {
            panic!()
        };
        let mut item: C = ciborium::from_reader(&inner.as_bytes().unwrap()[..]).unwrap();
        *entry(&mut item, "elementValue") = C::Text("Mallory".into());
        let mut out = Vec::new();
        ciborium::into_writer(&item, &mut out).unwrap();
        **inner = C::Bytes(out);
    });
    assert_eq!(code(w.verify(&changed)), "disclosure_unreferenced");
    // The same element twice.
    let twice = edit(&good, |v| {
        let items = entry(
            entry(entry(document(v), "issuerSigned"), "nameSpaces"),
            "eu.europa.ec.eudi.pid.1",
        );
        let C::Array(items) = items else { panic!() };
        let first = items[0].clone();
        items.push(first);
    });
    assert_eq!(code(w.verify(&twice)), "duplicate_digest");
    // Issuer signature broken; an untrusted issuer; validity.
    let forged = edit(&good, |v| {
        let auth = entry(entry(document(v), "issuerSigned"), "issuerAuth");
        let C::Array(parts) = auth else { panic!() };
        let C::Bytes(sig) = &mut parts[3] else {
            panic!()
        };
        sig[0] ^= 1;
    });
    assert_eq!(code(w.verify(&forged)), "issuer_signature_invalid");
    let stranger = world();
    assert_eq!(
        code(w.verify(&stranger.present(&stranger.issue(), &expect()))),
        "untrusted_issuer"
    );
    assert_eq!(
        code(w.verify(&w.present(&w.issue_valid(-86_400, -3600), &expect()))),
        "expired"
    );
    assert_eq!(
        code(w.verify(&w.present(&w.issue_valid(3600, 86_400), &expect()))),
        "not_yet_valid"
    );
    // Shape: another doctype, two documents, a MAC instead of a signature, device-signed
    // elements, a non-zero status.
    let doctype = edit(&good, |v| {
        *entry(document(v), "docType") = C::Text("org.iso.18013.5.1.mDL".into())
    });
    assert_eq!(code(w.verify(&doctype)), "vct_not_accepted");
    let two = edit(&good, |v| {
        let C::Array(docs) = entry(v, "documents") else {
            panic!()
        };
        let d = docs[0].clone();
        docs.push(d);
    });
    assert_eq!(code(w.verify(&two)), "mdoc_invalid: exactly one document");
    let mac = edit(&good, |v| {
        let auth = entry(entry(document(v), "deviceSigned"), "deviceAuth");
        let C::Map(m) = auth else { panic!() };
        m[0].0 = C::Text("deviceMac".into());
    });
    assert_eq!(
        code(w.verify(&mac)),
        "mdoc_invalid: deviceSignature (deviceMac is not accepted)"
    );
    let device_elements = edit(&good, |v| {
        let mut out = Vec::new();
        ciborium::into_writer(
            &C::Map(vec![(C::Text("x".into()), C::Map(vec![]))]),
            &mut out,
        )
        .unwrap();
        *entry(entry(document(v), "deviceSigned"), "nameSpaces") =
            C::Tag(24, Box::new(C::Bytes(out)));
    });
    assert_eq!(
        code(w.verify(&device_elements)),
        "mdoc_invalid: device-signed elements are not accepted"
    );
    let status = edit(&good, |v| *entry(v, "status") = C::Integer(10.into()));
    assert_eq!(code(w.verify(&status)), "mdoc_invalid: status");
}

#[test]
fn garbage_never_panics() {
    let w = world();
    let good = w.present(&w.issue(), &expect());
    let raw = B64.decode(&good).unwrap();
    for cut in (0..raw.len()).step_by(11) {
        let _ = w.verify(&B64.encode(&raw[..cut]));
    }
    for i in (0..raw.len()).step_by(13) {
        let mut flipped = raw.clone();
        flipped[i] ^= 0x55;
        let _ = w.verify(&B64.encode(&flipped));
    }
    for junk in ["", "%%", "oA", "gA", "9g"] {
        assert!(w.verify(junk).is_err(), "{junk:?}");
    }
}

/// ARF VCR_01 for mdoc too: no status in the MSO, so valid for 24 hours at most.
#[test]
fn an_mdoc_without_status_must_be_short_lived() {
    let w = world();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let issue = |until: i64| {
        holder::issue_mdoc(
            &elements(),
            &w.issuer,
            &w.chain,
            w.device.public_key(),
            now - 60,
            now + until,
            None,
        )
        .unwrap()
    };
    assert_eq!(
        code(w.verify(&w.present(&issue(2 * 86_400), &expect()))),
        "not_revocable"
    );
    assert_eq!(
        code(w.verify(&w.present(&issue(3600), &expect()))),
        "accepted"
    );
}
