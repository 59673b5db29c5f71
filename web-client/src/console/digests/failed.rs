//! The digest emails the outbox gave up on, each with a retry button.

use serap_shared::digest::FailedMessage;
use uuid::Uuid;
use yew::prelude::*;

use crate::console::api::{self, Failure, Ignored, Load};
use crate::console::i18n::{Key, t};
use crate::console::use_ctx;
use crate::console::widgets::{failure, load_state, when};
use crate::i18n::fill;

#[derive(Properties, PartialEq)]
pub(super) struct FailedProps {
    pub(super) list: Load<Vec<FailedMessage>>,
    pub(super) on_done: Callback<()>,
    pub(super) retry: Callback<MouseEvent>,
}

/// Digest emails the outbox gave up on, each with a retry button.
#[component]
pub(super) fn FailedDigests(props: &FailedProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let busy = use_state(|| None::<Uuid>);
    let outcome = use_state(|| None::<Result<Uuid, Failure>>);
    let body = match load_state(&ctx, &props.list, props.retry.clone()) {
        Some(state) => state,
        None => {
            let Some(Ok(all)) = &props.list else {
                return Html::default();
            };
            let digests: Vec<&FailedMessage> = all.iter().filter(|m| m.kind == "digest").collect();
            if digests.is_empty() {
                html! { <p id="failed-empty" class="muted">{ t(lang, Key::NoFailedDigests) }</p> }
            } else {
                html! {
                    <ul id="failed-list" class="items">
                        { for digests.into_iter().map(|m| {
                            let id = m.id;
                            let onclick = {
                                let (ctx, busy, outcome, on_done) =
                                    (ctx.clone(), busy.clone(), outcome.clone(), props.on_done.clone());
                                Callback::from(move |_: MouseEvent| {
                                    busy.set(Some(id));
                                    outcome.set(None);
                                    let (ctx, busy, outcome, on_done) =
                                        (ctx.clone(), busy.clone(), outcome.clone(), on_done.clone());
                                    wasm_bindgen_futures::spawn_local(async move {
                                        let path = format!("/api/v1/outbox/{id}/retry");
                                        let result = api::post_empty::<Ignored>(&path, ctx.csrf()).await;
                                        busy.set(None);
                                        match result {
                                            Ok(_) => {
                                                outcome.set(Some(Ok(id)));
                                                on_done.emit(());
                                            }
                                            Err(f) => {
                                                ctx.failed(&f);
                                                outcome.set(Some(Err(f)));
                                            }
                                        }
                                    });
                                })
                            };
                            html! {
                                <li key={m.id.to_string()} id={format!("failed-{}", m.id)} class="item">
                                    <p class="item-title"><strong>{ m.subject.clone() }</strong></p>
                                    <p class="email muted">{ m.recipient.clone() }</p>
                                    <p class="small">
                                        { when(&m.created_at) }{ " — " }
                                        { fill(t(lang, Key::DigestAttempts), &[&m.attempts.to_string()]) }
                                    </p>
                                    if let Some(e) = &m.last_error {
                                        <p class="small bad">{ e.clone() }</p>
                                    }
                                    <button type="button" class="secondary retry-failed" {onclick}
                                        disabled={*busy == Some(id)}
                                        aria-label={fill(t(lang, Key::RetryDigestFor), &[&m.recipient])}>
                                        { t(lang, Key::RetryDigest) }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                }
            }
        }
    };
    html! {
        <section class="card" aria-labelledby="failed-title">
            <h2 id="failed-title">{ ctx.t(Key::FailedDigests) }</h2>
            { body }
            { match &*outcome {
                Some(Ok(_)) => html! { <p id="retry-done" class="status ok" role="status">{ ctx.t(Key::DigestRequeued) }</p> },
                Some(Err(f)) => failure(lang, f, None),
                None => Html::default(),
            } }
        </section>
    }
}
