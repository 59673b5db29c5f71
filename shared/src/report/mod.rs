//! The report engine: a wave's report computed from its counters only (docs/design.md invariant 2), with the
//! reporting threshold applied in one place for every output (docs/design.md invariant 5). Pure: no I/O, builds for
//! wasm32 and native. The server calls [`build_report`] for the dashboard, [`export_rows`] for CSV/XLSX and
//! the digests read the same [`WaveReport`].
//!
//! # Input
//!
//! The counters of a wave, `(unit, key, bucket, count, sum)` summed over shards, exactly as
//! [`crate::survey::contributions`] writes them (key = question id, `<question>.<row>`, `_responses`, or one
//! of the derived keys in [`keys`]), the unit tree, the roster headcount per unit, the caller's scope and a
//! filter (a subtree and/or a sector).
//!
//! # Threshold protection (docs/design.md invariant 5)
//!
//! Nothing computed from fewer than k respondents is revealed, directly or by subtracting one shown figure
//! from another:
//!
//! 1. **Atoms.** Each unit's own responses (`_responses`/`all`) form its atom. Bottom-up over the tree (children
//!    before parents), a unit whose atom has fewer than k responses is merged into its parent's atom (all its
//!    counters are added there), recursively; a root whose atom is still below k is dropped. Afterwards every
//!    atom has 0 or at least k responses. Atoms depend only on the wave's counters and the tree, never on
//!    who asks or how they filter.
//! 2. **Groups are unions of whole atoms.** Every figure is computed over the atoms held by a set of covered
//!    units: those in the filter's subtree, with the filter's sector (a unit without a sector has its
//!    parent's) and in the caller's scope, and only atoms whose every member unit is in scope. The overall
//!    group, each breakdown row (a unit's subtree, or the filtered unit's own atom) and each sector row are
//!    such unions. So every group has 0 or at least k respondents, and so does the difference between any
//!    two nested groups (a union of atoms too), across filters, rows, sectors and scopes.
//! 3. **Within a group, every count is gated.** A figure is shown only when the count it is computed from
//!    (respondents who answered the question, the matrix row, the JP question, respondents with a required
//!    level...) is at least k; otherwise only "hidden" is shown. Figures pooled from several parts (the
//!    acceptance index, the IKM) use only parts that are shown themselves, so a hidden part cannot be
//!    recovered from the pool. A breakdown row whose units' responses were all merged into an ancestor (or
//!    dropped) shows "hidden: fewer than k respondents", never a number.
//! 4. **Marked explicitly.** Hidden counts are `None` with `suppressed: true`; the figures built on them are
//!    `None`. The report states `k`. Export rows repeat exactly the shown figures and say "hidden" where a
//!    count is hidden.
//!
//! What the scheme does not hide: that a unit had some responses (a row is "hidden" rather than 0), option
//! counts below k inside a shown question (a shown distribution may contain a 1), and the answered count of
//! an optional question may differ by fewer than k between two nested groups (the answers behind the
//! difference still come from an atom of at least k respondents). Roster headcounts are not survey data and
//! are shown as they are: a group's headcount is that of its covered units (the SKM population N), while
//! the ABK comparison uses the staff of the units whose responses the group counts. A unit's responses
//! merged into an ancestor count towards the ancestor's sector.
//!
//! # Analyses
//!
//! Per question (see [`QuestionReport`]) and per domain (docs/domain.md, formulas in [`formulas`]): competency
//! against the required level of each respondent's jabatan (JPM, gaps, heatmap), training needs (topics by
//! demand weighted by priority, the 20 JP entitlement), staffing by ABK (required staff against the roster),
//! socialisation (acceptance index, favourable share, concerns) and SKM (NRR, IKM, category, Krejcie-Morgan
//! sample). Domain analyses are present when the definition has the questions they need (the template ids in
//! [`keys`]). Changes against the previous wave are computed from its counters with the same protection.

mod analyses;
mod export;
pub mod formulas;
pub mod keys;
mod model;
mod protect;
mod questions;
pub mod release;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use export::export_rows;
pub use model::*;

