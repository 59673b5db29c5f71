//! Worked examples of every analysis (numbers checked by hand against DOMAIN.md), the threshold rules, the
//! export, and property tests of the protection over random trees, counters, filters and scopes.

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;
use uuid::Uuid;

use super::protect::{Tree, atoms};
use super::*;
use crate::api::Unit;
use crate::i18n::Lang;
use crate::survey::{Answer, Answers, SurveyDefinition, TaskRow, contributions};
use crate::templates::test_support::{all_kinds_definition, random_response};

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------
// Worked examples
// ---------------------------------------------------------------------------------------------------------

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

#[test]
fn competency_worked_example() {
    let def = template("competency");
    let rows = counters(&def, 1, &competency_responses());
    let fx = Fixture::new(def, vec![unit(1, None, None)], rows, 3);
    let report = fx.report();
    assert_eq!(report.overall.respondents, Some(5));
    let c = report.overall.competency.as_ref().unwrap();
    assert_eq!(c.assessed, Some(4));
    // (88.89 + 111.11 + 100 + 66.67) / 4 = 91.6675 (each JPM counted to 0.01 %) -> optimal.
    approx(c.jpm, 91.6675);
    assert_eq!(c.jpm_category, Some(JpmCategory::Optimal));
    let counts: Vec<(JpmCategory, u64)> =
        c.categories.iter().map(|c| (c.category, c.count)).collect();
    assert_eq!(
        counts,
        vec![
            (JpmCategory::Optimal, 2),
            (JpmCategory::CukupOptimal, 1),
            (JpmCategory::KurangOptimal, 1)
        ]
    );
    let integritas = &c.competencies[0];
    assert_eq!(integritas.code, "integritas");
    assert_eq!(integritas.answered, Some(5));
    approx(integritas.mean_level, 14.0 / 5.0);
    assert_eq!(integritas.with_standard, Some(4));
    approx(integritas.mean_required, 9.0 / 4.0);
    approx(integritas.gap, 0.0); // 0, +1, 0, -1
    approx(integritas.below_share, 0.25);
    let komunikasi = &c.competencies[2];
    approx(komunikasi.gap, -0.25); // -1, 0, 0, 0
    approx(komunikasi.below_share, 0.25);
    // Unanswered competencies: counts 0, no figures.
    let orientasi = &c.competencies[3];
    assert_eq!((orientasi.answered, orientasi.suppressed), (Some(0), false));
    assert_eq!(orientasi.mean_level, None);
    // The heatmap has one row per breakdown unit.
    let heatmap = report.heatmap.as_ref().unwrap();
    assert_eq!(heatmap.columns.len(), 9);
    assert_eq!(heatmap.rows.len(), 1);
    approx(heatmap.rows[0].cells[2], -0.25);

    // With k = 5 the four respondents with a standard are too few: JPM and gaps are hidden, the levels
    // rated by all five are shown.
    let mut fx = fx;
    fx.settings.k = 5;
    let report = fx.report();
    let c = report.overall.competency.as_ref().unwrap();
    assert_eq!((c.assessed, c.suppressed), (None, true));
    assert_eq!((c.jpm, c.jpm_category), (None, None));
    assert!(c.categories.is_empty());
    let integritas = &c.competencies[0];
    approx(integritas.mean_level, 2.8);
    assert_eq!(
        (integritas.with_standard, integritas.standard_suppressed),
        (None, true)
    );
    assert_eq!((integritas.gap, integritas.below_share), (None, None));
    assert_eq!(report.heatmap.unwrap().rows[0].cells[0], None);
}

