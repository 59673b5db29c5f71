//! Accepting responses (DESIGN invariants 1-4): validate with the shared code, store the response and fold
//! it into the sharded aggregate counters in one transaction, acknowledge only after commit. A replayed
//! submission id returns the original receipt and stores nothing; the same id with another body is a 409.
//! `rebuild_counters` recomputes every counter from the stored responses with the same `contributions`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Jakarta;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, SqlErr, Statement, TransactionTrait,
};
use serap_shared::api::{Anonymity, Receipt, SubmitResponse};
use serap_shared::error::FieldError;
use serap_shared::events::LiveEvent;
use serap_shared::survey::{
    Answers, Contribution, SurveyDefinition, contributions, validate_response,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::entities::{counter, response, survey_version, wave};
use crate::error::ApiError;
use crate::state::AppState;

/// Counter rows per (wave, unit, key, bucket): concurrent submissions spread over them.
pub const SHARDS: i16 = 32;

/// Published versions are immutable, so their parsed definitions are cached for the process's life.
#[derive(Clone, Default)]
pub struct VersionCache(Arc<RwLock<HashMap<Uuid, Arc<SurveyDefinition>>>>);

impl VersionCache {
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        version_id: Uuid,
    ) -> Result<Arc<SurveyDefinition>, ApiError> {
        if let Some(found) = self
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&version_id)
        {
            return Ok(found.clone());
        }
        let row = survey_version::Entity::find_by_id(version_id)
            .one(db)
            .await?
            .ok_or_else(|| ApiError::NotFound("versi survei / survey version".into()))?;
        let definition: SurveyDefinition = serde_json::from_value(row.definition)
            .map_err(|e| anyhow::anyhow!("stored definition of version {version_id}: {e}"))?;
        let definition = Arc::new(definition);
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(version_id, definition.clone());
        Ok(definition)
    }
}

/// Waves by slug, kept for two seconds: a submission needs its wave's window and version without a query
/// each time, and a change made on another instance is seen within two seconds.
#[derive(Clone, Default)]
pub struct WaveCache(Arc<RwLock<HashMap<String, (Instant, Arc<wave::Model>)>>>);

const WAVE_TTL: Duration = Duration::from_secs(2);

impl WaveCache {
    pub async fn by_slug<C: ConnectionTrait>(
        &self,
        db: &C,
        slug: &str,
    ) -> Result<Arc<wave::Model>, ApiError> {
        if let Some((at, found)) = self.0.read().unwrap_or_else(|e| e.into_inner()).get(slug)
            && at.elapsed() < WAVE_TTL
        {
            return Ok(found.clone());
        }
        let row = wave::Entity::find()
            .filter(wave::Column::Slug.eq(slug))
            .one(db)
            .await?
            .ok_or_else(|| ApiError::NotFound("survei / survey".into()))?;
        let row = Arc::new(row);
        let mut cache = self.0.write().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(slug.to_string(), (Instant::now(), row.clone()));
        Ok(row)
    }
}

pub fn anonymity_of(wave: &wave::Model) -> Anonymity {
    match wave.anonymity.as_str() {
        "identified" => Anonymity::Identified,
        "confidential" => Anonymity::Confidential,
        _ => Anonymity::Anonymous,
    }
}

pub fn is_open(wave: &wave::Model, now: DateTime<Utc>) -> bool {
    wave.opens_at <= now && now < wave.closes_at
}

/// The WIB calendar date of `t`, `YYYY-MM-DD`.
pub fn wib_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&Jakarta).format("%Y-%m-%d").to_string()
}

/// Outcome of a submission: a new response (201) or a replay of an earlier one (200).
pub enum Submitted {
    Created(Receipt),
    Replayed(Receipt),
}

