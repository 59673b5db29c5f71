//! Survey waves over HTTP (admin): create, list (also for report roles), change the open link's setting.

use serap_shared::api::{CreateWave, UpdateWave, Wave};
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::state::AppState;
use crate::waves;

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
    let created = waves::create(&state, input, &actor).await?;
    Ok(warp::reply::with_status(warp::reply::json(&created), StatusCode::CREATED).into_response())
}

#[utoipa::path(get, path = "/api/v1/waves", tag = "waves", security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every wave, newest first (for admins and every report role)", body = [Wave]),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "No report role", body = ErrorBody)))]
pub async fn list_waves(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    crate::access::scope::of(&caller, &state.db).await?;
    Ok(warp::reply::json(&waves::list(&state).await?).into_response())
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
    Ok(warp::reply::json(&waves::update(&state, &slug, &input, &actor).await?).into_response())
}
