//! The pages a citizen sees, as plain server-rendered HTML: no template engine, every interpolated
//! value escaped, no inline script or style (strict CSP), usable without JavaScript, one `h1`, a
//! `lang` attribute, labelled controls (WCAG 2.1 AA basics).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::i18n::{Locale, Texts};
use crate::trust::Offer;

pub const STYLE_CSS: &str = include_str!("static/style.css");
pub const AUTOSUBMIT_JS: &str = include_str!("static/autosubmit.js");
pub const FILTER_JS: &str = include_str!("static/filter.js");
pub const COPY_JS: &str = include_str!("static/copy.js");
pub const WALLET_JS: &str = include_str!("static/wallet.js");

/// HTML text and attribute escaping (both contexts; we always quote attributes with `"`).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn layout(locale: Locale, title: &str, switcher: Option<&str>, body: &str) -> String {
    let t = locale.texts();
    let nav = switcher
        .map(|base| language_switcher(locale, base))
        .unwrap_or_default();
    // The operator's theme (`web::theme`): its name, logo, colours, stylesheet and links.
    let theme = super::theme::current();
    let site = theme
        .and_then(|th| th.service_name(locale.tag()))
        .unwrap_or(t.site);
    let mut head = String::new();
    let mut logo = "";
    let mut footer = String::new();
    if let Some(th) = theme {
        if th.colors_css.is_some() {
            head.push_str("<link rel=\"stylesheet\" href=\"/theme/colors.css\">");
        }
        if th.stylesheet.is_some() {
            head.push_str("<link rel=\"stylesheet\" href=\"/theme/extra.css\">");
        }
        if th.logo.is_some() {
            // Decorative: the service name follows as text.
            logo = "<img class=\"logo\" src=\"/theme/logo\" alt=\"\">";
        }
        let links: Vec<String> = [
            (&th.support_url, t.support_link),
            (&th.privacy_url, t.privacy_link),
        ]
        .into_iter()
        .filter_map(|(url, label)| {
            url.as_ref()
                .map(|u| format!("<li><a href=\"{}\">{}</a></li>", esc(u), esc(label)))
        })
        .collect();
        if !links.is_empty() {
            footer = format!(
                "<footer><ul class=\"links\">{}</ul></footer>",
                links.concat()
            );
        }
    }
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} – {site}</title><link rel=\"stylesheet\" href=\"/static/style.css\">{head}</head>\
         <body><header><p class=\"site\">{logo}{site}</p>{nav}</header>\
         <main id=\"main\"><h1>{title}</h1>{body}</main>{footer}</body></html>",
        lang = locale.tag(),
        title = esc(title),
        site = esc(site),
    )
}

/// Links to the same page in each other language (`base` already has a query string).
fn language_switcher(current: Locale, base: &str) -> String {
    // The menu of each language, made once: the links' fixed parts, between which the page's
    // own (escaped) address goes. 26 languages on every page should cost a few copies.
    static MENUS: std::sync::OnceLock<Vec<(&'static str, Vec<String>)>> =
        std::sync::OnceLock::new();
    let menus = MENUS.get_or_init(|| {
        Locale::all()
            .map(|cur| {
                let mut parts = vec![format!(
                    "<nav aria-label=\"{}\"><ul class=\"languages\">",
                    esc(cur.texts().language)
                )];
                for l in Locale::all() {
                    let last = parts.last_mut().map_or_else(String::new, std::mem::take);
                    if l == cur {
                        let _ = parts.pop();
                        parts.push(format!(
                            "{last}<li><span aria-current=\"true\" lang=\"{}\">{}</span></li>",
                            l.tag(),
                            esc(l.endonym())
                        ));
                    } else {
                        let _ = parts.pop();
                        parts.push(format!("{last}<li><a href=\""));
                        parts.push(format!(
                            "&amp;lang={t}\" lang=\"{t}\" hreflang=\"{t}\">{}</a></li>",
                            esc(l.endonym()),
                            t = l.tag()
                        ));
                    }
                }
                if let Some(last) = parts.last_mut() {
                    last.push_str("</ul></nav>");
                }
                (cur.tag(), parts)
            })
            .collect()
    });
    let Some((_, parts)) = menus.iter().find(|(tag, _)| *tag == current.tag()) else {
        return String::new();
    };
    let base = esc(base);
    let mut s = String::with_capacity(
        parts.iter().map(String::len).sum::<usize>() + base.len() * parts.len(),
    );
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            s.push_str(&base);
        }
        s.push_str(part);
    }
    s
}

