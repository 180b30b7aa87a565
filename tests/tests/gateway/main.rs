//! Black-box tests of the REAL `eidas-node` binary (`serve` on port 0) against the real
//! `eidas-sim-country` binary in automatic mode, driven by the scripted browser and the
//! `openidconnect` crate as the e-service.
//!
//! The store is Redis when `TEST_REDIS_URL` is set (a fresh `key_prefix` per test), else memory.
//! Every process listens on port 0, so the tests run in parallel.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod citizen;
mod denial;
mod deploy;
mod harness;
mod hsm;
mod login;
mod ops;
mod redis;
mod redis_ha;
mod rejection;
mod relying_parties;
mod rollover;
mod trust_ops;
mod wallet;
