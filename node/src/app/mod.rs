//! Wiring: [`Settings`] → [`AppState`] (keys, clients, store, trust, admin tokens) → routers →
//! serving on listeners passed in ([`run`]); [`serve`] binds them for the binary and
//! [`spawn_gateway`] on loopback port 0 for in-process tests.
//!
//! `build` collects *every* problem it finds instead of stopping at the first, so that `check` and
//! a failed start-up show the operator the whole list at once.

pub mod health;
pub mod metrics;
pub mod rollover;
pub mod settings;

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::admin::AdminTokens;
use crate::clock::{Clock, SystemClock};
use crate::config::{hex_decode, Settings};
use crate::jose::Alg;
use crate::oidc::{ClientRegistry, KeySet, Provider, ProviderConfig, SigningKey as JwtKey};
use crate::saml::keys::{KeyPair, SigningKey};
use crate::saml::sp::ServiceProvider;
use crate::saml::sp_metadata::{Contact, MetadataInfo, Organization};
use crate::store::memory::MemoryBackend;
use crate::store::redis::RedisBackend;
use crate::store::{DurableBackend, KvBackend, RecordStore, SealedRecords, SealedStore, Sealer};
use crate::trust::{Source, TrustStore};
use crate::web::{self, LoginSettings, SamlPath, SamlTimes, WebState};

/// Everything the gateway runs on. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// What the public handlers share.
    pub web: Arc<WebState>,
    /// Who may call the admin API (empty: no admin listener).
    pub admin: AdminTokens,
    /// Durable records and pointers (trust versions), on the same backend as `web.store`.
    pub records: Arc<dyn RecordStore>,
    /// `server.drain_seconds` and `server.shutdown_timeout_seconds`.
    pub drain: Duration,
    pub shutdown_timeout: Duration,
    /// What `/metrics` on the admin listener renders.
    pub metrics: Arc<metrics::Metrics>,
    /// Per-country health, synced through the store by `run`.
    pub health: Arc<health::Health>,
    /// `saml.expiry_warning_days`, for the daily log of our certificates' expiry.
    pub expiry_warning_days: u64,
    /// Our keys with their schedules: `run` applies each change when it is due, and reloads
    /// (SIGHUP, the admin API) replace them.
    pub keys: Arc<rollover::KeySchedule>,
}

/// Waits for `signal`, then drains: readiness fails at once (the load balancer stops sending
/// new logins here) while requests are still served for `drain`; then resolves, and the server
/// stops accepting connections.
async fn drain_after(
    signal: impl std::future::Future<Output = ()>,
    web: Arc<WebState>,
    drain: Duration,
) {
    signal.await;
    web.draining
        .store(true, std::sync::atomic::Ordering::Release);
    tracing::info!(
        drain_seconds = drain.as_secs(),
        "draining: /readyz fails; new connections are refused after the drain time"
    );
    tokio::time::sleep(drain).await;
    tracing::info!("no longer accepting connections; finishing requests in flight");
}

/// How bad a [`Problem`] is: an error stops start-up; a warning is reported and served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in the settings, for the operator: one line, naming the key.
#[derive(Debug)]
pub struct Problem {
    pub severity: Severity,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn p(msg: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Error,
        message: msg.into(),
    }
}

fn warn(msg: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Warning,
        message: msg.into(),
    }
}

/// What is allowed but probably not meant: reported by `check` (exit code 2) and logged at
/// start-up.
pub fn warnings(s: &Settings, state: &AppState) -> Vec<Problem> {
    let mut out = Vec::new();
    // Unsafe key schedules (`keys status` shows the timeline).
    for w in state.keys.keys().warnings(state.web.clock.now()) {
        out.push(warn(format!("keys: {w}")));
    }
    let rs256 = state
        .web
        .provider
        .keys
        .snapshot()
        .current(crate::jose::Alg::RS256)
        .is_some();
    if !rs256 {
        // OpenID Connect Discovery §3: id_token_signing_alg_values_supported MUST include RS256.
        out.push(warn(
            "oidc.signing_keys has no current RS256 key: OpenID Connect Discovery §3 requires \
             RS256 among the ID token algorithms (clients that register none still get ES256)",
        ));
    }
    out.extend(
        own_certificate_warnings(s.saml.expiry_warning_days, &state.web)
            .into_iter()
            .map(warn),
    );
    if s.trust.countries.is_empty() && s.trust.lists.is_empty() {
        out.push(warn(
            "trust.countries and trust.lists are empty: no citizen can log in",
        ));
    }
    if !state.admin.is_empty() {
        let loopback = s
            .admin
            .listen
            .parse::<std::net::SocketAddr>()
            .is_ok_and(|a| a.ip().is_loopback());
        if !loopback {
            out.push(warn(format!(
                "admin.listen = {} is not a loopback address: keep the admin API on a management network",
                s.admin.listen
            )));
        }
    }
    out
}

/// Our certificates as they are now, by use: SAML signing, published next signing, encryption.
fn own_certificates(web: &WebState) -> Vec<(&'static str, openssl::x509::X509)> {
    sp_certificates(&web.saml.sp())
}

/// The certificates of `sp`, by use: SAML signing, published next signing, encryption.
pub fn sp_certificates(sp: &ServiceProvider) -> Vec<(&'static str, openssl::x509::X509)> {
    std::iter::once(("saml_signing", sp.signing.pair.cert.clone()))
        .chain(
            sp.extra_signing_certs
                .iter()
                .map(|c| ("saml_signing_next", c.clone())),
        )
        .chain(
            sp.decryption
                .iter()
                .map(|k| ("saml_encryption", k.cert.clone())),
        )
        .collect()
}

/// One line per certificate of ours that expires within `saml.expiry_warning_days` (or has).
pub fn own_certificate_warnings(days: u64, web: &WebState) -> Vec<String> {
    expiry_warnings(&own_certificates(web), days)
}

