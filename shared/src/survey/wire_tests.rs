//! The hand-written `Deserialize` impls (`wire.rs`) against the derived ones they replace (copied below as
//! `old`), and the templates' JSON against a fixture written by the derived code.

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;

/// The derived definitions as they were before `wire.rs`.
mod old {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use crate::i18n::Text;
    use crate::survey::{ChoiceOption, CompetencyGroup, LikertScale, MatrixRow, TaskRow};

    #[derive(Debug, Serialize, Deserialize)]
    pub struct SurveyDefinition {
        pub title: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<Text>,
        pub sections: Vec<Section>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Section {
        pub id: String,
        pub title: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<Text>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub visible_if: Option<Condition>,
        pub questions: Vec<Question>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Question {
        pub id: String,
        pub text: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub help: Option<Text>,
        #[serde(default)]
        pub required: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub visible_if: Option<Condition>,
        #[serde(flatten)]
        pub kind: QuestionKind,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum QuestionKind {
        SingleChoice {
            options: Vec<ChoiceOption>,
        },
        MultipleChoice {
            options: Vec<ChoiceOption>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            min: Option<u32>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            max: Option<u32>,
        },
        Likert {
            scale: LikertScale,
        },
        LikertMatrix {
            scale: LikertScale,
            rows: Vec<MatrixRow>,
        },
        Rating {
            max: u8,
        },
        Nps,
        Number {
            #[serde(default)]
            integer: bool,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            min: Option<f64>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            max: Option<f64>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            unit: Option<Text>,
        },
        Date {
            #[serde(default, skip_serializing_if = "Option::is_none")]
            min: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            max: Option<String>,
        },
        ShortText {
            max_length: u32,
        },
        LongText {
            max_length: u32,
        },
        Ranking {
            options: Vec<ChoiceOption>,
        },
        Competency {
            code: String,
            group: CompetencyGroup,
            levels: Vec<Text>,
        },
        JobLevel,
        WorkloadTasks {
            max_tasks: u32,
        },
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "op", rename_all = "snake_case")]
    pub enum Condition {
        Equals {
            question: String,
            value: Scalar,
        },
        NotEquals {
            question: String,
            value: Scalar,
        },
        In {
            question: String,
            values: Vec<Scalar>,
        },
        Greater {
            question: String,
            value: f64,
        },
        Less {
            question: String,
            value: f64,
        },
        Answered {
            question: String,
        },
        And {
            all: Vec<Condition>,
        },
        Or {
            any: Vec<Condition>,
        },
        Not {
            condition: Box<Condition>,
        },
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(untagged)]
    pub enum Scalar {
        Number(f64),
        Text(String),
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(untagged)]
    pub enum Answer {
        Number(f64),
        Text(String),
        List(Vec<String>),
        Tasks(Vec<TaskRow>),
        Matrix(BTreeMap<String, u8>),
    }
}

/// Both read `json` alike: both reject it, or both accept it as the same value.
fn same<Old, New>(json: &str) -> Result<(), String>
where
    Old: for<'de> Deserialize<'de> + Serialize,
    New: for<'de> Deserialize<'de> + Serialize,
{
    let old = serde_json::from_str::<Old>(json).map(|v| serde_json::to_value(v).unwrap());
    let new = serde_json::from_str::<New>(json).map(|v| serde_json::to_value(v).unwrap());
    match (&old, &new) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(_), Err(e)) if !e.to_string().is_empty() => Ok(()),
        _ => Err(format!("{json}\n  old: {old:?}\n  new: {new:?}")),
    }
}

fn fixture() -> impl Iterator<Item = (&'static str, &'static str)> {
    include_str!("wire_fixture.tsv")
        .lines()
        .map(|l| l.split_once('\t').unwrap())
}

#[test]
fn templates_json_is_byte_identical_to_the_derived_output() {
    let mut lines = fixture();
    for t in crate::templates::all() {
        let (id, json) = lines.next().unwrap();
        assert_eq!(id, t.id);
        assert_eq!(serde_json::to_string(&t.definition).unwrap(), json, "{id}");
        let back: SurveyDefinition = serde_json::from_str(json).unwrap();
        assert_eq!(back, t.definition, "{id}");
        same::<old::SurveyDefinition, SurveyDefinition>(json).unwrap();
        for pick in 0..3 {
            let (id, json) = lines.next().unwrap();
            assert_eq!(id, format!("{}.answers{pick}", t.id));
            let answers = example_answers(&t.definition, pick);
            assert_eq!(serde_json::to_string(&answers).unwrap(), json, "{id}");
            let back: Answers = serde_json::from_str(json).unwrap();
            assert_eq!(back, answers, "{id}");
        }
    }
    assert!(lines.next().is_none());
}

