//! The load generator's parts (`eidas-loadgen`): spawning the gateway and a simulated country,
//! one timed login, the in-process crypto cost, and the adversarial flood.

pub mod crypto;
pub mod flood;
pub mod login;
pub mod spawn;
pub mod trust_refresh;

/// Who logs in where: the client the spawned gateway registers and the country it trusts.
#[derive(Clone, Debug)]
pub struct Setup {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
    pub country: String,
    /// RSA-3072 keys for everything (RSA-PSS, RSA-OAEP, PS256) instead of the EC example keys.
    pub rsa: bool,
    /// The gateway's store (default: memory).
    pub redis: Option<String>,
    /// An audit trail file with keyed subject hashes, as production runs it.
    pub audit: bool,
    /// Every private key of the gateway in a fresh SoftHSM2 token.
    pub pkcs11: bool,
}
