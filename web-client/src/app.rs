//! The app shell: language, header with the language switch, routes.
//!
//! The router is our own (a few lines instead of a router crate): the route is read from
//! `window.location.pathname`, internal links use `history.pushState`, and back/forward arrive as `popstate`.

use serap_shared::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::i18n::{Key, initial_lang, remember, t};
use crate::pages::form::FormPage;
use crate::pages::home::{home, use_status};
use crate::pages::not_found::not_found;

#[derive(Clone, PartialEq)]
pub enum Route {
    /// `/`
    Home,
    /// `/f/<slug>`
    Form(AttrValue),
    /// `/s/<token>`: a personal invitation.
    Invitation(AttrValue),
    NotFound,
}

impl Route {
    /// The route of a path such as `/`, `/f/abc`, `/f/abc/` or `/s/<token>`.
    fn recognize(path: &str) -> Route {
        let path = match path.strip_suffix('/') {
            Some(p) if !p.is_empty() => p,
            _ => path,
        };
        if path == "/" {
            return Route::Home;
        }
        let (route, rest): (fn(AttrValue) -> Route, _) = match path.get(..3) {
            Some("/f/") => (Route::Form, &path[3..]),
            Some("/s/") => (Route::Invitation, &path[3..]),
            _ => return Route::NotFound,
        };
        if rest.is_empty() || rest.contains('/') {
            return Route::NotFound;
        }
        route(AttrValue::from(rest.to_owned()))
    }
}

/// The route of the current location (`recognize` applied to `pathname`), re-read on every `popstate`
/// (back/forward, and `navigate`). Shared by the two apps.
#[hook]
pub fn use_route<R: PartialEq + 'static>(recognize: fn(&str) -> R) -> UseStateHandle<R> {
    let current = move || {
        let path = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default();
        recognize(&path)
    };
    let route = use_state(current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut()>::new(move || route.set(current()));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "popstate",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "popstate",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    route
}

/// Goes to `path` inside the app: pushes it on the history and lets the app re-read the location through a
/// `popstate` event.
pub fn navigate(path: &str) {
    let Some(w) = web_sys::window() else {
        return;
    };
    if let Ok(history) = w.history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
    if let Ok(event) = web_sys::Event::new("popstate") {
        let _ = w.dispatch_event(&event);
    }
}

/// An internal link: a real `<a href>` that navigates without a reload.
pub fn link(path: &'static str, class: Option<&'static str>, children: Html) -> Html {
    let onclick = Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        navigate(path);
    });
    html! { <a href={path} {class} {onclick}>{ children }</a> }
}

#[component]
pub fn App() -> Html {
    let lang = use_state(initial_lang);
    let route = use_route(Route::recognize);
    use_effect_with(*lang, |lang| remember(*lang));
    let (status, retry) = use_status(*route == Route::Home);
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
    let page = match &*route {
        Route::Home => home(current, &status, retry),
        Route::Form(slug) => {
            html! { <FormPage key={slug.as_str()} slug={slug.clone()} invitation={false} lang={current} /> }
        }
        Route::Invitation(token) => {
            let key = format!("s/{token}");
            html! { <FormPage {key} slug={token.clone()} invitation={true} lang={current} /> }
        }
        Route::NotFound => not_found(current),
    };
    html! {
        <>
            <a class="skip" href="#main">{ t(current, Key::SkipToContent) }</a>
            <header class="bar">
                { link("/", Some("brand"), html! { "Serap" }) }
                <button id="lang-toggle" class="ghost" onclick={toggle}
                    aria-label={t(current, Key::SwitchLanguageLabel)}>
                    { t(current, Key::SwitchLanguage) }
                </button>
            </header>
            <main id="main">
                { page }
            </main>
            <footer>{ t(current, Key::Footer) }</footer>
        </>
    }
}
