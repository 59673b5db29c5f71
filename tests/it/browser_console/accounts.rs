//! Accounts in the console: an admin creates an account for a unit and changes its roles.

use crate::helpers::{
    Browser, CONSOLE_ADMIN_NAME, Db, TestConfig, console_admin, console_built, element,
    no_horizontal_scroll, type_into,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_an_account_for_a_unit_and_changes_its_roles() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    console_admin(&app).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    browser.sign_in_console_admin(&app).await;
    element(b, "#menu-accounts a").await.click().await.unwrap();
    browser
        .wait_text("#account-list", |t| t.contains(CONSOLE_ADMIN_NAME))
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
