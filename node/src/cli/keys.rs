//! `eidas-node keys generate`: fresh keys and self-signed certificates for a deployment.
//!
//! Writes, into `--out`: SAML signing and encryption key pairs, the ID token signing key, the
//! store encryption key and the pairwise-subject key. Never overwrites an existing file
//! (`create_new`); private keys are created with mode 0600. Certificates are self-signed: in
//! production, have the metadata-signing certificate issued under your national trust anchor.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509NameBuilder, X509};

#[derive(Debug, clap::Args)]
pub struct GenerateOptions {
    /// Directory to write into (created if missing).
    #[arg(long, default_value = "keys")]
    pub out: PathBuf,
    /// RSA-3072 (RSA-PSS / RSA-OAEP) instead of EC P-256 (ECDSA / ECDH-ES).
    #[arg(long)]
    pub rsa: bool,
    /// Common name for the certificates, e.g. your public host name.
    #[arg(long, default_value = "eidas-node")]
    pub cn: String,
    /// Certificate validity in days.
    #[arg(long, default_value_t = 730)]
    pub days: u32,
    /// Generate the private keys inside a PKCS#11 token (never extractable) instead of files;
    /// needs --module, --token and --pin-file. Certificates are signed inside the token.
    #[arg(long, requires_all = ["module", "token", "pin_file"])]
    pub pkcs11: bool,
    #[command(flatten)]
    pub token: TokenOptions,
    /// Labels of the new token keys start with this (default `eidas-YYYYMMDD`): keys of a later
    /// rollover get other labels.
    #[arg(long)]
    pub label_prefix: Option<String>,
}

/// A PKCS#11 token to work in.
#[derive(Debug, clap::Args, Default)]
pub struct TokenOptions {
    /// The vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.
    #[arg(long)]
    pub module: Option<PathBuf>,
    /// The token's label.
    #[arg(long)]
    pub token: Option<String>,
    /// A file holding the user PIN (kept out of the command line and shell history).
    #[arg(long)]
    pub pin_file: Option<PathBuf>,
}

impl TokenOptions {
    fn parts(&self) -> anyhow::Result<(PathBuf, String, PathBuf, String)> {
        let (Some(module), Some(token), Some(pin_file)) =
            (&self.module, &self.token, &self.pin_file)
        else {
            anyhow::bail!("--module, --token and --pin-file are all needed");
        };
        let pin = std::fs::read_to_string(pin_file)
            .with_context(|| format!("reading {}", pin_file.display()))?;
        let pin_file = pin_file
            .canonicalize()
            .with_context(|| format!("resolving {}", pin_file.display()))?;
        Ok((
            module.clone(),
            token.clone(),
            pin_file,
            pin.trim_end_matches(['\n', '\r']).to_owned(),
        ))
    }
}

#[derive(Debug, clap::Args)]
pub struct ImportOptions {
    #[command(flatten)]
    pub token: TokenOptions,
    /// The PEM private key to import (EC or RSA); delete it afterwards.
    #[arg(long)]
    pub key_file: PathBuf,
    /// The label (CKA_LABEL) the key gets in the token.
    #[arg(long)]
    pub label: String,
    /// What the key may do: `sign` (SAML signing, ID tokens) or `decrypt` (SAML decryption).
    #[arg(long, value_parser = ["sign", "decrypt"])]
    pub usage: String,
}

/// `eidas-node keys import`: an existing PEM key into a token, allowed only its use.
pub fn import(o: &ImportOptions) -> anyhow::Result<()> {
    use crate::keys::pkcs11::provision::{Token, Usage};
    let (module, token, _, pin) = o.token.parts()?;
    let pem =
        std::fs::read(&o.key_file).with_context(|| format!("reading {}", o.key_file.display()))?;
    let key = PKey::private_key_from_pem(&pem).context("not a PEM private key")?;
    let usage = if o.usage == "sign" {
        Usage::Sign
    } else {
        Usage::Decrypt
    };
    Token::open(&module, &token, &pin)?.import(&o.label, &key, usage)?;
    println!(
        "imported {} as {:?} into token {token:?}",
        o.key_file.display(),
        o.label
    );
    Ok(())
}

