//! `eidas-node check`: every problem with the configuration, one readable line each.

use std::path::Path;
use std::sync::Arc;

use crate::clock::SystemClock;

pub async fn run(config: &Path) -> anyhow::Result<()> {
    let settings = super::load(config)?;
    println!("configuration {}: syntax ok", config.display());
    let state = match crate::app::build(&settings, Arc::new(SystemClock)).await {
        Ok(state) => state,
        Err(problems) => {
            for p in &problems {
                println!("problem: {p}");
            }
            anyhow::bail!("{} problem(s) found", problems.len());
        }
    };
    println!("keys, clients and store: ok");
    let mut warnings = 0usize;
    if state
        .web
        .provider
        .keys
        .snapshot()
        .current(crate::oidc::jose::Alg::RS256)
        .is_none()
    {
        // OpenID Connect Discovery §3: id_token_signing_alg_values_supported MUST include RS256.
        println!(
            "warning: oidc.signing_keys has no current RS256 key: OpenID Connect Discovery §3 \
             requires RS256 among the ID token algorithms (clients that register none still get ES256)"
        );
        warnings += 1;
    }
    match state.web.store.ping().await {
        Ok(()) => println!("state store: reachable"),
        Err(e) => anyhow::bail!("state store: {e}"),
    }
    let problems = state.web.trust.refresh().await;
    for c in state.web.trust.status() {
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
    if settings.trust.countries.is_empty() {
        println!("warning: no countries configured");
        warnings += 1;
    }
    if !problems.is_empty() {
        anyhow::bail!("{} country problem(s) found", problems.len());
    }
    if warnings > 0 {
        println!("all checks passed, {warnings} warning(s)");
    } else {
        println!("all checks passed");
    }
    Ok(())
}
