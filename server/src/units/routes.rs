//! Organisation units: the tree (public, respondents pick their unit), creation and CSV import (admin).

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serap_shared::api::{CreateUnit, ImportReport, ImportRow, Unit};
use serap_shared::error::{ErrorBody, FieldError};
use serde::Deserialize;
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::entities::org_unit;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::roster::csv::{CsvTable, new_report, reject, tally};
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let list = endpoint!(get, "api" / "v1" / "units")
        .and(with_state(state.clone()))
        .then(list_units)
        .map(respond);
    let create = endpoint!(post, "api" / "v1" / "units")
        .and(caller(state.clone()))
        .and(json_body::<CreateUnit>(state.settings.max_body_bytes))
        .and(with_state(state.clone()))
        .then(create_unit)
        .map(respond);
    let import = endpoint!(post, "api" / "v1" / "units" / "import")
        .and(caller(state.clone()))
        .and(warp::query::<ImportQuery>())
        .and(crate::http::body_bytes(state.settings.max_body_bytes * 8))
        .and(with_state(state))
        .then(import_units)
        .map(respond);
    list.or(create).unify().or(import).unify().boxed()
}

/// Every unit, parents before children, siblings by code.
pub async fn all_units<C: ConnectionTrait>(db: &C) -> Result<Vec<Unit>, ApiError> {
    let rows = org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?;
    let mut children: HashMap<Option<Uuid>, Vec<org_unit::Model>> = HashMap::new();
    for row in rows {
        children.entry(row.parent_id).or_default().push(row);
    }
    let mut out = Vec::new();
    let mut stack: Vec<org_unit::Model> = children.remove(&None).unwrap_or_default();
    stack.reverse();
    while let Some(unit) = stack.pop() {
        if let Some(mut kids) = children.remove(&Some(unit.id)) {
            kids.reverse();
            stack.extend(kids);
        }
        out.push(unit.into());
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units",
    responses((status = 200, description = "The unit tree, parents before children", body = [Unit])))]
pub async fn list_units(state: AppState) -> Result<Response, ApiError> {
    Ok(warp::reply::json(&all_units(&state.db).await?).into_response())
}

fn valid_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// Problems with one unit's fields, as `(field, message)`.
fn unit_problems(input: &CreateUnit) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if !valid_code(input.code.trim()) {
        problems.push((
            "code",
            "kode 1-40 huruf/angka/-/_/. / code: 1-40 letters, digits, - _ .".to_string(),
        ));
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push((
            "name",
            "nama wajib, maks. 200 / name required, max 200".into(),
        ));
    }
    let kind = input.kind.trim();
    if kind.is_empty() || kind.len() > 40 {
        problems.push((
            "kind",
            "jenis wajib, maks. 40 / kind required, max 40".into(),
        ));
    }
    if input.sector.as_deref().is_some_and(|s| s.trim().len() > 40) {
        problems.push(("sector", "sektor maks. 40 / sector max 40".into()));
    }
    problems
}

#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = CreateUnit,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Created", body = Unit),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 409, description = "Code already used", body = ErrorBody),
        (status = 422, description = "Invalid fields or unknown parent", body = ErrorBody)))]
