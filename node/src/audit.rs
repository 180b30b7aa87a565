//! The audit trail (issue 12 item 3): a separate stream of JSON lines for every login outcome and
//! every trust change, each line carrying the hash of the one before, so removing or changing
//! any line is detectable (`eidas-node audit verify FILE…`). Rotation by size keeps the chain
//! across files: the first line of a new file names the last hash of the previous one.
//!
//! Line: the event's fields plus `time` (RFC 3339), `seq`, `prev` (the previous line's hash, 64
//! zeros at the start) and `hash` = SHA-256 of `prev` and the line's JSON without `hash` (keys
//! sorted), hex. No personal data ever reaches it: login events carry client, country, method,
//! LoA, stable codes and the request's `correlation_id`; trust events versions, operators and diff
//! summaries. A completed login carries `subject_hash` when `audit.subject_key` is set: an
//! HMAC-SHA-256 of the eIDAS identifier under that key, so one person's logins can be linked
//! (and, with the key and an identifier, found) without the trail holding the identifier.
//!
//! Must not: know a protocol or the trust types (trust events arrive as `tracing` events with
//! target `audit`, through [`AuditLayer`]).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::events::{EventSink, LoginEvent};

/// `[audit]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// The audit file (relative to the config file). Unset: no audit trail.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Start a new file when the current one would grow beyond this many bytes; the old one is
    /// renamed `<path>.<UTC timestamp>`.
    #[serde(default = "default_rotate")]
    pub rotate_bytes: u64,
    /// Also start a new file at the first event of each UTC day.
    #[serde(default = "default_daily")]
    pub rotate_daily: bool,
    /// At least 32 bytes, hex (usually `subject_key_file`): keys `subject_hash` on completed
    /// logins. Unset: no subject is recorded at all.
    #[serde(default)]
    pub subject_key: Option<secrecy::SecretString>,
}

fn default_daily() -> bool {
    true
}

fn default_rotate() -> u64 {
    100 * 1024 * 1024
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            path: None,
            rotate_bytes: default_rotate(),
            rotate_daily: default_daily(),
            subject_key: None,
        }
    }
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

use crate::hex::encode as hex;

/// The hash of a line body (`hash` removed) chained to `prev`.
fn chain_hash(prev: &str, body: &Map<String, Value>) -> String {
    hash_text(prev, &serde_json::to_string(body).unwrap_or_default())
}

/// [`chain_hash`] of a body already serialized (keys sorted, as `Map` keeps them).
fn hash_text(prev: &str, body: &str) -> String {
    let mut h = openssl::sha::Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body.as_bytes());
    hex(&h.finish())
}

struct Writer {
    /// `None`: standard output (no rotation; the chain starts afresh with each process).
    path: Option<PathBuf>,
    file: Box<dyn Write + Send>,
    size: u64,
    prev: String,
    seq: u64,
    rotate_bytes: u64,
    /// With daily rotation: the UTC day of the current file's last event.
    day: Option<time::Date>,
    daily: bool,
}

/// An open audit file, appended to under a lock.
pub struct AuditLog(Mutex<Writer>);

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditLog")
    }
}

/// `audit.path = "-"`: the audit trail goes to standard output (containers), the logs to stderr.
pub const STDOUT: &str = "-";

impl AuditLog {
    /// The audit trail on standard output: one chain per process, starting at the genesis hash
    /// (`audit verify` shows each start).
    pub fn stdout() -> AuditLog {
        AuditLog(Mutex::new(Writer {
            path: None,
            file: Box::new(std::io::stdout()),
            size: 0,
            prev: GENESIS.to_owned(),
            seq: 0,
            rotate_bytes: u64::MAX,
            day: None,
            daily: false,
        }))
    }

    /// Opens (or creates) `path`, continuing the chain of its last line.
    pub fn open(path: &Path, rotate_bytes: u64) -> std::io::Result<AuditLog> {
        Self::open_with(path, rotate_bytes, false)
    }

