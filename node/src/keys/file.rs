//! Keys held in process memory, loaded from PEM files (or generated): today's only backend.

use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcPoint, EcPointRef};
use openssl::encrypt::Decrypter;
use openssl::pkey::{Id, PKey, Private, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer};

use super::{Digest, Error, PrivateKey, Scheme, Secret};

/// A private key in memory.
pub struct FileKey {
    key: PKey<Private>,
    public: PKey<Public>,
}

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileKey({:?}, {} bits)", self.key.id(), self.key.bits())
    }
}

impl FileKey {
    pub fn new(key: PKey<Private>) -> Result<Self, Error> {
        let public = PKey::public_key_from_der(&key.public_key_to_der()?)?;
        Ok(FileKey { key, public })
    }

    /// PKCS#8 or traditional PEM.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        Self::new(PKey::private_key_from_pem(pem)?)
    }
}

impl PrivateKey for FileKey {
    fn public_key(&self) -> &PKey<Public> {
        &self.public
    }

    fn sign(&self, scheme: Scheme, data: &[u8]) -> Result<Vec<u8>, Error> {
        let (digest, is_rsa) = match scheme {
            Scheme::Ecdsa(d) => (d, false),
            Scheme::RsaPss(d) | Scheme::RsaPkcs1(d) => (d, true),
        };
        let expected = if is_rsa { Id::RSA } else { Id::EC };
        if self.key.id() != expected {
            return Err(Error::Unsupported("this signature scheme"));
        }
        let md = digest.md();
        let mut s = Signer::new(md, &self.key)?;
        match scheme {
            Scheme::RsaPss(_) => {
                s.set_rsa_padding(Padding::PKCS1_PSS)?;
                s.set_rsa_mgf1_md(md)?;
                s.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
            }
            Scheme::RsaPkcs1(_) => s.set_rsa_padding(Padding::PKCS1)?,
            Scheme::Ecdsa(_) => {}
        }
        s.update(data)?;
        Ok(s.sign_to_vec()?)
    }

    fn decrypt_rsa_oaep(
        &self,
        ciphertext: &[u8],
        digest: Digest,
        mgf: Digest,
        label: Option<&[u8]>,
    ) -> Result<Vec<u8>, Error> {
        if self.key.id() != Id::RSA {
            return Err(Error::Unsupported("RSA-OAEP"));
        }
        let mut d = Decrypter::new(&self.key)?;
        d.set_rsa_padding(Padding::PKCS1_OAEP)?;
        d.set_rsa_oaep_md(digest.md())?;
        d.set_rsa_mgf1_md(mgf.md())?;
        if let Some(l) = label {
            d.set_rsa_oaep_label(l)?;
        }
        let mut out = vec![0u8; d.decrypt_len(ciphertext)?];
        let n = d.decrypt(ciphertext, &mut out)?;
        out.truncate(n);
        Ok(out)
    }

    fn ecdh(&self, peer: &EcPointRef) -> Result<Secret, Error> {
        let ec = self.key.ec_key().map_err(|_| Error::Unsupported("ECDH"))?;
        let group = ec.group();
        let mut ctx = BigNumContext::new()?;
        // Z = x(d·Q): the same `EC_POINT_mul` that OpenSSL's ECDH_compute_key runs, with our
        // private scalar (constant-time flagged by OpenSSL), without EVP_PKEY_derive's export of
        // the peer key from its legacy form (a quarter of the ECDH's own cost per response). The
        // caller decoded Q onto our curve; every curve we accept has cofactor 1, so d·Q is never
        // the point at infinity for a valid d (checked anyway).
        let mut shared = EcPoint::new(group)?;
        shared.mul2(group, peer, ec.private_key(), &mut ctx)?;
        if shared.is_infinity(group) {
            return Err(Error::Failed("ECDH result is the point at infinity".into()));
        }
        let mut x = BigNum::new()?;
        let mut y = BigNum::new()?;
        shared.affine_coordinates(group, &mut x, &mut y, &mut ctx)?;
        let field_bytes = i32::try_from(group.degree().div_ceil(8))
            .map_err(|_| Error::Failed("field size".into()))?;
        Ok(Secret::new(x.to_vec_padded(field_bytes)?))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::nid::Nid;

    fn ec() -> PKey<Private> {
        let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        PKey::from_ec_key(EcKey::generate(&g).unwrap()).unwrap()
    }

    #[test]
    fn ecdh_agrees_with_openssls_derive_and_wrong_schemes_are_refused() {
        let (a, b) = (ec(), ec());
        let ka = FileKey::new(a.clone()).unwrap();
        let b_ec = b.ec_key().unwrap();
        let z = ka.ecdh(b_ec.public_key()).unwrap();
        let mut d = openssl::derive::Deriver::new(&b).unwrap();
        d.set_peer(ka.public_key()).unwrap();
        assert_eq!(z.as_bytes(), d.derive_to_vec().unwrap().as_slice());
        assert_eq!(
            ka.sign(Scheme::RsaPss(Digest::Sha256), b"x").err(),
            Some(Error::Unsupported("this signature scheme"))
        );
        assert!(ka
            .decrypt_rsa_oaep(b"x", Digest::Sha256, Digest::Sha256, None)
            .is_err());
    }

    #[test]
    fn signatures_verify_with_the_public_half() {
        let k = FileKey::new(ec()).unwrap();
        let sig = k.sign(Scheme::Ecdsa(Digest::Sha256), b"data").unwrap();
        let mut v =
            openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), k.public_key())
                .unwrap();
        v.update(b"data").unwrap();
        assert!(v.verify(&sig).unwrap());
    }
}
