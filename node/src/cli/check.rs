//! `eidas-node check`: every problem with the configuration, one readable line each.

use std::path::Path;
use std::sync::Arc;

use crate::clock::SystemClock;

/// What `check` found: the exit code is 0 for `Clean`, 2 for `Warnings`, 1 for an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    Warnings,
}

/// Every problem of the configuration in one run: unreadable files all at once; keys, clients
/// and the store; and the trust sources, checked even when the rest failed (with a trust store
/// of their own then).
pub async fn run(config: &Path) -> anyhow::Result<Verdict> {
    let mut settings = match crate::config::Settings::load(config, std::env::vars()) {
        Ok(s) => s,
        Err(e) => {
            let lines: Vec<String> = e.to_string().lines().map(str::to_owned).collect();
            for l in &lines {
                println!("problem: {l}");
            }
            anyhow::bail!("{} problem(s) found in {}", lines.len(), config.display());
        }
    };
    println!("configuration {}: syntax ok", config.display());
    let mut setup_problems = 0usize;
    // The audit trail is checked, never written: a `check` is no event of the node.
    for p in audit_problems(&settings) {
        println!("problem: {p}");
        setup_problems += 1;
    }
    settings.audit.path = None;
    let mut wallet = None;
    let (trust, warnings) = match crate::app::build(&settings, Arc::new(SystemClock)).await {
        Ok(state) => {
            wallet = state.web.wallet();
            println!("keys, clients and store: ok");
            let warnings = crate::app::warnings(&settings, &state);
            match state.web.store.ping().await {
                Ok(()) => println!("state store: reachable"),
                Err(e) => {
                    println!("problem: state store: {e}");
                    setup_problems += 1;
                }
            }
            (state.web.trust.clone(), warnings)
        }
        Err(problems) => {
            for p in &problems {
                println!("problem: {p}");
            }
            setup_problems += problems.len();
            // The trust sources are checked all the same, with a store of their own.
            match standalone_trust(&settings) {
                Ok(t) => (Arc::new(t), Vec::new()),
                Err(ps) => {
                    for p in &ps {
                        println!("problem: {p}");
                    }
                    anyhow::bail!("{} problem(s) found", setup_problems + ps.len());
                }
            }
        }
    };
    for w in &warnings {
        println!("warning: {w}");
    }
    // Verify everything, but leave the fleet's trust versions alone.
    trust.never_propose();
    let problems = trust.refresh().await;
    let lists = trust.list_status();
    for l in &lists {
        let show =
            |t: Option<time::OffsetDateTime>| t.map_or_else(|| "-".into(), |v| v.to_string());
        match (&l.problem, l.last_success) {
            (Some(p), _) => println!("problem: list {}: {p}", l.source.name),
            (None, Some(_)) => println!(
                "list {}: ok (issued {}, next update {})",
                l.source.name,
                show(l.issue_date),
                show(l.next_update)
            ),
            (None, None) => println!("problem: list {}: not loaded", l.source.name),
        }
        for n in &l.notes {
            println!("warning: list {}: {n}", l.source.name);
        }
    }
    let list_notes: usize = lists.iter().map(|l| l.notes.len()).sum();
    for c in trust.status() {
        match (&c.service, &c.problem) {
            (Some(ps), None) => println!(
                "country {}: ok ({}, valid until {})",
                c.source.code,
                ps.entity_id,
                ps.valid_until
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into())
            ),
            (_, Some(p)) => println!("problem: country {}: {p}", c.source.code),
            (None, None) => println!("problem: country {}: not loaded", c.source.code),
        }
    }
    let now = time::OffsetDateTime::now_utc();
    let within =
        time::Duration::days(i64::try_from(settings.trust.expiry_warning_days).unwrap_or(14));
    let metadata_within = time::Duration::seconds(
        i64::try_from(settings.trust.refresh_seconds.saturating_mul(2)).unwrap_or(7200),
    );
    let mut expiring = 0usize;
    // A list (or aggregate) in force that lapses before two refreshes could replace it.
    for l in &lists {
        if let Some(n) = l.next_update.filter(|n| *n <= now + metadata_within) {
            println!(
                "warning: list {}: the list in force lapses at {n}, before two refreshes could replace it",
                l.source.name
            );
            expiring += 1;
        }
    }
    for c in trust.status() {
        for line in c.expiring(now, within, metadata_within) {
            println!("warning: {line}");
            expiring += 1;
        }
    }
    // The PID providers in force and their lists (verified by `build` already).
    for line in wallet.iter().flat_map(|w| w.providers.report(now, within)) {
        if line.starts_with("problem: ") {
            setup_problems += 1;
        } else if line.starts_with("warning: ") {
            expiring += 1;
        }
        println!("{line}");
    }
    if setup_problems + problems.len() > 0 {
        anyhow::bail!(
            "{} problem(s) found ({} in keys, clients and store; {} in trust)",
            setup_problems + problems.len(),
            setup_problems,
            problems.len()
        );
    }
    if warnings.is_empty() && expiring == 0 && list_notes == 0 {
        println!("all checks passed");
        Ok(Verdict::Clean)
    } else {
        println!(
            "all checks passed, {} warning(s)",
            warnings.len() + expiring + list_notes
        );
        Ok(Verdict::Warnings)
    }
}

/// The trust sources alone, for a check whose keys, clients or store failed.
fn standalone_trust(
    settings: &crate::config::Settings,
) -> Result<crate::trust::TrustStore, Vec<String>> {
    let resolve = |p: &Path| settings.path(p);
    let sources = crate::trust::Source::from_settings(&settings.trust, &resolve)
        .map_err(|e| e.iter().map(|e| format!("trust: {e}")).collect::<Vec<_>>())?;
    let lists = crate::trust::lists::ListSource::from_settings(&settings.trust.lists, &resolve)
        .map_err(|e| e.iter().map(|e| format!("trust: {e}")).collect::<Vec<_>>())?;
    crate::trust::TrustStore::new(sources, Arc::new(SystemClock))
        .map(|t| t.with_lists(lists))
        .map_err(|e| vec![format!("trust: {e}")])
}

/// `[audit]` without touching the trail: the file (or its directory) must be writable and the
/// subject key well-formed.
fn audit_problems(s: &crate::config::Settings) -> Vec<String> {
    let mut out = Vec::new();
    if let Err(e) = crate::audit::subject_key(&s.audit) {
        out.push(e);
    }
    let Some(path) = &s.audit.path else {
        return out;
    };
    if path.as_os_str() == crate::audit::STDOUT {
        return out;
    }
    let path = s.path(path);
    let problem = if path.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .err()
            .map(|e| format!("cannot be written: {e}"))
    } else {
        match path.parent().map(std::fs::metadata) {
            Some(Ok(m)) if m.is_dir() && !m.permissions().readonly() => None,
            Some(Ok(_)) => Some("its directory is not writable".into()),
            _ => Some("its directory does not exist".into()),
        }
    };
    if let Some(p) = problem {
        out.push(format!("audit.path {}: {p}", path.display()));
    }
    out
}
