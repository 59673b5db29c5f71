//! `/console/digests` (admin): the leaders' email digests. The subscriptions with their delivery status and
//! a link to the server's preview page (`/digests/<id>/preview`), a form to add one, and the failed digest
//! emails with a retry button.
//!
//! - this file: the page and the subscriptions;
//! - `new`: the form adding a subscription;
//! - `failed`: the failed digest emails.

mod failed;
mod new;

use std::rc::Rc;

use serap_shared::api::{AccountSummary, Unit};
use serap_shared::digest::{Cadence, FailedMessage, SubscriptionStatus as Subscription};
use serap_shared::domain::Role;
use serap_shared::i18n::Lang;
use yew::prelude::*;

use super::api::{Load, use_get};
use super::i18n::{Key, t};
use super::use_ctx;
use super::widgets::{Tree, load_state, when};
use crate::i18n::fill;
use failed::FailedDigests;
use new::NewDigest;

fn cadence_key(cadence: Cadence) -> Key {
    match cadence {
        Cadence::Daily => Key::CadenceDaily,
        Cadence::Weekly => Key::CadenceWeekly,
        Cadence::WaveClosed => Key::CadenceWaveClosed,
    }
}

fn cadence_label(lang: Lang, cadence: Cadence) -> String {
    t(lang, cadence_key(cadence)).to_owned()
}

fn delivery_label(lang: Lang, delivery: &str) -> String {
    let key = match delivery {
        "pending" => Key::DeliveryPending,
        "sending" => Key::DeliverySending,
        "sent" => Key::DeliverySent,
        "failed" => Key::DeliveryFailed,
        "none" => Key::DigestNothingToSend,
        other => return other.to_owned(),
    };
    t(lang, key).to_owned()
}

/// `daily:2026-11-27` -> `Setiap hari 2026-11-27`.
fn period_label(lang: Lang, period: &str) -> String {
    match period.split_once(':') {
        Some((name, rest)) => {
            let mut s = Cadence::ALL
                .into_iter()
                .find(|c| c.as_str() == name)
                .map_or_else(|| name.to_owned(), |c| cadence_label(lang, c));
            s.push_str(" — ");
            s.push_str(rest);
            s
        }
        None => period.to_owned(),
    }
}

#[component]
pub fn Digests() -> Html {
    let ctx = use_ctx();
    let reload = use_state(|| 0u32);
    let subscriptions = use_get::<Vec<Subscription>>("/api/v1/digests".into(), *reload);
    let failed = use_get::<Vec<FailedMessage>>("/api/v1/outbox/failed".into(), *reload);
    let units = use_get::<Vec<Unit>>("/api/v1/units".into(), 0);
    let accounts = use_get::<Vec<AccountSummary>>("/api/v1/accounts".into(), 0);
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let retry = {
        let refresh = refresh.clone();
        Callback::from(move |_: MouseEvent| refresh.emit(()))
    };
    let tree = match &*units {
        Some(Ok(units)) => Some(Tree::new(units)),
        _ => None,
    };
    // Active accounts with the leader role: a subscription may follow one (its address, name and scope).
    let leaders: Rc<Vec<AccountSummary>> = Rc::new(match &*accounts {
        Some(Ok(all)) => all
            .iter()
            .filter(|a| a.active && a.roles.iter().any(|r| r.role == Role::Leader.as_str()))
            .cloned()
            .collect(),
        _ => Vec::new(),
    });
    html! {
        <>
            <h1 id="digests-title">{ ctx.t(Key::DigestsTitle) }</h1>
            <p class="muted">{ ctx.t(Key::DigestsLead) }</p>
            <section class="card" aria-labelledby="subscriptions-title">
                <h2 id="subscriptions-title">{ ctx.t(Key::DigestSubscriptions) }</h2>
                { subscription_list(&ctx, &subscriptions, retry.clone()) }
            </section>
            <NewDigest tree={tree} {leaders} on_done={refresh.clone()} />
            <FailedDigests list={(*failed).clone()} on_done={refresh} retry={retry} />
        </>
    }
}

fn subscription_list(
    ctx: &super::Ctx,
    list: &Load<Vec<Subscription>>,
    retry: Callback<MouseEvent>,
) -> Html {
    let lang = ctx.lang;
    if let Some(state) = load_state(ctx, list, retry) {
        return state;
    }
    let Some(Ok(list)) = list else {
        return Html::default();
    };
    if list.is_empty() {
        return html! { <p id="digests-empty" class="muted">{ t(lang, Key::NoDigests) }</p> };
    }
    html! {
        <ul id="digest-list" class="items">
            { for list.iter().map(|s| {
                let scope = if s.unit_codes.is_empty() {
                    t(lang, Key::DigestWholeCity).to_owned()
                } else {
                    s.unit_codes.join(", ")
                };
                let cadences = s
                    .cadences
                    .iter()
                    .map(|c| cadence_label(lang, *c))
                    .collect::<Vec<_>>()
                    .join(", ");
                let language = if s.lang == "en" { "English" } else { "Bahasa Indonesia" };
                let preview = format!("/digests/{}/preview", s.id);
                let title_id = format!("digest-{}-name", s.id);
                html! {
                    <li key={s.id.to_string()} id={format!("digest-{}", s.id)} class="item digest"
                        aria-labelledby={title_id.clone()}>
                        <p class="item-title">
                            <strong id={title_id}>{ s.name.clone() }</strong>
                            if s.active {
                                <span class="badge badge-ok">{ t(lang, Key::DigestActive) }</span>
                            } else {
                                <span class="badge">{ t(lang, Key::DigestUnsubscribed) }</span>
                            }
                        </p>
                        <p class="email muted">{ s.email.clone() }</p>
                        <dl class="facts">
                            <dt>{ t(lang, Key::DigestScope) }</dt><dd class="digest-scope">{ scope }</dd>
                            <dt>{ t(lang, Key::DigestCadences) }</dt><dd class="digest-cadences">{ cadences }</dd>
                            <dt>{ t(lang, Key::DigestLanguage) }</dt><dd>{ language }</dd>
                            <dt>{ t(lang, Key::DigestLastSent) }</dt>
                            <dd class="digest-last">
                                { match (&s.last_period, &s.last_claimed_at) {
                                    (Some(p), Some(at)) => {
                                        let mut s = period_label(lang, p);
                                        s.push_str(" (");
                                        s.push_str(&when(at));
                                        s.push(')');
                                        s
                                    }
                                    (Some(p), None) => period_label(lang, p),
                                    _ => t(lang, Key::DigestNotYet).to_owned(),
                                } }
                                if let Some(d) = &s.last_delivery {
                                    { " — " }
                                    <span class={classes!((d == "failed").then_some("bad"))}>{ delivery_label(lang, d) }</span>
                                }
                            </dd>
                            if s.failures > 0 {
                                <dt>{ t(lang, Key::DigestFailures) }</dt>
                                <dd class="bad">{ s.failures }</dd>
                            }
                        </dl>
                        <a class="button secondary preview-link" href={preview}
                            aria-label={fill(t(lang, Key::PreviewFor), &[&s.name])}>
                            { t(lang, Key::Preview) }
                        </a>
                    </li>
                }
            }) }
        </ul>
    }
}
