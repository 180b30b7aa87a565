#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use super::*;
use crate::jose::Alg;
use crate::keys::schedule::parse_time;

fn pair(cn: &str, days: u32) -> KeyPair {
    let key = crate::cli::keys::new_key(false).unwrap();
    let cert = crate::cli::keys::self_signed(&key, cn, days).unwrap();
    KeyPair::from_pem(
        &key.private_key_to_pem_pkcs8().unwrap(),
        &cert.to_pem().unwrap(),
    )
    .unwrap()
}

fn sched(state: Option<&str>, activate: Option<&str>, retire: Option<&str>) -> Schedule {
    Schedule::from_settings(state, activate, retire).unwrap()
}

fn timed<T>(item: T, schedule: Schedule, setting: &str) -> Timed<T> {
    Timed {
        item,
        schedule,
        setting: setting.into(),
    }
}

fn jwt(kid: &str) -> JwtKey {
    let pem = crate::cli::keys::new_key(false)
        .unwrap()
        .private_key_to_pem_pkcs8()
        .unwrap();
    JwtKey::from_pem(kid, Alg::ES256, &pem, KeyState::Current).unwrap()
}

const T1: &str = "2027-03-01T08:00:00Z";
const T2: &str = "2027-04-01T08:00:00Z";

fn t(s: &str) -> OffsetDateTime {
    parse_time(s).unwrap()
}

fn lingers() -> Lingers {
    Lingers {
        saml_signing: Duration::seconds(60),
        decryption: Duration::hours(24) + Duration::seconds(60),
        id_token: Duration::seconds(360),
    }
}

/// Old signing key A retiring at T1, B next from T1; E1 retiring at T1, E2 new; ID-token key k1
/// retiring at T1, k2 next from T1, k3 (a second rollover) from T2 without retiring k2.
fn keys() -> (OurKeys, [KeyPair; 4]) {
    let (a, b, e1, e2) = (
        pair("A", 3650),
        pair("B", 3650),
        pair("E1", 3650),
        pair("E2", 3650),
    );
    let k = OurKeys {
        saml: SamlKeys {
            entity_id: "https://gw.example/saml/metadata".into(),
            acs_url: "https://gw.example/saml/acs".into(),
            country: "SE".into(),
            signing: vec![
                timed(a.clone(), sched(None, None, Some(T1)), "saml.signing[0]"),
                timed(
                    b.clone(),
                    sched(Some("next"), Some(T1), None),
                    "saml.signing[1]",
                ),
            ],
            extra_signing_certs: vec![],
            decryption: vec![
                timed(
                    e1.clone(),
                    sched(None, None, Some(T1)),
                    "saml.encryption[0]",
                ),
                timed(e2.clone(), sched(None, None, None), "saml.encryption[1]"),
            ],
        },
        oidc: OidcKeys {
            keys: vec![
                timed(
                    jwt("k1"),
                    sched(None, None, Some(T1)),
                    "oidc.signing_keys[0]",
                ),
                timed(
                    jwt("k2"),
                    sched(Some("next"), Some(T1), None),
                    "oidc.signing_keys[1]",
                ),
                timed(
                    jwt("k3"),
                    sched(Some("next"), Some(T2), None),
                    "oidc.signing_keys[2]",
                ),
            ],
        },
        lingers: lingers(),
        leads: Leads {
            saml: Duration::hours(24) + Duration::seconds(60),
            jwks: Duration::seconds(360),
        },
    };
    (k, [a, b, e1, e2])
}

fn fp(c: &openssl::x509::X509Ref) -> String {
    crate::keys::cert_fingerprint(c)
}

#[test]
fn the_saml_signing_key_switches_at_its_activation_and_the_old_one_leaves_after_the_skew() {
    let (k, [a, b, _, _]) = keys();
    let l = lingers();
    let before = k.saml.at(t(T1) - Duration::SECOND, &l).unwrap();
    assert_eq!(fp(&before.signing.pair.cert), fp(&a.cert));
    // B is published at once, before it signs.
    assert_eq!(before.extra_signing_certs.len(), 1);
    assert_eq!(fp(&before.extra_signing_certs[0]), fp(&b.cert));
    let after = k.saml.at(t(T1), &l).unwrap();
    assert_eq!(fp(&after.signing.pair.cert), fp(&b.cert));
    assert_eq!(
        fp(&after.extra_signing_certs[0]),
        fp(&a.cert),
        "A still published"
    );
    let later = k.saml.at(t(T1) + Duration::seconds(60), &l).unwrap();
    assert!(
        later.extra_signing_certs.is_empty(),
        "A gone after the skew"
    );
}

#[test]
fn a_retiring_decryption_key_leaves_the_metadata_but_is_tried_for_the_metadata_validity() {
    let (k, [_, _, e1, e2]) = keys();
    let l = lingers();
    let fps = |v: &[KeyPair]| v.iter().map(|p| fp(&p.cert)).collect::<Vec<_>>();
    let before = k.saml.at(t(T1) - Duration::SECOND, &l).unwrap();
    assert_eq!(fps(&before.decryption), vec![fp(&e1.cert), fp(&e2.cert)]);
    assert!(before.retired_decryption.is_empty());
    let after = k.saml.at(t(T1), &l).unwrap();
    assert_eq!(fps(&after.decryption), vec![fp(&e2.cert)]);
    assert_eq!(fps(&after.retired_decryption), vec![fp(&e1.cert)]);
    assert_eq!(after.decryption_keys().len(), 2, "both are tried");
    let last = t(T1) + l.decryption - Duration::SECOND;
    assert_eq!(k.saml.at(last, &l).unwrap().retired_decryption.len(), 1);
    let gone = k.saml.at(t(T1) + l.decryption, &l).unwrap();
    assert!(gone.retired_decryption.is_empty());
    assert_eq!(gone.decryption_keys().len(), 1);
}

