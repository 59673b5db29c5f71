//! Fuzz target: responses (mutated `example_answers`, random maps, JSON text) through validation and the
//! counters, against the templates and still valid variants of them.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serap_shared::fuzzing::fuzz;
use serap_shared::survey::{
    Answer, Answers, SurveyDefinition, TaskRow, contributions, example_answers,
    validate_definition, validate_response,
};

use crate::bytes::{ByteEdit, apply_bytes, byte_edit, raw_bytes};
use crate::json::{Edit, NUMBERS, apply_edits, gentle_edit, interesting_string};
use crate::surveys::{QUESTION_IDS, TEMPLATES, check_accepted, template_index};

fn arbitrary_answer() -> impl Strategy<Value = Answer> {
    let word = interesting_string();
    let number = prop_oneof![
        4 => (-3i32..15).prop_map(f64::from),
        2 => select(NUMBERS),
        1 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ];
    prop_oneof![
        number.clone().prop_map(Answer::Number),
        word.clone().prop_map(Answer::Text),
        vec(word.clone(), 0..6).prop_map(Answer::List),
        vec(
            (word.clone(), number.clone(), number).prop_map(|(task, volume, minutes)| TaskRow {
                task,
                volume,
                minutes
            }),
            0..5
        )
        .prop_map(Answer::Tasks),
        proptest::collection::btree_map(word, any::<u8>(), 0..4).prop_map(Answer::Matrix),
    ]
}

/// One change to a response. Indices are taken modulo the number of answers or questions.
#[derive(Debug, Clone)]
enum AnswerEdit {
    Remove(usize),
    /// Sets the answer of the n-th question of the definition.
    Set(usize, Answer),
    /// Gives the n-th question the answer `example_answers(def, pick)` has for it (possibly hidden now).
    Borrow(usize, usize),
    Unknown(String, Answer),
    /// Small, kind-preserving change to the n-th answer.
    Tweak(usize, u64),
}

fn answer_edit() -> impl Strategy<Value = AnswerEdit> {
    prop_oneof![
        2 => any::<usize>().prop_map(AnswerEdit::Remove),
        2 => (any::<usize>(), arbitrary_answer()).prop_map(|(n, a)| AnswerEdit::Set(n, a)),
        2 => (any::<usize>(), 0..8usize).prop_map(|(n, p)| AnswerEdit::Borrow(n, p)),
        1 => (interesting_string(), arbitrary_answer()).prop_map(|(k, a)| AnswerEdit::Unknown(k, a)),
        5 => (any::<usize>(), any::<u64>()).prop_map(|(n, s)| AnswerEdit::Tweak(n, s)),
    ]
}

