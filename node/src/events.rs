//! One typed event per login outcome, emitted once where the outcome is decided, into an
//! [`EventSink`] held by the state. Metrics, the audit trail and per-country health are sinks;
//! handlers never count or log outcomes themselves.
//!
//! Must not: carry personal data (names, identifiers, tokens, codes): only client ids, countries,
//! ways in, levels of assurance and stable error codes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::identity::{LoaLevel, LoginMethod};

tokio::task_local! {
    /// The correlation id of the request this task serves (set by `web::observe`).
    static CORRELATION_ID: String;
}

/// Runs `f` with `id` as the current correlation id.
pub fn with_correlation_id<F: std::future::Future>(
    id: String,
    f: F,
) -> impl std::future::Future<Output = F::Output> {
    CORRELATION_ID.scope(id, f)
}

/// The correlation id of the request being served, if any: the reference on its error page and
/// on every log line and audit event of the request.
pub fn correlation_id() -> Option<String> {
    CORRELATION_ID.try_with(Clone::clone).ok()
}

/// Who logged in, only ever to be hashed under a key (the audit trail's `subject_hash`): never
/// printed, never serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct SubjectRef(String);

impl SubjectRef {
    pub fn new(identifier: &str) -> Self {
        SubjectRef(identifier.to_owned())
    }

    /// HMAC-SHA-256 (RFC 2104) of the identifier under `key`, hex, truncated to 128 bits: the
    /// same subject gives the same value under one key, and without the key the value reveals
    /// nothing.
    pub fn keyed_hash(&self, key: &SubjectKey) -> String {
        let mut inner = key.inner.clone();
        inner.update(self.0.as_bytes());
        let mut outer = key.outer.clone();
        outer.update(&inner.finish());
        crate::hex::encode(outer.finish().get(..16).unwrap_or_default())
    }
}

/// An HMAC-SHA-256 key with its padded inner and outer states computed once, so that hashing a
/// subject per login is two short SHA-256 runs (RFC 2104 §2), not a key set-up each time.
#[derive(Clone)]
pub struct SubjectKey {
    inner: openssl::sha::Sha256,
    outer: openssl::sha::Sha256,
}

impl SubjectKey {
    pub fn new(key: &[u8]) -> Self {
        // Keys longer than the block are hashed first.
        let mut block = [0u8; 64];
        if let Some(dst) = block.get_mut(..key.len()) {
            dst.copy_from_slice(key);
        } else {
            let digest = openssl::sha::sha256(key);
            if let Some(dst) = block.get_mut(..digest.len()) {
                dst.copy_from_slice(&digest);
            }
        }
        let (mut inner, mut outer) = (openssl::sha::Sha256::new(), openssl::sha::Sha256::new());
        inner.update(&block.map(|b| b ^ 0x36));
        outer.update(&block.map(|b| b ^ 0x5c));
        SubjectKey { inner, outer }
    }
}

impl std::fmt::Debug for SubjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubjectKey(<redacted>)")
    }
}

impl std::fmt::Debug for SubjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubjectRef(<redacted>)")
    }
}

/// Where a flow was found missing (expired, unknown or already used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The parked authorization, at the choice page or a way in's start.
    Flow,
    /// A way in's pending state, when the citizen came back (e.g. the RelayState at the ACS).
    Return,
    /// The outcome handle at `/resume`.
    Resume,
    /// Never came back from abroad before the login timeout.
    Abroad,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Flow => "flow",
            Stage::Return => "return",
            Stage::Resume => "resume",
            Stage::Abroad => "abroad",
        }
    }
}

/// A login outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginEvent {
    /// `/authorize` accepted a request and parked it.
    Authorized { client_id: String },
    /// The citizen left for a way in (for eIDAS: the AuthnRequest was sent to `country`).
    Started {
        client_id: String,
        method: LoginMethod,
        country: Option<String>,
    },
    /// A verified identity reached the client (a code was issued).
    Completed {
        client_id: String,
        method: LoginMethod,
        country: String,
        loa: LoaLevel,
        subject: SubjectRef,
    },
    /// The citizen came back from a way in (before the answer is checked); `abroad` is the time
    /// since they left.
    Returned {
        method: LoginMethod,
        country: Option<String>,
        abroad: Duration,
    },
    /// The citizen cancelled on our pages.
    Cancelled { client_id: String },
    /// The citizen cancelled or was refused where they authenticated.
    Denied {
        method: LoginMethod,
        country: Option<String>,
    },
    /// We refused the answer; `code` is the stable check code (`saml::Error::code`).
    Rejected {
        method: LoginMethod,
        country: Option<String>,
        code: &'static str,
    },
    /// The other side reported a failure.
    PeerFailure {
        method: LoginMethod,
        country: Option<String>,
    },
    /// The answer could not be checked in time (CPU pool busy).
    Unavailable {
        method: LoginMethod,
        country: Option<String>,
    },
    /// A step found its state gone (the citizen came back too late, twice, or never started), or
    /// (`Stage::Abroad`) the citizen left for a way in and did not come back before the login
    /// timeout; then the client and country are known.
    Abandoned {
        stage: Stage,
        client_id: Option<String>,
        country: Option<String>,
    },
}

