//! `/console/waves` (admin): the survey waves; `/console/waves/<slug>`: one wave's audience and invitations,
//! reminders and response rates.

use std::collections::BTreeSet;
use std::rc::Rc;

use serap_shared::api::{
    CreateInvitations, InvitationList, InvitationReport, PersonSummary, ReminderPolicy,
    RemindersQueued, ResponseRates, Unit, Wave,
};
use serap_shared::i18n::Lang;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::api::{self, Failure, Ignored, Load, use_get};
use super::i18n::{Key, t};
use super::use_ctx;
use super::widgets::{Tree, failure, link, load_state, percent, when};
use crate::i18n::fill;

fn wave_path(slug: &str, rest: &str) -> String {
    let mut path = String::from("/api/v1/waves/");
    path.push_str(slug);
    path.push_str(rest);
    path
}

fn anonymity_label(lang: Lang, wave: &Wave) -> &'static str {
    use serap_shared::api::Anonymity;
    t(
        lang,
        match wave.anonymity {
            Anonymity::Anonymous => Key::Anonymous,
            Anonymity::Confidential => Key::Confidential,
            Anonymity::Identified => Key::Identified,
        },
    )
}

fn open_badge(lang: Lang, open: bool) -> Html {
    html! {
        <span class={classes!("badge", open.then_some("badge-ok"))}>
            { t(lang, if open { Key::WaveOpen } else { Key::WaveClosed }) }
        </span>
    }
}

#[component]
pub fn WaveList() -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let reload = use_state(|| 0u32);
    let waves = use_get::<Vec<Wave>>("/api/v1/waves".into(), *reload);
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let body = load_state(&ctx, &waves, retry).unwrap_or_else(|| {
        let all = match &*waves {
            Some(Ok(w)) => w.clone(),
            _ => Rc::new(Vec::new()),
        };
        if all.is_empty() {
            return html! { <p class="muted">{ ctx.t(Key::NoWaves) }</p> };
        }
        html! {
            <ul id="wave-list" class="items">
                { for all.iter().map(|w| {
                    let mut path = String::from("/console/waves/");
                    path.push_str(&w.slug);
                    html! {
                        <li class="item" key={w.slug.clone()}>
                            <p class="item-title">
                                { link(path, None, html! { <strong>{ w.name.clone() }</strong> }) }
                                { " " }{ open_badge(lang, w.is_open) }
                            </p>
                            <p class="muted small">
                                { w.link.clone() }{ " · " }{ anonymity_label(lang, w) }
                            </p>
                            <p class="small">{ when(&w.opens_at) }{ " – " }{ when(&w.closes_at) }</p>
                        </li>
                    }
                }) }
            </ul>
        }
    });
    html! {
        <>
            <h1 id="waves-title">{ ctx.t(Key::WavesTitle) }</h1>
            <section class="card" aria-labelledby="waves-title">{ body }</section>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct WaveProps {
    pub slug: AttrValue,
}

fn state_label(lang: Lang, state: &str) -> String {
    let key = match state {
        "open" => Key::StateOpen,
        "answered" => Key::StateAnswered,
        "expired" => Key::StateExpired,
        "opened" => Key::StateOpened,
        "not_opened" => Key::StateNotOpened,
        other => return other.to_owned(),
    };
    t(lang, key).to_owned()
}

fn delivery_label(lang: Lang, delivery: &str) -> String {
    let key = match delivery {
        "pending" => Key::DeliveryPending,
        "sending" => Key::DeliverySending,
        "sent" => Key::DeliverySent,
        "failed" => Key::DeliveryFailed,
        other => return other.to_owned(),
    };
    t(lang, key).to_owned()
}

const STATES: [&str; 3] = ["open", "answered", "expired"];
/// Anonymous waves: the server knows who opened their link (was issued a credential), not who answered.
const ANONYMOUS_STATES: [&str; 3] = ["not_opened", "opened", "expired"];

fn states_of(anonymous: bool) -> &'static [&'static str; 3] {
    if anonymous {
        &ANONYMOUS_STATES
    } else {
        &STATES
    }
}
const DELIVERIES: [&str; 4] = ["pending", "sending", "sent", "failed"];

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
    ctx: &super::Ctx,
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

