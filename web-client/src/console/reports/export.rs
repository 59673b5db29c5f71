//! The downloads: the report as CSV and XLSX (`report::export_rows` on the server) with the current
//! filters, and the raw responses of an identified wave for admins.

use serap_shared::api::{Anonymity, Wave};
use yew::prelude::*;

use super::filters::query;
use crate::console::Ctx;
use crate::console::i18n::Key;
use crate::console::widgets::wave_path;

/// Plain links to the exports, with the current filters.
pub(super) fn downloads(
    ctx: &Ctx,
    slug: &str,
    unit: &str,
    sector: &str,
    wave: Option<&Wave>,
) -> Html {
    let q = query(unit, sector, Some(ctx.lang));
    let raw = ctx.is_admin() && wave.is_some_and(|w| w.anonymity == Anonymity::Identified);
    html! {
        <nav class="downloads" aria-labelledby="downloads-title">
            <h2 id="downloads-title" class="sr-only">{ ctx.t(Key::Downloads) }</h2>
            <a id="report-export-csv" class="button secondary" href={wave_path(slug, "/report.csv") + &q} download="">
                { ctx.t(Key::ExportCsv) }
            </a>
            <a id="report-export-xlsx" class="button secondary" href={wave_path(slug, "/report.xlsx") + &q} download="">
                { ctx.t(Key::ExportXlsx) }
            </a>
            if raw {
                <a id="report-export-raw" class="button secondary" href={wave_path(slug, "/responses.csv")} download="">
                    { ctx.t(Key::ExportRaw) }
                </a>
            }
        </nav>
    }
}
