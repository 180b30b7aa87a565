//! Leaving for the wallet: the request parked under a fresh id (its nonce, its encryption key,
//! the claims the e-service needs), and the page whose link opens the citizen's wallet.

use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::super::error::{AppError, Cause};
use super::super::flow::{unavailable, FlowContext, FlowHandle};
use super::super::pages::ErrorKind;
use super::super::WebState;
use super::WALLET_WAIT_PATH;
use crate::events::LoginEvent;
use crate::identity::{LoginMethod, OptionalAttribute};
use crate::store::PendingLoginStore;
use crate::wallet::request::PidClaim;

/// What the wallet way in keeps under the request id while the citizen is in their wallet.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PendingWallet {
    #[serde(flatten)]
    pub flow: FlowHandle,
    pub nonce: String,
    /// This request's ephemeral encryption key (PKCS#8 DER, base64url); the store seals it.
    pub encryption_key: String,
    /// The PID claims asked for (their SD-JWT VC names).
    pub claims: Vec<String>,
    /// The wallet fetched the request object (once only).
    pub fetched: bool,
    /// It was fetched by the QR code's link: a wallet on another device, which the browser
    /// does not follow.
    #[serde(default)]
    pub cross: bool,
    pub left_at_ms: Option<i64>,
    /// When the request expires (Unix milliseconds): a record put back keeps this, never more.
    #[serde(default)]
    pub expires_at_ms: Option<i64>,
}

impl PendingWallet {
    pub fn claims(&self) -> Vec<PidClaim> {
        PidClaim::ALL
            .into_iter()
            .filter(|c| self.claims.iter().any(|n| n == c.sd_jwt()))
            .collect()
    }
}

/// What the e-service needs from the PID: the minimum data set and the number that makes a
/// persistent `sub`, and the place of birth and nationalities only when its scopes ask.
fn wanted(attributes: &[OptionalAttribute]) -> Vec<PidClaim> {
    let mut c = vec![
        PidClaim::FamilyName,
        PidClaim::GivenName,
        PidClaim::Birthdate,
        PidClaim::IssuingCountry,
        PidClaim::PersonalAdministrativeNumber,
    ];
    if attributes.contains(&OptionalAttribute::PlaceOfBirth) {
        c.push(PidClaim::PlaceOfBirth);
    }
    if attributes.contains(&OptionalAttribute::Nationality) {
        c.push(PidClaim::Nationalities);
    }
    c
}

pub(in crate::web) async fn start(
    s: &WebState,
    ctx: &FlowContext<'_>,
) -> Result<Response, AppError> {
    let locale = ctx.locale;
    if s.wallet().is_none() {
        return Err(AppError::page(
            ErrorKind::CountryUnavailable,
            locale,
            Cause::msg("the wallet is not configured"),
        ));
    };
    let fresh = || {
        super::super::binding::new_browser_id().ok_or_else(|| unavailable(locale, std::fmt::Error))
    };
    let (id, nonce) = (fresh()?, fresh()?);
    let key = crate::jose::jwe::ephemeral_key().map_err(|e| unavailable(locale, e))?;
    let der = key
        .private_key_to_pkcs8()
        .map_err(|e| unavailable(locale, e))?;
    let pending = PendingWallet {
        flow: ctx.handle(),
        nonce,
        encryption_key: B64.encode(der),
        claims: wanted(&ctx.request.optional_attributes)
            .iter()
            .map(|c| c.sd_jwt().to_owned())
            .collect(),
        fetched: false,
        cross: false,
        left_at_ms: i64::try_from(s.clock.now().unix_timestamp_nanos() / 1_000_000).ok(),
        expires_at_ms: i64::try_from(
            (s.clock.now() + s.login.pending_ttl).unix_timestamp_nanos() / 1_000_000,
        )
        .ok(),
    };
    let bytes = serde_json::to_vec(&pending).map_err(|e| unavailable(locale, e))?;
    let key = super::record_key(&id);
    s.store
        .put_login(&key, &bytes, s.login.pending_ttl)
        .await
        .map_err(|e| unavailable(locale, e))?;
    s.departures
        .left(&key, &ctx.client.client_id, None, s.login.pending_ttl);
    s.events.emit(&LoginEvent::Started {
        client_id: ctx.client.client_id.clone(),
        method: LoginMethod::Wallet,
        country: None,
    });
    tracing::info!(client_id = %ctx.client.client_id, wallet_request = %id, "wallet request prepared");
    // The page is a GET of its own, so a reload or Back shows it again.
    super::super::see_other(&format!(
        "{WALLET_WAIT_PATH}?flow={}&r={id}&lang={}",
        url::form_urlencoded::byte_serialize(ctx.flow_id.as_bytes()).collect::<String>(),
        locale.tag()
    ))
}
