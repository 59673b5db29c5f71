//! The console (`/console/`, a bundle of its own) in real Chromium at 412 x 915 against the real server:
//! sign in, the home page, a roster CSV checked by a dry run, sign out; a wave's invitations sent from the
//! console and answered once through the personal link. And the respondent's page stays free of the
//! console's code.

use std::time::Duration;

use fantoccini::{Client, Locator};
use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::auth::create_account;
use serap_server::entities::person;
use serap_shared::api::InvitationForm;
use serap_shared::domain::EmailAddress;
use serap_shared::survey::example_answers;

use crate::browser_form::{fill_sections, tap};
use crate::helpers::{
    Browser, Db, TestApp, TestConfig, client_built, eventually, in_ci, read_eml_dir, spawn_app,
    workspace_root,
};

const EMAIL: &str = "admin.konsol@serangkota.go.id";
const PASSWORD: &str = "kata-sandi-konsol-1";

/// Both bundles are built (the test command builds them first; under CI a missing one fails).
pub(crate) fn console_built() -> bool {
    if !client_built() {
        return false;
    }
    let built = workspace_root()
        .join("web-client/dist/console/index.html")
        .exists();
    if !built {
        if in_ci() {
            panic!(
                "web-client/dist/console is missing: build the client as scripts/lib.sh does (build_client)"
            );
        }
        eprintln!("skipping: web-client/dist/console is not built");
    }
    built
}

pub(crate) async fn element(b: &Client, css: &str) -> fantoccini::elements::Element {
    eventually(Duration::from_secs(20), css, || async {
        b.find(Locator::Css(css)).await.ok()
    })
    .await
}

pub(crate) async fn no_horizontal_scroll(b: &Client, what: &str) {
    let overflow = b
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, false, "{what}: no horizontal scrolling at 412 px");
}

pub(crate) async fn admin_account(app: &TestApp) {
    create_account(
        &app.state.db,
        &EmailAddress::parse(EMAIL).unwrap(),
        "Admin Konsol",
        PASSWORD,
        &[("admin", None)],
    )
    .await
    .unwrap();
}

/// Signs the admin in through the login page.
pub(crate) async fn sign_in(browser: &Browser, app: &TestApp) {
    sign_in_as(browser, app, EMAIL, PASSWORD).await;
}

/// Signs an account in through the login page.
pub(crate) async fn sign_in_as(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    let b = &browser.client;
    b.goto(&app.url("/console/login")).await.unwrap();
    element(b, "#login-email")
        .await
        .send_keys(email)
        .await
        .unwrap();
    element(b, "#login-password")
        .await
        .send_keys(password)
        .await
        .unwrap();
    element(b, "#login-submit").await.click().await.unwrap();
    browser
        .wait_text("#console-title", |t| t == "Konsol Serap")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_signs_in_checks_a_roster_csv_and_signs_out_on_a_phone() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    admin_account(&app).await;
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
        .send_keys(EMAIL)
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
    password.send_keys(PASSWORD).await.unwrap();
    element(b, "#login-submit").await.click().await.unwrap();

    // Home: who is signed in, the roles, and the admin's sections.
    browser
        .wait_text("#console-title", |t| t == "Konsol Serap")
        .await;
    browser.wait_text("#me-name", |t| t == "Admin Konsol").await;
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
async fn an_admin_invites_a_unit_and_the_invited_person_answers_once_through_the_link() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    admin_account(&app).await;
    // Four people; one in BKPSDM: Dewi Anggraini.
    crate::invitations::import_roster(&app).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    sign_in(&browser, &app).await;

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

/// The part of the first emailed message after `marker`, up to the first character that is not alphanumeric.
async fn emailed_after(app: &TestApp, marker: &str) -> String {
    let dir = app.data_dir.join("outbox");
    let messages = eventually(Duration::from_secs(20), "the email", || async {
        let messages = read_eml_dir(&dir);
        (!messages.is_empty()).then_some(messages)
    })
    .await;
    let message = mail_parser::MessageParser::default()
        .parse(&messages[0])
        .expect("valid MIME");
    let text = message.body_text(0).expect("plain-text part").to_string();
    text.split(marker)
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .unwrap_or_else(|| panic!("{marker} in {text}"))
}

async fn type_into(b: &Client, css: &str, text: &str) {
    let input = element(b, css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_through_the_emailed_link() {
    if !console_built() {
        return;
    }
    let app = spawn_app(Db::Sqlite).await;
    admin_account(&app).await;
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
    type_into(b, "#forgot-email", EMAIL).await;
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
    type_into(b, "#login-email", EMAIL).await;
    type_into(b, "#login-password", NEW).await;
    element(b, "#login-submit").await.click().await.unwrap();
    browser.wait_text("#me-name", |t| t == "Admin Konsol").await;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_an_account_for_a_unit_and_changes_its_roles() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    admin_account(&app).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    sign_in(&browser, &app).await;
    element(b, "#menu-accounts a").await.click().await.unwrap();
    browser
        .wait_text("#account-list", |t| t.contains("Admin Konsol"))
        .await;

    const NEW_EMAIL: &str = "kabid.bkpsdm@serangkota.go.id";
    type_into(b, "#new-email", NEW_EMAIL).await;
    type_into(b, "#new-name", "Kepala Bidang BKPSDM").await;
    type_into(b, "#new-password", "kata-sandi-kabid-1").await;
    element(b, "#new-role-0")
        .await
        .select_by_value("manager")
        .await
        .unwrap();
    element(b, "#new-unit-0")
        .await
        .select_by_value("BKPSDM")
        .await
        .unwrap();
    element(b, "#new-account-submit")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_text("#account-created", |t| t.contains(NEW_EMAIL))
        .await;
    browser
        .wait_text("#account-list", |t| {
            t.contains("Kepala Bidang BKPSDM") && t.contains("Pengelola unit")
        })
        .await;
    no_horizontal_scroll(b, "accounts").await;

    // Its roles: viewer instead of manager, same unit.
    let n = b
        .execute(
            "return [...document.querySelectorAll('#account-list > li')]
                .findIndex(li => li.textContent.includes(arguments[0]))",
            vec![serde_json::json!(NEW_EMAIL)],
        )
        .await
        .unwrap();
    let n = n
        .as_i64()
        .filter(|n| *n >= 0)
        .expect("the new account is listed");
    element(b, &format!("#account-{n}-edit"))
        .await
        .click()
        .await
        .unwrap();
    element(b, &format!("#edit-{n}-role-0"))
        .await
        .select_by_value("viewer")
        .await
        .unwrap();
    element(b, &format!("#edit-{n}-save"))
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_text(&format!("#account-{n}"), |t| {
            t.contains("Peninjau") && t.contains("Peran tersimpan")
        })
        .await;
    let accounts: serde_json::Value = app
        .admin_get("/api/v1/accounts")
        .await
        .json()
        .await
        .unwrap();
    let account = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == NEW_EMAIL)
        .expect("created");
    assert_eq!(account["roles"].as_array().unwrap().len(), 1, "{account}");
    assert_eq!(account["roles"][0]["role"], "viewer", "{account}");
    assert!(account["roles"][0]["unit_id"].is_string(), "{account}");
    browser.close().await;
}
