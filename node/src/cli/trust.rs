//! `eidas-node trust status`: what a running node trusts, read from its admin API
//! (`GET /admin/trust/status`) with a token from `admin.token_paths`.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;

#[derive(Debug, clap::Args)]
pub struct StatusOptions {
    #[arg(
        long,
        short,
        env = "EIDAS_NODE_CONFIG",
        default_value = "eidas-node.toml"
    )]
    pub config: std::path::PathBuf,
    /// The admin API's base URL; default `http://{admin.listen}`.
    #[arg(long)]
    pub admin_url: Option<String>,
    /// Print the JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

pub async fn status(opts: &StatusOptions) -> anyhow::Result<()> {
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
    let v = fetch(&base, token.trim()).await?;
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", render(&v));
    }
    Ok(())
}

/// `GET {base}/admin/trust/status` with the bearer token.
pub async fn fetch(base: &str, token: &str) -> anyhow::Result<Value> {
    let url = format!("{}/admin/trust/status", base.trim_end_matches('/'));
    let resp = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("calling {url}"))?;
    let status = resp.status();
    if !status.is_success() {
        anyhow::bail!("{url} answered HTTP {status}");
    }
    let body = resp.bytes().await?;
    serde_json::from_slice(&body).with_context(|| format!("{url} did not answer JSON"))
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
        if let Some(p) = c["problem"].as_str() {
            let _ = writeln!(
                out,
                "  problem: {p} (failures {}, next attempt {})",
                c["failures"],
                s(c, "next_attempt")
            );
        }
    }
    out
}
