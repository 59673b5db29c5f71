//! The caller of a request (docs/design.md invariant 6: checked on the server for every request): the bootstrap
//! admin token (`Authorization: Bearer`), a signed-in account (session cookie; state-changing requests must
//! echo the session's CSRF token in `X-CSRF-Token`), or nobody. Sessions live in the `SessionStore`
//! (`sessions`) under the SHA-256 of their token.

use hyper::Method;
use sea_orm::EntityTrait;
use secrecy::ExposeSecret;
use serap_shared::api::Me;
use serap_shared::domain::{Grant, Role};
use uuid::Uuid;

use crate::entities::account;
use crate::error::ApiError;
use crate::infra::tokens::constant_time_eq;
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "serap_session";

/// A signed-in account as seen by one request.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub roles: Vec<Grant>,
    pub csrf_token: String,
    pub session_id: String,
}

impl Account {
    /// The account as its own client sees it, CSRF token included.
    pub fn me(&self) -> Me {
        Me {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            roles: self.roles.iter().copied().map(Into::into).collect(),
            csrf_token: self.csrf_token.clone(),
        }
    }
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
            Caller::Account(a) if a.roles.iter().any(|g| g.role == Role::Admin) => {
                Ok(a.email.clone())
            }
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

    /// Who the audit log names for this caller: the account's email or `bootstrap-token`; nobody for the
    /// other callers.
    pub fn actor(&self) -> Option<String> {
        match self {
            Caller::Account(a) => Some(a.email.clone()),
            Caller::BootstrapToken => Some("bootstrap-token".into()),
            Caller::Nobody | Caller::CsrfFailed => None,
        }
    }
}

fn cookie_value(cookies: &str) -> Option<&str> {
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// Resolves the caller of a request from its method and headers.
pub async fn resolve(
    state: &AppState,
    method: &Method,
    authorization: Option<&str>,
    cookies: Option<&str>,
    csrf: Option<&str>,
) -> Result<Caller, ApiError> {
    if let Some(token) = authorization.and_then(|h| h.strip_prefix("Bearer ")) {
        let expected = state.admin_token.expose_secret().as_bytes();
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
        roles: crate::accounts::roles_of(&state.db, account.id).await?,
        email: account.email,
        name: account.name,
        csrf_token: session.csrf_token,
        session_id: session.id,
    }))
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

    fn account(roles: &[Role]) -> Caller {
        Caller::Account(Account {
            id: Uuid::nil(),
            email: "kalak.bpbd@serangkota.go.id".into(),
            name: "Kalak".into(),
            roles: roles
                .iter()
                .map(|&role| Grant {
                    role,
                    unit_id: None,
                })
                .collect(),
            csrf_token: String::new(),
            session_id: String::new(),
        })
    }

    #[test]
    fn only_admins_and_the_bootstrap_token_act_as_admin() {
        assert_eq!(Caller::BootstrapToken.admin().unwrap(), "bootstrap-token");
        assert_eq!(
            account(&[Role::Viewer, Role::Admin]).admin().unwrap(),
            "kalak.bpbd@serangkota.go.id"
        );
        assert!(matches!(
            account(&[Role::Manager]).admin(),
            Err(ApiError::Forbidden)
        ));
        assert!(matches!(
            Caller::CsrfFailed.admin(),
            Err(ApiError::Forbidden)
        ));
        assert!(matches!(
            Caller::Nobody.admin(),
            Err(ApiError::Unauthorized)
        ));
        assert_eq!(Caller::Nobody.actor(), None);
        assert_eq!(
            account(&[]).actor().as_deref(),
            Some("kalak.bpbd@serangkota.go.id")
        );
    }
}