/// Security headers for every page. `form_action` lists where forms on the page may post
/// (CSP `form-action` also governs redirects after the post).
pub fn html_response(status: StatusCode, html: String, form_action: &str) -> Response {
    let mut r = (status, Html(html)).into_response();
    let h = r.headers_mut();
    let csp = format!(
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
         form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

/// What the country page shows beyond the offers.
#[derive(Debug, Default, Clone, Copy)]
pub struct ChoiceView<'a> {
    /// The filter typed (GET `q`): the offers were narrowed by it.
    pub query: Option<&'a str>,
    /// The country remembered on this device (its cookie), when it is among the offers.
    pub remembered: Option<&'a Offer>,
    /// The EU Digital Identity Wallet is offered to this login: first, before the countries.
    pub wallet: bool,
}

/// The country selection page (eidas-requirements §5): the filter (a GET form, narrowed live by
/// `filter.js` when scripts run), the remembered country with a way to forget it, the choice
/// (one submit button per country, and the consent to remember it), help for a missing country,
/// and cancel.
pub fn choose_country(
    locale: Locale,
    flow: &str,
    service: &str,
    offers: &[Offer],
    view: ChoiceView<'_>,
) -> String {
    let t: &Texts = locale.texts();
    let mut body = format!(
        "<p>{}</p>",
        esc(t.choose_intro).replace("{service}", &format!("<strong>{}</strong>", esc(service)))
    );
    let hidden = format!(
        "<input type=\"hidden\" name=\"flow\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">",
        esc(flow),
        locale.tag()
    );
    if view.wallet {
        body.push_str(&format!(
            "<form method=\"post\" action=\"{action}\" class=\"wallet\">{hidden}\
             <button type=\"submit\" name=\"way\" value=\"wallet\">{option}</button></form>\
             <p>{or}</p>",
            action = super::LOGIN_PATH,
            option = esc(t.wallet_option),
            or = esc(t.wallet_or),
        ));
    }
    if let Some(r) = view.remembered {
        body.push_str(&format!(
            "<div class=\"remembered\"><p>{} <strong>{}</strong></p>\
             <form method=\"post\" action=\"{action}\">{hidden}\
             <button type=\"submit\" class=\"secondary\">{}</button></form></div>",
            esc(t.remembered),
            esc(&r.name),
            esc(t.forget),
            action = super::FORGET_PATH,
        ));
    }
    body.push_str(&format!(
        "<form method=\"get\" action=\"{action}\" role=\"search\" class=\"filter\">{hidden}\
         <label for=\"q\">{label}</label> <input id=\"q\" name=\"q\" type=\"search\" value=\"{q}\" autocomplete=\"off\"> \
         <button type=\"submit\">{button}</button></form>",
        action = super::LOGIN_PATH,
        label = esc(t.filter_label),
        q = esc(view.query.unwrap_or("")),
        button = esc(t.filter_button),
    ));
    let all = format!(
        "{}?flow={}&amp;lang={}",
        super::LOGIN_PATH,
        esc(flow),
        locale.tag()
    );
    if offers.is_empty() && view.query.is_some_and(|q| !q.trim().is_empty()) {
        body.push_str(&format!(
            "<p role=\"status\">{}</p><p><a href=\"{all}\">{}</a></p>",
            esc(t.filter_none),
            esc(t.filter_all)
        ));
    } else if offers.is_empty() {
        body.push_str(&format!("<p role=\"alert\">{}</p>", esc(t.no_countries)));
    } else {
        body.push_str(&format!(
            "<form method=\"post\" action=\"{action}\">{hidden}\
             <fieldset><legend>{legend}</legend><p class=\"count\">{count}</p><ul class=\"countries\">",
            action = super::LOGIN_PATH,
            legend = esc(t.countries_legend),
            count = esc(&locale.countries_count(offers.len())),
        ));
        for o in offers {
            let mut mark = if o.test {
                format!(" <span class=\"test\">({})</span>", esc(t.test_mark))
            } else {
                String::new()
            };
            if o.degraded {
                // Still selectable: the citizen may try, and knows what to expect.
                mark.push_str(&format!(
                    " <span class=\"degraded\">{}</span>",
                    esc(t.degraded_notice)
                ));
            }
            body.push_str(&format!(
                "<li data-code=\"{code}\"><button type=\"submit\" name=\"country\" value=\"{code}\">{name}{mark}</button></li>",
                code = esc(&o.code),
                name = esc(&o.name),
            ));
        }
        body.push_str(&format!(
            "</ul><p class=\"filter-none\" role=\"status\" hidden>{none}</p>\
             <p class=\"remember\"><input type=\"checkbox\" id=\"remember\" name=\"remember\" value=\"1\"> \
             <label for=\"remember\">{remember}</label></p></fieldset></form>",
            none = esc(t.filter_none),
            remember = esc(t.remember),
        ));
    }
    body.push_str(&format!(
        "<details class=\"missing\"><summary>{}</summary><p>{}</p></details>",
        esc(t.missing_title),
        esc(t.missing_body)
    ));
    body.push_str(&format!(
        "<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"flow\" value=\"{flow}\">\
         <button type=\"submit\" class=\"secondary\">{cancel}</button></form>\
         <script src=\"/static/filter.js\"></script>",
        action = super::CANCEL_PATH,
        flow = esc(flow),
        cancel = esc(t.cancel),
    ));
    let base = format!("{}?flow={}", super::LOGIN_PATH, flow);
    layout(locale, t.choose_title, Some(&base), &body)
}

/// What the wallet page shows.
#[derive(Debug, Clone, Copy)]
pub struct WalletView<'a> {
    /// The invocation for a wallet on this device (HAIP 1.0 §5.1 same-device).
    pub same_device: &'a str,
    /// The invocation for a wallet on another device, and its QR code (inline SVG).
    pub cross_device: &'a str,
    pub qr_svg: &'a str,
    pub flow: &'a str,
    /// The wallet request id.
    pub request: &'a str,
}

