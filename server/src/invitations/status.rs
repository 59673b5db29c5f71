//! The admin's view of a wave's invitations and the response rates per unit (anonymous waves: from the
//! released figures only).

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serap_shared::api::{Anonymity, InvitationList, InvitationStatus, UnitResponseRate};
use uuid::Uuid;

use super::reminders::policy_of;
use crate::access::scope::Scope;
use crate::entities::{
    credential_issuance, invitation, org_unit, outbox_message, person, unanswered_invitation, wave,
};
use crate::error::ApiError;
use crate::infra::outbox::{self};
use crate::waves::anonymity_of;

/// The invitations that were issued a credential (anonymous waves: "opened").
pub(super) fn opened() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(credential_issuance::Column::InvitationId)
        .from(credential_issuance::Entity)
        .to_owned()
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
pub(super) async fn released_rates<C: ConnectionTrait>(
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
