//! Reading a roster file (as exported by SIASN or a spreadsheet) into checked rows, before anything is
//! compared with the database: NIP (with the shared `Nip`, never echoed), duplicate NIPs, name, email, unit
//! code, job level, employment type against the NIP, golongan. Pure, so it can be fuzzed on its own.

use std::collections::HashMap;

use serap_shared::api::ImportRow;
use serap_shared::domain::{EmailAddress, Name};
use serap_shared::nip::{Nip, NipKind};
use serap_shared::survey::JobLevel;
use uuid::Uuid;

use crate::error::ApiError;
use crate::infra::csv::{CsvTable, reject};

/// Header names accepted for each field (Indonesian or English, any case).
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
    pub name: Name,
    /// Invitations go by email: a row without one is rejected.
    pub email: EmailAddress,
    pub unit_id: Uuid,
    pub job_level: JobLevel,
    /// `pns` or `pppk`.
    pub employment_type: &'static str,
    pub golongan: Option<String>,
}

/// A roster file checked row by row.
#[derive(Debug)]
pub(crate) struct Roster {
    /// One per data row, in file order; `action` is still empty, and rejected rows carry their problems.
    pub report: Vec<ImportRow>,
    /// The rows without problems, with their line.
    pub valid: Vec<(u32, Row)>,
}

/// Reads a roster CSV and checks every row, unit codes among `units`. A file that cannot be read as a
/// table (not UTF-8, no header, a required column missing) is an error; everything else is reported per
/// row.
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
        let written_name = table.get(record, "name");
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
        let name = match Name::parse(&written_name) {
            Ok(name) => Some(name),
            Err(_) => {
                problems.push("nama: wajib, maks. 200 / name: required, max 200".into());
                None
            }
        };
        let email = match table.get(record, "email") {
            raw if raw.is_empty() => {
                problems.push("email: wajib diisi / required".into());
                None
            }
            raw => match EmailAddress::parse(&raw) {
                Ok(e) => Some(e),
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
            key: written_name,
            action: String::new(),
            problems: problems.clone(),
        });
        if let (
            true,
            Some(nip),
            Some(name),
            Some(email),
            Some(unit_id),
            Some(job_level),
            Some(employment_type),
        ) = (
            problems.is_empty(),
            nip,
            name,
            email,
            unit_id,
            level,
            employment_type,
        ) {
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
