//! Starting `eidas-node serve` and `eidas-sim-country --auto` on port 0 with fresh or example
//! keys, and reading their CPU time and peak memory from `/proc`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use openssl::pkey::{PKey, Private};

use super::Setup;
use crate::gateway_config::{ClientEntry, CountryEntry, GatewayConfig, GatewayKeys};

/// A child process killed on drop.
pub struct Proc {
    pub child: Child,
    pub url: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_listening(bin: &Path, args: &[&str], stderr: &Path) -> anyhow::Result<Proc> {
    let mut child = Command::new(bin)
        .args(args)
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(stderr)?))
        .spawn()
        .with_context(|| bin.display().to_string())?;
    let mut reader = BufReader::new(child.stdout.take().context("stdout")?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    std::thread::spawn(move || {
        let mut sink = String::new();
        while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    let Some(url) = line.trim().strip_prefix("listening on ") else {
        let _ = child.kill();
        bail!(
            "{} did not start: {}",
            bin.display(),
            std::fs::read_to_string(stderr).unwrap_or_default()
        );
    };
    Ok(Proc {
        url: url.to_owned(),
        child,
    })
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_pair(dir: &Path, name: &str, key: &PKey<Private>) -> anyhow::Result<(String, String)> {
    let cert = eidas_node::cli::keys::self_signed(key, name, 30)?;
    let k = dir.join(format!("{name}.key"));
    let c = dir.join(format!("{name}.crt"));
    std::fs::write(&k, key.private_key_to_pem_pkcs8()?)?;
    std::fs::write(&c, cert.to_pem()?)?;
    Ok((k.display().to_string(), c.display().to_string()))
}

/// The key files of one setup.
pub struct Keys {
    pub gw_sign: (String, String),
    pub gw_enc: (String, String),
    pub oidc: (String, &'static str),
    /// The ES256 key every node config needs.
    pub es256: String,
    pub country_sign: (String, String),
    pub encryption: &'static str,
    pub pairwise: String,
    pub store: String,
}

fn keys(dir: &Path, rsa: bool, country: &str) -> anyhow::Result<Keys> {
    let ex = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../keys-example")
        .canonicalize()?;
    let p = |rel: &str| ex.join(rel).display().to_string();
    let cc = country.to_ascii_lowercase();
    if !rsa {
        return Ok(Keys {
            gw_sign: (p("gateway/saml-signing.key"), p("gateway/saml-signing.crt")),
            gw_enc: (
                p("gateway/saml-encryption-ec.key"),
                p("gateway/saml-encryption-ec.crt"),
            ),
            oidc: (p("gateway/oidc-signing.key"), "ES256"),
            es256: p("gateway/oidc-signing.key"),
            country_sign: (
                p(&format!("sim/{cc}-signing.key")),
                p(&format!("sim/{cc}-signing.crt")),
            ),
            encryption: "ecdh-es",
            pairwise: p("gateway/pairwise.key"),
            store: p("gateway/store-encryption.key"),
        });
    }
    let new = || eidas_node::cli::keys::new_key(true);
    let oidc_key = new()?;
    let oidc_path = dir.join("oidc-signing.key");
    std::fs::write(&oidc_path, oidc_key.private_key_to_pem_pkcs8()?)?;
    Ok(Keys {
        gw_sign: write_pair(dir, "saml-signing", &new()?)?,
        gw_enc: write_pair(dir, "saml-encryption-rsa", &new()?)?,
        oidc: (oidc_path.display().to_string(), "PS256"),
        es256: p("gateway/oidc-signing.key"),
        country_sign: write_pair(dir, &format!("{cc}-signing"), &new()?)?,
        encryption: "rsa-oaep",
        pairwise: p("gateway/pairwise.key"),
        store: p("gateway/store-encryption.key"),
    })
}

pub struct Spawned {
    pub gw: Proc,
    pub sim: Proc,
    pub keys: Keys,
    /// The admin API's URL and token, when extra countries were configured.
    pub admin: Option<(String, String)>,
    _dir: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts the simulator and the gateway. `extra` countries (trust sources served elsewhere, e.g.
/// by [`super::trust_refresh::serve_countries`]) are trusted too, not offered to the client,
/// and then the admin API is on, so a run can trigger refreshes.
pub fn spawn(args: &Setup, extra: &[eidas_node::trust::Source]) -> anyhow::Result<Spawned> {
    let mut rnd = [0u8; 8];
    openssl::rand::rand_bytes(&mut rnd)?;
    let dir = TempDir(std::env::temp_dir().join(format!("eidas-loadgen-{}", hex(&rnd))));
    std::fs::create_dir_all(&dir.0)?;
    let d = &dir.0;
    let bin_dir = std::env::current_exe()?
        .parent()
        .context("exe dir")?
        .to_owned();
    let k = keys(d, args.rsa, &args.country)?;
    let cc = args.country.to_ascii_uppercase();
    std::fs::write(
        d.join("sim.toml"),
        format!(
            r#"public_url = "http://127.0.0.1:0"
trusted_connector_certs = ["{gw_cert}"]
auto = true

[[countries]]
code = "{cc}"
name = "Testland {cc} (TEST COUNTRY)"
signing_key = "{sk}"
signing_cert = "{sc}"
encryption = "{enc}"
"#,
            gw_cert = k.gw_sign.1,
            sk = k.country_sign.0,
            sc = k.country_sign.1,
            enc = k.encryption,
        ),
    )?;
    let sim = spawn_listening(
        &bin_dir.join("eidas-sim-country"),
        &[
            "--config",
            &d.join("sim.toml").display().to_string(),
            "--listen",
            "127.0.0.1:0",
            "--auto",
        ],
        &d.join("sim.stderr"),
    )?;
    let mut cfg = GatewayConfig::new();
    let token = |path: &str, name: &str, usage: &str| -> anyhow::Result<String> {
        if args.pkcs11 {
            in_token(&bin_dir, d, &hex(&rnd), path, name, usage, args.rsa)
        } else {
            Ok(path.to_owned())
        }
    };
    cfg.keys = GatewayKeys {
        saml_signing: (
            token(&k.gw_sign.0, "saml-signing", "sign")?,
            k.gw_sign.1.clone(),
        ),
        saml_encryption: vec![(
            token(&k.gw_enc.0, "saml-encryption", "decrypt")?,
            k.gw_enc.1.clone(),
        )],
        // The node always needs an ES256 key (its default); the client asks for `k.oidc.1`.
        oidc: if k.oidc.1 == "ES256" {
            vec![(
                "loadgen".into(),
                "ES256".into(),
                token(&k.oidc.0, "oidc", "sign")?,
            )]
        } else {
            vec![
                (
                    "loadgen-es256".into(),
                    "ES256".into(),
                    token(&k.es256, "oidc-es256", "sign")?,
                ),
                (
                    "loadgen".into(),
                    k.oidc.1.into(),
                    token(&k.oidc.0, "oidc", "sign")?,
                ),
            ]
        },
        pairwise: k.pairwise.clone(),
        store: k.store.clone(),
    };
    if let Some(r) = &args.redis {
        cfg.redis_url = Some(r.clone());
        cfg.key_prefix = format!("loadgen-{}:", hex(&rnd));
    }
    cfg.refresh_seconds = 3600;
    cfg.countries.push(CountryEntry {
        code: cc.clone(),
        metadata: format!("{}/{}/metadata", sim.url, cc.to_ascii_lowercase()),
        signer_cert: k.country_sign.1.clone(),
        extra: String::new(),
    });
    // The login country itself is the simulator's, never one of the extra ones.
    for s in extra.iter().filter(|s| s.code != cc) {
        let eidas_node::saml::metadata::MetadataTrust::Pinned(certs) = &s.trust else {
            bail!("extra countries must be pinned");
        };
        let pem = d.join(format!("extra-{}.crt", s.code));
        let mut bytes = Vec::new();
        for c in certs {
            bytes.extend(c.to_pem()?);
        }
        std::fs::write(&pem, bytes)?;
        cfg.countries.push(CountryEntry {
            code: s.code.clone(),
            metadata: s.location.to_string(),
            signer_cert: pem.display().to_string(),
            extra: String::new(),
        });
    }
    let admin = if extra.is_empty() {
        None
    } else {
        let token = hex(&{
            let mut t = [0u8; 24];
            openssl::rand::rand_bytes(&mut t)?;
            t
        });
        std::fs::write(d.join("admin.token"), &token)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        cfg.extra =
            format!("\n[admin]\nlisten = \"127.0.0.1:{port}\"\ntoken_paths = [\"admin.token\"]\n");
        Some((format!("http://127.0.0.1:{port}"), token))
    };
    if args.audit {
        cfg.extra.push_str(&format!(
            "\n[audit]\npath = \"audit.jsonl\"\nsubject_key = \"{}\"\n",
            "5a".repeat(32)
        ));
    }
    let mut client = ClientEntry::new(&args.client_id, &args.client_secret, &args.redirect_uri);
    client.countries = vec![cc.clone()];
    client.extra = format!("id_token_signed_response_alg = \"{}\"", k.oidc.1);
    cfg.clients.push(client);
    cfg.write(d, "gateway.toml")?;
    let gw = spawn_listening(
        &bin_dir.join("eidas-node"),
        &[
            "serve",
            "--config",
            &d.join("gateway.toml").display().to_string(),
        ],
        &d.join("gateway.stderr"),
    )?;
    Ok(Spawned {
        gw,
        sim,
        keys: k,
        admin,
        _dir: dir,
    })
}

/// SoftHSM2's module on Debian.
const SOFTHSM: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// The key file `path` imported into the SoftHSM token `loadgen-<id>` (made on first use) as
/// `name`; the gateway setting that names it.
fn in_token(
    bin_dir: &Path,
    dir: &Path,
    id: &str,
    path: &str,
    name: &str,
    usage: &str,
    rsa: bool,
) -> anyhow::Result<String> {
    if std::env::var_os("SOFTHSM2_CONF").is_none() || !Path::new(SOFTHSM).exists() {
        bail!("--pkcs11 needs SoftHSM2 (Debian softhsm2) and SOFTHSM2_CONF");
    }
    let label = format!("loadgen-{id}");
    let pin_file = dir.join("hsm.pin");
    if !pin_file.exists() {
        let out = std::process::Command::new("softhsm2-util")
            .args(["--init-token", "--free", "--label", &label])
            .args(["--pin", "1234", "--so-pin", "5678"])
            .output()?;
        if !out.status.success() {
            bail!("softhsm2-util: {}", String::from_utf8_lossy(&out.stderr));
        }
        std::fs::write(&pin_file, "1234")?;
    }
    let pin = pin_file.display().to_string();
    let out = std::process::Command::new(bin_dir.join("eidas-node"))
        .args(["keys", "import", "--module", SOFTHSM, "--token", &label])
        .args(["--pin-file", &pin, "--key-file", path, "--label", name])
        .args(["--usage", usage])
        .output()?;
    if !out.status.success() {
        bail!("keys import: {}", String::from_utf8_lossy(&out.stderr));
    }
    // SoftHSM 2.6's OAEP is SHA-1 only; the simulated country uses SHA-256.
    let raw = if rsa && usage == "decrypt" {
        ", rsa_oaep = \"raw\""
    } else {
        ""
    };
    Ok(format!(
        "pkcs11 = {{ module = \"{SOFTHSM}\", token = \"{label}\", key = \"{name}\", pin_file = \"{pin}\"{raw} }}"
    ))
}

pub async fn wait_ready(gw: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = reqwest::get(format!("{gw}/readyz")).await {
            if r.status() == 200 {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("gateway {gw} not ready after 30 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `(utime + stime)` in seconds and VmHWM in KiB of `pid`.
pub fn proc_usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `after` starts at field 3.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())?;
    #[allow(clippy::cast_precision_loss)]
    Some((ticks as f64 / clk_tck(), hwm))
}

fn clk_tck() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}
