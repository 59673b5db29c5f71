//! Every question kind on a phone screen: one fieldset per question, its inputs reporting each change as an
//! `Edit` (applied in `edits`).

use serap_shared::i18n::{Lang, Text};
use serap_shared::survey::{Answer, ChoiceOption, JobLevel, Question, QuestionKind};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::edits::{Edit, parse_num, rank_order, task_rows};
use crate::i18n::{Key, t};
use crate::services::json::num_text;
use crate::services::store::Draft;

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
