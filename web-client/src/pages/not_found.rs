use serap_shared::i18n::Lang;
use yew::prelude::*;

use crate::app::link;
use crate::i18n::{Key, t};

pub fn not_found(lang: Lang) -> Html {
    html! {
        <section class="card">
            <h1>{ t(lang, Key::NotFoundTitle) }</h1>
            <p>{ t(lang, Key::NotFoundBody) }</p>
            { link("/", None, html! { t(lang, Key::BackHome) }) }
        </section>
    }
}
