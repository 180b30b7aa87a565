//! HTTP layer (axum) for the OpenID Provider endpoints.
//!
//! Owns: routing, extracting parameters and headers, and turning `oidc` results into responses
//! through the single mapping point [`error::AppError`]. Must not: validate protocol rules (that is
//! `oidc`'s job) or log tokens, codes, secrets or personal data.

pub mod error;
mod oidc;

pub use self::oidc::{oidc_router, see_other, OidcState};