#[test]
fn training_worked_example() {
    let def = template("training_needs");
    let r = |topics: &[&str], priority: &str, urgency: f64, jp: f64| {
        answers(&[
            ("topik", list(topics)),
            ("topik_prioritas", text(priority)),
            ("urgensi", num(urgency)),
            ("jp_tahun_ini", num(jp)),
        ])
    };
    let responses = vec![
        r(
            &["literasi_data", "kepemimpinan"],
            "literasi_data",
            4.0,
            10.0,
        ),
        r(&["literasi_data"], "literasi_data", 3.0, 25.0),
        r(&["kepemimpinan", "arsip_digital"], "kepemimpinan", 2.0, 0.0),
        r(&["kepemimpinan"], "kepemimpinan", 1.0, 20.0),
        r(
            &["arsip_digital", "literasi_data", "kepemimpinan"],
            "arsip_digital",
            4.0,
            40.0,
        ),
    ];
    let rows = counters(&def, 1, &responses);
    let fx = Fixture::new(def, vec![unit(1, None, Some("pendidikan"))], rows, 5);
    let report = fx.report();
    let t = report.overall.training.as_ref().unwrap();
    assert_eq!(t.answered, Some(5));
    assert_eq!(t.prioritised, Some(5));
    // Scores: literasi 3 chosen + urgency 4 + 3 = 10; kepemimpinan 4 + 2 + 1 = 7; arsip 2 + 4 = 6.
    let top: Vec<(&str, u64, Option<u64>, f64)> = t
        .topics
        .iter()
        .take(4)
        .map(|d| (d.id.as_str(), d.chosen, d.priority, d.score))
        .collect();
    assert_eq!(
        top,
        vec![
            ("literasi_data", 3, Some(2), 10.0),
            ("kepemimpinan", 4, Some(2), 7.0),
            ("arsip_digital", 2, Some(1), 6.0),
            ("manajemen_risiko_bencana", 0, Some(0), 0.0),
        ]
    );
    approx(t.topics[0].mean_urgency, 3.5);
    approx(Some(t.topics[1].chosen_share), 0.8);
    assert_eq!(t.topics.len(), 8);
    // JP: mean 19; 10 and 0 are below 20 (2 of 5); shortfalls 10 + 20 = 30 -> 6 per respondent.
    assert_eq!(t.jp_answered, Some(5));
    approx(t.jp_mean, 19.0);
    assert_eq!(t.below_20, Some(2));
    approx(t.below_20_share, 0.4);
    approx(t.mean_shortfall, 6.0);
    // The same figures per sector.
    assert_eq!(report.sectors.len(), 1);
    assert_eq!(report.sectors[0].sector.as_deref(), Some("pendidikan"));
    assert_eq!(report.sectors[0].group.training, report.overall.training);
}

fn tasks(volume: f64, minutes: f64) -> Answer {
    Answer::Tasks(vec![TaskRow {
        task: "Tugas".into(),
        volume,
        minutes,
    }])
}

