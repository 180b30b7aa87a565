#![allow(dead_code)]
use std::path::PathBuf;

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(rel)
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn read_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A fresh key pair with a self-signed certificate: "ec" (P-256) or "rsa" (3072), made by the
/// same code as `eidas-node keys generate`.
pub fn keypair(kind: &str, cn: &str) -> eidas_node::saml::keys::KeyPair {
    let key = eidas_node::cli::keys::new_key(kind == "rsa").unwrap();
    let cert = eidas_node::cli::keys::self_signed(&key, cn, 365).unwrap();
    eidas_node::saml::keys::KeyPair { key, cert }
}
