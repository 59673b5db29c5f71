//! Tests of definition validation: each kind of mistake is reported at its path, valid conditions pass.

use super::*;
use crate::survey::model::{CompetencyGroup, MatrixRow, Scalar, Section};
use crate::survey::validate::tests::{paths, set};
use crate::templates::test_support::{all_kinds_definition, q};

fn answered(q: &str) -> Condition {
    Condition::Answered { question: q.into() }
}

fn nest(mut c: Condition, levels: usize) -> Condition {
    for _ in 1..levels {
        c = Condition::Not {
            condition: Box::new(c),
        };
    }
    c
}

/// `sections[s].questions[i]`
fn question_mut(def: &mut SurveyDefinition, s: usize, i: usize) -> &mut Question {
    &mut def.sections[s].questions[i]
}

fn options_mut(def: &mut SurveyDefinition, s: usize, i: usize) -> &mut Vec<ChoiceOption> {
    match &mut question_mut(def, s, i).kind {
        QuestionKind::SingleChoice { options }
        | QuestionKind::MultipleChoice { options, .. }
        | QuestionKind::Ranking { options } => options,
        other => panic!("not a choice question: {other:?}"),
    }
}

fn many_options(n: usize) -> Vec<ChoiceOption> {
    (0..n)
        .map(|i| ChoiceOption {
            id: format!("o{i}"),
            label: Text::id_only(format!("Pilihan {i}")),
        })
        .collect()
}

#[test]
fn fixture_definition_is_valid() {
    assert_eq!(validate_definition(&all_kinds_definition()), vec![]);
}

type Mutation = fn(&mut SurveyDefinition);