#[test]
fn id_token_keys_switch_at_activation_and_stay_in_the_jwks_until_their_tokens_expired() {
    let (k, _) = keys();
    let l = lingers();
    let kids = |set: &KeySet| {
        set.jwks()["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let before = k.oidc.at(t(T1) - Duration::SECOND, &l).unwrap();
    assert_eq!(before.current(Alg::ES256).unwrap().kid, "k1");
    assert_eq!(kids(&before), ["k1", "k2", "k3"]);
    let after = k.oidc.at(t(T1), &l).unwrap();
    assert_eq!(after.current(Alg::ES256).unwrap().kid, "k2");
    assert_eq!(
        kids(&after),
        ["k1", "k2", "k3"],
        "k1 stays while its tokens live"
    );
    let gone = k.oidc.at(t(T1) + l.id_token, &l).unwrap();
    assert_eq!(kids(&gone), ["k2", "k3"]);
    // k3 activates at T2 and supersedes k2 (activated last wins); k2 stays published.
    let t2 = k.oidc.at(t(T2), &l).unwrap();
    assert_eq!(t2.current(Alg::ES256).unwrap().kid, "k3");
    assert_eq!(kids(&t2), ["k2", "k3"]);
}

#[test]
fn changes_are_found_in_order_and_phases_name_every_key() {
    let (k, _) = keys();
    let l = lingers();
    let now = t(T1) - Duration::HOUR;
    assert_eq!(k.next_change(now), Some(t(T1)));
    assert_eq!(k.next_change(t(T1)), Some(t(T1) + l.saml_signing));
    assert_eq!(k.next_change(t(T2)), None);
    let phases = k.phases(t(T1));
    assert!(phases.contains("saml.signing[0]=retiring"), "{phases}");
    assert!(phases.contains("saml.signing[1]=current"), "{phases}");
    assert!(phases.contains("oidc.signing_keys[2]=next"), "{phases}");
    assert_ne!(k.phases(now), phases);
    let rows = k.timeline(now);
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[1].active_from.as_deref(), Some(T1));
    assert_eq!(rows[2].state, "current");
    assert_eq!(
        rows[2].gone_at.as_deref(),
        Some("2027-03-02T08:01:00Z"),
        "E1 gone at retire + validity + skew"
    );
}

#[test]
fn unsafe_schedules_are_warned_about() {
    let (k, _) = keys();
    // Far ahead: the plan is safe.
    let early = t(T1) - Duration::days(2);
    assert!(k.warnings(early).is_empty(), "{:?}", k.warnings(early));
    // An hour before: B and k2 activate before every peer can have seen them.
    let w = k.warnings(t(T1) - Duration::HOUR);
    assert!(
        w.iter().any(|w| w.starts_with("saml.signing[1] activates")),
        "{w:?}"
    );
    assert!(
        !w.iter().any(|w| w.starts_with("oidc.signing_keys[1]")),
        "JWKS lead is short: {w:?}"
    );
    let w = k.warnings(t(T1) - Duration::minutes(2));
    assert!(
        w.iter()
            .any(|w| w.starts_with("oidc.signing_keys[1] activates")),
        "{w:?}"
    );

    // The only signing key retires without a successor; the only decryption key too.
    let (mut k, _) = keys();
    k.saml.signing.truncate(1);
    k.saml.decryption.truncate(1);
    let w = k.warnings(early);
    assert!(
        w.iter().any(|w| w.contains("no current SAML signing key")),
        "{w:?}"
    );
    // (the signing gap is found first at that instant; the decryption gap once signing is fine)
    k.saml.signing[0].schedule = sched(None, None, None);
    let w = k.warnings(early);
    assert!(
        w.iter()
            .any(|w| w.contains("no published SAML decryption key")),
        "{w:?}"
    );

    // A certificate that expires before its successor activates.
    let (mut k, _) = keys();
    k.saml.signing[0].item = pair("A short", 1);
    let w = k.warnings(early);
    assert!(
        w.iter()
            .any(|w| w.contains("expires at") && w.contains("before its successor")),
        "{w:?}"
    );
}

#[test]
fn removing_a_decryption_key_before_it_is_gone_is_warned_about() {
    let (old, _) = keys();
    let (mut new, _) = keys();
    new.saml.decryption = old.saml.decryption[1..].to_vec();
    // E1 retires at T1 and is tried until a day later.
    let w = removed_too_early(&old, &new, t(T1) + Duration::HOUR);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("saml.encryption[0]") && w[0].contains("retiring"),
        "{w:?}"
    );
    assert!(removed_too_early(&old, &new, t(T1) + Duration::days(2)).is_empty());
    // Keeping it is fine.
    assert!(removed_too_early(&old, &old.clone(), t(T1)).is_empty());
}