/// One line per certificate of `certs` that expires within `days` (or has).
pub fn expiry_warnings(certs: &[(&'static str, openssl::x509::X509)], days: u64) -> Vec<String> {
    let now = time::OffsetDateTime::now_utc();
    let horizon = now + time::Duration::days(i64::try_from(days).unwrap_or(30));
    certs
        .iter()
        .filter_map(|(usage, cert)| {
            let at = crate::keys::cert_not_after(cert)?;
            let fingerprint = crate::keys::cert_fingerprint(cert);
            let what = format!(
                "our {} certificate (SHA-256 {}…)",
                usage.replace('_', " "),
                fingerprint.get(..16).unwrap_or("")
            );
            if at <= now {
                Some(format!("{what} EXPIRED at {at}: replace it now (README, Keys)"))
            } else if at <= horizon {
                Some(format!(
                    "{what} expires at {at}, in {} days: publish its successor in our metadata \
                     (saml.extra_signing_cert_paths / a second saml.encryption entry) now (README, Keys)",
                    (at - now).whole_days()
                ))
            } else {
                None
            }
        })
        .collect()
}

/// Our SAML entityID: the URL our metadata is published at (eidas-requirements §4), derived
/// here in wiring from the public URL and the route `web` serves it on.
pub fn saml_entity_id(s: &Settings) -> String {
    format!("{}{}", s.public_url(), web::SAML_METADATA_PATH)
}

/// Our ACS URL, likewise.
pub fn saml_acs_url(s: &Settings) -> String {
    format!("{}{}", s.public_url(), web::SAML_ACS_PATH)
}

/// Our SAML identity and keys from `[saml]` as they are now.
pub fn service_provider(s: &Settings) -> Result<ServiceProvider, Vec<Problem>> {
    saml_keys(s)?
        .at(time::OffsetDateTime::now_utc(), &lingers(s))
        .map_err(|e| vec![p(e)])
}

/// How long retired keys stay, from the configured times (README, Keys).
pub fn lingers(s: &Settings) -> rollover::Lingers {
    let skew = time::Duration::seconds(i64::try_from(s.saml.clock_skew_seconds).unwrap_or(60));
    rollover::Lingers {
        saml_signing: skew,
        decryption: time::Duration::hours(
            i64::try_from(s.saml.metadata_validity_hours).unwrap_or(24),
        ) + skew,
        id_token: time::Duration::seconds(
            i64::try_from(s.oidc.id_token_ttl_seconds).unwrap_or(300),
        ) + skew,
    }
}

/// How long before activation a key must be published (README, Keys).
pub fn leads(s: &Settings) -> rollover::Leads {
    let skew = time::Duration::seconds(i64::try_from(s.saml.clock_skew_seconds).unwrap_or(60));
    rollover::Leads {
        saml: time::Duration::hours(i64::try_from(s.saml.metadata_validity_hours).unwrap_or(24))
            + skew,
        jwks: rollover::JWKS_MAX_AGE + skew,
    }
}

/// Every key of ours from the configuration, with its schedule.
pub fn our_keys(s: &Settings) -> Result<rollover::OurKeys, Vec<Problem>> {
    let saml = saml_keys(s);
    let oidc = oidc_keys(s);
    match (saml, oidc) {
        (Ok(saml), Ok(oidc)) => Ok(rollover::OurKeys {
            saml,
            oidc,
            lingers: lingers(s),
            leads: leads(s),
        }),
        (saml, oidc) => Err(saml.err().into_iter().chain(oidc.err()).flatten().collect()),
    }
}

/// The wallet way in from `[wallet]` (issue 15): our access certificate (an ES256 key, file or
/// token) and its `x509_hash` client id, and the PID providers' anchors; every problem named.
fn wallet_path(s: &Settings) -> Result<Option<web::wallet::WalletPath>, Vec<Problem>> {
    let Some(w) = &s.wallet else {
        return Ok(None);
    };
    let mut problems = Vec::new();
    let certs = |path: &std::path::Path, what: &str| {
        std::fs::read(s.path(path))
            .map_err(|e| e.to_string())
            .and_then(|pem| openssl::x509::X509::stack_from_pem(&pem).map_err(|e| e.to_string()))
            .and_then(|c| {
                if c.is_empty() {
                    Err("no certificate".to_owned())
                } else {
                    Ok(c)
                }
            })
            .map_err(|e| p(format!("{what} {}: {e}", s.path(path).display())))
    };
    let chain = certs(&w.cert_path, "wallet.cert_path")
        .map_err(|e| problems.push(e))
        .ok();
    let key: Option<Arc<dyn crate::keys::PrivateKey>> = match (&w.key_path, &w.pkcs11) {
        (Some(path), None) => std::fs::read(s.path(path))
            .map_err(|e| e.to_string())
            .and_then(|pem| crate::keys::FileKey::from_pem(&pem).map_err(|e| e.to_string()))
            .map(|k| Arc::new(k) as Arc<dyn crate::keys::PrivateKey>)
            .map_err(|e| {
                problems.push(p(format!(
                    "wallet.key_path {}: {e}",
                    s.path(path).display()
                )))
            })
            .ok(),
        (None, Some(token)) => token
            .open()
            .and_then(|k| {
                crate::keys::PrivateKey::permits(&k, crate::keys::Purpose::Sign)?;
                Ok(k)
            })
            .map(|k| Arc::new(k) as Arc<dyn crate::keys::PrivateKey>)
            .map_err(|e| problems.push(p(format!("wallet.pkcs11: {e}"))))
            .ok(),
        _ => {
            problems.push(p("wallet: give exactly one of key_path and pkcs11"));
            None
        }
    };
    let mut client_id = String::new();
    if let (Some(chain), Some(key)) = (&chain, &key) {
        let leaf_key = chain.first().and_then(|c| c.public_key().ok());
        if !leaf_key.is_some_and(|pk| pk.public_eq(key.public_key())) {
            problems.push(p(
                "wallet: the key is not the one of the first certificate in cert_path",
            ));
        }
        let p256 = key
            .public_key()
            .ec_key()
            .ok()
            .and_then(|k| k.group().curve_name())
            == Some(openssl::nid::Nid::X9_62_PRIME256V1);
        if !p256 {
            problems.push(p(
                "wallet: the access key must be EC P-256 (ES256, HAIP 1.0 §7)",
            ));
        }
        if let Some(leaf) = chain.first() {
            match crate::wallet::request::client_id(leaf) {
                Ok(id) => client_id = id,
                Err(e) => problems.push(p(format!("wallet: {e}"))),
            }
        }
    }
    let mut providers = Vec::new();
    problems.extend(w.provider_problems().into_iter().map(p));
    if w.providers.is_empty() && w.lists.is_empty() {
        problems.push(p(
            "wallet: name at least one PID provider (wallet.providers) or list (wallet.lists)",
        ));
    }
    for (i, pr) in w.providers.iter().enumerate() {
        let mut anchors = Vec::new();
        for a in &pr.anchor_cert_paths {
            match certs(a, &format!("wallet.providers[{i}].anchor_cert_paths")) {
                Ok(c) => anchors.extend(c),
                Err(e) => problems.push(e),
            }
        }
        if pr.anchor_cert_paths.is_empty() {
            problems.push(p(format!(
                "wallet.providers[{i}].anchor_cert_paths: name at least one anchor"
            )));
        }
        providers.push(web::wallet::Provider {
            country: pr.country.to_string(),
            id: pr.id.clone(),
            status_signers: anchors.clone(),
            anchors,
            source: "config".into(),
        });
    }
    let mut lists = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (i, l) in w.lists.iter().enumerate() {
        let what = format!("wallet.lists[{i}]");
        if l.name.is_empty() || !names.insert(l.name.clone()) {
            problems.push(p(format!("{what}.name: empty or used twice")));
        }
        let location = crate::trust::parse_location(&l.location, &|q| s.path(q))
            .and_then(|loc| match &loc {
                // It is logged and shown in the status: no credentials in it.
                crate::trust::Location::Url(u)
                    if !u.username().is_empty() || u.password().is_some() =>
                {
                    Err("no user name or password in the URL".to_owned())
                }
                _ => Ok(loc),
            })
            .map_err(|e| problems.push(p(format!("{what}.location: {e}"))))
            .ok();
        let load = |paths: &[std::path::PathBuf], field: &str| {
            let mut all = Vec::new();
            for a in paths {
                match certs(a, &format!("{what}.{field}")) {
                    Ok(c) => all.extend(c),
                    Err(e) => return Err(e),
                }
            }
            Ok(all)
        };
        let signer = match (
            l.signer_cert_paths.is_empty(),
            l.anchor_cert_paths.is_empty(),
        ) {
            (false, true) => load(&l.signer_cert_paths, "signer_cert_paths")
                .map(crate::wallet::lote::SignerTrust::Pinned),
            (true, false) => load(&l.anchor_cert_paths, "anchor_cert_paths")
                .map(crate::wallet::lote::SignerTrust::Anchored),
            _ => Err(p(format!(
                "{what}: give exactly one of signer_cert_paths and anchor_cert_paths"
            ))),
        }
        .map_err(|e| problems.push(e))
        .ok();
        if l.territories.is_empty() {
            problems.push(p(format!(
                "{what}.territories: name the countries this list may vouch for"
            )));
        }
        if l.refresh_seconds == 0 || l.refresh_seconds > 7 * 86_400 {
            problems.push(p(format!(
                "{what}.refresh_seconds: from 1 to 604800 (a week)"
            )));
        }
        if let (Some(location), Some(signer)) = (location, signer) {
            lists.push(web::wallet::ListSource::new(
                l.name.clone(),
                location,
                signer,
                l.territories.iter().map(ToString::to_string).collect(),
                std::time::Duration::from_secs(l.refresh_seconds.clamp(1, 7 * 86_400)),
                l.activation == crate::wallet::settings::Activation::Review,
            ));
        }
    }
    if w.status_grace_seconds > 7 * 86_400 {
        problems.push(p("wallet.status_grace_seconds: at most 604800 (a week)"));
    }
    let statuses = web::wallet::StatusLists::new(time::Duration::seconds(
        i64::try_from(w.status_grace_seconds.min(7 * 86_400)).unwrap_or(3600),
    ))
    .map_err(|e| problems.push(p(format!("wallet: {e}"))))
    .ok();
    match (problems.is_empty(), chain, key, statuses) {
        (true, Some(chain), Some(key), Some(statuses)) => Ok(Some(web::wallet::WalletPath {
            key,
            chain,
            client_id,
            providers: web::wallet::Providers::new(
                providers,
                lists,
                s.trust.cache_dir.as_ref().map(|d| s.path(d)),
                time::Duration::seconds(i64::try_from(s.saml.clock_skew_seconds).unwrap_or(60)),
            )
            .map_err(|e| vec![p(format!("wallet: {e}"))])?,
            scheme: w.scheme.clone(),
            kb_max_age: time::Duration::seconds(
                i64::try_from(w.key_binding_max_age_seconds).unwrap_or(300),
            ),
            statuses,
        })),
        _ => Err(problems),
    }
}

/// Our SAML identity and every SAML key from `[saml]`, with their schedules.
pub fn saml_keys(s: &Settings) -> Result<rollover::SamlKeys, Vec<Problem>> {
    let mut problems = Vec::new();
    let pair = |k: &crate::saml::settings::KeyPairSettings,
                what: &str,
                purpose: crate::keys::Purpose| match (&k.key_path, &k.pkcs11) {
        (Some(key_path), None) => KeyPair::from_files(&s.path(key_path), &s.path(&k.cert_path))
            .map_err(|e| {
                p(format!(
                    "{what}: {} / {}: {e}",
                    s.path(key_path).display(),
                    s.path(&k.cert_path).display()
                ))
            }),
        (None, Some(token)) => {
            let cert = std::fs::read(s.path(&k.cert_path))
                .map_err(|e| e.to_string())
                .and_then(|pem| openssl::x509::X509::from_pem(&pem).map_err(|e| e.to_string()))
                .map_err(|e| {
                    p(format!(
                        "{what}.cert_path {}: {e}",
                        s.path(&k.cert_path).display()
                    ))
                })?;
            let key = token
                .open()
                .and_then(|key| {
                    crate::keys::PrivateKey::permits(&key, purpose)?;
                    Ok(key)
                })
                .map_err(|e| {
                    p(format!(
                        "{what}.pkcs11 (module {}, token {:?}, key {:?}): {e}",
                        token.module.display(),
                        token.token,
                        token.key
                    ))
                })?;
            KeyPair::from_key(Arc::new(key), cert).map_err(|e| p(format!("{what}: {e}")))
        }
        _ => Err(p(format!(
            "{what}: give exactly one of key_path and pkcs11"
        ))),
    };
    let timed = |k: &crate::saml::settings::KeyPairSettings,
                 what: String,
                 purpose|
     -> Result<rollover::Timed<KeyPair>, Problem> {
        let schedule = crate::keys::schedule::Schedule::from_settings(
            k.state.as_deref(),
            k.activate_at.as_deref(),
            k.retire_at.as_deref(),
        )
        .map_err(|e| p(format!("{what}: {e}")))?;
        Ok(rollover::Timed {
            item: pair(k, &what, purpose)?,
            schedule,
            setting: what,
        })
    };
    let mut signing = Vec::new();
    for (i, k) in s.saml.signing.iter().enumerate() {
        let what = if s.saml.signing.len() == 1 {
            "saml.signing".to_owned()
        } else {
            format!("saml.signing[{i}]")
        };
        match timed(k, what.clone(), crate::keys::Purpose::Sign).and_then(|t| {
            // The algorithm is chosen now, so an unusable key is a problem at load.
            SigningKey::new(t.item.clone()).map_err(|e| p(format!("{what}: {e}")))?;
            Ok(t)
        }) {
            Ok(t) => signing.push(t),
            Err(e) => problems.push(e),
        }
    }
    if s.saml.signing.is_empty() {
        problems.push(p("saml.signing: at least one signing key is needed"));
    }
    let mut decryption = Vec::new();
    for (i, k) in s.saml.encryption.iter().enumerate() {
        match timed(
            k,
            format!("saml.encryption[{i}]"),
            crate::keys::Purpose::Decrypt,
        ) {
            Ok(t) => decryption.push(t),
            Err(e) => problems.push(e),
        }
    }
    if s.saml.encryption.is_empty() {
        problems.push(p("saml.encryption: at least one decryption key is needed"));
    }
    let mut extra = Vec::new();
    for path in &s.saml.extra_signing_cert_paths {
        let path = s.path(path);
        match std::fs::read(&path)
            .ok()
            .and_then(|pem| openssl::x509::X509::from_pem(&pem).ok())
        {
            Some(c) => extra.push(c),
            None => problems.push(p(format!(
                "saml.extra_signing_cert_paths: {} is not a readable PEM certificate",
                path.display()
            ))),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(rollover::SamlKeys {
        entity_id: saml_entity_id(s),
        acs_url: saml_acs_url(s),
        country: s.saml.country.to_string(),
        signing,
        extra_signing_certs: extra,
        decryption,
    })
}

/// Every ID-token key from `[oidc]`, with its schedule.
pub fn oidc_keys(s: &Settings) -> Result<rollover::OidcKeys, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut keys = Vec::new();
    for (i, k) in s.oidc.signing_keys.iter().enumerate() {
        let at = format!("oidc.signing_keys[{i}]");
        let Some(alg) = Alg::parse(&k.alg) else {
            problems.push(p(format!(
                "{at}.alg: {} is not ES256, PS256 or RS256",
                k.alg
            )));
            continue;
        };
        let schedule = match crate::keys::schedule::Schedule::from_settings(
            Some(&k.status),
            k.activate_at.as_deref(),
            k.retire_at.as_deref(),
        ) {
            Ok(schedule) => schedule,
            Err(e) => {
                problems.push(p(format!("{at}: {e}")));
                continue;
            }
        };
        // The state at any instant comes from the schedule (rollover::OidcKeys::at).
        let status = crate::oidc::KeyStatus::Current;
        let timed = |item| rollover::Timed {
            item,
            schedule,
            setting: at.clone(),
        };
        match (&k.key_path, &k.pkcs11) {
            (Some(key_path), None) => {
                let path = s.path(key_path);
                match std::fs::read(&path) {
                    Ok(pem) => match JwtKey::from_pem(&k.kid, alg, &pem, status) {
                        Ok(key) => keys.push(timed(key)),
                        Err(e) => problems.push(p(format!("{at}: {e}"))),
                    },
                    Err(e) => {
                        problems.push(p(format!("{at}.key_path {}: {e}", path.display())));
                    }
                }
            }
            (None, Some(token)) => match token.open().and_then(|key| {
                crate::keys::PrivateKey::permits(&key, crate::keys::Purpose::Sign)?;
                Ok(key)
            }) {
                Ok(key) => match JwtKey::from_private_key(&k.kid, alg, Arc::new(key), status) {
                    Ok(key) => keys.push(timed(key)),
                    Err(e) => problems.push(p(format!("{at}: {e}"))),
                },
                Err(e) => problems.push(p(format!(
                    "{at}.pkcs11 (module {}, token {:?}, key {:?}): {e}",
                    token.module.display(),
                    token.token,
                    token.key
                ))),
            },
            _ => problems.push(p(format!("{at}: give exactly one of key_path and pkcs11"))),
        }
    }
    if problems.is_empty() {
        Ok(rollover::OidcKeys { keys })
    } else {
        Err(problems)
    }
}

/// ID token keys (as they are now) and clients from `[oidc]` and `[[clients]]`.
pub fn provider_parts(
    s: &Settings,
) -> Result<(ProviderConfig, KeySet, ClientRegistry), Vec<Problem>> {
    let keyset = oidc_keys(s)?
        .at(time::OffsetDateTime::now_utc(), &lingers(s))
        .map_err(|e| vec![p(format!("oidc.signing_keys: {e}"))])?;
    let (config, clients) = provider_setup(s, &keyset)?;
    Ok((config, keyset, clients))
}

/// The provider's configuration and clients, for the ID-token algorithms `keyset` can sign.
pub fn provider_setup(
    s: &Settings,
    keyset: &KeySet,
) -> Result<(ProviderConfig, ClientRegistry), Vec<Problem>> {
    let pairwise = hex_decode(s.oidc.pairwise_key.expose_secret())
        .filter(|k| k.len() >= 32)
        .ok_or_else(|| p("oidc.pairwise_key must be at least 32 bytes, hex-encoded"));
    let pairwise = pairwise.map_err(|e| vec![e])?;
    let clients = ClientRegistry::from_settings(&s.clients, &keyset.algorithms())
        .map_err(|e| vec![p(e.to_string())])?;
    let mut config = ProviderConfig::new(s.public_url(), pairwise);
    config.login_path = web::LOGIN_PATH.into();
    config.code_ttl = Duration::from_secs(s.oidc.code_ttl_seconds);
    config.access_token_ttl = Duration::from_secs(s.oidc.access_token_ttl_seconds);
    config.id_token_ttl = Duration::from_secs(s.oidc.id_token_ttl_seconds);
    config.pending_ttl = Duration::from_secs(s.oidc.login_timeout_seconds);
    config.ui_locales = web::i18n::Localizer::supported_tags();
    Ok((config, clients))
}

/// The sealer for stored values; with Redis the key is mandatory (instances must share it).
pub fn sealer(s: &Settings) -> Result<Sealer, Problem> {
    match &s.store.encryption_key {
        Some(k) => hex_decode(k.expose_secret())
            .ok_or_else(|| p("store.encryption_key is not hex"))
            .and_then(|k| Sealer::new(k).map_err(|e| p(format!("store.encryption_key: {e}")))),
        None if s.store.redis_url.is_some() => Err(p(
            "store.encryption_key is required with Redis: every instance must share it",
        )),
        None => Sealer::random().map_err(|e| p(format!("store: {e}"))),
    }
}

/// Connects the state store: Redis when `store.redis_url` is set, else in memory.
/// The state store's two faces, on one backend: TTL-bound protocol state and durable records.
pub type Backends = (Arc<dyn KvBackend>, Arc<dyn DurableBackend>);

pub async fn backend(s: &Settings) -> Result<Backends, Problem> {
    match &s.store.redis_url {
        Some(url) => RedisBackend::connect_with_tls(
            url.expose_secret(),
            s.store.key_prefix.clone(),
            &crate::store::redis::Tls {
                ca: s.store.tls_ca.as_ref().map(|c| c.as_bytes().to_vec()),
                client_cert: s
                    .store
                    .tls_client_cert
                    .as_ref()
                    .map(|c| c.as_bytes().to_vec()),
                client_key: s
                    .store
                    .tls_client_key
                    .as_ref()
                    .map(|k| k.expose_secret().as_bytes().to_vec()),
            },
        )
        .await
        .map(|b| {
            let b = Arc::new(b);
            (
                b.clone() as Arc<dyn KvBackend>,
                b as Arc<dyn DurableBackend>,
            )
        })
        .map_err(|e| {
            // The cause ("Connection refused", "NOAUTH", a TLS error), not only the layer.
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(c) = source {
                // Some errors repeat their source in their own text: say it once.
                let text = c.to_string();
                if !why.contains(&text) {
                    why.push_str(": ");
                    why.push_str(&text);
                }
                source = c.source();
            }
            p(format!("store.redis_url: Redis is not reachable: {why}"))
        }),
        None => {
            let b = Arc::new(MemoryBackend::new());
            Ok((b.clone(), b))
        }
    }
}

/// `saml.max_response_age_seconds`, defaulting to the login timeout: an answer cannot be older
/// than the request it answers.
fn max_response_age_seconds(s: &Settings) -> u64 {
    s.saml
        .max_response_age_seconds
        .unwrap_or(s.oidc.login_timeout_seconds)
}

/// Durations must be sane: a typo must not become a panic or a token valid for years.
fn check_bounds(s: &Settings) -> Vec<Problem> {
    let bounds: [(&str, u64, u64, u64); 15] = [
        ("server.cpu_wait_seconds", s.server.cpu_wait_seconds, 1, 60),
        ("server.drain_seconds", s.server.drain_seconds, 0, 300),
        (
            "server.shutdown_timeout_seconds",
            s.server.shutdown_timeout_seconds,
            1,
            3_600,
        ),
        ("saml.clock_skew_seconds", s.saml.clock_skew_seconds, 0, 600),
        (
            "saml.max_response_age_seconds",
            max_response_age_seconds(s),
            10,
            86_400,
        ),
        (
            "saml.metadata_validity_hours",
            s.saml.metadata_validity_hours,
            1,
            8760,
        ),
        ("oidc.code_ttl_seconds", s.oidc.code_ttl_seconds, 1, 600),
        (
            "oidc.access_token_ttl_seconds",
            s.oidc.access_token_ttl_seconds,
            1,
            86_400,
        ),
        (
            "oidc.id_token_ttl_seconds",
            s.oidc.id_token_ttl_seconds,
            1,
            86_400,
        ),
        (
            "oidc.login_timeout_seconds",
            s.oidc.login_timeout_seconds,
            10,
            86_400,
        ),
        (
            "trust.refresh_seconds",
            s.trust.refresh_seconds,
            10,
            7 * 86_400,
        ),
        ("trust.retry_seconds", s.trust.retry_seconds, 1, 86_400),
        (
            "trust.refetch_cooldown_seconds",
            s.trust.refetch_cooldown_seconds,
            1,
            86_400,
        ),
        ("trust.sync_seconds", s.trust.sync_seconds, 1, 3_600),
        (
            "trust.keep_versions",
            u64::try_from(s.trust.keep_versions).unwrap_or(u64::MAX),
            2,
            1_000,
        ),
    ];
    let mut problems: Vec<Problem> = bounds
        .iter()
        .filter(|(_, v, lo, hi)| v < lo || v > hi)
        .map(|(k, v, lo, hi)| p(format!("{k} = {v} is outside {lo}..={hi}")))
        .collect();
    // The issuer and our entityID are public, and cookies are `Secure` only on https: plain
    // http is for loopback (demo, tests) only (eidas-requirements §4: the entityID is an HTTPS URL).
    match url::Url::parse(s.public_url()) {
        Ok(u) if u.scheme() == "https" => {}
        Ok(u) if u.scheme() == "http" && crate::trust::is_loopback(&u) => {}
        Ok(_) => problems.push(p(
            "server.public_url must be an https:// URL (http:// only on a loopback host)",
        )),
        Err(e) => problems.push(p(format!("server.public_url is not a URL: {e}"))),
    }
    if web::i18n::Locale::parse(&s.ui.default_locale).is_none() {
        problems.push(p(format!(
            "ui.default_locale = {:?} has no texts; one of {}",
            s.ui.default_locale,
            web::i18n::Localizer::supported_tags().join(", ")
        )));
    }
    problems
}

/// Builds the whole application state; returns every problem found.
pub async fn build(s: &Settings, clock: Arc<dyn Clock>) -> Result<AppState, Vec<Problem>> {
    build_with(s, clock, Arc::new(crate::events::LogSink)).await
}

/// As [`build`], with login events going to `events`.
pub async fn build_with(
    s: &Settings,
    clock: Arc<dyn Clock>,
    events: Arc<dyn crate::events::EventSink>,
) -> Result<AppState, Vec<Problem>> {
    // Login outcomes are counted for `/metrics` whatever else receives them.
    let instruments = metrics::Instruments::default();
    let events: Arc<dyn crate::events::EventSink> = Arc::new(crate::events::FanOut(vec![
        events,
        Arc::new(metrics::MetricsSink(instruments.clone())),
    ]));
    // `[audit]`: login outcomes and (through the tracing layer) trust changes, hash-chained.
    let events: Arc<dyn crate::events::EventSink> = match &s.audit.path {
        Some(path) => {
            let log = if path.as_os_str() == crate::audit::STDOUT {
                crate::audit::AuditLog::stdout()
            } else {
                let path = s.path(path);
                crate::audit::AuditLog::open_with(&path, s.audit.rotate_bytes, s.audit.rotate_daily)
                    .map_err(|e| {
                        vec![p(format!(
                            "audit.path {}: cannot be opened: {e}",
                            path.display()
                        ))]
                    })?
            };
            let subject_key = crate::audit::subject_key(&s.audit).map_err(|e| vec![p(e)])?;
            let log = Arc::new(log);
            crate::audit::install(log.clone());
            Arc::new(crate::events::FanOut(vec![
                events,
                Arc::new(crate::audit::AuditSink { log, subject_key }),
            ]))
        }
        None => events,
    };
    let mut problems = check_bounds(s);
    // Compiled once here, so a defect in the built-in schema set stops start-up, and the first
    // login does not pay for it (§2 step 2).
    if let Err(e) = crate::saml::schema::ensure() {
        problems.push(p(e.to_string()));
    }
    // Every language's catalog parsed once now, not on a citizen's first page.
    web::i18n::ensure();
    crate::country_names::ensure();
    // The operator's branding, checked now; pages use it from here on.
    if let Some(dir) = &s.ui.theme_dir {
        match web::theme::load(&s.path(dir)) {
            Ok(theme) => web::theme::install(theme),
            Err(e) => problems.extend(e.into_iter().map(p)),
        }
    }
    // Every key with its schedule; the SP and ID-token keys of this instant from them.
    let now = clock.now();
    let our = our_keys(s).map_err(|e| problems.extend(e)).ok();
    let (sp, oidc) = match &our {
        Some(our) => (
            our.saml
                .at(now, &our.lingers)
                .map_err(|e| problems.push(p(format!("saml: {e}"))))
                .ok(),
            our.oidc
                .at(now, &our.lingers)
                .map_err(|e| problems.push(p(format!("oidc.signing_keys: {e}"))))
                .ok()
                .and_then(|keyset| {
                    provider_setup(s, &keyset)
                        .map_err(|e| problems.extend(e))
                        .ok()
                        .map(|(config, clients)| (config, keyset, clients))
                }),
        ),
        None => (None, None),
    };
    let sealer = sealer(s).map_err(|e| problems.push(e)).ok();
    let sources = Source::from_settings(&s.trust, &|p| s.path(p))
        .map_err(|e| problems.extend(e.into_iter().map(|e| p(format!("trust: {e}")))))
        .ok();
    let lists = crate::trust::lists::ListSource::from_settings(&s.trust.lists, &|p| s.path(p))
        .map_err(|e| problems.extend(e.into_iter().map(|e| p(format!("trust: {e}")))))
        .unwrap_or_default();
    let backend = backend(s).await.map_err(|e| problems.push(e)).ok();
    let admin = AdminTokens::from_files(
        s.admin
            .token_paths
            .iter()
            .map(|p| s.path(p))
            .collect::<Vec<_>>()
            .iter()
            .map(|p| p.as_path()),
    )
    .map_err(|e| problems.extend(e.into_iter().map(p)))
    .ok();
    let (
        Some(our),
        Some(sp),
        Some((config, keys, clients)),
        Some(sealer),
        Some(sources),
        Some(backend),
        Some(admin),
    ) = (our, sp, oidc, sealer, sources, backend, admin)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let trust = TrustStore::new(sources, clock.clone())
        .map_err(|e| vec![p(e.to_string())])?
        .with_expiry_warning(
            time::Duration::days(i64::try_from(s.trust.expiry_warning_days).unwrap_or(14)),
            time::Duration::seconds(
                i64::try_from(s.trust.refresh_seconds.saturating_mul(2)).unwrap_or(7200),
            ),
        )
        .with_refetch_cooldown(time::Duration::seconds(
            i64::try_from(s.trust.refetch_cooldown_seconds).unwrap_or(60),
        ))
        .with_schedule(
            Duration::from_secs(s.trust.refresh_seconds),
            Duration::from_secs(s.trust.retry_seconds),
        )
        .with_lists(lists);
    // Every store operation timed for `/metrics`.
    let (kv, durable) = {
        let observed = Arc::new(crate::store::observed::Observed::new(
            backend.0,
            backend.1,
            Arc::new(instruments.clone()),
        ));
        (
            observed.clone() as Arc<dyn KvBackend>,
            observed as Arc<dyn DurableBackend>,
        )
    };
    let records: Arc<dyn RecordStore> = Arc::new(SealedRecords::new(durable, sealer.clone()));
    let country_health = Arc::new(health::Health::new(records.clone()));
    let trust = trust.with_versioning(
        records.clone(),
        s.trust.keep_versions,
        Duration::from_secs(s.trust.sync_seconds),
    );
    let trust = match &s.trust.cache_dir {
        Some(dir) => {
            let dir = s.path(dir);
            std::fs::create_dir_all(&dir).map_err(|e| {
                vec![p(format!(
                    "trust.cache_dir {}: cannot be created: {e}",
                    dir.display()
                ))]
            })?;
            trust.with_cache_dir(dir)
        }
        None => trust,
    };
    let store = Arc::new(SealedStore::new(kv, sealer));
    let provider =
        Provider::new(config, clients, keys, store.clone(), clock.clone()).with_events({
            let with_health: Arc<dyn crate::events::EventSink> =
                Arc::new(crate::events::FanOut(vec![
                    events,
                    Arc::new(health::HealthSink(country_health.clone())),
                ]));
            with_health
        });
    let info = MetadataInfo {
        organization: Organization {
            name: s.saml.organization.name.clone(),
            display_name: s.saml.organization.display_name.clone(),
            url: s.saml.organization.url.clone(),
        },
        contacts: s
            .saml
            .contacts
            .iter()
            .map(|c| Contact {
                kind: c.kind.clone(),
                company: c.company.clone(),
                email: c.email.clone(),
            })
            .collect(),
        validity: time::Duration::hours(
            i64::try_from(s.saml.metadata_validity_hours).unwrap_or(24),
        ),
    };
    let times = SamlTimes {
        skew: time::Duration::seconds(i64::try_from(s.saml.clock_skew_seconds).unwrap_or(60)),
        max_response_age: time::Duration::seconds(
            i64::try_from(max_response_age_seconds(s)).unwrap_or(900),
        ),
    };
    let login = LoginSettings {
        pending_ttl: Duration::from_secs(s.oidc.login_timeout_seconds),
        result_ttl: Duration::from_secs(120),
        localizer: web::i18n::Localizer::new(
            web::i18n::Locale::parse(&s.ui.default_locale).unwrap_or(web::i18n::Locale::EN),
        ),
        secure_cookies: s.public_url().starts_with("https://"),
        // Longer than any legitimate request: the ACS may wait `cpu_wait_seconds` for a slot.
        request_timeout: Duration::from_secs(s.server.cpu_wait_seconds + 20),
    };
    let mut web = WebState::new(
        Arc::new(provider),
        Arc::new(trust),
        store,
        clock,
        login,
        crate::cpu::CpuPool::per_core(Duration::from_secs(s.server.cpu_wait_seconds)),
        SamlPath::new(sp, info, times),
    );
    web.health = country_health.clone();
    let wallet = wallet_path(s)?;
    if let Some(w) = &wallet {
        // The PID-provider lists are fetched before the first request, as countries are; the
        // approvals of lists under review come from the durable store.
        w.providers.attach(records.clone());
        w.providers.refresh(web.clock.now(), true).await;
    }
    web.wallet = crate::keys::KeyRing::new(wallet.map(Arc::new));
    if !web::limits::is_off(&s.rate_limits) {
        web.limits = Some(Arc::new(
            web::limits::RateLimiter::new(&s.rate_limits).map_err(|e| vec![p(e)])?,
        ));
    }
    let web = Arc::new(web);
    let w = web.clone();
    let own_certs: metrics::OwnCerts = Arc::new(move || own_certificates(&w));
    let w = web.clone();
    let wallet_figures: metrics::WalletFigures = Arc::new(move || {
        let now = w.clock.now();
        w.wallet().map_or_else(Default::default, |p| {
            (
                p.providers.list_health(now),
                p.providers.anchor_expiries(now),
            )
        })
    });
    let metrics = Arc::new(metrics::Metrics::new(
        instruments,
        web.observer.clone(),
        web.trust.clone(),
        own_certs,
        wallet_figures,
    ));
    let key_schedule = Arc::new(rollover::KeySchedule::new(our, s.source.clone()));
    // What is in force now is what `build` put there; the schedule applies changes from here.
    let _ = key_schedule.apply(&web, now);
    Ok(AppState {
        keys: key_schedule,
        health: country_health,
        metrics,
        web,
        admin,
        records,
        drain: Duration::from_secs(s.server.drain_seconds),
        shutdown_timeout: Duration::from_secs(s.server.shutdown_timeout_seconds),
        expiry_warning_days: s.saml.expiry_warning_days,
    })
}

/// The audit trail's first event of a process: which build, and which of our keys are in force
/// (certificate fingerprints and ID-token key ids; public values only).
fn audit_start(state: &AppState) {
    let (signing, decryption) = state.web.saml.sp().key_fingerprints();
    let jwks = state.web.provider.keys.snapshot().jwks();
    let kids: Vec<String> = jwks
        .get("keys")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|k| k.get("kid").and_then(|v| v.as_str()).map(str::to_owned))
        .collect();
    tracing::info!(
        target: "audit",
        event = "node.started",
        version = env!("CARGO_PKG_VERSION"),
        saml_signing_sha256 = %signing,
        saml_encryption_sha256 = %decryption.join(","),
        oidc_kids = %kids.join(","),
        "node started"
    );
}

/// Binds `listen`, naming it in the error.
async fn bind(listen: &str, what: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::Error::msg(format!("cannot listen on {listen} ({what}): {e}")))
}

/// A public URL with port 0 means "the port we got" (tests start the binary on port 0).
fn fix_port_zero(s: &mut Settings, port: u16) {
    if let Ok(mut u) = url::Url::parse(&s.server.public_url) {
        if u.port() == Some(0) && u.set_port(Some(port)).is_ok() {
            s.server.public_url = u.as_str().trim_end_matches('/').to_owned();
        }
    }
}

fn problems_error(problems: Vec<Problem>) -> anyhow::Error {
    anyhow::Error::msg(format!(
        "the configuration has problems:\n{}",
        problems
            .iter()
            .map(|p| format!("  - {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

/// The binary's `serve`: binds the public listener (and the admin one when tokens are
/// configured), builds the state, and runs until SIGTERM/Ctrl-C.
pub async fn serve(mut s: Settings) -> anyhow::Result<()> {
    let public = bind(&s.server.listen, "server.listen").await?;
    let addr = public.local_addr()?;
    fix_port_zero(&mut s, addr.port());
    let state = build(&s, Arc::new(SystemClock))
        .await
        .map_err(problems_error)?;
    for w in warnings(&s, &state) {
        tracing::warn!(warning = %w, "configuration warning");
    }
    audit_start(&state);
    let admin = if state.admin.is_empty() {
        None
    } else {
        Some(bind(&s.admin.listen, "admin.listen").await?)
    };
    if let Some(tls) = &s.server.tls {
        let refresh = spawn_refresh(&state);
        let schedule = spawn_key_schedule(&state);
        let admin_task = admin.map(|l| {
            tokio::spawn(serve_admin(
                l,
                state.admin.clone(),
                (
                    state.web.trust.clone(),
                    state.metrics.clone(),
                    state.clone(),
                ),
                shutdown_signal(),
            ))
        });
        let result = serve_tls(
            &s,
            tls,
            public,
            state.web.clone(),
            (state.drain, state.shutdown_timeout),
        )
        .await;
        refresh.abort();
        for t in schedule {
            t.abort();
        }
        if let Some(t) = admin_task {
            t.abort();
        }
        return result;
    }
    // Tests and the demo read this line to learn the port.
    println!("listening on http://{addr}");
    if let Some(a) = admin.as_ref().and_then(|l| l.local_addr().ok()) {
        println!("admin listening on http://{a}");
    }
    tracing::info!(%addr, public_url = s.public_url(), "serving (plain HTTP behind a TLS proxy)");
    run(state, public, admin, shutdown_signal()).await
}

fn spawn_refresh(state: &AppState) -> tokio::task::JoinHandle<()> {
    let expiry_warning_days = state.expiry_warning_days;
    let health = tokio::spawn(state.health.clone().sync_loop(Duration::from_secs(2)));
    // Our certificates' expiry, in the log once a day (start-up logs it with the other warnings).
    let web = state.web.clone();
    let expiry = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(86_400)).await;
            for w in own_certificate_warnings(expiry_warning_days, &web) {
                tracing::warn!(warning = %w, "certificate expiry");
            }
        }
    });
    let web = state.web.clone();
    let departures = tokio::spawn(async move {
        loop {
            tokio::time::sleep(crate::web::departures::SWEEP_EVERY).await;
            web.departures.sweep(&*web.store, &*web.events).await;
        }
    });
    let web = state.web.clone();
    let wallet_lists = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            // The wallet way in as it is now (a reload replaces it); each list on its schedule,
            // and (a serving node) changes of lists under review staged.
            if let Some(w) = web.wallet() {
                w.providers.enable_staging();
                w.providers.refresh(web.clock.now(), false).await;
            }
        }
    });
    let trust = state.web.trust.clone();
    tokio::spawn(async move {
        // Both background loops end together (the handle is aborted at shutdown).
        struct AbortOnDrop(tokio::task::JoinHandle<()>);
        impl Drop for AbortOnDrop {
            fn drop(&mut self) {
                self.0.abort();
            }
        }
        let _health = AbortOnDrop(health);
        let _departures = AbortOnDrop(departures);
        let _expiry = AbortOnDrop(expiry);
        let _wallet_lists = AbortOnDrop(wallet_lists);
        trust.refresh_loop().await;
    })
}

