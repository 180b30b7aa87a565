//! XML Schema (XSD 1.0) validation of in-memory documents against a schema set that is itself
//! held in memory, on libxml2's validator.
//!
//! This is the gateway's only crate with `unsafe` code: a narrow, audited binding. What it
//! promises:
//! - **Nothing is loaded from disk or the network.** Documents are validated by libxml2's
//!   streaming validator with no SAX handlers of ours: there are no entity or DTD-subset
//!   handlers, so nothing is ever fetched; on top of that, a process-wide libxml2 entity loader
//!   serves only the [`Source`]s of the schema set being compiled, matched by file name, and
//!   refuses every other URL. A schema set whose imports cannot all be served does not compile.
//! - **libxml2 reads the text the caller reads.** Only UTF-8 is accepted, and a document whose
//!   XML declaration names another encoding is refused: libxml2 (< 2.13) would honour it
//!   (UTF-7 can hide markup) while roxmltree ignores it. A document type declaration is refused
//!   too (libxml2 can print about those through a handler Rust cannot silence).
//! - **Nothing is printed.** libxml2 reports to stderr by default; every call here routes
//!   libxml2's errors to a collector first, so no part of an (untrusted, personal) document ever
//!   reaches a log through libxml2. A [`Violation`] carries only the libxml2 error code, a line and
//!   the local name of the element or attribute concerned, never a value.
//! - **Streaming.** Documents are validated as libxml2 parses them, without building a tree:
//!   about a fifth cheaper, and nothing to free. One consequence: `xs:ID` uniqueness is not
//!   checked (libxml2 records IDs in a tree); callers that rely on IDs check them (the gateway's
//!   signature layer requires the referenced ID to occur exactly once).
//! - **No panics; everything freed.** Every libxml2 object is freed on every path, except one
//!   input buffer that libxml2 < 2.13 leaves behind when it runs out of memory mid-call (freeing
//!   it ourselves would be a double free on 2.13+).
//!
//! Concurrency: a compiled [`SchemaSet`] is read-only and shared between threads; each
//! validation makes its own validation context. This is how lxml uses libxml2 (one `XMLSchema`,
//! a fresh `xmlSchemaNewValidCtxt` per call, validation with the GIL released).
//!
//! Input is expected to have passed a hardened parser already (the gateway parses with roxmltree
//! first, which refuses DTDs); libxml2 then sees exactly the same characters. libxml2 must be
//! built with thread support (per-thread error handlers); `compile` refuses to run otherwise.

mod ffi;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::fmt;
use std::ptr::{self, NonNull};
use std::sync::OnceLock;

/// One schema document of a set, found by its file name: an `xs:import`'s `schemaLocation` is
/// matched on its last path segment, so `http://www.w3.org/2001/xml.xsd` finds `xml.xsd`.
#[derive(Clone, Debug)]
pub struct Source {
    /// The file name, e.g. `saml-schema-protocol-2.0.xsd`.
    pub name: Cow<'static, str>,
    /// The schema document.
    pub bytes: Cow<'static, [u8]>,
}

/// Why a set did not compile. Messages are libxml2's, about our own schema documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// libxml2's error messages (at most 20).
    pub messages: Vec<String>,
    /// Locations an import asked for that are not in the set.
    pub refused: Vec<String>,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "schema set does not compile: {}",
            self.messages.join("; ")
        )?;
        if !self.refused.is_empty() {
            write!(f, " (not in the set: {})", self.refused.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileError {}

/// The element or attribute a violation is about, by local name only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// An element's local name.
    Element(String),
    /// An attribute's local name.
    Attribute(String),
}

/// The first schema violation in a document. Holds no content of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// libxml2's `xmlParserErrors` code, e.g. 1871 (`XML_SCHEMAV_ELEMENT_CONTENT`).
    pub code: i32,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// Where, when libxml2 says.
    pub node: Option<Node>,
}

