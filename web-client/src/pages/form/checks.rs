//! What is wrong with the answers, by question: what was typed (`edits::local_problem`), the shared
//! validation, and the problems the server names by path (`answers.<question>[.<row>]`), each put on the
//! question it is about, with the matrix row or task row it names.

use std::collections::BTreeSet;

use serap_shared::i18n::{Lang, Text};
use serap_shared::survey::{
    Answers, Question, QuestionKind, SurveyDefinition, validate_answer, visible_question_ids,
};

use super::edits;
use crate::i18n::{both, fill};
use crate::services::store::Draft;

/// Messages by question id (or `unit_id`): a few at most, so a list (smaller code than another map type).
#[derive(Default)]
pub(super) struct Errors(Vec<(String, Text)>);

impl Errors {
    pub(super) fn get(&self, key: &str) -> Option<&Text> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, t)| t)
    }

    pub(super) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn remove(&mut self, key: &str) -> Option<Text> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }

    pub(super) fn insert(&mut self, key: String, text: Text) {
        self.remove(&key);
        self.0.push((key, text));
    }
}

/// The visible question ids and the indices of the sections to show: those with a visible question
/// (`visible_question_ids` already applies the sections' conditions).
pub(super) fn visible_sections(
    def: &SurveyDefinition,
    answers: &Answers,
) -> (BTreeSet<String>, Vec<usize>) {
    let visible = visible_question_ids(def, answers);
    let sections = def
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.questions.iter().any(|q| visible.contains(&q.id)))
        .map(|(i, _)| i)
        .collect();
    (visible, sections)
}

/// The question id a path such as `answers.q7`, `answers.q7.r2` or `answers.q7[0].volume` is about.
fn path_question(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("answers.")?;
    rest.split(['.', '[']).next()
}

/// Adds `message` (about `path`, e.g. `answers.q7.r2`) to what is already said about that question, naming
/// the matrix row or task row it is about.
fn join(slot: &mut Option<Text>, q: Option<&Question>, path: &str, message: &Text) {
    let sub = q.and_then(|q| path.strip_prefix("answers.")?.strip_prefix(q.id.as_str()));
    let prefix = match (q.map(|q| &q.kind), sub) {
        (Some(QuestionKind::LikertMatrix { rows, .. }), Some(sub)) => {
            let row = sub.strip_prefix('.').unwrap_or_default();
            rows.iter().find(|r| r.id == row).map(|r| r.label.clone())
        }
        (Some(QuestionKind::WorkloadTasks { .. }), Some(sub)) => sub
            .strip_prefix('[')
            .and_then(|s| s.split(']').next()?.parse::<usize>().ok())
            .map(|i| {
                let n = (i + 1).to_string();
                Text::new(fill("Tugas {}", &[&n]), fill("Task {}", &[&n]))
            }),
        _ => None,
    };
    let mut out = [String::new(), String::new()];
    for (s, lang) in out.iter_mut().zip(Lang::ALL) {
        if let Some(old) = slot.as_ref() {
            s.push_str(old.get(lang));
            s.push(' ');
        }
        if let Some(p) = &prefix {
            s.push_str(p.get(lang));
            s.push_str(": ");
        }
        s.push_str(message.get(lang));
    }
    let [id, en] = out;
    *slot = Some(Text { id, en: Some(en) });
}

/// What is wrong with one question's answer, if anything: what was typed, then the shared validation.
pub(super) fn check(q: &Question, draft: &Draft, bad: &BTreeSet<String>) -> Option<Text> {
    if let Some(key) = edits::local_problem(q, draft, bad) {
        return Some(both(key));
    }
    let mut out = None;
    for p in validate_answer(q, draft.answers.get(&q.id)) {
        join(&mut out, Some(q), &p.path, &p.message);
    }
    out
}

/// Checks the visible questions of section `i`; gives the first invalid question's id.
pub(super) fn check_section(
    def: &SurveyDefinition,
    i: usize,
    visible: &BTreeSet<String>,
    draft: &Draft,
    bad: &BTreeSet<String>,
    errors: &mut Errors,
) -> Option<String> {
    let mut first = None;
    for q in def
        .sections
        .get(i)
        .map(|s| s.questions.as_slice())
        .unwrap_or_default()
    {
        match check(q, draft, bad).filter(|_| visible.contains(&q.id)) {
            Some(text) => {
                errors.insert(q.id.clone(), text);
                first.get_or_insert_with(|| q.id.clone());
            }
            None => {
                errors.remove(&q.id);
            }
        }
    }
    first
}

/// Puts a problem reported for `path` (`unit_id`, `answers.<qid>[.<row>]`) on its question; false when the
/// path is about nothing on screen.
pub(super) fn place(
    errors: &mut Errors,
    def: Option<&SurveyDefinition>,
    path: &str,
    message: &Text,
) -> bool {
    let (key, q) = if path == "unit_id" {
        ("unit_id", None)
    } else {
        let Some(q) = path_question(path).and_then(|id| def?.question(id)) else {
            return false;
        };
        (q.id.as_str(), Some(q))
    };
    let mut slot = errors.remove(key);
    join(&mut slot, q, path, message);
    if let Some(text) = slot {
        errors.insert(key.to_owned(), text);
    }
    true
}
