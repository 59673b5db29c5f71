//! Releasing a wave's figures in steps of k (docs/design.md invariant 5): a release pass compares the live
//! counters with the released ones and publishes what the shared plan (`serap_shared::report::release`)
//! allows, comments included.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Statement,
};
use serap_shared::report::CounterRow;
use serap_shared::report::release::{PendingComment, ReleaseInput, ReleasePlan, plan_release};
use uuid::Uuid;

use crate::entities::{comment, released_counter, wave};
use crate::error::ApiError;
use crate::reports::counters::{live_totals, read_totals};

/// The reporting thresholds of a wave: k for figures (at least 3) and the comment threshold (at least k).
pub fn thresholds(wave: &wave::Model) -> (u32, u32) {
    let k = Ord::max(wave.min_group_size, 3) as u32;
    (
        k,
        Ord::max(Ord::max(wave.min_comment_group_size, 0) as u32, k),
    )
}

/// One release pass over a wave (`serap_shared::report::release`): reads its live counters, released
/// counters and held-back comments, and writes what may now be released, in one transaction that excludes
/// other passes over the same wave (the wave's row is locked `FOR NO KEY UPDATE` on PostgreSQL, which does
/// not hold up submissions: their foreign keys take only a key-share lock on it; SQLite has one writer). Returns
/// whether anything was released.
pub async fn release_wave(db: &DatabaseConnection, wave_id: Uuid) -> Result<bool, ApiError> {
    // Most passes release nothing. Finding that out reads every counter of the wave: done first without
    // the write lock, which submissions need (on SQLite a held lock makes them wait).
    if plan_of(db, wave_id).await?.is_none() {
        return Ok(false);
    }
    let backend = db.get_database_backend();
    let txn = crate::infra::db::begin_write(db).await?;
    if backend == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT id FROM waves WHERE id = $1 FOR NO KEY UPDATE",
            [wave_id.into()],
        ))
        .await?;
    }
    // Planned again under the lock: another pass may have released the same figures meanwhile.
    let Some(plan) = plan_of(&txn, wave_id).await? else {
        txn.rollback().await.ok();
        return Ok(false);
    };
    for chunk in plan.counters.chunks(200) {
        set_released(&txn, wave_id, chunk).await?;
    }
    let mut by_atom: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for (comment_id, holder) in &plan.comments {
        by_atom.entry(*holder).or_default().push(*comment_id);
    }
    for (holder, ids) in by_atom {
        for chunk in ids.chunks(500) {
            comment::Entity::update_many()
                .col_expr(comment::Column::AtomId, Expr::value(holder))
                .filter(comment::Column::Id.is_in(chunk.iter().copied()))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(true)
}

/// What a release pass over the wave would write now; `None` when the wave is unknown or nothing may be
/// released.
async fn plan_of<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
) -> Result<Option<ReleasePlan>, ApiError> {
    let Some(wave) = wave::Entity::find_by_id(wave_id).one(db).await? else {
        return Ok(None);
    };
    let (k, comment_k) = thresholds(&wave);
    let live = live_totals(db, wave_id).await?;
    let released = read_totals(db, wave_id).await?;
    let comments: Vec<PendingComment> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Id)
        .column(comment::Column::UnitId)
        .column(comment::Column::QuestionId)
        .filter(comment::Column::WaveId.eq(wave_id))
        .filter(comment::Column::AtomId.is_null())
        .into_tuple::<(Uuid, Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, unit_id, question_id)| PendingComment {
            id,
            unit_id,
            question_id,
        })
        .collect();
    let units = crate::units::all_units(db).await?;
    let plan = plan_release(&ReleaseInput {
        units: &units,
        live: &live,
        released: &released,
        comments: &comments,
        k,
        comment_k,
    });
    Ok((!plan.is_empty()).then_some(plan))
}

/// Sets released counters to the given values (insert, or replace on conflict).
async fn set_released<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
    rows: &[CounterRow],
) -> Result<(), DbErr> {
    use released_counter::Column as C;
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(released_counter::Entity).columns([
        C::WaveId,
        C::UnitId,
        C::Key,
        C::Bucket,
        C::Count,
        C::Sum,
    ]);
    for row in rows {
        insert.values_panic([
            wave_id.into(),
            row.unit_id.into(),
            row.key.clone().into(),
            row.bucket.clone().into(),
            row.count.into(),
            row.sum.into(),
        ]);
    }
    insert.on_conflict(
        OnConflict::columns([C::WaveId, C::UnitId, C::Key, C::Bucket])
            .update_columns([C::Count, C::Sum])
            .to_owned(),
    );
    db.execute(&insert).await?;
    Ok(())
}
