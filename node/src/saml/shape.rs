//! Structural limits on untrusted XML, checked by one linear pass over the bytes before any parser
//! builds a tree (eidas-requirements §2 step 1, "hardened XML parser").
//!
//! Why: roxmltree copies every in-scope namespace into each element that declares a new one and
//! checks each copy against the new ones, so N nested elements each declaring a prefix cost about
//! N³ (a 125 KiB response took 55 s). libxml2 and our c14n walk in-scope namespaces too. Bounding
//! depth, declarations per element, declarations in scope and in the whole document makes that
//! work a constant per element, so parsing costs time linear in the input. The bounds are far above
//! anything the eIDAS messages and metadata we have seen need (deepest: 11 levels; most attributes
//! on one element: 20; most declarations on one element: 16, in scope: 18, per document: 59).
//!
//! The pass is a lexer for exactly the markup XML 1.0 allows outside a DTD (start and end tags,
//! attributes with quoted values, comments, CDATA sections, processing instructions). On
//! well-formed input it sees the same elements the parser will; input it cannot lex is refused as
//! malformed, which the parser would refuse as well. It allocates only the stack of open elements.

use super::error::{Error, Result};

/// Which structural limit a document exceeded; each is its own stable error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Elements nested deeper than `max_depth`.
    Depth,
    /// More attributes (namespace declarations included) on one element than `max_attributes`.
    Attributes,
    /// More namespace declarations on one element than `max_namespaces_per_element`.
    NamespacesPerElement,
    /// More namespace declarations on an element and its ancestors than `max_namespaces_in_scope`.
    NamespacesInScope,
    /// More namespace declarations in the whole document than `max_namespaces_total`.
    NamespacesTotal,
    /// An element or attribute name longer than `max_name_bytes`.
    NameLength,
}

impl Limit {
    pub fn code(self) -> &'static str {
        match self {
            Limit::Depth => "xml_depth",
            Limit::Attributes => "xml_attributes",
            Limit::NamespacesPerElement => "xml_namespaces_per_element",
            Limit::NamespacesInScope => "xml_namespaces_in_scope",
            Limit::NamespacesTotal => "xml_namespaces_total",
            Limit::NameLength => "xml_name_length",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Limit::Depth => "element nesting depth",
            Limit::Attributes => "attributes on one element",
            Limit::NamespacesPerElement => "namespace declarations on one element",
            Limit::NamespacesInScope => "namespace declarations in scope",
            Limit::NamespacesTotal => "namespace declarations in the document",
            Limit::NameLength => "bytes in an element or attribute name",
        }
    }
}

/// The bounds. One set serves messages and metadata: the cost they bound is per element, and
/// the size caps (`xml::MAX_MESSAGE_BYTES`, `xml::MAX_METADATA_BYTES`) bound the element count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_depth: usize,
    pub max_attributes: usize,
    pub max_namespaces_per_element: usize,
    pub max_namespaces_in_scope: usize,
    pub max_namespaces_total: usize,
    pub max_name_bytes: usize,
}

/// Worst case for roxmltree's namespace copy: 4,096 declaring elements × 64 × 64 comparisons; its
/// duplicate-attribute check: 128 × 128 per element.
pub const LIMITS: Limits = Limits {
    max_depth: 64,
    max_attributes: 128,
    // As many as may be in scope: the decrypted assertion is re-parsed inside a wrapper that
    // redeclares every namespace in scope at its EncryptedAssertion on one element.
    max_namespaces_per_element: 64,
    max_namespaces_in_scope: 64,
    max_namespaces_total: 4096,
    max_name_bytes: 256,
};

fn exceeded(limit: Limit, max: usize) -> Error {
    Error::XmlLimit { limit, max }
}

