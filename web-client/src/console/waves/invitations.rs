//! A wave's invitations: the names of their states and deliveries, and the table of invitations filtered by
//! state.

use serap_shared::api::InvitationList;
use serap_shared::i18n::Lang;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::console::api::Load;
use crate::console::i18n::{Key, t};
use crate::console::use_ctx;

pub(super) fn state_label(lang: Lang, state: &str) -> String {
    let key = match state {
        "open" => Key::StateOpen,
        "answered" => Key::StateAnswered,
        "expired" => Key::StateExpired,
        "opened" => Key::StateOpened,
        "not_opened" => Key::StateNotOpened,
        other => return other.to_owned(),
    };
    t(lang, key).to_owned()
}

pub(super) fn delivery_label(lang: Lang, delivery: &str) -> String {
    let key = match delivery {
        "pending" => Key::DeliveryPending,
        "sending" => Key::DeliverySending,
        "sent" => Key::DeliverySent,
        "failed" => Key::DeliveryFailed,
        other => return other.to_owned(),
    };
    t(lang, key).to_owned()
}

const STATES: [&str; 3] = ["open", "answered", "expired"];
/// Anonymous waves: the server knows who opened their link (was issued a credential), not who answered.
const ANONYMOUS_STATES: [&str; 3] = ["not_opened", "opened", "expired"];

pub(super) fn states_of(anonymous: bool) -> &'static [&'static str; 3] {
    if anonymous {
        &ANONYMOUS_STATES
    } else {
        &STATES
    }
}
pub(super) const DELIVERIES: [&str; 4] = ["pending", "sending", "sent", "failed"];

#[derive(Properties, PartialEq)]
pub(super) struct TableProps {
    pub(super) list: Load<InvitationList>,
    pub(super) anonymous: bool,
}

/// The invitations, filtered by state.
#[component]
pub(super) fn InvitationTable(props: &TableProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let filter = use_state(String::new);
    let Some(Ok(list)) = &props.list else {
        return Html::default();
    };
    if list.invitations.is_empty() {
        return html! { <p class="muted">{ ctx.t(Key::NoInvitationsYet) }</p> };
    }
    let onchange = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            filter.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let rows = list
        .invitations
        .iter()
        .filter(|i| filter.is_empty() || i.state == *filter);
    html! {
        <>
            <label for="invitation-filter" class="field-label">{ ctx.t(Key::ShowState) }</label>
            <select id="invitation-filter" class="text" {onchange}>
                <option value="" selected={filter.is_empty()}>{ ctx.t(Key::All) }</option>
                { for states_of(props.anonymous).iter().map(|s| html! {
                    <option value={*s} selected={*filter == *s}>{ state_label(lang, s) }</option>
                }) }
            </select>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="list-title">
                <table id="invitation-table">
                    <thead>
                        <tr>
                            <th scope="col">{ ctx.t(Key::Name) }</th>
                            <th scope="col">{ ctx.t(Key::Unit) }</th>
                            <th scope="col">{ ctx.t(if props.anonymous { Key::OpenedColumn } else { Key::Answer }) }</th>
                            <th scope="col">{ ctx.t(Key::Delivery) }</th>
                            <th scope="col" class="num">{ ctx.t(Key::RemindersSent) }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for rows.map(|i| html! {
                            <tr key={i.id.to_string()}>
                                <td>{ i.person_name.clone() }<br /><span class="muted small email">{ i.email.clone() }</span></td>
                                <td>{ i.unit_code.clone() }</td>
                                <td>{ state_label(lang, &i.state) }</td>
                                <td class={classes!((i.delivery == "failed").then_some("bad"))}>{ delivery_label(lang, &i.delivery) }</td>
                                <td class="num">{ i.reminders_sent }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}
