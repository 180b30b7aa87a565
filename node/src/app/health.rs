//! Per-country health (issue 12 item 2): login outcomes per country over the last five minutes,
//! shared by every instance through the store, and a verdict: a country is **degraded** when at
//! least three recent attempts failed at the peer (a failure status, a refused answer, no
//! answer checkable in time) and those are at least as many as successes, or when at least ten
//! were abandoned there (the citizen never came back before the login timeout) and those are at
//! least twice the successes (abandonment is cheap to fake and ordinary at quiet hours). The country page says so (the
//! country stays selectable) and `/health/countries` reports it, with the success rate and the
//! mean time citizens spent abroad.
//!
//! Sharing: each instance keeps its own counts in ten-second slots and, every few seconds,
//! writes their sum as a record under its instance id, listed in the `health/instances`
//! pointer (compare-and-set, entries older than a minute dropped). Every instance reads all
//! fresh records and adds them up, so all show the same verdict within seconds.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::events::{EventSink, LoginEvent};
use crate::store::RecordStore;

const SLOT_SECONDS: i64 = 10;
/// Abandonments within the window before they can mark a country degraded on their own.
const ABANDONED_MIN: u64 = 10;
const WINDOW_SLOTS: i64 = 30;
const KIND: &str = "health";
const INSTANCES: &str = "health/instances";
/// An instance that has not written for this long is left out (and its record deleted).
const STALE_SECONDS: i64 = 60;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub attempts: u64,
    pub completed: u64,
    pub failures: u64,
    pub denied: u64,
    /// Never came back before the login timeout (counted when the timeout passes).
    #[serde(default)]
    pub abandoned: u64,
    /// Came back, and the total milliseconds they spent abroad.
    #[serde(default)]
    pub returned: u64,
    #[serde(default)]
    pub abroad_ms: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.attempts += o.attempts;
        self.completed += o.completed;
        self.failures += o.failures;
        self.denied += o.denied;
        self.abandoned += o.abandoned;
        self.returned += o.returned;
        self.abroad_ms += o.abroad_ms;
    }

    /// The verdict (see the module documentation).
    pub fn degraded(&self) -> bool {
        let failing = self.failures >= 3 && self.failures >= self.completed;
        // Abandonment is cheap to fake (start logins, never finish) and ordinary at quiet hours
        // (closed tabs), so it needs a larger count and a clear majority.
        let abandoned = self.abandoned >= ABANDONED_MIN && self.abandoned >= 2 * self.completed;
        failing || abandoned
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Shared {
    at: i64,
    countries: BTreeMap<String, Counts>,
}

/// Counts, local and shared.
#[derive(Debug)]
pub struct Health {
    instance: String,
    /// Per country: (slot, counts) for the slots of the window, this instance only.
    local: Mutex<BTreeMap<String, Vec<(i64, Counts)>>>,
    /// The sum over every fresh instance, as last read.
    shared: Mutex<BTreeMap<String, Counts>>,
    records: Arc<dyn RecordStore>,
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl Health {
    pub fn new(records: Arc<dyn RecordStore>) -> Self {
        let mut id = [0u8; 8];
        let _ = openssl::rand::rand_bytes(&mut id);
        Health {
            instance: crate::hex::encode(&id),
            local: Mutex::new(BTreeMap::new()),
            shared: Mutex::new(BTreeMap::new()),
            records,
        }
    }

    fn record(&self, country: &str, f: impl FnOnce(&mut Counts)) {
        let slot = now_unix() / SLOT_SECONDS;
        let mut local = self.local.lock().unwrap_or_else(|p| p.into_inner());
        let slots = local.entry(country.to_owned()).or_default();
        slots.retain(|(s, _)| *s > slot - WINDOW_SLOTS);
        match slots.last_mut() {
            Some((s, c)) if *s == slot => f(c),
            _ => {
                let mut c = Counts::default();
                f(&mut c);
                slots.push((slot, c));
            }
        }
    }

    fn local_totals(&self) -> BTreeMap<String, Counts> {
        let slot = now_unix() / SLOT_SECONDS;
        let local = self.local.lock().unwrap_or_else(|p| p.into_inner());
        local
            .iter()
            .map(|(cc, slots)| {
                let mut total = Counts::default();
                for (_, c) in slots.iter().filter(|(s, _)| *s > slot - WINDOW_SLOTS) {
                    total.add(c);
                }
                (cc.clone(), total)
            })
            .collect()
    }

    /// Writes this instance's counts and reads everyone's. Store failures keep the last view.
    pub async fn sync(&self) {
        let now = now_unix();
        let mine = Shared {
            at: now,
            countries: self.local_totals(),
        };
        let Ok(bytes) = serde_json::to_vec(&mine) else {
            return;
        };
        if let Err(e) = self.records.put_record(KIND, &self.instance, &bytes).await {
            tracing::warn!(error = %e, "health: cannot write this instance's counts");
            return;
        }
        // Register this instance; drop the stale ones.
        let mut fresh: Vec<String> = Vec::new();
        for _ in 0..5 {
            let Ok(current) = self.records.pointer(INSTANCES).await else {
                return;
            };
            let mut entries: Vec<(String, i64)> = current
                .as_deref()
                .unwrap_or("")
                .split(',')
                .filter_map(|e| e.split_once(':'))
                .filter_map(|(id, at)| Some((id.to_owned(), at.parse().ok()?)))
                .collect();
            let stale: Vec<String> = entries
                .iter()
                .filter(|(_, at)| now - at > STALE_SECONDS)
                .map(|(id, _)| id.clone())
                .collect();
            entries.retain(|(id, at)| now - at <= STALE_SECONDS && *id != self.instance);
            entries.push((self.instance.clone(), now));
            let text = entries
                .iter()
                .map(|(id, at)| format!("{id}:{at}"))
                .collect::<Vec<_>>()
                .join(",");
            match self
                .records
                .swap_pointer(INSTANCES, current.as_deref(), &text)
                .await
            {
                Ok(true) => {
                    for id in stale {
                        let _ = self.records.delete_record(KIND, &id).await;
                    }
                    fresh = entries.into_iter().map(|(id, _)| id).collect();
                    break;
                }
                Ok(false) => continue,
                Err(_) => return,
            }
        }
        let mut sum: BTreeMap<String, Counts> = BTreeMap::new();
        for id in fresh {
            let Ok(Some(bytes)) = self.records.get_record(KIND, &id).await else {
                continue;
            };
            let Ok(s) = serde_json::from_slice::<Shared>(&bytes) else {
                continue;
            };
            if now - s.at > STALE_SECONDS {
                continue;
            }
            for (cc, c) in s.countries {
                sum.entry(cc).or_default().add(&c);
            }
        }
        *self.shared.lock().unwrap_or_else(|p| p.into_inner()) = sum;
    }

    /// Syncs every `every` until the task is dropped.
    pub async fn sync_loop(self: Arc<Self>, every: Duration) {
        loop {
            self.sync().await;
            tokio::time::sleep(every).await;
        }
    }

    fn view(&self) -> BTreeMap<String, Counts> {
        self.shared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl crate::web::health::HealthView for Health {
    fn degraded(&self, country: &str) -> bool {
        self.view().get(country).is_some_and(Counts::degraded)
    }

    fn report(&self) -> serde_json::Value {
        let countries: Vec<serde_json::Value> = self
            .view()
            .iter()
            .map(|(cc, c)| {
                let decided = c.completed + c.failures + c.abandoned;
                #[allow(clippy::cast_precision_loss)]
                let rate = (decided > 0).then(|| c.completed as f64 / decided as f64);
                #[allow(clippy::cast_precision_loss)]
                let abroad =
                    (c.returned > 0).then(|| c.abroad_ms as f64 / c.returned as f64 / 1000.0);
                serde_json::json!({
                    "code": cc,
                    "attempts": c.attempts,
                    "completed": c.completed,
                    "failures": c.failures,
                    "denied": c.denied,
                    "abandoned": c.abandoned,
                    "success_rate": rate,
                    "mean_time_abroad_seconds": abroad,
                    "degraded": c.degraded(),
                })
            })
            .collect();
        serde_json::json!({
            "window_seconds": SLOT_SECONDS * WINDOW_SLOTS,
            "countries": countries,
        })
    }
}

/// Login outcomes into the local counts.
#[derive(Debug)]
pub struct HealthSink(pub Arc<Health>);

impl EventSink for HealthSink {
    fn emit(&self, event: &LoginEvent) {
        match event {
            LoginEvent::Started {
                country: Some(cc), ..
            } => self.0.record(cc, |c| c.attempts += 1),
            LoginEvent::Completed { country, .. } => self.0.record(country, |c| c.completed += 1),
            LoginEvent::PeerFailure {
                country: Some(cc), ..
            }
            | LoginEvent::Rejected {
                country: Some(cc), ..
            }
            | LoginEvent::Unavailable {
                country: Some(cc), ..
            } => self.0.record(cc, |c| c.failures += 1),
            LoginEvent::Denied {
                country: Some(cc), ..
            } => self.0.record(cc, |c| c.denied += 1),
            LoginEvent::Returned {
                country: Some(cc),
                abroad,
                ..
            } => self.0.record(cc, |c| {
                c.returned += 1;
                c.abroad_ms += u64::try_from(abroad.as_millis()).unwrap_or(u64::MAX);
            }),
            LoginEvent::Abandoned {
                stage: crate::events::Stage::Abroad,
                country: Some(cc),
                ..
            } => self.0.record(cc, |c| c.abandoned += 1),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_or_many_abandonments_make_a_country_degraded() {
        let c = |completed, failures, abandoned| Counts {
            completed,
            failures,
            abandoned,
            ..Counts::default()
        };
        assert!(!c(0, 2, 0).degraded(), "two failures are not a trend");
        assert!(c(0, 3, 0).degraded());
        assert!(c(3, 3, 0).degraded());
        assert!(!c(4, 3, 0).degraded(), "more successes than failures");
        assert!(!c(0, 0, 9).degraded(), "a few closed tabs are not a trend");
        assert!(c(0, 0, 10).degraded(), "abandoned abroad counts");
        assert!(c(5, 0, 10).degraded());
        assert!(
            !c(6, 0, 10).degraded(),
            "abandonment needs a clear majority"
        );
    }
}
