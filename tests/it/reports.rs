//! Reports through the HTTP API on a small seeded dataset with hand-computed figures: the SKM index, the
//! threshold (small units absorbed or hidden, never shown), scope for a manager, the CSV and XLSX exports
//! with the same suppression, the raw export of identified waves, and live notices by SSE.

use std::time::Duration;

use serap_server::reports::counters::responses_counted;
use serap_server::reports::release::release_wave;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    ADMIN_TOKEN, Db, TestConfig, eventually, form, post_response, report, skm_answers, submit,
    unit_id,
};
use crate::on_both_databases;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

on_both_databases!(reports_show_what_the_threshold_allows);

async fn reports_show_what_the_threshold_allows(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let form = form(&app, "skm-2026").await;
    assert_eq!(form.anonymity, serap_shared::api::Anonymity::Anonymous);
    // k = 5. DINKES: 10 answers of 3 with a comment (released at 5 and at 10, the comments at 10);
    // its puskesmas: 2 answers of 3 (below k: they join the DINKES atom and wait there for 3 more);
    // BKPSDM: 5 answers of 4 (an atom of its own); SETDA: 1 answer of 1 (below k, flows to the city root,
    // still below k: held everywhere).
    let (dinkes, puskesmas, bkpsdm, setda) = (
        unit_id(&form, "DINKES"),
        unit_id(&form, "DINKES-PKM-SERANG"),
        unit_id(&form, "BKPSDM"),
        unit_id(&form, "SETDA"),
    );
    for (unit, n, value) in [
        (dinkes, 10, 3),
        (puskesmas, 2, 3),
        (bkpsdm, 5, 4),
        (setda, 1, 1),
    ] {
        for _ in 0..n {
            let mut answers = skm_answers(&form.definition, value);
            if unit == dinkes {
                answers["saran"] = json!("Antrean di loket pendaftaran terlalu panjang");
            }
            submit(&app, "skm-2026", unit, &answers).await;
        }
    }
    let all = report(&app, "", None).await;
    assert_eq!(all["overall"]["respondents"], 15, "{all}");
    assert_eq!(all["k"], 5);
    // NRR of every element = (10 x 3 + 5 x 4) / 15; IKM = sum NRR / 9 = the same; converted x 25 = 83.33: B.
    let skm = &all["overall"]["skm"];
    let nrr = 50.0 / 15.0;
    assert!(close(skm["ikm"].as_f64().unwrap(), nrr), "{skm}");
    assert!(
        close(skm["converted"].as_f64().unwrap(), nrr * 25.0),
        "{skm}"
    );
    assert_eq!(skm["grade"], "B", "{skm}");
    // Comments: the DINKES atom released its 10 comments in one step of the comment threshold.
    let comments = &all["comments"];
    assert_eq!(
        (comments["threshold"].as_u64(), comments["shown"].as_bool()),
        (Some(10), Some(true)),
        "{comments}"
    );
    assert_eq!(comments["total"], 10);
    assert_eq!(comments["keywords"][0]["word"], "antrean", "{comments}");
    let text = all.to_string();
    assert!(
        !text.contains("\"respondents\":1,") && !text.contains("\"respondents\":2,"),
        "no group below k: {text}"
    );

    // The legacy weight 0.11 (PermenPANRB 14/2017 as printed).
    let legacy = report(&app, "?skm_weights=legacy", None).await;
    assert!(close(
        legacy["overall"]["skm"]["ikm"].as_f64().unwrap(),
        nrr * 9.0 * 0.11
    ));

    // A manager of DINKES sees the released DINKES atom (its puskesmas' 2 answers are held back in it),
    // nothing else; the puskesmas alone is hidden.
    let manager = app.signed_in("manager", Some(dinkes)).await;
    let mine = report(&app, "", Some(&manager)).await;
    assert_eq!(mine["overall"]["respondents"], 10, "{mine}");
    assert!(close(mine["overall"]["skm"]["ikm"].as_f64().unwrap(), 3.0));
    assert!(
        !mine.to_string().contains("BKPSDM"),
        "other units never appear"
    );
    assert_eq!(mine["comments"]["shown"], true, "{mine}");
    assert_eq!(mine["comments"]["total"], 10, "{mine}");
    let small = report(&app, "?unit=DINKES-PKM-SERANG", Some(&manager)).await;
    // Its answers wait in the DINKES atom: nothing of its own is released.
    assert_eq!(small["overall"]["respondents"], 0, "{small}");
    assert!(small["overall"]["skm"]["ikm"].is_null(), "{small}");
    let r = manager
        .get("/api/v1/waves/skm-2026/report?unit=BKPSDM")
        .await;
    assert_eq!(r.status(), 403);

    // Exports carry the same figures, and only those.
    let csv = manager.get("/api/v1/waves/skm-2026/report.csv").await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains(";Responden;;10;"), "{csv}");
    assert!(
        !csv.contains("Badan Kepegawaian") && !csv.contains("BKPSDM"),
        "{csv}"
    );
    let xlsx = app
        .http
        .get(app.url("/api/v1/waves/skm-2026/report.xlsx"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip (xlsx) file");
    let audit: Value = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"export.report_csv") && actions.contains(&"export.report_xlsx"),
        "{actions:?}"
    );
}

