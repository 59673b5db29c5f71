//! Leader email digests: received as MIME at a real SMTP server, with only what the reporting threshold
//! lets through; claimed once per period whatever the number of instances; delivered once SMTP is back;
//! resent with the same Message-Id after an instance died mid-send; unsubscribed through the signed link;
//! previewed as JSON and as a page.
//!
//! Guarantee under test: each digest is queued exactly once (the unique (subscription, period) row is
//! inserted in the transaction that queues its email); delivery to SMTP is at least once, and a resend
//! after a crash carries the Message-Id fixed at enqueue time.

mod admin;
mod content;
mod delivery;

use chrono::{DateTime, Utc};
use mail_parser::{Message, MessageParser};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_server::digests::period::{daily_boundary, weekly_boundary};
use serap_server::entities::outbox_message;
use serde_json::Value;

use crate::helpers::TestApp;

/// Subscribes (as admin); the subscription.
pub(super) async fn subscribe(app: &TestApp, body: Value) -> Value {
    let r = app.post_json("/api/v1/digests", &body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// The next daily (07:00 WIB) send time after now.
pub(super) fn next_morning() -> DateTime<Utc> {
    daily_boundary(Utc::now()) + chrono::Duration::days(1)
}

/// The next Monday 07:00 WIB after now.
pub(super) fn next_monday() -> DateTime<Utc> {
    weekly_boundary(Utc::now()) + chrono::Duration::days(7)
}

/// A message as MIME.
pub(super) fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default().parse(raw).expect("valid MIME")
}

/// The message's first recipient.
pub(super) fn recipient(message: &Message<'_>) -> String {
    message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_string()
}

/// The outbox rows of digests.
pub(super) async fn digest_rows(app: &TestApp) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("digest"))
        .all(&app.state.db)
        .await
        .unwrap()
}
