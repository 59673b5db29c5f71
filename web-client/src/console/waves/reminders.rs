//! A wave's reminder policy (interval and most reminders per person), and sending reminders now.

use serap_shared::api::{ReminderPolicy, RemindersQueued};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::console::api::{self, Failure, Ignored};
use crate::console::i18n::Key;
use crate::console::use_ctx;
use crate::console::widgets::{failure, wave_path};
use crate::i18n::fill;

#[derive(Properties, PartialEq)]
pub(super) struct RemindersProps {
    pub(super) slug: AttrValue,
    pub(super) policy: Option<ReminderPolicy>,
    pub(super) on_done: Callback<()>,
}

/// The reminder policy, and sending reminders now.
#[component]
pub(super) fn Reminders(props: &RemindersProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    // What is typed, once the user changed something; the loaded policy otherwise.
    let typed = use_state(|| None::<(String, String)>);
    let busy = use_state(|| false);
    let saved = use_state(|| None::<Result<(), Failure>>);
    let queued = use_state(|| None::<Result<u32, Failure>>);
    let problem = use_state(|| None::<Key>);
    let (interval, max) = match (&*typed, &props.policy) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) => (p.interval_hours.to_string(), p.max_reminders.to_string()),
        (None, None) => (String::new(), String::new()),
    };
    let edit = |first: bool| {
        let (typed, interval, max) = (typed.clone(), interval.clone(), max.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            typed.set(Some(if first {
                (v, max.clone())
            } else {
                (interval.clone(), v)
            }));
        })
    };
    let onsubmit = {
        let (ctx, busy, saved, problem, typed, on_done) = (
            ctx.clone(),
            busy.clone(),
            saved.clone(),
            problem.clone(),
            typed.clone(),
            props.on_done.clone(),
        );
        let path = wave_path(&props.slug, "/reminders");
        let (interval, max) = (interval.clone(), max.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let hours = interval
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|h| (1..=720).contains(h));
            let count = max.trim().parse::<u32>().ok().filter(|m| *m <= 10);
            let (Some(interval_hours), Some(max_reminders)) = (hours, count) else {
                problem.set(Some(if hours.is_none() {
                    Key::IntervalRange
                } else {
                    Key::MaxRange
                }));
                return;
            };
            problem.set(None);
            busy.set(true);
            let body = ReminderPolicy {
                interval_hours,
                max_reminders,
            };
            let (ctx, busy, saved, typed, on_done, path) = (
                ctx.clone(),
                busy.clone(),
                saved.clone(),
                typed.clone(),
                on_done.clone(),
                path.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::put::<_, Ignored>(&path, &body, ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        typed.set(None);
                        saved.set(Some(Ok(())));
                        on_done.emit(());
                    }
                    Err(f) => {
                        ctx.failed(&f);
                        saved.set(Some(Err(f)));
                    }
                }
            });
        })
    };
    let send_now = {
        let (ctx, busy, queued, on_done) = (
            ctx.clone(),
            busy.clone(),
            queued.clone(),
            props.on_done.clone(),
        );
        let path = wave_path(&props.slug, "/reminders/send");
        Callback::from(move |_| {
            busy.set(true);
            queued.set(None);
            let (ctx, busy, queued, on_done, path) = (
                ctx.clone(),
                busy.clone(),
                queued.clone(),
                on_done.clone(),
                path.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::post_empty::<RemindersQueued>(&path, ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(r) => {
                        queued.set(Some(Ok(r.queued)));
                        on_done.emit(());
                    }
                    Err(f) => {
                        ctx.failed(&f);
                        queued.set(Some(Err(f)));
                    }
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="reminders-title">
            <h2 id="reminders-title">{ ctx.t(Key::Reminders) }</h2>
            <p class="help">{ ctx.t(Key::RemindersHelp) }</p>
            <form class="stack" {onsubmit}>
                <div class="two">
                    <div>
                        <label for="reminder-interval" class="field-label">{ ctx.t(Key::IntervalHours) }</label>
                        <input id="reminder-interval" class="text" type="number" inputmode="numeric" min="1" max="720"
                            value={interval.clone()} oninput={edit(true)} required=true />
                    </div>
                    <div>
                        <label for="reminder-max" class="field-label">{ ctx.t(Key::MaxReminders) }</label>
                        <input id="reminder-max" class="text" type="number" inputmode="numeric" min="0" max="10"
                            value={max.clone()} oninput={edit(false)} required=true />
                    </div>
                </div>
                if let Some(key) = *problem {
                    <p class="field-error" role="alert">{ ctx.t(key) }</p>
                }
                if let Some(result) = &*saved {
                    if let Err(f) = result {
                        { failure(lang, f, None) }
                    } else {
                        <p id="reminders-saved" class="status ok" role="status">{ ctx.t(Key::Saved) }</p>
                    }
                }
                <button id="reminders-save" type="submit" disabled={*busy}>{ ctx.t(Key::SavePolicy) }</button>
            </form>
            <hr />
            if let Some(result) = &*queued {
                if let Ok(n) = result {
                    <p id="reminders-queued" class="status ok" role="status">
                        { fill(ctx.t(Key::RemindersQueued), &[&n.to_string()]) }
                    </p>
                } else if let Err(f) = result {
                    { failure(lang, f, None) }
                }
            }
            <button id="reminders-send" class="secondary wide" onclick={send_now} disabled={*busy}>
                { ctx.t(Key::SendRemindersNow) }
            </button>
        </section>
    }
}