#[test]
fn staffing_worked_example() {
    // DOMAIN.md: 7,116 hours a year -> 5.69 -> 6 people. Five responses of unit 2 list 1,186 x 72 minutes
    // each: 5 x 85,392 = 426,960 minutes = 7,116 hours.
    let def = template("staffing_abk");
    let abk = |volume: f64, minutes: f64| {
        answers(&[
            ("tugas", tasks(volume, minutes)),
            ("pegawai_saat_ini", num(4.0)),
        ])
    };
    let mut rows = counters(&def, 2, &vec![abk(1186.0, 72.0); 5]);
    // Unit 3: 5 x 15,000 minutes = 75,000 = exactly one person.
    rows.extend(counters(&def, 3, &vec![abk(100.0, 150.0); 5]));
    // Unit 4 (10 staff) sent nothing: its staff are not set against the others' workload.
    let units = vec![
        unit(1, None, None),
        unit(2, Some(1), Some("pendidikan")),
        unit(3, Some(1), Some("kesehatan")),
        unit(4, Some(1), Some("pendidikan")),
    ];
    let mut fx = Fixture::new(def, units, rows, 5);
    fx.headcount = HashMap::from([(id(2), 4), (id(3), 3), (id(4), 10)]);
    fx.filter.unit = Some(id(1));
    let report = fx.report();
    type Row<'a> = (&'a str, Option<f64>, Option<u64>, u64, Option<i64>);
    let rows: Vec<Row> = report
        .breakdown
        .iter()
        .map(|r| {
            let s = r.group.staffing.as_ref().unwrap();
            (
                r.unit.name.as_str(),
                s.required_fte,
                s.required_staff,
                s.headcount,
                s.gap,
            )
        })
        .collect();
    assert_eq!(
        rows.len(),
        3,
        "unit 1 has no responses of its own: no own row"
    );
    assert_eq!(rows[2], ("Unit 4", None, None, 0, None));
    assert_eq!(rows[0].0, "Unit 2");
    approx(rows[0].1, 5.6928);
    assert_eq!((rows[0].2, rows[0].3, rows[0].4), (Some(6), 4, Some(2)));
    assert_eq!(rows[1].0, "Unit 3");
    approx(rows[1].1, 1.0);
    assert_eq!((rows[1].2, rows[1].3, rows[1].4), (Some(1), 3, Some(-2)));
    let s = report.overall.staffing.as_ref().unwrap();
    approx(s.total_minutes, 501_960.0);
    assert_eq!(s.tasks, Some(10));
    approx(s.required_fte, 6.6928);
    assert_eq!(
        (s.required_staff, s.headcount, s.gap),
        (Some(7), 7, Some(0))
    );
    assert_eq!(report.overall.headcount, 17);
    // By sector: shortage in pendidikan, surplus in kesehatan.
    let sectors: Vec<(Option<&str>, Option<i64>)> = report
        .sectors
        .iter()
        .map(|r| (r.sector.as_deref(), r.group.staffing.as_ref().unwrap().gap))
        .collect();
    assert_eq!(
        sectors,
        vec![
            (Some("kesehatan"), Some(-2)),
            (Some("pendidikan"), Some(2)),
            (None, None)
        ]
    );
    assert_eq!(report.sectors[2].group.respondents, Some(0));
}

#[test]
fn socialisation_worked_example() {
    let def = template("socialisation");
    let r = |rows: [u8; 4], concerns: &[&str]| {
        let matrix = ["tujuan_jelas", "bermanfaat", "adil", "mendukung"]
            .iter()
            .zip(rows)
            .map(|(r, v)| (r.to_string(), v))
            .collect();
        answers(&[
            ("sudah_tahu", text("ya")),
            ("penerimaan", Answer::Matrix(matrix)),
            ("kekhawatiran", list(concerns)),
        ])
    };
    let responses = vec![
        r([5, 5, 4, 4], &["beban_kerja"]),
        r([4, 4, 4, 4], &["beban_kerja", "prosedur_tidak_jelas"]),
        r([3, 3, 2, 2], &["karier"]),
        r([2, 2, 1, 1], &["prosedur_tidak_jelas"]),
        r([5, 4, 5, 4], &["beban_kerja"]),
    ];
    let rows = counters(&def, 1, &responses);
    let report = Fixture::new(def, vec![unit(1, None, None)], rows, 5).report();
    let s = report.overall.socialisation.as_ref().unwrap();
    assert_eq!(s.answered, Some(5));
    // 68 points over 20 answers: mean 3.4 -> (3.4 - 1) / 4 x 100 = 60; 12 of 20 answers are 4 or 5.
    approx(s.acceptance_index, 60.0);
    approx(s.favourable_share, 0.6);
    let first = &s.items[0];
    assert_eq!(first.id, "tujuan_jelas");
    approx(first.mean, 3.8);
    approx(first.index, 70.0);
    approx(first.favourable_share, 0.6);
    let concerns: Vec<(&str, u64)> = s
        .concerns
        .iter()
        .map(|c| (c.id.as_str(), c.count))
        .collect();
    assert_eq!(
        concerns,
        vec![
            ("beban_kerja", 3),
            ("prosedur_tidak_jelas", 2),
            ("karier", 1),
            ("keterampilan", 0),
            ("lainnya", 0)
        ]
    );
    approx(Some(s.concerns[0].share), 0.6);
    // The matrix question itself: top-2-box per row.
    let q = question(&report, "penerimaan");
    assert_eq!(q.answered, Some(5));
    approx(q.rows[3].top2_share, 0.6);
    approx(q.rows[3].mean, 3.0);
}

