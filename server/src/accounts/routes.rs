//! Accounts and role assignment (admin): list, create with roles, replace an account's roles. Every change
//! is audited.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serap_shared::api::{AccountSummary, CreateAccount, RoleGrant, RoleInput, SetRoles};
use serap_shared::error::{ErrorBody, FieldError};
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::{self, Caller};
use crate::endpoint;
use crate::entities::{account, org_unit, role_assignment};
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::state::AppState;

pub const ROLES: [&str; 4] = ["admin", "manager", "leader", "viewer"];

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

/// Checks roles and resolves unit codes; problems are reported at `roles[i].role` / `roles[i].unit_code`.
async fn resolve_roles(
    state: &AppState,
    roles: &[RoleInput],
) -> Result<Vec<(String, Option<Uuid>)>, Vec<FieldError>> {
    let units: HashMap<String, Uuid> = match org_unit::Entity::find().all(&state.db).await {
        Ok(rows) => rows.into_iter().map(|u| (u.code, u.id)).collect(),
        Err(_) => HashMap::new(),
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, input) in roles.iter().enumerate() {
        if !ROLES.contains(&input.role.as_str()) {
            problems.push(FieldError::new(
                format!("roles[{i}].role"),
                "peran tidak dikenal (admin, manager, leader, viewer) / unknown role",
            ));
        }
        let unit = match input.unit_code.as_deref() {
            None | Some("") => None,
            Some(code) => match units.get(code) {
                Some(id) => Some(*id),
                None => {
                    problems.push(FieldError::new(
                        format!("roles[{i}].unit_code"),
                        "kode unit tidak dikenal / unknown unit code",
                    ));
                    None
                }
            },
        };
        out.push((input.role.clone(), unit));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

async fn summary(state: &AppState, row: account::Model) -> Result<AccountSummary, ApiError> {
    Ok(AccountSummary {
        roles: access::roles_of(&state.db, row.id).await?,
        id: row.id,
        email: row.email,
        name: row.name,
        active: row.active,
    })
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every account with its roles", body = [AccountSummary]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn list_accounts(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let rows = account::Entity::find()
        .order_by_asc(account::Column::Email)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(summary(&state, row).await?);
    }
    Ok(warp::reply::json(&out).into_response())
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
    let mut problems = Vec::new();
    if input.name.trim().is_empty() || input.name.chars().count() > 200 {
        problems.push(FieldError::new(
            "name",
            "nama wajib, maks. 200 / name required, max 200",
        ));
    }
    if let Some(problem) = access::password_problem(&input.password) {
        problems.push(FieldError::new("password", problem));
    }
    let roles = match resolve_roles(&state, &input.roles).await {
        Ok(roles) => roles,
        Err(more) => {
            problems.extend(more);
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let exists = account::Entity::find()
        .filter(account::Column::Email.eq(input.email.as_str().to_lowercase()))
        .one(&state.db)
        .await?
        .is_some();
    if exists {
        return Err(ApiError::Conflict(
            "email sudah dipakai / email already used".into(),
        ));
    }
    let grants: Vec<(&str, Option<Uuid>)> = roles.iter().map(|(r, u)| (r.as_str(), *u)).collect();
    let id = access::create_account(
        &state.db,
        &input.email,
        &input.name,
        &input.password,
        &grants,
    )
    .await?;
    access::audit(
        &state.db,
        &actor,
        "account.create",
        input.email.as_str(),
        serde_json::json!({ "roles": input.roles.iter().map(|r| (&r.role, &r.unit_code)).collect::<Vec<_>>() }),
    )
    .await?;
    let row = account::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account {id} vanished"))?;
    let body = summary(&state, row).await?;
    Ok(warp::reply::with_status(warp::reply::json(&body), StatusCode::CREATED).into_response())
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
    let row = account::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound("akun / account".into()))?;
    let roles = resolve_roles(&state, &input.roles)
        .await
        .map_err(ApiError::validation)?;
    let txn = crate::infra::db::begin_write(&state.db).await?;
    role_assignment::Entity::delete_many()
        .filter(role_assignment::Column::AccountId.eq(id))
        .exec(&txn)
        .await?;
    for (role, unit_id) in &roles {
        role_assignment::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(id),
            role: Set(role.clone()),
            unit_id: Set(*unit_id),
        }
        .insert(&txn)
        .await?;
    }
    let grants: Vec<RoleGrant> = roles
        .iter()
        .map(|(role, unit_id)| RoleGrant {
            role: role.clone(),
            unit_id: *unit_id,
        })
        .collect();
    access::audit(
        &txn,
        &actor,
        "account.roles",
        &row.email,
        serde_json::to_value(&grants).unwrap_or_default(),
    )
    .await?;
    txn.commit().await?;
    Ok(warp::reply::json(&summary(&state, row).await?).into_response())
}
