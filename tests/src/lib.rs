//! eIDAS test bed for `eidas-node`: TEST tools only, never part of a deployment.
//!
//! - [`sim`]: a simulated foreign eIDAS Proxy-Service hosting TEST countries (`XA`, `XB`, …),
//!   with an identity picker, an automatic mode and fault injection.
//! - [`browser`]: a scripted browser (cookies on, redirects off) that drives a full login.
//! - [`demo_rp`]: a demo e-service (OpenID Connect RP) that really verifies the ID token.
//! - [`server`]: serve-until-signal and logging setup for the binaries.
//! - [`gateway_config`]: the one builder of gateway configurations (harness, flow tests, loadgen).
//! - [`html`]: the escaping and auto-POST form helpers the three share.
//! - [`loadgen`]: the load generator's parts (spawning, timed logins, crypto cost, flood).

pub mod browser;
pub mod demo_rp;
pub mod gateway_config;
pub mod html;
pub mod loadgen;
pub mod server;
pub mod sim;
pub mod wallet_sim;
