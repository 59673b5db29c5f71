//! Personal invitations: an admin targets a wave at units (with their subtrees) and people; each person gets
//! a one-time link `/s/<token>` by email (queued in the same transaction as the invitation, docs/design.md invariant
//! 7). The token is stored only as its SHA-256. Reminders go to people who have not answered (anonymous
//! waves: who have not opened their link), on the wave's schedule, at most `max_reminders` each; every
//! instance runs the `Reminders` worker and a conditional update makes one of them send each reminder.
//!
//! Anonymity: in anonymous waves the link is never used to answer. Opening it issues
//! a one-time blind-signed credential (`responses::credentials`), recorded as `credential_issuances`; the response is
//! later submitted with the credential and without the token, so the server knows who opened, never who
//! answered. Identified and confidential waves answer with the token (`responses::submit_invited`): that
//! deletes the invitation's `unanswered_invitations` row and records the link in `invitation_responses`.

mod invite;
mod reminders;
pub mod routes;
mod status;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::entities::{invitation, invitation_link, unanswered_invitation, wave};
use crate::error::ApiError;
use crate::infra::tokens::sha256_hex;

/// The personal link of a token.
pub fn link(base_url: &str, token: &str) -> String {
    format!("{}/s/{token}", base_url.trim_end_matches('/'))
}

/// An invitation looked up by the token of its link, with its wave.
pub struct Invited {
    pub invitation: invitation::Model,
    pub wave: wave::Model,
}

/// The invitation behind `token`: 404 if unknown, 410 `invitation_used` once answered, 410
/// `invitation_expired` after its expiry.
pub async fn by_token<C: ConnectionTrait>(db: &C, token: &str) -> Result<Invited, ApiError> {
    let unknown = || ApiError::NotFound("tautan undangan / invitation link".into());
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(unknown());
    }
    let link = invitation_link::Entity::find_by_id(sha256_hex(token))
        .one(db)
        .await?
        .ok_or_else(unknown)?;
    let invitation = invitation::Entity::find_by_id(link.invitation_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("link without its invitation"))?;
    let wave = wave::Entity::find_by_id(invitation.wave_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("invitation {} without its wave", invitation.id))?;
    Ok(Invited { invitation, wave })
}

impl Invited {
    pub async fn is_answered<C: ConnectionTrait>(&self, db: &C) -> Result<bool, ApiError> {
        Ok(
            unanswered_invitation::Entity::find_by_id(self.invitation.id)
                .one(db)
                .await?
                .is_none(),
        )
    }

    /// 410 if the link can no longer be used.
    pub async fn ensure_usable<C: ConnectionTrait>(
        &self,
        db: &C,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if self.is_answered(db).await? {
            return Err(used());
        }
        if now >= self.invitation.expires_at {
            return Err(ApiError::Gone {
                code: "invitation_expired",
                message: "Masa berlaku tautan ini sudah habis / This link has expired".into(),
            });
        }
        Ok(())
    }
}

pub fn used() -> ApiError {
    ApiError::Gone {
        code: "invitation_used",
        message: "Tautan ini sudah dipakai untuk mengisi survei / This link has already been used"
            .into(),
    }
}

pub use invite::invite;
pub use reminders::{Reminders, policy_of, send_reminders, set_policy};
pub use status::{list, response_rates};
