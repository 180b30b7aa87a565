//! The EU Digital Identity Wallet as a second way in (issue 15): an OpenID4VP 1.0 verifier that
//! follows HAIP 1.0, for the Person Identification Data (PID). This is the protocol core only:
//! no HTTP, no store, no OpenID Connect or SAML (house style: the cores stay apart; the web layer
//! wires it). Built on OpenSSL and `crate::jose`, as the SAML layer is (ARCHITECTURE.md says why:
//! the SD-JWT and OpenID4VP crates fell short of the checks below).
//!
//! - [`request`]: our client identifier (`x509_hash`), the DCQL query for the PID, and the signed
//!   request object (JAR) with a fresh encryption key per request;
//! - [`response`]: the wallet's `direct_post.jwt` answer, decrypted and unpacked;
//! - [`mdoc`]: an ISO 18013-5 mdoc `DeviceResponse` verified, bound to the request by the
//!   OpenID4VP session transcript;
//! - [`lote`]: PID providers from a signed List of Trusted Entities (ETSI TS 119 602, the EU
//!   PID Providers list);
//! - [`pid`]: the verified claims read into a [`pid::Pid`], and the `sub` policy;
//! - [`sdjwt`]: an SD-JWT VC presentation verified, fail closed, in the order of the specs;
//! - [`status`]: revocation through the Token Status List a credential names;
//! - [`x5c`]: certificate chains to the configured PID-provider trust anchors;
//! - [`holder`]: the PID provider's and the wallet's side, for the simulated wallet and tests.

pub mod error;
pub mod holder;
pub mod lote;
pub mod mdoc;
pub mod pid;
pub mod request;
pub mod response;
pub mod sdjwt;
pub mod settings;
pub mod status;
pub mod x5c;

pub use error::Error;

/// The SD-JWT VC type of the PID (PID Rulebook §4.2).
pub const PID_VCT: &str = "urn:eudi:pid:1";
/// The mdoc doctype and namespace of the PID (PID Rulebook §3).
pub const PID_DOCTYPE: &str = "eu.europa.ec.eudi.pid.1";

/// The longest a PID without a status reference may be valid (ARF, VCR_01: a PID is either
/// revocable or short-lived, 24 hours at most).
pub const MAX_UNREVOCABLE_SECONDS: i64 = 86_400;

/// A PID either names its status list or is short-lived (`validity`: its whole validity in
/// seconds, when known).
pub fn revocable_or_short(status: bool, validity: Option<i64>) -> Result<(), Error> {
    if status || validity.is_some_and(|v| v <= MAX_UNREVOCABLE_SECONDS) {
        Ok(())
    } else {
        Err(Error::NotRevocable)
    }
}
