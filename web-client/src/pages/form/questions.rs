//! Every question kind on a phone screen, and how what the respondent does changes the draft. Empty inputs
//! mean "no answer": the key is removed.

use std::collections::BTreeSet;

use serap_shared::i18n::{Lang, Text};
use serap_shared::survey::{Answer, ChoiceOption, JobLevel, Question, QuestionKind, TaskRow};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{Key, t};
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

/// `q-<a>-<b>-...`, the element ids of the form.
pub fn ids(parts: &[&str]) -> String {
    let mut s = String::with_capacity(24);
    s.push('q');
    for p in parts {
        s.push('-');
        s.push_str(p);
    }
    s
}

fn text_of(answer: Option<&Answer>) -> &str {
    match answer {
        Some(Answer::Text(s)) => s,
        _ => "",
    }
}

fn num_of(answer: Option<&Answer>) -> Option<f64> {
    match answer {
        Some(Answer::Number(n)) => Some(*n),
        _ => None,
    }
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

/// What the inputs of one question share.
struct Field<'a> {
    qid: &'a str,
    lang: Lang,
    on: &'a Callback<(String, Edit)>,
    described: Option<AttrValue>,
    invalid: Option<AttrValue>,
    label: AttrValue,
    required: Option<AttrValue>,
}

impl Field<'_> {
    fn cb<E: 'static>(&self, f: impl Fn(E) -> Edit + 'static) -> Callback<E> {
        let on = self.on.clone();
        let qid = self.qid.to_owned();
        Callback::from(move |e| on.emit((qid.clone(), f(e))))
    }

    fn t(&self, key: Key) -> &'static str {
        t(self.lang, key)
    }

    /// A radio or checkbox wrapped in its label (the whole label is the touch target).
    fn choice(
        &self,
        kind: &'static str,
        name: &str,
        id: String,
        checked: bool,
        label: Html,
        edit: Edit,
    ) -> Html {
        let onchange = self.cb(move |_: Event| edit.clone());
        html! {
            <label class="choice" for={id.clone()}>
                <input type={kind} id={id} name={name.to_owned()} {checked} {onchange}
                    aria-describedby={self.described.clone()} aria-invalid={self.invalid.clone()} />
                <span>{ label }</span>
            </label>
        }
    }

    /// Points `from..=to` as a row of number buttons (radios).
    fn pills(
        &self,
        name: &str,
        prefix: &[&str],
        from: u8,
        to: u8,
        current: Option<f64>,
        labels: Option<&[Text]>,
    ) -> Html {
        let items = (from..=to).map(|n| {
            let ns = n.to_string();
            let mut parts = prefix.to_vec();
            parts.push(&ns);
            let label = labels
                .and_then(|l| l.get(usize::from(n).wrapping_sub(1)))
                .map(|l| html! { <small>{ l.get(self.lang).to_owned() }</small> });
            let edit = match prefix.len() {
                1 => Edit::Set(Answer::Number(f64::from(n))),
                _ => Edit::Row(prefix[1].to_owned(), n),
            };
            self.choice(
                "radio",
                name,
                ids(&parts),
                current == Some(f64::from(n)),
                html! { <><b>{ ns.clone() }</b>{ label }</> },
                edit,
            )
        });
        html! { <div class="pills">{ for items }</div> }
    }

    fn text_input(
        &self,
        kind: &'static str,
        value: String,
        max_length: Option<u32>,
        bounds: (Option<&String>, Option<&String>),
    ) -> Html {
        let oninput = self
            .cb(|e: InputEvent| Edit::Text(e.target_unchecked_into::<HtmlInputElement>().value()));
        html! {
            <input type={kind} class="text" id={ids(&[self.qid, "input"])} {value} {oninput}
                maxlength={max_length.map(|m| m.to_string())}
                aria-labelledby={self.label.clone()} aria-describedby={self.described.clone()}
                aria-invalid={self.invalid.clone()} aria-required={self.required.clone()}
                min={bounds.0.cloned()} max={bounds.1.cloned()} />
        }
    }
}

