//! Who is calling (DESIGN invariant 6: checked on the server for every request). A caller is the bootstrap
//! admin token (`Authorization: Bearer`), a signed-in account (session cookie; state-changing requests must
//! echo the session's CSRF token in `X-CSRF-Token`), or nobody. Passwords are argon2id; sessions live in the
//! `SessionStore` (`sessions`: Redis when configured, the database otherwise) under the SHA-256 of their
//! token, and expire after 30 idle minutes or 12 hours, whichever is first.

pub mod routes;
pub mod scope;
pub mod sessions;

use anyhow::Context;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serap_shared::api::{Me, RoleGrant};
use serap_shared::domain::EmailAddress;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use warp::http::Method;

use crate::access::sessions::SessionStore;
pub use crate::access::sessions::{ABSOLUTE, IDLE};
use crate::entities::{account, audit_entry, role_assignment};
use crate::error::ApiError;
use crate::state::AppState;

pub const COOKIE: &str = "serap_session";

/// A signed-in account as seen by one request.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub roles: Vec<RoleGrant>,
    pub csrf_token: String,
    pub session_id: String,
}

#[derive(Debug, Clone)]
pub enum Caller {
    Nobody,
    /// The bootstrap admin token from configuration.
    BootstrapToken,
    Account(Account),
    /// A session cookie on a state-changing request without the matching CSRF token.
    CsrfFailed,
}

impl Caller {
    /// The caller if it may act as admin; its name goes to the audit log.
    pub fn admin(&self) -> Result<String, ApiError> {
        match self {
            Caller::BootstrapToken => Ok("bootstrap-token".into()),
            Caller::Account(a) if a.roles.iter().any(|r| r.role == "admin") => Ok(a.email.clone()),
            Caller::Account(_) => Err(ApiError::Forbidden),
            Caller::CsrfFailed => Err(ApiError::Forbidden),
            Caller::Nobody => Err(ApiError::Unauthorized),
        }
    }

    pub fn account(&self) -> Result<&Account, ApiError> {
        match self {
            Caller::Account(a) => Ok(a),
            Caller::CsrfFailed => Err(ApiError::Forbidden),
            _ => Err(ApiError::Unauthorized),
        }
    }
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 256 random bits as 64 hex characters.
pub fn random_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

fn cookie_value(cookies: &str) -> Option<&str> {
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Resolves the caller of a request from its headers.
pub async fn resolve(
    state: &AppState,
    method: &Method,
    authorization: Option<&str>,
    cookies: Option<&str>,
    csrf: Option<&str>,
) -> Result<Caller, ApiError> {
    if let Some(token) = authorization.and_then(|h| h.strip_prefix("Bearer ")) {
        let expected = state.admin_token.as_bytes();
        return Ok(
            if !expected.is_empty() && constant_time_eq(token.trim().as_bytes(), expected) {
                Caller::BootstrapToken
            } else {
                Caller::Nobody
            },
        );
    }
    let Some(token) = cookies.and_then(cookie_value) else {
        return Ok(Caller::Nobody);
    };
    // Expired sessions come back as `None`; a store failure (Redis down) is a 503.
    let Some(session) = state.sessions.get(token).await? else {
        return Ok(Caller::Nobody);
    };
    let Some(account) = account::Entity::find_by_id(session.account_id)
        .one(&state.db)
        .await?
        .filter(|a| a.active)
    else {
        return Ok(Caller::Nobody);
    };
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe
        && !csrf
            .is_some_and(|c| constant_time_eq(c.trim().as_bytes(), session.csrf_token.as_bytes()))
    {
        return Ok(Caller::CsrfFailed);
    }
    // Failing to record activity only shortens the session: serve the request anyway.
    if let Err(err) = state.sessions.touch(&session).await {
        tracing::warn!(error = %err, "could not refresh a session");
    }
    Ok(Caller::Account(Account {
        id: account.id,
        roles: roles_of(&state.db, account.id).await?,
        email: account.email,
        name: account.name,
        csrf_token: session.csrf_token,
        session_id: session.id,
    }))
}

pub async fn roles_of<C: ConnectionTrait>(
    db: &C,
    account_id: Uuid,
) -> Result<Vec<RoleGrant>, ApiError> {
    Ok(role_assignment::Entity::find()
        .filter(role_assignment::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| RoleGrant {
            role: r.role,
            unit_id: r.unit_id,
        })
        .collect())
}

pub async fn hash_password(password: &str) -> anyhow::Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(Uuid::new_v4().as_bytes())
            .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
    })
    .await
    .context("hashing task")?
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, made once per process: verifying against it costs what a real check costs.
pub async fn decoy_hash() -> Result<String, ApiError> {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_try_init(|| async { hash_password(&random_token()).await })
        .await
        .cloned()
        .map_err(ApiError::from)
}

/// At least 10 characters: long enough for a passphrase, short enough to type on a phone.
pub fn password_problem(password: &str) -> Option<&'static str> {
    (password.chars().count() < 10)
        .then_some("kata sandi minimal 10 karakter / password: at least 10 characters")
}

/// Creates an account with `roles` (role, unit) and returns its id.
pub async fn create_account(
    db: &DatabaseConnection,
    email: &EmailAddress,
    name: &str,
    password: &str,
    roles: &[(&str, Option<Uuid>)],
) -> anyhow::Result<Uuid> {
    if let Some(problem) = password_problem(password) {
        anyhow::bail!(problem);
    }
    let id = Uuid::new_v4();
    let hash = hash_password(password).await?;
    let txn = crate::infra::db::begin_write(db).await?;
    account::ActiveModel {
        id: Set(id),
        email: Set(email.as_str().to_lowercase()),
        name: Set(name.trim().to_string()),
        password_hash: Set(hash),
        active: Set(true),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .context("creating the account (is the email already used?)")?;
    for (role, unit_id) in roles {
        role_assignment::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(id),
            role: Set(role.to_string()),
            unit_id: Set(*unit_id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(id)
}

/// Starts a session in `sessions`: returns the cookie token (never stored) and the session's CSRF token.
pub async fn start_session(
    sessions: &dyn SessionStore,
    account_id: Uuid,
) -> Result<(String, String), ApiError> {
    sessions.create(account_id).await
}

pub fn me(account: &Account) -> Me {
    Me {
        id: account.id,
        email: account.email.clone(),
        name: account.name.clone(),
        roles: account.roles.clone(),
        csrf_token: account.csrf_token.clone(),
    }
}

/// Writes one audit entry (in the caller's transaction when given one).
pub async fn audit<C: ConnectionTrait>(
    db: &C,
    actor: &str,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    audit_entry::ActiveModel {
        id: Set(Uuid::new_v4()),
        at: Set(Utc::now()),
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        target: Set(target.chars().take(300).collect()),
        details: Set(details),
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_cookie() {
        assert_eq!(cookie_value("a=1; serap_session=abc; b=2"), Some("abc"));
        assert_eq!(cookie_value("serap_session="), None);
        assert_eq!(cookie_value("other=x"), None);
    }

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let hash = hash_password("kata-sandi-rahasia").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("kata-sandi-rahasia", &hash).await);
        assert!(!verify_password("salah", &hash).await);
    }
}
