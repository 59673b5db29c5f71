//! The threshold protection (docs/design.md invariant 5), the one place every figure goes through: the unit tree,
//! the atoms (each unit's responses, small ones merged upwards) and the groups (unions of whole atoms) that
//! every figure of a report is computed from. See the module documentation of `report` for the scheme.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use uuid::Uuid;

use super::CounterRow;
use super::keys::MEMBER_KEY;
use crate::api::Unit;
use crate::survey::RESPONSES_KEY;

/// Counters by key, then bucket: (count, sum).
pub(crate) type Buckets = HashMap<String, HashMap<String, (i64, f64)>>;

/// Adds `from` into `into`.
fn merge(into: &mut Buckets, from: &Buckets) {
    for (key, buckets) in from {
        let target = match into.get_mut(key) {
            Some(t) => t,
            None => into.entry(key.clone()).or_default(),
        };
        for (bucket, (count, sum)) in buckets {
            let entry = match target.get_mut(bucket) {
                Some(e) => e,
                None => target.entry(bucket.clone()).or_insert((0, 0.0)),
            };
            entry.0 += count;
            entry.1 += sum;
        }
    }
}

/// The unit tree, cleaned: duplicate ids keep their first entry, unknown parents and cycles become roots.
pub(crate) struct Tree<'a> {
    units: HashMap<Uuid, &'a Unit>,
    parent: HashMap<Uuid, Uuid>,
    children: HashMap<Uuid, Vec<Uuid>>,
    /// Parents before children; roots and siblings by code.
    order: Vec<Uuid>,
    /// A unit's sector, or its nearest ancestor's.
    sector: HashMap<Uuid, Option<String>>,
}

impl<'a> Tree<'a> {
    pub(crate) fn new(list: &'a [Unit]) -> Tree<'a> {
        let mut units: HashMap<Uuid, &Unit> = HashMap::new();
        for unit in list {
            units.entry(unit.id).or_insert(unit);
        }
        let mut parent: HashMap<Uuid, Uuid> = units
            .values()
            .filter_map(|u| {
                let p = u.parent_id?;
                (p != u.id && units.contains_key(&p)).then_some((u.id, p))
            })
            .collect();
        let by_code = |a: &Uuid, b: &Uuid| {
            let (ua, ub) = (units[a], units[b]);
            (ua.code.as_str(), ua.id).cmp(&(ub.code.as_str(), ub.id))
        };
        let mut order: Vec<Uuid> = Vec::with_capacity(units.len());
        let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        let mut placed: HashSet<Uuid> = HashSet::new();
        loop {
            children.clear();
            for (&c, &p) in &parent {
                children.entry(p).or_default().push(c);
            }
            for list in children.values_mut() {
                list.sort_by(by_code);
            }
            let mut roots: Vec<Uuid> = units
                .keys()
                .filter(|id| !parent.contains_key(id) && !placed.contains(id))
                .copied()
                .collect();
            roots.sort_by(by_code);
            let mut queue: std::collections::VecDeque<Uuid> = roots.into();
            while let Some(u) = queue.pop_front() {
                if placed.insert(u) {
                    order.push(u);
                    queue.extend(children.get(&u).into_iter().flatten().copied());
                }
            }
            // Units left over sit on parent cycles: the smallest code becomes a root, and again.
            let mut left: Vec<Uuid> = units
                .keys()
                .filter(|id| !placed.contains(id))
                .copied()
                .collect();
            if left.is_empty() {
                break;
            }
            left.sort_by(by_code);
            parent.remove(&left[0]);
        }
        let mut sector: HashMap<Uuid, Option<String>> = HashMap::new();
        for &u in &order {
            let own = units[&u]
                .sector
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let inherited = own.or_else(|| parent.get(&u).and_then(|p| sector[p].clone()));
            sector.insert(u, inherited);
        }
        Tree {
            units,
            parent,
            children,
            order,
            sector,
        }
    }

    pub(crate) fn unit(&self, id: Uuid) -> Option<&'a Unit> {
        self.units.get(&id).copied()
    }

    pub(crate) fn parent(&self, id: Uuid) -> Option<Uuid> {
        self.parent.get(&id).copied()
    }

