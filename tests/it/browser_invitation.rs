//! A personal invitation followed in real Chromium at phone size: the email reaches the SMTP server, its
//! link opens the form with the person's unit fixed, the answers are submitted, and the link then shows
//! that it has been used.

use fantoccini::Locator;
use mail_parser::MessageParser;
use serap_shared::api::InvitationForm;
use serap_shared::survey::example_answers;
use serde_json::json;

use crate::helpers::{
    Browser, Db, SmtpSink, TestConfig, client_built, fill_sections, import_roster, tap,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emailed_invitation_link_is_answered_once_in_the_browser() {
    if !client_built() {
        return;
    }
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(Db::Sqlite)
        .demo()
        .smtp(sink.url())
        .spawn()
        .await;
    import_roster(&app).await;
    // Identified: answered with the token (anonymous waves: `browser_credential.rs`).
    let slug = "abk-2026";
    let r = app
        .post_json(
            &format!("/api/v1/waves/{slug}/invitations"),
            &json!({"unit_codes": ["BKPSDM"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let messages = sink.wait_for(1).await;
    let message = MessageParser::default().parse(&messages[0]).unwrap();
    assert_eq!(
        message.to().unwrap().first().unwrap().address(),
        Some("dewi@serangkota.go.id")
    );
    let text = message.body_text(0).unwrap().to_string();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/s/"))
        .expect("a personal link in the email");
    let path = &link[link.find("/s/").unwrap()..];

    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    b.goto(&app.url(path)).await.unwrap();
    let greeting = browser
        .wait_text("#invitation-greeting", |t| t.contains("Dewi"))
        .await;
    assert!(greeting.contains("Dewi Anggraini"), "{greeting}");
    tap(b, "consent-accept").await;
    assert!(
        b.find(Locator::Id("unit-select")).await.is_err(),
        "the unit comes with the invitation"
    );
    let personal: InvitationForm = app
        .get(&format!(
            "/api/v1{}",
            path.replacen("/s/", "/invitations/", 1)
        ))
        .await
        .json()
        .await
        .unwrap();
    let answers = example_answers(&personal.form.definition, 0);
    if b.find(Locator::Id("next")).await.is_ok()
        && b.find(Locator::Css("[id^='q-']")).await.is_err()
    {
        tap(b, "next").await;
    }
    fill_sections(b, &personal.form, &answers).await;
    tap(b, "submit").await;
    let code = browser
        .wait_text("#receipt-code", |t| t.contains("SRP-"))
        .await;
    assert!(code.contains("SRP-"));

    // The same link again: a clear page, not the form.
    b.goto(&app.url(path)).await.unwrap();
    let error = browser
        .wait_text("#invitation-error", |t| !t.is_empty())
        .await;
    assert!(error.contains("sudah dipakai"), "{error}");
    browser.close().await;
}
