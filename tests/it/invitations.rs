//! Personal invitations: emailed one-time links through a real SMTP server, a token that works once (also
//! under concurrent submits), reminders only to those who have not answered, response rates, and the proof
//! that an anonymous wave's responses cannot be linked to invitations.

use std::collections::HashMap;
use std::time::Duration;

use mail_parser::MessageParser;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Statement};
use sea_orm::{IdenStatic, Iterable};
use serap_server::entities::{invitation, invitation_link, invitation_response, response};
use serap_shared::survey::{SurveyDefinition, example_answers};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{ADMIN_TOKEN, Db, SmtpSink, TestApp, TestConfig, assert_error, eventually};
use crate::on_both_databases;

/// Four people: two in DINKES, one in its puskesmas (a child unit), one in BKPSDM.
pub const ROSTER: &str = "nip;nama;email;unit;jabatan\n\
    198001012005011001;Andi Pratama;andi@serangkota.go.id;DINKES;Pelaksana\n\
    198202022006042002;Bunga Lestari;bunga@serangkota.go.id;DINKES;JF\n\
    198303032007011003;Cahya Nugraha;cahya@serangkota.go.id;DINKES-PKM-SERANG;Pelaksana\n\
    198404042008042004;Dewi Anggraini;dewi@serangkota.go.id;BKPSDM;Pengawas\n";

pub async fn import_roster(app: &TestApp) {
    let response = app
        .http
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/csv")
        .body(ROSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["created"], 4, "{report}");
}

/// The personal link tokens found in the messages, by recipient.
pub fn tokens_by_recipient(messages: &[Vec<u8>]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for raw in messages {
        let message = MessageParser::default().parse(raw).expect("valid MIME");
        let to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap()
            .to_string();
        let text = message.body_text(0).expect("plain-text part").to_string();
        let token = text
            .split("/s/")
            .nth(1)
            .map(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect::<String>()
            })
            .expect("a personal link");
        assert_eq!(token.len(), 64, "{text}");
        out.entry(to).or_default().push(token);
    }
    out
}

async fn form(app: &TestApp, token: &str) -> reqwest::Response {
    app.get(&format!("/api/v1/invitations/{token}")).await
}

async fn answers_for(app: &TestApp, token: &str) -> (Uuid, Value) {
    let body: Value = form(app, token).await.json().await.unwrap();
    let definition: SurveyDefinition =
        serde_json::from_value(body["form"]["definition"].clone()).unwrap();
    let unit: Uuid = serde_json::from_value(body["unit_id"].clone()).unwrap();
    (
        unit,
        serde_json::to_value(example_answers(&definition, 1)).unwrap(),
    )
}

async fn submit(
    app: &TestApp,
    token: &str,
    submission: Uuid,
    unit: Uuid,
    answers: &Value,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/invitations/{token}/responses")))
        .json(&json!({"submission_id": submission, "unit_id": unit, "answers": answers}))
        .send()
        .await
        .unwrap()
}

async fn invite(app: &TestApp, slug: &str, body: Value) -> reqwest::Response {
    app.post_json(&format!("/api/v1/waves/{slug}/invitations"), &body)
        .await
}

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

on_both_databases!(reminders_go_only_to_those_who_have_not_answered);

