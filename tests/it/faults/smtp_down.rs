//! The SMTP server down for a while: invitations are queued meanwhile and arrive once it is back, once
//! each, with working links. (Digests: `digests::delivery`; any outbox message: `mail`.)

use std::collections::HashSet;
use std::time::Duration;

use mail_parser::MessageParser;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_server::entities::outbox_message;
use serde_json::{Value, json};

use super::harness::without_client;
use crate::helpers::{Db, SmtpSink, TestConfig, eventually, import_roster};
use crate::on_both_databases;

on_both_databases!(invitations_queued_while_smtp_is_down_arrive_once_it_is_back);

async fn invitations_queued_while_smtp_is_down_arrive_once_it_is_back(db: Db) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    sink.stop().await;
    let app = without_client(TestConfig::new(db))
        .demo()
        .smtp(format!("smtp://127.0.0.1:{port}"))
        .spawn()
        .await;
    import_roster(&app).await;
    let r = app
        .post_json(
            "/api/v1/waves/abk-2026/invitations",
            &json!({"unit_codes": ["DINKES"]}),
        )
        .await;
    assert_eq!(r.status(), 200, "invited although SMTP is down");
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["invited"], 3, "{report}");
    let invitations = || async {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("invitation"))
            .all(&app.state.db)
            .await
            .unwrap()
    };
    eventually(
        Duration::from_secs(20),
        "failed attempts recorded",
        || async {
            let rows = invitations().await;
            (rows.len() == 3
                && rows
                    .iter()
                    .all(|r| r.attempts >= 1 && r.status == "pending" && r.last_error.is_some()))
            .then_some(())
        },
    )
    .await;

    let sink = SmtpSink::start_on(port).await;
    let messages = sink.wait_for(3).await;
    eventually(Duration::from_secs(20), "rows marked sent", || async {
        invitations()
            .await
            .iter()
            .all(|r| r.status == "sent")
            .then_some(())
    })
    .await;
    // Give a duplicate every chance to show up before counting.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 3, "none doubled");
    let rows = invitations().await;
    let mut recipients = HashSet::new();
    for raw in &messages {
        let message = MessageParser::default().parse(raw).expect("valid MIME");
        let to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap()
            .to_string();
        let message_id = format!("<{}>", message.message_id().unwrap());
        assert!(
            rows.iter()
                .any(|r| r.message_id == message_id && r.recipient == to),
            "{message_id} to {to} is a queued invitation"
        );
        // The personal link in it works.
        let text = message.body_text(0).unwrap().to_string();
        let token: String = text
            .split("/s/")
            .nth(1)
            .expect("a personal link")
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        assert_eq!(
            app.get(&format!("/api/v1/invitations/{token}"))
                .await
                .status(),
            200
        );
        recipients.insert(to);
    }
    let expected: HashSet<String> = ["andi", "bunga", "cahya"]
        .iter()
        .map(|n| format!("{n}@serangkota.go.id"))
        .collect();
    assert_eq!(recipients, expected, "one invitation per person");
}
