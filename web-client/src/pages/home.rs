//! The home page: what Serap is, and the live service status fetched from `/api/v1/meta`. Not a component of
//! its own (each component type costs code in the wasm): the app keeps the status with `use_status`.

use serap_shared::api::ServerInfo;
use serap_shared::i18n::Lang;
use yew::prelude::*;

use crate::i18n::{Key, t, wib_display};
use crate::services::api::{self, ApiError};

/// The service status: `None` while loading.
pub type Status = Option<Result<ServerInfo, ApiError>>;

/// The status, fetched each time the home page is shown (`active`) and on retry; and the retry callback.
#[hook]
pub fn use_status(active: bool) -> (UseStateHandle<Status>, Callback<MouseEvent>) {
    let info = use_state(|| None);
    let reload = use_state(|| 0u32);
    {
        let info = info.clone();
        use_effect_with((active, *reload), move |(active, _)| {
            if *active {
                info.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    info.set(Some(api::get::<ServerInfo>("/api/v1/meta").await));
                });
            }
        });
    }
    let retry = Callback::from(move |_| reload.set(*reload + 1));
    (info, retry)
}

pub fn home(lang: Lang, info: &Status, retry: Callback<MouseEvent>) -> Html {
    let status = match info {
        None => html! { <p class="status" role="status">{ t(lang, Key::Loading) }</p> },
        Some(Err(_)) => html! {
            <div class="error" role="alert">
                <p>{ t(lang, Key::LoadFailed) }</p>
                <button onclick={retry}>{ t(lang, Key::Retry) }</button>
            </div>
        },
        Some(Ok(info)) => {
            let (db_class, db_text) = if info.database_ok {
                ("ok", t(lang, Key::Connected))
            } else {
                ("bad", t(lang, Key::NotConnected))
            };
            html! {
                <dl class="facts" id="server-info">
                    <dt>{ t(lang, Key::Version) }</dt>
                    <dd id="server-version">{ format!("{} {}", info.name, info.version) }</dd>
                    <dt>{ t(lang, Key::Database) }</dt>
                    <dd id="server-database" class={db_class}>{ format!("{} ({db_text})", info.database) }</dd>
                    <dt>{ t(lang, Key::LiveUpdates) }</dt>
                    <dd>{ info.bus.clone() }</dd>
                    <dt>{ t(lang, Key::Mail) }</dt>
                    <dd>{ info.mail.clone() }</dd>
                    <dt>{ t(lang, Key::ServerTime) }</dt>
                    <dd>{ wib_display(&info.time_wib) }</dd>
                </dl>
            }
        }
    };
    html! {
        <>
            <h1 id="home-title">{ t(lang, Key::HomeTitle) }</h1>
            <p class="lead">{ t(lang, Key::HomeLead) }</p>
            <section class="card" aria-labelledby="status-title">
                <h2 id="status-title">{ t(lang, Key::ServiceStatus) }</h2>
                { status }
            </section>
        </>
    }
}
