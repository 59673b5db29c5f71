//! `ingest`: submissions per second and p50/p99 latency of `POST /api/v1/forms/{slug}/responses` for the
//! competency template at concurrency 1, 8 and 32, on SQLite and on PostgreSQL, side by side with the
//! ceiling: a bare warp endpoint in this process that inserts the same JSON into the same database.
//! Each configuration runs three times, alternating ceiling and Serap; medians are reported.
//! Target: Serap reaches at least 50 % of the ceiling at c=32.
//!
//! PostgreSQL comes from `SERAP_BENCH_DATABASE_URL` (a server URL; a fresh database is created), default
//! `postgres://postgres@127.0.0.1:5432/test`; `--sqlite-only` skips it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serap_server::{Application, Settings};
use serap_shared::api::PublicForm;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use uuid::Uuid;
use warp::Filter;

const CONCURRENCY: [usize; 3] = [1, 8, 32];
const REQUESTS_PER_RUN: usize = 1500;
const ROUNDS: usize = 3;
const SLUG: &str = "kompetensi-2026";

struct Run {
    throughput: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
}

/// Sends `REQUESTS_PER_RUN` requests from `concurrency` workers; `make(i)` gives request i's body.
async fn load(
    http: &reqwest::Client,
    url: &str,
    concurrency: usize,
    make: Arc<dyn Fn(usize) -> String + Send + Sync>,
) -> Run {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(REQUESTS_PER_RUN)));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (http, url, make) = (http.clone(), url.to_string(), make.clone());
            let (next, latencies, errors) = (next.clone(), latencies.clone(), errors.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= REQUESTS_PER_RUN {
                        break;
                    }
                    let body = make(i);
                    let t = Instant::now();
                    let ok = http
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    let elapsed = t.elapsed();
                    if ok {
                        latencies.lock().await.push(elapsed);
                    } else {
                        errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    let wall = started.elapsed().as_secs_f64();
    let mut latencies = latencies.lock().await.clone();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    Run {
        throughput: latencies.len() as f64 / wall,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors: errors.load(std::sync::atomic::Ordering::Relaxed),
    }
}

/// The run with the median throughput.
fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.throughput.total_cmp(&b.throughput));
    runs.swap_remove(runs.len() / 2)
}

