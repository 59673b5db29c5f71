//! Worked examples of every analysis, numbers checked by hand against docs/domain.md: competency, training
//! needs, staffing (ABK), socialisation, SKM and the figures of each question kind.

use std::collections::HashMap;

use super::*;
use crate::survey::TaskRow;

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
    // docs/domain.md: 7,116 hours a year -> 5.69 -> 6 people. Five responses of unit 2 list 1,186 x 72 minutes
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
