//! Our keys over time (issue 13, rollover on a schedule): every configured key with its
//! [`Schedule`], the SP and the ID-token key set they make at any instant, the instants at which
//! that changes, the timeline `keys status` prints, the unsafe schedules it warns about, and the
//! running node's [`KeySchedule`], which puts the keys of the moment in force at each change and
//! on a reload (SIGHUP or the admin API), without a restart.
//!
//! The rules (README, Keys):
//! - SAML signing: next keys are published in our metadata at once; of the current keys, the one
//!   activated last signs, the others are published until they retire; a retired key is gone
//!   after the clock skew.
//! - SAML decryption: next and current keys are published and tried; a retiring key left the
//!   metadata and is still tried for our metadata's validity plus the skew (a peer may hold
//!   metadata naming it that long), then it is gone.
//! - ID tokens: next keys are in the JWKS; per algorithm the current key activated last signs;
//!   a retiring key stays in the JWKS until every ID token it signed has expired.

use std::sync::{Arc, Mutex};

use time::{Duration, OffsetDateTime};

use crate::keys::schedule::{format_time, Phase, Schedule};
use crate::keys::KeyState;
use crate::oidc::{KeySet, SigningKey as JwtKey};
use crate::saml::keys::{KeyPair, SigningKey};
use crate::saml::sp::ServiceProvider;

/// A key (or key pair) with its schedule and the setting it came from (`saml.encryption[1]`).
#[derive(Clone)]
pub struct Timed<T> {
    pub item: T,
    pub schedule: Schedule,
    pub setting: String,
}

/// How long a retired key of each use stays (published or tried) before it is gone.
#[derive(Clone, Copy, Debug)]
pub struct Lingers {
    pub saml_signing: Duration,
    pub decryption: Duration,
    pub id_token: Duration,
}

/// How long before its activation a key must be published for every peer to have seen it:
/// our metadata's validity plus the skew (SAML), the JWKS cache time plus the skew (OIDC).
#[derive(Clone, Copy, Debug)]
pub struct Leads {
    pub saml: Duration,
    pub jwks: Duration,
}

/// The `max-age` of `/jwks` (`web::oidc`), which relying parties may cache it for.
pub const JWKS_MAX_AGE: Duration = Duration::seconds(300);

/// Our SAML identity and every configured SAML key.
#[derive(Clone)]
pub struct SamlKeys {
    pub entity_id: String,
    pub acs_url: String,
    pub country: String,
    pub signing: Vec<Timed<KeyPair>>,
    /// `saml.extra_signing_cert_paths`: published, never used.
    pub extra_signing_certs: Vec<openssl::x509::X509>,
    pub decryption: Vec<Timed<KeyPair>>,
}

/// Every configured ID-token key.
#[derive(Clone)]
pub struct OidcKeys {
    pub keys: Vec<Timed<JwtKey>>,
}

/// All our keys, with the times that govern them.
#[derive(Clone)]
pub struct OurKeys {
    pub saml: SamlKeys,
    pub oidc: OidcKeys,
    pub lingers: Lingers,
    pub leads: Leads,
}

impl SamlKeys {
    /// Our SP at `now`, or what is missing then.
    pub fn at(&self, now: OffsetDateTime, l: &Lingers) -> Result<ServiceProvider, String> {
        let phase = |t: &Timed<KeyPair>, linger| t.schedule.phase(now, linger);
        let active = self
            .signing
            .iter()
            .filter(|t| phase(t, l.saml_signing) == Phase::Current)
            .max_by_key(|t| t.schedule.activation_rank())
            .ok_or_else(|| format!("no current SAML signing key at {}", format_time(now)))?;
        let signing =
            SigningKey::new(active.item.clone()).map_err(|e| format!("{}: {e}", active.setting))?;
        let mut extra: Vec<openssl::x509::X509> = self
            .signing
            .iter()
            .filter(|t| !std::ptr::eq(*t, active) && phase(t, l.saml_signing) != Phase::Gone)
            .map(|t| t.item.cert.clone())
            .collect();
        extra.extend(self.extra_signing_certs.iter().cloned());
        let (mut published, mut retired) = (Vec::new(), Vec::new());
        for t in &self.decryption {
            match phase(t, l.decryption) {
                Phase::Next | Phase::Current => published.push(t.item.clone()),
                Phase::Retiring => retired.push(t.item.clone()),
                Phase::Gone => {}
            }
        }
        if published.is_empty() {
            return Err(format!(
                "no published SAML decryption key at {}",
                format_time(now)
            ));
        }
        Ok(ServiceProvider {
            entity_id: self.entity_id.clone(),
            acs_url: self.acs_url.clone(),
            country: self.country.clone(),
            signing,
            extra_signing_certs: extra,
            decryption: published,
            retired_decryption: retired,
        })
    }
}

