//! Conditional display: whether a section or question is shown, given the answers so far.

use std::collections::BTreeSet;

use super::model::{Answer, Answers, Condition, Scalar, SurveyDefinition};

/// Conditions nested deeper than this are treated as false when evaluated. `validate_definition` already
/// rejects anything deeper than 8 levels; this only keeps evaluation of unvalidated input bounded.
const EVAL_DEPTH_LIMIT: usize = 64;

/// Whether `condition` holds for `answers`; no condition means always shown.
///
/// - `equals` compares a text answer with a text value, or a number answer with a number value; for a list
///   answer it holds when the list contains the text value. `not_equals` is its negation (so it holds when
///   the question is unanswered).
/// - `in` holds when the answer (or any item of a list answer) is one of the values.
/// - `greater` / `less` hold only for a number answer strictly above / below the value.
/// - `answered` holds when there is a non-empty answer (see [`is_answered`]).
/// - `and` of nothing holds, `or` of nothing does not.
pub fn is_visible(condition: Option<&Condition>, answers: &Answers) -> bool {
    match condition {
        None => true,
        Some(c) => eval(c, &|id: &str| answers.get(id), 0),
    }
}

/// Ids of the questions shown for `answers`. Sections and questions are walked in order; a question is shown
/// when its section's condition and its own condition hold, evaluated only against answers to questions
/// already found visible. An answer left behind by a question that is now hidden therefore never makes a
/// later question visible (hiding cascades).
pub fn visible_question_ids(def: &SurveyDefinition, answers: &Answers) -> BTreeSet<String> {
    let mut visible: BTreeSet<String> = BTreeSet::new();
    for section in &def.sections {
        let section_shown = holds(section.visible_if.as_ref(), answers, &visible);
        if !section_shown {
            continue;
        }
        for question in &section.questions {
            if holds(question.visible_if.as_ref(), answers, &visible) {
                visible.insert(question.id.clone());
            }
        }
    }
    visible
}

/// `condition` evaluated against only the answers of the questions in `visible`.
fn holds(condition: Option<&Condition>, answers: &Answers, visible: &BTreeSet<String>) -> bool {
    match condition {
        None => true,
        Some(c) => {
            let lookup = |id: &str| {
                if visible.contains(id) {
                    answers.get(id)
                } else {
                    None
                }
            };
            eval(c, &lookup, 0)
        }
    }
}

/// Whether `answer` counts as answered: present and not empty (a blank text, an empty list, an empty matrix
/// or no task rows all count as unanswered).
pub(crate) fn is_answered(answer: Option<&Answer>) -> bool {
    match answer {
        None => false,
        Some(Answer::Number(_)) => true,
        Some(Answer::Text(s)) => !s.trim().is_empty(),
        Some(Answer::List(l)) => !l.is_empty(),
        Some(Answer::Tasks(t)) => !t.is_empty(),
        Some(Answer::Matrix(m)) => !m.is_empty(),
    }
}

fn eval<'a, F>(condition: &Condition, lookup: &F, depth: usize) -> bool
where
    F: Fn(&str) -> Option<&'a Answer>,
{
    if depth >= EVAL_DEPTH_LIMIT {
        return false;
    }
    match condition {
        Condition::Equals { question, value } => equals(lookup(question), value),
        Condition::NotEquals { question, value } => !equals(lookup(question), value),
        Condition::In { question, values } => match lookup(question) {
            Some(Answer::List(items)) => items.iter().any(|item| {
                values
                    .iter()
                    .any(|v| matches!(v, Scalar::Text(t) if t == item))
            }),
            answer => values.iter().any(|v| equals(answer, v)),
        },
        Condition::Greater { question, value } => {
            matches!(lookup(question), Some(Answer::Number(n)) if *n > *value)
        }
        Condition::Less { question, value } => {
            matches!(lookup(question), Some(Answer::Number(n)) if *n < *value)
        }
        Condition::Answered { question } => is_answered(lookup(question)),
        Condition::And { all } => all.iter().all(|c| eval(c, lookup, depth + 1)),
        Condition::Or { any } => any.iter().any(|c| eval(c, lookup, depth + 1)),
        Condition::Not { condition } => !eval(condition, lookup, depth + 1),
    }
}

