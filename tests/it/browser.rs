//! Real Chromium at a phone viewport against the real server and the release-built client.

use fantoccini::Locator;

use crate::helpers::{Browser, Db, client_built, no_horizontal_scroll, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shell_renders_in_indonesian_switches_to_english_and_shows_api_data() {
    if !client_built() {
        return;
    }
    let app = spawn_app(Db::Sqlite).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    b.goto(&app.url("/")).await.unwrap();

    // Indonesian by default, with data fetched through wasm from the API.
    browser
        .wait_text("#home-title", |t| t == "Selamat datang di Serap")
        .await;
    let version = browser
        .wait_text("#server-version", |t| !t.is_empty())
        .await;
    assert_eq!(version, format!("Serap {}", env!("CARGO_PKG_VERSION")));
    let database = browser
        .wait_text("#server-database", |t| !t.is_empty())
        .await;
    assert_eq!(database, "sqlite (tersambung)");
    let lang = b
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap();
    assert_eq!(lang, "id");

    // Phone viewport.
    let width = b.execute("return window.innerWidth", vec![]).await.unwrap();
    assert_eq!(width, 412);
    no_horizontal_scroll(b, "home").await;

    // Switch to English: text, the html lang attribute and the button's accessible label follow.
    let toggle = b.find(Locator::Css("#lang-toggle")).await.unwrap();
    assert_eq!(
        toggle.attr("aria-label").await.unwrap().as_deref(),
        Some("Ganti bahasa ke English")
    );
    toggle.click().await.unwrap();
    browser
        .wait_text("#home-title", |t| t == "Welcome to Serap")
        .await;
    browser
        .wait_text("#server-database", |t| t == "sqlite (connected)")
        .await;
    let lang = b
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap();
    assert_eq!(lang, "en");

    // The choice survives a reload.
    b.refresh().await.unwrap();
    browser
        .wait_text("#home-title", |t| t == "Welcome to Serap")
        .await;

    // An unknown client route renders the not-found page inside the app.
    b.goto(&app.url("/tidak-ada")).await.unwrap();
    browser.wait_text("h1", |t| t == "Page not found").await;

    browser.close().await;
}