#[test]
fn invalid_definitions_report_the_expected_paths() {
    let table: Vec<(&str, Mutation, &[&str])> = vec![
        ("blank title", |d| d.title.id = "  ".into(), &["title"]),
        (
            "long english title",
            |d| d.title.en = Some("x".repeat(2001)),
            &["title"],
        ),
        ("no sections", |d| d.sections.clear(), &["sections"]),
        (
            "empty section",
            |d| d.sections[1].questions.clear(),
            &["sections[1].questions"],
        ),
        (
            "bad section id",
            |d| d.sections[1].id = "Isian".into(),
            &["sections[1].id"],
        ),
        (
            "duplicate section id",
            |d| d.sections[1].id = "pilihan".into(),
            &["sections[1].id"],
        ),
        (
            "blank section title",
            |d| d.sections[0].title.id = String::new(),
            &["sections[0].title"],
        ),
        (
            "duplicate question id across sections",
            |d| question_mut(d, 1, 0).id = "likert".into(),
            &["sections[1].questions[0].id"],
        ),
        (
            "question id too long",
            |d| question_mut(d, 1, 2).id = "a".repeat(41),
            &["sections[1].questions[2].id"],
        ),
        (
            "text too long",
            |d| question_mut(d, 0, 3).text.id = "x".repeat(2001),
            &["sections[0].questions[3].text"],
        ),
        (
            "blank help",
            |d| question_mut(d, 0, 3).help = Some(Text::id_only(" ")),
            &["sections[0].questions[3].help"],
        ),
        (
            "duplicate option id",
            |d| options_mut(d, 0, 2)[2].id = "a".into(),
            &["sections[0].questions[2].options[2].id"],
        ),
        (
            "bad option id",
            |d| options_mut(d, 0, 0)[1].id = "B".into(),
            &["sections[0].questions[0].options[1].id"],
        ),
        (
            "blank option label",
            |d| options_mut(d, 0, 0)[0].label = Text::new("", "A"),
            &["sections[0].questions[0].options[0].label"],
        ),
        (
            "one option",
            |d| options_mut(d, 0, 0).truncate(1),
            &["sections[0].questions[0].options"],
        ),
        (
            "101 options",
            |d| *options_mut(d, 0, 0) = many_options(101),
            &["sections[0].questions[0].options"],
        ),
        (
            "ranking of 21",
            |d| *options_mut(d, 1, 4) = many_options(21),
            &["sections[1].questions[4].options"],
        ),
        (
            "ranking of 1",
            |d| options_mut(d, 1, 4).truncate(1),
            &["sections[1].questions[4].options"],
        ),
        (
            "multiple choice max above options",
            |d| {
                if let QuestionKind::MultipleChoice { max, .. } = &mut question_mut(d, 0, 2).kind {
                    *max = Some(5);
                }
            },
            &["sections[0].questions[2].max"],
        ),
        (
            "multiple choice max zero",
            |d| {
                if let QuestionKind::MultipleChoice { min, max, .. } =
                    &mut question_mut(d, 0, 2).kind
                {
                    *min = None;
                    *max = Some(0);
                }
            },
            &["sections[0].questions[2].max"],
        ),
        (
            "multiple choice min above max",
            |d| {
                if let QuestionKind::MultipleChoice { min, .. } = &mut question_mut(d, 0, 2).kind {
                    *min = Some(3);
                }
            },
            &["sections[0].questions[2].min"],
        ),
        (
            "multiple choice min above options",
            |d| {
                if let QuestionKind::MultipleChoice { min, max, .. } =
                    &mut question_mut(d, 0, 2).kind
                {
                    *min = Some(5);
                    *max = None;
                }
            },
            &["sections[0].questions[2].min"],
        ),
        (
            "likert with 12 points",
            |d| {
                question_mut(d, 0, 3).kind = QuestionKind::Likert {
                    scale: crate::templates::test_support::scale(12),
                }
            },
            &["sections[0].questions[3].scale.points"],
        ),
        (
            "likert with 1 point",
            |d| {
                question_mut(d, 0, 3).kind = QuestionKind::Likert {
                    scale: crate::templates::test_support::scale(1),
                }
            },
            &["sections[0].questions[3].scale.points"],
        ),
        (
            "likert labels missing",
            |d| {
                if let QuestionKind::Likert { scale } = &mut question_mut(d, 0, 3).kind {
                    scale.labels.pop();
                }
            },
            &["sections[0].questions[3].scale.labels"],
        ),
        (
            "blank likert label",
            |d| {
                if let QuestionKind::Likert { scale } = &mut question_mut(d, 0, 3).kind {
                    scale.labels[4].id = " ".into();
                }
            },
            &["sections[0].questions[3].scale.labels[4]"],
        ),
        (
            "matrix without rows",
            |d| {
                if let QuestionKind::LikertMatrix { rows, .. } = &mut question_mut(d, 0, 4).kind {
                    rows.clear();
                }
            },
            &["sections[0].questions[4].rows"],
        ),
        (
            "matrix with 51 rows",
            |d| {
                if let QuestionKind::LikertMatrix { rows, .. } = &mut question_mut(d, 0, 4).kind {
                    *rows = (0..51)
                        .map(|i| MatrixRow {
                            id: format!("r{i}"),
                            label: Text::id_only("Baris"),
                        })
                        .collect();
                }
            },
            &["sections[0].questions[4].rows"],
        ),
        (
            "duplicate row id",
            |d| {
                if let QuestionKind::LikertMatrix { rows, .. } = &mut question_mut(d, 0, 4).kind {
                    rows[1].id = "r1".into();
                }
            },
            &["sections[0].questions[4].rows[1].id"],
        ),
        (
            "rating of 7",
            |d| question_mut(d, 0, 5).kind = QuestionKind::Rating { max: 7 },
            &["sections[0].questions[5].max"],
        ),
        (
            "number min above max",
            |d| {
                question_mut(d, 1, 0).kind = QuestionKind::Number {
                    integer: false,
                    min: Some(10.0),
                    max: Some(1.0),
                    unit: None,
                }
            },
            &["sections[1].questions[0].max"],
        ),
        (
            // A question `_responses` with an option `all` counted every response twice.
            "question id reserved for counters",
            |d| question_mut(d, 0, 5).id = "_responses".into(),
            &["sections[0].questions[5].id"],
        ),
        (
            // Found by `fuzz_survey_definition`: no answer could be given.
            "whole number range without a whole number",
            |d| {
                question_mut(d, 1, 0).kind = QuestionKind::Number {
                    integer: true,
                    min: Some(0.2),
                    max: Some(0.7),
                    unit: None,
                }
            },
            &["sections[1].questions[0].max"],
        ),
        (
            // Answers up to a bound of 1e300 would make the counters' sum of squares infinite.
            "number bound too large",
            |d| {
                question_mut(d, 1, 0).kind = QuestionKind::Number {
                    integer: false,
                    min: Some(-1e16),
                    max: Some(1e300),
                    unit: None,
                }
            },
            &[
                "sections[1].questions[0].min",
                "sections[1].questions[0].max",
            ],
        ),
        (
            "number bound not finite",
            |d| {
                question_mut(d, 1, 0).kind = QuestionKind::Number {
                    integer: false,
                    min: Some(f64::NAN),
                    max: None,
                    unit: None,
                }
            },
            &["sections[1].questions[0].min"],
        ),
        (
            "blank unit",
            |d| {
                question_mut(d, 1, 0).kind = QuestionKind::Number {
                    integer: false,
                    min: None,
                    max: None,
                    unit: Some(Text::id_only("")),
                }
            },
            &["sections[1].questions[0].unit"],
        ),
        (
            "date min not a real date",
            |d| {
                question_mut(d, 1, 1).kind = QuestionKind::Date {
                    min: Some("2023-02-29".into()),
                    max: None,
                }
            },
            &["sections[1].questions[1].min"],
        ),
        (
            "date max badly formatted",
            |d| {
                question_mut(d, 1, 1).kind = QuestionKind::Date {
                    min: None,
                    max: Some("31/12/2026".into()),
                }
            },
            &["sections[1].questions[1].max"],
        ),
        (
            "date min after max",
            |d| {
                question_mut(d, 1, 1).kind = QuestionKind::Date {
                    min: Some("2026-12-31".into()),
                    max: Some("2026-01-01".into()),
                }
            },
            &["sections[1].questions[1].max"],
        ),
        (
            "short text max 0",
            |d| question_mut(d, 1, 2).kind = QuestionKind::ShortText { max_length: 0 },
            &["sections[1].questions[2].max_length"],
        ),
        (
            "short text max 501",
            |d| question_mut(d, 1, 2).kind = QuestionKind::ShortText { max_length: 501 },
            &["sections[1].questions[2].max_length"],
        ),
        (
            "long text max 10001",
            |d| question_mut(d, 1, 3).kind = QuestionKind::LongText { max_length: 10_001 },
            &["sections[1].questions[3].max_length"],
        ),
        (
            "competency with 4 levels",
            |d| {
                if let QuestionKind::Competency { levels, .. } = &mut question_mut(d, 1, 5).kind {
                    levels.pop();
                }
            },
            &["sections[1].questions[5].levels"],
        ),
        (
            "competency with a bad code",
            |d| {
                question_mut(d, 1, 5).kind = QuestionKind::Competency {
                    code: "Integritas".into(),
                    group: CompetencyGroup::Teknis,
                    levels: (1..=5)
                        .map(|l| Text::id_only(format!("Level {l}")))
                        .collect(),
                }
            },
            &["sections[1].questions[5].code"],
        ),
        (
            "blank competency level",
            |d| {
                if let QuestionKind::Competency { levels, .. } = &mut question_mut(d, 1, 5).kind {
                    levels[2] = Text::id_only("");
                }
            },
            &["sections[1].questions[5].levels[2]"],
        ),
        (
            "workload max 0",
            |d| question_mut(d, 1, 7).kind = QuestionKind::WorkloadTasks { max_tasks: 0 },
            &["sections[1].questions[7].max_tasks"],
        ),
        (
            "workload max 101",
            |d| question_mut(d, 1, 7).kind = QuestionKind::WorkloadTasks { max_tasks: 101 },
            &["sections[1].questions[7].max_tasks"],
        ),
        (
            "too many questions",
            |d| {
                d.sections.push(Section {
                    id: "banyak".into(),
                    title: Text::id_only("Banyak"),
                    description: None,
                    visible_if: None,
                    questions: (0..490)
                        .map(|i| q(&format!("n{i}"), false, QuestionKind::Nps))
                        .collect(),
                })
            },
            &["sections"],
        ),
        (
            "condition on an unknown question",
            |d| question_mut(d, 0, 1).visible_if = Some(answered("hantu")),
            &["sections[0].questions[1].visible_if"],
        ),
        (
            "condition on a later question",
            |d| question_mut(d, 0, 1).visible_if = Some(answered("likert")),
            &["sections[0].questions[1].visible_if"],
        ),
        (
            "condition on itself",
            |d| question_mut(d, 0, 1).visible_if = Some(answered("lanjutan")),
            &["sections[0].questions[1].visible_if"],
        ),
        (
            "section condition on its own question",
            |d| d.sections[1].visible_if = Some(answered("angka")),
            &["sections[1].visible_if"],
        ),
        (
            "section condition on a later section",
            |d| d.sections[0].visible_if = Some(answered("angka")),
            &["sections[0].visible_if"],
        ),
        (
            "greater on a choice question",
            |d| {
                question_mut(d, 0, 1).visible_if = Some(Condition::Greater {
                    question: "pilih_satu".into(),
                    value: 1.0,
                })
            },
            &["sections[0].questions[1].visible_if"],
        ),
        (
            "less than NaN",
            |d| {
                question_mut(d, 1, 1).visible_if = Some(Condition::Less {
                    question: "angka".into(),
                    value: f64::NAN,
                })
            },
            &["sections[1].questions[1].visible_if"],
        ),
        (
            "empty and",
            |d| question_mut(d, 0, 1).visible_if = Some(Condition::And { all: vec![] }),
            &["sections[0].questions[1].visible_if"],
        ),
        (
            "empty or, nested",
            |d| question_mut(d, 0, 1).visible_if = Some(nest(Condition::Or { any: vec![] }, 3)),
            &["sections[0].questions[1].visible_if"],
        ),
        (
            "nested 9 deep",
            |d| question_mut(d, 0, 1).visible_if = Some(nest(answered("pilih_satu"), 9)),
            &["sections[0].questions[1].visible_if"],
        ),
    ];
    for (name, mutate, expected) in table {
        let mut def = all_kinds_definition();
        mutate(&mut def);
        let problems = validate_definition(&def);
        assert_eq!(paths(&problems), set(expected), "{name}: {problems:#?}");
        for p in &problems {
            assert!(
                !p.message.id.is_empty() && p.message.en.as_deref().is_some_and(|e| !e.is_empty())
            );
        }
    }
}