impl OidcKeys {
    /// The ID-token keys at `now`: per algorithm the current key activated last is `current`,
    /// other current ones `retiring`; gone keys are left out.
    pub fn at(&self, now: OffsetDateTime, l: &Lingers) -> Result<KeySet, String> {
        let mut keys: Vec<(JwtKey, OffsetDateTime)> = Vec::new();
        for t in &self.keys {
            let state = match t.schedule.phase(now, l.id_token) {
                Phase::Gone => continue,
                Phase::Next => KeyState::Next,
                Phase::Current => KeyState::Current,
                Phase::Retiring => KeyState::Retiring,
            };
            let mut k = t.item.clone();
            k.status = state;
            keys.push((k, t.schedule.activation_rank()));
        }
        // One current key per algorithm: the one activated last.
        let winners: Vec<usize> = keys
            .iter()
            .enumerate()
            .filter(|(_, (k, _))| k.status == KeyState::Current)
            .filter(|(i, (k, rank))| {
                !keys.iter().enumerate().any(|(j, (o, r))| {
                    j != *i
                        && o.status == KeyState::Current
                        && o.alg == k.alg
                        && (r > rank || (r == rank && j < *i))
                })
            })
            .map(|(i, _)| i)
            .collect();
        let keys = keys
            .into_iter()
            .enumerate()
            .map(|(i, (mut k, _))| {
                if k.status == KeyState::Current && !winners.contains(&i) {
                    k.status = KeyState::Retiring;
                }
                k
            })
            .collect();
        KeySet::new(keys).map_err(|e| format!("{e} at {}", format_time(now)))
    }
}

/// One row of `keys status`: a key and its timeline.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimelineRow {
    #[serde(rename = "use")]
    pub usage: &'static str,
    pub setting: String,
    pub id: String,
    pub algorithm: String,
    pub state: &'static str,
    /// When it is (or was) published: `now` for a configured key that is not gone.
    pub published: String,
    /// When it starts to sign (signing keys) or to be published (decryption keys).
    pub active_from: Option<String>,
    pub retire_at: Option<String>,
    pub gone_at: Option<String>,
    pub expires: Option<String>,
}

fn opt(t: Option<OffsetDateTime>) -> Option<String> {
    t.map(format_time)
}

impl OurKeys {
    fn all_changes(&self) -> Vec<OffsetDateTime> {
        let l = &self.lingers;
        let mut v: Vec<OffsetDateTime> = self
            .saml
            .signing
            .iter()
            .flat_map(|t| t.schedule.changes(l.saml_signing).collect::<Vec<_>>())
            .chain(
                self.saml
                    .decryption
                    .iter()
                    .flat_map(|t| t.schedule.changes(l.decryption).collect::<Vec<_>>()),
            )
            .chain(
                self.oidc
                    .keys
                    .iter()
                    .flat_map(|t| t.schedule.changes(l.id_token).collect::<Vec<_>>()),
            )
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The first instant after `now` at which any key changes phase.
    pub fn next_change(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        self.all_changes().into_iter().find(|t| *t > now)
    }

    /// Every key's phase at `now`, as one line (what changed is what to log).
    pub fn phases(&self, now: OffsetDateTime) -> String {
        let l = &self.lingers;
        let mut parts = Vec::new();
        for t in &self.saml.signing {
            parts.push(format!(
                "{}={}",
                t.setting,
                t.schedule.phase(now, l.saml_signing).as_str()
            ));
        }
        for t in &self.saml.decryption {
            parts.push(format!(
                "{}={}",
                t.setting,
                t.schedule.phase(now, l.decryption).as_str()
            ));
        }
        for t in &self.oidc.keys {
            parts.push(format!(
                "{}={}",
                t.setting,
                t.schedule.phase(now, l.id_token).as_str()
            ));
        }
        parts.join(" ")
    }

    /// The timeline of every key, for `keys status`.
    pub fn timeline(&self, now: OffsetDateTime) -> Vec<TimelineRow> {
        let l = &self.lingers;
        let mut rows = Vec::new();
        let cert_row = |usage: &'static str, t: &Timed<KeyPair>, linger: Duration| {
            let phase = t.schedule.phase(now, linger);
            TimelineRow {
                usage,
                setting: t.setting.clone(),
                id: format!("sha256:{}", crate::keys::cert_fingerprint(&t.item.cert)),
                algorithm: describe(t.item.key.public_key()),
                state: phase.as_str(),
                published: published(phase, usage == "saml_encryption"),
                active_from: opt(t.schedule.activate_at),
                retire_at: opt(t.schedule.retire_at),
                gone_at: opt(t.schedule.gone_at(linger)),
                expires: opt(crate::keys::cert_not_after(&t.item.cert)),
            }
        };
        for t in &self.saml.signing {
            rows.push(cert_row("saml_signing", t, l.saml_signing));
        }
        for c in &self.saml.extra_signing_certs {
            rows.push(TimelineRow {
                usage: "saml_signing",
                setting: "saml.extra_signing_cert_paths".into(),
                id: format!("sha256:{}", crate::keys::cert_fingerprint(c)),
                algorithm: c.public_key().map_or_else(|_| "?".into(), |k| describe(&k)),
                state: "next",
                published: "now".into(),
                active_from: None,
                retire_at: None,
                gone_at: None,
                expires: opt(crate::keys::cert_not_after(c)),
            });
        }
        for t in &self.saml.decryption {
            rows.push(cert_row("saml_encryption", t, l.decryption));
        }
        for t in &self.oidc.keys {
            let phase = t.schedule.phase(now, l.id_token);
            rows.push(TimelineRow {
                usage: "id_token",
                setting: t.setting.clone(),
                id: format!("kid:{}", t.item.kid),
                algorithm: t.item.alg.as_str().into(),
                state: phase.as_str(),
                published: published(phase, false),
                active_from: opt(t.schedule.activate_at),
                retire_at: opt(t.schedule.retire_at),
                gone_at: opt(t.schedule.gone_at(l.id_token)),
                expires: None,
            });
        }
        rows
    }

