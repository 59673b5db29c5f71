//! Personal invitations: an admin targets a wave at units (with their subtrees) and people; each person gets
//! a one-time link `/s/<token>` by email (queued in the same transaction as the invitation, docs/design.md invariant
//! 7). The token is stored only as its SHA-256. Reminders go to people who have not answered (anonymous
//! waves: who have not opened their link), on the wave's schedule, at most `max_reminders` each; every
//! instance runs the `Reminders` worker and a conditional update makes one of them send each reminder.
//!
//! Anonymity: in anonymous waves the link is never used to answer. Opening it issues
//! a one-time blind-signed credential (`credentials`), recorded as `credential_issuances`; the response is
//! later submitted with the credential and without the token, so the server knows who opened, never who
//! answered. Identified and confidential waves answer with the token (`submission::submit_invited`): that
//! deletes the invitation's `unanswered_invitations` row and records the link in `invitation_responses`.

pub mod routes;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serap_shared::api::{
    Anonymity, CreateInvitations, InvitationList, InvitationReport, InvitationStatus,
    ReminderPolicy, UnitResponseRate,
};
use serap_shared::error::FieldError;
use tokio::sync::watch;
use uuid::Uuid;

use crate::access::scope::{Scope, children_of, subtrees};
use crate::entities::{
    credential_issuance, invitation, invitation_link, org_unit, outbox_message, person,
    reminder_policy, unanswered_invitation, wave,
};
use crate::error::ApiError;
use crate::infra::outbox::{self, NewEmail};
use crate::infra::tokens::{random_token, sha256_hex};
use crate::state::AppState;
use crate::waves::anonymity_of;

/// How often each instance looks for due reminders.
const REMINDER_POLL: Duration = Duration::from_secs(30);
/// Reminders claimed per pass.
const REMINDER_BATCH: u64 = 200;

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
            "without_email": report.without_email.len(),
        }),
    )
    .await?;
    txn.commit().await?;
    state.outbox_wake.notify_one();
    Ok(report)
}

async fn add_link<C: ConnectionTrait>(
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

/// The wave's reminder policy (none: interval 72 h, no reminders).
pub async fn policy_of<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
) -> Result<ReminderPolicy, ApiError> {
    Ok(reminder_policy::Entity::find_by_id(wave_id)
        .one(db)
        .await?
        .map(|p| ReminderPolicy {
            interval_hours: Ord::max(p.interval_hours, 1) as u32,
            max_reminders: Ord::max(p.max_reminders, 0) as u32,
        })
        .unwrap_or(ReminderPolicy {
            interval_hours: 72,
            max_reminders: 0,
        }))
}

/// When the next reminder is due after `last` (the invitation or the previous reminder), if any is left.
fn next_reminder(policy: &ReminderPolicy, last: DateTime<Utc>, sent: i32) -> Option<DateTime<Utc>> {
    (sent < policy.max_reminders as i32)
        .then(|| last + chrono::Duration::hours(i64::from(policy.interval_hours)))
}

