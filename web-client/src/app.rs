//! The app shell: language context, header with the language switch, routes.

use serap_shared::i18n::Lang;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::i18n::{Key, LangContext, initial_lang, remember, t};
use crate::pages::{form::Form, home::Home, not_found::NotFound};

#[derive(Clone, Routable, PartialEq)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/f/:slug")]
    Form { slug: String },
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Form { slug } => html! { <Form key={slug.clone()} slug={slug.clone()} /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

#[component]
pub fn App() -> Html {
    let lang = use_state(initial_lang);
    use_effect_with(*lang, |lang| remember(*lang));
    let context = LangContext {
        lang: *lang,
        set: {
            let lang = lang.clone();
            Callback::from(move |next| lang.set(next))
        },
    };
    let toggle = {
        let context = context.clone();
        Callback::from(move |_| {
            context.set.emit(match context.lang {
                Lang::Id => Lang::En,
                Lang::En => Lang::Id,
            })
        })
    };
    let current = *lang;
    html! {
        <ContextProvider<LangContext> context={context}>
            <BrowserRouter>
                <a class="skip" href="#main">{ t(current, Key::SkipToContent) }</a>
                <header class="bar">
                    <Link<Route> to={Route::Home} classes="brand">{ "Serap" }</Link<Route>>
                    <button id="lang-toggle" class="ghost" onclick={toggle}
                        aria-label={t(current, Key::SwitchLanguageLabel)}>
                        { t(current, Key::SwitchLanguage) }
                    </button>
                </header>
                <main id="main">
                    <Switch<Route> render={switch} />
                </main>
                <footer>{ t(current, Key::Footer) }</footer>
            </BrowserRouter>
        </ContextProvider<LangContext>>
    }
}
