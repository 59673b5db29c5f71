//! Test support shared by the crate's tests: a definition with one question of every kind, and complete or
//! varied valid responses to any definition.

use crate::i18n::Text;
use crate::survey::{
    Answer, Answers, ChoiceOption, CompetencyGroup, Condition, JobLevel, LikertScale, MatrixRow,
    Question, QuestionKind, Scalar, Section, SurveyDefinition, TaskRow, is_visible,
};

fn options(ids: &[&str]) -> Vec<ChoiceOption> {
    ids.iter()
        .map(|id| ChoiceOption {
            id: id.to_string(),
            label: Text::new(format!("Pilihan {id}"), format!("Option {id}")),
        })
        .collect()
}

pub(crate) fn scale(points: u8) -> LikertScale {
    LikertScale {
        points,
        labels: (1..=points)
            .map(|p| Text::new(format!("Titik {p}"), format!("Point {p}")))
            .collect(),
    }
}

pub(crate) fn q(id: &str, required: bool, kind: QuestionKind) -> Question {
    Question {
        id: id.to_string(),
        text: Text::new(format!("Pertanyaan {id}"), format!("Question {id}")),
        help: None,
        required,
        visible_if: None,
        kind,
    }
}

/// A valid definition with one question of every kind (ids used by the survey tests).
pub(crate) fn all_kinds_definition() -> SurveyDefinition {
    let mut follow_up = q(
        "lanjutan",
        false,
        QuestionKind::ShortText { max_length: 50 },
    );
    follow_up.visible_if = Some(Condition::Equals {
        question: "pilih_satu".into(),
        value: Scalar::Text("a".into()),
    });
    SurveyDefinition {
        title: Text::new("Semua jenis", "All kinds"),
        description: None,
        sections: vec![
            Section {
                id: "pilihan".into(),
                title: Text::id_only("Pilihan"),
                description: None,
                visible_if: None,
                questions: vec![
                    q(
                        "pilih_satu",
                        false,
                        QuestionKind::SingleChoice {
                            options: options(&["a", "b", "c"]),
                        },
                    ),
                    follow_up,
                    q(
                        "pilih_banyak",
                        false,
                        QuestionKind::MultipleChoice {
                            options: options(&["a", "b", "c", "d"]),
                            min: Some(1),
                            max: Some(2),
                        },
                    ),
                    q("likert", false, QuestionKind::Likert { scale: scale(5) }),
                    q(
                        "matriks",
                        false,
                        QuestionKind::LikertMatrix {
                            scale: scale(5),
                            rows: vec![
                                MatrixRow {
                                    id: "r1".into(),
                                    label: Text::id_only("Baris 1"),
                                },
                                MatrixRow {
                                    id: "r2".into(),
                                    label: Text::id_only("Baris 2"),
                                },
                            ],
                        },
                    ),
                    q("bintang", false, QuestionKind::Rating { max: 5 }),
                    q("nps", false, QuestionKind::Nps),
                ],
            },
            Section {
                id: "isian".into(),
                title: Text::id_only("Isian"),
                description: None,
                visible_if: None,
                questions: vec![
                    q(
                        "angka",
                        false,
                        QuestionKind::Number {
                            integer: true,
                            min: Some(0.0),
                            max: Some(100.0),
                            unit: None,
                        },
                    ),
                    q(
                        "tanggal",
                        false,
                        QuestionKind::Date {
                            min: Some("2024-02-29".into()),
                            max: Some("2030-12-31".into()),
                        },
                    ),
                    q("singkat", false, QuestionKind::ShortText { max_length: 20 }),
                    q("panjang", false, QuestionKind::LongText { max_length: 100 }),
                    q(
                        "urutan",
                        false,
                        QuestionKind::Ranking {
                            options: options(&["x", "y", "z"]),
                        },
                    ),
                    q(
                        "integritas",
                        false,
                        QuestionKind::Competency {
                            code: "integritas".into(),
                            group: CompetencyGroup::Manajerial,
                            levels: (1..=5)
                                .map(|l| Text::id_only(format!("Level {l}")))
                                .collect(),
                        },
                    ),
                    q("jabatan", false, QuestionKind::JobLevel),
                    q("tugas", false, QuestionKind::WorkloadTasks { max_tasks: 5 }),
                ],
            },
        ],
    }
}