pub async fn submit(
    state: &AppState,
    slug: &str,
    request: SubmitResponse,
) -> Result<Submitted, ApiError> {
    let db = &state.db;
    let wave = state.waves.by_slug(db, slug).await?;
    let hash = body_hash(&request);
    let now = Utc::now();
    if !is_open(&wave, now) {
        // A replay is still answered from the stored response after the wave closed.
        if let Some(existing) = find_submission(db, request.submission_id).await? {
            return replay(existing, &wave, &hash);
        }
        return Err(ApiError::Closed(
            "Survei ini sedang tidak dibuka untuk diisi / This survey is not open for responses"
                .into(),
        ));
    }
    let definition = state.versions.get(db, wave.survey_version_id).await?;
    let problems = validate_response(&definition, &request.answers);
    if !problems.is_empty() {
        return Err(ApiError::problems(problems));
    }
    let receipt = Receipt {
        submission_id: request.submission_id,
        receipt_code: receipt_code(),
        received_on: wib_date(now),
    };
    let row = NewResponse {
        wave: &wave,
        request: &request,
        hash: &hash,
        receipt: &receipt,
        shard: (Uuid::new_v4().as_bytes()[0] as i16) % SHARDS,
        contributions: contributions(&definition, &request.answers),
    };
    let stored = match db.get_database_backend() {
        DbBackend::Postgres => store_postgres(db, &row).await,
        _ => store_in_transaction(db, &row).await,
    };
    match stored {
        Ok(true) => {}
        // The submission id is taken: an earlier (or concurrent) delivery of this submission, or a reuse.
        Ok(false) => {
            let existing = find_submission(db, request.submission_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("conflicting submission id without a stored row"))?;
            return replay(existing, &wave, &hash);
        }
        Err(err) if matches!(err.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_))) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "unit_id",
                "Unit kerja tidak dikenal / Unknown unit",
            )]));
        }
        Err(err) => return Err(err.into()),
    }
    if let Err(err) = state
        .bus
        .publish(&LiveEvent::WaveUpdated { wave_id: wave.id })
        .await
    {
        tracing::warn!(error = %err, "live update not published");
    }
    Ok(Submitted::Created(receipt))
}

/// A response about to be stored, with what it adds to the counters.
struct NewResponse<'a> {
    wave: &'a wave::Model,
    request: &'a SubmitResponse,
    hash: &'a str,
    receipt: &'a Receipt,
    shard: i16,
    contributions: Vec<Contribution>,
}

/// PostgreSQL: the response and its counter increments in ONE statement (atomic on its own, one round
/// trip). The counters are only touched when the response row was inserted. `Ok(false)`: the submission id
/// already exists.
async fn store_postgres(db: &DatabaseConnection, row: &NewResponse<'_>) -> Result<bool, DbErr> {
    let mut values: Vec<sea_orm::Value> = vec![
        Uuid::new_v4().into(),
        row.request.submission_id.into(),
        row.hash.to_string().into(),
        row.wave.id.into(),
        row.wave.survey_version_id.into(),
        row.request.unit_id.into(),
        serde_json::to_string(&row.request.answers).unwrap_or_default().into(),
        row.receipt.received_on.clone().into(),
        row.receipt.receipt_code.clone().into(),
    ];
    let mut tuples = Vec::with_capacity(row.contributions.len());
    for c in &row.contributions {
        let n = values.len();
        tuples.push(format!(
            "(${}::text, ${}::text, ${}::int8, ${}::float8)",
            n + 1,
            n + 2,
            n + 3,
            n + 4
        ));
        values.extend([
            c.key.clone().into(),
            c.bucket.clone().into(),
            c.count.into(),
            c.sum.into(),
        ]);
    }
    let sql = format!(
        "WITH inserted AS (
            INSERT INTO responses (id, submission_id, body_hash, wave_id, survey_version_id, unit_id,
                                   answers, received_on, receipt_code)
            VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8, $9)
            ON CONFLICT (submission_id) DO NOTHING
            RETURNING wave_id, unit_id
        )
        INSERT INTO counters (wave_id, unit_id, key, bucket, shard, count, sum)
        SELECT inserted.wave_id, inserted.unit_id, v.key, v.bucket, {shard}, v.count, v.sum
        FROM inserted, (VALUES {tuples}) AS v(key, bucket, count, sum)
        ON CONFLICT (wave_id, unit_id, key, bucket, shard)
        DO UPDATE SET count = counters.count + excluded.count, sum = counters.sum + excluded.sum",
        shard = row.shard,
        tuples = tuples.join(", ")
    );
    let result = db
        .execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values))
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Other backends (SQLite): insert the response unless its id exists, then add the counters, in one
/// transaction. `Ok(false)`: the submission id already exists.
async fn store_in_transaction(db: &DatabaseConnection, row: &NewResponse<'_>) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let inserted = response::Entity::insert(response::ActiveModel {
        id: Set(Uuid::new_v4()),
        submission_id: Set(row.request.submission_id),
        body_hash: Set(row.hash.to_string()),
        wave_id: Set(row.wave.id),
        survey_version_id: Set(row.wave.survey_version_id),
        unit_id: Set(row.request.unit_id),
        answers: Set(serde_json::to_value(&row.request.answers).unwrap_or_default()),
        received_on: Set(row.receipt.received_on.clone()),
        receipt_code: Set(row.receipt.receipt_code.clone()),
    })
    .on_conflict(
        OnConflict::column(response::Column::SubmissionId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    add_to_counters(&txn, row.wave.id, row.request.unit_id, row.shard, &row.contributions).await?;
    txn.commit().await?;
    Ok(true)
}

async fn find_submission<C: ConnectionTrait>(
    db: &C,
    submission_id: Uuid,
) -> Result<Option<response::Model>, DbErr> {
    response::Entity::find()
        .filter(response::Column::SubmissionId.eq(submission_id))
        .one(db)
        .await
}

fn replay(
    existing: response::Model,
    wave: &wave::Model,
    hash: &str,
) -> Result<Submitted, ApiError> {
    if existing.wave_id != wave.id || existing.body_hash != hash {
        return Err(ApiError::Conflict(
            "submission_id ini sudah dipakai untuk jawaban lain / this submission_id was used for different answers"
                .into(),
        ));
    }
    Ok(Submitted::Replayed(Receipt {
        submission_id: existing.submission_id,
        receipt_code: existing.receipt_code,
        received_on: existing.received_on,
    }))
}

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

/// SHA-256 over the canonical JSON of what was submitted (answers are a sorted map).
fn body_hash(request: &SubmitResponse) -> String {
    let canonical = serde_json::json!({ "unit_id": request.unit_id, "answers": &request.answers });
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `SRP-XXXX-XXXX` from random bytes in Crockford base32 (no I, L, O, U).
fn receipt_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = Uuid::new_v4();
    let chars: String = bytes.as_bytes()[..8]
        .iter()
        .map(|b| ALPHABET[(*b as usize) % 32] as char)
        .collect();
    format!("SRP-{}-{}", &chars[..4], &chars[4..])
}

/// Counter totals (shards summed) for a wave: `(unit, key, bucket) -> (count, sum)`.
pub async fn counter_totals<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
) -> Result<BTreeMap<(Uuid, String, String), (i64, f64)>, DbErr> {
    let rows = counter::Entity::find()
        .filter(counter::Column::WaveId.eq(wave_id))
        .all(db)
        .await?;
    let mut totals = BTreeMap::new();
    for row in rows {
        let entry = totals
            .entry((row.unit_id, row.key, row.bucket))
            .or_insert((0, 0.0));
        entry.0 += row.count;
        entry.1 += row.sum;
    }
    Ok(totals)
}

