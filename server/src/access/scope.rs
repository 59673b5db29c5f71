//! Which units a caller may see reports of (docs/design.md invariant 6). Admins and roles without a unit see the
//! whole city; a manager, leader or viewer role for a unit covers that unit and its subtree. The client never
//! decides this: every report handler asks `scope::of` and filters with `contains`; the
//! rule itself is shared with the console (`serap_shared::scope`).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serap_shared::domain::Role;
pub use serap_shared::scope::{Scope, subtrees};
use uuid::Uuid;

use crate::access::Caller;
use crate::entities::org_unit;
use crate::error::ApiError;

/// The caller's report scope (the rule is `serap_shared::scope::Scope::of_grants`); 401 for nobody, 403 for an account without a report role.
pub async fn of<C: ConnectionTrait>(caller: &Caller, db: &C) -> Result<Scope, ApiError> {
    let account = match caller {
        Caller::BootstrapToken => return Ok(Scope::All),
        other => other.account()?,
    };
    let grants: Vec<(Role, Option<Uuid>)> =
        account.roles.iter().map(|g| (g.role, g.unit_id)).collect();
    let children = if grants
        .iter()
        .any(|(role, unit)| role.reads_reports() && *role != Role::Admin && unit.is_some())
    {
        children_of(db).await?
    } else {
        HashMap::new()
    };
    Scope::of_grants(grants, &children).ok_or(ApiError::Forbidden)
}

/// The subtree of the unit with `code` within `scope`: 404 if unknown, 403 if the unit is outside it.
pub async fn narrow_to<C: ConnectionTrait>(
    scope: &Scope,
    db: &C,
    code: &str,
) -> Result<Scope, ApiError> {
    let unit = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("unit kerja / unit {code}")))?;
    if !scope.contains(unit.id) {
        return Err(ApiError::Forbidden);
    }
    Ok(Scope::Units(subtrees(&children_of(db).await?, [unit.id])))
}

/// Each unit's direct children, read from the database.
pub async fn children_of<C: ConnectionTrait>(db: &C) -> Result<HashMap<Uuid, Vec<Uuid>>, ApiError> {
    let units = org_unit::Entity::find().all(db).await?;
    Ok(serap_shared::scope::children_of(
        units.into_iter().map(|u| (u.id, u.parent_id)),
    ))
}
