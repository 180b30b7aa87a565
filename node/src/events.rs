//! One typed event per login outcome, emitted once where the outcome is decided, into an
//! [`EventSink`] held by the state. Metrics, the audit trail and per-country health are sinks;
//! handlers never count or log outcomes themselves.
//!
//! Must not: carry personal data (names, identifiers, tokens, codes): only client ids, countries,
//! ways in, levels of assurance and stable error codes.

use std::sync::{Arc, Mutex};

use crate::identity::{LoaLevel, LoginMethod};

/// Where a flow was found missing (expired, unknown or already used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The parked authorization, at the choice page or a way in's start.
    Flow,
    /// A way in's pending state, when the citizen came back (e.g. the RelayState at the ACS).
    Return,
    /// The outcome handle at `/resume`.
    Resume,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Flow => "flow",
            Stage::Return => "return",
            Stage::Resume => "resume",
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
    /// A step found its state gone: the citizen came back too late, twice, or never started.
    Abandoned { stage: Stage },
}

impl LoginEvent {
    /// A stable name, for logs and metric labels.
    pub fn name(&self) -> &'static str {
        match self {
            LoginEvent::Authorized { .. } => "authorized",
            LoginEvent::Started { .. } => "started",
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
            } => {
                tracing::info!(login_event = name, client_id = %client_id, method = method.amr(), country = %country, loa = loa.as_str(), "login event");
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
            LoginEvent::Abandoned { stage } => {
                tracing::info!(login_event = name, stage = stage.as_str(), "login event");
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
        };
        fan.emit(&e);
        assert_eq!(a.events(), vec![e.clone()]);
        assert_eq!(b.events(), vec![e]);
    }
}
