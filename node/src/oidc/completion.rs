//! The seam to the login step (issue 4): reading a parked authorization and ending it, with a
//! code for a [`VerifiedIdentity`] or with an error such as `access_denied`.

use super::authorize::{error_redirect, redirect_with, AuthorizationRequest};
use super::token::CodeGrant;
use super::{random_handle, Client, Error, ErrorCode, Provider};
use crate::identity::{PersonType, Subject, VerifiedIdentity};

impl Provider {
    /// The parked request, without consuming it (the login step reads it to offer countries).
    pub async fn pending_authorization(
        &self,
        flow_id: &str,
    ) -> Result<AuthorizationRequest, Error> {
        let bytes = self
            .stores
            .pending
            .get_pending(flow_id)
            .await?
            .ok_or(Error::UnknownFlow)?;
        Ok(serde_json::from_slice(&bytes)?)
    }

    /// Ends a flow successfully: issues a single-use code bound to the client, redirect_uri and
    /// PKCE challenge, and returns the redirect URL carrying `code`, `state` and `iss`.
    /// `Err` (unknown or used flow, store failure) means: error page, no redirect.
    #[tracing::instrument(skip_all)]
    pub async fn complete_authorization(
        &self,
        flow_id: &str,
        identity: VerifiedIdentity,
    ) -> Result<String, Error> {
        let bytes = self
            .stores
            .pending
            .take_pending(flow_id)
            .await?
            .ok_or(Error::UnknownFlow)?;
        let request: AuthorizationRequest = serde_json::from_slice(&bytes)?;
        let client = self
            .clients
            .get(&request.client_id)
            .ok_or(Error::UnknownClient)?;
        let checked = check_identity(client, &request, &identity)
            .and_then(|()| check_max_age(&request, &identity, self.clock.now()));
        if let Err(e) = checked {
            return error_redirect(self, &request.redirect_uri, request.state.as_deref(), &e);
        }
        let code = random_handle()?;
        let (grant_method, grant_country, grant_loa, subject) = (
            identity.method,
            identity.country.clone(),
            identity.loa.level,
            crate::events::SubjectRef::new(identity.eidas_identifier()),
        );
        let grant = CodeGrant::new(
            request.clone(),
            identity,
            self.clock.now(),
            self.config.code_ttl,
        );
        // If the store fails, no code leaves this function: the RP never holds a code for lost state.
        self.stores
            .codes
            .put_code(&code, &serde_json::to_vec(&grant)?, self.config.code_ttl)
            .await?;
        self.events.emit(&crate::events::LoginEvent::Completed {
            client_id: request.client_id.clone(),
            method: grant_method,
            country: grant_country,
            loa: grant_loa,
            subject,
        });
        let mut params = vec![("code", code.as_str())];
        if let Some(s) = &request.state {
            params.push(("state", s));
        }
        redirect_with(self, &request.redirect_uri, &params)
    }

    /// Ends a flow with an error for the client, e.g. `access_denied` when the citizen cancelled
    /// abroad (eidas-requirements §5: RequestDenied/AuthnFailed → access_denied). `description`
    /// goes to the client as `error_description`: never personal data.
    #[tracing::instrument(skip_all)]
    pub async fn fail_authorization(
        &self,
        flow_id: &str,
        code: ErrorCode,
        description: &str,
    ) -> Result<String, Error> {
        let bytes = self
            .stores
            .pending
            .take_pending(flow_id)
            .await?
            .ok_or(Error::UnknownFlow)?;
        let request: AuthorizationRequest = serde_json::from_slice(&bytes)?;
        error_redirect(
            self,
            &request.redirect_uri,
            request.state.as_deref(),
            &Error::AuthenticationFailed {
                code,
                description: description.to_owned(),
            },
        )
    }
}

/// Tolerated clock difference between us and the country that set `AuthnInstant`.
const MAX_AGE_LEEWAY_SECONDS: i64 = 60;

/// OIDC Core §3.1.2.1 `max_age`: the citizen must have authenticated abroad at most that long
/// ago (the time abroad is `auth_time`). We ask every country for a fresh login (ForceAuthn), so
/// this fails only when a country answers with an older authentication.
fn check_max_age(
    request: &AuthorizationRequest,
    identity: &VerifiedIdentity,
    now: time::OffsetDateTime,
) -> Result<(), Error> {
    let Some(max_age) = request.max_age else {
        return Ok(());
    };
    let max_age = i64::try_from(max_age).unwrap_or(i64::MAX);
    let elapsed = (now - identity.authn_instant).whole_seconds();
    if elapsed > max_age.saturating_add(MAX_AGE_LEEWAY_SECONDS) {
        return Err(Error::AuthenticationTooOld);
    }
    Ok(())
}

/// The identity must answer the request: LoA at least the minimum (eIDAS LoA are hierarchical),
/// the pre-selected or an allowed country, and the requested person type.
fn check_identity(
    client: &Client,
    request: &AuthorizationRequest,
    identity: &VerifiedIdentity,
) -> Result<(), Error> {
    if identity.loa.level < request.min_loa {
        return Err(Error::IdentityMismatch {
            reason: "level of assurance below the requested minimum",
        });
    }
    let country_ok = match &request.country {
        Some(cc) => *cc == identity.country,
        None => client.allowed_countries.contains(&identity.country),
    };
    if !country_ok {
        return Err(Error::IdentityMismatch {
            reason: "country not requested",
        });
    }
    let type_ok = matches!(
        (&identity.subject, request.person_type),
        (Subject::Natural(_), PersonType::NaturalPerson)
            | (Subject::Legal(_), PersonType::LegalPerson)
    );
    if !type_ok {
        return Err(Error::IdentityMismatch {
            reason: "person type not requested",
        });
    }
    Ok(())
}
