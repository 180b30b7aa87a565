//! The claim schema (README "Claim schema"): scopes, and the mapping from a
//! [`VerifiedIdentity`] to ID token / userinfo claims. This is the stable contract with agencies:
//! adding a claim is fine, renaming one is a breaking change.

use serde_json::{json, Map, Value};

use crate::identity::{
    Address, Gender, OptionalAttribute, PersonType, ScriptValue, Subject, VerifiedIdentity,
};

pub const SCOPE_OPENID: &str = "openid";
/// OIDC Core §5.4; granted to every client: the eIDAS minimum data set already holds what it
/// asks for (names, birthdate).
pub const SCOPE_PROFILE: &str = "profile";
/// Every scope of ours starts with this; one the client is not registered for is refused.
pub const EIDAS_SCOPE_PREFIX: &str = "eidas:";
/// Requests a legal person (its mandatory data set) instead of a natural person.
pub const SCOPE_LEGAL_PERSON: &str = "eidas:legal_person";
/// Pre-selects the EU Digital Identity Wallet (a client registered with `wallet = true`).
pub const SCOPE_WALLET: &str = "eidas:wallet";
/// `eidas:country:xx` pre-selects the citizen's country (TARA convention; eidas-requirements §5).
pub const COUNTRY_SCOPE_PREFIX: &str = "eidas:country:";
/// `eidas:attribute:<name>` requests one optional eIDAS attribute.
pub const ATTRIBUTE_SCOPE_PREFIX: &str = "eidas:attribute:";

const ATTRIBUTES: [(OptionalAttribute, &str); 20] = {
    use OptionalAttribute::*;
    [
        (BirthName, "birth_name"),
        (PlaceOfBirth, "place_of_birth"),
        (CurrentAddress, "current_address"),
        (Gender, "gender"),
        (Nationality, "nationality"),
        (CountryOfBirth, "country_of_birth"),
        (CountryOfResidence, "country_of_residence"),
        (TownOfBirth, "town_of_birth"),
        (PhoneNumber, "phone_number"),
        (EmailAddress, "email_address"),
        (LegalPersonAddress, "legal_address"),
        (VatRegistrationNumber, "vat_registration_number"),
        (TaxReference, "tax_reference"),
        (EuIdentifier, "eu_identifier"),
        (Lei, "lei"),
        (Eori, "eori"),
        (Seed, "seed"),
        (Sic, "sic"),
        (LegalPhoneNumber, "legal_phone_number"),
        (LegalEmailAddress, "legal_email_address"),
    ]
};

pub fn attribute_name(attr: OptionalAttribute) -> &'static str {
    ATTRIBUTES
        .iter()
        .find(|(a, _)| *a == attr)
        .map_or("", |(_, n)| n)
}

/// The optional attribute an `eidas:attribute:<name>` scope asks for.
pub fn parse_attribute_scope(scope: &str) -> Option<OptionalAttribute> {
    let name = scope.strip_prefix(ATTRIBUTE_SCOPE_PREFIX)?;
    ATTRIBUTES.iter().find(|(_, n)| *n == name).map(|(a, _)| *a)
}

/// The eIDAS optional attribute that OIDC Core §5.4's `email`, `phone` or `address` scope maps to
/// for this person type.
pub fn standard_scope_attribute(scope: &str, person: PersonType) -> Option<OptionalAttribute> {
    use OptionalAttribute::*;
    let legal = person == PersonType::LegalPerson;
    match scope {
        "email" => Some(if legal {
            LegalEmailAddress
        } else {
            EmailAddress
        }),
        "phone" => Some(if legal { LegalPhoneNumber } else { PhoneNumber }),
        "address" => Some(if legal {
            LegalPersonAddress
        } else {
            CurrentAddress
        }),
        _ => None,
    }
}

/// The `xx` of `eidas:country:xx`, upper-cased, if it is two ASCII letters.
pub fn parse_country_scope(scope: &str) -> Option<String> {
    let cc = scope.strip_prefix(COUNTRY_SCOPE_PREFIX)?;
    (cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_alphabetic())).then(|| cc.to_ascii_uppercase())
}

/// Every scope except the per-country ones, for discovery and config validation.
pub fn fixed_scopes() -> Vec<String> {
    let mut v = vec![
        SCOPE_OPENID.to_owned(),
        SCOPE_LEGAL_PERSON.to_owned(),
        SCOPE_WALLET.to_owned(),
    ];
    v.extend(
        ATTRIBUTES
            .iter()
            .map(|(_, n)| format!("{ATTRIBUTE_SCOPE_PREFIX}{n}")),
    );
    v
}