fn tweak_answer(answer: &mut Answer, seed: u64) {
    let pick = |n: usize| (seed % n as u64) as usize;
    let other = (seed / 8) as usize;
    match answer {
        Answer::Number(n) => {
            *n = [
                *n + 1.0,
                *n - 1.0,
                -*n,
                *n + 0.5,
                0.0,
                1e300,
                f64::NAN,
                *n * 1e10,
            ][pick(8)]
        }
        Answer::Text(s) => match pick(5) {
            0 => s.push('x'),
            1 => *s = format!(" {s}\n"),
            2 => s.clear(),
            3 => *s = QUESTION_IDS[other % QUESTION_IDS.len()].clone(),
            _ => *s = s.repeat(1 + other % 400),
        },
        Answer::List(items) => match pick(5) {
            0 => items.clear(),
            1 if !items.is_empty() => {
                items.remove(other % items.len());
            }
            2 if !items.is_empty() => {
                let copy = items[other % items.len()].clone();
                items.push(copy);
            }
            3 => items.push(QUESTION_IDS[other % QUESTION_IDS.len()].clone()),
            _ => items.reverse(),
        },
        Answer::Tasks(rows) => match pick(5) {
            0 => rows.clear(),
            1 if !rows.is_empty() => {
                let i = other % rows.len();
                rows[i].volume = [1e7, 1e7 + 1.0, -0.0, f64::MAX, 0.1][other % 5];
            }
            2 if !rows.is_empty() => {
                let i = other % rows.len();
                rows[i].minutes = [1e5, 1e5 + 1.0, 0.0, -1.0, f64::MIN_POSITIVE][other % 5];
            }
            3 if !rows.is_empty() => {
                let i = other % rows.len();
                rows[i].task = ["", " ", &"x".repeat(201), "\n"][other % 4].to_string();
            }
            _ => {
                let copy = rows.first().cloned().unwrap_or(TaskRow {
                    task: "Tugas".into(),
                    volume: 1.0,
                    minutes: 1.0,
                });
                rows.extend(std::iter::repeat_n(copy, 1 + other % 120));
            }
        },
        Answer::Matrix(values) => match pick(4) {
            0 => values.clear(),
            1 if !values.is_empty() => {
                let key = values
                    .keys()
                    .nth(other % values.len())
                    .cloned()
                    .unwrap_or_default();
                values.insert(key, [0, 1, 5, 6, 11, 12, 255][other % 7]);
            }
            2 if !values.is_empty() => {
                let key = values
                    .keys()
                    .nth(other % values.len())
                    .cloned()
                    .unwrap_or_default();
                values.remove(&key);
            }
            _ => {
                values.insert(QUESTION_IDS[other % QUESTION_IDS.len()].clone(), 1);
            }
        },
    }
}

fn apply_answer_edits(
    def: &SurveyDefinition,
    mut answers: Answers,
    edits: &[AnswerEdit],
) -> Answers {
    let questions: Vec<&str> = def.questions().map(|(_, q)| q.id.as_str()).collect();
    for edit in edits {
        match edit {
            AnswerEdit::Remove(n) if !answers.is_empty() => {
                let key = answers
                    .keys()
                    .nth(n % answers.len())
                    .cloned()
                    .unwrap_or_default();
                answers.remove(&key);
            }
            AnswerEdit::Set(n, answer) if !questions.is_empty() => {
                answers.insert(questions[n % questions.len()].to_string(), answer.clone());
            }
            AnswerEdit::Borrow(n, pick) if !questions.is_empty() => {
                let id = questions[n % questions.len()];
                // Example answers for a response where everything is shown: a question's conditions may be
                // on earlier answers, so borrow from the examples that reach it, if any.
                if let Some(a) = example_answers(def, *pick).remove(id) {
                    answers.insert(id.to_string(), a);
                }
            }
            AnswerEdit::Unknown(key, answer) => {
                answers.insert(key.clone(), answer.clone());
            }
            AnswerEdit::Tweak(n, seed) if !answers.is_empty() => {
                let i = n % answers.len();
                if let Some(a) = answers.values_mut().nth(i) {
                    tweak_answer(a, *seed);
                }
            }
            _ => {}
        }
    }
    answers
}

/// Where the answers come from.
#[derive(Debug, Clone)]
enum AnswersInput {
    /// `example_answers(def, pick)` with a few changes.
    Mutated(usize, Vec<AnswerEdit>),
    /// A random map of answers, keyed mostly by the template's question ids.
    Random(Vec<(usize, Answer)>, Vec<(String, Answer)>),
    /// JSON text (from the example answers with byte-level changes, or arbitrary), read with serde.
    Text(Option<usize>, Vec<ByteEdit>, Vec<u8>),
}

fn answers_input() -> impl Strategy<Value = AnswersInput> {
    prop_oneof![
        8 => (0..8usize, vec(answer_edit(), 0..6)).prop_map(|(p, e)| AnswersInput::Mutated(p, e)),
        3 => (
            vec((any::<usize>(), arbitrary_answer()), 0..20),
            vec((interesting_string(), arbitrary_answer()), 0..3),
        )
            .prop_map(|(known, unknown)| AnswersInput::Random(known, unknown)),
        2 => (proptest::option::of(0..8usize), vec(byte_edit(), 0..4), raw_bytes())
            .prop_map(|(p, e, raw)| AnswersInput::Text(p, e, raw)),
    ]
}