use crate::i18n::Text;
use crate::survey::SurveyDefinition;
use protect::{Group, Tree, View, atoms};

/// One counter of a wave, summed over its shards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterRow {
    pub unit_id: Uuid,
    pub key: String,
    pub bucket: String,
    pub count: i64,
    pub sum: f64,
}

/// Everything a report is computed from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub definition: &'a SurveyDefinition,
    /// The whole unit tree.
    pub units: &'a [crate::api::Unit],
    /// This wave's counters.
    pub counters: &'a [CounterRow],
    /// The previous wave of the same survey (its definition is assumed to have the same shape; counters
    /// that do not match this definition are ignored).
    pub previous: Option<&'a [CounterRow]>,
    /// The previous wave's own k: its figures are shown with the larger of the two thresholds (0: this
    /// wave's).
    pub previous_k: u32,
    /// Staff per unit from the roster (ABK gaps, Krejcie-Morgan population).
    pub headcount: &'a HashMap<Uuid, u32>,
    /// `None`: every unit; `Some`: the only units the caller may see.
    pub scope: Option<&'a HashSet<Uuid>>,
    pub filter: &'a ReportFilter,
    pub settings: &'a ReportSettings,
}

/// The wave's report for the input's filter and scope, with the threshold applied (module documentation).
/// The sector filter, if any.
fn sector_filter<'a>(input: &'a ReportInput) -> Option<&'a str> {
    input
        .filter
        .sector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The units a report covers (filter, sector and scope).
fn view<'a>(input: &'a ReportInput, tree: &'a Tree<'a>) -> View<'a> {
    let in_scope = |u: Uuid| input.scope.is_none_or(|s| s.contains(&u));
    let sector = sector_filter(input);
    let candidates: BTreeSet<Uuid> = match input.filter.unit {
        Some(u) => tree.subtree(u),
        None => tree.order().iter().copied().collect(),
    };
    let covered: BTreeSet<Uuid> = candidates
        .into_iter()
        .filter(|u| in_scope(*u))
        .filter(|u| {
            sector.is_none_or(|s| tree.sector(*u).is_some_and(|t| t.eq_ignore_ascii_case(s)))
        })
        .collect();
    View {
        tree,
        units: covered,
        scope: input.scope,
        headcount: input.headcount,
        k: i64::from(input.settings.k.max(3)),
    }
}

/// The atoms the report's overall figures count (by holder unit): those held by covered units whose every
/// member is in scope. Comments are released to atoms, so these are the atoms whose comments it may list.
fn counted_atoms(view: &View, atoms: &protect::Atoms) -> BTreeSet<Uuid> {
    view.units
        .iter()
        .filter(|u| {
            atoms
                .atoms
                .get(u)
                .is_some_and(|atom| atom.members.iter().all(|m| view.in_scope(*m)))
        })
        .copied()
        .collect()
}

pub fn build_report(input: &ReportInput) -> WaveReport {
    build_report_counting(input).0
}

