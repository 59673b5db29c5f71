//! The dashboard, for every report role (admin, manager, leader, viewer): `/console/reports` lists the
//! waves with their response rates; `/console/waves/<slug>/report` shows one wave's report as the server
//! built it for the caller's scope (`WaveReport`: the threshold is applied there, the console only draws
//! what it got), with filters, downloads and live updates by Server-Sent Events.

use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;

use serap_shared::api::{Anonymity, Me, ResponseRates, Unit, Wave};
use serap_shared::i18n::Lang;
use serap_shared::report::{GroupReport, JpmCategory, WaveReport};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::api::{self, Failure, use_get};
use super::charts::{self, bar, count, gap_colour, gauge, hidden, num};
use super::i18n::{Key, t};
use super::live::{Live, Notice};
use super::widgets::{Tree, failure, link, load_state, percent, when};
use super::{Ctx, use_ctx};
use crate::i18n::fill;

fn wave_path(slug: &str, rest: &str) -> String {
    let mut path = String::from("/api/v1/waves/");
    path.push_str(slug);
    path.push_str(rest);
    path
}

/// `?unit=..&sector=..&lang=en`, only the parts that are set.
fn query(unit: &str, sector: &str, lang: Option<Lang>) -> String {
    let mut parts = Vec::new();
    for (name, value) in [("unit", unit), ("sector", sector)] {
        if !value.is_empty() {
            parts.push(format!(
                "{name}={}",
                String::from(js_sys::encode_uri_component(value))
            ));
        }
    }
    if lang == Some(Lang::En) {
        parts.push("lang=en".into());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn open_badge(lang: Lang, open: bool) -> Html {
    html! {
        <span class={classes!("badge", open.then_some("badge-ok"))}>
            { t(lang, if open { Key::WaveOpen } else { Key::WaveClosed }) }
        </span>
    }
}

/// `/console/reports`: every wave, each linking to its report, with the invitation response rate.
#[component]
pub fn ReportList() -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let reload = use_state(|| 0u32);
    let waves = use_get::<Vec<Wave>>("/api/v1/waves".into(), *reload);
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let body = load_state(&ctx, &waves, retry).unwrap_or_else(|| {
        let Some(Ok(all)) = &*waves else {
            return Html::default();
        };
        if all.is_empty() {
            return html! { <p class="muted">{ ctx.t(Key::NoReportWaves) }</p> };
        }
        html! {
            <ul id="report-waves" class="items">
                { for all.iter().map(|w| {
                    let path = format!("/console/waves/{}/report", w.slug);
                    html! {
                        <li class="item" key={w.slug.clone()} id={format!("report-wave-{}", w.slug)}>
                            <p class="item-title">
                                { link(path, None, html! { <strong>{ w.name.clone() }</strong> }) }
                                { " " }{ open_badge(lang, w.is_open) }
                            </p>
                            <p class="small muted">{ when(&w.opens_at) }{ " – " }{ when(&w.closes_at) }</p>
                            <WaveRate slug={w.slug.clone()} />
                        </li>
                    }
                }) }
            </ul>
        }
    });
    html! {
        <>
            <h1 id="reports-title">{ ctx.t(Key::ReportsTitle) }</h1>
            <p class="lead">{ ctx.t(Key::ReportsLead) }</p>
            <section class="card" aria-labelledby="reports-title">{ body }</section>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct RateProps {
    slug: AttrValue,
}

/// A wave's invitation response rate (when it has invitations), per unit on demand.
#[component]
fn WaveRate(props: &RateProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let rates = use_get::<ResponseRates>(wave_path(&props.slug, "/response-rates"), 0);
    let Some(Ok(rates)) = &*rates else {
        return Html::default();
    };
    if rates.units.is_empty() {
        return Html::default();
    }
    let invited: u64 = rates.units.iter().map(|u| u64::from(u.invited)).sum();
    let answered: u64 = rates.units.iter().map(|u| u64::from(u.answered)).sum();
    let rate = if invited == 0 {
        0.0
    } else {
        answered as f64 / invited as f64
    };
    html! {
        <details class="rates">
            <summary>
                { t(lang, Key::InvitedRate) }{ ": " }<strong>{ percent(rate) }</strong>
                <span class="muted">{ format!(" ({answered}/{invited})") }</span>
            </summary>
            <ul class="bars">
                { for rates.units.iter().map(|u| html! {
                    <li class="bar-row">
                        <span class="bar-label">{ u.unit_name.clone() }</span>
                        { bar(u.rate) }
                        <span class="bar-value">{ format!("{}/{} · {}", u.answered, u.invited, percent(u.rate)) }</span>
                    </li>
                }) }
            </ul>
        </details>
    }
}

/// The units a signed-in account may report on (its roles' subtrees; all for admins and city-wide roles),
/// in tree order.
fn scope_units(me: &Me, tree: &Tree) -> Vec<usize> {
    let everything = me
        .roles
        .iter()
        .any(|r| r.role == "admin" || r.unit_id.is_none());
    let roots: HashSet<Uuid> = me.roles.iter().filter_map(|r| r.unit_id).collect();
    (0..tree.units.len())
        .filter(|&i| {
            everything
                || roots.contains(&tree.units[i].id)
                || tree.ancestors(i).any(|a| roots.contains(&tree.units[a].id))
        })
        .collect()
}

/// A unit's planning sector: its own, else its nearest ancestor's.
fn sector_of(tree: &Tree, i: usize) -> Option<&str> {
    std::iter::once(i)
        .chain(tree.ancestors(i))
        .find_map(|j| tree.units[j].sector.as_deref())
}

/// How the live indicator reads.
#[derive(Clone, Copy, PartialEq)]
enum LiveState {
    Connecting,
    On,
    /// New responses counted (how many more respondents show, when both counts are shown).
    New(Option<u64>),
    Off,
    Unavailable,
}

/// How long "N new responses" stays before the indicator reads "live" again.
const NOTICE_MS: i32 = 8_000;

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub slug: AttrValue,
}

/// `/console/waves/<slug>/report`.
#[component]
pub fn ReportPage(props: &ReportProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let slug = props.slug.to_string();
    let waves = use_get::<Vec<Wave>>("/api/v1/waves".into(), 0);
    let units = use_get::<Vec<Unit>>("/api/v1/units".into(), 0);
    let unit = use_state(String::new);
    let sector = use_state(String::new);
    let reload = use_state(|| 0u32);
    let counter = use_mut_ref(|| 0u32);
    let report = use_state(|| None::<Result<Rc<WaveReport>, Failure>>);
    let live = use_state(|| LiveState::Connecting);
    // The last report read: (path, reload, respondents), to tell a live refresh from a new filter.
    let last = use_mut_ref(|| None::<(String, u32, Option<u64>)>);
    let ticket = use_mut_ref(|| 0u32);
    let notice = use_mut_ref(|| 0u32);

    let bump = {
        let (counter, reload) = (counter.clone(), reload.clone());
        Rc::new(move || {
            let n = *counter.borrow() + 1;
            *counter.borrow_mut() = n;
            reload.set(n);
        })
    };

    // The report, for the filters; again on every live notice (the newest request wins).
    let path = wave_path(&slug, "/report") + &query(&unit, &sector, None);
    {
        let (ctx, report, live, last, ticket, notice) = (
            ctx.clone(),
            report.clone(),
            live.clone(),
            last.clone(),
            ticket.clone(),
            notice.clone(),
        );
        use_effect_with((path.clone(), *reload), move |(path, reload)| {
            let (path, reload) = (path.clone(), *reload);
            let mine = *ticket.borrow() + 1;
            *ticket.borrow_mut() = mine;
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::get::<WaveReport>(&path).await;
                if *ticket.borrow() != mine {
                    return;
                }
                match &result {
                    Err(f) => ctx.failed(f),
                    Ok(r) => {
                        let now = r.overall.respondents;
                        let before = last.borrow_mut().replace((path.clone(), reload, now));
                        if let Some((p, r0, then)) = before
                            && p == path
                            && r0 != reload
                        {
                            let more = match (then, now) {
                                (Some(a), Some(b)) if b > a => Some(b - a),
                                _ => None,
                            };
                            live.set(LiveState::New(more));
                            let n = *notice.borrow() + 1;
                            *notice.borrow_mut() = n;
                            let (live, notice) = (live.clone(), notice.clone());
                            let back = Closure::once_into_js(move || {
                                if *notice.borrow() == n {
                                    live.set(LiveState::On);
                                }
                            });
                            if let Some(w) = web_sys::window() {
                                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                                    back.unchecked_ref(),
                                    NOTICE_MS,
                                );
                            }
                        }
                    }
                }
                report.set(Some(result.map(Rc::new)));
            });
        });
    }

    // Live notices while the page is open; the stream closes when the page goes.
    {
        let (live, bump) = (live.clone(), bump.clone());
        use_effect_with(slug.clone(), move |slug| {
            let connected_before = std::cell::Cell::new(false);
            let stream = Live::open(&wave_path(slug, "/live"), {
                let live = live.clone();
                move |n| match n {
                    Notice::Ready => {
                        // After a reconnection: what was missed meanwhile.
                        if connected_before.replace(true) {
                            bump();
                        }
                        live.set(LiveState::On);
                    }
                    Notice::Updated => bump(),
                    Notice::Lost => live.set(LiveState::Off),
                }
            });
            if stream.is_none() {
                live.set(LiveState::Unavailable);
            }
            move || drop(stream)
        });
    }

    let tree = match &*units {
        Some(Ok(units)) => Some(Tree::new(units)),
        _ => None,
    };
    let wave = match &*waves {
        Some(Ok(all)) => all.iter().find(|w| w.slug == slug).cloned(),
        _ => None,
    };
    let title = wave.as_ref().map_or(slug.clone(), |w| w.name.clone());

    let retry = {
        let bump = bump.clone();
        Callback::from(move |_: MouseEvent| bump())
    };
    let content = match &*report {
        None => html! { <p class="status" role="status">{ ctx.t(Key::Loading) }</p> },
        Some(Err(f)) => failure(lang, f, Some(retry)),
        Some(Ok(r)) => report_view(&ctx, r),
    };
    let live_text = match *live {
        LiveState::Connecting => ctx.t(Key::LiveConnecting).to_owned(),
        LiveState::On => ctx.t(Key::LiveOn).to_owned(),
        LiveState::New(Some(n)) => fill(ctx.t(Key::LiveNew), &[&n.to_string()]),
        LiveState::New(None) => ctx.t(Key::LiveUpdated).to_owned(),
        LiveState::Off => ctx.t(Key::LiveOff).to_owned(),
        LiveState::Unavailable => ctx.t(Key::LiveUnavailable).to_owned(),
    };
    let live_class = match *live {
        LiveState::On => "live live-on",
        LiveState::New(_) => "live live-new",
        LiveState::Off | LiveState::Unavailable => "live live-off",
        LiveState::Connecting => "live",
    };

    html! {
        <>
            <p class="small">{ link("/console/reports", None, html! { ctx.t(Key::AllReports) }) }</p>
            <h1 id="report-title">{ fill(ctx.t(Key::ReportTitle), &[&title]) }</h1>
            <p id="report-live" class={live_class} role="status" aria-live="polite">
                <span class="live-dot" aria-hidden="true"></span>{ live_text }
            </p>
            { filters(&ctx, tree.as_deref(), &unit, &sector) }
            { downloads(&ctx, &slug, &unit, &sector, wave.as_ref()) }
            { content }
        </>
    }
}

