//! Against SoftHSM2 (Debian `softhsm2`): keys generated inside a fresh token, every operation
//! checked against OpenSSL with the public half. `scripts/test.sh` sets `SOFTHSM2_CONF` to a
//! private token directory; without it the test skips, and fails under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use cryptoki::mechanism::Mechanism;
use cryptoki::object::Attribute;
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcKey};
use openssl::encrypt::Encrypter;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};

use super::*;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "1234-test";

/// A token with an EC P-256 key pair "ec" and an RSA-2048 key pair "rsa", both generated inside
/// it (never extractable); `None` when SoftHSM2 is not set up. One per test process: SoftHSM
/// does not see tokens created after the module was initialized in the process.
fn token() -> Option<String> {
    static TOKEN: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    TOKEN.get_or_init(new_token).clone()
}

/// The tests share one token and run one at a time: SoftHSM 2.6 has failed a `C_CreateObject`
/// (CKR_GENERAL_ERROR) while another thread of the process used the same token.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn new_token() -> Option<String> {
    if std::env::var_os("SOFTHSM2_CONF").is_none() || !std::path::Path::new(MODULE).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but SoftHSM2 is not set up (softhsm2 package, SOFTHSM2_CONF)"
        );
        eprintln!("SKIPPED: SoftHSM2 not set up (install softhsm2, set SOFTHSM2_CONF)");
        return None;
    }
    let mut rnd = [0u8; 6];
    openssl::rand::rand_bytes(&mut rnd).unwrap();
    let label = format!("t-{}", crate::hex::encode(&rnd));
    let out = Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", &label])
        .args(["--pin", PIN, "--so-pin", "5678-test"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pkcs11 = load_module(std::path::Path::new(MODULE)).unwrap();
    let slot = slot_by_label(&pkcs11, &label).unwrap();
    let s = pkcs11.open_rw_session(slot).unwrap();
    s.login(UserType::User, Some(&AuthPin::from(PIN.to_owned())))
        .unwrap();
    let private = |name: &str, extra: &[Attribute]| {
        let mut t = vec![
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Label(name.as_bytes().to_vec()),
        ];
        t.extend_from_slice(extra);
        t
    };
    let public = |name: &str, extra: &[Attribute]| {
        let mut t = vec![
            Attribute::Token(true),
            Attribute::Label(name.as_bytes().to_vec()),
        ];
        t.extend_from_slice(extra);
        t
    };
    s.generate_key_pair(
        &Mechanism::EccKeyPairGen,
        &public(
            "ec",
            &[
                Attribute::EcParams(vec![
                    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
                ]),
                Attribute::Verify(true),
            ],
        ),
        &private("ec", &[Attribute::Sign(true), Attribute::Derive(true)]),
    )
    .unwrap();
    s.generate_key_pair(
        &Mechanism::RsaPkcsKeyPairGen,
        &public(
            "rsa",
            &[
                Attribute::ModulusBits(2048.into()),
                Attribute::PublicExponent(vec![1, 0, 1]),
                Attribute::Verify(true),
                Attribute::Encrypt(true),
            ],
        ),
        &private("rsa", &[Attribute::Sign(true), Attribute::Decrypt(true)]),
    )
    .unwrap();
    Some(label)
}

#[test]
fn ec_and_rsa_keys_in_a_softhsm_token_sign_decrypt_and_agree_as_openssl_checks() {
    let _serial = serial();
    let Some(label) = token() else {
        return;
    };
    let ec = Pkcs11Key::open(std::path::Path::new(MODULE), &label, "ec", PIN).unwrap();
    let rsa = Pkcs11Key::open(std::path::Path::new(MODULE), &label, "rsa", PIN).unwrap();
    let msg = b"<ds:SignedInfo>...</ds:SignedInfo>";

    // ECDSA: DER, verifiable with the public half.
    let sig = ec.sign(Scheme::Ecdsa(Digest::Sha256), msg).unwrap();
    let mut v = Verifier::new(MessageDigest::sha256(), ec.public_key()).unwrap();
    assert!(v.verify_oneshot(&sig, msg).unwrap());
    let mut v = Verifier::new(MessageDigest::sha256(), ec.public_key()).unwrap();
    assert!(!v.verify_oneshot(&sig, b"another message").unwrap());

    // ECDH: the token's Z equals OpenSSL's from the other side.
    let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let eph = PKey::from_ec_key(EcKey::generate(&g).unwrap()).unwrap();
    let z = ec.ecdh(eph.ec_key().unwrap().public_key()).unwrap();
    let mut d = Deriver::new(&eph).unwrap();
    d.set_peer(ec.public_key()).unwrap();
    assert_eq!(z.as_bytes(), d.derive_to_vec().unwrap().as_slice());

    // RSA-PSS (salt = digest length, MGF1 with the same digest) and PKCS#1 v1.5.
    let sig = rsa.sign(Scheme::RsaPss(Digest::Sha256), msg).unwrap();
    let mut v = Verifier::new(MessageDigest::sha256(), rsa.public_key()).unwrap();
    v.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
    v.set_rsa_mgf1_md(MessageDigest::sha256()).unwrap();
    v.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH).unwrap();
    assert!(v.verify_oneshot(&sig, msg).unwrap());
    let sig = rsa.sign(Scheme::RsaPkcs1(Digest::Sha256), msg).unwrap();
    let mut v = Verifier::new(MessageDigest::sha256(), rsa.public_key()).unwrap();
    assert!(v.verify_oneshot(&sig, msg).unwrap());

    // RSA-OAEP with SHA-1 and MGF1-SHA1 (what SoftHSM 2.6 does; the xmlenc `rsa-oaep-mgf1p`).
    let key = [7u8; 32];
    let mut e = Encrypter::new(rsa.public_key()).unwrap();
    e.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    let mut ct = vec![0u8; e.encrypt_len(&key).unwrap()];
    let n = e.encrypt(&key, &mut ct).unwrap();
    ct.truncate(n);
    let pt = rsa
        .decrypt_rsa_oaep(&ct, Digest::Sha1, Digest::Sha1, None)
        .unwrap();
    assert_eq!(pt, key);
    // A corrupted ciphertext is an error, not garbage.
    let mut bad = ct.clone();
    if let Some(b) = bad.get_mut(10) {
        *b ^= 1;
    }
    assert!(rsa
        .decrypt_rsa_oaep(&bad, Digest::Sha1, Digest::Sha1, None)
        .is_err());

    // Operations the key type cannot do are refused before the token is asked.
    assert_eq!(
        ec.sign(Scheme::RsaPss(Digest::Sha256), msg).err(),
        Some(Error::Unsupported("this signature scheme"))
    );
    assert!(matches!(
        ec.decrypt_rsa_oaep(&ct, Digest::Sha1, Digest::Sha1, None),
        Err(Error::Unsupported(_))
    ));
    assert!(matches!(
        rsa.ecdh(eph.ec_key().unwrap().public_key()),
        Err(Error::Unsupported(_))
    ));
    // An unknown key label is a clear error.
    assert!(Pkcs11Key::open(std::path::Path::new(MODULE), &label, "absent", PIN).is_err());
}

