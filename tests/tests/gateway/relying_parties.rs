//! Unmodified relying parties from other ecosystems log in through the real gateway and the
//! simulated country: Node `openid-client` (plain, PAR and a signed request object; RS256 ID
//! tokens) and Apache `mod_auth_openidc` (Debian's package; ES256). Each verifies the ID token
//! itself, reads `/userinfo`, and sees a cancel abroad as `access_denied`.
//!
//! Under `CI=true` a missing tool fails the test; elsewhere it is skipped with a notice.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use eidas_testbed::browser::{login_flow, Browser};
use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use serde_json::Value;

use crate::harness::*;

const NODE_CLIENT: &str = "node-rp";
const NODE_REDIRECT: &str = "http://127.0.0.1:9/node-cb";
const APACHE_CLIENT: &str = "apache-rp";

/// Whether to skip because a tool is missing: a failure under CI, a skip (with a notice) elsewhere.
fn missing(what: &str, available: bool) -> bool {
    if available {
        return false;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {what} is unavailable (scripts/test.sh installs it)"
    );
    eprintln!("SKIPPED: {what} not available");
    true
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn p256() -> PKey<Private> {
    PKey::from_ec_key(
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
    )
    .unwrap()
}

/// The public JWKS (kid `rp1`) of a P-256 key.
fn jwks(key: &PKey<Private>) -> String {
    let ec = key.ec_key().unwrap();
    let mut ctx = openssl::bn::BigNumContext::new().unwrap();
    let (mut x, mut y) = (
        openssl::bn::BigNum::new().unwrap(),
        openssl::bn::BigNum::new().unwrap(),
    );
    ec.public_key()
        .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
        .unwrap();
    let b = |n: &openssl::bn::BigNum| URL_SAFE_NO_PAD.encode(n.to_vec_padded(32).unwrap());
    format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"rp1","x":"{}","y":"{}"}}]}}"#,
        b(&x),
        b(&y)
    )
}

fn client_entry(id: &str, redirect: &str, extra: &str) -> String {
    format!(
        r#"
[[clients]]
client_id = "{id}"
display_name = "{id}"
client_secret_sha256 = "{hash}"
redirect_uris = ["{redirect}"]
allowed_scopes = ["openid"]
allowed_countries = ["XA", "XB"]
min_loa = "low"
sp_type = "public"
{extra}
"#,
        hash = hex(&openssl::sha::sha256(SECRET.as_bytes())),
    )
}

/// A gateway with `extra_clients` and the simulator, both ready.
async fn world(tag: &str, extra_clients: String) -> World {
    let dir = TempDir::new(tag);
    let sim = Sim::start(dir.path());
    let mut cfg = GwConfig::new(sim.url());
    cfg.extra_clients = extra_clients;
    let gw = Gateway::start(dir.path(), &cfg, "gateway");
    gw.wait_ready().await;
    World { gw, sim, _dir: dir }
}

// ---------------------------------------------------------------- Node openid-client

