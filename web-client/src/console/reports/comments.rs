//! The released comments, in the server's order, with their frequent words; or why they are not shown yet.

use serap_shared::i18n::Lang;
use serap_shared::report::WaveReport;
use yew::prelude::*;

use crate::console::i18n::{Key, t};
use crate::i18n::fill;

pub(super) fn comments_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(c) = &r.comments else {
        return Html::default();
    };
    let body = if !c.shown {
        html! {
            <p id="comments-hidden" class="suppressed">
                { fill(t(lang, Key::CommentsHidden), &[&c.threshold.to_string()]) }
            </p>
        }
    } else if c.items.is_empty() {
        html! { <p class="muted">{ t(lang, Key::NoComments) }</p> }
    } else {
        // The server's order: a keyed hash, unrelated to arrival.
        let items: Vec<_> = c.items.iter().collect();
        html! {
            <>
                <p class="small muted">{ fill(t(lang, Key::CommentsTotal), &[&c.total.to_string()]) }</p>
                if !c.keywords.is_empty() {
                    <h3>{ t(lang, Key::Keywords) }</h3>
                    <ul class="keywords" id="comment-keywords">
                        { for c.keywords.iter().map(|kw| html! {
                            <li>{ kw.word.clone() }<span class="muted">{ format!(" {}", kw.count) }</span></li>
                        }) }
                    </ul>
                }
                <ul class="comments" id="comment-list">
                    { for items.iter().map(|i| html! {
                        <li>
                            <p>{ i.text.clone() }</p>
                        </li>
                    }) }
                </ul>
            </>
        }
    };
    html! {
        <section class="card" aria-labelledby="comments-title" id="report-comments">
            <h2 id="comments-title">{ t(lang, Key::Comments) }</h2>
            { body }
        </section>
    }
}