async fn serve_admin(
    listener: tokio::net::TcpListener,
    tokens: AdminTokens,
    (trust, metrics, state): (Arc<TrustStore>, Arc<metrics::Metrics>, AppState),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        crate::admin::router(tokens, Arc::new(TrustOperations(trust, metrics, state))),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The trust store and the metrics as the admin API's [`crate::admin::Operations`].
struct TrustOperations(Arc<TrustStore>, Arc<metrics::Metrics>, AppState);

fn refusal(e: crate::trust::Error) -> crate::admin::Refusal {
    use crate::trust::workflow::Error as W;
    use axum::http::StatusCode;
    let status = match &e {
        crate::trust::Error::Refused(_) => StatusCode::BAD_REQUEST,
        crate::trust::Error::Versions(W::NotStaged(_) | W::Conflict) => StatusCode::CONFLICT,
        crate::trust::Error::Versions(W::UnknownVersion(_)) => StatusCode::NOT_FOUND,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    crate::admin::Refusal {
        status,
        message: e.to_string(),
    }
}

/// The trust status with the PID providers in force and their lists (`wallet`, when the
/// wallet is offered).
pub fn with_wallet(mut status: serde_json::Value, web: &WebState) -> serde_json::Value {
    if let (Some(w), Some(o)) = (web.wallet(), status.as_object_mut()) {
        o.insert("wallet".into(), w.providers.status_json(web.clock.now()));
    }
    status
}

#[async_trait::async_trait]
impl crate::admin::Operations for TrustOperations {
    fn status(&self) -> serde_json::Value {
        with_wallet(self.0.status_json(), &self.2.web)
    }

    fn metrics(&self) -> String {
        self.1.render()
    }

    async fn reload_keys(&self, by: String) -> Result<serde_json::Value, crate::admin::Refusal> {
        tracing::info!(target: "audit", event = "keys.reload", by = %by, "key reload requested");
        reload_keys(&self.2)
            .await
            .map_err(|e| crate::admin::Refusal {
                status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                message: e,
            })
    }

    async fn diff(
        &self,
        version: Option<String>,
    ) -> Result<serde_json::Value, crate::admin::Refusal> {
        self.0.diff_json(version.as_deref()).await.map_err(refusal)
    }

    async fn history(&self) -> Result<serde_json::Value, crate::admin::Refusal> {
        self.0.history_json().await.map_err(refusal)
    }

    async fn approve_wallet_list(
        &self,
        name: String,
        digest: String,
        by: String,
    ) -> Result<serde_json::Value, crate::admin::Refusal> {
        let refuse = |status, message| crate::admin::Refusal { status, message };
        let w = self.2.web.wallet().ok_or_else(|| {
            refuse(
                axum::http::StatusCode::NOT_FOUND,
                "the wallet is not configured".to_owned(),
            )
        })?;
        w.providers
            .approve(&name, &digest, &by, self.2.web.clock.now())
            .await
            .map_err(|m| refuse(axum::http::StatusCode::CONFLICT, m))
    }

    async fn refresh(&self) -> serde_json::Value {
        let problems = self.0.refresh().await.len();
        if let Some(w) = self.2.web.wallet() {
            w.providers.refresh(self.2.web.clock.now(), true).await;
        }
        tracing::info!(problems, "trust refresh requested by an operator");
        with_wallet(self.0.status_json(), &self.2.web)
    }

    async fn decide(
        &self,
        decision: crate::admin::Decision,
        version: String,
        by: String,
    ) -> Result<serde_json::Value, crate::admin::Refusal> {
        use crate::trust::Decision as D;
        let d = match decision {
            crate::admin::Decision::Approve => D::Approve,
            crate::admin::Decision::Reject => D::Reject,
            crate::admin::Decision::Rollback => D::Rollback,
        };
        let id = self.0.decide(d, &version, &by).await.map_err(refusal)?;
        Ok(serde_json::json!({ "version": id, "by": by, "status": self.0.status_json() }))
    }
}

/// Serves the public router on `public` and the admin router on `admin` (plain HTTP) with the
/// trust refresh running, until `shutdown` resolves; then both drain gracefully.
pub async fn run(
    state: AppState,
    public: tokio::net::TcpListener,
    admin: Option<tokio::net::TcpListener>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (web, drain) = (state.web.clone(), state.drain);
    tokio::spawn(async move {
        drain_after(shutdown, web, drain).await;
        let _ = stop.send(true);
    });
    let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let refresh = spawn_refresh(&state);
    let schedule = spawn_key_schedule(&state);
    let admin_task = admin.map(|l| {
        tokio::spawn(serve_admin(
            l,
            state.admin.clone(),
            (
                state.web.trust.clone(),
                state.metrics.clone(),
                state.clone(),
            ),
            wait(stopped.clone()),
        ))
    });
    let serve = std::future::IntoFuture::into_future(
        axum::serve(
            public,
            web::router(state.web.clone())
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(wait(stopped.clone())),
    );
    // Requests in flight get `shutdown_timeout` after the listener closed, not for ever.
    let timeout = state.shutdown_timeout;
    let bound = async move {
        wait(stopped).await;
        tokio::time::sleep(timeout).await;
    };
    let result = tokio::select! {
        r = serve => r.map_err(anyhow::Error::from),
        () = bound => {
            tracing::warn!(shutdown_timeout_seconds = timeout.as_secs(), "requests still in flight at the shutdown timeout; exiting");
            Ok(())
        }
    };
    refresh.abort();
    for t in schedule {
        t.abort();
    }
    if let Some(t) = admin_task {
        let _ = t.await;
    }
    result
}

/// Puts each key change in force when it is due (and at once after a reload), and reloads the
/// keys on SIGHUP when the node was started from a config file.
fn spawn_key_schedule(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let (keys, web) = (state.keys.clone(), state.web.clone());
    let mut tasks = vec![tokio::spawn(async move {
        loop {
            let now = web.clock.now();
            if let Err(e) = keys.apply(&web, now) {
                tracing::error!(error = %e, "keys: the schedule leaves no usable key now; the keys in force stay");
            }
            // At the next change, at the latest in an hour (a clock set back or forward).
            let wait = keys
                .keys()
                .next_change(now)
                .map_or(time::Duration::HOUR, |t| t - now)
                .clamp(time::Duration::ZERO, time::Duration::HOUR);
            let wait =
                Duration::from_millis(u64::try_from(wait.whole_milliseconds()).unwrap_or(0) + 5);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = keys.reloaded.notified() => {}
            }
        }
    })];
    #[cfg(unix)]
    if state.keys.config_path.is_some() {
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            let Ok(mut hup) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            else {
                return;
            };
            while hup.recv().await.is_some() {
                tracing::info!(target: "audit", event = "keys.reload", by = "SIGHUP", "key reload requested");
                if let Err(e) = reload_keys(&state).await {
                    tracing::error!(error = %e, "keys: reload refused; the keys in force stay");
                }
            }
        }));
    }
    tasks
}