impl LoginEvent {
    /// A stable name, for logs and metric labels.
    pub fn name(&self) -> &'static str {
        match self {
            LoginEvent::Authorized { .. } => "authorized",
            LoginEvent::Started { .. } => "started",
            LoginEvent::Returned { .. } => "returned",
            LoginEvent::Completed { .. } => "completed",
            LoginEvent::Cancelled { .. } => "cancelled",
            LoginEvent::Denied { .. } => "denied",
            LoginEvent::Rejected { .. } => "rejected",
            LoginEvent::PeerFailure { .. } => "peer_failure",
            LoginEvent::Unavailable { .. } => "unavailable",
            LoginEvent::Abandoned { .. } => "abandoned",
        }
    }
}

/// Receives every login event. Implementations must be quick and must not fail the login.
pub trait EventSink: Send + Sync + std::fmt::Debug {
    fn emit(&self, event: &LoginEvent);
}

/// Writes each event as one structured log line (`login_event=…`).
#[derive(Debug, Default)]
pub struct LogSink;

impl EventSink for LogSink {
    fn emit(&self, event: &LoginEvent) {
        let name = event.name();
        match event {
            LoginEvent::Authorized { client_id } | LoginEvent::Cancelled { client_id } => {
                tracing::info!(login_event = name, client_id = %client_id, "login event");
            }
            LoginEvent::Started {
                client_id,
                method,
                country,
            } => {
                tracing::info!(login_event = name, client_id = %client_id, method = method.amr(), country = country.as_deref().unwrap_or("-"), "login event");
            }
            LoginEvent::Completed {
                client_id,
                method,
                country,
                loa,
                ..
            } => {
                tracing::info!(login_event = name, client_id = %client_id, method = method.amr(), country = %country, loa = loa.as_str(), "login event");
            }
            LoginEvent::Returned {
                method,
                country,
                abroad,
            } => {
                tracing::info!(
                    login_event = name,
                    method = method.amr(),
                    country = country.as_deref().unwrap_or("-"),
                    abroad_ms = u64::try_from(abroad.as_millis()).unwrap_or(u64::MAX),
                    "login event"
                );
            }
            LoginEvent::Denied { method, country }
            | LoginEvent::PeerFailure { method, country }
            | LoginEvent::Unavailable { method, country } => {
                tracing::info!(
                    login_event = name,
                    method = method.amr(),
                    country = country.as_deref().unwrap_or("-"),
                    "login event"
                );
            }
            LoginEvent::Rejected {
                method,
                country,
                code,
            } => {
                tracing::info!(
                    login_event = name,
                    method = method.amr(),
                    country = country.as_deref().unwrap_or("-"),
                    error_code = code,
                    "login event"
                );
            }
            LoginEvent::Abandoned {
                stage,
                client_id,
                country,
            } => {
                tracing::info!(
                    login_event = name,
                    stage = stage.as_str(),
                    client_id = client_id.as_deref().unwrap_or("-"),
                    country = country.as_deref().unwrap_or("-"),
                    "login event"
                );
            }
        }
    }
}

/// Hands each event to every sink in turn.
#[derive(Debug, Default)]
pub struct FanOut(pub Vec<Arc<dyn EventSink>>);

impl EventSink for FanOut {
    fn emit(&self, event: &LoginEvent) {
        for sink in &self.0 {
            sink.emit(event);
        }
    }
}

/// Keeps every event (tests).
#[derive(Debug, Default)]
pub struct RecordingSink(Mutex<Vec<LoginEvent>>);

impl RecordingSink {
    pub fn events(&self) -> Vec<LoginEvent> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl EventSink for RecordingSink {
    fn emit(&self, event: &LoginEvent) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(event.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fan_out_reaches_every_sink_once() {
        let (a, b) = (
            Arc::new(RecordingSink::default()),
            Arc::new(RecordingSink::default()),
        );
        let fan = FanOut(vec![a.clone(), b.clone(), Arc::new(LogSink)]);
        let e = LoginEvent::Abandoned {
            stage: Stage::Resume,
            client_id: None,
            country: None,
        };
        fan.emit(&e);
        assert_eq!(a.events(), vec![e.clone()]);
        assert_eq!(b.events(), vec![e]);
    }

    #[test]
    fn a_subject_is_never_printed_and_hashes_per_key() {
        let s = SubjectRef::new("SE/XA/19121212-1212");
        let e = LoginEvent::Completed {
            client_id: "c".into(),
            method: LoginMethod::Eidas,
            country: "XA".into(),
            loa: LoaLevel::High,
            subject: s.clone(),
        };
        assert!(!format!("{e:?}").contains("19121212"));
        let (k1, k2) = (SubjectKey::new(&[1u8; 32]), SubjectKey::new(&[2u8; 32]));
        let h = s.keyed_hash(&k1);
        assert_eq!(h.len(), 32);
        assert_eq!(h, s.keyed_hash(&k1));
        assert_ne!(h, s.keyed_hash(&k2));
        assert_ne!(h, SubjectRef::new("SE/XA/19121212-1213").keyed_hash(&k1));
    }

    /// The precomputed states give OpenSSL's HMAC-SHA-256, for short and long keys.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn keyed_hash_is_hmac_sha256() {
        for key in [vec![7u8; 32], vec![9u8; 64], vec![3u8; 100]] {
            let pkey = openssl::pkey::PKey::hmac(&key).unwrap();
            let mut signer =
                openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &pkey).unwrap();
            signer.update(b"XA/SE/GR-0002-TEST").unwrap();
            let mac: String = signer
                .sign_to_vec()
                .unwrap()
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(
                SubjectRef::new("XA/SE/GR-0002-TEST").keyed_hash(&SubjectKey::new(&key)),
                mac
            );
        }
    }
}
