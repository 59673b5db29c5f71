//! Mail leaves through the outbox and arrives, as valid MIME, at a real SMTP server (or the file outbox).

use mail_parser::MessageParser;
use sea_orm::EntityTrait;
use serap_server::entities::outbox_message;
use serde_json::{Value, json};

use crate::helpers::{Db, SmtpSink, TestConfig, eventually, read_eml_dir};
use crate::on_both_databases;

on_both_databases!(test_email_arrives_at_the_smtp_server);

fn check_message(raw: &[u8], to: &str, message_id: &str) {
    let message = MessageParser::default().parse(raw).expect("valid MIME");
    assert_eq!(
        message.subject(),
        Some("Uji email Serap / Serap test email")
    );
    assert_eq!(
        message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some(to)
    );
    assert_eq!(
        message.message_id().map(|id| format!("<{id}>")),
        Some(message_id.to_string())
    );
    let text = message.body_text(0).expect("plain-text part");
    assert!(
        text.contains("Email ini menguji pengiriman dari Serap"),
        "{text}"
    );
    assert!(
        text.contains("This message tests delivery from Serap"),
        "{text}"
    );
    let html = message.body_html(0).expect("HTML part");
    assert!(html.contains("<a href=\"http://127.0.0.1:"), "{html}");
    assert_eq!(message.text_body.len(), 1);
    assert_eq!(message.html_body.len(), 1);
}

async fn test_email_arrives_at_the_smtp_server(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).smtp(sink.url()).spawn().await;
    assert_eq!(app.state.mailer.kind(), "smtp");

    let to = "budi.santoso@serangkota.go.id";
    let response = app
        .post_json("/api/v1/admin/test-email", &json!({ "to": to }))
        .await;
    assert_eq!(response.status(), 202);
    let queued: Value = response.json().await.unwrap();
    let message_id = queued["message_id"].as_str().unwrap().to_string();

    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    check_message(&messages[0], to, &message_id);

    // The outbox records the delivery.
    let row = eventually(
        std::time::Duration::from_secs(10),
        "outbox row marked sent",
        || async {
            let rows = outbox_message::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            rows.into_iter().find(|r| r.status == "sent")
        },
    )
    .await;
    assert_eq!(row.message_id, message_id);
    assert_eq!(row.attempts, 1);
    assert!(row.sent_at.is_some());
}

#[tokio::test]
async fn without_smtp_mail_is_written_to_the_file_outbox() {
    let app = TestConfig::new(Db::Sqlite).spawn().await;
    assert_eq!(app.state.mailer.kind(), "file");
    let to = "siti@serangkota.go.id";
    let queued: Value = app
        .post_json("/api/v1/admin/test-email", &json!({ "to": to }))
        .await
        .json()
        .await
        .unwrap();
    let outbox = app.data_dir.join("outbox");
    let files = eventually(
        std::time::Duration::from_secs(10),
        ".eml in data/outbox",
        || async {
            let files = read_eml_dir(&outbox);
            (!files.is_empty()).then_some(files)
        },
    )
    .await;
    check_message(&files[0], to, queued["message_id"].as_str().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_while_smtp_is_down_arrives_once_when_it_is_back() {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    sink.stop().await;
    let app = TestConfig::new(Db::Sqlite)
        .smtp(format!("smtp://127.0.0.1:{port}"))
        .spawn()
        .await;
    let to = "andi@serangkota.go.id";
    let response = app
        .post_json("/api/v1/admin/test-email", &json!({ "to": to }))
        .await;
    assert_eq!(response.status(), 202, "accepted even though SMTP is down");

    // The first attempt fails and is scheduled for a retry with the error recorded.
    let failed = eventually(
        std::time::Duration::from_secs(10),
        "a failed attempt",
        || async {
            let rows = outbox_message::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            rows.into_iter()
                .find(|r| r.attempts >= 1 && r.status == "pending" && r.last_error.is_some())
        },
    )
    .await;
    assert!(failed.next_attempt_at > failed.created_at);

    let sink = SmtpSink::start_on(port).await;
    let messages = sink.wait_for(1).await;
    eventually(
        std::time::Duration::from_secs(10),
        "row marked sent",
        || async {
            let rows = outbox_message::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            rows.into_iter().find(|r| r.status == "sent")
        },
    )
    .await;
    // Give a duplicate every chance to show up before counting.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 1, "delivered exactly once");
    let message = MessageParser::default().parse(&messages[0]).unwrap();
    assert_eq!(
        message.subject(),
        Some("Uji email Serap / Serap test email")
    );
}
