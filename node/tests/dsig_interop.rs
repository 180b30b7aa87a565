//! XML-DSig verification against documents signed by independent implementations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::{dsig, xml, Error};
use openssl::pkey::{PKey, Public};
use openssl::x509::X509;

/// The certificate in the document's own KeyInfo. Tests use it to play the operator who pinned
/// that certificate; production code never reads keys from a message.
fn embedded_signer(text: &str) -> PKey<Public> {
    let doc = xml::parse(text, xml::MAX_METADATA_BYTES).unwrap();
    let sig = dsig::signature_of(doc.root_element(), "root")
        .unwrap()
        .unwrap();
    let cert = sig
        .descendants()
        .find(|n| n.tag_name().name() == "X509Certificate")
        .unwrap();
    let der = xml::base64_text(cert).unwrap();
    X509::from_der(&der).unwrap().public_key().unwrap()
}

fn verify(rel: &str, key: &PKey<Public>, policy: &SignaturePolicy) -> Result<(), Error> {
    let text = support::read(rel);
    let doc = xml::parse(&text, xml::MAX_METADATA_BYTES)?;
    dsig::verify_enveloped(
        doc.root_element(),
        "root",
        std::slice::from_ref(key),
        policy,
    )
    .map(|_| ())
}

#[test]
fn eu_node_connector_metadata_signed_with_rsa_pss_verifies() {
    let rel = "interop/eu-eidas-node-2.9/metadata/ConnectorMetadata.xml";
    let key = embedded_signer(&support::read(rel));
    assert_eq!(key.bits(), 4096);
    verify(rel, &key, &SignaturePolicy::EIDAS).unwrap();
}

/// The stored ServiceMetadata.xml was altered after signing (its certificates were re-wrapped):
/// lxml's exclusive c14n does not reproduce its DigestValue either, and xmlsec1 rejects it. We
/// must reject it the same way, and still parse it (see metadata tests).
#[test]
fn eu_node_service_metadata_altered_after_signing_is_rejected_as_digest_mismatch() {
    let rel = "interop/eu-eidas-node-2.9/metadata/ServiceMetadata.xml";
    let key = embedded_signer(&support::read(rel));
    assert_eq!(
        verify(rel, &key, &SignaturePolicy::LEGACY_INTEROP),
        Err(Error::DigestMismatch)
    );
}

#[test]
fn estonian_metadata_with_rsa_sha512_needs_the_interop_policy() {
    let rel = "interop/eidas-client-ee/idp-metadata.xml";
    let key = embedded_signer(&support::read(rel));
    assert!(matches!(
        verify(rel, &key, &SignaturePolicy::EIDAS),
        Err(Error::AlgorithmNotAllowed(_))
    ));
    verify(rel, &key, &SignaturePolicy::LEGACY_INTEROP).unwrap();
}

#[test]
fn tampered_estonian_metadata_fails() {
    let rel = "interop/eidas-client-ee/idp-metadata-invalid_signature.xml";
    let key = embedded_signer(&support::read(rel));
    let r = verify(rel, &key, &SignaturePolicy::LEGACY_INTEROP);
    assert!(
        matches!(r, Err(Error::DigestMismatch | Error::SignatureInvalid)),
        "{r:?}"
    );
}

#[test]
fn mdsl_verifies_with_its_validation_certificate_and_badsign_fails() {
    let cert = X509::from_pem(&support::read_bytes(
        "interop/opensaml-eidas/eidas-servicelist-validation-cert.crt",
    ))
    .unwrap();
    let key = cert.public_key().unwrap();
    verify(
        "interop/opensaml-eidas/mdservicelist.xml",
        &key,
        &SignaturePolicy::LEGACY_INTEROP,
    )
    .unwrap();
    assert!(verify(
        "interop/opensaml-eidas/mdservicelist-badsign.xml",
        &key,
        &SignaturePolicy::LEGACY_INTEROP
    )
    .is_err());
}
