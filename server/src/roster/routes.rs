//! The staff roster (admin): `POST /api/v1/people/import` takes a CSV as exported by SIASN or a
//! spreadsheet. A dry run reports per row what would be created, updated or rejected and why; the real
//! import is all-or-nothing; importing the same file again changes nothing. People are matched by NIP, which
//! is validated with the shared `Nip` and never logged nor echoed in reports.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serap_shared::api::{ImportReport, ImportRow, PersonSummary};
use serap_shared::domain::EmailAddress;
use serap_shared::error::ErrorBody;
use serap_shared::nip::{Nip, NipKind};
use serap_shared::survey::JobLevel;
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::entities::{org_unit, person};
use crate::error::{ApiError, respond};
use crate::http::{caller, with_state};
use crate::roster::csv::{CsvTable, new_report, reject, tally};
use crate::state::AppState;
use crate::units::ImportQuery;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let list = endpoint!(get, "api" / "v1" / "people")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(list_people)
        .map(respond);
    let import = endpoint!(post, "api" / "v1" / "people" / "import")
        .and(caller(state.clone()))
        .and(warp::query::<ImportQuery>())
        .and(crate::http::body_bytes(state.settings.max_body_bytes * 40))
        .and(with_state(state))
        .then(import_people)
        .map(respond);
    list.or(import).unify().boxed()
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The roster by unit and name (without NIPs)", body = Vec<PersonSummary>),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody)))]
pub async fn list_people(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    let codes: HashMap<Uuid, String> = org_unit::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut people: Vec<PersonSummary> = person::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| PersonSummary {
            id: p.id,
            unit_code: codes.get(&p.unit_id).cloned().unwrap_or_default(),
            name: p.name,
            email: p.email,
            unit_id: p.unit_id,
            job_level: p.job_level,
            employment_type: p.employment_type.to_uppercase(),
        })
        .collect();
    people.sort_by(|a, b| (&a.unit_code, &a.name).cmp(&(&b.unit_code, &b.name)));
    Ok(warp::reply::json(&people).into_response())
}

fn field_of(header: &str) -> Option<&'static str> {
    match header {
        "nip" | "ni_pppk" | "ni pppk" | "nip/ni pppk" | "nomor induk" => Some("nip"),
        "nama" | "name" | "nama lengkap" | "nama_lengkap" | "full name" => Some("name"),
        "email" | "e-mail" | "surel" => Some("email"),
        "unit" | "kode_unit" | "kode unit" | "unit_code" | "unit code" | "opd" | "kode_opd" => {
            Some("unit")
        }
        "jabatan" | "jenis_jabatan" | "jenis jabatan" | "job_level" | "job level" | "eselon" => {
            Some("job_level")
        }
        "jenis_pegawai" | "jenis pegawai" | "status" | "status_pegawai" | "employment_type"
        | "employment type" => Some("employment_type"),
        "golongan" | "gol" | "pangkat/golongan" | "grade" => Some("golongan"),
        _ => None,
    }
}

/// `pelaksana`, `Pelaksana`, `JPT Pratama`, `jpt-pratama`, `JF`, `Jabatan Fungsional`...
fn job_level(raw: &str) -> Option<JobLevel> {
    let key: String = raw
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    match key.as_str() {
        "jf" | "fungsional" | "jabatan_fungsional" => Some(JobLevel::Fungsional),
        "administrator" | "eselon_iii" => Some(JobLevel::Administrator),
        "pengawas" | "eselon_iv" => Some(JobLevel::Pengawas),
        "pelaksana" | "staf" | "staff" => Some(JobLevel::Pelaksana),
        other => JobLevel::from_id(other),
    }
}

/// A valid roster row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub nip: Nip,
    pub name: String,
    pub email: Option<String>,
    pub unit_id: Uuid,
    pub job_level: JobLevel,
    pub employment_type: &'static str,
    pub golongan: Option<String>,
}

/// A roster file checked row by row, before anything is compared with the database.
#[derive(Debug)]
pub(crate) struct Roster {
    /// One per data row, in file order; `action` is still empty, and rejected rows carry their problems.
    pub report: Vec<ImportRow>,
    /// The rows without problems, with their line.
    pub valid: Vec<(u32, Row)>,
}

