//! The OpenAPI document describes every route the server serves, and nothing it does not.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{Db, spawn_app};

#[tokio::test]
async fn openapi_document_covers_every_route() {
    let app = spawn_app(Db::Sqlite).await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let shape: String = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.starts_with('{') {
                    "/{}".to_string()
                } else {
                    format!("/{s}")
                }
            })
            .collect();
        for (method, operation) in item.as_object().unwrap() {
            documented.insert((method.to_ascii_uppercase(), shape.clone()));
            let responses = operation["responses"].as_object().expect("responses");
            assert!(
                !responses.is_empty(),
                "{method} {path} documents no responses"
            );
        }
    }
    // The server built its routes when it started: every one of them must be documented, and every
    // documented operation must exist.
    let served: BTreeSet<(String, String)> = serap_server::http::registered().into_iter().collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let phantom: Vec<_> = documented.difference(&served).collect();
    assert!(phantom.is_empty(), "documented but not served: {phantom:?}");
    assert_eq!(
        serap_server::http::openapi::documented()
            .into_iter()
            .collect::<BTreeSet<_>>(),
        documented
    );

    // Error responses reference the one error schema.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("ErrorBody") && schemas.contains_key("FieldError"));
    let error_body = serde_json::json!({"$ref": "#/components/schemas/ErrorBody"});
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let api = path.starts_with("/api/");
        for (method, operation) in item.as_object().unwrap() {
            let op = format!("{} {path}", method.to_ascii_uppercase());
            let responses = operation["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            // Every JSON request body has a schema, and the errors of reading it are documented.
            if let Some(body) = operation["requestBody"]["content"].as_object() {
                for (content_type, media) in body {
                    if media["schema"].is_null() {
                        problems.push(format!("{op}: {content_type} body without a schema"));
                    }
                }
                for status in ["408", "413"] {
                    if !has(status) {
                        problems.push(format!("{op}: a body but no {status}"));
                    }
                }
                if body.contains_key("application/json") {
                    for status in ["400", "422"] {
                        if !has(status) {
                            problems.push(format!("{op}: a JSON body but no {status}"));
                        }
                    }
                }
            }
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for place in ["path", "query"] {
                let placed = parameters.iter().filter(|p| p["in"] == place).count();
                let statuses: &[&str] = if place == "path" {
                    &["404"]
                } else {
                    &["400", "422"]
                };
                for status in statuses {
                    if placed > 0 && !has(status) {
                        problems.push(format!("{op}: {place} parameters but no {status}"));
                    }
                }
            }
            // Path parameters are the ones in the path, and only those.
            let in_path = path.matches('{').count();
            let path_params = parameters.iter().filter(|p| p["in"] == "path").count();
            if in_path != path_params {
                problems.push(format!(
                    "{op}: {in_path} path parameters, {path_params} documented"
                ));
            }
            if operation["security"].is_array() {
                for status in ["400", "401", "403"] {
                    if !has(status) {
                        problems.push(format!("{op}: secured but no {status}"));
                    }
                }
            }
            // Every success documents its content (or has none: 202, 204).
            for (status, response) in responses {
                let content = response["content"].as_object();
                if status.starts_with('2') && !matches!(status.as_str(), "202" | "204") {
                    match content {
                        Some(content) if content.values().all(|m| !m["schema"].is_null()) => {}
                        Some(content) if content.contains_key("text/html") => {}
                        _ => problems.push(format!("{op}: {status} without a schema")),
                    }
                }
                // Errors under /api (and every JSON error elsewhere) are the one error body.
                if status.starts_with('4') || status.starts_with('5') {
                    let json = &response["content"]["application/json"];
                    if (api || !json.is_null()) && json["schema"] != error_body {
                        problems.push(format!("{op}: {status} is not an ErrorBody"));
                    }
                }
            }
            if api {
                for status in ["500", "503"] {
                    if !has(status) {
                        problems.push(format!("{op}: no {status}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // Accounts sign in with the session cookie and send the CSRF token on state-changing requests.
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for scheme in ["admin_token", "session_cookie", "csrf_token"] {
        assert!(schemes.contains_key(scheme), "{scheme}");
    }
    assert_eq!(
        doc["paths"]["/api/v1/accounts"]["post"]["security"],
        serde_json::json!([{"admin_token": []}, {"csrf_token": [], "session_cookie": []}])
    );
    let test_email = &doc["paths"]["/api/v1/admin/test-email"]["post"]["responses"];
    for status in ["400", "401", "413", "422", "429"] {
        assert_eq!(
            test_email[status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{status}"
        );
    }
}
