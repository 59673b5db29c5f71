//! Reading uploaded CSV files (as exported by SIASN or a spreadsheet): `,` or `;`, UTF-8 with or without
//! BOM, header names in Indonesian or English mapped to fields, and the per-row import report.

use serap_shared::api::{ImportReport, ImportRow};
use serap_shared::error::FieldError;

use crate::error::ApiError;

/// A parsed file: which field each column holds, and the data rows with their line numbers.
pub struct CsvTable {
    columns: Vec<Option<&'static str>>,
    pub rows: Vec<(u32, Result<csv::StringRecord, String>)>,
}

impl CsvTable {
    /// Parses `body`; `field_of` maps a header (lowercased, trimmed) to a field name. Every field in
    /// `required` must have a column.
    pub fn parse(
        body: &[u8],
        field_of: fn(&str) -> Option<&'static str>,
        required: &[&str],
    ) -> Result<CsvTable, ApiError> {
        let text = std::str::from_utf8(body).map_err(|_| {
            ApiError::validation(vec![FieldError::new(
                "$",
                "berkas harus UTF-8 / file must be UTF-8",
            )])
        })?;
        let text = text.trim_start_matches('\u{feff}');
        let first_line = text.lines().next().unwrap_or("");
        let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| ApiError::validation(vec![FieldError::new("$", format!("CSV: {e}"))]))?
            .clone();
        let columns: Vec<Option<&'static str>> = headers
            .iter()
            .map(|h| field_of(h.trim().to_lowercase().as_str()))
            .collect();
        let missing: Vec<FieldError> = required
            .iter()
            .filter(|field| !columns.contains(&Some(**field)))
            .map(|field| {
                FieldError::new(
                    "$",
                    format!("kolom wajib tidak ada / missing column: {field}"),
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::validation(missing));
        }
        let rows = reader
            .records()
            .enumerate()
            .map(|(i, r)| (i as u32 + 2, r.map_err(|e| format!("CSV: {e}"))))
            .collect();
        Ok(CsvTable { columns, rows })
    }

    /// The value of `field` in `record` ("" when the column is absent or the row is short).
    pub fn get(&self, record: &csv::StringRecord, field: &str) -> String {
        self.columns
            .iter()
            .position(|c| *c == Some(field))
            .and_then(|i| record.get(i))
            .unwrap_or("")
            .trim()
            .to_string()
    }
}

/// A report with one row per line; `tally` fills in the totals.
pub fn new_report(dry_run: bool) -> ImportReport {
    ImportReport {
        dry_run,
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        rows: Vec::new(),
    }
}

pub fn reject(line: u32, key: String, problems: Vec<String>) -> ImportRow {
    ImportRow {
        line,
        key,
        action: "rejected".into(),
        problems,
    }
}

/// Counts the actions; rows with problems become `rejected`.
pub fn tally(report: &mut ImportReport) {
    let (mut created, mut updated, mut unchanged, mut rejected) = (0, 0, 0, 0);
    for row in &mut report.rows {
        if !row.problems.is_empty() {
            row.action = "rejected".into();
        }
        match row.action.as_str() {
            "create" => created += 1,
            "update" => updated += 1,
            "unchanged" => unchanged += 1,
            _ => rejected += 1,
        }
    }
    report.created = created;
    report.updated = updated;
    report.unchanged = unchanged;
    report.rejected = rejected;
}