/// Reads a roster CSV and checks every row (NIP, duplicate NIPs, name, email, unit code among `units`, job
/// level, employment type against the NIP, golongan). Pure: the handler loads `units` and matches the valid
/// rows with the people already stored. A file that cannot be read as a table (not UTF-8, no header, a
/// required column missing) is an error; everything else is reported per row.
pub(crate) fn parse_roster(body: &[u8], units: &HashMap<String, Uuid>) -> Result<Roster, ApiError> {
    let table = CsvTable::parse(
        body,
        field_of,
        &["nip", "name", "email", "unit", "job_level"],
    )?;
    let mut report = Vec::new();
    let mut valid: Vec<(u32, Row)> = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (line, record) in &table.rows {
        let line = *line;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.push(reject(line, String::new(), vec![e.clone()]));
                continue;
            }
        };
        let name = table.get(record, "name");
        let mut problems = Vec::new();
        let nip = match Nip::parse(&table.get(record, "nip")) {
            Ok(nip) => Some(nip),
            Err(e) => {
                problems.push(format!("nip: {e}"));
                None
            }
        };
        if let Some(nip) = &nip
            && let Some(earlier) = seen.insert(nip.as_str().to_string(), line)
        {
            problems.push(format!(
                "NIP ganda, lihat baris {earlier} / duplicate NIP, see line {earlier}"
            ));
        }
        if name.is_empty() || name.chars().count() > 200 {
            problems.push("nama: wajib, maks. 200 / name: required, max 200".into());
        }
        // Invitations go by email: a row without one cannot be reached.
        let email = match table.get(record, "email") {
            raw if raw.is_empty() => {
                problems.push("email: wajib diisi / required".into());
                None
            }
            raw => match EmailAddress::parse(&raw) {
                Ok(e) => Some(e.to_string()),
                Err(e) => {
                    problems.push(format!("email: {e}"));
                    None
                }
            },
        };
        let unit_code = table.get(record, "unit");
        let unit_id = units.get(&unit_code).copied();
        if unit_id.is_none() {
            problems.push(format!(
                "unit: kode unit tidak dikenal / unknown unit code {unit_code:?}"
            ));
        }
        let level = job_level(&table.get(record, "job_level"));
        if level.is_none() {
            problems.push("jabatan: tidak dikenal / job_level: unknown".into());
        }
        let kind = nip.as_ref().map(Nip::kind);
        let employment_type = match (
            table.get(record, "employment_type").to_lowercase().as_str(),
            kind,
        ) {
            ("", Some(NipKind::Pns)) | ("pns", Some(NipKind::Pns)) => Some("pns"),
            ("", Some(NipKind::Pppk)) | ("pppk", Some(NipKind::Pppk)) => Some("pppk"),
            (_, None) => None,
            (other, Some(_)) => {
                problems.push(format!(
                    "jenis_pegawai: {other:?} tidak cocok dengan nomor induk / does not match the NIP"
                ));
                None
            }
        };
        let golongan = Some(table.get(record, "golongan")).filter(|g| !g.is_empty());
        if golongan.as_ref().is_some_and(|g| g.chars().count() > 10) {
            problems.push("golongan: maks. 10 / max 10".into());
        }
        report.push(ImportRow {
            line,
            key: name.clone(),
            action: String::new(),
            problems: problems.clone(),
        });
        if let (true, Some(nip), Some(unit_id), Some(job_level), Some(employment_type)) =
            (problems.is_empty(), nip, unit_id, level, employment_type)
        {
            valid.push((
                line,
                Row {
                    nip,
                    name,
                    email,
                    unit_id,
                    job_level,
                    employment_type,
                    golongan,
                },
            ));
        }
    }
    Ok(Roster { report, valid })
}

#[utoipa::path(post, path = "/api/v1/people/import", tag = "people",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "CSV (`,` or `;`, UTF-8 with or without BOM) with columns nip (or ni_pppk), nama/name, unit (unit code), jabatan/job_level, email, and optionally jenis_pegawai (PNS/PPPK), golongan"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) done per row; nothing is written when any row is rejected", body = ImportReport),
        (status = 401, description = "Admin token required", body = ErrorBody),
        (status = 413, description = "File too large", body = ErrorBody),
        (status = 422, description = "Unreadable CSV or missing columns", body = ErrorBody)))]
pub async fn import_people(
    caller: Caller,
    query: ImportQuery,
    body: bytes::Bytes,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let units: HashMap<String, Uuid> = org_unit::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let Roster {
        report: rows,
        valid,
    } = parse_roster(&body, &units)?;
    let existing: HashMap<String, person::Model> = person::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.nip.clone(), p))
        .collect();
    let mut report = new_report(query.dry_run);
    report.rows = rows;
    for (line, row) in &valid {
        let action = match existing.get(row.nip.as_str()) {
            None => "create",
            Some(p)
                if p.name == row.name
                    && p.email == row.email
                    && p.unit_id == row.unit_id
                    && p.job_level == row.job_level.id()
                    && p.employment_type == row.employment_type
                    && p.golongan == row.golongan =>
            {
                "unchanged"
            }
            Some(_) => "update",
        };
        if let Some(report_row) = report.rows.iter_mut().find(|r| r.line == *line) {
            report_row.action = action.into();
        }
    }
    tally(&mut report);
    if query.dry_run || report.rejected > 0 {
        return Ok(warp::reply::json(&report).into_response());
    }
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let now = Utc::now();
    for (_, row) in valid {
        match existing.get(row.nip.as_str()) {
            None => {
                person::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    nip: Set(row.nip.as_str().to_string()),
                    name: Set(row.name),
                    email: Set(row.email),
                    unit_id: Set(row.unit_id),
                    job_level: Set(row.job_level.id().into()),
                    employment_type: Set(row.employment_type.into()),
                    golongan: Set(row.golongan),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
            }
            Some(current) => {
                let mut active: person::ActiveModel = current.clone().into();
                active.name = Set(row.name);
                active.email = Set(row.email);
                active.unit_id = Set(row.unit_id);
                active.job_level = Set(row.job_level.id().into());
                active.employment_type = Set(row.employment_type.into());
                active.golongan = Set(row.golongan);
                active.updated_at = Set(now);
                // Unchanged rows are written again only in their timestamp: skip them.
                if active.is_changed() {
                    let differs = current.name != *active.name.as_ref()
                        || current.email != *active.email.as_ref()
                        || current.unit_id != *active.unit_id.as_ref()
                        || current.job_level != *active.job_level.as_ref()
                        || current.employment_type != *active.employment_type.as_ref()
                        || current.golongan != *active.golongan.as_ref();
                    if differs {
                        active.update(&txn).await?;
                    }
                }
            }
        }
    }
    crate::access::audit(
        &txn,
        &actor,
        "roster.import",
        "people",
        serde_json::json!({"created": report.created, "updated": report.updated}),
    )
    .await?;
    txn.commit().await?;
    Ok(warp::reply::json(&report).into_response())
}
