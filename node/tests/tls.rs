#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Built-in TLS of the real binary: TLS 1.2 and 1.3 accepted, TLS 1.1 refused
//! (eidas-requirements §3), the gateway served over https, and `Secure` cookies derived from an
//! https public URL.

mod support;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode, SslVersion};

struct Gateway {
    child: Child,
    addr: String,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keys() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../keys-example/gateway")
}

fn start_tls_gateway() -> Gateway {
    let dir = std::env::temp_dir().join(format!("eidas-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (tls, pem) = support::keypair_with_pem("ec", "localhost");
    std::fs::write(dir.join("tls.crt"), tls.cert.to_pem().unwrap()).unwrap();
    std::fs::write(dir.join("tls.key"), pem).unwrap();
    let k = keys();
    let config = format!(
        r#"
[server]
listen = "127.0.0.1:0"
public_url = "https://127.0.0.1:0"
tls = {{ cert_path = "tls.crt", key_path = "tls.key" }}
[saml]
country = "SE"
signing = {{ key_path = "{k}/saml-signing.key", cert_path = "{k}/saml-signing.crt" }}
encryption = [{{ key_path = "{k}/saml-encryption-ec.key", cert_path = "{k}/saml-encryption-ec.crt" }}]
[oidc]
signing_keys = [{{ kid = "t", key_path = "{k}/oidc-signing.key" }}]
pairwise_key_file = "{k}/pairwise.key"
"#,
        k = k.display()
    );
    std::fs::write(dir.join("gw.toml"), config).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_eidas-node"))
        .args(["serve", "--config"])
        .arg(dir.join("gw.toml"))
        .env_remove("EIDAS_NODE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on https://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Gateway { child, addr }
}

/// A handshake limited to one protocol version, with the client's own restrictions lifted
/// (security level 0) so that only the server can be the one refusing.
fn handshake(addr: &str, version: SslVersion) -> Result<(), String> {
    let mut b = SslConnector::builder(SslMethod::tls_client()).unwrap();
    b.set_verify(SslVerifyMode::NONE);
    b.set_security_level(0);
    b.set_min_proto_version(Some(version)).unwrap();
    b.set_max_proto_version(Some(version)).unwrap();
    let _ = b.set_cipher_list("ALL:@SECLEVEL=0");
    let connector = b.build();
    let stream = TcpStream::connect(addr).unwrap();
    connector
        .configure()
        .unwrap()
        .verify_hostname(false)
        .connect("localhost", stream)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn built_in_tls_serves_tls12_and_tls13_only() {
    let gw = start_tls_gateway();
    assert!(handshake(&gw.addr, SslVersion::TLS1_2).is_ok());
    assert!(handshake(&gw.addr, SslVersion::TLS1_3).is_ok());
    let old = handshake(&gw.addr, SslVersion::TLS1_1);
    assert!(old.is_err(), "TLS 1.1 must be refused");

    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("https://{}", gw.addr);
    let r = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // The issuer is the https public URL, with the bound port.
    let d: serde_json::Value = client
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], base);
    let m = client
        .get(format!("{base}/saml/metadata"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains(&format!("entityID=\"{base}/saml/metadata\"")));
}
