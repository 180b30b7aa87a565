//! The simulator's HTML: the identity picker (a plain, accessible form) and the index.

use eidas_node::identity::LoaLevel;

use super::connector::ParsedRequest;
use super::i18n::SimTexts;
use super::identities::IDENTITIES;
use super::{Country, Fault};
use crate::html::escape;

/// The identity picker for a pending request `handle` (state stays server-side). `fault` is
/// preselected: the one `/control` set, so a tool driving this page (the metrics screenshot's load
/// run) can make the country fail.
pub(crate) fn picker(
    t: &SimTexts,
    country: &Country,
    handle: &str,
    req: &ParsedRequest,
    fault: Option<Fault>,
) -> String {
    let cc = country.code.to_ascii_lowercase();
    let asks = match req.person_type {
        eidas_node::identity::PersonType::NaturalPerson => t.asks_natural,
        eidas_node::identity::PersonType::LegalPerson => t.asks_legal,
    };
    let mut b = format!(
        "<h1>{name}</h1>\n<p><strong>{warning}</strong></p>\n<p>{asks}</p>\n<form method=\"post\" action=\"/{cc}/respond\">\n<input type=\"hidden\" name=\"handle\" value=\"{handle}\">\n<fieldset><legend>{identity}</legend>\n",
        name = escape(&country.name),
        warning = escape(t.warning),
        asks = escape(asks).replace(
            "{loa}",
            &format!("<em>{}</em>", req.min_loa().as_str())
        ),
        identity = escape(t.identity),
        handle = escape(handle),
    );
    let mut first = true;
    for (i, id) in IDENTITIES
        .iter()
        .filter(|i| i.person_type == req.person_type)
        .enumerate()
    {
        b.push_str(&format!(
            "<div><input type=\"radio\" id=\"identity-{i}\" name=\"identity\" value=\"{v}\"{checked}> <label for=\"identity-{i}\">{l}</label></div>\n",
            v = escape(id.id),
            checked = if first { " checked" } else { "" },
            l = escape(id.label),
        ));
        first = false;
    }
    b.push_str(&format!(
        "</fieldset>\n<div><label for=\"loa\">{}</label> <select id=\"loa\" name=\"loa\">\n",
        escape(t.loa)
    ));
    for l in country.loas.iter().filter(|l| **l >= req.min_loa()) {
        b.push_str(&format!(
            "<option value=\"{0}\"{1}>{0}</option>\n",
            l.as_str(),
            if *l == req.min_loa() { " selected" } else { "" }
        ));
    }
    // Faults are for testers: folded away unless one is preset.
    b.push_str(&format!("</select></div>\n<details{}><summary>{}</summary>\n<div><label for=\"fault\">{}</label> <select id=\"fault\" name=\"fault\">\n<option value=\"none\"{}>none</option>\n", if fault.is_some() { " open" } else { "" }, escape(t.faults), escape(t.fault), if fault.is_none() { " selected" } else { "" }));
    for f in Fault::ALL {
        b.push_str(&format!(
            "<option value=\"{0}\"{1}>{0}</option>\n",
            f.as_str(),
            if Some(*f) == fault { " selected" } else { "" }
        ));
    }
    b.push_str(&format!("</select></div>\n</details>\n<div><button type=\"submit\" name=\"action\" value=\"login\">{}</button> <button type=\"submit\" name=\"action\" value=\"cancel\" class=\"secondary\">{}</button></div>\n</form>", escape(t.login), escape(t.cancel)));
    b
}

pub(crate) fn index(countries: &[Country]) -> String {
    let mut b = String::from("<h1>eIDAS Proxy-Service simulator (TEST)</h1>\n<p>Simulated TEST countries; never use with real personal data.</p>\n<ul>\n");
    for c in countries {
        let cc = c.code.to_ascii_lowercase();
        b.push_str(&format!(
            "<li>{} ({}): <a href=\"/{cc}/metadata\">metadata</a>, LoAs {}</li>\n",
            escape(&c.name),
            escape(&c.code),
            c.loas
                .iter()
                .map(|l: &LoaLevel| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    b.push_str("</ul>");
    b
}
