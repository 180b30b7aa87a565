//! The operator's branding, without recompiling (issue 14 item 5): a theme directory named by
//! `ui.theme_dir`, holding `theme.toml` and the files it names.
//!
//! ```toml
//! service_name = { en = "Estonian eIDAS Connector", et = "Eesti eIDAS-i konnektor" }
//! accent = "#0072ce"        # header and buttons; text on it must keep 4.5:1 contrast
//! accent_text = "#ffffff"
//! logo = "logo.svg"         # SVG or PNG, shown in the header
//! stylesheet = "extra.css"  # served after ours, same origin (the CSP stays strict)
//! support_url = "https://eid.example.ee/help"
//! privacy_url = "https://eid.example.ee/privacy"
//! support_email = "eidas-help@ria.example.ee"   # shown on every error page with the
//! support_phone = "+372 600 0000"               # reference, and support_url, if set
//! ```
//!
//! Everything is read and checked at start-up (`check` reports problems), kept in memory and
//! served from `/theme/…` on our own origin, so the pages keep `style-src 'self'` and
//! `img-src 'self'`: colours become a generated stylesheet, never inline styles. Links must be
//! `https://` (`http://` on loopback), so a theme cannot put a script URL on the page.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    service_name: Option<Names>,
    #[serde(default)]
    accent: Option<String>,
    #[serde(default)]
    accent_text: Option<String>,
    #[serde(default)]
    logo: Option<String>,
    #[serde(default)]
    stylesheet: Option<String>,
    #[serde(default)]
    support_url: Option<String>,
    #[serde(default)]
    privacy_url: Option<String>,
    #[serde(default)]
    support_email: Option<String>,
    #[serde(default)]
    support_phone: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum Names {
    One(String),
    ByLanguage(BTreeMap<String, String>),
}

/// A loaded theme.
#[derive(Debug, Default)]
pub struct Theme {
    /// The service name by language tag; `""` for all languages.
    names: BTreeMap<String, String>,
    pub support_url: Option<String>,
    pub privacy_url: Option<String>,
    /// The operator's support contact on error pages.
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    /// The logo's bytes and content type.
    pub logo: Option<(Vec<u8>, &'static str)>,
    /// The generated colours (`/theme/colors.css`), if any colour is set.
    pub colors_css: Option<String>,
    /// The operator's stylesheet (`/theme/extra.css`).
    pub stylesheet: Option<String>,
}

static THEME: OnceLock<Theme> = OnceLock::new();

/// Puts `theme` in force for this process's pages (the first one installed stays).
pub fn install(theme: Theme) {
    let _ = THEME.set(theme);
}

/// The theme in force, if any.
pub fn current() -> Option<&'static Theme> {
    THEME.get()
}

impl Theme {
    /// The service name in `lang`, if the theme names it.
    pub fn service_name(&self, lang: &str) -> Option<&str> {
        self.names
            .get(lang)
            .or_else(|| self.names.get(""))
            .or_else(|| self.names.get("en"))
            .map(String::as_str)
    }
}

fn color(value: &str, what: &str) -> Result<(u8, u8, u8), String> {
    let hex = value.strip_prefix('#').unwrap_or("");
    let digits: Vec<u8> = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).map(|c| c as u8).collect(),
        6 => hex.bytes().collect(),
        _ => Vec::new(),
    };
    let n = |i: usize| -> Option<u8> {
        let s = std::str::from_utf8(digits.get(i..i + 2)?).ok()?;
        u8::from_str_radix(s, 16).ok()
    };
    match (n(0), n(2), n(4)) {
        (Some(r), Some(g), Some(b)) if digits.len() == 6 => Ok((r, g, b)),
        _ => Err(format!(
            "{what} = {value:?} is not a colour like \"#0072ce\""
        )),
    }
}

/// WCAG 2.1 relative luminance and contrast ratio.
fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let lum = |(r, g, b): (u8, u8, u8)| {
        let c = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// A plain mail address (it becomes a `mailto:` link): one `@`, no spaces, quotes or markup.
fn email(value: &str) -> Result<String, String> {
    let ok = value.len() <= 254
        && value.split('@').count() == 2
        && value.split('@').all(|p| !p.is_empty())
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || "@.-_+".contains(c));
    if ok {
        Ok(value.to_owned())
    } else {
        Err(format!("support_email = {value:?} is not a mail address"))
    }
}

