use serde_json::Value;

use crate::helpers::{Db, assert_error, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    health_readiness_and_metrics,
    readiness_fails_when_the_database_is_gone
);

async fn health_readiness_and_metrics(db: Db) {
    let app = spawn_app(db.clone()).await;

    let health: Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ok");

    let meta: Value = app.get("/api/v1/meta").await.json().await.unwrap();
    let expected_db = match db {
        Db::Sqlite => "sqlite",
        Db::Postgres(_) => "postgres",
    };
    assert_eq!(meta["database"], expected_db);
    assert_eq!(meta["database_ok"], true);
    assert_eq!(meta["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        meta["time_wib"].as_str().unwrap().ends_with("+07:00"),
        "{meta}"
    );

    let metrics = app.get("/metrics").await;
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains(
            r#"serap_http_requests_total{method="GET",route="/api/v1/meta",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("serap_http_request_duration_seconds_bucket"));
}

async fn readiness_fails_when_the_database_is_gone(db: Db) {
    let app = spawn_app(db).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.state.db.clone().close().await.unwrap();
    assert_error(app.get("/readyz").await, 503, "unavailable").await;
    // Liveness is about the process, not its dependencies.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn stops_gracefully_and_frees_the_port() {
    let mut app = spawn_app(Db::Sqlite).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
    assert!(app.http.get(app.url("/healthz")).send().await.is_err());
    std::net::TcpListener::bind(app.address).expect("port is free again after shutdown");
}
