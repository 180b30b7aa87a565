//! Hardened XML parsing and small DOM helpers.
//!
//! roxmltree with DTDs refused outright (no entity expansion, so no XXE and no billion-laughs), a
//! node cap, and the eIDAS 128 KiB size cap on messages (eidas-requirements §1.3, §2 step 1).

use roxmltree::{Document, Node, ParsingOptions};

use super::error::{Error, Result};

/// Size cap for SAML messages, as the EU node's (eidas-requirements §1.3).
pub const MAX_MESSAGE_BYTES: usize = 128 * 1024;
/// Metadata aggregates are larger than messages; they come from configured locations only.
pub const MAX_METADATA_BYTES: usize = 16 * 1024 * 1024;

pub mod ns {
    pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
    pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
    pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
    pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    pub const DS11: &str = "http://www.w3.org/2009/xmldsig11#";
    pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
    pub const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
    pub const EC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    pub const EIDAS: &str = "http://eidas.europa.eu/saml-extensions";
    pub const EIDAS_NATURAL: &str = "http://eidas.europa.eu/attributes/naturalperson";
    pub const EIDAS_LEGAL: &str = "http://eidas.europa.eu/attributes/legalperson";
    pub const ALG: &str = "urn:oasis:names:tc:SAML:metadata:algsupport";
    pub const MDATTR: &str = "urn:oasis:names:tc:SAML:metadata:attribute";
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    pub const SER: &str = "http://eidas.europa.eu/metadata/servicelist";
}

/// Parses untrusted XML: no DTD, bounded size, node count and shape (depth, attributes,
/// namespaces, name length: `shape::LIMITS`), so that parsing is linear in the size (§2 step 1).
pub fn parse(text: &str, max_bytes: usize) -> Result<Document<'_>> {
    if text.len() > max_bytes {
        return Err(Error::TooLarge { limit: max_bytes });
    }
    super::shape::check(text, &super::shape::LIMITS)?;
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        entity_resolver: None,
    };
    Document::parse_with_options(text, opts).map_err(|e| Error::Xml(e.to_string()))
}

pub fn is(node: Node, ns: &str, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local && node.tag_name().namespace() == Some(ns)
}

pub fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'static str,
    local: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(*c, ns, local))
}

pub fn child<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'static str,
    local: &'static str,
) -> Option<Node<'a, 'i>> {
    children(node, ns, local).next()
}

/// The only child with this name; `Err` when absent or repeated.
pub fn only_child<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'static str,
    local: &'static str,
) -> Result<Node<'a, 'i>> {
    let mut it = children(node, ns, local);
    match (it.next(), it.next()) {
        (Some(n), None) => Ok(n),
        (None, _) => Err(Error::MissingElement(local)),
        (Some(_), Some(_)) => Err(Error::RepeatedElement(local)),
    }
}

pub fn element_children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(|c| c.is_element())
}

/// Text content of a simple-content element: the concatenation of all its text children.
///
/// Comments are skipped rather than ending the value: `a<!---->b` is `ab`, exactly what the
/// canonical (signed) form contains, so a comment cannot truncate a signed identifier
/// (CVE-2017-11427 class). Child elements are a schema violation.
pub fn text(node: Node) -> Result<String> {
    let mut out = String::new();
    for c in node.children() {
        if c.is_element() {
            return Err(Error::UnexpectedElement(node.tag_name().name().to_owned()));
        }
        if c.is_text() {
            out.push_str(c.text().unwrap_or(""));
        }
    }
    Ok(out)
}

/// Text with surrounding whitespace removed (entity IDs, URIs, base64 blocks).
pub fn trimmed_text(node: Node) -> Result<String> {
    Ok(text(node)?.trim().to_owned())
}

/// Base64 content as found in XML (line breaks and indentation allowed).
pub fn base64_text(node: Node) -> Result<Vec<u8>> {
    decode_base64(&text(node)?)
}

pub fn decode_base64(s: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    let engine = &base64::engine::general_purpose::STANDARD;
    let bytes = s.as_bytes();
    // Byte-level: whitespace in base64 is ASCII, so no char decoding is needed (a hot path:
    // the POSTed message and every CipherValue).
    let result = if bytes.iter().any(u8::is_ascii_whitespace) {
        let compact: Vec<u8> = bytes
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        engine.decode(compact)
    } else {
        engine.decode(bytes)
    };
    result.map_err(|_| Error::Base64)
}

pub fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Escapes text content for XML we generate.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Escapes an attribute value for XML we generate (double-quoted).
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Parses an `xsd:dateTime` in UTC or with an offset (SAML requires UTC; some peers add offsets).
pub fn parse_datetime(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok()
}

pub fn format_datetime(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let ms = t.millisecond();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        ms
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_doctype_and_entities() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>"#;
        assert!(matches!(parse(bomb, MAX_MESSAGE_BYTES), Err(Error::Xml(_))));
    }

    #[test]
    fn parse_rejects_oversized_input() {
        let big = format!("<r>{}</r>", "a".repeat(MAX_MESSAGE_BYTES));
        assert_eq!(
            parse(&big, MAX_MESSAGE_BYTES).err(),
            Some(Error::TooLarge {
                limit: MAX_MESSAGE_BYTES
            })
        );
    }

    #[test]
    fn text_joins_around_comments_instead_of_truncating() {
        let doc = parse("<r>CZ/SE/123<!-- x -->456</r>", 1000).expect("parse");
        assert_eq!(text(doc.root_element()).expect("text"), "CZ/SE/123456");
        let doc = parse("<r>a<b/>c</r>", 1000).expect("parse");
        assert!(text(doc.root_element()).is_err());
    }

    #[test]
    fn datetimes_round_trip_in_saml_form() {
        let t = parse_datetime("2019-10-04T13:15:12.160Z").expect("parse");
        assert_eq!(format_datetime(t), "2019-10-04T13:15:12.160Z");
    }
}
