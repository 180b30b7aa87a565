//! Exclusive XML Canonicalization 1.0, without comments (`http://www.w3.org/2001/10/xml-exc-c14n#`).
//!
//! The only canonicalisation eIDAS uses (eidas-requirements §3 "Signatures"). It canonicalises the
//! subtree of one element, optionally leaving out one descendant (the enveloped `ds:Signature`),
//! honouring an `InclusiveNamespaces PrefixList`. Iterative, so deep nesting cannot overflow the
//! stack. Prefixes are taken from the source text, since c14n must reproduce them as written.

use roxmltree::{Node, NodeId};

use super::error::{Error, Result};

/// The qualified name of an element as written in the source (`saml2p:Response`).
fn element_qname<'i>(node: Node<'_, 'i>) -> &'i str {
    let input = node.document().input_text();
    let start = node.range().start.saturating_add(1);
    let rest = input.get(start..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map(|(p, _)| p).unwrap_or("")
}

/// Canonicalises `apex` and its descendants, skipping the subtree at `exclude`.
///
/// `inclusive_prefixes` is the InclusiveNamespaces PrefixList (`#default` for the default
/// namespace): those are rendered wherever in scope and not yet rendered, as inclusive c14n would.
pub fn canonicalize(
    apex: Node,
    exclude: Option<NodeId>,
    inclusive_prefixes: &[String],
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    // Namespaces rendered by each open output element, innermost last.
    let mut rendered: Vec<Vec<(String, String)>> = Vec::new();
    // Explicit stack of (node, closing) instead of recursion.
    let mut stack: Vec<(Node, bool)> = vec![(apex, false)];
    while let Some((node, closing)) = stack.pop() {
        if closing {
            out.extend_from_slice(b"</");
            out.extend_from_slice(element_qname(node).as_bytes());
            out.push(b'>');
            rendered.pop();
            continue;
        }
        if Some(node.id()) == exclude {
            continue;
        }
        if node.is_element() {
            open_element(node, &mut rendered, inclusive_prefixes, &mut out)?;
            stack.push((node, true));
            let mut kids: Vec<Node> = node.children().collect();
            kids.reverse();
            stack.extend(kids.into_iter().map(|k| (k, false)));
        } else if node.is_text() {
            escape_text(node.text().unwrap_or(""), &mut out);
        } else if let Some(pi) = node.pi() {
            out.extend_from_slice(b"<?");
            out.extend_from_slice(pi.target.as_bytes());
            if let Some(v) = pi.value {
                out.push(b' ');
                out.extend_from_slice(v.as_bytes());
            }
            out.extend_from_slice(b"?>");
        }
    }
    Ok(out)
}

fn open_element(
    node: Node,
    rendered: &mut Vec<Vec<(String, String)>>,
    inclusive_prefixes: &[String],
    out: &mut Vec<u8>,
) -> Result<()> {
    let qname = element_qname(node);
    let mut candidates: Vec<&str> = vec![prefix_of(qname)];
    for a in node.attributes() {
        let aq = node
            .document()
            .input_text()
            .get(a.range_qname())
            .unwrap_or("");
        let p = prefix_of(aq);
        if !p.is_empty() {
            candidates.push(p);
        }
    }
    for p in inclusive_prefixes {
        let p = if p == "#default" { "" } else { p.as_str() };
        let in_scope = node.lookup_namespace_uri(if p.is_empty() { None } else { Some(p) });
        if in_scope.is_some() {
            candidates.push(p);
        }
    }
    candidates.sort_unstable();
    candidates.dedup();

    let mut decls: Vec<(String, String)> = Vec::new();
    for p in candidates {
        if p == "xml" {
            continue;
        }
        let uri = node
            .lookup_namespace_uri(if p.is_empty() { None } else { Some(p) })
            .unwrap_or("");
        if !p.is_empty() && uri.is_empty() {
            return Err(Error::Xml(format!("undeclared prefix {p}")));
        }
        let current = rendered
            .iter()
            .rev()
            .flat_map(|level| level.iter())
            .find(|(rp, _)| rp == p)
            .map(|(_, u)| u.as_str())
            .unwrap_or("");
        if current != uri {
            decls.push((p.to_owned(), uri.to_owned()));
        }
    }

    out.push(b'<');
    out.extend_from_slice(qname.as_bytes());
    for (p, uri) in &decls {
        if p.is_empty() {
            out.extend_from_slice(b" xmlns=\"");
        } else {
            out.extend_from_slice(b" xmlns:");
            out.extend_from_slice(p.as_bytes());
            out.extend_from_slice(b"=\"");
        }
        escape_attr(uri, out);
        out.push(b'"');
    }

    let input = node.document().input_text();
    let mut attrs: Vec<(&str, &str, &str, &str)> = node
        .attributes()
        .map(|a| {
            (
                a.namespace().unwrap_or(""),
                a.name(),
                input.get(a.range_qname()).unwrap_or(""),
                a.value(),
            )
        })
        .collect();
    attrs.sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    for (_, _, aq, value) in attrs {
        out.push(b' ');
        out.extend_from_slice(aq.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_attr(value, out);
        out.push(b'"');
    }
    out.push(b'>');
    rendered.push(decls);
    Ok(())
}

/// Appends `s`, replacing the bytes `replacement` maps, copying unchanged runs in one go.
fn escape_into(s: &str, out: &mut Vec<u8>, replacement: fn(u8) -> Option<&'static [u8]>) {
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(r) = replacement(b) {
            out.extend_from_slice(bytes.get(run..i).unwrap_or_default());
            out.extend_from_slice(r);
            run = i + 1;
        }
    }
    out.extend_from_slice(bytes.get(run..).unwrap_or_default());
}

fn escape_text(s: &str, out: &mut Vec<u8>) {
    escape_into(s, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

fn escape_attr(s: &str, out: &mut Vec<u8>) {
    escape_into(s, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saml::xml;

    fn c14n(s: &str, prefixes: &[&str]) -> String {
        let doc = xml::parse(s, 100_000).expect("parse");
        let p: Vec<String> = prefixes.iter().map(|s| s.to_string()).collect();
        String::from_utf8(canonicalize(doc.root_element(), None, &p).expect("c14n")).expect("utf8")
    }

    #[test]
    fn renders_only_visibly_utilised_namespaces_sorted_with_sorted_attributes() {
        let got = c14n(
            r#"<a:r xmlns:z="urn:z" xmlns:a="urn:a" xmlns:b="urn:b" b:y="2" x="1" a:w="&quot;&#9;"><b:c/><!-- gone --><d>&lt;&amp;&gt;</d></a:r>"#,
            &[],
        );
        assert_eq!(
            got,
            r#"<a:r xmlns:a="urn:a" xmlns:b="urn:b" x="1" a:w="&quot;&#x9;" b:y="2"><b:c></b:c><d>&lt;&amp;&gt;</d></a:r>"#
        );
    }

    #[test]
    fn does_not_repeat_namespaces_rendered_by_an_ancestor_and_honours_prefix_list() {
        let got = c14n(
            r#"<r xmlns="urn:d" xmlns:xs="urn:xs"><s xmlns="urn:d"><t xmlns=""/></s></r>"#,
            &["xs"],
        );
        assert_eq!(
            got,
            r#"<r xmlns="urn:d" xmlns:xs="urn:xs"><s><t xmlns=""></t></s></r>"#
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 20_000;
        let s = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        if let Ok(doc) = xml::parse(&s, 1_000_000) {
            assert!(canonicalize(doc.root_element(), None, &[]).is_ok());
        }
    }
}