#[test]
fn raw_oaep_decrypts_sha256_the_token_cannot_and_refuses_tampering() {
    let _serial = serial();
    let Some(label) = token() else {
        return;
    };
    let rsa = Pkcs11Key::open(std::path::Path::new(MODULE), &label, "rsa", PIN).unwrap();
    let key = [9u8; 16];
    let public = rsa.public_key().clone();
    let mut e = Encrypter::new(&public).unwrap();
    e.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    e.set_rsa_oaep_md(MessageDigest::sha256()).unwrap();
    e.set_rsa_mgf1_md(MessageDigest::sha256()).unwrap();
    let mut ct = vec![0u8; e.encrypt_len(&key).unwrap()];
    let n = e.encrypt(&key, &mut ct).unwrap();
    ct.truncate(n);
    // The token's own OAEP (SoftHSM 2.6) refuses SHA-256: a clear error, no panic.
    assert!(rsa
        .decrypt_rsa_oaep(&ct, Digest::Sha256, Digest::Sha256, None)
        .is_err());
    let rsa = rsa.with_raw_oaep(true);
    assert_eq!(
        rsa.decrypt_rsa_oaep(&ct, Digest::Sha256, Digest::Sha256, None)
            .unwrap(),
        key
    );
    assert!(rsa
        .decrypt_rsa_oaep(&ct, Digest::Sha256, Digest::Sha1, None)
        .is_err());
    let mut bad = ct.clone();
    bad[5] ^= 0x80;
    assert!(rsa
        .decrypt_rsa_oaep(&bad, Digest::Sha256, Digest::Sha256, None)
        .is_err());
}

