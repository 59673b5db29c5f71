//! Outbox messages that failed after every attempt: listed for admins and queued again on request.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serap_shared::digest::FailedMessage;
use uuid::Uuid;

use crate::entities::outbox_message;
use crate::error::ApiError;
use crate::infra::outbox::{self};
use crate::state::AppState;

/// Messages the outbox gave up on, newest first.
pub async fn failed_messages(state: &AppState) -> Result<Vec<FailedMessage>, ApiError> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq(outbox::STATUS_FAILED))
        .order_by_desc(outbox_message::Column::CreatedAt)
        .limit(1000)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| FailedMessage {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            message_id: m.message_id,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: crate::infra::time::wib_rfc3339(m.created_at),
        })
        .collect())
}

/// Puts a failed message back in the queue (same Message-Id, attempts from zero). 404 if unknown, 409 if
/// it has not failed. Audited.
pub async fn retry_message(state: &AppState, id: Uuid, actor: &str) -> Result<(), ApiError> {
    let found = outbox_message::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound("pesan / message".into()))?;
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let reset = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Status,
            Expr::value(outbox::STATUS_PENDING),
        )
        .col_expr(outbox_message::Column::Attempts, Expr::value(0))
        .col_expr(
            outbox_message::Column::NextAttemptAt,
            Expr::value(crate::infra::time::now()),
        )
        .col_expr(
            outbox_message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::Status.eq(outbox::STATUS_FAILED))
        .exec(&txn)
        .await?;
    if reset.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::Conflict(format!(
            "pesan ini berstatus {} / this message is {}",
            found.status, found.status
        )));
    }
    crate::infra::audit::audit(
        &txn,
        actor,
        "outbox.retry",
        &found.message_id,
        serde_json::json!({ "kind": found.kind }),
    )
    .await?;
    txn.commit().await?;
    state.outbox_wake.notify_one();
    Ok(())
}
