//! eidas-node: an eIDAS Connector.
//!
//! Crate map (see ARCHITECTURE.md for the dependency rule):
//! - [`identity`]: neutral types exchanged between the SAML and OIDC sides.
//! - [`clock`]: injected time.
//! - [`keys`]: our private keys behind a protocol-free trait (file backend today), key rings.
//! - [`saml`]: eIDAS SAML SP protocol towards foreign Proxy-Services (no HTTP).
//! - [`oidc`]: OpenID Provider core towards national e-services (no HTTP).
//! - [`store`]: short-lived protocol state (memory and Redis backends).
//! - [`trust`]: verified foreign metadata per country, refreshed on a schedule.
//! - [`config`]: settings (TOML, environment, `*_file` secrets).
//! - [`events`]: one typed event per login outcome, into a sink (logs now; metrics and audit later).
//! - [`cpu`]: the bounded pool that keeps CPU-heavy message checks off the async workers.
//! - [`web`]: axum handlers: OIDC endpoints, the citizen's login pages, the SAML ACS.
//! - [`admin`]: the operators' API on its own listener, behind bearer tokens.
//! - [`app`]: wiring: state, routers, serving on listeners passed in, `spawn_gateway` for tests.

pub mod admin;
pub mod app;
pub mod audit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod country_names;
pub mod cpu;
pub mod events;
pub mod hex;
pub mod identity;
pub mod jose;
pub mod keys;
pub mod oidc;
pub mod saml;
pub mod store;
pub mod trust;
pub mod wallet;
pub mod web;
