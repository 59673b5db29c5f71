//! Which units a set of role grants may see reports of (docs/design.md invariant 6), as one pure rule for
//! the server, which enforces it, and the console, which only offers the units it may ask for: an admin
//! grant or a grant without a unit covers the whole city; a manager, leader or viewer grant for a unit
//! covers that unit and its subtree.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::domain::Role;

/// The units a caller may see reports of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(HashSet<Uuid>),
}

impl Scope {
    /// The scope of `grants` over the unit tree given by `children` (each unit's direct children); `None`
    /// when no grant reads reports.
    pub fn of_grants(
        grants: impl IntoIterator<Item = (Role, Option<Uuid>)>,
        children: &HashMap<Uuid, Vec<Uuid>>,
    ) -> Option<Scope> {
        let grants: Vec<(Role, Option<Uuid>)> = grants
            .into_iter()
            .filter(|(role, _)| role.reads_reports())
            .collect();
        if grants.is_empty() {
            return None;
        }
        if grants
            .iter()
            .any(|(role, unit)| *role == Role::Admin || unit.is_none())
        {
            return Some(Scope::All);
        }
        let roots = grants.iter().filter_map(|(_, unit)| *unit);
        Some(Scope::Units(subtrees(children, roots)))
    }

    pub fn contains(&self, unit: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(units) => units.contains(&unit),
        }
    }
}

/// Each unit's direct children, from `(unit, parent)` pairs.
pub fn children_of(
    units: impl IntoIterator<Item = (Uuid, Option<Uuid>)>,
) -> HashMap<Uuid, Vec<Uuid>> {
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (unit, parent) in units {
        if let Some(parent) = parent {
            children.entry(parent).or_default().push(unit);
        }
    }
    children
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

    fn ids() -> (Uuid, Uuid, Uuid, Uuid) {
        (
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            Uuid::from_u128(4),
        )
    }

    #[test]
    fn subtrees_include_every_descendant_once() {
        let (a, b, c, d) = ids();
        let children = children_of([(b, Some(a)), (c, Some(a)), (d, Some(c)), (a, None)]);
        assert_eq!(subtrees(&children, [c]), HashSet::from([c, d]));
        assert_eq!(subtrees(&children, [a, c]), HashSet::from([a, b, c, d]));
        assert_eq!(subtrees(&children, [b]), HashSet::from([b]));
    }

    #[test]
    fn grants_give_the_city_or_their_subtrees() {
        let (a, b, c, d) = ids();
        let children = children_of([(b, Some(a)), (c, Some(a)), (d, Some(c))]);
        assert_eq!(Scope::of_grants([], &children), None);
        assert_eq!(
            Scope::of_grants([(Role::Admin, Some(d))], &children),
            Some(Scope::All)
        );
        assert_eq!(
            Scope::of_grants([(Role::Viewer, None)], &children),
            Some(Scope::All)
        );
        let scope = Scope::of_grants(
            [(Role::Manager, Some(c)), (Role::Leader, Some(b))],
            &children,
        )
        .unwrap();
        assert_eq!(scope, Scope::Units(HashSet::from([b, c, d])));
        assert!(scope.contains(d) && !scope.contains(a));
    }
}
