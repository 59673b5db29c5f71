//! Property tests of the threshold protection over random trees, counters, filters and scopes: no count
//! below k is shown, nested groups differ by 0 or at least k, and a scope lets nothing outside through.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use super::*;
use crate::i18n::Lang;
use crate::report::protect::{Tree, atoms};
use crate::templates::test_support::random_response;

#[derive(Debug, Clone)]
struct RandomUnit {
    /// Index of the parent (an earlier unit).
    parent: Option<usize>,
    sector: Option<&'static str>,
    responses: usize,
    seed: u64,
    headcount: u32,
    /// In the random scope.
    flagged: bool,
}

#[derive(Debug, Clone)]
struct Case {
    k: u32,
    def_index: usize,
    units: Vec<RandomUnit>,
    /// 0: closed scope (subtrees of the flagged units), 1: arbitrary scope (the flagged units).
    scope_kind: u8,
}

const SECTORS: [Option<&str>; 3] = [None, Some("pendidikan"), Some("kesehatan")];

fn arb_case() -> impl Strategy<Value = Case> {
    (1usize..=10, 3u32..=6, 0usize..6, 0u8..2).prop_flat_map(|(n, k, def_index, scope_kind)| {
        proptest::collection::vec(
            (
                any::<u16>(),
                0usize..3,
                0usize..=9,
                any::<u64>(),
                0u32..60,
                any::<bool>(),
            ),
            n,
        )
        .prop_map(move |raw| Case {
            k,
            def_index,
            scope_kind,
            units: raw
                .into_iter()
                .enumerate()
                .map(|(i, (p, s, r, seed, h, flag))| {
                    let p = usize::from(p) % (i + 1);
                    RandomUnit {
                        parent: if p == i { None } else { Some(p) },
                        sector: SECTORS[s],
                        responses: r,
                        seed,
                        headcount: h,
                        flagged: flag,
                    }
                })
                .collect(),
        })
    })
}

struct World {
    def: SurveyDefinition,
    units: Vec<Unit>,
    counters: Vec<CounterRow>,
    headcount: HashMap<Uuid, u32>,
    scope: HashSet<Uuid>,
    k: u32,
}

fn definition(index: usize) -> SurveyDefinition {
    match crate::templates::all().get(index) {
        Some(t) => t.definition.clone(),
        None => all_kinds_definition(),
    }
}

fn world(case: &Case) -> World {
    let def = definition(case.def_index);
    let units: Vec<Unit> = case
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| unit(i as u128 + 1, u.parent.map(|p| p as u128 + 1), u.sector))
        .collect();
    let mut counters_all = Vec::new();
    for (i, u) in case.units.iter().enumerate() {
        let mut state = u.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let list: Vec<Answers> = (0..u.responses)
            .map(|r| {
                let mut pick = |n: usize| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state % n.max(1) as u64) as usize
                };
                random_response(&def, r % 2 == 0, &mut pick)
            })
            .collect();
        counters_all.extend(counters(&def, i as u128 + 1, &list));
    }
    let headcount = case
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (id(i as u128 + 1), u.headcount))
        .collect();
    let flagged: Vec<Uuid> = case
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.flagged)
        .map(|(i, _)| id(i as u128 + 1))
        .collect();
    let tree = Tree::new(&units);
    let scope: HashSet<Uuid> = if case.scope_kind == 0 {
        flagged.iter().flat_map(|u| tree.subtree(*u)).collect()
    } else {
        flagged.into_iter().collect()
    };
    World {
        def,
        units,
        counters: counters_all,
        headcount,
        scope,
        k: case.k,
    }
}

impl World {
    /// A report with the same counters as the previous wave too (so changes are computed).
    fn report_with(
        &self,
        counters: &[CounterRow],
        headcount: &HashMap<Uuid, u32>,
        scope: Option<&HashSet<Uuid>>,
        filter: &ReportFilter,
    ) -> WaveReport {
        build_report(&ReportInput {
            definition: &self.def,
            units: &self.units,
            counters,
            previous: Some(counters),
            previous_k: 0,
            headcount,
            scope,
            filter,
            settings: &ReportSettings {
                k: self.k,
                skm_legacy_weights: false,
            },
        })
    }

    fn report(
        &self,
        scope: Option<&HashSet<Uuid>>,
        unit: Option<Uuid>,
        sector: Option<&str>,
    ) -> WaveReport {
        build_report(&ReportInput {
            definition: &self.def,
            units: &self.units,
            counters: &self.counters,
            previous: None,
            previous_k: 0,
            headcount: &self.headcount,
            scope,
            filter: &ReportFilter {
                unit,
                sector: sector.map(str::to_string),
            },
            settings: &ReportSettings {
                k: self.k,
                skm_legacy_weights: false,
            },
        })
    }

    fn filters(&self) -> Vec<Option<Uuid>> {
        std::iter::once(None)
            .chain(self.units.iter().map(|u| Some(u.id)))
            .collect()
    }
}

#[track_caller]
fn assert_nested(k: u32, outer: Option<u64>, inner: Option<u64>, what: &str) {
    if let (Some(outer), Some(inner)) = (outer, inner) {
        assert!(outer >= inner, "{what}: {outer} < {inner}");
        let d = outer - inner;
        assert!(
            d == 0 || d >= u64::from(k),
            "{what}: difference {d} with k = {k}"
        );
    }
}

/// A group with "hidden" normalised to 0: a scope may say that its own units had a few responses merged
/// elsewhere, a report over restricted counters cannot.
fn normalised(mut g: GroupReport) -> GroupReport {
    if g.suppressed {
        g.suppressed = false;
        g.respondents = Some(0);
    }
    if let Some(s) = &mut g.skm {
        s.respondents = g.respondents;
        s.sample_sufficient = None;
    }
    g
}

