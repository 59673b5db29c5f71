//! Accepting responses (docs/design.md invariants 1, 3, 4): validate with the shared code, store the response in one
//! statement, acknowledge only after it committed. A replayed submission id returns the original receipt and
//! stores nothing; the same id with another body is a 409. The counter folder (`reports::counters`) adds stored
//! responses to the report counters within about a second. An anonymous wave's invitees answer through the
//! open-link endpoint with a one-time credential (`credentials`) instead of their token; without one, a wave
//! with invitations accepts open-link responses only if an admin allowed it (`ensure_open_link`).

pub mod credentials;
pub mod routes;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Jakarta;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    SqlErr, Statement,
};
use serap_shared::api::{Anonymity, Receipt, SubmitResponse};
use serap_shared::error::FieldError;
use serap_shared::survey::validate_response;
use uuid::Uuid;

use crate::entities::{
    invitation, invitation_response, response, spent_credential, survey_version,
    unanswered_invitation, wave,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::waves::{anonymity_of, is_open};

/// Whether a wave has an audience (any invitation), by wave id: `true` is kept (invitations are never
/// deleted), `false` for two seconds.
#[derive(Clone, Default)]
pub struct AudienceCache(Arc<RwLock<HashMap<Uuid, (Instant, bool)>>>);

impl AudienceCache {
    pub async fn has_audience<C: ConnectionTrait>(
        &self,
        db: &C,
        wave_id: Uuid,
    ) -> Result<bool, ApiError> {
        if let Some((at, found)) = self
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&wave_id)
            && (*found || at.elapsed() < crate::waves::cache::WAVE_TTL)
        {
            return Ok(*found);
        }
        let found = invitation::Entity::find()
            .filter(invitation::Column::WaveId.eq(wave_id))
            .one(db)
            .await?
            .is_some();
        let mut cache = self.0.write().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(wave_id, (Instant::now(), found));
        Ok(found)
    }
}

fn audience_cache() -> &'static AudienceCache {
    static CACHE: std::sync::OnceLock<AudienceCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(AudienceCache::default)
}

/// 403 `open_link_closed` when `wave` has invitations and no admin allowed its open link to stay open: a
/// manager could otherwise pad a unit with responses of their own.
pub async fn ensure_open_link<C: ConnectionTrait>(
    db: &C,
    wave: &wave::Model,
) -> Result<(), ApiError> {
    if wave.open_link_with_audience || !audience_cache().has_audience(db, wave.id).await? {
        return Ok(());
    }
    Err(ApiError::Coded {
        status: warp::http::StatusCode::FORBIDDEN,
        code: "open_link_closed",
        message: "Survei ini hanya dapat diisi melalui tautan undangan pribadi / This survey can only be answered through a personal invitation link".into()})
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
    match &request.credential {
        None => ensure_open_link(db, &wave).await?,
        Some(_) if anonymity_of(&wave) != Anonymity::Anonymous => {
            return Err(ApiError::validation(vec![FieldError::new(
                "credential",
                "Kredensial hanya untuk survei anonim / Credentials are for anonymous surveys only",
            )]));
        }
        Some(_) => {}
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
    if let Some(credential) = &request.credential {
        let spent =
            crate::responses::credentials::verify(db, &wave, request.unit_id, credential).await?;
        return submit_with_credential(state, &wave, &request, &hash, &receipt, spent).await;
    }
    let inserted = store(db, &wave, &request, &hash, &receipt).await;
    match inserted {
        Ok(Some(_)) => {}
        // The submission id is taken: an earlier (or concurrent) delivery of this submission, or a reuse.
        Ok(None) => {
            let existing = find_submission(db, request.submission_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("conflicting submission id without a stored row"))?;
            return replay(existing, &wave, &hash);
        }
        Err(err) => return Err(unit_error(err)),
    }
    // The counter folder adds it to the report counters within about a second.
    state.fold_wake.notify_one();
    Ok(Submitted::Created(receipt))
}

/// Stores a response that carries a verified credential: in one transaction the SHA-256 of the credential's
/// message goes into `spent_credentials` (the insert that finds it there loses: a credential works once,
/// also under concurrent submits) and the response is stored. Nothing in it names an invitation.
async fn submit_with_credential(
    state: &AppState,
    wave: &wave::Model,
    request: &SubmitResponse,
    hash: &str,
    receipt: &Receipt,
    message_hash: String,
) -> Result<Submitted, ApiError> {
    let db = &state.db;
    let txn = crate::infra::db::begin_write(db).await?;
    let fresh = spent_credential::Entity::insert(spent_credential::ActiveModel {
        message_hash: Set(message_hash),
        wave_id: Set(wave.id),
    })
    .on_conflict(
        OnConflict::column(spent_credential::Column::MessageHash)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if fresh != 1 {
        txn.rollback().await?;
        // A retry (or a concurrent delivery) of this same submission: answer it as a replay.
        if let Some(existing) = find_submission(db, request.submission_id).await? {
            return replay(existing, wave, hash);
        }
        return Err(crate::responses::credentials::spent());
    }
    match store(&txn, wave, request, hash, receipt).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            txn.rollback().await?;
            let existing = find_submission(db, request.submission_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("conflicting submission id without a stored row"))?;
            return replay(existing, wave, hash);
        }
        Err(err) => return Err(unit_error(err)),
    }
    txn.commit().await?;
    state.fold_wake.notify_one();
    Ok(Submitted::Created(receipt.clone()))
}

