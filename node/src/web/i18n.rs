//! The citizen's language, as data: a table of [`Catalog`]s (tag, aliases, endonym, texts), a
//! [`Locale`] that names one of them and is stored as its tag string (so a rolling deploy that
//! adds or reorders languages keeps the logins in flight), and a [`Localizer`] in the state that
//! negotiates: an explicit `lang` choice, the client's `ui_locales`, the browser's
//! `Accept-Language`, then the configured default. A language is added by adding a catalog.

use axum::http::HeaderMap;
use serde::Deserialize;

/// One language we have texts for: its Project Fluent file (`web/locales/<tag>.ftl`), whose
/// header names the language in itself (`# endonym:`) and says whether a native speaker has
/// reviewed it (`# review-status:`).
#[derive(Debug)]
pub struct Catalog {
    /// BCP 47 primary language subtag.
    pub tag: &'static str,
    /// Other primary subtags that mean this language to us (`no`, `nn` → `nb`).
    pub aliases: &'static [&'static str],
    /// The Fluent source.
    pub source: &'static str,
    /// Parsed on first use ([`ensure`] at start-up).
    loaded: std::sync::OnceLock<Loaded>,
}

/// Every official EU language, plus Norwegian (bokmål) and Icelandic; English first (the
/// fallback), then by tag. Discovery's `ui_locales_supported` and the switcher use this order.
pub static CATALOGS: [Catalog; 26] = [
    Catalog {
        tag: "en",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/en.ftl"),
    },
    Catalog {
        tag: "bg",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/bg.ftl"),
    },
    Catalog {
        tag: "cs",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/cs.ftl"),
    },
    Catalog {
        tag: "da",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/da.ftl"),
    },
    Catalog {
        tag: "de",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/de.ftl"),
    },
    Catalog {
        tag: "el",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/el.ftl"),
    },
    Catalog {
        tag: "es",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/es.ftl"),
    },
    Catalog {
        tag: "et",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/et.ftl"),
    },
    Catalog {
        tag: "fi",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/fi.ftl"),
    },
    Catalog {
        tag: "fr",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/fr.ftl"),
    },
    Catalog {
        tag: "ga",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/ga.ftl"),
    },
    Catalog {
        tag: "hr",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/hr.ftl"),
    },
    Catalog {
        tag: "hu",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/hu.ftl"),
    },
    Catalog {
        tag: "is",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/is.ftl"),
    },
    Catalog {
        tag: "it",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/it.ftl"),
    },
    Catalog {
        tag: "lt",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/lt.ftl"),
    },
    Catalog {
        tag: "lv",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/lv.ftl"),
    },
    Catalog {
        tag: "mt",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/mt.ftl"),
    },
    Catalog {
        tag: "nb",
        aliases: &["no", "nn"],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/nb.ftl"),
    },
    Catalog {
        tag: "nl",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/nl.ftl"),
    },
    Catalog {
        tag: "pl",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/pl.ftl"),
    },
    Catalog {
        tag: "pt",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/pt.ftl"),
    },
    Catalog {
        tag: "ro",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/ro.ftl"),
    },
    Catalog {
        tag: "sk",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/sk.ftl"),
    },
    Catalog {
        tag: "sl",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/sl.ftl"),
    },
    Catalog {
        tag: "sv",
        aliases: &[],
        loaded: std::sync::OnceLock::new(),
        source: include_str!("locales/sv.ftl"),
    },
];

/// A catalog, loaded: its texts (formatted once), header facts, and the bundle for messages
/// formatted per request (plurals).
pub struct Loaded {
    endonym: &'static str,
    texts: Texts,
    bundle: FluentBundle<FluentResource>,
    counts: std::sync::OnceLock<Vec<String>>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Loaded({})", self.endonym)
    }
}

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;

/// Parses every catalog now, so the first page does not pay for it.
pub fn ensure() {
    for l in Locale::all() {
        let _ = l.loaded();
    }
}

