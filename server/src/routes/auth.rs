//! Signing in and out: `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/auth/me`, and
//! the audit log `GET /api/v1/audit` (admins). Logins are rate limited per account and per address through
//! the shared limiter, so the limits hold across instances when Redis is configured.

use std::net::SocketAddr;
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serap_shared::api::{AuditEntry, LoginRequest, Me};
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::{caller, json_body, with_state};
use crate::auth::{self, COOKIE, Caller};
use crate::endpoint;
use crate::entities::{account, audit_entry, session};
use crate::error::{ApiError, respond};
use crate::ratelimit::{Decision, Quota};
use crate::state::AppState;

/// Attempts per account and per client address.
pub const LOGIN_PER_ACCOUNT: Quota = Quota {
    limit: 5,
    window: Duration::from_secs(15 * 60),
};
pub const LOGIN_PER_ADDRESS: Quota = Quota {
    limit: 30,
    window: Duration::from_secs(15 * 60),
};

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let login = endpoint!(post, "api" / "v1" / "auth" / "login")
        .and(warp::addr::remote())
        .and(json_body::<LoginRequest>(state.settings.max_body_bytes))
        .and(with_state(state.clone()))
        .then(login)
        .map(respond);
    let logout = endpoint!(post, "api" / "v1" / "auth" / "logout")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(logout)
        .map(respond);
    let me = endpoint!(get, "api" / "v1" / "auth" / "me")
        .and(caller(state.clone()))
        .then(me)
        .map(respond);
    let audit = endpoint!(get, "api" / "v1" / "audit")
        .and(caller(state.clone()))
        .and(with_state(state))
        .then(audit_log)
        .map(respond);
    login
        .or(logout)
        .unify()
        .or(me)
        .unify()
        .or(audit)
        .unify()
        .boxed()
}

fn session_cookie(state: &AppState, token: &str, max_age: u64) -> String {
    let secure = if state.settings.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}")
}

async fn limited(state: &AppState, key: String, quota: Quota) -> Result<(), ApiError> {
    match state.limiter.check(&key, quota).await {
        Decision::Allowed { .. } => Ok(()),
        Decision::Limited { retry_after } => Err(ApiError::TooManyRequests { retry_after }),
    }
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; sets the HttpOnly session cookie", body = Me),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 422, description = "Wrong shape", body = ErrorBody),
        (status = 429, description = "Too many attempts for this account or address", body = ErrorBody)))]
pub async fn login(
    remote: Option<SocketAddr>,
    request: LoginRequest,
    state: AppState,
) -> Result<Response, ApiError> {
    let email = request.email.trim().to_lowercase();
    limited(
        &state,
        format!("login:account:{}", auth::sha256_hex(&email)),
        LOGIN_PER_ACCOUNT,
    )
    .await?;
    if let Some(addr) = remote {
        limited(
            &state,
            format!("login:addr:{}", addr.ip()),
            LOGIN_PER_ADDRESS,
        )
        .await?;
    }
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
        .filter(|a| a.active);
    // Verify against a real hash even for unknown accounts, so timing does not tell which exist.
    let hash = match &found {
        Some(account) => account.password_hash.clone(),
        None => auth::decoy_hash().await?,
    };
    let ok = auth::verify_password(&request.password, &hash).await;
    let Some(account) = found.filter(|_| ok) else {
        return Err(ApiError::Unauthorized);
    };
    let (token, session) = auth::start_session(&state.db, account.id).await?;
    let me = Me {
        id: account.id,
        email: account.email.clone(),
        name: account.name.clone(),
        roles: auth::roles_of(&state.db, account.id).await?,
        csrf_token: session.csrf_token,
    };
    auth::audit(
        &state.db,
        &account.email,
        "login",
        &account.email,
        serde_json::json!({}),
    )
    .await?;
    let cookie = session_cookie(&state, &token, auth::ABSOLUTE.as_secs());
    Ok(warp::reply::with_header(warp::reply::json(&me), "set-cookie", cookie).into_response())
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses(
        (status = 200, description = "Signed out; the cookie is cleared", body = Me),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing X-CSRF-Token", body = ErrorBody)))]
pub async fn logout(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    let account = caller.account()?;
    session::Entity::delete_by_id(account.session_id.clone())
        .exec(&state.db)
        .await?;
    let cookie = session_cookie(&state, "", 0);
    Ok(
        warp::reply::with_header(warp::reply::json(&auth::me(account)), "set-cookie", cookie)
            .into_response(),
    )
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses(
        (status = 200, description = "The signed-in account and its CSRF token", body = Me),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn me(caller: Caller) -> Result<Response, ApiError> {
    Ok(warp::reply::json(&auth::me(caller.account()?)).into_response())
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "auth", security(("admin_token" = [])),
    responses(
        (status = 200, description = "The latest 500 admin actions, newest first", body = [AuditEntry]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn audit_log(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let rows = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::At)
        .limit(500)
        .all(&state.db)
        .await?;
    let entries: Vec<AuditEntry> = rows
        .into_iter()
        .map(|r| AuditEntry {
            at: crate::time::wib_rfc3339(r.at),
            actor: r.actor,
            action: r.action,
            target: r.target,
            details: r.details,
        })
        .collect();
    Ok(warp::reply::json(&entries).into_response())
}
