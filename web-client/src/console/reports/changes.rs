//! The change of each headline indicator from the previous wave.

use serap_shared::i18n::Lang;
use serap_shared::report::WaveReport;
use yew::prelude::*;

use super::charts::num;
use super::{opt, table};
use crate::console::i18n::{Key, t};

pub(super) fn changes_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(changes) = r.changes.as_ref().filter(|c| !c.is_empty()) else {
        return Html::default();
    };
    html! {
        <section class="card" aria-labelledby="changes-title" id="report-changes">
            <h2 id="changes-title">{ t(lang, Key::Changes) }</h2>
            { table("changes-table", t(lang, Key::Changes),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Indicator) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Previous) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Current) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Change) }</th>
                </tr> },
                html! { <>{ for changes.iter().map(|c| {
                    let (arrow, class) = match c.change {
                        Some(d) if d > 0.0 => ("▲ +", "ok"),
                        Some(d) if d < 0.0 => ("▼ ", "bad"),
                        _ => ("", ""),
                    };
                    html! {
                        <tr key={c.indicator.clone()}>
                            <th scope="row">{ c.label.get(lang).to_owned() }</th>
                            <td class="num">{ opt(lang, c.previous, 2) }</td>
                            <td class="num">{ opt(lang, c.current, 2) }</td>
                            <td class={classes!("num", (!class.is_empty()).then_some(class))}>
                                { c.change.map_or_else(|| "–".to_owned(), |d| format!("{arrow}{}", num(lang, d, 2))) }
                            </td>
                        </tr>
                    }
                }) }</> }) }
        </section>
    }
}
