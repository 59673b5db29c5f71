//! What one accepted response adds to the aggregate report counters. Reports are built from these counters
//! only (count and sum per key and bucket), never from individual responses.

use std::collections::{BTreeMap, HashSet};

use super::condition::{is_answered, visible_question_ids};
use super::model::{Answer, Answers, JobLevel, Question, QuestionKind, SurveyDefinition};
use super::validate::validate_answer;
use crate::report::JpmCategory;
use crate::report::formulas::{MIN_JP_PER_YEAR, jpm, required_level};
use crate::report::keys::{
    ANSWERED_KEY, BELOW_SUFFIX, COMPETENCY_KEY, GAP_SUFFIX, JP_BELOW_BUCKET, JPM_BUCKET, JPM_SCALE,
    REQUIRED_SUFFIX, TRAINING_JP_ID, TRAINING_KEY, TRAINING_PRIORITY_ID, TRAINING_URGENCY_ID,
    competency_bucket, priority_bucket,
};

/// Counter key that counts responses (bucket `all`).
pub const RESPONSES_KEY: &str = "_responses";

/// An increment to one counter: `count` and `sum` are added to the counter `(key, bucket)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// A question id, or `<question id>.<row id>` for a matrix row, or [`RESPONSES_KEY`].
    pub key: String,
    /// An option or level id, a scale point (`"3"`), or `value`, `sumsq`, `answered`, `minutes`, `tasks`, `all`.
    pub bucket: String,
    pub count: i64,
    pub sum: f64,
}

/// The counters one response moves: always one response, then for every shown and answered question:
///
/// - single choice, job level: bucket = the option / level id (count 1);
/// - multiple choice: one bucket per selected option id, and key `_answered` bucket = the question id
///   (count 1: respondents who answered, for shares);
/// - likert, rating, NPS, competency: bucket = the value (`"3"`), count 1, sum = value;
/// - likert matrix: key `<question>.<row>`, bucket = the point, sum = point; and key `_answered` bucket = the
///   question id (count 1);
/// - number: bucket `value` (sum = value) and bucket `sumsq` (sum = value²), for mean and spread;
/// - date, short and long text: bucket `answered` (contents are never counted);
/// - ranking: bucket = option id, sum = its 1-based position (a lower mean is a higher preference);
/// - workload tasks: bucket `minutes` (sum = Σ volume × minutes, for ABK) and bucket `tasks` (count = rows).
///
/// Then the per-respondent counters the report's domain analyses need (details in
/// [`crate::report::keys`]), from the same counted answers:
///
/// - `_competency`: with an answered job level that has a required level and at least one answered
///   managerial or socio-cultural competency: the respondent's JPM (bucket `jpm`, sum in hundredths of a
///   percent, and the category bucket `optimal`, `cukup` or `kurang`), and per competency `<question>.required`, `<question>.gap` and, below
///   the required level, `<question>.below`;
/// - `_training`: `priority.<topic>` (sum = urgency) when `topik_prioritas` and `urgensi` are answered, and
///   `jp.below_20` (sum = 20 - JP) when `jp_tahun_ini` is below 20.
///
/// Last, one `_base` counter per release group moved (count 1; see [`crate::report::release`]): each
/// question answered, `_competency` and `_training` when they were written.
///
/// Answers to unknown or hidden questions, empty answers and answers that do not pass [`validate_answer`]
/// add nothing. Ordered by question, then key and bucket, then the derived counters by key and bucket,
/// then the bases by group; identical counters are merged.
pub fn contributions(def: &SurveyDefinition, answers: &Answers) -> Vec<Contribution> {
    let mut out = vec![Contribution {
        key: RESPONSES_KEY.to_string(),
        bucket: "all".to_string(),
        count: 1,
        sum: 0.0,
    }];
    let visible = visible_question_ids(def, answers);
    let mut done: HashSet<&str> = HashSet::new();
    let mut counted: Vec<(&Question, &Answer)> = Vec::new();
    for (_, question) in def.questions() {
        if !done.insert(question.id.as_str()) || !visible.contains(&question.id) {
            continue;
        }
        let answer = answers.get(&question.id);
        if !is_answered(answer) || !validate_answer(question, answer).is_empty() {
            continue;
        }
        if let Some(answer) = answer {
            counted.push((question, answer));
            let mut counters = BTreeMap::new();
            add_question(question, answer, &mut counters);
            out.extend(
                counters
                    .into_iter()
                    .map(|((key, bucket), (count, sum))| Contribution {
                        key,
                        bucket,
                        count,
                        sum,
                    }),
            );
        }
    }
    let mut derived = Counters::new();
    add_competency(&counted, &mut derived);
    add_training(&counted, &mut derived);
    out.extend(
        derived
            .into_iter()
            .map(|((key, bucket), (count, sum))| Contribution {
                key,
                bucket,
                count,
                sum,
            }),
    );
    crate::report::release::with_bases(out)
}

