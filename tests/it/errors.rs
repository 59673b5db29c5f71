//! Every failure is the one JSON error shape with the right status (docs/design.md invariant 9).

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, Db, TestApp, TestConfig, assert_error, client_built, spawn_app};
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
    let mut paths = vec![
        "/healthz",
        "/metrics",
        "/api/v1/nothing-here",
        "/api/v1/meta",
        "/api/v1/openapi.json",
        "/api/v1/surveys",
        "/d/not-a-subscription/bad-signature",
    ];
    if client_built() {
        paths.extend(["/", "/f/skm-2026", "/console/"]);
    }
    // A revalidated page keeps its own policy: a 304 carries none that would replace it.
    if client_built() {
        let page = app.get("/").await;
        let etag = page.headers()["etag"].clone();
        let r = app
            .http
            .get(app.url("/"))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 304);
        assert!(r.headers().get("content-security-policy").is_none());
    }
    for path in paths {
        let r = app.get(path).await;
        let headers = r.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let html = headers
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap().starts_with("text/html"));
        if html {
            // Pages allow exactly what they need: their own scripts and the wasm module, nothing remote.
            assert!(!csp.contains('*') && !csp.contains("http"), "{path}: {csp}");
        } else {
            assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        }
    }
}

/// Sends `request` on a raw connection and returns what the server answered before closing it (empty when
/// it closed without answering). Bounded: gives up after 30 s.
async fn raw_exchange(app: &TestApp, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes a stalled connection")
        .ok();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn oversized_headers_get_431() {
    let app = spawn_app(Db::Sqlite).await;
    let r = app
        .http
        .get(app.url("/api/v1/meta"))
        .header("x-padding", "a".repeat(20 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 431);
    let mut request = "GET /api/v1/meta HTTP/1.1\r\nhost: x\r\n".to_string();
    for i in 0..100 {
        request.push_str(&format!("x-h{i}: 1\r\n"));
    }
    request.push_str("\r\n");
    let answer = raw_exchange(&app, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    // The server is fine afterwards.
    assert_eq!(app.get("/api/v1/meta").await.status(), 200);
}

#[tokio::test]
async fn slow_clients_are_cut_off() {
    let mut config = TestConfig::new(Db::Sqlite);
    config
        .extra
        .push(("SERAP_HEADER_TIMEOUT_SECS".into(), "1".into()));
    config
        .extra
        .push(("SERAP_BODY_TIMEOUT_SECS".into(), "1".into()));
    let app = config.spawn().await;

    // Headers that never finish: the connection is closed without an answer.
    let answer = raw_exchange(&app, b"GET /api/v1/meta HTTP/1.1\r\nhost: x\r\nx-slow: ").await;
    assert_eq!(answer, "");

    // A body that never finishes: 408 with the JSON error, and the connection is closed.
    let answer = raw_exchange(
        &app,
        b"POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"email\":",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let error: Value = serde_json::from_str(body).unwrap();
    assert_eq!(error["error"]["code"], "request_timeout");

    // Prompt clients are unaffected.
    let r = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "nobody@serang.go.id", "password": "salah-sekali"}),
        )
        .await;
    assert_eq!(r.status(), 401);
}

on_both_databases!(text_the_database_cannot_store_is_refused);

/// PostgreSQL refuses the NUL character in text and in JSON: a request carrying one is the client's error
/// (422), never a 500. SQLite stores such text as given.
async fn text_the_database_cannot_store_is_refused(db: Db) {
    let postgres = matches!(db, Db::Postgres(_));
    let app = spawn_app(db).await;
    let unit = json!({"code": "NUL1", "name": "a\u{0}b", "kind": "dinas"});
    let r = app.post_json("/api/v1/units", &unit).await;
    if postgres {
        let error = assert_error(r, 422, "validation_failed").await;
        assert_eq!(error["fields"][0]["path"], "$");
    } else {
        assert_eq!(r.status(), 201);
    }
    let survey = json!({"template": "skm", "title": {"id": "a\u{0}b"}});
    let r = app.post_json("/api/v1/surveys", &survey).await;
    if postgres {
        assert_error(r, 422, "validation_failed").await;
    } else {
        assert_eq!(r.status(), 201);
    }
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "a\u{0}b@serang.go.id", "password": "0123456789ab"}))
        .send()
        .await
        .unwrap();
    if postgres {
        assert_error(r, 422, "validation_failed").await;
    } else {
        assert_error(r, 401, "unauthorized").await;
    }
}

/// A credential header that is not visible ASCII is a 400 naming it, also where another method shares
/// the path (GET and POST `/api/v1/accounts`), not that method's 405.
#[tokio::test]
async fn unreadable_credentials_are_a_400() {
    let app = spawn_app(Db::Sqlite).await;
    for (header, value) in [
        ("cookie", &b"serap_session=\xc3\xa9"[..]),
        ("authorization", &b"Bearer \xc3\xa9"[..]),
    ] {
        let value = reqwest::header::HeaderValue::from_bytes(value).unwrap();
        for path in ["/api/v1/accounts", "/api/v1/audit"] {
            let r = app
                .http
                .get(app.url(path))
                .header(header, value.clone())
                .send()
                .await
                .unwrap();
            let error = assert_error(r, 400, "bad_request").await;
            assert!(
                error["message"].as_str().unwrap().ends_with(header),
                "{error}"
            );
        }
    }
}
