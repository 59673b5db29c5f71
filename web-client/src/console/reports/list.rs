//! `/console/reports`: the waves to report on, each with its invitation response rate.

use serap_shared::api::{ResponseRates, Wave};
use yew::prelude::*;

use super::charts::bar;
use crate::console::api::use_get;
use crate::console::i18n::{Key, t};
use crate::console::use_ctx;
use crate::console::widgets::{link, load_state, open_badge, percent, wave_path, when};

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
