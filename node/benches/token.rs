//! Token endpoint work without the network: client authentication, code redemption from the
//! memory store (AES-GCM open + GETDEL semantics), PKCE check, access token storage and ES256
//! ID token signing. Run with `cargo bench --bench token`; figures go to BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Instant;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use eidas_node::clock::SystemClock;
use eidas_node::identity::*;
use eidas_node::oidc::{
    AuthorizeOutcome, ClientRegistry, ClientSettings, KeySet, KeyStatus, Provider, ProviderConfig,
    SigningKey,
};
use eidas_node::store::memory::MemoryBackend;
use eidas_node::store::{SealedStore, Sealer};

const SECRET: &str = "bench-secret-0123456789abcdef0123456789abcdef";
const REDIRECT: &str = "https://rp.example/cb";

fn identity() -> VerifiedIdentity {
    VerifiedIdentity {
        method: LoginMethod::Eidas,
        country: "EL".into(),
        loa: Loa::notified(LoaLevel::High),
        authn_instant: time::OffsetDateTime::now_utc(),
        subject: Subject::Natural(NaturalPerson {
            person_identifier: "EL/EE/123456789".into(),
            family_name: ScriptValue {
                latin: "Papadopoulos".into(),
                original: Some("Παπαδόπουλος".into()),
            },
            given_name: ScriptValue::latin("Nikos"),
            date_of_birth: "1980-05-17".into(),
            birth_name: None,
            place_of_birth: None,
            current_address: None,
            gender: None,
            nationality: None,
            country_of_birth: None,
            country_of_residence: None,
            town_of_birth: None,
            phone_number: None,
            email_address: None,
        }),
        wallet: None,
    }
}

fn provider() -> Provider {
    let hash: String = openssl::sha::sha256(SECRET.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let settings = ClientSettings {
        client_id: ClientId::parse("bench").unwrap(),
        display_name: "Bench".into(),
        client_secret_sha256: Some(hash),
        jwks: None,
        token_endpoint_auth_method: None,
        strict_scopes: false,
        require_pushed_authorization_requests: false,
        require_signed_request_object: false,
        redirect_uris: vec![REDIRECT.into()],
        allowed_scopes: vec!["openid".into()],
        allowed_countries: vec![CountryCode::parse("EL").unwrap()],
        min_loa: LoaLevel::Substantial,
        sp_type: SpType::Public,
        subject_type: Default::default(),
        sector_identifier: None,
        id_token_signed_response_alg: None,
        wallet: false,
    };
    let keys = KeySet::new(vec![SigningKey::generate_es256(KeyStatus::Current).unwrap()]).unwrap();
    let clients = ClientRegistry::from_settings(&[settings], &keys.algorithms()).unwrap();
    let store = Arc::new(SealedStore::new(
        Arc::new(MemoryBackend::new()),
        Sealer::random().unwrap(),
    ));
    Provider::new(
        ProviderConfig::new("https://node.example", vec![7; 32]),
        clients,
        keys,
        store,
        Arc::new(SystemClock),
    )
}

async fn issue_code(p: &Provider, verifier: &str) -> String {
    let challenge = URL_SAFE_NO_PAD.encode(openssl::sha::sha256(verifier.as_bytes()));
    let params: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", "bench"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "s"),
        ("nonce", "n"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let AuthorizeOutcome::Login { flow_id, .. } = p.authorize(&params).await.unwrap() else {
        panic!("authorize refused")
    };
    let url = p
        .complete_authorization(&flow_id, identity())
        .await
        .unwrap();
    url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned()
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let p = provider();
        let verifier = "v".repeat(64);
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("bench:{SECRET}")));
        for (label, n) in [("warm-up", 200usize), ("measured", 5000)] {
            let mut codes = Vec::with_capacity(n);
            for _ in 0..n {
                codes.push(issue_code(&p, &verifier).await);
            }
            let start = Instant::now();
            for code in &codes {
                let form: Vec<(String, String)> = [
                    ("grant_type", "authorization_code"),
                    ("code", code.as_str()),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", verifier.as_str()),
                ]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
                let r = p.token(&form, Some(&basic)).await.unwrap();
                std::hint::black_box(r);
            }
            let per = start.elapsed().as_secs_f64() * 1e6 / n as f64;
            println!("{label}: {n} token requests (ES256, memory store), {per:.1} µs per request, single thread");
        }
    });
}