    pub(crate) fn children(&self, id: Uuid) -> &[Uuid] {
        self.children.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Every unit, parents before children.
    pub(crate) fn order(&self) -> &[Uuid] {
        &self.order
    }

    pub(crate) fn sector(&self, id: Uuid) -> Option<&str> {
        self.sector.get(&id).and_then(|s| s.as_deref())
    }

    /// `root` and its descendants.
    pub(crate) fn subtree(&self, root: Uuid) -> BTreeSet<Uuid> {
        let mut out = BTreeSet::new();
        if !self.units.contains_key(&root) {
            return out;
        }
        let mut stack = vec![root];
        while let Some(u) = stack.pop() {
            if out.insert(u) {
                stack.extend(self.children(u).iter().copied());
            }
        }
        out
    }
}

/// One unit's responses together with those of small descendants merged into it: 0 or >= k respondents.
#[derive(Debug, Clone, Default)]
pub(crate) struct Atom {
    /// The units whose responses it holds (the holder and merged descendants).
    pub(crate) members: BTreeSet<Uuid>,
    pub(crate) respondents: i64,
    pub(crate) counters: Buckets,
}

/// The atoms of one wave's counters, keyed by the unit holding them, and each unit's own response count.
pub(crate) struct Atoms {
    pub(crate) atoms: BTreeMap<Uuid, Atom>,
    pub(crate) raw: HashMap<Uuid, i64>,
}

fn responses_of(counters: &Buckets) -> i64 {
    counters
        .get(RESPONSES_KEY)
        .and_then(|b| b.get("all"))
        .map_or(0, |c| c.0)
}

/// Step 1 of the scheme: the atoms of released counters (rows keyed by holder unit, with their
/// [`MEMBER_KEY`] rows; live counters without them are each unit's own atom). Bottom-up over the tree, an
/// atom with fewer than k respondents is merged into its parent's; a root still below k is dropped (with
/// released counters of the same k this changes nothing: the release pass forms atoms of at least k).
/// Counters of units not in the tree are dropped.
pub(crate) fn atoms(tree: &Tree, rows: &[CounterRow], k: i64) -> Atoms {
    let mut acc: HashMap<Uuid, Atom> = HashMap::new();
    for row in rows {
        if tree.unit(row.unit_id).is_none() {
            continue;
        }
        let atom = acc.entry(row.unit_id).or_default();
        if row.key == MEMBER_KEY {
            if let Ok(member) = row.bucket.parse::<Uuid>() {
                atom.members.insert(member);
            }
            continue;
        }
        let entry = atom
            .counters
            .entry(row.key.clone())
            .or_default()
            .entry(row.bucket.clone())
            .or_insert((0, 0.0));
        entry.0 += row.count;
        entry.1 += row.sum;
    }
    let mut raw = HashMap::new();
    for (&unit, atom) in acc.iter_mut() {
        atom.members.insert(unit);
        atom.respondents = responses_of(&atom.counters);
        // A member's own responses are not known apart from its atom's: 1 marks "some".
        for member in &atom.members {
            let mark = if *member == unit {
                atom.respondents
            } else {
                i64::from(atom.respondents > 0)
            };
            let e = raw.entry(*member).or_insert(0);
            *e = Ord::max(*e, mark);
        }
    }
    let mut atoms = BTreeMap::new();
    for &unit in tree.order().iter().rev() {
        let Some(atom) = acc.remove(&unit) else {
            continue;
        };
        if atom.respondents >= k {
            atoms.insert(unit, atom);
        } else if let Some(parent) = tree.parent(unit) {
            let target = acc.entry(parent).or_default();
            target.members.insert(parent);
            target.members.extend(atom.members);
            target.respondents += atom.respondents;
            merge(&mut target.counters, &atom.counters);
        }
    }
    Atoms { atoms, raw }
}

/// What a report may draw on: the units it covers (filter ∩ sector ∩ scope) and the atoms held by them
/// whose every member is in scope.
#[derive(Clone)]
pub(crate) struct View<'a> {
    pub(crate) tree: &'a Tree<'a>,
    pub(crate) units: BTreeSet<Uuid>,
    pub(crate) scope: Option<&'a HashSet<Uuid>>,
    pub(crate) headcount: &'a HashMap<Uuid, u32>,
    pub(crate) k: i64,
}

impl View<'_> {
    pub(crate) fn in_scope(&self, unit: Uuid) -> bool {
        self.scope.is_none_or(|s| s.contains(&unit))
    }

    /// Step 2 of the scheme: the group of the covered units in `units` (a subset of `self.units`): the union
    /// of the whole atoms they hold.
    pub(crate) fn group(&self, atoms: &Atoms, units: &BTreeSet<Uuid>) -> Group {
        let mut group = Group {
            k: self.k,
            ..Group::default()
        };
        for unit in units.iter().filter(|u| self.units.contains(u)) {
            group.raw += atoms.raw.get(unit).copied().unwrap_or(0).max(0);
            group.headcount += u64::from(self.headcount.get(unit).copied().unwrap_or(0));
            let Some(atom) = atoms.atoms.get(unit) else {
                continue;
            };
            if !atom.members.iter().all(|m| self.in_scope(*m)) {
                continue;
            }
            group.respondents += atom.respondents;
            group.counted_headcount += atom
                .members
                .iter()
                .map(|m| u64::from(self.headcount.get(m).copied().unwrap_or(0)))
                .sum::<u64>();
            merge(&mut group.counters, &atom.counters);
        }
        group
    }
}

/// A count as it may be shown: 0, at least k, or hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gate {
    pub(crate) shown: Option<u64>,
    pub(crate) suppressed: bool,
}

