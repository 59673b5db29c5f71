//! Signing in to the console on a phone: sent to the login page, a wrong password refused, the home page
//! with the admin's sections, a roster CSV checked by a dry run, signing out; a forgotten password reset
//! through the emailed link.

use std::time::Duration;

use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::entities::person;

use super::emailed_after;
use crate::helpers::{
    Browser, CONSOLE_ADMIN_EMAIL, CONSOLE_ADMIN_NAME, CONSOLE_ADMIN_PASSWORD, Db, TestConfig,
    console_admin, console_built, element, eventually, no_horizontal_scroll, spawn_app, type_into,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_signs_in_checks_a_roster_csv_and_signs_out_on_a_phone() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    console_admin(&app).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;

    // Not signed in: the console sends you to its login page, in Indonesian.
    b.goto(&app.url("/console")).await.unwrap();
    browser
        .wait_text("#login-title", |t| t == "Masuk ke konsol")
        .await;
    let url = eventually(Duration::from_secs(10), "redirect to login", || async {
        let url = b.current_url().await.ok()?;
        url.path().ends_with("/console/login").then_some(url)
    })
    .await;
    assert_eq!(url.path(), "/console/login");
    let forgot = element(b, "a[href='/console/forgot']").await;
    assert_eq!(forgot.text().await.unwrap(), "Lupa kata sandi?");
    no_horizontal_scroll(b, "login").await;

    // A wrong password is refused with a message; the right one signs in.
    element(b, "#login-email")
        .await
        .send_keys(CONSOLE_ADMIN_EMAIL)
        .await
        .unwrap();
    element(b, "#login-password")
        .await
        .send_keys("salah-sekali-123")
        .await
        .unwrap();
    element(b, "#login-submit").await.click().await.unwrap();
    browser
        .wait_text("#login-error", |t| t.contains("salah"))
        .await;
    let password = element(b, "#login-password").await;
    password.clear().await.unwrap();
    password.send_keys(CONSOLE_ADMIN_PASSWORD).await.unwrap();
    element(b, "#login-submit").await.click().await.unwrap();

    // Home: who is signed in, the roles, and the admin's sections.
    browser
        .wait_text("#console-title", |t| t == "Konsol Serap")
        .await;
    browser
        .wait_text("#me-name", |t| t == CONSOLE_ADMIN_NAME)
        .await;
    browser
        .wait_text("#me-roles", |t| {
            t.contains("Admin") && t.contains("seluruh Kota Serang")
        })
        .await;
    for id in [
        "#menu-people",
        "#menu-accounts",
        "#menu-waves",
        "#menu-reports",
    ] {
        element(b, id).await;
    }
    no_horizontal_scroll(b, "home").await;

    // The roster: a CSV with one good row and one bad row, checked by a dry run.
    element(b, "#menu-people a").await.click().await.unwrap();
    browser
        .wait_text("#import-title", |t| t.contains("CSV"))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("pegawai.csv");
    std::fs::write(
        &csv,
        "NIP;Nama;Email;Kode Unit;Jabatan;Jenis Pegawai;Golongan\n\
         198507142010012003;Siti Rahmawati;siti@serangkota.go.id;BKPSDM;Pelaksana;PNS;III/b\n\
         1966080119880310;Tanpa NIP Lengkap;tanpa.nip@serangkota.go.id;BKPSDM;Pelaksana;PNS;\n",
    )
    .unwrap();
    element(b, "#people-file")
        .await
        .send_keys(&csv.display().to_string())
        .await
        .unwrap();
    let summary = browser
        .wait_text("#import-summary", |t| t.contains("ditolak"))
        .await;
    assert!(
        summary.contains("1 baru") && summary.contains("1 ditolak"),
        "{summary}"
    );
    let good = browser.wait_text("#import-row-2", |t| !t.is_empty()).await;
    assert!(
        good.contains("Siti Rahmawati") && good.contains("Baru"),
        "{good}"
    );
    let bad_row = element(b, "#import-row-3").await;
    assert_eq!(
        bad_row.attr("class").await.unwrap().as_deref(),
        Some("rejected")
    );
    let bad = bad_row.text().await.unwrap();
    assert!(
        bad.contains("Tanpa NIP Lengkap") && bad.contains("Ditolak") && bad.contains("nip"),
        "{bad}"
    );
    assert!(!bad.contains("1966080119880310"), "the NIP is not shown");
    // All or nothing: with a rejected row the import cannot be started, and the dry run stored nobody.
    let commit = element(b, "#import-commit").await;
    assert_eq!(
        commit.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    element(b, "#import-blocked").await;
    assert_eq!(
        person::Entity::find().count(&app.state.db).await.unwrap(),
        0
    );
    no_horizontal_scroll(b, "people").await;

    // Sign out: back to the login page with a message; the console's pages need signing in again.
    element(b, "#nav").await.click().await.unwrap();
    element(b, "#logout").await.click().await.unwrap();
    browser
        .wait_text("#flash", |t| t == "Anda sudah keluar.")
        .await;
    b.goto(&app.url("/console/people")).await.unwrap();
    browser
        .wait_text("#login-title", |t| t == "Masuk ke konsol")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_through_the_emailed_link() {
    if !console_built() {
        return;
    }
    let app = spawn_app(Db::Sqlite).await;
    console_admin(&app).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    b.goto(&app.url("/console/login")).await.unwrap();
    element(b, "a[href='/console/forgot']")
        .await
        .click()
        .await
        .unwrap();
    type_into(b, "#forgot-email", CONSOLE_ADMIN_EMAIL).await;
    element(b, "#forgot-submit").await.click().await.unwrap();
    browser
        .wait_text("#forgot-sent", |t| t.starts_with("Jika ada akun"))
        .await;

    let token = emailed_after(&app, "/console/reset/").await;
    b.goto(&app.url(&format!("/console/reset/{token}")))
        .await
        .unwrap();
    browser.wait_text("#reset-title", |t| !t.is_empty()).await;
    // Checked before sending: too short, then two different passwords.
    type_into(b, "#reset-password", "pendek").await;
    type_into(b, "#reset-confirm", "pendek").await;
    element(b, "#reset-submit").await.click().await.unwrap();
    browser
        .wait_text("#reset-password-error", |t| t.contains("minimal 10"))
        .await;
    const NEW: &str = "kata-sandi-baru-2026";
    type_into(b, "#reset-password", NEW).await;
    type_into(b, "#reset-confirm", "kata-sandi-lain-2026").await;
    element(b, "#reset-submit").await.click().await.unwrap();
    browser
        .wait_text("#reset-confirm-error", |t| t.contains("tidak sama"))
        .await;
    type_into(b, "#reset-confirm", NEW).await;
    element(b, "#reset-submit").await.click().await.unwrap();

    // Back at the login page with a message; the new password signs in.
    browser
        .wait_text("#flash", |t| t.starts_with("Kata sandi sudah diganti"))
        .await;
    type_into(b, "#login-email", CONSOLE_ADMIN_EMAIL).await;
    type_into(b, "#login-password", NEW).await;
    element(b, "#login-submit").await.click().await.unwrap();
    browser
        .wait_text("#me-name", |t| t == CONSOLE_ADMIN_NAME)
        .await;

    // The link works once: the server's message about the token is shown.
    b.goto(&app.url(&format!("/console/reset/{token}")))
        .await
        .unwrap();
    type_into(b, "#reset-password", "kata-sandi-ketiga-2026").await;
    type_into(b, "#reset-confirm", "kata-sandi-ketiga-2026").await;
    element(b, "#reset-submit").await.click().await.unwrap();
    browser
        .wait_text("#reset-token-error", |t| !t.is_empty())
        .await;
    browser.close().await;
}
