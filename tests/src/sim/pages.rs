//! The simulator's HTML: the identity picker (a plain, accessible form) and the index.

use eidas_node::identity::LoaLevel;

use super::connector::ParsedRequest;
use super::identities::IDENTITIES;
use super::{Country, Fault};
use crate::html::escape;

/// The identity picker for a pending request `handle` (state stays server-side). `fault` is
/// preselected: the one `/control` set, so a tool driving this page (the metrics screenshot's load
/// run) can make the country fail.
pub(crate) fn picker(
    country: &Country,
    handle: &str,
    req: &ParsedRequest,
    fault: Option<Fault>,
) -> String {
    let cc = country.code.to_ascii_lowercase();
    let mut b = format!(
        "<h1>{name}</h1>\n<p><strong>This is a TEST country of the eIDAS test bed. Never enter real personal data.</strong></p>\n<p>The e-service asks for a {kind} with at least level of assurance <em>{loa}</em>.</p>\n<form method=\"post\" action=\"/{cc}/respond\">\n<input type=\"hidden\" name=\"handle\" value=\"{handle}\">\n<fieldset><legend>Test identity</legend>\n",
        name = escape(&country.name),
        kind = match req.person_type {
            eidas_node::identity::PersonType::NaturalPerson => "natural person",
            eidas_node::identity::PersonType::LegalPerson => "legal person",
        },
        loa = req.min_loa().as_str(),
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
    b.push_str("</fieldset>\n<div><label for=\"loa\">Level of assurance</label> <select id=\"loa\" name=\"loa\">\n");
    for l in country.loas.iter().filter(|l| **l >= req.min_loa()) {
        b.push_str(&format!(
            "<option value=\"{0}\"{1}>{0}</option>\n",
            l.as_str(),
            if *l == req.min_loa() { " selected" } else { "" }
        ));
    }
    // Faults are for testers: folded away unless one is preset.
    b.push_str(&format!("</select></div>\n<details{}><summary>Fault injection (for testers)</summary>\n<div><label for=\"fault\">Fault</label> <select id=\"fault\" name=\"fault\">\n<option value=\"none\"{}>none</option>\n", if fault.is_some() { " open" } else { "" }, if fault.is_none() { " selected" } else { "" }));
    for f in Fault::ALL {
        b.push_str(&format!(
            "<option value=\"{0}\"{1}>{0}</option>\n",
            f.as_str(),
            if Some(*f) == fault { " selected" } else { "" }
        ));
    }
    b.push_str("</select></div>\n</details>\n<div><button type=\"submit\" name=\"action\" value=\"login\">Log in</button> <button type=\"submit\" name=\"action\" value=\"cancel\" class=\"secondary\">Cancel (deny consent)</button></div>\n</form>");
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