/// Sets the wave's reminder policy and reschedules its unanswered invitations. Audited.
pub async fn set_policy(
    state: &AppState,
    wave: &wave::Model,
    policy: &ReminderPolicy,
    actor: &str,
) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if !(1..=720).contains(&policy.interval_hours) {
        problems.push(FieldError::new(
            "interval_hours",
            "Jarak pengingat 1 sampai 720 jam / Interval must be 1 to 720 hours",
        ));
    }
    if policy.max_reminders > 10 {
        problems.push(FieldError::new(
            "max_reminders",
            "Paling banyak 10 pengingat / At most 10 reminders",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let txn = crate::infra::db::begin_write(&state.db).await?;
    reminder_policy::Entity::delete_by_id(wave.id)
        .exec(&txn)
        .await?;
    reminder_policy::Entity::insert(reminder_policy::ActiveModel {
        wave_id: Set(wave.id),
        interval_hours: Set(policy.interval_hours as i32),
        max_reminders: Set(policy.max_reminders as i32),
    })
    .exec_without_returning(&txn)
    .await?;
    // Each invitation's next reminder: `interval` after the invitation for every reminder already sent,
    // plus one.
    let rows = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave.id))
        .all(&txn)
        .await?;
    for row in rows {
        let last = row.created_at
            + chrono::Duration::hours(
                i64::from(policy.interval_hours) * i64::from(row.reminders_sent),
            );
        invitation::Entity::update_many()
            .col_expr(
                invitation::Column::NextReminderAt,
                Expr::value(next_reminder(policy, last, row.reminders_sent)),
            )
            .filter(invitation::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    crate::infra::audit::audit(
        &txn,
        actor,
        "reminders.set",
        &wave.slug,
        serde_json::json!({
            "interval_hours": policy.interval_hours,
            "max_reminders": policy.max_reminders,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Queues reminders for unanswered, unexpired invitations of open waves: those due at `now`, or with
/// `wave` every one of that wave's with reminders left. Each reminder is claimed by a conditional update
/// in the transaction that queues its email, so concurrent instances send it once. Returns how many.
pub async fn send_reminders(
    state: &AppState,
    now: DateTime<Utc>,
    wave: Option<&wave::Model>,
) -> Result<u32, ApiError> {
    let db = &state.db;
    let mut query = invitation::Entity::find()
        .filter(invitation::Column::ExpiresAt.gt(now))
        .filter(
            invitation::Column::Id.in_subquery(
                Query::select()
                    .column(unanswered_invitation::Column::InvitationId)
                    .from(unanswered_invitation::Entity)
                    .to_owned(),
            ),
        )
        // Anonymous waves: the server does not know who answered, only who opened their link (was
        // issued a credential); those are not reminded. Other waves issue no credentials.
        .filter(invitation::Column::Id.not_in_subquery(opened()));
    query = match wave {
        Some(w) => query.filter(invitation::Column::WaveId.eq(w.id)),
        None => query
            .filter(invitation::Column::NextReminderAt.lte(now))
            .order_by_asc(invitation::Column::NextReminderAt)
            .limit(REMINDER_BATCH),
    };
    let candidates = query.all(db).await?;
    let mut waves: HashMap<Uuid, Option<(Arc<wave::Model>, ReminderPolicy)>> = HashMap::new();
    let domain = state.mail_domain();
    let mut queued = 0;
    for row in candidates {
        if let std::collections::hash_map::Entry::Vacant(slot) = waves.entry(row.wave_id) {
            let found = match wave::Entity::find_by_id(row.wave_id).one(db).await? {
                Some(w) if crate::waves::is_open(&w, now) => {
                    let policy = policy_of(db, w.id).await?;
                    Some((Arc::new(w), policy))
                }
                _ => None,
            };
            slot.insert(found);
        }
        let Some((wave, policy)) = waves.get(&row.wave_id).cloned().flatten() else {
            continue;
        };
        if row.reminders_sent >= policy.max_reminders as i32 {
            continue;
        }
        let Some(person) = person::Entity::find_by_id(row.person_id).one(db).await? else {
            continue;
        };
        let Some(email) = person.email.clone().filter(|e| !e.trim().is_empty()) else {
            continue;
        };
        // Each email carries its own link (tokens are never stored, so the first one cannot be resent);
        // every link of the invitation stays valid until it is answered.
        let token = random_token();
        let txn = crate::infra::db::begin_write(db).await?;
        let message = invitation_email(state, &wave, &person.name, &email, &token, true);
        let message_id = outbox::enqueue(&txn, domain, message).await?;
        let claimed = invitation::Entity::update_many()
            .col_expr(
                invitation::Column::RemindersSent,
                Expr::col(invitation::Column::RemindersSent).add(1),
            )
            .col_expr(
                invitation::Column::NextReminderAt,
                Expr::value(next_reminder(&policy, now, row.reminders_sent + 1)),
            )
            .col_expr(invitation::Column::LastMessageId, Expr::value(message_id))
            .filter(invitation::Column::Id.eq(row.id))
            .filter(invitation::Column::RemindersSent.eq(row.reminders_sent))
            .filter(
                invitation::Column::Id.in_subquery(
                    Query::select()
                        .column(unanswered_invitation::Column::InvitationId)
                        .from(unanswered_invitation::Entity)
                        .to_owned(),
                ),
            )
            .filter(invitation::Column::Id.not_in_subquery(opened()))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            add_link(&txn, row.id, &token).await?;
            txn.commit().await?;
            queued += 1;
        } else {
            txn.rollback().await?;
        }
    }
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(queued)
}

/// The invitations that were issued a credential (anonymous waves: "opened").
fn opened() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(credential_issuance::Column::InvitationId)
        .from(credential_issuance::Entity)
        .to_owned()
}

/// The reminder worker every instance runs: a pass every 30 seconds.
pub struct Reminders {
    pub state: AppState,
}

impl Reminders {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            match send_reminders(&self.state, crate::infra::time::now(), None).await {
                Ok(n) if n > 0 => tracing::info!(reminders = n, "reminders queued"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "reminder pass failed"),
            }
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tokio::time::sleep(REMINDER_POLL) => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }
}

/// The wave's invitations with their state and the delivery of their latest email.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    wave: &wave::Model,
) -> Result<InvitationList, ApiError> {
    let now = crate::infra::time::now();
    let rows = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave.id))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let anonymous = anonymity_of(wave) == Anonymity::Anonymous;
    let mut unanswered = HashSet::new();
    let mut opened = HashSet::new();
    let mut delivery: HashMap<String, String> = HashMap::new();
    let mut people: HashMap<Uuid, person::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        unanswered.extend(
            unanswered_invitation::Entity::find()
                .filter(unanswered_invitation::Column::InvitationId.is_in(chunk.to_vec()))
                .all(db)
                .await?
                .into_iter()
                .map(|u| u.invitation_id),
        );
        if anonymous {
            opened.extend(
                credential_issuance::Entity::find()
                    .filter(credential_issuance::Column::InvitationId.is_in(chunk.to_vec()))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|u| u.invitation_id),
            );
        }
    }
    for chunk in rows.chunks(500) {
        let message_ids: Vec<String> = chunk.iter().map(|r| r.last_message_id.clone()).collect();
        delivery.extend(
            outbox_message::Entity::find()
                .select_only()
                .column(outbox_message::Column::MessageId)
                .column(outbox_message::Column::Status)
                .filter(outbox_message::Column::MessageId.is_in(message_ids))
                .into_tuple::<(String, String)>()
                .all(db)
                .await?,
        );
        let person_ids: Vec<Uuid> = chunk.iter().map(|r| r.person_id).collect();
        people.extend(
            person::Entity::find()
                .filter(person::Column::Id.is_in(person_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p)),
        );
    }
    let codes: HashMap<Uuid, String> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut invitations: Vec<InvitationStatus> = rows
        .into_iter()
        .map(|row| {
            let person = people.get(&row.person_id);
            // Anonymous waves: who opened their link is known, who answered is not.
            let state = if anonymous {
                if opened.contains(&row.id) {
                    "opened"
                } else if now >= row.expires_at {
                    "expired"
                } else {
                    "not_opened"
                }
            } else if !unanswered.contains(&row.id) {
                "answered"
            } else if now >= row.expires_at {
                "expired"
            } else {
                "open"
            };
            InvitationStatus {
                id: row.id,
                person_name: person.map(|p| p.name.clone()).unwrap_or_default(),
                email: person.and_then(|p| p.email.clone()).unwrap_or_default(),
                unit_code: codes.get(&row.unit_id).cloned().unwrap_or_default(),
                state: state.into(),
                delivery: delivery
                    .get(&row.last_message_id)
                    .cloned()
                    .unwrap_or_else(|| outbox::STATUS_PENDING.into()),
                reminders_sent: Ord::max(row.reminders_sent, 0) as u32,
            }
        })
        .collect();
    invitations.sort_by(|a, b| {
        (a.unit_code.as_str(), a.person_name.as_str())
            .cmp(&(b.unit_code.as_str(), b.person_name.as_str()))
    });
    Ok(InvitationList {
        reminders: policy_of(db, wave.id).await?,
        invitations,
    })
}

