//! Survey authoring (admin): templates, create from a template or blank, edit the draft, publish an
//! immutable version (DESIGN invariant 3).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serap_shared::api::{
    Anonymity, CreateSurvey, PublicForm, SurveyDetail, TemplateSummary, UpdateDraft, VersionSummary,
};
use serap_shared::error::{ErrorBody, FieldError};
use serap_shared::i18n::Text;
use serap_shared::survey::{SurveyDefinition, validate_definition};
use serap_shared::templates;
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::entities::{survey, survey_version};
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let auth = || caller(state.clone());
    let limit = state.settings.max_body_bytes;
    let list_templates = endpoint!(get, "api" / "v1" / "templates")
        .then(list_templates)
        .map(respond);
    let create = endpoint!(post, "api" / "v1" / "surveys")
        .and(auth())
        .and(json_body::<CreateSurvey>(limit))
        .and(with_state(state.clone()))
        .then(create_survey)
        .map(respond);
    let list = endpoint!(get, "api" / "v1" / "surveys")
        .and(auth())
        .and(with_state(state.clone()))
        .then(list_surveys)
        .map(respond);
    let get = endpoint!(get, "api" / "v1" / "surveys" / Uuid)
        .and(auth())
        .and(with_state(state.clone()))
        .then(get_survey)
        .map(respond);
    let update = endpoint!(put, "api" / "v1" / "surveys" / Uuid / "draft")
        .and(auth())
        .and(json_body::<UpdateDraft>(limit))
        .and(with_state(state.clone()))
        .then(update_draft)
        .map(respond);
    let preview = endpoint!(get, "api" / "v1" / "surveys" / Uuid / "preview")
        .and(auth())
        .and(with_state(state.clone()))
        .then(preview)
        .map(respond);
    let publish = endpoint!(post, "api" / "v1" / "surveys" / Uuid / "publish")
        .and(auth())
        .and(with_state(state))
        .then(publish)
        .map(respond);
    list_templates
        .or(create)
        .unify()
        .or(list)
        .unify()
        .or(get)
        .unify()
        .or(update)
        .unify()
        .or(preview)
        .unify()
        .or(publish)
        .unify()
        .boxed()
}

#[utoipa::path(get, path = "/api/v1/templates", tag = "surveys",
    responses((status = 200, description = "Built-in templates", body = [TemplateSummary])))]
pub async fn list_templates() -> Result<Response, ApiError> {
    let list: Vec<TemplateSummary> = templates::all()
        .into_iter()
        .map(|t| TemplateSummary {
            id: t.id.to_string(),
            title: t.title,
            description: t.description,
            question_count: t.definition.questions().count() as u32,
        })
        .collect();
    Ok(warp::reply::json(&list).into_response())
}

async fn load(state: &AppState, id: Uuid) -> Result<survey::Model, ApiError> {
    survey::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound("survei / survey".into()))
}

async fn detail(state: &AppState, row: survey::Model) -> Result<SurveyDetail, ApiError> {
    let versions = survey_version::Entity::find()
        .filter(survey_version::Column::SurveyId.eq(row.id))
        .order_by_asc(survey_version::Column::Version)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|v| VersionSummary {
            id: v.id,
            version: v.version,
            published_at: crate::infra::time::wib_rfc3339(v.published_at),
        })
        .collect();
    let draft: SurveyDefinition = serde_json::from_value(row.draft)
        .map_err(|e| anyhow::anyhow!("stored draft of survey {}: {e}", row.id))?;
    Ok(SurveyDetail {
        id: row.id,
        title: row.title,
        template: row.template,
        draft,
        versions,
    })
}

#[utoipa::path(post, path = "/api/v1/surveys", tag = "surveys", request_body = CreateSurvey,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Created with a draft from the template (or a blank one)", body = SurveyDetail),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 422, description = "Unknown template, or a blank survey without title", body = ErrorBody)))]
pub async fn create_survey(
    caller: Caller,
    input: CreateSurvey,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let draft = match (&input.template, &input.title) {
        (Some(id), title) => {
            let template = templates::get(id).ok_or_else(|| {
                ApiError::validation(vec![FieldError::new(
                    "template",
                    "templat tidak dikenal / unknown template",
                )])
            })?;
            let mut definition = template.definition;
            if let Some(title) = title {
                definition.title = title.clone();
            }
            definition
        }
        (None, Some(title)) if !title.id.trim().is_empty() => blank(title.clone()),
        (None, _) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "title",
                "judul wajib untuk survei kosong / a blank survey needs a title",
            )]));
        }
    };
    let now = Utc::now();
    let row = survey::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(draft.title.id.chars().take(300).collect()),
        template: Set(input.template.clone()),
        draft: Set(serde_json::to_value(&draft).map_err(anyhow::Error::from)?),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    crate::access::audit(
        &state.db,
        &actor,
        "survey.create",
        &format!("survey {}", row.id),
        serde_json::json!({"template": input.template}),
    )
    .await?;
    let detail = detail(&state, row).await?;
    Ok(warp::reply::with_status(warp::reply::json(&detail), StatusCode::CREATED).into_response())
}

/// A blank survey: one section with one optional question, ready to edit.
fn blank(title: Text) -> SurveyDefinition {
    serde_json::from_value(serde_json::json!({
        "title": title,
        "sections": [{
            "id": "bagian_1",
            "title": {"id": "Bagian 1", "en": "Part 1"},
            "questions": [{
                "id": "q1",
                "text": {"id": "Pertanyaan pertama", "en": "First question"},
                "kind": "short_text",
                "max_length": 200
            }]
        }]
    }))
    .expect("the blank definition is well formed")
}

