//! The binaries' listening convention: `listening on http://ADDR` on stdout, then serving.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(bin: &str, args: &[&str]) -> (Kill, String) {
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (Kill(child), url)
}

#[tokio::test]
async fn sim_country_binary_prints_its_address_and_serves_metadata() {
    let dir = std::env::temp_dir().join(format!("sim-certs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (_child, url) = spawn(
        env!("CARGO_BIN_EXE_eidas-sim-country"),
        &[
            "--listen",
            "127.0.0.1:0",
            "--auto",
            "--cert-dir",
            dir.to_str().unwrap(),
        ],
    );
    let r = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    let md = reqwest::get(format!("{url}/xa/metadata"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cert = openssl::x509::X509::from_pem(&std::fs::read(dir.join("xa.crt")).unwrap()).unwrap();
    let ps = eidas_node::saml::metadata::verify_metadata(
        &md,
        &eidas_node::saml::metadata::MetadataTrust::Pinned(vec![cert]),
        &eidas_node::saml::crypto::SignaturePolicy::EIDAS,
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    assert_eq!(ps[0].entity_id, format!("{url}/xa/metadata"));
    assert!(ps[0].unusable_reasons().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn demo_rp_binary_prints_its_address_and_serves_its_home_page() {
    let (_child, url) = spawn(
        env!("CARGO_BIN_EXE_eidas-demo-rp"),
        &[
            "--issuer",
            "http://127.0.0.1:9",
            "--client-id",
            "x",
            "--client-secret",
            "y",
        ],
    );
    let body = reqwest::get(format!("{url}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Log in with your European eID"));
}
