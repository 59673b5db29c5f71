//! Survey waves: a round of a published version with its window, anonymity mode, reporting threshold and
//! open link `/f/<slug>`. Creation (checked at the boundary as a `NewWave`), the list, the one setting
//! that may change afterwards, and the facts every feature reads about a wave (`by_slug`, `is_open`,
//! `anonymity_of`, `to_dto`).

pub(crate) mod cache;
pub mod routes;

pub use cache::WaveCache;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serap_shared::api::{Anonymity, CreateWave, NewWave, UpdateWave, Wave};
use serap_shared::error::FieldError;
use uuid::Uuid;

use crate::entities::{survey_version, wave};
use crate::error::ApiError;
use crate::state::AppState;

pub use serap_shared::api::{DEFAULT_MIN_COMMENT_GROUP, DEFAULT_MIN_GROUP, MIN_GROUP_FLOOR};

/// A wave as checked on the server: its times are instants.
pub type NewServerWave = NewWave<DateTime<Utc>>;

/// How `wave` treats respondents' identity.
pub fn anonymity_of(wave: &wave::Model) -> Anonymity {
    match wave.anonymity.as_str() {
        "identified" => Anonymity::Identified,
        "confidential" => Anonymity::Confidential,
        _ => Anonymity::Anonymous,
    }
}

/// Whether `wave` accepts responses at `now`: from `opens_at` (included) to `closes_at` (excluded).
pub fn is_open(wave: &wave::Model, now: DateTime<Utc>) -> bool {
    wave.opens_at <= now && now < wave.closes_at
}

/// The stored name of an anonymity mode.
fn anonymity_id(a: Anonymity) -> &'static str {
    match a {
        Anonymity::Identified => "identified",
        Anonymity::Confidential => "confidential",
        Anonymity::Anonymous => "anonymous",
    }
}

/// The wave as the API shows it.
pub fn to_dto(w: &wave::Model) -> Wave {
    Wave {
        id: w.id,
        survey_id: w.survey_id,
        survey_version_id: w.survey_version_id,
        name: w.name.clone(),
        slug: w.slug.clone(),
        link: format!("/f/{}", w.slug),
        opens_at: crate::infra::time::wib_rfc3339(w.opens_at),
        closes_at: crate::infra::time::wib_rfc3339(w.closes_at),
        anonymity: anonymity_of(w),
        min_group_size: w.min_group_size,
        min_comment_group_size: w.min_comment_group_size,
        is_open: is_open(w, crate::infra::time::now()),
        open_link_with_audience: w.open_link_with_audience,
    }
}

/// RFC 3339 (any offset), or a local `YYYY-MM-DDTHH:MM[:SS]` read as WIB.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .and_then(|naive| Jakarta.from_local_datetime(&naive).single())
        .map(|t| t.with_timezone(&Utc))
}

/// The wave with `slug`, or 404.
pub async fn by_slug<C: ConnectionTrait>(db: &C, slug: &str) -> Result<wave::Model, ApiError> {
    wave::Entity::find()
        .filter(wave::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound("survei / survey".into()))
}

/// Creates the wave `input` asks for, audited as `actor`. 422 with every invalid field (an unknown
/// `survey_version_id` last), 409 on `slug` when it is taken.
pub async fn create(state: &AppState, input: CreateWave, actor: &str) -> Result<Wave, ApiError> {
    let version_id = input.survey_version_id;
    let parsed = NewWave::parse(input, parse_time);
    let version = survey_version::Entity::find_by_id(version_id)
        .one(&state.db)
        .await?;
    let (new, version) = match (parsed, version) {
        (Ok(new), Some(version)) => (new, version),
        (parsed, version) => {
            let mut problems = parsed.err().unwrap_or_default();
            if version.is_none() {
                problems.push(FieldError::new(
                    "survey_version_id",
                    "versi survei terbit tidak dikenal / unknown published version",
                ));
            }
            return Err(ApiError::validation(problems));
        }
    };
    let row = insert(&state.db, version.survey_id, &new, Utc::now())
        .await
        .map_err(|err| ApiError::unique(err, "slug", "slug sudah dipakai / slug already used"))?;
    crate::infra::audit::audit(
        &state.db,
        actor,
        "wave.create",
        &format!("wave {} ({})", row.id, row.slug),
        serde_json::json!({
            "anonymity": row.anonymity,
            "min_group_size": row.min_group_size,
            "open_link_with_audience": row.open_link_with_audience}),
    )
    .await?;
    Ok(to_dto(&row))
}

