//! Every failure is the one JSON error shape with the right status (DESIGN invariant 9).

use serde_json::json;

use crate::helpers::{ADMIN_TOKEN, Db, assert_error, spawn_app};
use crate::on_both_databases;

on_both_databases!(every_error_has_the_json_shape);

async fn every_error_has_the_json_shape(db: Db) {
    let app = spawn_app(db).await;
    let http = &app.http;
    let endpoint = app.url("/api/v1/admin/test-email");

    // Unknown routes under /api, whatever the method.
    assert_error(app.get("/api/v1/no-such-thing").await, 404, "not_found").await;
    assert_error(app.get("/api").await, 404, "not_found").await;
    let r = http
        .post(app.url("/api/v1/no-such-thing"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_error(r, 404, "not_found").await;
    // A known route with the wrong method.
    let r = http.delete(app.url("/api/v1/meta")).send().await.unwrap();
    assert_error(r, 405, "method_not_allowed").await;
    let r = http.get(&endpoint).send().await.unwrap();
    assert_error(r, 405, "method_not_allowed").await;
    // A missing static file.
    assert_error(app.get("/no-such-file.js").await, 404, "not_found").await;

    // Authentication.
    let r = http
        .post(&endpoint)
        .json(&json!({"to": "a@serang.go.id"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = http
        .post(&endpoint)
        .bearer_auth("wrong")
        .json(&json!({"to": "a@serang.go.id"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;

    // Malformed JSON: 400, whole body at fault.
    let cases: [(&str, &str); 4] = [
        ("truncated", r#"{"to": "a@serang.go.id""#),
        ("not json", "to=a@serang.go.id"),
        ("empty", ""),
        ("trailing garbage", r#"{"to": "a@serang.go.id"} x"#),
    ];
    for (what, body) in cases {
        let r = http
            .post(&endpoint)
            .bearer_auth(ADMIN_TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let error = assert_error(r, 400, "bad_request").await;
        assert_eq!(error["fields"][0]["path"], "$", "{what}");
    }

    // Well-formed JSON of the wrong shape: 422 naming the field.
    let cases = [
        ("invalid address", json!({"to": "not-an-address"}), "to"),
        ("wrong type", json!({"to": 42}), "to"),
        ("missing field", json!({}), "$"),
        (
            "unknown field",
            json!({"to": "a@serang.go.id", "cc": "b@serang.go.id"}),
            "cc",
        ),
    ];
    for (what, body, path) in cases {
        let r = app.post_json("/api/v1/admin/test-email", &body).await;
        let error = assert_error(r, 422, "validation_failed").await;
        assert_eq!(error["fields"][0]["path"], path, "{what}: {error}");
        assert!(
            error["fields"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }

    // Bodies over the cap: 413, before anything is read or written.
    let huge = format!(r#"{{"to": "{}@serang.go.id"}}"#, "a".repeat(300_000));
    let r = http
        .post(&endpoint)
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers().get("connection").and_then(|v| v.to_str().ok()),
        Some("close"),
        "the unread body's connection is not reused"
    );
    assert_error(r, 413, "payload_too_large").await;

    // Rate limit: 429 with Retry-After once the quota for one address is spent.
    for _ in 0..3 {
        let r = app
            .post_json(
                "/api/v1/admin/test-email",
                &json!({"to": "kuota@serang.go.id"}),
            )
            .await;
        assert_eq!(r.status(), 202);
    }
    let r = app
        .post_json(
            "/api/v1/admin/test-email",
            &json!({"to": "kuota@serang.go.id"}),
        )
        .await;
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert_error(r, 429, "rate_limited").await;
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app(Db::Sqlite).await;
    for path in ["/healthz", "/api/v1/nothing-here", "/api/v1/meta"] {
        let r = app.get(path).await;
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers()["x-frame-options"], "DENY", "{path}");
        assert_eq!(r.headers()["referrer-policy"], "same-origin", "{path}");
    }
}
