//! Subscriptions: create, change, delete and list, with their delivery status.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serap_shared::digest::{Cadence, NewSubscription, SubscriptionChanges, SubscriptionStatus};
use serap_shared::domain::EmailAddress;
use serap_shared::error::FieldError;
use uuid::Uuid;

use super::figures::{account_scope, unit_ids};
use crate::access::scope::Scope;
use crate::entities::digest_period::{self, Entity as Period};
use crate::entities::digest_subscription::{self, Entity as Subscriptions};
use crate::entities::{account, org_unit, outbox_message};
use crate::error::ApiError;
use crate::infra::outbox::{self};
use crate::state::AppState;

pub async fn find(state: &AppState, id: Uuid) -> Result<digest_subscription::Model, ApiError> {
    Subscriptions::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound("langganan ringkasan / digest subscription".into()))
}

pub(super) fn check_cadences(cadences: &[Cadence], problems: &mut Vec<FieldError>) {
    if cadences.is_empty() {
        problems.push(FieldError::new(
            "cadences",
            "Pilih paling sedikit satu jadwal / Choose at least one cadence",
        ));
    }
}

pub(super) fn check_lang(lang: &str, problems: &mut Vec<FieldError>) -> String {
    match lang {
        "id" | "en" => lang.to_string(),
        _ => {
            problems.push(FieldError::new(
                "lang",
                "Bahasa: id atau en / Language: id or en",
            ));
            "id".into()
        }
    }
}

pub(super) fn check_name(name: &str, problems: &mut Vec<FieldError>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(FieldError::new(
            "name",
            "Nama wajib diisi, paling panjang 200 karakter / Name is required, at most 200 characters",
        ));
    }
    name.to_string()
}

pub(super) fn check_email(email: &str, problems: &mut Vec<FieldError>) -> String {
    match EmailAddress::parse(email.trim()) {
        Ok(address) => address.as_str().to_string(),
        Err(_) => {
            problems.push(FieldError::new(
                "email",
                "Alamat email tidak valid / Invalid email address",
            ));
            String::new()
        }
    }
}

/// Unit codes to ids; unknown codes, or units outside `allowed`, are named by index.
pub(super) async fn check_units(
    state: &AppState,
    codes: &[String],
    allowed: Option<&Scope>,
    problems: &mut Vec<FieldError>,
) -> Result<Vec<Uuid>, ApiError> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let by_code: HashMap<String, Uuid> = org_unit::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let mut ids = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match by_code.get(code) {
            None => problems.push(FieldError::new(
                format!("unit_codes[{i}]"),
                format!("Unit kerja tidak dikenal / Unknown unit: {code}"),
            )),
            Some(id) if allowed.is_some_and(|s| !s.contains(*id)) => {
                problems.push(FieldError::new(
                    format!("unit_codes[{i}]"),
                    format!("Di luar cakupan pemimpin ini / Outside this leader's scope: {code}"),
                ))
            }
            Some(id) => {
                if !ids.contains(id) {
                    ids.push(*id);
                }
            }
        }
    }
    Ok(ids)
}

pub(super) fn has(cadences: &[Cadence], c: Cadence) -> bool {
    cadences.contains(&c)
}

