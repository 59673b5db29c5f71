//! The report counters (docs/design.md invariant 2). Reports read counters, never responses. Each stored response
//! also gets a row in `fold_queue` (same statement or transaction). A background folder on every instance
//! takes queued responses in batches, adds their `contributions` to the counters and deletes their queue rows
//! in the same transaction, so each response is counted exactly once. On PostgreSQL batches are claimed with
//! `FOR UPDATE SKIP LOCKED`, so N instances fold disjoint batches.
//! Counter rows are sharded so concurrent folders rarely wait on one row; reports sum the shards.
//! `rebuild_counters` recomputes everything from the responses with the same `contributions`. After each
//! fold the folder runs a release pass (`release`); reports read the released counters through
//! `counter_cache`.
//!
//! Chosen by measurement over adding to the counters inside each submission's transaction: see
//! BENCHMARKS.md ("ingest").

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, QuerySelect, Statement,
};
use serap_shared::events::LiveEvent;
use serap_shared::report::CounterRow;
use serap_shared::survey::{
    Answer, Answers, Contribution, QuestionKind, RESPONSES_KEY, contributions, visible_question_ids,
};
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use crate::entities::{comment, counter, fold_queue, released_counter, response};
use crate::error::ApiError;
use crate::infra::bus::EventBus;
use crate::reports::release::release_wave;
use crate::surveys::VersionCache;

/// Counter rows per (wave, unit, key, bucket): concurrent folders spread over them.
pub const SHARDS: i16 = 32;
/// Responses folded per transaction.
pub const BATCH: u64 = 500;
const POLL: Duration = Duration::from_millis(250);
/// How often each instance merges counter shards.
const COMPACT_EVERY: Duration = Duration::from_secs(60);
/// How often each instance runs a release pass over every wave with counters.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Release passes run at most this often (each reads every counter of its wave).
const RELEASE_EVERY: Duration = Duration::from_millis(500);

/// Adds `rows` to the counters of one shard in one statement (insert, or add on conflict).
pub async fn add_to_counters<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
    unit_id: Uuid,
    shard: i16,
    rows: &[Contribution],
) -> Result<(), DbErr> {
    use counter::Column as C;
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(counter::Entity).columns([
        C::WaveId,
        C::UnitId,
        C::Key,
        C::Bucket,
        C::Shard,
        C::Count,
        C::Sum,
    ]);
    for row in rows {
        insert.values_panic([
            wave_id.into(),
            unit_id.into(),
            row.key.clone().into(),
            row.bucket.clone().into(),
            shard.into(),
            row.count.into(),
            row.sum.into(),
        ]);
    }
    let excluded = Alias::new("excluded");
    insert.on_conflict(
        OnConflict::columns([C::WaveId, C::UnitId, C::Key, C::Bucket, C::Shard])
            .value(
                C::Count,
                Expr::col((counter::Entity, C::Count)).add(Expr::col((excluded.clone(), C::Count))),
            )
            .value(
                C::Sum,
                Expr::col((counter::Entity, C::Sum)).add(Expr::col((excluded, C::Sum))),
            )
            .to_owned(),
    );
    db.execute(&insert).await?;
    Ok(())
}

type Totals = BTreeMap<(Uuid, Uuid), BTreeMap<(String, String), (i64, f64)>>;

