//! `/console/waves`: every wave, with its link, anonymity and dates.

use std::rc::Rc;

use serap_shared::api::Wave;
use yew::prelude::*;

use super::anonymity_label;
use crate::console::api::use_get;
use crate::console::i18n::Key;
use crate::console::use_ctx;
use crate::console::widgets::{link, load_state, open_badge, when};

#[component]
pub fn WaveList() -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let reload = use_state(|| 0u32);
    let waves = use_get::<Vec<Wave>>("/api/v1/waves".into(), *reload);
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let body = load_state(&ctx, &waves, retry).unwrap_or_else(|| {
        let all = match &*waves {
            Some(Ok(w)) => w.clone(),
            _ => Rc::new(Vec::new()),
        };
        if all.is_empty() {
            return html! { <p class="muted">{ ctx.t(Key::NoWaves) }</p> };
        }
        html! {
            <ul id="wave-list" class="items">
                { for all.iter().map(|w| {
                    let mut path = String::from("/console/waves/");
                    path.push_str(&w.slug);
                    html! {
                        <li class="item" key={w.slug.clone()}>
                            <p class="item-title">
                                { link(path, None, html! { <strong>{ w.name.clone() }</strong> }) }
                                { " " }{ open_badge(lang, w.is_open) }
                            </p>
                            <p class="muted small">
                                { w.link.clone() }{ " · " }{ anonymity_label(lang, w) }
                            </p>
                            <p class="small">{ when(&w.opens_at) }{ " – " }{ when(&w.closes_at) }</p>
                        </li>
                    }
                }) }
            </ul>
        }
    });
    html! {
        <>
            <h1 id="waves-title">{ ctx.t(Key::WavesTitle) }</h1>
            <section class="card" aria-labelledby="waves-title">{ body }</section>
        </>
    }
}
