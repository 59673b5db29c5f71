//! The email outbox (docs/design.md invariant 7). `enqueue` writes a message in the caller's transaction; the
//! dispatcher, running on every instance, claims due messages with a conditional UPDATE (so one instance
//! sends each), hands them to the `Mailer`, and records the outcome with exponential backoff on failure.
//!
//! Guarantee: at-least-once delivery to the SMTP server, with a Message-Id fixed at enqueue time. A message
//! is sent twice only when an instance dies after the SMTP server accepted it and before the row was marked
//! sent; the claim lease then expires and another instance resends the same Message-Id.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use crate::entities::outbox_message::{self, Column, Entity as Outbox};
use crate::infra::mail::{Email, Mailer};

/// Kinds of message whose body carries a one-time link (a token): the body is blanked once sent, so the
/// outbox keeps no usable token at rest after delivery (before it, the message must be kept to be sent).
const CARRIES_ONE_TIME_LINK: [&str; 3] = ["invitation", "reminder", "password_reset"];
const LINK_REMOVED: &str =
    "[terkirim; tautan sekali pakai tidak disimpan / sent; the one-time link is not kept]";

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_SENDING: &str = "sending";
pub const STATUS_SENT: &str = "sent";
pub const STATUS_FAILED: &str = "failed";

/// After this many failed attempts a message is marked failed (admins can retry it).
pub const MAX_ATTEMPTS: i32 = 8;
const LEASE: Duration = Duration::from_secs(120);
const BATCH: u64 = 64;
/// Messages one dispatcher hands to the mailer at once. An SMTP exchange is several round trips, each
/// waiting for the server's reply (about 45 ms a message on loopback), so sends overlap; the SMTP
/// transport's pool keeps one connection per concurrent send (`mail::SMTP_CONNECTIONS`).
pub const CONCURRENT_SENDS: usize = 16;
const POLL: Duration = Duration::from_secs(1);

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewEmail {
    /// What caused it, e.g. `test`, `invitation`, `digest`.
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub headers: Vec<(String, String)>,
}

