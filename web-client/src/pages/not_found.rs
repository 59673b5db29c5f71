use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::i18n::{Key, use_lang};

#[component]
pub fn NotFound() -> Html {
    let lang = use_lang();
    html! {
        <section class="card">
            <h1>{ lang.t(Key::NotFoundTitle) }</h1>
            <p>{ lang.t(Key::NotFoundBody) }</p>
            <Link<Route> to={Route::Home}>{ lang.t(Key::BackHome) }</Link<Route>>
        </section>
    }
}
