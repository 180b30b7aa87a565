//! Every way a wallet answer can fail, named (for logs, metrics and tests), never with personal
//! data in the message.

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("malformed: {0}")]
    Malformed(&'static str),
    #[error("the answer could not be decrypted: {0}")]
    Decryption(#[from] crate::jose::jwe::Error),
    #[error("the wallet declined: {0}")]
    Declined(String),
    #[error("state does not match the request")]
    StateMismatch,
    #[error("no presentation for the query {0}")]
    MissingPresentation(&'static str),
    #[error("typ {0:?} not allowed here")]
    TypNotAllowed(String),
    #[error("algorithm {0:?} not allowed")]
    AlgorithmNotAllowed(String),
    #[error("issuer certificate does not chain to a PID-provider trust anchor: {0}")]
    UntrustedIssuer(String),
    #[error("issuer signature invalid")]
    IssuerSignatureInvalid,
    #[error("disclosure invalid: {0}")]
    DisclosureInvalid(&'static str),
    #[error("a disclosure is not referenced by the credential")]
    DisclosureUnreferenced,
    #[error("a digest occurs more than once")]
    DuplicateDigest,
    #[error("claim {0} must not be selectively disclosed")]
    ProtectedClaimDisclosed(String),
    #[error("credential expired or without exp")]
    Expired,
    #[error("credential not yet valid")]
    NotYetValid,
    #[error("credential type {0:?} is not the PID")]
    VctNotAccepted(String),
    #[error("no key binding (cnf.jwk) in the credential")]
    HolderKeyMissing,
    #[error("no key binding JWT in the presentation")]
    KeyBindingMissing,
    #[error("key binding JWT invalid: {0}")]
    KeyBindingInvalid(&'static str),
    #[error("mdoc invalid: {0}")]
    MdocInvalid(&'static str),
    #[error("PID attribute invalid: {0}")]
    PidInvalid(&'static str),
    #[error("status reference invalid")]
    StatusInvalid,
    #[error("status list invalid: {0}")]
    StatusListInvalid(&'static str),
    #[error("credential revoked or suspended")]
    Revoked,
    #[error("credential has no status to check and is valid for more than 24 hours")]
    NotRevocable,
    #[error("PID-provider trust list refused: {0}")]
    TrustList(String),
    #[error("our request could not be made: {0}")]
    Ours(String),
}

impl Error {
    /// A stable short name, for logs and metrics.
    pub fn code(&self) -> &'static str {
        use Error::*;
        match self {
            Malformed(_) => "malformed",
            Decryption(_) => "decryption",
            Declined(_) => "declined",
            StateMismatch => "state_mismatch",
            MissingPresentation(_) => "missing_presentation",
            TypNotAllowed(_) => "typ_not_allowed",
            AlgorithmNotAllowed(_) => "algorithm_not_allowed",
            UntrustedIssuer(_) => "untrusted_issuer",
            IssuerSignatureInvalid => "issuer_signature_invalid",
            DisclosureInvalid(_) => "disclosure_invalid",
            DisclosureUnreferenced => "disclosure_unreferenced",
            DuplicateDigest => "duplicate_digest",
            ProtectedClaimDisclosed(_) => "protected_claim_disclosed",
            Expired => "expired",
            NotYetValid => "not_yet_valid",
            VctNotAccepted(_) => "vct_not_accepted",
            HolderKeyMissing => "holder_key_missing",
            KeyBindingMissing => "key_binding_missing",
            KeyBindingInvalid(_) => "key_binding_invalid",
            MdocInvalid(_) => "mdoc_invalid",
            PidInvalid(_) => "pid_invalid",
            StatusInvalid => "status_invalid",
            StatusListInvalid(_) => "status_list_invalid",
            Revoked => "revoked",
            NotRevocable => "not_revocable",
            TrustList(_) => "trust_list_invalid",
            Ours(_) => "ours",
        }
    }
}