#[test]
fn skm_worked_example() {
    let def = template("skm");
    let r = |all: f64, u4: f64| {
        let mut a: Answers = (1..=9).map(|i| (format!("u{i}"), num(all))).collect();
        a.insert("u4".into(), num(u4));
        a
    };
    let responses = vec![
        r(4.0, 4.0),
        r(3.0, 3.0),
        r(3.0, 3.0),
        r(4.0, 4.0),
        r(3.0, 2.0),
    ];
    let rows = counters(&def, 1, &responses);
    let mut fx = Fixture::new(def, vec![unit(1, None, None)], rows, 5);
    fx.headcount = HashMap::from([(id(1), 1000)]);
    let report = fx.report();
    let s = report.overall.skm.as_ref().unwrap();
    // NRR 17 / 5 = 3.4 on eight elements, 16 / 5 = 3.2 on U4: Σ 30.4; IKM 30.4 / 9 = 3.378; x 25 = 84.44 B.
    approx(s.elements[0].nrr, 3.4);
    approx(s.elements[3].nrr, 3.2);
    approx(s.ikm, 30.4 / 9.0);
    approx(s.converted, 30.4 / 9.0 * 25.0);
    assert_eq!(s.grade, Some(SkmGrade::B));
    // Krejcie-Morgan: N = 1,000 -> 278; 5 responses are not enough.
    assert_eq!((s.population, s.min_sample), (1000, 278));
    assert_eq!((s.respondents, s.sample_sufficient), (Some(5), Some(false)));

    // Legacy weight 0.11: 30.4 x 0.11 = 3.344 -> 83.6.
    fx.settings.skm_legacy_weights = true;
    let report = fx.report();
    let s = report.overall.skm.as_ref().unwrap();
    approx(Some(s.weight), 0.11);
    approx(s.ikm, 3.344);
    approx(s.converted, 83.6);
    assert!(report.skm_legacy_weights);
}

#[test]
fn skm_needs_every_element_shown() {
    // Four of five respondents skip U9 (k = 5): its NRR is hidden and so is the IKM, which would reveal it.
    let def = template("skm");
    let mut responses: Vec<Answers> = (0..5)
        .map(|_| (1..=8).map(|i| (format!("u{i}"), num(3.0))).collect())
        .collect();
    responses[0].insert("u9".into(), num(1.0));
    let rows = counters(&def, 1, &responses);
    let report = Fixture::new(def, vec![unit(1, None, None)], rows, 5).report();
    let s = report.overall.skm.as_ref().unwrap();
    assert_eq!(
        (s.elements[8].answered, s.elements[8].suppressed),
        (None, true)
    );
    assert_eq!((s.ikm, s.converted, s.grade), (None, None, None));
    approx(s.elements[7].nrr, 3.0);
}

