//! Inviting people: everyone in the chosen units (with subtrees) and people, one link each, the email
//! queued with the invitation; and the invitation or reminder email itself.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serap_shared::api::{Anonymity, CreateInvitations, InvitationReport};
use serap_shared::error::FieldError;
use uuid::Uuid;

use super::link;
use super::reminders::next_reminder;
use super::reminders::policy_of;
use crate::access::scope::{children_of, subtrees};
use crate::entities::{invitation, invitation_link, org_unit, person, unanswered_invitation, wave};
use crate::error::ApiError;
use crate::infra::outbox::{self, NewEmail};
use crate::infra::tokens::{random_token, sha256_hex};
use crate::state::AppState;
use crate::waves::anonymity_of;

/// Invites everyone in `request.unit_codes` (with subtrees) and `request.person_ids` who has not been
/// invited to the wave yet and has an email address. All or nothing, audited.
pub async fn invite(
    state: &AppState,
    wave: &wave::Model,
    request: &CreateInvitations,
    actor: &str,
) -> Result<InvitationReport, ApiError> {
    let db = &state.db;
    let now = crate::infra::time::now();
    if now >= wave.closes_at {
        return Err(ApiError::Closed(
            "Survei ini sudah ditutup / This survey is closed".into(),
        ));
    }
    if request.unit_codes.is_empty() && request.person_ids.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_codes",
            "Pilih unit atau pegawai yang diundang / Choose units or people to invite",
        )]));
    }
    let units = org_unit::Entity::find().all(db).await?;
    let by_code: HashMap<&str, Uuid> = units.iter().map(|u| (u.code.as_str(), u.id)).collect();
    let mut problems = Vec::new();
    let mut roots = Vec::new();
    for (i, code) in request.unit_codes.iter().enumerate() {
        match by_code.get(code.as_str()) {
            Some(id) => roots.push(*id),
            None => problems.push(FieldError::new(
                format!("unit_codes[{i}]"),
                format!("Unit kerja tidak dikenal / Unknown unit: {code}"),
            )),
        }
    }
    let listed: Vec<person::Model> = if request.person_ids.is_empty() {
        Vec::new()
    } else {
        person::Entity::find()
            .filter(person::Column::Id.is_in(request.person_ids.clone()))
            .all(db)
            .await?
    };
    let known: HashSet<Uuid> = listed.iter().map(|p| p.id).collect();
    for (i, id) in request.person_ids.iter().enumerate() {
        if !known.contains(id) {
            problems.push(FieldError::new(
                format!("person_ids[{i}]"),
                "Pegawai tidak dikenal / Unknown person",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let audience_units = subtrees(&children_of(db).await?, roots);
    let mut audience: Vec<person::Model> = if audience_units.is_empty() {
        Vec::new()
    } else {
        person::Entity::find()
            .filter(person::Column::UnitId.is_in(audience_units))
            .order_by_asc(person::Column::Name)
            .all(db)
            .await?
    };
    let mut seen: HashSet<Uuid> = audience.iter().map(|p| p.id).collect();
    audience.extend(listed.into_iter().filter(|p| seen.insert(p.id)));

    let policy = policy_of(db, wave.id).await?;
    let txn = crate::infra::db::begin_write(db).await?;
    let already: HashSet<Uuid> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::PersonId)
        .filter(invitation::Column::WaveId.eq(wave.id))
        .into_tuple::<Uuid>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let mut report = InvitationReport {
        invited: 0,
        already_invited: 0,
        without_email: Vec::new(),
    };
    let domain = state.mail_domain();
    for person in &audience {
        if already.contains(&person.id) {
            report.already_invited += 1;
            continue;
        }
        let Some(email) = person.email.clone().filter(|e| !e.trim().is_empty()) else {
            report.without_email.push(person.name.clone());
            continue;
        };
        let token = random_token();
        let message = invitation_email(state, wave, &person.name, &email, &token, false);
        let message_id = outbox::enqueue(&txn, domain, message).await?;
        let id = Uuid::new_v4();
        invitation::Entity::insert(invitation::ActiveModel {
            id: Set(id),
            wave_id: Set(wave.id),
            person_id: Set(person.id),
            unit_id: Set(person.unit_id),
            created_at: Set(now),
            expires_at: Set(wave.closes_at),
            reminders_sent: Set(0),
            next_reminder_at: Set(next_reminder(&policy, now, 0)),
            last_message_id: Set(message_id),
        })
        .exec_without_returning(&txn)
        .await?;
        unanswered_invitation::Entity::insert(unanswered_invitation::ActiveModel {
            invitation_id: Set(id),
        })
        .exec_without_returning(&txn)
        .await?;
        add_link(&txn, id, &token).await?;
        report.invited += 1;
    }
    crate::infra::audit::audit(
        &txn,
        actor,
        "invitations.create",
        &wave.slug,
        serde_json::json!({
            "unit_codes": request.unit_codes,
            "people": request.person_ids.len(),
            "invited": report.invited,
            "already_invited": report.already_invited,
            "without_email": report.without_email.len()}),
    )
    .await?;
    txn.commit().await?;
    state.outbox_wake.notify_one();
    Ok(report)
}

pub(super) async fn add_link<C: ConnectionTrait>(
    db: &C,
    invitation_id: Uuid,
    token: &str,
) -> Result<(), ApiError> {
    invitation_link::Entity::insert(invitation_link::ActiveModel {
        token_hash: Set(sha256_hex(token)),
        invitation_id: Set(invitation_id),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The invitation or reminder email: Bahasa Indonesia, English below; text and HTML with the same facts.
pub(super) fn invitation_email(
    state: &AppState,
    wave: &wave::Model,
    name: &str,
    to: &str,
    token: &str,
    reminder: bool,
) -> NewEmail {
    let url = link(state.settings.base_url.as_str(), token);
    let deadline = wave
        .closes_at
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%d-%m-%Y %H:%M WIB")
        .to_string();
    let (privacy_id, privacy_en) = match anonymity_of(wave) {
        Anonymity::Anonymous => (
            "Survei ini anonim: jawaban Anda tidak disimpan bersama nama atau tautan Anda.",
            "This survey is anonymous: your answers are not stored with your name or link.",
        ),
        Anonymity::Confidential => (
            "Survei ini rahasia: hanya angka gabungan yang ditampilkan kepada siapa pun.",
            "This survey is confidential: only aggregated figures are shown to anyone.",
        ),
        Anonymity::Identified => (
            "Survei ini tidak anonim: jawaban Anda tercatat dengan nama Anda.",
            "This survey is not anonymous: your answers are recorded with your name.",
        ),
    };
    let (subject, intro_id, intro_en) = if reminder {
        (
            format!("Pengingat: mohon isi survei \"{}\"", wave.name),
            format!(
                "Kami belum menerima jawaban Anda untuk survei \"{}\". Mohon luangkan waktu beberapa menit untuk mengisinya.",
                wave.name
            ),
            format!(
                "We have not received your answers to the survey \"{}\" yet. Please take a few minutes to answer.",
                wave.name
            ),
        )
    } else {
        (
            format!("Undangan mengisi survei \"{}\"", wave.name),
            format!(
                "BKPSDM Kota Serang mengundang Anda mengisi survei \"{}\".",
                wave.name
            ),
            format!(
                "BKPSDM Kota Serang invites you to answer the survey \"{}\".",
                wave.name
            ),
        )
    };
    let text = format!(
        "Yth. {name},\n\n{intro_id}\n\nTautan pribadi Anda (sekali pakai, jangan dibagikan):\n{url}\n\nBatas pengisian: {deadline}.\n{privacy_id}\n\n--\nEnglish: {intro_en} Your personal one-time link (do not share it): {url}\nDeadline: {deadline}. {privacy_en}\n"
    );
    let e = crate::infra::mail::escape_html;
    let html = format!(
        "<!doctype html><html lang=\"id\"><body style=\"font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a\">\
<p>Yth. {name},</p><p>{intro_id}</p>\
<p><a href=\"{url}\" style=\"display:inline-block;background:#0b5d4b;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none\">Isi survei</a></p>\
<p style=\"font-size:14px\">Tautan pribadi Anda (sekali pakai, jangan dibagikan):<br><a href=\"{url}\">{url}</a></p>\
<p>Batas pengisian: {deadline}.<br>{privacy_id}</p>\
<hr><p lang=\"en\" style=\"font-size:14px;color:#555\">{intro_en} Your personal one-time link (do not share it): <a href=\"{url}\">{url}</a>. Deadline: {deadline}. {privacy_en}</p>\
</body></html>",
        name = e(name),
        intro_id = e(&intro_id),
        intro_en = e(&intro_en),
        url = e(&url),
        deadline = e(&deadline),
        privacy_id = e(privacy_id),
        privacy_en = e(privacy_en),
    );
    NewEmail {
        kind: if reminder { "reminder" } else { "invitation" }.into(),
        to: to.into(),
        subject,
        text,
        html,
        headers: Vec::new(),
    }
}
