//! The organisation's unit tree: the tree in order (respondents pick their unit from it), creation of
//! one unit (checked at the boundary as a `NewUnit`) and the CSV import of many (`import`).

mod import;
pub mod routes;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serap_shared::api::{CreateUnit, NewUnit, Unit};
use serap_shared::error::FieldError;
use uuid::Uuid;

use crate::entities::org_unit;
use crate::error::ApiError;
use crate::state::AppState;

pub use import::{ImportQuery, import_csv};

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

/// Creates the unit `input` asks for, audited as `actor`: 422 with every invalid field, then on
/// `parent_code` when the parent is unknown; 409 on `code` when it is taken.
pub async fn create(state: &AppState, input: &CreateUnit, actor: &str) -> Result<Unit, ApiError> {
    let new = NewUnit::parse(input).map_err(ApiError::validation)?;
    let parent_id = match &new.parent_code {
        Some(code) => Some(
            org_unit::Entity::find()
                .filter(org_unit::Column::Code.eq(code.as_str()))
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
        None => None,
    };
    let created = insert(&state.db, &new, parent_id, Utc::now())
        .await
        .map_err(|err| {
            ApiError::unique(
                err,
                "code",
                "kode unit sudah dipakai / unit code already used",
            )
        })?;
    crate::infra::audit::audit(
        &state.db,
        actor,
        "unit.create",
        &created.code,
        serde_json::json!({}),
    )
    .await?;
    Ok(Unit::from(created))
}

/// Stores `new` under `parent_id` (its `parent_code` resolved by the caller), unaudited (`create` audits;
/// the demo data has no actor). A taken code is the database's unique violation.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: &NewUnit,
    parent_id: Option<Uuid>,
    created_at: DateTime<Utc>,
) -> Result<org_unit::Model, DbErr> {
    org_unit::ActiveModel {
        id: Set(Uuid::new_v4()),
        parent_id: Set(parent_id),
        code: Set(new.code.clone()),
        name: Set(new.name.as_str().to_string()),
        kind: Set(new.kind.clone()),
        sector: Set(new.sector.clone()),
        created_at: Set(created_at),
    }
    .insert(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, name: &str, kind: &str, sector: Option<&str>) -> CreateUnit {
        CreateUnit {
            code: code.into(),
            name: name.into(),
            kind: kind.into(),
            sector: sector.map(Into::into),
            parent_code: Some(" ".into()),
        }
    }

    #[test]
    fn a_valid_unit_is_trimmed_and_loses_empty_optional_fields() {
        let new =
            NewUnit::parse(&unit(" DINKES ", " Dinas Kesehatan ", " dinas ", Some(" "))).unwrap();
        assert_eq!(new.code, "DINKES");
        assert_eq!(new.name.as_str(), "Dinas Kesehatan");
        assert_eq!(new.kind, "dinas");
        assert_eq!(new.sector, None);
        assert_eq!(new.parent_code, None);
    }

    #[test]
    fn every_invalid_field_is_named_in_order() {
        let problems =
            NewUnit::parse(&unit("bad code!", " ", "", Some(&"x".repeat(41)))).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["code", "name", "kind", "sector"]);
        assert_eq!(
            problems[1].message,
            "nama wajib, maks. 200 / name required, max 200"
        );
    }
}