/// A phone number as people write it (it becomes a `tel:` link of its digits).
fn phone(value: &str) -> Result<String, String> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let ok = (5..=20).contains(&digits)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()/.".contains(c));
    if ok {
        Ok(value.to_owned())
    } else {
        Err(format!("support_phone = {value:?} is not a phone number"))
    }
}

fn link(value: &str, what: &str) -> Result<String, String> {
    let ok = url::Url::parse(value).is_ok_and(|u| {
        u.scheme() == "https"
            || (u.scheme() == "http"
                && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")))
    });
    if ok {
        Ok(value.to_owned())
    } else {
        Err(format!("{what} = {value:?} must be an https:// URL"))
    }
}

/// Reads and checks the theme in `dir`; every problem, one line each.
pub fn load(dir: &Path) -> Result<Theme, Vec<String>> {
    let at = |f: &str| format!("ui.theme_dir {}: {f}", dir.display());
    let text = std::fs::read_to_string(dir.join("theme.toml"))
        .map_err(|e| vec![at(&format!("theme.toml: {e}"))])?;
    let file: ThemeFile =
        toml::from_str(&text).map_err(|e| vec![at(&format!("theme.toml: {e}"))])?;
    let mut problems = Vec::new();
    let mut theme = Theme::default();
    match file.service_name {
        Some(Names::One(n)) => {
            theme.names.insert(String::new(), n);
        }
        Some(Names::ByLanguage(m)) => theme.names = m,
        None => {}
    }
    let accent = file
        .accent
        .as_deref()
        .map(|c| color(c, "accent"))
        .transpose();
    let accent_text = file
        .accent_text
        .as_deref()
        .map(|c| color(c, "accent_text"))
        .transpose();
    match (accent, accent_text) {
        (Ok(a), Ok(t)) => {
            let (bg, fg) = (
                a.unwrap_or((0x00, 0x33, 0x99)),
                t.unwrap_or((0xff, 0xff, 0xff)),
            );
            let ratio = contrast(bg, fg);
            if ratio < 4.5 {
                problems.push(at(&format!(
                    "accent_text on accent has a contrast of {ratio:.2}:1; WCAG 2.1 AA needs 4.5:1"
                )));
            }
            // The accent is also the text colour of links and of the country buttons on white.
            let on_white = contrast(bg, (0xff, 0xff, 0xff));
            if on_white < 4.5 {
                problems.push(at(&format!(
                    "accent on the white page has a contrast of {on_white:.2}:1; WCAG 2.1 AA needs 4.5:1"
                )));
            }
            if a.is_some() || t.is_some() {
                let hex = |(r, g, b): (u8, u8, u8)| format!("#{r:02x}{g:02x}{b:02x}");
                theme.colors_css = Some(format!(
                    ":root {{ --accent: {}; --accent-text: {}; }}\n",
                    hex(bg),
                    hex(fg)
                ));
            }
        }
        (a, t) => problems.extend(a.err().into_iter().chain(t.err()).map(|e| at(&e))),
    }
    for (value, slot, what) in [
        (&file.support_url, &mut theme.support_url, "support_url"),
        (&file.privacy_url, &mut theme.privacy_url, "privacy_url"),
    ] {
        if let Some(v) = value {
            match link(v, what) {
                Ok(v) => *slot = Some(v),
                Err(e) => problems.push(at(&e)),
            }
        }
    }
    for (value, slot, check) in [
        (
            &file.support_email,
            &mut theme.support_email,
            email as fn(&str) -> Result<String, String>,
        ),
        (&file.support_phone, &mut theme.support_phone, phone),
    ] {
        if let Some(v) = value {
            match check(v) {
                Ok(v) => *slot = Some(v),
                Err(e) => problems.push(at(&e)),
            }
        }
    }
    // Files must sit in the theme directory itself.
    let inside = |name: &str| -> Result<std::path::PathBuf, String> {
        let p = Path::new(name);
        if p.components().count() != 1 || p.is_absolute() {
            return Err(format!(
                "{name:?} must be a file name in the theme directory"
            ));
        }
        Ok(dir.join(p))
    };
    if let Some(logo) = &file.logo {
        let kind = match Path::new(logo).extension().and_then(|e| e.to_str()) {
            Some("svg") => Some("image/svg+xml"),
            Some("png") => Some("image/png"),
            _ => None,
        };
        match (inside(logo), kind) {
            (Ok(p), Some(kind)) => match std::fs::read(&p) {
                Ok(bytes) => theme.logo = Some((bytes, kind)),
                Err(e) => problems.push(at(&format!("logo {logo}: {e}"))),
            },
            (Err(e), _) => problems.push(at(&format!("logo: {e}"))),
            (_, None) => problems.push(at(&format!("logo {logo}: SVG or PNG only"))),
        }
    }
    if let Some(css) = &file.stylesheet {
        match inside(css).and_then(|p| std::fs::read_to_string(p).map_err(|e| e.to_string())) {
            Ok(text) => theme.stylesheet = Some(text),
            Err(e) => problems.push(at(&format!("stylesheet {css}: {e}"))),
        }
    }
    if problems.is_empty() {
        Ok(theme)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn dir(files: &[(&str, &str)]) -> std::path::PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let d = std::env::temp_dir().join(format!(
            "theme-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&d).unwrap();
        for (name, text) in files {
            std::fs::write(d.join(name), text).unwrap();
        }
        d
    }

    #[test]
    fn a_theme_loads_its_names_colours_links_and_files() {
        let d = dir(&[
            (
                "theme.toml",
                "service_name = { en = \"Estonian Connector\", et = \"Eesti konnektor\" }\n\
                 accent = \"#0072ce\"\naccent_text = \"#fff\"\nlogo = \"logo.svg\"\n\
                 stylesheet = \"extra.css\"\nsupport_url = \"https://eid.example.ee/help\"\n\
                 privacy_url = \"https://eid.example.ee/privacy\"\n\
                 support_email = \"help@eid.example.ee\"\nsupport_phone = \"+372 600 0000\"\n",
            ),
            ("logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            ("extra.css", "header { border-bottom: 4px solid #fc0; }"),
        ]);
        let t = load(&d).unwrap();
        assert_eq!(t.service_name("et"), Some("Eesti konnektor"));
        assert_eq!(t.service_name("de"), Some("Estonian Connector"));
        assert_eq!(
            t.colors_css.as_deref(),
            Some(":root { --accent: #0072ce; --accent-text: #ffffff; }\n")
        );
        assert_eq!(t.logo.as_ref().unwrap().1, "image/svg+xml");
        assert!(t.stylesheet.as_deref().unwrap().contains("#fc0"));
        assert_eq!(
            t.support_url.as_deref(),
            Some("https://eid.example.ee/help")
        );
        assert_eq!(t.support_email.as_deref(), Some("help@eid.example.ee"));
        assert_eq!(t.support_phone.as_deref(), Some("+372 600 0000"));
    }

    #[test]
    fn unsafe_or_unreadable_themes_are_refused_with_every_problem() {
        let d = dir(&[(
            "theme.toml",
            "accent = \"red; } body { display: none\"\nsupport_url = \"javascript:alert(1)\"\n\
             privacy_url = \"http://evil.example/\"\nlogo = \"../../etc/passwd.svg\"\n\
             stylesheet = \"absent.css\"\nsupport_email = \"x@y\\\" onclick=\\\"z\"\n\
             support_phone = \"call us\"\n",
        )]);
        let problems = load(&d).unwrap_err().join("\n");
        for expect in [
            "accent = ",
            "support_url = \"javascript:alert(1)\" must be an https:// URL",
            "privacy_url",
            "must be a file name in the theme directory",
            "stylesheet absent.css",
            "is not a mail address",
            "support_phone = \"call us\" is not a phone number",
        ] {
            assert!(problems.contains(expect), "{expect} in {problems}");
        }
        // Poor contrast is refused (WCAG 2.1 AA, 4.5:1).
        let d = dir(&[(
            "theme.toml",
            "accent = \"#777777\"\naccent_text = \"#888888\"\n",
        )]);
        let problems = load(&d).unwrap_err().join("\n");
        assert!(problems.contains("contrast of 1."), "{problems}");
        // No theme.toml: one clear problem.
        let empty = dir(&[]);
        assert!(load(&empty).unwrap_err()[0].contains("theme.toml"));
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
    }
}