/// The wallet page: the link that opens a wallet on this device; for a wallet on another
/// device, a QR code (and the same link as text); the page waits for the answer (`wallet.js`
/// polls; without scripts, "I have answered" reloads it), and Cancel stays possible.
pub fn wallet_page(locale: Locale, v: WalletView<'_>) -> String {
    let t = locale.texts();
    let wait = super::wallet::WALLET_WAIT_PATH;
    let poll = format!(
        "{}?flow={}&amp;r={}",
        super::wallet::WALLET_POLL_PATH,
        esc(v.flow),
        esc(v.request)
    );
    let body = format!(
        "<p>{body}</p><p><a class=\"button\" href=\"{same}\">{open}</a></p>\
         <h2>{qr_intro}</h2><figure class=\"qr\" role=\"img\" aria-label=\"{qr_label}\">{svg}</figure>\
         <p><a href=\"{cross}\">{cross_text}</a></p>\
         <p class=\"waiting\" role=\"status\" data-poll=\"{poll}\">{waiting}</p>\
         <form method=\"get\" action=\"{wait}\"><input type=\"hidden\" name=\"flow\" value=\"{flow}\">\
         <input type=\"hidden\" name=\"r\" value=\"{request}\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\">\
         <button type=\"submit\" class=\"secondary\">{cont}</button></form>\
         <form method=\"post\" action=\"{cancel}\"><input type=\"hidden\" name=\"flow\" value=\"{flow}\">\
         <button type=\"submit\" class=\"secondary\">{cancel_text}</button></form>\
         <script src=\"/static/wallet.js\"></script>",
        body = esc(t.wallet_body),
        same = esc(v.same_device),
        open = esc(t.wallet_open),
        qr_intro = esc(t.wallet_qr_intro),
        qr_label = esc(t.wallet_qr_label),
        svg = v.qr_svg,
        cross = esc(v.cross_device),
        cross_text = esc(t.wallet_cross_link),
        waiting = esc(t.wallet_waiting),
        cont = esc(t.wallet_continue),
        flow = esc(v.flow),
        request = esc(v.request),
        lang = locale.tag(),
        cancel = super::CANCEL_PATH,
        cancel_text = esc(t.cancel),
    );
    let here = format!("{wait}?flow={}&r={}", v.flow, v.request);
    layout(locale, t.wallet_title, Some(&here), &body)
}

