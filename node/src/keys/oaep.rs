//! EME-OAEP decoding (RFC 8017 §7.1.2 step 3), for tokens whose `CKM_RSA_PKCS_OAEP` lacks the
//! digest, MGF or label a message names (SoftHSM 2.6 does SHA-1 only; AWS CloudHSM requires the
//! MGF digest to equal the hash): the RSA private-key operation still runs in the token
//! (`CKM_RSA_X_509`), only the padding is checked here. Opt-in per key
//! (`pkcs11.rsa_oaep = "raw"`).
//!
//! The checks run without early exits and every failure is the same error, so that timing and
//! answer do not tell which check failed (the padding-oracle lesson of Manger, CRYPTO 2001).

use super::{Digest, Error};

/// MGF1 (RFC 8017 B.2.1) with `digest`: `len` bytes from `seed`.
fn mgf1(digest: Digest, seed: &[u8], len: usize) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(len + 64);
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut h = openssl::hash::Hasher::new(digest.md())?;
        h.update(seed)?;
        h.update(&counter.to_be_bytes())?;
        out.extend_from_slice(&h.finish()?);
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    Ok(out)
}

/// The message inside `em` (the raw RSA decryption result, left-padded to the modulus length
/// `k`), or one error for every kind of bad padding.
pub fn decode(
    em: &[u8],
    k: usize,
    digest: Digest,
    mgf: Digest,
    label: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    let bad = || Error::Failed("RSA-OAEP decoding failed".into());
    let h_len = digest.md().size();
    if k < 2 * h_len + 2 || em.len() > k {
        return Err(bad());
    }
    // Tokens may strip leading zero bytes of the result: put them back.
    let mut padded = vec![0u8; k - em.len()];
    padded.extend_from_slice(em);
    let l_hash = openssl::hash::hash(digest.md(), label.unwrap_or_default())?;
    let (y, rest) = padded.split_at(1);
    let (masked_seed, masked_db) = rest.split_at(h_len);
    let seed: Vec<u8> = mgf1(mgf, masked_db, h_len)?
        .iter()
        .zip(masked_seed)
        .map(|(m, s)| m ^ s)
        .collect();
    let db: Vec<u8> = mgf1(mgf, &seed, k - h_len - 1)?
        .iter()
        .zip(masked_db)
        .map(|(m, d)| m ^ d)
        .collect();
    // good = Y is 0, lHash' = lHash, and DB = lHash' ‖ 0x00… ‖ 0x01 ‖ M; all without branching on
    // secret data.
    let mut wrong = y.first().copied().unwrap_or(1);
    for (a, b) in db.iter().zip(l_hash.iter()) {
        wrong |= a ^ b;
    }
    let mut found: u8 = 0; // 1 once the 0x01 separator was seen
    let mut start: usize = 0;
    for (i, &b) in db.iter().enumerate().skip(h_len) {
        let is_one = u8::from(b == 1);
        let is_zero = u8::from(b == 0);
        let first_one = is_one & (found ^ 1);
        // index of the separator, taken once, by mask
        start |= (i + 1) * usize::from(first_one);
        // before the separator, only zeros are allowed
        wrong |= (found ^ 1) & (is_zero ^ 1) & (is_one ^ 1);
        found |= is_one;
    }
    wrong |= found ^ 1;
    if wrong != 0 {
        return Err(bad());
    }
    Ok(db.get(start..).ok_or_else(bad)?.to_vec())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use openssl::encrypt::Encrypter;
    use openssl::pkey::PKey;
    use openssl::rsa::{Padding, Rsa};

    fn encrypt(key: &PKey<openssl::pkey::Private>, md: Digest, mgf: Digest, msg: &[u8]) -> Vec<u8> {
        let mut e = Encrypter::new(key).unwrap();
        e.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
        e.set_rsa_oaep_md(md.md()).unwrap();
        e.set_rsa_mgf1_md(mgf.md()).unwrap();
        let mut out = vec![0; e.encrypt_len(msg).unwrap()];
        let n = e.encrypt(msg, &mut out).unwrap();
        out.truncate(n);
        out
    }

    fn raw(rsa: &Rsa<openssl::pkey::Private>, ct: &[u8]) -> Vec<u8> {
        let mut out = vec![0; rsa.size() as usize];
        let n = rsa.private_decrypt(ct, &mut out, Padding::NONE).unwrap();
        out.truncate(n);
        out
    }

    #[test]
    fn decodes_what_openssl_encrypts_and_refuses_any_change() {
        let rsa = Rsa::generate(2048).unwrap();
        let key = PKey::from_rsa(rsa.clone()).unwrap();
        let k = rsa.size() as usize;
        for (md, mgf) in [
            (Digest::Sha1, Digest::Sha1),
            (Digest::Sha256, Digest::Sha1),
            (Digest::Sha256, Digest::Sha256),
            (Digest::Sha512, Digest::Sha256),
        ] {
            for msg in [&b""[..], b"k", &[0x01; 16], &[0u8; 32]] {
                let ct = encrypt(&key, md, mgf, msg);
                let em = raw(&rsa, &ct);
                assert_eq!(
                    decode(&em, k, md, mgf, None).unwrap(),
                    msg,
                    "{md:?}/{mgf:?}"
                );
                // Another digest, MGF or label: refused.
                let other = if md == Digest::Sha1 {
                    Digest::Sha256
                } else {
                    Digest::Sha1
                };
                assert!(decode(&em, k, other, mgf, None).is_err());
                let other_mgf = if mgf == Digest::Sha1 {
                    Digest::Sha256
                } else {
                    Digest::Sha1
                };
                assert!(decode(&em, k, md, other_mgf, None).is_err());
                assert!(decode(&em, k, md, mgf, Some(b"label")).is_err());
                // Any flipped bit: refused.
                for i in [0, 1, 40, k / 2, k - 1] {
                    let mut t = [vec![0; k - em.len()], em.clone()].concat();
                    t[i] ^= 0x01;
                    assert!(decode(&t, k, md, mgf, None).is_err(), "bit at {i}");
                }
            }
        }
        // Too long, or a modulus too small for the digest: refused, no panic.
        assert!(decode(&[0; 300], 256, Digest::Sha256, Digest::Sha256, None).is_err());
        assert!(decode(&[0; 60], 60, Digest::Sha256, Digest::Sha256, None).is_err());
        assert!(decode(&[], 256, Digest::Sha256, Digest::Sha256, None).is_err());
    }
}
