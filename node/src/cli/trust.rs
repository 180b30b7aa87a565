//! `eidas-node trust status | refresh | diff [VERSION] | approve VERSION | reject VERSION |
//! rollback VERSION | history | approve-list LIST DIGEST`: a running node's trust, read and changed through its admin API
//! with a token from `admin.token_paths` (the token file's name is the operator named in the
//! history and the audit events). Human-readable by default, `--json` for scripts.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;

#[derive(Debug, clap::Args)]
pub struct StatusOptions {
    #[command(flatten)]
    pub config: super::ConfigPath,
    /// The admin API's base URL; default `http://{admin.listen}`.
    #[arg(long)]
    pub admin_url: Option<String>,
    /// Print the JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct VersionOptions {
    /// A trust version: its id or at least 8 leading hex digits of it.
    pub version: String,
    #[command(flatten)]
    pub common: StatusOptions,
}

#[derive(Debug, clap::Args)]
pub struct ListApproveOptions {
    /// The PID-provider list's `name` in `[[wallet.lists]]`.
    pub list: String,
    /// The digest of the list as verified (at least 8 leading hex digits), from `trust status`.
    pub digest: String,
    #[command(flatten)]
    pub common: StatusOptions,
}

#[derive(Debug, clap::Args)]
pub struct DiffOptions {
    /// Compare the active version with this one (default: the staged one).
    pub version: Option<String>,
    #[command(flatten)]
    pub common: StatusOptions,
}

/// What a `trust` subcommand asks the admin API.
#[derive(Debug, Clone, Copy)]
pub enum Ask<'a> {
    Status,
    /// Fetch and verify every source now, then the status.
    Refresh,
    Diff(Option<&'a str>),
    History,
    Approve(&'a str),
    Reject(&'a str),
    Rollback(&'a str),
    /// A PID-provider list under review approved: (list, digest).
    ApproveList(&'a str, &'a str),
}

/// Runs one `trust` subcommand and prints its answer.
pub async fn run(opts: &StatusOptions, ask: Ask<'_>) -> anyhow::Result<()> {
    let settings = super::load(&opts.config)?;
    let token_path = settings.admin.token_paths.first().context(
        "admin.token_paths is empty: the admin API is off, so there is no running state to read",
    )?;
    let path = settings.path(token_path);
    let token = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the admin token {}", path.display()))?;
    let base = opts
        .admin_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.admin.listen));
    let v = call(&base, token.trim(), ask).await?;
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!(
            "{}",
            match ask {
                Ask::Status | Ask::Refresh => render(&v),
                Ask::Diff(_) => render_diff(&v),
                Ask::History => render_history(&v),
                Ask::Approve(_) | Ask::Reject(_) | Ask::Rollback(_) => render_decision(&v, ask),
                Ask::ApproveList(..) => render_list_approval(&v),
            }
        );
    }
    Ok(())
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Calls the admin API with the bearer token; an error answer becomes an error with its message.
pub async fn call(base: &str, token: &str, ask: Ask<'_>) -> anyhow::Result<Value> {
    let base = base.trim_end_matches('/');
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let (post, path) = match ask {
        Ask::Status => (false, "/admin/trust/status".to_owned()),
        Ask::History => (false, "/admin/trust/history".to_owned()),
        Ask::Refresh => (true, "/admin/trust/refresh".to_owned()),
        Ask::Diff(None) => (false, "/admin/trust/diff".to_owned()),
        Ask::Diff(Some(v)) => (false, format!("/admin/trust/diff?version={}", encode(v))),
        Ask::Approve(v) => (true, format!("/admin/trust/versions/{}/approve", encode(v))),
        Ask::Reject(v) => (true, format!("/admin/trust/versions/{}/reject", encode(v))),
        Ask::Rollback(v) => (
            true,
            format!("/admin/trust/versions/{}/rollback", encode(v)),
        ),
        Ask::ApproveList(list, digest) => (
            true,
            format!(
                "/admin/wallet/lists/{}/approve?digest={}",
                encode(list),
                encode(digest)
            ),
        ),
    };
    let url = format!("{base}{path}");
    let req = if post {
        client.post(&url)
    } else {
        client.get(&url)
    };
    let resp = req
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("calling {url}"))?;
    let status = resp.status();
    let body = resp.bytes().await?;
    if !status.is_success() {
        let why = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default();
        anyhow::bail!("{url} answered HTTP {status} {why}");
    }
    serde_json::from_slice(&body).with_context(|| format!("{url} did not answer JSON"))
}

