//! Accounts and the roles they hold: listing them, creating one with its roles (from the console, the
//! `create-admin` command or the demo data), and replacing an account's roles. What the console asks for is
//! checked in `serap_shared::domain` (`NewAccount`, `parse_grants`); whether an email is taken, the
//! database decides. Changes made by admins are audited. Its HTTP endpoints are in `routes`.

pub mod passwords;
pub mod routes;

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serap_shared::api::{AccountSummary, CreateAccount, RoleGrant, SetRoles};
use serap_shared::domain::{EmailAddress, Grant, Name, NewAccount, Password, Role, parse_grants};
use uuid::Uuid;

use crate::accounts::passwords::hash_password;
use crate::entities::{account, org_unit, role_assignment};
use crate::error::ApiError;
use crate::infra::audit::audit;

/// Why an account was not created: its email belongs to another account.
const EMAIL_TAKEN: &str = "email sudah dipakai / email already used";

/// The roles account `account_id` holds. A stored role Serap does not know is left out (and logged).
pub async fn roles_of<C: ConnectionTrait>(
    db: &C,
    account_id: Uuid,
) -> Result<Vec<Grant>, ApiError> {
    let rows = role_assignment::Entity::find()
        .filter(role_assignment::Column::AccountId.eq(account_id))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| match Role::parse(&row.role) {
            Some(role) => Some(Grant {
                role,
                unit_id: row.unit_id,
            }),
            None => {
                tracing::warn!(role = row.role, %account_id, "unknown role left out");
                None
            }
        })
        .collect())
}

/// Every unit's id by its code, to resolve the unit codes of roles.
async fn unit_ids<C: ConnectionTrait>(db: &C) -> Result<HashMap<String, Uuid>, ApiError> {
    Ok(org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect())
}

async fn summary<C: ConnectionTrait>(
    db: &C,
    row: account::Model,
) -> Result<AccountSummary, ApiError> {
    Ok(AccountSummary {
        roles: roles_of(db, row.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        id: row.id,
        email: row.email,
        name: row.name,
        active: row.active,
    })
}

/// Every account with its roles, by email.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<AccountSummary>, ApiError> {
    let rows = account::Entity::find()
        .order_by_asc(account::Column::Email)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(summary(db, row).await?);
    }
    Ok(out)
}

