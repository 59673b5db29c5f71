//! `/console/waves/<slug>/report`: one wave's report, fetched for the chosen filters and again on every
//! live notice (the newest request wins), and the order of its parts on the page.

use std::rc::Rc;

use serap_shared::api::{Unit, Wave};
use serap_shared::report::WaveReport;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use super::analyses::{
    competency_view, skm_view, socialisation_view, staffing_view, training_view,
};
use super::breakdown::breakdown_view;
use super::changes::changes_view;
use super::charts::hidden;
use super::comments::comments_view;
use super::export::downloads;
use super::filters::{filters, query};
use super::questions;
use super::summary::summary;
use crate::console::api::{self, Failure, use_get};
use crate::console::i18n::{Key, t};
use crate::console::live::{Live, Notice};
use crate::console::widgets::{Tree, failure, link, wave_path};
use crate::console::{Ctx, use_ctx};
use crate::i18n::fill;

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
                { for r.questions.iter().map(|q| questions::question(lang, k, q, g.suppressed)) }
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