fn unit_error(err: DbErr) -> ApiError {
    if matches!(
        err.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    ) {
        ApiError::validation(vec![FieldError::new(
            "unit_id",
            "Unit kerja tidak dikenal / Unknown unit",
        )])
    } else {
        err.into()
    }
}

/// A submission through a personal invitation link. The unit is the invitation's. In one transaction the
/// invitation's `unanswered_invitations` row is deleted (the delete that finds no row loses: a token works
/// once, also under concurrent submits) and the response stored; identified and confidential waves also
/// record `invitation_responses`. Nothing else is written about the invitation, so in anonymous waves no
/// column, row or write time links it to the response (docs/design.md invariant 4). A replayed submission id is
/// answered from the stored response, as for open links.
pub async fn submit_invited(
    state: &AppState,
    token: &str,
    request: SubmitResponse,
) -> Result<Submitted, ApiError> {
    let db = &state.db;
    let invited = crate::invitations::by_token(db, token).await?;
    let wave = &invited.wave;
    let hash = body_hash(&request);
    if let Some(existing) = find_submission(db, request.submission_id).await? {
        return replay(existing, wave, &hash);
    }
    let now = Utc::now();
    invited.ensure_usable(db, now).await?;
    if anonymity_of(wave) == Anonymity::Anonymous {
        return Err(credential_required());
    }
    if !is_open(wave, now) {
        return Err(ApiError::Closed(
            "Survei ini sedang tidak dibuka untuk diisi / This survey is not open for responses"
                .into(),
        ));
    }
    if request.unit_id != invited.invitation.unit_id {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            "Unit kerja undangan ini sudah ditentukan / This invitation's unit is fixed",
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
    let txn = crate::infra::db::begin_write(db).await?;
    let consumed = unanswered_invitation::Entity::delete_by_id(invited.invitation.id)
        .exec(&txn)
        .await?;
    if consumed.rows_affected != 1 {
        txn.rollback().await?;
        // A concurrent delivery of this same submission won the race: answer it as a replay.
        if let Some(existing) = find_submission(db, request.submission_id).await? {
            return replay(existing, wave, &hash);
        }
        return Err(crate::invitations::used());
    }
    let response_id = match store(&txn, wave, &request, &hash, &receipt).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            txn.rollback().await?;
            let existing = find_submission(db, request.submission_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("conflicting submission id without a stored row"))?;
            return replay(existing, wave, &hash);
        }
        Err(err) => return Err(unit_error(err)),
    };
    if anonymity_of(wave) != Anonymity::Anonymous {
        invitation_response::Entity::insert(invitation_response::ActiveModel {
            invitation_id: Set(invited.invitation.id),
            response_id: Set(response_id),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    state.fold_wake.notify_one();
    Ok(Submitted::Created(receipt))
}

/// 409 `credential_required`: an anonymous wave is answered with a one-time credential, never with the
/// invitation's token (which would tie the response to the invitation).
pub fn credential_required() -> ApiError {
    ApiError::Coded {
        status: warp::http::StatusCode::CONFLICT,
        code: "credential_required",
        message: "Survei anonim diisi dengan kredensial sekali pakai, bukan dengan tautan / An anonymous survey is answered with its one-time credential, not with the link".into()}
}

/// Stores the response and queues it for the counter folder, atomically, in one statement (a data-modifying
/// CTE on PostgreSQL, a trigger on SQLite). The new response's id, or `None` when the submission id already
/// exists (nothing written).
async fn store<C: ConnectionTrait>(
    db: &C,
    wave: &wave::Model,
    request: &SubmitResponse,
    hash: &str,
    receipt: &Receipt,
) -> Result<Option<Uuid>, DbErr> {
    let id = Uuid::new_v4();
    let answers = serde_json::to_value(&request.answers).unwrap_or_default();
    if db.get_database_backend() == DbBackend::Postgres {
        let result = db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "WITH inserted AS (
                    INSERT INTO responses (id, submission_id, body_hash, wave_id, survey_version_id,
                                           unit_id, answers, received_on, receipt_code)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (submission_id) DO NOTHING
                    RETURNING id
                 )
                 INSERT INTO fold_queue (response_id) SELECT id FROM inserted",
                [
                    id.into(),
                    request.submission_id.into(),
                    hash.to_string().into(),
                    wave.id.into(),
                    wave.survey_version_id.into(),
                    request.unit_id.into(),
                    answers.into(),
                    receipt.received_on.clone().into(),
                    receipt.receipt_code.clone().into(),
                ],
            ))
            .await?;
        return Ok((result.rows_affected() == 1).then_some(id));
    }
    // SQLite: a trigger adds the queue row in the same statement.
    let inserted = response::Entity::insert(response::ActiveModel {
        id: Set(id),
        submission_id: Set(request.submission_id),
        body_hash: Set(hash.to_string()),
        wave_id: Set(wave.id),
        survey_version_id: Set(wave.survey_version_id),
        unit_id: Set(request.unit_id),
        answers: Set(answers),
        received_on: Set(receipt.received_on.clone()),
        receipt_code: Set(receipt.receipt_code.clone()),
    })
    .on_conflict(
        OnConflict::column(response::Column::SubmissionId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok((inserted == 1).then_some(id))
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

/// SHA-256 over the canonical JSON of what was submitted (answers are a sorted map).
fn body_hash(request: &SubmitResponse) -> String {
    let canonical = serde_json::json!({ "unit_id": request.unit_id, "answers": &request.answers });
    crate::infra::tokens::sha256_hex(&canonical.to_string())
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

/// The form of `wave` offering `units` to pick from.
pub async fn public_form(
    state: &AppState,
    wave: &wave::Model,
    units: Vec<serap_shared::api::Unit>,
) -> Result<serap_shared::api::PublicForm, ApiError> {
    let version = survey_version::Entity::find_by_id(wave.survey_version_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("wave {} without its version", wave.id))?;
    let definition = state
        .versions
        .get(&state.db, wave.survey_version_id)
        .await?;
    Ok(serap_shared::api::PublicForm {
        wave_id: wave.id,
        slug: wave.slug.clone(),
        name: wave.name.clone(),
        survey_version_id: wave.survey_version_id,
        version: version.version,
        definition: (*definition).clone(),
        anonymity: anonymity_of(wave),
        opens_at: crate::infra::time::wib_rfc3339(wave.opens_at),
        closes_at: crate::infra::time::wib_rfc3339(wave.closes_at),
        is_open: is_open(wave, crate::infra::time::now()),
        units,
    })
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