pub const CLAIMS_SUPPORTED: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "azp",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "at_hash",
    "given_name",
    "family_name",
    "birthdate",
    "eidas_given_name_nonlatin",
    "eidas_family_name_nonlatin",
    "eidas_person_identifier",
    "eidas_country",
    "eidas_birth_name",
    "eidas_birth_name_nonlatin",
    "eidas_place_of_birth",
    "address",
    "gender",
    "eidas_nationality",
    "eidas_country_of_birth",
    "eidas_country_of_residence",
    "eidas_town_of_birth",
    "phone_number",
    "email",
    "eidas_legal_person_identifier",
    "eidas_legal_name",
    "eidas_legal_name_nonlatin",
    "eidas_legal_address",
    "eidas_vat_registration_number",
    "eidas_tax_reference",
    "eidas_eu_identifier",
    "eidas_lei",
    "eidas_eori",
    "eidas_seed",
    "place_of_birth",
    "nationalities",
    "eidas_subject_type",
    "eidas_sic",
];

/// Identity claims for `identity`, limited to `attributes` (already checked against what the
/// client may ask). `include_raw_identifier` is false for pairwise clients, whose point is that
/// they cannot correlate users.
pub fn identity_claims(
    identity: &VerifiedIdentity,
    attributes: &[OptionalAttribute],
    include_raw_identifier: bool,
) -> Map<String, Value> {
    let mut c = Map::new();
    let wants = |a: OptionalAttribute| attributes.contains(&a);
    c.insert("eidas_country".into(), json!(identity.country));
    c.insert("acr".into(), json!(identity.loa.uri()));
    c.insert("amr".into(), json!([identity.method.amr()]));
    let transient = identity
        .wallet
        .as_ref()
        .is_some_and(|w| w.transient_subject);
    if transient {
        // `sub` is of this login only (wallet::pid's policy): say so.
        c.insert("eidas_subject_type".into(), json!("transient"));
    }
    if let Some(w) = &identity.wallet {
        use OptionalAttribute as A;
        if let (true, Some(p)) = (attributes.contains(&A::PlaceOfBirth), &w.place_of_birth) {
            // OpenID Connect for Identity Assurance §4.1 `place_of_birth`.
            let mut place = Map::new();
            for (k, v) in [
                ("country", &p.country),
                ("region", &p.region),
                ("locality", &p.locality),
            ] {
                if let Some(v) = v {
                    place.insert(k.into(), json!(v));
                }
            }
            c.insert("place_of_birth".into(), Value::Object(place));
        }
        if attributes.contains(&A::Nationality) && !w.nationalities.is_empty() {
            c.insert("nationalities".into(), json!(w.nationalities));
        }
    }
    match &identity.subject {
        Subject::Natural(p) => {
            if include_raw_identifier && !transient {
                c.insert("eidas_person_identifier".into(), json!(p.person_identifier));
            }
            put_script(
                &mut c,
                "given_name",
                "eidas_given_name_nonlatin",
                Some(&p.given_name),
            );
            put_script(
                &mut c,
                "family_name",
                "eidas_family_name_nonlatin",
                Some(&p.family_name),
            );
            c.insert("birthdate".into(), json!(p.date_of_birth));
            use OptionalAttribute as A;
            if wants(A::BirthName) {
                put_script(
                    &mut c,
                    "eidas_birth_name",
                    "eidas_birth_name_nonlatin",
                    p.birth_name.as_ref(),
                );
            }
            put_opt(
                &mut c,
                wants(A::PlaceOfBirth),
                "eidas_place_of_birth",
                &p.place_of_birth,
            );
            if wants(A::CurrentAddress) {
                if let Some(a) = &p.current_address {
                    c.insert("address".into(), address_claim(a));
                }
            }
            if wants(A::Gender) {
                if let Some(g) = &p.gender {
                    let g = match g {
                        Gender::Male => "male",
                        Gender::Female => "female",
                        Gender::Unspecified => "unspecified",
                    };
                    c.insert("gender".into(), json!(g));
                }
            }
            put_opt(
                &mut c,
                wants(A::Nationality),
                "eidas_nationality",
                &p.nationality,
            );
            put_opt(
                &mut c,
                wants(A::CountryOfBirth),
                "eidas_country_of_birth",
                &p.country_of_birth,
            );
            put_opt(
                &mut c,
                wants(A::CountryOfResidence),
                "eidas_country_of_residence",
                &p.country_of_residence,
            );
            put_opt(
                &mut c,
                wants(A::TownOfBirth),
                "eidas_town_of_birth",
                &p.town_of_birth,
            );
            put_opt(
                &mut c,
                wants(A::PhoneNumber),
                "phone_number",
                &p.phone_number,
            );
            put_opt(&mut c, wants(A::EmailAddress), "email", &p.email_address);
        }
        Subject::Legal(p) => {
            if include_raw_identifier {
                c.insert(
                    "eidas_legal_person_identifier".into(),
                    json!(p.legal_person_identifier),
                );
            }
            put_script(
                &mut c,
                "eidas_legal_name",
                "eidas_legal_name_nonlatin",
                Some(&p.legal_name),
            );
            use OptionalAttribute as A;
            if wants(A::LegalPersonAddress) {
                if let Some(a) = &p.legal_address {
                    c.insert("eidas_legal_address".into(), address_claim(a));
                }
            }
            put_opt(
                &mut c,
                wants(A::VatRegistrationNumber),
                "eidas_vat_registration_number",
                &p.vat_registration_number,
            );
            put_opt(
                &mut c,
                wants(A::TaxReference),
                "eidas_tax_reference",
                &p.tax_reference,
            );
            put_opt(
                &mut c,
                wants(A::EuIdentifier),
                "eidas_eu_identifier",
                &p.eu_identifier,
            );
            put_opt(&mut c, wants(A::Lei), "eidas_lei", &p.lei);
            put_opt(&mut c, wants(A::Eori), "eidas_eori", &p.eori);
            put_opt(&mut c, wants(A::Seed), "eidas_seed", &p.seed);
            put_opt(&mut c, wants(A::Sic), "eidas_sic", &p.sic);
            put_opt(
                &mut c,
                wants(A::LegalPhoneNumber),
                "phone_number",
                &p.phone_number,
            );
            put_opt(
                &mut c,
                wants(A::LegalEmailAddress),
                "email",
                &p.email_address,
            );
        }
    }
    c
}

