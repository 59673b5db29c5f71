//! Every question kind (its optional settings set and left out), every condition and every kind of
//! answer, as the server writes them.

use std::collections::BTreeMap;

use serap_shared::i18n::Text;
use serap_shared::survey::{
    Answer, Answers, ChoiceOption, CompetencyGroup, Condition, LikertScale, MatrixRow, Question,
    QuestionKind, Scalar, Section, SurveyDefinition, TaskRow,
};
use wasm_bindgen_test::wasm_bindgen_test;

use super::{text, written};

fn options() -> Vec<ChoiceOption> {
    vec![
        ChoiceOption {
            id: "a".into(),
            label: text("A"),
        },
        ChoiceOption {
            id: "b".into(),
            label: Text {
                id: "B".into(),
                en: None,
            },
        },
    ]
}

fn scale() -> LikertScale {
    LikertScale {
        points: 5,
        labels: (1..=5).map(|n| text(&n.to_string())).collect(),
    }
}

/// Every question kind, with its optional settings both set and left out.
fn kinds() -> Vec<QuestionKind> {
    vec![
        QuestionKind::SingleChoice { options: options() },
        QuestionKind::MultipleChoice {
            options: options(),
            min: None,
            max: None,
        },
        QuestionKind::MultipleChoice {
            options: options(),
            min: Some(1),
            max: Some(2),
        },
        QuestionKind::Likert { scale: scale() },
        QuestionKind::LikertMatrix {
            scale: scale(),
            rows: vec![
                MatrixRow {
                    id: "r1".into(),
                    label: text("R1"),
                },
                MatrixRow {
                    id: "r2".into(),
                    label: text("R2"),
                },
            ],
        },
        QuestionKind::Rating { max: 5 },
        QuestionKind::Rating { max: 10 },
        QuestionKind::Nps,
        QuestionKind::Number {
            integer: false,
            min: None,
            max: None,
            unit: None,
        },
        QuestionKind::Number {
            integer: true,
            min: Some(-1.5),
            max: Some(1e6),
            unit: Some(text("kg")),
        },
        QuestionKind::Date {
            min: None,
            max: None,
        },
        QuestionKind::Date {
            min: Some("2020-01-01".into()),
            max: Some("2030-12-31".into()),
        },
        QuestionKind::ShortText { max_length: 200 },
        QuestionKind::LongText { max_length: 4_000 },
        QuestionKind::Ranking { options: options() },
        QuestionKind::Competency {
            code: "integritas".into(),
            group: CompetencyGroup::Manajerial,
            levels: vec![text("L1"), text("L2")],
        },
        QuestionKind::Competency {
            code: "perekat".into(),
            group: CompetencyGroup::SosialKultural,
            levels: vec![],
        },
        QuestionKind::Competency {
            code: "teknis".into(),
            group: CompetencyGroup::Teknis,
            levels: vec![text("L1")],
        },
        QuestionKind::JobLevel,
        QuestionKind::WorkloadTasks { max_tasks: 20 },
    ]
}

/// Every condition, each kind of value, nested.
fn conditions() -> Vec<Condition> {
    let answered = Condition::Answered {
        question: "q1".into(),
    };
    vec![
        Condition::Equals {
            question: "q1".into(),
            value: Scalar::Text("ya".into()),
        },
        Condition::Equals {
            question: "q1".into(),
            value: Scalar::Number(3.0),
        },
        Condition::NotEquals {
            question: "q1".into(),
            value: Scalar::Number(-0.5),
        },
        Condition::In {
            question: "q1".into(),
            values: vec![Scalar::Text("a".into()), Scalar::Number(2.0)],
        },
        Condition::In {
            question: "q1".into(),
            values: vec![],
        },
        Condition::Greater {
            question: "q1".into(),
            value: 2.5,
        },
        Condition::Less {
            question: "q1".into(),
            value: 10.0,
        },
        answered.clone(),
        Condition::And {
            all: vec![answered.clone(), Condition::Or { any: vec![] }],
        },
        Condition::Or {
            any: vec![answered.clone()],
        },
        Condition::Not {
            condition: Box::new(Condition::Not {
                condition: Box::new(answered),
            }),
        },
    ]
}

#[wasm_bindgen_test]
fn every_question_kind_and_condition() {
    let conditions = conditions();
    for (i, kind) in kinds().into_iter().enumerate() {
        let q = Question {
            id: format!("q{i}"),
            text: text("Q"),
            help: (i % 2 == 0).then(|| text("help")),
            required: i % 3 == 0,
            visible_if: (i % 2 == 1).then(|| conditions[i % conditions.len()].clone()),
            kind,
        };
        written(&q);
        written(&Section {
            id: "s".into(),
            title: text("S"),
            description: Some(text("about")),
            visible_if: Some(conditions[0].clone()),
            questions: vec![q],
        });
    }
    for c in &conditions {
        written(c);
    }
    written(&SurveyDefinition {
        title: text("T"),
        description: None,
        sections: vec![],
    });
}

#[wasm_bindgen_test]
fn every_kind_of_answer() {
    let all: Vec<Answer> = vec![
        Answer::Number(4.0),
        Answer::Number(-2.5),
        Answer::Number(0.0),
        Answer::Text("ya".into()),
        Answer::Text(String::new()),
        Answer::Text("\"quoted\" \\ \n line, ünïcödé".into()),
        Answer::List(vec!["a".into(), "b".into()]),
        Answer::List(vec![]),
        Answer::Tasks(vec![TaskRow {
            task: "Menyusun laporan".into(),
            volume: 120.0,
            minutes: 7.5,
        }]),
        Answer::Matrix(BTreeMap::from([("r1".into(), 1), ("r2".into(), 255)])),
        Answer::Matrix(BTreeMap::new()),
    ];
    for a in &all {
        written(a);
    }
    let answers: Answers = all
        .into_iter()
        .enumerate()
        .map(|(i, a)| (format!("q{i}"), a))
        .collect();
    written(&answers);
    written(&Answers::new());
}