    /// As [`AuditLog::open`], also rotating at the first event of each UTC day when `daily`.
    pub fn open_with(path: &Path, rotate_bytes: u64, daily: bool) -> std::io::Result<AuditLog> {
        let (mut prev, mut seq, mut day) = (GENESIS.to_owned(), 0, None);
        if let Ok(f) = std::fs::File::open(path) {
            for line in std::io::BufReader::new(f).lines() {
                let line = line?;
                if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&line) {
                    if let Some(h) = m.get("hash").and_then(Value::as_str) {
                        prev = h.to_owned();
                    }
                    seq = m.get("seq").and_then(Value::as_u64).map_or(seq, |s| s + 1);
                    day = m
                        .get("time")
                        .and_then(Value::as_str)
                        .and_then(|t| {
                            time::OffsetDateTime::parse(
                                t,
                                &time::format_description::well_known::Rfc3339,
                            )
                            .ok()
                        })
                        .map(|t| t.date())
                        .or(day);
                }
            }
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        let size = file.metadata()?.len();
        Ok(AuditLog(Mutex::new(Writer {
            path: Some(path.to_owned()),
            file: Box::new(file),
            size,
            prev,
            seq,
            rotate_bytes: rotate_bytes.max(1024),
            day,
            daily,
        })))
    }

    /// Appends one event (its fields; `time`, `seq`, `prev` and `hash` are added). Failures are
    /// logged, never raised: the audit must not fail a login.
    pub fn append(&self, event: Map<String, Value>) {
        self.append_at(event, time::OffsetDateTime::now_utc());
    }

    fn append_at(&self, mut event: Map<String, Value>, now: time::OffsetDateTime) {
        let mut w = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let time = now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        event.insert("time".into(), Value::String(time));
        event.insert("seq".into(), Value::from(w.seq));
        event.insert("prev".into(), Value::String(w.prev.clone()));
        event.remove("hash");
        // Serialized once: the line is the hashed body with `hash` put first (`verify` reads
        // the line as a map, so the position of a key does not matter).
        let body = serde_json::to_string(&event).unwrap_or_default();
        let hash = hash_text(&w.prev, &body);
        let mut line = format!("{{\"hash\":\"{hash}\",");
        line.push_str(body.get(1..).unwrap_or("}"));
        line.push('\n');
        let new_day = w.daily && w.day.is_some_and(|d| d != now.date());
        if w.path.is_some()
            && w.size > 0
            && (new_day || w.size + line.len() as u64 > w.rotate_bytes)
        {
            if let Err(e) = rotate(&mut w) {
                tracing::error!(error = %e, "audit file rotation failed; appending to the current file");
            }
        }
        match w
            .file
            .write_all(line.as_bytes())
            .and_then(|()| w.file.flush())
        {
            Ok(()) => {
                w.day = Some(now.date());
                w.size += line.len() as u64;
                w.prev = hash;
                w.seq += 1;
            }
            Err(e) => tracing::error!(error = %e, "audit event could not be written"),
        }
    }
}

fn rotate(w: &mut Writer) -> std::io::Result<()> {
    let Some(path) = w.path.clone() else {
        return Ok(());
    };
    let stamp = time::OffsetDateTime::now_utc()
        .format(&time::macros::format_description!(
            "[year][month][day]T[hour][minute][second].[subsecond digits:6]Z"
        ))
        .unwrap_or_default();
    let mut rotated = path.clone().into_os_string();
    rotated.push(format!(".{stamp}"));
    std::fs::rename(&path, &rotated)?;
    w.file = Box::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?,
    );
    w.size = 0;
    Ok(())
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    pub why: String,
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub events: usize,
    /// Where a chain (re)starts at the genesis hash after the first: a process writing to
    /// standard output was restarted, or a file was begun afresh. `(file, 1-based line)`.
    pub restarts: Vec<(PathBuf, usize)>,
}

