//! Shared helpers of the testbed's integration tests.
#![allow(dead_code)]

/// A fresh key pair with a self-signed certificate: "ec" (P-256) or "rsa" (3072), made by the
/// same code as `eidas-node keys generate`.
pub fn keypair(kind: &str, cn: &str) -> eidas_node::saml::keys::KeyPair {
    let key = eidas_node::cli::keys::new_key(kind == "rsa").unwrap();
    let cert = eidas_node::cli::keys::self_signed(&key, cn, 365).unwrap();
    eidas_node::saml::keys::KeyPair::new(key, cert).unwrap()
}