/// Response rate per unit (answered invitations / invited people) for the units of `scope` that have
/// invitations, counted in the database.
pub async fn response_rates<C: ConnectionTrait>(
    db: &C,
    wave: &wave::Model,
    scope: &Scope,
) -> Result<Vec<UnitResponseRate>, ApiError> {
    let query = Query::select()
        .column((invitation::Entity, invitation::Column::UnitId))
        .expr_as(
            Func::count(Expr::col((invitation::Entity, invitation::Column::Id))),
            Alias::new("invited"),
        )
        .expr_as(
            Func::count(Expr::col((
                unanswered_invitation::Entity,
                unanswered_invitation::Column::InvitationId,
            ))),
            Alias::new("unanswered"),
        )
        .from(invitation::Entity)
        .left_join(
            unanswered_invitation::Entity,
            Expr::col((
                unanswered_invitation::Entity,
                unanswered_invitation::Column::InvitationId,
            ))
            .equals((invitation::Entity, invitation::Column::Id)),
        )
        .and_where(Expr::col((invitation::Entity, invitation::Column::WaveId)).eq(wave.id))
        .group_by_col((invitation::Entity, invitation::Column::UnitId))
        .to_owned();
    let rows = db.query_all(&query).await?;
    let units: HashMap<Uuid, org_unit::Model> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut counts: Vec<(Uuid, i64, i64)> = Vec::new();
    for row in rows {
        let unit_id: Uuid = row.try_get("", "unit_id")?;
        let invited: i64 = row.try_get("", "invited")?;
        let unanswered: i64 = row.try_get("", "unanswered")?;
        counts.push((unit_id, invited, Ord::max(invited - unanswered, 0)));
    }
    if anonymity_of(wave) == serap_shared::api::Anonymity::Anonymous {
        counts = released_rates(db, wave.id, scope, counts).await?;
    }
    let mut out = Vec::new();
    for (unit_id, invited, answered) in counts {
        if !scope.contains(unit_id) {
            continue;
        }
        let unit = units.get(&unit_id);
        out.push(UnitResponseRate {
            unit_id,
            unit_code: unit.map(|u| u.code.clone()).unwrap_or_default(),
            unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
            invited: invited as u32,
            answered: answered as u32,
            rate: if invited > 0 {
                answered as f64 / invited as f64
            } else {
                0.0
            },
        });
    }
    out.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    Ok(out)
}

