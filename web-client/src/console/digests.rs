//! `/console/digests` (admin): the leaders' email digests. The subscriptions with their delivery status and
//! a link to the server's preview page (`/digests/<id>/preview`), a form to add one, and the failed digest
//! emails with a retry button.

use std::rc::Rc;

use serap_shared::api::{AccountSummary, Unit};
use serap_shared::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::api::{self, Failure, Ignored, Load, use_get};
use super::i18n::{Key, t};
use super::use_ctx;
use super::widgets::{Tree, failure, field_error, load_state, when};
use crate::i18n::fill;

/// A subscription as `GET /api/v1/digests` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Subscription {
    id: Uuid,
    email: String,
    name: String,
    #[serde(default)]
    unit_codes: Vec<String>,
    #[serde(default)]
    cadences: Vec<String>,
    lang: String,
    active: bool,
    #[serde(default)]
    last_period: Option<String>,
    #[serde(default)]
    last_claimed_at: Option<String>,
    #[serde(default)]
    last_delivery: Option<String>,
    #[serde(default)]
    failures: u32,
}

/// An outbox message that failed after every attempt (`GET /api/v1/outbox/failed`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct FailedMessage {
    id: Uuid,
    kind: String,
    recipient: String,
    subject: String,
    attempts: i32,
    #[serde(default)]
    last_error: Option<String>,
    created_at: String,
}

/// `POST /api/v1/digests`: a leader account, or an address with a name (empty fields are left out: the
/// account's are used).
#[derive(Serialize)]
struct NewSubscription {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    unit_codes: Vec<String>,
    cadences: Vec<&'static str>,
    lang: &'static str,
}

const CADENCES: [(&str, Key); 3] = [
    ("daily", Key::CadenceDaily),
    ("weekly", Key::CadenceWeekly),
    ("wave_closed", Key::CadenceWaveClosed),
];

fn cadence_label(lang: Lang, cadence: &str) -> String {
    CADENCES
        .iter()
        .find(|(c, _)| *c == cadence)
        .map(|(_, key)| t(lang, *key).to_owned())
        .unwrap_or_else(|| cadence.to_owned())
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
        Some((cadence, rest)) => {
            let mut s = cadence_label(lang, cadence);
            s.push_str(" — ");
            s.push_str(rest);
            s
        }
        None => period.to_owned(),
    }
}

