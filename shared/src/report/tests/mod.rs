//! Tests of the report engine, one module per topic: worked examples of every analysis (numbers checked by
//! hand against docs/domain.md), the threshold rules, the export, property tests of the protection over random
//! trees, counters, filters and scopes, and the release in steps of k over time. This module holds the
//! fixtures they share.

use std::collections::HashMap;

use uuid::Uuid;

use super::*;
use crate::api::Unit;
use crate::survey::{Answer, Answers, SurveyDefinition, contributions};
use crate::templates::test_support::all_kinds_definition;

mod export;
mod over_time;
mod properties;
mod threshold;
mod worked_examples;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn unit(n: u128, parent: Option<u128>, sector: Option<&str>) -> Unit {
    Unit {
        id: id(n),
        code: format!("U{n:03}"),
        name: format!("Unit {n}"),
        kind: "dinas".into(),
        sector: sector.map(str::to_string),
        parent_id: parent.map(id),
    }
}

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn num(x: f64) -> Answer {
    Answer::Number(x)
}

fn text(s: &str) -> Answer {
    Answer::Text(s.into())
}

fn list(items: &[&str]) -> Answer {
    Answer::List(items.iter().map(|s| s.to_string()).collect())
}

/// The counters of `responses` in `unit`, as the folder would store them (summed).
fn counters(def: &SurveyDefinition, unit: u128, responses: &[Answers]) -> Vec<CounterRow> {
    let mut sums: BTreeMap<(String, String), (i64, f64)> = BTreeMap::new();
    for a in responses {
        for c in contributions(def, a) {
            let e = sums.entry((c.key, c.bucket)).or_insert((0, 0.0));
            e.0 += c.count;
            e.1 += c.sum;
        }
    }
    sums.into_iter()
        .map(|((key, bucket), (count, sum))| CounterRow {
            unit_id: id(unit),
            key,
            bucket,
            count,
            sum,
        })
        .collect()
}

struct Fixture {
    def: SurveyDefinition,
    units: Vec<Unit>,
    counters: Vec<CounterRow>,
    previous: Option<Vec<CounterRow>>,
    previous_k: u32,
    headcount: HashMap<Uuid, u32>,
    scope: Option<HashSet<Uuid>>,
    filter: ReportFilter,
    settings: ReportSettings,
}

impl Fixture {
    fn new(def: SurveyDefinition, units: Vec<Unit>, counters: Vec<CounterRow>, k: u32) -> Fixture {
        Fixture {
            def,
            units,
            counters,
            previous: None,
            previous_k: 0,
            headcount: HashMap::new(),
            scope: None,
            filter: ReportFilter::default(),
            settings: ReportSettings {
                k,
                skm_legacy_weights: false,
            },
        }
    }

    fn report(&self) -> WaveReport {
        build_report(&ReportInput {
            definition: &self.def,
            units: &self.units,
            counters: &self.counters,
            previous: self.previous.as_deref(),
            previous_k: self.previous_k,
            headcount: &self.headcount,
            scope: self.scope.as_ref(),
            filter: &self.filter,
            settings: &self.settings,
        })
    }
}

fn template(id: &str) -> SurveyDefinition {
    crate::templates::get(id).unwrap().definition
}

#[track_caller]
fn approx(value: Option<f64>, expected: f64) {
    let v = value.unwrap_or_else(|| panic!("expected {expected}, got None"));
    assert!((v - expected).abs() < 1e-9, "expected {expected}, got {v}");
}

fn question<'a>(report: &'a WaveReport, id: &str) -> &'a QuestionReport {
    report.questions.iter().find(|q| q.id == id).unwrap()
}

/// Five respondents of one unit; four have a jabatan with a required level.
fn competency_responses() -> Vec<Answers> {
    let r = |level: &str, i: f64, ks: f64, ko: f64| {
        answers(&[
            ("jabatan", text(level)),
            ("integritas", num(i)),
            ("kerja_sama", num(ks)),
            ("komunikasi", num(ko)),
        ])
    };
    vec![
        r("administrator", 3.0, 3.0, 2.0), // 8 / 9 = 88.9 % cukup
        r("administrator", 4.0, 3.0, 3.0), // 10 / 9 = 111.1 % optimal
        r("pelaksana", 1.0, 1.0, 1.0),     // 3 / 3 = 100 % optimal
        r("pengawas", 1.0, 1.0, 2.0),      // 4 / 6 = 66.7 % kurang
        r("fungsional", 5.0, 5.0, 5.0),    // JF: no standard from the table
    ]
}

/// R (3 responses) ── P (0) ── A (6)
///                         └── B (2)
fn small_tree() -> Fixture {
    let def = all_kinds_definition();
    let one = answers(&[("pilih_satu", text("a"))]);
    let mut rows = counters(&def, 1, &vec![one.clone(); 3]);
    rows.extend(counters(&def, 3, &vec![one.clone(); 6]));
    rows.extend(counters(&def, 4, &vec![one; 2]));
    let units = vec![
        unit(1, None, Some("pemerintahan")),
        unit(2, Some(1), None),
        unit(3, Some(2), None),
        unit(4, Some(2), Some("kesehatan")),
    ];
    Fixture::new(def, units, rows, 5)
}

/// Every count the report shows of a group of respondents: group sizes and answered counts.
fn shown_counts(value: &serde_json::Value, out: &mut Vec<(String, u64)>) {
    const COUNT_FIELDS: [&str; 7] = [
        "respondents",
        "answered",
        "assessed",
        "with_standard",
        "prioritised",
        "jp_answered",
        "concerns_answered",
    ];
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                if COUNT_FIELDS.contains(&key.as_str())
                    && let Some(n) = v.as_u64()
                {
                    out.push((key.clone(), n));
                }
                shown_counts(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| shown_counts(v, out)),
        _ => {}
    }
}