/// A complete valid response: every shown question answered, deterministically.
pub(crate) fn sample_response(def: &SurveyDefinition) -> Answers {
    let mut counter = 0usize;
    random_response(def, true, &mut |n| {
        counter += 1;
        counter % n.max(1)
    })
}

/// A valid response whose choices come from `pick(n)` (a number in `0..n`). With `complete`, every shown
/// question is answered; otherwise optional ones are sometimes left out.
pub(crate) fn random_response(
    def: &SurveyDefinition,
    complete: bool,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Answers {
    let mut answers = Answers::new();
    for section in &def.sections {
        if !is_visible(section.visible_if.as_ref(), &answers) {
            continue;
        }
        for question in &section.questions {
            if !is_visible(question.visible_if.as_ref(), &answers) {
                continue;
            }
            if !complete && !question.required && pick(3) == 0 {
                continue;
            }
            if let Some(answer) = answer_for(&question.kind, pick) {
                answers.insert(question.id.clone(), answer);
            }
        }
    }
    answers
}

fn rotated_ids(options: &[ChoiceOption], start: usize, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| options[(start + i) % options.len()].id.clone())
        .collect()
}

fn truncate(s: &str, max: u32) -> String {
    s.chars().take(max as usize).collect()
}

fn answer_for(kind: &QuestionKind, pick: &mut dyn FnMut(usize) -> usize) -> Option<Answer> {
    Some(match kind {
        QuestionKind::SingleChoice { options } => {
            Answer::Text(options[pick(options.len())].id.clone())
        }
        QuestionKind::MultipleChoice { options, min, max } => {
            let n = options.len();
            let lo = (min.unwrap_or(1).max(1) as usize).min(n);
            let hi = max.map_or(n, |m| m as usize).min(n).max(lo);
            let count = lo + pick(hi - lo + 1);
            Answer::List(rotated_ids(options, pick(n), count))
        }
        QuestionKind::Likert { scale } => Answer::Number((1 + pick(scale.points.into())) as f64),
        QuestionKind::LikertMatrix { scale, rows } => Answer::Matrix(
            rows.iter()
                .map(|r| (r.id.clone(), 1 + pick(scale.points.into()) as u8))
                .collect(),
        ),
        QuestionKind::Rating { max } => Answer::Number((1 + pick((*max).into())) as f64),
        QuestionKind::Nps => Answer::Number(pick(11) as f64),
        QuestionKind::Competency { .. } => Answer::Number((1 + pick(5)) as f64),
        QuestionKind::Number {
            integer, min, max, ..
        } => {
            let lo = min.unwrap_or(0.0);
            let hi = max.unwrap_or(lo + 1000.0);
            let span = (hi - lo).max(0.0);
            let value = if *integer {
                let lo = lo.ceil();
                let steps = (hi.floor() - lo).clamp(0.0, 1e6) as usize;
                lo + pick(steps + 1) as f64
            } else {
                lo + span * pick(5) as f64 / 4.0
            };
            Answer::Number(value)
        }
        QuestionKind::Date { min, max } => Answer::Text(match (min, max) {
            (Some(lo), Some(hi)) => {
                if pick(2) == 0 {
                    lo.clone()
                } else {
                    hi.clone()
                }
            }
            (Some(d), None) | (None, Some(d)) => d.clone(),
            (None, None) => format!("2026-{:02}-{:02}", 1 + pick(12), 1 + pick(28)),
        }),
        QuestionKind::ShortText { max_length } => {
            Answer::Text(truncate("Jawaban singkat", *max_length))
        }
        QuestionKind::LongText { max_length } => {
            Answer::Text(truncate("Jawaban panjang.\nBaris kedua.", *max_length))
        }
        QuestionKind::Ranking { options } => {
            let mut ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
            for i in (1..ids.len()).rev() {
                let j = pick(i + 1);
                ids.swap(i, j);
            }
            Answer::List(ids)
        }
        QuestionKind::JobLevel => {
            Answer::Text(JobLevel::ALL[pick(JobLevel::ALL.len())].id().to_string())
        }
        QuestionKind::WorkloadTasks { max_tasks } => {
            let rows = 1 + pick((*max_tasks).clamp(1, 3) as usize);
            Answer::Tasks(
                (0..rows)
                    .map(|i| TaskRow {
                        task: format!("Tugas {}", i + 1),
                        volume: pick(1000) as f64,
                        minutes: (1 + pick(480)) as f64 / 4.0,
                    })
                    .collect(),
            )
        }
    })
}
