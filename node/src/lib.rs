//! eidas-node: an eIDAS Connector.
//!
//! Crate map (see ARCHITECTURE.md for the dependency rule):
//! - [`identity`]: neutral types exchanged between the SAML and OIDC sides.
//! - [`clock`]: injected time.
//! - [`saml`]: eIDAS SAML SP protocol towards foreign Proxy-Services (no HTTP).

pub mod clock;
pub mod identity;
pub mod saml;
