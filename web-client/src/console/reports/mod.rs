//! The dashboard, for every report role (admin, manager, leader, viewer): `/console/reports` lists the
//! waves with their response rates; `/console/waves/<slug>/report` shows one wave's report as the server
//! built it for the caller's scope (`WaveReport`: the threshold is applied there, the console only draws
//! what it got), with filters, downloads and live updates by Server-Sent Events.
//!
//! The views follow the report engine's modules (`serap_shared::report`):
//!
//! - `list`: the waves to report on, with their invitation response rates;
//! - `page`: one wave's report, fetched for the filters and again on every live notice, and its layout;
//! - `filters` and `export`: the unit and sector selects, and the download links with the same filters;
//! - `summary`: the summary cards and each group's headline figure;
//! - `questions`: one chart per question (`report::questions`), drawn with `charts`;
//! - `analyses`: the domain analyses (`report::analyses`): SKM, socialisation, competency, staffing,
//!   training;
//! - `breakdown`, `changes`, `comments`: the rows per unit and sector, the change from the previous wave,
//!   the released comments.

mod analyses;
mod breakdown;
mod changes;
mod charts;
mod comments;
mod export;
mod filters;
mod list;
mod page;
mod questions;
mod summary;

use serap_shared::i18n::Lang;
use yew::prelude::*;

use super::i18n::{Key, t};
use charts::num;

pub use list::ReportList;
pub use page::ReportPage;

/// A report table with its caption, scrolling sideways on a small screen.
pub(super) fn table(id: &str, caption: &str, head: Html, body: Html) -> Html {
    html! {
        <div class="table-wrap report-table" tabindex="0" role="region" aria-label={caption.to_owned()}>
            <table id={id.to_owned()}>
                <caption>{ caption.to_owned() }</caption>
                <thead>{ head }</thead>
                <tbody>{ body }</tbody>
            </table>
        </div>
    }
}

/// A figure with `decimals` decimals, or a dash when there is none.
pub(super) fn opt(lang: Lang, x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "–".to_owned(), |x| num(lang, x, decimals))
}

/// A unit's name, marked when the row counts only the unit's own responses (not its subtree's).
pub(super) fn unit_name(lang: Lang, name: &str, own_only: bool) -> Html {
    html! {
        <>
            { name.to_owned() }
            if own_only {
                <span class="muted small">{ " (" }{ t(lang, Key::OwnOnly) }{ ")" }</span>
            }
        </>
    }
}