/// Anonymous waves: the server does not know who answered, and a live count per unit would tell when
/// someone did. Answered figures come from the released counters: one row per atom (its holder unit, with
/// the invitations of all its members), answered = the atom's released respondents (open-link responses
/// included when the link is open); invited units whose responses are not released yet read 0 answered.
async fn released_rates<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
    scope: &Scope,
    counts: Vec<(Uuid, i64, i64)>,
) -> Result<Vec<(Uuid, i64, i64)>, ApiError> {
    use serap_shared::report::keys::MEMBER_KEY;
    use serap_shared::survey::RESPONSES_KEY;
    let released = crate::reports::counters::read_totals(db, wave_id).await?;
    let mut holder_of: HashMap<Uuid, Uuid> = HashMap::new();
    let mut respondents: HashMap<Uuid, i64> = HashMap::new();
    for row in &released {
        if row.key == MEMBER_KEY {
            if let Ok(member) = row.bucket.parse::<Uuid>() {
                holder_of.insert(member, row.unit_id);
            }
        } else if row.key == RESPONSES_KEY {
            *respondents.entry(row.unit_id).or_default() += row.count;
        }
    }
    let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (member, holder) in &holder_of {
        members.entry(*holder).or_default().push(*member);
    }
    let mut rows: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for (unit, invited, _) in counts {
        let holder = holder_of.get(&unit).copied().unwrap_or(unit);
        rows.entry(holder).or_default().0 += invited;
    }
    Ok(rows
        .into_iter()
        .map(|(holder, (invited, _))| {
            let whole = members
                .get(&holder)
                .is_none_or(|m| m.iter().all(|u| scope.contains(*u)));
            let answered = if whole {
                respondents.get(&holder).copied().unwrap_or(0)
            } else {
                0
            };
            (holder, invited, answered)
        })
        .collect())
}

/// The invitation or reminder email: Bahasa Indonesia, English below; text and HTML with the same facts.
fn invitation_email(
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
