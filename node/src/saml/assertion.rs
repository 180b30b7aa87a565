//! eIDAS attributes of a validated assertion (eidas-requirements §2 step 11; AP §2) into the
//! neutral [`Subject`].

use std::collections::HashMap;

use roxmltree::Node;

use super::attributes::{self as reg, is_representative};
use super::authn_request::RequestedAuthn;
use super::error::{Error, Result};
use super::xml::{self, ns};
use crate::identity::{
    Address, Gender, LegalPerson, NaturalPerson, PersonType, ScriptValue, Subject,
};

/// One attribute's values, split by the LatinScript rule (§2 step 11 "Transliteration").
#[derive(Debug, Default)]
struct Values {
    latin: Vec<String>,
    non_latin: Vec<String>,
}

pub fn parse_attributes(
    statement: Node,
    requested: &RequestedAuthn,
    allow_representatives: bool,
    aliases: &[(String, String)],
) -> Result<Subject> {
    if xml::child(statement, ns::SAML, "EncryptedAttribute").is_some() {
        return Err(Error::EncryptedAttribute);
    }
    let mut map: HashMap<String, Values> = HashMap::new();
    for attr in xml::children(statement, ns::SAML, "Attribute") {
        let name = attr
            .attribute("Name")
            .ok_or(Error::MissingXmlAttribute { attribute: "Name" })?;
        // Representation is judged on the Name as sent, before any alias (AP §2.8).
        if is_representative(name) && !allow_representatives {
            return Err(Error::UnrequestedAttribute(name.to_owned()));
        }
        // A configured interop alias (the operator's, per country; never an eIDAS name mapped
        // to another, which config refuses) reads a peer's variant Name as the eIDAS one. If
        // both arrive, the second is a repeated attribute and refused.
        let name = aliases
            .iter()
            .find(|(from, _)| from == name)
            .map_or(name, |(_, to)| to.as_str());
        if is_representative(name) && !allow_representatives {
            return Err(Error::UnrequestedAttribute(name.to_owned()));
        }
        if !requested.attribute_names.iter().any(|n| n == name) {
            // Not asked for: dropped, never forwarded (data minimisation).
            continue;
        }
        let mut v = Values::default();
        for value in xml::children(attr, ns::SAML, "AttributeValue") {
            let text = xml::trimmed_text(value)?;
            if text.is_empty() {
                return Err(Error::AttributeFormat(short(name)));
            }
            let non_latin = value
                .attributes()
                // xs:boolean: "false" and "0", whitespace collapsed, as the schema reads it.
                .any(|a| a.name() == "LatinScript" && matches!(a.value().trim(), "false" | "0"));
            if non_latin {
                v.non_latin.push(text);
            } else {
                v.latin.push(text);
            }
        }
        if v.latin.is_empty() && v.non_latin.is_empty() {
            return Err(Error::AttributeFormat(short(name)));
        }
        if map.insert(name.to_owned(), v).is_some() {
            return Err(Error::RepeatedAttribute);
        }
    }
    match requested.person_type {
        PersonType::NaturalPerson => natural(&mut map).map(Subject::Natural),
        PersonType::LegalPerson => legal(&mut map).map(Subject::Legal),
    }
}

fn short(name: &str) -> &'static str {
    // Static labels for errors: never echo attacker strings or personal data into logs.
    match name.rsplit('/').next().unwrap_or("") {
        "PersonIdentifier" => "PersonIdentifier",
        "CurrentFamilyName" => "CurrentFamilyName",
        "CurrentGivenName" => "CurrentGivenName",
        "DateOfBirth" => "DateOfBirth",
        "LegalPersonIdentifier" => "LegalPersonIdentifier",
        "LegalName" => "LegalName",
        "CurrentAddress" => "CurrentAddress",
        "LegalPersonAddress" => "LegalPersonAddress",
        "Gender" => "Gender",
        _ => "attribute",
    }
}

/// A single plain value.
fn single(map: &mut HashMap<String, Values>, name: &str) -> Result<Option<String>> {
    let Some(mut v) = map.remove(name) else {
        return Ok(None);
    };
    if v.latin.len() != 1 || !v.non_latin.is_empty() {
        return Err(Error::AttributeFormat(short(name)));
    }
    Ok(v.latin.pop())
}

/// A value under the LatinScript rules: a lone value is taken as Latin; with `LatinScript="false"`
/// present, exactly one Latin and one non-Latin value are required (AP §2.4).
fn script(map: &mut HashMap<String, Values>, name: &str) -> Result<Option<ScriptValue>> {
    let Some(mut v) = map.remove(name) else {
        return Ok(None);
    };
    match (v.latin.len(), v.non_latin.len()) {
        (1, 0) => Ok(v.latin.pop().map(ScriptValue::latin)),
        (1, 1) => Ok(Some(ScriptValue {
            latin: v.latin.pop().unwrap_or_default(),
            original: v.non_latin.pop(),
        })),
        _ => Err(Error::AttributeFormat(short(name))),
    }
}

fn mandatory<T>(v: Option<T>, name: &'static str) -> Result<T> {
    v.ok_or(Error::MissingAttribute(name))
}

fn identifier(v: String, name: &'static str) -> Result<String> {
    // ^[A-Z]{2}/[A-Z]{2}/.+$, no whitespace, ≤ 256 (§2 step 11; AP §2.5).
    let b = v.as_bytes();
    let ok = v.len() <= 256
        && b.len() > 6
        && b.get(..2)
            .is_some_and(|p| p.iter().all(u8::is_ascii_uppercase))
        && b.get(2) == Some(&b'/')
        && b.get(3..5)
            .is_some_and(|p| p.iter().all(u8::is_ascii_uppercase))
        && b.get(5) == Some(&b'/')
        && !v.chars().any(char::is_whitespace);
    if ok {
        Ok(v)
    } else {
        Err(Error::AttributeFormat(name))
    }
}