/// One question: `<fieldset id="q-<qid>">` with its legend, help, error and inputs.
pub fn question(
    q: &Question,
    draft: &Draft,
    error: Option<&Text>,
    lang: Lang,
    on: &Callback<(String, Edit)>,
) -> Html {
    let qid = q.id.as_str();
    let answer = draft.answers.get(qid);
    let help_id = q.help.as_ref().map(|_| ids(&[qid, "help"]));
    let error_id = error.map(|_| ids(&[qid, "error"]));
    let count_id = matches!(q.kind, QuestionKind::LongText { .. }).then(|| ids(&[qid, "count"]));
    let described: Vec<&str> = [&help_id, &error_id, &count_id]
        .into_iter()
        .filter_map(|s| s.as_deref())
        .collect();
    let label_id = ids(&[qid, "label"]);
    let f = Field {
        qid,
        lang,
        on,
        described: (!described.is_empty()).then(|| described.join(" ").into()),
        invalid: error.map(|_| AttrValue::Static("true")),
        label: label_id.clone().into(),
        required: q.required.then_some(AttrValue::Static("true")),
    };
    let name = ids(&[qid]);
    let body = match &q.kind {
        QuestionKind::SingleChoice { options } => {
            let current = text_of(answer);
            let items = options.iter().map(|o| {
                f.choice(
                    "radio",
                    &name,
                    ids(&[qid, &o.id]),
                    current == o.id,
                    html! { o.label.get(lang).to_owned() },
                    Edit::Set(Answer::Text(o.id.clone())),
                )
            });
            html! { <div class="choices">{ for items }</div> }
        }
        QuestionKind::MultipleChoice { options, .. } => {
            let chosen: &[String] = match answer {
                Some(Answer::List(list)) => list,
                _ => &[],
            };
            let items = options.iter().map(|o| {
                f.choice(
                    "checkbox",
                    &name,
                    ids(&[qid, &o.id]),
                    chosen.contains(&o.id),
                    html! { o.label.get(lang).to_owned() },
                    Edit::Toggle(o.id.clone()),
                )
            });
            html! { <div class="choices">{ for items }</div> }
        }
        QuestionKind::Likert { scale } => {
            let current = num_of(answer);
            let items = (1..=scale.points).map(|n| {
                let label = scale
                    .labels
                    .get(usize::from(n) - 1)
                    .map(|l| l.get(lang).to_owned())
                    .unwrap_or_else(|| n.to_string());
                f.choice(
                    "radio",
                    &name,
                    ids(&[qid, &n.to_string()]),
                    current == Some(f64::from(n)),
                    html! { label },
                    Edit::Set(Answer::Number(f64::from(n))),
                )
            });
            html! { <div class="choices">{ for items }</div> }
        }
        QuestionKind::LikertMatrix { scale, rows } => {
            let rows = rows.iter().map(|row| {
                let current = match answer {
                    Some(Answer::Matrix(map)) => map.get(&row.id).map(|n| f64::from(*n)),
                    _ => None,
                };
                let row_label = ids(&[qid, &row.id, "label"]);
                html! {
                    <div class="matrix-row" role="radiogroup" aria-labelledby={row_label.clone()}>
                        <p class="row-label" id={row_label}>{ row.label.get(lang).to_owned() }</p>
                        { f.pills(&ids(&[qid, &row.id]), &[qid, &row.id], 1, scale.points, current, Some(&scale.labels)) }
                    </div>
                }
            });
            html! { <div class="matrix">{ for rows }</div> }
        }
        QuestionKind::Rating { max } => f.pills(&name, &[qid], 1, *max, num_of(answer), None),
        QuestionKind::Nps => html! {
            <>
                { f.pills(&name, &[qid], 0, 10, num_of(answer), None) }
                <p class="scale-ends"><span>{ f.t(Key::NpsLow) }</span><span>{ f.t(Key::NpsHigh) }</span></p>
            </>
        },
        QuestionKind::Competency { levels, .. } => {
            let current = num_of(answer);
            let items = levels.iter().zip(1u8..).map(|(descriptor, n)| {
                let ns = n.to_string();
                f.choice(
                    "radio",
                    &name,
                    ids(&[qid, &ns]),
                    current == Some(f64::from(n)),
                    html! { <><b>{ f.t(Key::Level) }{ " " }{ ns.clone() }</b>{ " " }{ descriptor.get(lang).to_owned() }</> },
                    Edit::Set(Answer::Number(f64::from(n))),
                )
            });
            html! { <div class="choices">{ for items }</div> }
        }
        QuestionKind::JobLevel => {
            let current = text_of(answer);
            let items = JobLevel::ALL.into_iter().map(|level| {
                f.choice(
                    "radio",
                    &name,
                    ids(&[qid, level.id()]),
                    current == level.id(),
                    html! { level.label().get(lang).to_owned() },
                    Edit::Set(Answer::Text(level.id().to_owned())),
                )
            });
            html! { <div class="choices">{ for items }</div> }
        }
        QuestionKind::Number {
            integer,
            min,
            max,
            unit,
        } => {
            let value = match draft.typed.get(qid) {
                Some(Answer::Text(raw)) => raw.clone(),
                _ => num_of(answer).map(num_text).unwrap_or_default(),
            };
            let oninput = f.cb(|e: InputEvent| {
                let input = e.target_unchecked_into::<HtmlInputElement>();
                let value = input.value();
                let unreadable = value.is_empty() && input.validity().bad_input();
                Edit::Number(value, unreadable)
            });
            html! {
                <div class="with-unit">
                    <input type="number" class="text" id={ids(&[qid, "input"])} {value} {oninput}
                        inputmode={if *integer { "numeric" } else { "decimal" }}
                        step={if *integer { "1" } else { "any" }}
                        min={min.map(num_text)} max={max.map(num_text)}
                        aria-labelledby={f.label.clone()} aria-describedby={f.described.clone()}
                        aria-invalid={f.invalid.clone()} aria-required={f.required.clone()} />
                    if let Some(unit) = unit {
                        <span class="unit">{ unit.get(lang).to_owned() }</span>
                    }
                </div>
            }
        }
        QuestionKind::Date { min, max } => f.text_input(
            "date",
            text_of(answer).to_owned(),
            None,
            (min.as_ref(), max.as_ref()),
        ),
        QuestionKind::ShortText { max_length } => f.text_input(
            "text",
            text_of(answer).to_owned(),
            Some(*max_length),
            (None, None),
        ),
        QuestionKind::LongText { max_length } => {
            let value = text_of(answer);
            let left = (*max_length as usize).saturating_sub(value.chars().count());
            let oninput = f.cb(|e: InputEvent| {
                Edit::Text(e.target_unchecked_into::<HtmlTextAreaElement>().value())
            });
            html! {
                <>
                    <textarea class="text" id={ids(&[qid, "input"])} rows="5" value={value.to_owned()} {oninput}
                        maxlength={max_length.to_string()}
                        aria-labelledby={f.label.clone()} aria-describedby={f.described.clone()}
                        aria-invalid={f.invalid.clone()} aria-required={f.required.clone()} />
                    <p class="counter" id={count_id.clone()}>{ left.to_string() }{ " " }{ f.t(Key::CharsLeft) }</p>
                </>
            }
        }
        QuestionKind::Ranking { options } => ranking(&f, options, answer),
        QuestionKind::WorkloadTasks { max_tasks } => tasks(&f, draft, *max_tasks as usize),
    };
    html! {
        <fieldset id={name.clone()} class={classes!("question", error.map(|_| "invalid"))}
            aria-describedby={f.described.clone()}>
            <legend id={label_id}>
                { q.text.get(lang).to_owned() }
                if q.required {
                    <span class="req" aria-hidden="true">{ " *" }</span>
                    <span class="sr-only">{ " " }{ f.t(Key::RequiredSr) }</span>
                }
            </legend>
            if let (Some(help), Some(help_id)) = (&q.help, help_id) {
                <p class="help" id={help_id}>{ help.get(lang).to_owned() }</p>
            }
            if let (Some(error), Some(error_id)) = (error, error_id) {
                <p id={error_id} class="field-error" role="alert">{ error.get(lang).to_owned() }</p>
            }
            { body }
        </fieldset>
    }
}