#[test]
fn edge_cases_read_as_before() {
    for &json in EDGE_QUESTIONS {
        same::<old::Question, Question>(json).unwrap();
    }
    for &json in EDGE_CONDITIONS {
        same::<old::Condition, Condition>(json).unwrap();
    }
    for &json in EDGE_ANSWERS {
        same::<old::Answer, Answer>(json).unwrap();
        same::<old::Scalar, Scalar>(json).unwrap();
    }
}

#[test]
fn errors_say_where() {
    let e = serde_json::from_str::<Question>(
        r#"{"id":"q","text":{"id":"a"},"kind":"single_choice","options":[{"id":"x","label":{}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("options[0].label: missing field `id`"), "{e}");
    let e = serde_json::from_str::<Question>(r#"{"id":"q","text":{"id":"a"},"kind":"nope"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("kind: unknown variant `nope`, expected one of `single_choice`"),
        "{e}"
    );
}

/// Values that make sense somewhere in a question or a condition.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(5),
            Just(-1),
            Just(256),
            Just(5_000_000_000)
        ]
        .prop_map(Value::from),
        Just(json!(2.5)),
        Just(json!(3.0)),
        prop_oneof![
            Just("nps"),
            Just("rating"),
            Just("teknis"),
            Just("answered"),
            Just("ya"),
            Just("q1"),
            Just("x")
        ]
        .prop_map(Value::from),
        Just(json!({"id": "a"})),
        Just(json!({"id": "a", "label": {"id": "A"}})),
        Just(json!([{"id": "a", "label": {"id": "A"}}])),
        Just(json!({"op": "answered", "question": "q1"})),
        Just(json!({"points": 2, "labels": [{"id": "a"}, {"id": "b"}]})),
        Just(json!([])),
        Just(json!(["a"])),
        Just(json!([1, "a"])),
    ]
}

const KEYS: [&str; 24] = [
    "id",
    "text",
    "help",
    "required",
    "visible_if",
    "kind",
    "options",
    "min",
    "max",
    "scale",
    "rows",
    "integer",
    "unit",
    "max_length",
    "code",
    "group",
    "levels",
    "max_tasks",
    "op",
    "question",
    "value",
    "values",
    "all",
    "condition",
];

/// A template's question or section condition with a few fields set, replaced or removed.
fn mutated() -> impl Strategy<Value = Value> {
    let pool: Vec<Value> = crate::templates::all()
        .iter()
        .flat_map(|t| {
            let def = serde_json::to_value(&t.definition).unwrap();
            let mut out = Vec::new();
            for s in def["sections"].as_array().unwrap() {
                out.extend(s["questions"].as_array().unwrap().iter().cloned());
                if let Some(c) = s.get("visible_if") {
                    out.push(c.clone());
                }
            }
            out
        })
        .collect();
    let edits = prop::collection::vec((0..KEYS.len(), prop::option::of(leaf())), 0..4);
    (prop::sample::select(pool), edits).prop_map(|(mut v, edits)| {
        let map = v.as_object_mut().unwrap();
        for (k, value) in edits {
            match value {
                Some(value) => map.insert(KEYS[k].to_owned(), value),
                None => map.remove(KEYS[k]),
            };
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_questions_and_conditions_read_as_before(v in mutated()) {
        let json = v.to_string();
        prop_assert_eq!(same::<old::Question, Question>(&json), Ok(()));
        prop_assert_eq!(same::<old::Condition, Condition>(&json), Ok(()));
    }

    #[test]
    fn answers_read_as_before(v in prop_oneof![leaf(), prop::collection::vec(leaf(), 0..3).prop_map(Value::from)]) {
        let json = v.to_string();
        prop_assert_eq!(same::<old::Answer, Answer>(&json), Ok(()));
        prop_assert_eq!(same::<old::Scalar, Scalar>(&json), Ok(()));
    }
}

include!("wire_edge_cases.rs");
