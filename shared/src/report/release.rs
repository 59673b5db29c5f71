//! Releasing figures in steps of k: the threshold kept over time, not only in each snapshot.
//!
//! Reports never read the live counters (which move with every folded response). They read a wave's
//! *released* counters: a copy that a release pass advances, per atom and per release group, only when at
//! least k new respondents can be added at once. So any two publications, at any two moments, for any filter
//! and scope, differ per atom and group by 0 or at least k respondents, and a difference of two reports never
//! isolates one person's answers.
//!
//! - **Release groups.** Every counter belongs to one group ([`release_group`]): the respondents
//!   (`_responses`), one group per question (its own key, its matrix rows `<question>.<row>` and its
//!   `_answered` bucket) and one per derived key (`_competency`, `_training`). A group's *base* is the number
//!   of respondents who moved any of its counters: `_responses` itself, or the `_base` counter that
//!   [`with_bases`] adds to each response's contributions. A group is released in an atom only when its
//!   pending base (live minus released) is at least k; then every counter of the group is set to its live
//!   value. Every released base of every atom is therefore 0 or at least k, and so is every change of it,
//!   which covers optional questions answered by fewer respondents than the group has.
//! - **Atoms do not split.** An atom is a holder unit and the units whose responses it holds. Membership is
//!   stored with the released counters ([`MEMBER_KEY`] rows) and never changes once anything was released
//!   from the atom. Units without released data flow upwards as today's scheme does: bottom-up, a unit
//!   whose not yet released responses (its own and those flowing up from its children) reach k becomes a new
//!   atom; otherwise they flow to its parent, and join the parent's atom when the parent already holds one
//!   or is a member of one. A root below k keeps its responses back.
//! - **Comments attach to atoms.** A long-text answer is released to its atom, per question, only when at
//!   least the comment threshold of that atom's comments are pending; released comments carry their atom.
//!   So no comment of an atom that never reached the comment threshold is shown anywhere, and the comments
//!   of two reports differ by 0 or at least the comment threshold per atom.
//! - **Held back.** What cannot be released yet stays out of every figure; the report says only how many
//!   responses of the whole wave are held back, rounded down to a multiple of k.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use uuid::Uuid;

use super::CounterRow;
use super::keys::{ANSWERED_KEY, BASE_KEY, COMPETENCY_KEY, MEMBER_KEY, TRAINING_KEY};
use super::protect::Tree;
use crate::api::Unit;
use crate::survey::{Contribution, RESPONSES_KEY};

/// The release group of the counter `(key, bucket)`; `None` for membership rows.
pub fn release_group<'a>(key: &'a str, bucket: &'a str) -> Option<&'a str> {
    match key {
        MEMBER_KEY => None,
        RESPONSES_KEY | COMPETENCY_KEY | TRAINING_KEY => Some(key),
        BASE_KEY | ANSWERED_KEY => Some(bucket),
        _ => Some(key.split('.').next().unwrap_or(key)),
    }
}

/// `contributions` of one response with their `_base` counters: count 1 for every release group the
/// response moves (other than `_responses`, which is its own base).
pub fn with_bases(mut contributions: Vec<Contribution>) -> Vec<Contribution> {
    let groups: BTreeSet<String> = contributions
        .iter()
        .filter_map(|c| release_group(&c.key, &c.bucket))
        .filter(|g| *g != RESPONSES_KEY)
        .map(str::to_string)
        .collect();
    contributions.extend(groups.into_iter().map(|group| Contribution {
        key: BASE_KEY.to_string(),
        bucket: group,
        count: 1,
        sum: 0.0,
    }));
    contributions
}

/// A long-text answer copied out of a response, not yet released.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingComment {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub question_id: String,
}

/// What a release pass reads.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseInput<'a> {
    /// The whole unit tree.
    pub units: &'a [Unit],
    /// The wave's live counters per unit (shards summed).
    pub live: &'a [CounterRow],
    /// The wave's released counters per atom holder, membership rows included.
    pub released: &'a [CounterRow],
    /// The wave's comments not yet released.
    pub comments: &'a [PendingComment],
    /// The wave's k (at least 3).
    pub k: u32,
    /// The wave's comment threshold (at least k).
    pub comment_k: u32,
}

