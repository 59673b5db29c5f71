//! `/console/waves/<slug>`: one wave's header (its link, and the open link while it has invitations), the
//! invitations' summary, the audience and reminder forms, the response rates and the invitation list.

use std::rc::Rc;

use serap_shared::api::{InvitationList, PersonSummary, ResponseRates, Unit, Wave};
use yew::prelude::*;

use super::anonymity_label;
use super::audience::Audience;
use super::invitations::{DELIVERIES, InvitationTable, delivery_label, state_label, states_of};
use super::reminders::Reminders;
use crate::console::api::{self, Ignored, Load, use_get};
use crate::console::i18n::{Key, t};
use crate::console::use_ctx;
use crate::console::widgets::{Tree, link, load_state, open_badge, percent, wave_path, when};
use crate::i18n::fill;

#[derive(Properties, PartialEq)]
pub struct WaveProps {
    pub slug: AttrValue,
}

#[component]
pub fn WaveDetail(props: &WaveProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let slug = props.slug.to_string();
    let reload = use_state(|| 0u32);
    let waves = use_get::<Vec<Wave>>("/api/v1/waves".into(), *reload);
    let invitations = use_get::<InvitationList>(wave_path(&slug, "/invitations"), *reload);
    let rates = use_get::<ResponseRates>(wave_path(&slug, "/response-rates"), *reload);
    let units = use_get::<Vec<Unit>>("/api/v1/units".into(), 0);
    let people = use_get::<Vec<PersonSummary>>("/api/v1/people".into(), 0);
    let tree = use_memo(
        units.as_ref().and_then(|u| u.as_ref().ok()).cloned(),
        |units| Tree::new(units.as_deref().map(Vec::as_slice).unwrap_or_default()),
    );
    let tree: Rc<Tree> = (*tree).clone();
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let retry = {
        let refresh = refresh.clone();
        Callback::from(move |_: MouseEvent| refresh.emit(()))
    };

    let wave = match &*waves {
        Some(Ok(all)) => all.iter().find(|w| w.slug == slug).cloned(),
        _ => None,
    };
    let anonymous = wave
        .as_ref()
        .is_some_and(|w| w.anonymity == serap_shared::api::Anonymity::Anonymous);
    let invited = matches!(&*invitations, Some(Ok(list)) if !list.invitations.is_empty());
    let header = match (&*waves, &wave) {
        (None, _) => html! { <h1 id="wave-title">{ slug.clone() }</h1> },
        (Some(_), None) => html! {
            <>
                <h1 id="wave-title">{ slug.clone() }</h1>
                <p class="error" role="alert">{ ctx.t(Key::WaveNotFound) }</p>
            </>
        },
        (Some(_), Some(w)) => html! {
            <>
                <h1 id="wave-title">{ w.name.clone() }</h1>
                <p class="lead">
                    { open_badge(lang, w.is_open) }{ " " }{ anonymity_label(lang, w) }{ " · " }
                    <a href={w.link.clone()}>{ w.link.clone() }</a>
                </p>
                <p class="small muted">{ when(&w.opens_at) }{ " – " }{ when(&w.closes_at) }</p>
                if w.open_link_with_audience {
                    <p id="open-link-warning" class="error" role="alert">{ ctx.t(Key::OpenLinkWarning) }</p>
                } else if invited {
                    <p id="open-link-closed" class="small">{ ctx.t(Key::OpenLinkClosed) }</p>
                }
                if w.open_link_with_audience || invited {
                    <p>
                        <button type="button" id="open-link-toggle" class="secondary"
                            onclick={toggle_open_link(&ctx, &slug, !w.open_link_with_audience, refresh.clone())}>
                            { ctx.t(if w.open_link_with_audience { Key::CloseOpenLink } else { Key::AllowOpenLink }) }
                        </button>
                    </p>
                }
                if anonymous {
                    <p id="anonymous-notice" class="small">{ ctx.t(Key::AnonymousInvitationsNotice) }</p>
                }
                <p id="wave-report-link">
                    { link(format!("/console/waves/{}/report", w.slug), None, html! { ctx.t(Key::ViewReport) }) }
                </p>
            </>
        },
    };

    // The invitations: a summary by state and delivery, reminders, and the list.
    let summary = load_state(&ctx, &invitations, retry.clone()).unwrap_or_else(|| {
        let Some(Ok(list)) = &*invitations else {
            return Html::default();
        };
        let count = |f: &dyn Fn(&serap_shared::api::InvitationStatus) -> bool| {
            list.invitations.iter().filter(|i| f(i)).count().to_string()
        };
        let total = list.invitations.len().to_string();
        html! {
            <>
                <p id="invitation-total">{ fill(ctx.t(Key::InvitedTotal), &[&total]) }</p>
                <h3>{ ctx.t(if anonymous { Key::ByOpening } else { Key::ByAnswer }) }</h3>
                <ul class="stats" id="invitation-states">
                    { for states_of(anonymous).iter().map(|s| html! {
                        <li id={format!("state-{s}")}>
                            <span class="stat-n">{ count(&|i| i.state == *s) }</span>
                            <span class="stat-label">{ state_label(lang, s) }</span>
                        </li>
                    }) }
                </ul>
                <h3>{ ctx.t(Key::ByDelivery) }</h3>
                <ul class="stats" id="invitation-deliveries">
                    { for DELIVERIES.iter().map(|d| html! {
                        <li id={format!("delivery-{d}")} class={classes!((*d == "failed").then_some("stat-bad"))}>
                            <span class="stat-n">{ count(&|i| i.delivery == *d) }</span>
                            <span class="stat-label">{ delivery_label(lang, d) }</span>
                        </li>
                    }) }
                </ul>
            </>
        }
    });
    let policy = match &*invitations {
        Some(Ok(list)) => Some(list.reminders.clone()),
        _ => None,
    };

    html! {
        <>
            <p class="small">{ link("/console/waves", None, html! { ctx.t(Key::AllWaves) }) }</p>
            { header }
            <section class="card" aria-labelledby="summary-title">
                <h2 id="summary-title">{ ctx.t(Key::Invitations) }</h2>
                { summary }
            </section>
            <Audience slug={props.slug.clone()} tree={tree.clone()} people={(*people).clone()}
                on_done={refresh.clone()} />
            <Reminders slug={props.slug.clone()} {policy} on_done={refresh.clone()} />
            <section class="card" aria-labelledby="rates-title">
                <h2 id="rates-title">{ ctx.t(Key::ResponseRates) }</h2>
                { rates_view(&ctx, &rates, retry.clone()) }
            </section>
            <section class="card" aria-labelledby="list-title">
                <h2 id="list-title">{ ctx.t(Key::InvitationList) }</h2>
                <InvitationTable list={(*invitations).clone()} {anonymous} />
            </section>
        </>
    }
}