fn malformed(what: &'static str) -> Error {
    Error::Xml(format!("{what} (structure check)"))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Ends a name: whitespace or one of the markup characters that may follow a name.
fn ends_name(b: u8) -> bool {
    is_space(b) || matches!(b, b'/' | b'>' | b'=' | b'<' | b'"' | b'\'')
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn starts_with(&self, p: &[u8]) -> bool {
        self.s.get(self.i..).is_some_and(|r| r.starts_with(p))
    }

    fn skip_space(&mut self) {
        let rest = self.s.get(self.i..).unwrap_or_default();
        self.i += rest
            .iter()
            .position(|b| !is_space(*b))
            .unwrap_or(rest.len());
    }

    /// Moves past the next `end`; `false` if it never comes.
    fn skip_past(&mut self, end: &[u8]) -> bool {
        let rest = self.s.get(self.i..).unwrap_or_default();
        let found = match end {
            [one] => memchr::memchr(*one, rest),
            _ => memchr::memmem::find(rest, end),
        };
        match found {
            Some(p) => {
                self.i += p + end.len();
                true
            }
            None => false,
        }
    }

    /// A name, checked against the length bound: the scan stops one byte past the bound, so a
    /// name filling the message costs no more than a long one.
    fn name(&mut self, max: usize) -> Result<&[u8]> {
        let start = self.i;
        let rest = self.s.get(start..).unwrap_or_default();
        let window = rest.get(..max.saturating_add(1)).unwrap_or(rest);
        let len = window
            .iter()
            .position(|b| ends_name(*b))
            .unwrap_or(window.len());
        if len > max {
            return Err(exceeded(Limit::NameLength, max));
        }
        if len == 0 {
            return Err(malformed("name expected"));
        }
        self.i = start + len;
        Ok(rest.get(..len).unwrap_or_default())
    }
}

/// Checks `text` against `limits` in one pass; `Ok` says nothing about well-formedness beyond
/// what the parser will check next.
pub fn check(text: &str, limits: &Limits) -> Result<()> {
    let mut lx = Lexer {
        s: text.as_bytes(),
        i: 0,
    };
    // Declarations per open element; their sum is what is in scope.
    let mut open: Vec<usize> = Vec::with_capacity(16);
    let mut in_scope = 0usize;
    let mut total = 0usize;
    loop {
        // Character data: nothing to count until the next '<'.
        let rest = lx.s.get(lx.i..).unwrap_or_default();
        match memchr::memchr(b'<', rest) {
            Some(p) => lx.i += p,
            None => return Ok(()),
        }
        if lx.starts_with(b"<!--") {
            lx.i += 4;
            if !lx.skip_past(b"-->") {
                return Err(malformed("unterminated comment"));
            }
        } else if lx.starts_with(b"<![CDATA[") {
            lx.i += 9;
            if !lx.skip_past(b"]]>") {
                return Err(malformed("unterminated CDATA section"));
            }
        } else if lx.starts_with(b"<!") {
            // Only a DOCTYPE starts with "<!" outside a DTD, and DTDs are refused.
            return Err(Error::Xml("a DTD is not allowed".into()));
        } else if lx.starts_with(b"<?") {
            lx.i += 2;
            if !lx.skip_past(b"?>") {
                return Err(malformed("unterminated processing instruction"));
            }
        } else if lx.starts_with(b"</") {
            lx.i += 2;
            lx.name(limits.max_name_bytes)?;
            lx.skip_space();
            if lx.peek() != Some(b'>') {
                return Err(malformed("end tag not closed"));
            }
            lx.i += 1;
            let declared = open
                .pop()
                .ok_or_else(|| malformed("end tag without start"))?;
            in_scope -= declared;
        } else {
            lx.i += 1;
            let (declared, self_closing) = start_tag(&mut lx, limits)?;
            total += declared;
            if total > limits.max_namespaces_total {
                return Err(exceeded(
                    Limit::NamespacesTotal,
                    limits.max_namespaces_total,
                ));
            }
            if in_scope + declared > limits.max_namespaces_in_scope {
                return Err(exceeded(
                    Limit::NamespacesInScope,
                    limits.max_namespaces_in_scope,
                ));
            }
            if open.len() + 1 > limits.max_depth {
                return Err(exceeded(Limit::Depth, limits.max_depth));
            }
            if !self_closing {
                open.push(declared);
                in_scope += declared;
            }
        }
    }
}

/// Reads a start tag after its '<' up to and including its '>'; returns how many namespaces it
/// declares and whether it closes itself.
fn start_tag(lx: &mut Lexer, limits: &Limits) -> Result<(usize, bool)> {
    lx.name(limits.max_name_bytes)?;
    let mut attributes = 0usize;
    let mut declared = 0usize;
    loop {
        let had_space = lx.peek().is_some_and(is_space);
        lx.skip_space();
        match lx.peek() {
            Some(b'>') => {
                lx.i += 1;
                return Ok((declared, false));
            }
            Some(b'/') => {
                lx.i += 1;
                if lx.peek() != Some(b'>') {
                    return Err(malformed("'/' not followed by '>'"));
                }
                lx.i += 1;
                return Ok((declared, true));
            }
            None => return Err(malformed("unterminated start tag")),
            Some(_) if !had_space => return Err(malformed("attribute without preceding space")),
            Some(_) => {}
        }
        let name = lx.name(limits.max_name_bytes)?;
        let is_declaration = name == b"xmlns" || name.starts_with(b"xmlns:");
        lx.skip_space();
        if lx.peek() != Some(b'=') {
            return Err(malformed("attribute without '='"));
        }
        lx.i += 1;
        lx.skip_space();
        let quote = match lx.peek() {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return Err(malformed("attribute value not quoted")),
        };
        lx.i += 1;
        if !lx.skip_past(&[quote]) {
            return Err(malformed("unterminated attribute value"));
        }
        attributes += 1;
        if attributes > limits.max_attributes {
            return Err(exceeded(Limit::Attributes, limits.max_attributes));
        }
        if is_declaration {
            declared += 1;
            if declared > limits.max_namespaces_per_element {
                return Err(exceeded(
                    Limit::NamespacesPerElement,
                    limits.max_namespaces_per_element,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        match check(text, &LIMITS) {
            Ok(()) => "ok",
            Err(e) => e.code(),
        }
    }

    fn nested(n: usize, open: impl Fn(usize) -> String) -> String {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&open(i));
        }
        for _ in 0..n {
            s.push_str("</x>");
        }
        s
    }

    #[test]
    fn ordinary_markup_passes() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- a <comment> with > and -- inside? no: - only -->
<r xmlns="urn:a" xmlns:p='urn:b' a = "1 > 0" b='x"y'><p:c/><![CDATA[<not><markup>]]><?pi <x>?>text > more</r >"#;
        assert_eq!(code(doc), "ok");
    }

    #[test]
    fn deep_nesting_is_refused_at_the_bound() {
        assert_eq!(code(&nested(64, |_| "<x>".into())), "ok");
        assert_eq!(code(&nested(65, |_| "<x>".into())), "xml_depth");
        assert_eq!(code(&nested(100_000, |_| "<x>".into())), "xml_depth");
    }

    #[test]
    fn a_self_closing_element_counts_as_a_level() {
        let inner = format!("{}<y/>{}", "<x>".repeat(63), "</x>".repeat(63));
        assert_eq!(code(&inner), "ok");
        let inner = format!("{}<y/>{}", "<x>".repeat(64), "</x>".repeat(64));
        assert_eq!(code(&inner), "xml_depth");
    }

    #[test]
    fn a_namespace_per_level_is_refused_by_the_in_scope_bound() {
        let doc = nested(64, |i| format!(r#"<x xmlns:n{i}="u">"#));
        assert_eq!(code(&doc), "ok");
        let doc = nested(65, |i| format!(r#"<x xmlns:n{i}="u">"#));
        assert_eq!(code(&doc), "xml_namespaces_in_scope");
        // The issue's shape: thousands of levels, each declaring a prefix.
        let doc = nested(5500, |i| format!(r#"<x xmlns:n{i}="u">"#));
        assert_eq!(code(&doc), "xml_namespaces_in_scope");
        // Two declarations per level reach the bound at half the depth.
        let doc = nested(33, |i| format!(r#"<x xmlns:a{i}="u" xmlns:b{i}="u">"#));
        assert_eq!(code(&doc), "xml_namespaces_in_scope");
    }

    #[test]
    fn declarations_on_siblings_leave_scope_but_count_for_the_document() {
        let sibling = r#"<y xmlns:a="u" xmlns:b="u"/>"#;
        let doc = format!("<r>{}</r>", sibling.repeat(2048));
        assert_eq!(code(&doc), "ok");
        let doc = format!("<r>{}</r>", sibling.repeat(2049));
        assert_eq!(code(&doc), "xml_namespaces_total");
    }

    #[test]
    fn attribute_and_declaration_floods_are_refused() {
        let attrs = |n: usize, f: &dyn Fn(usize) -> String| {
            format!("<r {}/>", (0..n).map(f).collect::<Vec<_>>().join(" "))
        };
        assert_eq!(code(&attrs(128, &|i| format!(r#"a{i}="v""#))), "ok");
        assert_eq!(
            code(&attrs(129, &|i| format!(r#"a{i}="v""#))),
            "xml_attributes"
        );
        assert_eq!(
            code(&attrs(10_000, &|i| format!(r#"a{i}="v""#))),
            "xml_attributes"
        );
        assert_eq!(code(&attrs(64, &|i| format!(r#"xmlns:p{i}="u""#))), "ok");
        assert_eq!(
            code(&attrs(65, &|i| format!(r#"xmlns:p{i}="u""#))),
            "xml_namespaces_per_element"
        );
    }

    #[test]
    fn long_names_are_refused() {
        let name = "n".repeat(256);
        assert_eq!(code(&format!("<{name}/>")), "ok");
        assert_eq!(code(&format!("<{name}n/>")), "xml_name_length");
        assert_eq!(code(&format!(r#"<r {name}n="v"/>"#)), "xml_name_length");
        assert_eq!(code(&format!("<r></{name}n>")), "xml_name_length");
        assert_eq!(
            code(&format!("<{}", "n".repeat(100_000))),
            "xml_name_length"
        );
    }

    #[test]
    fn what_cannot_be_lexed_is_malformed() {
        for bad in [
            "<r><!-- open",
            "<r><![CDATA[ open",
            "<?pi open",
            "<r a='1>",
            "<r a=1/>",
            "<r a/>",
            r#"<r a="1"b="2"/>"#,
            "<r/ >",
            "</r>",
            "<r></r x>",
            "< r/>",
            "<r",
        ] {
            assert_eq!(code(bad), "xml", "{bad}");
        }
        assert_eq!(code("<!DOCTYPE r><r/>"), "xml");
    }
}
