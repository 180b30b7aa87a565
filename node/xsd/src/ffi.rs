//! The few libxml2 (>= 2.9) declarations this crate uses, written by hand from the public headers
//! (`parser.h`, `xmlIO.h`, `xmlschemas.h`, `xmlerror.h`, `encoding.h`). Structs are only ever
//! read through pointers libxml2 hands us, never allocated or moved by Rust.

use std::ffi::{c_char, c_int, c_void};

/// Opaque libxml2 types: only ever handled by pointer.
macro_rules! opaque {
    ($($name:ident),*) => {$(
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
            _pinned: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
        }
    )*};
}
opaque!(
    XmlSchema,
    XmlSchemaParserCtxt,
    XmlSchemaValidCtxt,
    XmlParserCtxt,
    XmlParserInput,
    XmlParserInputBuffer
);

/// `struct _xmlError` (xmlerror.h), whole and in order.
#[repr(C)]
pub struct XmlError {
    pub domain: c_int,
    pub code: c_int,
    pub message: *mut c_char,
    pub level: c_int,
    pub file: *mut c_char,
    pub line: c_int,
    pub str1: *mut c_char,
    pub str2: *mut c_char,
    pub str3: *mut c_char,
    pub int1: c_int,
    pub int2: c_int,
    pub ctxt: *mut c_void,
    pub node: *mut c_void,
}

pub const XML_ERR_ERROR: c_int = 2;
/// `xmlFeature`: built with thread support (per-thread error handlers).
pub const XML_WITH_THREAD: c_int = 1;
pub const XML_CHAR_ENCODING_NONE: c_int = 0;
pub const XML_CHAR_ENCODING_UTF8: c_int = 1;
/// `xmlErrorDomain`: the XML parser and the input/output layer (well-formedness, encoding).
pub const XML_FROM_PARSER: c_int = 1;
pub const XML_FROM_IO: c_int = 8;

pub type StructuredErrorFunc =
    Option<unsafe extern "C" fn(user: *mut c_void, error: *mut XmlError)>;
pub type ExternalEntityLoader = Option<
    unsafe extern "C" fn(
        url: *const c_char,
        id: *const c_char,
        ctxt: *mut XmlParserCtxt,
    ) -> *mut XmlParserInput,
>;

#[link(name = "xml2")]
extern "C" {
    pub fn xmlInitParser();
    /// Not done by `xmlInitParser` before libxml2 2.11, and not thread-safe when lazy.
    #[cfg(not(libxml2_init_types_returns_int))]
    pub fn xmlSchemaInitTypes();
    #[cfg(libxml2_init_types_returns_int)]
    pub fn xmlSchemaInitTypes() -> c_int;
    pub fn xmlHasFeature(feature: c_int) -> c_int;
    pub fn xmlSetExternalEntityLoader(f: ExternalEntityLoader);
    pub fn xmlSetStructuredErrorFunc(ctx: *mut c_void, handler: StructuredErrorFunc);

    pub fn xmlParserInputBufferCreateMem(
        mem: *const c_char,
        size: c_int,
        enc: c_int,
    ) -> *mut XmlParserInputBuffer;
    pub fn xmlNewIOInputStream(
        ctxt: *mut XmlParserCtxt,
        input: *mut XmlParserInputBuffer,
        enc: c_int,
    ) -> *mut XmlParserInput;

    pub fn xmlSchemaNewMemParserCtxt(
        buffer: *const c_char,
        size: c_int,
    ) -> *mut XmlSchemaParserCtxt;
    pub fn xmlSchemaSetParserStructuredErrors(
        ctxt: *mut XmlSchemaParserCtxt,
        serror: StructuredErrorFunc,
        ctx: *mut c_void,
    );
    pub fn xmlSchemaParse(ctxt: *mut XmlSchemaParserCtxt) -> *mut XmlSchema;
    pub fn xmlSchemaFreeParserCtxt(ctxt: *mut XmlSchemaParserCtxt);
    pub fn xmlSchemaFree(schema: *mut XmlSchema);

    pub fn xmlSchemaNewValidCtxt(schema: *mut XmlSchema) -> *mut XmlSchemaValidCtxt;
    pub fn xmlSchemaFreeValidCtxt(ctxt: *mut XmlSchemaValidCtxt);
    pub fn xmlSchemaSetValidStructuredErrors(
        ctxt: *mut XmlSchemaValidCtxt,
        serror: StructuredErrorFunc,
        ctx: *mut c_void,
    );
    /// Parses `input` (which it frees, except when it cannot start: see the caller) and
    /// validates it as it goes; with a null `sax`, no tree is built.
    pub fn xmlSchemaValidateStream(
        ctxt: *mut XmlSchemaValidCtxt,
        input: *mut XmlParserInputBuffer,
        enc: c_int,
        sax: *mut c_void,
        user_data: *mut c_void,
    ) -> c_int;
}
