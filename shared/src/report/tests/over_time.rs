//! Property test of the release in steps of k over time (`release.rs`): random stories of submissions and
//! release passes, with what every published report shows checked at each moment.

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;
use uuid::Uuid;

use super::{id, shown_counts, unit};
use crate::api::Unit;
use crate::report::keys::{BASE_KEY, MEMBER_KEY};
use crate::report::release::{
    PendingComment, ReleaseInput, apply_release, held_back, plan_release, release_group,
};
use crate::report::*;
use crate::survey::{Answer, QuestionKind, RESPONSES_KEY, SurveyDefinition, contributions};
use crate::templates::test_support::{all_kinds_definition, random_response};

#[derive(Debug, Clone)]
enum Step {
    /// A response in unit `unit % n`, complete or not, its choices from `seed`.
    Submit {
        unit: usize,
        complete: bool,
        seed: u64,
    },
    /// A release pass, then reports read under every filter and two scopes.
    Release,
}

#[derive(Debug, Clone)]
struct Story {
    parents: Vec<Option<usize>>,
    k: u32,
    comment_extra: u32,
    steps: Vec<Step>,
    flagged: Vec<bool>,
}

fn arb_story() -> impl Strategy<Value = Story> {
    (1usize..=7, 3u32..=5, 0u32..=4).prop_flat_map(|(n, k, comment_extra)| {
        (
            proptest::collection::vec(any::<u16>(), n),
            proptest::collection::vec(any::<bool>(), n),
            proptest::collection::vec(
                prop_oneof![
                    4 => (any::<usize>(), any::<bool>(), any::<u64>())
                        .prop_map(|(unit, complete, seed)| Step::Submit { unit, complete, seed }),
                    1 => Just(Step::Release),
                ],
                10..120,
            ),
        )
            .prop_map(move |(raw_parents, flagged, steps)| Story {
                parents: raw_parents
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let p = usize::from(p) % (i + 1);
                        (p != i).then_some(p)
                    })
                    .collect(),
                k,
                comment_extra,
                steps,
                flagged,
            })
    })
}

type State = BTreeMap<(Uuid, String, String), (i64, f64)>;

/// One published moment: the released state, comments released per (atom, question), what reports show.
type Moment = (
    State,
    BTreeMap<(Uuid, String), usize>,
    BTreeMap<String, u64>,
);

fn state_of(rows: &[CounterRow]) -> State {
    rows.iter()
        .map(|r| {
            (
                (r.unit_id, r.key.clone(), r.bucket.clone()),
                (r.count, r.sum),
            )
        })
        .collect()
}

/// Base per (holder, group) of a released state.
fn bases(state: &State) -> BTreeMap<(Uuid, String), i64> {
    let mut out = BTreeMap::new();
    for ((holder, key, bucket), (count, _)) in state {
        if key == RESPONSES_KEY {
            out.insert((*holder, RESPONSES_KEY.to_string()), *count);
        } else if key == BASE_KEY {
            out.insert((*holder, bucket.clone()), *count);
        }
    }
    out
}

fn members(state: &State) -> BTreeMap<Uuid, Uuid> {
    state
        .keys()
        .filter(|(_, key, _)| key == MEMBER_KEY)
        .map(|(holder, _, bucket)| (bucket.parse().unwrap(), *holder))
        .collect()
}

fn step_ok(d: i64, k: i64) -> bool {
    d == 0 || d >= k
}