pub async fn create_unit(
    caller: Caller,
    input: CreateUnit,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let problems = unit_problems(&input);
    if !problems.is_empty() {
        return Err(ApiError::validation(
            problems
                .into_iter()
                .map(|(p, m)| FieldError::new(p, m))
                .collect(),
        ));
    }
    let parent_id = match input.parent_code.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => Some(
            org_unit::Entity::find()
                .filter(org_unit::Column::Code.eq(code))
                .one(&state.db)
                .await?
                .ok_or_else(|| {
                    ApiError::validation(vec![FieldError::new(
                        "parent_code",
                        "unit induk tidak dikenal / unknown parent unit",
                    )])
                })?
                .id,
        ),
        _ => None,
    };
    let model = org_unit::ActiveModel {
        id: Set(Uuid::new_v4()),
        parent_id: Set(parent_id),
        code: Set(input.code.trim().to_string()),
        name: Set(input.name.trim().to_string()),
        kind: Set(input.kind.trim().to_string()),
        sector: Set(input
            .sector
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())),
        created_at: Set(Utc::now()),
    };
    let created = model.insert(&state.db).await.map_err(|err| {
        ApiError::unique(
            err,
            "code",
            "kode unit sudah dipakai / unit code already used",
        )
    })?;
    crate::access::audit(
        &state.db,
        &actor,
        "unit.create",
        &created.code,
        serde_json::json!({}),
    )
    .await?;
    Ok(
        warp::reply::with_status(warp::reply::json(&Unit::from(created)), StatusCode::CREATED)
            .into_response(),
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Report what would happen without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// Header names accepted for each field (Indonesian or English, any case).
fn field_of(header: &str) -> Option<&'static str> {
    match header {
        "code" | "kode" | "kode_unit" | "kode unit" => Some("code"),
        "name" | "nama" | "nama_unit" | "nama unit" => Some("name"),
        "kind" | "jenis" | "tipe" | "type" => Some("kind"),
        "sector" | "sektor" | "bidang_urusan" => Some("sector"),
        "parent" | "parent_code" | "induk" | "kode_induk" | "kode induk" => Some("parent_code"),
        _ => None,
    }
}

#[utoipa::path(post, path = "/api/v1/units/import", tag = "units",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "CSV (`,` or `;`, UTF-8 with or without BOM) with columns code/kode, name/nama, kind/jenis, sector/sektor, parent_code/induk"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) done per row; nothing is written when any row is rejected", body = ImportReport),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 413, description = "File too large", body = ErrorBody),
        (status = 422, description = "Unreadable CSV or missing columns", body = ErrorBody)))]
pub async fn import_units(
    caller: Caller,
    query: ImportQuery,
    body: bytes::Bytes,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let table = CsvTable::parse(&body, field_of, &["code", "name", "kind"])?;
    let existing: HashMap<String, org_unit::Model> = org_unit::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let mut parsed: Vec<(u32, CreateUnit)> = Vec::new();
    let mut report = new_report(query.dry_run);
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
        let mut problems: Vec<String> = unit_problems(&input)
            .into_iter()
            .map(|(field, message)| format!("{field}: {message}"))
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
        .map(|u| {
            let parent = u
                .parent_id
                .and_then(|pid| existing.values().find(|p| p.id == pid))
                .map(|p| p.code.clone());
            (u.code.clone(), parent)
        })
        .collect();
    for (_, input) in &parsed {
        parent_of.insert(input.code.clone(), input.parent_code.clone());
    }
    for (line, input) in &parsed {
        let mut seen = std::collections::HashSet::new();
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
                let parent_code = u
                    .parent_id
                    .and_then(|pid| existing.values().find(|p| p.id == pid))
                    .map(|p| p.code.clone());
                if u.name == input.name.trim()
                    && u.kind == input.kind.trim()
                    && u.sector == input.sector
                    && parent_code == input.parent_code
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
    if query.dry_run || report.rejected > 0 {
        return Ok(warp::reply::json(&report).into_response());
    }
    // All or nothing: units first (without parents), then parents, in one transaction.
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let mut ids: HashMap<String, Uuid> = existing.iter().map(|(c, u)| (c.clone(), u.id)).collect();
    for (line, input) in &parsed {
        let action = report
            .rows
            .iter()
            .find(|r| r.line == *line)
            .map(|r| r.action.as_str());
        match action {
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
    for (line, input) in &parsed {
        let action = report
            .rows
            .iter()
            .find(|r| r.line == *line)
            .map(|r| r.action.as_str());
        if matches!(action, Some("create") | Some("update")) {
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
    crate::access::audit(
        &txn,
        &actor,
        "unit.import",
        "units",
        serde_json::json!({"created": report.created, "updated": report.updated}),
    )
    .await?;
    txn.commit().await?;
    Ok(warp::reply::json(&report).into_response())
}
