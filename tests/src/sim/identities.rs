//! The simulator's TEST identities. Invented people of invented countries; the identifiers are
//! `{country}/{connector country}/…` as eIDAS requires (AP §2.5).

use eidas_node::identity::{OptionalAttribute, PersonType};
use eidas_node::saml::attributes::{self as reg};
use eidas_node::saml::idp::AttributeSpec;
use eidas_node::saml::xml;

/// One selectable identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TestIdentity {
    pub id: &'static str,
    pub label: &'static str,
    pub person_type: PersonType,
}

pub const NATURAL_LATIN: &str = "natural-latin";
pub const NATURAL_GREEK: &str = "natural-greek";
pub const LEGAL: &str = "legal";

pub const IDENTITIES: [TestIdentity; 3] = [
    TestIdentity {
        id: NATURAL_LATIN,
        label: "Erika Mustermann (natural person, Latin script)",
        person_type: PersonType::NaturalPerson,
    },
    TestIdentity {
        id: NATURAL_GREEK,
        label: "Ελένη Παπαδοπούλου / Eleni Papadopoulou (natural person, Greek and Latin script)",
        person_type: PersonType::NaturalPerson,
    },
    TestIdentity {
        id: LEGAL,
        label: "Testland Widgets Ltd (legal person)",
        person_type: PersonType::LegalPerson,
    },
];

pub fn find(id: &str) -> Option<&'static TestIdentity> {
    IDENTITIES.iter().find(|i| i.id == id)
}

/// The first identity of a person type (automatic mode falls back to it).
pub fn first_of(person_type: PersonType) -> &'static TestIdentity {
    match person_type {
        PersonType::NaturalPerson => &IDENTITIES[0],
        PersonType::LegalPerson => &IDENTITIES[2],
    }
}

fn one(name: &str, v: &str) -> AttributeSpec {
    AttributeSpec {
        name: name.to_owned(),
        values: vec![(v.to_owned(), false)],
    }
}

fn two_scripts(name: &str, latin: &str, original: &str) -> AttributeSpec {
    AttributeSpec {
        name: name.to_owned(),
        values: vec![(latin.to_owned(), false), (original.to_owned(), true)],
    }
}

/// Every attribute the identity has, for `country` answering a Connector of `connector_country`.
/// The caller keeps only the requested ones.
pub fn attributes(id: &TestIdentity, country: &str, connector_country: &str) -> Vec<AttributeSpec> {
    let prefix = format!("{country}/{connector_country}");
    let opt = |a| reg::optional(a).0;
    match id.id {
        NATURAL_GREEK => vec![
            one(reg::PERSON_IDENTIFIER, &format!("{prefix}/GR-0002-TEST")),
            two_scripts(reg::FAMILY_NAME, "Papadopoulou", "Παπαδοπούλου"),
            two_scripts(reg::GIVEN_NAME, "Eleni", "Ελένη"),
            one(reg::DATE_OF_BIRTH, "1985-03-25"),
            two_scripts(opt(OptionalAttribute::BirthName), "Georgiou", "Γεωργίου"),
            one(opt(OptionalAttribute::PlaceOfBirth), "Thessaloniki"),
            one(opt(OptionalAttribute::Gender), "Female"),
        ],
        LEGAL => vec![
            one(reg::LEGAL_PERSON_IDENTIFIER, &format!("{prefix}/LP-0003-TEST")),
            one(reg::LEGAL_NAME, "Testland Widgets Ltd"),
            one(opt(OptionalAttribute::VatRegistrationNumber), &format!("{country}123456789")),
        ],
        _ => vec![
            one(reg::PERSON_IDENTIFIER, &format!("{prefix}/NP-0001-TEST")),
            one(reg::FAMILY_NAME, "Mustermann"),
            one(reg::GIVEN_NAME, "Erika"),
            one(reg::DATE_OF_BIRTH, "1964-08-12"),
            one(
                opt(OptionalAttribute::CurrentAddress),
                &xml::encode_base64(
                    "<eidas:LocatorDesignator>1</eidas:LocatorDesignator><eidas:Thoroughfare>Test Street</eidas:Thoroughfare><eidas:PostName>Testville</eidas:PostName><eidas:PostCode>00001</eidas:PostCode>"
                        .as_bytes(),
                ),
            ),
            one(opt(OptionalAttribute::Gender), "Female"),
        ],
    }
}
