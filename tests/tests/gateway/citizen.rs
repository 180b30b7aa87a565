//! Issue 14 item 3, over HTTP against the real binary: the country page's filter (a GET form,
//! ignoring case and accents, knowing codes), "remember my country on this device" (a cookie
//! only after the citizen ticks the box, and a way to forget it), and the help for a missing
//! country. The live narrowing by `filter.js` is clicked in Chromium (`tests/browser`).
//!
//! A plain client with the cookies written by hand, so every `Set-Cookie` can be read and a
//! forged cookie sent.

use crate::harness::*;

struct Citizen {
    client: reqwest::Client,
    gw: String,
    /// The browser-binding cookie (`eidas_browser=…`) the gateway set at `/authorize`.
    binding: Option<String>,
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

impl Citizen {
    fn new(gw: &str) -> Citizen {
        Citizen {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            gw: gw.to_owned(),
            binding: None,
        }
    }

    fn cookie(&self, extra: &str) -> String {
        [self.binding.as_deref().unwrap_or(""), extra]
            .iter()
            .filter(|c| !c.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A new login; the flow id of its country page.
    async fn start(&mut self, lang: &str) -> String {
        let (url, _, _) = authorize_url(&self.gw, "openid", &[("ui_locales", lang)]);
        let r = self
            .client
            .get(&url)
            .header("cookie", self.cookie(""))
            .send()
            .await
            .unwrap();
        if let Some(c) = set_cookies(&r)
            .iter()
            .find(|c| c.starts_with("eidas_browser="))
        {
            self.binding = c.split(';').next().map(str::to_owned);
        }
        let page = r.headers()["location"].to_str().unwrap().to_owned();
        query_param(&format!("{}{page}", self.gw), "flow")
            .or_else(|| query_param(&page, "flow"))
            .unwrap()
    }

    async fn page(&self, flow: &str, lang: &str, q: Option<&str>, extra: &str) -> String {
        let mut u = url::Url::parse(&format!("{}/login", self.gw)).unwrap();
        u.query_pairs_mut()
            .append_pair("flow", flow)
            .append_pair("lang", lang);
        if let Some(q) = q {
            u.query_pairs_mut().append_pair("q", q);
        }
        let r = self
            .client
            .get(u.as_str())
            .header("cookie", self.cookie(extra))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.text().await.unwrap()
    }

    async fn post(&self, path: &str, form: &[(&str, &str)], extra: &str) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.gw))
            .header("cookie", self.cookie(extra))
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn the_country_page_filters_remembers_with_consent_and_forgets() {
    let w = World::start("citizen").await;
    let mut c = Citizen::new(w.gw.url());
    let flow = c.start("en").await;
    let html = c.page(&flow, "en", None, "").await;
    // Both test countries, the filter form, the unticked consent box, the help.
    assert!(
        html.contains("value=\"XA\"") && html.contains("value=\"XB\""),
        "{html}"
    );
    assert!(html.contains("role=\"search\""));
    assert!(html.contains("name=\"remember\" value=\"1\">"));
    assert!(html.contains("<summary>My country is not in the list</summary>"));
    assert!(!html.contains("class=\"remembered\""));

    // The filter (the test countries are named "Testland XA" and "Testland XB"; names in
    // other scripts and accents are unit-tested with CLDR names in
    // `country_names::tests`); nothing found says so.
    for (q, shown, hidden) in [("xb", "XB", "XA"), ("Xá", "XA", "XB"), (" XA ", "XA", "XB")] {
        let html = c.page(&flow, "en", Some(q), "").await;
        assert!(
            html.contains(&format!("value=\"{shown}\""))
                && !html.contains(&format!("value=\"{hidden}\"")),
            "{q}: {html}"
        );
    }
    let html = c.page(&flow, "en", Some("atlantis"), "").await;
    assert!(html.contains("No country matches your search."), "{html}");
    assert!(html.contains("Show all countries"));

    // Choosing without the consent box sets no country cookie.
    let r = c
        .post(
            "/login",
            &[("flow", &flow), ("lang", "en"), ("country", "XA")],
            "",
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        !set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("eidas_country=")),
        "{:?}",
        set_cookies(&r)
    );

    // With consent: a year, this path only, not readable by scripts.
    let flow = c.start("en").await;
    let r = c
        .post(
            "/login",
            &[
                ("flow", &flow),
                ("lang", "en"),
                ("country", "XB"),
                ("remember", "1"),
            ],
            "",
        )
        .await;
    assert_eq!(r.status(), 200);
    let set = set_cookies(&r);
    let country = set
        .iter()
        .find(|c| c.starts_with("eidas_country="))
        .unwrap_or_else(|| panic!("{set:?}"));
    assert!(country.starts_with("eidas_country=XB;"), "{country}");
    for attr in [
        "Path=/login",
        "Max-Age=31536000",
        "HttpOnly",
        "SameSite=Lax",
    ] {
        assert!(country.contains(attr), "{attr} in {country}");
    }

    // The next login in this browser shows it, first, with a way to forget it.
    let flow = c.start("de").await;
    let html = c.page(&flow, "de", None, "eidas_country=XB").await;
    assert!(
        html.contains("Ihr Land ist auf diesem Gerät gespeichert: <strong>Testland XB</strong>"),
        "{html}"
    );
    assert!(html.find("value=\"XB\"").unwrap() < html.find("value=\"XA\"").unwrap());
    let r = c
        .post(
            "/login/forget",
            &[("flow", &flow), ("lang", "de")],
            "eidas_country=XB",
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/login?flow={flow}&lang=de")
    );
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("eidas_country=;") && c.contains("Max-Age=0")),
        "{:?}",
        set_cookies(&r)
    );
    // Forgetting needs this browser's flow, like every step.
    let stranger = Citizen::new(w.gw.url());
    let r = stranger
        .post("/login/forget", &[("flow", &flow), ("lang", "de")], "")
        .await;
    assert_ne!(r.status(), 303);
    // A forged cookie value is ignored.
    let html = c.page(&flow, "en", None, "eidas_country=<x>").await;
    assert!(!html.contains("class=\"remembered\""), "{html}");
    // A remembered country this request cannot use is not shown.
    let html = c.page(&flow, "en", None, "eidas_country=SE").await;
    assert!(!html.contains("class=\"remembered\""), "{html}");
}
