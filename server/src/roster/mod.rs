//! The staff roster: people, listed for admins (without NIPs) and imported from CSV. A dry run reports per
//! row what would be created, updated or rejected and why; the real import is all-or-nothing; importing the
//! same file again changes nothing. People are matched by NIP, which is never logged nor echoed in reports.
//! Rows are read and checked in `rows`; its HTTP endpoints are in `routes`.

pub mod routes;
pub mod rows;

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serap_shared::api::{ImportReport, PersonSummary};
use serap_shared::domain::EmailAddress;
use uuid::Uuid;

use crate::entities::{org_unit, person};
use crate::error::ApiError;
use crate::infra::csv::{new_report, tally};
use crate::roster::rows::{Roster, Row, parse_roster};

/// The roster by unit code and name, without NIPs.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<PersonSummary>, ApiError> {
    let codes: HashMap<Uuid, String> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut people: Vec<PersonSummary> = person::Entity::find()
        .all(db)
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
    Ok(people)
}

/// Whether `row` says nothing new about `current`. The stored email is compared in its normalised form:
/// written in another case, it is the same address.
fn unchanged(current: &person::Model, row: &Row) -> bool {
    current.name == row.name.as_str()
        && current
            .email
            .as_deref()
            .is_some_and(|stored| EmailAddress::normalize(stored) == row.email.as_str())
        && current.unit_id == row.unit_id
        && current.job_level == row.job_level.id()
        && current.employment_type == row.employment_type
        && current.golongan == row.golongan
}

/// Imports the roster CSV `body` (or, with `dry_run`, only reports what it would do). Nothing is written
/// when any row is rejected. Audited as `actor`.
pub async fn import(
    db: &DatabaseConnection,
    actor: &str,
    dry_run: bool,
    body: &[u8],
) -> Result<ImportReport, ApiError> {
    let units: HashMap<String, Uuid> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let Roster {
        report: rows,
        valid,
    } = parse_roster(body, &units)?;
    let existing: HashMap<String, person::Model> = person::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.nip.clone(), p))
        .collect();
    let mut report = new_report(dry_run);
    report.rows = rows;
    // The rows to write, with the person each one updates.
    let mut changes: Vec<(Option<&person::Model>, Row)> = Vec::new();
    for (line, row) in valid {
        let current = existing.get(row.nip.as_str());
        let action = match current {
            None => "create",
            Some(p) if unchanged(p, &row) => "unchanged",
            Some(_) => "update",
        };
        if let Some(report_row) = report.rows.iter_mut().find(|r| r.line == line) {
            report_row.action = action.into();
        }
        if action != "unchanged" {
            changes.push((current, row));
        }
    }
    tally(&mut report);
    if dry_run || report.rejected > 0 {
        return Ok(report);
    }
    let txn = crate::infra::db::begin_write(db).await?;
    let now = Utc::now();
    for (current, row) in changes {
        match current {
            None => {
                person::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    nip: Set(row.nip.as_str().to_string()),
                    name: Set(row.name.into_string()),
                    email: Set(Some(row.email.into())),
                    unit_id: Set(row.unit_id),
                    job_level: Set(row.job_level.id().into()),
                    employment_type: Set(row.employment_type.into()),
                    golongan: Set(row.golongan),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await
                // Another import added the same person meanwhile: this file is then an update.
                .map_err(|err| {
                    ApiError::unique(
                        err,
                        "nip",
                        "NIP baru saja ditambahkan oleh impor lain, impor ulang berkas ini / \
                         a NIP was just added by another import, import the file again",
                    )
                })?;
            }
            Some(current) => {
                let mut active: person::ActiveModel = current.clone().into();
                active.name = Set(row.name.into_string());
                active.email = Set(Some(row.email.into()));
                active.unit_id = Set(row.unit_id);
                active.job_level = Set(row.job_level.id().into());
                active.employment_type = Set(row.employment_type.into());
                active.golongan = Set(row.golongan);
                active.updated_at = Set(now);
                active.update(&txn).await?;
            }
        }
    }
    crate::infra::audit::audit(
        &txn,
        actor,
        "roster.import",
        "people",
        serde_json::json!({"created": report.created, "updated": report.updated}),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter};

    use super::*;
    use crate::access::testing;

    const FILE: &str = "nip;nama;email;unit;jabatan\n\
        198503152010011001;Siti Aminah;Siti.Aminah@SerangKota.go.id;DINKES;Pelaksana\n\
        199001012015022002;Budi Santoso;budi@serangkota.go.id;DINKES;JF\n";

    async fn unit(db: &DatabaseConnection) {
        org_unit::ActiveModel {
            id: Set(Uuid::new_v4()),
            parent_id: Set(None),
            code: Set("DINKES".into()),
            name: Set("Dinas Kesehatan".into()),
            kind: Set("dinas".into()),
            sector: Set(None),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await
        .unwrap();
    }

    fn actions(report: &ImportReport) -> Vec<&str> {
        report.rows.iter().map(|r| r.action.as_str()).collect()
    }

    #[tokio::test]
    async fn imports_are_all_or_nothing_and_idempotent() {
        let test = testing::state().await;
        let db = &test.state.db;
        unit(db).await;
        let dry = import(db, "bootstrap-token", true, FILE.as_bytes())
            .await
            .unwrap();
        assert_eq!(actions(&dry), ["create", "create"]);
        assert!(list(db).await.unwrap().is_empty());
        let done = import(db, "bootstrap-token", false, FILE.as_bytes())
            .await
            .unwrap();
        assert_eq!((done.created, done.updated, done.rejected), (2, 0, 0));
        let people = list(db).await.unwrap();
        assert_eq!(
            people
                .iter()
                .map(|p| p.email.as_deref())
                .collect::<Vec<_>>(),
            [
                Some("budi@serangkota.go.id"),
                Some("siti.aminah@serangkota.go.id")
            ]
        );
        assert_eq!(people[0].employment_type, "PNS");
        let again = import(db, "bootstrap-token", false, FILE.as_bytes())
            .await
            .unwrap();
        assert_eq!(actions(&again), ["unchanged", "unchanged"]);

        // An address stored in another case is the same address; a new name is an update.
        let siti = person::Entity::find()
            .filter(person::Column::Name.eq("Siti Aminah"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let mut stored: person::ActiveModel = siti.into();
        stored.email = Set(Some("Siti.Aminah@serangkota.go.id".into()));
        stored.update(db).await.unwrap();
        let renamed = FILE.replace("Budi Santoso", "Budi Santoso, S.Kom.");
        let report = import(db, "bootstrap-token", false, renamed.as_bytes())
            .await
            .unwrap();
        assert_eq!(actions(&report), ["unchanged", "update"]);

        // One bad row: nothing is written, and the name problem keeps its wording.
        let bad = format!("{renamed}199001012015022003; ;x@serangkota.go.id;DINKES;JF\n")
            .replace("Budi Santoso, S.Kom.", "Budi");
        let report = import(db, "bootstrap-token", false, bad.as_bytes())
            .await
            .unwrap();
        assert_eq!(actions(&report), ["unchanged", "update", "rejected"]);
        assert_eq!(
            report.rows[2].problems,
            ["nama: wajib, maks. 200 / name: required, max 200"]
        );
        assert!(
            list(db)
                .await
                .unwrap()
                .iter()
                .any(|p| p.name == "Budi Santoso, S.Kom.")
        );
        let log = crate::infra::audit::recent(db).await.unwrap();
        assert_eq!(
            log.iter().filter(|e| e.action == "roster.import").count(),
            3
        );
    }
}
