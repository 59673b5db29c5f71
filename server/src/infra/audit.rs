//! The audit log: who did what to what, written with the change it records (in the same transaction when
//! there is one), and read back by admins.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect,
};
use serap_shared::api::AuditEntry;
use uuid::Uuid;

use crate::entities::audit_entry;
use crate::error::ApiError;

/// Entries `GET /api/v1/audit` shows at most.
const SHOWN: u64 = 500;

/// Writes one audit entry (in the caller's transaction when given one). Targets are cut to 300 characters.
pub async fn audit<C: ConnectionTrait>(
    db: &C,
    actor: &str,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    audit_entry::ActiveModel {
        id: Set(Uuid::new_v4()),
        at: Set(Utc::now()),
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        target: Set(target.chars().take(300).collect()),
        details: Set(details),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest entries, newest first, times in WIB.
pub async fn recent<C: ConnectionTrait>(db: &C) -> Result<Vec<AuditEntry>, ApiError> {
    let rows = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::At)
        .limit(SHOWN)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            at: crate::infra::time::wib_rfc3339(r.at),
            actor: r.actor,
            action: r.action,
            target: r.target,
            details: r.details,
        })
        .collect())
}