/// Stores `new`, a wave of a version of `survey_id`, unaudited (`create` audits; the demo data has no
/// actor). A taken slug is the database's unique violation.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    survey_id: Uuid,
    new: &NewServerWave,
    created_at: DateTime<Utc>,
) -> Result<wave::Model, DbErr> {
    wave::ActiveModel {
        id: Set(Uuid::new_v4()),
        survey_id: Set(survey_id),
        survey_version_id: Set(new.survey_version_id),
        name: Set(new.name.as_str().to_string()),
        slug: Set(new.slug.clone()),
        opens_at: Set(new.opens_at),
        closes_at: Set(new.closes_at),
        anonymity: Set(anonymity_id(new.anonymity).into()),
        min_group_size: Set(new.min_group_size),
        min_comment_group_size: Set(new.min_comment_group_size),
        created_at: Set(created_at),
        open_link_with_audience: Set(new.open_link_with_audience),
    }
    .insert(db)
    .await
}

/// Every wave, newest first.
pub async fn list(state: &AppState) -> Result<Vec<Wave>, ApiError> {
    let rows = wave::Entity::find()
        .order_by_desc(wave::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(rows.iter().map(to_dto).collect())
}

/// Applies `changes` to the wave `slug` (404 when there is none), audited as `actor` when something is
/// set; fields left out stay as they were.
pub async fn update(
    state: &AppState,
    slug: &str,
    changes: &UpdateWave,
    actor: &str,
) -> Result<Wave, ApiError> {
    let row = by_slug(&state.db, slug).await?;
    let Some(open_link) = changes.open_link_with_audience else {
        return Ok(to_dto(&row));
    };
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let mut active: wave::ActiveModel = row.into();
    active.open_link_with_audience = Set(open_link);
    let row = active.update(&txn).await?;
    crate::infra::audit::audit(
        &txn,
        actor,
        "wave.update",
        &format!("wave {} ({})", row.id, row.slug),
        serde_json::json!({ "open_link_with_audience": open_link }),
    )
    .await?;
    txn.commit().await?;
    Ok(to_dto(&row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(changes: serde_json::Value) -> CreateWave {
        let mut body = serde_json::json!({
            "survey_version_id": Uuid::nil(),
            "name": "  Survei Kepuasan 2026 ",
            "slug": " skm-2026 ",
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2026-02-01T00:00:00+07:00",
            "anonymity": "anonymous"});
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        serde_json::from_value(body).unwrap()
    }

    fn paths(input: CreateWave) -> Vec<String> {
        NewWave::parse(input, parse_time)
            .unwrap_err()
            .into_iter()
            .map(|e| e.path)
            .collect()
    }

    #[test]
    fn a_valid_wave_is_trimmed_read_in_wib_and_given_the_defaults() {
        let new = NewWave::parse(request(serde_json::json!({})), parse_time).unwrap();
        assert_eq!(new.name.as_str(), "Survei Kepuasan 2026");
        assert_eq!(new.slug, "skm-2026");
        assert_eq!(new.opens_at.to_rfc3339(), "2026-01-01T01:00:00+00:00");
        assert_eq!(new.closes_at.to_rfc3339(), "2026-01-31T17:00:00+00:00");
        assert_eq!(new.min_group_size, DEFAULT_MIN_GROUP);
        assert_eq!(new.min_comment_group_size, DEFAULT_MIN_COMMENT_GROUP);
        assert!(!new.open_link_with_audience);
        // A k above the default comment threshold raises it.
        let new = NewWave::parse(
            request(serde_json::json!({"min_group_size": 12})),
            parse_time,
        )
        .unwrap();
        assert_eq!(new.min_comment_group_size, 12);
    }

    #[test]
    fn every_problem_is_named_in_field_order() {
        let input = request(serde_json::json!({
            "name": " ",
            "slug": "Bad Slug",
            "opens_at": "besok",
            "closes_at": "lusa",
            "min_group_size": 2,
            "min_comment_group_size": 1}));
        assert_eq!(
            paths(input),
            [
                "name",
                "slug",
                "opens_at",
                "closes_at",
                "min_group_size",
                "min_comment_group_size"
            ]
        );
        let backwards = request(serde_json::json!({"closes_at": "2025-12-31T23:00"}));
        let problems = NewWave::parse(backwards, parse_time).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "closes_at");
        assert_eq!(
            problems[0].message,
            "harus setelah waktu buka / must be after opens_at"
        );
        assert_eq!(
            paths(request(serde_json::json!({"min_group_size": 1001}))),
            ["min_group_size", "min_comment_group_size"]
        );
        assert_eq!(
            paths(request(serde_json::json!({"name": "x".repeat(201)}))),
            ["name"]
        );
    }

    #[test]
    fn times_without_an_offset_are_wib() {
        let t = parse_time("2026-03-01 07:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T00:30:00+00:00");
        assert_eq!(
            parse_time("2026-03-01T07:30:00Z").unwrap().to_rfc3339(),
            "2026-03-01T07:30:00+00:00"
        );
        assert!(parse_time("2026-03-01").is_none());
    }
}