#[test]
fn generic_question_figures() {
    let def = all_kinds_definition();
    let r = |single: &str, multi: &[&str], likert: f64, nps: f64, number: f64, rank: &[&str]| {
        answers(&[
            ("pilih_satu", text(single)),
            ("pilih_banyak", list(multi)),
            ("likert", num(likert)),
            ("nps", num(nps)),
            ("angka", num(number)),
            ("urutan", list(rank)),
            ("singkat", text("rahasia")),
        ])
    };
    let responses = vec![
        r("b", &["a", "b"], 5.0, 10.0, 2.0, &["x", "y", "z"]),
        r("b", &["a"], 4.0, 9.0, 4.0, &["x", "z", "y"]),
        r("c", &["c"], 3.0, 8.0, 4.0, &["y", "x", "z"]),
        r("b", &["a", "d"], 2.0, 5.0, 4.0, &["x", "y", "z"]),
        r("c", &["b"], 4.0, 0.0, 5.0, &["z", "x", "y"]),
    ];
    let rows = counters(&def, 1, &responses);
    let report = Fixture::new(def, vec![unit(1, None, None)], rows, 5).report();

    let single = question(&report, "pilih_satu");
    let counts: Vec<(&str, u64)> = single
        .options
        .iter()
        .map(|o| (o.id.as_str(), o.count))
        .collect();
    assert_eq!(counts, vec![("a", 0), ("b", 3), ("c", 2)]);
    approx(Some(single.options[1].share), 0.6);

    // Multiple choice: shares of the 5 respondents, not of the 7 selections.
    let multi = question(&report, "pilih_banyak");
    assert_eq!(multi.answered, Some(5));
    approx(Some(multi.options[0].share), 0.6);

    let likert = question(&report, "likert");
    approx(likert.mean, 3.6);
    approx(likert.top2_share, 0.6);

    // NPS: promoters 10, 9; passive 8; detractors 5, 0 -> (2 - 2) / 5 = 0.
    let nps = question(&report, "nps").nps.as_ref().unwrap();
    assert_eq!((nps.promoters, nps.passives, nps.detractors), (2, 1, 2));
    approx(Some(nps.score), 0.0);

    // Number: 2, 4, 4, 4, 5: mean 3.8, sample variance (77 - 5 x 3.8²) / 4 = 1.2.
    let number = question(&report, "angka");
    approx(number.mean, 3.8);
    approx(number.sd, 1.2f64.sqrt());

    // Ranking: x at 1, 1, 2, 1, 2 -> 1.4.
    let ranking = question(&report, "urutan");
    approx(ranking.options[0].mean_position, 1.4);

    // Text: only how many answered.
    let short = question(&report, "singkat");
    assert_eq!(short.answered, Some(5));
    assert!(short.options.is_empty() && short.mean.is_none());
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("rahasia"));

    // Unanswered questions show 0, not "hidden".
    let date = question(&report, "tanggal");
    assert_eq!((date.answered, date.suppressed), (Some(0), false));
}

// ---------------------------------------------------------------------------------------------------------
// Threshold rules
// ---------------------------------------------------------------------------------------------------------

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

fn row(report: &WaveReport, n: u128, own: bool) -> &UnitRow {
    report
        .breakdown
        .iter()
        .find(|r| r.unit.id == id(n) && r.own_only == own)
        .unwrap_or_else(|| panic!("no row for unit {n}"))
}

#[test]
fn small_units_are_hidden_and_merged_upwards() {
    let mut fx = small_tree();
    // B's 2 responses go to P (2), then to R: R's atom has 3 + 2 = 5.
    fx.filter.unit = Some(id(2));
    let report = fx.report();
    assert_eq!(report.overall.respondents, Some(6));
    let b = row(&report, 4, false);
    assert_eq!((b.group.respondents, b.group.suppressed), (None, true));
    assert_eq!(row(&report, 3, false).group.respondents, Some(6));
    assert!(
        report.breakdown.iter().all(|r| !r.own_only),
        "P has nothing of its own"
    );

    fx.filter.unit = Some(id(1));
    let report = fx.report();
    assert_eq!(report.overall.respondents, Some(11));
    assert_eq!(row(&report, 1, true).group.respondents, Some(5));
    assert_eq!(row(&report, 2, false).group.respondents, Some(6));

    // Sector kesehatan covers only B, whose responses sit in R's atom: hidden, not 2.
    fx.filter.sector = Some("kesehatan".into());
    let report = fx.report();
    assert_eq!(
        (report.overall.respondents, report.overall.suppressed),
        (None, true)
    );
    assert!(question(&report, "pilih_satu").options.is_empty());
}