/// The respondent's JPM and per-competency standing against the required level of their jabatan.
fn add_competency(counted: &[(&Question, &Answer)], counters: &mut Counters) {
    let level = counted.iter().find_map(|(q, a)| match (&q.kind, a) {
        (QuestionKind::JobLevel, Answer::Text(id)) => JobLevel::from_id(id),
        _ => None,
    });
    let Some(level) = level else {
        return;
    };
    let (mut actual_sum, mut required_sum) = (0.0, 0.0);
    for (question, answer) in counted {
        let (QuestionKind::Competency { group, .. }, Answer::Number(actual)) =
            (&question.kind, answer)
        else {
            continue;
        };
        let Some(required) = required_level(level, *group).map(f64::from) else {
            continue;
        };
        let bucket = |what: &str| competency_bucket(&question.id, what);
        add(
            counters,
            COMPETENCY_KEY,
            &bucket(REQUIRED_SUFFIX),
            1,
            required,
        );
        add(
            counters,
            COMPETENCY_KEY,
            &bucket(GAP_SUFFIX),
            1,
            actual - required,
        );
        if *actual < required {
            add(counters, COMPETENCY_KEY, &bucket(BELOW_SUFFIX), 1, 0.0);
        }
        actual_sum += actual;
        required_sum += required;
    }
    if let Some(jpm) = jpm(actual_sum, required_sum) {
        // In whole hundredths of a percent: sums of whole numbers are exact in any order, so counters
        // folded shard by shard equal a rebuild's to the last bit.
        add(
            counters,
            COMPETENCY_KEY,
            JPM_BUCKET,
            1,
            (jpm * JPM_SCALE).round(),
        );
        add(
            counters,
            COMPETENCY_KEY,
            JpmCategory::of(jpm).bucket(),
            1,
            0.0,
        );
    }
}

/// Training needs: urgency of the top-priority topic, and JP below the yearly 20.
fn add_training(counted: &[(&Question, &Answer)], counters: &mut Counters) {
    let find = |id: &str| counted.iter().find(|(q, _)| q.id == id).copied();
    if let (
        Some((QuestionKind::SingleChoice { .. }, Answer::Text(topic))),
        Some((QuestionKind::Likert { .. }, Answer::Number(urgency))),
    ) = (
        find(TRAINING_PRIORITY_ID).map(|(q, a)| (&q.kind, a)),
        find(TRAINING_URGENCY_ID).map(|(q, a)| (&q.kind, a)),
    ) {
        add(counters, TRAINING_KEY, &priority_bucket(topic), 1, *urgency);
    }
    if let Some((QuestionKind::Number { .. }, Answer::Number(jp))) =
        find(TRAINING_JP_ID).map(|(q, a)| (&q.kind, a))
        && *jp < MIN_JP_PER_YEAR
    {
        add(
            counters,
            TRAINING_KEY,
            JP_BELOW_BUCKET,
            1,
            MIN_JP_PER_YEAR - jp,
        );
    }
}

type Counters = BTreeMap<(String, String), (i64, f64)>;

fn add(counters: &mut Counters, key: &str, bucket: &str, count: i64, sum: f64) {
    let entry = counters
        .entry((key.to_string(), bucket.to_string()))
        .or_insert((0, 0.0));
    entry.0 += count;
    entry.1 += sum;
}

/// A scale value as its bucket name: whole numbers without a fraction (`"3"`).
fn point_bucket(n: f64) -> String {
    format!("{}", n.trunc() as i64)
}

