//! The citizen's language, as data: a table of [`Catalog`]s (tag, aliases, endonym, texts), a
//! [`Locale`] that names one of them and is stored as its tag string (so a rolling deploy that
//! adds or reorders languages keeps the logins in flight), and a [`Localizer`] in the state that
//! negotiates: an explicit `lang` choice, the client's `ui_locales`, the browser's
//! `Accept-Language`, then the configured default. A language is added by adding a catalog.

use axum::http::HeaderMap;
use serde::Deserialize;

/// One language we have texts for.
#[derive(Debug)]
pub struct Catalog {
    /// BCP 47 primary language subtag.
    pub tag: &'static str,
    /// Other primary subtags that mean this language to us (`no`, `nn` → `nb`).
    pub aliases: &'static [&'static str],
    /// Its name in itself, for the language switcher.
    pub endonym: &'static str,
    pub texts: &'static Texts,
}

/// Every language, in discovery (`ui_locales_supported`) and switcher order.
pub static CATALOGS: [Catalog; 4] = [
    Catalog {
        tag: "en",
        aliases: &[],
        endonym: "English",
        texts: &EN,
    },
    Catalog {
        tag: "sv",
        aliases: &[],
        endonym: "Svenska",
        texts: &SV,
    },
    Catalog {
        tag: "nb",
        aliases: &["no", "nn"],
        endonym: "Norsk (bokmål)",
        texts: &NB,
    },
    Catalog {
        tag: "da",
        aliases: &[],
        endonym: "Dansk",
        texts: &DA,
    },
];

/// A language we have texts for: a reference into [`CATALOGS`].
#[derive(Clone, Copy)]
pub struct Locale(&'static Catalog);

impl PartialEq for Locale {
    fn eq(&self, other: &Self) -> bool {
        self.0.tag == other.0.tag
    }
}

impl Eq for Locale {}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.tag)
    }
}

impl Locale {
    /// English: the fallback of last resort.
    pub const EN: Locale = Locale(&CATALOGS[0]);

    /// Every language we have texts for.
    pub fn all() -> impl Iterator<Item = Locale> {
        CATALOGS.iter().map(Locale)
    }

    /// A BCP 47 tag or its primary subtag, any case: `sv-SE` → sv; `no`, `nn` → nb.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        CATALOGS
            .iter()
            .find(|c| c.tag == primary || c.aliases.contains(&primary.as_str()))
            .map(Locale)
    }

    pub fn tag(self) -> &'static str {
        self.0.tag
    }

    pub fn endonym(self) -> &'static str {
        self.0.endonym
    }

    pub fn texts(self) -> &'static Texts {
        self.0.texts
    }

    /// First supported of a space-separated `ui_locales` list (OIDC Core §3.1.2.1).
    pub fn from_ui_locales<'a>(tags: impl IntoIterator<Item = &'a str>) -> Option<Locale> {
        tags.into_iter().find_map(Locale::parse)
    }

    /// Best supported language of an `Accept-Language` header (RFC 9110 §12.5.4), by q-value.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(u16, Locale)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let Some(tag) = parts.next() else { continue };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Three decimals are all RFC 9110 allows; compare as integers.
            let q = (q.clamp(0.0, 1.0) * 1000.0) as u16;
            if q == 0 {
                continue;
            }
            if let Some(l) = Locale::parse(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l)
    }
}

/// Stored as the tag string (`"sv"`).
impl serde::Serialize for Locale {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.tag)
    }
}

/// Reads a tag; also the variant names an earlier release stored (`"Sv"`), so logins in flight
/// survive a rolling deploy. A language this release lacks becomes English rather than a lost
/// login.
impl<'de> serde::Deserialize<'de> for Locale {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(d)?;
        Ok(Locale::parse(&tag).unwrap_or(Locale::EN))
    }
}

/// Chooses the citizen's language. Lives in the state.
#[derive(Debug, Clone, Copy)]
pub struct Localizer {
    pub default: Locale,
}

impl Localizer {
    pub fn new(default: Locale) -> Self {
        Localizer { default }
    }

    /// Tags for discovery's `ui_locales_supported`.
    pub fn supported_tags() -> Vec<String> {
        Locale::all().map(|l| l.tag().to_owned()).collect()
    }

    /// Explicit choice, then `ui_locales`, then `Accept-Language`, then the default.
    pub fn negotiate(
        &self,
        explicit: Option<&str>,
        ui_locales: Option<&[&str]>,
        headers: &HeaderMap,
    ) -> Locale {
        explicit
            .and_then(Locale::parse)
            .or_else(|| ui_locales.and_then(|u| Locale::from_ui_locales(u.iter().copied())))
            .or_else(|| {
                headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Locale::from_accept_language)
            })
            .unwrap_or(self.default)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSettings {
    /// Used when neither `ui_locales` nor the browser names a language we have.
    #[serde(default = "default_locale")]
    pub default_locale: String,
}

fn default_locale() -> String {
    "en".into()
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            default_locale: default_locale(),
        }
    }
}