async fn reminders_go_only_to_those_who_have_not_answered(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).demo().smtp(sink.url()).spawn().await;
    import_roster(&app).await;
    let slug = "kompetensi-2026"; // confidential: answered with the token (anonymous waves: `credentials`)
    let r = invite(&app, slug, json!({"unit_codes": ["DINKES"]})).await;
    assert_eq!(r.status(), 200);
    let tokens = tokens_by_recipient(&sink.wait_for(3).await);
    let andi = &tokens["andi@serangkota.go.id"][0];
    let (unit, answers) = answers_for(&app, andi).await;
    assert_eq!(
        submit(&app, andi, Uuid::new_v4(), unit, &answers)
            .await
            .status(),
        201
    );

    let bad = app
        .put_json(
            &format!("/api/v1/waves/{slug}/reminders"),
            &json!({"interval_hours": 0, "max_reminders": 11}),
        )
        .await;
    let error = assert_error(bad, 422, "validation_failed").await;
    assert_eq!(error["fields"].as_array().unwrap().len(), 2);
    let policy = json!({"interval_hours": 24, "max_reminders": 1});
    let r = app
        .put_json(&format!("/api/v1/waves/{slug}/reminders"), &policy)
        .await;
    assert_eq!(r.status(), 200);

    // Nothing is due yet; a day later (the scheduler's clock is injected) two reminders are due, once.
    let state = &app.state;
    let now = chrono::Utc::now();
    assert_eq!(
        serap_server::invitations::send_reminders(state, now, None)
            .await
            .unwrap(),
        0
    );
    let later = now + chrono::Duration::hours(25);
    let (a, b) = tokio::join!(
        serap_server::invitations::send_reminders(state, later, None),
        serap_server::invitations::send_reminders(state, later, None),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 2, "each reminder is claimed once");
    let even_later = now + chrono::Duration::hours(60);
    assert_eq!(
        serap_server::invitations::send_reminders(state, even_later, None)
            .await
            .unwrap(),
        0,
        "at most one reminder each"
    );
    let messages = sink.wait_for(5).await;
    assert_eq!(messages.len(), 5);
    let (reminder_raw, _): (Vec<Vec<u8>>, Vec<Vec<u8>>) = messages.into_iter().partition(|raw| {
        let message = MessageParser::default().parse(raw).unwrap();
        message.subject().unwrap().starts_with("Pengingat")
    });
    let reminders: Vec<_> = reminder_raw
        .iter()
        .map(|raw| MessageParser::default().parse(raw).unwrap())
        .collect();
    let mut to: Vec<String> = reminders
        .iter()
        .map(|m| {
            m.to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap()
                .to_string()
        })
        .collect();
    to.sort();
    assert_eq!(to, ["bunga@serangkota.go.id", "cahya@serangkota.go.id"]);
    assert!(
        reminders[0]
            .subject()
            .unwrap()
            .contains("Penilaian Mandiri Kompetensi ASN 2026")
    );

    // The reminder's link works, and so does the first one, until one of them is used.
    let reminder_tokens = tokens_by_recipient(&reminder_raw);
    let bunga_first = &tokens["bunga@serangkota.go.id"][0];
    let bunga_reminder = &reminder_tokens["bunga@serangkota.go.id"][0];
    assert_eq!(form(&app, bunga_first).await.status(), 200);
    let (unit, answers) = answers_for(&app, bunga_reminder).await;
    assert_eq!(
        submit(&app, bunga_reminder, Uuid::new_v4(), unit, &answers)
            .await
            .status(),
        201
    );
    assert_error(form(&app, bunga_first).await, 410, "invitation_used").await;

    // Sending now respects the maximum too.
    let r = app
        .http
        .post(app.url(&format!("/api/v1/waves/{slug}/reminders/send")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["queued"], 0);
}

/// Every row of every table, each as one line of text.
async fn dump(app: &TestApp) -> HashMap<String, Vec<String>> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    let mut out = HashMap::new();
    for table in tables {
        let sql = match backend {
            DbBackend::Postgres => format!("SELECT t::text AS row FROM \"{table}\" t"),
            _ => {
                let columns: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("PRAGMA table_info(\"{table}\")"),
                    ))
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get::<String>("", "name").unwrap())
                    .collect();
                let parts: Vec<String> =
                    columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
                format!(
                    "SELECT {} AS row FROM \"{table}\"",
                    parts.join(" || ',' || ")
                )
            }
        };
        let rows: Vec<String> = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "row").unwrap())
            .collect();
        out.insert(table, rows);
    }
    out
}

on_both_databases!(anonymous_invitations_cannot_be_linked_to_responses);