/// The unit and sector selects.
fn filters(
    ctx: &Ctx,
    tree: Option<&Tree>,
    unit: &UseStateHandle<String>,
    sector: &UseStateHandle<String>,
) -> Html {
    let (Some(me), Some(tree)) = (ctx.me.as_deref(), tree) else {
        return Html::default();
    };
    let mine = scope_units(me, tree);
    let top = mine.iter().map(|&i| tree.depth[i]).min().unwrap_or(0);
    let sectors: BTreeSet<&str> = mine.iter().filter_map(|&i| sector_of(tree, i)).collect();
    let on_unit = {
        let unit = unit.clone();
        Callback::from(move |e: Event| {
            unit.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_sector = {
        let sector = sector.clone();
        Callback::from(move |e: Event| {
            sector.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <section class="card" aria-labelledby="filters-title">
            <h2 id="filters-title" class="sr-only">{ ctx.t(Key::Filters) }</h2>
            <div class="two">
                <div>
                    <label for="report-unit-filter" class="field-label">{ ctx.t(Key::FilterUnit) }</label>
                    <select id="report-unit-filter" class="text" onchange={on_unit}>
                        <option value="" selected={unit.is_empty()}>{ ctx.t(Key::AllScopeUnits) }</option>
                        { for mine.iter().map(|&i| {
                            let u = &tree.units[i];
                            let mut label = "— ".repeat(tree.depth[i] - top);
                            label.push_str(&u.name);
                            label.push_str(" (");
                            label.push_str(&u.code);
                            label.push(')');
                            html! { <option value={u.code.clone()} selected={**unit == u.code}>{ label }</option> }
                        }) }
                    </select>
                </div>
                <div>
                    <label for="report-sector-filter" class="field-label">{ ctx.t(Key::FilterSector) }</label>
                    <select id="report-sector-filter" class="text" onchange={on_sector}>
                        <option value="" selected={sector.is_empty()}>{ ctx.t(Key::AllSectors) }</option>
                        { for sectors.iter().map(|s| html! {
                            <option value={s.to_string()} selected={**sector == *s}>{ s.to_string() }</option>
                        }) }
                    </select>
                </div>
            </div>
        </section>
    }
}

/// Plain links to the exports, with the current filters.
fn downloads(ctx: &Ctx, slug: &str, unit: &str, sector: &str, wave: Option<&Wave>) -> Html {
    let q = query(unit, sector, Some(ctx.lang));
    let raw = ctx.is_admin() && wave.is_some_and(|w| w.anonymity == Anonymity::Identified);
    html! {
        <nav class="downloads" aria-labelledby="downloads-title">
            <h2 id="downloads-title" class="sr-only">{ ctx.t(Key::Downloads) }</h2>
            <a id="report-export-csv" class="button secondary" href={wave_path(slug, "/report.csv") + &q} download="">
                { ctx.t(Key::ExportCsv) }
            </a>
            <a id="report-export-xlsx" class="button secondary" href={wave_path(slug, "/report.xlsx") + &q} download="">
                { ctx.t(Key::ExportXlsx) }
            </a>
            if raw {
                <a id="report-export-raw" class="button secondary" href={wave_path(slug, "/responses.csv")} download="">
                    { ctx.t(Key::ExportRaw) }
                </a>
            }
        </nav>
    }
}

/// The most telling figure of a group, by survey kind.
fn headline(lang: Lang, k: u32, g: &GroupReport) -> Html {
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

fn staffing_gap(lang: Lang, gap: i64) -> Html {
    let text = match gap {
        0 => t(lang, Key::Balanced).to_owned(),
        g if g > 0 => fill(t(lang, Key::Shortage), &[&g.to_string()]),
        g => fill(t(lang, Key::Surplus), &[&(-g).to_string()]),
    };
    html! { <span class={classes!((gap > 0).then_some("bad"))}>{ text }</span> }
}

fn jpm_class(cat: JpmCategory) -> &'static str {
    match cat {
        JpmCategory::Optimal => "ok",
        JpmCategory::CukupOptimal => "",
        JpmCategory::KurangOptimal => "bad",
    }
}

/// Summary cards: respondents, k, headcount and the survey's headline indicator.
fn summary(lang: Lang, r: &WaveReport) -> Html {
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

/// The whole report below the filters.
fn report_view(ctx: &Ctx, r: &WaveReport) -> Html {
    let lang = ctx.lang;
    let k = r.k;
    let g = &r.overall;
    html! {
        <>
            { summary(lang, r) }
            <section class="card" aria-labelledby="questions-title">
                <h2 id="questions-title">{ t(lang, Key::ByQuestion) }</h2>
                { for r.questions.iter().map(|q| charts::question(lang, k, q, g.suppressed)) }
            </section>
            // A group below k: its analyses would only read 0 or "–"; say they are hidden instead.
            if g.suppressed {
                <section class="card" id="report-hidden"><p>{ hidden(lang, k) }</p></section>
            } else {
                { skm_view(lang, r) }
                { socialisation_view(lang, k, g) }
                { competency_view(lang, r) }
                { staffing_view(lang, r) }
                { training_view(lang, k, g) }
            }
            { breakdown_view(lang, r) }
            if !g.suppressed {
                { changes_view(lang, r) }
            }
            { comments_view(lang, r) }
        </>
    }
}

fn table(id: &str, caption: &str, head: Html, body: Html) -> Html {
    html! {
        <div class="table-wrap report-table" tabindex="0" role="region" aria-label={caption.to_owned()}>
            <table id={id.to_owned()}>
                <caption>{ caption.to_owned() }</caption>
                <thead>{ head }</thead>
                <tbody>{ body }</tbody>
            </table>
        </div>
    }
}

fn opt(lang: Lang, x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "–".to_owned(), |x| num(lang, x, decimals))
}

fn skm_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(s) = &r.overall.skm else {
        return Html::default();
    };
    let k = r.k;
    let sample = fill(
        t(lang, Key::MinSample),
        &[&s.population.to_string(), &s.min_sample.to_string()],
    );
    let sufficient = s.sample_sufficient.map(|ok| {
        html! {
            <span class={if ok { "ok" } else { "bad" }}>
                { " — " }{ t(lang, if ok { Key::SampleOk } else { Key::SampleShort }) }
            </span>
        }
    });
    let by_unit: Vec<_> = r
        .breakdown
        .iter()
        .filter(|row| row.group.skm.is_some())
        .collect();
    html! {
        <section class="card" aria-labelledby="skm-title" id="report-skm">
            <h2 id="skm-title">{ t(lang, Key::SkmTitle) }</h2>
            <p class="small">{ sample }{ sufficient }</p>
            { table("skm-elements", t(lang, Key::SkmElements),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Element) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Nrr) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Weighted) }</th>
                </tr> },
                html! { <>{ for s.elements.iter().map(|e| html! {
                    <tr key={e.id.clone()}>
                        // `U1 Persyaratan: <the question>` -> `U1 Persyaratan`.
                        <th scope="row" title={e.label.get(lang).to_owned()}>
                            { e.label.get(lang).split(':').next().unwrap_or_default().to_owned() }
                        </th>
                        if e.suppressed {
                            <td colspan="2">{ hidden(lang, k) }</td>
                        } else {
                            <td class="num">
                                { bar(e.nrr.unwrap_or(0.0) / 4.0) }{ " " }{ opt(lang, e.nrr, 2) }
                            </td>
                            <td class="num">{ opt(lang, e.weighted, 3) }</td>
                        }
                    </tr>
                }) }</> }) }
            if !by_unit.is_empty() {
                { table("skm-units", t(lang, Key::IkmByUnit),
                    html! { <tr>
                        <th scope="col">{ t(lang, Key::Unit) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Respondents) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Ikm) }</th>
                        <th scope="col">{ t(lang, Key::Grade) }</th>
                    </tr> },
                    html! { <>{ for by_unit.iter().map(|row| {
                        let skm = row.group.skm.as_ref();
                        let grade = skm.and_then(|s| s.grade);
                        html! {
                            <tr key={row.unit.code.clone()}>
                                <th scope="row">{ unit_name(lang, &row.unit.name, row.own_only) }</th>
                                <td class="num">{ count(lang, k, row.group.respondents, row.group.suppressed) }</td>
                                if row.group.suppressed {
                                    <td colspan="2">{ hidden(lang, k) }</td>
                                } else {
                                    <td class="num">{ opt(lang, skm.and_then(|s| s.converted), 2) }</td>
                                    <td>{ grade.map(|g| format!("{} · {}", g.letter(), g.label().get(lang))).unwrap_or_else(|| "–".into()) }</td>
                                }
                            </tr>
                        }
                    }) }</> }) }
            }
        </section>
    }
}

