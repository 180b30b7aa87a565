//! Our identity as an eIDAS SP (Connector), derived from the public base URL (§4, IA §6.4).

use super::keys::{KeyPair, SigningKey};

/// The Connector's SAML identity and keys.
#[derive(Clone, Debug)]
pub struct ServiceProvider {
    /// entityID = the HTTPS URL where our metadata is published; also the Issuer of requests.
    pub entity_id: String,
    /// Our AssertionConsumerService (HTTP-POST).
    pub acs_url: String,
    /// ISO 3166-1 alpha-2 of our country (`eidas:NodeCountry`; second part of identifiers).
    pub country: String,
    /// Signs requests and metadata.
    pub signing: SigningKey,
    /// Further signing certificates to publish (rollover: the next key before it is used).
    pub extra_signing_certs: Vec<openssl::x509::X509>,
    /// The keys we decrypt with and publish (during a rollover the next one too: peers may
    /// encrypt to any published certificate).
    pub decryption: Vec<KeyPair>,
    /// Keys that left our metadata but are still tried, while peers may hold metadata that
    /// names them (rollover).
    pub retired_decryption: Vec<KeyPair>,
}

impl ServiceProvider {
    /// Every key to try on an encrypted assertion: published ones first, then retired ones.
    pub fn decryption_keys(&self) -> std::borrow::Cow<'_, [KeyPair]> {
        if self.retired_decryption.is_empty() {
            std::borrow::Cow::Borrowed(&self.decryption)
        } else {
            std::borrow::Cow::Owned(
                self.decryption
                    .iter()
                    .chain(&self.retired_decryption)
                    .cloned()
                    .collect(),
            )
        }
    }

    /// SHA-256 fingerprints (hex) of the signing certificate and of every decryption
    /// certificate, for the audit trail's key events.
    pub fn key_fingerprints(&self) -> (String, Vec<String>) {
        (
            crate::keys::cert_fingerprint(&self.signing.pair.cert),
            self.decryption
                .iter()
                .map(|k| crate::keys::cert_fingerprint(&k.cert))
                .collect(),
        )
    }
}