#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys", security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every survey with its versions", body = [SurveyDetail]),
        (status = 401, description = "Admin token required", body = ErrorBody)))]
pub async fn list_surveys(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let rows = survey::Entity::find()
        .order_by_desc(survey::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(detail(&state, row).await?);
    }
    Ok(warp::reply::json(&out).into_response())
}

#[utoipa::path(get, path = "/api/v1/surveys/{id}", tag = "surveys", security(("admin_token" = [])),
    params(("id" = Uuid, Path, description = "Survey id")),
    responses(
        (status = 200, description = "The survey, its draft and versions", body = SurveyDetail),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 404, description = "No such survey", body = ErrorBody)))]
pub async fn get_survey(id: Uuid, caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let row = load(&state, id).await?;
    Ok(warp::reply::json(&detail(&state, row).await?).into_response())
}

#[utoipa::path(put, path = "/api/v1/surveys/{id}/draft", tag = "surveys", request_body = UpdateDraft,
    security(("admin_token" = [])),
    params(("id" = Uuid, Path, description = "Survey id")),
    responses(
        (status = 200, description = "Saved", body = SurveyDetail),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 404, description = "No such survey", body = ErrorBody),
        (status = 422, description = "Every problem of the definition, with its path", body = ErrorBody)))]
pub async fn update_draft(
    id: Uuid,
    caller: Caller,
    input: UpdateDraft,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let problems = validate_definition(&input.definition);
    if !problems.is_empty() {
        return Err(ApiError::problems(
            problems
                .into_iter()
                .map(|mut p| {
                    p.path = format!("definition.{}", p.path);
                    p
                })
                .collect(),
        ));
    }
    let row = load(&state, id).await?;
    let mut active: survey::ActiveModel = row.into();
    active.title = Set(input.definition.title.id.chars().take(300).collect());
    active.draft = Set(serde_json::to_value(&input.definition).map_err(anyhow::Error::from)?);
    active.updated_at = Set(Utc::now());
    let row = active.update(&state.db).await?;
    crate::access::audit(
        &state.db,
        &actor,
        "survey.edit_draft",
        &format!("survey {id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(warp::reply::json(&detail(&state, row).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/surveys/{id}/preview", tag = "surveys", security(("admin_token" = [])),
    params(("id" = Uuid, Path, description = "Survey id")),
    responses(
        (status = 200, description = "The draft as a respondent's form (not submittable: `is_open` is false, `version` 0)", body = PublicForm),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 404, description = "No such survey", body = ErrorBody)))]
pub async fn preview(id: Uuid, caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let row = load(&state, id).await?;
    let detail = detail(&state, row).await?;
    let now = crate::infra::time::wib_rfc3339(crate::infra::time::now());
    let form = PublicForm {
        wave_id: Uuid::nil(),
        slug: format!("preview-{id}"),
        name: detail.title,
        survey_version_id: Uuid::nil(),
        version: 0,
        definition: detail.draft,
        anonymity: Anonymity::Anonymous,
        opens_at: now.clone(),
        closes_at: now,
        is_open: false,
        units: crate::units::routes::all_units(&state.db).await?,
    };
    Ok(warp::reply::json(&form).into_response())
}

#[utoipa::path(post, path = "/api/v1/surveys/{id}/publish", tag = "surveys", security(("admin_token" = [])),
    params(("id" = Uuid, Path, description = "Survey id")),
    responses(
        (status = 201, description = "Published as a new immutable version", body = VersionSummary),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 404, description = "No such survey", body = ErrorBody),
        (status = 422, description = "The draft is not valid", body = ErrorBody)))]
pub async fn publish(id: Uuid, caller: Caller, state: AppState) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let row = load(&state, id).await?;
    let draft: SurveyDefinition = serde_json::from_value(row.draft.clone())
        .map_err(|e| anyhow::anyhow!("stored draft of survey {id}: {e}"))?;
    let problems = validate_definition(&draft);
    if !problems.is_empty() {
        return Err(ApiError::problems(problems));
    }
    let summary = publish_version(&state.db, id, &draft).await?;
    crate::access::audit(
        &state.db,
        &actor,
        "survey.publish",
        &format!("survey {id}"),
        serde_json::json!({"version": summary.version, "version_id": summary.id}),
    )
    .await?;
    Ok(warp::reply::with_status(warp::reply::json(&summary), StatusCode::CREATED).into_response())
}

/// Inserts the next version number of `survey_id` with `definition`.
pub async fn publish_version(
    db: &sea_orm::DatabaseConnection,
    survey_id: Uuid,
    definition: &SurveyDefinition,
) -> Result<VersionSummary, ApiError> {
    let txn = crate::infra::db::begin_write(db).await?;
    let latest: Option<i32> = survey_version::Entity::find()
        .select_only()
        .column_as(survey_version::Column::Version.max(), "max")
        .filter(survey_version::Column::SurveyId.eq(survey_id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let now = Utc::now();
    let version = survey_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        survey_id: Set(survey_id),
        version: Set(latest.unwrap_or(0) + 1),
        definition: Set(serde_json::to_value(definition).map_err(anyhow::Error::from)?),
        published_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(VersionSummary {
        id: version.id,
        version: version.version,
        published_at: crate::infra::time::wib_rfc3339(now),
    })
}