impl Gate {
    /// The count when it may be used for figures (at least k).
    pub(crate) fn n(self) -> Option<u64> {
        self.shown.filter(|n| *n > 0)
    }
}

/// The counters of a union of whole atoms, and what the report may say about them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub(crate) k: i64,
    /// Respondents in the atoms: 0 or >= k (a union of atoms).
    pub(crate) respondents: i64,
    /// Responses of the covered units before protection (only says whether the group is hidden).
    pub(crate) raw: i64,
    /// Roster staff of the covered units.
    pub(crate) headcount: u64,
    /// Roster staff of the units whose responses the group counts (the members of its atoms).
    pub(crate) counted_headcount: u64,
    pub(crate) counters: Buckets,
}

impl Group {
    /// Step 3 of the scheme: a count below k (but above 0) is hidden, and with it every figure built on it.
    pub(crate) fn gate(&self, n: i64) -> Gate {
        if n <= 0 {
            Gate {
                shown: Some(0),
                suppressed: false,
            }
        } else if n < self.k {
            Gate {
                shown: None,
                suppressed: true,
            }
        } else {
            Gate {
                shown: Some(n as u64),
                suppressed: false,
            }
        }
    }

    /// The group's respondents as shown: hidden when the covered units had responses but none of them can
    /// be shown here (all merged into an ancestor's atom or dropped).
    pub(crate) fn respondents_gate(&self) -> Gate {
        if self.respondents <= 0 && self.raw > 0 {
            Gate {
                shown: None,
                suppressed: true,
            }
        } else {
            self.gate(self.respondents)
        }
    }

    pub(crate) fn count(&self, key: &str, bucket: &str) -> i64 {
        self.get(key, bucket).0
    }

    pub(crate) fn sum(&self, key: &str, bucket: &str) -> f64 {
        self.get(key, bucket).1
    }

    fn get(&self, key: &str, bucket: &str) -> (i64, f64) {
        self.counters
            .get(key)
            .and_then(|b| b.get(bucket))
            .copied()
            .unwrap_or((0, 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(n: u128, parent: Option<u128>, sector: Option<&str>) -> Unit {
        Unit {
            id: Uuid::from_u128(n),
            code: format!("U{n:02}"),
            name: format!("Unit {n}"),
            kind: "dinas".into(),
            sector: sector.map(str::to_string),
            parent_id: parent.map(Uuid::from_u128),
        }
    }

    fn responses(unit: u128, n: i64) -> CounterRow {
        CounterRow {
            unit_id: Uuid::from_u128(unit),
            key: RESPONSES_KEY.into(),
            bucket: "all".into(),
            count: n,
            sum: 0.0,
        }
    }

    #[test]
    fn small_units_merge_upwards_and_small_roots_are_dropped() {
        // 1 ── 2 ── 4 (3 responses)
        //   │    └─ 5 (6)
        //   └─ 3 (2)
        // 6 (root, 4 responses, alone)
        let units = vec![
            unit(1, None, Some("pendidikan")),
            unit(2, Some(1), None),
            unit(3, Some(1), Some("kesehatan")),
            unit(4, Some(2), None),
            unit(5, Some(2), None),
            unit(6, None, None),
        ];
        let tree = Tree::new(&units);
        assert_eq!(tree.sector(Uuid::from_u128(4)), Some("pendidikan"));
        assert_eq!(tree.sector(Uuid::from_u128(3)), Some("kesehatan"));
        let rows = vec![
            responses(4, 3),
            responses(5, 6),
            responses(3, 2),
            responses(1, 1),
            responses(6, 4),
        ];
        let a = atoms(&tree, &rows, 5);
        let held: Vec<(u128, i64)> = a
            .atoms
            .iter()
            .map(|(u, atom)| (u.as_u128(), atom.respondents))
            .collect();
        // 4 (3) -> 2 (3, below 5) -> 1 (3 + 2 + 1 = 6); 5 stands; 6 is dropped.
        assert_eq!(held, vec![(1, 6), (5, 6)]);
        let members: Vec<u128> = a.atoms[&Uuid::from_u128(1)]
            .members
            .iter()
            .map(|u| u.as_u128())
            .collect();
        assert_eq!(members, vec![1, 2, 3, 4]);
    }

    #[test]
    fn cycles_and_unknown_parents_become_roots() {
        let units = vec![
            unit(1, Some(2), None),
            unit(2, Some(1), None),
            unit(3, Some(99), None),
            unit(4, Some(4), None),
        ];
        let tree = Tree::new(&units);
        assert_eq!(tree.order().len(), 4);
        assert_eq!(tree.parent(Uuid::from_u128(1)), None);
        assert_eq!(tree.parent(Uuid::from_u128(2)), Some(Uuid::from_u128(1)));
        assert_eq!(tree.parent(Uuid::from_u128(3)), None);
        assert_eq!(tree.parent(Uuid::from_u128(4)), None);
    }
}
