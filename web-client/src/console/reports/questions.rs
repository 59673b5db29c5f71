//! One chart per question (`report::questions`), by kind: option bars, stacked distributions, matrix rows,
//! NPS, numbers and workload totals. Hidden figures show the `suppressed` marker.

use serap_shared::i18n::Lang;
use serap_shared::report::{MatrixRowStat, OptionStat, QuestionReport};
use yew::prelude::*;

use super::charts::{bar, hidden, num};
use crate::console::i18n::{Key, t};
use crate::console::widgets::percent;
use crate::i18n::fill;

/// The colour of point `p` (1-based) of an `n`-point scale: red (low) to green (high).
fn scale_colour(p: usize, n: usize) -> String {
    let hue = if n <= 1 {
        130.0
    } else {
        (p - 1) as f64 / (n - 1) as f64 * 130.0
    };
    format!("background:hsl({hue:.0},55%,42%)")
}

/// One row per option: label, bar, count and share.
fn option_bars(lang: Lang, options: &[OptionStat], ranking: bool) -> Html {
    html! {
        <ul class="bars">
            { for options.iter().map(|o| {
                let mut value = o.count.to_string();
                value.push_str(" · ");
                value.push_str(&percent(o.share));
                html! {
                    <li class="bar-row">
                        <span class="bar-label">
                            { o.label.get(lang).to_owned() }
                            if ranking {
                                if let Some(p) = o.mean_position {
                                    <span class="muted small">
                                        { " (" }{ fill(t(lang, Key::MeanPosition), &[&num(lang, p, 1)]) }{ ")" }
                                    </span>
                                }
                            }
                        </span>
                        { bar(o.share) }
                        <span class="bar-value">{ value }</span>
                    </li>
                }
            }) }
        </ul>
    }
}

/// A distribution as one stacked bar (lowest point left) with its legend.
fn stacked(lang: Lang, options: &[OptionStat]) -> Html {
    let n = options.len();
    html! {
        <>
            <div class="stack-bar" aria-hidden="true">
                { for options.iter().enumerate().filter(|(_, o)| o.share > 0.0).map(|(i, o)| html! {
                    <span style={format!("width:{:.2}%;{}", o.share * 100.0, scale_colour(i + 1, n))}
                        title={o.label.get(lang).to_owned()}></span>
                }) }
            </div>
            <ul class="legend">
                { for options.iter().enumerate().map(|(i, o)| html! {
                    <li>
                        <span class="swatch" aria-hidden="true" style={scale_colour(i + 1, n)}></span>
                        { o.label.get(lang).to_owned() }{ ": " }
                        <strong>{ percent(o.share) }</strong>
                        <span class="muted">{ " (" }{ o.count }{ ")" }</span>
                    </li>
                }) }
            </ul>
        </>
    }
}

fn facts(items: Vec<(String, String)>) -> Html {
    html! {
        <p class="chart-facts">
            { for items.into_iter().map(|(label, value)| html! {
                <span>{ label }{ ": " }<strong>{ value }</strong></span>
            }) }
        </p>
    }
}

fn matrix_row(lang: Lang, k: u32, row: &MatrixRowStat) -> Html {
    let mut shown = Vec::new();
    if let Some(m) = row.mean {
        shown.push((t(lang, Key::Mean).to_owned(), num(lang, m, 2)));
    }
    if let Some(s) = row.top2_share {
        shown.push((t(lang, Key::Top2).to_owned(), percent(s)));
    }
    html! {
        <div class="matrix-row">
            <p class="bar-label">{ row.label.get(lang).to_owned() }</p>
            if row.suppressed {
                { hidden(lang, k) }
            } else if row.options.is_empty() {
                <p class="muted small">{ t(lang, Key::NoAnswersYet) }</p>
            } else {
                { stacked(lang, &row.options) }
                { facts(shown) }
            }
        </div>
    }
}