#[test]
fn imported_and_generated_keys_work_and_a_bounded_pool_serves_many_threads() {
    use super::provision::{Kind, Token, Usage};
    let _serial = serial();
    let Some(label) = token() else {
        return;
    };
    let t = Token::open(std::path::Path::new(MODULE), &label, PIN).unwrap();
    // Imported EC key for decryption: CKA_DERIVE set (softhsm2-util --import does not), no sign.
    let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let file = PKey::from_ec_key(EcKey::generate(&g).unwrap()).unwrap();
    t.import("imp-ec", &file, Usage::Decrypt).unwrap();
    assert!(
        t.import("imp-ec", &file, Usage::Decrypt).is_err(),
        "a label is never reused"
    );
    let imp = Pkcs11Key::open(std::path::Path::new(MODULE), &label, "imp-ec", PIN).unwrap();
    assert!(imp.public_key().public_eq(&file));
    let eph = PKey::from_ec_key(EcKey::generate(&g).unwrap()).unwrap();
    let z = imp.ecdh(eph.ec_key().unwrap().public_key()).unwrap();
    let mut d = Deriver::new(&eph).unwrap();
    d.set_peer(&file).unwrap();
    assert_eq!(z.as_bytes(), d.derive_to_vec().unwrap().as_slice());
    assert!(
        imp.sign(Scheme::Ecdsa(Digest::Sha256), b"m").is_err(),
        "a decryption key may not sign"
    );

    // Generated signing key, its certificate signed inside the token.
    t.generate("gen-sign", Kind::EcP256, Usage::Sign).unwrap();
    let signer = Pkcs11Key::open(std::path::Path::new(MODULE), &label, "gen-sign", PIN)
        .unwrap()
        .with_max_sessions(1);
    let cert = crate::keys::certificate(signer.public_key(), "s", &signer, "s", 1).unwrap();
    assert!(cert.verify(signer.public_key()).unwrap());
    assert!(cert.public_key().unwrap().public_eq(signer.public_key()));
    // Issued for the decryption key by the signing key.
    let cert = crate::keys::certificate(imp.public_key(), "e", &signer, "s", 1).unwrap();
    assert!(cert.verify(signer.public_key()).unwrap());
    assert!(cert.public_key().unwrap().public_eq(&file));
    signer.probe().unwrap();
    // Read-write sessions (for tokens without read-only ones) do the same.
    let rw = Pkcs11Key::open_sessions(std::path::Path::new(MODULE), &label, "gen-sign", PIN, true)
        .unwrap();
    let sig = rw.sign(Scheme::Ecdsa(Digest::Sha256), b"rw").unwrap();
    let mut v = Verifier::new(MessageDigest::sha256(), rw.public_key()).unwrap();
    assert!(v.verify_oneshot(&sig, b"rw").unwrap());

    // One session, eight threads: each waits its turn, every signature verifies.
    let signer = std::sync::Arc::new(signer);
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let k = signer.clone();
            std::thread::spawn(move || {
                let msg = format!("message {i}");
                let sig = k
                    .sign(Scheme::Ecdsa(Digest::Sha256), msg.as_bytes())
                    .unwrap();
                let mut v = Verifier::new(MessageDigest::sha256(), k.public_key()).unwrap();
                v.verify_oneshot(&sig, msg.as_bytes()).unwrap()
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap());
    }
    assert_eq!(
        signer.pool.lock().unwrap().open,
        1,
        "never more than max_sessions"
    );
}
