//! When a key of ours is published, used and dropped (issue 13, rollover on a schedule).
//!
//! A key has a configured state (`next`, `current`, `retiring`; default `current`) and may carry
//! `activate_at` and `retire_at`. Its phase at an instant follows from them:
//!
//! - before `activate_at`: **next** (published so peers can fetch it; not used to sign);
//! - from `activate_at` (or always, without one): **current**;
//! - from `retire_at`: **retiring** (no longer used to sign; published or tried for as long as
//!   answers to what it signed or encrypted-to may arrive);
//! - from `retire_at + linger`: **gone** (as if not configured).
//!
//! `linger` depends on the use and is the caller's: for ID-token keys the ID token lifetime, for
//! decryption keys our metadata's validity plus the skew, for SAML signing keys the skew. A
//! configured `state = "next"` without `activate_at` stays next, and `state = "retiring"` stays
//! retiring, until the operator changes the configuration (manual rollover).

use time::{Duration, OffsetDateTime};

use super::KeyState;

/// A key's place in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Next,
    Current,
    Retiring,
    Gone,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Next => "next",
            Phase::Current => "current",
            Phase::Retiring => "retiring",
            Phase::Gone => "gone",
        }
    }
}

/// The configured state and times of one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub state: KeyState,
    pub activate_at: Option<OffsetDateTime>,
    pub retire_at: Option<OffsetDateTime>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            state: KeyState::Current,
            activate_at: None,
            retire_at: None,
        }
    }
}

/// Parses RFC 3339 (`2027-03-01T08:00:00Z`).
pub fn parse_time(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{s:?} is not an RFC 3339 time such as 2027-03-01T08:00:00Z: {e}"))
}

/// RFC 3339, for messages and tables.
pub fn format_time(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

impl Schedule {
    /// From the configured `state` (`next`, `current`, `retiring`; absent: `current`) and times.
    pub fn from_settings(
        state: Option<&str>,
        activate_at: Option<&str>,
        retire_at: Option<&str>,
    ) -> Result<Schedule, String> {
        let state = match state.unwrap_or("current") {
            "current" => KeyState::Current,
            "next" => KeyState::Next,
            "retiring" => KeyState::Retiring,
            other => return Err(format!("{other} is not next, current or retiring")),
        };
        let activate_at = activate_at.map(parse_time).transpose()?;
        let retire_at = retire_at.map(parse_time).transpose()?;
        if state == KeyState::Retiring && activate_at.is_some() {
            return Err("a retiring key has no activate_at".into());
        }
        if let (Some(a), Some(r)) = (activate_at, retire_at) {
            if r <= a {
                return Err(format!(
                    "retire_at {} is not after activate_at {}",
                    format_time(r),
                    format_time(a)
                ));
            }
        }
        Ok(Schedule {
            state,
            activate_at,
            retire_at,
        })
    }

    /// The phase at `now`, with `linger` from retirement to gone.
    pub fn phase(&self, now: OffsetDateTime, linger: Duration) -> Phase {
        if let Some(r) = self.retire_at {
            if now >= r + linger {
                return Phase::Gone;
            }
            if now >= r {
                return Phase::Retiring;
            }
        }
        match (self.state, self.activate_at) {
            (KeyState::Retiring, _) => Phase::Retiring,
            (_, Some(a)) if now < a => Phase::Next,
            (KeyState::Next, None) => Phase::Next,
            _ => Phase::Current,
        }
    }

    /// When it is gone (`retire_at + linger`), if scheduled.
    pub fn gone_at(&self, linger: Duration) -> Option<OffsetDateTime> {
        self.retire_at.map(|r| r + linger)
    }

    /// Every instant at which its phase changes.
    pub fn changes(&self, linger: Duration) -> impl Iterator<Item = OffsetDateTime> {
        [self.activate_at, self.retire_at, self.gone_at(linger)]
            .into_iter()
            .flatten()
    }

    /// The order in which current keys of one use supersede each other: the latest activation
    /// wins; a key without `activate_at` counts as activated at the beginning of time.
    pub fn activation_rank(&self) -> OffsetDateTime {
        self.activate_at.unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(s: &str) -> OffsetDateTime {
        parse_time(s).unwrap()
    }

    #[test]
    fn phases_follow_the_configured_times() {
        let s = Schedule::from_settings(
            Some("next"),
            Some("2027-01-01T00:00:00Z"),
            Some("2027-06-01T00:00:00Z"),
        )
        .unwrap();
        let linger = Duration::hours(25);
        assert_eq!(s.phase(t("2026-12-31T23:59:59Z"), linger), Phase::Next);
        assert_eq!(s.phase(t("2027-01-01T00:00:00Z"), linger), Phase::Current);
        assert_eq!(s.phase(t("2027-06-01T00:00:00Z"), linger), Phase::Retiring);
        assert_eq!(s.phase(t("2027-06-02T00:59:59Z"), linger), Phase::Retiring);
        assert_eq!(s.phase(t("2027-06-02T01:00:00Z"), linger), Phase::Gone);
        assert_eq!(s.changes(linger).count(), 3);
        // Manual states stay as configured.
        let next = Schedule::from_settings(Some("next"), None, None).unwrap();
        assert_eq!(next.phase(t("2099-01-01T00:00:00Z"), linger), Phase::Next);
        let retiring = Schedule::from_settings(Some("retiring"), None, None).unwrap();
        assert_eq!(
            retiring.phase(t("2000-01-01T00:00:00Z"), linger),
            Phase::Retiring
        );
        // A current key with only activate_at is next before it.
        let c = Schedule::from_settings(None, Some("2027-01-01T00:00:00Z"), None).unwrap();
        assert_eq!(c.phase(t("2026-01-01T00:00:00Z"), linger), Phase::Next);
    }

    #[test]
    fn inconsistent_schedules_are_refused() {
        assert!(Schedule::from_settings(Some("soon"), None, None).is_err());
        assert!(Schedule::from_settings(None, Some("tomorrow"), None).is_err());
        assert!(Schedule::from_settings(
            None,
            Some("2027-01-01T00:00:00Z"),
            Some("2026-01-01T00:00:00Z")
        )
        .is_err());
        assert!(
            Schedule::from_settings(Some("retiring"), Some("2027-01-01T00:00:00Z"), None).is_err()
        );
    }
}
