//! Signing in and out: `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/auth/me`, the
//! audit log `GET /api/v1/audit` (admins), and password reset by an emailed one-time link
//! (`POST /api/v1/auth/password-reset`, then `POST /api/v1/auth/password-reset/confirm`). Logins and reset
//! requests are rate limited per account and per address through the shared limiter, so the limits hold
//! across instances when Redis is configured.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serap_shared::api::{AuditEntry, LoginRequest, Me, PasswordResetConfirm, PasswordResetRequest};
use serap_shared::domain::EmailAddress;
use serap_shared::error::{ErrorBody, FieldError};
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::{self, COOKIE, Caller};
use crate::endpoint;
use crate::entities::{account, audit_entry, password_reset};
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::infra::mail::escape_html;
use crate::infra::outbox::{self, NewEmail};
use crate::infra::ratelimit::{Decision, Quota};
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
/// Password-reset requests per email address and per client address.
pub const RESET_PER_ACCOUNT: Quota = Quota {
    limit: 3,
    window: Duration::from_secs(3600),
};
pub const RESET_PER_ADDRESS: Quota = Quota {
    limit: 20,
    window: Duration::from_secs(3600),
};
/// How long an emailed reset link works.
pub const RESET_VALID: Duration = Duration::from_secs(3600);

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
        format!("login:account:{}", access::sha256_hex(&email)),
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
        None => access::decoy_hash().await?,
    };
    let ok = access::verify_password(&request.password, &hash).await;
    let Some(account) = found.filter(|_| ok) else {
        return Err(ApiError::Unauthorized);
    };
    let (token, csrf_token) = access::start_session(state.sessions.as_ref(), account.id).await?;
    let me = Me {
        id: account.id,
        email: account.email.clone(),
        name: account.name.clone(),
        roles: access::roles_of(&state.db, account.id).await?,
        csrf_token,
    };
    access::audit(
        &state.db,
        &account.email,
        "login",
        &account.email,
        serde_json::json!({}),
    )
    .await?;
    let cookie = session_cookie(&state, &token, access::ABSOLUTE.as_secs());
    Ok(warp::reply::with_header(warp::reply::json(&me), "set-cookie", cookie).into_response())
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 200, description = "Signed out; the cookie is cleared", body = Me),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing X-CSRF-Token", body = ErrorBody)))]
pub async fn logout(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    let account = caller.account()?;
    state.sessions.delete_id(&account.session_id).await?;
    let cookie = session_cookie(&state, "", 0);
    Ok(warp::reply::with_header(
        warp::reply::json(&access::me(account)),
        "set-cookie",
        cookie,
    )
    .into_response())
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The signed-in account and its CSRF token", body = Me),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn me(caller: Caller) -> Result<Response, ApiError> {
    Ok(warp::reply::json(&access::me(caller.account()?)).into_response())
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
            at: crate::infra::time::wib_rfc3339(r.at),
            actor: r.actor,
            action: r.action,
            target: r.target,
            details: r.details,
        })
        .collect();
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
    let email = EmailAddress::parse(&request.email)
        .map_err(|e| ApiError::validation(vec![FieldError::new("email", e.to_string())]))?
        .as_str()
        .to_lowercase();
    // Limited whether or not the account exists, so a 429 tells nothing either.
    limited(
        &state,
        format!("password-reset:account:{}", access::sha256_hex(&email)),
        RESET_PER_ACCOUNT,
    )
    .await?;
    if let Some(addr) = remote {
        limited(
            &state,
            format!("password-reset:addr:{}", addr.ip()),
            RESET_PER_ADDRESS,
        )
        .await?;
    }
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
        .filter(|a| a.active);
    if let Some(account) = found {
        let token = access::random_token();
        let now = Utc::now();
        let link = format!(
            "{}/console/reset/{token}",
            state.settings.base_url.trim_end_matches('/')
        );
        // The link and its email commit together (DESIGN 7).
        let txn = crate::infra::db::begin_write(&state.db).await?;
        password_reset::ActiveModel {
            token_hash: Set(access::sha256_hex(&token)),
            account_id: Set(account.id),
            expires_at: Set(now + chrono::Duration::from_std(RESET_VALID).unwrap_or_default()),
            used_at: Set(None),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        outbox::enqueue(
            &txn,
            &state.mail_domain(),
            reset_email(&account.email, &account.name, &link),
        )
        .await?;
        txn.commit().await?;
        state.outbox_wake.notify_one();
    }
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

/// The reset email: Bahasa Indonesia first, English below; plain text and simple HTML.
fn reset_email(to: &str, name: &str, link: &str) -> NewEmail {
    let text = format!(
        "Halo {name},\n\n\
         Kami menerima permintaan untuk mengatur ulang kata sandi akun Serap Anda. Buka tautan berikut \
         dalam 1 jam untuk membuat kata sandi baru (tautan hanya dapat dipakai sekali):\n\n\
         {link}\n\n\
         Jika Anda tidak memintanya, abaikan email ini; kata sandi Anda tidak berubah.\n\n\
         We received a request to reset the password of your Serap account. Open the link above within \
         1 hour to choose a new password (it works once); if you did not ask for this, ignore this email.\n"
    );
    let (name, link) = (escape_html(name), escape_html(link));
    let html = format!(
        "<!doctype html><html lang=\"id\"><body style=\"font-family:Arial,sans-serif\">\
         <p>Halo {name},</p>\
         <p>Kami menerima permintaan untuk mengatur ulang kata sandi akun Serap Anda. Buka tautan berikut \
         dalam 1 jam untuk membuat kata sandi baru (tautan hanya dapat dipakai sekali):</p>\
         <p><a href=\"{link}\">Atur ulang kata sandi</a><br>{link}</p>\
         <p>Jika Anda tidak memintanya, abaikan email ini; kata sandi Anda tidak berubah.</p>\
         <p style=\"color:#555\">We received a request to reset the password of your Serap account. Open \
         the link above within 1 hour to choose a new password (it works once); if you did not ask for \
         this, ignore this email.</p></body></html>"
    );
    NewEmail {
        kind: "password_reset".into(),
        to: to.to_string(),
        subject: "Atur ulang kata sandi Serap / Reset your Serap password".into(),
        text,
        html,
        headers: vec![],
    }
}

fn invalid_reset_link() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "token",
        "Tautan atur ulang kata sandi tidak valid, sudah dipakai, atau kedaluwarsa; minta tautan baru / \
         The password reset link is invalid, already used or expired; request a new one",
    )])
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
    // Checked first, so a weak password does not use up the link.
    if let Some(problem) = access::password_problem(&request.password) {
        return Err(ApiError::validation(vec![FieldError::new(
            "password", problem,
        )]));
    }
    let token_hash = access::sha256_hex(request.token.trim());
    let now = Utc::now();
    let Some(link) = password_reset::Entity::find_by_id(token_hash.clone())
        .one(&state.db)
        .await?
        .filter(|r| r.used_at.is_none() && r.expires_at > now)
    else {
        return Err(invalid_reset_link());
    };
    let Some(account) = account::Entity::find_by_id(link.account_id)
        .one(&state.db)
        .await?
        .filter(|a| a.active)
    else {
        return Err(invalid_reset_link());
    };
    // Hashing is slow: done before the write transaction, only for a link that looked usable.
    let hash = access::hash_password(&request.password).await?;
    let txn = crate::infra::db::begin_write(&state.db).await?;
    // Claiming the link is conditional, so of two concurrent confirmations only one succeeds.
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::TokenHash.eq(token_hash.as_str()))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid_reset_link());
    }
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    // Other links sent earlier to the same account stop working too.
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::AccountId.eq(account.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    access::audit(
        &txn,
        &account.email,
        "password_reset",
        &account.email,
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    // The password changed either way; a session store outage only delays ending old sessions (they still
    // expire by themselves), so it is logged, not reported as a failed reset.
    match state.sessions.revoke_account(account.id).await {
        Ok(ended) => tracing::info!(sessions_ended = ended, "password reset"),
        Err(err) => tracing::error!(error = %err, "password reset: old sessions not ended"),
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