fn country_code(v: Option<String>, name: &'static str) -> Result<Option<String>> {
    match v {
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) => Ok(Some(c)),
        Some(_) => Err(Error::AttributeFormat(name)),
        None => Ok(None),
    }
}

fn date(v: String) -> Result<String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(&v, &fmt).map_err(|_| Error::AttributeFormat("DateOfBirth"))?;
    Ok(v)
}

fn natural(map: &mut HashMap<String, Values>) -> Result<NaturalPerson> {
    let np = |s: &str| format!("{}{s}", reg::NP);
    let person_identifier = identifier(
        mandatory(single(map, reg::PERSON_IDENTIFIER)?, "PersonIdentifier")?,
        "PersonIdentifier",
    )?;
    Ok(NaturalPerson {
        person_identifier,
        family_name: mandatory(script(map, reg::FAMILY_NAME)?, "CurrentFamilyName")?,
        given_name: mandatory(script(map, reg::GIVEN_NAME)?, "CurrentGivenName")?,
        date_of_birth: date(mandatory(single(map, reg::DATE_OF_BIRTH)?, "DateOfBirth")?)?,
        birth_name: script(map, &np("BirthName"))?,
        place_of_birth: single(map, &np("PlaceOfBirth"))?,
        current_address: single(map, &np("CurrentAddress"))?
            .map(|a| address(&a, "CurrentAddress"))
            .transpose()?,
        gender: match single(map, &np("Gender"))?.as_deref() {
            None => None,
            Some("Male") => Some(Gender::Male),
            Some("Female") => Some(Gender::Female),
            Some("Unspecified") => Some(Gender::Unspecified),
            Some(_) => return Err(Error::AttributeFormat("Gender")),
        },
        nationality: country_code(single(map, &np("Nationality"))?, "Nationality")?,
        country_of_birth: country_code(single(map, &np("CountryOfBirth"))?, "CountryOfBirth")?,
        country_of_residence: country_code(
            single(map, &np("CountryOfResidence"))?,
            "CountryOfResidence",
        )?,
        town_of_birth: single(map, &np("TownOfBirth"))?,
        phone_number: single(map, &np("PhoneNumber"))?,
        email_address: single(map, &np("EmailAddress"))?,
    })
}

fn legal(map: &mut HashMap<String, Values>) -> Result<LegalPerson> {
    let lp = |s: &str| format!("{}{s}", reg::LP);
    Ok(LegalPerson {
        legal_person_identifier: identifier(
            mandatory(
                single(map, reg::LEGAL_PERSON_IDENTIFIER)?,
                "LegalPersonIdentifier",
            )?,
            "LegalPersonIdentifier",
        )?,
        legal_name: mandatory(script(map, reg::LEGAL_NAME)?, "LegalName")?,
        legal_address: single(map, &lp("LegalPersonAddress"))?
            .map(|a| address(&a, "LegalPersonAddress"))
            .transpose()?,
        vat_registration_number: single(map, &lp("VATRegistrationNumber"))?,
        tax_reference: single(map, &lp("TaxReference"))?,
        eu_identifier: single(map, &lp("D-2012-17-EUIdentifier"))?,
        lei: single(map, &lp("LEI"))?,
        eori: single(map, &lp("EORI"))?,
        seed: single(map, &lp("SEED"))?,
        sic: single(map, &lp("SIC"))?,
        phone_number: single(map, &lp("LegalPhoneNumber"))?,
        email_address: single(map, &lp("LegalEmailAddress"))?,
    })
}

/// CurrentAddress / LegalPersonAddress: base64 of sibling elements without a root (AP §2.6),
/// prefixed `eidas:`, `eidas-natural:` or `eidas-legal:`. Parsed leniently inside a wrapper that
/// declares those prefixes; only local names matter.
fn address(b64: &str, name: &'static str) -> Result<Address> {
    let bytes = xml::decode_base64(b64).map_err(|_| Error::AttributeFormat(name))?;
    let frag = String::from_utf8(bytes).map_err(|_| Error::AttributeFormat(name))?;
    let wrapped = format!(
        r#"<a xmlns:eidas="{np}" xmlns:eidas-natural="{np}" xmlns:eidas-legal="{lp}">{frag}</a>"#,
        np = ns::EIDAS_NATURAL,
        lp = ns::EIDAS_LEGAL
    );
    let doc =
        xml::parse(&wrapped, xml::MAX_MESSAGE_BYTES).map_err(|_| Error::AttributeFormat(name))?;
    let mut a = Address::default();
    for el in xml::element_children(doc.root_element()) {
        let v = Some(xml::trimmed_text(el).map_err(|_| Error::AttributeFormat(name))?);
        match el.tag_name().name() {
            "PoBox" => a.po_box = v,
            "LocatorDesignator" => a.locator_designator = v,
            "LocatorName" => a.locator_name = v,
            "CvaddressArea" => a.cv_address_area = v,
            "Thoroughfare" => a.thoroughfare = v,
            "PostName" => a.post_name = v,
            "AdminunitFirstline" => a.admin_unit_first_line = v,
            "AdminunitSecondline" => a.admin_unit_second_line = v,
            "PostCode" => a.post_code = v,
            "AddressID" => a.address_id = v,
            _ => {}
        }
    }
    Ok(a)
}
