//! The home page: what Serap is, and the live service status fetched from `/api/v1/meta`.

use serap_shared::api::ServerInfo;
use yew::prelude::*;

use crate::i18n::{Key, use_lang, wib_display};
use crate::services::api::{self, ApiError};

#[component]
pub fn Home() -> Html {
    let lang = use_lang();
    let info = use_state(|| None::<Result<ServerInfo, ApiError>>);
    let reload = use_state(|| 0u32);
    {
        let info = info.clone();
        use_effect_with(*reload, move |_| {
            info.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                info.set(Some(api::get::<ServerInfo>("/api/v1/meta").await));
            });
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let status = match &*info {
        None => html! { <p class="status" role="status">{ lang.t(Key::Loading) }</p> },
        Some(Err(_)) => html! {
            <div class="error" role="alert">
                <p>{ lang.t(Key::LoadFailed) }</p>
                <button onclick={retry}>{ lang.t(Key::Retry) }</button>
            </div>
        },
        Some(Ok(info)) => {
            let (db_class, db_text) = if info.database_ok {
                ("ok", lang.t(Key::Connected))
            } else {
                ("bad", lang.t(Key::NotConnected))
            };
            html! {
                <dl class="facts" id="server-info">
                    <dt>{ lang.t(Key::Version) }</dt>
                    <dd id="server-version">{ format!("{} {}", info.name, info.version) }</dd>
                    <dt>{ lang.t(Key::Database) }</dt>
                    <dd id="server-database" class={db_class}>{ format!("{} ({db_text})", info.database) }</dd>
                    <dt>{ lang.t(Key::LiveUpdates) }</dt>
                    <dd>{ info.bus.clone() }</dd>
                    <dt>{ lang.t(Key::Mail) }</dt>
                    <dd>{ info.mail.clone() }</dd>
                    <dt>{ lang.t(Key::ServerTime) }</dt>
                    <dd>{ wib_display(&info.time_wib) }</dd>
                </dl>
            }
        }
    };
    html! {
        <>
            <h1 id="home-title">{ lang.t(Key::HomeTitle) }</h1>
            <p class="lead">{ lang.t(Key::HomeLead) }</p>
            <section class="card" aria-labelledby="status-title">
                <h2 id="status-title">{ lang.t(Key::ServiceStatus) }</h2>
                { status }
            </section>
        </>
    }
}
