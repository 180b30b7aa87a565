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

/// Issue 14 item 4: every failure abroad ends on its own page, in the citizen's language, saying
/// what happened and what to try, with the reference and both ways on. A reload, Back or a change
/// of language shows it again; "Try again" reopens the choice of the same login; "Return to the
/// e-service" ends it with the error that fits; once returned, the page says the login has ended.
#[tokio::test]
async fn every_failure_abroad_has_its_own_page_with_the_ways_on() {
    let w = World::start("outcomes").await;
    for (control, lang, title, other_title, code) in [
        (
            json!({"deny": true, "fault": "none"}),
            "de",
            "Die Anmeldung wurde abgebrochen",
            "The login was cancelled",
            "access_denied",
        ),
        (
            json!({"deny": false, "fault": "status-authn-failed"}),
            "pl",
            "Nie udało się potwierdzić Twojej tożsamości",
            "Your identity could not be confirmed",
            "access_denied",
        ),
        (
            json!({"deny": false, "fault": "status-responder-failure"}),
            "el",
            "Η υπηρεσία σύνδεσης της χώρας σας αντιμετώπισε πρόβλημα",
            "Your country&#39;s login service had a problem",
            "server_error",
        ),
        // Our own checks refused the answer (a rejected signature): the same page, and the
        // e-service hears only access_denied.
        (
            json!({"deny": false, "fault": "unsigned"}),
            "ga",
            "Bhí fadhb ag seirbhís logála isteach do thíre",
            "Your country&#39;s login service had a problem",
            "access_denied",
        ),
    ] {
        w.sim.control(control.clone()).await;
        let b = Browser::new().unwrap();
        let (url, state, _) = authorize_url(w.gw.url(), "openid", &[("ui_locales", lang)]);
        let End::Page(page) = drive(&b, &url, "XA", |h| h.url.contains("/resume?r=")).await else {
            panic!("{control}: no outcome page")
        };
        let what = format!("{control}");
        assert!(page.url.contains("/resume?r="), "{what}: {}", page.url);
        assert_eq!(page.status, 200, "{what}: {}", page.body);
        assert!(
            page.body.contains(&format!("<html lang=\"{lang}\"")),
            "{what}"
        );
        assert!(
            page.body.contains(&format!("<h1>{title}</h1>")),
            "{what}: {}",
            page.body
        );
        assert!(page.body.contains("<code class=\"reference\""), "{what}");
        assert!(!page.body.contains("code="), "{what}: a code leaked");
        let back = parse_post_form(&page.body).expect("the way back");
        assert_eq!(back.action, "/login/cancel", "{what}");
        let flow = back.field("flow").unwrap().to_owned();
        assert!(back.field("r").is_some(), "{what}");
        let again = format!("/login?flow={flow}&amp;lang={lang}");
        assert!(page.body.contains(&again), "{what}: no Try again");

        // Reload: the same page; the language menu: the same page in English.
        let reload = b.get(&page.url).await.unwrap();
        assert_eq!(reload.status, 200, "{what}: reload");
        assert!(reload.body.contains(&format!("<h1>{title}</h1>")), "{what}");
        let english = b.get(&format!("{}&lang=en", page.url)).await.unwrap();
        assert!(
            english.body.contains(&format!("<h1>{other_title}</h1>")),
            "{what}: {}",
            english.body
        );
        // Try again: the same login's country page (its flow is still open).
        let choice = b
            .get(&format!("{}{}", w.gw.url(), again.replace("&amp;", "&")))
            .await
            .unwrap();
        assert_eq!(choice.status, 200, "{what}: try again");
        assert!(choice.body.contains("name=\"country\""), "{what}");

        // Back to the outcome page, then to the e-service: the fitting error and the state.
        let page = b.get(&page.url).await.unwrap();
        let back = parse_post_form(&page.body).unwrap();
        let hop = b.submit(&page.url, &back, &[]).await.unwrap();
        assert_eq!(hop.status, 303, "{what}: {}", hop.body);
        let to = hop.location.unwrap();
        assert!(to.starts_with(REDIRECT), "{what}: {to}");
        assert_eq!(query_param(&to, "error").as_deref(), Some(code), "{what}");
        assert_eq!(query_param(&to, "state").as_deref(), Some(state.as_str()));
        assert_eq!(query_param(&to, "code"), None);
        // The login has ended: reloading its outcome page says so, without a way back.
        let after = b.get(&page.url).await.unwrap();
        assert_error_page(&after, &format!("{what}: after return"));
        assert!(!after.body.contains("/login/cancel"), "{what}");
    }
    w.sim.control(json!({"deny": false, "fault": "none"})).await;
}

/// An outcome handle from another login does not change what an e-service hears: a plain
/// cancel of this login is `access_denied`, and the other login's outcome stays parked.
#[tokio::test]
async fn an_outcome_of_another_login_is_not_taken_by_a_cancel() {
    let w = World::start("outcome-swap").await;
    w.sim
        .control(json!({"deny": false, "fault": "status-responder-failure"}))
        .await;
    let b = Browser::new().unwrap();
    let (url, _, _) = authorize_url(w.gw.url(), "openid", &[]);
    let End::Page(failed) = drive(&b, &url, "XA", |h| h.url.contains("/resume?r=")).await else {
        panic!("no outcome page")
    };
    let failed_form = parse_post_form(&failed.body).unwrap();
    let r = failed_form.field("r").unwrap().to_owned();
    // A second login in the same browser, cancelled with the first one's outcome handle.
    let (url, state, _) = authorize_url(w.gw.url(), "openid", &[]);
    let End::Page(choice) = drive(&b, &url, "XA", at_country_page).await else {
        panic!("no country page")
    };
    let flow = query_param(&choice.url, "flow").unwrap();
    let hop = b
        .post(
            &format!("{}/login/cancel", w.gw.url()),
            &[("flow".into(), flow), ("r".into(), r)],
        )
        .await
        .unwrap();
    let to = hop.location.unwrap();
    assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&to, "state").as_deref(), Some(state.as_str()));
    // The first login's page and its way back still work, with its own error.
    let again = b.get(&failed.url).await.unwrap();
    assert_eq!(again.status, 200, "{}", again.body);
    let hop = b
        .submit(&again.url, &parse_post_form(&again.body).unwrap(), &[])
        .await
        .unwrap();
    let to = hop.location.unwrap();
    assert_eq!(query_param(&to, "error").as_deref(), Some("server_error"));
    w.sim.control(json!({"fault": "none"})).await;
}
