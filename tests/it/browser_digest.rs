//! The email digests page of the console and the digest preview in real Chromium at 412 x 915: an admin
//! signed in opens "Ringkasan email" from the console's menu, sees the API's field error for a bad address,
//! adds a subscription through the form, finds it listed and taps "Pratinjau": the next digest as it will be
//! sent (subject, HTML part, text part), readable on a phone without horizontal scrolling and loading
//! nothing remote; signed out, the preview asks to sign in.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_TOKEN, Browser, CONSOLE_ADMIN_NAME, Db, TestConfig, console_admin, console_built,
    element, eventually, form, no_horizontal_scroll, skm_answers, submit, type_into, unit_id,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_previews_the_next_digest_on_a_phone() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    console_admin(&app).await;
    // A leader account: the form offers it (a subscription may follow an account instead of an address).
    app.create_account(
        "walikota@serangkota.go.id",
        "Wali Kota Serang",
        "kata-sandi-walikota-1",
        &[("leader", None)],
    )
    .await;
    let skm = form(&app, "skm-2026").await;
    for value in [4, 4, 3, 3, 4] {
        submit(
            &app,
            "skm-2026",
            unit_id(&skm, "DINKES-PKM-SERANG"),
            &skm_answers(&skm.definition, value),
        )
        .await;
    }
    // The preview reads the same counters as the digest: wait until the responses are counted.
    eventually(Duration::from_secs(20), "responses counted", || async {
        let report: Value = app
            .http
            .get(app.url("/api/v1/waves/skm-2026/report"))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (report["overall"]["respondents"] == 5).then_some(())
    })
    .await;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    browser.sign_in_console_admin(&app).await;

    // The digests page, from the console's menu.
    element(b, "#nav-digests").await.click().await.unwrap();
    browser
        .wait_text("#digests-title", |t| t == "Ringkasan email")
        .await;
    browser
        .wait_text("#digests-empty", |t| t.contains("Belum ada langganan"))
        .await;
    assert_eq!(
        element(b, "#nav-digests")
            .await
            .attr("aria-current")
            .await
            .unwrap()
            .as_deref(),
        Some("page")
    );
    // The leader accounts and the unit list are there to pick from.
    let leaders = browser
        .wait_text("#digest-account", |t| t.contains("Wali Kota Serang"))
        .await;
    assert!(!leaders.contains(CONSOLE_ADMIN_NAME), "{leaders}");
    element(b, "#digest-unit-pick option[value=\"DINKES-PKM-SERANG\"]").await;

    // A bad address: the API's field error, next to the field, and nothing subscribed.
    type_into(b, "#digest-email", "sekda@").await;
    type_into(b, "#digest-name", "Sekretaris Daerah").await;
    element(b, "#new-digest-submit")
        .await
        .click()
        .await
        .unwrap();
    let error = browser
        .wait_text("#digest-email-error", |t| !t.is_empty())
        .await;
    assert!(error.contains("email"), "{error}");
    assert_eq!(
        element(b, "#digest-email")
            .await
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    let listed: Value = app.admin_get("/api/v1/digests").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 0, "{listed}");

    // Corrected: weekly (checked by default), Indonesian, the whole city.
    type_into(b, "#digest-email", "sekda@serangkota.go.id").await;
    assert!(
        element(b, "#digest-cadence-weekly")
            .await
            .is_selected()
            .await
            .unwrap()
    );
    element(b, "#new-digest-submit")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_text("#digest-created", |t| t.contains("sekda@serangkota.go.id"))
        .await;
    let item = browser
        .wait_text("#digest-list", |t| t.contains("Sekretaris Daerah"))
        .await;
    assert!(item.contains("Seluruh Kota Serang"), "{item}");
    assert!(item.contains("Setiap Senin"), "{item}");
    assert!(item.contains("Aktif"), "{item}");
    assert!(
        b.find(Locator::Css("#digest-email-error")).await.is_err(),
        "the field error is gone"
    );
    let listed: Value = app.admin_get("/api/v1/digests").await.json().await.unwrap();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    assert_eq!(listed[0]["email"], "sekda@serangkota.go.id", "{listed}");
    assert_eq!(listed[0]["cadences"], json!(["weekly"]), "{listed}");
    assert_eq!(listed[0]["lang"], "id", "{listed}");
    no_horizontal_scroll(b, "digests page").await;

    // "Pratinjau": the server's preview page.
    let preview = element(b, &format!("#digest-{id} a.preview-link")).await;
    assert_eq!(preview.text().await.unwrap(), "Pratinjau");
    preview.click().await.unwrap();
    eventually(Duration::from_secs(20), "preview page", || async {
        let url = b.current_url().await.ok()?;
        (url.path() == format!("/digests/{id}/preview")).then_some(())
    })
    .await;
    let subject = browser
        .wait_text("#subject", |t| t.starts_with("Ringkasan mingguan Serap"))
        .await;
    assert!(subject.contains("5 survei aktif"), "{subject}");
    assert!(subject.contains("5 tanggapan"), "{subject}");
    assert_eq!(
        element(b, "#to").await.text().await.unwrap(),
        "sekda@serangkota.go.id"
    );
    let html = element(b, "#html-part").await.text().await.unwrap();
    assert!(
        html.contains("Survei Kepuasan Masyarakat") || html.contains("SKM"),
        "{html}"
    );
    let text = element(b, "#text-part").await.text().await.unwrap();
    assert!(text.contains("Responden: 5"), "{text}");
    no_horizontal_scroll(b, "digest preview").await;
    // Email-safe: no scripts, nothing loaded from elsewhere.
    let remote = b
        .execute(
            "return document.querySelectorAll('script, img[src^=\"http\"], link[href^=\"http\"], iframe').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(remote, 0);

    // Signed out, the page asks to sign in instead of showing the digest.
    b.delete_all_cookies().await.unwrap();
    b.goto(&app.url(&format!("/digests/{id}/preview")))
        .await
        .unwrap();
    let page = browser.wait_text("body", |t| t.contains("401")).await;
    assert!(page.contains("masuk"), "{page}");
    assert!(!page.contains("Ringkasan mingguan"), "{page}");
    browser.close().await;
}
