//! Surveys, templates, waves and the idempotent, validated submission (docs/design.md invariants 1-3, 9).

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serap_server::entities::{counter, response};
use serap_server::reports::counters::{compact_counters, counter_totals, rebuild_counters};
use serap_shared::api::PublicForm;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Db, TestApp, TestConfig, assert_error, eventually, form};
use crate::on_both_databases;

on_both_databases!(
    every_template_publishes_and_accepts_a_complete_response,
    invalid_responses_are_refused_with_the_path_at_fault,
    replays_are_idempotent_and_reuse_with_other_answers_conflicts,
    counters_equal_a_rebuild_after_many_random_submissions,
    published_versions_are_immutable,
);

async fn created(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// Creates a survey (from a template or the given definition), publishes it and opens a wave.
async fn open_wave(
    app: &TestApp,
    template: Option<&str>,
    definition: Option<Value>,
    slug: &str,
) -> Value {
    let survey = created(
        app.post_json(
            "/api/v1/surveys",
            &json!({ "template": template, "title": {"id": "Survei uji"} }),
        )
        .await,
    )
    .await;
    let id = survey["id"].as_str().unwrap();
    if let Some(definition) = definition {
        let r = app
            .put_json(
                &format!("/api/v1/surveys/{id}/draft"),
                &json!({ "definition": definition }),
            )
            .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    let version = created(
        app.post_json(&format!("/api/v1/surveys/{id}/publish"), &json!({}))
            .await,
    )
    .await;
    created(
        app.post_json(
            "/api/v1/waves",
            &json!({
                "survey_version_id": version["id"],
                "name": format!("Gelombang {slug}"),
                "slug": slug,
                "opens_at": "2026-01-01T00:00:00+07:00",
                "closes_at": "2099-12-31T23:59",
                "anonymity": "anonymous",
            }),
        )
        .await,
    )
    .await
}

async fn submit(app: &TestApp, slug: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/forms/{slug}/responses")))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Waits until the counter folder has counted every stored response (it lags by about a second).
async fn folded(app: &TestApp) {
    eventually(
        std::time::Duration::from_secs(20),
        "counters folded",
        || async {
            let pending = serap_server::entities::fold_queue::Entity::find()
                .count(&app.state.db)
                .await
                .unwrap();
            (pending == 0).then_some(())
        },
    )
    .await;
}

async fn every_template_publishes_and_accepts_a_complete_response(db: Db) {
    let app = TestConfig::new(db).spawn().await;
    let unit = created(
        app.post_json(
            "/api/v1/units",
            &json!({"code": "BKPSDM", "name": "BKPSDM", "kind": "badan"}),
        )
        .await,
    )
    .await;
    let templates: Vec<Value> = app.get("/api/v1/templates").await.json().await.unwrap();
    let ids: BTreeSet<&str> = templates
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            "competency",
            "training_needs",
            "staffing_abk",
            "socialisation",
            "skm"
        ])
    );
    for template in &ids {
        let slug = format!("uji-{}", template.replace('_', "-"));
        open_wave(&app, Some(template), None, &slug).await;
        let form = form(&app, &slug).await;
        assert!(form.is_open);
        assert_eq!(form.version, 1);
        assert!(form.units.iter().any(|u| u.code == "BKPSDM"));
        for pick in 0..3 {
            let answers = example_answers(&form.definition, pick);
            let body =
                json!({"submission_id": Uuid::new_v4(), "unit_id": unit["id"], "answers": answers});
            let r = submit(&app, &slug, &body).await;
            let status = r.status();
            let receipt: Value = r.json().await.unwrap();
            assert_eq!(status, 201, "{template} pick {pick}: {receipt}");
            assert!(
                receipt["receipt_code"]
                    .as_str()
                    .unwrap()
                    .starts_with("SRP-")
            );
            assert_eq!(receipt["submission_id"], body["submission_id"]);
        }
    }
    assert_eq!(
        response::Entity::find().count(&app.state.db).await.unwrap(),
        15
    );
}

