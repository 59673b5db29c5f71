//! Signing in with email and password, and out. Attempts are rate limited per account and per client
//! address through the shared limiter, so the limits hold across instances when Redis is configured; an
//! unknown address costs what a wrong password costs, so neither timing nor answers tell which accounts
//! exist. Sessions last 30 idle minutes, 12 hours at most.

use std::net::IpAddr;
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_shared::api::{LoginRequest, Me};
use serap_shared::domain::EmailAddress;

use crate::access::{Account, limited};
use crate::accounts::passwords::{decoy_hash, verify_password};
use crate::entities::account;
use crate::error::ApiError;
use crate::infra::audit::audit;
use crate::infra::ratelimit::Quota;
use crate::infra::tokens::sha256_hex;
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

/// A new session: its cookie token (stored only as its SHA-256) and the account as its client sees it.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub me: Me,
}

/// Checks the email and password of `request` (from `remote`) and starts a session. Audited.
pub async fn sign_in(
    state: &AppState,
    remote: Option<IpAddr>,
    request: &LoginRequest,
) -> Result<SignedIn, ApiError> {
    // Not parsed: whatever was typed is only compared with stored addresses.
    let email = EmailAddress::normalize(&request.email);
    limited(
        state,
        format!("login:account:{}", sha256_hex(&email)),
        LOGIN_PER_ACCOUNT,
    )
    .await?;
    if let Some(ip) = remote {
        limited(state, format!("login:addr:{ip}"), LOGIN_PER_ADDRESS).await?;
    }
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
        .filter(|a| a.active);
    // Verify against a real hash even for unknown accounts, so timing does not tell which exist.
    let hash = match &found {
        Some(account) => account.password_hash.clone(),
        None => decoy_hash().await?,
    };
    let ok = verify_password(&request.password, &hash).await;
    let Some(account) = found.filter(|_| ok) else {
        return Err(ApiError::Unauthorized);
    };
    let (token, csrf_token) = state.sessions.create(account.id).await?;
    let me = Me {
        id: account.id,
        email: account.email.clone(),
        name: account.name.clone(),
        roles: crate::accounts::roles_of(&state.db, account.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        csrf_token,
    };
    audit(
        &state.db,
        &account.email,
        "login",
        &account.email,
        serde_json::json!({}),
    )
    .await?;
    Ok(SignedIn { token, me })
}

/// Ends the session `account` came with; returns the account as it was.
pub async fn sign_out(state: &AppState, account: &Account) -> Result<Me, ApiError> {
    state.sessions.delete_id(&account.session_id).await?;
    Ok(account.me())
}

#[cfg(test)]
mod tests {
    use serap_shared::domain::Role;

    use super::*;
    use crate::access::testing;

    fn login(email: &str, password: &str) -> LoginRequest {
        LoginRequest {
            email: email.into(),
            password: password.into(),
        }
    }

    #[tokio::test]
    async fn accounts_sign_in_by_their_address_in_any_case_and_out() {
        let test = testing::state().await;
        let state = &test.state;
        let email = EmailAddress::parse("Budi.Santoso@SerangKota.go.id").unwrap();
        crate::accounts::create_account(
            &state.db,
            &email,
            "Budi",
            "kata-sandi-rahasia",
            &[(Role::Viewer, None)],
        )
        .await
        .unwrap();
        let signed_in = sign_in(
            state,
            None,
            &login(" BUDI.santoso@serangkota.GO.ID ", "kata-sandi-rahasia"),
        )
        .await
        .unwrap();
        assert_eq!(signed_in.me.email, "budi.santoso@serangkota.go.id");
        assert_eq!(signed_in.me.roles[0].role, "viewer");
        let session = state.sessions.get(&signed_in.token).await.unwrap().unwrap();
        assert_eq!(session.csrf_token, signed_in.me.csrf_token);
        for (email, password) in [
            ("budi.santoso@serangkota.go.id", "salah-kata-sandi"),
            ("bukan alamat", "kata-sandi-rahasia"),
            ("lain@serangkota.go.id", "kata-sandi-rahasia"),
        ] {
            let refused = sign_in(state, None, &login(email, password)).await;
            assert!(matches!(refused, Err(ApiError::Unauthorized)), "{email}");
        }
        let account = Account {
            id: signed_in.me.id,
            email: signed_in.me.email.clone(),
            name: signed_in.me.name.clone(),
            roles: Vec::new(),
            csrf_token: signed_in.me.csrf_token.clone(),
            session_id: session.id.clone(),
        };
        assert_eq!(sign_out(state, &account).await.unwrap().id, account.id);
        assert!(
            state
                .sessions
                .get(&signed_in.token)
                .await
                .unwrap()
                .is_none()
        );
        let log = crate::infra::audit::recent(&state.db).await.unwrap();
        assert_eq!(log.iter().filter(|e| e.action == "login").count(), 1);
    }

    #[tokio::test]
    async fn attempts_on_one_account_are_limited_whatever_the_case() {
        let test = testing::state().await;
        let state = &test.state;
        for attempt in 0..LOGIN_PER_ACCOUNT.limit {
            let email = if attempt % 2 == 0 {
                "Tamu@SerangKota.go.id"
            } else {
                "tamu@serangkota.go.id"
            };
            let refused = sign_in(state, None, &login(email, "apa-saja-boleh")).await;
            assert!(matches!(refused, Err(ApiError::Unauthorized)));
        }
        let limited = sign_in(state, None, &login("TAMU@serangkota.go.id", "x")).await;
        assert!(matches!(limited, Err(ApiError::TooManyRequests { .. })));
    }
}
