//! Delivery of digests: queued once per subscription and period by any number of instances, sent once
//! SMTP is back, resent with the same Message-Id after an instance died mid-send.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_server::digests::run_due;
use serap_server::entities::{digest_period, outbox_message};
use serde_json::json;

use super::{digest_rows, next_monday, next_morning, parse, recipient, subscribe};
use crate::helpers::{Db, SmtpSink, TestConfig, eventually};
use crate::on_both_databases;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_queue_each_digest_once() {
    let Some(db) = Db::postgres() else { return };
    let sink = SmtpSink::start().await;
    let first = TestConfig::new(db.clone())
        .demo()
        .smtp(sink.url())
        .spawn()
        .await;
    let prefix = first.state.settings.redis_prefix.clone();
    let second = TestConfig::new(db.clone())
        .same_database_as(&first)
        .redis_prefix(&prefix)
        .smtp(sink.url())
        .spawn()
        .await;
    let third = TestConfig::new(db)
        .same_database_as(&first)
        .redis_prefix(&prefix)
        .smtp(sink.url())
        .spawn()
        .await;
    let mut addresses = HashSet::new();
    for i in 0..6 {
        let email = format!("pimpinan{i}@serangkota.go.id");
        subscribe(
            &first,
            json!({"email": email, "name": format!("Pimpinan {i}"), "cadences": ["daily", "weekly"]}),
        )
        .await;
        addresses.insert(email);
    }
    // Every instance runs the scheduler with the same clock, at the same time, twice.
    let at = next_monday();
    for _ in 0..2 {
        let (a, b, c) = tokio::join!(
            run_due(&first.state, at),
            run_due(&second.state, at),
            run_due(&third.state, at)
        );
        let queued = a.unwrap() + b.unwrap() + c.unwrap();
        assert!(queued == 12 || queued == 0, "{queued}");
    }
    let periods = digest_period::Entity::find()
        .all(&first.state.db)
        .await
        .unwrap();
    assert_eq!(
        periods.len(),
        12,
        "a daily and a weekly period per subscription"
    );
    let messages = sink.wait_for(12).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        sink.messages().len(),
        12,
        "exactly one message per subscription and period"
    );
    let mut per_recipient: std::collections::HashMap<String, usize> = Default::default();
    for m in &messages {
        *per_recipient.entry(recipient(&parse(m))).or_default() += 1;
    }
    assert_eq!(
        per_recipient.keys().cloned().collect::<HashSet<_>>(),
        addresses
    );
    assert!(per_recipient.values().all(|n| *n == 2), "{per_recipient:?}");
    assert_eq!(digest_rows(&first).await.len(), 12);
}

on_both_databases!(digests_queued_while_smtp_is_down_arrive_once_it_is_back);

async fn digests_queued_while_smtp_is_down_arrive_once_it_is_back(db: Db) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    sink.stop().await;
    let app = TestConfig::new(db)
        .demo()
        .smtp(format!("smtp://127.0.0.1:{port}"))
        .spawn()
        .await;
    for name in ["kepala.bkpsdm", "kepala.dinkes"] {
        subscribe(
            &app,
            json!({"email": format!("{name}@serangkota.go.id"), "name": name, "cadences": ["daily"]}),
        )
        .await;
    }
    // The server was down at 07:00: five hours later it sends that morning's digest, once.
    let morning = next_morning();
    assert_eq!(
        run_due(&app.state, morning + chrono::Duration::hours(5))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        run_due(&app.state, morning + chrono::Duration::hours(6))
            .await
            .unwrap(),
        0
    );
    eventually(
        Duration::from_secs(15),
        "failed attempts recorded",
        || async {
            let rows = digest_rows(&app).await;
            rows.iter()
                .all(|r| r.attempts >= 1 && r.status == "pending" && r.last_error.is_some())
                .then_some(())
        },
    )
    .await;

    let sink = SmtpSink::start_on(port).await;
    let messages = sink.wait_for(2).await;
    eventually(Duration::from_secs(15), "rows marked sent", || async {
        digest_rows(&app)
            .await
            .iter()
            .all(|r| r.status == "sent")
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 2, "none doubled");
    let recipients: HashSet<String> = messages.iter().map(|m| recipient(&parse(m))).collect();
    assert_eq!(recipients.len(), 2);
    // The next morning is a new period.
    assert_eq!(
        run_due(&app.state, morning + chrono::Duration::days(1))
            .await
            .unwrap(),
        2
    );
    sink.wait_for(4).await;
}

on_both_databases!(a_send_interrupted_by_a_crash_is_resent_with_the_same_message_id);

async fn a_send_interrupted_by_a_crash_is_resent_with_the_same_message_id(db: Db) {
    let sink = SmtpSink::start().await;
    let mut first = TestConfig::new(db.clone())
        .demo()
        .smtp(sink.url())
        .spawn()
        .await;
    subscribe(
        &first,
        json!({"email": "asisten@serangkota.go.id", "name": "Asisten", "cadences": ["daily"]}),
    )
    .await;
    assert_eq!(run_due(&first.state, next_morning()).await.unwrap(), 1);
    let period = digest_period::Entity::find()
        .one(&first.state.db)
        .await
        .unwrap()
        .unwrap();
    let messages = sink.wait_for(1).await;
    assert_eq!(
        parse(&messages[0]).message_id().map(|id| format!("<{id}>")),
        Some(period.message_id.clone())
    );
    eventually(Duration::from_secs(10), "row marked sent", || async {
        digest_rows(&first)
            .await
            .first()
            .filter(|r| r.status == "sent")
            .map(|_| ())
    })
    .await;
    // The instance dies after the SMTP server accepted the message and before it recorded that: the row
    // stays `sending` with a lease that runs out. Another instance takes over.
    first.stop().await;
    let second = TestConfig::new(db)
        .same_database_as(&first)
        .smtp(sink.url())
        .spawn()
        .await;
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value("sending"))
        .col_expr(
            outbox_message::Column::ClaimedUntil,
            Expr::value(Some(Utc::now() - chrono::Duration::seconds(1))),
        )
        .col_expr(
            outbox_message::Column::SentAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox_message::Column::MessageId.eq(period.message_id.clone()))
        .exec(&second.state.db)
        .await
        .unwrap();
    let messages = sink.wait_for(2).await;
    let ids: Vec<Option<String>> = messages
        .iter()
        .map(|m| parse(m).message_id().map(|id| format!("<{id}>")))
        .collect();
    assert_eq!(
        ids,
        vec![Some(period.message_id.clone()); 2],
        "resent with the same Message-Id"
    );
    let row = eventually(
        Duration::from_secs(10),
        "resent row marked sent",
        || async {
            outbox_message::Entity::find()
                .filter(outbox_message::Column::MessageId.eq(period.message_id.clone()))
                .one(&second.state.db)
                .await
                .unwrap()
                .filter(|r| r.status == "sent")
        },
    )
    .await;
    assert_eq!(row.attempts, 2);
    // The period stays claimed: the digest itself is not queued again.
    assert_eq!(run_due(&second.state, next_morning()).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 2);
}
