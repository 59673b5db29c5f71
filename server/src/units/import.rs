//! The CSV import of units: every row checked (fields, duplicates in the file, unknown parents, cycles in
//! the tree it would make) and planned as create, update or unchanged; then, unless it is a dry run or a
//! row is rejected, written all or nothing in one transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serap_shared::api::{CreateUnit, ImportReport, ImportRow, NewUnit};
use serde::Deserialize;
use uuid::Uuid;

use crate::entities::org_unit;
use crate::error::ApiError;
use crate::infra::csv::{CsvTable, new_report, reject, tally};
use crate::state::AppState;

/// The query of a CSV import (units, roster).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Report what would happen without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// Header names accepted for each field (Indonesian or English, any case).
pub(super) fn field_of(header: &str) -> Option<&'static str> {
    match header {
        "code" | "kode" | "kode_unit" | "kode unit" => Some("code"),
        "name" | "nama" | "nama_unit" | "nama unit" => Some("name"),
        "kind" | "jenis" | "tipe" | "type" => Some("kind"),
        "sector" | "sektor" | "bidang_urusan" => Some("sector"),
        "parent" | "parent_code" | "induk" | "kode_induk" | "kode induk" => Some("parent_code"),
        _ => None,
    }
}

/// Imports the units of the CSV file `body`, audited as `actor`: what was (or, in a dry run, would be)
/// done per row. Nothing is written when any row is rejected. 422 when the file is unreadable or lacks
/// the code, name or kind column.
pub async fn import_csv(
    state: &AppState,
    dry_run: bool,
    body: &[u8],
    actor: &str,
) -> Result<ImportReport, ApiError> {
    let table = CsvTable::parse(body, field_of, &["code", "name", "kind"])?;
    let existing: HashMap<String, org_unit::Model> = org_unit::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let (report, parsed) = plan(&table, &existing, dry_run);
    if dry_run || report.rejected > 0 {
        return Ok(report);
    }
    write(state, &existing, &parsed, &report, actor).await?;
    Ok(report)
}

/// The code of the parent of `unit`, among `existing`.
fn parent_code(
    unit: &org_unit::Model,
    existing: &HashMap<String, org_unit::Model>,
) -> Option<String> {
    unit.parent_id
        .and_then(|pid| existing.values().find(|p| p.id == pid))
        .map(|p| p.code.clone())
}

/// The report of importing `table` over the units `existing` (counted, nothing written yet), and each
/// readable row's unit by line.
fn plan(
    table: &CsvTable,
    existing: &HashMap<String, org_unit::Model>,
    dry_run: bool,
) -> (ImportReport, Vec<(u32, CreateUnit)>) {
    let mut parsed: Vec<(u32, CreateUnit)> = Vec::new();
    let mut report = new_report(dry_run);
    let mut in_file: BTreeMap<String, u32> = BTreeMap::new();
    for (line, record) in &table.rows {
        let line = *line;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report
                    .rows
                    .push(reject(line, String::new(), vec![e.clone()]));
                continue;
            }
        };
        let input = CreateUnit {
            code: table.get(record, "code"),
            name: table.get(record, "name"),
            kind: table.get(record, "kind"),
            sector: Some(table.get(record, "sector")).filter(|s| !s.is_empty()),
            parent_code: Some(table.get(record, "parent_code")).filter(|s| !s.is_empty()),
        };
        let mut problems: Vec<String> = NewUnit::parse(&input)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect();
        if let Some(earlier) = in_file.insert(input.code.clone(), line) {
            problems.push(format!(
                "kode ganda, lihat baris {earlier} / duplicate code, see line {earlier}"
            ));
        }
        report.rows.push(ImportRow {
            line,
            key: input.code.clone(),
            action: String::new(),
            problems,
        });
        parsed.push((line, input));
    }
    // Parents must exist already or come from the same file.
    for (line, input) in &parsed {
        if let Some(parent) = &input.parent_code
            && !existing.contains_key(parent)
            && !in_file.contains_key(parent)
            && let Some(row) = report.rows.iter_mut().find(|r| r.line == *line)
        {
            row.problems.push(format!(
                "unit induk tidak dikenal / unknown parent: {parent}"
            ));
        }
    }
    // The tree after the import must have no cycles (a unit its own ancestor).
    let mut parent_of: HashMap<String, Option<String>> = existing
        .values()
        .map(|u| (u.code.clone(), parent_code(u, existing)))
        .collect();
    for (_, input) in &parsed {
        parent_of.insert(input.code.clone(), input.parent_code.clone());
    }
    for (line, input) in &parsed {
        let mut seen = HashSet::new();
        let mut cursor = Some(input.code.clone());
        while let Some(code) = cursor {
            if !seen.insert(code.clone()) {
                if let Some(row) = report.rows.iter_mut().find(|r| r.line == *line) {
                    row.problems.push(
                        "unit menjadi induk dari dirinya sendiri (siklus) / the unit would be its own ancestor (cycle)"
                            .into(),
                    );
                }
                break;
            }
            cursor = parent_of.get(&code).cloned().flatten();
        }
    }
    for row in &mut report.rows {
        if !row.problems.is_empty() || row.action == "rejected" {
            continue;
        }
        let input = &parsed
            .iter()
            .find(|(l, _)| *l == row.line)
            .expect("parsed row")
            .1;
        row.action = match existing.get(&input.code) {
            None => "create",
            Some(u) => {
                if u.name == input.name.trim()
                    && u.kind == input.kind.trim()
                    && u.sector == input.sector
                    && parent_code(u, existing) == input.parent_code
                {
                    "unchanged"
                } else {
                    "update"
                }
            }
        }
        .into();
    }
    tally(&mut report);
    (report, parsed)
}

