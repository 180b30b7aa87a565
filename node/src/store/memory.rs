//! In-process backend: the embedded default for the demo and for unit tests.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::{DurableBackend, Error, KvBackend};

/// Sweep expired entries once the map has grown by this many writes, so memory stays bounded by
/// the live entries plus this slack.
const SWEEP_EVERY: usize = 1024;

/// A `HashMap` behind a `std::sync::Mutex`, never held across an `.await` (mini-redis `Db`).
/// Expiry uses `tokio::time::Instant`, so tests can drive it with `tokio::time::pause()`.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<String, (Instant, Vec<u8>)>,
    writes_since_sweep: usize,
    /// Durable records and pointers: never swept.
    durable: HashMap<String, Vec<u8>>,
}

impl MemoryBackend {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock only means another thread panicked mid-operation; every operation leaves
        // the map consistent, so keep serving rather than turn one panic into an outage.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    fn live(&mut self, key: &str, now: Instant) -> bool {
        match self.entries.get(key) {
            Some((exp, _)) if *exp > now => true,
            Some(_) => {
                self.entries.remove(key);
                false
            }
            None => false,
        }
    }

    fn insert(&mut self, key: &str, value: Vec<u8>, ttl: Duration, now: Instant) {
        self.writes_since_sweep += 1;
        if self.writes_since_sweep >= SWEEP_EVERY {
            self.entries.retain(|_, (exp, _)| *exp > now);
            self.writes_since_sweep = 0;
        }
        self.entries.insert(key.to_owned(), (now + ttl, value));
    }
}

#[async_trait]
impl KvBackend for MemoryBackend {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), Error> {
        let now = Instant::now();
        self.lock().insert(key, value, ttl, now);
        Ok(())
    }

    async fn put_if_absent(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, Error> {
        let now = Instant::now();
        let mut inner = self.lock();
        if inner.live(key, now) {
            return Ok(false);
        }
        inner.insert(key, value, ttl, now);
        Ok(true)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let now = Instant::now();
        let mut inner = self.lock();
        if !inner.live(key, now) {
            return Ok(None);
        }
        Ok(inner.entries.get(key).map(|(_, v)| v.clone()))
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let now = Instant::now();
        let mut inner = self.lock();
        match inner.entries.remove(key) {
            Some((exp, v)) if exp > now => Ok(Some(v)),
            _ => Ok(None),
        }
    }

    async fn ping(&self) -> Result<(), Error> {
        Ok(())
    }
}

#[async_trait]
impl DurableBackend for MemoryBackend {
    async fn put_durable(&self, key: &str, value: Vec<u8>) -> Result<(), Error> {
        self.lock().durable.insert(key.to_owned(), value);
        Ok(())
    }

    async fn get_durable(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.lock().durable.get(key).cloned())
    }

    async fn delete_durable(&self, key: &str) -> Result<bool, Error> {
        Ok(self.lock().durable.remove(key).is_some())
    }

    async fn compare_and_set(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, Error> {
        let mut inner = self.lock();
        if inner.durable.get(key).map(Vec::as_slice) != expected {
            return Ok(false);
        }
        inner.durable.insert(key.to_owned(), new);
        Ok(true)
    }
}
