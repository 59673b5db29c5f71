//! Password reset by an emailed one-time link: a request sends the link (valid for an hour) if the address
//! belongs to an active account, and says the same either way; confirming it with a new password changes
//! the password, spends every open link of the account and ends all its sessions. Requests are rate limited
//! per address and per client, whether or not the account exists.

use std::net::IpAddr;
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serap_shared::api::{PasswordResetConfirm, PasswordResetRequest};
use serap_shared::domain::{EmailAddress, Password};
use serap_shared::error::FieldError;

use crate::access::limited;
use crate::accounts::passwords::hash_password;
use crate::entities::{account, password_reset};
use crate::error::ApiError;
use crate::infra::audit::audit;
use crate::infra::mail::escape_html;
use crate::infra::outbox::{self, NewEmail};
use crate::infra::ratelimit::Quota;
use crate::infra::tokens::{random_token, sha256_hex};
use crate::state::AppState;

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

/// Queues a reset link for the account of `request.email`, if there is an active one; the outcome is not
/// told. A malformed address is a 422 at `email`.
pub async fn request_reset(
    state: &AppState,
    remote: Option<IpAddr>,
    request: &PasswordResetRequest,
) -> Result<(), ApiError> {
    let email = EmailAddress::parse(&request.email)
        .map_err(|e| ApiError::validation(vec![FieldError::new("email", e.to_string())]))?;
    // Limited whether or not the account exists, so a 429 tells nothing either.
    limited(
        state,
        format!("password-reset:account:{}", sha256_hex(email.as_str())),
        RESET_PER_ACCOUNT,
    )
    .await?;
    if let Some(ip) = remote {
        limited(
            state,
            format!("password-reset:addr:{ip}"),
            RESET_PER_ADDRESS,
        )
        .await?;
    }
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
        .filter(|a| a.active);
    let Some(account) = found else {
        return Ok(());
    };
    let token = random_token();
    let now = Utc::now();
    let link = format!("{}/console/reset/{token}", state.settings.base_url);
    // The link and its email commit together (docs/design.md invariant 7).
    let txn = crate::infra::db::begin_write(&state.db).await?;
    password_reset::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        account_id: Set(account.id),
        expires_at: Set(now + chrono::Duration::from_std(RESET_VALID).unwrap_or_default()),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    outbox::enqueue(
        &txn,
        state.mail_domain(),
        reset_email(&account.email, &account.name, &link),
    )
    .await?;
    txn.commit().await?;
    state.outbox_wake.notify_one();
    Ok(())
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

/// Sets the password of the link's account: 422 at `password` for a weak one (the link is then still
/// usable), at `token` for an unknown, used or expired link. Audited.
pub async fn confirm_reset(
    state: &AppState,
    request: &PasswordResetConfirm,
) -> Result<(), ApiError> {
    // Checked first, so a weak password does not use up the link.
    let password = Password::parse(&request.password)
        .map_err(|e| ApiError::validation(vec![FieldError::new("password", e.to_string())]))?;
    let token_hash = sha256_hex(request.token.trim());
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
    let hash = hash_password(password.as_str()).await?;
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
    audit(
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::EntityTrait;
    use serap_shared::api::LoginRequest;
    use serap_shared::domain::Role;

    use super::*;
    use crate::access::signin::sign_in;
    use crate::access::testing;
    use crate::entities::outbox_message;

    fn paths(err: ApiError) -> Vec<String> {
        err.body()
            .error
            .fields
            .into_iter()
            .map(|f| f.path)
            .collect()
    }

    fn confirm(token: &str, password: &str) -> PasswordResetConfirm {
        PasswordResetConfirm {
            token: token.into(),
            password: password.into(),
        }
    }

    #[tokio::test]
    async fn a_link_is_sent_to_known_addresses_only_and_works_once() {
        let test = testing::state().await;
        let state = &test.state;
        let email = EmailAddress::parse("sekretaris.bkpsdm@serangkota.go.id").unwrap();
        crate::accounts::create_account(
            &state.db,
            &email,
            "Sekretaris",
            "kata-sandi-lama",
            &[(Role::Manager, None)],
        )
        .await
        .unwrap();
        let old = sign_in(
            state,
            None,
            &LoginRequest {
                email: email.to_string(),
                password: "kata-sandi-lama".into(),
            },
        )
        .await
        .unwrap();
        let ask = |email: &str| PasswordResetRequest {
            email: email.into(),
        };
        request_reset(state, None, &ask("tidak.terdaftar@serangkota.go.id"))
            .await
            .unwrap();
        let malformed = request_reset(state, None, &ask("bukan alamat"))
            .await
            .unwrap_err();
        assert_eq!(paths(malformed), ["email"]);
        request_reset(state, None, &ask("Sekretaris.BKPSDM@SerangKota.go.id"))
            .await
            .unwrap();
        let sent = outbox_message::Entity::find().all(&state.db).await.unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].recipient, "sekretaris.bkpsdm@serangkota.go.id");
        let at = sent[0].body_text.find("/console/reset/").unwrap() + "/console/reset/".len();
        let token = &sent[0].body_text[at..at + 64];

        // A weak password leaves the link usable; an unknown link is refused at `token`.
        let weak = confirm_reset(state, &confirm(token, "pendek"))
            .await
            .unwrap_err();
        assert_eq!(paths(weak), ["password"]);
        let unknown = confirm_reset(state, &confirm(&random_token(), "kata-sandi-baru"))
            .await
            .unwrap_err();
        assert_eq!(paths(unknown), ["token"]);
        confirm_reset(state, &confirm(&format!(" {token} "), "kata-sandi-baru"))
            .await
            .unwrap();
        let again = confirm_reset(state, &confirm(token, "kata-sandi-lain"))
            .await
            .unwrap_err();
        assert_eq!(paths(again), ["token"]);
        assert!(state.sessions.get(&old.token).await.unwrap().is_none());
        let login = |password: &str| LoginRequest {
            email: email.to_string(),
            password: password.into(),
        };
        assert!(
            sign_in(state, None, &login("kata-sandi-lama"))
                .await
                .is_err()
        );
        sign_in(state, None, &login("kata-sandi-baru"))
            .await
            .unwrap();
        let log = crate::infra::audit::recent(&state.db).await.unwrap();
        assert!(log.iter().any(|e| e.action == "password_reset"));
    }

    #[test]
    fn the_reset_email_escapes_the_name_in_html_only() {
        let email = reset_email(
            "sekda@serangkota.go.id",
            "Sekretaris <BKPSDM>",
            "https://serap.serangkota.go.id/console/reset/abc",
        );
        assert_eq!(email.kind, "password_reset");
        assert_eq!(email.to, "sekda@serangkota.go.id");
        assert!(email.text.starts_with("Halo Sekretaris <BKPSDM>,"));
        assert!(email.html.contains("Halo Sekretaris &lt;BKPSDM&gt;,"));
        assert!(
            email.text.contains("/console/reset/abc") && email.html.contains("/console/reset/abc")
        );
    }
}
