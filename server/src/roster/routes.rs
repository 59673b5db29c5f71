//! The HTTP endpoints of the roster (admins): `GET /api/v1/people` and `POST /api/v1/people/import`,
//! which takes the CSV as its body.

use serap_shared::api::{ImportReport, PersonSummary};
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, with_state};
use crate::roster;
use crate::state::AppState;
use crate::units::ImportQuery;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let list = endpoint!(get, "api" / "v1" / "people")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(list_people)
        .map(respond);
    let import = endpoint!(post, "api" / "v1" / "people" / "import")
        .and(caller(state.clone()))
        .and(warp::query::<ImportQuery>())
        .and(crate::http::body_bytes(state.settings.max_body_bytes * 40))
        .and(with_state(state))
        .then(import_people)
        .map(respond);
    list.or(import).unify().boxed()
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The roster by unit and name (without NIPs)", body = Vec<PersonSummary>),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody)))]
pub async fn list_people(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let people = roster::list(&state.db).await?;
    Ok(warp::reply::json(&people).into_response())
}

#[utoipa::path(post, path = "/api/v1/people/import", tag = "people",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "CSV (`,` or `;`, UTF-8 with or without BOM) with columns nip (or ni_pppk), nama/name, unit (unit code), jabatan/job_level, email, and optionally jenis_pegawai (PNS/PPPK), golongan"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) done per row; nothing is written when any row is rejected", body = ImportReport),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 413, description = "File too large", body = ErrorBody),
        (status = 422, description = "Unreadable CSV or missing columns", body = ErrorBody)))]
pub async fn import_people(
    caller: Caller,
    query: ImportQuery,
    body: bytes::Bytes,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let report = roster::import(&state.db, &actor, query.dry_run, &body).await?;
    Ok(warp::reply::json(&report).into_response())
}
