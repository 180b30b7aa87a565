//! The POST-form contract (see [`crate::html`]): a small, tolerant tag scanner that never panics
//! (attribute order, single/double/no quotes, comments, upper case).

use crate::html::unescape;

/// A parsed `<form method="post">`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// As written (may be relative; [`Browser::submit`] resolves it).
    pub action: String,
    /// Every `<input type="hidden">`, in document order, values unescaped.
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A start tag: lower-cased name and attributes (names lower-cased, values unescaped).
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every tag of `html` in order (comments skipped; end tags named `/x`).
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = rest.get(lt + 1..).unwrap_or("");
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after
                .find("-->")
                .and_then(|e| after.get(e + 3..))
                .unwrap_or("");
            continue;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '>' || (c == '/' && !rest.starts_with('/')))
            .unwrap_or(rest.len());
        let name = rest.get(..name_len).unwrap_or("").to_ascii_lowercase();
        rest = rest.get(name_len..).unwrap_or("");
        let (attrs, consumed) = parse_attrs(rest);
        rest = rest.get(consumed..).unwrap_or("");
        if !name.is_empty() {
            out.push(Tag { name, attrs });
        }
    }
    out
}

/// Attributes up to the closing `>`, honouring quotes; returns them and the bytes consumed.
fn parse_attrs(s: &str) -> (Vec<(String, String)>, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut attrs = Vec::new();
    let at = |i: usize| b.get(i).copied();
    loop {
        while at(i).is_some_and(|c| c.is_ascii_whitespace() || c == b'/') {
            i += 1;
        }
        match at(i) {
            None => return (attrs, i),
            Some(b'>') => return (attrs, i + 1),
            _ => {}
        }
        let start = i;
        while at(i).is_some_and(|c| !c.is_ascii_whitespace() && c != b'=' && c != b'>' && c != b'/')
        {
            i += 1;
        }
        let name = s.get(start..i).unwrap_or("").to_ascii_lowercase();
        while at(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        let mut value = String::new();
        if at(i) == Some(b'=') {
            i += 1;
            while at(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            match at(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let vs = i + 1;
                    let mut j = vs;
                    while at(j).is_some_and(|c| c != q) {
                        j += 1;
                    }
                    value = unescape(s.get(vs..j).unwrap_or(""));
                    i = (j + 1).min(b.len());
                }
                _ => {
                    let vs = i;
                    while at(i).is_some_and(|c| !c.is_ascii_whitespace() && c != b'>') {
                        i += 1;
                    }
                    value = unescape(s.get(vs..i).unwrap_or(""));
                }
            }
        }
        if name.is_empty() {
            i += 1;
        } else {
            attrs.push((name, value));
        }
    }
}

/// The first `<form method="post">` of `html`: its `action` and every hidden input.
pub fn parse_post_form(html: &str) -> Option<Form> {
    let all = tags(html);
    let mut it = all.iter().skip_while(|t| {
        !(t.name == "form"
            && t.attr("method")
                .is_some_and(|m| m.eq_ignore_ascii_case("post")))
    });
    let form = it.next()?;
    let fields = it
        .take_while(|t| t.name != "/form")
        .filter(|t| {
            t.name == "input"
                && t.attr("type")
                    .is_some_and(|v| v.eq_ignore_ascii_case("hidden"))
        })
        .filter_map(|t| {
            Some((
                t.attr("name")?.to_owned(),
                t.attr("value").unwrap_or("").to_owned(),
            ))
        })
        .collect();
    Some(Form {
        action: form.attr("action").unwrap_or("").to_owned(),
        fields,
    })
}

/// Every `<button name=… value=…>` of `html` (e.g. the gateway's country buttons).
pub fn parse_buttons(html: &str) -> Vec<(String, String)> {
    tags(html)
        .into_iter()
        .filter(|t| t.name == "button")
        .filter_map(|t| {
            Some((
                t.attr("name")?.to_owned(),
                t.attr("value").unwrap_or("").to_owned(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_post_form_takes_the_first_post_form_and_its_hidden_inputs() {
        let html = r#"<!DOCTYPE html><html><body>
<form method="get" action="/search"><input type="hidden" name="q" value="no"></form>
<!-- <form method="post" action="/commented"> -->
<FORM Action='/acs?a=1&amp;b=2' METHOD='POST' class=x>
  <input value="PHNhbWw+&#x2B;/=" type="hidden" name="SAMLResponse"/>
  <input name='RelayState' type='HIDDEN' value='a&quot;b&#39;c&lt;&gt;&amp;'>
  <input type=hidden name=flow value=abc123>
  <input type="text" name="visible" value="x">
  <input type="hidden" name="empty">
  <button type="submit" name="country" value="XA">Testland A</button>
</FORM>
<form method="post" action="/second"><input type="hidden" name="z" value="1"></form>
</body></html>"#;
        let f = parse_post_form(html).unwrap();
        assert_eq!(f.action, "/acs?a=1&b=2");
        assert_eq!(
            f.fields,
            vec![
                ("SAMLResponse".to_owned(), "PHNhbWw++/=".to_owned()),
                ("RelayState".to_owned(), "a\"b'c<>&".to_owned()),
                ("flow".to_owned(), "abc123".to_owned()),
                ("empty".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            parse_buttons(html),
            vec![("country".to_owned(), "XA".to_owned())]
        );
    }

    #[test]
    fn parse_post_form_survives_junk() {
        for junk in [
            "",
            "<",
            "<form",
            "<form method=post",
            "<form method='post",
            "<<>>",
            "<input type=hidden name=a value='x",
        ] {
            let _ = parse_post_form(junk);
        }
        assert_eq!(parse_post_form("<form method=post>").unwrap().action, "");
        assert!(parse_post_form("<p>no form</p>").is_none());
    }

    #[test]
    fn round_trips_the_simulators_own_form() {
        let fields = [("SAMLResponse", "a+b/c=="), ("RelayState", "x\"y'<z>&")];
        let page = crate::html::auto_post_page("t", "https://c.example/acs?x=1&y=2", &fields);
        let body = futures_body(page);
        let f = parse_post_form(&body).unwrap();
        assert_eq!(f.action, "https://c.example/acs?x=1&y=2");
        assert_eq!(f.field("SAMLResponse"), Some("a+b/c=="));
        assert_eq!(f.field("RelayState"), Some("x\"y'<z>&"));
    }

    fn futures_body(r: axum::response::Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let b = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .unwrap();
            String::from_utf8(b.to_vec()).unwrap()
        })
    }
}