/// The chart of one question (`#chart-<question id>`). `group_hidden`: the whole group is below k, so a
/// count of 0 means "hidden", not "nobody answered".
pub fn question(lang: Lang, k: u32, q: &QuestionReport, group_hidden: bool) -> Html {
    let id = format!("chart-{}", q.id);
    let title = format!("chart-{}-title", q.id);
    let answered = q.answered.unwrap_or(0);
    let text_kind = matches!(q.kind.as_str(), "short_text" | "long_text" | "date");
    let body = if q.suppressed || (group_hidden && answered == 0) {
        html! { <p>{ hidden(lang, k) }</p> }
    } else if answered == 0 {
        html! { <p class="muted small">{ t(lang, Key::NoAnswersYet) }</p> }
    } else {
        let mean = q
            .mean
            .map(|m| (t(lang, Key::Mean).to_owned(), num(lang, m, 2)));
        match q.kind.as_str() {
            "single_choice" | "multiple_choice" | "job_level" => {
                option_bars(lang, &q.options, false)
            }
            "ranking" => option_bars(lang, &q.options, true),
            "likert" => {
                let mut shown: Vec<(String, String)> = mean.into_iter().collect();
                if let Some(s) = q.top2_share {
                    shown.push((t(lang, Key::Top2).to_owned(), percent(s)));
                }
                html! { <>{ stacked(lang, &q.options) }{ facts(shown) }</> }
            }
            "rating" | "competency" => html! {
                <>{ facts(mean.into_iter().collect()) }{ option_bars(lang, &q.options, false) }</>
            },
            "nps" => nps(lang, q),
            "likert_matrix" => html! {
                <>{ for q.rows.iter().map(|r| matrix_row(lang, k, r)) }</>
            },
            "number" => {
                let mut shown: Vec<(String, String)> = mean.into_iter().collect();
                if let Some(sd) = q.sd {
                    shown.push((t(lang, Key::Sd).to_owned(), num(lang, sd, 2)));
                }
                facts(shown)
            }
            "workload_tasks" => {
                let mut shown = Vec::new();
                if let Some(m) = q.total_minutes {
                    shown.push((t(lang, Key::TotalMinutes).to_owned(), num(lang, m, 0)));
                }
                if let Some(n) = q.tasks {
                    shown.push((t(lang, Key::Tasks).to_owned(), n.to_string()));
                }
                facts(shown)
            }
            _ if text_kind => html! { <p class="muted small">{ t(lang, Key::TextOnly) }</p> },
            _ => option_bars(lang, &q.options, false),
        }
    };
    let answered_text = match q.answered {
        Some(n) if !q.suppressed && (!group_hidden || n != 0) => {
            fill(t(lang, Key::AnsweredN), &[&n.to_string()])
        }
        _ => String::new(),
    };
    html! {
        <figure {id} class="chart" aria-labelledby={title.clone()}>
            <figcaption id={title}>
                <span class="chart-title">{ q.text.get(lang).to_owned() }</span>
                if !answered_text.is_empty() {
                    <span class="muted small">{ " · " }{ answered_text }</span>
                }
            </figcaption>
            { body }
        </figure>
    }
}

/// NPS: the score, and detractors / passives / promoters as one stacked bar.
fn nps(lang: Lang, q: &QuestionReport) -> Html {
    let Some(n) = &q.nps else {
        return option_bars(lang, &q.options, false);
    };
    let total = (n.promoters + n.passives + n.detractors).max(1) as f64;
    let parts = [
        (Key::Detractors, n.detractors, "background:hsl(0,55%,42%)"),
        (Key::Passives, n.passives, "background:#9aa4ae"),
        (Key::Promoters, n.promoters, "background:hsl(130,55%,32%)"),
    ];
    html! {
        <>
            <p class="big-figure">{ "NPS " }<strong>{ num(lang, n.score, 0) }</strong></p>
            <div class="stack-bar" aria-hidden="true">
                { for parts.iter().filter(|p| p.1 > 0).map(|(_, c, style)| html! {
                    <span style={format!("width:{:.2}%;{style}", *c as f64 / total * 100.0)}></span>
                }) }
            </div>
            <ul class="legend">
                { for parts.iter().map(|(key, c, style)| html! {
                    <li>
                        <span class="swatch" aria-hidden="true" style={*style}></span>
                        { t(lang, *key) }{ ": " }<strong>{ *c }</strong>
                    </li>
                }) }
            </ul>
        </>
    }
}
