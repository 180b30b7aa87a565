//! The dependency rule of ARCHITECTURE.md, checked on the source: which module may name which.
//! A `use` that brings a cycle or a protocol into the wrong place fails here, with the file and
//! the line, before review has to notice it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `rel` (a directory or one file).
fn files(rel: &str) -> Vec<PathBuf> {
    let root = src().join(rel);
    if root.is_file() {
        return vec![root];
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}

/// Code lines (comments dropped) that contain `needle`, outside `#[cfg(test)]` files named
/// `tests.rs` and `contract.rs` (test code may reach across).
fn offenders(rel: &str, needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for f in files(rel) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name == "tests.rs" || name == "contract.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        // Stop at an inline test module: tests may use anything.
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for (i, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            for n in needles {
                if l.contains(n) && !allowed.iter().any(|a| l.contains(a)) {
                    found.push(format!(
                        "{}:{}: {}",
                        f.strip_prefix(src()).unwrap().display(),
                        i + 1,
                        l
                    ));
                }
            }
        }
    }
    found
}

fn assert_none(rel: &str, needles: &[&str], allowed: &[&str]) {
    let found = offenders(rel, needles, allowed);
    assert!(
        found.is_empty(),
        "{rel} must not name {needles:?}:\n{}",
        found.join("\n")
    );
}

#[test]
fn saml_and_oidc_never_import_each_other_http_or_wiring() {
    let outside = [
        "crate::web",
        "crate::trust",
        "crate::config",
        "crate::app",
        "axum",
    ];
    let mut saml = outside.to_vec();
    saml.push("crate::oidc");
    assert_none("saml", &saml, &[]);
    let mut oidc = outside.to_vec();
    oidc.push("crate::saml");
    assert_none("oidc", &oidc, &[]);
}

#[test]
fn trust_knows_saml_but_not_http_oidc_or_the_whole_config() {
    assert_none(
        "trust",
        &[
            "crate::web",
            "crate::oidc",
            "crate::config",
            "crate::app",
            "axum",
        ],
        &[],
    );
}

#[test]
fn protocol_free_modules_stay_protocol_free() {
    let protocols = [
        "crate::saml",
        "crate::oidc",
        "crate::web",
        "crate::trust",
        "crate::config",
        "crate::app",
    ];
    for m in [
        "store",
        "keys",
        "jose",
        "identity.rs",
        "clock.rs",
        "cpu.rs",
        "events.rs",
        "admin.rs",
        "audit.rs",
    ] {
        assert_none(m, &protocols, &[]);
    }
    assert_none("keys", &["axum", "crate::store"], &[]);
}

/// The wallet core (issue 15) is a protocol core like SAML and OIDC: it knows neither of them,
/// nor HTTP, the store or the wiring; the web layer joins it to the OIDC flow.
#[test]
fn the_wallet_core_knows_no_other_protocol_http_or_store() {
    assert_none(
        "wallet",
        &[
            "crate::saml",
            "crate::oidc",
            "crate::web",
            "crate::trust",
            "crate::store",
            "crate::config",
            "crate::app",
            "axum",
        ],
        &[],
    );
    assert_none("jose", &["crate::wallet", "axum"], &[]);
}

#[test]
fn config_only_loads_and_names_nothing_but_section_types() {
    assert_none(
        "config.rs",
        &[
            "crate::web",
            "crate::trust",
            "crate::saml",
            "crate::oidc",
            "crate::store",
        ],
        &[
            "crate::web::i18n::UiSettings",
            "crate::web::limits::RateLimitSettings",
            "crate::audit::AuditSettings",
            "crate::trust::settings::",
            "crate::saml::settings::",
            "crate::oidc::settings::",
            "crate::store::settings::",
            "crate::oidc::ClientSettings",
            "crate::wallet::settings::",
        ],
    );
}

#[test]
fn the_neutral_flow_knows_no_way_in_and_a_way_in_never_ends_the_oidc_flow() {
    assert_none("web/flow.rs", &["saml", "SAML"], &[]);
    assert_none(
        "web/saml",
        &["complete_authorization", "fail_authorization"],
        &[],
    );
}

/// The checker itself finds what it is told to find (a rule that cannot fail proves nothing).
#[test]
fn the_checker_finds_a_planted_name() {
    let found = offenders("web/saml", &["fn start("], &[]);
    assert!(!found.is_empty());
    assert!(offenders("saml", &["crate::identity"], &[]).len() > 1);
}