/// A header line `# key: value` of a Fluent file.
fn header(source: &'static str, key: &str) -> Option<&'static str> {
    source
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# ")?.strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

fn bundle(c: &Catalog) -> FluentBundle<FluentResource> {
    let lang: unic_langid::LanguageIdentifier = c.tag.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![lang]);
    // Our pages are HTML with `lang`; Unicode isolation marks around placeables would only
    // show up in titles and copied text.
    b.set_use_isolating(false);
    // A file with syntax errors still yields the messages that parsed; the catalog test
    // refuses any error, and a missing message falls back to English.
    let resource = FluentResource::try_new(c.source.to_owned()).unwrap_or_else(|(r, _)| r);
    let _ = b.add_resource(resource);
    b
}

/// Counts of countries formatted once per language (a country page lists at most a few dozen).
const COUNTS_CACHED: usize = 64;

fn count_text(b: &FluentBundle<FluentResource>, n: usize) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("count", n);
    format(b, "countries-count", Some(&args)).unwrap_or_else(|| n.to_string())
}

/// `id` formatted with `args`, if the bundle has it.
fn format(
    b: &FluentBundle<FluentResource>,
    id: &str,
    args: Option<&fluent_bundle::FluentArgs>,
) -> Option<String> {
    let pattern = b.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = b.format_pattern(pattern, args, &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

fn load(c: &Catalog) -> Loaded {
    let b = bundle(c);
    // English for what a catalog lacks (the catalog test makes that never happen).
    let english = CATALOGS.first().filter(|e| e.tag != c.tag).map(bundle);
    let mut args = fluent_bundle::FluentArgs::new();
    // Our own marker, replaced (HTML-escaped) by the page.
    args.set("service", "{service}");
    let text = |id: &str| -> &'static str {
        let s = format(&b, id, Some(&args))
            .or_else(|| english.as_ref().and_then(|e| format(e, id, Some(&args))))
            .unwrap_or_else(|| id.to_owned());
        Box::leak(s.into_boxed_str())
    };
    let texts = Texts {
        site: text("site"),
        language: text("language"),
        choose_title: text("choose-title"),
        choose_intro: text("choose-intro"),
        countries_legend: text("countries-legend"),
        test_mark: text("test-mark"),
        degraded_notice: text("degraded-notice"),
        cancel: text("cancel"),
        no_countries: text("no-countries"),
        redirect_title: text("redirect-title"),
        redirect_body: text("redirect-body"),
        continue_: text("continue"),
        err_expired: text("err-expired"),
        err_bad_request: text("err-bad-request"),
        err_unavailable: text("err-unavailable"),
        err_other_browser: text("err-other-browser"),
        err_country: text("err-country"),
        err_cancelled: text("err-cancelled"),
        err_refused: text("err-refused"),
        err_country_failed: text("err-country-failed"),
        title_expired: text("title-expired"),
        title_bad_request: text("title-bad-request"),
        title_unavailable: text("title-unavailable"),
        title_other_browser: text("title-other-browser"),
        title_country_unavailable: text("title-country-unavailable"),
        title_cancelled: text("title-cancelled"),
        title_refused: text("title-refused"),
        title_country_failed: text("title-country-failed"),
        title_not_found: text("title-not-found"),
        try_again: text("try-again"),
        support_intro: text("support-intro"),
        copy_reference: text("copy-reference"),
        copied: text("copied"),
        wallet_option: text("wallet-option"),
        wallet_or: text("wallet-or"),
        wallet_title: text("wallet-title"),
        wallet_body: text("wallet-body"),
        wallet_open: text("wallet-open"),
        wallet_qr_intro: text("wallet-qr-intro"),
        wallet_qr_label: text("wallet-qr-label"),
        wallet_cross_link: text("wallet-cross-link"),
        wallet_waiting: text("wallet-waiting"),
        wallet_continue: text("wallet-continue"),
        reference_intro: text("reference-intro"),
        not_found: text("not-found"),
        filter_label: text("filter-label"),
        filter_button: text("filter-button"),
        filter_none: text("filter-none"),
        filter_all: text("filter-all"),
        remember: text("remember"),
        remembered: text("remembered"),
        forget: text("forget"),
        missing_title: text("missing-title"),
        missing_body: text("missing-body"),
        support_link: text("support-link"),
        privacy_link: text("privacy-link"),
        back_to_service: text("back-to-service"),
    };
    Loaded {
        endonym: header(c.source, "endonym").unwrap_or(c.tag),
        texts,
        bundle: b,
        counts: std::sync::OnceLock::new(),
    }
}

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

    fn loaded(self) -> &'static Loaded {
        self.0.loaded.get_or_init(|| load(self.0))
    }

    /// The language's name in itself, for the language menu.
    pub fn endonym(self) -> &'static str {
        self.loaded().endonym
    }

    pub fn texts(self) -> &'static Texts {
        &self.loaded().texts
    }

    /// "3 countries", with this language's plural rules (formatted once per count up to
    /// [`COUNTS_CACHED`], then per call).
    pub fn countries_count(self, n: usize) -> std::borrow::Cow<'static, str> {
        let loaded = self.loaded();
        if let Some(s) = loaded
            .counts
            .get_or_init(|| {
                (0..COUNTS_CACHED)
                    .map(|i| count_text(&loaded.bundle, i))
                    .collect()
            })
            .get(n)
        {
            return std::borrow::Cow::Borrowed(s.as_str());
        }
        std::borrow::Cow::Owned(count_text(&loaded.bundle, n))
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
    /// The operator's branding: a directory with `theme.toml` (service name, colours, support
    /// and privacy links) and the files it names (logo, extra stylesheet). See `web::theme`.
    #[serde(default)]
    pub theme_dir: Option<std::path::PathBuf>,
}