/// DESIGN invariant 4: after people answer an anonymous wave through their personal links, no table, column,
/// row version or log line links a response to an invitation or a person.
async fn anonymous_invitations_cannot_be_linked_to_responses(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).demo().smtp(sink.url()).spawn().await;
    import_roster(&app).await;
    let slug = "sosialisasi-kebijakan-2026"; // anonymous
    assert_eq!(
        invite(&app, slug, json!({"unit_codes": ["3673"]}))
            .await
            .status(),
        200
    );
    let tokens = tokens_by_recipient(&sink.wait_for(4).await);
    let before = dump(&app).await;
    let pg = app.state.db.get_database_backend() == DbBackend::Postgres;
    let versions = || async {
        app.state
            .db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT id::text || ':' || xmin::text AS v FROM invitations ORDER BY id",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "v").unwrap())
            .collect::<Vec<_>>()
    };
    let xmin_before = if pg { versions().await } else { Vec::new() };

    // Three people open their links (each is issued a credential), then answer with it, without the token.
    let mut secrets: Vec<String> = Vec::new();
    let mut response_secrets: Vec<String> = Vec::new();
    let mut opened = Vec::new();
    for who in [
        "andi@serangkota.go.id",
        "cahya@serangkota.go.id",
        "dewi@serangkota.go.id",
    ] {
        let token = &tokens[who][0];
        opened.push(crate::credentials::obtain(&app, token).await);
        secrets.push(token.clone());
        secrets.push(serap_server::auth::sha256_hex(token));
    }
    let at_opening = dump(&app).await;
    for (table, rows) in &at_opening {
        let allowed = ["credential_issuances", "credential_keys", "outbox_messages"];
        assert!(
            rows == &before[table] || allowed.contains(&table.as_str()),
            "table {table} changed when people opened their links"
        );
    }
    assert_eq!(at_opening["credential_issuances"].len(), 3);
    secrets.extend(at_opening["credential_issuances"].iter().cloned());
    for (unit, answers, credential) in &opened {
        let submission = Uuid::new_v4();
        let r = crate::credentials::submit_open(
            &app,
            slug,
            submission,
            *unit,
            answers,
            Some(credential),
        )
        .await;
        assert_eq!(r.status(), 201);
        let receipt: Value = r.json().await.unwrap();
        response_secrets.push(submission.to_string());
        response_secrets.push(receipt["receipt_code"].as_str().unwrap().to_string());
    }
    // Wait until the counter folder has consumed the queue.
    eventually(Duration::from_secs(20), "responses folded", || async {
        let after = dump(&app).await;
        after["fold_queue"].is_empty().then_some(())
    })
    .await;
    let after = dump(&app).await;

    // The link is recorded nowhere, and the invitations' rows were not rewritten (same content and, on
    // PostgreSQL, the same row versions); answering touches nothing of the invitation, not even
    // `unanswered_invitations`.
    assert!(after["invitation_responses"].is_empty());
    assert_eq!(before["invitations"], after["invitations"]);
    assert_eq!(before["invitation_links"], after["invitation_links"]);
    if pg {
        assert_eq!(xmin_before, versions().await, "invitation rows untouched");
    }
    assert_eq!(before["unanswered_invitations"].len(), 4);
    assert_eq!(
        after["unanswered_invitations"],
        before["unanswered_invitations"]
    );
    assert_eq!(after["spent_credentials"].len(), 3);
    for (table, rows) in &after {
        if table == "outbox_messages" {
            continue;
        }
        let changed = rows != &at_opening[table];
        let allowed = [
            "responses",
            "comments",
            "counters",
            "fold_queue",
            "spent_credentials",
        ];
        assert!(
            !changed || allowed.contains(&table.as_str()),
            "table {table} changed when people answered"
        );
    }

    // Responses (and the comments copied out of them) hold the unit, the answers, a date and their own
    // ids: nothing of the invitation or person.
    let responses = format!(
        "{}\n{}",
        after["responses"].join("\n"),
        after["comments"].join("\n")
    );
    assert_eq!(after["responses"].len(), 3);
    let mut identifying: Vec<String> = Vec::new();
    for invitation in invitation::Entity::find().all(&app.state.db).await.unwrap() {
        identifying.push(invitation.id.to_string());
        identifying.push(invitation.person_id.to_string());
    }
    for link in invitation_link::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
    {
        identifying.push(link.token_hash);
    }
    identifying.extend(secrets.iter().cloned());
    for name in [
        "Andi",
        "Cahya",
        "Dewi",
        "serangkota.go.id",
        "198001012005011001",
    ] {
        identifying.push(name.to_string());
    }
    for value in &identifying {
        assert!(
            !responses.contains(value.as_str()),
            "a response contains {value}"
        );
    }
    let mut columns: Vec<String> = response::Column::iter()
        .map(|c| c.as_str().to_string())
        .collect();
    columns.sort();
    assert_eq!(
        columns,
        [
            "answers",
            "body_hash",
            "id",
            "receipt_code",
            "received_on",
            "submission_id",
            "survey_version_id",
            "unit_id",
            "wave_id"
        ],
        "no time, person or invitation column in responses"
    );
    // Nothing else holds a response's ids.
    for (table, rows) in &after {
        if table == "responses" {
            continue;
        }
        let text = rows.join("\n");
        for value in &response_secrets {
            assert!(!text.contains(value.as_str()), "{table} holds {value}");
        }
    }

    // And no log line names a token, a link, a submission or a receipt.
    let logs = crate::logs::captured();
    for value in secrets.iter().chain(response_secrets.iter()) {
        assert!(!logs.contains(value.as_str()), "the logs contain {value}");
    }
}
