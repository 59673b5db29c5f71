//! An identified wave's invitations: refused without a session, unknown units and people named, emailed
//! once per person with a personal form of the person's unit, answered once (a replay answered from the
//! stored response, eight concurrent submits storing one), states, delivery and response rates.

use std::collections::HashMap;
use std::time::Duration;

use mail_parser::MessageParser;
use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::entities::invitation_response;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{answers_for, form, invite, submit};
use crate::helpers::{
    Db, SmtpSink, TestConfig, assert_error, eventually, import_roster, tokens_by_recipient,
};
use crate::on_both_databases;

on_both_databases!(invitations_are_emailed_and_work_once);

async fn invitations_are_emailed_and_work_once(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).demo().smtp(sink.url()).spawn().await;
    import_roster(&app).await;
    let slug = "abk-2026"; // an identified wave

    // Not signed in: refused; unknown units and people: named.
    let r = app
        .http
        .post(app.url(&format!("/api/v1/waves/{slug}/invitations")))
        .json(&json!({"unit_codes": ["DINKES"]}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = invite(
        &app,
        slug,
        json!({"unit_codes": ["DINKES", "NOPE"], "person_ids": [Uuid::new_v4()]}),
    )
    .await;
    let error = assert_error(r, 422, "validation_failed").await;
    let paths: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["unit_codes[1]", "person_ids[0]"]);

    // DINKES with its subtree: three people; again: nobody new.
    let r = invite(&app, slug, json!({"unit_codes": ["DINKES"]})).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (
            report["invited"].as_u64(),
            report["already_invited"].as_u64()
        ),
        (Some(3), Some(0))
    );
    let report: Value = invite(&app, slug, json!({"unit_codes": ["DINKES"]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            report["invited"].as_u64(),
            report["already_invited"].as_u64()
        ),
        (Some(0), Some(3))
    );

    let messages = sink.wait_for(3).await;
    let first = MessageParser::default().parse(&messages[0]).unwrap();
    assert!(
        first
            .subject()
            .unwrap()
            .contains("Analisis Beban Kerja Unit 2026"),
        "{:?}",
        first.subject()
    );
    let text = first.body_text(0).unwrap().to_string();
    assert!(
        text.contains("Batas pengisian") && text.contains("English:"),
        "{text}"
    );
    assert!(first.body_html(0).unwrap().contains("/s/"));
    let tokens = tokens_by_recipient(&messages);
    assert_eq!(tokens.len(), 3);
    assert!(!tokens.contains_key("dewi@serangkota.go.id"));
    let andi = tokens["andi@serangkota.go.id"][0].clone();
    let cahya = tokens["cahya@serangkota.go.id"][0].clone();

    // The personal form: only the person's unit.
    let body: Value = form(&app, &cahya).await.json().await.unwrap();
    assert_eq!(body["greeting_name"], "Cahya Nugraha");
    assert_eq!(body["form"]["units"].as_array().unwrap().len(), 1);
    assert_eq!(body["form"]["units"][0]["code"], "DINKES-PKM-SERANG");
    assert_error(form(&app, &"0".repeat(64)).await, 404, "not_found").await;
    assert_error(form(&app, "short").await, 404, "not_found").await;

    // Answer once; a retry of the same submission is a replay; any other use is refused.
    let (unit, answers) = answers_for(&app, &andi).await;
    let submission = Uuid::new_v4();
    let other_unit: Uuid = serde_json::from_value(body["unit_id"].clone()).unwrap();
    let r = submit(&app, &andi, Uuid::new_v4(), other_unit, &answers).await;
    let error = assert_error(r, 422, "validation_failed").await;
    assert_eq!(error["fields"][0]["path"], "unit_id");
    let r = submit(&app, &andi, submission, unit, &answers).await;
    assert_eq!(r.status(), 201);
    let receipt: Value = r.json().await.unwrap();
    let r = submit(&app, &andi, submission, unit, &answers).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), receipt);
    assert_error(
        submit(&app, &andi, Uuid::new_v4(), unit, &answers).await,
        410,
        "invitation_used",
    )
    .await;
    assert_error(form(&app, &andi).await, 410, "invitation_used").await;

    // Eight concurrent submits with one token: exactly one is stored.
    let (unit, answers) = answers_for(&app, &cahya).await;
    let attempts = (0..8).map(|_| submit(&app, &cahya, Uuid::new_v4(), unit, &answers));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 410).count(),
        7,
        "{statuses:?}"
    );

    // An identified wave records which invitation each response answered.
    let links = invitation_response::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(links, 2);

    // Admins see states and delivery; scoped readers see response rates.
    let list: Value = eventually(
        Duration::from_secs(20),
        "invitation emails marked sent",
        || async {
            let list: Value = app
                .admin_get(&format!("/api/v1/waves/{slug}/invitations"))
                .await
                .json()
                .await
                .unwrap();
            list["invitations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["delivery"] == "sent")
                .then_some(list)
        },
    )
    .await;
    let states: HashMap<String, String> = list["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["email"].as_str().unwrap().to_string(),
                i["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(states["andi@serangkota.go.id"], "answered");
    assert_eq!(states["cahya@serangkota.go.id"], "answered");
    assert_eq!(states["bunga@serangkota.go.id"], "open");
    let rates: Value = app
        .admin_get(&format!("/api/v1/waves/{slug}/response-rates"))
        .await
        .json()
        .await
        .unwrap();
    let by_unit: HashMap<&str, (u64, u64)> = rates["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit_code"].as_str().unwrap(),
                (
                    u["invited"].as_u64().unwrap(),
                    u["answered"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(by_unit["DINKES"], (2, 1));
    assert_eq!(by_unit["DINKES-PKM-SERANG"], (1, 1));
    let rates: Value = app
        .admin_get(&format!(
            "/api/v1/waves/{slug}/response-rates?unit=DINKES-PKM-SERANG"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rates["units"].as_array().unwrap().len(), 1);
}