fn equals(answer: Option<&Answer>, value: &Scalar) -> bool {
    match (answer, value) {
        (Some(Answer::Text(a)), Scalar::Text(v)) => a == v,
        (Some(Answer::Number(a)), Scalar::Number(v)) => a == v,
        (Some(Answer::List(items)), Scalar::Text(v)) => items.iter().any(|i| i == v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Text;
    use crate::survey::model::{ChoiceOption, Question, QuestionKind, Section, TaskRow};

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn text(s: &str) -> Answer {
        Answer::Text(s.into())
    }

    fn list(items: &[&str]) -> Answer {
        Answer::List(items.iter().map(|s| s.to_string()).collect())
    }

    fn eq(q: &str, v: Scalar) -> Condition {
        Condition::Equals {
            question: q.into(),
            value: v,
        }
    }

    fn ne(q: &str, v: Scalar) -> Condition {
        Condition::NotEquals {
            question: q.into(),
            value: v,
        }
    }

    fn answered(q: &str) -> Condition {
        Condition::Answered { question: q.into() }
    }

    fn s(v: &str) -> Scalar {
        Scalar::Text(v.into())
    }

    fn check(c: &Condition, a: &Answers) -> bool {
        is_visible(Some(c), a)
    }

    #[test]
    fn no_condition_is_visible() {
        assert!(is_visible(None, &Answers::new()));
    }

    #[test]
    fn equals_text_number_and_list() {
        let a = answers(&[
            ("t", text("ya")),
            ("n", Answer::Number(3.0)),
            ("l", list(&["a", "b"])),
        ]);
        assert!(check(&eq("t", s("ya")), &a));
        assert!(!check(&eq("t", s("tidak")), &a));
        assert!(!check(&eq("t", Scalar::Number(3.0)), &a));
        assert!(check(&eq("n", Scalar::Number(3.0)), &a));
        assert!(!check(&eq("n", Scalar::Number(3.5)), &a));
        assert!(!check(&eq("n", s("3")), &a));
        assert!(check(&eq("l", s("b")), &a));
        assert!(!check(&eq("l", s("c")), &a));
        assert!(!check(&eq("missing", s("ya")), &a));
    }

    #[test]
    fn not_equals_holds_when_unanswered() {
        let a = answers(&[("t", text("ya")), ("l", list(&["a"]))]);
        assert!(!check(&ne("t", s("ya")), &a));
        assert!(check(&ne("t", s("tidak")), &a));
        assert!(check(&ne("missing", s("ya")), &a));
        assert!(!check(&ne("l", s("a")), &a));
        assert!(check(&ne("l", s("z")), &a));
    }

    #[test]
    fn in_matches_answer_or_any_list_item() {
        let a = answers(&[
            ("t", text("b")),
            ("n", Answer::Number(2.0)),
            ("l", list(&["x", "y"])),
        ]);
        let in_ = |q: &str, values: Vec<Scalar>| Condition::In {
            question: q.into(),
            values,
        };
        assert!(check(&in_("t", vec![s("a"), s("b")]), &a));
        assert!(!check(&in_("t", vec![s("a"), s("c")]), &a));
        assert!(check(
            &in_("n", vec![Scalar::Number(1.0), Scalar::Number(2.0)]),
            &a
        ));
        assert!(!check(&in_("n", vec![s("2")]), &a));
        assert!(check(&in_("l", vec![s("y"), s("z")]), &a));
        assert!(!check(&in_("l", vec![s("z")]), &a));
        assert!(!check(&in_("t", vec![]), &a));
        assert!(!check(&in_("missing", vec![s("a")]), &a));
    }

    #[test]
    fn greater_and_less_are_strict_and_numeric_only() {
        let a = answers(&[("n", Answer::Number(3.0)), ("t", text("5"))]);
        let gt = |q: &str, v: f64| Condition::Greater {
            question: q.into(),
            value: v,
        };
        let lt = |q: &str, v: f64| Condition::Less {
            question: q.into(),
            value: v,
        };
        assert!(check(&gt("n", 2.0), &a));
        assert!(!check(&gt("n", 3.0), &a));
        assert!(check(&lt("n", 4.0), &a));
        assert!(!check(&lt("n", 3.0), &a));
        assert!(!check(&gt("t", 1.0), &a));
        assert!(!check(&lt("t", 9.0), &a));
        assert!(!check(&gt("missing", -1.0), &a));
        assert!(!check(&lt("missing", 1.0), &a));
        assert!(!check(&gt("n", f64::NAN), &a));
    }

    #[test]
    fn answered_ignores_empty_values() {
        let a = answers(&[
            ("n", Answer::Number(0.0)),
            ("t", text("x")),
            ("blank", text("  ")),
            ("empty_list", list(&[])),
            ("empty_map", Answer::Matrix(Default::default())),
            ("empty_tasks", Answer::Tasks(vec![])),
            (
                "tasks",
                Answer::Tasks(vec![TaskRow {
                    task: "Surat".into(),
                    volume: 1.0,
                    minutes: 2.0,
                }]),
            ),
        ]);
        for q in ["n", "t", "tasks"] {
            assert!(check(&answered(q), &a), "{q}");
        }
        for q in ["blank", "empty_list", "empty_map", "empty_tasks", "missing"] {
            assert!(!check(&answered(q), &a), "{q}");
        }
    }

    #[test]
    fn and_or_not() {
        let a = answers(&[("t", text("ya"))]);
        let yes = || eq("t", s("ya"));
        let no = || eq("t", s("tidak"));
        let and = |all: Vec<Condition>| Condition::And { all };
        let or = |any: Vec<Condition>| Condition::Or { any };
        let not = |c: Condition| Condition::Not {
            condition: Box::new(c),
        };
        assert!(check(&and(vec![]), &a));
        assert!(check(&and(vec![yes(), yes()]), &a));
        assert!(!check(&and(vec![yes(), no()]), &a));
        assert!(!check(&or(vec![]), &a));
        assert!(check(&or(vec![no(), yes()]), &a));
        assert!(!check(&or(vec![no(), no()]), &a));
        assert!(check(&not(no()), &a));
        assert!(!check(&not(yes()), &a));
        assert!(check(&not(and(vec![yes(), no()])), &a));
    }

    #[test]
    fn absurdly_deep_conditions_evaluate_to_false() {
        let mut c = answered("t");
        for _ in 0..(EVAL_DEPTH_LIMIT * 2) {
            c = Condition::And { all: vec![c] };
        }
        assert!(!check(&c, &answers(&[("t", text("x"))])));
    }

    fn question(id: &str, visible_if: Option<Condition>) -> Question {
        Question {
            id: id.into(),
            text: Text::id_only(id),
            help: None,
            required: false,
            visible_if,
            kind: QuestionKind::SingleChoice {
                options: vec![
                    ChoiceOption {
                        id: "ya".into(),
                        label: Text::id_only("Ya"),
                    },
                    ChoiceOption {
                        id: "tidak".into(),
                        label: Text::id_only("Tidak"),
                    },
                ],
            },
        }
    }

    fn section(id: &str, visible_if: Option<Condition>, questions: Vec<Question>) -> Section {
        Section {
            id: id.into(),
            title: Text::id_only(id),
            description: None,
            visible_if,
            questions,
        }
    }

    /// q1 -> q2 (if q1 = ya) -> q3 (if q2 = ya); section b shown if q3 = ya; q5 (if q4 answered).
    fn chain() -> SurveyDefinition {
        SurveyDefinition {
            title: Text::id_only("Rantai"),
            description: None,
            sections: vec![
                section(
                    "a",
                    None,
                    vec![
                        question("q1", None),
                        question("q2", Some(eq("q1", s("ya")))),
                        question("q3", Some(eq("q2", s("ya")))),
                    ],
                ),
                section(
                    "b",
                    Some(eq("q3", s("ya"))),
                    vec![question("q4", None), question("q5", Some(answered("q4")))],
                ),
                section("c", None, vec![question("q6", Some(answered("q4")))]),
            ],
        }
    }

    fn ids(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn everything_visible_along_the_chain() {
        let a = answers(&[
            ("q1", text("ya")),
            ("q2", text("ya")),
            ("q3", text("ya")),
            ("q4", text("ya")),
        ]);
        assert_eq!(
            visible_question_ids(&chain(), &a),
            ids(&["q1", "q2", "q3", "q4", "q5", "q6"])
        );
    }

    #[test]
    fn hiding_cascades() {
        // q1 changed to "tidak": q2 is hidden, so its stale "ya" must not show q3, nor section b, nor q6.
        let a = answers(&[
            ("q1", text("tidak")),
            ("q2", text("ya")),
            ("q3", text("ya")),
            ("q4", text("ya")),
        ]);
        assert_eq!(visible_question_ids(&chain(), &a), ids(&["q1"]));
        assert_eq!(
            visible_question_ids(&chain(), &Answers::new()),
            ids(&["q1"])
        );
        // q3 answered "tidak": section b hidden, q4's stale answer does not show q6.
        let a = answers(&[
            ("q1", text("ya")),
            ("q2", text("ya")),
            ("q3", text("tidak")),
            ("q4", text("ya")),
        ]);
        assert_eq!(visible_question_ids(&chain(), &a), ids(&["q1", "q2", "q3"]));
    }
}