fn rates_view(ctx: &super::Ctx, rates: &Load<ResponseRates>, retry: Callback<MouseEvent>) -> Html {
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

#[derive(Properties, PartialEq)]
struct TableProps {
    list: Load<InvitationList>,
    anonymous: bool,
}

/// The invitations, filtered by state.
#[component]
fn InvitationTable(props: &TableProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let filter = use_state(String::new);
    let Some(Ok(list)) = &props.list else {
        return Html::default();
    };
    if list.invitations.is_empty() {
        return html! { <p class="muted">{ ctx.t(Key::NoInvitationsYet) }</p> };
    }
    let onchange = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            filter.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let rows = list
        .invitations
        .iter()
        .filter(|i| filter.is_empty() || i.state == *filter);
    html! {
        <>
            <label for="invitation-filter" class="field-label">{ ctx.t(Key::ShowState) }</label>
            <select id="invitation-filter" class="text" {onchange}>
                <option value="" selected={filter.is_empty()}>{ ctx.t(Key::All) }</option>
                { for states_of(props.anonymous).iter().map(|s| html! {
                    <option value={*s} selected={*filter == *s}>{ state_label(lang, s) }</option>
                }) }
            </select>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="list-title">
                <table id="invitation-table">
                    <thead>
                        <tr>
                            <th scope="col">{ ctx.t(Key::Name) }</th>
                            <th scope="col">{ ctx.t(Key::Unit) }</th>
                            <th scope="col">{ ctx.t(if props.anonymous { Key::OpenedColumn } else { Key::Answer }) }</th>
                            <th scope="col">{ ctx.t(Key::Delivery) }</th>
                            <th scope="col" class="num">{ ctx.t(Key::RemindersSent) }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for rows.map(|i| html! {
                            <tr key={i.id.to_string()}>
                                <td>{ i.person_name.clone() }<br /><span class="muted small email">{ i.email.clone() }</span></td>
                                <td>{ i.unit_code.clone() }</td>
                                <td>{ state_label(lang, &i.state) }</td>
                                <td class={classes!((i.delivery == "failed").then_some("bad"))}>{ delivery_label(lang, &i.delivery) }</td>
                                <td class="num">{ i.reminders_sent }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct AudienceProps {
    slug: AttrValue,
    tree: Rc<Tree>,
    people: Load<Vec<PersonSummary>>,
    on_done: Callback<()>,
}

/// People shown at most in the picker (filter to find others).
const PICKER: usize = 50;

/// Choosing who to invite: units (each with its subtree) and people.
#[component]
fn Audience(props: &AudienceProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let units = use_state(BTreeSet::<String>::new);
    let people = use_state(BTreeSet::<Uuid>::new);
    let filter = use_state(String::new);
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<InvitationReport, Failure>>);
    let empty = use_state(|| false);
    let tree = &props.tree;

    // A unit is covered when an ancestor is chosen: it is in the audience already.
    let covered = |i: usize| {
        tree.ancestors(i)
            .any(|a| units.contains(&tree.units[a].code))
    };
    let unit_boxes = (0..tree.units.len()).map(|i| {
        let code = tree.units[i].code.clone();
        let by_parent = covered(i);
        let checked = by_parent || units.contains(&code);
        let id = format!("aud-unit-{code}");
        let onchange = {
            let (units, code) = (units.clone(), code.clone());
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                let mut set = (*units).clone();
                if on {
                    set.insert(code.clone());
                } else {
                    set.remove(&code);
                }
                units.set(set);
            })
        };
        html! {
            <li key={code.clone()} style={format!("padding-left:{}rem", tree.depth[i])}>
                <label class="check" for={id.clone()}>
                    <input type="checkbox" id={id} {checked} disabled={by_parent} {onchange} />
                    <span>{ tree.units[i].name.clone() }<span class="muted">{ " (" }{ code.clone() }{ ")" }</span></span>
                </label>
            </li>
        }
    });

    let person_picker = match &props.people {
        None => html! { <p class="status" role="status">{ ctx.t(Key::Loading) }</p> },
        Some(Err(f)) => html! { <p class="muted">{ f.message(lang) }</p> },
        Some(Ok(all)) => {
            let needle = filter.trim().to_lowercase();
            let matching: Vec<&PersonSummary> = all
                .iter()
                .filter(|p| {
                    people.contains(&p.id)
                        || (!needle.is_empty()
                            && (p.name.to_lowercase().contains(&needle)
                                || p.unit_code.to_lowercase().contains(&needle)))
                })
                .take(PICKER)
                .collect();
            let oninput = {
                let filter = filter.clone();
                Callback::from(move |e: InputEvent| {
                    filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
                })
            };
            html! {
                <>
                    <label for="aud-person-filter" class="field-label">{ ctx.t(Key::FindPeople) }</label>
                    <input id="aud-person-filter" class="text" type="search" value={(*filter).clone()} {oninput}
                        placeholder={ctx.t(Key::FilterPeopleHint)} />
                    <ul class="checks">
                        { for matching.iter().map(|p| {
                            let id = format!("aud-person-{}", p.id);
                            let pid = p.id;
                            let onchange = {
                                let people = people.clone();
                                Callback::from(move |e: Event| {
                                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                                    let mut set = (*people).clone();
                                    if on { set.insert(pid); } else { set.remove(&pid); }
                                    people.set(set);
                                })
                            };
                            html! {
                                <li key={p.id.to_string()}>
                                    <label class="check" for={id.clone()}>
                                        <input type="checkbox" id={id} checked={people.contains(&p.id)} {onchange} />
                                        <span>
                                            { p.name.clone() }<span class="muted">{ " (" }{ p.unit_code.clone() }{ ")" }</span>
                                            if p.email.is_none() {
                                                <span class="badge">{ ctx.t(Key::NoEmail) }</span>
                                            }
                                        </span>
                                    </label>
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };

    let onsubmit = {
        let (ctx, units, people, busy, outcome, empty, on_done, slug, tree) = (
            ctx.clone(),
            units.clone(),
            people.clone(),
            busy.clone(),
            outcome.clone(),
            empty.clone(),
            props.on_done.clone(),
            props.slug.to_string(),
            props.tree.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            // Only the top-most chosen units: the server includes each subtree.
            let unit_codes: Vec<String> = (0..tree.units.len())
                .filter(|&i| {
                    units.contains(&tree.units[i].code)
                        && !tree
                            .ancestors(i)
                            .any(|a| units.contains(&tree.units[a].code))
                })
                .map(|i| tree.units[i].code.clone())
                .collect();
            let person_ids: Vec<Uuid> = people.iter().copied().collect();
            if unit_codes.is_empty() && person_ids.is_empty() {
                empty.set(true);
                return;
            }
            empty.set(false);
            busy.set(true);
            outcome.set(None);
            let body = CreateInvitations {
                unit_codes,
                person_ids,
            };
            let (ctx, units, people, busy, outcome, on_done) = (
                ctx.clone(),
                units.clone(),
                people.clone(),
                busy.clone(),
                outcome.clone(),
                on_done.clone(),
            );
            let path = wave_path(&slug, "/invitations");
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::post::<_, InvitationReport>(&path, &body, ctx.csrf()).await;
                busy.set(false);
                if let Err(f) = &result {
                    ctx.failed(f);
                } else {
                    units.set(BTreeSet::new());
                    people.set(BTreeSet::new());
                    on_done.emit(());
                }
                outcome.set(Some(result));
            });
        })
    };
    let chosen = (units.len() + people.len()).to_string();
    let result = match &*outcome {
        None => Html::default(),
        Some(Err(f)) => failure(lang, f, None),
        Some(Ok(r)) => {
            let (a, b, c) = (
                r.invited.to_string(),
                r.already_invited.to_string(),
                r.without_email.len().to_string(),
            );
            html! {
                <div id="invite-result" class="status ok" role="status">
                    <p>{ fill(ctx.t(Key::InviteResult), &[&a, &b]) }</p>
                    if !r.without_email.is_empty() {
                        <p>{ fill(ctx.t(Key::WithoutEmail), &[&c]) }{ " " }{ r.without_email.join(", ") }</p>
                    }
                </div>
            }
        }
    };
    html! {
        <section class="card" aria-labelledby="audience-title">
            <h2 id="audience-title">{ ctx.t(Key::InvitePeople) }</h2>
            <p class="help">{ ctx.t(Key::InviteHelp) }</p>
            <form class="stack" {onsubmit}>
                <fieldset class="plain-fieldset">
                    <legend class="field-label">{ ctx.t(Key::Units) }</legend>
                    <p class="help small">{ ctx.t(Key::SubtreeNote) }</p>
                    <ul class="checks tree" id="aud-units">{ for unit_boxes }</ul>
                </fieldset>
                <fieldset class="plain-fieldset">
                    <legend class="field-label">{ ctx.t(Key::People) }</legend>
                    { person_picker }
                </fieldset>
                if *empty {
                    <p class="error" role="alert">{ ctx.t(Key::ChooseAudience) }</p>
                }
                { result }
                <button id="invite-submit" type="submit" class="wide" disabled={*busy}>
                    { fill(ctx.t(Key::SendInvitations), &[&chosen]) }
                </button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RemindersProps {
    slug: AttrValue,
    policy: Option<ReminderPolicy>,
    on_done: Callback<()>,
}

/// The reminder policy, and sending reminders now.
#[component]
fn Reminders(props: &RemindersProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    // What is typed, once the user changed something; the loaded policy otherwise.
    let typed = use_state(|| None::<(String, String)>);
    let busy = use_state(|| false);
    let saved = use_state(|| None::<Result<(), Failure>>);
    let queued = use_state(|| None::<Result<u32, Failure>>);
    let problem = use_state(|| None::<Key>);
    let (interval, max) = match (&*typed, &props.policy) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) => (p.interval_hours.to_string(), p.max_reminders.to_string()),
        (None, None) => (String::new(), String::new()),
    };
    let edit = |first: bool| {
        let (typed, interval, max) = (typed.clone(), interval.clone(), max.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            typed.set(Some(if first {
                (v, max.clone())
            } else {
                (interval.clone(), v)
            }));
        })
    };
    let onsubmit = {
        let (ctx, busy, saved, problem, typed, on_done) = (
            ctx.clone(),
            busy.clone(),
            saved.clone(),
            problem.clone(),
            typed.clone(),
            props.on_done.clone(),
        );
        let path = wave_path(&props.slug, "/reminders");
        let (interval, max) = (interval.clone(), max.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let hours = interval
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|h| (1..=720).contains(h));
            let count = max.trim().parse::<u32>().ok().filter(|m| *m <= 10);
            let (Some(interval_hours), Some(max_reminders)) = (hours, count) else {
                problem.set(Some(if hours.is_none() {
                    Key::IntervalRange
                } else {
                    Key::MaxRange
                }));
                return;
            };
            problem.set(None);
            busy.set(true);
            let body = ReminderPolicy {
                interval_hours,
                max_reminders,
            };
            let (ctx, busy, saved, typed, on_done, path) = (
                ctx.clone(),
                busy.clone(),
                saved.clone(),
                typed.clone(),
                on_done.clone(),
                path.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::put::<_, Ignored>(&path, &body, ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        typed.set(None);
                        saved.set(Some(Ok(())));
                        on_done.emit(());
                    }
                    Err(f) => {
                        ctx.failed(&f);
                        saved.set(Some(Err(f)));
                    }
                }
            });
        })
    };
    let send_now = {
        let (ctx, busy, queued, on_done) = (
            ctx.clone(),
            busy.clone(),
            queued.clone(),
            props.on_done.clone(),
        );
        let path = wave_path(&props.slug, "/reminders/send");
        Callback::from(move |_| {
            busy.set(true);
            queued.set(None);
            let (ctx, busy, queued, on_done, path) = (
                ctx.clone(),
                busy.clone(),
                queued.clone(),
                on_done.clone(),
                path.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::post_empty::<RemindersQueued>(&path, ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(r) => {
                        queued.set(Some(Ok(r.queued)));
                        on_done.emit(());
                    }
                    Err(f) => {
                        ctx.failed(&f);
                        queued.set(Some(Err(f)));
                    }
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="reminders-title">
            <h2 id="reminders-title">{ ctx.t(Key::Reminders) }</h2>
            <p class="help">{ ctx.t(Key::RemindersHelp) }</p>
            <form class="stack" {onsubmit}>
                <div class="two">
                    <div>
                        <label for="reminder-interval" class="field-label">{ ctx.t(Key::IntervalHours) }</label>
                        <input id="reminder-interval" class="text" type="number" inputmode="numeric" min="1" max="720"
                            value={interval.clone()} oninput={edit(true)} required=true />
                    </div>
                    <div>
                        <label for="reminder-max" class="field-label">{ ctx.t(Key::MaxReminders) }</label>
                        <input id="reminder-max" class="text" type="number" inputmode="numeric" min="0" max="10"
                            value={max.clone()} oninput={edit(false)} required=true />
                    </div>
                </div>
                if let Some(key) = *problem {
                    <p class="field-error" role="alert">{ ctx.t(key) }</p>
                }
                if let Some(result) = &*saved {
                    if let Err(f) = result {
                        { failure(lang, f, None) }
                    } else {
                        <p id="reminders-saved" class="status ok" role="status">{ ctx.t(Key::Saved) }</p>
                    }
                }
                <button id="reminders-save" type="submit" disabled={*busy}>{ ctx.t(Key::SavePolicy) }</button>
            </form>
            <hr />
            if let Some(result) = &*queued {
                if let Ok(n) = result {
                    <p id="reminders-queued" class="status ok" role="status">
                        { fill(ctx.t(Key::RemindersQueued), &[&n.to_string()]) }
                    </p>
                } else if let Err(f) = result {
                    { failure(lang, f, None) }
                }
            }
            <button id="reminders-send" class="secondary wide" onclick={send_now} disabled={*busy}>
                { ctx.t(Key::SendRemindersNow) }
            </button>
        </section>
    }
}
