//! The PID as the gateway uses it (issue 15 item 3): the verified claims of a presentation read
//! into a [`Pid`] (PID Rulebook v1.7 §2–§4 names: SD-JWT VC `birthdate` and `nationalities`,
//! mdoc `birth_date` and `nationality`, read into one shape), checked for shape, its issuing
//! country tied to the PID provider whose trust anchor validated it, and the `sub` policy.
//!
//! ## The `sub` policy (decision)
//!
//! The PID has no mandatory identifier; `personal_administrative_number` is optional and, when
//! present, unique only among the numbers of the PID provider that issued it (CIR 2024/2977;
//! OpenID4VP 1.0 asks to combine such a claim with its issuer).
//!
//! - **With it**, the persistent subject is `{issuing country}/PID/{number}` for a country's
//!   one unnamed provider entry, and `{issuing country}/PID/{provider id}/{number}` for a
//!   provider entry with an `id` (a country with several providers names each): stable across
//!   logins and wallets of the same person, never equal to an eIDAS identifier (whose second
//!   part is a country code, never `PID`), and never equal between two providers (ids are
//!   unique and lower-case, country codes upper-case; a `/` or `%` in a number is
//!   percent-encoded). Public-sector clients receive it as `sub`, the others its pairwise hash,
//!   exactly as for eIDAS identities.
//! - **Without it** there is nothing stable that is also unique: name, birth date and place can
//!   collide between two people and change for one, so a `sub` derived from them could hand one
//!   person's account to another. The subject is then **transient**: a fresh random value per
//!   login (never reassigned, so within OIDC Core §2, but not for linking accounts), and the ID
//!   token says so (`eidas_subject_type`: `transient`). A client that must link accounts matches
//!   on the attributes, as it would without an identifier.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::Error;
pub use crate::identity::PlaceOfBirth;
use crate::identity::{
    Loa, LoaLevel, LoginMethod, NaturalPerson, ScriptValue, Subject, VerifiedIdentity,
    WalletDetails,
};

/// The PID attributes the gateway passes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pid {
    /// ISO 3166-1 alpha-2, the PID provider's country.
    pub issuing_country: String,
    pub family_name: String,
    pub given_name: String,
    /// `YYYY-MM-DD`.
    pub birthdate: String,
    pub place_of_birth: Option<PlaceOfBirth>,
    /// ISO 3166-1 alpha-2 codes.
    pub nationalities: Vec<String>,
    pub personal_administrative_number: Option<String>,
}

/// What `sub` derives from (see the module's policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PidSubject {
    Persistent(String),
    Transient,
}

const MAX_TEXT: usize = 150;

fn text(claims: &Map<String, Value>, name: &'static str) -> Result<Option<String>, Error> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= MAX_TEXT => {
            Ok(Some(s.clone()))
        }
        Some(_) => Err(Error::PidInvalid(name)),
    }
}

fn required(claims: &Map<String, Value>, name: &'static str) -> Result<String, Error> {
    text(claims, name)?.ok_or(Error::PidInvalid(name))
}

