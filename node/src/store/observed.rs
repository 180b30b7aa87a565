//! A backend decorator that reports every operation (name, success, duration) to a
//! [`StoreObserver`], for the state-store metrics; the store itself knows nothing of Prometheus.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{DurableBackend, Error, KvBackend};

/// Receives one call per store operation. Must be quick.
pub trait StoreObserver: Send + Sync + std::fmt::Debug {
    fn observe(&self, op: &'static str, ok: bool, took: Duration);
}

/// Both faces of one backend, each operation timed and reported.
#[derive(Debug)]
pub struct Observed {
    kv: Arc<dyn KvBackend>,
    durable: Arc<dyn DurableBackend>,
    observer: Arc<dyn StoreObserver>,
}

impl Observed {
    pub fn new(
        kv: Arc<dyn KvBackend>,
        durable: Arc<dyn DurableBackend>,
        observer: Arc<dyn StoreObserver>,
    ) -> Self {
        Observed {
            kv,
            durable,
            observer,
        }
    }

    async fn timed<T>(
        &self,
        op: &'static str,
        f: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let r = f.await;
        self.observer.observe(op, r.is_ok(), started.elapsed());
        r
    }
}

#[async_trait]
impl KvBackend for Observed {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), Error> {
        self.timed("put", self.kv.put(key, value, ttl)).await
    }
    async fn put_if_absent(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, Error> {
        self.timed("put_if_absent", self.kv.put_if_absent(key, value, ttl))
            .await
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        self.timed("get", self.kv.get(key)).await
    }
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        self.timed("take", self.kv.take(key)).await
    }
    async fn ping(&self) -> Result<(), Error> {
        self.timed("ping", self.kv.ping()).await
    }
}

#[async_trait]
impl DurableBackend for Observed {
    async fn put_durable(&self, key: &str, value: Vec<u8>) -> Result<(), Error> {
        self.timed("put_durable", self.durable.put_durable(key, value))
            .await
    }
    async fn get_durable(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        self.timed("get_durable", self.durable.get_durable(key))
            .await
    }
    async fn delete_durable(&self, key: &str) -> Result<bool, Error> {
        self.timed("delete_durable", self.durable.delete_durable(key))
            .await
    }
    async fn compare_and_set(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, Error> {
        self.timed(
            "compare_and_set",
            self.durable.compare_and_set(key, expected, new),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::Mutex;

    use super::*;
    use crate::store::memory::MemoryBackend;

    #[derive(Debug, Default)]
    struct Seen(Mutex<Vec<(&'static str, bool)>>);

    impl StoreObserver for Seen {
        fn observe(&self, op: &'static str, ok: bool, _took: Duration) {
            self.0.lock().unwrap().push((op, ok));
        }
    }

    #[tokio::test]
    async fn every_operation_is_reported_with_its_outcome() {
        let mem = Arc::new(MemoryBackend::new());
        let seen = Arc::new(Seen::default());
        let o = Observed::new(mem.clone(), mem, seen.clone());
        o.put("k", b"v".to_vec(), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(o.take("k").await.unwrap().as_deref(), Some(&b"v"[..]));
        assert!(o.compare_and_set("p", None, b"1".to_vec()).await.unwrap());
        o.ping().await.unwrap();
        assert_eq!(
            *seen.0.lock().unwrap(),
            vec![
                ("put", true),
                ("take", true),
                ("compare_and_set", true),
                ("ping", true)
            ]
        );
    }
}