fn default_locale() -> String {
    "en".into()
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            default_locale: default_locale(),
            theme_dir: None,
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
    pub err_expired: &'static str,
    pub err_bad_request: &'static str,
    pub err_unavailable: &'static str,
    pub err_other_browser: &'static str,
    pub err_country: &'static str,
    pub err_cancelled: &'static str,
    pub err_refused: &'static str,
    pub err_country_failed: &'static str,
    /// The headings of the error pages, one per kind.
    pub title_expired: &'static str,
    pub title_bad_request: &'static str,
    pub title_unavailable: &'static str,
    pub title_other_browser: &'static str,
    pub title_country_unavailable: &'static str,
    pub title_cancelled: &'static str,
    pub title_refused: &'static str,
    pub title_country_failed: &'static str,
    pub title_not_found: &'static str,
    /// Back to the choice of country, from an error page.
    pub try_again: &'static str,
    /// Before the operator's support contact on error pages.
    pub support_intro: &'static str,
    pub copy_reference: &'static str,
    /// Announced when the reference was copied.
    pub copied: &'static str,
    /// The EU Digital Identity Wallet: its name on the country page, the words before the
    /// countries, and its page.
    pub wallet_option: &'static str,
    pub wallet_or: &'static str,
    pub wallet_title: &'static str,
    pub wallet_body: &'static str,
    pub wallet_open: &'static str,
    /// The cross-device part of the wallet page: the QR code, its link, the wait.
    pub wallet_qr_intro: &'static str,
    pub wallet_qr_label: &'static str,
    pub wallet_cross_link: &'static str,
    pub wallet_waiting: &'static str,
    pub wallet_continue: &'static str,
    pub reference_intro: &'static str,
    pub not_found: &'static str,
    pub filter_label: &'static str,
    pub filter_button: &'static str,
    pub filter_none: &'static str,
    pub filter_all: &'static str,
    /// The consent checkbox for the country cookie.
    pub remember: &'static str,
    pub remembered: &'static str,
    pub forget: &'static str,
    pub missing_title: &'static str,
    pub missing_body: &'static str,
    /// Footer links of a theme.
    pub support_link: &'static str,
    pub privacy_link: &'static str,
    /// On an error page when the e-service is known: back to it (it hears `access_denied`).
    pub back_to_service: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_by_q() {
        assert_eq!(
            Locale::from_accept_language("ja-JP,ja;q=0.9,sv;q=0.8,en;q=0.7"),
            Locale::parse("sv")
        );
        assert_eq!(
            Locale::from_accept_language("en;q=0.5, da;q=0.6"),
            Locale::parse("da")
        );
        assert_eq!(Locale::from_accept_language("nn-NO"), Locale::parse("nb"));
        assert_eq!(Locale::from_accept_language("zh, sv;q=0"), None);
        assert_eq!(Locale::from_accept_language(";;;,q=,"), None);
    }

    #[test]
    fn ui_locales_take_the_first_supported() {
        assert_eq!(
            Locale::from_ui_locales("ja sv-FI en".split(' ')),
            Locale::parse("sv")
        );
        assert_eq!(Locale::from_ui_locales(["ja"]), None);
        assert_eq!(
            Locale::from_ui_locales(["el-GR"]).map(Locale::tag),
            Some("el")
        );
    }

    /// Message ids and the variables each uses, from a Fluent source (syntax errors fail).
    fn messages(
        tag: &str,
        source: &str,
    ) -> std::collections::BTreeMap<String, (String, Vec<String>)> {
        use fluent_syntax::ast;
        let resource = fluent_syntax::parser::parse(source)
            .unwrap_or_else(|(_, errors)| panic!("{tag}.ftl does not parse: {errors:?}"));
        let mut out = std::collections::BTreeMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = Vec::new();
                let mut text = String::new();
                let mut stack: Vec<&ast::Pattern<&str>> = m.value.iter().collect();
                while let Some(p) = stack.pop() {
                    for e in &p.elements {
                        match e {
                            ast::PatternElement::TextElement { value } => text.push_str(value),
                            ast::PatternElement::Placeable { expression } => match expression {
                                ast::Expression::Inline(
                                    ast::InlineExpression::VariableReference { id },
                                ) => vars.push(id.name.to_owned()),
                                ast::Expression::Select { selector, variants } => {
                                    if let ast::InlineExpression::VariableReference { id } =
                                        selector
                                    {
                                        vars.push(id.name.to_owned());
                                    }
                                    stack.extend(variants.iter().map(|v| &v.value));
                                }
                                other => panic!("{tag}: unexpected expression {other:?}"),
                            },
                        }
                    }
                }
                vars.sort();
                vars.dedup();
                out.insert(m.id.name.to_owned(), (text, vars));
            }
        }
        out
    }

    #[test]
    fn every_catalog_has_every_message_with_the_same_placeholders_and_no_english_left() {
        let english = messages("en", CATALOGS[0].source);
        assert!(english.len() >= 34, "{english:?}");
        // Words that only English would use in these messages.
        let english_words = [" the ", " your ", " please ", " could not ", " and "];
        for c in &CATALOGS {
            let m = messages(c.tag, c.source);
            let ids: Vec<&String> = m.keys().collect();
            let en_ids: Vec<&String> = english.keys().collect();
            assert_eq!(ids, en_ids, "{}.ftl: messages differ from en.ftl", c.tag);
            for (id, (text, vars)) in &m {
                let (en_text, en_vars) = &english[id];
                assert_eq!(vars, en_vars, "{}.ftl {id}: placeholders", c.tag);
                if c.tag != "en" {
                    assert_ne!(text, en_text, "{}.ftl {id}: still English", c.tag);
                    let lower = format!(" {} ", text.to_lowercase());
                    for w in english_words {
                        assert!(
                            !lower.contains(w),
                            "{}.ftl {id}: English word {w:?} in {text:?}",
                            c.tag
                        );
                    }
                }
            }
            // The header: which language, its name in itself, and whether it was reviewed.
            assert_eq!(header(c.source, "language"), Some(c.tag));
            assert!(
                header(c.source, "endonym").is_some_and(|e| !e.is_empty()),
                "{}",
                c.tag
            );
            assert!(
                matches!(
                    header(c.source, "review-status"),
                    Some("reviewed" | "unreviewed")
                ),
                "{}.ftl: review-status",
                c.tag
            );
            // Formatting works and keeps our `{service}` marker.
            let l = Locale::parse(c.tag).unwrap_or(Locale::EN);
            assert_eq!(l.tag(), c.tag);
            assert!(l.texts().choose_intro.contains("{service}"), "{}", c.tag);
            assert!(!l.texts().site.is_empty());
        }
    }

    #[test]
    fn plural_variants_are_the_languages_own_categories() {
        use intl_pluralrules::{PluralRuleType, PluralRules};
        for c in &CATALOGS {
            let lang: unic_langid::LanguageIdentifier = c.tag.parse().unwrap_or_default();
            let rules = PluralRules::create(lang, PluralRuleType::CARDINAL)
                .unwrap_or_else(|e| panic!("{}: no plural rules: {e}", c.tag));
            // The categories counts of things reach (integers), and those decimals reach too
            // (a variant for one of those is valid, if never used for a count).
            let name = |k: intl_pluralrules::PluralCategory| format!("{k:?}").to_lowercase();
            let mut categories: Vec<String> = (0..=1000u32)
                .chain([10_000, 100_000, 1_000_000, 2_000_000])
                .filter_map(|n| rules.select(n).ok().map(name))
                .collect();
            categories.sort();
            categories.dedup();
            let mut valid = categories.clone();
            for d in ["0.5", "1.5", "2.5", "5.5", "0.1", "1.0", "2.0", "11.5"] {
                if let Ok(k) = rules.select(d) {
                    valid.push(name(k));
                }
            }
            let resource =
                fluent_syntax::parser::parse(c.source).unwrap_or_else(|_| panic!("{}", c.tag));
            for entry in &resource.body {
                let fluent_syntax::ast::Entry::Message(m) = entry else {
                    continue;
                };
                for e in m.value.iter().flat_map(|p| p.elements.iter()) {
                    if let fluent_syntax::ast::PatternElement::Placeable {
                        expression: fluent_syntax::ast::Expression::Select { variants, .. },
                    } = e
                    {
                        let keys: Vec<String> = variants
                            .iter()
                            .map(|v| match &v.key {
                                fluent_syntax::ast::VariantKey::Identifier { name } => {
                                    (*name).to_owned()
                                }
                                fluent_syntax::ast::VariantKey::NumberLiteral { value } => {
                                    (*value).to_owned()
                                }
                            })
                            .collect();
                        for k in &keys {
                            assert!(
                                valid.contains(k) || k.parse::<f64>().is_ok(),
                                "{}.ftl {}: [{k}] is not a plural category of this language ({categories:?})",
                                c.tag,
                                m.id.name
                            );
                        }
                        for cat in &categories {
                            assert!(
                                keys.contains(cat),
                                "{}.ftl {}: no variant for the category {cat}",
                                c.tag,
                                m.id.name
                            );
                        }
                    }
                }
            }
            // Every count formats, and shows the number.
            let l = Locale::parse(c.tag).unwrap_or(Locale::EN);
            for n in [0, 1, 2, 3, 4, 5, 11, 12, 21, 22, 25, 100, 101, 1_000_000] {
                let s = l.countries_count(n);
                assert!(s.contains(&n.to_string()), "{}: {n} → {s:?}", c.tag);
            }
        }
        assert_eq!(Locale::EN.countries_count(1), "1 country");
        assert_eq!(Locale::EN.countries_count(3), "3 countries");
        let pl = Locale::parse("pl").unwrap_or(Locale::EN);
        assert_eq!(pl.countries_count(2), "2 kraje");
        assert_eq!(pl.countries_count(5), "5 krajów");
        assert_eq!(pl.countries_count(22), "22 kraje");
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
        assert_eq!(loc.negotiate(None, Some(&["ja", "en"]), &h).tag(), "en");
        assert_eq!(loc.negotiate(None, None, &h).tag(), "sv");
        assert_eq!(loc.negotiate(None, None, &HeaderMap::new()).tag(), "da");
    }
}