/// Every text a citizen sees. `{service}` is replaced by the e-service's name.
#[derive(Debug)]
pub struct Texts {
    pub site: &'static str,
    pub language: &'static str,
    pub choose_title: &'static str,
    pub choose_intro: &'static str,
    pub countries_legend: &'static str,
    pub test_mark: &'static str,
    /// Beside a country whose recent logins keep failing.
    pub degraded_notice: &'static str,
    pub cancel: &'static str,
    pub no_countries: &'static str,
    pub redirect_title: &'static str,
    pub redirect_body: &'static str,
    pub continue_: &'static str,
    pub error_title: &'static str,
    pub err_expired: &'static str,
    pub err_bad_request: &'static str,
    pub err_unavailable: &'static str,
    pub err_other_browser: &'static str,
    pub err_country: &'static str,
    pub err_rejected: &'static str,
    pub reference_intro: &'static str,
    pub not_found: &'static str,
}

static EN: Texts = Texts {
    site: "European eID login",
    language: "Language",
    choose_title: "Choose your country",
    choose_intro: "{service} asks you to log in with the electronic identification (eID) of your country.",
    countries_legend: "Countries that can provide this login",
    test_mark: "test country",
    degraded_notice: "— this country's login service is having problems right now",
    cancel: "Cancel and return to the service",
    no_countries: "No country can currently provide the login this service requires.",
    redirect_title: "Continuing to your country's login",
    redirect_body: "You are being sent to the login service of your country. If nothing happens, press Continue.",
    continue_: "Continue",
    error_title: "The login could not be completed",
    err_expired: "Your login session has expired or was already used. Return to the e-service and start again.",
    err_bad_request: "The login request was not valid. Return to the e-service and try again.",
    err_unavailable: "The service is temporarily unavailable. Please try again in a few minutes.",
    err_other_browser: "This login was started in another browser, or your browser blocked our cookie. Start again from the e-service in this browser.",
    err_country: "The chosen country is not available at the moment.",
    err_rejected: "The answer from your country's login service could not be accepted.",
    reference_intro: "If the problem persists, contact the e-service and quote this reference:",
    not_found: "This page does not exist.",
};

static SV: Texts = Texts {
    site: "Europeisk e-legitimering",
    language: "Språk",
    choose_title: "Välj ditt land",
    choose_intro: "{service} ber dig logga in med ditt lands elektroniska identifiering (e-legitimation).",
    countries_legend: "Länder som kan erbjuda denna inloggning",
    test_mark: "testland",
    degraded_notice: "— landets inloggningstjänst har problem just nu",
    cancel: "Avbryt och återvänd till tjänsten",
    no_countries: "Inget land kan just nu erbjuda den inloggning som tjänsten kräver.",
    redirect_title: "Du skickas vidare till ditt lands inloggning",
    redirect_body: "Du skickas till inloggningstjänsten i ditt land. Om inget händer, tryck på Fortsätt.",
    continue_: "Fortsätt",
    error_title: "Inloggningen kunde inte slutföras",
    err_expired: "Din inloggningssession har gått ut eller har redan använts. Gå tillbaka till e-tjänsten och börja om.",
    err_bad_request: "Inloggningsbegäran var inte giltig. Gå tillbaka till e-tjänsten och försök igen.",
    err_unavailable: "Tjänsten är tillfälligt otillgänglig. Försök igen om några minuter.",
    err_other_browser: "Inloggningen påbörjades i en annan webbläsare, eller så blockerade webbläsaren vår cookie. Börja om från e-tjänsten i den här webbläsaren.",
    err_country: "Det valda landet är inte tillgängligt just nu.",
    err_rejected: "Svaret från ditt lands inloggningstjänst kunde inte godtas.",
    reference_intro: "Om problemet kvarstår, kontakta e-tjänsten och ange denna referens:",
    not_found: "Sidan finns inte.",
};

static NB: Texts = Texts {
    site: "Europeisk eID-innlogging",
    language: "Språk",
    choose_title: "Velg ditt land",
    choose_intro: "{service} ber deg logge inn med den elektroniske identifikasjonen (eID) fra ditt land.",
    countries_legend: "Land som kan tilby denne innloggingen",
    test_mark: "testland",
    degraded_notice: "— landets innloggingstjeneste har problemer akkurat nå",
    cancel: "Avbryt og gå tilbake til tjenesten",
    no_countries: "Ingen land kan for øyeblikket tilby innloggingen denne tjenesten krever.",
    redirect_title: "Du sendes videre til innloggingen i ditt land",
    redirect_body: "Du sendes til innloggingstjenesten i ditt land. Hvis ingenting skjer, trykk Fortsett.",
    continue_: "Fortsett",
    error_title: "Innloggingen kunne ikke fullføres",
    err_expired: "Innloggingsøkten din er utløpt eller allerede brukt. Gå tilbake til e-tjenesten og start på nytt.",
    err_bad_request: "Innloggingsforespørselen var ikke gyldig. Gå tilbake til e-tjenesten og prøv igjen.",
    err_unavailable: "Tjenesten er midlertidig utilgjengelig. Prøv igjen om noen minutter.",
    err_other_browser: "Innloggingen ble startet i en annen nettleser, eller nettleseren blokkerte informasjonskapselen vår. Start på nytt fra e-tjenesten i denne nettleseren.",
    err_country: "Det valgte landet er ikke tilgjengelig akkurat nå.",
    err_rejected: "Svaret fra innloggingstjenesten i ditt land kunne ikke godtas.",
    reference_intro: "Hvis problemet vedvarer, kontakt e-tjenesten og oppgi denne referansen:",
    not_found: "Siden finnes ikke.",
};