/// What a release pass writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReleasePlan {
    /// New values of released counters (set, not added), and new membership rows.
    pub counters: Vec<CounterRow>,
    /// Comments released, with their atom's holder.
    pub comments: Vec<(Uuid, Uuid)>,
}

impl ReleasePlan {
    pub fn is_empty(&self) -> bool {
        self.counters.is_empty() && self.comments.is_empty()
    }
}

type Buckets = BTreeMap<(String, String), (i64, f64)>;

fn base(buckets: &Buckets, group: &str) -> i64 {
    let key = if group == RESPONSES_KEY {
        (RESPONSES_KEY.to_string(), "all".to_string())
    } else {
        (BASE_KEY.to_string(), group.to_string())
    };
    buckets.get(&key).map_or(0, |c| c.0)
}

/// The counters of a released state, and its atoms' members, keyed by holder.
pub(crate) struct Released {
    pub(crate) counters: HashMap<Uuid, Buckets>,
    pub(crate) members: BTreeMap<Uuid, BTreeSet<Uuid>>,
}

impl Released {
    pub(crate) fn read(rows: &[CounterRow]) -> Released {
        let mut counters: HashMap<Uuid, Buckets> = HashMap::new();
        let mut members: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
        for row in rows {
            if row.key == MEMBER_KEY {
                if let Ok(member) = row.bucket.parse::<Uuid>() {
                    members.entry(row.unit_id).or_default().insert(member);
                }
                continue;
            }
            let e = counters
                .entry(row.unit_id)
                .or_default()
                .entry((row.key.clone(), row.bucket.clone()))
                .or_insert((0, 0.0));
            e.0 += row.count;
            e.1 += row.sum;
        }
        for (holder, set) in members.iter_mut() {
            set.insert(*holder);
        }
        for holder in counters.keys() {
            members.entry(*holder).or_default().insert(*holder);
        }
        Released { counters, members }
    }
}

fn member_row(holder: Uuid, member: Uuid) -> CounterRow {
    CounterRow {
        unit_id: holder,
        key: MEMBER_KEY.to_string(),
        bucket: member.to_string(),
        count: 1,
        sum: 0.0,
    }
}