fn unit_name(lang: Lang, name: &str, own_only: bool) -> Html {
    html! {
        <>
            { name.to_owned() }
            if own_only {
                <span class="muted small">{ " (" }{ t(lang, Key::OwnOnly) }{ ")" }</span>
            }
        </>
    }
}

fn socialisation_view(lang: Lang, k: u32, g: &GroupReport) -> Html {
    let Some(s) = &g.socialisation else {
        return Html::default();
    };
    html! {
        <section class="card" aria-labelledby="acceptance-title" id="report-acceptance">
            <h2 id="acceptance-title">{ t(lang, Key::AcceptanceItems) }</h2>
            { table("acceptance-items", t(lang, Key::AcceptanceItems),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Item) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Index) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Favourable) }</th>
                </tr> },
                html! { <>{ for s.items.iter().map(|i| html! {
                    <tr key={i.id.clone()}>
                        <th scope="row">{ i.label.get(lang).to_owned() }</th>
                        if i.suppressed {
                            <td colspan="2">{ hidden(lang, k) }</td>
                        } else {
                            <td class="num">{ bar(i.index.unwrap_or(0.0) / 100.0) }{ " " }{ opt(lang, i.index, 0) }</td>
                            <td class="num">{ i.favourable_share.map(percent).unwrap_or_else(|| "–".into()) }</td>
                        }
                    </tr>
                }) }</> }) }
            <h3>{ t(lang, Key::Concerns) }</h3>
            if s.concerns_suppressed {
                <p>{ hidden(lang, k) }</p>
            } else if s.concerns.is_empty() {
                <p class="muted small">{ t(lang, Key::NoAnswersYet) }</p>
            } else {
                <ul class="bars">
                    { for s.concerns.iter().map(|c| html! {
                        <li class="bar-row">
                            <span class="bar-label">{ c.label.get(lang).to_owned() }</span>
                            { bar(c.share) }
                            <span class="bar-value">{ format!("{} · {}", c.count, percent(c.share)) }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

fn competency_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(c) = &r.overall.competency else {
        return Html::default();
    };
    let k = r.k;
    let assessed = match (c.assessed, c.suppressed) {
        (_, true) => hidden(lang, k),
        (Some(n), false) => html! { fill(t(lang, Key::Assessed), &[&n.to_string()]) },
        _ => Html::default(),
    };
    let heatmap = r.heatmap.as_ref().map(|h| {
        table(
            "competency-heatmap",
            t(lang, Key::Heatmap),
            html! { <tr>
                <th scope="col">{ t(lang, Key::Unit) }</th>
                { for h.columns.iter().map(|col| html! {
                    <th scope="col" class="num" title={col.label.get(lang).to_owned()}>
                        <abbr title={col.label.get(lang).to_owned()}>{ col.code.clone() }</abbr>
                    </th>
                }) }
            </tr> },
            html! { <>{ for h.rows.iter().map(|row| html! {
                <tr key={row.unit.code.clone()}>
                    <th scope="row">{ unit_name(lang, &row.unit.name, row.own_only) }</th>
                    if row.suppressed {
                        <td colspan={h.columns.len().to_string()}>{ hidden(lang, k) }</td>
                    } else {
                        { for row.cells.iter().map(|cell| match cell {
                            Some(g) => html! { <td class="num heat" style={gap_colour(*g)}>{ num(lang, *g, 2) }</td> },
                            None => html! { <td class="num muted">{ "–" }</td> },
                        }) }
                    }
                </tr>
            }) }</> },
        )
    });
    html! {
        <section class="card" aria-labelledby="competency-title" id="report-competency">
            <h2 id="competency-title">{ t(lang, Key::Jpm) }</h2>
            <p class="small">{ assessed }</p>
            if !c.categories.is_empty() {
                <ul class="bars">
                    { for c.categories.iter().map(|cat| html! {
                        <li class="bar-row">
                            <span class="bar-label">{ cat.category.label().get(lang).to_owned() }</span>
                            { bar(cat.share) }
                            <span class="bar-value">{ format!("{} · {}", cat.count, percent(cat.share)) }</span>
                        </li>
                    }) }
                </ul>
            }
            { table("competency-table", t(lang, Key::Competency),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Competency) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Mean) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Required) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Gap) }</th>
                </tr> },
                html! { <>{ for c.competencies.iter().map(|s| html! {
                    <tr key={s.question_id.clone()}>
                        <th scope="row">{ s.label.get(lang).to_owned() }</th>
                        if s.suppressed {
                            <td colspan="3">{ hidden(lang, k) }</td>
                        } else {
                            <td class="num">{ opt(lang, s.mean_level, 2) }</td>
                            if s.standard_suppressed {
                                <td colspan="2">{ hidden(lang, k) }</td>
                            } else {
                                <td class="num">{ opt(lang, s.mean_required, 2) }</td>
                                <td class="num heat" style={s.gap.map(gap_colour).unwrap_or_default()}>{ opt(lang, s.gap, 2) }</td>
                            }
                        }
                    </tr>
                }) }</> }) }
            if let Some(h) = heatmap {
                <h3>{ t(lang, Key::Heatmap) }</h3>
                <p class="help small">{ t(lang, Key::HeatmapHelp) }</p>
                { h }
            }
        </section>
    }
}