/// Milliseconds until the counter folder has emptied its queue.
async fn fold_lag_ms(db: &DatabaseConnection) -> anyhow::Result<f64> {
    let started = Instant::now();
    loop {
        let pending = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM fold_queue",
            ))
            .await?
            .and_then(|row| row.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
        if pending == 0 {
            return Ok(started.elapsed().as_secs_f64() * 1000.0);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The ceiling: one INSERT of the request body, nothing else.
async fn start_bare(db: DatabaseConnection) -> anyhow::Result<String> {
    let backend = db.get_database_backend();
    let create = match backend {
        DbBackend::Postgres => {
            "CREATE TABLE IF NOT EXISTS bare_responses (id UUID PRIMARY KEY, body JSON NOT NULL)"
        }
        _ => "CREATE TABLE IF NOT EXISTS bare_responses (id BLOB PRIMARY KEY, body TEXT NOT NULL)",
    };
    db.execute_unprepared(create).await?;
    let insert = match backend {
        DbBackend::Postgres => "INSERT INTO bare_responses (id, body) VALUES ($1, $2::json)",
        _ => "INSERT INTO bare_responses (id, body) VALUES (?, ?)",
    };
    let route = warp::post()
        .and(warp::path!("ingest"))
        .and(warp::body::bytes())
        .then(move |body: bytes::Bytes| {
            let db = db.clone();
            async move {
                let text = String::from_utf8_lossy(&body).to_string();
                let stmt = Statement::from_sql_and_values(
                    backend,
                    insert,
                    [Uuid::new_v4().into(), text.into()],
                );
                match db.execute_raw(stmt).await {
                    Ok(_) => warp::http::StatusCode::CREATED,
                    Err(_) => warp::http::StatusCode::INTERNAL_SERVER_ERROR,
                }
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(warp::serve(route).incoming(listener).run());
    Ok(format!("http://{addr}/ingest"))
}

async fn one_database(
    name: &str,
    database_url: String,
    data_dir: &std::path::Path,
) -> anyhow::Result<Value> {
    let vars = [
        ("SERAP_BIND", "127.0.0.1:0".to_string()),
        ("SERAP_DATA_DIR", data_dir.display().to_string()),
        ("SERAP_DATABASE_URL", database_url.clone()),
        ("SERAP_DEMO_DATA", "on".to_string()),
        ("SERAP_ADMIN_TOKEN", "bench".to_string()),
        ("SERAP_LOG", "warn".to_string()),
        ("SERAP_DIST_DIR", "/nonexistent".to_string()),
    ];
    let settings =
        Settings::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))?;
    let app = Application::build(settings).await?;
    let base = format!("http://{}", app.address());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let bare_db = Database::connect(database_url.as_str()).await?;
    let bare_url = start_bare(bare_db).await?;

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let form: PublicForm = http
        .get(format!("{base}/api/v1/forms/{SLUG}"))
        .send()
        .await?
        .json()
        .await
        .context("loading the competency form")?;
    // Pre-built answer sets; each request gets a fresh submission id.
    let variants: Vec<Value> = (0..16)
        .map(|i| serde_json::to_value(example_answers(&form.definition, i)).unwrap_or_default())
        .collect();
    let units: Vec<Uuid> = form.units.iter().map(|u| u.id).collect();
    let make: Arc<dyn Fn(usize) -> String + Send + Sync> = Arc::new(move |i| {
        json!({
            "submission_id": Uuid::new_v4(),
            "unit_id": units[i % units.len()],
            "answers": variants[i % variants.len()],
        })
        .to_string()
    });
    let serap_url = format!("{base}/api/v1/forms/{SLUG}/responses");
    let mut runs = Vec::new();
    for c in CONCURRENCY {
        // Three rounds alternating ceiling and Serap; the medians are reported (the machine is shared).
        let mut ceilings = Vec::new();
        let mut seraps = Vec::new();
        let mut lags = Vec::new();
        for _ in 0..ROUNDS {
            ceilings.push(load(&http, &bare_url, c, make.clone()).await);
            seraps.push(load(&http, &serap_url, c, make.clone()).await);
            lags.push(fold_lag_ms(&db).await?);
        }
        let ceiling = median(ceilings);
        let serap = median(seraps);
        lags.sort_by(f64::total_cmp);
        let lag_max = lags.last().copied().unwrap_or(0.0);
        eprintln!(
            "{name} c={c}: serap {:.0}/s p50 {:.1} ms p99 {:.1} ms ({} errors), counters complete <= {:.0} ms later | ceiling {:.0}/s p50 {:.1} ms p99 {:.1} ms | ratio {:.2}",
            serap.throughput,
            serap.p50_ms,
            serap.p99_ms,
            serap.errors,
            lag_max,
            ceiling.throughput,
            ceiling.p50_ms,
            ceiling.p99_ms,
            serap.throughput / ceiling.throughput
        );
        runs.push(json!({
            "concurrency": c,
            "serap": {"per_s": serap.throughput.round(), "p50_ms": serap.p50_ms, "p99_ms": serap.p99_ms, "errors": serap.errors, "counters_complete_after_ms_max": lag_max},
            "ceiling": {"per_s": ceiling.throughput.round(), "p50_ms": ceiling.p50_ms, "p99_ms": ceiling.p99_ms, "errors": ceiling.errors},
            "ratio": serap.throughput / ceiling.throughput,
        }));
    }
    let stored = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM responses",
        ))
        .await?
        .and_then(|row| row.try_get::<i64>("", "n").ok())
        .unwrap_or(0);
    Ok(json!({"database": name, "runs": runs, "responses_stored": stored}))
}

pub async fn run(args: &[String]) -> anyhow::Result<Value> {
    let results = crate::on_each_database(args, |name, url, dir| async move {
        one_database(name, url, &dir).await
    })
    .await?;
    let met = results.iter().all(|r| {
        r["runs"]
            .as_array()
            .and_then(|runs| runs.iter().find(|run| run["concurrency"] == 32))
            .and_then(|run| run["ratio"].as_f64())
            .is_some_and(|ratio| ratio >= 0.5)
    });
    Ok(json!({
        "bench": "ingest",
        "template": "competency",
        "requests_per_run": REQUESTS_PER_RUN,
        "results": results,
        "targets": {"ratio_at_c32_min": 0.5, "met": met}
    }))
}