/// One release pass over a wave (module documentation): what to release now. Deterministic; releasing the
/// plan and planning again gives an empty plan.
pub fn plan_release(input: &ReleaseInput) -> ReleasePlan {
    let k = i64::from(input.k.max(3));
    let comment_k = input.comment_k.max(input.k.max(3)) as usize;
    let tree = Tree::new(input.units);
    let mut live: HashMap<Uuid, Buckets> = HashMap::new();
    for row in input.live {
        let e = live
            .entry(row.unit_id)
            .or_default()
            .entry((row.key.clone(), row.bucket.clone()))
            .or_insert((0, 0.0));
        e.0 += row.count;
        e.1 += row.sum;
    }
    let mut comments: HashMap<Uuid, Vec<&PendingComment>> = HashMap::new();
    for c in input.comments {
        comments.entry(c.unit_id).or_default().push(c);
    }
    let released = Released::read(input.released);
    let holder_of: HashMap<Uuid, Uuid> = released
        .members
        .iter()
        .flat_map(|(h, set)| set.iter().map(move |m| (*m, *h)))
        .collect();

    // Units whose unreleased data flows into an atom: existing atoms' newcomers, and new atoms.
    let mut incoming: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    let mut flowing: HashMap<Uuid, (BTreeSet<Uuid>, i64)> = HashMap::new();
    for &unit in tree.order().iter().rev() {
        let (mut units, mut responses) = flowing.remove(&unit).unwrap_or_default();
        if let Some(holder) = holder_of.get(&unit) {
            incoming.entry(*holder).or_default().extend(units);
            continue;
        }
        let own = live.get(&unit).map_or(0, |b| base(b, RESPONSES_KEY));
        if own > 0 || comments.contains_key(&unit) {
            units.insert(unit);
            responses += own;
        }
        if units.is_empty() {
            continue;
        }
        if responses >= k {
            incoming.insert(unit, units);
        } else if let Some(parent) = tree.parent(unit) {
            let up = flowing.entry(parent).or_default();
            up.0.extend(units);
            up.1 += responses;
        }
    }
    // Existing atoms release their members' new responses too.
    for holder in released.members.keys() {
        incoming.entry(*holder).or_default();
    }

    let empty = Buckets::new();
    let mut plan = ReleasePlan::default();
    for (holder, newcomers) in incoming {
        let old_members = released.members.get(&holder);
        let all: BTreeSet<Uuid> = old_members
            .into_iter()
            .flatten()
            .chain(newcomers.iter())
            .copied()
            .collect();
        let mut now = Buckets::new();
        for unit in &all {
            for (key, (count, sum)) in live.get(unit).into_iter().flatten() {
                let e = now.entry(key.clone()).or_insert((0, 0.0));
                e.0 += count;
                e.1 += sum;
            }
        }
        let before = released.counters.get(&holder).unwrap_or(&empty);
        let groups: BTreeSet<&str> = now
            .keys()
            .filter_map(|(key, bucket)| release_group(key, bucket))
            .collect();
        let due: BTreeSet<&str> = groups
            .into_iter()
            .filter(|g| base(&now, g) - base(before, g) >= k)
            .collect();
        let mut released_any = false;
        for ((key, bucket), value) in &now {
            let Some(group) = release_group(key, bucket) else {
                continue;
            };
            if !due.contains(group) || before.get(&(key.clone(), bucket.clone())) == Some(value) {
                continue;
            }
            released_any = true;
            plan.counters.push(CounterRow {
                unit_id: holder,
                key: key.clone(),
                bucket: bucket.clone(),
                count: value.0,
                sum: value.1,
            });
        }
        let mut by_question: BTreeMap<&str, Vec<Uuid>> = BTreeMap::new();
        for unit in &all {
            for c in comments.get(unit).into_iter().flatten() {
                by_question.entry(&c.question_id).or_default().push(c.id);
            }
        }
        for ids in by_question.into_values() {
            if ids.len() >= comment_k {
                released_any = true;
                plan.comments.extend(ids.into_iter().map(|id| (id, holder)));
            }
        }
        if released_any {
            let known = old_members.cloned().unwrap_or_default();
            plan.counters.extend(
                all.iter()
                    .filter(|u| !known.contains(u))
                    .map(|u| member_row(holder, *u)),
            );
        }
    }
    plan
}

/// Applies `plan` to `released` (as the database does): the released state after the pass.
pub fn apply_release(released: &[CounterRow], plan: &ReleasePlan) -> Vec<CounterRow> {
    let mut state: BTreeMap<(Uuid, String, String), (i64, f64)> = released
        .iter()
        .map(|r| {
            (
                (r.unit_id, r.key.clone(), r.bucket.clone()),
                (r.count, r.sum),
            )
        })
        .collect();
    for row in &plan.counters {
        state.insert(
            (row.unit_id, row.key.clone(), row.bucket.clone()),
            (row.count, row.sum),
        );
    }
    state
        .into_iter()
        .map(|((unit_id, key, bucket), (count, sum))| CounterRow {
            unit_id,
            key,
            bucket,
            count,
            sum,
        })
        .collect()
}

/// Responses of the wave received but not yet released, rounded down to a multiple of k (what a report
/// may say about them).
pub fn held_back(live: &[CounterRow], released: &[CounterRow], k: u32) -> u64 {
    let total = |rows: &[CounterRow]| -> i64 {
        rows.iter()
            .filter(|r| r.key == RESPONSES_KEY)
            .map(|r| r.count)
            .sum()
    };
    let k = u64::from(k.max(3));
    let held = (total(live) - total(released)).max(0) as u64;
    held / k * k
}
