//! The faults the simulator can inject: one per check of the Connector's response validation
//! (eidas-requirements §2; the rejection list of `node/tests/saml_response.rs`).

use std::fmt;
use std::str::FromStr;

eidas_node::enum_with_all! {
    /// A deliberately faulty response. `none` is not a fault: it is `Option<Fault>::None`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Fault {
        /// §2 step 4: Response without signature.
        Unsigned,
        /// §2 step 4: signed by a key that is in KeyInfo but not in our metadata.
        SignedByUnknownKey,
        /// §2 step 4, XSW: the signed Response wrapped in an unsigned evil one.
        XswWrapped,
        /// §2 step 6: a plaintext evil assertion beside the encrypted one, Response re-signed.
        EvilAssertionBeside,
        /// §2 step 6 (CVE-2022-41912): two EncryptedAssertions, Response re-signed.
        TwoAssertions,
        /// §2 step 3: InResponseTo names another request.
        WrongInResponseTo,
        /// §2 step 3: no InResponseTo.
        MissingInResponseTo,
        /// §2 step 3: Destination is not the ACS.
        WrongDestination,
        /// §2 step 8: SubjectConfirmationData Recipient is not the ACS.
        WrongRecipient,
        /// §2 step 9: Audience is not the Connector's entityID.
        WrongAudience,
        /// §2 step 3: Issuer is not our entityID.
        WrongIssuer,
        /// §2 step 14: NotOnOrAfter in the past (beyond any skew).
        Expired,
        /// §2 step 14: NotBefore in the future (beyond any skew).
        NotYetValid,
        /// §2 steps 3, 7, 14: Response and Assertion issued 24 hours ago, Conditions and
        /// SubjectConfirmationData still valid, the right InResponseTo.
        StaleIssueInstant,
        /// §1.2 / §2 step 10: LoA below the requested minimum.
        LoaTooLow,
        /// §2 step 6: the assertion is not encrypted.
        PlaintextAssertion,
        /// §3: SignatureMethod relabelled RSA-SHA1 and EncryptionMethod relabelled AES-CBC. The
        /// cryptograms are not real SHA-1/CBC ones (the node's crypto refuses to produce them); the
        /// message exercises the algorithm allow-list, which is checked before any crypto.
        WeakAlgorithms,
        /// §3: EncryptionMethod relabelled AES-128-CBC, Response properly re-signed.
        WeakEncryptionAlgorithm,
        /// §2 step 11: identifier of another country (`ZZ/…`).
        PersonIdentifierOtherCountry,
        /// §2 step 11: FamilyName (natural) or LegalName (legal) left out.
        MissingMandatoryAttribute,
        /// AP §2.8: a representative attribute nobody asked for.
        UnrequestedRepresentative,
        /// §2 step 5: status Responder / AuthnFailed.
        StatusAuthnFailed,
        /// §2 step 5: status Responder with no sub-status: the country's service failed.
        StatusResponderFailure,
        /// §2 step 13: the previously sent response (of this country) sent again.
        Replay,
    }
}

impl Fault {
    pub fn as_str(self) -> &'static str {
        use Fault::*;
        match self {
            Unsigned => "unsigned",
            SignedByUnknownKey => "signed-by-unknown-key",
            XswWrapped => "xsw-wrapped",
            EvilAssertionBeside => "evil-assertion-beside",
            TwoAssertions => "two-assertions",
            WrongInResponseTo => "wrong-in-response-to",
            MissingInResponseTo => "missing-in-response-to",
            WrongDestination => "wrong-destination",
            WrongRecipient => "wrong-recipient",
            WrongAudience => "wrong-audience",
            WrongIssuer => "wrong-issuer",
            Expired => "expired",
            NotYetValid => "not-yet-valid",
            StaleIssueInstant => "stale-issue-instant",
            LoaTooLow => "loa-too-low",
            PlaintextAssertion => "plaintext-assertion",
            WeakAlgorithms => "weak-algorithms",
            WeakEncryptionAlgorithm => "weak-encryption-algorithm",
            PersonIdentifierOtherCountry => "person-identifier-other-country",
            MissingMandatoryAttribute => "missing-mandatory-attribute",
            UnrequestedRepresentative => "unrequested-representative",
            StatusAuthnFailed => "status-authn-failed",
            StatusResponderFailure => "status-responder-failure",
            Replay => "replay",
        }
    }

    /// Parses an optional fault: `""` and `none` mean no fault.
    pub fn parse_optional(s: &str) -> Result<Option<Fault>, UnknownFault> {
        match s.trim() {
            "" | "none" => Ok(None),
            other => other.parse().map(Some),
        }
    }
}

impl serde::Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFault(pub String);

impl fmt::Display for UnknownFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown fault {:?}", self.0)
    }
}

impl std::error::Error for UnknownFault {}

impl FromStr for Fault {
    type Err = UnknownFault;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFault(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_round_trips_through_its_name() {
        for f in Fault::ALL {
            assert_eq!(f.as_str().parse::<Fault>(), Ok(*f));
        }
        assert_eq!(Fault::parse_optional("none"), Ok(None));
        assert!(Fault::parse_optional("nope").is_err());
    }
}