proptest! {
    // Each case builds dozens of reports; debug builds make that the slow part of the suite.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// (a) No group, row or question shows 1..k-1 respondents, whatever the filter and scope.
    #[test]
    fn no_shown_count_below_k(case in arb_case()) {
        let w = world(&case);
        for scope in [None, Some(&w.scope)] {
            for unit in w.filters() {
                for sector in [None, Some("pendidikan")] {
                    let report = w.report(scope, unit, sector);
                    let json = serde_json::to_value(&report).unwrap();
                    let mut counts = Vec::new();
                    shown_counts(&json, &mut counts);
                    for (field, n) in counts {
                        prop_assert!(n == 0 || n >= u64::from(w.k), "{field} = {n} with k = {}", w.k);
                    }
                    // The export says no more than the report: every hidden count is a marker.
                    for row in export_rows(&report, Lang::En) {
                        prop_assert_eq!(row.len(), 6);
                    }
                }
            }
        }
    }

    /// (b) Nested groups differ by 0 or at least k respondents: a subtree and its ancestor's, rows and
    /// sectors and their report, a sector within its unit filter, a scope within everything.
    #[test]
    fn nested_groups_differ_by_zero_or_at_least_k(case in arb_case()) {
        let w = world(&case);
        let tree = Tree::new(&w.units);
        let k = w.k;
        for scope in [None, Some(&w.scope)] {
            for unit in w.filters() {
                let report = w.report(scope, unit, None);
                let total = report.overall.respondents;
                for row in &report.breakdown {
                    assert_nested(k, total, row.group.respondents, "row in report");
                }
                if scope.is_none() {
                    // Without a scope the rows partition the group.
                    let rows_sum: u64 =
                        report.breakdown.iter().map(|r| r.group.respondents.unwrap_or(0)).sum();
                    prop_assert_eq!(total.unwrap_or(0), rows_sum);
                }
                for row in &report.sectors {
                    assert_nested(k, total, row.group.respondents, "sector in report");
                }
                for sector in ["pendidikan", "kesehatan"] {
                    let narrow = w.report(scope, unit, Some(sector));
                    assert_nested(k, total, narrow.overall.respondents, "sector filter");
                }
                if let Some(u) = unit {
                    if let Some(parent) = tree.parent(u) {
                        let up = w.report(scope, Some(parent), None);
                        assert_nested(k, up.overall.respondents, total, "subtree in parent");
                    }
                    let all = w.report(scope, None, None);
                    assert_nested(k, all.overall.respondents, total, "subtree in everything");
                }
                if scope.is_some() {
                    let unscoped = w.report(None, unit, None);
                    assert_nested(k, unscoped.overall.respondents, total, "scope in everything");
                }
            }
        }
    }

    /// (c) A scoped report equals the unscoped report of only the counters of the atoms the scope may see:
    /// nothing of a unit outside the scope gets through.
    #[test]
    fn scope_lets_nothing_outside_through(case in arb_case()) {
        let w = world(&case);
        let tree = Tree::new(&w.units);
        let atoms = atoms(&tree, &w.counters, i64::from(w.k.max(3)));
        let visible: HashSet<Uuid> = atoms
            .atoms
            .values()
            .filter(|a| a.members.iter().all(|m| w.scope.contains(m)))
            .flat_map(|a| a.members.iter().copied())
            .collect();
        let restricted: Vec<CounterRow> = w
            .counters
            .iter()
            .filter(|c| visible.contains(&c.unit_id))
            .cloned()
            .collect();
        let headcount: HashMap<Uuid, u32> = w
            .headcount
            .iter()
            .filter(|(u, _)| w.scope.contains(u))
            .map(|(u, h)| (*u, *h))
            .collect();
        for unit in w.filters() {
            for sector in [None, Some("pendidikan")] {
                let filter = ReportFilter { unit, sector: sector.map(str::to_string) };
                let scoped = w.report_with(&w.counters, &w.headcount, Some(&w.scope), &filter);
                let plain = w.report_with(&restricted, &headcount, None, &filter);
                prop_assert_eq!(normalised(scoped.overall.clone()), normalised(plain.overall.clone()));
                prop_assert_eq!(&scoped.questions, &plain.questions);
                for row in &scoped.breakdown {
                    prop_assert!(w.scope.contains(&row.unit.id), "row of a unit outside the scope");
                    let same = if row.own_only {
                        plain
                            .breakdown
                            .iter()
                            .find(|r| r.unit.id == row.unit.id && r.own_only)
                            .map(|r| r.group.clone())
                    } else {
                        let filter = ReportFilter { unit: Some(row.unit.id), sector: filter.sector.clone() };
                        Some(w.report_with(&restricted, &headcount, None, &filter).overall)
                    };
                    match same {
                        Some(same) => prop_assert_eq!(normalised(row.group.clone()), normalised(same)),
                        None => prop_assert_eq!(normalised(row.group.clone()).respondents, Some(0)),
                    }
                }
                for row in &scoped.sectors {
                    let same = plain.sectors.iter().find(|r| r.sector == row.sector).unwrap();
                    prop_assert_eq!(normalised(row.group.clone()), normalised(same.group.clone()));
                }
                prop_assert_eq!(
                    scoped.changes.as_ref().map(|c| c.iter().skip(1).cloned().collect::<Vec<_>>()),
                    plain.changes.as_ref().map(|c| c.iter().skip(1).cloned().collect::<Vec<_>>())
                );
            }
        }
    }
}
