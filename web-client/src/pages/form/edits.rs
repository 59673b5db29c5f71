//! How what the respondent does changes the draft: one `Edit` per input, applied to the answer (and to what
//! was typed, for number inputs and workload rows). Empty inputs mean "no answer": the key is removed.

use std::collections::BTreeSet;

use serap_shared::survey::{Answer, ChoiceOption, Question, QuestionKind, TaskRow};

use super::questions::ids;
use crate::i18n::Key;
use crate::services::json::num_text;
use crate::services::store::Draft;

/// One change the respondent makes to one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A radio choice (option id or number).
    Set(Answer),
    /// Text or date input; empty removes the answer.
    Text(String),
    /// Number input as the browser reports it, and whether the browser found it unreadable.
    Number(String, bool),
    /// A checkbox of a multiple choice.
    Toggle(String),
    /// A likert matrix row's point.
    Row(String, u8),
    /// Ranking: move the item at this position up (`true`) or down.
    Move(usize, bool),
    /// Ranking: keep the order as shown.
    Confirm,
    /// Workload row, field (0 task, 1 volume, 2 minutes), value, unreadable number.
    Task(usize, usize, String, bool),
    AddTask,
    RemoveTask(usize),
}

/// A number as typed: optional minus, digits, one decimal point or comma (no exponent). Small on purpose:
/// `f64::from_str` would add kilobytes. Exact for up to 15 significant digits (integer / power of ten).
pub fn parse_num(s: &str) -> Option<f64> {
    let s = s.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut whole: u64 = 0;
    let mut scale = 1.0f64;
    let mut dot = false;
    let mut any = false;
    for c in digits.bytes() {
        match c {
            b'0'..=b'9' => {
                whole = whole.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
                if dot {
                    scale *= 10.0;
                }
                any = true;
            }
            b'.' | b',' if !dot => dot = true,
            _ => return None,
        }
    }
    if !any || whole > 1 << 53 {
        return None;
    }
    let n = whole as f64 / scale;
    Some(if negative { -n } else { n })
}

/// The order shown for a ranking: the answer when it is a full ranking, else the options' order.
pub fn rank_order(options: &[ChoiceOption], answer: Option<&Answer>) -> Vec<String> {
    if let Some(Answer::List(list)) = answer
        && list.len() == options.len()
        && options.iter().all(|o| list.contains(&o.id))
    {
        return list.clone();
    }
    options.iter().map(|o| o.id.clone()).collect()
}

/// Workload rows as typed (one empty row to start with).
pub fn task_rows(draft: &Draft, qid: &str) -> Vec<[String; 3]> {
    if let Some(Answer::List(cells)) = draft.typed.get(qid) {
        return cells
            .chunks_exact(3)
            .map(|c| [c[0].clone(), c[1].clone(), c[2].clone()])
            .collect();
    }
    match draft.answers.get(qid) {
        Some(Answer::Tasks(rows)) if !rows.is_empty() => rows
            .iter()
            .map(|r| [r.task.clone(), num_text(r.volume), num_text(r.minutes)])
            .collect(),
        _ => vec![Default::default()],
    }
}

/// The answer the typed rows make (complete rows only), and whether some row is half filled.
pub fn tasks_answer(rows: &[[String; 3]]) -> (Option<Answer>, bool) {
    let mut out = Vec::new();
    let mut incomplete = false;
    for [task, volume, minutes] in rows {
        let blank = task.trim().is_empty();
        if blank && volume.trim().is_empty() && minutes.trim().is_empty() {
            continue;
        }
        match (parse_num(volume), parse_num(minutes)) {
            (Some(volume), Some(minutes)) if !blank => out.push(TaskRow {
                task: task.clone(),
                volume,
                minutes,
            }),
            _ => incomplete = true,
        }
    }
    ((!out.is_empty()).then_some(Answer::Tasks(out)), incomplete)
}

/// A problem the shared validation cannot see because it is in what was typed, not in the answer.
pub fn local_problem(q: &Question, draft: &Draft, bad: &BTreeSet<String>) -> Option<Key> {
    if bad.contains(&q.id) {
        return Some(Key::NumberInvalid);
    }
    match &q.kind {
        QuestionKind::Number { .. } => match draft.typed.get(&q.id) {
            Some(Answer::Text(raw))
                if !raw.trim().is_empty() && !draft.answers.contains_key(&q.id) =>
            {
                Some(Key::NumberInvalid)
            }
            _ => None,
        },
        QuestionKind::WorkloadTasks { .. } => (draft.typed.contains_key(&q.id)
            && tasks_answer(&task_rows(draft, &q.id)).1)
            .then_some(Key::TasksIncomplete),
        _ => None,
    }
}

