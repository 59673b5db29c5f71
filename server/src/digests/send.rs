//! Sending: each pass claims the latest due period of every subscription and queues its email in the same
//! transaction (`Scheduler`, `run_due`); previews render without claiming.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TryInsertResult,
};
use serap_shared::digest::DigestPreview;
use tokio::sync::watch;
use uuid::Uuid;

use super::POLL;
use super::figures::Pass;
use super::link::manage_link;
use super::period::{
    Kind, daily_boundary, daily_period, due_periods, weekly_boundary, weekly_period,
};
use super::render::{Rendered, render};
use super::subscriptions::find;
use crate::entities::digest_period::{self, Entity as Period};
use crate::entities::digest_subscription::{self, Entity as Subscriptions};
use crate::entities::wave;
use crate::error::ApiError;
use crate::infra::outbox::{self, NewEmail};
use crate::state::AppState;

/// The figures of the subscription's latest digest, `{"<wave id>": respondents}`.
pub(super) async fn previous_figures<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<HashMap<String, i64>, ApiError> {
    let latest = Period::find()
        .filter(digest_period::Column::SubscriptionId.eq(id))
        .order_by_desc(digest_period::Column::ClaimedAt)
        .one(db)
        .await?;
    Ok(latest
        .and_then(|p| serde_json::from_value(p.figures).ok())
        .unwrap_or_default())
}

/// Queues every digest due at `now` that no instance has claimed yet. Returns how many emails it queued.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> Result<u32, ApiError> {
    let subs = Subscriptions::find()
        .filter(digest_subscription::Column::Active.eq(true))
        .order_by_asc(digest_subscription::Column::CreatedAt)
        .all(&state.db)
        .await?;
    if subs.is_empty() {
        return Ok(0);
    }
    let waves: Vec<Arc<wave::Model>> = wave::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(Arc::new)
        .collect();
    let mut candidates: Vec<(usize, String, Kind)> = Vec::new();
    for (i, sub) in subs.iter().enumerate() {
        for (period, kind) in due_periods(sub, &waves, now) {
            candidates.push((i, period, kind));
        }
    }
    if candidates.is_empty() {
        return Ok(0);
    }
    // Skip what is already claimed without rendering it; the unique key settles races.
    let periods: Vec<String> = candidates
        .iter()
        .map(|(_, p, _)| p.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut claimed: HashSet<(Uuid, String)> = HashSet::new();
    let ids: Vec<Uuid> = subs.iter().map(|s| s.id).collect();
    for chunk in ids.chunks(500) {
        claimed.extend(
            Period::find()
                .select_only()
                .column(digest_period::Column::SubscriptionId)
                .column(digest_period::Column::Period)
                .filter(digest_period::Column::SubscriptionId.is_in(chunk.to_vec()))
                .filter(digest_period::Column::Period.is_in(periods.clone()))
                .into_tuple::<(Uuid, String)>()
                .all(&state.db)
                .await?,
        );
    }
    let mut ctx: Option<Pass> = None;
    let mut queued = 0;
    for (i, period, kind) in candidates {
        let sub = &subs[i];
        if claimed.contains(&(sub.id, period.clone())) {
            continue;
        }
        if ctx.is_none() {
            ctx = Some(Pass::load(state, now).await?);
        }
        let Some(ctx) = ctx.as_mut() else { continue };
        let previous = previous_figures(&state.db, sub.id).await?;
        let Some(rendered) = render(state, ctx, sub, &kind, &previous).await? else {
            continue;
        };
        if claim(state, sub, &period, rendered, now).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(queued)
}

/// Claims `period` for `sub` and queues its email in one transaction; `false` when another instance
/// claimed it first (nothing is queued then), or when there was nothing to report (claimed, no email).
pub(super) async fn claim(
    state: &AppState,
    sub: &digest_subscription::Model,
    period: &str,
    rendered: Rendered,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let still_active = Subscriptions::find_by_id(sub.id)
        .one(&txn)
        .await?
        .is_some_and(|s| s.active);
    if !still_active {
        txn.rollback().await?;
        return Ok(false);
    }
    let send = rendered.waves > 0;
    let message_id = if send {
        let manage = manage_link(state, sub.id);
        outbox::enqueue(
            &txn,
            state.mail_domain(),
            NewEmail {
                kind: "digest".into(),
                to: sub.email.clone(),
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                headers: vec![
                    ("List-Unsubscribe".into(), format!("<{manage}>")),
                    (
                        "List-Unsubscribe-Post".into(),
                        "List-Unsubscribe=One-Click".into(),
                    ),
                ],
            },
        )
        .await?
    } else {
        String::new()
    };
    let inserted = Period::insert(digest_period::ActiveModel {
        subscription_id: Set(sub.id),
        period: Set(period.to_string()),
        message_id: Set(message_id),
        figures: Set(rendered.figures),
        claimed_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(&txn)
    .await?;
    if matches!(inserted, TryInsertResult::Inserted(1)) {
        txn.commit().await?;
        if send {
            tracing::info!(period, "digest queued");
        }
        Ok(send)
    } else {
        txn.rollback().await?;
        Ok(false)
    }
}

/// The digest scheduler every instance runs: a pass every 30 seconds.
pub struct Scheduler {
    pub state: AppState,
}

impl Scheduler {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            match run_due(&self.state, crate::infra::time::now()).await {
                Ok(n) if n > 0 => tracing::info!(digests = n, "digests queued"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "digest pass failed"),
            }
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tokio::time::sleep(POLL) => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }
}

/// The next digest of subscription `id` as it would be sent now.
pub async fn preview(state: &AppState, id: Uuid) -> Result<DigestPreview, ApiError> {
    let sub = find(state, id).await?;
    let now = crate::infra::time::now();
    let mut ctx = Pass::load(state, now).await?;
    let (period, kind) = if sub.weekly || !(sub.daily || sub.on_close) {
        (
            weekly_period(weekly_boundary(now) + chrono::Duration::days(7)),
            Kind::Weekly,
        )
    } else if sub.daily {
        (
            daily_period(daily_boundary(now) + chrono::Duration::days(1)),
            Kind::Daily,
        )
    } else {
        let next = ctx
            .waves
            .iter()
            .find(|w| w.closes_at > now)
            .or_else(|| ctx.waves.last())
            .cloned()
            .ok_or_else(|| ApiError::Conflict("belum ada survei / no survey yet".into()))?;
        (format!("close:{}", next.id), Kind::Closed(next))
    };
    let previous = previous_figures(&state.db, sub.id).await?;
    let rendered = render(state, &mut ctx, &sub, &kind, &previous)
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(
                "akun pemimpin tidak lagi berhak melihat laporan / the leader's account may no longer read reports"
                    .into(),
            )
        })?;
    Ok(DigestPreview {
        period,
        to: sub.email,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
    })
}