/// What a reader of all published reports sees at one moment: every group's respondents and every
/// question's answered count, per (scope, filter, row).
fn published(
    def: &SurveyDefinition,
    units: &[Unit],
    released: &[CounterRow],
    scopes: &[Option<HashSet<Uuid>>],
    k: u32,
) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let filters: Vec<Option<Uuid>> = std::iter::once(None)
        .chain(units.iter().map(|u| Some(u.id)))
        .collect();
    for (s, scope) in scopes.iter().enumerate() {
        for unit in &filters {
            let report = build_report(&ReportInput {
                definition: def,
                units,
                counters: released,
                previous: None,
                previous_k: 0,
                headcount: &HashMap::new(),
                scope: scope.as_ref(),
                filter: &ReportFilter {
                    unit: *unit,
                    sector: None,
                },
                settings: &ReportSettings {
                    k,
                    skm_legacy_weights: false,
                },
            });
            let json = serde_json::to_value(&report).unwrap();
            let mut counts = Vec::new();
            shown_counts(&json, &mut counts);
            for (field, n) in counts {
                assert!(n == 0 || n >= u64::from(k), "{field} = {n} with k = {k}");
            }
            let tag = format!("{s}/{unit:?}");
            if let Some(n) = report.overall.respondents {
                out.insert(format!("{tag}/overall"), n);
            }
            for row in &report.breakdown {
                if let Some(n) = row.group.respondents {
                    out.insert(format!("{tag}/row {} {}", row.unit.code, row.own_only), n);
                }
            }
            for q in &report.questions {
                if let Some(n) = q.answered {
                    out.insert(format!("{tag}/question {}", q.id), n);
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Over any sequence of submissions and release passes: every atom's base of every release group is
    /// 0 or at least k and moves only in steps of at least k; a counter moves only with its group's
    /// base; atoms never lose or change members; comments are released per atom and question in steps
    /// of at least the comment threshold; every published respondent and answered count, compared
    /// between any two moments, differs by 0 or at least k; a pass after a pass releases nothing; and
    /// released plus held back accounts for every response.
    #[test]
    fn figures_move_only_in_steps_of_k(story in arb_story()) {
        let def = all_kinds_definition();
        let long_texts: Vec<String> = def
            .questions()
            .filter(|(_, q)| matches!(q.kind, QuestionKind::LongText { .. }))
            .map(|(_, q)| q.id.clone())
            .collect();
        let units: Vec<Unit> = story
            .parents
            .iter()
            .enumerate()
            .map(|(i, p)| unit(i as u128 + 1, p.map(|p| p as u128 + 1), None))
            .collect();
        let n = units.len();
        let k = story.k;
        let comment_k = k + story.comment_extra;
        // A scope as the server forms it: whole subtrees (a manager's units and all below them), so an
        // atom, whose members are all below its holder, is in it exactly when its holder is.
        let mut closed = vec![false; n];
        for (i, parent) in story.parents.iter().enumerate() {
            closed[i] = story.flagged[i] || parent.is_some_and(|p| closed[p]);
        }
        let scope: HashSet<Uuid> = closed
            .iter()
            .enumerate()
            .filter(|(_, f)| **f)
            .map(|(i, _)| id(i as u128 + 1))
            .collect();
        let scopes = vec![None, Some(scope)];

        let mut live: BTreeMap<(Uuid, String, String), (i64, f64)> = BTreeMap::new();
        let mut pending: Vec<PendingComment> = Vec::new();
        let mut comment_atoms: BTreeMap<Uuid, (Uuid, String)> = BTreeMap::new();
        let mut released: Vec<CounterRow> = Vec::new();
        let mut history: Vec<Moment> = Vec::new();
        let mut next_comment = 1_000_000u128;
        for step in story.steps.iter().chain(std::iter::once(&Step::Release)) {
            match step {
                Step::Submit { unit, complete, seed } => {
                    let unit_id = id((*unit % n) as u128 + 1);
                    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                    let mut pick = |m: usize| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (state % m.max(1) as u64) as usize
                    };
                    let answers = random_response(&def, *complete, &mut pick);
                    for c in contributions(&def, &answers) {
                        let e = live.entry((unit_id, c.key, c.bucket)).or_insert((0, 0.0));
                        e.0 += c.count;
                        e.1 += c.sum;
                    }
                    for q in &long_texts {
                        if let Some(Answer::Text(t)) = answers.get(q)
                            && !t.trim().is_empty()
                        {
                            next_comment += 1;
                            pending.push(PendingComment {
                                id: Uuid::from_u128(next_comment),
                                unit_id,
                                question_id: q.clone(),
                            });
                        }
                    }
                }
                Step::Release => {
                    let live_rows: Vec<CounterRow> = live
                        .iter()
                        .map(|((unit_id, key, bucket), (count, sum))| CounterRow {
                            unit_id: *unit_id,
                            key: key.clone(),
                            bucket: bucket.clone(),
                            count: *count,
                            sum: *sum,
                        })
                        .collect();
                    let plan = plan_release(&ReleaseInput {
                        units: &units,
                        live: &live_rows,
                        released: &released,
                        comments: &pending,
                        k,
                        comment_k,
                    });
                    released = apply_release(&released, &plan);
                    let done: HashSet<Uuid> = plan.comments.iter().map(|(c, _)| *c).collect();
                    for (c, holder) in &plan.comments {
                        let q = pending.iter().find(|p| p.id == *c).unwrap().question_id.clone();
                        prop_assert!(comment_atoms.insert(*c, (*holder, q)).is_none());
                    }
                    pending.retain(|p| !done.contains(&p.id));
                    // A pass after a pass releases nothing.
                    let again = plan_release(&ReleaseInput {
                        units: &units,
                        live: &live_rows,
                        released: &released,
                        comments: &pending,
                        k,
                        comment_k,
                    });
                    prop_assert!(again.is_empty(), "second pass released {again:?}");
                    // Released never exceeds live; released + held back accounts for every response.
                    let live_total: i64 = live_rows
                        .iter()
                        .filter(|r| r.key == RESPONSES_KEY)
                        .map(|r| r.count)
                        .sum();
                    let released_total: i64 = released
                        .iter()
                        .filter(|r| r.key == RESPONSES_KEY)
                        .map(|r| r.count)
                        .sum();
                    prop_assert!(released_total <= live_total);
                    let held = held_back(&live_rows, &released, k);
                    prop_assert!(held.is_multiple_of(u64::from(k)));
                    prop_assert!(held <= (live_total - released_total) as u64);
                    prop_assert!((live_total - released_total) as u64 - held < u64::from(k));

                    let mut comments_per: BTreeMap<(Uuid, String), usize> = BTreeMap::new();
                    for (holder, q) in comment_atoms.values() {
                        *comments_per.entry((*holder, q.clone())).or_default() += 1;
                    }
                    let figures = published(&def, &units, &released, &scopes, k);
                    history.push((state_of(&released), comments_per, figures));
                }
            }
        }

        let k = i64::from(k);
        for (i, (state, comments, _)) in history.iter().enumerate() {
            for ((holder, group), base) in bases(state) {
                prop_assert!(step_ok(base, k), "atom {holder} group {group}: base {base}");
            }
            for ((holder, q), count) in comments {
                prop_assert!(
                    *count == 0 || *count >= comment_k as usize,
                    "atom {holder} question {q}: {count} comments"
                );
            }
            for (earlier, earlier_comments, _) in &history[..i] {
                let (b0, b1) = (bases(earlier), bases(state));
                for (key, now) in &b1 {
                    let d = now - b0.get(key).copied().unwrap_or(0);
                    prop_assert!(step_ok(d, k), "{key:?} moved by {d}");
                }
                // A counter moves only with its group's base.
                for ((holder, key, bucket), value) in state {
                    if key == MEMBER_KEY || earlier.get(&(*holder, key.clone(), bucket.clone())) == Some(value) {
                        continue;
                    }
                    let group = release_group(key, bucket).unwrap().to_string();
                    let d = b1[&(*holder, group.clone())]
                        - b0.get(&(*holder, group.clone())).copied().unwrap_or(0);
                    prop_assert!(d >= k, "{key}/{bucket} moved without its base ({group})");
                }
                // Atoms never split: a member stays with its holder.
                let (m0, m1) = (members(earlier), members(state));
                for (unit, holder) in &m0 {
                    prop_assert_eq!(m1.get(unit), Some(holder));
                }
                for (key, now) in comments {
                    let d = now - earlier_comments.get(key).copied().unwrap_or(0);
                    prop_assert!(d == 0 || d >= comment_k as usize, "{key:?}: {d} new comments");
                }
            }
        }
        // Every published figure, read at any two moments, differs by 0 or at least k.
        let k = k as u64;
        for (i, (_, _, now)) in history.iter().enumerate() {
            for (_, _, before) in &history[..i] {
                for (what, n) in now {
                    let b = before.get(what).copied().unwrap_or(0);
                    prop_assert!(*n >= b, "{what} went down");
                    prop_assert!(*n == b || n - b >= k, "{what}: {b} -> {n} with k = {k}");
                }
            }
        }
    }
}