/// Adds the contributions of `rows` to `totals`, keyed by (wave, unit), and collects their free-text
/// comments (shown and answered long-text questions) into `comments`.
async fn accumulate<C: ConnectionTrait>(
    db: &C,
    versions: &VersionCache,
    rows: &[response::Model],
    totals: &mut Totals,
    comments: &mut Vec<comment::ActiveModel>,
) -> Result<(), ApiError> {
    for row in rows {
        let definition = versions.get(db, row.survey_version_id).await?;
        let answers: Answers = serde_json::from_value(row.answers.clone())
            .map_err(|e| anyhow::anyhow!("stored answers of response {}: {e}", row.id))?;
        let unit = totals.entry((row.wave_id, row.unit_id)).or_default();
        for c in contributions(&definition, &answers) {
            let entry = unit.entry((c.key, c.bucket)).or_insert((0, 0.0));
            entry.0 += c.count;
            entry.1 += c.sum;
        }
        let visible = visible_question_ids(&definition, &answers);
        for (_, question) in definition.questions() {
            if let (QuestionKind::LongText { .. }, Some(Answer::Text(text))) =
                (&question.kind, answers.get(&question.id))
                && visible.contains(&question.id)
                && !text.trim().is_empty()
            {
                comments.push(comment::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    wave_id: Set(row.wave_id),
                    unit_id: Set(row.unit_id),
                    question_id: Set(question.id.clone()),
                    body: Set(text.trim().to_string()),
                    received_on: Set(row.received_on.clone()),
                    atom_id: Set(None),
                });
            }
        }
    }
    Ok(())
}

