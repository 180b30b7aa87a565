//! The eIDAS attribute registry (eidas-requirements §1.1; AP §2).

use crate::identity::{OptionalAttribute, PersonType};

pub const NAME_FORMAT_URI: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";

pub const NP: &str = "http://eidas.europa.eu/attributes/naturalperson/";
pub const LP: &str = "http://eidas.europa.eu/attributes/legalperson/";

pub const PERSON_IDENTIFIER: &str =
    "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier";
pub const FAMILY_NAME: &str = "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName";
pub const GIVEN_NAME: &str = "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName";
pub const DATE_OF_BIRTH: &str = "http://eidas.europa.eu/attributes/naturalperson/DateOfBirth";
pub const LEGAL_PERSON_IDENTIFIER: &str =
    "http://eidas.europa.eu/attributes/legalperson/LegalPersonIdentifier";
pub const LEGAL_NAME: &str = "http://eidas.europa.eu/attributes/legalperson/LegalName";

/// Whether `name` is in the eIDAS attribute namespaces (natural or legal person).
pub fn is_eidas_name(name: &str) -> bool {
    name.strip_prefix(NP)
        .or_else(|| name.strip_prefix(LP))
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// (Name, FriendlyName) of the minimum data set of a person type: always requested, isRequired=true.
pub fn mandatory(person: PersonType) -> &'static [(&'static str, &'static str)] {
    match person {
        PersonType::NaturalPerson => &[
            (PERSON_IDENTIFIER, "PersonIdentifier"),
            (FAMILY_NAME, "FamilyName"),
            (GIVEN_NAME, "FirstName"),
            (DATE_OF_BIRTH, "DateOfBirth"),
        ],
        PersonType::LegalPerson => &[
            (LEGAL_PERSON_IDENTIFIER, "LegalPersonIdentifier"),
            (LEGAL_NAME, "LegalName"),
        ],
    }
}

/// (Name, FriendlyName) of an optional attribute.
pub fn optional(a: OptionalAttribute) -> (&'static str, &'static str) {
    use OptionalAttribute::*;
    match a {
        BirthName => (
            "http://eidas.europa.eu/attributes/naturalperson/BirthName",
            "BirthName",
        ),
        PlaceOfBirth => (
            "http://eidas.europa.eu/attributes/naturalperson/PlaceOfBirth",
            "PlaceOfBirth",
        ),
        CurrentAddress => (
            "http://eidas.europa.eu/attributes/naturalperson/CurrentAddress",
            "CurrentAddress",
        ),
        Gender => (
            "http://eidas.europa.eu/attributes/naturalperson/Gender",
            "Gender",
        ),
        Nationality => (
            "http://eidas.europa.eu/attributes/naturalperson/Nationality",
            "Nationality",
        ),
        CountryOfBirth => (
            "http://eidas.europa.eu/attributes/naturalperson/CountryOfBirth",
            "CountryOfBirth",
        ),
        CountryOfResidence => (
            "http://eidas.europa.eu/attributes/naturalperson/CountryOfResidence",
            "CountryOfResidence",
        ),
        TownOfBirth => (
            "http://eidas.europa.eu/attributes/naturalperson/TownOfBirth",
            "TownOfBirth",
        ),
        PhoneNumber => (
            "http://eidas.europa.eu/attributes/naturalperson/PhoneNumber",
            "PhoneNumber",
        ),
        EmailAddress => (
            "http://eidas.europa.eu/attributes/naturalperson/EmailAddress",
            "EmailAddress",
        ),
        LegalPersonAddress => (
            "http://eidas.europa.eu/attributes/legalperson/LegalPersonAddress",
            "LegalAddress",
        ),
        VatRegistrationNumber => (
            "http://eidas.europa.eu/attributes/legalperson/VATRegistrationNumber",
            "VATRegistration",
        ),
        TaxReference => (
            "http://eidas.europa.eu/attributes/legalperson/TaxReference",
            "TaxReference",
        ),
        EuIdentifier => (
            "http://eidas.europa.eu/attributes/legalperson/D-2012-17-EUIdentifier",
            "D-2012-17-EUIdentifier",
        ),
        Lei => ("http://eidas.europa.eu/attributes/legalperson/LEI", "LEI"),
        Eori => ("http://eidas.europa.eu/attributes/legalperson/EORI", "EORI"),
        Seed => ("http://eidas.europa.eu/attributes/legalperson/SEED", "SEED"),
        Sic => ("http://eidas.europa.eu/attributes/legalperson/SIC", "SIC"),
        LegalPhoneNumber => (
            "http://eidas.europa.eu/attributes/legalperson/LegalPhoneNumber",
            "LegalPhoneNumber",
        ),
        LegalEmailAddress => (
            "http://eidas.europa.eu/attributes/legalperson/LegalEmailAddress",
            "LegalEmailAddress",
        ),
    }
}

pub fn is_representative(name: &str) -> bool {
    name.starts_with("http://eidas.europa.eu/attributes/naturalperson/representative/")
        || name.starts_with("http://eidas.europa.eu/attributes/legalperson/representative/")
}