on_both_databases!(raw_responses_of_identified_waves_are_for_admins);

async fn raw_responses_of_identified_waves_are_for_admins(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let abk = form(&app, "abk-2026").await;
    for i in 0..7 {
        let answers = serde_json::to_value(example_answers(&abk.definition, i)).unwrap();
        submit(
            &app,
            "abk-2026",
            abk.units[i % abk.units.len()].id,
            &answers,
        )
        .await;
    }
    let r = app
        .http
        .get(app.url("/api/v1/waves/abk-2026/responses.csv"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "a header and seven rows: {text}");
    assert!(lines[0].starts_with("\u{feff}receipt_code;received_on;unit;respondent"));
    // Anonymous waves have no raw export, for anyone.
    let r = app
        .http
        .get(app.url("/api/v1/waves/skm-2026/responses.csv"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

on_both_databases!(dashboards_hear_of_new_responses);

async fn dashboards_hear_of_new_responses(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let form = form(&app, "skm-2026").await;
    let mut r = app
        .http
        .get(app.url("/api/v1/waves/skm-2026/live"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut seen = String::new();
    while !seen.contains("event:ready") {
        seen.push_str(&next_chunk(&mut r).await);
    }
    // Four responses to one unit are below k: nothing is released, no notice. The fifth releases the unit.
    for _ in 0..4 {
        post_response(&app, form.units[2].id, &skm_answers(&form.definition, 2)).await;
    }
    eventually(Duration::from_secs(20), "4 responses counted", || async {
        (responses_counted(&app.state.db, form.wave_id, false)
            .await
            .unwrap()
            == 4)
            .then_some(())
    })
    .await;
    // A pass of our own, as the folder's: it has nothing to release.
    assert!(!release_wave(&app.state.db, form.wave_id).await.unwrap());
    if let Ok(Ok(Some(chunk))) = tokio::time::timeout(Duration::from_millis(500), r.chunk()).await {
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!seen.contains("event:updated"), "a notice before k: {seen}");
    post_response(&app, form.units[2].id, &skm_answers(&form.definition, 2)).await;
    while !seen.contains("event:updated") {
        seen.push_str(&next_chunk(&mut r).await);
    }
    assert!(seen.contains(&form.wave_id.to_string()), "{seen}");
    assert!(!seen.contains("\"u1\""), "no response content in events");
}

/// A dashboard connected to one instance hears of a response stored through another (PostgreSQL + Redis).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_notices_cross_instances_through_redis() {
    let Some(db) = Db::postgres() else {
        return;
    };
    let prefix = format!("serap-test-{}", Uuid::new_v4().simple());
    let a = TestConfig::new(db.clone())
        .demo()
        .redis(true)
        .redis_prefix(&prefix)
        .spawn()
        .await;
    let b = TestConfig::new(db)
        .same_database_as(&a)
        .redis(true)
        .redis_prefix(&prefix)
        .spawn()
        .await;
    let form = form(&a, "skm-2026").await;
    let mut r = a
        .http
        .get(a.url("/api/v1/waves/skm-2026/live"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut seen = String::new();
    while !seen.contains("event:ready") {
        seen.push_str(&next_chunk(&mut r).await);
    }
    // Stored, folded and released (k = 5 responses to one unit) by instance B; A's dashboard stream is told.
    for _ in 0..5 {
        post_response(&b, form.units[2].id, &skm_answers(&form.definition, 3)).await;
    }
    while !seen.contains("event:updated") {
        seen.push_str(&next_chunk(&mut r).await);
    }
    assert!(seen.contains(&form.wave_id.to_string()), "{seen}");
    drop(b);
}

async fn next_chunk(r: &mut reqwest::Response) -> String {
    let chunk = tokio::time::timeout(Duration::from_secs(20), r.chunk())
        .await
        .expect("an event within 20 s")
        .unwrap()
        .expect("the stream stays open");
    String::from_utf8_lossy(&chunk).into_owned()
}

/// Counters that change without a `WaveUpdated` event (an event lost while Redis reconnected, say) still
/// reach reports: the cache's background check sees the wave's response total move.
#[tokio::test]
async fn counters_changed_without_an_event_reach_reports() {
    use serap_server::reports::counters::add_to_counters;
    use serap_shared::survey::{Contribution, RESPONSES_KEY};

    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    let skm = form(&app, "skm-2026").await;
    let before = report(&app, "", None).await;
    assert_eq!(before["overall"]["respondents"], 0, "{before}");

    let contribution = Contribution {
        key: RESPONSES_KEY.into(),
        bucket: "all".into(),
        count: 7,
        sum: 0.0,
    };
    add_to_counters(
        &app.state.db,
        skm.wave_id,
        unit_id(&skm, "DINKES"),
        0,
        &[contribution],
    )
    .await
    .unwrap();
    eventually(
        Duration::from_secs(20),
        "the report counts the new responses",
        || async {
            let now = report(&app, "", None).await;
            (now["overall"]["respondents"] == 7).then_some(())
        },
    )
    .await;
}