async fn write_comments<C: ConnectionTrait>(
    db: &C,
    comments: Vec<comment::ActiveModel>,
) -> Result<(), DbErr> {
    let mut comments = comments.into_iter().peekable();
    while comments.peek().is_some() {
        let chunk: Vec<_> = comments.by_ref().take(200).collect();
        comment::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

async fn write_totals<C: ConnectionTrait>(db: &C, totals: Totals, shard: i16) -> Result<(), DbErr> {
    for ((wave_id, unit_id), buckets) in totals {
        let rows: Vec<Contribution> = buckets
            .into_iter()
            .map(|((key, bucket), (count, sum))| Contribution {
                key,
                bucket,
                count,
                sum,
            })
            .collect();
        for chunk in rows.chunks(200) {
            add_to_counters(db, wave_id, unit_id, shard, chunk).await?;
        }
    }
    Ok(())
}

/// Claims up to a batch of queued response ids, deleting their queue rows (in the caller's transaction).
async fn claim_batch<C: ConnectionTrait>(txn: &C) -> Result<Vec<Uuid>, DbErr> {
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        let rows = txn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "DELETE FROM fold_queue WHERE response_id IN (
                    SELECT response_id FROM fold_queue LIMIT $1 FOR UPDATE SKIP LOCKED
                 ) RETURNING response_id",
                [(BATCH as i64).into()],
            ))
            .await?;
        return rows
            .iter()
            .map(|r| r.try_get::<Uuid>("", "response_id"))
            .collect();
    }
    let ids: Vec<Uuid> = fold_queue::Entity::find()
        .select_only()
        .column(fold_queue::Column::ResponseId)
        .limit(BATCH)
        .into_tuple()
        .all(txn)
        .await?;
    for chunk in ids.chunks(500) {
        fold_queue::Entity::delete_many()
            .filter(fold_queue::Column::ResponseId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    Ok(ids)
}

async fn load_responses<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<Vec<response::Model>, DbErr> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        rows.extend(
            response::Entity::find()
                .filter(response::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// Folds one batch of queued responses. Returns how many it folded and the waves they belong to.
pub async fn fold_batch(
    db: &DatabaseConnection,
    versions: &VersionCache,
) -> Result<(usize, BTreeSet<Uuid>), ApiError> {
    // Most passes find nothing: look before taking the write lock.
    let any = fold_queue::Entity::find().one(db).await?;
    if any.is_none() {
        return Ok((0, BTreeSet::new()));
    }
    let txn = crate::infra::db::begin_write(db).await?;
    let ids = claim_batch(&txn).await?;
    if ids.is_empty() {
        txn.rollback().await.ok();
        return Ok((0, BTreeSet::new()));
    }
    let rows = load_responses(&txn, &ids).await?;
    let mut totals = Totals::new();
    let mut comments = Vec::new();
    accumulate(&txn, versions, &rows, &mut totals, &mut comments).await?;
    let waves: BTreeSet<Uuid> = totals.keys().map(|(wave, _)| *wave).collect();
    let shard = (Uuid::new_v4().as_bytes()[0] as i16) % SHARDS;
    write_totals(&txn, totals, shard).await?;
    write_comments(&txn, comments).await?;
    txn.commit().await?;
    Ok((ids.len(), waves))
}

/// Folds until nothing is left. Returns how many responses it folded.
pub async fn fold_pending(
    db: &DatabaseConnection,
    versions: &VersionCache,
) -> Result<usize, ApiError> {
    let mut total = 0;
    loop {
        let (n, _) = fold_batch(db, versions).await?;
        total += n;
        if (n as u64) < BATCH {
            return Ok(total);
        }
    }
}

/// The background folder of one instance.
pub struct Folder {
    pub db: DatabaseConnection,
    pub versions: VersionCache,
    pub bus: Arc<dyn EventBus>,
    pub wake: Arc<Notify>,
}

impl Folder {
    /// Folds whenever woken (a local submission) or every 250 ms (responses stored by other instances),
    /// then (at most every half second) runs a release pass over the waves it folded and tells dashboards of the waves whose released
    /// figures changed (never of a response arriving); once a minute merges the shards
    /// (`compact_counters`) and runs a release pass over every wave with counters (a pass missed by a
    /// crash between fold and release). Stops when `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut compacted = tokio::time::Instant::now();
        // The first sweep soon after start.
        let mut swept = tokio::time::Instant::now() - SWEEP_EVERY + Duration::from_secs(2);
        let mut pending: std::collections::BTreeSet<Uuid> = Default::default();
        let mut released_at = tokio::time::Instant::now() - RELEASE_EVERY;
        loop {
            if compacted.elapsed() >= COMPACT_EVERY {
                compacted = tokio::time::Instant::now();
                if let Err(err) = self.compact().await {
                    tracing::debug!(error = %err, "counter compaction failed; retrying later");
                }
            }
            if swept.elapsed() >= SWEEP_EVERY {
                swept = tokio::time::Instant::now();
                match waves_with_counters(&self.db).await {
                    Ok(waves) => self.release(waves).await,
                    Err(err) => {
                        tracing::debug!(error = %err, "release sweep failed; retrying later")
                    }
                }
            }
            loop {
                match fold_batch(&self.db, &self.versions).await {
                    Ok((n, waves)) => {
                        pending.extend(waves);
                        if (n as u64) < BATCH {
                            break;
                        }
                    }
                    Err(err) => {
                        // Another folder holding the write lock (SQLite) or a database outage: retry soon.
                        tracing::debug!(error = %err, "counter fold failed; retrying");
                        break;
                    }
                }
            }
            // A release pass reads every counter of its wave: at most one per RELEASE_EVERY, for all the
            // waves folded since the last one.
            if !pending.is_empty() && released_at.elapsed() >= RELEASE_EVERY {
                released_at = tokio::time::Instant::now();
                self.release(std::mem::take(&mut pending)).await;
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
}

impl Folder {
    /// A release pass over each of `waves`; a `WaveUpdated` event for each whose released figures changed.
    async fn release(&self, waves: impl IntoIterator<Item = Uuid>) {
        for wave_id in waves {
            match release_wave(&self.db, wave_id).await {
                Ok(true) => {
                    if let Err(err) = self.bus.publish(&LiveEvent::WaveUpdated { wave_id }).await {
                        tracing::warn!(error = %err, "live update not published");
                    }
                }
                Ok(false) => {}
                // Another writer (SQLite) or an outage: the next fold or sweep tries again.
                Err(err) => tracing::debug!(error = ?err, "release pass failed; retrying later"),
            }
        }
    }

    async fn compact(&self) -> Result<(), DbErr> {
        for wave in waves_to_compact(&self.db).await? {
            compact_counters(&self.db, wave).await?;
        }
        Ok(())
    }
}

/// Waves that have counters.
async fn waves_with_counters(db: &DatabaseConnection) -> Result<Vec<Uuid>, DbErr> {
    counter::Entity::find()
        .select_only()
        .column(counter::Column::WaveId)
        .distinct()
        .into_tuple()
        .all(db)
        .await
}

/// Counter totals (shards summed by the database) for a wave: `(unit, key, bucket) -> (count, sum)`.
pub async fn counter_totals<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
) -> Result<BTreeMap<(Uuid, String, String), (i64, f64)>, DbErr> {
    use counter::Column as C;
    let rows: Vec<(Uuid, String, String, i64, f64)> = counter::Entity::find()
        .select_only()
        .column(C::UnitId)
        .column(C::Key)
        .column(C::Bucket)
        .column_as(
            Expr::col(C::Count).sum().cast_as(Alias::new("BIGINT")),
            "count",
        )
        .column_as(
            Expr::col(C::Sum)
                .sum()
                .cast_as(Alias::new("DOUBLE PRECISION")),
            "sum",
        )
        .filter(C::WaveId.eq(wave_id))
        .group_by(C::UnitId)
        .group_by(C::Key)
        .group_by(C::Bucket)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(unit, key, bucket, count, sum)| ((unit, key, bucket), (count, sum)))
        .collect())
}

/// Responses of the wave: the sum of its live `RESPONSES_KEY` counters (`released` false) or of its
/// released ones (one aggregate row).
pub async fn responses_counted<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
    released: bool,
) -> Result<i64, DbErr> {
    let total: Option<Option<i64>> = if released {
        use released_counter::Column as C;
        released_counter::Entity::find()
            .select_only()
            .column_as(
                Expr::col(C::Count).sum().cast_as(Alias::new("BIGINT")),
                "total",
            )
            .filter(C::WaveId.eq(wave_id))
            .filter(C::Key.eq(RESPONSES_KEY))
            .into_tuple()
            .one(db)
            .await?
    } else {
        use counter::Column as C;
        counter::Entity::find()
            .select_only()
            .column_as(
                Expr::col(C::Count).sum().cast_as(Alias::new("BIGINT")),
                "total",
            )
            .filter(C::WaveId.eq(wave_id))
            .filter(C::Key.eq(RESPONSES_KEY))
            .into_tuple()
            .one(db)
            .await?
    };
    Ok(total.flatten().unwrap_or(0))
}

/// The wave's live counter totals (shards summed) as rows.
pub async fn live_totals<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
) -> Result<Vec<CounterRow>, DbErr> {
    Ok(counter_totals(db, wave_id)
        .await?
        .into_iter()
        .map(|((unit_id, key, bucket), (count, sum))| CounterRow {
            unit_id,
            key,
            bucket,
            count,
            sum,
        })
        .collect())
}