/// Checks `files` in order as one chain: every line an event, each `prev` the hash of the line
/// before. With `stream` (a captured standard output): lines that are not audit events (not a
/// JSON object with a `hash`: the startup line, log lines) are skipped, and a new chain may
/// begin, at the genesis hash and with a `node.started` event, where the process restarted;
/// removing or changing an event still breaks the next one's `prev`, and each restart is listed.
pub fn verify(files: &[PathBuf], stream: bool) -> Result<Verified, Break> {
    let mut prev: Option<String> = None;
    let mut seq: Option<u64> = None;
    let mut found = Verified {
        events: 0,
        restarts: Vec::new(),
    };
    for file in files {
        let f = std::fs::File::open(file).map_err(|e| Break {
            file: file.clone(),
            line: 0,
            why: format!("cannot read: {e}"),
        })?;
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let bad = |why: String| Break {
                file: file.clone(),
                line: i + 1,
                why,
            };
            let line = line.map_err(|e| bad(format!("cannot read: {e}")))?;
            let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(&line) else {
                if stream {
                    continue;
                }
                return Err(bad("not a JSON object".into()));
            };
            let Some(Value::String(hash)) = m.remove("hash") else {
                if stream {
                    continue;
                }
                return Err(bad("no hash".into()));
            };
            let Some(this_prev) = m.get("prev").and_then(Value::as_str).map(str::to_owned) else {
                return Err(bad("no prev".into()));
            };
            let this_seq = m.get("seq").and_then(Value::as_u64);
            let restart = stream
                && prev.is_some()
                && this_prev == GENESIS
                && this_seq == Some(0)
                && m.get("event").and_then(Value::as_str) == Some("node.started");
            if restart {
                found.restarts.push((file.clone(), i + 1));
            } else {
                if let Some(p) = &prev {
                    if *p != this_prev {
                        return Err(bad(
                            "prev is not the previous line's hash: a line was removed, added or reordered before it".into(),
                        ));
                    }
                }
                if let (Some(s), Some(t)) = (seq, this_seq) {
                    if t != s + 1 {
                        return Err(bad(format!("seq {t} follows {s}")));
                    }
                }
            }
            if chain_hash(&this_prev, &m) != hash {
                return Err(bad("the line was changed: its hash does not match".into()));
            }
            prev = Some(hash);
            seq = this_seq;
            found.events += 1;
        }
    }
    Ok(found)
}

/// The process's audit log, once configured; trust events (tracing target `audit`) go there.
static AUDIT: OnceLock<Arc<AuditLog>> = OnceLock::new();

/// Makes `log` the process's audit log (first call wins).
pub fn install(log: Arc<AuditLog>) {
    let _ = AUDIT.set(log);
}

/// A `tracing` layer copying events with target `audit` into the installed audit log.
#[derive(Debug, Default)]
pub struct AuditLayer;

struct Fields(Map<String, Value>);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().into(), Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0
            .insert(field.name().into(), Value::String(value.into()));
    }
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0.insert(field.name().into(), Value::from(value));
    }
    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.0.insert(field.name().into(), Value::from(value));
    }
    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        self.0.insert(field.name().into(), Value::from(value));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AuditLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if event.metadata().target() != "audit" {
            return;
        }
        let Some(log) = AUDIT.get() else {
            return;
        };
        let mut f = Fields(Map::new());
        event.record(&mut f);
        log.append(f.0);
    }
}

/// Login outcomes into the audit log; subjects keyed-hashed under `subject_key` when set.
pub struct AuditSink {
    pub log: Arc<AuditLog>,
    pub subject_key: Option<crate::events::SubjectKey>,
}

impl std::fmt::Debug for AuditSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditSink").finish_non_exhaustive()
    }
}

