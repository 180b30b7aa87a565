//! The public-key operations one login costs the gateway, timed in-process on the same keys.

use std::time::{Duration, Instant};

use anyhow::bail;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};

use super::spawn::Keys;

/// µs per call of `f`: the best of three rounds of about `budget` each (the machine is shared,
/// so the minimum is the least disturbed figure).
fn time_op(budget: Duration, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    f()?;
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let mut n = 0u32;
        while t.elapsed() < budget {
            f()?;
            n += 1;
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1)));
    }
    Ok(best)
}

fn load_key(path: &str) -> anyhow::Result<PKey<Private>> {
    Ok(PKey::private_key_from_pem(&std::fs::read(path)?)?)
}

fn sign_once(key: &PKey<Private>, data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut s = openssl::sign::Signer::new(MessageDigest::sha256(), key)?;
    if key.rsa().is_ok() {
        s.set_rsa_padding(openssl::rsa::Padding::PKCS1_PSS)?;
        s.set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::DIGEST_LENGTH)?;
    }
    s.update(data)?;
    Ok(s.sign_to_vec()?)
}

/// The public-key operations one login costs the gateway, timed in-process on the same keys:
/// `(label, µs)`.
pub fn crypto_cost(k: &Keys) -> anyhow::Result<Vec<(String, f64)>> {
    let budget = Duration::from_millis(200);
    let data = [7u8; 64];
    let mut out = Vec::new();

    let gw_sign = load_key(&k.gw_sign.0)?;
    out.push((
        format!("sign AuthnRequest ({})", kind(&gw_sign)),
        time_op(budget, || sign_once(&gw_sign, &data).map(drop))?,
    ));

    let country = load_key(&k.country_sign.0)?;
    let sig = sign_once(&country, &data)?;
    let public = PKey::public_key_from_pem(&country.public_key_to_pem()?)?;
    out.push((
        format!("verify Response signature ({})", kind(&country)),
        time_op(budget, || {
            let mut v = openssl::sign::Verifier::new(MessageDigest::sha256(), &public)?;
            if public.rsa().is_ok() {
                v.set_rsa_padding(openssl::rsa::Padding::PKCS1_PSS)?;
                v.set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::DIGEST_LENGTH)?;
            }
            v.update(&data)?;
            if !v.verify(&sig)? {
                bail!("verify failed");
            }
            Ok(())
        })?,
    ));

    let enc = load_key(&k.gw_enc.0)?;
    if enc.rsa().is_ok() {
        let enc_pub = PKey::public_key_from_pem(&enc.public_key_to_pem()?)?;
        let mut e = openssl::encrypt::Encrypter::new(&enc_pub)?;
        e.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP)?;
        e.set_rsa_oaep_md(MessageDigest::sha256())?;
        e.set_rsa_mgf1_md(MessageDigest::sha256())?;
        let mut ct = vec![0u8; e.encrypt_len(&data[..32])?];
        let n = e.encrypt(&data[..32], &mut ct)?;
        ct.truncate(n);
        out.push((
            "decrypt assertion key (RSA-OAEP-3072)".into(),
            time_op(budget, || {
                let mut d = openssl::encrypt::Decrypter::new(&enc)?;
                d.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP)?;
                d.set_rsa_oaep_md(MessageDigest::sha256())?;
                d.set_rsa_mgf1_md(MessageDigest::sha256())?;
                let mut pt = vec![0u8; d.decrypt_len(&ct)?];
                d.decrypt(&ct, &mut pt)?;
                Ok(())
            })?,
        ));
    } else {
        let eph = eidas_node::cli::keys::new_key(false)?;
        let eph_pub = PKey::public_key_from_pem(&eph.public_key_to_pem()?)?;
        out.push((
            "decrypt assertion key (ECDH-ES P-256)".into(),
            time_op(budget, || {
                let mut d = openssl::derive::Deriver::new(&enc)?;
                d.set_peer(&eph_pub)?;
                d.derive_to_vec()?;
                Ok(())
            })?,
        ));
    }

    let oidc = load_key(&k.oidc.0)?;
    out.push((
        format!("sign ID token ({})", k.oidc.1),
        time_op(budget, || sign_once(&oidc, &data).map(drop))?,
    ));
    Ok(out)
}

fn kind(k: &PKey<Private>) -> String {
    if k.rsa().is_ok() {
        format!("RSA-{}-PSS", k.bits())
    } else {
        "ECDSA P-256".into()
    }
}
