//! Reading uploaded CSV files (as exported by SIASN or a spreadsheet): `,` or `;`, UTF-8 with or without
//! BOM, header names in Indonesian or English mapped to fields, and the per-row import report.

use serap_shared::api::{ImportReport, ImportRow};
use serap_shared::error::FieldError;

use crate::error::ApiError;

#[cfg(test)]
mod fuzz;

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
        // The header's line: the reader skips blank lines before it.
        let first_line = text
            .trim_start_matches(['\r', '\n'])
            .lines()
            .next()
            .unwrap_or("");
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
        // The line each record starts on. Not the record's index + 2 (quoted fields may span lines, blank
        // lines are skipped), nor the reader's own line count (it counts a line ending when it reads past it,
        // so after blank lines and `\r\n` it is behind): from the record's byte offset, skip line endings,
        // then count those before it. Incrementally, as records come in file order.
        let bytes = text.as_bytes();
        let (mut counted_to, mut line) = (0usize, 1u32);
        let rows = reader
            .records()
            .map(|r| {
                let position = match &r {
                    Ok(record) => record.position(),
                    Err(e) => e.position(),
                };
                let byte = position.map_or(counted_to, |p| {
                    usize::try_from(p.byte()).unwrap_or(usize::MAX)
                });
                let mut start = byte.clamp(counted_to, bytes.len());
                while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                    start += 1;
                }
                line = line.saturating_add(line_breaks(&bytes[counted_to..start]));
                counted_to = start;
                (line, r.map_err(|e| format!("CSV: {e}")))
            })
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

/// Line breaks in `bytes`, as the csv reader sees them: `\n`, `\r\n` or a lone `\r`.
fn line_breaks(bytes: &[u8]) -> u32 {
    let mut count = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            count = count.saturating_add(1);
        }
    }
    count
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

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(header: &str) -> Option<&'static str> {
        match header {
            "a" => Some("a"),
            "b" => Some("b"),
            _ => None,
        }
    }

    /// `(line, value of a)` per row.
    fn rows(text: &str) -> Vec<(u32, String)> {
        let table = CsvTable::parse(text.as_bytes(), field_of, &["a", "b"]).unwrap();
        table
            .rows
            .iter()
            .map(|(line, r)| (*line, table.get(r.as_ref().unwrap(), "a")))
            .collect()
    }

    // Found by `fuzz_csv_roster_import`: lines were the record's index + 2, wrong after a quoted field
    // spanning lines; the csv reader's own line count is wrong after blank lines and with CRLF.
    #[test]
    fn rows_carry_the_line_they_start_on() {
        let expected = |lines: &[u32]| -> Vec<(u32, String)> {
            lines
                .iter()
                .zip(["1", "2", "3"])
                .map(|(l, v)| (*l, v.to_string()))
                .collect()
        };
        assert_eq!(rows("a,b\n1,x\n2,y\n3,z"), expected(&[2, 3, 4]));
        assert_eq!(rows("a,b\r\n1,x\r\n2,y\r\n3,z\r\n"), expected(&[2, 3, 4]));
        assert_eq!(rows("a,b\r1,x\r2,y\r3,z"), expected(&[2, 3, 4]));
        assert_eq!(
            rows("a,b\n1,\"Baris\nkedua\"\n2,y\n3,z"),
            expected(&[2, 4, 5])
        );
        assert_eq!(rows("a,b\n\n1,x\n\r\n\n2,y\n3,z\n\n"), expected(&[3, 6, 7]));
        assert_eq!(
            rows("\n\na,b\r\n\r\n1,x\r\n2,\"p\r\nq\"\r\n3,z"),
            expected(&[5, 6, 8])
        );
        assert_eq!(rows("\u{feff}a;b\n1;x\n2;y\n3;z"), expected(&[2, 3, 4]));
    }

    // Found by `fuzz_csv_roster_import`: with blank lines before the header, the delimiter was guessed
    // from a blank line (`,`), so a `;` file lost all its columns.
    #[test]
    fn delimiter_comes_from_the_header_after_blank_lines() {
        assert_eq!(rows("\n\r\n\na;b\n1;x"), vec![(5, "1".to_string())]);
    }

    #[test]
    fn unreadable_files_are_errors_on_the_whole_file() {
        for body in [&b"a,b\n\xff,x"[..], b"", b"c,d\n1,2", b"a\n1"] {
            match CsvTable::parse(body, field_of, &["a", "b"]) {
                Err(ApiError::Unprocessable { fields, .. }) => {
                    assert!(fields.iter().all(|f| f.path == "$"), "{body:?}")
                }
                _ => panic!("{body:?} was read"),
            }
        }
    }
}