/// The wave's released counters, membership rows included: what the report engine takes.
pub async fn read_totals<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
) -> Result<Vec<CounterRow>, DbErr> {
    Ok(released_counter::Entity::find()
        .filter(released_counter::Column::WaveId.eq(wave_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| CounterRow {
            unit_id: r.unit_id,
            key: r.key,
            bucket: r.bucket,
            count: r.count,
            sum: r.sum,
        })
        .collect())
}

/// Moves a wave's counters from every shard into shard 0, keeping every total: fewer rows for reports to
/// read. Safe alongside folders and other instances compacting (one transaction; rows are moved, never
/// copied twice). Returns how many shard rows were merged.
pub async fn compact_counters(db: &DatabaseConnection, wave_id: Uuid) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let txn = crate::infra::db::begin_write(db).await?;
    let merged = if backend == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "WITH moved AS (
                DELETE FROM counters WHERE wave_id = $1 AND shard <> 0
                RETURNING unit_id, key, bucket, count, sum
             )
             INSERT INTO counters (wave_id, unit_id, key, bucket, shard, count, sum)
             SELECT $1, unit_id, key, bucket, 0, SUM(count), SUM(sum) FROM moved
             GROUP BY unit_id, key, bucket
             ON CONFLICT (wave_id, unit_id, key, bucket, shard)
             DO UPDATE SET count = counters.count + EXCLUDED.count, sum = counters.sum + EXCLUDED.sum",
            [wave_id.into()],
        ))
        .await?
        .rows_affected()
    } else {
        // SQLite: the transaction holds the write lock, so the two statements see the same rows.
        let merged = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO counters (wave_id, unit_id, key, bucket, shard, count, sum)
                 SELECT wave_id, unit_id, key, bucket, 0, SUM(count), SUM(sum) FROM counters
                 WHERE wave_id = ? AND shard <> 0
                 GROUP BY wave_id, unit_id, key, bucket
                 ON CONFLICT (wave_id, unit_id, key, bucket, shard)
                 DO UPDATE SET count = counters.count + excluded.count, sum = counters.sum + excluded.sum",
                [wave_id.into()],
            ))
            .await?
            .rows_affected();
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "DELETE FROM counters WHERE wave_id = ? AND shard <> 0",
            [wave_id.into()],
        ))
        .await?;
        merged
    };
    txn.commit().await?;
    Ok(merged)
}