#[test]
fn a_question_answered_by_fewer_than_k_is_hidden() {
    let def = all_kinds_definition();
    let mut responses = vec![answers(&[("pilih_satu", text("b"))]); 6];
    responses[0].insert("likert".into(), num(5.0));
    responses[1].insert("likert".into(), num(1.0));
    let rows = counters(&def, 1, &responses);
    let report = Fixture::new(def, vec![unit(1, None, None)], rows, 5).report();
    let likert = question(&report, "likert");
    assert_eq!((likert.answered, likert.suppressed), (None, true));
    assert!(likert.options.is_empty());
    assert_eq!((likert.mean, likert.top2_share), (None, None));
    assert_eq!(question(&report, "pilih_satu").answered, Some(6));
}

#[test]
fn k_is_never_below_three() {
    let mut fx = small_tree();
    fx.settings.k = 1;
    let report = fx.report();
    assert_eq!(report.k, 3);
    // B (2) is still merged into P, then R.
    fx.filter.unit = Some(id(2));
    let report = fx.report();
    assert_eq!(row(&report, 4, false).group.respondents, None);
}

#[test]
fn scope_limits_rows_and_figures() {
    let mut fx = small_tree();
    fx.scope = Some(HashSet::from([id(2), id(3), id(4)]));
    let report = fx.report();
    // Only P's subtree: A's 6; B's responses sit in R's atom, outside the scope.
    assert_eq!(report.overall.respondents, Some(6));
    let units: Vec<Uuid> = report.breakdown.iter().map(|r| r.unit.id).collect();
    assert_eq!(units, vec![id(2)]);
}

#[test]
fn changes_against_the_previous_wave() {
    let def = template("socialisation");
    let r = |v: u8| {
        answers(&[(
            "penerimaan",
            Answer::Matrix(
                ["tujuan_jelas", "bermanfaat", "adil", "mendukung"]
                    .iter()
                    .map(|r| (r.to_string(), v))
                    .collect(),
            ),
        )])
    };
    let now = counters(&def, 1, &vec![r(4); 6]);
    let before = counters(&def, 1, &vec![r(3); 5]);
    let mut fx = Fixture::new(def, vec![unit(1, None, None)], now, 5);
    fx.previous = Some(before);
    let report = fx.report();
    let changes = report.changes.as_ref().unwrap();
    let get = |id: &str| changes.iter().find(|c| c.indicator == id).unwrap();
    let responses = get("respondents");
    assert_eq!(
        (responses.previous, responses.current, responses.change),
        (Some(5.0), Some(6.0), Some(1.0))
    );
    let index = get("socialisation.acceptance_index");
    approx(index.previous, 50.0);
    approx(index.current, 75.0);
    approx(index.change, 25.0);

    // A previous wave below k shows nothing but hidden.
    fx.previous = Some(counters(&fx.def, 1, &vec![r(3); 4]));
    let report = fx.report();
    let changes = report.changes.unwrap();
    let index = changes
        .iter()
        .find(|c| c.indicator == "socialisation.acceptance_index")
        .unwrap();
    assert_eq!((index.previous, index.change), (None, None));
    assert_eq!(changes[0].previous, None);
}

#[test]
fn unknown_units_and_buckets_are_ignored() {
    let def = all_kinds_definition();
    let mut rows = counters(&def, 1, &vec![answers(&[("pilih_satu", text("a"))]); 5]);
    rows.extend(counters(
        &def,
        99,
        &vec![answers(&[("pilih_satu", text("a"))]); 9],
    ));
    rows.push(CounterRow {
        unit_id: id(1),
        key: "pilih_satu".into(),
        bucket: "tidak_ada".into(),
        count: 3,
        sum: 0.0,
    });
    let report = Fixture::new(def, vec![unit(1, None, None)], rows, 5).report();
    assert_eq!(report.overall.respondents, Some(5));
    let q = question(&report, "pilih_satu");
    assert_eq!(q.answered, Some(5));
    approx(Some(q.options[0].share), 1.0);
}