/// Stores `account` and its roles in one transaction and returns its id. An email already used is the
/// 409 at `email`, whichever of two concurrent requests loses.
pub async fn insert(db: &DatabaseConnection, account: &NewAccount) -> Result<Uuid, ApiError> {
    let id = Uuid::new_v4();
    let hash = hash_password(account.password.as_str()).await?;
    let txn = crate::infra::db::begin_write(db).await?;
    account::ActiveModel {
        id: Set(id),
        email: Set(account.email.as_str().to_string()),
        name: Set(account.name.as_str().to_string()),
        password_hash: Set(hash),
        active: Set(true),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(|err| ApiError::unique(err, "email", EMAIL_TAKEN))?;
    for grant in &account.roles {
        role_assignment::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(id),
            role: Set(grant.role.as_str().to_string()),
            unit_id: Set(grant.unit_id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(id)
}

/// Creates the account an admin asked for: 422 naming every bad field (`NewAccount::parse`), 409 at
/// `email` when it is taken. Audited as `actor`, with the roles as given.
pub async fn create(
    db: &DatabaseConnection,
    actor: &str,
    input: &CreateAccount,
) -> Result<AccountSummary, ApiError> {
    let units = unit_ids(db).await?;
    let account =
        NewAccount::parse(input, |code| units.get(code).copied()).map_err(ApiError::validation)?;
    let id = insert(db, &account).await?;
    let roles: Vec<_> = input
        .roles
        .iter()
        .map(|r| (&r.role, &r.unit_code))
        .collect();
    audit(
        db,
        actor,
        "account.create",
        account.email.as_str(),
        serde_json::json!({ "roles": roles }),
    )
    .await?;
    let row = account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account {id} vanished"))?;
    summary(db, row).await
}

/// Creates an account from text no one checked yet (`serap-server create-admin`, the demo data): the name
/// and password must pass the console's rules.
pub async fn create_account(
    db: &DatabaseConnection,
    email: &EmailAddress,
    name: &str,
    password: &str,
    roles: &[(Role, Option<Uuid>)],
) -> anyhow::Result<Uuid> {
    let account = NewAccount {
        email: email.clone(),
        name: Name::parse(name)?,
        password: Password::parse(password)?,
        roles: roles
            .iter()
            .map(|&(role, unit_id)| Grant { role, unit_id })
            .collect(),
    };
    insert(db, &account)
        .await
        .map_err(anyhow::Error::from)
        .context("creating the account (is the email already used?)")
}

/// Makes `input`'s roles the only roles of account `id`: 404 for an unknown account, 422 at
/// `roles[i].role` / `roles[i].unit_code`. Audited as `actor`, with the roles granted.
pub async fn set_roles(
    db: &DatabaseConnection,
    actor: &str,
    id: Uuid,
    input: &SetRoles,
) -> Result<AccountSummary, ApiError> {
    let row = account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound("akun / account".into()))?;
    let units = unit_ids(db).await?;
    let grants = parse_grants(&input.roles, |code| units.get(code).copied())
        .map_err(ApiError::validation)?;
    let txn = crate::infra::db::begin_write(db).await?;
    role_assignment::Entity::delete_many()
        .filter(role_assignment::Column::AccountId.eq(id))
        .exec(&txn)
        .await?;
    for grant in &grants {
        role_assignment::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(id),
            role: Set(grant.role.as_str().to_string()),
            unit_id: Set(grant.unit_id),
        }
        .insert(&txn)
        .await?;
    }
    let granted: Vec<RoleGrant> = grants.into_iter().map(Into::into).collect();
    audit(
        &txn,
        actor,
        "account.roles",
        &row.email,
        serde_json::to_value(&granted).unwrap_or_default(),
    )
    .await?;
    txn.commit().await?;
    summary(db, row).await
}

#[cfg(test)]
mod tests {
    use serap_shared::api::RoleInput;

    use super::*;
    use crate::access::testing;

    fn request(email: &str, name: &str, roles: &[(&str, Option<&str>)]) -> CreateAccount {
        CreateAccount {
            email: EmailAddress::parse(email).unwrap(),
            name: name.into(),
            password: "kata-sandi-rahasia".into(),
            roles: roles
                .iter()
                .map(|(role, unit)| RoleInput {
                    role: role.to_string(),
                    unit_code: unit.map(str::to_string),
                })
                .collect(),
        }
    }

    fn paths(err: ApiError) -> Vec<String> {
        err.body()
            .error
            .fields
            .into_iter()
            .map(|f| f.path)
            .collect()
    }

    #[tokio::test]
    async fn accounts_are_created_once_with_their_roles_and_audited() {
        let test = testing::state().await;
        let db = &test.state.db;
        let created = create(
            db,
            "bootstrap-token",
            &request(
                "Kalak.BPBD@SerangKota.go.id",
                " Kepala BPBD ",
                &[("leader", None)],
            ),
        )
        .await
        .unwrap();
        assert_eq!(created.email, "kalak.bpbd@serangkota.go.id");
        assert_eq!(created.name, "Kepala BPBD");
        assert_eq!(
            created.roles,
            [RoleGrant {
                role: "leader".into(),
                unit_id: None
            }]
        );
        // The database refuses the second one: a 409 at `email`, with the message it always had.
        let taken = create(
            db,
            "bootstrap-token",
            &request("kalak.bpbd@serangkota.go.id", "Lain", &[]),
        )
        .await
        .unwrap_err();
        assert_eq!(taken.status(), 409);
        let body = taken.body().error;
        assert_eq!(body.code, "conflict");
        assert_eq!(
            body.message,
            "Konflik / Conflict: email sudah dipakai / email already used"
        );
        assert_eq!(body.fields[0].path, "email");
        // Two at once: one wins, the other is the same 409 (not a 500).
        let same = request("sekda@serangkota.go.id", "Sekda", &[("viewer", None)]);
        let (a, b) = tokio::join!(
            create(db, "bootstrap-token", &same),
            create(db, "bootstrap-token", &same)
        );
        let statuses = [&a, &b].map(|r| r.as_ref().map_or_else(|e| e.status().as_u16(), |_| 201));
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{a:?} {b:?}"
        );
        assert!(statuses.contains(&409), "{a:?} {b:?}");
        let listed = list(db).await.unwrap();
        assert_eq!(
            listed.iter().map(|a| a.email.as_str()).collect::<Vec<_>>(),
            ["kalak.bpbd@serangkota.go.id", "sekda@serangkota.go.id"]
        );
        let log = crate::infra::audit::recent(db).await.unwrap();
        let entry = log
            .iter()
            .find(|e| e.action == "account.create" && e.target == "kalak.bpbd@serangkota.go.id")
            .unwrap();
        assert_eq!(entry.actor, "bootstrap-token");
        assert_eq!(
            entry.details["roles"][0],
            serde_json::json!(["leader", null])
        );
    }

    #[tokio::test]
    async fn bad_fields_are_all_named_and_nothing_is_stored() {
        let test = testing::state().await;
        let db = &test.state.db;
        let mut bad = request(
            "x@serangkota.go.id",
            "X",
            &[("raja", None), ("viewer", Some("TIDAK-ADA"))],
        );
        bad.password = "pendek".into();
        let err = create(db, "bootstrap-token", &bad).await.unwrap_err();
        assert_eq!(err.status(), 422);
        assert_eq!(
            paths(err),
            ["password", "roles[0].role", "roles[1].unit_code"]
        );
        assert!(list(db).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn roles_are_replaced_and_audited() {
        let test = testing::state().await;
        let db = &test.state.db;
        let created = create(
            db,
            "admin@serangkota.go.id",
            &request("kabid@serangkota.go.id", "Kabid", &[("manager", None)]),
        )
        .await
        .unwrap();
        let input = SetRoles {
            roles: vec![
                RoleInput {
                    role: "viewer".into(),
                    unit_code: Some(String::new()),
                },
                RoleInput {
                    role: "admin".into(),
                    unit_code: None,
                },
            ],
        };
        let changed = set_roles(db, "admin@serangkota.go.id", created.id, &input)
            .await
            .unwrap();
        let roles: Vec<&str> = changed.roles.iter().map(|r| r.role.as_str()).collect();
        assert_eq!(roles.len(), 2);
        assert!(roles.contains(&"viewer") && roles.contains(&"admin"));
        let grants = roles_of(db, created.id).await.unwrap();
        assert!(grants.iter().all(|g| g.unit_id.is_none()));
        let unknown = set_roles(db, "admin@serangkota.go.id", Uuid::new_v4(), &input)
            .await
            .unwrap_err();
        assert_eq!(unknown.status(), 404);
        let bad = SetRoles {
            roles: vec![RoleInput {
                role: "Admin".into(),
                unit_code: None,
            }],
        };
        let err = set_roles(db, "admin@serangkota.go.id", created.id, &bad)
            .await
            .unwrap_err();
        assert_eq!(paths(err), ["roles[0].role"]);
        let log = crate::infra::audit::recent(db).await.unwrap();
        let entry = log.iter().find(|e| e.action == "account.roles").unwrap();
        assert_eq!(entry.target, "kabid@serangkota.go.id");
        assert!(entry.details.as_array().is_some_and(|a| a.len() == 2));
    }

    #[tokio::test]
    async fn the_command_line_checks_name_and_password() {
        let test = testing::state().await;
        let db = &test.state.db;
        let email = EmailAddress::parse("admin@serangkota.go.id").unwrap();
        let weak = create_account(db, &email, "Admin", "pendek", &[(Role::Admin, None)]).await;
        assert!(weak.unwrap_err().to_string().contains("10 karakter"));
        let id = create_account(
            db,
            &email,
            "Admin",
            "kata-sandi-rahasia",
            &[(Role::Admin, None)],
        )
        .await
        .unwrap();
        assert_eq!(roles_of(db, id).await.unwrap()[0].role, Role::Admin);
        let again = create_account(db, &email, "Admin", "kata-sandi-rahasia", &[]).await;
        assert!(format!("{:#}", again.unwrap_err()).contains("is the email already used?"));
    }
}
