//! Survey authoring over HTTP (admin): templates, create from a template or blank, edit the draft,
//! preview it, publish an immutable version.

use serap_shared::api::{
    CreateSurvey, PublicForm, SurveyDetail, TemplateSummary, UpdateDraft, VersionSummary,
};
use serap_shared::error::ErrorBody;
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::state::AppState;
use crate::surveys;

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
    Ok(warp::reply::json(&surveys::template_summaries()).into_response())
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
    let detail = surveys::create(&state, &input, &actor).await?;
    Ok(warp::reply::with_status(warp::reply::json(&detail), StatusCode::CREATED).into_response())
}

#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys", security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every survey with its versions", body = [SurveyDetail]),
        (status = 401, description = "Admin token required", body = ErrorBody)))]
pub async fn list_surveys(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    Ok(warp::reply::json(&surveys::list(&state).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/surveys/{id}", tag = "surveys", security(("admin_token" = [])),
    params(("id" = Uuid, Path, description = "Survey id")),
    responses(
        (status = 200, description = "The survey, its draft and versions", body = SurveyDetail),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 404, description = "No such survey", body = ErrorBody)))]
pub async fn get_survey(id: Uuid, caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    Ok(warp::reply::json(&surveys::get(&state, id).await?).into_response())
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
    let detail = surveys::update_draft(&state, id, &input.definition, &actor).await?;
    Ok(warp::reply::json(&detail).into_response())
}

#[utoipa::path(get, path = "/api/v1/surveys/{id}/preview", tag = "surveys", security(("admin_token" = [])),
    params(("id" = Uuid, Path, description = "Survey id")),
    responses(
        (status = 200, description = "The draft as a respondent's form (not submittable: `is_open` is false, `version` 0)", body = PublicForm),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 404, description = "No such survey", body = ErrorBody)))]
pub async fn preview(id: Uuid, caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    Ok(warp::reply::json(&surveys::preview(&state, id).await?).into_response())
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
    let summary = surveys::publish(&state, id, &actor).await?;
    Ok(warp::reply::with_status(warp::reply::json(&summary), StatusCode::CREATED).into_response())
}