/// Queues `email` on `db` (a connection or the transaction of the event causing it). Returns the Message-Id.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    mail_domain: &str,
    email: NewEmail,
) -> Result<String, DbErr> {
    let id = Uuid::new_v4();
    let message_id = format!("<{}@{}>", id.simple(), mail_domain);
    let now = Utc::now();
    let headers = serde_json::to_value(&email.headers).unwrap_or_default();
    Outbox::insert(outbox_message::ActiveModel {
        id: Set(id),
        kind: Set(email.kind),
        recipient: Set(email.to),
        subject: Set(email.subject),
        body_text: Set(email.text),
        body_html: Set(email.html),
        headers: Set(headers),
        message_id: Set(message_id.clone()),
        status: Set(STATUS_PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(message_id)
}

/// Delay before attempt `attempts + 1`: 5 s, 10 s, 20 s ... capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 20) as u32 - 1;
    Duration::from_secs(5u64.saturating_mul(1 << exp)).min(Duration::from_secs(3600))
}

/// Messages to (re)try at `now`: pending and due, or claimed by an instance whose lease ran out.
fn due(now: DateTime<Utc>) -> sea_orm::sea_query::SimpleExpr {
    Column::Status
        .eq(STATUS_PENDING)
        .and(Column::NextAttemptAt.lte(now))
        .or(Column::Status
            .eq(STATUS_SENDING)
            .and(Column::ClaimedUntil.lt(now)))
}

#[derive(Clone)]
pub struct Dispatcher {
    db: DatabaseConnection,
    mailer: Arc<dyn Mailer>,
    wake: Arc<Notify>,
}

impl Dispatcher {
    pub fn new(db: DatabaseConnection, mailer: Arc<dyn Mailer>, wake: Arc<Notify>) -> Self {
        Dispatcher { db, mailer, wake }
    }

    /// Sends due messages until `shutdown` turns true; wakes every second or when notified.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let mut full = false;
            match self.dispatch_due(Utc::now()).await {
                Ok(n) if n > 0 => {
                    // A full batch: more are probably due (a digest run queues hundreds), go on at once.
                    full = n as u64 >= BATCH;
                    tracing::debug!(sent_or_tried = n, "outbox pass")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = format!("{err:#}"), "outbox pass failed"),
            }
            if full && !*shutdown.borrow() {
                continue;
            }
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    /// One pass: claims up to a batch of due messages and tries each once, `CONCURRENT_SENDS` at a time.
    /// Returns how many it tried.
    pub async fn dispatch_due(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let due = Outbox::find()
            .select_only()
            .column(Column::Id)
            .filter(due(now))
            .order_by_asc(Column::NextAttemptAt)
            .limit(BATCH)
            .into_tuple::<Uuid>()
            .all(&self.db)
            .await?;
        let outcomes: Vec<Result<bool, DbErr>> = futures::stream::iter(due)
            .map(|id| async move {
                match self.claim(id, now).await? {
                    Some(message) => self.deliver(message).await.map(|()| true),
                    None => Ok(false),
                }
            })
            .buffer_unordered(CONCURRENT_SENDS)
            .collect()
            .await;
        let mut tried = 0;
        for outcome in outcomes {
            if outcome? {
                tried += 1;
            }
        }
        Ok(tried)
    }

    /// Claims `id` for this instance; `None` when another instance got it first.
    async fn claim(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<outbox_message::Model>, DbErr> {
        let lease_end = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        let claimed = Outbox::update_many()
            .col_expr(Column::Status, Expr::value(STATUS_SENDING))
            .col_expr(Column::ClaimedUntil, Expr::value(lease_end))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .filter(Column::Id.eq(id))
            .filter(due(now))
            .exec(&self.db)
            .await?;
        if claimed.rows_affected != 1 {
            return Ok(None);
        }
        Outbox::find_by_id(id).one(&self.db).await
    }

    async fn deliver(&self, message: outbox_message::Model) -> Result<(), DbErr> {
        let headers: Vec<(String, String)> =
            serde_json::from_value(message.headers.clone()).unwrap_or_default();
        let email = Email {
            to: message.recipient.clone(),
            subject: message.subject.clone(),
            text: message.body_text.clone(),
            html: message.body_html.clone(),
            message_id: message.message_id.clone(),
            headers,
        };
        let result = self.mailer.send(&email).await;
        let now = Utc::now();
        let update = Outbox::update_many().filter(Column::Id.eq(message.id));
        match result {
            Ok(()) => {
                tracing::info!(
                    kind = message.kind,
                    message_id = message.message_id,
                    "email sent"
                );
                let mut update = update;
                if CARRIES_ONE_TIME_LINK.contains(&message.kind.as_str()) {
                    // The one-time link (its token) is not kept once the message is out.
                    update = update
                        .col_expr(Column::BodyText, Expr::value(LINK_REMOVED))
                        .col_expr(Column::BodyHtml, Expr::value(LINK_REMOVED));
                }
                update
                    .col_expr(Column::Status, Expr::value(STATUS_SENT))
                    .col_expr(Column::SentAt, Expr::value(now))
                    .col_expr(
                        Column::ClaimedUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(Column::LastError, Expr::value(Option::<String>::None))
                    .exec(&self.db)
                    .await?;
            }
            Err(err) => {
                let failed = message.attempts >= MAX_ATTEMPTS;
                tracing::warn!(
                    kind = message.kind,
                    message_id = message.message_id,
                    attempts = message.attempts,
                    error = format!("{err:#}"),
                    "email delivery failed"
                );
                let next =
                    now + chrono::Duration::from_std(backoff(message.attempts)).unwrap_or_default();
                update
                    .col_expr(
                        Column::Status,
                        Expr::value(if failed {
                            STATUS_FAILED
                        } else {
                            STATUS_PENDING
                        }),
                    )
                    .col_expr(Column::NextAttemptAt, Expr::value(next))
                    .col_expr(
                        Column::ClaimedUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(Column::LastError, Expr::value(format!("{err:#}")))
                    .exec(&self.db)
                    .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(4), Duration::from_secs(40));
        assert_eq!(backoff(30), Duration::from_secs(3600));
    }
}
