//! Golden file for the discovery document (house-style H5 §3): CI fails on drift.
//! Regenerate deliberately with `UPDATE_GOLDEN=1 cargo test --test api golden`.

use std::path::PathBuf;

use crate::helpers::*;

#[tokio::test]
async fn discovery_document_matches_golden_file() {
    let app = spawn_app().await;
    let body = app
        .http
        .get(format!("{}/.well-known/openid-configuration", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&body.replace(&app.base, "{issuer}")).unwrap();
    let pretty = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/oidc/openid-configuration.json");
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let golden =
        std::fs::read_to_string(&path).expect("golden file; run with UPDATE_GOLDEN=1 once");
    assert_eq!(
        pretty,
        golden,
        "discovery document drifted from {}",
        path.display()
    );
}
