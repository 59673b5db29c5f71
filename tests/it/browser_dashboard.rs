//! The dashboard in real Chromium at 412 x 915: a unit manager signs in, opens the SKM report from the
//! console's home, sees the figures of the units in scope only (charts drawn by the console, hidden groups
//! marked), the count follows a new response without a reload (Server-Sent Events), and the filters reach
//! the export links.

use std::time::Duration;

use fantoccini::Client;
use serde_json::Value;

use crate::helpers::{
    ADMIN_TOKEN, Browser, Db, TestApp, TestConfig, console_built, element, eventually, form,
    no_horizontal_scroll, post_response, skm_answers, submit, unit_id,
};

const EMAIL: &str = "kabid.dinkes@serangkota.go.id";
const PASSWORD: &str = "kata-sandi-dinkes-1";

/// Respondents of the (admin's) report for `unit`, once the counters have them.
async fn counted(app: &TestApp, unit: &str, n: u64) {
    eventually(Duration::from_secs(20), "responses counted", || async {
        let r: Value = app
            .http
            .get(app.url(&format!("/api/v1/waves/skm-2026/report?unit={unit}")))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (r["overall"]["respondents"].as_u64() == Some(n)).then_some(())
    })
    .await
}

async fn page_text(b: &Client) -> String {
    b.execute("return document.querySelector('main').innerText", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_follows_the_skm_report_of_the_unit_live_on_a_phone() {
    if !console_built() {
        return;
    }
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    let form = form(&app, "skm-2026").await;
    let unit = |code: &str| unit_id(&form, code);
    let (dinkes, puskesmas, bkpsdm) = (unit("DINKES"), unit("DINKES-PKM-SERANG"), unit("BKPSDM"));
    app.create_account(
        EMAIL,
        "Kabid Dinkes",
        PASSWORD,
        &[("manager", Some(dinkes))],
    )
    .await;
    // k = 5. Its puskesmas: 2 responses, then DINKES: 6 (the third makes 5 in the DINKES subtree: released
    // as one atom holding the puskesmas; 3 wait); BKPSDM, outside the manager's scope: 6 (5 released).
    for (unit, n, value) in [(puskesmas, 2, 3), (dinkes, 6, 3), (bkpsdm, 6, 4)] {
        for _ in 0..n {
            submit(
                &app,
                "skm-2026",
                unit,
                &skm_answers(&form.definition, value),
            )
            .await;
        }
    }
    counted(&app, "DINKES", 5).await;
    counted(&app, "BKPSDM", 5).await;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let b = &browser.client;
    browser.sign_in(&app, EMAIL, PASSWORD).await;

    // Home -> reports -> the SKM wave's report.
    element(b, "#menu-reports a").await.click().await.unwrap();
    browser
        .wait_text("#reports-title", |t| t == "Laporan survei")
        .await;
    element(b, "#report-wave-skm-2026 a")
        .await
        .click()
        .await
        .unwrap();
    let respondents = browser.wait_text("#report-respondents", |t| t == "5").await;
    assert_eq!(respondents, "5");
    let url = b.current_url().await.unwrap();
    assert_eq!(url.path(), "/console/waves/skm-2026/report");
    let chart = browser
        .wait_text("#chart-u1", |t| t.contains("5 menjawab"))
        .await;
    assert!(chart.contains("U1"), "{chart}");
    element(b, "#chart-u1 .stack-bar").await;
    browser
        .wait_text("#headline-skm", |t| t.contains("75,00") && t.contains("C"))
        .await;
    // Comments: none released yet (they come at least 10 at a time).
    browser
        .wait_text("#comments-hidden", |t| t.contains("minimal 10 komentar"))
        .await;
    // Nothing of a unit outside the scope, not even in the filter (the footer names BKPSDM as the owner).
    let text = page_text(b).await;
    assert!(
        !text.contains("BKPSDM") && !text.contains("Badan Kepegawaian"),
        "{text}"
    );
    let options = b
        .execute(
            "return [...document.querySelectorAll('#report-unit-filter option')].map(o => o.value)",
            vec![],
        )
        .await
        .unwrap();
    let options: Vec<String> = serde_json::from_value(options).unwrap();
    assert!(options.contains(&"DINKES".to_string()), "{options:?}");
    assert!(
        options
            .iter()
            .all(|o| o.is_empty() || o.starts_with("DINKES")),
        "{options:?}"
    );
    no_horizontal_scroll(b, "report").await;

    // Live: once connected, responses sent by others show without a reload once released: 3 waiting plus
    // 2 new make k, released by the server's own pass (which sends the notice).
    browser
        .wait_text("#report-live", |t| t.contains("Langsung"))
        .await;
    b.execute("window.__same_page = true", vec![])
        .await
        .unwrap();
    for _ in 0..2 {
        post_response(&app, dinkes, &skm_answers(&form.definition, 4)).await;
    }
    browser
        .wait_text("#report-respondents", |t| t == "10")
        .await;
    browser
        .wait_text("#report-live", |t| t.contains("5 tanggapan baru"))
        .await;
    let same = b
        .execute("return window.__same_page === true", vec![])
        .await
        .unwrap();
    assert_eq!(same, true, "updated without a reload");

    // The puskesmas alone is below k: hidden, marked; the export links carry the filter.
    element(b, "#report-unit-filter")
        .await
        .select_by_value("DINKES-PKM-SERANG")
        .await
        .unwrap();
    browser
        .wait_text("#report-respondents", |t| t.contains("Disembunyikan"))
        .await;
    element(b, "#chart-u1 .suppressed").await;
    let href = element(b, "#report-export-csv")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        href,
        "/api/v1/waves/skm-2026/report.csv?unit=DINKES-PKM-SERANG"
    );
    no_horizontal_scroll(b, "hidden group").await;

    // English.
    element(b, "#lang-toggle").await.click().await.unwrap();
    browser
        .wait_text("#report-respondents", |t| {
            t.contains("Hidden: fewer than 5 respondents")
        })
        .await;
    browser.close().await;
}
