//! The breakdown: respondents, headcount and the headline figure per unit (each with its subtree, or the
//! filtered unit's own responses) and per sector.

use serap_shared::i18n::Lang;
use serap_shared::report::WaveReport;
use yew::prelude::*;

use super::charts::count;
use super::summary::headline;
use super::{table, unit_name};
use crate::console::i18n::{Key, t};

pub(super) fn breakdown_view(lang: Lang, r: &WaveReport) -> Html {
    let k = r.k;
    let head = |first: Key| {
        html! { <tr>
            <th scope="col">{ t(lang, first) }</th>
            <th scope="col" class="num">{ t(lang, Key::Respondents) }</th>
            <th scope="col" class="num">{ t(lang, Key::Headcount) }</th>
            <th scope="col">{ t(lang, Key::Headline) }</th>
        </tr> }
    };
    html! {
        <section class="card" aria-labelledby="breakdown-title" id="report-breakdown">
            <h2 id="breakdown-title">{ t(lang, Key::Breakdown) }</h2>
            { table("breakdown-units", t(lang, Key::ByUnit), head(Key::Unit),
                html! { <>{ for r.breakdown.iter().map(|row| html! {
                    <tr key={row.unit.code.clone()}>
                        <th scope="row">{ unit_name(lang, &row.unit.name, row.own_only) }</th>
                        <td class="num">{ count(lang, k, row.group.respondents, row.group.suppressed) }</td>
                        <td class="num">{ row.group.headcount }</td>
                        <td>{ headline(lang, k, &row.group) }</td>
                    </tr>
                }) }</> }) }
            { table("breakdown-sectors", t(lang, Key::BySector), head(Key::Sector),
                html! { <>{ for r.sectors.iter().map(|s| html! {
                    <tr>
                        <th scope="row">{ s.sector.clone().unwrap_or_else(|| t(lang, Key::NoSector).to_owned()) }</th>
                        <td class="num">{ count(lang, k, s.group.respondents, s.group.suppressed) }</td>
                        <td class="num">{ s.group.headcount }</td>
                        <td>{ headline(lang, k, &s.group) }</td>
                    </tr>
                }) }</> }) }
        </section>
    }
}