/// Waves with counters outside shard 0.
async fn waves_to_compact(db: &DatabaseConnection) -> Result<Vec<Uuid>, DbErr> {
    counter::Entity::find()
        .select_only()
        .column(counter::Column::WaveId)
        .distinct()
        .filter(counter::Column::Shard.ne(0))
        .into_tuple()
        .all(db)
        .await
}

/// Recomputes the live counters of `wave_id` (or every wave) from all its stored responses, in one
/// transaction that holds off new submissions and folders meanwhile; comments are copied out again, those
/// already released keeping their atom. Released counters are left as they are (the next release pass
/// compares them with the rebuilt live ones). Returns the number of responses counted.
pub async fn rebuild_counters(
    db: &DatabaseConnection,
    versions: &VersionCache,
    wave_id: Option<Uuid>,
) -> Result<u64, ApiError> {
    let txn = crate::infra::db::begin_write(db).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Submissions queue behind this; folders finish the batch they hold first.
        txn.execute_unprepared("LOCK TABLE fold_queue IN EXCLUSIVE MODE")
            .await?;
    }
    let mut responses = response::Entity::find();
    let mut delete = counter::Entity::delete_many();
    let mut delete_comments = comment::Entity::delete_many();
    if let Some(id) = wave_id {
        responses = responses.filter(response::Column::WaveId.eq(id));
        delete = delete.filter(counter::Column::WaveId.eq(id));
        delete_comments = delete_comments.filter(comment::Column::WaveId.eq(id));
    }
    let rows = responses.all(&txn).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    for chunk in ids.chunks(500) {
        fold_queue::Entity::delete_many()
            .filter(fold_queue::Column::ResponseId.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?;
    }
    // Comments already released keep their atom: what was published stays as it was.
    let mut kept: HashMap<(Uuid, Uuid, String, String), Vec<Uuid>> = HashMap::new();
    let mut released = comment::Entity::find().filter(comment::Column::AtomId.is_not_null());
    if let Some(id) = wave_id {
        released = released.filter(comment::Column::WaveId.eq(id));
    }
    for c in released.all(&txn).await? {
        if let Some(atom) = c.atom_id {
            kept.entry((c.wave_id, c.unit_id, c.question_id, c.body))
                .or_default()
                .push(atom);
        }
    }
    delete.exec(&txn).await?;
    delete_comments.exec(&txn).await?;
    let mut totals = Totals::new();
    let mut comments = Vec::new();
    accumulate(&txn, versions, &rows, &mut totals, &mut comments).await?;
    for c in &mut comments {
        let key = (
            *c.wave_id.as_ref(),
            *c.unit_id.as_ref(),
            c.question_id.as_ref().clone(),
            c.body.as_ref().clone(),
        );
        if let Some(atom) = kept.get_mut(&key).and_then(Vec::pop) {
            c.atom_id = Set(Some(atom));
        }
    }
    write_totals(&txn, totals, 0).await?;
    write_comments(&txn, comments).await?;
    txn.commit().await?;
    Ok(rows.len() as u64)
}
