//! HTML helpers: escaping and the auto-submitting POST form (SAML HTTP-POST binding, §1.3).
//!
//! Form contract relied on by [`crate::browser::parse_post_form`] and the gateway's automated
//! client: `<form method="post" action="…">` with `<input type="hidden" name="…" value="…">`,
//! attribute values escaped with `&amp; &lt; &gt; &quot; &#39;`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Path of the external auto-submit script (an external file, so a strict CSP works).
pub const AUTOSUBMIT_PATH: &str = "/static/autosubmit.js";

/// The auto-submit script: submits the first form once the page has loaded.
pub const AUTOSUBMIT_JS: &str =
    "document.addEventListener('DOMContentLoaded',function(){var f=document.forms[0];if(f){f.submit();}});\n";

/// CSP for every page we serve: no inline script or style, scripts and styles only from ourselves.
pub const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Path of the test bed's stylesheet (the simulated countries and the demo e-service).
pub const STYLE_PATH: &str = "/static/testbed.css";

/// Plain, readable styles; the TEST banner colour keeps the simulator visibly not a real country.
pub const STYLE_CSS: &str = "body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b}\
main{max-width:44rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}\
h1{font-size:1.7rem;line-height:1.2}\
fieldset{border:1px solid #bbb;border-radius:.25rem;margin:1rem 0;padding:.5rem 1rem}\
fieldset div,form>div{margin:.5rem 0}\
button{font:inherit;min-height:2.5rem;padding:.5rem 1rem;border:2px solid #5a2d82;border-radius:.25rem;background:#5a2d82;color:#fff;cursor:pointer;margin-right:.5rem}\
button.secondary{background:#fff;color:#5a2d82}\
details{margin:1rem 0}summary{cursor:pointer;color:#5a2d82}\
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}\
select{font:inherit;padding:.25rem}\
table{border-collapse:collapse;margin:1rem 0;width:100%}\
th,td{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}\
td{font-family:ui-monospace,monospace;word-break:break-all}\
code{background:#f3f3f3;padding:.1rem .3rem}\n";

pub async fn testbed_css() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        STYLE_CSS,
    )
        .into_response()
}

/// Escapes text and attribute values alike.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Reverses [`escape`] and the usual numeric references (`&#NN;`, `&#xNN;`). Unknown entities
/// are kept as written.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(rest.get(..pos).unwrap_or(""));
        let after = rest.get(pos..).unwrap_or("");
        let Some(semi) = after.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = after.get(1..).unwrap_or("");
            continue;
        };
        let entity = after.get(1..semi).unwrap_or("");
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after.get(semi + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// A complete HTML page with our headers (CSP, no caching: pages carry one-time messages).
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_in("en", status, title, body)
}

/// [`page`] in the language `lang` (a BCP 47 tag).
pub fn page_in(lang: &str, status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/static/testbed.css\"></head><body>\n<main>\n{}\n</main>\n</body></html>\n",
        escape(lang),
        escape(title),
        body
    );
    let mut r = (status, html).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The words of an auto-submitting page, in one language.
pub struct PostWords<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub note: &'a str,
    pub button: &'a str,
}

/// An auto-submitting POST form page (works without JavaScript: the button is visible).
pub fn auto_post_page(title: &str, action: &str, fields: &[(&str, &str)]) -> Response {
    auto_post_page_in(
        &PostWords {
            lang: "en",
            title,
            note: "If you are not redirected automatically, press Continue.",
            button: "Continue",
        },
        action,
        fields,
    )
}

/// [`auto_post_page`] in the citizen's language.
pub fn auto_post_page_in(words: &PostWords<'_>, action: &str, fields: &[(&str, &str)]) -> Response {
    let title = words.title;
    let mut body = format!(
        "<h1>{}</h1>\n<form method=\"post\" action=\"{}\">\n",
        escape(title),
        escape(action)
    );
    for (n, v) in fields {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(n),
            escape(v)
        ));
    }
    body.push_str(&format!(
        "<p>{}</p>\n<button type=\"submit\">{}</button>\n</form>\n",
        escape(words.note),
        escape(words.button)
    ));
    body.push_str(&format!("<script src=\"{AUTOSUBMIT_PATH}\"></script>"));
    page_in(words.lang, StatusCode::OK, title, &body)
}

/// Serves [`AUTOSUBMIT_JS`].
pub async fn autosubmit_js() -> Response {
    let mut r = AUTOSUBMIT_JS.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    r
}

/// An error page: a generic message, never the private cause (house-style H2).
pub fn error_page(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Error",
        &format!("<h1>Error</h1>\n<p>{}</p>", escape(message)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_unescape_round_trip() {
        let s = "a&b<c>d\"e'f Ελένη";
        assert_eq!(escape(s), "a&amp;b&lt;c&gt;d&quot;e&#39;f Ελένη");
        assert_eq!(unescape(&escape(s)), s);
        assert_eq!(unescape("&#x41;&#66;&bogus;&"), "AB&bogus;&");
    }
}