fn ranking(f: &Field, options: &[ChoiceOption], answer: Option<&Answer>) -> Html {
    let qid = f.qid;
    let order = rank_order(options, answer);
    let last = order.len().saturating_sub(1);
    let items = order.iter().enumerate().map(|(i, id)| {
        let label = options
            .iter()
            .find(|o| o.id == *id)
            .map(|o| o.label.get(f.lang))
            .unwrap_or(id);
        let aria = |key| {
            let mut s = String::from(f.t(key));
            s.push_str(": ");
            s.push_str(label);
            s
        };
        html! {
            <li>
                <span class="rank" aria-hidden="true">{ (i + 1).to_string() }</span>
                <span class="rank-label">{ label.to_owned() }</span>
                <button type="button" class="icon" id={ids(&[qid, id, "up"])} aria-label={aria(Key::MoveUp)}
                    disabled={i == 0} onclick={f.cb(move |_: MouseEvent| Edit::Move(i, true))}>{ "▲" }</button>
                <button type="button" class="icon" id={ids(&[qid, id, "down"])} aria-label={aria(Key::MoveDown)}
                    disabled={i == last} onclick={f.cb(move |_: MouseEvent| Edit::Move(i, false))}>{ "▼" }</button>
            </li>
        }
    });
    html! {
        <>
            <p class="help">{ f.t(Key::RankHelp) }</p>
            <ol class="ranking" aria-labelledby={f.label.clone()}>{ for items }</ol>
            <button type="button" class="secondary" id={ids(&[qid, "confirm"])}
                onclick={f.cb(|_: MouseEvent| Edit::Confirm)}>{ f.t(Key::ConfirmOrder) }</button>
            if answer.is_some() {
                <p class="saved" role="status">{ f.t(Key::OrderSaved) }</p>
            }
        </>
    }
}

