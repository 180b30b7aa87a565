//! Trust sources as configured: where a country's metadata is ([`Location`]) and how it is
//! verified ([`Source`]: pinned certificates or anchors, signature policy, revocation, interop
//! profile, activation policy). Service lists and aggregates produce `Source`s too (`lists`).
//!
//! Must not: fetch or verify (that is `fetch` and the store's load).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openssl::x509::X509;

use super::settings::{self, CountrySettings, TrustSettings};
use super::{workflow, Error};
use crate::identity::LoaLevel;
use crate::saml::attributes;
use crate::saml::crypto::SignaturePolicy;
use crate::saml::metadata::MetadataTrust;

/// Where a country's metadata comes from.
#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Url(url::Url),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Url(u) => write!(f, "{u}"),
        }
    }
}

/// One country as configured: where to fetch and how to verify.
#[derive(Debug, Clone)]
pub struct Source {
    pub code: String,
    pub names: BTreeMap<String, String>,
    pub location: Location,
    pub trust: MetadataTrust,
    pub policy: SignaturePolicy,
    pub test: bool,
    /// The operator's floor for this country, whatever the client asks.
    pub min_loa: Option<LoaLevel>,
    /// The entityID a service list names for this country: the metadata must carry it (§4
    /// connector algorithm, entityID agreement). `None` for configured countries.
    pub expected_entity_id: Option<String>,
    /// The service list this country came from; `None` when configured directly.
    pub list: Option<String>,
    /// Interop profile: a clock skew allowance replacing `saml.clock_skew_seconds`.
    pub skew: Option<time::Duration>,
    /// Interop profile: leave out `Scoping/RequesterID` for this country.
    pub omit_scoping: bool,
    /// How changes go live (`auto` or `review`): the list's for a list's countries.
    pub activation: workflow::Policy,
    /// Interop profile: this peer's attribute `Name`s read as eIDAS ones, `(peer, eIDAS)`, in
    /// responses and in its metadata's supported attributes.
    pub attribute_aliases: Vec<(String, String)>,
    /// Anchored trust: a CRL of the signer's chain that cannot be obtained refuses the document.
    pub revocation_required: bool,
}

impl Source {
    /// The name trust versions give this source: `config XA` or `list NAME`; one activation
    /// policy each.
    pub fn label(&self) -> String {
        match &self.list {
            Some(l) => format!("list {l}"),
            None => format!("config {}", self.code),
        }
    }
}

