//! The digest preview page in real Chromium at 412 x 915: an admin signed in through the console sees the
//! next digest of a subscription as it will be sent (subject, HTML part, text part), readable on a phone
//! without horizontal scrolling and loading nothing remote; signed out, the page asks to sign in.

use std::time::Duration;

use serde_json::{Value, json};

use crate::browser_console::{
    admin_account, console_built, element, no_horizontal_scroll, sign_in,
};
use crate::helpers::{ADMIN_TOKEN, Browser, Db, TestConfig, eventually};
use crate::reports::{form, skm_answers, submit, unit_id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_previews_the_next_digest_on_a_phone() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    admin_account(&app).await;
    let skm = form(&app, "skm-2026").await;
    for value in [4, 4, 3, 3, 4, 2] {
        submit(
            &app,
            "skm-2026",
            unit_id(&skm, "DINKES-PKM-SERANG"),
            &skm_answers(&skm.definition, value),
        )
        .await;
    }
    let r = app
        .post_json(
            "/api/v1/digests",
            &json!({"email": "sekda@serangkota.go.id", "name": "Sekretaris Daerah",
                    "cadences": ["weekly"]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
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
        (report["overall"]["respondents"] == 6).then_some(())
    })
    .await;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    sign_in(&browser, &app).await;
    b.goto(&app.url(&format!("/digests/{id}/preview")))
        .await
        .unwrap();
    let subject = browser
        .wait_text("#subject", |t| t.starts_with("Ringkasan mingguan Serap"))
        .await;
    assert!(subject.contains("5 survei aktif"), "{subject}");
    assert!(subject.contains("6 tanggapan"), "{subject}");
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
    assert!(text.contains("6"), "{text}");
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