pub fn new_key(rsa: bool) -> anyhow::Result<PKey<Private>> {
    Ok(if rsa {
        PKey::from_rsa(Rsa::generate(3072)?)?
    } else {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
        PKey::from_ec_key(EcKey::generate(&group)?)?
    })
}

pub fn self_signed(key: &PKey<Private>, cn: &str, days: u32) -> anyhow::Result<X509> {
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_text("CN", cn)?;
    let name = name.build();
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    b.set_serial_number(&serial)?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(&name)?;
    b.set_pubkey(key)?;
    let not_before = Asn1Time::days_from_now(0)?;
    let not_after = Asn1Time::days_from_now(days)?;
    b.set_not_before(&not_before)?;
    b.set_not_after(&not_after)?;
    b.sign(key, MessageDigest::sha256())?;
    Ok(b.build())
}

fn write_new(path: &Path, bytes: &[u8], private: bool) -> anyhow::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts
        .open(path)
        .with_context(|| format!("{} (existing files are never overwritten)", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

fn random_hex() -> anyhow::Result<String> {
    let mut b = [0u8; 32];
    openssl::rand::rand_bytes(&mut b)?;
    Ok(crate::hex::encode(&b))
}

pub fn generate(o: &GenerateOptions) -> anyhow::Result<()> {
    if o.pkcs11 {
        return generate_in_token(o);
    }
    std::fs::create_dir_all(&o.out).with_context(|| format!("creating {}", o.out.display()))?;
    let names = [
        "saml-signing.key",
        "saml-signing.crt",
        "saml-encryption.key",
        "saml-encryption.crt",
        "oidc-signing.key",
        "oidc-signing-rs256.key",
        "store-encryption.key",
        "pairwise.key",
    ];
    // Refuse before writing anything, so a partial run never leaves a mixed set.
    for n in names {
        if o.out.join(n).exists() {
            anyhow::bail!(
                "{} exists; refusing to overwrite (choose another --out)",
                o.out.join(n).display()
            );
        }
    }
    for role in ["signing", "encryption"] {
        let key = new_key(o.rsa)?;
        let cert = self_signed(&key, &format!("{} SAML {role}", o.cn), o.days)?;
        write_new(
            &o.out.join(format!("saml-{role}.key")),
            &key.private_key_to_pem_pkcs8()?,
            true,
        )?;
        write_new(
            &o.out.join(format!("saml-{role}.crt")),
            &cert.to_pem()?,
            false,
        )?;
    }
    // ID tokens: ES256 (our default) and RS256 (OpenID Connect Discovery §3 requires it), whatever
    // the SAML keys are.
    for (file, rsa) in [
        ("oidc-signing.key", false),
        ("oidc-signing-rs256.key", true),
    ] {
        write_new(
            &o.out.join(file),
            &new_key(rsa)?.private_key_to_pem_pkcs8()?,
            true,
        )?;
    }
    write_secrets(&o.out)?;
    println!(
        "wrote {} SAML keys, ES256 and RS256 ID token keys, the store and pairwise keys to {}",
        if o.rsa { "RSA-3072" } else { "EC P-256" },
        o.out.display()
    );
    print!(
        "config excerpt:\n\n{}",
        config_excerpt(&o.out, random_hex()?.get(..16).unwrap_or("key-1"))?
    );
    Ok(())
}

fn write_secrets(out: &Path) -> anyhow::Result<()> {
    for name in ["store-encryption.key", "pairwise.key"] {
        write_new(
            &out.join(name),
            format!("{}\n", random_hex()?).as_bytes(),
            true,
        )?;
    }
    Ok(())
}

/// TOML basic string contents: a backslash or quote must be escaped.
fn toml_str(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn toml_path(p: &Path) -> String {
    toml_str(&p.display().to_string())
}

/// `keys generate --pkcs11`: the four private keys generated inside the token, the SAML
/// certificates signed there, the store and pairwise secrets as files; prints the config.
fn generate_in_token(o: &GenerateOptions) -> anyhow::Result<()> {
    use crate::keys::pkcs11::provision::{Kind, Token, Usage};
    use crate::keys::pkcs11::Pkcs11Key;
    use crate::keys::PrivateKey;
    let (module, token, pin_file, pin) = o.token.parts()?;
    let prefix = match &o.label_prefix {
        Some(p) => p.clone(),
        None => {
            let d = time::OffsetDateTime::now_utc().date();
            format!(
                "eidas-{:04}{:02}{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            )
        }
    };
    let names = [
        "saml-signing.crt",
        "saml-encryption.crt",
        "store-encryption.key",
        "pairwise.key",
    ];
    std::fs::create_dir_all(&o.out).with_context(|| format!("creating {}", o.out.display()))?;
    for n in names {
        if o.out.join(n).exists() {
            anyhow::bail!(
                "{} exists; refusing to overwrite (choose another --out)",
                o.out.join(n).display()
            );
        }
    }
    let saml_kind = if o.rsa { Kind::Rsa(3072) } else { Kind::EcP256 };
    let keys = [
        ("saml-signing", saml_kind, Usage::Sign),
        ("saml-encryption", saml_kind, Usage::Decrypt),
        ("oidc-es256", Kind::EcP256, Usage::Sign),
        ("oidc-rs256", Kind::Rsa(3072), Usage::Sign),
    ];
    let t = Token::open(&module, &token, &pin)?;
    // Refuse before generating anything, so a run never leaves half a set in the token.
    for (name, _, _) in keys {
        let label = format!("{prefix}-{name}");
        if t.has_label(&label)? {
            anyhow::bail!("the token already has {label:?}; choose another --label-prefix");
        }
    }
    for (name, kind, usage) in keys {
        t.generate(&format!("{prefix}-{name}"), kind, usage)?;
    }
    drop(t);
    // The signing certificate is self-signed in the token; the decryption key may not sign, so
    // the signing key issues its certificate.
    let open = |role: &str| -> anyhow::Result<Pkcs11Key> {
        Ok(Pkcs11Key::open(
            &module,
            &token,
            &format!("{prefix}-saml-{role}"),
            &pin,
        )?)
    };
    let signer = open("signing")?;
    let issuer = format!("{} SAML signing", o.cn);
    for role in ["signing", "encryption"] {
        let subject = if role == "signing" {
            signer.public_key().clone()
        } else {
            open(role)?.public_key().clone()
        };
        let cert = crate::keys::certificate(
            &subject,
            &format!("{} SAML {role}", o.cn),
            &signer,
            &issuer,
            o.days,
        )?;
        write_new(
            &o.out.join(format!("saml-{role}.crt")),
            &cert.to_pem()?,
            false,
        )?;
    }
    write_secrets(&o.out)?;
    let dir = o.out.canonicalize()?;
    let p11 = |name: &str| {
        format!(
            "pkcs11 = {{ module = \"{}\", token = \"{}\", key = \"{prefix}-{name}\", pin_file = \"{}\" }}",
            toml_path(&module),
            toml_str(&token),
            toml_path(&pin_file)
        )
    };
    println!(
        "generated {} SAML keys and ES256 / RS256 ID token keys inside token {token:?} (labels {prefix}-*); \
         wrote their certificates and the store and pairwise keys to {}",
        if o.rsa { "RSA-3072" } else { "EC P-256" },
        o.out.display()
    );
    print!(
        "config excerpt:\n\n[saml]\nsigning = {{ {}, cert_path = \"{}\" }}\n\
         encryption = [{{ {}, cert_path = \"{}\" }}]\n{}\n\
         [oidc]\nsigning_keys = [\n  {{ kid = \"{prefix}-es256\", alg = \"ES256\", {} }},\n  \
         {{ kid = \"{prefix}-rs256\", alg = \"RS256\", {} }},\n]\n\
         pairwise_key_file = \"{}\"\n\n[store]\nencryption_key_file = \"{}\"\n",
        p11("saml-signing"),
        toml_path(&dir.join("saml-signing.crt")),
        p11("saml-encryption"),
        toml_path(&dir.join("saml-encryption.crt")),
        if o.rsa {
            "# If the token's RSA-OAEP lacks SHA-256 (SoftHSM 2.6), add rsa_oaep = \"raw\" to the\n\
             # encryption key's pkcs11 table (README, Keys).\n"
        } else {
            ""
        },
        p11("oidc-es256"),
        p11("oidc-rs256"),
        toml_path(&dir.join("pairwise.key")),
        toml_path(&dir.join("store-encryption.key")),
    );
    Ok(())
}

/// The config lines for the keys in `out`, with absolute paths: they work pasted into a config
/// file anywhere (relative paths in a config are relative to that file, not to `out`).
pub fn config_excerpt(out: &Path, kid: &str) -> anyhow::Result<String> {
    let dir = out
        .canonicalize()
        .with_context(|| format!("resolving {}", out.display()))?;
    let p = |name: &str| toml_path(&dir.join(name));
    Ok(format!(
        "[saml]\nsigning = {{ key_path = \"{sk}\", cert_path = \"{sc}\" }}\n\
         encryption = [{{ key_path = \"{ek}\", cert_path = \"{ec}\" }}]\n\n\
         [oidc]\nsigning_keys = [\n  {{ kid = \"{kid}-es256\", alg = \"ES256\", key_path = \"{o1}\" }},\n  \
         {{ kid = \"{kid}-rs256\", alg = \"RS256\", key_path = \"{o2}\" }},\n]\n\
         pairwise_key_file = \"{pw}\"\n\n[store]\nencryption_key_file = \"{st}\"\n",
        sk = p("saml-signing.key"),
        sc = p("saml-signing.crt"),
        ek = p("saml-encryption.key"),
        ec = p("saml-encryption.crt"),
        o1 = p("oidc-signing.key"),
        o2 = p("oidc-signing-rs256.key"),
        pw = p("pairwise.key"),
        st = p("store-encryption.key"),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn generates_a_loadable_set_and_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("eidas-keys-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let o = GenerateOptions {
            out: dir.clone(),
            rsa: false,
            cn: "t".into(),
            days: 1,
            pkcs11: false,
            token: TokenOptions::default(),
            label_prefix: None,
        };
        generate(&o).unwrap();
        let pair = crate::saml::keys::KeyPair::from_files(
            &dir.join("saml-signing.key"),
            &dir.join("saml-signing.crt"),
        )
        .unwrap();
        assert_eq!(pair.key.public_key().id(), openssl::pkey::Id::EC);
        use crate::jose::Alg;
        use crate::oidc::jwks::{KeyStatus, SigningKey};
        let pem = |f: &str| std::fs::read(dir.join(f)).unwrap();
        SigningKey::from_pem(
            "e",
            Alg::ES256,
            &pem("oidc-signing.key"),
            KeyStatus::Current,
        )
        .unwrap();
        SigningKey::from_pem(
            "r",
            Alg::RS256,
            &pem("oidc-signing-rs256.key"),
            KeyStatus::Current,
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("oidc-signing.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "private keys are not readable by others");
        }
        // The printed excerpt works pasted into a config file in another directory.
        let elsewhere = dir.join("elsewhere/deeper");
        std::fs::create_dir_all(&elsewhere).unwrap();
        let config = elsewhere.join("eidas-node.toml");
        std::fs::write(
            &config,
            format!(
                "[server]\npublic_url = \"http://127.0.0.1:8080\"\n{}\n[saml.organization]\nname = \"x\"\ndisplay_name = \"x\"\nurl = \"http://127.0.0.1:8080/\"\n",
                config_excerpt(&dir, "k").unwrap().replacen("[saml]\n", "[saml]\ncountry = \"SE\"\n", 1)
            ),
        )
        .unwrap();
        let settings = crate::config::Settings::load(&config, std::iter::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let built = rt.block_on(crate::app::build(
            &settings,
            std::sync::Arc::new(crate::clock::SystemClock),
        ));
        if let Err(problems) = built {
            // Only the trust configuration may be missing from this minimal file.
            let other: Vec<String> = problems
                .iter()
                .map(ToString::to_string)
                .filter(|p| !p.contains("trust"))
                .collect();
            assert!(other.is_empty(), "{other:?}");
        }
        let before = std::fs::read(dir.join("pairwise.key")).unwrap();
        let err = generate(&o).unwrap_err();
        assert!(err.to_string().contains("refusing to overwrite"), "{err}");
        assert_eq!(std::fs::read(dir.join("pairwise.key")).unwrap(), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[derive(Debug, clap::Args)]
pub struct StatusOptions {
    #[command(flatten)]
    pub config: super::ConfigPath,
    /// The table as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `eidas-node keys status`: our keys as the configuration loads them (no store, no network),
/// each with its timeline (published, active from, retiring from, gone at), and warnings for
/// unsafe schedules and expiring certificates. Exit code 0, 2 with warnings; an error (exit 1)
/// when a key does not load.
pub fn status(o: &StatusOptions) -> anyhow::Result<u8> {
    let s = crate::config::Settings::load(&o.config, std::env::vars())?;
    let keys = crate::app::our_keys(&s).map_err(|problems| {
        anyhow::anyhow!(
            "{}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    let now = time::OffsetDateTime::now_utc();
    let rows = keys.timeline(now);
    let mut warnings = keys.warnings(now);
    if let Ok(sp) = keys.saml.at(now, &keys.lingers) {
        warnings.extend(crate::app::expiry_warnings(
            &crate::app::sp_certificates(&sp),
            s.saml.expiry_warning_days,
        ));
    }
    if o.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "now": crate::keys::schedule::format_time(now), "keys": rows, "warnings": warnings })
            )?
        );
    } else {
        println!(
            "{:<16} {:<21} {:<9} {:<26} {:<9} {:<20} {:<20} {:<20} expires",
            "use", "setting", "state", "id", "algorithm", "active from", "retire at", "gone at"
        );
        let t = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        for r in &rows {
            println!(
                "{:<16} {:<21} {:<9} {:<26} {:<9} {:<20} {:<20} {:<20} {}",
                r.usage,
                r.setting,
                r.state,
                r.id.get(..26).unwrap_or(&r.id),
                r.algorithm,
                t(&r.active_from),
                t(&r.retire_at),
                t(&r.gone_at),
                t(&r.expires),
            );
        }
        for w in &warnings {
            println!("warning: {w}");
        }
    }
    Ok(if warnings.is_empty() { 0 } else { 2 })
}

#[derive(Debug, clap::Args)]
pub struct PlanOptions {
    #[command(flatten)]
    pub config: super::ConfigPath,
    /// When the new keys will be published (RFC 3339; default: ten minutes from now).
    #[arg(long)]
    pub from: Option<String>,
    /// The plan as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Rounded up to the next whole minute, for times people type.
fn ceil_minute(t: time::OffsetDateTime) -> time::OffsetDateTime {
    let floor = t
        .replace_second(0)
        .and_then(|t| t.replace_nanosecond(0))
        .unwrap_or(t);
    if floor == t {
        t
    } else {
        floor + time::Duration::MINUTE
    }
}

/// `eidas-node keys plan`: a safe rollover of every key, with times computed from this
/// configuration's metadata validity, clock skew, JWKS cache time and ID-token lifetime.
pub fn plan(o: &PlanOptions) -> anyhow::Result<()> {
    use crate::keys::schedule::{format_time, parse_time};
    let s = crate::config::Settings::load(&o.config, std::env::vars())?;
    let from = match &o.from {
        Some(t) => parse_time(t).map_err(anyhow::Error::msg)?,
        // Time to roll the configuration out to every instance.
        None => time::OffsetDateTime::now_utc() + time::Duration::minutes(10),
    };
    let (lead, linger) = (crate::app::leads(&s), crate::app::lingers(&s));
    let t0 = ceil_minute(from);
    let saml_switch = ceil_minute(t0 + lead.saml);
    let saml_remove_old_signing = saml_switch + linger.saml_signing;
    let old_decryption_gone = saml_switch + linger.decryption;
    let oidc_switch = ceil_minute(t0 + lead.jwks);
    let old_id_token_gone = oidc_switch + linger.id_token;
    let f = format_time;
    let steps = serde_json::json!([
        {
            "at": f(t0),
            "do": "publish the new keys",
            "config": {
                "saml.signing": format!("add the new key with state = \"next\", activate_at = \"{}\"; give the current one retire_at = \"{}\"", f(saml_switch), f(saml_switch)),
                "saml.encryption": format!("add the new key (published and tried at once); give the old one retire_at = \"{}\"", f(saml_switch)),
                "oidc.signing_keys": format!("add the new key with status = \"next\", activate_at = \"{}\"; give the current key of the same alg retire_at = \"{}\"", f(oidc_switch), f(oidc_switch)),
            },
            "then": "eidas-node keys status; reload every instance (SIGHUP or POST /admin/keys/reload) or roll them out",
        },
        {
            "at": f(oidc_switch),
            "do": "the new ID-token key signs (every relying party can have it: JWKS cache time plus skew)",
        },
        {
            "at": f(saml_switch),
            "do": "the new SAML signing key signs and the old encryption certificate leaves our metadata (every peer can have our metadata with the new keys: its validity plus skew)",
        },
        {
            "at": f(old_id_token_gone),
            "do": "the old ID-token key leaves the JWKS (every ID token it signed has expired); remove it from the config after this",
        },
        {
            "at": f(saml_remove_old_signing),
            "do": "the old SAML signing certificate leaves our metadata; remove it from the config after this",
        },
        {
            "at": f(old_decryption_gone),
            "do": "the old decryption key is no longer tried (no peer can still hold metadata naming it); remove it from the config after this",
        },
    ]);
    if o.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "metadata_lead_seconds": lead.saml.whole_seconds(),
                "jwks_lead_seconds": lead.jwks.whole_seconds(),
                "steps": steps,
            }))?
        );
        return Ok(());
    }
    println!(
        "A safe rollover of every key, published at {} (metadata validity {} h plus skew {} s; \
         JWKS cache {} s plus skew; ID token lifetime {} s):\n",
        f(t0),
        s.saml.metadata_validity_hours,
        s.saml.clock_skew_seconds,
        crate::app::rollover::JWKS_MAX_AGE.whole_seconds(),
        s.oidc.id_token_ttl_seconds
    );
    for step in steps.as_array().into_iter().flatten() {
        println!(
            "{}  {}",
            step["at"].as_str().unwrap_or(""),
            step["do"].as_str().unwrap_or("")
        );
        if let Some(c) = step.get("config").and_then(|c| c.as_object()) {
            for (k, v) in c {
                println!("    {k}: {}", v.as_str().unwrap_or(""));
            }
        }
        if let Some(t) = step.get("then").and_then(|t| t.as_str()) {
            println!("    then: {t}");
        }
    }
    Ok(())
}
