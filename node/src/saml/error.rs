//! The SAML layer's single error type. Every variant names the check that failed and has a stable
//! code (`Error::code`) for logs and tests. Variants carry no personal data: only identifiers of
//! protocol elements, algorithm URIs and entity IDs.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    // transport and parsing (§2 step 1)
    #[error("message exceeds {limit} bytes")]
    TooLarge { limit: usize },
    #[error("message is not valid base64")]
    Base64,
    #[error("message is not UTF-8")]
    NotUtf8,
    #[error("XML is malformed or uses a forbidden construct (DTD/entities): {0}")]
    Xml(String),
    /// A structural bound of `saml::shape` (depth, attributes, namespaces, name length).
    #[error("XML exceeds the bound of {max} {}", limit.describe())]
    XmlLimit {
        limit: super::shape::Limit,
        max: usize,
    },
    #[error("unexpected document element {found}, expected {expected}")]
    UnexpectedRoot {
        expected: &'static str,
        found: String,
    },
    /// An XML Schema violation found by the schema validator (§2 step 2).
    #[error("schema violation: {0}")]
    Schema(String),
    #[error("required element {0} is missing")]
    MissingElement(&'static str),
    #[error("element {0} occurs more than once")]
    RepeatedElement(&'static str),
    #[error("element {0} must hold text only")]
    UnexpectedElement(String),
    #[error("required XML attribute {attribute} is missing or empty")]
    MissingXmlAttribute { attribute: &'static str },
    #[error("Consent is not a SAML consent URN")]
    Consent,
    #[error("EncryptedAttribute is not allowed")]
    EncryptedAttribute,
    #[error("an eIDAS attribute occurs more than once")]
    RepeatedAttribute,
    #[error("a certificate in metadata cannot be read")]
    BadCertificate,
    #[error("ConcatKDF parameter is malformed: {0}")]
    KdfParameter(&'static str),
    /// What we were asked to build is not a valid eIDAS request (our side, not a peer's).
    #[error("cannot build the request: {0}")]
    Request(&'static str),

    // signatures (§2 step 4, §3)
    #[error("element {element} is not signed")]
    Unsigned { element: &'static str },
    #[error("element {element} carries more than one signature")]
    MultipleSignatures { element: &'static str },
    #[error("signature does not reference the signed element by its ID (wrapping)")]
    ReferenceMismatch,
    #[error("ID {0} occurs more than once in the document")]
    DuplicateId(String),
    #[error("signature transforms are not the eIDAS profile (enveloped + exc-c14n)")]
    BadTransforms,
    #[error("algorithm not allowed: {0}")]
    AlgorithmNotAllowed(String),
    #[error("digest of the signed element does not match")]
    DigestMismatch,
    #[error("signature value does not verify against any trusted key")]
    SignatureInvalid,
    #[error("key too weak: {0}")]
    WeakKey(String),

    // encryption (§2 step 6, §3)
    #[error("assertion is not encrypted")]
    PlaintextAssertion,
    #[error("expected exactly one encrypted assertion, found {0}")]
    AssertionCount(usize),
    #[error("no EncryptedKey addressed to one of our encryption keys")]
    NoRecipientKey,
    #[error("decryption failed")]
    DecryptionFailed,

    // response and assertion rules (§2 steps 3, 5, 7-12)
    #[error("Version must be 2.0")]
    Version,
    #[error("Destination {got:?} is not our ACS")]
    Destination { got: Option<String> },
    #[error("InResponseTo is missing")]
    MissingInResponseTo,
    #[error("InResponseTo does not match the outstanding request")]
    InResponseToMismatch,
    #[error("Issuer {got:?} is not the Proxy-Service {expected}")]
    IssuerMismatch {
        expected: String,
        got: Option<String>,
    },
    #[error("Recipient {got:?} is not our ACS")]
    Recipient { got: Option<String> },
    #[error("Audience does not contain our entityID")]
    Audience,
    #[error("not yet valid (NotBefore in the future)")]
    NotYetValid,
    #[error("expired (NotOnOrAfter passed)")]
    Expired,
    #[error("{element} IssueInstant is older than the accepted response age")]
    TooOld { element: &'static str },
    #[error("missing or malformed timestamp {0}")]
    Timestamp(&'static str),
    #[error("SubjectConfirmation is not bearer")]
    SubjectConfirmation,
    #[error("NameID missing or of an unsupported format")]
    NameId,
    #[error("assertion must hold exactly one AuthnStatement and one AttributeStatement")]
    StatementCount,
    #[error("LoA {got} is below the requested {requested}")]
    LoaTooLow { requested: String, got: String },
    #[error("LoA {0} is not published by the Proxy-Service")]
    LoaNotPublished(String),
    #[error("LoA missing or not an eIDAS LoA URI")]
    LoaInvalid,
    #[error("mandatory attribute missing: {0}")]
    MissingAttribute(&'static str),
    #[error("attribute {0} is malformed")]
    AttributeFormat(&'static str),
    #[error("attribute {0} was not requested")]
    UnrequestedAttribute(String),
    #[error("identifier country {got} is not the selected country {expected}")]
    CountryMismatch { expected: String, got: String },
    #[error("replayed message ID")]
    Replay,

    // status (§2 step 5)
    /// `RequestDenied`: the citizen cancelled or refused consent at the Proxy-Service (§2 step 5).
    #[error("the citizen cancelled or refused consent at the Proxy-Service ({0})")]
    Denied(String),
    /// `AuthnFailed`: the citizen's own eID did not authenticate them (§2 step 5).
    #[error("authentication failed at the Proxy-Service ({0})")]
    AuthnFailed(String),
    #[error("the Proxy-Service reported a failure ({0})")]
    PeerFailure(String),

    // metadata (§4)
    #[error("metadata expired or without validUntil")]
    MetadataExpired,
    #[error("metadata signer is not trusted: {0}")]
    UntrustedSigner(String),
    /// A certificate of the signer's path is on its issuer's CRL (§4 revocation).
    #[error("metadata signer is revoked: {0}")]
    Revoked(String),
    #[error("metadata unusable: {0}")]
    MetadataUnusable(String),

    // our own keys and configuration
    #[error("key or certificate problem: {0}")]
    Key(String),
    #[error("crypto backend error: {0}")]
    Crypto(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Stable machine-readable code, for logs, metrics and tests.
    pub fn code(&self) -> &'static str {
        use Error::*;
        match self {
            TooLarge { .. } => "too_large",
            Base64 => "base64",
            NotUtf8 => "not_utf8",
            Xml(_) => "xml",
            XmlLimit { limit, .. } => limit.code(),
            UnexpectedRoot { .. } => "unexpected_root",
            Schema(_) => "schema",
            MissingElement(_) => "missing_element",
            RepeatedElement(_) => "repeated_element",
            UnexpectedElement(_) => "unexpected_element",
            MissingXmlAttribute { .. } => "missing_xml_attribute",
            Consent => "consent",
            EncryptedAttribute => "encrypted_attribute",
            RepeatedAttribute => "repeated_attribute",
            BadCertificate => "bad_certificate",
            KdfParameter(_) => "kdf_parameter",
            Request(_) => "request",
            Unsigned { .. } => "unsigned",
            MultipleSignatures { .. } => "multiple_signatures",
            ReferenceMismatch => "reference_mismatch",
            DuplicateId(_) => "duplicate_id",
            BadTransforms => "bad_transforms",
            AlgorithmNotAllowed(_) => "algorithm_not_allowed",
            DigestMismatch => "digest_mismatch",
            SignatureInvalid => "signature_invalid",
            WeakKey(_) => "weak_key",
            PlaintextAssertion => "plaintext_assertion",
            AssertionCount(_) => "assertion_count",
            NoRecipientKey => "no_recipient_key",
            DecryptionFailed => "decryption_failed",
            Version => "version",
            Destination { .. } => "destination",
            MissingInResponseTo => "missing_in_response_to",
            InResponseToMismatch => "in_response_to_mismatch",
            IssuerMismatch { .. } => "issuer_mismatch",
            Recipient { .. } => "recipient",
            Audience => "audience",
            NotYetValid => "not_yet_valid",
            Expired => "expired",
            TooOld { .. } => "too_old",
            Timestamp(_) => "timestamp",
            SubjectConfirmation => "subject_confirmation",
            NameId => "name_id",
            StatementCount => "statement_count",
            LoaTooLow { .. } => "loa_too_low",
            LoaNotPublished(_) => "loa_not_published",
            LoaInvalid => "loa_invalid",
            MissingAttribute(_) => "missing_attribute",
            AttributeFormat(_) => "attribute_format",
            UnrequestedAttribute(_) => "unrequested_attribute",
            CountryMismatch { .. } => "country_mismatch",
            Replay => "replay",
            Denied(_) => "denied",
            AuthnFailed(_) => "authn_failed",
            PeerFailure(_) => "peer_failure",
            MetadataExpired => "metadata_expired",
            UntrustedSigner(_) => "untrusted_signer",
            Revoked(_) => "revoked",
            MetadataUnusable(_) => "metadata_unusable",
            Key(_) => "key",
            Crypto(_) => "crypto",
            Internal(_) => "internal",
        }
    }
}

impl From<openssl::error::ErrorStack> for Error {
    fn from(e: openssl::error::ErrorStack) -> Self {
        Error::Crypto(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;