static DA: Texts = Texts {
    site: "Europæisk eID-login",
    language: "Sprog",
    choose_title: "Vælg dit land",
    choose_intro: "{service} beder dig logge ind med dit lands elektroniske identifikation (eID).",
    countries_legend: "Lande, der kan tilbyde dette login",
    test_mark: "testland",
    degraded_notice: "— landets login-tjeneste har problemer lige nu",
    cancel: "Annuller og vend tilbage til tjenesten",
    no_countries: "Intet land kan i øjeblikket tilbyde det login, som tjenesten kræver.",
    redirect_title: "Du sendes videre til dit lands login",
    redirect_body: "Du sendes til login-tjenesten i dit land. Hvis der ikke sker noget, så tryk på Fortsæt.",
    continue_: "Fortsæt",
    error_title: "Login kunne ikke gennemføres",
    err_expired: "Din login-session er udløbet eller allerede brugt. Gå tilbage til den digitale tjeneste og start forfra.",
    err_bad_request: "Login-anmodningen var ikke gyldig. Gå tilbage til den digitale tjeneste og prøv igen.",
    err_unavailable: "Tjenesten er midlertidigt utilgængelig. Prøv igen om et par minutter.",
    err_other_browser: "Login blev startet i en anden browser, eller din browser blokerede vores cookie. Start forfra fra den digitale tjeneste i denne browser.",
    err_country: "Det valgte land er ikke tilgængeligt lige nu.",
    err_rejected: "Svaret fra dit lands login-tjeneste kunne ikke godkendes.",
    reference_intro: "Hvis problemet fortsætter, så kontakt den digitale tjeneste og oplys denne reference:",
    not_found: "Siden findes ikke.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_by_q() {
        assert_eq!(
            Locale::from_accept_language("de-DE,de;q=0.9,sv;q=0.8,en;q=0.7"),
            Locale::parse("sv")
        );
        assert_eq!(
            Locale::from_accept_language("en;q=0.5, da;q=0.6"),
            Locale::parse("da")
        );
        assert_eq!(Locale::from_accept_language("nn-NO"), Locale::parse("nb"));
        assert_eq!(Locale::from_accept_language("fr, sv;q=0"), None);
        assert_eq!(Locale::from_accept_language(";;;,q=,"), None);
    }

    #[test]
    fn ui_locales_take_the_first_supported() {
        assert_eq!(
            Locale::from_ui_locales("fi sv-FI en".split(' ')),
            Locale::parse("sv")
        );
        assert_eq!(Locale::from_ui_locales(["de"]), None);
    }

    #[test]
    fn every_language_has_every_text() {
        for l in Locale::all() {
            let t = l.texts();
            assert!(t.choose_intro.contains("{service}"), "{l:?}");
            for s in [
                t.site,
                t.choose_title,
                t.cancel,
                t.error_title,
                t.err_expired,
            ] {
                assert!(!s.is_empty());
            }
        }
        let sv = Locale::parse("sv").unwrap_or(Locale::EN);
        assert_ne!(sv.texts().cancel, Locale::EN.texts().cancel);
    }

    #[test]
    fn a_locale_is_stored_as_its_tag_and_old_state_still_reads() {
        let nb = Locale::parse("nn-NO").unwrap_or(Locale::EN);
        assert_eq!(serde_json::to_string(&nb).unwrap_or_default(), "\"nb\"");
        for (stored, tag) in [
            ("\"nb\"", "nb"),
            ("\"Sv\"", "sv"),
            ("\"Da\"", "da"),
            ("\"xx\"", "en"),
        ] {
            let l: Locale = serde_json::from_str(stored).unwrap_or(Locale::EN);
            assert_eq!(l.tag(), tag, "{stored}");
        }
    }

    #[test]
    fn the_localizer_negotiates_in_order_and_falls_back_to_its_default() {
        let loc = Localizer::new(Locale::parse("da").unwrap_or(Locale::EN));
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            axum::http::HeaderValue::from_static("sv"),
        );
        assert_eq!(loc.negotiate(Some("nb"), Some(&["en"]), &h).tag(), "nb");
        assert_eq!(loc.negotiate(None, Some(&["fi", "en"]), &h).tag(), "en");
        assert_eq!(loc.negotiate(None, None, &h).tag(), "sv");
        assert_eq!(loc.negotiate(None, None, &HeaderMap::new()).tag(), "da");
    }
}
