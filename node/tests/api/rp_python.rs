//! An independent relying party in another language: Authlib (Python) runs
//! `tests/oidc-rp-python/rp.py` against the server on 127.0.0.1 port 0.
//! Fails under `CI=true` when python3 or Authlib is missing; elsewhere skips with a notice.

use std::path::PathBuf;
use std::process::Command;

use crate::helpers::*;

fn python_with_authlib() -> bool {
    Command::new("python3")
        .args(["-c", "import authlib, requests"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authlib_client_completes_code_flow_with_pkce() {
    if !python_with_authlib() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but python3 with authlib is unavailable (pip install -r tests/oidc-rp-python/requirements.txt)");
        }
        eprintln!(
            "SKIPPED authlib_client_completes_code_flow_with_pkce: python3 with authlib not found"
        );
        return;
    }
    let app = spawn_app().await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/oidc-rp-python/rp.py");
    let base = app.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .args([&base, "rp-secret", SECRET, REDIRECT])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "rp.py failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert_eq!(stdout.lines().last(), Some("OK"), "{stdout}");
    assert!(stdout.contains("EL/EE/123456789"));
}
