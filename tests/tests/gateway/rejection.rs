//! Tests 3 and 4: every SAML rejection case of the simulator, a replayed response, and the
//! browser binding between the ACS and `/resume`. None of them may end with a code.

use eidas_testbed::browser::{parse_post_form, Browser, Hop};
use eidas_testbed::sim::Fault;
use serde_json::json;

use crate::harness::*;

/// A faulty flow ends as an OIDC error at the e-service or as a gateway error page.
fn assert_rejected(end: &End, what: &str) {
    match end {
        End::Final(url) => {
            assert!(url.starts_with(REDIRECT), "{what}: {url}");
            assert!(query_param(url, "error").is_some(), "{what}: {url}");
            assert_eq!(query_param(url, "code"), None, "{what}: a code! {url}");
        }
        End::Page(hop) => assert_error_page(hop, what),
    }
}

#[tokio::test]
async fn every_saml_rejection_case_ends_without_a_code() {
    let w = World::start("faults").await;
    let mut outcomes = Vec::new();
    for (i, fault) in Fault::ALL.iter().enumerate() {
        let country = if i % 2 == 0 { "XA" } else { "XB" };
        // `replay` resends this country's previous response: make sure there is one.
        if *fault == Fault::Replay {
            w.sim.control(json!({"fault": "none"})).await;
            let (url, _, _) = authorize_url(w.gw.url(), "openid", &[]);
            let end = drive(&Browser::new().unwrap(), &url, country, |_| false).await;
            assert!(
                matches!(&end, End::Final(u) if query_param(u, "code").is_some()),
                "a clean login before replay: {end:?}"
            );
        }
        w.sim
            .control(json!({"fault": fault.to_string(), "identity": "natural-latin"}))
            .await;
        let (url, state, _) = authorize_url(w.gw.url(), "openid", &[]);
        let end = drive(&Browser::new().unwrap(), &url, country, |_| false).await;
        let what = format!("fault {fault} ({country})");
        assert_rejected(&end, &what);
        if let End::Final(u) = &end {
            assert_eq!(query_param(u, "state").as_deref(), Some(state.as_str()));
        }
        outcomes.push(match &end {
            End::Final(u) => format!("{fault}: error={}", query_param(u, "error").unwrap()),
            End::Page(h) => format!("{fault}: page {}", h.status),
        });
    }
    eprintln!("outcomes:\n  {}", outcomes.join("\n  "));
}

/// Drives a flow up to the simulator's response form and returns it (not yet submitted).
async fn up_to_response(w: &World, b: &Browser) -> Hop {
    let (url, _, _) = authorize_url(w.gw.url(), "openid", &[]);
    match drive(b, &url, "XA", at_saml_response).await {
        End::Page(h) if at_saml_response(&h) => h,
        other => panic!("no SAML response form: {other:?}"),
    }
}

#[tokio::test]
async fn replayed_response_and_resume_in_another_browser_never_give_a_code() {
    let w = World::start("replay").await;
    w.sim
        .control(json!({"fault": "none", "identity": "natural-greek", "deny": false}))
        .await;

    // A valid response posted to the ACS twice: the second time is an error page.
    let b = Browser::new().unwrap();
    let page = up_to_response(&w, &b).await;
    let form = parse_post_form(&page.body).unwrap();
    let first = b.submit(&page.url, &form, &[]).await.unwrap();
    assert_eq!(first.status, 303, "{}", first.body);
    let second = b.submit(&page.url, &form, &[]).await.unwrap();
    assert_error_page(&second, "replayed SAMLResponse");
    // The first one still completes normally.
    let hops = b.follow(first, |u| u.starts_with(REDIRECT)).await.unwrap();
    let last = hops.last().unwrap();
    let to = last.location.clone().unwrap();
    assert!(query_param(&to, "code").is_some(), "{to}");

    // Browser binding: ACS with browser A, /resume with a fresh browser B.
    let a = Browser::new().unwrap();
    let page = up_to_response(&w, &a).await;
    let form = parse_post_form(&page.body).unwrap();
    let acs = a.submit(&page.url, &form, &[]).await.unwrap();
    assert_eq!(acs.status, 303, "{}", acs.body);
    let resume = acs.location.clone().unwrap();
    assert!(resume.contains("/resume?"), "{resume}");
    let b2 = Browser::new().unwrap();
    let hop = b2.get(&resume).await.unwrap();
    assert_error_page(&hop, "resume in another browser");
    assert!(hop.location.is_none());
    // The flow never completes, not even back in browser A.
    let hop = a.get(&resume).await.unwrap();
    assert_error_page(&hop, "resume after a foreign attempt");
    assert!(hop.location.is_none());
}

/// A flow id that leaks (logs, history, a shared computer) cannot be continued, cancelled or
/// steered to another country by a browser other than the one that called `/authorize`, even one
/// that holds a well-formed cookie of its own (session swapping).
#[tokio::test]
async fn a_flow_is_bound_to_the_browser_that_started_it_and_to_a_pinned_country() {
    let w = World::start("agent-binding").await;
    let victim = Browser::new().unwrap();
    let (url, _, _) = authorize_url(w.gw.url(), "openid", &[]);
    let hop = victim.get(&url).await.unwrap();
    assert_eq!(hop.status, 303);
    let login = hop.location.clone().unwrap();
    let flow = query_param(&login, "flow").unwrap();

    let attacker = Browser::new().unwrap();
    let (own, _, _) = authorize_url(w.gw.url(), "openid", &[]);
    assert_eq!(
        attacker.get(&own).await.unwrap().status,
        303,
        "attacker has a cookie"
    );
    assert_error_page(
        &attacker.get(&login).await.unwrap(),
        "GET /login, other browser",
    );
    let post = |path: &str, country: Option<&str>| {
        let mut fields = vec![("flow".to_owned(), flow.clone())];
        if let Some(c) = country {
            fields.push(("country".to_owned(), c.to_owned()));
        }
        (format!("{}{path}", w.gw.url()), fields)
    };
    let (u, f) = post("/login", Some("XA"));
    assert_error_page(
        &attacker.post(&u, &f).await.unwrap(),
        "POST /login, other browser",
    );
    let (u, f) = post("/login/cancel", None);
    assert_error_page(
        &attacker.post(&u, &f).await.unwrap(),
        "cancel, other browser",
    );
    // The victim's flow is untouched by all that and completes.
    let hop = victim.get(&login).await.unwrap();
    assert_eq!(hop.status, 200, "{}", hop.body);
    assert!(hop.body.contains("name=\"country\""));

    // A client that pinned XA: choosing XB on the same flow is refused.
    let b = Browser::new().unwrap();
    let (url, _, _) = authorize_url(w.gw.url(), "openid eidas:country:xa", &[]);
    let hop = b.get(&url).await.unwrap();
    let login = hop.location.clone().unwrap();
    let flow = query_param(&login, "flow").unwrap();
    let fields = vec![
        ("flow".to_owned(), flow),
        ("country".to_owned(), "XB".to_owned()),
    ];
    let hop = b
        .post(&format!("{}/login", w.gw.url()), &fields)
        .await
        .unwrap();
    assert_error_page(&hop, "pinned country swapped");
}