fn staffing_row(lang: Lang, k: u32, name: Html, g: &GroupReport) -> Html {
    let Some(s) = &g.staffing else {
        return Html::default();
    };
    html! {
        <tr>
            <th scope="row">{ name }</th>
            if s.suppressed || g.suppressed {
                <td colspan="3">{ hidden(lang, k) }</td>
            } else {
                <td class="num">{ s.required_staff.map_or_else(|| "–".to_owned(), |n| n.to_string()) }</td>
                <td class="num">{ s.headcount }</td>
                <td class="num">{ s.gap.map_or_else(|| html! { "–" }, |gap| staffing_gap(lang, gap)) }</td>
            }
        </tr>
    }
}

fn staffing_view(lang: Lang, r: &WaveReport) -> Html {
    if r.overall.staffing.is_none() {
        return Html::default();
    }
    let k = r.k;
    let head = || {
        html! { <tr>
            <th scope="col">{ t(lang, Key::Unit) }</th>
            <th scope="col" class="num">{ t(lang, Key::Required) }</th>
            <th scope="col" class="num">{ t(lang, Key::Current) }</th>
            <th scope="col" class="num">{ t(lang, Key::Gap) }</th>
        </tr> }
    };
    html! {
        <section class="card" aria-labelledby="staffing-title" id="report-staffing">
            <h2 id="staffing-title">{ t(lang, Key::Staffing) }</h2>
            { table("staffing-sectors", t(lang, Key::StaffingBySector), head(),
                html! { <>{ for r.sectors.iter().map(|s| {
                    let name = html! { { s.sector.clone().unwrap_or_else(|| t(lang, Key::NoSector).to_owned()) } };
                    staffing_row(lang, k, name, &s.group)
                }) }</> }) }
            { table("staffing-units", t(lang, Key::StaffingByUnit), head(),
                html! { <>{ for r.breakdown.iter().map(|row| {
                    staffing_row(lang, k, unit_name(lang, &row.unit.name, row.own_only), &row.group)
                }) }</> }) }
        </section>
    }
}

