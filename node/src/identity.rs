//! The neutral types exchanged between the SAML side and the OIDC side (SATOSA's "internal data").
//!
//! `saml` produces a [`VerifiedIdentity`] from a validated foreign response; `oidc` turns it into
//! claims. Neither core imports the other: this module is their only common vocabulary, together with
//! [`IdentityRequest`], which says what an e-service asked for.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// eIDAS level of assurance (eidas-requirements §1.2). Ordered: `Low < Substantial < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoaLevel {
    Low,
    Substantial,
    High,
}

/// A level of assurance together with whether it is a notified scheme's (§1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Loa {
    pub level: LoaLevel,
    pub notified: bool,
}

pub const LOA_LOW: &str = "http://eidas.europa.eu/LoA/low";
pub const LOA_SUBSTANTIAL: &str = "http://eidas.europa.eu/LoA/substantial";
pub const LOA_HIGH: &str = "http://eidas.europa.eu/LoA/high";
const NN_PREFIX: &str = "http://eidas.europa.eu/NotNotified/LoA/";

impl LoaLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LoaLevel::Low => "low",
            LoaLevel::Substantial => "substantial",
            LoaLevel::High => "high",
        }
    }

    /// `low`, `substantial`, `high` (case-insensitive), as used in `acr_values` shorthands and
    /// in production metadata that publishes `High`/`Substantial`/`Low` instead of URIs (§4).
    pub fn parse_short(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(LoaLevel::Low),
            "substantial" => Some(LoaLevel::Substantial),
            "high" => Some(LoaLevel::High),
            _ => None,
        }
    }

    pub fn all() -> [LoaLevel; 3] {
        [LoaLevel::Low, LoaLevel::Substantial, LoaLevel::High]
    }
}

impl Loa {
    pub const fn notified(level: LoaLevel) -> Self {
        Loa {
            level,
            notified: true,
        }
    }

    /// The URI we emit. Non-notified LoAs use the v1.2 `NotNotified/LoA/` form, never the legacy one.
    pub fn uri(&self) -> &'static str {
        match (self.notified, self.level) {
            (true, LoaLevel::Low) => LOA_LOW,
            (true, LoaLevel::Substantial) => LOA_SUBSTANTIAL,
            (true, LoaLevel::High) => LOA_HIGH,
            (false, LoaLevel::Low) => "http://eidas.europa.eu/NotNotified/LoA/low",
            (false, LoaLevel::Substantial) => "http://eidas.europa.eu/NotNotified/LoA/substantial",
            (false, LoaLevel::High) => "http://eidas.europa.eu/NotNotified/LoA/high",
        }
    }

    /// Parses an eIDAS LoA URI. Accepts the legacy `LoA/NotNotified/` form on input only (§1.2).
    pub fn parse_uri(uri: &str) -> Option<Self> {
        if let Some(rest) = uri.strip_prefix("http://eidas.europa.eu/LoA/") {
            if let Some(level) = rest.strip_prefix("NotNotified/") {
                return Self::parse_level(level, false);
            }
            return Self::parse_level(rest, true);
        }
        if let Some(level) = uri.strip_prefix(NN_PREFIX) {
            return Self::parse_level(level, false);
        }
        None
    }

    fn parse_level(s: &str, notified: bool) -> Option<Self> {
        let level = match s {
            "low" => LoaLevel::Low,
            "substantial" => LoaLevel::Substantial,
            "high" => LoaLevel::High,
            _ => return None,
        };
        Some(Loa { level, notified })
    }
}

/// Whether the e-service is a public-sector or private-sector body (`eidas:SPType`, §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpType {
    Public,
    Private,
}

impl SpType {
    pub fn as_str(self) -> &'static str {
        match self {
            SpType::Public => "public",
            SpType::Private => "private",
        }
    }
}

/// Natural persons and legal persons are never requested together (§1.1, protocol 1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonType {
    NaturalPerson,
    LegalPerson,
}

/// Declares a fieldless enum together with `ALL`, every variant in declaration order, so that a
/// variant cannot be added without being offered, listed and tested wherever `ALL` is used.
#[macro_export]
macro_rules! enum_with_all {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])* $vis enum $name { $($(#[$vmeta])* $variant,)* }
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
        }
    };
}

enum_with_all! {
    /// Optional attributes an e-service may ask for, beyond the mandatory data set of its person type.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum OptionalAttribute {
        // natural person (§1.1)
        BirthName,
        PlaceOfBirth,
        CurrentAddress,
        Gender,
        Nationality,
        CountryOfBirth,
        CountryOfResidence,
        TownOfBirth,
        PhoneNumber,
        EmailAddress,
        // legal person (§1.1)
        LegalPersonAddress,
        VatRegistrationNumber,
        TaxReference,
        EuIdentifier,
        Lei,
        Eori,
        Seed,
        Sic,
        LegalPhoneNumber,
        LegalEmailAddress,
    }
}

