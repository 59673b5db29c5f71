//! An anonymous wave's personal link followed in real Chromium at phone size: no greeting by name, the
//! client obtains its one-time credential through the real wasm code (blinding with the browser's BigInt,
//! SHA-384 from WebCrypto), and the answers go with the credential and without the token. The server then
//! holds a spent credential and a response, and nothing that ties them to the invitation.

use std::time::Duration;

use fantoccini::Locator;
use mail_parser::MessageParser;
use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::entities::{
    credential_issuance, invitation_response, response, spent_credential, unanswered_invitation,
};
use serap_shared::api::InvitationForm;
use serap_shared::survey::example_answers;
use serde_json::json;

use crate::helpers::{
    Browser, Db, SmtpSink, TestConfig, client_built, eventually, fill_sections, import_roster,
    invitation_states, tap,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_invitation_is_answered_with_a_credential_in_the_browser() {
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
    let slug = "sosialisasi-kebijakan-2026"; // anonymous
    let r = app
        .post_json(
            &format!("/api/v1/waves/{slug}/invitations"),
            &json!({"unit_codes": ["BKPSDM"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let messages = sink.wait_for(1).await;
    let message = MessageParser::default().parse(&messages[0]).unwrap();
    let text = message.body_text(0).unwrap().to_string();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/s/"))
        .expect("a personal link in the email");
    let path = &link[link.find("/s/").unwrap()..];
    let personal: InvitationForm = app
        .get(&format!(
            "/api/v1{}",
            path.replacen("/s/", "/invitations/", 1)
        ))
        .await
        .json()
        .await
        .unwrap();

    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    // A cheap phone: the page's CPU four times slower.
    browser.throttle_cpu(4.0).await;
    b.goto(&app.url(path)).await.unwrap();
    // Opening the link obtains the credential in the browser.
    let took = eventually(
        Duration::from_secs(30),
        "the credential obtained in the browser",
        || async {
            let v = b
                .execute("return window.serapCredentialMs ?? null;", vec![])
                .await
                .unwrap();
            v.as_f64()
        },
    )
    .await;
    println!("credential obtained in the browser at 4x CPU slowdown in {took:.0} ms");
    assert_eq!(
        credential_issuance::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1,
        "the invitation is opened"
    );
    let stored = b
        .execute(
            "return Object.keys(localStorage).filter(k => k.startsWith('serap.cred.')).map(k => localStorage.getItem(k));",
            vec![],
        )
        .await
        .unwrap();
    let kept = stored[0].as_str().unwrap_or_default().to_string();
    assert_eq!(
        kept.len(),
        64 + 512,
        "the message (32 bytes) and the signature (256 bytes) kept in hex: {kept}"
    );

    tap(b, "consent-accept").await;
    assert!(
        b.find(Locator::Id("invitation-greeting")).await.is_err(),
        "no greeting by name in an anonymous wave"
    );
    assert!(
        b.find(Locator::Id("unit-select")).await.is_err(),
        "the unit comes with the invitation"
    );
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
    browser.close().await;

    // Stored with a spent credential; the invitation still counts as not answered, and nothing links them.
    let db = &app.state.db;
    let stored = response::Entity::find().all(db).await.unwrap();
    let stored: Vec<_> = stored
        .iter()
        .filter(|r| r.wave_id == personal.form.wave_id)
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].unit_id, personal.unit_id);
    assert_eq!(spent_credential::Entity::find().count(db).await.unwrap(), 1);
    assert_eq!(
        invitation_response::Entity::find().count(db).await.unwrap(),
        0
    );
    assert_eq!(
        unanswered_invitation::Entity::find()
            .count(db)
            .await
            .unwrap(),
        1
    );
    let states = invitation_states(&app, slug).await;
    assert_eq!(states["dewi@serangkota.go.id"], "opened");
}
