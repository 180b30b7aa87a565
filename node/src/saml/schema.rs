//! XML Schema validation of SAML messages: "schema-validate before verifying any signature, and
//! validate again after decryption" (eidas-requirements §2 step 2, IA §7.5).
//!
//! The schema set is compiled into the binary (`node/schemas/`): the OASIS SAML 2.0 and W3C
//! XML-DSig/XML-Enc schemas as Debian ships them, and our own eIDAS extension and attribute
//! schemas. It is compiled once per process; nothing is ever fetched (see the `eidas-xsd` crate).
//! Validation runs only on text the hardened parser ([`super::xml::parse`]) has already accepted.

use std::borrow::Cow;
use std::sync::OnceLock;

use eidas_xsd::{SchemaSet, Source};

use super::error::{Error, Result};

const DRIVER: &[u8] = include_bytes!("../../schemas/eidas-node.xsd");

macro_rules! sources {
    ($($file:literal),* $(,)?) => {
        vec![$(Source {
            name: Cow::Borrowed($file),
            bytes: Cow::Borrowed(include_bytes!(concat!("../../schemas/", $file))),
        }),*]
    };
}

fn sources() -> Vec<Source> {
    sources![
        "xml.xsd",
        "xmldsig-core-schema.xsd",
        "xmldsig11-schema.xsd",
        "xenc-schema.xsd",
        "xenc11-schema.xsd",
        "saml-schema-assertion-2.0.xsd",
        "saml-schema-protocol-2.0.xsd",
        "saml-schema-metadata-2.0.xsd",
        "sstc-saml-metadata-algsupport-v1.0.xsd",
        "sstc-metadata-attr.xsd",
        "eidas-saml-extensions.xsd",
        "eidas-natural-person.xsd",
        "eidas-natural-person-types.xsd",
        "eidas-legal-person.xsd",
        "eidas-legal-person-types.xsd",
        "eidas-representative-natural-person.xsd",
        "eidas-representative-legal-person.xsd",
    ]
}

/// The compiled set, built on first use. A compile failure is a build defect; [`ensure`] lets
/// start-up report it instead of the first login.
fn set() -> Result<&'static SchemaSet> {
    static SET: OnceLock<std::result::Result<SchemaSet, String>> = OnceLock::new();
    SET.get_or_init(|| SchemaSet::compile(DRIVER, sources()).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::Internal(format!("compiled-in SAML schema set: {e}")))
}

/// Compiles the schema set now (start-up and `check`), so a defect stops the process early.
pub fn ensure() -> Result<()> {
    set().map(|_| ())
}

/// Validates a whole message (Response, AuthnRequest, metadata) against the schema set.
pub fn validate_document(text: &str) -> Result<()> {
    set()?.validate(text.as_bytes()).map_err(to_error)
}

/// The element [`validate_wrapped`] expects around a decrypted assertion (declared in
/// `eidas-node.xsd`, no namespace).
pub const WRAPPER: &str = "DecryptedContent";

/// Validates a decrypted assertion re-parsed inside a [`WRAPPER`] element that carries its
/// namespace context: exactly one SAML assertion-namespace element, strictly validated
/// (§2 step 2, "again after decryption").
pub fn validate_wrapped(text: &str) -> Result<()> {
    set()?.validate(text.as_bytes()).map_err(to_error)
}

fn to_error(e: eidas_xsd::Error) -> Error {
    match e {
        eidas_xsd::Error::Invalid(v) => Error::Schema(v.to_string()),
        other => Error::Xml(format!("schema validator: {other}")),
    }
}
