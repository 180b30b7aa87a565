//! Durable records: state that must outlive any TTL (trust versions, their history, later
//! counters), and named pointers changed only by compare-and-set (the active trust version), so
//! that every instance sees one value and two operators cannot both win.
//!
//! Kept apart from the TTL-bound protocol state, whose contract ("every write carries a TTL")
//! stays as strict as it is: a different backend trait ([`DurableBackend`]), a different typed
//! API ([`RecordStore`]) and its own contract tests (`contract::durable_*`).
//!
//! Records are sealed like protocol state (AES-256-GCM, the key as associated data). Pointer
//! values are public identifiers (version hashes), stored as they are so that compare-and-set
//! compares them; whoever follows a pointer verifies what it finds (the store is not a trust root).

use std::sync::Arc;

use async_trait::async_trait;

use super::{Error, Sealer};

/// The raw durable operations a backend provides.
#[async_trait]
pub trait DurableBackend: Send + Sync + std::fmt::Debug {
    /// Writes `value` under `key` with no expiry.
    async fn put_durable(&self, key: &str, value: Vec<u8>) -> Result<(), Error>;
    async fn get_durable(&self, key: &str) -> Result<Option<Vec<u8>>, Error>;
    /// Removes `key`; whether it existed.
    async fn delete_durable(&self, key: &str) -> Result<bool, Error>;
    /// Atomically: if `key` holds `expected` (`None`: is absent), set it to `new` and return
    /// `true`; otherwise change nothing and return `false`.
    async fn compare_and_set(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, Error>;
}

/// Typed records and pointers on top of a [`DurableBackend`].
#[async_trait]
pub trait RecordStore: Send + Sync + std::fmt::Debug {
    /// Stores a record of `kind` under `id` (overwrites).
    async fn put_record(&self, kind: &str, id: &str, value: &[u8]) -> Result<(), Error>;
    async fn get_record(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, Error>;
    async fn delete_record(&self, kind: &str, id: &str) -> Result<bool, Error>;
    /// The pointer's current value.
    async fn pointer(&self, name: &str) -> Result<Option<String>, Error>;
    /// Moves the pointer from `expected` (`None`: unset) to `new`; `false` if it had moved.
    async fn swap_pointer(
        &self,
        name: &str,
        expected: Option<&str>,
        new: &str,
    ) -> Result<bool, Error>;
}

/// Sealed records and plain pointers.
#[derive(Debug)]
pub struct SealedRecords {
    backend: Arc<dyn DurableBackend>,
    sealer: Sealer,
}

impl SealedRecords {
    pub fn new(backend: Arc<dyn DurableBackend>, sealer: Sealer) -> Self {
        SealedRecords { backend, sealer }
    }

    fn record_key(kind: &str, id: &str) -> String {
        format!("rec:{kind}:{id}")
    }

    fn pointer_key(name: &str) -> String {
        format!("ptr:{name}")
    }
}

#[async_trait]
impl RecordStore for SealedRecords {
    async fn put_record(&self, kind: &str, id: &str, value: &[u8]) -> Result<(), Error> {
        let key = Self::record_key(kind, id);
        let sealed = self.sealer.seal(value, key.as_bytes())?;
        self.backend.put_durable(&key, sealed).await
    }

    async fn get_record(&self, kind: &str, id: &str) -> Result<Option<Vec<u8>>, Error> {
        let key = Self::record_key(kind, id);
        self.backend
            .get_durable(&key)
            .await?
            .map(|s| self.sealer.open(&s, key.as_bytes()))
            .transpose()
    }

    async fn delete_record(&self, kind: &str, id: &str) -> Result<bool, Error> {
        self.backend
            .delete_durable(&Self::record_key(kind, id))
            .await
    }

    async fn pointer(&self, name: &str) -> Result<Option<String>, Error> {
        self.backend
            .get_durable(&Self::pointer_key(name))
            .await?
            .map(|v| String::from_utf8(v).map_err(|_| Error::Tampered))
            .transpose()
    }

    async fn swap_pointer(
        &self,
        name: &str,
        expected: Option<&str>,
        new: &str,
    ) -> Result<bool, Error> {
        self.backend
            .compare_and_set(
                &Self::pointer_key(name),
                expected.map(str::as_bytes),
                new.as_bytes().to_vec(),
            )
            .await
    }
}
