//! The cost of a trust refresh (issue 11 item 10): `countries` Proxy-Services, each with its own
//! RSA-3072 key and signed metadata (as the simulator publishes it), served from loopback;
//! a [`TrustStore`] fetches and verifies all of them. Reported: CPU seconds of this process per
//! full refresh (the static file server's share included, so an upper bound) and wall time.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use eidas_node::clock::SystemClock;
use eidas_node::saml::crypto::SignaturePolicy;
use eidas_node::saml::metadata::MetadataTrust;
use eidas_node::trust::{Location, Source, TrustStore};

use crate::sim::{build_metadata, Country, EncryptionMode};

/// What [`run`] measured.
#[derive(Debug)]
pub struct Report {
    pub countries: usize,
    pub rounds: usize,
    /// CPU seconds per full refresh (user + system, whole process).
    pub cpu_per_refresh: f64,
    /// Wall seconds per full refresh.
    pub wall_per_refresh: f64,
}

fn code(i: usize) -> String {
    // Two letters from the user-assigned range's neighbourhood (Q*, X*, Z*) so no real country
    // is imitated: QA…QZ, XA…XZ, ZA…ZZ.
    let first = match (i / 26) % 3 {
        0 => b'Q',
        1 => b'X',
        _ => b'Z',
    };
    let second = b'A' + u8::try_from(i % 26).unwrap_or(0);
    String::from_utf8(vec![first, second]).unwrap_or_default()
}

/// `countries` ephemeral Proxy-Services' signed metadata served from a loopback server in this
/// process (the server runs until the runtime ends): their trust sources, pinned.
pub async fn serve_countries(countries: usize) -> anyhow::Result<Vec<Source>> {
    if countries == 0 || countries > 78 {
        bail!("1..=78 countries");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let now = time::OffsetDateTime::now_utc();
    let mut docs = HashMap::new();
    let mut sources = Vec::new();
    for i in 0..countries {
        let cc = code(i);
        let country = Country::ephemeral(&cc, &format!("Testland {cc}"), EncryptionMode::EcdhEs)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let lc = cc.to_ascii_lowercase();
        let entity_id = format!("{base}/{lc}/metadata");
        let doc = build_metadata(&country, &entity_id, &format!("{base}/{lc}/sso"), now)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        docs.insert(lc.clone(), doc);
        sources.push(Source {
            code: cc.clone(),
            names: Default::default(),
            location: Location::Url(url::Url::parse(&entity_id)?),
            trust: MetadataTrust::Pinned(vec![country.signing.pair.cert.clone()]),
            policy: SignaturePolicy::EIDAS,
            test: true,
            min_loa: None,
            expected_entity_id: None,
            list: None,
            skew: None,
            omit_scoping: false,
            activation: eidas_node::trust::workflow::Policy::Auto,
            attribute_aliases: Vec::new(),
            revocation_required: true,
        });
    }
    let docs = Arc::new(docs);
    let app = axum::Router::new().route(
        "/{cc}/metadata",
        axum::routing::get(
            move |axum::extract::Path(cc): axum::extract::Path<String>| {
                let docs = docs.clone();
                async move { docs.get(&cc).cloned().unwrap_or_default() }
            },
        ),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(sources)
}

pub async fn run(countries: usize, rounds: usize) -> anyhow::Result<Report> {
    if rounds == 0 {
        bail!("at least one round");
    }
    let sources = serve_countries(countries).await?;
    let pid = std::process::id();
    let cpu = || crate::loadgen::spawn::proc_usage(pid).map(|(s, _)| s);
    let (mut cpu_total, mut wall_total) = (0.0, 0.0);
    for _ in 0..rounds {
        // A fresh store each round: a full download and verification, no conditional GET.
        let trust = TrustStore::new(sources.clone(), Arc::new(SystemClock))?;
        let (c0, t0) = (cpu().context("/proc")?, Instant::now());
        let problems = trust.refresh().await;
        let (c1, wall) = (cpu().context("/proc")?, t0.elapsed().as_secs_f64());
        if !problems.is_empty() {
            bail!("refresh problems: {problems:?}");
        }
        if trust.status().iter().any(|c| c.service.is_none()) {
            bail!("a country was not loaded");
        }
        cpu_total += c1 - c0;
        wall_total += wall;
    }
    #[allow(clippy::cast_precision_loss)]
    let r = rounds as f64;
    Ok(Report {
        countries,
        rounds,
        cpu_per_refresh: cpu_total / r,
        wall_per_refresh: wall_total / r,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The measurement itself refuses to report unless every country was fetched and verified.
    #[tokio::test]
    async fn a_measured_refresh_loads_every_country() {
        let r = super::run(3, 1).await.unwrap();
        assert_eq!((r.countries, r.rounds), (3, 1));
        assert!(r.wall_per_refresh > 0.0);
        assert!(super::run(0, 1).await.is_err());
        assert_eq!(super::code(0), "QA");
        assert_eq!(super::code(27), "XB");
    }
}
