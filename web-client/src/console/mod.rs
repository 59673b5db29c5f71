//! The console: the admin and manager pages under `/console/`, a bundle of its own (console.html, binary
//! `serap-console`) so the respondent's download stays small.
//!
//! The session is the server's HttpOnly cookie; the console only keeps the `Me` that login or
//! `GET /api/v1/auth/me` returned, for the name, the roles and the CSRF token every state-changing request
//! carries. A 401 on any request signs the console out. The pages shown follow the roles, but the server
//! decides access (docs/design.md invariant 6): a page of an admin is refused by the API to anyone else.

mod accounts;
mod api;
mod auth;
mod digests;
mod home;
mod i18n;
mod live;
mod people;
mod reports;
mod waves;
mod widgets;

use std::rc::Rc;

use serap_shared::api::Me;
use serap_shared::domain::Role;
use serap_shared::i18n::Lang;
use yew::prelude::*;

use crate::app::{navigate, use_route};
use crate::i18n::{initial_lang, remember};
use i18n::{Key, t};
use widgets::link;

/// A console page, from the path under `/console`.
#[derive(Clone, PartialEq)]
pub enum Page {
    Login,
    Forgot,
    Reset(AttrValue),
    Home,
    People,
    Accounts,
    Waves,
    Wave(AttrValue),
    Reports,
    Report(AttrValue),
    Digests,
    NotFound,
}

impl Page {
    fn recognize(path: &str) -> Page {
        let Some(rest) = path.strip_prefix("/console") else {
            return Page::NotFound;
        };
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Page::Home,
            ["login"] => Page::Login,
            ["forgot"] => Page::Forgot,
            ["reset", token] => Page::Reset(AttrValue::from(token.to_string())),
            ["people"] => Page::People,
            ["accounts"] => Page::Accounts,
            ["waves"] => Page::Waves,
            ["waves", slug] => Page::Wave(AttrValue::from(slug.to_string())),
            ["reports"] => Page::Reports,
            ["digests"] => Page::Digests,
            ["waves", slug, "report"] => Page::Report(AttrValue::from(slug.to_string())),
            _ => Page::NotFound,
        }
    }

    /// Pages anyone may see; the others need a session.
    fn public(&self) -> bool {
        matches!(
            self,
            Page::Login | Page::Forgot | Page::Reset(_) | Page::NotFound
        )
    }
}

/// Where the session stands.
#[derive(Clone, PartialEq)]
pub enum Session {
    Checking,
    /// `GET /api/v1/auth/me` could not be answered (network, server down).
    Unknown,
    SignedOut,
    SignedIn(Rc<Me>),
}

/// What every console page gets from the shell.
#[derive(Clone, PartialEq)]
pub struct Ctx {
    pub lang: Lang,
    pub me: Option<Rc<Me>>,
    /// A message for the next page (after a password reset, a logout, an expired session).
    pub flash: Option<Key>,
    /// Signed in (login): keep the `Me` and go home.
    pub signed_in: Callback<Me>,
    /// Signed out (logout): forget the session, go to login with the message.
    pub signed_out: Callback<Key>,
    /// A request was answered 401: the session is gone.
    pub expired: Callback<()>,
    pub set_flash: Callback<Option<Key>>,
}

impl Ctx {
    pub fn t(&self, key: Key) -> &'static str {
        t(self.lang, key)
    }

    pub fn csrf(&self) -> Option<&str> {
        self.me.as_deref().map(|m| m.csrf_token.as_str())
    }

    /// Any role at all: every role (admin, manager, leader, viewer) may read reports.
    pub fn has_roles(&self) -> bool {
        self.me.as_deref().is_some_and(|m| !m.roles.is_empty())
    }

    pub fn is_admin(&self) -> bool {
        self.me
            .as_deref()
            .is_some_and(|m| m.roles.iter().any(|r| r.role == Role::Admin.as_str()))
    }
}

#[hook]
pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("console pages live inside the console shell")
}