/// The auto-submitting HTTP-POST binding form (SAML Bindings §3.5.4): works without JavaScript
/// (the visible button), and auto-submits with the external script.
pub fn post_form(locale: Locale, action: &str, fields: &[(&str, &str)]) -> String {
    let t = locale.texts();
    let mut body = format!(
        "<p>{}</p><form id=\"autosubmit\" method=\"post\" action=\"{}\">",
        esc(t.redirect_body),
        esc(action)
    );
    for (name, value) in fields {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(name),
            esc(value)
        ));
    }
    body.push_str(&format!(
        "<button type=\"submit\">{}</button></form><script src=\"/static/autosubmit.js\"></script>",
        esc(t.continue_)
    ));
    layout(locale, t.redirect_title, None, &body)
}

/// What went wrong, in words the citizen can act on: each kind has its own heading, says what
/// happened and what to try (issue 14 item 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The login took too long, or the step was already used (a reload, Back, a second tab).
    Expired,
    BadRequest,
    /// Our service (its store, keys or CPU) cannot serve the login now.
    Unavailable,
    OtherBrowser,
    /// The chosen country cannot be used for this login (before leaving).
    CountryUnavailable,
    /// The citizen cancelled or refused consent at their country's eID service.
    Cancelled,
    /// Their country's eID service did not authenticate them.
    Refused,
    /// Their country's service reported a failure, or its answer failed our checks.
    CountryFailed,
    NotFound,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::CountryUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The heading and the explanation.
    fn texts(self, t: &Texts) -> (&'static str, &'static str) {
        match self {
            ErrorKind::Expired => (t.title_expired, t.err_expired),
            ErrorKind::BadRequest => (t.title_bad_request, t.err_bad_request),
            ErrorKind::Unavailable => (t.title_unavailable, t.err_unavailable),
            ErrorKind::OtherBrowser => (t.title_other_browser, t.err_other_browser),
            ErrorKind::CountryUnavailable => (t.title_country_unavailable, t.err_country),
            ErrorKind::Cancelled => (t.title_cancelled, t.err_cancelled),
            ErrorKind::Refused => (t.title_refused, t.err_refused),
            ErrorKind::CountryFailed => (t.title_country_failed, t.err_country_failed),
            ErrorKind::NotFound => (t.title_not_found, t.not_found),
        }
    }
}

/// Where an error page leads, when the login and its e-service are known.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ways<'a> {
    /// The open login: "Return to the e-service" ends it there, "Try again" goes back to the
    /// choice.
    pub flow: Option<&'a str>,
    /// The parked outcome whose error the e-service should hear on return (`/login/cancel r`).
    pub outcome: Option<&'a str>,
    /// The page's own address, for the language menu (it must show the same page again).
    pub here: Option<&'a str>,
}

/// The error page: what happened and what to try, the ways on (back to the e-service, try
/// again), the reference operators find in the logs (selectable, with a copy button when scripts
/// run), and the operator's support contact.
pub fn error_page(locale: Locale, kind: ErrorKind, correlation_id: &str, ways: Ways<'_>) -> String {
    let t = locale.texts();
    let (title, text) = kind.texts(t);
    let mut body = format!("<p role=\"alert\">{}</p>", esc(text));
    if let Some(flow) = ways.flow {
        let outcome = ways
            .outcome
            .map(|r| format!("<input type=\"hidden\" name=\"r\" value=\"{}\">", esc(r)))
            .unwrap_or_default();
        body.push_str(&format!(
            "<div class=\"actions\"><form method=\"post\" action=\"{cancel}\">\
             <input type=\"hidden\" name=\"flow\" value=\"{flow}\">{outcome}\
             <button type=\"submit\">{back}</button></form>\
             <a class=\"button secondary\" href=\"{login}?flow={flow}&amp;lang={lang}\">{again}</a></div>",
            cancel = super::CANCEL_PATH,
            login = super::LOGIN_PATH,
            flow = esc(flow),
            lang = locale.tag(),
            back = esc(t.back_to_service),
            again = esc(t.try_again),
        ));
    }
    body.push_str(&format!(
        "<p>{} <code class=\"reference\" id=\"reference\">{}</code> \
         <button type=\"button\" class=\"secondary copy\" data-copy=\"reference\" hidden>{}</button> \
         <span class=\"copied\" role=\"status\" data-text=\"{}\"></span></p>",
        esc(t.reference_intro),
        esc(correlation_id),
        esc(t.copy_reference),
        esc(t.copied),
    ));
    if let Some(contact) = super::theme::current().and_then(|th| support_contact(th, t)) {
        body.push_str(&contact);
    }
    body.push_str("<script src=\"/static/copy.js\"></script>");
    layout(locale, title, ways.here, &body)
}