fn tasks(f: &Field, draft: &Draft, max: usize) -> Html {
    let qid = f.qid;
    let rows = task_rows(draft, qid);
    let mut total = 0.0;
    for [_, volume, minutes] in &rows {
        if let (Some(v), Some(m)) = (parse_num(volume), parse_num(minutes)) {
            total += v * m / 60.0;
        }
    }
    let tenths = (total * 10.0).round() as i64;
    let mut hours = (tenths / 10).to_string();
    hours.push(if f.lang == Lang::Id { ',' } else { '.' });
    hours.push_str(&(tenths % 10).to_string());
    let number = |i: usize, field: usize, value: &str, mode: &'static str| {
        let is = i.to_string();
        let id = ids(&[qid, &is, if field == 1 { "volume" } else { "minutes" }]);
        let oninput = f.cb(move |e: InputEvent| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let value = input.value();
            let unreadable = value.is_empty() && input.validity().bad_input();
            Edit::Task(i, field, value, unreadable)
        });
        html! {
            <div>
                <label for={id.clone()}>{ f.t(if field == 1 { Key::TaskVolume } else { Key::TaskMinutes }) }</label>
                <input type="number" class="text" id={id} inputmode={mode} min="0" step="any"
                    value={value.to_owned()} {oninput} aria-invalid={f.invalid.clone()} />
            </div>
        }
    };
    let items = rows.iter().enumerate().map(|(i, row)| {
        let is = i.to_string();
        let title = ids(&[qid, &is, "title"]);
        let task_id = ids(&[qid, &is, "task"]);
        let mut heading = String::from(f.t(Key::Task));
        heading.push(' ');
        heading.push_str(&(i + 1).to_string());
        let mut remove_label = String::from(f.t(Key::TaskRemove));
        remove_label.push_str(": ");
        remove_label.push_str(&heading);
        html! {
            <div class="task-row" role="group" aria-labelledby={title.clone()}>
                <p class="row-label" id={title}>{ heading }</p>
                <label for={task_id.clone()}>{ f.t(Key::TaskName) }</label>
                <input type="text" class="text" id={task_id} maxlength="200" value={row[0].clone()}
                    oninput={f.cb(move |e: InputEvent| Edit::Task(i, 0, e.target_unchecked_into::<HtmlInputElement>().value(), false))}
                    aria-invalid={f.invalid.clone()} />
                <div class="task-nums">
                    { number(i, 1, &row[1], "numeric") }
                    { number(i, 2, &row[2], "decimal") }
                </div>
                <button type="button" class="secondary" id={ids(&[qid, &is, "remove"])} aria-label={remove_label}
                    onclick={f.cb(move |_: MouseEvent| Edit::RemoveTask(i))}>{ f.t(Key::TaskRemove) }</button>
            </div>
        }
    });
    html! {
        <div class="tasks">
            { for items }
            <button type="button" class="secondary" id={ids(&[qid, "add"])} disabled={rows.len() >= max}
                onclick={f.cb(|_: MouseEvent| Edit::AddTask)}>{ "+ " }{ f.t(Key::TaskAdd) }</button>
            <p class="total" id={ids(&[qid, "total"])} aria-live="polite">
                { f.t(Key::TaskTotal) }{ ": " }<strong>{ hours }{ " " }{ f.t(Key::HoursPerYear) }</strong>
            </p>
        </div>
    }
}