impl Violation {
    /// A short description of the libxml2 code, for the codes a SAML message most often breaks.
    pub fn description(&self) -> &'static str {
        // Codes from libxml2's xmlerror.h (`XML_SCHEMAV_*`, stable ABI values).
        match self.code {
            1824..=1829 => "value not valid for its type",
            1830..=1838 => "value outside a length or range facet",
            1839 => "value does not match the pattern",
            1840 => "value not in the enumeration",
            1841..=1844 | 1871 => "unexpected, missing or misplaced content",
            1845 => "element not declared",
            1851 | 1852 => "xsi:type does not resolve or is not derived from the declared type",
            1846..=1860 => "element declaration constraint broken",
            1861..=1867 => "attribute not allowed or not valid",
            1868 => "required attribute missing",
            1872 => "no document element",
            _ => "schema violation",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (libxml2 {})", self.description(), self.code)?;
        match &self.node {
            Some(Node::Element(n)) => write!(f, " at element {n}")?,
            Some(Node::Attribute(n)) => write!(f, " at attribute {n}")?,
            None => {}
        }
        if self.line > 0 {
            write!(f, ", line {}", self.line)?;
        }
        Ok(())
    }
}

/// Why a document was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Larger than libxml2's `int` sizes.
    TooLarge,
    /// libxml2 could not parse it (the line and code of its first error, 0 when unknown).
    NotWellFormed {
        /// 1-based line, 0 when unknown.
        line: u32,
        /// libxml2's `xmlParserErrors` code.
        code: i32,
    },
    /// It parsed and breaks the schema.
    Invalid(Violation),
    /// Not UTF-8, or its XML declaration names another encoding.
    Encoding,
    /// It has a document type declaration.
    Dtd,
    /// libxml2 could not allocate a context.
    Resource,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TooLarge => f.write_str("document too large"),
            Error::NotWellFormed { line, code } => {
                write!(f, "not well-formed (libxml2 {code}, line {line})")
            }
            Error::Invalid(v) => v.fmt(f),
            Error::Encoding => f.write_str("not UTF-8, or another encoding declared"),
            Error::Dtd => f.write_str("document type declaration"),
            Error::Resource => f.write_str("libxml2 could not allocate a context"),
        }
    }
}

impl std::error::Error for Error {}

/// A compiled schema set. Read-only once compiled; share it (`Arc` or a `static`).
pub struct SchemaSet {
    schema: NonNull<ffi::XmlSchema>,
}

// SAFETY: after `xmlSchemaParse` returns, the schema is never written again: validation only
// reads it and keeps its own state in a per-call validation context (see the crate docs).
unsafe impl Send for SchemaSet {}
// SAFETY: as above; `&SchemaSet` gives no way to modify the schema.
unsafe impl Sync for SchemaSet {}

impl Drop for SchemaSet {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `xmlSchemaParse` and is freed exactly once, here.
        unsafe { ffi::xmlSchemaFree(self.schema.as_ptr()) }
    }
}

impl fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SchemaSet")
    }
}

impl SchemaSet {
    /// Compiles `driver`, a schema document (usually only `xs:import`s), whose imports are served
    /// from `sources` and from nowhere else.
    pub fn compile(driver: &[u8], sources: Vec<Source>) -> Result<SchemaSet, CompileError> {
        let fail = |messages: Vec<String>, refused: Vec<String>| CompileError { messages, refused };
        if !init() {
            return Err(fail(
                vec!["libxml2 is built without thread support".into()],
                vec![],
            ));
        }
        let Ok(len) = c_int::try_from(driver.len()) else {
            return Err(fail(vec!["driver schema too large".into()], vec![]));
        };
        let loading = Loading {
            sources,
            refused: RefCell::new(Vec::new()),
        };
        let mut sink = Sink::new(true);
        // One raw pointer to the sink serves every libxml2 callback; `sink` is read only after
        // the last libxml2 call that could use it.
        let user: *mut c_void = ptr::addr_of_mut!(sink).cast();
        let schema = {
            let _serving = ServeSources::start(&loading);
            let _errors = RouteErrors::to(user);
            // SAFETY: `driver` outlives the parser context, which is freed below before return.
            let pctxt = unsafe { ffi::xmlSchemaNewMemParserCtxt(driver.as_ptr().cast(), len) };
            if pctxt.is_null() {
                return Err(fail(vec!["no parser context".into()], vec![]));
            }
            // SAFETY: `pctxt` is live; `sink` outlives it (the context is freed in this block).
            unsafe {
                ffi::xmlSchemaSetParserStructuredErrors(pctxt, Some(collect), user);
                let schema = ffi::xmlSchemaParse(pctxt);
                ffi::xmlSchemaFreeParserCtxt(pctxt);
                schema
            }
        };
        let refused = loading.refused.into_inner();
        // An import that cannot be served is only a warning to libxml2; its namespace would then
        // pass lax wildcards unvalidated. It is an error here.
        match NonNull::new(schema) {
            Some(schema) if sink.errors == 0 && refused.is_empty() => Ok(SchemaSet { schema }),
            other => {
                if let Some(s) = other {
                    // SAFETY: a schema we own and did not hand out.
                    unsafe { ffi::xmlSchemaFree(s.as_ptr()) }
                }
                let mut messages = sink.messages;
                if !refused.is_empty() {
                    messages.push("an imported schema is not in the set".into());
                }
                if messages.is_empty() {
                    messages.push("xmlSchemaParse failed without a message".into());
                }
                Err(fail(messages, refused))
            }
        }
    }

