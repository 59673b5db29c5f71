//! Reminders: the wave's policy, and the worker every instance runs that queues each due reminder once.

use std::time::Duration;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serap_shared::api::ReminderPolicy;
use serap_shared::error::FieldError;
use tokio::sync::watch;
use uuid::Uuid;

use super::invite::{add_link, invitation_email};
use super::status::opened;
use crate::entities::{invitation, person, reminder_policy, unanswered_invitation, wave};
use crate::error::ApiError;
use crate::infra::outbox::{self};
use crate::infra::tokens::random_token;
use crate::state::AppState;

/// How often each instance looks for due reminders.
const REMINDER_POLL: Duration = Duration::from_secs(30);
/// Reminders claimed per pass.
const REMINDER_BATCH: u64 = 200;

/// The wave's reminder policy (none: interval 72 h, no reminders).
pub async fn policy_of<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
) -> Result<ReminderPolicy, ApiError> {
    Ok(reminder_policy::Entity::find_by_id(wave_id)
        .one(db)
        .await?
        .map(|p| ReminderPolicy {
            interval_hours: Ord::max(p.interval_hours, 1) as u32,
            max_reminders: Ord::max(p.max_reminders, 0) as u32,
        })
        .unwrap_or(ReminderPolicy {
            interval_hours: 72,
            max_reminders: 0,
        }))
}

/// When the next reminder is due after `last` (the invitation or the previous reminder), if any is left.
pub(super) fn next_reminder(
    policy: &ReminderPolicy,
    last: DateTime<Utc>,
    sent: i32,
) -> Option<DateTime<Utc>> {
    (sent < policy.max_reminders as i32)
        .then(|| last + chrono::Duration::hours(i64::from(policy.interval_hours)))
}

