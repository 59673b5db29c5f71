//! Organisation units over HTTP: the tree (public, respondents pick their unit), creation and CSV import
//! (admin).

use serap_shared::api::{CreateUnit, ImportReport, Unit};
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
use crate::units::{self, ImportQuery};

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let list = endpoint!(get, "api" / "v1" / "units")
        .and(with_state(state.clone()))
        .then(list_units)
        .map(respond);
    let create = endpoint!(post, "api" / "v1" / "units")
        .and(caller(state.clone()))
        .and(json_body::<CreateUnit>(state.settings.max_body_bytes))
        .and(with_state(state.clone()))
        .then(create_unit)
        .map(respond);
    let import = endpoint!(post, "api" / "v1" / "units" / "import")
        .and(caller(state.clone()))
        .and(warp::query::<ImportQuery>())
        .and(crate::http::body_bytes(state.settings.max_body_bytes * 8))
        .and(with_state(state))
        .then(import_units)
        .map(respond);
    list.or(create).unify().or(import).unify().boxed()
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units",
    responses((status = 200, description = "The unit tree, parents before children", body = [Unit])))]
pub async fn list_units(state: AppState) -> Result<Response, ApiError> {
    Ok(warp::reply::json(&units::all_units(&state.db).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = CreateUnit,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Created", body = Unit),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 409, description = "Code already used", body = ErrorBody),
        (status = 422, description = "Invalid fields or unknown parent", body = ErrorBody)))]
pub async fn create_unit(
    caller: Caller,
    input: CreateUnit,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let created = units::create(&state, &input, &actor).await?;
    Ok(warp::reply::with_status(warp::reply::json(&created), StatusCode::CREATED).into_response())
}

#[utoipa::path(post, path = "/api/v1/units/import", tag = "units",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "CSV (`,` or `;`, UTF-8 with or without BOM) with columns code/kode, name/nama, kind/jenis, sector/sektor, parent_code/induk"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) done per row; nothing is written when any row is rejected", body = ImportReport),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 413, description = "File too large", body = ErrorBody),
        (status = 422, description = "Unreadable CSV or missing columns", body = ErrorBody)))]
pub async fn import_units(
    caller: Caller,
    query: ImportQuery,
    body: bytes::Bytes,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let report = units::import_csv(&state, query.dry_run, &body, &actor).await?;
    Ok(warp::reply::json(&report).into_response())
}
