//! `/console/accounts` (admin): the accounts with their roles, a new account, and changing an account's
//! roles. A role is for a unit and its subtree, or for the whole city.

use std::rc::Rc;

use serap_shared::api::{AccountSummary, CreateAccount, RoleInput, SetRoles, Unit};
use serap_shared::domain::EmailAddress;
use serap_shared::domain::Role;
use serap_shared::i18n::{Lang, Text};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::api::{self, Failure, Ignored, use_get};
use super::i18n::{Key, both, t};
use super::use_ctx;
use super::widgets::{Tree, failure, field_error, load_state, role_label, scope};
use crate::i18n::server_text;

#[derive(Properties, PartialEq)]
pub struct RolesProps {
    /// Element ids start with this.
    pub prefix: AttrValue,
    pub roles: Vec<RoleInput>,
    pub tree: Rc<Tree>,
    pub on_change: Callback<Vec<RoleInput>>,
    /// The server's answer, for messages at `roles[i].role` / `roles[i].unit_code`.
    #[prop_or_default]
    pub failure: Option<Failure>,
}

/// Rows of (role, unit) with add and remove.
#[component]
pub fn RolesEditor(props: &RolesProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let rows = props.roles.iter().enumerate().map(|(i, row)| {
        let role_id = format!("{}-role-{i}", props.prefix);
        let unit_id = format!("{}-unit-{i}", props.prefix);
        let role_error = props.failure.as_ref().and_then(|f| f.field(&format!("roles[{i}].role")));
        let unit_error = props
            .failure
            .as_ref()
            .and_then(|f| f.field(&format!("roles[{i}].unit_code")));
        let on_role = {
            let (roles, on_change) = (props.roles.clone(), props.on_change.clone());
            Callback::from(move |e: Event| {
                let mut roles = roles.clone();
                if let Some(row) = roles.get_mut(i) {
                    row.role = e.target_unchecked_into::<HtmlSelectElement>().value();
                }
                on_change.emit(roles);
            })
        };
        let on_unit = {
            let (roles, on_change) = (props.roles.clone(), props.on_change.clone());
            Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                let mut roles = roles.clone();
                if let Some(row) = roles.get_mut(i) {
                    row.unit_code = (!value.is_empty()).then_some(value);
                }
                on_change.emit(roles);
            })
        };
        let remove = {
            let (roles, on_change) = (props.roles.clone(), props.on_change.clone());
            Callback::from(move |_| {
                let mut roles = roles.clone();
                roles.remove(i);
                on_change.emit(roles);
            })
        };
        let n = (i + 1).to_string();
        html! {
            <fieldset class="role-row" key={i}>
                <legend>{ crate::i18n::fill(t(lang, Key::RoleN), &[&n]) }</legend>
                <label for={role_id.clone()} class="field-label">{ t(lang, Key::Role) }</label>
                { field_error(lang, &format!("{role_id}-error"), role_error.as_ref()) }
                <select id={role_id.clone()} class="text" onchange={on_role}>
                    { for Role::ALL.iter().map(|r| html! {
                        <option value={r.as_str()} selected={row.role == r.as_str()}>{ role_label(lang, r.as_str()) }</option>
                    }) }
                </select>
                <label for={unit_id.clone()} class="field-label">{ t(lang, Key::Scope) }</label>
                { field_error(lang, &format!("{unit_id}-error"), unit_error.as_ref()) }
                <select id={unit_id.clone()} class="text" onchange={on_unit}>
                    <option value="" selected={row.unit_code.is_none()}>{ t(lang, Key::WholeCity) }</option>
                    { for (0..props.tree.units.len()).map(|u| {
                        let code = props.tree.units[u].code.clone();
                        let selected = row.unit_code.as_deref() == Some(code.as_str());
                        html! { <option value={code} {selected}>{ props.tree.label(u) }</option> }
                    }) }
                </select>
                <button type="button" class="secondary small-button" id={format!("{}-remove-{i}", props.prefix)}
                    onclick={remove}>{ t(lang, Key::RemoveRole) }</button>
            </fieldset>
        }
    });
    let add = {
        let (roles, on_change) = (props.roles.clone(), props.on_change.clone());
        Callback::from(move |_| {
            let mut roles = roles.clone();
            roles.push(RoleInput {
                role: Role::Manager.as_str().into(),
                unit_code: None,
            });
            on_change.emit(roles);
        })
    };
    html! {
        <div class="roles">
            if props.roles.is_empty() {
                <p class="muted">{ t(lang, Key::NoRoles) }</p>
            }
            { for rows }
            <button type="button" class="secondary" id={format!("{}-add", props.prefix)} onclick={add}>
                { t(lang, Key::AddRole) }
            </button>
        </div>
    }
}

