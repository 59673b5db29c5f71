//! A report's figures as a file to download, CSV or Excel, with the same suppression as the report itself
//! (`export_rows` of the shared engine). Exports are audited: who exported which wave.

use serap_shared::api::ReportQuery;
use serap_shared::report::export_rows;

use crate::access::scope::Scope;
use crate::error::ApiError;
use crate::reports::report::report_of;
use crate::state::AppState;

/// The formats a report is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// UTF-8 with BOM, `;` between fields: what spreadsheets in Indonesian locales open as is.
    Csv,
    Xlsx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The action the audit log records.
    fn action(self) -> &'static str {
        match self {
            Format::Csv => "export.report_csv",
            Format::Xlsx => "export.report_xlsx",
        }
    }
}

/// A file to download.
#[derive(Debug)]
pub struct Export {
    pub file_name: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The report of wave `slug` as `scope` may see it, filtered by `query`, as a `format` file. Audited as
/// `actor` when there is one.
pub async fn export_report(
    state: &AppState,
    scope: &Scope,
    actor: Option<&str>,
    slug: &str,
    query: &ReportQuery,
    format: Format,
) -> Result<Export, ApiError> {
    let (wave, report) = report_of(state, scope, slug, query).await?;
    let table = export_rows(&report, query.lang);
    let body = match format {
        Format::Csv => csv(&table)?,
        Format::Xlsx => tokio::task::spawn_blocking(move || xlsx(&table))
            .await
            .map_err(anyhow::Error::from)??,
    };
    if let Some(actor) = actor {
        crate::infra::audit::audit(
            &state.db,
            actor,
            format.action(),
            &wave.slug,
            serde_json::json!({}),
        )
        .await?;
    }
    Ok(Export {
        file_name: format!("laporan-{}.{}", wave.slug, format.extension()),
        content_type: format.content_type(),
        body,
    })
}

fn csv(table: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in table {
        writer.write_record(row).map_err(anyhow::Error::from)?;
    }
    Ok(writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("csv: {e}"))?)
}

/// One worksheet: the header row in bold, numbers as numbers.
fn xlsx(table: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let fail = |e: rust_xlsxwriter::XlsxError| ApiError::from(anyhow::anyhow!("xlsx: {e}"));
    for (r, row) in table.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if r == 0 {
                sheet
                    .write_string_with_format(r, c, cell, &bold)
                    .map_err(fail)?;
            } else if let Ok(n) = cell.parse::<f64>() {
                sheet.write_number(r, c, n).map_err(fail)?;
            } else {
                sheet.write_string(r, c, cell).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_exports_start_with_a_bom_and_use_semicolons() {
        let table = vec![
            vec!["unit".to_string(), "nilai".to_string()],
            vec!["Dinas; Kesehatan".to_string(), "3,25".to_string()],
        ];
        let body = csv(&table).unwrap();
        assert_eq!(
            body,
            "\u{feff}unit;nilai\n\"Dinas; Kesehatan\";3,25\n".as_bytes()
        );
        assert_eq!(Format::Csv.action(), "export.report_csv");
        assert!(xlsx(&table).unwrap().starts_with(b"PK"));
    }
}
