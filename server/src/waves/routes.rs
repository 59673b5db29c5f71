//! Survey waves (admin): a round of a published version with its window, anonymity mode, reporting
//! threshold and open link `/f/<slug>`.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
use serap_shared::api::{Anonymity, CreateWave, UpdateWave, Wave};
use serap_shared::error::{ErrorBody, FieldError};
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::entities::{survey_version, wave};
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::responses::{anonymity_of, is_open};
use crate::state::AppState;

/// Default reporting threshold k and the floor no wave may go below (DESIGN invariant 5).
pub const DEFAULT_MIN_GROUP: i32 = 5;
pub const MIN_GROUP_FLOOR: i32 = 3;
pub const DEFAULT_MIN_COMMENT_GROUP: i32 = 10;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let create = endpoint!(post, "api" / "v1" / "waves")
        .and(caller(state.clone()))
        .and(json_body::<CreateWave>(state.settings.max_body_bytes))
        .and(with_state(state.clone()))
        .then(create_wave)
        .map(respond);
    let list = endpoint!(get, "api" / "v1" / "waves")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(list_waves)
        .map(respond);
    let update = endpoint!(patch, "api" / "v1" / "waves" / String)
        .and(caller(state.clone()))
        .and(json_body::<UpdateWave>(state.settings.max_body_bytes))
        .and(with_state(state.clone()))
        .then(update_wave)
        .map(respond);
    create.or(list).unify().or(update).unify().boxed()
}

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

fn anonymity_id(a: Anonymity) -> &'static str {
    match a {
        Anonymity::Identified => "identified",
        Anonymity::Confidential => "confidential",
        Anonymity::Anonymous => "anonymous",
    }
}

#[utoipa::path(post, path = "/api/v1/waves", tag = "waves", request_body = CreateWave,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Created", body = Wave),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 409, description = "Slug already used", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn create_wave(
    caller: Caller,
    input: CreateWave,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let mut problems = Vec::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(FieldError::new(
            "name",
            "nama wajib, maks. 200 / name required, max 200",
        ));
    }
    let slug = input.slug.trim();
    if !(3..=80).contains(&slug.len())
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(FieldError::new(
            "slug",
            "3-80 huruf kecil, angka, tanda hubung / 3-80 lowercase letters, digits, hyphens",
        ));
    }
    let opens = parse_time(&input.opens_at);
    let closes = parse_time(&input.closes_at);
    if opens.is_none() {
        problems.push(FieldError::new(
            "opens_at",
            "waktu tidak valid / invalid time",
        ));
    }
    if closes.is_none() {
        problems.push(FieldError::new(
            "closes_at",
            "waktu tidak valid / invalid time",
        ));
    }
    if let (Some(o), Some(c)) = (opens, closes)
        && c <= o
    {
        problems.push(FieldError::new(
            "closes_at",
            "harus setelah waktu buka / must be after opens_at",
        ));
    }
    let k = input.min_group_size.unwrap_or(DEFAULT_MIN_GROUP);
    if !(MIN_GROUP_FLOOR..=1000).contains(&k) {
        problems.push(FieldError::new(
            "min_group_size",
            "minimal 3 / at least 3 (small groups are never reported)",
        ));
    }
    let k_comments = input
        .min_comment_group_size
        .unwrap_or(DEFAULT_MIN_COMMENT_GROUP.max(k));
    if k_comments < k || k_comments > 1000 {
        problems.push(FieldError::new(
            "min_comment_group_size",
            "tidak boleh di bawah min_group_size / must not be below min_group_size",
        ));
    }
    let version = survey_version::Entity::find_by_id(input.survey_version_id)
        .one(&state.db)
        .await?;
    if version.is_none() {
        problems.push(FieldError::new(
            "survey_version_id",
            "versi survei terbit tidak dikenal / unknown published version",
        ));
    }
    let (Some(version), Some(opens), Some(closes), true) =
        (version, opens, closes, problems.is_empty())
    else {
        return Err(ApiError::validation(problems));
    };
    let row = wave::ActiveModel {
        id: Set(Uuid::new_v4()),
        survey_id: Set(version.survey_id),
        survey_version_id: Set(version.id),
        name: Set(name.to_string()),
        slug: Set(slug.to_string()),
        opens_at: Set(opens),
        closes_at: Set(closes),
        anonymity: Set(anonymity_id(input.anonymity).into()),
        min_group_size: Set(k),
        min_comment_group_size: Set(k_comments),
        created_at: Set(Utc::now()),
        open_link_with_audience: Set(input.open_link_with_audience.unwrap_or(false)),
    }
    .insert(&state.db)
    .await
    .map_err(|err| ApiError::unique(err, "slug", "slug sudah dipakai / slug already used"))?;
    crate::access::audit(
        &state.db,
        &actor,
        "wave.create",
        &format!("wave {} ({})", row.id, row.slug),
        serde_json::json!({
            "anonymity": row.anonymity,
            "min_group_size": row.min_group_size,
            "open_link_with_audience": row.open_link_with_audience,
        }),
    )
    .await?;
    Ok(
        warp::reply::with_status(warp::reply::json(&to_dto(&row)), StatusCode::CREATED)
            .into_response(),
    )
}

/// The wave with `slug`, or 404.
pub async fn by_slug<C: sea_orm::ConnectionTrait>(
    db: &C,
    slug: &str,
) -> Result<wave::Model, ApiError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    wave::Entity::find()
        .filter(wave::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound("survei / survey".into()))
}

#[utoipa::path(get, path = "/api/v1/waves", tag = "waves", security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every wave, newest first (for admins and every report role)", body = [Wave]),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "No report role", body = ErrorBody)))]
pub async fn list_waves(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    crate::access::scope::Scope::of(&caller, &state.db).await?;
    let rows = wave::Entity::find()
        .order_by_desc(wave::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let list: Vec<Wave> = rows.iter().map(to_dto).collect();
    Ok(warp::reply::json(&list).into_response())
}

#[utoipa::path(patch, path = "/api/v1/waves/{slug}", tag = "waves", request_body = UpdateWave,
    params(("slug" = String, Path, description = "The wave's slug")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The wave with the change applied (fields left out stay as they were)", body = Wave),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody)))]
pub async fn update_wave(
    slug: String,
    caller: Caller,
    input: UpdateWave,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let row = by_slug(&state.db, &slug).await?;
    let Some(open_link) = input.open_link_with_audience else {
        return Ok(warp::reply::json(&to_dto(&row)).into_response());
    };
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let mut active: wave::ActiveModel = row.into();
    active.open_link_with_audience = Set(open_link);
    let row = active.update(&txn).await?;
    crate::access::audit(
        &txn,
        &actor,
        "wave.update",
        &format!("wave {} ({})", row.id, row.slug),
        serde_json::json!({ "open_link_with_audience": open_link }),
    )
    .await?;
    txn.commit().await?;
    Ok(warp::reply::json(&to_dto(&row)).into_response())
}