/// `GET {base}/admin/trust/status` with the bearer token.
pub async fn fetch(base: &str, token: &str) -> anyhow::Result<Value> {
    call(base, token, Ask::Status).await
}

fn short(v: &Value) -> String {
    v.as_str()
        .map_or_else(|| "-".to_owned(), |s| s.get(..12).unwrap_or(s).to_owned())
}

/// A diff, one line per change: `+`/`-` for set members, `~` for a changed value.
pub fn render_diff(v: &Value) -> String {
    let mut out = String::new();
    if v["to"].is_null() {
        let _ = writeln!(
            out,
            "active version {}; nothing is staged for review",
            short(&v["from"])
        );
        return out;
    }
    let _ = writeln!(
        out,
        "from {} (active) to {}: {}",
        short(&v["from"]),
        short(&v["to"]),
        v["summary"].as_str().unwrap_or("")
    );
    for c in v["changes"].as_array().into_iter().flatten() {
        let cc = c["country"].as_str().unwrap_or("?");
        let src = c["source"].as_str().unwrap_or("?");
        let what = &c["what"];
        match what["kind"].as_str() {
            Some("country_added") => {
                let _ = writeln!(out, "+ {cc}: country added (from {src})");
            }
            Some("country_removed") => {
                let _ = writeln!(out, "- {cc}: country removed (was from {src})");
            }
            Some("changed") => {
                let _ = writeln!(
                    out,
                    "~ {cc}: {} {} -> {} ({src})",
                    what["field"].as_str().unwrap_or("?"),
                    what["from"].as_str().unwrap_or("-"),
                    what["to"].as_str().unwrap_or("-")
                );
            }
            _ => {
                let field = what["field"].as_str().unwrap_or("?");
                for r in what["removed"].as_array().into_iter().flatten() {
                    let _ = writeln!(out, "- {cc}: {field} {} ({src})", r.as_str().unwrap_or(""));
                }
                for a in what["added"].as_array().into_iter().flatten() {
                    let _ = writeln!(out, "+ {cc}: {field} {} ({src})", a.as_str().unwrap_or(""));
                }
            }
        }
    }
    out
}

/// The history, newest first.
pub fn render_history(v: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "active {}, staged {}",
        short(&v["active"]),
        short(&v["staged"])
    );
    for e in v["entries"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "{}  {:<17} {}  by {}",
            e["at"].as_str().unwrap_or("-"),
            e["action"].as_str().unwrap_or("-"),
            short(&e["id"]),
            e["by"].as_str().unwrap_or("-")
        );
    }
    out
}

fn render_list_approval(v: &Value) -> String {
    format!(
        "wallet list {} {} (sequence {}) approved (by {}); other instances follow within seconds\n",
        v["list"].as_str().unwrap_or("-"),
        v["digest"]
            .as_str()
            .and_then(|d| d.get(..12))
            .unwrap_or("-"),
        v["sequence"],
        v["by"].as_str().unwrap_or("-")
    )
}

fn render_decision(v: &Value, ask: Ask<'_>) -> String {
    let what = match ask {
        Ask::Approve(_) => "approved: now active",
        Ask::Reject(_) => "rejected: the active version stays",
        _ => "rolled back: now active",
    };
    format!(
        "{} {what} (by {}); other instances follow within trust.sync_seconds\n",
        short(&v["version"]),
        v["by"].as_str().unwrap_or("-")
    )
}