/// An account's roles as the editor's rows (unit ids to codes).
fn inputs(account: &AccountSummary, tree: &Tree) -> Vec<RoleInput> {
    account
        .roles
        .iter()
        .map(|r| RoleInput {
            role: r.role.clone(),
            unit_code: r
                .unit_id
                .and_then(|id| tree.by_id(id))
                .map(|u| u.code.clone()),
        })
        .collect()
}

#[component]
pub fn Accounts() -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let reload = use_state(|| 0u32);
    let accounts = use_get::<Vec<AccountSummary>>("/api/v1/accounts".into(), *reload);
    let units = use_get::<Vec<Unit>>("/api/v1/units".into(), 0);
    let tree = use_memo(
        units.as_ref().and_then(|u| u.as_ref().ok()).cloned(),
        |units| Tree::new(units.as_deref().map(Vec::as_slice).unwrap_or_default()),
    );
    let tree: Rc<Tree> = (*tree).clone();
    // The account whose roles are being changed, with the rows being edited.
    let editing = use_state(|| None::<(Uuid, Vec<RoleInput>)>);
    let edit_failure = use_state(|| None::<Failure>);
    let saved = use_state(|| None::<Uuid>);
    let busy = use_state(|| false);

    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let list = match load_state(&ctx, &accounts, retry) {
        Some(state) => state,
        None => {
            let all = match &*accounts {
                Some(Ok(a)) => a.clone(),
                _ => Rc::new(Vec::new()),
            };
            let items = all.iter().enumerate().map(|(n, account)| {
                let id = account.id;
                let is_editing = editing.as_ref().filter(|(e, _)| *e == id);
                let start = {
                    let (editing, edit_failure, saved) = (editing.clone(), edit_failure.clone(), saved.clone());
                    let rows = inputs(account, &tree);
                    Callback::from(move |_| {
                        edit_failure.set(None);
                        saved.set(None);
                        editing.set(Some((id, rows.clone())));
                    })
                };
                let editor = is_editing.map(|(_, rows)| {
                    let on_change = {
                        let editing = editing.clone();
                        Callback::from(move |rows| editing.set(Some((id, rows))))
                    };
                    let cancel = {
                        let editing = editing.clone();
                        Callback::from(move |_| editing.set(None))
                    };
                    let save = {
                        let (ctx, editing, edit_failure, saved, busy, reload) = (
                            ctx.clone(),
                            editing.clone(),
                            edit_failure.clone(),
                            saved.clone(),
                            busy.clone(),
                            reload.clone(),
                        );
                        let rows = rows.clone();
                        Callback::from(move |_| {
                            busy.set(true);
                            let body = SetRoles { roles: rows.clone() };
                            let (ctx, editing, edit_failure, saved, busy, reload) = (
                                ctx.clone(),
                                editing.clone(),
                                edit_failure.clone(),
                                saved.clone(),
                                busy.clone(),
                                reload.clone(),
                            );
                            wasm_bindgen_futures::spawn_local(async move {
                                let mut path = String::from("/api/v1/accounts/");
                                path.push_str(&id.to_string());
                                path.push_str("/roles");
                                let result = api::put::<_, Ignored>(&path, &body, ctx.csrf()).await;
                                busy.set(false);
                                match result {
                                    Ok(_) => {
                                        editing.set(None);
                                        saved.set(Some(id));
                                        reload.set(*reload + 1);
                                    }
                                    Err(f) => {
                                        ctx.failed(&f);
                                        edit_failure.set(Some(f));
                                    }
                                }
                            });
                        })
                    };
                    let other = (*edit_failure)
                        .as_ref()
                        .filter(|f| f.body.as_ref().is_none_or(|b| b.error.fields.is_empty()));
                    html! {
                        <div class="editor">
                            <RolesEditor prefix={format!("edit-{n}")} roles={rows.clone()} tree={tree.clone()}
                                {on_change} failure={(*edit_failure).clone()} />
                            if let Some(f) = other {
                                { failure(lang, f, None) }
                            }
                            <div class="nav">
                                <button type="button" id={format!("edit-{n}-save")} onclick={save} disabled={*busy}>
                                    { t(lang, Key::SaveRoles) }
                                </button>
                                <button type="button" class="secondary" onclick={cancel}>{ t(lang, Key::Cancel) }</button>
                            </div>
                        </div>
                    }
                });
                html! {
                    <li class="item" id={format!("account-{n}")} key={id.to_string()}>
                        <p class="item-title">
                            <strong>{ account.name.clone() }</strong>
                            if !account.active {
                                { " " }<span class="badge">{ t(lang, Key::Inactive) }</span>
                            }
                        </p>
                        <p class="muted email">{ account.email.clone() }</p>
                        if account.roles.is_empty() {
                            <p class="muted">{ t(lang, Key::NoRoles) }</p>
                        } else {
                            <ul class="plain">
                                { for account.roles.iter().map(|r| html! {
                                    <li>{ role_label(lang, &r.role) }{ " — " }{ scope(lang, Some(&tree), r.unit_id) }</li>
                                }) }
                            </ul>
                        }
                        if *saved == Some(id) {
                            <p class="status ok" role="status">{ t(lang, Key::RolesSaved) }</p>
                        }
                        if let Some(editor) = editor {
                            { editor }
                        } else {
                            <button type="button" class="secondary" id={format!("account-{n}-edit")} onclick={start}>
                                { t(lang, Key::EditRoles) }
                            </button>
                        }
                    </li>
                }
            });
            html! { <ul id="account-list" class="items">{ for items }</ul> }
        }
    };

    let on_created = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    html! {
        <>
            <h1 id="accounts-title">{ ctx.t(Key::AccountsTitle) }</h1>
            <section class="card" aria-labelledby="accounts-list-title">
                <h2 id="accounts-list-title">{ ctx.t(Key::AccountList) }</h2>
                { list }
            </section>
            <NewAccount tree={tree.clone()} {on_created} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct NewAccountProps {
    tree: Rc<Tree>,
    on_created: Callback<()>,
}

fn input_value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The form for a new account.
#[component]
fn NewAccount(props: &NewAccountProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let email = use_state(String::new);
    let name = use_state(String::new);
    let password = use_state(String::new);
    let roles = use_state(|| {
        vec![RoleInput {
            role: Role::Manager.as_str().into(),
            unit_code: None,
        }]
    });
    // Messages found before sending, by field.
    let local = use_state(Vec::<(&'static str, Text)>::new);
    let sent_failure = use_state(|| None::<Failure>);
    let created = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(e)))
    };
    let onsubmit = {
        let (ctx, email, name, password, roles) = (
            ctx.clone(),
            email.clone(),
            name.clone(),
            password.clone(),
            roles.clone(),
        );
        let (local, sent_failure, created, busy, on_created) = (
            local.clone(),
            sent_failure.clone(),
            created.clone(),
            busy.clone(),
            props.on_created.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let mut problems = Vec::new();
            let parsed = EmailAddress::parse(email.trim());
            if let Err(e) = &parsed {
                problems.push(("email", server_text(&e.to_string())));
            }
            if name.trim().is_empty() {
                problems.push(("name", both(Key::NameRequired)));
            }
            if password.chars().count() < 10 {
                problems.push(("password", both(Key::PasswordTooShort)));
            }
            sent_failure.set(None);
            created.set(None);
            let Ok(address) = parsed else {
                local.set(problems);
                return;
            };
            if !problems.is_empty() {
                local.set(problems);
                return;
            }
            local.set(Vec::new());
            let body = CreateAccount {
                email: address,
                name: name.trim().to_owned(),
                password: (*password).clone(),
                roles: (*roles).clone(),
            };
            busy.set(true);
            let (ctx, sent_failure, created, busy, on_created) = (
                ctx.clone(),
                sent_failure.clone(),
                created.clone(),
                busy.clone(),
                on_created.clone(),
            );
            let (email, name, password) = (email.clone(), name.clone(), password.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result =
                    api::post::<_, AccountSummary>("/api/v1/accounts", &body, ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(account) => {
                        created.set(Some(account.email));
                        email.set(String::new());
                        name.set(String::new());
                        password.set(String::new());
                        on_created.emit(());
                    }
                    Err(f) => {
                        ctx.failed(&f);
                        sent_failure.set(Some(f));
                    }
                }
            });
        })
    };
    let message = |field: &str| -> Option<Text> {
        local
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, t)| t.clone())
            .or_else(|| {
                let f = sent_failure.as_ref()?;
                if field == "email" && f.status == Some(409) {
                    return Some(both(Key::EmailTaken));
                }
                f.field(field)
            })
    };
    let (email_error, name_error, password_error) =
        (message("email"), message("name"), message("password"));
    let other = (*sent_failure).as_ref().filter(|f| {
        f.status != Some(409) && f.body.as_ref().is_none_or(|b| b.error.fields.is_empty())
    });
    let field = |id: &'static str,
                 label: Key,
                 kind: &'static str,
                 autocomplete: &'static str,
                 state: &UseStateHandle<String>,
                 error: &Option<Text>,
                 lang: Lang| {
        let error_id = format!("{id}-error");
        html! {
            <div>
                <label for={id} class="field-label">{ t(lang, label) }</label>
                { field_error(lang, &error_id, error.as_ref()) }
                <input {id} class="text" type={kind} {autocomplete} value={(**state).clone()}
                    oninput={bind(state)} required=true
                    aria-invalid={error.as_ref().map(|_| "true")}
                    aria-describedby={error.as_ref().map(|_| error_id.clone())} />
            </div>
        }
    };
    let on_roles = {
        let roles = roles.clone();
        Callback::from(move |r| roles.set(r))
    };
    html! {
        <section class="card" aria-labelledby="new-account-title">
            <h2 id="new-account-title">{ ctx.t(Key::NewAccount) }</h2>
            <form class="stack" {onsubmit} novalidate=true>
                { field("new-email", Key::Email, "email", "off", &email, &email_error, lang) }
                { field("new-name", Key::Name, "text", "off", &name, &name_error, lang) }
                <div>
                    { field("new-password", Key::InitialPassword, "password", "new-password", &password, &password_error, lang) }
                    <p class="help small">{ ctx.t(Key::PasswordRule) }</p>
                </div>
                <fieldset class="plain-fieldset">
                    <legend class="field-label">{ ctx.t(Key::Roles) }</legend>
                    <RolesEditor prefix="new" roles={(*roles).clone()} tree={props.tree.clone()}
                        on_change={on_roles} failure={(*sent_failure).clone()} />
                </fieldset>
                if let Some(f) = other {
                    { failure(lang, f, None) }
                }
                if let Some(address) = &*created {
                    <p id="account-created" class="status ok" role="status">
                        { crate::i18n::fill(ctx.t(Key::AccountCreated), &[address]) }
                    </p>
                }
                <button id="new-account-submit" type="submit" class="wide" disabled={*busy}>
                    { ctx.t(Key::CreateAccount) }
                </button>
            </form>
        </section>
    }
}