    /// Validates a whole document, streaming: its document element must be declared by the
    /// set. UTF-8 only: another declared encoding is [`Error::Encoding`]; a document type
    /// declaration is [`Error::Dtd`].
    pub fn validate(&self, xml: &[u8]) -> Result<(), Error> {
        check_prolog(xml)?;
        let len = c_int::try_from(xml.len()).map_err(|_| Error::TooLarge)?;
        self.run(|vctxt| {
            // SAFETY: `xml` outlives the call (libxml2 2.9 copies it; later versions read it in
            // place until the buffer is freed, inside this call). The buffer is handed to
            // `xmlSchemaValidateStream`, which frees it with its parser context; only when that
            // context cannot even be created (allocation failure) is it leaked, never used.
            unsafe {
                let input = ffi::xmlParserInputBufferCreateMem(
                    xml.as_ptr().cast(),
                    len,
                    ffi::XML_CHAR_ENCODING_UTF8,
                );
                if input.is_null() {
                    return -1;
                }
                ffi::xmlSchemaValidateStream(
                    vctxt,
                    input,
                    ffi::XML_CHAR_ENCODING_UTF8,
                    ptr::null_mut(),
                    ptr::null_mut(),
                )
            }
        })
    }

    /// One validation, in a fresh context whose errors go to a local sink.
    fn run(
        &self,
        validate: impl FnOnce(*mut ffi::XmlSchemaValidCtxt) -> c_int,
    ) -> Result<(), Error> {
        // SAFETY: the schema is live and read-only.
        let vctxt = unsafe { ffi::xmlSchemaNewValidCtxt(self.schema.as_ptr()) };
        let Some(vctxt) = NonNull::new(vctxt) else {
            return Err(Error::Resource);
        };
        let mut sink = Sink::new(false);
        let user: *mut c_void = ptr::addr_of_mut!(sink).cast();
        let rc = {
            let _errors = RouteErrors::to(user);
            // SAFETY: `vctxt` is live; `sink` outlives it (freed below, before `sink` is read).
            unsafe { ffi::xmlSchemaSetValidStructuredErrors(vctxt.as_ptr(), Some(collect), user) };
            let rc = validate(vctxt.as_ptr());
            // SAFETY: created above, freed once.
            unsafe { ffi::xmlSchemaFreeValidCtxt(vctxt.as_ptr()) };
            rc
        };
        if let Some((line, code)) = sink.not_well_formed {
            return Err(Error::NotWellFormed { line, code });
        }
        match (rc, sink.first) {
            (0, None) => Ok(()),
            (_, Some(v)) => Err(Error::Invalid(v)),
            (-1, None) => Err(Error::Resource),
            (rc, None) => Err(Error::Invalid(Violation {
                code: rc,
                line: 0,
                node: None,
            })),
        }
    }
}

/// Initialises libxml2 once; false when it lacks thread support, which the per-thread error
/// routing needs.
fn init() -> bool {
    static THREADS: OnceLock<bool> = OnceLock::new();
    *THREADS.get_or_init(|| {
        // SAFETY: runs once, before any other libxml2 use by this crate; the loader is an
        // `extern "C"` function that never unwinds. The built-in types are initialised here
        // because libxml2 < 2.11 does it lazily and racily on first schema use (a race the
        // `one_set_serves_many_threads` and parallel tests did hit).
        unsafe {
            ffi::xmlInitParser();
            ffi::xmlSchemaInitTypes();
            ffi::xmlSetExternalEntityLoader(Some(loader));
            ffi::xmlHasFeature(ffi::XML_WITH_THREAD) != 0
        }
    })
}