/// The status as a readable table: one line per list and per country, then their notes.
pub fn render(v: &Value) -> String {
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or("-").to_owned();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ready: {}",
        if v["ready"].as_bool() == Some(true) {
            "yes"
        } else {
            "no"
        }
    );
    if !v["active_version"].is_null() {
        let _ = writeln!(out, "active trust version: {}", short(&v["active_version"]));
    }
    if let Some(h) = v["hold"].as_str() {
        let _ = writeln!(
            out,
            "automatic activation suspended ({h}): every change waits for review until the next approval"
        );
    }
    if !v["staged_version"].is_null() {
        let _ = writeln!(
            out,
            "staged for review: {} (`eidas-node trust diff`, then approve or reject)",
            short(&v["staged_version"])
        );
    }
    for l in v["lists"].as_array().into_iter().flatten() {
        let state = match l["problem"].as_str() {
            Some(p) => format!("problem: {p}"),
            None => format!(
                "ok, issued {}, next update {}",
                s(l, "issue_date"),
                s(l, "next_update")
            ),
        };
        let _ = writeln!(out, "list {}: {state}", s(l, "name"));
        for n in l["notes"].as_array().into_iter().flatten() {
            let _ = writeln!(out, "  note: {}", n.as_str().unwrap_or(""));
        }
        for w in l["warnings"].as_array().into_iter().flatten() {
            let _ = writeln!(out, "  warning: {}", w.as_str().unwrap_or(""));
        }
    }
    for c in v["countries"].as_array().into_iter().flatten() {
        let state = if c["usable"].as_bool() == Some(true) {
            format!(
                "ok, {} valid until {}",
                s(c, "entity_id"),
                s(c, "valid_until")
            )
        } else {
            "not offered".to_owned()
        };
        let _ = writeln!(
            out,
            "country {} ({}): {state}",
            s(c, "code"),
            s(c, "source")
        );
        for w in c["warnings"].as_array().into_iter().flatten() {
            let _ = writeln!(out, "  warning: {}", w.as_str().unwrap_or(""));
        }
        if let Some(h) = c["held_back"].as_str() {
            let _ = writeln!(out, "  held back: {h}");
        }
        if let Some(p) = c["problem"].as_str() {
            let _ = writeln!(
                out,
                "  problem: {p} (failures {}, next attempt {})",
                c["failures"],
                s(c, "next_attempt")
            );
        }
    }
    // The wallet's PID providers and their signed lists (when the wallet is offered).
    let w = &v["wallet"];
    for l in w["lists"].as_array().into_iter().flatten() {
        let state = match l["problem"].as_str() {
            Some(p) => format!("problem: {p}"),
            None if l["usable"].as_bool() == Some(true) => format!(
                "ok, sequence {}, next update {}, {} provider(s)",
                l["sequence"],
                s(l, "next_update"),
                l["providers"].as_array().map_or(0, Vec::len)
            ),
            None => "not in force".to_owned(),
        };
        let _ = writeln!(out, "wallet list {}: {state}", s(l, "name"));
        for n in l["notes"].as_array().into_iter().flatten() {
            let _ = writeln!(out, "  note: {}", n.as_str().unwrap_or(""));
        }
        if l["review"].as_bool() == Some(true) {
            let short = |v: &Value| {
                v.as_str()
                    .and_then(|d| d.get(..12))
                    .unwrap_or("-")
                    .to_owned()
            };
            match &l["approved"] {
                Value::Null => {
                    let _ = writeln!(out, "  under review: nothing approved yet");
                }
                a => {
                    let _ = writeln!(
                        out,
                        "  under review: approved {} (sequence {}, by {})",
                        short(&a["digest"]),
                        a["sequence"],
                        s(a, "by")
                    );
                }
            }
            if !l["staged"].is_null() {
                let st = &l["staged"];
                let _ = writeln!(
                    out,
                    "  held back: sequence {} adds {}; `eidas-node trust approve-list {} {}`",
                    st["sequence"],
                    st["adds"]
                        .as_array()
                        .map(|a| a
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("; "))
                        .unwrap_or_default(),
                    s(l, "name"),
                    short(&st["digest"])
                );
            }
        }
    }
    for p in w["providers"].as_array().into_iter().flatten() {
        let id = p["id"]
            .as_str()
            .map(|i| format!("/{i}"))
            .unwrap_or_default();
        let anchors = p["anchors"].as_array().map_or(&[][..], Vec::as_slice);
        let until = anchors
            .iter()
            .filter_map(|a| a["not_after"].as_str())
            .min()
            .unwrap_or("-");
        let _ = writeln!(
            out,
            "wallet provider {}{id} ({}): {} anchor(s), the first expiring {until}",
            s(p, "country"),
            s(p, "source"),
            anchors.len()
        );
    }
    out
}
