//! Accounts, sessions (in the database, or in Redis shared by instances), CSRF, roles, password reset by
//! emailed link and the audit log (DESIGN invariant 6: the server decides access).

use mail_parser::MessageParser;
use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::auth::{create_account, sha256_hex};
use serap_server::entities::{outbox_message, password_reset, session};
use serap_shared::domain::EmailAddress;
use serde_json::{Value, json};

use crate::helpers::{
    Db, SmtpSink, TestApp, TestConfig, assert_error, free_port, service, spawn_app,
};
use crate::on_both_databases;

on_both_databases!(
    sessions_roles_csrf_and_audit,
    admins_manage_accounts_and_roles,
    password_reset_by_emailed_link
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

const NEW_PASSWORD: &str = "kata-sandi-baru-yang-panjang";

async fn request_reset(app: &TestApp, email: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
}

async fn confirm_reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/password-reset/confirm"))
        .json(&json!({ "token": token, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn me_status(app: &TestApp, cookie: &str) -> u16 {
    app.http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The one field of a 422 and its message.
async fn field_error(response: reqwest::Response) -> (String, String) {
    let error = assert_error(response, 422, "validation_failed").await;
    let fields = error["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{error}");
    (
        fields[0]["path"].as_str().unwrap().to_string(),
        fields[0]["message"].as_str().unwrap().to_string(),
    )
}

async fn password_reset_by_emailed_link(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).smtp(sink.url()).spawn().await;
    let email = EmailAddress::parse("sekretaris.bkpsdm@serangkota.go.id").unwrap();
    create_account(
        &app.state.db,
        &email,
        "Sekretaris <BKPSDM>",
        PASSWORD,
        &[("manager", None)],
    )
    .await
    .unwrap();
    let (old_cookie, _) = signed_in(&app, email.as_str()).await;

    // An unknown address gets the very same answer, and no mail.
    let unknown = request_reset(&app, "tidak.terdaftar@serangkota.go.id").await;
    assert_eq!(unknown.status(), 202);
    let unknown: Value = unknown.json().await.unwrap();
    let known = request_reset(&app, "Sekretaris.BKPSDM@SerangKota.go.id").await;
    assert_eq!(known.status(), 202);
    assert_eq!(known.json::<Value>().await.unwrap(), unknown);
    assert_eq!(
        outbox_message::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1,
        "one message, for the known address only"
    );

    // The email: Indonesian first, English below, the link in both parts.
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    let message = MessageParser::default().parse(&messages[0]).unwrap();
    assert_eq!(
        message.subject(),
        Some("Atur ulang kata sandi Serap / Reset your Serap password")
    );
    assert_eq!(
        message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some(email.as_str())
    );
    let text = message.body_text(0).expect("plain-text part").to_string();
    let indonesian = text.find("Kami menerima permintaan").expect(&text);
    let english = text.find("We received a request").expect(&text);
    assert!(indonesian < english, "{text}");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/console/reset/"))
        .unwrap_or_else(|| panic!("reset link in {text}"))
        .to_string();
    assert!(
        link.starts_with(&format!("{}/console/reset/", app.state.settings.base_url)),
        "{link}"
    );
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(token.len(), 64);
    let html = message.body_html(0).expect("HTML part");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains("Sekretaris &lt;BKPSDM&gt;"), "{html}");
    // Only the token's hash is stored.
    let rows = password_reset::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_hash, sha256_hex(&token));

    // A weak password is refused without using up the link; a wrong token is refused by name.
    let (path, _) = field_error(confirm_reset(&app, &token, "pendek").await).await;
    assert_eq!(path, "password");
    let (path, message) = field_error(confirm_reset(&app, "bukan-token", NEW_PASSWORD).await).await;
    assert_eq!(path, "token");
    assert!(
        message.contains("Tautan") && message.contains("link"),
        "{message}"
    );

    let confirmed = confirm_reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(confirmed.status(), 204);

    // The old password no longer works, the new one does, and the old session was signed out.
    assert_error(
        login(&app, email.as_str(), PASSWORD).await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(
        login(&app, email.as_str(), NEW_PASSWORD).await.status(),
        200
    );
    assert_eq!(me_status(&app, &old_cookie).await, 401);

    // The link works once.
    let (path, _) = field_error(confirm_reset(&app, &token, "lagi-kata-sandi-lain").await).await;
    assert_eq!(path, "token");
    assert_eq!(
        login(&app, email.as_str(), NEW_PASSWORD).await.status(),
        200
    );

    let log: Vec<Value> = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    let entry = log
        .iter()
        .find(|e| e["action"] == "password_reset")
        .expect("password reset audited");
    assert_eq!(entry["actor"], email.as_str());

    // Requests are limited per address whether or not it has an account (3 an hour), and malformed
    // addresses are refused by field.
    for _ in 0..2 {
        let r = request_reset(&app, "tidak.terdaftar@serangkota.go.id").await;
        assert_eq!(r.status(), 202);
    }
    assert_error(
        request_reset(&app, "tidak.terdaftar@serangkota.go.id").await,
        429,
        "rate_limited",
    )
    .await;
    let (path, _) = field_error(request_reset(&app, "bukan-alamat").await).await;
    assert_eq!(path, "email");
    assert_eq!(sink.messages().len(), 1, "still only the one reset email");
}

/// Two instances of one deployment (one PostgreSQL database, one Redis namespace): a session started on
/// one is valid on the other and ends everywhere, and it lives in Redis, not in the `sessions` table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_shared_by_instances_through_redis() {
    let Some(redis_url) = service("SERAP_TEST_REDIS_URL") else {
        return;
    };
    let Some(db) = Db::postgres() else {
        return;
    };
    let prefix = format!("serap-test-{}", uuid::Uuid::new_v4().simple());
    let a = TestConfig::new(db.clone())
        .redis(true)
        .redis_prefix(&prefix)
        .spawn()
        .await;
    let b = TestConfig::new(db)
        .redis(true)
        .redis_prefix(&prefix)
        .same_database_as(&a)
        .spawn()
        .await;
    assert_eq!(a.state.sessions.kind(), "redis");
    let email = EmailAddress::parse("kabid.mutasi@serangkota.go.id").unwrap();
    let account_id = create_account(&a.state.db, &email, "Kabid Mutasi", PASSWORD, &[])
        .await
        .unwrap();

    let (cookie, csrf) = signed_in(&a, email.as_str()).await;
    let me: Value = b
        .http
        .get(b.url("/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], email.as_str(), "instance B knows A's session");
    assert_eq!(me["csrf_token"], csrf.as_str());

    // Stored in Redis under the hash of the token, expiring with the idle timeout; not in the database.
    let token = cookie.split_once('=').unwrap().1.to_string();
    let key = format!("{prefix}:session:{}", sha256_hex(&token));
    let mut redis = redis::Client::open(redis_url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let stored: Option<String> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut redis)
        .await
        .unwrap();
    let stored = stored.expect("the session key exists in Redis");
    assert!(!stored.contains(&token), "the token itself is not stored");
    let ttl_ms: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(ttl_ms > 0 && ttl_ms <= 30 * 60 * 1000, "TTL {ttl_ms}");
    let members: Vec<String> = redis::cmd("SMEMBERS")
        .arg(format!("{prefix}:account-sessions:{account_id}"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(members, [sha256_hex(&token)]);
    for app in [&a, &b] {
        assert_eq!(
            session::Entity::find().count(&app.state.db).await.unwrap(),
            0
        );
    }

    // Signing out on B ends the session on A too.
    let r = b
        .http
        .post(b.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(me_status(&a, &cookie).await, 401);
    let exists: bool = redis::cmd("EXISTS")
        .arg(&key)
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(!exists);

    // Revoking the account ends its sessions started on either instance.
    let (on_a, _) = signed_in(&a, email.as_str()).await;
    let (on_b, _) = signed_in(&b, email.as_str()).await;
    assert_eq!(me_status(&b, &on_a).await, 200);
    assert_eq!(
        a.state.sessions.revoke_account(account_id).await.unwrap(),
        2
    );
    assert_eq!(me_status(&b, &on_a).await, 401);
    assert_eq!(me_status(&a, &on_b).await, 401);
    drop(b);
}

/// With Redis configured but down, requests that need a session get a 503 (never a panic or a wrong 401);
/// requests without a session cookie are served as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_lookups_answer_503_while_redis_is_down() {
    let mut config = TestConfig::new(Db::Sqlite).redis(false);
    config.extra.push((
        "SERAP_REDIS_URL".into(),
        format!("redis://127.0.0.1:{}", free_port()),
    ));
    let app = config.spawn().await;
    assert_eq!(app.state.sessions.kind(), "redis");
    let email = EmailAddress::parse("operator@serangkota.go.id").unwrap();
    create_account(&app.state.db, &email, "Operator", PASSWORD, &[])
        .await
        .unwrap();

    assert_error(
        login(&app, email.as_str(), PASSWORD).await,
        503,
        "unavailable",
    )
    .await;
    let r = app
        .http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", format!("serap_session={}", "a".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_error(r, 503, "unavailable").await;
    assert_error(app.get("/api/v1/auth/me").await, 401, "unauthorized").await;
    assert_eq!(app.admin_get("/api/v1/accounts").await.status(), 200);
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
        &[("viewer", None)],
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
    let (absolute, _) = signed_in(&app, email.as_str()).await;
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