#[test]
fn report_round_trips_through_json() {
    let def = template("competency");
    let rows = counters(&def, 1, &competency_responses());
    let mut fx = Fixture::new(def, vec![unit(1, None, None)], rows.clone(), 3);
    fx.previous = Some(rows);
    let report = fx.report();
    let json = serde_json::to_string(&report).unwrap();
    let back: WaveReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

// ---------------------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------------------

#[test]
fn export_has_the_shown_figures_and_hidden_markers() {
    let mut fx = small_tree();
    fx.filter.unit = Some(id(2));
    let report = fx.report();
    let rows = export_rows(&report, Lang::En);
    assert_eq!(
        rows[0],
        [
            "Section",
            "Unit",
            "Question/indicator",
            "Option/category",
            "Value",
            "Measure"
        ]
    );
    assert!(rows.iter().all(|r| r.len() == 6));
    let hidden = "hidden: fewer than 5 respondents";
    // B's row: respondents hidden, its roster headcount, nothing else.
    let b: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[1] == "Unit 4" && r[0].starts_with("By unit"))
        .collect();
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[0][4], hidden);
    assert_eq!(b[1][2], "Staff (roster)");
    // The competency heatmap (the definition has one competency) says the same.
    let heatmap: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[1] == "Unit 4" && r[0] == "Competency gap heatmap")
        .collect();
    assert_eq!(heatmap.len(), 1);
    assert_eq!(heatmap[0][4], hidden);
    // The overall question figures.
    assert!(
        rows.contains(
            &[
                "Questions",
                "Unit 2",
                "Question pilih_satu",
                "Option a",
                "6",
                "count"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    assert!(
        rows.contains(
            &[
                "Questions",
                "Unit 2",
                "Question pilih_satu",
                "Option a",
                "1",
                "share (0-1)"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    // Indonesian labels by default.
    let rows = export_rows(&report, Lang::Id);
    assert_eq!(rows[0][0], "Bagian");
    assert!(
        rows.iter()
            .any(|r| r[4] == "disembunyikan: kurang dari 5 responden")
    );
}

#[test]
fn export_numbers_match_the_report() {
    let def = template("skm");
    let responses: Vec<Answers> = (0..5)
        .map(|i| {
            (1..=9)
                .map(|j| (format!("u{j}"), num(f64::from((i + j) % 4 + 1))))
                .collect()
        })
        .collect();
    let rows = counters(&def, 1, &responses);
    let mut fx = Fixture::new(def, vec![unit(1, None, None)], rows, 5);
    fx.headcount = HashMap::from([(id(1), 120)]);
    let report = fx.report();
    let skm = report.overall.skm.as_ref().unwrap();
    let out = export_rows(&report, Lang::Id);
    let value = |indicator: &str, measure: &str| -> Vec<String> {
        out.iter()
            .filter(|r| r[0] == "SKM" && r[2] == indicator && r[5] == measure)
            .map(|r| r[4].clone())
            .collect()
    };
    let rounded = |x: f64| {
        format!("{:.4}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    };
    assert_eq!(
        value("IKM konversi", "skor"),
        vec![rounded(skm.converted.unwrap())]
    );
    assert_eq!(
        value("Sampel minimum (Krejcie-Morgan)", "jumlah"),
        vec![skm.min_sample.to_string()]
    );
    assert_eq!(
        value("U1 Persyaratan", "rata-rata"),
        vec![rounded(skm.elements[0].nrr.unwrap())]
    );
}

// ---------------------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------
// Release in steps of k, over time (release.rs)
// ---------------------------------------------------------------------------------------------------------

mod over_time {
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
}
