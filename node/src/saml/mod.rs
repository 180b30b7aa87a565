//! eIDAS SAML SP protocol towards foreign Proxy-Services.
//!
//! Owns: XML security (exclusive c14n, XML-DSig, XML-Enc) restricted to the eIDAS crypto profile,
//! XML Schema validation against the compiled-in SAML/eIDAS schema set ([`schema`]),
//! the AuthnRequest builder, our SP metadata, foreign metadata parsing and verification, and response
//! validation. Must not: import `oidc`, `axum` or any HTTP type; read a key from a message.

pub mod assertion;
pub mod attributes;
pub mod authn_request;
pub mod c14n;
pub mod crypto;
pub mod dsig;
pub mod error;
pub mod idp;
pub mod keys;
pub mod mdsl;
pub mod metadata;
pub mod replay;
pub mod response;
pub mod schema;
pub mod settings;
pub mod shape;
pub mod sp;
pub mod sp_metadata;
pub mod xml;
pub mod xmlenc;

pub use error::{Error, Result};
