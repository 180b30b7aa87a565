//! Citizens who left for a way in and never came back (issue 12 items 1 and 2: "abandoned").
//!
//! Nothing happens when a citizen simply closes the tab abroad, so the instance that sent them
//! away remembers each departure (the way in's single-use handle, the client and the country)
//! until just before the handle's state expires, then asks the store whether that state is still
//! there. Whichever instance received the citizen back took it, so "still there" means "never
//! came back", across instances. Departures are kept in memory only: an instance restarted while
//! citizens are abroad does not count theirs (the other counters are per instance as well).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::events::{EventSink, LoginEvent, Stage};
use crate::store::PendingLoginStore;

/// At most this many departures are remembered; beyond it the oldest are dropped uncounted, so
/// a flood of abandoned starts cannot grow memory without bound.
const CAPACITY: usize = 200_000;
/// How long before the state's expiry it is looked at (at most half its lifetime): far more
/// than the sweep interval ([`SWEEP_EVERY`]) plus a slow sweep, so the state is still there to
/// be seen. A citizen coming back in this last moment is counted as abandoned as well as
/// returned.
const MARGIN: Duration = Duration::from_secs(15);
/// How often `app` sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Departure {
    check_at: Instant,
    handle: String,
    client_id: String,
    country: Option<String>,
}

/// The departures of this instance, oldest first (every way in's state lives equally long, so
/// the queue is ordered by check time).
#[derive(Debug, Default)]
pub struct Departures {
    queue: Mutex<VecDeque<Departure>>,
}

impl Departures {
    /// A citizen left under `handle`, whose state lives for `ttl`.
    pub fn left(&self, handle: &str, client_id: &str, country: Option<&str>, ttl: Duration) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if q.len() >= CAPACITY {
            q.pop_front();
        }
        q.push_back(Departure {
            check_at: Instant::now() + ttl.saturating_sub(MARGIN.min(ttl / 2)),
            handle: handle.to_owned(),
            client_id: client_id.to_owned(),
            country: country.map(str::to_owned),
        });
    }

    /// Looks at every departure that is due: an `Abandoned { stage: Abroad }` event for each whose
    /// state is still in the store. A store failure puts the departure back for the next sweep.
    pub async fn sweep(&self, store: &dyn PendingLoginStore, events: &dyn EventSink) {
        let now = Instant::now();
        loop {
            let due = {
                let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                match q.front() {
                    Some(d) if d.check_at <= now => q.pop_front(),
                    _ => None,
                }
            };
            let Some(d) = due else {
                return;
            };
            match store.login_pending(&d.handle).await {
                Ok(true) => events.emit(&LoginEvent::Abandoned {
                    stage: Stage::Abroad,
                    client_id: Some(d.client_id),
                    country: d.country,
                }),
                Ok(false) => {}
                Err(e) => {
                    tracing::debug!(error = %e, "departures: store unavailable, will look again");
                    self.queue
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push_front(d);
                    return;
                }
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::Arc;

    use super::*;
    use crate::events::RecordingSink;
    use crate::store::memory::MemoryBackend;
    use crate::store::{SealedStore, Sealer};

    #[tokio::test]
    async fn only_departures_whose_state_is_still_there_are_abandoned() {
        let store = SealedStore::new(Arc::new(MemoryBackend::new()), Sealer::random().unwrap());
        let ttl = Duration::from_secs(60);
        store.put_login("came-back", b"x", ttl).await.unwrap();
        store.put_login("stayed-away", b"x", ttl).await.unwrap();
        let d = Departures::default();
        // Due at once: a zero lifetime.
        d.left("came-back", "c1", Some("XA"), Duration::ZERO);
        d.left("stayed-away", "c2", Some("XB"), Duration::ZERO);
        d.left("not-yet", "c3", Some("XC"), Duration::from_secs(600));
        assert!(store.take_login("came-back").await.unwrap().is_some());

        let events = RecordingSink::default();
        d.sweep(&store, &events).await;
        assert_eq!(
            events.events(),
            vec![LoginEvent::Abandoned {
                stage: Stage::Abroad,
                client_id: Some("c2".into()),
                country: Some("XB".into()),
            }]
        );
        assert_eq!(d.len(), 1, "the departure not yet due stays");
    }

    /// The check falls well before the state expires, whatever the lifetime: a sweep running
    /// late by several intervals still finds an abandoned login's state.
    #[test]
    fn the_check_leaves_room_for_late_sweeps() {
        let d = Departures::default();
        let before = Instant::now();
        for secs in [10, 60, 900] {
            d.left("h", "c", None, Duration::from_secs(secs));
        }
        let q = d.queue.lock().unwrap();
        for (dep, secs) in q.iter().zip([10u64, 60, 900]) {
            let lead = Duration::from_secs(secs) - (dep.check_at - before);
            assert!(
                lead >= SWEEP_EVERY * 4,
                "{secs} s: checked {lead:?} before expiry"
            );
            assert!(dep.check_at - before >= Duration::from_secs(secs) / 2);
        }
    }

    #[test]
    fn the_queue_is_bounded() {
        let d = Departures::default();
        for i in 0..CAPACITY + 5 {
            d.left(&i.to_string(), "c", None, Duration::from_secs(60));
        }
        assert_eq!(d.len(), CAPACITY);
    }
}