/// Reads the config file again and puts its keys in force (logins in flight continue: their
/// state is in the store, and answers still decrypt with any key not gone). The public URL
/// (our entityID) is kept: changing it needs a restart. Warnings (a decryption key removed too
/// early, an unsafe schedule) are logged and returned.
pub async fn reload_keys(state: &AppState) -> Result<serde_json::Value, String> {
    let Some(path) = state.keys.config_path.clone() else {
        return Err("this node was not started from a config file".into());
    };
    // Opening token keys blocks: off the async workers.
    let loaded = tokio::task::spawn_blocking(move || {
        let s =
            crate::config::Settings::load(&path, std::env::vars()).map_err(|e| e.to_string())?;
        let join = |problems: Vec<Problem>| {
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        // The wallet's access key and PID-provider anchors come along (issue 15: rotated by
        // operators without downtime).
        let wallet = wallet_path(&s).map_err(join)?;
        our_keys(&s).map_err(join).map(|k| (k, wallet))
    })
    .await
    .map_err(|e| e.to_string())??;
    let (mut new, wallet) = loaded;
    let now = state.web.clock.now();
    if let Some(w) = &wallet {
        // The lists this node verified carry over; then every list is fetched again.
        w.providers.attach(state.records.clone());
        if let Some(old) = state.web.wallet() {
            w.providers.adopt(&old.providers, now);
        }
        w.providers.refresh(now, true).await;
    }
    let providers = wallet
        .as_ref()
        .map_or(0, |w| w.providers.snapshot(now).all.len());
    state.web.wallet.replace(wallet.map(Arc::new));
    let old = state.keys.keys();
    new.saml.entity_id.clone_from(&old.saml.entity_id);
    new.saml.acs_url.clone_from(&old.saml.acs_url);
    let now = state.web.clock.now();
    let warnings = state.keys.replace(&state.web, new, now)?;
    for w in &warnings {
        tracing::warn!(warning = %w, "keys: reloaded with a warning");
    }
    tracing::info!(phases = %state.keys.keys().phases(now), "keys: reloaded");
    Ok(serde_json::json!({
        "reloaded": true,
        "wallet_providers": providers,
        "warnings": warnings,
        "keys": state.keys.keys().timeline(now),
    }))
}

/// A gateway running in this process on loopback port 0 (tests): the real routers and state,
/// no binary. Shuts down when dropped.
pub struct Gateway {
    /// `http://127.0.0.1:PORT`, also its public URL (issuer).
    pub url: String,
    /// The admin API, when `admin.token_paths` are configured.
    pub admin_url: Option<String>,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Gateway {
    /// Stops serving and waits until both listeners have drained.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(t) => t.await.map_err(anyhow::Error::from)?,
            None => Ok(()),
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Builds the gateway from `s` with `clock` and serves it on 127.0.0.1 port 0 (the public URL's
/// port 0 becomes that port; `server.listen` and `admin.listen` are ignored).
pub async fn spawn_gateway(s: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Gateway> {
    spawn_gateway_with(s, clock, Arc::new(crate::events::LogSink)).await
}

/// As [`spawn_gateway`], with login events going to `events`.
pub async fn spawn_gateway_with(
    mut s: Settings,
    clock: Arc<dyn Clock>,
    events: Arc<dyn crate::events::EventSink>,
) -> anyhow::Result<Gateway> {
    let public = bind("127.0.0.1:0", "in-process gateway").await?;
    let addr = public.local_addr()?;
    fix_port_zero(&mut s, addr.port());
    let state = build_with(&s, clock, events)
        .await
        .map_err(problems_error)?;
    let admin = if state.admin.is_empty() {
        None
    } else {
        Some(bind("127.0.0.1:0", "in-process admin").await?)
    };
    let admin_url = admin
        .as_ref()
        .and_then(|l| l.local_addr().ok())
        .map(|a| format!("http://{a}"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = {
        let state = state.clone();
        tokio::spawn(async move {
            run(state, public, admin, async {
                let _ = stopped.await;
            })
            .await
        })
    };
    Ok(Gateway {
        url: format!("http://{addr}"),
        admin_url,
        state,
        stop: Some(stop),
        task: Some(task),
    })
}

async fn serve_tls(
    s: &Settings,
    tls: &settings::TlsSettings,
    listener: tokio::net::TcpListener,
    web: Arc<WebState>,
    (drain, shutdown_timeout): (Duration, Duration),
) -> anyhow::Result<()> {
    let router = web::router(web.clone());
    use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslVersion};
    let err = |e: openssl::error::ErrorStack| anyhow::Error::msg(format!("server.tls: {e}"));
    // eidas-requirements §3: TLS 1.2 and 1.3 only, Mozilla "intermediate" cipher suites.
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).map_err(err)?;
    b.set_min_proto_version(Some(SslVersion::TLS1_2))
        .map_err(err)?;
    b.set_private_key_file(s.path(&tls.key_path), SslFiletype::PEM)
        .map_err(err)?;
    b.set_certificate_chain_file(s.path(&tls.cert_path))
        .map_err(err)?;
    b.check_private_key().map_err(err)?;
    b.set_alpn_select_callback(|_, client| {
        openssl::ssl::select_next_proto(b"\x02h2\x08http/1.1", client)
            .ok_or(openssl::ssl::AlpnError::NOACK)
    });
    let config = axum_server::tls_openssl::OpenSSLConfig::from_acceptor(Arc::new(b.build()));
    let std_listener = listener
        .into_std()
        .map_err(|e| anyhow::Error::msg(e.to_string()))?;
    let addr = std_listener
        .local_addr()
        .map_err(|e| anyhow::Error::msg(e.to_string()))?;
    println!("listening on https://{addr}");
    tracing::info!(%addr, "serving with built-in TLS");
    let handle = axum_server::Handle::new();
    let h = handle.clone();
    tokio::spawn(async move {
        drain_after(shutdown_signal(), web, drain).await;
        h.graceful_shutdown(Some(shutdown_timeout));
    });
    axum_server::from_tcp(std_listener)
        .acceptor(axum_server::tls_openssl::OpenSSLAcceptor::new(config))
        .handle(handle)
        .serve(router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
        .map_err(|e| anyhow::Error::msg(e.to_string()))
}

/// Resolves on Ctrl-C or SIGTERM (also used by the testbed's binaries).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The demo's configuration and the example keys load, with every derived URL in place.
    #[tokio::test]
    async fn the_demo_configuration_builds() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/demo/gateway.toml");
        let s = Settings::load(&path, std::iter::empty()).unwrap();
        let state = build(&s, Arc::new(SystemClock)).await.unwrap();
        assert_eq!(
            state.web.saml.sp().entity_id,
            "http://127.0.0.1:8080/saml/metadata"
        );
        assert_eq!(
            state.web.saml.sp().acs_url,
            "http://127.0.0.1:8080/saml/acs"
        );
        assert_eq!(state.web.saml.sp().decryption.len(), 2);
        assert!(state.web.provider.clients.get("demo-eservice").is_some());
        // The demo trusts through the simulator's service list, scoped to its two countries,
        // under review; the countries join at the first refresh.
        let lists = state.web.trust.list_status();
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].source.territories.len(), 2);
        assert_eq!(
            lists[0].source.activation,
            crate::trust::workflow::Policy::Review
        );
        assert!(!state.admin.is_empty(), "the demo shows the admin API");
        assert!(!state.web.login.secure_cookies);
    }

    /// Every mistake in `[[wallet.lists]]` is named, all at once.
    #[test]
    fn wallet_list_problems_are_named() {
        use crate::wallet::settings::ListSettings;
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/demo/gateway.toml");
        let mut s = Settings::load(&path, std::iter::empty()).unwrap();
        let list = |name: &str, location: &str, signer: bool, refresh: u64| ListSettings {
            name: name.into(),
            location: location.into(),
            signer_cert_paths: if signer {
                vec!["../../keys-example/sim/pid-list-operator.crt".into()]
            } else {
                Vec::new()
            },
            anchor_cert_paths: Vec::new(),
            territories: Vec::new(),
            refresh_seconds: refresh,
            activation: crate::wallet::settings::Activation::Auto,
        };
        let w = s.wallet.as_mut().unwrap();
        w.providers.clear();
        w.lists = vec![
            list("a", "https://user:secret@lists.example/pid.jwt", true, 60),
            list("a", "http://lists.example/pid.jwt", false, 0),
            list("b", "https://lists.example/pid.jwt", true, 30 * 86_400),
        ];
        let problems: Vec<String> = wallet_path(&s)
            .err()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        let all = problems.join("\n");
        for expected in [
            "wallet.lists[0].location: no user name or password in the URL",
            "wallet.lists[1].name: empty or used twice",
            "wallet.lists[1].location: metadata URL must be https://",
            "wallet.lists[1]: give exactly one of signer_cert_paths and anchor_cert_paths",
            "wallet.lists[1].refresh_seconds: from 1 to 604800",
            "wallet.lists[2].refresh_seconds: from 1 to 604800",
            "wallet.lists[0].territories: name the countries this list may vouch for",
        ] {
            assert!(all.contains(expected), "{expected} not in:\n{all}");
        }
    }

    #[test]
    fn a_value_a_section_type_refuses_names_its_key() {
        let text = r#"
[server]
public_url = "https://gw.example"
[saml]
country = "SWE"
signing = { key_path = "k", cert_path = "c" }
encryption = []
[oidc]
pairwise_key = "00"
signing_keys = []
"#;
        let err = Settings::from_toml(
            text,
            std::path::Path::new("t"),
            std::path::Path::new("/"),
            std::iter::empty(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.contains("saml.country: a country code is two upper-case letters"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn build_reports_every_problem_at_once() {
        let text = r#"
[server]
public_url = "http://gw.example"
[saml]
country = "SE"
signing = { key_path = "/nonexistent/k", cert_path = "/nonexistent/c" }
encryption = []
[oidc]
pairwise_key = "00"
signing_keys = [{ kid = "a", alg = "HS256", key_path = "/nonexistent/o" }]
[store]
redis_url = "redis://127.0.0.1:1/"
[trust]
refresh_seconds = 0
[ui]
default_locale = "xx"
[admin]
token_paths = ["/nonexistent/token"]
"#;
        let s = Settings::from_toml(
            text,
            std::path::Path::new("t"),
            std::path::Path::new("/"),
            std::iter::empty(),
        )
        .unwrap();
        let problems: Vec<String> = build(&s, Arc::new(SystemClock))
            .await
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        let all = problems.join("\n");
        for expected in [
            "saml.signing",
            "at least one decryption key",
            "oidc.signing_keys[0].alg",
            "store.encryption_key is required with Redis",
            "Redis is not reachable",
            "trust.refresh_seconds = 0 is outside 10..=604800",
            "server.public_url must be an https:// URL",
            "ui.default_locale = \"xx\" has no texts",
            "admin.token_paths: cannot read /nonexistent/token",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
        }
    }
}