#[test]
fn valid_conditions_are_accepted() {
    let mut def = all_kinds_definition();
    question_mut(&mut def, 0, 1).visible_if = Some(nest(answered("pilih_satu"), 8));
    question_mut(&mut def, 1, 1).visible_if = Some(Condition::Or {
        any: vec![
            Condition::Greater {
                question: "angka".into(),
                value: 3.0,
            },
            Condition::Less {
                question: "nps".into(),
                value: 7.0,
            },
            Condition::In {
                question: "pilih_banyak".into(),
                values: vec![Scalar::Text("a".into())],
            },
        ],
    });
    def.sections[1].visible_if = Some(Condition::NotEquals {
        question: "pilih_satu".into(),
        value: Scalar::Text("c".into()),
    });
    assert_eq!(validate_definition(&def), vec![]);
}

#[test]
fn every_problem_is_reported() {
    let mut def = all_kinds_definition();
    def.title.id.clear();
    def.sections[0].id = "X".into();
    question_mut(&mut def, 0, 5).kind = QuestionKind::Rating { max: 3 };
    question_mut(&mut def, 1, 7).kind = QuestionKind::WorkloadTasks { max_tasks: 0 };
    assert_eq!(
        paths(&validate_definition(&def)),
        set(&[
            "title",
            "sections[0].id",
            "sections[0].questions[5].max",
            "sections[1].questions[7].max_tasks"
        ])
    );
}
