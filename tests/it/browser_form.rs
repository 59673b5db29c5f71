//! The respondent form in real Chromium at 412 x 915: every template filled and submitted through the UI,
//! required answers enforced, answers resumed after a reload, and a submission made while the server is
//! down queued on the phone and stored exactly once when it is back.

use std::time::Duration;

use fantoccini::Locator;
use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::entities::response;
use serap_shared::api::PublicForm;
use serap_shared::survey::{Answer, Answers, example_answers};

use crate::helpers::{
    Browser, Db, TestApp, TestConfig, answer, client_built, eventually, exists, fill_sections,
    form, no_horizontal_scroll, number_text, tap,
};

/// Opens the form, accepts the notice, picks the unit and moves on to the first section.
async fn start_form(browser: &Browser, app: &TestApp, form: &PublicForm, unit_index: usize) {
    let b = &browser.client;
    b.goto(&app.url(&format!("/f/{}", form.slug)))
        .await
        .unwrap();
    tap(b, "consent-accept").await;
    let select = eventually(Duration::from_secs(10), "unit select", || async {
        b.find(Locator::Id("unit-select")).await.ok()
    })
    .await;
    select
        .select_by_value(&form.units[unit_index].id.to_string())
        .await
        .unwrap();
    tap(b, "next").await;
}

async fn responses(app: &TestApp) -> u64 {
    response::Entity::find().count(&app.state.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_template_is_filled_and_submitted_through_the_phone_ui() {
    if !client_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    let slugs = [
        "kompetensi-2026",
        "kebutuhan-pelatihan-2026",
        "abk-2026",
        "sosialisasi-kebijakan-2026",
        "skm-2026",
    ];
    for (n, slug) in slugs.iter().enumerate() {
        let form = form(&app, slug).await;
        let answers = example_answers(&form.definition, 0);
        start_form(&browser, &app, &form, 2 + n).await;
        fill_sections(b, &form, &answers).await;
        tap(b, "submit").await;
        let code = browser
            .wait_text("#receipt-code", |t| t.contains("SRP-"))
            .await;
        assert!(code.contains("SRP-"), "{slug}: {code}");
        assert_eq!(responses(&app).await, n as u64 + 1, "{slug} stored once");
        no_horizontal_scroll(b, slug).await;
    }
    // What was stored is what was entered.
    let rows = response::Entity::find().all(&app.state.db).await.unwrap();
    let skm = form(&app, "skm-2026").await;
    let stored: Vec<Answers> = rows
        .iter()
        .filter(|r| r.wave_id == skm.wave_id)
        .map(|r| serde_json::from_value(r.answers.clone()).unwrap())
        .collect();
    assert_eq!(stored, vec![example_answers(&skm.definition, 0)]);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_required_answer_left_empty_blocks_the_next_step() {
    if !client_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    let form = form(&app, "kompetensi-2026").await;
    start_form(&browser, &app, &form, 1).await;
    let first = &form.definition.sections[0].questions[0];
    assert!(first.required);
    tap(b, "next").await;
    let message = browser
        .wait_text(&format!("#q-{}-error", first.id), |t| !t.is_empty())
        .await;
    assert!(message.to_lowercase().contains("wajib"), "{message}");
    // Still on the first section.
    assert!(exists(b, &format!("q-{}", first.id)).await);
    assert!(!exists(b, "submit").await || form.definition.sections.len() == 1);
    assert_eq!(responses(&app).await, 0);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloading_mid_form_resumes_the_answers() {
    if !client_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    let form = form(&app, "skm-2026").await;
    let answers = example_answers(&form.definition, 1);
    start_form(&browser, &app, &form, 4).await;
    let first = &form.definition.sections[0].questions[0];
    answer(b, &first.id, &first.kind, &answers[&first.id]).await;
    let Answer::Number(n) = answers[&first.id] else {
        panic!("SKM answers are numbers")
    };
    let input = format!("q-{}-{}", first.id, number_text(n));
    b.refresh().await.unwrap();
    let checked = eventually(Duration::from_secs(15), "answer restored", || async {
        let element = b.find(Locator::Id(&input)).await.ok()?;
        element.prop("checked").await.ok()?.filter(|c| c == "true")
    })
    .await;
    assert_eq!(checked, "true");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_made_offline_is_queued_then_stored_exactly_once() {
    if !client_built() {
        return;
    }
    let mut app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    let form = form(&app, "skm-2026").await;
    let answers = example_answers(&form.definition, 3);
    start_form(&browser, &app, &form, 5).await;
    fill_sections(b, &form, &answers).await;

    app.stop().await;
    tap(b, "submit").await;
    let status = browser.wait_text("#submit-status", |t| !t.is_empty()).await;
    assert!(!status.contains("SRP-"), "{status}");
    // Nothing can have been stored while the server was down; the phone keeps the submission.
    let queued = b
        .execute("return localStorage.getItem('serap.outbox')", vec![])
        .await
        .unwrap();
    assert!(
        queued
            .as_str()
            .is_some_and(|q| q.contains(&form.wave_id.to_string()) || q.contains("submission_id")),
        "{queued}"
    );

    app.restart().await;
    browser
        .wait_text("#receipt-code", |t| t.contains("SRP-"))
        .await;
    assert_eq!(responses(&app).await, 1);
    // Retries after the acknowledgement would be replays; give them a chance, then count again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(responses(&app).await, 1, "stored exactly once");
    browser.close().await;
}