/// A survey with every kind the validation table needs, and a condition.
fn test_definition() -> Value {
    let opt = |ids: &[&str]| -> Vec<Value> {
        ids.iter()
            .map(|i| json!({"id": i, "label": {"id": i.to_uppercase()}}))
            .collect()
    };
    json!({
        "title": {"id": "Uji validasi", "en": "Validation test"},
        "sections": [
            {"id": "satu", "title": {"id": "Satu"}, "questions": [
                {"id": "q_choice", "text": {"id": "Sudah tahu?"}, "required": true,
                 "kind": "single_choice", "options": opt(&["ya", "tidak"])},
                {"id": "q_hidden", "text": {"id": "Dari mana?"}, "kind": "short_text", "max_length": 100,
                 "visible_if": {"op": "equals", "question": "q_choice", "value": "ya"}},
                {"id": "q_multi", "text": {"id": "Pilih"}, "kind": "multiple_choice",
                 "options": opt(&["a", "b", "c", "d"]), "max": 2},
                {"id": "q_likert", "text": {"id": "Setuju?"}, "required": true, "kind": "likert",
                 "scale": {"points": 5, "labels": [{"id": "1"}, {"id": "2"}, {"id": "3"}, {"id": "4"}, {"id": "5"}]}}
            ]},
            {"id": "dua", "title": {"id": "Dua"}, "questions": [
                {"id": "q_num", "text": {"id": "Berapa?"}, "required": true, "kind": "number",
                 "integer": true, "min": 0, "max": 100},
                {"id": "q_text", "text": {"id": "Saran"}, "kind": "long_text", "max_length": 50},
                {"id": "q_date", "text": {"id": "Tanggal"}, "kind": "date", "min": "2026-01-01"},
                {"id": "q_rank", "text": {"id": "Urutkan"}, "kind": "ranking", "options": opt(&["x", "y", "z"])}
            ]}
        ]
    })
}