/// Creates a subscription. Audited.
pub async fn create(
    state: &AppState,
    request: &NewSubscription,
    actor: &str,
) -> Result<SubscriptionStatus, ApiError> {
    let mut problems = Vec::new();
    let mut leader_scope = None;
    let (email, name) = match request.account_id {
        Some(account_id) => {
            let found = account::Entity::find_by_id(account_id)
                .one(&state.db)
                .await?;
            let roles = match &found {
                Some(a) if a.active => crate::accounts::roles_of(&state.db, a.id).await?,
                _ => Vec::new(),
            };
            match found {
                Some(a)
                    if roles
                        .iter()
                        .any(|r| r.role == serap_shared::domain::Role::Leader) =>
                {
                    leader_scope = account_scope(state, a.id).await?;
                    (
                        match &request.email {
                            Some(e) => check_email(e, &mut problems),
                            None => a.email,
                        },
                        match &request.name {
                            Some(n) => check_name(n, &mut problems),
                            None => a.name,
                        },
                    )
                }
                _ => {
                    problems.push(FieldError::new(
                        "account_id",
                        "Bukan akun aktif dengan peran pemimpin / Not an active account with the leader role",
                    ));
                    (String::new(), String::new())
                }
            }
        }
        None => {
            let email = match &request.email {
                Some(e) => check_email(e, &mut problems),
                None => {
                    problems.push(FieldError::new(
                        "email",
                        "Email wajib diisi tanpa akun / An email is required without an account",
                    ));
                    String::new()
                }
            };
            (
                email,
                check_name(request.name.as_deref().unwrap_or(""), &mut problems),
            )
        }
    };
    check_cadences(&request.cadences, &mut problems);
    let lang = check_lang(request.lang.as_deref().unwrap_or("id"), &mut problems);
    let units = check_units(
        state,
        &request.unit_codes,
        leader_scope.as_ref(),
        &mut problems,
    )
    .await?;
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let now = crate::infra::time::now();
    let id = Uuid::new_v4();
    let txn = crate::infra::db::begin_write(&state.db).await?;
    Subscriptions::insert(digest_subscription::ActiveModel {
        id: Set(id),
        account_id: Set(request.account_id),
        email: Set(email),
        name: Set(name),
        unit_ids: Set(serde_json::json!(units)),
        daily: Set(has(&request.cadences, Cadence::Daily)),
        weekly: Set(has(&request.cadences, Cadence::Weekly)),
        on_close: Set(has(&request.cadences, Cadence::WaveClosed)),
        lang: Set(lang),
        active: Set(true),
        since: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    crate::infra::audit::audit(
        &txn,
        actor,
        "digests.create",
        &id.to_string(),
        serde_json::json!({ "unit_codes": request.unit_codes, "cadences": request.cadences }),
    )
    .await?;
    txn.commit().await?;
    status_of(state, id).await
}

/// Applies `changes` to subscription `id`. A new cadence or a reactivation starts from now: periods that
/// began before are not sent. Audited with `actor`.
pub async fn update(
    state: &AppState,
    id: Uuid,
    changes: &SubscriptionChanges,
    actor: &str,
) -> Result<SubscriptionStatus, ApiError> {
    let sub = find(state, id).await?;
    let mut problems = Vec::new();
    let name = changes
        .name
        .as_deref()
        .map(|n| check_name(n, &mut problems));
    let email = changes
        .email
        .as_deref()
        .map(|e| check_email(e, &mut problems));
    if let Some(c) = &changes.cadences {
        check_cadences(c, &mut problems);
    }
    let lang = changes
        .lang
        .as_deref()
        .map(|l| check_lang(l, &mut problems));
    let leader_scope = match sub.account_id {
        Some(a) => account_scope(state, a).await?,
        None => None,
    };
    let units = match &changes.unit_codes {
        Some(codes) => Some(check_units(state, codes, leader_scope.as_ref(), &mut problems).await?),
        None => None,
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let now = crate::infra::time::now();
    let mut model: digest_subscription::ActiveModel = sub.clone().into();
    let mut restart = false;
    if let Some(n) = name {
        model.name = Set(n);
    }
    if let Some(e) = email {
        model.email = Set(e);
    }
    if let Some(l) = lang {
        model.lang = Set(l);
    }
    if let Some(u) = units {
        model.unit_ids = Set(serde_json::json!(u));
    }
    if let Some(c) = &changes.cadences {
        let (daily, weekly, on_close) = (
            has(c, Cadence::Daily),
            has(c, Cadence::Weekly),
            has(c, Cadence::WaveClosed),
        );
        restart |= (daily && !sub.daily) || (weekly && !sub.weekly) || (on_close && !sub.on_close);
        model.daily = Set(daily);
        model.weekly = Set(weekly);
        model.on_close = Set(on_close);
    }
    if let Some(active) = changes.active {
        restart |= active && !sub.active;
        model.active = Set(active);
    }
    if restart {
        model.since = Set(now);
    }
    model.updated_at = Set(now);
    let txn = crate::infra::db::begin_write(&state.db).await?;
    Subscriptions::update(model).exec(&txn).await?;
    crate::infra::audit::audit(
        &txn,
        actor,
        "digests.update",
        &id.to_string(),
        serde_json::json!({
            "cadences": changes.cadences,
            "unit_codes": changes.unit_codes,
            "lang": changes.lang,
            "active": changes.active}),
    )
    .await?;
    txn.commit().await?;
    status_of(state, id).await
}

/// Deletes subscription `id` and its claimed periods. Audited.
pub async fn delete(state: &AppState, id: Uuid, actor: &str) -> Result<(), ApiError> {
    find(state, id).await?;
    let txn = crate::infra::db::begin_write(&state.db).await?;
    Period::delete_many()
        .filter(digest_period::Column::SubscriptionId.eq(id))
        .exec(&txn)
        .await?;
    Subscriptions::delete_by_id(id).exec(&txn).await?;
    crate::infra::audit::audit(
        &txn,
        actor,
        "digests.delete",
        &id.to_string(),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub(super) fn cadences_of(sub: &digest_subscription::Model) -> Vec<Cadence> {
    let mut out = Vec::new();
    if sub.daily {
        out.push(Cadence::Daily);
    }
    if sub.weekly {
        out.push(Cadence::Weekly);
    }
    if sub.on_close {
        out.push(Cadence::WaveClosed);
    }
    out
}

pub(super) async fn status_of(state: &AppState, id: Uuid) -> Result<SubscriptionStatus, ApiError> {
    let sub = find(state, id).await?;
    list_of(state, vec![sub])
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("subscription vanished").into())
}

/// Every subscription with its delivery status.
pub async fn list(state: &AppState) -> Result<Vec<SubscriptionStatus>, ApiError> {
    let subs = Subscriptions::find()
        .order_by_asc(digest_subscription::Column::CreatedAt)
        .all(&state.db)
        .await?;
    list_of(state, subs).await
}

pub(super) async fn list_of(
    state: &AppState,
    subs: Vec<digest_subscription::Model>,
) -> Result<Vec<SubscriptionStatus>, ApiError> {
    let db = &state.db;
    let codes: HashMap<Uuid, String> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let ids: Vec<Uuid> = subs.iter().map(|s| s.id).collect();
    // Latest period per subscription, and every message id (for the failures).
    let mut latest: HashMap<Uuid, digest_period::Model> = HashMap::new();
    let mut messages: BTreeMap<String, Uuid> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for row in Period::find()
            .filter(digest_period::Column::SubscriptionId.is_in(chunk.to_vec()))
            .order_by_asc(digest_period::Column::ClaimedAt)
            .all(db)
            .await?
        {
            if !row.message_id.is_empty() {
                messages.insert(row.message_id.clone(), row.subscription_id);
            }
            latest.insert(row.subscription_id, row);
        }
    }
    let failed: Vec<String> = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::MessageId)
        .filter(outbox_message::Column::Kind.eq("digest"))
        .filter(outbox_message::Column::Status.eq(outbox::STATUS_FAILED))
        .into_tuple::<String>()
        .all(db)
        .await?;
    let mut failures: HashMap<Uuid, u32> = HashMap::new();
    for message_id in failed {
        if let Some(sub) = messages.get(&message_id) {
            *failures.entry(*sub).or_default() += 1;
        }
    }
    let latest_ids: Vec<String> = latest
        .values()
        .map(|p| p.message_id.clone())
        .filter(|m| !m.is_empty())
        .collect();
    let mut delivery: HashMap<String, String> = HashMap::new();
    for chunk in latest_ids.chunks(500) {
        delivery.extend(
            outbox_message::Entity::find()
                .select_only()
                .column(outbox_message::Column::MessageId)
                .column(outbox_message::Column::Status)
                .filter(outbox_message::Column::MessageId.is_in(chunk.to_vec()))
                .into_tuple::<(String, String)>()
                .all(db)
                .await?,
        );
    }
    Ok(subs
        .into_iter()
        .map(|sub| {
            let last = latest.get(&sub.id);
            SubscriptionStatus {
                id: sub.id,
                account_id: sub.account_id,
                email: sub.email.clone(),
                name: sub.name.clone(),
                unit_codes: unit_ids(&sub)
                    .iter()
                    .filter_map(|u| codes.get(u).cloned())
                    .collect(),
                cadences: cadences_of(&sub),
                lang: sub.lang.clone(),
                active: sub.active,
                created_at: crate::infra::time::wib_rfc3339(sub.created_at),
                last_period: last.map(|p| p.period.clone()),
                last_claimed_at: last.map(|p| crate::infra::time::wib_rfc3339(p.claimed_at)),
                last_delivery: last.map(|p| {
                    if p.message_id.is_empty() {
                        "none".to_string()
                    } else {
                        delivery
                            .get(&p.message_id)
                            .cloned()
                            .unwrap_or_else(|| outbox::STATUS_PENDING.into())
                    }
                }),
                failures: failures.get(&sub.id).copied().unwrap_or(0),
            }
        })
        .collect())
}