/// `audit.subject_key`: hex, at least 32 bytes.
pub fn subject_key(settings: &AuditSettings) -> Result<Option<crate::events::SubjectKey>, String> {
    use secrecy::ExposeSecret;
    let Some(k) = &settings.subject_key else {
        return Ok(None);
    };
    let k = k.expose_secret().trim();
    let bytes = (0..k.len())
        .step_by(2)
        .map(|i| k.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .filter(|b| k.len() % 2 == 0 && b.len() >= 32)
        .ok_or("audit.subject_key must be at least 32 bytes, hex")?;
    Ok(Some(crate::events::SubjectKey::new(&bytes)))
}

impl EventSink for AuditSink {
    fn emit(&self, event: &LoginEvent) {
        let mut m = Map::new();
        m.insert("event".into(), format!("login.{}", event.name()).into());
        if let Some(id) = crate::events::correlation_id() {
            m.insert("correlation_id".into(), id.into());
        }
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                m.insert(k.into(), Value::String(v));
            }
        };
        match event {
            LoginEvent::Authorized { client_id } | LoginEvent::Cancelled { client_id } => {
                put("client_id", Some(client_id.clone()));
            }
            LoginEvent::Started {
                client_id,
                method,
                country,
            } => {
                put("client_id", Some(client_id.clone()));
                put("method", Some(method.amr().into()));
                put("country", country.clone());
            }
            LoginEvent::Completed {
                client_id,
                method,
                country,
                loa,
                subject,
            } => {
                put("client_id", Some(client_id.clone()));
                put("method", Some(method.amr().into()));
                put("country", Some(country.clone()));
                put("loa", Some(loa.as_str().into()));
                put(
                    "subject_hash",
                    self.subject_key.as_ref().map(|k| subject.keyed_hash(k)),
                );
            }
            LoginEvent::Returned {
                method,
                country,
                abroad,
            } => {
                put("method", Some(method.amr().into()));
                put("country", country.clone());
                put("abroad_ms", Some(abroad.as_millis().to_string()));
            }
            LoginEvent::Denied { method, country }
            | LoginEvent::PeerFailure { method, country }
            | LoginEvent::Unavailable { method, country } => {
                put("method", Some(method.amr().into()));
                put("country", country.clone());
            }
            LoginEvent::Rejected {
                method,
                country,
                code,
            } => {
                put("method", Some(method.amr().into()));
                put("country", country.clone());
                put("error_code", Some((*code).into()));
            }
            LoginEvent::Abandoned {
                stage,
                client_id,
                country,
            } => {
                put("stage", Some(stage.as_str().into()));
                put("client_id", client_id.clone());
                put("country", country.clone());
            }
        }
        self.log.append(m);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn tmp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "eidas-audit-{tag}-{}-{}",
            std::process::id(),
            time::OffsetDateTime::now_utc().unix_timestamp_nanos()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn ev(name: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("event".into(), name.into());
        m
    }

    #[test]
    fn a_chain_verifies_and_any_change_or_removal_is_found() {
        let d = tmp("chain");
        let p = d.join("audit.jsonl");
        let log = AuditLog::open(&p, 1 << 20).unwrap();
        for i in 0..5 {
            log.append(ev(&format!("e{i}")));
        }
        drop(log);
        // Reopened: the chain continues.
        let log = AuditLog::open(&p, 1 << 20).unwrap();
        log.append(ev("e5"));
        assert_eq!(verify(std::slice::from_ref(&p), false).unwrap().events, 6);
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // A changed line.
        let changed = text.replacen("\"e2\"", "\"eX\"", 1);
        std::fs::write(&p, &changed).unwrap();
        let b = verify(std::slice::from_ref(&p), false).unwrap_err();
        assert_eq!(b.line, 3, "{b:?}");
        assert!(b.why.contains("changed"), "{b:?}");
        // A removed line.
        let removed: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 3)
            .map(|(_, l)| *l)
            .collect();
        std::fs::write(&p, removed.join("\n") + "\n").unwrap();
        let b = verify(std::slice::from_ref(&p), false).unwrap_err();
        assert_eq!(b.line, 4, "{b:?}");
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// A container's output: the startup line and JSON log lines among the events, and a second
    /// process's chain after a restart. Strictly, that is refused; as a stream, other lines are
    /// skipped and the restart (a `node.started` at the genesis hash) is reported; a restart
    /// without `node.started`, and a removed event, are found.
    #[test]
    fn a_mixed_output_stream_verifies_per_process_and_still_finds_removals() {
        let d = tmp("stdout");
        let (a, b, c) = (d.join("a.jsonl"), d.join("b.jsonl"), d.join("c.jsonl"));
        for (p, first, n) in [
            (&a, "node.started", 3),
            (&b, "node.started", 2),
            (&c, "e0", 2),
        ] {
            let log = AuditLog::open(p, 1 << 20).unwrap();
            log.append(ev(first));
            for i in 1..n {
                log.append(ev(&format!("e{i}")));
            }
        }
        let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap();
        let (ta, tb, tc) = (read(&a), read(&b), read(&c));
        let ea: Vec<&str> = ta.lines().collect();
        let stream = d.join("pod.log");
        let mixed = format!(
            "listening on http://0.0.0.0:8080\n{}\n{{\"level\":\"INFO\",\"fields\":{{}}}}\n{}\n{}\nlistening on http://0.0.0.0:8080\n{tb}",
            ea[0], ea[1], ea[2]
        );
        std::fs::write(&stream, &mixed).unwrap();
        let strict = verify(std::slice::from_ref(&stream), false).unwrap_err();
        assert_eq!(strict.line, 1, "{strict:?}");
        let v = verify(std::slice::from_ref(&stream), true).unwrap();
        assert_eq!(v.events, 5);
        assert_eq!(v.restarts, vec![(stream.clone(), 7)]);
        // A new chain that does not begin with the node starting: not a restart.
        let forged = mixed.replacen(&tb, &tc, 1);
        std::fs::write(&stream, forged).unwrap();
        let e = verify(std::slice::from_ref(&stream), true).unwrap_err();
        assert_eq!(e.line, 7, "{e:?}");
        let without = mixed.replacen(&format!("{}\n", ea[1]), "", 1);
        std::fs::write(&stream, without).unwrap();
        let e = verify(std::slice::from_ref(&stream), true).unwrap_err();
        assert_eq!(e.line, 4, "{e:?}");
        // A file begun afresh (truncated, reopened) is a break, not a restart.
        let mut two = ta.clone();
        two.push_str(&tb);
        std::fs::write(&a, two).unwrap();
        let e = verify(std::slice::from_ref(&a), false).unwrap_err();
        assert_eq!(e.line, 4, "{e:?}");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn daily_rotation_starts_a_file_per_day_and_keeps_the_chain() {
        let d = tmp("daily");
        let p = d.join("audit.jsonl");
        let log = AuditLog::open_with(&p, 1 << 30, true).unwrap();
        let day1 = time::macros::datetime!(2026-12-01 23:59 UTC);
        log.append_at(ev("a"), day1);
        log.append_at(ev("b"), day1);
        std::thread::sleep(std::time::Duration::from_millis(5));
        log.append_at(ev("c"), day1 + time::Duration::minutes(2));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 2, "{files:?}");
        // The rotated file (name with a timestamp) sorts after `audit.jsonl`: put it first.
        files.rotate_left(1);
        assert_eq!(verify(&files, false).unwrap().events, 3);
        assert_eq!(std::fs::read_to_string(&p).unwrap().lines().count(), 1);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn rotation_keeps_the_chain_across_files() {
        let d = tmp("rotate");
        let p = d.join("audit.jsonl");
        let log = AuditLog::open(&p, 1024).unwrap();
        for i in 0..40 {
            log.append(ev(&format!("event number {i}")));
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|f| f != &p)
            .collect();
        files.sort();
        assert!(files.len() >= 2, "{files:?}");
        files.push(p.clone());
        assert_eq!(verify(&files, false).unwrap().events, 40);
        // A file left out breaks the chain where the next one starts.
        let mut missing = files.clone();
        missing.remove(1);
        let b = verify(&missing, false).unwrap_err();
        assert_eq!(b.file, files[2]);
        assert_eq!(b.line, 1);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
