//! The form adding a digest subscription: a leader account, or an address with a name; units, cadences and
//! language. The server's field errors are shown next to their fields.

use std::rc::Rc;

use serap_shared::api::AccountSummary;
use serap_shared::i18n::{Lang, Text};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::cadence_key;
use crate::console::api::{self, Failure};
use crate::console::i18n::{Key, t};
use crate::console::use_ctx;
use crate::console::widgets::{Tree, failure, field_error};
use crate::i18n::fill;
use serap_shared::digest::{Cadence, NewSubscription, SubscriptionStatus};

/// `"A, b ,C"` -> `["A", "b", "C"]`.
fn codes(raw: &str) -> Vec<String> {
    raw.split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Properties, PartialEq)]
pub(super) struct NewProps {
    pub(super) tree: Option<Rc<Tree>>,
    pub(super) leaders: Rc<Vec<AccountSummary>>,
    pub(super) on_done: Callback<()>,
}

/// The form adding a subscription; the server's field errors next to their fields.
#[component]
pub(super) fn NewDigest(props: &NewProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let account = use_state(|| None::<Uuid>);
    let email = use_state(String::new);
    let name = use_state(String::new);
    let unit_codes = use_state(String::new);
    let picked = use_state(String::new);
    let cadences = use_state(|| vec![Cadence::Weekly]);
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
                lang: Some((*language).to_owned()),
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
                    api::post::<_, SubscriptionStatus>("/api/v1/digests", &body, ctx.csrf()).await;
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

    let cadence_boxes = Cadence::ALL.into_iter().map(|value| {
        let key = cadence_key(value);
        let id = format!("digest-cadence-{}", value.as_str());
        let checked = cadences.contains(&value);
        let onchange = {
            let cadences = cadences.clone();
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                let mut list: Vec<Cadence> =
                    (*cadences).iter().copied().filter(|c| *c != value).collect();
                if on {
                    list.push(value);
                }
                // Keep the API's order.
                list.sort_by_key(|c| Cadence::ALL.iter().position(|x| x == c));
                cadences.set(list);
            })
        };
        html! {
            <li key={value.as_str()}>
                <label class="check" for={id.clone()}>
                    <input type="checkbox" {id} {checked} {onchange}
                        aria-describedby={cadence_error.as_ref().map(|_| "digest-cadences-error")} />
                    <span>{ t(lang, key) }</span>
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