/// Sets the wave's reminder policy and reschedules its unanswered invitations. Audited.
pub async fn set_policy(
    state: &AppState,
    wave: &wave::Model,
    policy: &ReminderPolicy,
    actor: &str,
) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if !(1..=720).contains(&policy.interval_hours) {
        problems.push(FieldError::new(
            "interval_hours",
            "Jarak pengingat 1 sampai 720 jam / Interval must be 1 to 720 hours",
        ));
    }
    if policy.max_reminders > 10 {
        problems.push(FieldError::new(
            "max_reminders",
            "Paling banyak 10 pengingat / At most 10 reminders",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let txn = crate::infra::db::begin_write(&state.db).await?;
    reminder_policy::Entity::delete_by_id(wave.id)
        .exec(&txn)
        .await?;
    reminder_policy::Entity::insert(reminder_policy::ActiveModel {
        wave_id: Set(wave.id),
        interval_hours: Set(policy.interval_hours as i32),
        max_reminders: Set(policy.max_reminders as i32),
    })
    .exec_without_returning(&txn)
    .await?;
    // Each invitation's next reminder: `interval` after the invitation for every reminder already sent,
    // plus one.
    let rows = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave.id))
        .all(&txn)
        .await?;
    for row in rows {
        let last = row.created_at
            + chrono::Duration::hours(
                i64::from(policy.interval_hours) * i64::from(row.reminders_sent),
            );
        invitation::Entity::update_many()
            .col_expr(
                invitation::Column::NextReminderAt,
                Expr::value(next_reminder(policy, last, row.reminders_sent)),
            )
            .filter(invitation::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    crate::infra::audit::audit(
        &txn,
        actor,
        "reminders.set",
        &wave.slug,
        serde_json::json!({
            "interval_hours": policy.interval_hours,
            "max_reminders": policy.max_reminders}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Queues reminders for unanswered, unexpired invitations of open waves: those due at `now`, or with
/// `wave` every one of that wave's with reminders left. Each reminder is claimed by a conditional update
/// in the transaction that queues its email, so concurrent instances send it once. Returns how many.
pub async fn send_reminders(
    state: &AppState,
    now: DateTime<Utc>,
    wave: Option<&wave::Model>,
) -> Result<u32, ApiError> {
    let db = &state.db;
    let mut query = invitation::Entity::find()
        .filter(invitation::Column::ExpiresAt.gt(now))
        .filter(
            invitation::Column::Id.in_subquery(
                Query::select()
                    .column(unanswered_invitation::Column::InvitationId)
                    .from(unanswered_invitation::Entity)
                    .to_owned(),
            ),
        )
        // Anonymous waves: the server does not know who answered, only who opened their link (was
        // issued a credential); those are not reminded. Other waves issue no credentials.
        .filter(invitation::Column::Id.not_in_subquery(opened()));
    query = match wave {
        Some(w) => query.filter(invitation::Column::WaveId.eq(w.id)),
        None => query
            .filter(invitation::Column::NextReminderAt.lte(now))
            .order_by_asc(invitation::Column::NextReminderAt)
            .limit(REMINDER_BATCH),
    };
    let candidates = query.all(db).await?;
    let mut waves: HashMap<Uuid, Option<(Arc<wave::Model>, ReminderPolicy)>> = HashMap::new();
    let domain = state.mail_domain();
    let mut queued = 0;
    for row in candidates {
        if let std::collections::hash_map::Entry::Vacant(slot) = waves.entry(row.wave_id) {
            let found = match wave::Entity::find_by_id(row.wave_id).one(db).await? {
                Some(w) if crate::waves::is_open(&w, now) => {
                    let policy = policy_of(db, w.id).await?;
                    Some((Arc::new(w), policy))
                }
                _ => None,
            };
            slot.insert(found);
        }
        let Some((wave, policy)) = waves.get(&row.wave_id).cloned().flatten() else {
            continue;
        };
        if row.reminders_sent >= policy.max_reminders as i32 {
            continue;
        }
        let Some(person) = person::Entity::find_by_id(row.person_id).one(db).await? else {
            continue;
        };
        let Some(email) = person.email.clone().filter(|e| !e.trim().is_empty()) else {
            continue;
        };
        // Each email carries its own link (tokens are never stored, so the first one cannot be resent);
        // every link of the invitation stays valid until it is answered.
        let token = random_token();
        let txn = crate::infra::db::begin_write(db).await?;
        let message = invitation_email(state, &wave, &person.name, &email, &token, true);
        let message_id = outbox::enqueue(&txn, domain, message).await?;
        let claimed = invitation::Entity::update_many()
            .col_expr(
                invitation::Column::RemindersSent,
                Expr::col(invitation::Column::RemindersSent).add(1),
            )
            .col_expr(
                invitation::Column::NextReminderAt,
                Expr::value(next_reminder(&policy, now, row.reminders_sent + 1)),
            )
            .col_expr(invitation::Column::LastMessageId, Expr::value(message_id))
            .filter(invitation::Column::Id.eq(row.id))
            .filter(invitation::Column::RemindersSent.eq(row.reminders_sent))
            .filter(
                invitation::Column::Id.in_subquery(
                    Query::select()
                        .column(unanswered_invitation::Column::InvitationId)
                        .from(unanswered_invitation::Entity)
                        .to_owned(),
                ),
            )
            .filter(invitation::Column::Id.not_in_subquery(opened()))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            add_link(&txn, row.id, &token).await?;
            txn.commit().await?;
            queued += 1;
        } else {
            txn.rollback().await?;
        }
    }
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(queued)
}

/// The reminder worker every instance runs: a pass every 30 seconds.
pub struct Reminders {
    pub state: AppState,
}

impl Reminders {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            match send_reminders(&self.state, crate::infra::time::now(), None).await {
                Ok(n) if n > 0 => tracing::info!(reminders = n, "reminders queued"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "reminder pass failed"),
            }
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tokio::time::sleep(REMINDER_POLL) => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }
}
