//! An anonymous wave answered through personal links: no table, column, row version or log line links a
//! response to an invitation or a person (docs/design.md invariant 4).

use std::collections::HashMap;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use sea_orm::{IdenStatic, Iterable};
use serap_server::entities::{invitation, invitation_link, response};
use serde_json::{Value, json};
use uuid::Uuid;

use super::invite;
use crate::helpers::{
    Db, SmtpSink, TestApp, TestConfig, eventually, import_roster, logs, obtain, submit_open,
    tokens_by_recipient,
};
use crate::on_both_databases;

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

/// docs/design.md invariant 4: after people answer an anonymous wave through their personal links, no table, column,
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
        opened.push(obtain(&app, token).await);
        secrets.push(token.clone());
        secrets.push(serap_server::infra::tokens::sha256_hex(token));
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
        let r = submit_open(&app, slug, submission, *unit, answers, Some(credential)).await;
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
    let logs = logs::captured();
    for value in secrets.iter().chain(response_secrets.iter()) {
        assert!(!logs.contains(value.as_str()), "the logs contain {value}");
    }
}