/// Refuses what would make libxml2 read other characters than a UTF-8 parser does, or talk
/// about a DTD: bytes that are not UTF-8, an XML declaration naming another encoding, and a
/// document type declaration in the prolog.
fn check_prolog(xml: &[u8]) -> Result<(), Error> {
    if std::str::from_utf8(xml).is_err() {
        return Err(Error::Encoding);
    }
    let mut rest = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    if rest.starts_with(b"<?xml") && rest.get(5).is_some_and(is_space) {
        let end = find(rest, b"?>").ok_or(Error::Encoding)?;
        let decl = rest.get(..end).ok_or(Error::Encoding)?;
        // A real declaration names the encoding at most once. Anything else mentioning
        // "encoding" (twice, unquoted, inside another value) is refused rather than guessed at.
        match decl.windows(8).filter(|w| *w == b"encoding").count() {
            0 => {}
            1 => match pseudo_attribute(decl, b"encoding") {
                Some(v) if v.eq_ignore_ascii_case(b"UTF-8") || v.eq_ignore_ascii_case(b"UTF8") => {}
                _ => return Err(Error::Encoding),
            },
            _ => return Err(Error::Encoding),
        }
        rest = rest.get(end + 2..).unwrap_or_default();
    }
    // The rest of the prolog: white space, comments and processing instructions.
    loop {
        let start = rest.iter().position(|b| !is_space(b)).unwrap_or(rest.len());
        rest = rest.get(start..).unwrap_or_default();
        let close: &[u8] = if rest.starts_with(b"<!--") {
            b"-->"
        } else if rest.starts_with(b"<?") {
            b"?>"
        } else if rest.starts_with(b"<!") {
            return Err(Error::Dtd);
        } else {
            return Ok(());
        };
        let end = find(rest, close).ok_or(Error::NotWellFormed { line: 0, code: 0 })?;
        rest = rest.get(end + close.len()..).unwrap_or_default();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value of `name="…"` or `name='…'` in an XML declaration.
fn pseudo_attribute<'a>(decl: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = find(decl, name)?;
    let rest = decl.get(at + name.len()..)?;
    let rest = rest.get(rest.iter().position(|b| !b.is_ascii_whitespace())?..)?;
    let rest = rest.strip_prefix(b"=")?;
    let rest = rest.get(rest.iter().position(|b| !b.is_ascii_whitespace())?..)?;
    let (&quote, rest) = rest.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    rest.get(..rest.iter().position(|b| *b == quote)?)
}

/// Collects libxml2's errors (level ERROR and FATAL; warnings are ignored).
struct Sink {
    keep_messages: bool,
    errors: usize,
    first: Option<Violation>,
    /// The first well-formedness error (line, code): it outranks schema errors, which
    /// streaming validation may report earlier in the same document.
    not_well_formed: Option<(u32, i32)>,
    messages: Vec<String>,
}

impl Sink {
    fn new(keep_messages: bool) -> Sink {
        Sink {
            keep_messages,
            errors: 0,
            first: None,
            not_well_formed: None,
            messages: Vec::new(),
        }
    }
}

unsafe extern "C" fn collect(user: *mut c_void, error: *mut ffi::XmlError) {
    if user.is_null() || error.is_null() {
        return;
    }
    // SAFETY: `user` is the `Sink` registered by `RouteErrors` or a context setter, alive and not
    // otherwise borrowed while libxml2 runs; `error` is valid for this callback.
    let (sink, e) = unsafe { (&mut *user.cast::<Sink>(), &*error) };
    if e.level < ffi::XML_ERR_ERROR {
        return;
    }
    sink.errors += 1;
    let line = u32::try_from(e.line).unwrap_or(0);
    if matches!(e.domain, ffi::XML_FROM_PARSER | ffi::XML_FROM_IO) && sink.not_well_formed.is_none()
    {
        sink.not_well_formed = Some((line, e.code));
    }
    if sink.first.is_none() {
        let message = if e.message.is_null() {
            None
        } else {
            // SAFETY: a NUL-terminated message owned by libxml2 for the callback's duration.
            Some(unsafe { CStr::from_ptr(e.message) }.to_bytes())
        };
        sink.first = Some(Violation {
            code: e.code,
            line,
            node: message.and_then(node_of_message),
        });
    }
    if sink.keep_messages && sink.messages.len() < 20 && !e.message.is_null() {
        // SAFETY: a NUL-terminated message owned by libxml2 for the callback's duration.
        let m = unsafe { CStr::from_ptr(e.message) };
        sink.messages.push(m.to_string_lossy().trim().to_owned());
    }
}

unsafe extern "C" fn quiet(_user: *mut c_void, _error: *mut ffi::XmlError) {}

/// The element or attribute a validation message is about. libxml2's schema messages start
/// `Element '{ns}local'` or `Element '{ns}local', attribute 'name'`; only those names are taken,
/// never the rest of the message, which may quote values.
fn node_of_message(message: &[u8]) -> Option<Node> {
    fn quoted(s: &[u8]) -> Option<(&[u8], &[u8])> {
        let rest = s.strip_prefix(b"'")?;
        let end = rest.iter().position(|b| *b == b'\'')?;
        Some((rest.get(..end)?, rest.get(end + 1..)?))
    }
    fn local(name: &[u8]) -> Option<String> {
        let local = name.rsplit(|b| *b == b'}').next()?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && local
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
        ok.then(|| String::from_utf8_lossy(local).into_owned())
    }
    let (element, rest) = quoted(message.strip_prefix(b"Element ")?)?;
    match rest.strip_prefix(b", attribute ").and_then(quoted) {
        Some((attribute, _)) => local(attribute).map(Node::Attribute),
        None => local(element).map(Node::Element),
    }
}

/// Routes this thread's libxml2 errors that have no context-specific handler (document parsing,
/// schema loading) to a sink; back to silence on drop.
struct RouteErrors;

impl RouteErrors {
    /// `sink` must point to a `Sink` that outlives the guard.
    fn to(sink: *mut c_void) -> RouteErrors {
        // SAFETY: the handler is per thread in libxml2; the guard restores silence before the
        // sink can go out of scope.
        unsafe { ffi::xmlSetStructuredErrorFunc(sink, Some(collect)) };
        RouteErrors
    }
}

impl Drop for RouteErrors {
    fn drop(&mut self) {
        // SAFETY: installs a handler that touches nothing.
        unsafe { ffi::xmlSetStructuredErrorFunc(ptr::null_mut(), Some(quiet)) };
    }
}

/// The sources the loader may serve while a set compiles on this thread.
struct Loading {
    sources: Vec<Source>,
    refused: RefCell<Vec<String>>,
}

thread_local! {
    static LOADING: Cell<*const Loading> = const { Cell::new(ptr::null()) };
}

/// Lets the loader serve `loading` on this thread until dropped.
struct ServeSources;

impl ServeSources {
    fn start(loading: &Loading) -> ServeSources {
        LOADING.with(|l| l.set(ptr::from_ref(loading)));
        ServeSources
    }
}

impl Drop for ServeSources {
    fn drop(&mut self) {
        let _ = LOADING.try_with(|l| l.set(ptr::null()));
    }
}

/// libxml2's external entity loader for the whole process: serves the sources of the set being
/// compiled on this thread, by file name, and nothing else ever.
unsafe extern "C" fn loader(
    url: *const c_char,
    _id: *const c_char,
    ctxt: *mut ffi::XmlParserCtxt,
) -> *mut ffi::XmlParserInput {
    let loading = LOADING.try_with(|l| l.get()).unwrap_or(ptr::null());
    if loading.is_null() || url.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: set by `ServeSources` on this thread, which outlives the compile that calls us.
    let loading = unsafe { &*loading };
    // SAFETY: libxml2 passes a NUL-terminated URL.
    let url = unsafe { CStr::from_ptr(url) }.to_bytes();
    let name = url.rsplit(|b| *b == b'/').next().unwrap_or(url);
    let Some(source) = loading.sources.iter().find(|s| s.name.as_bytes() == name) else {
        if let Ok(mut refused) = loading.refused.try_borrow_mut() {
            refused.push(String::from_utf8_lossy(url).into_owned());
        }
        return ptr::null_mut();
    };
    let Ok(len) = c_int::try_from(source.bytes.len()) else {
        return ptr::null_mut();
    };
    // SAFETY: the bytes outlive the compile (they are owned by `loading`); libxml2 2.9 copies
    // them, later versions read them in place until the input is freed within the compile.
    unsafe {
        let buf = ffi::xmlParserInputBufferCreateMem(
            source.bytes.as_ptr().cast(),
            len,
            ffi::XML_CHAR_ENCODING_NONE,
        );
        if buf.is_null() {
            return ptr::null_mut();
        }
        // On failure libxml2 < 2.13 leaves `buf` to us and 2.13+ frees it: not freeing it here
        // leaks a buffer on allocation failure with old versions, and never frees twice.
        ffi::xmlNewIOInputStream(ctxt, buf, ffi::XML_CHAR_ENCODING_NONE)
    }
}

#[cfg(test)]
mod tests;
