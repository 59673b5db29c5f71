//! The HTTP endpoints of access: `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`,
//! `GET /api/v1/auth/me`, the audit log `GET /api/v1/audit` (admins), and password reset
//! (`POST /api/v1/auth/password-reset`, then `POST /api/v1/auth/password-reset/confirm`). The session
//! travels in an HttpOnly cookie, `Secure` when the public base URL is https.

use std::net::SocketAddr;

use serap_shared::api::{AuditEntry, LoginRequest, Me, PasswordResetConfirm, PasswordResetRequest};
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::{self, COOKIE, Caller};
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let login = endpoint!(post, "api" / "v1" / "auth" / "login")
        .and(crate::http::client_addr())
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
        .and(with_state(state.clone()))
        .then(audit_log)
        .map(respond);
    let reset = endpoint!(post, "api" / "v1" / "auth" / "password-reset")
        .and(crate::http::client_addr())
        .and(json_body::<PasswordResetRequest>(
            state.settings.max_body_bytes,
        ))
        .and(with_state(state.clone()))
        .then(request_password_reset)
        .map(respond);
    let reset_confirm = endpoint!(post, "api" / "v1" / "auth" / "password-reset" / "confirm")
        .and(json_body::<PasswordResetConfirm>(
            state.settings.max_body_bytes,
        ))
        .and(with_state(state))
        .then(confirm_password_reset)
        .map(respond);
    login
        .or(logout)
        .unify()
        .or(me)
        .unify()
        .or(audit)
        .unify()
        .or(reset)
        .unify()
        .or(reset_confirm)
        .unify()
        .boxed()
}

fn session_cookie(state: &AppState, token: &str, max_age: u64) -> String {
    let secure = if state.settings.base_url.is_https() {
        "; Secure"
    } else {
        ""
    };
    format!("{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}")
}

/// `body` as JSON with the session cookie set to `cookie`.
fn with_cookie(body: &Me, cookie: String) -> Response {
    warp::reply::with_header(warp::reply::json(body), "set-cookie", cookie).into_response()
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
    let signed_in = access::signin::sign_in(&state, remote.map(|addr| addr.ip()), &request).await?;
    let cookie = session_cookie(&state, &signed_in.token, access::ABSOLUTE.as_secs());
    Ok(with_cookie(&signed_in.me, cookie))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 200, description = "Signed out; the cookie is cleared", body = Me),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing X-CSRF-Token", body = ErrorBody)))]
pub async fn logout(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    let account = caller.account()?;
    let me = access::signin::sign_out(&state, account).await?;
    Ok(with_cookie(&me, session_cookie(&state, "", 0)))
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The signed-in account and its CSRF token", body = Me),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn me(caller: Caller) -> Result<Response, ApiError> {
    Ok(warp::reply::json(&caller.account()?.me()).into_response())
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "auth", security(("admin_token" = [])),
    responses(
        (status = 200, description = "The latest 500 admin actions, newest first", body = [AuditEntry]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn audit_log(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let entries = crate::infra::audit::recent(&state.db).await?;
    Ok(warp::reply::json(&entries).into_response())
}

/// The answer to every well-formed reset request, whether or not the address has an account.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PasswordResetAccepted {
    /// Always `accepted`.
    pub status: String,
    pub message: String,
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address belongs to an active account, a one-time link (valid for \
            an hour) is on its way; the answer is the same for unknown addresses", body = PasswordResetAccepted),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 422, description = "Not an email address", body = ErrorBody),
        (status = 429, description = "Too many requests for this address or from this client", body = ErrorBody)))]
pub async fn request_password_reset(
    remote: Option<SocketAddr>,
    request: PasswordResetRequest,
    state: AppState,
) -> Result<Response, ApiError> {
    access::reset::request_reset(&state, remote.map(|addr| addr.ip()), &request).await?;
    let accepted = PasswordResetAccepted {
        status: "accepted".into(),
        message:
            "Jika alamat ini terdaftar, tautan untuk mengatur ulang kata sandi telah dikirim / \
                  If this address has an account, a password reset link has been sent"
                .into(),
    };
    Ok(
        warp::reply::with_status(warp::reply::json(&accepted), StatusCode::ACCEPTED)
            .into_response(),
    )
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed; every session of the account is signed out"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 422, description = "Field `token`: unknown, used or expired link; field `password`: too weak",
            body = ErrorBody)))]
pub async fn confirm_password_reset(
    request: PasswordResetConfirm,
    state: AppState,
) -> Result<Response, ApiError> {
    access::reset::confirm_reset(&state, &request).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
