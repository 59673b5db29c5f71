//! Accounts, sessions, CSRF, roles and the audit log (DESIGN invariant 6: the server decides access).

use serap_server::auth::create_account;
use serap_shared::domain::EmailAddress;
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, assert_error, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    sessions_roles_csrf_and_audit,
    admins_manage_accounts_and_roles
);

const PASSWORD: &str = "kata-sandi-panjang-1";

/// Signs in; returns the cookie header value and the CSRF token.
async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn signed_in(app: &TestApp, email: &str) -> (String, String) {
    let r = login(app, email, PASSWORD).await;
    assert_eq!(r.status(), 200);
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["email"], email);
    (cookie, me["csrf_token"].as_str().unwrap().to_string())
}

async fn sessions_roles_csrf_and_audit(db: Db) {
    let app = spawn_app(db).await;
    let admin = EmailAddress::parse("kepala.bkpsdm@serangkota.go.id").unwrap();
    create_account(
        &app.state.db,
        &admin,
        "Kepala BKPSDM",
        PASSWORD,
        &[("admin", None)],
    )
    .await
    .unwrap();
    let manager = EmailAddress::parse("kabid@serangkota.go.id").unwrap();
    create_account(
        &app.state.db,
        &manager,
        "Kepala Bidang",
        PASSWORD,
        &[("manager", None)],
    )
    .await
    .unwrap();
    assert!(
        create_account(&app.state.db, &manager, "Lagi", PASSWORD, &[])
            .await
            .is_err(),
        "unique email"
    );
    assert!(
        create_account(
            &app.state.db,
            &EmailAddress::parse("x@serang.go.id").unwrap(),
            "X",
            "pendek",
            &[]
        )
        .await
        .is_err(),
        "short password"
    );

    assert_error(
        login(&app, admin.as_str(), "salah-sekali-123").await,
        401,
        "unauthorized",
    )
    .await;
    assert_error(
        login(&app, "tidak.ada@serang.go.id", PASSWORD).await,
        401,
        "unauthorized",
    )
    .await;

    let (cookie, csrf) = signed_in(&app, admin.as_str()).await;
    let me = app
        .http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<Value>().await.unwrap()["roles"][0]["role"],
        "admin"
    );

    // State-changing requests with the cookie need the CSRF token.
    let unit =
        json!({"code": "BPBD", "name": "Badan Penanggulangan Bencana Daerah", "kind": "badan"});
    let r = app
        .http
        .post(app.url("/api/v1/units"))
        .header("cookie", &cookie)
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = app
        .http
        .post(app.url("/api/v1/units"))
        .header("cookie", &cookie)
        .header("x-csrf-token", "tebakan")
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = app
        .http
        .post(app.url("/api/v1/units"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // A manager is signed in but is no admin.
    let (manager_cookie, manager_csrf) = signed_in(&app, manager.as_str()).await;
    let r = app
        .http
        .get(app.url("/api/v1/surveys"))
        .header("cookie", &manager_cookie)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = app
        .http
        .post(app.url("/api/v1/units"))
        .header("cookie", &manager_cookie)
        .header("x-csrf-token", &manager_csrf)
        .json(&json!({"code": "X", "name": "X", "kind": "upt"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;

    // The audit log records who did what.
    let log: Vec<Value> = app
        .http
        .get(app.url("/api/v1/audit"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let created = log
        .iter()
        .find(|e| e["action"] == "unit.create")
        .expect("unit.create audited");
    assert_eq!(created["actor"], admin.as_str());
    assert_eq!(created["target"], "BPBD");
    assert!(
        log.iter()
            .any(|e| e["action"] == "login" && e["actor"] == manager.as_str())
    );
    let r = app
        .http
        .get(app.url("/api/v1/audit"))
        .header("cookie", &manager_cookie)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;

    // Logging out ends the session.
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let r = app
        .http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;

    // Guessing is limited per account: after 5 failures even the right password waits.
    for _ in 0..4 {
        assert_eq!(
            login(&app, manager.as_str(), "tebakan-salah-1")
                .await
                .status(),
            401
        );
    }
    assert_error(
        login(&app, manager.as_str(), PASSWORD).await,
        429,
        "rate_limited",
    )
    .await;
}

#[tokio::test]
async fn the_demo_data_includes_an_admin_who_can_sign_in() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = crate::helpers::TestConfig::new(Db::Sqlite)
        .demo()
        .spawn()
        .await;
    let admin = serap_server::entities::account::Entity::find()
        .filter(serap_server::entities::account::Column::Email.eq(serap_server::demo::DEMO_ADMIN))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("demo admin seeded");
    assert!(
        admin.password_hash.starts_with("$argon2id$"),
        "only the hash is stored"
    );
    assert_error(
        login(&app, serap_server::demo::DEMO_ADMIN, "bukan-kata-sandinya").await,
        401,
        "unauthorized",
    )
    .await;
}

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
    let (cookie, _) = signed_in(&app, "kalak.bpbd@serangkota.go.id").await;
    let id = created["id"].as_str().unwrap();
    let r = app
        .put_json(
            &format!("/api/v1/accounts/{id}/roles"),
            &json!({"roles": [{"role": "leader"}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let me: Value = app
        .http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