/// Writes the units `report` plans to create or update, all or nothing: units first (without parents),
/// then parents, in one transaction with the audit entry.
async fn write(
    state: &AppState,
    existing: &HashMap<String, org_unit::Model>,
    parsed: &[(u32, CreateUnit)],
    report: &ImportReport,
    actor: &str,
) -> Result<(), ApiError> {
    let action_of = |line: u32| {
        report
            .rows
            .iter()
            .find(|r| r.line == line)
            .map(|r| r.action.as_str())
    };
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let mut ids: HashMap<String, Uuid> = existing.iter().map(|(c, u)| (c.clone(), u.id)).collect();
    for (line, input) in parsed {
        match action_of(*line) {
            Some("create") => {
                let id = Uuid::new_v4();
                ids.insert(input.code.clone(), id);
                org_unit::ActiveModel {
                    id: Set(id),
                    parent_id: Set(None),
                    code: Set(input.code.clone()),
                    name: Set(input.name.trim().to_string()),
                    kind: Set(input.kind.trim().to_string()),
                    sector: Set(input.sector.clone()),
                    created_at: Set(Utc::now()),
                }
                .insert(&txn)
                .await?;
            }
            Some("update") => {
                let mut unit: org_unit::ActiveModel = existing[&input.code].clone().into();
                unit.name = Set(input.name.trim().to_string());
                unit.kind = Set(input.kind.trim().to_string());
                unit.sector = Set(input.sector.clone());
                unit.update(&txn).await?;
            }
            _ => {}
        }
    }
    for (line, input) in parsed {
        if matches!(action_of(*line), Some("create") | Some("update")) {
            let parent = input.parent_code.as_ref().and_then(|p| ids.get(p).copied());
            org_unit::Entity::update_many()
                .col_expr(
                    org_unit::Column::ParentId,
                    sea_orm::sea_query::Expr::value(parent),
                )
                .filter(org_unit::Column::Code.eq(input.code.as_str()))
                .exec(&txn)
                .await?;
        }
    }
    crate::infra::audit::audit(
        &txn,
        actor,
        "unit.import",
        "units",
        serde_json::json!({"created": report.created, "updated": report.updated}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing(units: &[(&str, Option<&str>)]) -> HashMap<String, org_unit::Model> {
        let ids: HashMap<&str, Uuid> = units.iter().map(|(c, _)| (*c, Uuid::new_v4())).collect();
        units
            .iter()
            .map(|(code, parent)| {
                let model = org_unit::Model {
                    id: ids[code],
                    parent_id: parent.map(|p| ids[p]),
                    code: code.to_string(),
                    name: format!("Unit {code}"),
                    kind: "dinas".into(),
                    sector: None,
                    created_at: Utc::now(),
                };
                (code.to_string(), model)
            })
            .collect()
    }

    fn planned(csv: &str, existing: &HashMap<String, org_unit::Model>) -> ImportReport {
        let table = CsvTable::parse(csv.as_bytes(), field_of, &["code", "name", "kind"]).unwrap();
        plan(&table, existing, true).0
    }

    #[test]
    fn rows_are_planned_against_the_units_there_are() {
        let there = existing(&[("3673", None), ("DINKES", Some("3673"))]);
        let report = planned(
            "kode;nama;jenis;induk\n\
             DINKES;Unit DINKES;dinas;3673\n\
             DINSOS;Dinas Sosial;dinas;3673\n\
             3673;Pemerintah Kota Serang;pemda;\n",
            &there,
        );
        let actions: Vec<&str> = report.rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["unchanged", "create", "update"]);
        assert_eq!(
            (
                report.created,
                report.updated,
                report.unchanged,
                report.rejected
            ),
            (1, 1, 1, 0)
        );
    }

    #[test]
    fn invalid_duplicate_orphan_and_cyclic_rows_are_rejected() {
        let there = existing(&[("A", None)]);
        let report = planned(
            "code,name,kind,parent_code\n\
             bad code!,X,upt,\n\
             B,B,upt,NOPE\n\
             A,A,upt,C\n\
             C,C,upt,A\n\
             D,D,upt,\n\
             D,D2,upt,\n",
            &there,
        );
        let actions: Vec<&str> = report.rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "rejected", "rejected", "rejected", "rejected", "create", "rejected"
            ]
        );
        let first = |i: usize| report.rows[i].problems[0].as_str();
        assert!(first(0).starts_with("code: "), "{report:?}");
        assert!(first(1).contains("unknown parent: NOPE"), "{report:?}");
        assert!(
            first(2).contains("(cycle)") && first(3).contains("(cycle)"),
            "{report:?}"
        );
        assert!(
            first(5).contains("duplicate code, see line 6"),
            "{report:?}"
        );
    }
}
