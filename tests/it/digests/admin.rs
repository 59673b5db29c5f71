//! Digests as an admin manages them: input refused by field, the preview as JSON and as a page (admins
//! only, strict CSP), cadence and language changed, failed messages listed and retried, deletion, audit.

use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_server::digests::run_due;
use serap_server::entities::outbox_message;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{digest_rows, next_morning, subscribe};
use crate::helpers::{ADMIN_TOKEN, Db, TestConfig, assert_error, eventually};
use crate::on_both_databases;

on_both_databases!(admins_preview_list_and_retry);

async fn admins_preview_list_and_retry(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    // Bad input names the field at fault.
    for (body, field) in [
        (
            json!({"email": "bukan-email", "name": "X", "cadences": ["daily"]}),
            "email",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": []}),
            "cadences",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": " ", "cadences": ["daily"]}),
            "name",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["daily"], "lang": "fr"}),
            "lang",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["daily"], "unit_codes": ["BKPSDM", "NOPE"]}),
            "unit_codes[1]",
        ),
        (
            json!({"account_id": Uuid::new_v4(), "cadences": ["daily"]}),
            "account_id",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["hourly"]}),
            "cadences[0]",
        ),
    ] {
        let r = app.post_json("/api/v1/digests", &body).await;
        let error = assert_error(r, 422, "validation_failed").await;
        assert_eq!(error["fields"][0]["path"], field, "{body}: {error}");
    }
    let r = app
        .http
        .post(app.url("/api/v1/digests"))
        .json(&json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["daily"]}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;

    let sub = subscribe(
        &app,
        json!({"email": "kadis@serangkota.go.id", "name": "Kepala <Dinas> & Co", "unit_codes": ["DINKES"],
               "cadences": ["weekly", "wave_closed"]}),
    )
    .await;
    let id = sub["id"].as_str().unwrap();
    assert_eq!(sub["unit_codes"], json!(["DINKES"]));
    let preview: Value = app
        .admin_get(&format!("/api/v1/digests/{id}/preview"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        preview["subject"]
            .as_str()
            .unwrap()
            .starts_with("Ringkasan mingguan Serap: 5 survei aktif"),
        "{preview}"
    );
    assert!(
        preview["period"].as_str().unwrap().starts_with("weekly:"),
        "{preview}"
    );
    assert!(
        preview["html"]
            .as_str()
            .unwrap()
            .contains("Kepala &lt;Dinas&gt; &amp; Co"),
        "{preview}"
    );
    assert!(
        preview["text"]
            .as_str()
            .unwrap()
            .contains("Kepala <Dinas> & Co"),
        "{preview}"
    );
    let r = app.get(&format!("/api/v1/digests/{id}/preview")).await;
    assert_error(r, 401, "unauthorized").await;

    // The server-rendered preview page: admins only, strict CSP.
    let r = app.admin_get(&format!("/digests/{id}/preview")).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("style-src 'unsafe-inline'"),
        "{csp}"
    );
    assert!(!csp.contains("script-src"), "{csp}");
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"html-part\"") && page.contains("id=\"text-part\""),
        "{page}"
    );
    assert!(
        page.contains("Ringkasan mingguan Serap") && !page.contains("<script"),
        "{page}"
    );
    // An unreadable cookie is this page's error, not the web client's fallback page.
    let r = app
        .http
        .get(app.url(&format!("/digests/{id}/preview")))
        .header(
            "cookie",
            reqwest::header::HeaderValue::from_bytes(b"serap_session=\xff").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Invalid header: cookie"));
    let r = app.get(&format!("/digests/{id}/preview")).await;
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    // Changing the cadence, then the status list after a digest was queued.
    let r = app
        .put_json(
            &format!("/api/v1/digests/{id}"),
            &json!({"cadences": ["daily"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .put_json(&format!("/api/v1/digests/{id}"), &json!({"lang": "xx"}))
        .await;
    assert_eq!(
        assert_error(r, 422, "validation_failed").await["fields"][0]["path"],
        "lang"
    );
    assert_eq!(run_due(&app.state, next_morning()).await.unwrap(), 1);
    let list: Vec<Value> = app.admin_get("/api/v1/digests").await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(
        list[0]["last_period"]
            .as_str()
            .unwrap()
            .starts_with("daily:"),
        "{list:?}"
    );
    assert!(list[0]["last_delivery"].is_string(), "{list:?}");
    assert_eq!(list[0]["failures"], 0);

    // A message the outbox gave up on: listed, retried once, then no longer failed. (Wait until the
    // dispatcher is done with it, so its own outcome does not overwrite the one set here.)
    let row = eventually(Duration::from_secs(20), "the digest dispatched", || async {
        digest_rows(&app)
            .await
            .pop()
            .filter(|r| r.status != "pending" && r.status != "sending")
    })
    .await;
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value("failed"))
        .col_expr(outbox_message::Column::Attempts, Expr::value(8))
        .filter(outbox_message::Column::Id.eq(row.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let failed: Vec<Value> = app
        .admin_get("/api/v1/outbox/failed")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["message_id"], row.message_id);
    let list: Vec<Value> = app.admin_get("/api/v1/digests").await.json().await.unwrap();
    assert_eq!(list[0]["failures"], 1);
    assert_eq!(list[0]["last_delivery"], "failed");
    let r = app
        .post_json(&format!("/api/v1/outbox/{}/retry", row.id), &json!({}))
        .await;
    assert_eq!(r.status(), 202);
    let r = app
        .post_json(&format!("/api/v1/outbox/{}/retry", row.id), &json!({}))
        .await;
    assert_eq!(r.status(), 409);
    let r = app
        .post_json(
            &format!("/api/v1/outbox/{}/retry", Uuid::new_v4()),
            &json!({}),
        )
        .await;
    assert_error(r, 404, "not_found").await;

    let r = app
        .http
        .delete(app.url(&format!("/api/v1/digests/{id}")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let audit: Value = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "digests.create",
        "digests.update",
        "digests.delete",
        "outbox.retry",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
