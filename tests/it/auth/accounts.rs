//! Accounts and roles managed by an admin through the API: created with roles on units, refused by field,
//! roles changed for live sessions, and every change audited.

use serde_json::{Value, json};

use super::signed_in;
use crate::helpers::{Db, PASSWORD, assert_error, spawn_app};
use crate::on_both_databases;

on_both_databases!(admins_manage_accounts_and_roles);

async fn admins_manage_accounts_and_roles(db: Db) {
    let app = spawn_app(db).await;
    let unit =
        json!({"code": "BPBD", "name": "Badan Penanggulangan Bencana Daerah", "kind": "badan"});
    assert_eq!(app.post_json("/api/v1/units", &unit).await.status(), 201);
    let account = json!({
        "email": "kalak.bpbd@serangkota.go.id",
        "name": "Kepala Pelaksana BPBD",
        "password": PASSWORD,
        "roles": [{"role": "manager", "unit_code": "BPBD"}],
    });
    let r = app.post_json("/api/v1/accounts", &account).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["roles"][0]["role"], "manager");
    assert!(created["roles"][0]["unit_id"].is_string());
    assert_error(
        app.post_json("/api/v1/accounts", &account).await,
        409,
        "conflict",
    )
    .await;

    let bad = json!({
        "email": "x@serangkota.go.id", "name": "X", "password": "pendek",
        "roles": [{"role": "raja"}, {"role": "viewer", "unit_code": "TIDAK-ADA"}],
    });
    let error = assert_error(
        app.post_json("/api/v1/accounts", &bad).await,
        422,
        "validation_failed",
    )
    .await;
    let paths: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["password", "roles[0].role", "roles[1].unit_code"]);

    // The new account signs in with its manager role; an admin widens it to leader of the whole city.
    let session = signed_in(&app, "kalak.bpbd@serangkota.go.id").await;
    let id = created["id"].as_str().unwrap();
    let r = app
        .put_json(
            &format!("/api/v1/accounts/{id}/roles"),
            &json!({"roles": [{"role": "leader"}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let me: Value = session.get("/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(
        me["roles"],
        json!([{"role": "leader"}]),
        "roles apply to live sessions"
    );

    let accounts: Vec<Value> = app
        .admin_get("/api/v1/accounts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);
    let log: Vec<Value> = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    for action in ["account.create", "account.roles", "unit.create"] {
        let entry = log
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} audited"));
        assert_eq!(entry["actor"], "bootstrap-token");
    }
    let r = app
        .put_json(
            &format!("/api/v1/accounts/{}/roles", uuid::Uuid::new_v4()),
            &json!({"roles": []}),
        )
        .await;
    assert_error(r, 404, "not_found").await;
}