/// [`build_report`], and the atoms its overall figures count (by holder unit): the atoms whose released
/// comments it may list.
pub fn build_report_counting(input: &ReportInput) -> (WaveReport, BTreeSet<Uuid>) {
    let k = input.settings.k.max(3);
    let legacy = input.settings.skm_legacy_weights;
    let def = input.definition;
    let tree = Tree::new(input.units);
    let current = atoms(&tree, input.counters, i64::from(k));
    let in_scope = |u: Uuid| input.scope.is_none_or(|s| s.contains(&u));
    let root = input.filter.unit.and_then(|u| tree.unit(u).map(|_| u));
    let sector = sector_filter(input);
    let view = view(input, &tree);
    let report_of = |group: &Group| group_report(def, group, legacy);

    let overall_group = view.group(&current, &view.units);
    let overall = report_of(&overall_group);
    let mut seen = HashSet::new();
    let questions = def
        .questions()
        .map(|(_, q)| q)
        .filter(|q| seen.insert(q.id.as_str()))
        .map(|q| questions::question_report(q, &overall_group))
        .collect();

    let breakdown: Vec<UnitRow> = breakdown_sets(&view, root, &in_scope)
        .into_iter()
        .filter_map(|(unit, own_only, set)| {
            let group = view.group(&current, &set);
            if own_only && group.raw <= 0 && group.respondents <= 0 {
                return None;
            }
            Some(UnitRow {
                unit: unit_ref(&tree, unit)?,
                own_only,
                group: report_of(&group),
            })
        })
        .collect();

    let mut by_sector: BTreeMap<(bool, String), BTreeSet<Uuid>> = BTreeMap::new();
    for &u in &view.units {
        let s = tree.sector(u);
        by_sector
            .entry((s.is_none(), s.unwrap_or_default().to_string()))
            .or_default()
            .insert(u);
    }
    let sectors = by_sector
        .into_iter()
        .map(|((none, name), set)| SectorRow {
            sector: (!none).then_some(name),
            group: report_of(&view.group(&current, &set)),
        })
        .collect();

    let heatmap = heatmap(def, &breakdown);
    let changes = input.previous.map(|rows| {
        // The previous wave under the larger of the two thresholds.
        let previous_k = k.max(input.previous_k);
        let previous = atoms(&tree, rows, i64::from(previous_k));
        let previous_view = View {
            k: i64::from(previous_k),
            ..view.clone()
        };
        let before = report_of(&previous_view.group(&previous, &view.units));
        changes(&before, &overall)
    });
    let counted = counted_atoms(&view, &current);
    let report = WaveReport {
        k,
        skm_legacy_weights: legacy,
        filter: AppliedFilter {
            unit: root.and_then(|u| unit_ref(&tree, u)),
            sector: sector.map(str::to_string),
        },
        overall,
        questions,
        breakdown,
        sectors,
        heatmap,
        changes,
        comments: None,
        held_back: None,
    };
    (report, counted)
}

fn unit_ref(tree: &Tree, id: Uuid) -> Option<UnitRef> {
    tree.unit(id).map(|u| UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
    })
}

/// The breakdown rows as (unit, own only, covered units): the filtered unit's own atom, then the subtrees of
/// its children, or without a unit filter of the roots; a unit outside the scope is replaced by its
/// highest descendants inside it.
fn breakdown_sets(
    view: &View,
    root: Option<Uuid>,
    in_scope: &dyn Fn(Uuid) -> bool,
) -> Vec<(Uuid, bool, BTreeSet<Uuid>)> {
    let tree = view.tree;
    let mut rows = Vec::new();
    let start: Vec<Uuid> = match root {
        Some(r) => {
            if view.units.contains(&r) {
                rows.push((r, true, BTreeSet::from([r])));
            }
            tree.children(r).to_vec()
        }
        None => tree
            .order()
            .iter()
            .copied()
            .filter(|u| tree.parent(*u).is_none())
            .collect(),
    };
    let mut stack: Vec<Uuid> = start.into_iter().rev().collect();
    while let Some(u) = stack.pop() {
        if in_scope(u) {
            let set: BTreeSet<Uuid> = tree
                .subtree(u)
                .into_iter()
                .filter(|x| view.units.contains(x))
                .collect();
            rows.push((u, false, set));
        } else {
            stack.extend(tree.children(u).iter().rev().copied());
        }
    }
    rows.retain(|(_, _, set)| !set.is_empty());
    rows
}

fn group_report(def: &SurveyDefinition, group: &Group, legacy: bool) -> GroupReport {
    let respondents = group.respondents_gate();
    GroupReport {
        respondents: respondents.shown,
        suppressed: respondents.suppressed,
        headcount: group.headcount,
        competency: analyses::competency(def, group),
        training: analyses::training(def, group),
        staffing: analyses::staffing(def, group),
        socialisation: analyses::socialisation(def, group),
        skm: analyses::skm(def, group, legacy),
    }
}

