//! Accepting responses (DESIGN invariants 1-4): validate with the shared code, store the response and fold
//! it into the sharded aggregate counters in one transaction, acknowledge only after commit. A replayed
//! submission id returns the original receipt and stores nothing; the same id with another body is a 409.
//! `rebuild_counters` recomputes every counter from the stored responses with the same `contributions`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Jakarta;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, SqlErr, TransactionTrait,
};
use serap_shared::api::{Anonymity, Receipt, SubmitResponse};
use serap_shared::error::FieldError;
use serap_shared::events::LiveEvent;
use serap_shared::survey::{
    Answers, Contribution, SurveyDefinition, contributions, validate_response,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::entities::{counter, org_unit, response, survey_version, wave};
use crate::error::ApiError;
use crate::state::AppState;

/// Counter rows per (wave, unit, key, bucket): concurrent submissions spread over them.
pub const SHARDS: i16 = 8;

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
    let wave = wave::Entity::find()
        .filter(wave::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound("survei / survey".into()))?;
    let hash = body_hash(&request);

    // A replay is answered from the stored response, whatever the wave's state now.
    if let Some(existing) = find_submission(db, request.submission_id).await? {
        return replay(existing, &wave, &hash);
    }

    let now = Utc::now();
    if !is_open(&wave, now) {
        return Err(ApiError::Closed(
            "Survei ini sedang tidak dibuka untuk diisi / This survey is not open for responses"
                .into(),
        ));
    }
    if org_unit::Entity::find_by_id(request.unit_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            "Unit kerja tidak dikenal / Unknown unit",
        )]));
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
    let txn = db.begin().await?;
    let stored = store(&txn, &wave, &definition, &request, &hash, &receipt).await;
    let stored = match stored {
        Ok(()) => txn.commit().await,
        Err(err) => {
            txn.rollback().await.ok();
            Err(err)
        }
    };
    match stored {
        Ok(()) => {}
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            // The same submission raced in on another connection: answer as a replay.
            let existing = find_submission(db, request.submission_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("unique violation without a stored submission"))?;
            return replay(existing, &wave, &hash);
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

async fn store<C: ConnectionTrait>(
    txn: &C,
    wave: &wave::Model,
    definition: &SurveyDefinition,
    request: &SubmitResponse,
    hash: &str,
    receipt: &Receipt,
) -> Result<(), DbErr> {
    response::Entity::insert(response::ActiveModel {
        id: Set(Uuid::new_v4()),
        submission_id: Set(request.submission_id),
        body_hash: Set(hash.to_string()),
        wave_id: Set(wave.id),
        survey_version_id: Set(wave.survey_version_id),
        unit_id: Set(request.unit_id),
        answers: Set(serde_json::to_value(&request.answers).unwrap_or_default()),
        received_on: Set(receipt.received_on.clone()),
        receipt_code: Set(receipt.receipt_code.clone()),
    })
    .exec_without_returning(txn)
    .await?;
    let shard = (Uuid::new_v4().as_bytes()[0] as i16) % SHARDS;
    let rows = contributions(definition, &request.answers);
    add_to_counters(txn, wave.id, request.unit_id, shard, &rows).await
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