    /// Schedules that would hurt, one line each: a key activated before peers can have seen it,
    /// an instant without a signing or decryption key, a certificate expiring before its
    /// successor is active.
    pub fn warnings(&self, now: OffsetDateTime) -> Vec<String> {
        let (l, lead) = (&self.lingers, &self.leads);
        let mut out = Vec::new();
        for t in &self.saml.signing {
            if let (Phase::Next, Some(a)) = (
                t.schedule.phase(now, l.saml_signing),
                t.schedule.activate_at,
            ) {
                if a < now + lead.saml {
                    out.push(format!(
                        "{} activates at {}, before every peer can have our metadata with it \
                         (metadata validity plus skew: not before {}); see `keys plan`",
                        t.setting,
                        format_time(a),
                        format_time(now + lead.saml)
                    ));
                }
            }
        }
        for t in &self.oidc.keys {
            if let (Phase::Next, Some(a)) =
                (t.schedule.phase(now, l.id_token), t.schedule.activate_at)
            {
                if a < now + lead.jwks {
                    out.push(format!(
                        "{} activates at {}, before relying parties can have our JWKS with it \
                         (JWKS cache time plus skew: not before {})",
                        t.setting,
                        format_time(a),
                        format_time(now + lead.jwks)
                    ));
                }
            }
        }
        // Every future instant at which something changes: is everything still there?
        let mut instants = vec![now];
        instants.extend(self.all_changes().into_iter().filter(|t| *t > now));
        for at in &instants {
            if let Err(e) = self.saml.at(*at, l) {
                out.push(format!("{e}: schedule a successor before then"));
            }
            if let Err(e) = self.oidc.at(*at, l) {
                out.push(format!(
                    "ID token keys: {e}: schedule a successor before then"
                ));
            }
        }
        // A signing certificate that expires while it is still the one that signs.
        for t in &self.saml.signing {
            let Some(expires) = crate::keys::cert_not_after(&t.item.cert) else {
                continue;
            };
            let signs_at_expiry = self
                .saml
                .signing
                .iter()
                .filter(|o| o.schedule.phase(expires, l.saml_signing) == Phase::Current)
                .max_by_key(|o| o.schedule.activation_rank())
                .is_some_and(|o| std::ptr::eq(o, t));
            let successor = self
                .saml
                .signing
                .iter()
                .filter(|o| !std::ptr::eq(*o, t))
                .filter_map(|o| o.schedule.activate_at)
                .filter(|a| *a > expires)
                .min();
            if signs_at_expiry {
                if let Some(a) = successor {
                    out.push(format!(
                        "{}: its certificate expires at {}, before its successor activates at {}",
                        t.setting,
                        format_time(expires),
                        format_time(a)
                    ));
                }
            }
        }
        out.dedup();
        out
    }
}

