//! A wave's invitations sent from the console, the open link's state and warning, and the invited person
//! answering once through the personal link, which then says it was used.

use fantoccini::Locator;
use serap_shared::api::InvitationForm;
use serap_shared::survey::example_answers;

use super::emailed_after;
use crate::helpers::{
    Browser, Db, TestConfig, console_admin, console_built, element, fill_sections, import_roster,
    no_horizontal_scroll, tap,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_invites_a_unit_and_the_invited_person_answers_once_through_the_link() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    console_admin(&app).await;
    // Four people; one in BKPSDM: Dewi Anggraini.
    import_roster(&app).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    browser.sign_in_console_admin(&app).await;

    // The wave's page in the console: invite BKPSDM.
    element(b, "#menu-waves a").await.click().await.unwrap();
    element(b, "#wave-list a[href='/console/waves/skm-2026']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_text("#wave-title", |t| !t.is_empty() && t != "skm-2026")
        .await;
    browser
        .wait_text("#invitation-total", |t| t.starts_with("0 "))
        .await;
    element(b, "#aud-unit-BKPSDM").await.click().await.unwrap();
    element(b, "#invite-submit").await.click().await.unwrap();
    browser
        .wait_text("#invite-result", |t| t.contains("1 orang diundang"))
        .await;
    // An anonymous wave: the console can only know who opened the link, and says so; its open link is
    // now closed.
    browser
        .wait_text("#state-not_opened .stat-n", |t| t == "1")
        .await;
    browser
        .wait_text("#anonymous-notice", |t| {
            t.contains("bukan siapa yang sudah menjawab")
        })
        .await;
    browser
        .wait_text("#open-link-closed", |t| {
            t.contains("Tautan terbuka ditutup")
        })
        .await;
    // Opening it again warns plainly; then it is closed again.
    tap(b, "open-link-toggle").await;
    browser
        .wait_text("#open-link-warning", |t| {
            t.contains(
                "Siapa pun yang memiliki tautan dapat menambahkan jawaban untuk unit mana pun",
            )
        })
        .await;
    tap(b, "open-link-toggle").await;
    browser
        .wait_text("#open-link-closed", |t| {
            t.contains("Tautan terbuka ditutup")
        })
        .await;
    browser
        .wait_text("#invitation-table tbody", |t| t.contains("Dewi Anggraini"))
        .await;
    no_horizontal_scroll(b, "wave").await;

    // The personal link from the email: the notice, no greeting by name (anonymous), no unit to pick.
    let token = emailed_after(&app, "/s/").await;
    let invited: InvitationForm = app
        .get(&format!("/api/v1/invitations/{token}"))
        .await
        .json()
        .await
        .unwrap();
    b.goto(&app.url(&format!("/s/{token}"))).await.unwrap();
    element(b, "#consent-accept").await;
    assert!(b.find(Locator::Id("invitation-greeting")).await.is_err());
    tap(b, "consent-accept").await;
    browser.wait_text("#section-title", |t| !t.is_empty()).await;
    assert!(
        b.find(Locator::Id("unit-select")).await.is_err(),
        "no unit picker"
    );
    let answers = example_answers(&invited.form.definition, 0);
    fill_sections(b, &invited.form, &answers).await;
    tap(b, "submit").await;
    browser
        .wait_text("#receipt-code", |t| t.contains("SRP-"))
        .await;

    // Used once (this device keeps that its credential was spent): the link now says so instead of showing
    // the form, in Indonesian and in English.
    b.goto(&app.url(&format!("/s/{token}"))).await.unwrap();
    browser
        .wait_text("#invitation-error", |t| {
            t.contains("Tautan ini sudah dipakai")
        })
        .await;
    assert!(b.find(Locator::Id("consent-accept")).await.is_err());
    tap(b, "lang-toggle").await;
    browser
        .wait_text("#invitation-error", |t| {
            t.contains("This link has already been used")
        })
        .await;

    // The console knows the link was opened, not that it was answered.
    b.goto(&app.url("/console/waves/skm-2026")).await.unwrap();
    browser
        .wait_text("#state-opened .stat-n", |t| t == "1")
        .await;
    assert!(b.find(Locator::Id("state-answered")).await.is_err());
    browser.close().await;
}
