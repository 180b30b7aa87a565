//! eidas-node: an eIDAS Connector.
//!
//! Crate map (see ARCHITECTURE.md for the dependency rule):
//! - [`identity`]: neutral types exchanged between the SAML and OIDC sides.
//! - [`clock`]: injected time.
//! - [`saml`]: eIDAS SAML SP protocol towards foreign Proxy-Services (no HTTP).
//! - [`oidc`]: OpenID Provider core towards national e-services (no HTTP).
//! - [`store`]: short-lived protocol state (memory and Redis backends).
//! - [`web`]: axum handlers (the OIDC endpoints so far).

pub mod clock;
pub mod identity;
pub mod oidc;
pub mod saml;
pub mod store;
pub mod web;
