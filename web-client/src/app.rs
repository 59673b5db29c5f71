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
    NotFound,
}

impl Route {
    /// The route of a path such as `/`, `/f/abc` or `/f/abc/`.
    fn recognize(path: &str) -> Route {
        let path = match path.strip_suffix('/') {
            Some(p) if !p.is_empty() => p,
            _ => path,
        };
        if path == "/" {
            return Route::Home;
        }
        match path.strip_prefix("/f/") {
            Some(slug) if !slug.is_empty() && !slug.contains('/') => {
                Route::Form(AttrValue::from(slug.to_owned()))
            }
            _ => Route::NotFound,
        }
    }

    fn current() -> Route {
        let path = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default();
        Route::recognize(&path)
    }
}

/// Goes to `path` inside the app: pushes it on the history and lets the app re-read the location through a
/// `popstate` event.
fn navigate(path: &str) {
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
    let route = use_state(Route::current);
    use_effect_with(*lang, |lang| remember(*lang));
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut()>::new(move || route.set(Route::current()));
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
            html! { <FormPage key={slug.as_str()} slug={slug.clone()} lang={current} /> }
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