fn answers_from(def: &SurveyDefinition, input: &AnswersInput) -> Option<Answers> {
    match input {
        AnswersInput::Mutated(pick, edits) => {
            Some(apply_answer_edits(def, example_answers(def, *pick), edits))
        }
        AnswersInput::Random(known, unknown) => {
            let ids: Vec<&str> = def.questions().map(|(_, q)| q.id.as_str()).collect();
            let mut answers = Answers::new();
            for (n, answer) in known {
                if !ids.is_empty() {
                    answers.insert(ids[n % ids.len()].to_string(), answer.clone());
                }
            }
            answers.extend(unknown.iter().cloned());
            Some(answers)
        }
        AnswersInput::Text(pick, edits, raw) => {
            let text = match pick {
                Some(p) => apply_bytes(
                    serde_json::to_vec(&example_answers(def, *p)).unwrap(),
                    edits,
                ),
                None => raw.clone(),
            };
            serde_json::from_slice(&text).ok()
        }
    }
}

/// A template, or a still valid variant of one (JSON-level changes that keep it publishable).
fn definition_for_responses() -> impl Strategy<Value = (usize, Vec<Edit>)> {
    (
        template_index(),
        prop_oneof![3 => Just(vec![]), 2 => vec(gentle_edit(), 1..4)],
    )
}

/// Found by `fuzz_response_validation`: a number whose JSON text serde_json's default parser read one unit in
/// the last place off, so an answer written and read back differed. The server and these tests read JSON
/// with `float_roundtrip`.
#[test]
fn answers_read_back_exactly_as_written() {
    let answers: Answers = [(
        "tugas".to_string(),
        Answer::Tasks(vec![TaskRow {
            task: "single_choice".into(),
            volume: 1.0763579211498522e-165,
            minutes: 1.0,
        }]),
    )]
    .into_iter()
    .collect();
    let json = serde_json::to_string(&answers).unwrap();
    let back: Answers = serde_json::from_str(&json).unwrap();
    assert_eq!(back, answers);
}

#[test]
fn fuzz_response_validation() {
    fuzz(
        "fuzz_response_validation",
        (definition_for_responses(), answers_input()),
        |((t, edits), input)| {
            let template = &TEMPLATES[t];
            let variant = (!edits.is_empty())
                .then(|| {
                    serde_json::from_value::<SurveyDefinition>(apply_edits(
                        template.json.clone(),
                        &edits,
                    ))
                    .ok()
                })
                .flatten()
                .filter(|d| validate_definition(d).is_empty());
            let def = variant.as_ref().unwrap_or(&template.definition);
            let Some(answers) = answers_from(def, &input) else {
                return Ok(());
            };
            let problems = validate_response(def, &answers);
            // Counters never panic, whatever the answers (invalid ones add nothing).
            let counted = contributions(def, &answers);
            prop_assert!(!counted.is_empty());
            if problems.is_empty() {
                check_accepted(def, &answers)?;
            } else {
                for p in &problems {
                    let id = p.path.strip_prefix("answers").unwrap_or("?");
                    prop_assert!(
                        id.is_empty()
                            || answers
                                .keys()
                                .chain(def.questions().map(|(_, q)| &q.id))
                                .any(|k| {
                                    id.strip_prefix('.')
                                        .and_then(|rest| rest.strip_prefix(k.as_str()))
                                        .is_some_and(|rest| {
                                            rest.is_empty()
                                                || rest.starts_with('.')
                                                || rest.starts_with('[')
                                        })
                                }),
                        "problem path {:?} names no answer: {:?}",
                        p.path,
                        p.message
                    );
                    prop_assert!(p.message.en.is_some(), "{:?}", p);
                }
            }
            if let AnswersInput::Mutated(pick, edits) = &input
                && edits.is_empty()
            {
                prop_assert_eq!(problems, vec![], "example_answers(_, {}) rejected", pick);
            }
            Ok(())
        },
    );
}