#[component]
pub fn Console() -> Html {
    let lang = use_state(initial_lang);
    let page = use_route(Page::recognize);
    let session = use_state(|| Session::Checking);
    let flash = use_state(|| None::<Key>);
    let recheck = use_state(|| 0u32);
    use_effect_with(*lang, |lang| remember(*lang));

    // Who is signed in, once at start (and on retry).
    {
        let session = session.clone();
        use_effect_with(*recheck, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                session.set(match api::get::<Me>("/api/v1/auth/me").await {
                    Ok(me) => Session::SignedIn(Rc::new(me)),
                    Err(f) if f.status == Some(401) => Session::SignedOut,
                    Err(_) => Session::Unknown,
                });
            });
        });
    }

    // A page that needs a session, without one: to login. Login with a session: home.
    {
        let flash = flash.clone();
        use_effect_with(
            ((*page).clone(), (*session).clone()),
            move |(page, session)| match session {
                Session::SignedOut if !page.public() => {
                    replace("/console/login");
                }
                Session::SignedIn(_) if *page == Page::Login => {
                    flash.set(None);
                    replace("/console");
                }
                _ => {}
            },
        );
    }

    let ctx = Ctx {
        lang: *lang,
        me: match &*session {
            Session::SignedIn(me) => Some(me.clone()),
            _ => None,
        },
        flash: *flash,
        signed_in: {
            let session = session.clone();
            let flash = flash.clone();
            Callback::from(move |me: Me| {
                flash.set(None);
                session.set(Session::SignedIn(Rc::new(me)));
                navigate("/console");
            })
        },
        signed_out: {
            let session = session.clone();
            let flash = flash.clone();
            Callback::from(move |key: Key| {
                flash.set(Some(key));
                session.set(Session::SignedOut);
                navigate("/console/login");
            })
        },
        expired: {
            let session = session.clone();
            let flash = flash.clone();
            Callback::from(move |_| {
                if matches!(*session, Session::SignedIn(_)) {
                    flash.set(Some(Key::SessionExpired));
                    session.set(Session::SignedOut);
                }
            })
        },
        set_flash: {
            let flash = flash.clone();
            Callback::from(move |key| flash.set(key))
        },
    };

    let current = *lang;
    let toggle = {
        let lang = lang.clone();
        Callback::from(move |_| {
            lang.set(match current {
                Lang::Id => Lang::En,
                Lang::En => Lang::Id,
            })
        })
    };

    let body = match (&*session, &*page) {
        (_, Page::Login) => html! { <auth::Login /> },
        (_, Page::Forgot) => html! { <auth::Forgot /> },
        (_, Page::Reset(token)) => html! { <auth::Reset token={token.clone()} /> },
        (_, Page::NotFound) => not_found(&ctx),
        (Session::Checking | Session::SignedOut, _) => {
            html! { <p class="status" role="status">{ ctx.t(Key::Loading) }</p> }
        }
        (Session::Unknown, _) => {
            let retry = {
                let recheck = recheck.clone();
                let session = session.clone();
                Callback::from(move |_| {
                    session.set(Session::Checking);
                    recheck.set(*recheck + 1);
                })
            };
            html! {
                <div class="error" role="alert">
                    <p>{ ctx.t(Key::NetworkError) }</p>
                    <button onclick={retry}>{ ctx.t(Key::Retry) }</button>
                </div>
            }
        }
        (Session::SignedIn(_), page) => signed_in_page(&ctx, page),
    };

    let nav = ctx.me.as_ref().map(|_| menu(&ctx, &page));
    html! {
        <ContextProvider<Ctx> context={ctx.clone()}>
            <a class="skip" href="#main">{ ctx.t(Key::SkipToContent) }</a>
            <header class="bar">
                { link("/console", Some("brand"), html! { <>{ "Serap " }<span class="brand-sub">{ ctx.t(Key::Console) }</span></> }) }
                <button id="lang-toggle" class="ghost" onclick={toggle}
                    aria-label={ctx.t(Key::SwitchLanguageLabel)}>
                    { ctx.t(Key::SwitchLanguage) }
                </button>
            </header>
            { nav }
            <main id="main" class="console">
                { body }
            </main>
            <footer>{ "BKPSDM Kota Serang" }</footer>
        </ContextProvider<Ctx>>
    }
}

/// Replaces the current history entry (a redirect: back does not return to it).
fn replace(path: &str) {
    let Some(w) = web_sys::window() else {
        return;
    };
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
    if let Ok(event) = web_sys::Event::new("popstate") {
        let _ = w.dispatch_event(&event);
    }
}

fn signed_in_page(ctx: &Ctx, page: &Page) -> Html {
    let admin_only = matches!(
        page,
        Page::People | Page::Accounts | Page::Waves | Page::Wave(_) | Page::Digests
    );
    if admin_only && !ctx.is_admin() {
        return html! {
            <section class="card" aria-labelledby="forbidden-title">
                <h1 id="forbidden-title">{ ctx.t(Key::AdminOnlyTitle) }</h1>
                <p id="forbidden">{ ctx.t(Key::AdminOnly) }</p>
                { link("/console", None, html! { ctx.t(Key::BackToConsole) }) }
            </section>
        };
    }
    match page {
        Page::Home => html! { <home::Home /> },
        Page::People => html! { <people::People /> },
        Page::Accounts => html! { <accounts::Accounts /> },
        Page::Waves => html! { <waves::WaveList /> },
        Page::Wave(slug) => html! { <waves::WaveDetail key={slug.as_str()} slug={slug.clone()} /> },
        Page::Reports => html! { <reports::ReportList /> },
        Page::Digests => html! { <digests::Digests /> },
        Page::Report(slug) => {
            html! { <reports::ReportPage key={slug.as_str()} slug={slug.clone()} /> }
        }
        _ => Html::default(),
    }
}

/// The console's sections, as the roles allow; the current one marked for screen readers.
fn menu(ctx: &Ctx, page: &Page) -> Html {
    let mut items: Vec<(&'static str, Key, bool)> =
        vec![("/console", Key::NavHome, *page == Page::Home)];
    if ctx.is_admin() {
        items.push(("/console/people", Key::NavPeople, *page == Page::People));
        items.push((
            "/console/accounts",
            Key::NavAccounts,
            *page == Page::Accounts,
        ));
        items.push((
            "/console/waves",
            Key::NavWaves,
            matches!(page, Page::Waves | Page::Wave(_)),
        ));
        items.push(("/console/digests", Key::NavDigests, *page == Page::Digests));
    }
    if ctx.has_roles() {
        items.push((
            "/console/reports",
            Key::NavReports,
            matches!(page, Page::Reports | Page::Report(_)),
        ));
    }
    html! {
        <nav class="tabs" aria-label={ctx.t(Key::MenuLabel)}>
            { for items.into_iter().map(|(path, key, current)| {
                widgets::nav_link(path, current, ctx.t(key))
            }) }
        </nav>
    }
}

fn not_found(ctx: &Ctx) -> Html {
    html! {
        <section class="card">
            <h1>{ ctx.t(Key::NotFoundTitle) }</h1>
            <p>{ ctx.t(Key::NotFoundBody) }</p>
            { link("/console", None, html! { ctx.t(Key::BackToConsole) }) }
        </section>
    }
}