/// A configured location: `https://` (or loopback `http://`) URL, else a path.
pub(crate) fn parse_location(
    text: &str,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<Location, String> {
    if text.starts_with("https://") || text.starts_with("http://") {
        let u = url::Url::parse(text).map_err(|e| format!("{text}: {e}"))?;
        if u.scheme() == "http" && !is_loopback(&u) {
            // eidas-requirements §4: NODE restricts metadata to HTTPS; plain HTTP only on
            // loopback (demo, tests), where there is no network to attack.
            return Err("metadata URL must be https:// (http only for loopback)".into());
        }
        Ok(Location::Url(u))
    } else {
        Ok(Location::File(resolve(Path::new(text))))
    }
}

/// The pinned certificates or anchors of a configured source (never neither: §4).
pub(crate) fn load_trust(
    signer_cert_paths: &[PathBuf],
    anchor_cert_paths: &[PathBuf],
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<MetadataTrust, String> {
    let load = |paths: &[PathBuf], what: &str| -> Result<Vec<X509>, String> {
        let mut certs = Vec::new();
        for p in paths {
            let path = resolve(p);
            let pem =
                std::fs::read(&path).map_err(|e| format!("{what} {}: {e}", path.display()))?;
            certs.extend(
                X509::stack_from_pem(&pem)
                    .map_err(|_| format!("{what} {}: not PEM", path.display()))?,
            );
        }
        Ok(certs)
    };
    let pinned = load(signer_cert_paths, "signer_cert_paths")?;
    let anchors = load(anchor_cert_paths, "anchor_cert_paths")?;
    match (pinned.is_empty(), anchors.is_empty()) {
        (false, true) => Ok(MetadataTrust::Pinned(pinned)),
        (true, false) => Ok(MetadataTrust::Anchors(anchors)),
        // eidas-requirements §4: never use unverified metadata.
        (true, true) => Err(
            "needs signer_cert_paths or anchor_cert_paths: metadata is never trusted unverified"
                .into(),
        ),
        (false, false) => {
            Err("give either signer_cert_paths or anchor_cert_paths, not both".into())
        }
    }
}

impl Source {
    /// Builds every configured country's source; each problem names the country and key.
    /// `resolve` turns a configured path into a real one (relative to the config file).
    pub fn from_settings(
        settings: &TrustSettings,
        resolve: &dyn Fn(&Path) -> PathBuf,
    ) -> Result<Vec<Source>, Vec<Error>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for c in &settings.countries {
            match Self::one(resolve, c) {
                Ok(s) => out.push(s),
                Err(e) => problems.push(e),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    fn one(resolve: &dyn Fn(&Path) -> PathBuf, c: &CountrySettings) -> Result<Source, Error> {
        // `c.code` is a `CountryCode`: checked when the config was read.
        let bad = |problem: String| Error::Config {
            code: c.code.to_string(),
            problem,
        };
        let location = parse_location(&c.metadata, resolve).map_err(&bad)?;
        let trust =
            load_trust(&c.signer_cert_paths, &c.anchor_cert_paths, resolve).map_err(&bad)?;
        Ok(Source {
            code: c.code.to_string(),
            names: c.names.clone(),
            location,
            trust,
            policy: if c.legacy_signatures {
                SignaturePolicy::LEGACY_INTEROP
            } else {
                SignaturePolicy::EIDAS
            },
            test: c.test,
            min_loa: c.min_loa,
            expected_entity_id: None,
            list: None,
            skew: match c.clock_skew_seconds {
                Some(v) if v > 600 => {
                    return Err(bad(format!("clock_skew_seconds = {v} is above 600")));
                }
                Some(v) => Some(time::Duration::seconds(i64::try_from(v).unwrap_or(600))),
                None => None,
            },
            omit_scoping: c.omit_scoping,
            activation: c.activation,
            attribute_aliases: attribute_aliases(&c.attribute_names).map_err(bad)?,
            revocation_required: c.revocation == settings::RevocationMode::FailClosed,
        })
    }

    /// The LoA to request from this country: the request's, raised to the operator's floor.
    pub fn effective_loa(&self, requested: LoaLevel) -> LoaLevel {
        self.min_loa.map_or(requested, |floor| floor.max(requested))
    }

    /// The country's name in `locale`: the configured one, else CLDR's (`EL` is Greece), else
    /// the configured English one, else CLDR's English one, else the code.
    pub fn name(&self, locale: &str) -> String {
        self.names
            .get(locale)
            .map(String::as_str)
            .or_else(|| crate::country_names::name(&self.code, locale))
            .or_else(|| self.names.get("en").map(String::as_str))
            .or_else(|| crate::country_names::name(&self.code, "en"))
            .map_or_else(|| self.code.clone(), str::to_owned)
    }
}

/// `attribute_names` checked: each maps a non-eIDAS Name to an eIDAS attribute Name, so an alias
/// can never turn one eIDAS attribute into another (a PersonIdentifier into a name, say).
fn attribute_aliases(names: &BTreeMap<String, String>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (from, to) in names {
        if from.starts_with("http://eidas.europa.eu/attributes/") {
            return Err(format!(
                "attribute_names: {from} is an eIDAS attribute Name itself; only a peer's variant Names can be mapped"
            ));
        }
        if !attributes::is_eidas_name(to) {
            return Err(format!(
                "attribute_names: {to} is not an eIDAS attribute Name (http://eidas.europa.eu/attributes/…)"
            ));
        }
        out.push((from.clone(), to.clone()));
    }
    Ok(out)
}

/// `localhost` or a loopback address: where plain HTTP is tolerated (demo, tests).
pub fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