fn node_ready() -> bool {
    let dir = repo().join("tests/oidc-rp-node");
    if !dir.join("node_modules/openid-client").exists() {
        let _ = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .status();
    }
    dir.join("node_modules/openid-client").exists()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

/// What `rp.mjs` reported.
struct NodeOutcome {
    authorize_url: String,
    lines: Vec<String>,
}

impl NodeOutcome {
    fn json(&self, tag: &str) -> Value {
        let line = self
            .lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{tag} ")))
            .unwrap_or_else(|| panic!("no {tag} line in {:?}", self.lines));
        serde_json::from_str(line).unwrap()
    }
}

/// Runs `rp.mjs` in `mode`, drives the browser from its authorization URL through the simulated
/// country, and hands it the URL the browser came back to.
async fn node_login(w: &World, mode: &str, key_pem: Option<&Path>) -> NodeOutcome {
    let mut cmd = Command::new("node");
    cmd.arg(repo().join("tests/oidc-rp-node/rp.mjs"))
        .args([w.gw.url(), NODE_CLIENT, SECRET, NODE_REDIRECT, mode])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(k) = key_pem {
        cmd.arg(k);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let authorize_url = match first.trim().strip_prefix("AUTHORIZE ") {
        Some(u) => u.to_owned(),
        None => {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!(
                "rp.mjs did not start: {first:?}\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    };
    let browser = Browser::new().unwrap();
    let flow = login_flow(&browser, &authorize_url, "XA").await.unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", flow.final_url).unwrap();
    drop(stdin);
    let lines: Vec<String> = out.lines().map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut err).unwrap();
    }
    assert!(status.success(), "rp.mjs failed: {lines:?}\n{err}");
    NodeOutcome {
        authorize_url,
        lines,
    }
}

fn assert_verified_login(o: &NodeOutcome, alg_client: &str) {
    assert_eq!(
        o.lines.last().map(String::as_str),
        Some("OK"),
        "{:?}",
        o.lines
    );
    let claims = o.json("CLAIMS");
    assert_eq!(claims["sub"], "XA/SE/NP-0001-TEST", "{claims}");
    assert_eq!(claims["aud"], alg_client);
    assert_eq!(claims["acr"], "http://eidas.europa.eu/LoA/substantial");
    assert!(claims["auth_time"].is_i64());
    let userinfo = o.json("USERINFO");
    assert_eq!(userinfo["sub"], claims["sub"]);
    assert_eq!(userinfo["family_name"], claims["family_name"]);
}

#[tokio::test]
async fn node_openid_client_logs_in_with_rs256_plain_par_and_jar_and_sees_a_cancel() {
    if missing("node with openid-client (tests/oidc-rp-node)", node_ready()) {
        return;
    }
    let key = p256();
    let extra = client_entry(
        NODE_CLIENT,
        NODE_REDIRECT,
        &format!(
            "id_token_signed_response_alg = \"RS256\"\njwks = '{}'\ntoken_endpoint_auth_method = \"client_secret_basic\"",
            jwks(&key)
        ),
    );
    let w = world("node-rp", extra).await;
    let pem = w._dir.path().join("node-rp.key");
    std::fs::write(&pem, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    w.sim
        .control(serde_json::json!({"identity": "natural-latin", "loa": "substantial", "fault": "none", "deny": false}))
        .await;

    let plain = node_login(&w, "plain", None).await;
    assert!(plain.authorize_url.contains("code_challenge="));
    assert_verified_login(&plain, NODE_CLIENT);

    let par = node_login(&w, "par", None).await;
    assert_eq!(
        query_param(&par.authorize_url, "request_uri")
            .unwrap()
            .split(':')
            .take(5)
            .collect::<Vec<_>>()
            .join(":"),
        "urn:ietf:params:oauth:request_uri"
    );
    assert_eq!(query_param(&par.authorize_url, "scope"), None);
    assert_verified_login(&par, NODE_CLIENT);

    let jar = node_login(&w, "jar", Some(&pem)).await;
    assert!(query_param(&jar.authorize_url, "request").is_some());
    assert_eq!(query_param(&jar.authorize_url, "scope"), None);
    assert_verified_login(&jar, NODE_CLIENT);

    // The citizen cancels abroad: the library checks iss and state, then reports the error.
    w.sim
        .control(serde_json::json!({"identity": "natural-latin", "loa": "substantial", "fault": "none", "deny": true}))
        .await;
    let cancelled = node_login(&w, "plain", None).await;
    assert_eq!(
        cancelled.lines.last().map(String::as_str),
        Some("ERROR access_denied")
    );
}

// ---------------------------------------------------------------- Apache mod_auth_openidc

const APACHE: &str = "/usr/sbin/apache2";
const MODULES: &str = "/usr/lib/apache2/modules";

fn apache_ready() -> bool {
    Path::new(APACHE).exists() && Path::new(MODULES).join("mod_auth_openidc.so").exists()
}

/// `apache2 -X` (one process) killed on drop.
struct Apache {
    child: Child,
    dir: PathBuf,
}

impl Drop for Apache {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Apache {
    fn start(dir: &Path, port: u16, gw: &str) -> Apache {
        let dir = dir.join("apache");
        std::fs::create_dir_all(dir.join("htdocs/protected")).unwrap();
        std::fs::write(dir.join("htdocs/protected/index.html"), "protected page\n").unwrap();
        // As root, Apache serves as www-data; it must read its documents.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for d in [dir.parent().unwrap(), &dir] {
                std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0"));
        let conf = format!(
            r#"ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {d}/httpd.pid
DefaultRuntimeDir {d}
Mutex file:{d} default
ErrorLog {d}/error.log
LogLevel warn auth_openidc:info
{user}
LoadModule mpm_event_module {m}/mod_mpm_event.so
LoadModule authz_core_module {m}/mod_authz_core.so
LoadModule authn_core_module {m}/mod_authn_core.so
LoadModule authz_user_module {m}/mod_authz_user.so
LoadModule dir_module {m}/mod_dir.so
LoadModule auth_openidc_module {m}/mod_auth_openidc.so
DocumentRoot {d}/htdocs
DirectoryIndex index.html
<Directory {d}/htdocs>
  Require all granted
</Directory>

OIDCProviderMetadataURL {gw}/.well-known/openid-configuration
OIDCClientID {APACHE_CLIENT}
OIDCClientSecret {SECRET}
OIDCProviderTokenEndpointAuth client_secret_basic
OIDCRedirectURI http://127.0.0.1:{port}/protected/redirect_uri
OIDCCryptoPassphrase {pass}
OIDCScope "openid profile"
OIDCPKCEMethod S256
OIDCInfoHook iat id_token userinfo
<Location /protected>
  AuthType openid-connect
  Require valid-user
</Location>
"#,
            d = dir.display(),
            m = MODULES,
            user = if root {
                "User www-data\nGroup www-data"
            } else {
                ""
            },
            pass = hex(&rand_u64().to_le_bytes()),
        );
        let conf_path = dir.join("httpd.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(APACHE)
            .args(["-X", "-f"])
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.join("stderr")).unwrap(),
            ))
            .spawn()
            .unwrap();
        let apache = Apache { child, dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "apache did not start: {}{}",
                apache.log("stderr"),
                apache.log("error.log")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        apache
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }
}

#[tokio::test]
async fn apache_mod_auth_openidc_logs_in_reads_userinfo_and_sees_a_cancel() {
    if missing(
        "Apache with mod_auth_openidc (libapache2-mod-auth-openidc)",
        apache_ready(),
    ) {
        return;
    }
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/protected/redirect_uri");
    let w = world("apache-rp", client_entry(APACHE_CLIENT, &redirect, "")).await;
    let apache = Apache::start(w._dir.path(), port, w.gw.url());
    w.sim
        .control(serde_json::json!({"identity": "natural-greek", "loa": "high", "fault": "none", "deny": false}))
        .await;
    let start = format!("http://127.0.0.1:{port}/protected/");
    let browser = Browser::new().unwrap();
    let flow = login_flow(&browser, &start, "XA").await.unwrap();
    assert!(flow.final_url.starts_with(&redirect), "{}", flow.final_url);
    assert_eq!(
        query_param(&flow.final_url, "iss").as_deref(),
        Some(w.gw.url())
    );
    // mod_auth_openidc redeems the code, verifies the ES256 ID token, fetches userinfo and sends
    // the browser back to the protected page.
    let hop = browser.get(&flow.final_url).await.unwrap();
    assert!(
        hop.is_redirect(),
        "{} {} {}\n{}",
        flow.final_url,
        hop.status,
        hop.body,
        apache.log("error.log")
    );
    let page = browser.get(&start).await.unwrap();
    assert_eq!(
        page.status,
        200,
        "{}\n{}",
        page.body,
        apache.log("error.log")
    );
    assert_eq!(page.body, "protected page\n");
    let info = browser.get(&format!("{redirect}?info=json")).await.unwrap();
    assert_eq!(info.status, 200, "{}", info.body);
    let info: Value = serde_json::from_str(&info.body).unwrap();
    assert_eq!(info["id_token"]["sub"], "XA/SE/GR-0002-TEST", "{info}");
    assert_eq!(info["id_token"]["acr"], "http://eidas.europa.eu/LoA/high");
    assert_eq!(info["userinfo"]["sub"], "XA/SE/GR-0002-TEST", "{info}");
    assert_eq!(
        info["userinfo"]["eidas_family_name_nonlatin"],
        "Παπαδοπούλου"
    );

    // Cancel abroad: the gateway answers access_denied with state and iss (RFC 9207 wants iss on
    // error responses too), and mod_auth_openidc creates no session. Debian 12's 2.4.12 dispatches
    // a redirect-URI request that carries `iss` to third-party-initiated login before it looks at
    // `error`, so it shows its own "Invalid Request" page rather than naming access_denied
    // (README, "Relying-party notes").
    w.sim
        .control(serde_json::json!({"identity": "natural-greek", "loa": "high", "fault": "none", "deny": true}))
        .await;
    let browser = Browser::new().unwrap();
    let flow = login_flow(&browser, &start, "XA").await.unwrap();
    assert_eq!(
        query_param(&flow.final_url, "error").as_deref(),
        Some("access_denied")
    );
    assert!(query_param(&flow.final_url, "state").is_some());
    assert_eq!(
        query_param(&flow.final_url, "iss").as_deref(),
        Some(w.gw.url())
    );
    let hop = browser.get(&flow.final_url).await.unwrap();
    assert!(!hop.is_redirect(), "{} {}", hop.status, hop.body);
    assert!(
        hop.body.contains("access_denied") || hop.body.contains("Invalid Request"),
        "{}",
        hop.body
    );
    let page = browser.get(&start).await.unwrap();
    assert!(
        page.is_redirect(),
        "no session after a cancel: {}",
        page.status
    );
}
