//! Sessions in the database: signing in and out, CSRF on state-changing requests, what a role may do, the
//! audit log, guessing limited per account, and idle and absolute expiry.

use sea_orm::EntityTrait;
use serap_server::accounts::create_account;
use serap_server::entities::session;
use serap_server::infra::tokens::sha256_hex;
use serap_shared::domain::EmailAddress;
use serap_shared::domain::Role;
use serde_json::{Value, json};

use super::{login, signed_in};
use crate::helpers::{Db, PASSWORD, TestConfig, assert_error, spawn_app};
use crate::on_both_databases;

on_both_databases!(sessions_roles_csrf_and_audit);

async fn sessions_roles_csrf_and_audit(db: Db) {
    let app = spawn_app(db).await;
    let admin = EmailAddress::parse("kepala.bkpsdm@serangkota.go.id").unwrap();
    create_account(
        &app.state.db,
        &admin,
        "Kepala BKPSDM",
        PASSWORD,
        &[(Role::Admin, None)],
    )
    .await
    .unwrap();
    let manager = EmailAddress::parse("kabid@serangkota.go.id").unwrap();
    create_account(
        &app.state.db,
        &manager,
        "Kepala Bidang",
        PASSWORD,
        &[(Role::Manager, None)],
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

    let session = signed_in(&app, admin.as_str()).await;
    let me = session.get("/api/v1/auth/me").await;
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
        .header("cookie", &session.cookie)
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = app
        .http
        .post(app.url("/api/v1/units"))
        .header("cookie", &session.cookie)
        .header("x-csrf-token", "tebakan")
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = session.post("/api/v1/units", &unit).await;
    assert_eq!(r.status(), 201);

    // A manager is signed in but is no admin.
    let manager_session = signed_in(&app, manager.as_str()).await;
    let r = manager_session.get("/api/v1/surveys").await;
    assert_error(r, 403, "forbidden").await;
    let r = manager_session
        .post(
            "/api/v1/units",
            &json!({"code": "X", "name": "X", "kind": "upt"}),
        )
        .await;
    assert_error(r, 403, "forbidden").await;

    // The audit log records who did what.
    let log: Vec<Value> = session.get("/api/v1/audit").await.json().await.unwrap();
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
    let r = manager_session.get("/api/v1/audit").await;
    assert_error(r, 403, "forbidden").await;

    // Logging out ends the session.
    let r = session
        .request(reqwest::Method::POST, "/api/v1/auth/logout")
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
    let r = session.get("/api/v1/auth/me").await;
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
    let app = TestConfig::new(Db::Sqlite).demo().spawn().await;
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

on_both_databases!(sessions_expire_when_idle_and_after_twelve_hours);

/// Idle (30 minutes) and absolute (12 hours) expiry, with the session store in the database; on https the
/// cookie is also `Secure`.
async fn sessions_expire_when_idle_and_after_twelve_hours(db: Db) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};

    let mut config = TestConfig::new(db).redis(false);
    config.extra.push((
        "SERAP_BASE_URL".into(),
        "https://serap.serangkota.go.id".into(),
    ));
    let app = config.spawn().await;
    let email = EmailAddress::parse("sekretaris@serangkota.go.id").unwrap();
    create_account(
        &app.state.db,
        &email,
        "Sekretaris",
        PASSWORD,
        &[(Role::Viewer, None)],
    )
    .await
    .unwrap();
    let me = |cookie: String| {
        let app = &app;
        async move {
            app.http
                .get(app.url("/api/v1/auth/me"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let r = login(&app, email.as_str(), PASSWORD).await;
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    let idle = set_cookie.split(';').next().unwrap().to_string();
    let absolute = signed_in(&app, email.as_str()).await.cookie;
    assert_eq!(me(idle.clone()).await, 200);
    assert_eq!(me(absolute.clone()).await, 200);

    // 31 minutes without a request.
    let token = idle.split_once('=').unwrap().1;
    let now = chrono::Utc::now();
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            Expr::value(now - chrono::Duration::minutes(31)),
        )
        .filter(session::Column::Id.eq(sha256_hex(token)))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(me(idle).await, 401);

    // Active all along, but started more than 12 hours ago.
    let token = absolute.split_once('=').unwrap().1;
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            Expr::value(now - chrono::Duration::seconds(1)),
        )
        .filter(session::Column::Id.eq(sha256_hex(token)))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(me(absolute).await, 401);
}