async fn invalid_responses_are_refused_with_the_path_at_fault(db: Db) {
    let app = TestConfig::new(db).spawn().await;
    let unit = created(
        app.post_json(
            "/api/v1/units",
            &json!({"code": "DINKES", "name": "Dinas Kesehatan", "kind": "dinas"}),
        )
        .await,
    )
    .await;
    open_wave(&app, None, Some(test_definition()), "uji-validasi").await;
    let base = json!({
        "q_choice": "tidak", "q_multi": ["a"], "q_likert": 3, "q_num": 10, "q_text": "ok",
        "q_date": "2026-06-01", "q_rank": ["z", "x", "y"]
    });
    let with = |key: &str, value: Value| {
        let mut answers = base.clone();
        if value.is_null() {
            answers.as_object_mut().unwrap().remove(key);
        } else {
            answers[key] = value;
        }
        answers
    };
    let cases = [
        (
            "missing required",
            with("q_likert", Value::Null),
            "answers.q_likert",
        ),
        (
            "out of range",
            with("q_likert", json!(9)),
            "answers.q_likert",
        ),
        (
            "not a whole number",
            with("q_num", json!(2.5)),
            "answers.q_num",
        ),
        ("above max", with("q_num", json!(101)), "answers.q_num"),
        (
            "unknown option",
            with("q_choice", json!("mungkin")),
            "answers.q_choice",
        ),
        (
            "answer to hidden question",
            with("q_hidden", json!("rapat")),
            "answers.q_hidden",
        ),
        (
            "too many selections",
            with("q_multi", json!(["a", "b", "c"])),
            "answers.q_multi",
        ),
        (
            "wrong type",
            with("q_num", json!("sepuluh")),
            "answers.q_num",
        ),
        (
            "oversized text",
            with("q_text", json!("x".repeat(51))),
            "answers.q_text",
        ),
        (
            "date before min",
            with("q_date", json!("2025-12-31")),
            "answers.q_date",
        ),
        (
            "not a date",
            with("q_date", json!("2026-02-30")),
            "answers.q_date",
        ),
        (
            "ranking incomplete",
            with("q_rank", json!(["x", "y"])),
            "answers.q_rank",
        ),
        ("unknown question", with("zzz", json!("?")), "answers.zzz"),
    ];
    for (what, answers, path) in cases {
        let body =
            json!({"submission_id": Uuid::new_v4(), "unit_id": unit["id"], "answers": answers});
        let error = assert_error(
            submit(&app, "uji-validasi", &body).await,
            422,
            "validation_failed",
        )
        .await;
        let paths: Vec<&str> = error["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        assert!(paths.contains(&path), "{what}: expected {path} in {error}");
        let message = error["fields"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(" / "),
            "{what}: bilingual message, got {message}"
        );
    }
    // The hidden question becomes answerable once its condition holds.
    let mut answers = with("q_hidden", json!("rapat"));
    answers["q_choice"] = json!("ya");
    let body = json!({"submission_id": Uuid::new_v4(), "unit_id": unit["id"], "answers": answers});
    assert_eq!(submit(&app, "uji-validasi", &body).await.status(), 201);

    // Unknown unit; unknown wave.
    let body = json!({"submission_id": Uuid::new_v4(), "unit_id": Uuid::new_v4(), "answers": base});
    let error = assert_error(
        submit(&app, "uji-validasi", &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"][0]["path"], "unit_id");
    assert_error(submit(&app, "tidak-ada", &body).await, 404, "not_found").await;

    // A closed wave refuses with a clear message.
    let version = app
        .admin_get("/api/v1/waves")
        .await
        .json::<Value>()
        .await
        .unwrap()[0]["survey_version_id"]
        .clone();
    created(
        app.post_json(
            "/api/v1/waves",
            &json!({"survey_version_id": version, "name": "Lama", "slug": "uji-tutup",
                    "opens_at": "2025-01-01T00:00", "closes_at": "2025-02-01T00:00", "anonymity": "anonymous"}),
        )
        .await,
    )
    .await;
    assert!(!form(&app, "uji-tutup").await.is_open);
    let body = json!({"submission_id": Uuid::new_v4(), "unit_id": unit["id"], "answers": base});
    assert_error(submit(&app, "uji-tutup", &body).await, 422, "wave_closed").await;

    // Nothing invalid was stored.
    assert_eq!(
        response::Entity::find().count(&app.state.db).await.unwrap(),
        1
    );

    // A definition with problems is refused with every path.
    let mut bad = test_definition();
    bad["sections"][0]["questions"][1]["id"] = json!("q_choice");
    bad["sections"][1]["questions"][0]["visible_if"] =
        json!({"op": "answered", "question": "q_date"});
    let survey = created(
        app.post_json("/api/v1/surveys", &json!({"title": {"id": "Rusak"}}))
            .await,
    )
    .await;
    let r = app
        .put_json(
            &format!("/api/v1/surveys/{}/draft", survey["id"].as_str().unwrap()),
            &json!({"definition": bad}),
        )
        .await;
    let error = assert_error(r, 422, "validation_failed").await;
    let paths: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"definition.sections[0].questions[1].id"),
        "{error}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("definition.sections[1].questions[0].visible_if")),
        "{error}"
    );
}

async fn replays_are_idempotent_and_reuse_with_other_answers_conflicts(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let form = form(&app, "skm-2026").await;
    let unit = form.units[3].id;
    let answers = example_answers(&form.definition, 2);
    let body = json!({"submission_id": Uuid::new_v4(), "unit_id": unit, "answers": answers});
    let first = submit(&app, "skm-2026", &body).await;
    assert_eq!(first.status(), 201);
    let receipt: Value = first.json().await.unwrap();
    folded(&app).await;
    let counters = counter_totals(&app.state.db, form.wave_id).await.unwrap();
    assert!(!counters.is_empty(), "the folder counted the response");

    for _ in 0..3 {
        let again = submit(&app, "skm-2026", &body).await;
        assert_eq!(again.status(), 200);
        assert_eq!(
            again.json::<Value>().await.unwrap(),
            receipt,
            "the original receipt"
        );
    }
    assert_eq!(
        response::Entity::find().count(&app.state.db).await.unwrap(),
        1
    );
    assert_eq!(
        counter_totals(&app.state.db, form.wave_id).await.unwrap(),
        counters
    );

    let mut other = body.clone();
    other["answers"] = json!(example_answers(&form.definition, 0));
    assert_error(submit(&app, "skm-2026", &other).await, 409, "conflict").await;
    assert_eq!(
        response::Entity::find().count(&app.state.db).await.unwrap(),
        1
    );
}

async fn counters_equal_a_rebuild_after_many_random_submissions(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let mut total = 0usize;
    for slug in ["kompetensi-2026", "abk-2026", "sosialisasi-kebijakan-2026"] {
        let form = form(&app, slug).await;
        let bodies: Vec<Value> = (0..24)
            .map(|i| {
                let seed = Uuid::new_v4().as_bytes()[0] as usize + i;
                json!({
                    "submission_id": Uuid::new_v4(),
                    "unit_id": form.units[seed % form.units.len()].id,
                    "answers": example_answers(&form.definition, seed),
                })
            })
            .collect();
        // Eight at a time, as concurrent phones would.
        for chunk in bodies.chunks(8) {
            let results =
                futures::future::join_all(chunk.iter().map(|b| submit(&app, slug, b))).await;
            for r in results {
                assert_eq!(r.status(), 201);
            }
        }
        total += bodies.len();
        folded(&app).await;
        let incremental = counter_totals(&app.state.db, form.wave_id).await.unwrap();
        // Merging the shards keeps every total and leaves one row per counter.
        compact_counters(&app.state.db, form.wave_id).await.unwrap();
        assert_eq!(
            counter_totals(&app.state.db, form.wave_id).await.unwrap(),
            incremental
        );
        let rows = counter::Entity::find()
            .filter(counter::Column::WaveId.eq(form.wave_id))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(rows as usize, incremental.len());
        let responses: i64 = incremental
            .iter()
            .filter(|((_, key, _), _)| key == "_responses")
            .map(|(_, (count, _))| count)
            .sum();
        assert_eq!(responses, 24);
        let folded = rebuild_counters(&app.state.db, &app.state.versions, Some(form.wave_id))
            .await
            .unwrap();
        assert_eq!(folded, 24);
        let rebuilt = counter_totals(&app.state.db, form.wave_id).await.unwrap();
        assert_eq!(incremental.len(), rebuilt.len(), "{slug}: same counters");
        for (key, (count, sum)) in &incremental {
            let (count2, sum2) = rebuilt[key];
            assert_eq!(*count, count2, "{slug} {key:?}");
            assert_eq!(*sum, sum2, "{slug} {key:?}");
        }
    }
    assert_eq!(total, 72);
}

async fn published_versions_are_immutable(db: Db) {
    let app = TestConfig::new(db).spawn().await;
    let wave = open_wave(&app, None, Some(test_definition()), "uji-versi").await;
    let survey_id = wave["survey_id"].as_str().unwrap();
    let mut changed = test_definition();
    changed["title"]["id"] = json!("Judul baru");
    let r = app
        .put_json(
            &format!("/api/v1/surveys/{survey_id}/draft"),
            &json!({ "definition": changed }),
        )
        .await;
    assert_eq!(r.status(), 200);
    // The wave still serves version 1 as published.
    let served = form(&app, "uji-versi").await;
    assert_eq!(served.version, 1);
    assert_eq!(served.definition.title.id, "Uji validasi");
    let v2 = created(
        app.post_json(&format!("/api/v1/surveys/{survey_id}/publish"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(v2["version"], 2);
    let detail: Value = app
        .admin_get(&format!("/api/v1/surveys/{survey_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["versions"].as_array().unwrap().len(), 2);
    assert_eq!(
        form(&app, "uji-versi").await.definition.title.id,
        "Uji validasi"
    );
    // Admin endpoints refuse without the token.
    let r = app
        .http
        .get(app.url("/api/v1/surveys"))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
}

#[tokio::test]
async fn demo_data_has_one_open_wave_per_template() {
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
    for slug in [
        "kompetensi-2026",
        "kebutuhan-pelatihan-2026",
        "abk-2026",
        "sosialisasi-kebijakan-2026",
        "skm-2026",
    ] {
        let form = form(&app, slug).await;
        assert!(form.is_open, "{slug}");
        assert!(form.units.iter().any(|u| u.name == "Kecamatan Taktakan"));
        assert!(form.units.len() >= 23);
    }
    // Phones on slow networks get the form compressed.
    let r = app
        .http
        .get(app.url("/api/v1/forms/kompetensi-2026"))
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let compressed = r.bytes().await.unwrap();
    let mut json = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&compressed[..]),
        &mut json,
    )
    .unwrap();
    assert!(
        compressed.len() * 2 < json.len(),
        "{} of {}",
        compressed.len(),
        json.len()
    );
    let decoded: PublicForm = serde_json::from_slice(&json).unwrap();
    assert_eq!(decoded.slug, "kompetensi-2026");
}
