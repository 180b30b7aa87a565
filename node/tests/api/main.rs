//! In-process tests of the OIDC endpoints over real HTTP (house-style H5 §4–5): one binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod authorize;
mod conformance;
mod golden;
mod helpers;
mod par_jar;
mod rp_openidconnect;
mod rp_python;
mod token;
