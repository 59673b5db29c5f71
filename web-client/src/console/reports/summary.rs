//! The summary cards (respondents, k, headcount and each analysis's headline indicator) and the headline
//! figure of one group, as the breakdown rows show it.

use serap_shared::i18n::Lang;
use serap_shared::report::{GroupReport, JpmCategory, WaveReport};
use yew::prelude::*;

use super::analyses::staffing_gap;
use super::charts::{gauge, hidden, num};
use crate::console::i18n::{Key, t};
use crate::console::widgets::percent;
use crate::i18n::fill;

/// The most telling figure of a group, by survey kind.
pub(super) fn headline(lang: Lang, k: u32, g: &GroupReport) -> Html {
    if g.suppressed {
        return hidden(lang, k);
    }
    if let Some(s) = &g.skm {
        return match (s.converted, s.grade) {
            (Some(c), Some(grade)) => html! {
                <>{ format!("IKM {} · {} ({})", num(lang, c, 2), grade.letter(), grade.label().get(lang)) }</>
            },
            _ if s.elements.iter().any(|e| e.suppressed) => hidden(lang, k),
            _ => html! { "–" },
        };
    }
    if let Some(s) = &g.socialisation {
        return match s.acceptance_index {
            Some(i) => html! { <>{ t(lang, Key::Acceptance) }{ " " }{ num(lang, i, 0) }</> },
            None if s.suppressed => hidden(lang, k),
            None => html! { "–" },
        };
    }
    if let Some(c) = &g.competency {
        return match (c.jpm, c.jpm_category) {
            (Some(j), cat) => html! {
                <>{ format!("JPM {}%", num(lang, j, 1)) }
                if let Some(cat) = cat { { " · " }{ cat.label().get(lang).to_owned() } }</>
            },
            _ if c.suppressed => hidden(lang, k),
            _ => html! { "–" },
        };
    }
    if let Some(s) = &g.staffing {
        return match s.gap {
            Some(gap) => staffing_gap(lang, gap),
            None if s.suppressed => hidden(lang, k),
            None => html! { "–" },
        };
    }
    if let Some(tr) = &g.training {
        return match tr.topics.first() {
            Some(top) => html! { <>{ top.label.get(lang).to_owned() }</> },
            None if tr.suppressed => hidden(lang, k),
            None => html! { "–" },
        };
    }
    html! { "–" }
}

fn jpm_class(cat: JpmCategory) -> &'static str {
    match cat {
        JpmCategory::Optimal => "ok",
        JpmCategory::CukupOptimal => "",
        JpmCategory::KurangOptimal => "bad",
    }
}

/// Summary cards: respondents, k, headcount and the survey's headline indicator.
pub(super) fn summary(lang: Lang, r: &WaveReport) -> Html {
    let k = r.k;
    let g = &r.overall;
    let respondents = match (g.respondents, g.suppressed) {
        (_, true) => hidden(lang, k),
        (Some(n), false) => html! { { n } },
        (None, false) => html! { "0" },
    };
    let mut cards: Vec<Html> = Vec::new();
    if let Some(s) = &g.skm {
        cards.push(html! {
            <li id="headline-skm" class="headline">
                <span class="stat-label">{ t(lang, Key::Ikm) }</span>
                if let (Some(c), Some(grade)) = (s.converted, s.grade) {
                    <span class="stat-n">{ num(lang, c, 2) }</span>
                    <span class={classes!("grade", format!("grade-{}", grade.letter()))}>
                        { grade.letter() }{ " · " }{ grade.label().get(lang).to_owned() }
                    </span>
                } else if g.suppressed || s.elements.iter().any(|e| e.suppressed) {
                    { hidden(lang, k) }
                } else {
                    <span class="stat-n">{ "–" }</span>
                }
            </li>
        });
    }
    if let Some(s) = &g.socialisation {
        cards.push(html! {
            <li id="headline-acceptance" class="headline">
                <span class="stat-label">{ t(lang, Key::Acceptance) }</span>
                if let Some(i) = s.acceptance_index {
                    { gauge(lang, i) }
                    if let Some(f) = s.favourable_share {
                        <span class="small">{ t(lang, Key::Favourable) }{ ": " }{ percent(f) }</span>
                    }
                } else if s.suppressed {
                    { hidden(lang, k) }
                } else {
                    <span class="stat-n">{ "–" }</span>
                }
            </li>
        });
    }
    if let Some(c) = &g.competency {
        cards.push(html! {
            <li id="headline-jpm" class="headline">
                <span class="stat-label">{ t(lang, Key::Jpm) }</span>
                if let Some(j) = c.jpm {
                    <span class="stat-n">{ num(lang, j, 1) }{ "%" }</span>
                    if let Some(cat) = c.jpm_category {
                        <span class={jpm_class(cat)}>{ cat.label().get(lang).to_owned() }</span>
                    }
                } else if c.suppressed {
                    { hidden(lang, k) }
                } else {
                    <span class="stat-n">{ "–" }</span>
                }
            </li>
        });
    }
    if let Some(s) = &g.staffing {
        cards.push(html! {
            <li id="headline-staffing" class="headline">
                <span class="stat-label">{ t(lang, Key::Staffing) }</span>
                if let (Some(gap), Some(req)) = (s.gap, s.required_staff) {
                    <span class="stat-n">{ staffing_gap(lang, gap) }</span>
                    <span class="small">{ t(lang, Key::Required) }{ format!(" {req} · ") }{ t(lang, Key::Current) }{ format!(" {}", s.headcount) }</span>
                } else if s.suppressed {
                    { hidden(lang, k) }
                } else {
                    <span class="stat-n">{ "–" }</span>
                }
            </li>
        });
    }
    if let Some(tr) = &g.training {
        cards.push(html! {
            <li id="headline-training" class="headline">
                <span class="stat-label">{ t(lang, Key::TopTopics) }</span>
                if !tr.topics.is_empty() {
                    <ol class="top-topics">
                        { for tr.topics.iter().take(3).map(|x| html! { <li>{ x.label.get(lang).to_owned() }</li> }) }
                    </ol>
                } else if tr.suppressed {
                    { hidden(lang, k) }
                } else {
                    <span class="stat-n">{ "–" }</span>
                }
            </li>
        });
    }
    html! {
        <section class="card" aria-labelledby="summary-title">
            <h2 id="summary-title">{ t(lang, Key::Summary) }</h2>
            if let Some(u) = &r.filter.unit {
                <p class="small muted">{ fill(t(lang, Key::FiguresFor), &[&format!("{} ({})", u.name, u.code)]) }</p>
            }
            <ul class="stats">
                <li>
                    <span class="stat-n" id="report-respondents">{ respondents }</span>
                    <span class="stat-label">{ t(lang, Key::Respondents) }</span>
                </li>
                <li>
                    <span class="stat-n" id="report-k">{ k }</span>
                    <span class="stat-label">{ t(lang, Key::ThresholdK) }</span>
                </li>
                <li>
                    <span class="stat-n" id="report-headcount">{ g.headcount }</span>
                    <span class="stat-label">{ t(lang, Key::Headcount) }</span>
                </li>
            </ul>
            if !cards.is_empty() {
                <ul class="headlines">{ for cards }</ul>
            }
            <p class="small muted" id="report-release">
                { fill(t(lang, Key::ReleasedInSteps), &[&k.to_string()]) }
                if let Some(held) = r.held_back.filter(|n| *n > 0) {
                    { " " }{ fill(t(lang, Key::HeldBack), &[&held.to_string()]) }
                }
            </p>
        </section>
    }
}
