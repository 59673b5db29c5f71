//! Sessions kept in Redis: shared by the instances of one deployment (valid on each, ended everywhere,
//! stored under the token's hash, never in the database), and a 503 for session lookups while Redis is down.

use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::accounts::create_account;
use serap_server::entities::session;
use serap_server::infra::tokens::sha256_hex;
use serap_shared::domain::EmailAddress;
use serde_json::Value;

use super::{login, me_status, signed_in};
use crate::helpers::{Db, PASSWORD, TestConfig, assert_error, free_port, service};

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

    let on_a = signed_in(&a, email.as_str()).await;
    let (cookie, csrf) = (on_a.cookie.clone(), on_a.csrf.clone());
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
    let token = on_a.token().to_string();
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
    let on_a = signed_in(&a, email.as_str()).await.cookie;
    let on_b = signed_in(&b, email.as_str()).await.cookie;
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
