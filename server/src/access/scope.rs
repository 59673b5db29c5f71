//! Which units a caller may see reports of (docs/design.md invariant 6). Admins and roles without a unit see the
//! whole city; a manager, leader or viewer role for a unit covers that unit and its subtree. The client never
//! decides this: every report handler asks `Scope::of` and filters with `contains`.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serap_shared::domain::Role;
use uuid::Uuid;

use crate::access::Caller;
use crate::entities::org_unit;
use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(HashSet<Uuid>),
}

impl Scope {
    /// The caller's report scope; 401 for nobody, 403 for an account without a report role.
    pub async fn of<C: ConnectionTrait>(caller: &Caller, db: &C) -> Result<Scope, ApiError> {
        let account = match caller {
            Caller::BootstrapToken => return Ok(Scope::All),
            other => other.account()?,
        };
        let grants: Vec<_> = account
            .roles
            .iter()
            .filter(|g| g.role.reads_reports())
            .collect();
        if grants.is_empty() {
            return Err(ApiError::Forbidden);
        }
        if grants
            .iter()
            .any(|g| g.role == Role::Admin || g.unit_id.is_none())
        {
            return Ok(Scope::All);
        }
        let children = children_of(db).await?;
        let roots = grants.iter().filter_map(|g| g.unit_id);
        Ok(Scope::Units(subtrees(&children, roots)))
    }

    /// The subtree of the unit with `code`: 404 if unknown, 403 if the unit is outside this scope.
    pub async fn narrow_to<C: ConnectionTrait>(
        &self,
        db: &C,
        code: &str,
    ) -> Result<Scope, ApiError> {
        let unit = org_unit::Entity::find()
            .filter(org_unit::Column::Code.eq(code))
            .one(db)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("unit kerja / unit {code}")))?;
        if !self.contains(unit.id) {
            return Err(ApiError::Forbidden);
        }
        Ok(Scope::Units(subtrees(&children_of(db).await?, [unit.id])))
    }

    pub fn contains(&self, unit: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(units) => units.contains(&unit),
        }
    }
}

/// Each unit's direct children.
pub async fn children_of<C: ConnectionTrait>(db: &C) -> Result<HashMap<Uuid, Vec<Uuid>>, ApiError> {
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for unit in org_unit::Entity::find().all(db).await? {
        if let Some(parent) = unit.parent_id {
            children.entry(parent).or_default().push(unit.id);
        }
    }
    Ok(children)
}

/// The given units and everything below them.
pub fn subtrees(
    children: &HashMap<Uuid, Vec<Uuid>>,
    roots: impl IntoIterator<Item = Uuid>,
) -> HashSet<Uuid> {
    let mut seen = HashSet::new();
    let mut stack: Vec<Uuid> = roots.into_iter().collect();
    while let Some(unit) = stack.pop() {
        if seen.insert(unit)
            && let Some(below) = children.get(&unit)
        {
            stack.extend(below.iter().copied());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtrees_include_every_descendant_once() {
        let (a, b, c, d) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        let children = HashMap::from([(a, vec![b, c]), (c, vec![d])]);
        assert_eq!(subtrees(&children, [c]), HashSet::from([c, d]));
        assert_eq!(subtrees(&children, [a, c]), HashSet::from([a, b, c, d]));
        assert_eq!(subtrees(&children, [b]), HashSet::from([b]));
    }
}
