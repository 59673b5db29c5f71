//! `/console`: who is signed in, logout, and the sections the roles open.

use serap_shared::api::Unit;
use yew::prelude::*;

use super::api::{self, Failure, Ignored, use_get};
use super::i18n::Key;
use super::use_ctx;
use super::widgets::{Tree, failure, link, role_label, scope};

#[component]
pub fn Home() -> Html {
    let ctx = use_ctx();
    let units = use_get::<Vec<Unit>>("/api/v1/units".into(), 0);
    let busy = use_state(|| false);
    let error = use_state(|| None::<Failure>);
    let Some(me) = ctx.me.clone() else {
        return Html::default();
    };
    let tree = match &*units {
        Some(Ok(units)) => Some(Tree::new(units)),
        _ => None,
    };
    let logout = {
        let (ctx, busy, error) = (ctx.clone(), busy.clone(), error.clone());
        Callback::from(move |_| {
            busy.set(true);
            let (ctx, busy, error) = (ctx.clone(), busy.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::post_empty::<Ignored>("/api/v1/auth/logout", ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(_) => ctx.signed_out.emit(Key::SignedOut),
                    Err(f) if f.status == Some(401) => ctx.signed_out.emit(Key::SignedOut),
                    Err(f) => error.set(Some(f)),
                }
            });
        })
    };
    let lang = ctx.lang;
    let roles = me.roles.iter().map(|r| {
        html! {
            <li>
                <strong>{ role_label(lang, &r.role) }</strong>
                { " — " }{ scope(lang, tree.as_deref(), r.unit_id) }
            </li>
        }
    });
    let admin = ctx.is_admin();
    let entry = |path: &'static str, id: &'static str, title: Key, about: Key| {
        html! {
            <li id={id}>
                { link(path, Some("menu-item"), html! {
                    <>
                        <span class="menu-title">{ ctx.t(title) }</span>
                        <span class="menu-about">{ ctx.t(about) }</span>
                    </>
                }) }
            </li>
        }
    };
    html! {
        <>
            <h1 id="console-title">{ ctx.t(Key::ConsoleTitle) }</h1>
            <section class="card" aria-labelledby="me-title">
                <h2 id="me-title">{ ctx.t(Key::SignedInAs) }</h2>
                <p id="me-name" class="me-name">{ me.name.clone() }</p>
                <p id="me-email" class="muted">{ me.email.clone() }</p>
                <h3>{ ctx.t(Key::YourRoles) }</h3>
                if me.roles.is_empty() {
                    <p id="me-roles" class="muted">{ ctx.t(Key::NoRoles) }</p>
                } else {
                    <ul id="me-roles" class="plain">{ for roles }</ul>
                }
                if let Some(f) = &*error {
                    { failure(lang, f, None) }
                }
                <button id="logout" class="secondary" onclick={logout} disabled={*busy}>
                    { ctx.t(Key::SignOut) }
                </button>
            </section>
            <nav aria-labelledby="sections-title">
                <h2 id="sections-title">{ ctx.t(Key::Sections) }</h2>
                <ul class="menu">
                    if admin {
                        { entry("/console/people", "menu-people", Key::NavPeople, Key::PeopleAbout) }
                        { entry("/console/accounts", "menu-accounts", Key::NavAccounts, Key::AccountsAbout) }
                        { entry("/console/waves", "menu-waves", Key::NavWaves, Key::WavesAbout) }
                        { entry("/console/digests", "menu-digests", Key::NavDigests, Key::DigestsAbout) }
                    }
                    if ctx.has_roles() {
                        { entry("/console/reports", "menu-reports", Key::NavReports, Key::ReportsAbout) }
                    }
                </ul>
            </nav>
        </>
    }
}
