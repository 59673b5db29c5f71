//! The built-in templates as fuzz fixtures, the ids they use, and the properties every definition the
//! reader accepted and every accepted response must have.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::TestCaseResult;
use serap_shared::survey::{
    Answer, Answers, QuestionKind, RESPONSES_KEY, SurveyDefinition, contributions, example_answers,
    validate_definition, validate_response, visible_question_ids,
};
use serap_shared::templates;
use serde_json::Value;

pub(crate) struct Fixture {
    pub(crate) definition: SurveyDefinition,
    pub(crate) json: Value,
    /// `json` as compact text.
    pub(crate) text: Vec<u8>,
}

pub(crate) static TEMPLATES: LazyLock<Vec<Fixture>> = LazyLock::new(|| {
    templates::all()
        .into_iter()
        .map(|t| {
            let json = serde_json::to_value(&t.definition).unwrap();
            Fixture {
                text: serde_json::to_vec(&json).unwrap(),
                json,
                definition: t.definition,
            }
        })
        .collect()
});

pub(crate) static QUESTION_IDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let ids: BTreeSet<String> = templates::all()
        .iter()
        .flat_map(|t| {
            t.definition
                .questions()
                .flat_map(|(_, q)| {
                    let mut ids = vec![q.id.clone()];
                    match &q.kind {
                        QuestionKind::SingleChoice { options }
                        | QuestionKind::MultipleChoice { options, .. }
                        | QuestionKind::Ranking { options } => {
                            ids.extend(options.iter().map(|o| o.id.clone()))
                        }
                        QuestionKind::LikertMatrix { rows, .. } => {
                            ids.extend(rows.iter().map(|r| r.id.clone()))
                        }
                        _ => {}
                    }
                    ids
                })
                .collect::<Vec<_>>()
        })
        .collect();
    ids.into_iter().collect()
});

pub(crate) fn template_index() -> impl Strategy<Value = usize> {
    0..TEMPLATES.len()
}

/// Whether a problem path (`sections[2].questions[0].options`) names a node of `v`.
fn resolves(v: &Value, path: &str) -> bool {
    let mut current = v;
    for part in path.split('.') {
        let (name, indices) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !name.is_empty() {
            match current.get(name) {
                Some(next) => current = next,
                None => return false,
            }
        }
        for index in indices.split('[').skip(1) {
            let Some(i) = index
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
            else {
                return false;
            };
            match current.get(i) {
                Some(next) => current = next,
                None => return false,
            }
        }
    }
    true
}

fn is_answered(answer: &Answer) -> bool {
    match answer {
        Answer::Number(_) => true,
        Answer::Text(s) => !s.trim().is_empty(),
        Answer::List(l) => !l.is_empty(),
        Answer::Tasks(t) => !t.is_empty(),
        Answer::Matrix(m) => !m.is_empty(),
    }
}

/// Properties of any definition the reader accepted.
pub(crate) fn check_definition(def: &SurveyDefinition) -> TestCaseResult {
    let problems = validate_definition(def);
    let json = serde_json::to_value(def).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for p in &problems {
        prop_assert!(
            resolves(&json, &p.path),
            "problem path {:?} names nothing: {:?}",
            p.path,
            p.message
        );
        prop_assert!(!p.message.id.trim().is_empty(), "{:?}", p);
        prop_assert!(
            p.message
                .en
                .as_deref()
                .is_some_and(|en| !en.trim().is_empty()),
            "{:?}",
            p
        );
    }
    // What was read is written back as JSON that reads the same.
    let back: SurveyDefinition =
        serde_json::from_value(json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, def);
    if problems.is_empty() {
        for pick in 0..4 {
            let answers = example_answers(def, pick);
            prop_assert_eq!(
                validate_response(def, &answers),
                vec![],
                "example_answers(_, {}) = {:?}",
                pick,
                answers
            );
            check_accepted(def, &answers)?;
        }
    } else {
        // Responses to an invalid definition are still checked without panicking.
        let _ = validate_response(def, &example_answers(def, 1));
        let _ = contributions(def, &example_answers(def, 1));
    }
    Ok(())
}

/// Properties of an accepted response.
pub(crate) fn check_accepted(def: &SurveyDefinition, answers: &Answers) -> TestCaseResult {
    let visible = visible_question_ids(def, answers);
    for (id, answer) in answers {
        prop_assert!(
            def.question(id).is_some(),
            "answer to unknown question {}",
            id
        );
        if is_answered(answer) {
            prop_assert!(visible.contains(id), "answer to hidden question {}", id);
        }
    }
    for (_, q) in def.questions() {
        if q.required && visible.contains(&q.id) {
            prop_assert!(
                answers.get(&q.id).is_some_and(is_answered),
                "required question {} left unanswered",
                q.id
            );
        }
    }
    let counted = contributions(def, answers);
    prop_assert_eq!(counted[0].key.as_str(), RESPONSES_KEY);
    // Each counter is moved once: a question's counters never land on another's or on the reserved ones.
    let mut keys = BTreeSet::new();
    for c in &counted {
        prop_assert!(
            keys.insert((&c.key, &c.bucket)),
            "counter moved twice: {:?}",
            c
        );
        prop_assert!(c.sum.is_finite(), "{:?}", c);
        prop_assert!(c.count >= 0, "{:?}", c);
        let question = c.key.split('.').next().unwrap_or_default();
        prop_assert!(
            c.key.starts_with('_') || visible.contains(question),
            "counter for a hidden or unknown question: {:?}",
            c
        );
    }
    let json = serde_json::to_string(answers).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Answers =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    // Empty answers (no answer) may come back as another empty kind: `[]` is an empty list or task list.
    let answered = |a: &Answers| -> Answers {
        a.iter()
            .filter(|(_, a)| is_answered(a))
            .map(|(k, a)| (k.clone(), a.clone()))
            .collect()
    };
    prop_assert_eq!(
        back.keys().collect::<Vec<_>>(),
        answers.keys().collect::<Vec<_>>()
    );
    prop_assert_eq!(answered(&back), answered(answers));
    Ok(())
}