impl OptionalAttribute {
    pub fn person_type(self) -> PersonType {
        use OptionalAttribute::*;
        match self {
            BirthName | PlaceOfBirth | CurrentAddress | Gender | Nationality | CountryOfBirth
            | CountryOfResidence | TownOfBirth | PhoneNumber | EmailAddress => {
                PersonType::NaturalPerson
            }
            _ => PersonType::LegalPerson,
        }
    }
}

/// What an e-service asked for, as the SAML side needs it to build an AuthnRequest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRequest {
    /// ISO 3166-1 alpha-2 of the citizen's country (`EL` for Greece).
    pub country: String,
    pub min_loa: LoaLevel,
    pub person_type: PersonType,
    pub optional_attributes: Vec<OptionalAttribute>,
    pub sp_type: SpType,
    /// Identifies the e-service towards the Proxy-Service (`Scoping/RequesterID`, §1).
    pub requester_id: Option<String>,
    /// Display name of the e-service (`ProviderName`, §1).
    pub provider_name: Option<String>,
}

/// A value subject to the LatinScript rules (eidas-requirements §2 step 11): `latin` is the value
/// without `LatinScript="false"`, `original` the non-Latin one when the country sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptValue {
    pub latin: String,
    pub original: Option<String>,
}

impl ScriptValue {
    pub fn latin(s: impl Into<String>) -> Self {
        ScriptValue {
            latin: s.into(),
            original: None,
        }
    }
}

/// An eIDAS `CurrentAddress` / `LegalPersonAddress`, decoded into its parts (AP §2.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub po_box: Option<String>,
    pub locator_designator: Option<String>,
    pub locator_name: Option<String>,
    pub cv_address_area: Option<String>,
    pub thoroughfare: Option<String>,
    pub post_name: Option<String>,
    pub admin_unit_first_line: Option<String>,
    pub admin_unit_second_line: Option<String>,
    pub post_code: Option<String>,
    pub address_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    Male,
    Female,
    Unspecified,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaturalPerson {
    /// `CC/DD/opaque`, as sent (§2 step 11).
    pub person_identifier: String,
    pub family_name: ScriptValue,
    pub given_name: ScriptValue,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub birth_name: Option<ScriptValue>,
    pub place_of_birth: Option<String>,
    pub current_address: Option<Address>,
    pub gender: Option<Gender>,
    pub nationality: Option<String>,
    pub country_of_birth: Option<String>,
    pub country_of_residence: Option<String>,
    pub town_of_birth: Option<String>,
    pub phone_number: Option<String>,
    pub email_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalPerson {
    pub legal_person_identifier: String,
    pub legal_name: ScriptValue,
    pub legal_address: Option<Address>,
    pub vat_registration_number: Option<String>,
    pub tax_reference: Option<String>,
    pub eu_identifier: Option<String>,
    pub lei: Option<String>,
    pub eori: Option<String>,
    pub seed: Option<String>,
    pub sic: Option<String>,
    pub phone_number: Option<String>,
    pub email_address: Option<String>,
}

/// Who was identified: a natural person or a legal person (never both, §1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    Natural(NaturalPerson),
    Legal(LegalPerson),
}

/// How the citizen proved who they are. Feeds `amr`; each way in has one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginMethod {
    /// Through the citizen's country's eIDAS node (SAML).
    #[default]
    Eidas,
    /// With the PID of the citizen's EU Digital Identity Wallet (OpenID4VP).
    Wallet,
}

impl LoginMethod {
    /// The `amr` value (OIDC Core §2). Not an RFC 8176 value: none fits cross-border eID.
    pub fn amr(self) -> &'static str {
        match self {
            LoginMethod::Eidas => "eidas",
            LoginMethod::Wallet => "eudi_wallet",
        }
    }
}

/// Where the OIDC `sub` of an identity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectPolicy<'a> {
    /// A persistent identifier the source vouches for (the eIDAS unique identifier,
    /// eidas-requirements §2 step 11): `sub` itself for public clients, the input of the
    /// pairwise hash for the others.
    Persistent(&'a str),
    /// A value of this login only (a wallet PID without `personal_administrative_number`:
    /// `wallet::pid` explains why): `sub` itself for every client, and the ID token says so.
    Transient(&'a str),
}

/// Where a PID was born (PID Rulebook §2.2 `birth_place`: at least one member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceOfBirth {
    pub country: Option<String>,
    pub region: Option<String>,
    pub locality: Option<String>,
}

/// What a wallet PID adds to a natural person, in its own shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletDetails {
    /// The subject is transient (no persistent identifier in the PID).
    pub transient_subject: bool,
    pub place_of_birth: Option<PlaceOfBirth>,
    pub nationalities: Vec<String>,
}