fn training_view(lang: Lang, k: u32, g: &GroupReport) -> Html {
    let Some(tr) = &g.training else {
        return Html::default();
    };
    let top = tr.topics.first().map_or(1.0, |x| x.score.max(1.0));
    let jp = match (tr.jp_suppressed, tr.jp_mean, tr.below_20_share) {
        (true, _, _) => Some(hidden(lang, k)),
        (false, Some(m), share) => Some(html! {
            { fill(t(lang, Key::JpMean), &[&num(lang, m, 1), &share.map(percent).unwrap_or_else(|| "–".into())]) }
        }),
        _ => None,
    };
    html! {
        <section class="card" aria-labelledby="training-title" id="report-training">
            <h2 id="training-title">{ t(lang, Key::Training) }</h2>
            if let Some(jp) = jp {
                <p class="small">{ jp }</p>
            }
            if tr.suppressed {
                <p>{ hidden(lang, k) }</p>
            } else if tr.topics.is_empty() {
                <p class="muted small">{ t(lang, Key::NoAnswersYet) }</p>
            } else {
                { table("training-topics", t(lang, Key::Training),
                    html! { <tr>
                        <th scope="col" class="num">{ "#" }</th>
                        <th scope="col">{ t(lang, Key::Topic) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Chosen) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Priority) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Score) }</th>
                    </tr> },
                    html! { <>{ for tr.topics.iter().enumerate().map(|(i, x)| html! {
                        <tr key={x.id.clone()}>
                            <td class="num">{ i + 1 }</td>
                            <th scope="row">{ x.label.get(lang).to_owned() }</th>
                            <td class="num">{ format!("{} · {}", x.chosen, percent(x.chosen_share)) }</td>
                            <td class="num">{ x.priority.map_or_else(|| "–".to_owned(), |p| p.to_string()) }</td>
                            <td class="num">{ bar(x.score / top) }{ " " }{ num(lang, x.score, 0) }</td>
                        </tr>
                    }) }</> }) }
            }
        </section>
    }
}

