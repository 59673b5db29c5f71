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
    let served: BTreeSet<(String, String)> =
        serap_server::routes::registered().into_iter().collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let phantom: Vec<_> = documented.difference(&served).collect();
    assert!(phantom.is_empty(), "documented but not served: {phantom:?}");
    assert_eq!(
        serap_server::openapi::documented()
            .into_iter()
            .collect::<BTreeSet<_>>(),
        documented
    );

    // Error responses reference the one error schema.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("ErrorBody") && schemas.contains_key("FieldError"));
    let test_email = &doc["paths"]["/api/v1/admin/test-email"]["post"]["responses"];
    for status in ["400", "401", "413", "422", "429"] {
        assert_eq!(
            test_email[status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{status}"
        );
    }
}