/// An identity that passed every check of its way in (for eIDAS: eidas-requirements §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedIdentity {
    /// How it was proved. Absent in state written before the field existed: eIDAS.
    #[serde(default)]
    pub method: LoginMethod,
    /// The issuing country: first part of the (Legal)PersonIdentifier, equal to the selected one.
    pub country: String,
    pub loa: Loa,
    #[serde(with = "time::serde::rfc3339")]
    pub authn_instant: OffsetDateTime,
    pub subject: Subject,
    /// For a wallet login: the PID's own details. Absent in state written before the field
    /// existed, and for eIDAS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet: Option<WalletDetails>,
}

impl VerifiedIdentity {
    /// The raw eIDAS identifier (`CC/DD/…`) of the natural or legal person.
    pub fn eidas_identifier(&self) -> &str {
        match &self.subject {
            Subject::Natural(p) => &p.person_identifier,
            Subject::Legal(p) => &p.legal_person_identifier,
        }
    }

    /// How to derive `sub`: a persistent identifier, unless a wallet PID had none.
    pub fn subject_policy(&self) -> SubjectPolicy<'_> {
        if self.wallet.as_ref().is_some_and(|w| w.transient_subject) {
            SubjectPolicy::Transient(self.eidas_identifier())
        } else {
            SubjectPolicy::Persistent(self.eidas_identifier())
        }
    }
}

/// Declares a string newtype that is valid by construction: `parse` checks it once, serde
/// deserializes through `parse` (so a bad config value stops start-up naming its key), and it
/// reads as a `&str` everywhere else.
macro_rules! validated_string {
    ($(#[$meta:meta])* $name:ident, $check:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, &'static str> {
                let check: fn(&str) -> Result<(), &'static str> = $check;
                check(s).map(|()| $name(s.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

validated_string!(
    /// ISO 3166-1 alpha-2 as eIDAS uses it: two upper-case letters (`EL` for Greece, `EU`).
    CountryCode,
    |s| {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(())
        } else {
            Err("a country code is two upper-case letters (ISO 3166-1 alpha-2; EL for Greece)")
        }
    }
);

validated_string!(
    /// An OAuth client identifier: 1–128 printable ASCII characters without `:` (which
    /// `client_secret_basic` would split on).
    ClientId,
    |s| {
        if !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic() && b != b':')
        {
            Ok(())
        } else {
            Err("a client_id is 1-128 printable ASCII characters without ':'")
        }
    }
);

validated_string!(
    /// A SAML entityID: an absolute URI of at most 1024 characters (SAML core §8.3.6), without
    /// whitespace.
    EntityId,
    |s| {
        let scheme_ok = s
            .split_once(':')
            .is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
                    && !rest.is_empty()
            });
        if scheme_ok && s.len() <= 1024 && !s.bytes().any(|b| b.is_ascii_whitespace() || b < 0x20)
        {
            Ok(())
        } else {
            Err("an entityID is an absolute URI of at most 1024 characters")
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newtypes_are_valid_by_construction_and_in_config() {
        assert!(CountryCode::parse("EL").is_ok());
        for bad in ["el", "E", "ELL", "E1", ""] {
            assert!(CountryCode::parse(bad).is_err(), "{bad}");
        }
        assert!(ClientId::parse("tax-office").is_ok());
        for bad in ["", "a:b", "with space", &"x".repeat(129)] {
            assert!(ClientId::parse(bad).is_err(), "{bad}");
        }
        assert!(EntityId::parse("https://eidas.example.de/EidasNode/ServiceMetadata").is_ok());
        assert!(EntityId::parse("urn:x:y").is_ok());
        for bad in [
            "x",
            "",
            ":x",
            "https://a b",
            &format!("https://{}", "a".repeat(1020)),
        ] {
            assert!(EntityId::parse(bad).is_err(), "{bad}");
        }
        #[derive(Deserialize)]
        struct C {
            code: CountryCode,
        }
        let ok: C = toml::from_str("code = \"SE\"").unwrap_or(C {
            code: CountryCode("XX".into()),
        });
        assert_eq!(ok.code.as_str(), "SE");
        let err = toml::from_str::<C>("code = \"se\"")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("two upper-case letters")));
    }

    #[test]
    fn loa_uris_round_trip_and_legacy_nonnotified_is_accepted_on_input() {
        for level in LoaLevel::all() {
            for notified in [true, false] {
                let loa = Loa { level, notified };
                assert_eq!(Loa::parse_uri(loa.uri()), Some(loa));
            }
        }
        assert_eq!(
            Loa::parse_uri("http://eidas.europa.eu/LoA/NotNotified/high"),
            Some(Loa {
                level: LoaLevel::High,
                notified: false
            })
        );
        assert_eq!(Loa::parse_uri("http://eidas.europa.eu/LoA/test"), None);
        assert_eq!(Loa::parse_uri("High"), None);
        assert_eq!(LoaLevel::parse_short("High"), Some(LoaLevel::High));
        assert!(LoaLevel::Low < LoaLevel::Substantial && LoaLevel::Substantial < LoaLevel::High);
    }
}