fn breakdown_view(lang: Lang, r: &WaveReport) -> Html {
    let k = r.k;
    let head = |first: Key| {
        html! { <tr>
            <th scope="col">{ t(lang, first) }</th>
            <th scope="col" class="num">{ t(lang, Key::Respondents) }</th>
            <th scope="col" class="num">{ t(lang, Key::Headcount) }</th>
            <th scope="col">{ t(lang, Key::Headline) }</th>
        </tr> }
    };
    html! {
        <section class="card" aria-labelledby="breakdown-title" id="report-breakdown">
            <h2 id="breakdown-title">{ t(lang, Key::Breakdown) }</h2>
            { table("breakdown-units", t(lang, Key::ByUnit), head(Key::Unit),
                html! { <>{ for r.breakdown.iter().map(|row| html! {
                    <tr key={row.unit.code.clone()}>
                        <th scope="row">{ unit_name(lang, &row.unit.name, row.own_only) }</th>
                        <td class="num">{ count(lang, k, row.group.respondents, row.group.suppressed) }</td>
                        <td class="num">{ row.group.headcount }</td>
                        <td>{ headline(lang, k, &row.group) }</td>
                    </tr>
                }) }</> }) }
            { table("breakdown-sectors", t(lang, Key::BySector), head(Key::Sector),
                html! { <>{ for r.sectors.iter().map(|s| html! {
                    <tr>
                        <th scope="row">{ s.sector.clone().unwrap_or_else(|| t(lang, Key::NoSector).to_owned()) }</th>
                        <td class="num">{ count(lang, k, s.group.respondents, s.group.suppressed) }</td>
                        <td class="num">{ s.group.headcount }</td>
                        <td>{ headline(lang, k, &s.group) }</td>
                    </tr>
                }) }</> }) }
        </section>
    }
}