/// Decryption keys of `old` missing from `new` although peers may still encrypt to them (not
/// gone at `now`), one warning each.
pub fn removed_too_early(old: &OurKeys, new: &OurKeys, now: OffsetDateTime) -> Vec<String> {
    let mut warnings = Vec::new();
    for t in &old.saml.decryption {
        let phase = t.schedule.phase(now, old.lingers.decryption);
        let fingerprint = crate::keys::cert_fingerprint(&t.item.cert);
        let kept = new
            .saml
            .decryption
            .iter()
            .any(|n| crate::keys::cert_fingerprint(&n.item.cert) == fingerprint);
        if phase != Phase::Gone && !kept {
            warnings.push(format!(
                "decryption key {} (SHA-256 {}…) was removed while peers may still encrypt to it \
                 (it was {}{}); answers encrypted to it will fail. Give it retire_at instead and \
                 remove it once it is gone",
                t.setting,
                fingerprint.get(..16).unwrap_or(""),
                phase.as_str(),
                t.schedule
                    .gone_at(old.lingers.decryption)
                    .map(|g| format!(", gone at {}", format_time(g)))
                    .unwrap_or_default()
            ));
        }
    }
    warnings
}

fn published(phase: Phase, decryption: bool) -> String {
    match phase {
        Phase::Gone => "no (gone)".into(),
        Phase::Retiring if decryption => "no (tried only)".into(),
        _ => "now".into(),
    }
}

/// `EC P-256`, `RSA 3072`, … for a public key.
pub fn describe(k: &openssl::pkey::PKeyRef<openssl::pkey::Public>) -> String {
    use openssl::nid::Nid;
    match k.id() {
        openssl::pkey::Id::EC => match k.ec_key().ok().and_then(|e| e.group().curve_name()) {
            Some(Nid::X9_62_PRIME256V1) => "EC P-256".into(),
            Some(Nid::SECP384R1) => "EC P-384".into(),
            Some(Nid::SECP521R1) => "EC P-521".into(),
            _ => "EC".into(),
        },
        openssl::pkey::Id::RSA => format!("RSA {}", k.bits()),
        other => format!("{other:?}"),
    }
}

/// The keys of a running node: what is configured (replaced on a reload) and what was last put
/// in force, so that only a change is applied and logged.
pub struct KeySchedule {
    keys: Mutex<Arc<OurKeys>>,
    applied: Mutex<String>,
    /// The config file, for reloads (`None`: built in process, no file).
    pub config_path: Option<std::path::PathBuf>,
    /// Wakes the timer after a reload (its next change may be earlier).
    pub reloaded: tokio::sync::Notify,
}

impl std::fmt::Debug for KeySchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySchedule")
    }
}

impl KeySchedule {
    pub fn new(keys: OurKeys, config_path: Option<std::path::PathBuf>) -> Self {
        KeySchedule {
            keys: Mutex::new(Arc::new(keys)),
            applied: Mutex::new(String::new()),
            config_path,
            reloaded: tokio::sync::Notify::new(),
        }
    }

    pub fn keys(&self) -> Arc<OurKeys> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Puts the keys of `now` in force on `web` if they differ from what is; returns whether
    /// they did. An impossible instant (no signing key) keeps what is in force and says why.
    pub fn apply(&self, web: &crate::web::WebState, now: OffsetDateTime) -> Result<bool, String> {
        let keys = self.keys();
        let phases = keys.phases(now);
        let mut applied = self.applied.lock().unwrap_or_else(|p| p.into_inner());
        if *applied == phases {
            return Ok(false);
        }
        let sp = keys.saml.at(now, &keys.lingers)?;
        let keyset = keys.oidc.at(now, &keys.lingers)?;
        let first = applied.is_empty();
        web.saml.replace_sp(sp);
        web.provider.keys.replace(keyset);
        if !first {
            tracing::info!(target: "audit", event = "keys.rolled", phases = %phases, "our keys changed phase");
        }
        *applied = phases;
        Ok(true)
    }

    /// Replaces the configured keys with `new` (a reload) and applies them at `now`. Returns
    /// warnings: decryption keys removed while peers may still encrypt to them, unsafe
    /// schedules.
    pub fn replace(
        &self,
        web: &crate::web::WebState,
        new: OurKeys,
        now: OffsetDateTime,
    ) -> Result<Vec<String>, String> {
        let mut warnings = removed_too_early(&self.keys(), &new, now);
        // Check the new keys make a whole node now before putting them in force.
        new.saml.at(now, &new.lingers)?;
        new.oidc.at(now, &new.lingers)?;
        warnings.extend(new.warnings(now));
        *self.keys.lock().unwrap_or_else(|p| p.into_inner()) = Arc::new(new);
        // Applied even if every phase reads the same: the keys themselves may differ.
        *self.applied.lock().unwrap_or_else(|p| p.into_inner()) = "reloaded".into();
        self.apply(web, now)?;
        self.reloaded.notify_one();
        Ok(warnings)
    }
}

#[cfg(test)]
mod tests;