fn put_opt(c: &mut Map<String, Value>, wanted: bool, name: &str, v: &Option<String>) {
    if let (true, Some(v)) = (wanted, v) {
        c.insert(name.into(), json!(v));
    }
}

fn put_script(c: &mut Map<String, Value>, latin: &str, original: &str, v: Option<&ScriptValue>) {
    if let Some(v) = v {
        c.insert(latin.into(), json!(v.latin));
        if let Some(o) = &v.original {
            c.insert(original.into(), json!(o));
        }
    }
}

/// OIDC Core §5.1.1 address claim from an eIDAS address (AP §2.6). `country` carries
/// AdminunitFirstline, which eIDAS uses for the country.
fn address_claim(a: &Address) -> Value {
    let street = [&a.thoroughfare, &a.locator_designator, &a.locator_name]
        .iter()
        .filter_map(|p| p.as_deref())
        .collect::<Vec<_>>()
        .join(" ");
    let parts: Vec<&str> = [
        Some(street.as_str()).filter(|s| !s.is_empty()),
        a.po_box.as_deref(),
        a.post_code.as_deref(),
        a.post_name.as_deref(),
        a.admin_unit_second_line.as_deref(),
        a.admin_unit_first_line.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut m = Map::new();
    m.insert("formatted".into(), json!(parts.join(", ")));
    if !street.is_empty() {
        m.insert("street_address".into(), json!(street));
    }
    for (k, v) in [
        ("locality", &a.post_name),
        ("postal_code", &a.post_code),
        ("region", &a.admin_unit_second_line),
        ("country", &a.admin_unit_first_line),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    Value::Object(m)
}

/// `sub` for a pairwise client (OIDC Core §8.1): HMAC-SHA256(key, sector ‖ 0x00 ‖ identifier),
/// base64url. Stable per (sector, person), unlinkable across sectors without the key.
pub fn pairwise_subject(
    key: &[u8],
    sector: &str,
    identifier: &str,
) -> Result<String, openssl::error::ErrorStack> {
    let pkey = openssl::pkey::PKey::hmac(key)?;
    let mut signer = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &pkey)?;
    signer.update(sector.as_bytes())?;
    signer.update(&[0])?;
    signer.update(identifier.as_bytes())?;
    Ok(crate::jose::b64(&signer.sign_to_vec()?))
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::identity::{Loa, LoaLevel, NaturalPerson};

    pub fn greek_identity() -> VerifiedIdentity {
        VerifiedIdentity {
            method: crate::identity::LoginMethod::Eidas,
            country: "EL".into(),
            loa: Loa::notified(LoaLevel::High),
            authn_instant: time::macros::datetime!(2026-01-02 03:04:05 UTC),
            subject: Subject::Natural(NaturalPerson {
                person_identifier: "EL/EE/123456".into(),
                family_name: ScriptValue {
                    latin: "Papadopoulos".into(),
                    original: Some("Παπαδόπουλος".into()),
                },
                given_name: ScriptValue::latin("Nikos"),
                date_of_birth: "1980-05-17".into(),
                birth_name: None,
                place_of_birth: Some("Athens".into()),
                current_address: Some(Address {
                    thoroughfare: Some("Odos Ermou".into()),
                    locator_designator: Some("12".into()),
                    post_code: Some("10563".into()),
                    post_name: Some("Athina".into()),
                    admin_unit_first_line: Some("GR".into()),
                    ..Address::default()
                }),
                gender: Some(Gender::Male),
                nationality: None,
                country_of_birth: None,
                country_of_residence: None,
                town_of_birth: None,
                phone_number: None,
                email_address: None,
            }),
            wallet: None,
        }
    }

    #[test]
    fn mandatory_claims_and_nonlatin_originals_are_mapped() {
        let c = identity_claims(&greek_identity(), &[], true);
        assert_eq!(c["family_name"], "Papadopoulos");
        assert_eq!(c["eidas_family_name_nonlatin"], "Παπαδόπουλος");
        assert!(!c.contains_key("eidas_given_name_nonlatin"));
        assert_eq!(c["birthdate"], "1980-05-17");
        assert_eq!(c["eidas_person_identifier"], "EL/EE/123456");
        assert_eq!(c["acr"], "http://eidas.europa.eu/LoA/high");
        assert!(!c.contains_key("address") && !c.contains_key("eidas_place_of_birth"));
    }

    #[test]
    fn optional_attributes_appear_only_when_requested() {
        let c = identity_claims(
            &greek_identity(),
            &[
                OptionalAttribute::CurrentAddress,
                OptionalAttribute::PlaceOfBirth,
            ],
            false,
        );
        assert_eq!(c["address"]["street_address"], "Odos Ermou 12");
        assert_eq!(
            c["address"]["formatted"],
            "Odos Ermou 12, 10563, Athina, GR"
        );
        assert_eq!(c["eidas_place_of_birth"], "Athens");
        assert!(!c.contains_key("gender"));
        assert!(!c.contains_key("eidas_person_identifier"));
    }

    /// A wallet PID (issue 15 item 3): the same claim schema, `amr` telling the way in apart,
    /// the PID's place of birth and nationalities in their OpenID Connect for Identity Assurance
    /// shapes when asked for, and a transient subject said as such, without the raw identifier.
    #[test]
    fn a_wallet_identity_has_the_same_schema_and_says_a_transient_subject() {
        let mut id = greek_identity();
        id.method = crate::identity::LoginMethod::Wallet;
        id.wallet = Some(crate::identity::WalletDetails {
            transient_subject: false,
            place_of_birth: Some(crate::identity::PlaceOfBirth {
                country: Some("GR".into()),
                region: None,
                locality: Some("Athens".into()),
            }),
            nationalities: vec!["GR".into(), "CY".into()],
        });
        let all = [
            OptionalAttribute::PlaceOfBirth,
            OptionalAttribute::Nationality,
        ];
        let c = identity_claims(&id, &all, true);
        assert_eq!(c["amr"], json!(["eudi_wallet"]));
        assert_eq!(c["acr"], "http://eidas.europa.eu/LoA/high");
        assert_eq!(
            c["place_of_birth"],
            json!({"country": "GR", "locality": "Athens"})
        );
        assert_eq!(c["nationalities"], json!(["GR", "CY"]));
        assert_eq!(c["eidas_person_identifier"], "EL/EE/123456");
        assert!(!c.contains_key("eidas_subject_type"));
        let c = identity_claims(&id, &[], true);
        assert!(!c.contains_key("place_of_birth") && !c.contains_key("nationalities"));
        id.wallet.as_mut().unwrap().transient_subject = true;
        let c = identity_claims(&id, &[], true);
        assert_eq!(c["eidas_subject_type"], "transient");
        assert!(!c.contains_key("eidas_person_identifier"));
        assert!(matches!(
            id.subject_policy(),
            crate::identity::SubjectPolicy::Transient("EL/EE/123456")
        ));
    }

    #[test]
    fn pairwise_subject_differs_per_sector_and_is_stable() {
        let a = pairwise_subject(b"k", "tax.example", "EL/EE/1").unwrap();
        assert_eq!(a, pairwise_subject(b"k", "tax.example", "EL/EE/1").unwrap());
        assert_ne!(
            a,
            pairwise_subject(b"k", "health.example", "EL/EE/1").unwrap()
        );
        assert_ne!(
            a,
            pairwise_subject(b"k2", "tax.example", "EL/EE/1").unwrap()
        );
    }

    #[test]
    fn scopes_parse() {
        assert_eq!(
            parse_country_scope("eidas:country:el").as_deref(),
            Some("EL")
        );
        assert_eq!(parse_country_scope("eidas:country:ell"), None);
        assert_eq!(
            parse_attribute_scope("eidas:attribute:lei"),
            Some(OptionalAttribute::Lei)
        );
        assert_eq!(parse_attribute_scope("eidas:attribute:nope"), None);
        assert_eq!(fixed_scopes().len(), 23);
        assert!(fixed_scopes().contains(&SCOPE_WALLET.to_owned()));
    }
}