/// `"A, b ,C"` -> `["A", "b", "C"]`.
fn codes(raw: &str) -> Vec<String> {
    raw.split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
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
            .filter(|a| a.active && a.roles.iter().any(|r| r.role == "leader"))
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
                    .map(|c| cadence_label(lang, c))
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

#[derive(Properties, PartialEq)]
struct NewProps {
    tree: Option<Rc<Tree>>,
    leaders: Rc<Vec<AccountSummary>>,
    on_done: Callback<()>,
}

/// The form adding a subscription; the server's field errors next to their fields.
#[component]
fn NewDigest(props: &NewProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let account = use_state(|| None::<Uuid>);
    let email = use_state(String::new);
    let name = use_state(String::new);
    let unit_codes = use_state(String::new);
    let picked = use_state(String::new);
    let cadences = use_state(|| vec!["weekly"]);
    let language = use_state(|| "id");
    let busy = use_state(|| false);
    let sent = use_state(|| None::<Failure>);
    let created = use_state(|| None::<String>);

    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (
            ctx,
            account,
            email,
            name,
            unit_codes,
            cadences,
            language,
            busy,
            sent,
            created,
            on_done,
        ) = (
            ctx.clone(),
            account.clone(),
            email.clone(),
            name.clone(),
            unit_codes.clone(),
            cadences.clone(),
            language.clone(),
            busy.clone(),
            sent.clone(),
            created.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            created.set(None);
            let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
            let body = NewSubscription {
                account_id: *account,
                email: given(&email),
                name: given(&name),
                unit_codes: codes(&unit_codes),
                cadences: (*cadences).clone(),
                lang: *language,
            };
            let (ctx, account, email, name, unit_codes, busy, sent, created, on_done) = (
                ctx.clone(),
                account.clone(),
                email.clone(),
                name.clone(),
                unit_codes.clone(),
                busy.clone(),
                sent.clone(),
                created.clone(),
                on_done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result =
                    api::post::<_, Subscription>("/api/v1/digests", &body, ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(sub) => {
                        sent.set(None);
                        created.set(Some(sub.email));
                        account.set(None);
                        email.set(String::new());
                        name.set(String::new());
                        unit_codes.set(String::new());
                        on_done.emit(());
                    }
                    Err(f) => {
                        ctx.failed(&f);
                        sent.set(Some(f));
                    }
                }
            });
        })
    };

    let message = |path: &str| (*sent).as_ref().and_then(|f| f.field(path));
    // Unit errors come as `unit_codes[i]`: all of them under the one field.
    let unit_error = (*sent).as_ref().and_then(|f| {
        let body = f.body.as_ref()?;
        let texts: Vec<Text> = body
            .error
            .fields
            .iter()
            .filter(|x| x.path.starts_with("unit_codes"))
            .filter_map(|x| f.field(&x.path))
            .collect();
        (!texts.is_empty()).then(|| {
            let join = |l| texts.iter().map(|t| t.get(l)).collect::<Vec<_>>().join(" ");
            Text::new(join(Lang::Id), join(Lang::En))
        })
    });
    let account_error = message("account_id");
    let (email_error, name_error, cadence_error, lang_error) = (
        message("email"),
        message("name"),
        message("cadences"),
        message("lang"),
    );
    let other = (*sent)
        .as_ref()
        .filter(|f| f.body.as_ref().is_none_or(|b| b.error.fields.is_empty()));

    let text_field = |id: &'static str,
                      label: Key,
                      kind: &'static str,
                      state: &UseStateHandle<String>,
                      error: &Option<Text>| {
        let error_id = format!("{id}-error");
        html! {
            <div>
                <label for={id} class="field-label">{ t(lang, label) }</label>
                { field_error(lang, &error_id, error.as_ref()) }
                <input {id} class="text" type={kind} autocomplete="off" value={(**state).clone()}
                    oninput={bind(state)}
                    aria-invalid={error.as_ref().map(|_| "true")}
                    aria-describedby={error.as_ref().map(|_| error_id.clone())} />
            </div>
        }
    };

    let on_account = {
        let account = account.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            account.set(Uuid::parse_str(&value).ok())
        })
    };
    let account_picker = (!props.leaders.is_empty()).then(|| {
        html! {
            <div>
                <label for="digest-account" class="field-label">{ t(lang, Key::DigestLeaderAccount) }</label>
                <p id="digest-account-help" class="help small">{ t(lang, Key::DigestLeaderAccountHelp) }</p>
                { field_error(lang, "digest-account-error", account_error.as_ref()) }
                <select id="digest-account" class="text" onchange={on_account}
                    aria-invalid={account_error.as_ref().map(|_| "true")}
                    aria-describedby={if account_error.is_some() { "digest-account-help digest-account-error" } else { "digest-account-help" }}>
                    <option value="" selected={account.is_none()}>{ t(lang, Key::DigestNoAccount) }</option>
                    { for props.leaders.iter().map(|a| html! {
                        <option value={a.id.to_string()} selected={*account == Some(a.id)}>
                            { format!("{} <{}>", a.name, a.email) }
                        </option>
                    }) }
                </select>
            </div>
        }
    });
    let add_unit = {
        let (picked, unit_codes) = (picked.clone(), unit_codes.clone());
        Callback::from(move |_: MouseEvent| {
            if picked.is_empty() {
                return;
            }
            let mut list = codes(&unit_codes);
            if !list.contains(&*picked) {
                list.push((*picked).clone());
            }
            unit_codes.set(list.join(", "));
        })
    };
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            picked.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let unit_picker = props.tree.as_ref().map(|tree| {
        html! {
            <div class="unit-pick">
                <label for="digest-unit-pick" class="field-label">{ t(lang, Key::DigestPickUnit) }</label>
                <select id="digest-unit-pick" class="text" onchange={on_pick}>
                    <option value="" selected={picked.is_empty()}>{ t(lang, Key::DigestChooseUnit) }</option>
                    { for (0..tree.units.len()).map(|i| {
                        let code = tree.units[i].code.clone();
                        html! { <option value={code.clone()} selected={*picked == code}>{ tree.label(i) }</option> }
                    }) }
                </select>
                <button type="button" id="digest-unit-add" class="secondary" onclick={add_unit}
                    disabled={picked.is_empty()}>{ t(lang, Key::DigestAddUnit) }</button>
            </div>
        }
    });

    let cadence_boxes = CADENCES.iter().map(|(value, key)| {
        let id = format!("digest-cadence-{value}");
        let checked = cadences.contains(value);
        let onchange = {
            let cadences = cadences.clone();
            let value: &'static str = value;
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                let mut list: Vec<&'static str> =
                    (*cadences).iter().copied().filter(|c| *c != value).collect();
                if on {
                    list.push(value);
                }
                // Keep the API's order.
                list.sort_by_key(|c| CADENCES.iter().position(|(x, _)| x == c));
                cadences.set(list);
            })
        };
        html! {
            <li key={*value}>
                <label class="check" for={id.clone()}>
                    <input type="checkbox" {id} {checked} {onchange}
                        aria-describedby={cadence_error.as_ref().map(|_| "digest-cadences-error")} />
                    <span>{ t(lang, *key) }</span>
                </label>
            </li>
        }
    });
    let lang_choice = |value: &'static str, label: &'static str| {
        let id = format!("digest-lang-{value}");
        let onchange = {
            let language = language.clone();
            Callback::from(move |_: Event| language.set(value))
        };
        html! {
            <label class="check" for={id.clone()}>
                <input type="radio" name="digest-lang" {id} value={value}
                    checked={*language == value} {onchange} />
                <span>{ label }</span>
            </label>
        }
    };

    html! {
        <section class="card" aria-labelledby="new-digest-title">
            <h2 id="new-digest-title">{ ctx.t(Key::NewDigest) }</h2>
            <form id="new-digest" class="stack" {onsubmit} novalidate=true>
                { account_picker }
                { text_field("digest-email", Key::Email, "email", &email, &email_error) }
                { text_field("digest-name", Key::Name, "text", &name, &name_error) }
                <div>
                    <label for="digest-units" class="field-label">{ t(lang, Key::DigestUnits) }</label>
                    <p id="digest-units-help" class="help small">{ t(lang, Key::DigestUnitsHelp) }</p>
                    { field_error(lang, "digest-units-error", unit_error.as_ref()) }
                    <input id="digest-units" class="text" type="text" autocomplete="off"
                        value={(*unit_codes).clone()} oninput={bind(&unit_codes)}
                        aria-invalid={unit_error.as_ref().map(|_| "true")}
                        aria-describedby={if unit_error.is_some() { "digest-units-help digest-units-error" } else { "digest-units-help" }} />
                    { unit_picker }
                </div>
                <fieldset class="plain-fieldset">
                    <legend class="field-label">{ t(lang, Key::DigestCadences) }</legend>
                    { field_error(lang, "digest-cadences-error", cadence_error.as_ref()) }
                    <ul class="checks">{ for cadence_boxes }</ul>
                </fieldset>
                <fieldset class="plain-fieldset">
                    <legend class="field-label">{ t(lang, Key::DigestLanguage) }</legend>
                    { field_error(lang, "digest-lang-error", lang_error.as_ref()) }
                    { lang_choice("id", "Bahasa Indonesia") }
                    { lang_choice("en", "English") }
                </fieldset>
                if let Some(f) = other {
                    { failure(lang, f, None) }
                }
                if let Some(address) = &*created {
                    <p id="digest-created" class="status ok" role="status">
                        { fill(ctx.t(Key::DigestCreated), &[address]) }
                    </p>
                }
                <button id="new-digest-submit" type="submit" class="wide" disabled={*busy}>
                    { ctx.t(Key::DigestSubscribe) }
                </button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FailedProps {
    list: Load<Vec<FailedMessage>>,
    on_done: Callback<()>,
    retry: Callback<MouseEvent>,
}

/// Digest emails the outbox gave up on, each with a retry button.
#[component]
fn FailedDigests(props: &FailedProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let busy = use_state(|| None::<Uuid>);
    let outcome = use_state(|| None::<Result<Uuid, Failure>>);
    let body = match load_state(&ctx, &props.list, props.retry.clone()) {
        Some(state) => state,
        None => {
            let Some(Ok(all)) = &props.list else {
                return Html::default();
            };
            let digests: Vec<&FailedMessage> = all.iter().filter(|m| m.kind == "digest").collect();
            if digests.is_empty() {
                html! { <p id="failed-empty" class="muted">{ t(lang, Key::NoFailedDigests) }</p> }
            } else {
                html! {
                    <ul id="failed-list" class="items">
                        { for digests.into_iter().map(|m| {
                            let id = m.id;
                            let onclick = {
                                let (ctx, busy, outcome, on_done) =
                                    (ctx.clone(), busy.clone(), outcome.clone(), props.on_done.clone());
                                Callback::from(move |_: MouseEvent| {
                                    busy.set(Some(id));
                                    outcome.set(None);
                                    let (ctx, busy, outcome, on_done) =
                                        (ctx.clone(), busy.clone(), outcome.clone(), on_done.clone());
                                    wasm_bindgen_futures::spawn_local(async move {
                                        let path = format!("/api/v1/outbox/{id}/retry");
                                        let result = api::post_empty::<Ignored>(&path, ctx.csrf()).await;
                                        busy.set(None);
                                        match result {
                                            Ok(_) => {
                                                outcome.set(Some(Ok(id)));
                                                on_done.emit(());
                                            }
                                            Err(f) => {
                                                ctx.failed(&f);
                                                outcome.set(Some(Err(f)));
                                            }
                                        }
                                    });
                                })
                            };
                            html! {
                                <li key={m.id.to_string()} id={format!("failed-{}", m.id)} class="item">
                                    <p class="item-title"><strong>{ m.subject.clone() }</strong></p>
                                    <p class="email muted">{ m.recipient.clone() }</p>
                                    <p class="small">
                                        { when(&m.created_at) }{ " — " }
                                        { fill(t(lang, Key::DigestAttempts), &[&m.attempts.to_string()]) }
                                    </p>
                                    if let Some(e) = &m.last_error {
                                        <p class="small bad">{ e.clone() }</p>
                                    }
                                    <button type="button" class="secondary retry-failed" {onclick}
                                        disabled={*busy == Some(id)}
                                        aria-label={fill(t(lang, Key::RetryDigestFor), &[&m.recipient])}>
                                        { t(lang, Key::RetryDigest) }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                }
            }
        }
    };
    html! {
        <section class="card" aria-labelledby="failed-title">
            <h2 id="failed-title">{ ctx.t(Key::FailedDigests) }</h2>
            { body }
            { match &*outcome {
                Some(Ok(_)) => html! { <p id="retry-done" class="status ok" role="status">{ ctx.t(Key::DigestRequeued) }</p> },
                Some(Err(f)) => failure(lang, f, None),
                None => Html::default(),
            } }
        </section>
    }
}