fn heatmap(def: &SurveyDefinition, breakdown: &[UnitRow]) -> Option<GapHeatmap> {
    let questions = analyses::competency_questions(def);
    if questions.is_empty() {
        return None;
    }
    let columns = questions
        .iter()
        .map(|q| HeatmapColumn {
            question_id: q.id.clone(),
            code: match &q.kind {
                crate::survey::QuestionKind::Competency { code, .. } => code.clone(),
                _ => q.id.clone(),
            },
            label: q.text.clone(),
        })
        .collect();
    let rows = breakdown
        .iter()
        .map(|row| HeatmapRow {
            unit: row.unit.clone(),
            own_only: row.own_only,
            respondents: row.group.respondents,
            suppressed: row.group.suppressed,
            cells: match &row.group.competency {
                Some(c) => c.competencies.iter().map(|s| s.gap).collect(),
                None => vec![None; questions.len()],
            },
        })
        .collect();
    Some(GapHeatmap { columns, rows })
}

/// The headline indicators of a group: (id, label, value).
pub(crate) fn headlines(report: &GroupReport) -> Vec<(String, Text, Option<f64>)> {
    let mut out = vec![(
        "respondents".to_string(),
        Text::new("Responden", "Respondents"),
        report.respondents.map(|n| n as f64),
    )];
    if let Some(c) = &report.competency {
        out.push((
            "competency.jpm".into(),
            Text::new("JPM (%)", "JPM (%)"),
            c.jpm,
        ));
        for s in &c.competencies {
            let name_en = s.label.en.clone().unwrap_or_else(|| s.label.id.clone());
            out.push((
                format!("competency.{}.mean_level", s.question_id),
                Text::new(
                    format!("Rata-rata level: {}", s.label.id),
                    format!("Mean level: {name_en}"),
                ),
                s.mean_level,
            ));
            out.push((
                format!("competency.{}.gap", s.question_id),
                Text::new(
                    format!("Kesenjangan: {}", s.label.id),
                    format!("Gap: {name_en}"),
                ),
                s.gap,
            ));
        }
    }
    if let Some(t) = &report.training {
        out.push((
            "training.below_20_share".into(),
            Text::new("Porsi pegawai di bawah 20 JP", "Share of staff below 20 JP"),
            t.below_20_share,
        ));
        out.push((
            "training.jp_mean".into(),
            Text::new("Rata-rata JP tahun ini", "Mean JP this year"),
            t.jp_mean,
        ));
    }
    if let Some(s) = &report.staffing {
        out.push((
            "staffing.required_fte".into(),
            Text::new("Kebutuhan pegawai (ABK)", "Required staff (ABK)"),
            s.required_fte,
        ));
    }
    if let Some(s) = &report.socialisation {
        out.push((
            "socialisation.acceptance_index".into(),
            Text::new("Indeks penerimaan", "Acceptance index"),
            s.acceptance_index,
        ));
        out.push((
            "socialisation.favourable_share".into(),
            Text::new("Porsi setuju (top-2-box)", "Favourable share (top 2 box)"),
            s.favourable_share,
        ));
    }
    if let Some(s) = &report.skm {
        out.push(("skm.ikm".into(), Text::new("IKM", "IKM"), s.ikm));
        out.push((
            "skm.converted".into(),
            Text::new("IKM konversi", "IKM (converted)"),
            s.converted,
        ));
    }
    out
}

fn changes(before: &GroupReport, now: &GroupReport) -> Vec<IndicatorChange> {
    let previous: HashMap<String, Option<f64>> = headlines(before)
        .into_iter()
        .map(|(id, _, v)| (id, v))
        .collect();
    headlines(now)
        .into_iter()
        .map(|(indicator, label, current)| {
            let previous = previous.get(&indicator).copied().flatten();
            let change = match (previous, current) {
                (Some(p), Some(c)) => Some(c - p),
                _ => None,
            };
            IndicatorChange {
                indicator,
                label,
                previous,
                current,
                change,
            }
        })
        .collect()
}