/// Recomputes the counters of `wave_id` (or every wave) from the stored responses, in one transaction.
/// Returns the number of responses folded.
pub async fn rebuild_counters(
    db: &DatabaseConnection,
    versions: &VersionCache,
    wave_id: Option<Uuid>,
) -> Result<u64, ApiError> {
    let txn = db.begin().await?;
    let mut delete = counter::Entity::delete_many();
    let mut responses = response::Entity::find().order_by_asc(response::Column::Id);
    if let Some(id) = wave_id {
        delete = delete.filter(counter::Column::WaveId.eq(id));
        responses = responses.filter(response::Column::WaveId.eq(id));
    }
    delete.exec(&txn).await?;
    let mut totals: BTreeMap<(Uuid, Uuid), BTreeMap<(String, String), (i64, f64)>> =
        BTreeMap::new();
    let mut pages = responses.paginate(&txn, 1000);
    let mut folded = 0u64;
    while let Some(page) = pages.fetch_and_next().await? {
        for row in page {
            let definition = versions.get(&txn, row.survey_version_id).await?;
            let answers: Answers = serde_json::from_value(row.answers)
                .map_err(|e| anyhow::anyhow!("stored answers of response {}: {e}", row.id))?;
            let unit = totals.entry((row.wave_id, row.unit_id)).or_default();
            for c in contributions(&definition, &answers) {
                let entry = unit.entry((c.key, c.bucket)).or_insert((0, 0.0));
                entry.0 += c.count;
                entry.1 += c.sum;
            }
            folded += 1;
        }
    }
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
            add_to_counters(&txn, wave_id, unit_id, 0, chunk).await?;
        }
    }
    txn.commit().await?;
    Ok(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_codes_are_readable() {
        let code = receipt_code();
        assert_eq!(code.len(), 13);
        assert!(code.starts_with("SRP-"));
        assert!(!code.contains(['I', 'L', 'O', 'U']));
    }
}
