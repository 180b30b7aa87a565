//! Test 2: cancel and deny abroad, and the gateway's own Cancel button.

use eidas_testbed::browser::{login_flow, parse_post_form, Browser};
use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn deny_abroad_and_cancel_on_the_country_page_give_access_denied_with_state() {
    let w = World::start("deny").await;

    // Denied at the (simulated) foreign Proxy-Service.
    w.sim.control(json!({"deny": true})).await;
    for country in ["XA", "XB"] {
        let (url, state, _) = authorize_url(w.gw.url(), "openid", &[]);
        let r = login_flow(&Browser::new().unwrap(), &url, country)
            .await
            .unwrap();
        assert!(r.final_url.starts_with(REDIRECT), "{}", r.final_url);
        assert_eq!(
            query_param(&r.final_url, "error").as_deref(),
            Some("access_denied")
        );
        assert_eq!(
            query_param(&r.final_url, "state").as_deref(),
            Some(state.as_str())
        );
        assert_eq!(query_param(&r.final_url, "code"), None);
    }
    w.sim.control(json!({"deny": false})).await;

    // The gateway's Cancel button: the country page's form that posts to /login/cancel.
    let b = Browser::new().unwrap();
    let (url, state, _) = authorize_url(w.gw.url(), "openid", &[]);
    let End::Page(page) = drive(&b, &url, "XA", at_country_page).await else {
        panic!("no country page")
    };
    assert_eq!(page.status, 200);
    let second = page
        .body
        .split("<form")
        .find(|f| f.contains("action=\"/login/cancel\""))
        .map(|f| format!("<form{f}"))
        .expect("a cancel form");
    let cancel = parse_post_form(&second).expect("cancel form");
    assert_eq!(cancel.action, "/login/cancel");
    assert!(cancel.field("flow").is_some());
    let hop = b.submit(&page.url, &cancel, &[]).await.unwrap();
    assert_eq!(hop.status, 303);
    let to = hop.location.unwrap();
    assert!(to.starts_with(REDIRECT), "{to}");
    assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&to, "state").as_deref(), Some(state.as_str()));
    assert_eq!(query_param(&to, "code"), None);

    // The cancelled flow is gone: choosing a country now is an error page, not a login.
    let flow = cancel.field("flow").unwrap().to_owned();
    let hop = b
        .post(
            &format!("{}/login", w.gw.url()),
            &[("flow".into(), flow), ("country".into(), "XA".into())],
        )
        .await
        .unwrap();
    assert_error_page(&hop, "choose after cancel");
}
