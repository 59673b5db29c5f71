//! What one accepted response adds to the aggregate report counters. Reports are built from these counters
//! only (count and sum per key and bucket), never from individual responses.

use std::collections::{BTreeMap, HashSet};

use super::condition::{is_answered, visible_question_ids};
use super::model::{Answer, Answers, Question, QuestionKind, SurveyDefinition};
use super::validate::validate_answer;

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
/// - multiple choice: one bucket per selected option id;
/// - likert, rating, NPS, competency: bucket = the value (`"3"`), count 1, sum = value;
/// - likert matrix: key `<question>.<row>`, bucket = the point, sum = point;
/// - number: bucket `value` (sum = value) and bucket `sumsq` (sum = value²), for mean and spread;
/// - date, short and long text: bucket `answered` (contents are never counted);
/// - ranking: bucket = option id, sum = its 1-based position (a lower mean is a higher preference);
/// - workload tasks: bucket `minutes` (sum = Σ volume × minutes, for ABK) and bucket `tasks` (count = rows).
///
/// Answers to unknown or hidden questions, empty answers and answers that do not pass [`validate_answer`]
/// add nothing. Ordered by question, then key and bucket; identical counters are merged.
pub fn contributions(def: &SurveyDefinition, answers: &Answers) -> Vec<Contribution> {
    let mut out = vec![Contribution {
        key: RESPONSES_KEY.to_string(),
        bucket: "all".to_string(),
        count: 1,
        sum: 0.0,
    }];
    let visible = visible_question_ids(def, answers);
    let mut done: HashSet<&str> = HashSet::new();
    for (_, question) in def.questions() {
        if !done.insert(question.id.as_str()) || !visible.contains(&question.id) {
            continue;
        }
        let answer = answers.get(&question.id);
        if !is_answered(answer) || !validate_answer(question, answer).is_empty() {
            continue;
        }
        if let Some(answer) = answer {
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
    out
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
            c("pilih_banyak", "a", 1, 0.0),
            c("pilih_banyak", "c", 1, 0.0),
            c("likert", "4", 1, 4.0),
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

    #[test]
    fn sample_response_of_every_template_is_counted() {
        for template in crate::templates::all() {
            let a = sample_response(&template.definition);
            let contributions = contributions(&template.definition, &a);
            assert_eq!(contributions[0], c(RESPONSES_KEY, "all", 1, 0.0));
            // Every answered question adds at least one counter.
            let keys: HashSet<&str> = contributions
                .iter()
                .map(|c| c.key.split('.').next().unwrap_or(""))
                .collect();
            for id in a.keys() {
                assert!(keys.contains(id.as_str()), "{}: {id}", template.id);
            }
        }
    }
}
