//! The console and the respondent's page as two apps: the respondent's page loads nothing of the console,
//! the console's routes get the console's document and policy, its hashed files are immutable.

use fantoccini::Locator;

use crate::helpers::{Browser, Db, console_built, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_respondent_page_loads_without_the_console_bundle() {
    if !console_built() {
        return;
    }
    let app = spawn_app(Db::Sqlite).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    b.goto(&app.url("/")).await.unwrap();
    browser
        .wait_text("#home-title", |t| t == "Selamat datang di Serap")
        .await;
    let loaded = b
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)
                .concat([...document.querySelectorAll('script[src],link[href]')]
                .map(e => e.src || e.href))",
            vec![],
        )
        .await
        .unwrap();
    let loaded: Vec<String> = serde_json::from_value(loaded).unwrap();
    assert!(
        loaded.iter().any(|url| url.ends_with("_bg.wasm")),
        "{loaded:?}"
    );
    assert!(
        !loaded
            .iter()
            .any(|url| url.contains("/console/") || url.contains("serap-console")),
        "the respondent page loads nothing of the console: {loaded:?}"
    );

    // An unknown invitation link: a clear page, not the form.
    b.goto(&app.url("/s/tautan-yang-tidak-ada")).await.unwrap();
    browser
        .wait_text("#invitation-error", |t| t.contains("tidak dikenal"))
        .await;
    assert!(b.find(Locator::Id("consent-accept")).await.is_err());
    browser.close().await;
}

#[tokio::test]
async fn the_console_is_served_as_an_app_of_its_own() {
    if !console_built() {
        return;
    }
    let app = spawn_app(Db::Sqlite).await;
    let respondent = app.get("/").await.text().await.unwrap();
    let console = app.get("/console/").await;
    assert_eq!(console.status(), 200);
    let csp = console.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let console = console.text().await.unwrap();
    assert!(console.contains("/console/serap-console-"), "{console}");
    assert!(!respondent.contains("serap-console"), "{respondent}");
    // Client routes of the console get the console's document, with the policy of its own inline script.
    for route in [
        "/console",
        "/console/login",
        "/console/reset/abc",
        "/console/waves/skm-2026",
    ] {
        let r = app.get(route).await;
        assert_eq!(r.status(), 200, "{route}");
        assert_eq!(
            r.headers()["content-security-policy"],
            csp.as_str(),
            "{route}"
        );
        assert_eq!(r.text().await.unwrap(), console, "{route}");
    }
    let respondent_csp = app.get("/f/skm-2026").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(respondent_csp, csp);
    // Its hashed files are immutable; a missing one is a 404, not the document.
    let wasm = console
        .split(['\'', '"', ' ', '='])
        .find(|s| s.ends_with("_bg.wasm"))
        .expect("the console references its wasm")
        .to_string();
    let r = app.get(&wasm).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(app.get("/console/tidak-ada.js").await.status(), 404);
}
