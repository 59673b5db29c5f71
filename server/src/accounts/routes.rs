//! The HTTP endpoints of accounts (admins): `GET /api/v1/accounts`, `POST /api/v1/accounts`,
//! `PUT /api/v1/accounts/{id}/roles`.

use serap_shared::api::{AccountSummary, CreateAccount, SetRoles};
use serap_shared::error::ErrorBody;
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::accounts;
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let limit = state.settings.max_body_bytes;
    let list = endpoint!(get, "api" / "v1" / "accounts")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(list_accounts)
        .map(respond);
    let create = endpoint!(post, "api" / "v1" / "accounts")
        .and(caller(state.clone()))
        .and(json_body::<CreateAccount>(limit))
        .and(with_state(state.clone()))
        .then(create_account)
        .map(respond);
    let roles = endpoint!(put, "api" / "v1" / "accounts" / Uuid / "roles")
        .and(caller(state.clone()))
        .and(json_body::<SetRoles>(limit))
        .and(with_state(state))
        .then(set_roles)
        .map(respond);
    list.or(create).unify().or(roles).unify().boxed()
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every account with its roles", body = [AccountSummary]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn list_accounts(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let accounts = accounts::list(&state.db).await?;
    Ok(warp::reply::json(&accounts).into_response())
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = CreateAccount,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Created", body = AccountSummary),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "Email already used", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn create_account(
    caller: Caller,
    input: CreateAccount,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let created = accounts::create(&state.db, &actor, &input).await?;
    Ok(warp::reply::with_status(warp::reply::json(&created), StatusCode::CREATED).into_response())
}

#[utoipa::path(put, path = "/api/v1/accounts/{id}/roles", tag = "accounts", request_body = SetRoles,
    security(("admin_token" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account with its new roles", body = AccountSummary),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "Unknown role or unit", body = ErrorBody)))]
pub async fn set_roles(
    id: Uuid,
    caller: Caller,
    input: SetRoles,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let account = accounts::set_roles(&state.db, &actor, id, &input).await?;
    Ok(warp::reply::json(&account).into_response())
}