fn is_country(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_date(s: &str) -> bool {
    time::Date::parse(
        s,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok()
}

impl Pid {
    /// Reads verified claims named as `names` says (the SD-JWT VC names, or the mdoc names),
    /// for a PID whose provider (the anchor that validated it) is of `provider_country`.
    pub fn from_claims(
        claims: &Map<String, Value>,
        names: Names,
        provider_country: &str,
    ) -> Result<Pid, Error> {
        let issuing_country = required(claims, "issuing_country")?;
        if !is_country(&issuing_country) {
            return Err(Error::PidInvalid("issuing_country"));
        }
        // A provider vouches for its own country's PIDs only.
        if issuing_country != provider_country {
            return Err(Error::PidInvalid("issuing_country is not the provider's"));
        }
        let birthdate = required(claims, names.birthdate)?;
        if !is_date(&birthdate) {
            return Err(Error::PidInvalid("birthdate"));
        }
        let place_of_birth = match claims.get("place_of_birth") {
            None | Some(Value::Null) => None,
            Some(Value::Object(p)) => {
                let place = PlaceOfBirth {
                    country: text(p, "country")?,
                    region: text(p, "region")?,
                    locality: text(p, "locality")?,
                };
                if place.country.as_deref().is_some_and(|c| !is_country(c))
                    || (place.country.is_none()
                        && place.region.is_none()
                        && place.locality.is_none())
                {
                    return Err(Error::PidInvalid("place_of_birth"));
                }
                Some(place)
            }
            Some(_) => return Err(Error::PidInvalid("place_of_birth")),
        };
        let nationalities = match claims.get(names.nationalities) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .map(|v| {
                    v.as_str()
                        .filter(|c| is_country(c))
                        .map(str::to_owned)
                        .ok_or(Error::PidInvalid("nationalities"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(Error::PidInvalid("nationalities")),
        };
        Ok(Pid {
            issuing_country,
            family_name: required(claims, "family_name")?,
            given_name: required(claims, "given_name")?,
            birthdate,
            place_of_birth,
            nationalities,
            personal_administrative_number: text(claims, "personal_administrative_number")?,
        })
    }

    /// The subject policy of this module's documentation, for a PID of the provider entry
    /// `provider` (its configured `id`, if any).
    pub fn subject(&self, provider: Option<&str>) -> PidSubject {
        let Some(n) = &self.personal_administrative_number else {
            return PidSubject::Transient;
        };
        let n = n.replace('%', "%25").replace('/', "%2F");
        PidSubject::Persistent(match provider {
            Some(id) => format!("{}/PID/{id}/{n}", self.issuing_country),
            None => format!("{}/PID/{n}", self.issuing_country),
        })
    }

    /// The identity the OIDC side issues tokens for: level of assurance high (a PID is issued
    /// at high, PID Rulebook §1), the `sub` policy above (a transient subject is a fresh
    /// 128-bit random value, `{CC}/PID-TRANSIENT/{hex}`), the PID's own place of birth and
    /// nationalities beside the eIDAS-shaped fields.
    pub fn into_identity(
        self,
        provider: Option<&str>,
        authn_instant: OffsetDateTime,
    ) -> Result<VerifiedIdentity, Error> {
        let (identifier, transient) = match self.subject(provider) {
            PidSubject::Persistent(id) => (id, false),
            PidSubject::Transient => {
                let mut r = [0u8; 16];
                openssl::rand::rand_bytes(&mut r).map_err(|e| Error::Ours(e.to_string()))?;
                (
                    format!(
                        "{}/PID-TRANSIENT/{}",
                        self.issuing_country,
                        crate::hex::encode(&r)
                    ),
                    true,
                )
            }
        };
        Ok(VerifiedIdentity {
            method: LoginMethod::Wallet,
            country: self.issuing_country,
            loa: Loa::notified(LoaLevel::High),
            authn_instant,
            subject: Subject::Natural(NaturalPerson {
                person_identifier: identifier,
                family_name: ScriptValue::latin(self.family_name),
                given_name: ScriptValue::latin(self.given_name),
                date_of_birth: self.birthdate,
                birth_name: None,
                place_of_birth: None,
                current_address: None,
                gender: None,
                nationality: None,
                country_of_birth: None,
                country_of_residence: None,
                town_of_birth: None,
                phone_number: None,
                email_address: None,
            }),
            wallet: Some(WalletDetails {
                transient_subject: transient,
                place_of_birth: self.place_of_birth,
                nationalities: self.nationalities,
            }),
        })
    }
}

/// How a format names the claims that differ (PID Rulebook §3.1 vs §4.1).
#[derive(Debug, Clone, Copy)]
pub struct Names {
    pub birthdate: &'static str,
    pub nationalities: &'static str,
}

impl Names {
    pub const SD_JWT: Names = Names {
        birthdate: "birthdate",
        nationalities: "nationalities",
    };
    pub const MDOC: Names = Names {
        birthdate: "birth_date",
        nationalities: "nationality",
    };
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use serde_json::json;

    fn claims() -> Map<String, Value> {
        json!({
            "issuing_country": "XW",
            "family_name": "Papadopoulou",
            "given_name": "Eleni",
            "birthdate": "1985-03-25",
            "place_of_birth": {"locality": "Thessaloniki", "country": "GR"},
            "nationalities": ["GR", "CY"],
            "personal_administrative_number": "XW-0002",
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn a_pid_reads_with_a_persistent_subject_when_it_has_a_number() {
        let p = Pid::from_claims(&claims(), Names::SD_JWT, "XW").unwrap();
        assert_eq!(p.nationalities, ["GR", "CY"]);
        assert_eq!(
            p.place_of_birth.as_ref().unwrap().locality.as_deref(),
            Some("Thessaloniki")
        );
        assert_eq!(
            p.subject(None),
            PidSubject::Persistent("XW/PID/XW-0002".into())
        );
        assert_eq!(
            p.subject(Some("ria")),
            PidSubject::Persistent("XW/PID/ria/XW-0002".into())
        );
        let mut slash = p.clone();
        slash.personal_administrative_number = Some("ria/7%".into());
        assert_eq!(
            slash.subject(None),
            PidSubject::Persistent("XW/PID/ria%2F7%25".into()),
            "a number cannot pose as another provider's"
        );
        let mut c = claims();
        c.remove("personal_administrative_number");
        assert_eq!(
            Pid::from_claims(&c, Names::SD_JWT, "XW")
                .unwrap()
                .subject(None),
            PidSubject::Transient
        );
        // The mdoc names.
        let mut m = claims();
        let b = m.remove("birthdate").unwrap();
        m.insert("birth_date".into(), b);
        let n = m.remove("nationalities").unwrap();
        m.insert("nationality".into(), n);
        assert_eq!(
            Pid::from_claims(&m, Names::MDOC, "XW").unwrap(),
            Pid::from_claims(&claims(), Names::SD_JWT, "XW").unwrap()
        );
    }

    #[test]
    fn a_pid_becomes_a_wallet_identity_at_high_with_its_subject_policy() {
        let at = time::macros::datetime!(2026-12-02 10:00 UTC);
        let id = Pid::from_claims(&claims(), Names::SD_JWT, "XW")
            .unwrap()
            .into_identity(None, at)
            .unwrap();
        assert_eq!(id.method, LoginMethod::Wallet);
        assert_eq!(id.loa.uri(), "http://eidas.europa.eu/LoA/high");
        assert_eq!(id.country, "XW");
        assert_eq!(id.eidas_identifier(), "XW/PID/XW-0002");
        assert!(matches!(
            id.subject_policy(),
            crate::identity::SubjectPolicy::Persistent("XW/PID/XW-0002")
        ));
        assert_eq!(id.wallet.as_ref().unwrap().nationalities, ["GR", "CY"]);
        let mut c = claims();
        c.remove("personal_administrative_number");
        let pid = Pid::from_claims(&c, Names::SD_JWT, "XW").unwrap();
        let (a, b) = (
            pid.clone().into_identity(None, at).unwrap(),
            pid.into_identity(None, at).unwrap(),
        );
        assert!(a.eidas_identifier().starts_with("XW/PID-TRANSIENT/"));
        assert_ne!(
            a.eidas_identifier(),
            b.eidas_identifier(),
            "fresh per login"
        );
        assert!(matches!(
            a.subject_policy(),
            crate::identity::SubjectPolicy::Transient(_)
        ));
    }

    #[test]
    fn a_pid_of_the_wrong_shape_or_another_country_is_refused() {
        assert_eq!(
            Pid::from_claims(&claims(), Names::SD_JWT, "XV").unwrap_err(),
            Error::PidInvalid("issuing_country is not the provider's")
        );
        for (k, v) in [
            ("family_name", json!(null)),
            ("given_name", json!("")),
            ("given_name", json!(7)),
            ("birthdate", json!("25.03.1985")),
            ("birthdate", json!("1985-02-30")),
            ("nationalities", json!(["Greek"])),
            ("nationalities", json!("GR")),
            ("place_of_birth", json!({})),
            ("place_of_birth", json!({"country": "Greece"})),
            ("issuing_country", json!("xw")),
            ("family_name", json!("x".repeat(151))),
        ] {
            let mut c = claims();
            c.insert(k.into(), v.clone());
            assert!(
                Pid::from_claims(&c, Names::SD_JWT, "XW").is_err(),
                "{k} = {v}"
            );
        }
    }
}