/// Opens or closes the wave's open link while it has invitations (`PATCH /api/v1/waves/{slug}`, audited).
fn toggle_open_link(
    ctx: &crate::console::Ctx,
    slug: &str,
    open: bool,
    on_done: Callback<()>,
) -> Callback<MouseEvent> {
    let (ctx, path) = (ctx.clone(), wave_path(slug, ""));
    Callback::from(move |_| {
        let (ctx, path, on_done) = (ctx.clone(), path.clone(), on_done.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let body = serap_shared::api::UpdateWave {
                open_link_with_audience: Some(open),
            };
            match api::patch::<_, Ignored>(&path, &body, ctx.csrf()).await {
                Ok(_) => on_done.emit(()),
                Err(f) => ctx.failed(&f),
            }
        });
    })
}

fn rates_view(
    ctx: &crate::console::Ctx,
    rates: &Load<ResponseRates>,
    retry: Callback<MouseEvent>,
) -> Html {
    let lang = ctx.lang;
    if let Some(state) = load_state(ctx, rates, retry) {
        return state;
    }
    let Some(Ok(rates)) = rates else {
        return Html::default();
    };
    if rates.units.is_empty() {
        return html! { <p class="muted" id="rates-empty">{ t(lang, Key::NoInvitationsYet) }</p> };
    }
    html! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rates-title">
            <table id="rates-table">
                <thead>
                    <tr>
                        <th scope="col">{ t(lang, Key::Unit) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Invited) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Answered) }</th>
                        <th scope="col">{ t(lang, Key::Rate) }</th>
                    </tr>
                </thead>
                <tbody>
                    { for rates.units.iter().map(|u| {
                        let pct = percent(u.rate);
                        html! {
                            <tr key={u.unit_code.clone()}>
                                <th scope="row">{ u.unit_name.clone() }<span class="muted small">{ " (" }{ u.unit_code.clone() }{ ")" }</span></th>
                                <td class="num">{ u.invited }</td>
                                <td class="num">{ u.answered }</td>
                                <td class="rate">
                                    <span class="rate-bar" aria-hidden="true"><span style={format!("width:{pct}")}></span></span>
                                    { pct }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}