fn add_question(question: &Question, answer: &Answer, counters: &mut Counters) {
    let key = question.id.as_str();
    match (&question.kind, answer) {
        (QuestionKind::SingleChoice { .. } | QuestionKind::JobLevel, Answer::Text(id)) => {
            add(counters, key, id, 1, 0.0)
        }
        (QuestionKind::MultipleChoice { .. }, Answer::List(ids)) => {
            add(counters, ANSWERED_KEY, key, 1, 0.0);
            for id in ids {
                add(counters, key, id, 1, 0.0);
            }
        }
        (
            QuestionKind::Likert { .. }
            | QuestionKind::Rating { .. }
            | QuestionKind::Nps
            | QuestionKind::Competency { .. },
            Answer::Number(n),
        ) => add(counters, key, &point_bucket(*n), 1, *n),
        (QuestionKind::LikertMatrix { .. }, Answer::Matrix(values)) => {
            add(counters, ANSWERED_KEY, key, 1, 0.0);
            for (row, point) in values {
                add(
                    counters,
                    &format!("{key}.{row}"),
                    &point.to_string(),
                    1,
                    f64::from(*point),
                );
            }
        }
        (QuestionKind::Number { .. }, Answer::Number(n)) => {
            add(counters, key, "value", 1, *n);
            add(counters, key, "sumsq", 1, n * n);
        }
        (
            QuestionKind::Date { .. }
            | QuestionKind::ShortText { .. }
            | QuestionKind::LongText { .. },
            Answer::Text(_),
        ) => add(counters, key, "answered", 1, 0.0),
        (QuestionKind::Ranking { .. }, Answer::List(ids)) => {
            for (position, id) in ids.iter().enumerate() {
                add(counters, key, id, 1, (position + 1) as f64);
            }
        }
        (QuestionKind::WorkloadTasks { .. }, Answer::Tasks(rows)) => {
            let minutes: f64 = rows.iter().map(|r| r.volume * r.minutes).sum();
            add(counters, key, "minutes", 1, minutes);
            add(counters, key, "tasks", rows.len() as i64, 0.0);
        }
        // Unreachable for answers that passed validate_answer.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::keys::BASE_KEY;
    use crate::survey::model::TaskRow;
    use crate::templates::test_support::{all_kinds_definition, sample_response};

    fn c(key: &str, bucket: &str, count: i64, sum: f64) -> Contribution {
        Contribution {
            key: key.into(),
            bucket: bucket.into(),
            count,
            sum,
        }
    }

    fn answers(pairs: Vec<(&str, Answer)>) -> Answers {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn list(items: &[&str]) -> Answer {
        Answer::List(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn empty_response_counts_only_itself() {
        let def = all_kinds_definition();
        assert_eq!(
            contributions(&def, &Answers::new()),
            vec![c(RESPONSES_KEY, "all", 1, 0.0)]
        );
    }

    #[test]
    fn sample_response_contributions() {
        let def = all_kinds_definition();
        let a = answers(vec![
            ("pilih_satu", Answer::Text("b".into())),
            ("pilih_banyak", list(&["c", "a"])),
            ("likert", Answer::Number(4.0)),
            (
                "matriks",
                Answer::Matrix([("r1".to_string(), 2u8), ("r2".to_string(), 5u8)].into()),
            ),
            ("bintang", Answer::Number(5.0)),
            ("nps", Answer::Number(9.0)),
            ("angka", Answer::Number(3.0)),
            ("tanggal", Answer::Text("2026-11-27".into())),
            ("singkat", Answer::Text("Budi".into())),
            ("panjang", Answer::Text("Panjang\nsekali".into())),
            ("urutan", list(&["y", "z", "x"])),
            ("integritas", Answer::Number(3.0)),
            ("jabatan", Answer::Text("pengawas".into())),
            (
                "tugas",
                Answer::Tasks(vec![
                    TaskRow {
                        task: "Menyusun laporan".into(),
                        volume: 12.0,
                        minutes: 120.0,
                    },
                    TaskRow {
                        task: "Verifikasi berkas".into(),
                        volume: 100.0,
                        minutes: 15.0,
                    },
                ]),
            ),
            // Shown only when pilih_satu = "a": hidden, so not counted.
            ("lanjutan", Answer::Text("tersembunyi".into())),
            // Unknown: not counted.
            ("tidak_ada", Answer::Number(1.0)),
        ]);
        let expected = vec![
            c(RESPONSES_KEY, "all", 1, 0.0),
            c("pilih_satu", "b", 1, 0.0),
            c(ANSWERED_KEY, "pilih_banyak", 1, 0.0),
            c("pilih_banyak", "a", 1, 0.0),
            c("pilih_banyak", "c", 1, 0.0),
            c("likert", "4", 1, 4.0),
            c(ANSWERED_KEY, "matriks", 1, 0.0),
            c("matriks.r1", "2", 1, 2.0),
            c("matriks.r2", "5", 1, 5.0),
            c("bintang", "5", 1, 5.0),
            c("nps", "9", 1, 9.0),
            c("angka", "sumsq", 1, 9.0),
            c("angka", "value", 1, 3.0),
            c("tanggal", "answered", 1, 0.0),
            c("singkat", "answered", 1, 0.0),
            c("panjang", "answered", 1, 0.0),
            c("urutan", "x", 1, 3.0),
            c("urutan", "y", 1, 1.0),
            c("urutan", "z", 1, 2.0),
            c("integritas", "3", 1, 3.0),
            c("jabatan", "pengawas", 1, 0.0),
            c("tugas", "minutes", 1, 12.0 * 120.0 + 100.0 * 15.0),
            c("tugas", "tasks", 2, 0.0),
            // Pengawas: required level 2; integritas 3 -> gap +1, JPM 3 / 2 = 150 % (optimal).
            c(COMPETENCY_KEY, "integritas.gap", 1, 1.0),
            c(COMPETENCY_KEY, "integritas.required", 1, 2.0),
            c(COMPETENCY_KEY, "jpm", 1, 15_000.0),
            c(COMPETENCY_KEY, "optimal", 1, 0.0),
            // One base per release group moved, by group.
            c(BASE_KEY, COMPETENCY_KEY, 1, 0.0),
            c(BASE_KEY, "angka", 1, 0.0),
            c(BASE_KEY, "bintang", 1, 0.0),
            c(BASE_KEY, "integritas", 1, 0.0),
            c(BASE_KEY, "jabatan", 1, 0.0),
            c(BASE_KEY, "likert", 1, 0.0),
            c(BASE_KEY, "matriks", 1, 0.0),
            c(BASE_KEY, "nps", 1, 0.0),
            c(BASE_KEY, "panjang", 1, 0.0),
            c(BASE_KEY, "pilih_banyak", 1, 0.0),
            c(BASE_KEY, "pilih_satu", 1, 0.0),
            c(BASE_KEY, "singkat", 1, 0.0),
            c(BASE_KEY, "tanggal", 1, 0.0),
            c(BASE_KEY, "tugas", 1, 0.0),
            c(BASE_KEY, "urutan", 1, 0.0),
        ];
        assert_eq!(contributions(&def, &a), expected);
    }

    #[test]
    fn conditional_question_counts_when_shown() {
        let def = all_kinds_definition();
        let a = answers(vec![
            ("pilih_satu", Answer::Text("a".into())),
            ("lanjutan", Answer::Text("terlihat".into())),
        ]);
        assert_eq!(
            contributions(&def, &a),
            vec![
                c(RESPONSES_KEY, "all", 1, 0.0),
                c("pilih_satu", "a", 1, 0.0),
                c("lanjutan", "answered", 1, 0.0),
                c(BASE_KEY, "lanjutan", 1, 0.0),
                c(BASE_KEY, "pilih_satu", 1, 0.0),
            ]
        );
    }

    #[test]
    fn invalid_and_empty_answers_add_nothing() {
        let def = all_kinds_definition();
        let a = answers(vec![
            ("pilih_satu", Answer::Text("zzz".into())),
            ("pilih_banyak", list(&[])),
            ("likert", Answer::Number(f64::NAN)),
            ("bintang", Answer::Text("5".into())),
            ("nps", Answer::Number(11.0)),
            ("singkat", Answer::Text("   ".into())),
            ("urutan", list(&["x", "x", "y"])),
        ]);
        assert_eq!(
            contributions(&def, &a),
            vec![c(RESPONSES_KEY, "all", 1, 0.0)]
        );
    }

    fn derived(def: &SurveyDefinition, a: &Answers) -> Vec<Contribution> {
        contributions(def, a)
            .into_iter()
            .filter(|c| c.key == COMPETENCY_KEY || c.key == TRAINING_KEY)
            .collect()
    }

    #[test]
    fn competency_counters_per_respondent() {
        let def = crate::templates::get("competency").unwrap().definition;
        // Administrator (required 3): integritas 3, kerja_sama 2, komunikasi 4 -> JPM 9 / 9 = 100 %.
        let a = answers(vec![
            ("jabatan", Answer::Text("administrator".into())),
            ("integritas", Answer::Number(3.0)),
            ("kerja_sama", Answer::Number(2.0)),
            ("komunikasi", Answer::Number(4.0)),
        ]);
        assert_eq!(
            derived(&def, &a),
            vec![
                c(COMPETENCY_KEY, "integritas.gap", 1, 0.0),
                c(COMPETENCY_KEY, "integritas.required", 1, 3.0),
                c(COMPETENCY_KEY, "jpm", 1, 10_000.0),
                c(COMPETENCY_KEY, "kerja_sama.below", 1, 0.0),
                c(COMPETENCY_KEY, "kerja_sama.gap", 1, -1.0),
                c(COMPETENCY_KEY, "kerja_sama.required", 1, 3.0),
                c(COMPETENCY_KEY, "komunikasi.gap", 1, 1.0),
                c(COMPETENCY_KEY, "komunikasi.required", 1, 3.0),
                c(COMPETENCY_KEY, "optimal", 1, 0.0),
            ]
        );
        // JPT Pratama (required 4) rating 3: JPM 75 % -> kurang optimal.
        let a = answers(vec![
            ("jabatan", Answer::Text("jpt_pratama".into())),
            ("integritas", Answer::Number(3.0)),
        ]);
        let jpm: Vec<_> = derived(&def, &a)
            .into_iter()
            .filter(|c| !c.bucket.contains('.'))
            .collect();
        assert_eq!(
            jpm,
            vec![
                c(COMPETENCY_KEY, "jpm", 1, 7_500.0),
                c(COMPETENCY_KEY, "kurang", 1, 0.0)
            ]
        );
        // JF follows its own standard; without a job level there is nothing to compare with.
        for a in [
            answers(vec![
                ("jabatan", Answer::Text("fungsional".into())),
                ("integritas", Answer::Number(3.0)),
            ]),
            answers(vec![("integritas", Answer::Number(3.0))]),
            answers(vec![("jabatan", Answer::Text("pengawas".into()))]),
        ] {
            assert_eq!(derived(&def, &a), vec![]);
        }
    }

    #[test]
    fn training_counters() {
        let def = crate::templates::get("training_needs").unwrap().definition;
        let a = answers(vec![
            ("topik", list(&["literasi_data", "kepemimpinan"])),
            ("topik_prioritas", Answer::Text("literasi_data".into())),
            ("urgensi", Answer::Number(3.0)),
            ("jp_tahun_ini", Answer::Number(12.0)),
        ]);
        assert_eq!(
            derived(&def, &a),
            vec![
                c(TRAINING_KEY, "jp.below_20", 1, 8.0),
                c(TRAINING_KEY, "priority.literasi_data", 1, 3.0),
            ]
        );
        // 20 JP or more: no shortfall; no urgency: no priority counter.
        let a = answers(vec![
            ("topik_prioritas", Answer::Text("literasi_data".into())),
            ("jp_tahun_ini", Answer::Number(20.0)),
        ]);
        assert_eq!(derived(&def, &a), vec![]);
    }

    #[test]
    fn sample_response_of_every_template_is_counted() {
        for template in crate::templates::all() {
            let a = sample_response(&template.definition);
            let contributions = contributions(&template.definition, &a);
            assert_eq!(contributions[0], c(RESPONSES_KEY, "all", 1, 0.0));
            // Every answered question adds at least one counter.
            let keys: HashSet<&str> = contributions
                .iter()
                .filter(|c| !c.key.starts_with('_'))
                .map(|c| c.key.split('.').next().unwrap_or(""))
                .collect();
            for id in a.keys() {
                assert!(keys.contains(id.as_str()), "{}: {id}", template.id);
            }
        }
    }
}
