//! In-process replay cache for Response and Assertion IDs (eidas-requirements §2 step 13), for the
//! demo and tests. Deployments use the shared store's `remember_once` so that every node sees
//! every ID.

use std::collections::HashMap;
use std::sync::Mutex;

use time::OffsetDateTime;

use super::error::{Error, Result};
use super::response::ValidatedResponse;

#[derive(Debug, Default)]
pub struct MemoryReplayCache {
    seen: Mutex<HashMap<String, OffsetDateTime>>,
}

impl MemoryReplayCache {
    /// Remembers the response's IDs until `replay_until`; fails if either was seen before.
    pub fn check_and_remember(&self, r: &ValidatedResponse, now: OffsetDateTime) -> Result<()> {
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| Error::Crypto("replay cache poisoned".into()))?;
        seen.retain(|_, until| *until > now);
        let keys = [
            format!("r:{}", r.response_id),
            format!("a:{}", r.assertion_id),
        ];
        if keys.iter().any(|k| seen.contains_key(k)) {
            return Err(Error::Replay);
        }
        for k in keys {
            seen.insert(k, r.replay_until);
        }
        Ok(())
    }
}