/// The operator's support contact (theme `support_email`, `support_phone`, `support_url`).
fn support_contact(th: &super::theme::Theme, t: &Texts) -> Option<String> {
    let mut ways = Vec::new();
    if let Some(mail) = &th.support_email {
        ways.push(format!("<a href=\"mailto:{0}\">{0}</a>", esc(mail)));
    }
    if let Some(phone) = &th.support_phone {
        // International form: the trunk prefix written "(0)" is not dialled from abroad.
        let dial: String = phone
            .replace("(0)", "")
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        ways.push(format!("<a href=\"tel:{}\">{}</a>", esc(&dial), esc(phone)));
    }
    if let Some(url) = &th.support_url {
        ways.push(format!(
            "<a href=\"{}\">{}</a>",
            esc(url),
            esc(t.support_link)
        ));
    }
    (!ways.is_empty()).then(|| {
        format!(
            "<p class=\"support\">{} {}</p>",
            esc(t.support_intro),
            ways.join(" · ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attribute_contexts() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn country_page_escapes_the_service_name_and_lists_offers() {
        let offers = vec![
            Offer {
                code: "XA".into(),
                name: "Testland <A>".into(),
                test: true,
                degraded: false,
            },
            Offer {
                code: "XB".into(),
                name: "Testland B".into(),
                test: true,
                degraded: true,
            },
        ];
        let html = choose_country(
            Locale::parse("sv").unwrap(),
            "f1",
            "<script>x</script>",
            &offers,
            ChoiceView::default(),
        );
        assert!(html.contains("<html lang=\"sv\">"));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        // A degraded country is marked, and still a button to choose.
        assert_eq!(html.matches("class=\"degraded\"").count(), 1);
        assert!(html.contains("value=\"XB\">Testland B"));
        assert!(!html.contains("<script>x"));
        assert!(html.contains("name=\"country\" value=\"XA\">Testland &lt;A&gt; <span class=\"test\">(testland)</span>"));
        assert!(html.contains("Välj ditt land"));
        // The filter is a GET form (works without scripts); consent to remember is unticked;
        // help for a missing country opens without scripts.
        assert!(html.contains("<form method=\"get\" action=\"/login\" role=\"search\""));
        assert!(html.contains("name=\"remember\" value=\"1\">"));
        assert!(!html.contains("checked"));
        assert!(html.contains(
            "<details class=\"missing\"><summary>Mitt land finns inte i listan</summary>"
        ));
        assert!(!html.contains("class=\"remembered\""));
    }

    #[test]
    fn country_page_shows_the_remembered_country_and_an_empty_filter_result() {
        let se = Offer {
            code: "SE".into(),
            name: "Sverige".into(),
            test: false,
            degraded: false,
        };
        let html = choose_country(
            Locale::EN,
            "f1",
            "Tax",
            std::slice::from_ref(&se),
            ChoiceView {
                query: Some("sv"),
                remembered: Some(&se),
                wallet: false,
            },
        );
        assert!(
            html.contains("Your country is remembered on this device: <strong>Sverige</strong>")
        );
        assert!(html.contains("action=\"/login/forget\""));
        assert!(
            html.contains("value=\"sv\""),
            "the filter keeps what was typed"
        );
        let html = choose_country(
            Locale::EN,
            "f1",
            "Tax",
            &[],
            ChoiceView {
                query: Some("zz<"),
                remembered: None,
                wallet: false,
            },
        );
        assert!(html.contains("No country matches your search."));
        assert!(html.contains("href=\"/login?flow=f1&amp;lang=en\">Show all countries</a>"));
        assert!(html.contains("value=\"zz&lt;\""));
        assert!(!html.contains("No country can currently provide"));
    }

    #[test]
    fn the_language_menu_links_every_other_language_from_this_page() {
        for current in Locale::all() {
            let base = "/login?flow=a&b\"";
            // What the cached menu must equal: every language, the current one unlinked.
            let mut want = format!(
                "<nav aria-label=\"{}\"><ul class=\"languages\">",
                esc(current.texts().language)
            );
            for l in Locale::all() {
                if l == current {
                    want.push_str(&format!(
                        "<li><span aria-current=\"true\" lang=\"{}\">{}</span></li>",
                        l.tag(),
                        esc(l.endonym())
                    ));
                } else {
                    want.push_str(&format!(
                        "<li><a href=\"{}&amp;lang={t}\" lang=\"{t}\" hreflang=\"{t}\">{}</a></li>",
                        esc(base),
                        esc(l.endonym()),
                        t = l.tag()
                    ));
                }
            }
            want.push_str("</ul></nav>");
            assert_eq!(language_switcher(current, base), want, "{current:?}");
        }
        let menu = language_switcher(Locale::EN, "/x?flow=1");
        assert_eq!(menu.matches("<li>").count(), 26);
        assert!(menu.contains("hreflang=\"el\">Ελληνικά</a>"));
    }

    #[test]
    fn error_pages_have_their_own_heading_the_reference_and_the_ways_on() {
        let pl = Locale::parse("pl").unwrap();
        // Without a known login: heading, explanation, reference, no form.
        let html = error_page(pl, ErrorKind::Expired, "ref<1>", Ways::default());
        assert!(
            html.contains("<h1>Twoja sesja logowania wygasła</h1>"),
            "{html}"
        );
        assert!(html.contains("<code class=\"reference\" id=\"reference\">ref&lt;1&gt;</code>"));
        assert!(html.contains("data-copy=\"reference\" hidden>Kopiuj numer referencyjny</button>"));
        assert!(!html.contains("<form"));
        assert!(
            !html.contains("<nav"),
            "no language menu without the page's address"
        );
        // A failure abroad: both ways on, the parked outcome, the language menu back here.
        let html = error_page(
            Locale::EN,
            ErrorKind::Refused,
            "abc",
            Ways {
                flow: Some("f\"1"),
                outcome: Some("h1"),
                here: Some("/resume?r=h1"),
            },
        );
        assert!(html.contains("<h1>Your identity could not be confirmed</h1>"));
        assert!(html.contains("<input type=\"hidden\" name=\"flow\" value=\"f&quot;1\"><input type=\"hidden\" name=\"r\" value=\"h1\">"));
        assert!(html.contains("<button type=\"submit\">Return to the e-service</button>"));
        assert!(html.contains("href=\"/login?flow=f&quot;1&amp;lang=en\">Try again</a>"));
        assert!(html.contains("href=\"/resume?r=h1&amp;lang=de\""));
        // Every kind has a heading and a text of its own.
        let kinds = [
            ErrorKind::Expired,
            ErrorKind::BadRequest,
            ErrorKind::Unavailable,
            ErrorKind::OtherBrowser,
            ErrorKind::CountryUnavailable,
            ErrorKind::Cancelled,
            ErrorKind::Refused,
            ErrorKind::CountryFailed,
            ErrorKind::NotFound,
        ];
        let texts: std::collections::BTreeSet<_> =
            kinds.iter().map(|k| k.texts(Locale::EN.texts())).collect();
        assert_eq!(texts.len(), kinds.len());
    }

    #[test]
    fn post_form_carries_escaped_fields_and_a_visible_button() {
        let html = post_form(
            Locale::EN,
            "https://ps.example/sso?a=1&b=2",
            &[("RelayState", "r\"1")],
        );
        assert!(html.contains("action=\"https://ps.example/sso?a=1&amp;b=2\""));
        assert!(html.contains("name=\"RelayState\" value=\"r&quot;1\""));
        assert!(html.contains("<button type=\"submit\">Continue</button>"));
    }
}