fn set(draft: &mut Draft, qid: &str, answer: Option<Answer>) {
    match answer {
        Some(a) => {
            draft.answers.insert(qid.to_owned(), a);
        }
        None => {
            draft.answers.remove(qid);
        }
    }
}

/// Applies `edit` to the draft; gives the id of the element to focus afterwards, if it must move.
pub fn apply(
    q: &Question,
    draft: &mut Draft,
    bad: &mut BTreeSet<String>,
    edit: Edit,
) -> Option<String> {
    let qid = q.id.as_str();
    match edit {
        Edit::Set(a) => set(draft, qid, Some(a)),
        Edit::Text(s) => set(draft, qid, (!s.is_empty()).then_some(Answer::Text(s))),
        Edit::Number(s, unreadable) => {
            if unreadable {
                bad.insert(q.id.clone());
                return None;
            }
            bad.remove(qid);
            let n = parse_num(&s);
            if s.trim().is_empty() {
                draft.typed.remove(qid);
            } else {
                draft.typed.insert(q.id.clone(), Answer::Text(s));
            }
            set(draft, qid, n.map(Answer::Number));
        }
        Edit::Toggle(id) => {
            let options = match &q.kind {
                QuestionKind::MultipleChoice { options, .. } => options,
                _ => return None,
            };
            let mut chosen: Vec<String> = match draft.answers.get(qid) {
                Some(Answer::List(list)) => list.clone(),
                _ => Vec::new(),
            };
            if let Some(at) = chosen.iter().position(|c| *c == id) {
                chosen.remove(at);
            } else {
                chosen.push(id);
            }
            let list: Vec<String> = options
                .iter()
                .filter(|o| chosen.contains(&o.id))
                .map(|o| o.id.clone())
                .collect();
            set(draft, qid, (!list.is_empty()).then_some(Answer::List(list)));
        }
        Edit::Row(row, n) => {
            let mut map = match draft.answers.remove(qid) {
                Some(Answer::Matrix(map)) => map,
                _ => Default::default(),
            };
            map.insert(row, n);
            set(draft, qid, Some(Answer::Matrix(map)));
        }
        Edit::Move(i, up) => {
            let QuestionKind::Ranking { options } = &q.kind else {
                return None;
            };
            let mut order = rank_order(options, draft.answers.get(qid));
            let j = if up { i.checked_sub(1)? } else { i + 1 };
            if j >= order.len() || i >= order.len() {
                return None;
            }
            order.swap(i, j);
            // Keep focus on the moved item's button; at an end, on its other button.
            let dir = match (up, j) {
                (true, 0) => "down",
                (true, _) => "up",
                (false, j) if j + 1 == order.len() => "up",
                (false, _) => "down",
            };
            let focus = ids(&[qid, &order[j], dir]);
            set(draft, qid, Some(Answer::List(order)));
            return Some(focus);
        }
        Edit::Confirm => {
            if let QuestionKind::Ranking { options } = &q.kind {
                let order = rank_order(options, draft.answers.get(qid));
                set(draft, qid, Some(Answer::List(order)));
            }
        }
        Edit::Task(i, field, value, unreadable) => {
            if unreadable {
                bad.insert(q.id.clone());
                return None;
            }
            bad.remove(qid);
            let mut rows = task_rows(draft, qid);
            if let Some(cell) = rows.get_mut(i).and_then(|r| r.get_mut(field)) {
                *cell = value;
            }
            store_rows(draft, qid, rows);
        }
        Edit::AddTask => {
            let max = match q.kind {
                QuestionKind::WorkloadTasks { max_tasks } => max_tasks as usize,
                _ => return None,
            };
            let mut rows = task_rows(draft, qid);
            if rows.len() >= max {
                return None;
            }
            rows.push(Default::default());
            let focus = ids(&[qid, &(rows.len() - 1).to_string(), "task"]);
            store_rows(draft, qid, rows);
            return Some(focus);
        }
        Edit::RemoveTask(i) => {
            let mut rows = task_rows(draft, qid);
            if i < rows.len() {
                rows.remove(i);
            }
            bad.remove(qid);
            store_rows(draft, qid, rows);
            return Some(ids(&[qid, "add"]));
        }
    }
    None
}

fn store_rows(draft: &mut Draft, qid: &str, rows: Vec<[String; 3]>) {
    let (answer, _) = tasks_answer(&rows);
    set(draft, qid, answer);
    draft
        .typed
        .insert(qid.to_owned(), Answer::List(rows.concat()));
}
