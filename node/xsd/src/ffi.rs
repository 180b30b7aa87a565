//! The few libxml2 (>= 2.9) declarations this crate uses, written by hand from the public headers
//! (`parser.h`, `xmlIO.h`, `xmlschemas.h`, `xmlerror.h`, `tree.h`). Only the leading fields of
//! `xmlNode` that we read are declared; the struct is never allocated or moved by Rust.

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
    XmlDoc,
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

/// The common head of `struct _xmlNode` and `struct _xmlAttr` (tree.h: "type number, must be
/// second"), up to the fields we read.
#[repr(C)]
pub struct XmlNodeHead {
    pub private: *mut c_void,
    pub kind: c_int,
    pub name: *const u8,
    pub children: *mut XmlNodeHead,
    pub last: *mut XmlNodeHead,
    pub parent: *mut XmlNodeHead,
    pub next: *mut XmlNodeHead,
}

pub const XML_ELEMENT_NODE: c_int = 1;
pub const XML_ATTRIBUTE_NODE: c_int = 2;
pub const XML_ERR_ERROR: c_int = 2;
pub const XML_CHAR_ENCODING_NONE: c_int = 0;

pub const XML_PARSE_NOERROR: c_int = 1 << 5;
pub const XML_PARSE_NOWARNING: c_int = 1 << 6;
pub const XML_PARSE_NONET: c_int = 1 << 11;

pub type StructuredErrorFunc = Option<unsafe extern "C" fn(user: *mut c_void, error: *mut XmlError)>;
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
    pub fn xmlSchemaInitTypes(); // `void` before 2.12, `int` after; the result is not needed
    pub fn xmlSetExternalEntityLoader(f: ExternalEntityLoader);
    pub fn xmlSetStructuredErrorFunc(ctx: *mut c_void, handler: StructuredErrorFunc);

    pub fn xmlParserInputBufferCreateMem(
        mem: *const c_char,
        size: c_int,
        enc: c_int,
    ) -> *mut XmlParserInputBuffer;
    pub fn xmlFreeParserInputBuffer(input: *mut XmlParserInputBuffer);
    pub fn xmlNewIOInputStream(
        ctxt: *mut XmlParserCtxt,
        input: *mut XmlParserInputBuffer,
        enc: c_int,
    ) -> *mut XmlParserInput;

    pub fn xmlReadMemory(
        buffer: *const c_char,
        size: c_int,
        url: *const c_char,
        encoding: *const c_char,
        options: c_int,
    ) -> *mut XmlDoc;
    pub fn xmlFreeDoc(doc: *mut XmlDoc);
    pub fn xmlDocGetRootElement(doc: *const XmlDoc) -> *mut XmlNodeHead;
    pub fn xmlFirstElementChild(parent: *mut XmlNodeHead) -> *mut XmlNodeHead;
    pub fn xmlNextElementSibling(node: *mut XmlNodeHead) -> *mut XmlNodeHead;

    pub fn xmlSchemaNewMemParserCtxt(buffer: *const c_char, size: c_int)
        -> *mut XmlSchemaParserCtxt;
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
    pub fn xmlSchemaValidateDoc(ctxt: *mut XmlSchemaValidCtxt, doc: *mut XmlDoc) -> c_int;
    pub fn xmlSchemaValidateOneElement(
        ctxt: *mut XmlSchemaValidCtxt,
        elem: *mut XmlNodeHead,
    ) -> c_int;
}
