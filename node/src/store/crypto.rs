//! Key derivation and AEAD sealing for stored entries.

use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};
use secrecy::{ExposeSecret, SecretSlice};

use super::Error;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Lower-case hex SHA-256 of a secret handle (code, token, flow id, RelayState). Handles are 256-bit
/// random values, so an unkeyed hash suffices: a leaked store dump reveals no usable handle.
pub fn hash_handle(handle: &str) -> String {
    let digest = openssl::sha::sha256(handle.as_bytes());
    hex(&digest)
}

pub(crate) use crate::hex::encode as hex;

/// AES-256-GCM with a random 96-bit nonce per value: `nonce || ciphertext || tag`.
pub struct Sealer {
    key: SecretSlice<u8>,
}

impl Clone for Sealer {
    fn clone(&self) -> Self {
        use secrecy::ExposeSecret;
        Sealer {
            key: self.key.expose_secret().to_vec().into(),
        }
    }
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// `key` must be exactly 32 bytes (from the config's store key).
    pub fn new(key: Vec<u8>) -> Result<Self, Error> {
        if key.len() != 32 {
            return Err(Error::BadKey {
                problem: format!("store encryption key must be 32 bytes, got {}", key.len()),
            });
        }
        Ok(Sealer { key: key.into() })
    }

    /// A fresh random key (tests, the demo).
    pub fn random() -> Result<Self, Error> {
        let mut key = vec![0u8; 32];
        openssl::rand::rand_bytes(&mut key)?;
        Self::new(key)
    }

    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
        let mut nonce = [0u8; NONCE_LEN];
        openssl::rand::rand_bytes(&mut nonce)?;
        let mut tag = [0u8; TAG_LEN];
        let ct = encrypt_aead(
            Cipher::aes_256_gcm(),
            self.key.expose_secret(),
            Some(&nonce),
            aad,
            plaintext,
            &mut tag,
        )?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len() + TAG_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out.extend_from_slice(&tag);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(Error::Tampered);
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let (ct, tag) = rest.split_at(rest.len() - TAG_LEN);
        decrypt_aead(
            Cipher::aes_256_gcm(),
            self.key.expose_secret(),
            Some(nonce),
            aad,
            ct,
            tag,
        )
        .map_err(|_| Error::Tampered)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn sealed_value_opens_only_with_same_key_and_aad() {
        let s = Sealer::random().unwrap();
        let sealed = s.seal(b"identity", b"code:abc").unwrap();
        assert!(!sealed.windows(8).any(|w| w == b"identity"));
        assert_eq!(s.open(&sealed, b"code:abc").unwrap(), b"identity");
        assert!(matches!(s.open(&sealed, b"code:abd"), Err(Error::Tampered)));
        let other = Sealer::random().unwrap();
        assert!(matches!(
            other.open(&sealed, b"code:abc"),
            Err(Error::Tampered)
        ));
        assert!(matches!(
            s.open(&sealed[..10], b"code:abc"),
            Err(Error::Tampered)
        ));
    }

    #[test]
    fn handle_hash_is_sha256_hex_and_not_the_handle() {
        assert_eq!(
            hash_handle("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sealer_rejects_short_key() {
        assert!(Sealer::new(vec![0; 16]).is_err());
    }
}