fn changes_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(changes) = r.changes.as_ref().filter(|c| !c.is_empty()) else {
        return Html::default();
    };
    html! {
        <section class="card" aria-labelledby="changes-title" id="report-changes">
            <h2 id="changes-title">{ t(lang, Key::Changes) }</h2>
            { table("changes-table", t(lang, Key::Changes),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Indicator) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Previous) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Current) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Change) }</th>
                </tr> },
                html! { <>{ for changes.iter().map(|c| {
                    let (arrow, class) = match c.change {
                        Some(d) if d > 0.0 => ("▲ +", "ok"),
                        Some(d) if d < 0.0 => ("▼ ", "bad"),
                        _ => ("", ""),
                    };
                    html! {
                        <tr key={c.indicator.clone()}>
                            <th scope="row">{ c.label.get(lang).to_owned() }</th>
                            <td class="num">{ opt(lang, c.previous, 2) }</td>
                            <td class="num">{ opt(lang, c.current, 2) }</td>
                            <td class={classes!("num", (!class.is_empty()).then_some(class))}>
                                { c.change.map_or_else(|| "–".to_owned(), |d| format!("{arrow}{}", num(lang, d, 2))) }
                            </td>
                        </tr>
                    }
                }) }</> }) }
        </section>
    }
}

fn comments_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(c) = &r.comments else {
        return Html::default();
    };
    let body = if !c.shown {
        html! {
            <p id="comments-hidden" class="suppressed">
                { fill(t(lang, Key::CommentsHidden), &[&c.threshold.to_string()]) }
            </p>
        }
    } else if c.items.is_empty() {
        html! { <p class="muted">{ t(lang, Key::NoComments) }</p> }
    } else {
        // The server's order: a keyed hash, unrelated to arrival.
        let items: Vec<_> = c.items.iter().collect();
        html! {
            <>
                <p class="small muted">{ fill(t(lang, Key::CommentsTotal), &[&c.total.to_string()]) }</p>
                if !c.keywords.is_empty() {
                    <h3>{ t(lang, Key::Keywords) }</h3>
                    <ul class="keywords" id="comment-keywords">
                        { for c.keywords.iter().map(|kw| html! {
                            <li>{ kw.word.clone() }<span class="muted">{ format!(" {}", kw.count) }</span></li>
                        }) }
                    </ul>
                }
                <ul class="comments" id="comment-list">
                    { for items.iter().map(|i| html! {
                        <li>
                            <p>{ i.text.clone() }</p>
                        </li>
                    }) }
                </ul>
            </>
        }
    };
    html! {
        <section class="card" aria-labelledby="comments-title" id="report-comments">
            <h2 id="comments-title">{ t(lang, Key::Comments) }</h2>
            { body }
        </section>
    }
}
