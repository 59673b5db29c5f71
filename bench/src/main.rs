//! `serap-bench <what> [--url URL]`: Serap's benchmarks. Each prints its progress on stderr and ends with one
//! JSON line on stdout: the figures and, for each target, whether it is met. Without `--url` a server is
//! started in-process on port 0 (SQLite in a temporary directory, the built client from web-client/dist).

mod digest;
mod ingest;
mod load;
mod page_weight;
mod report;

use std::path::PathBuf;

use anyhow::{Context, bail};
use serap_server::{Application, Settings};

/// A server to measure: the one at `--url`, or one started here.
pub struct Target {
    pub base: String,
    _server: Option<(
        tokio::task::JoinHandle<anyhow::Result<()>>,
        tempfile::TempDir,
    )>,
}

impl Target {
    pub async fn from_args(args: &[String]) -> anyhow::Result<Target> {
        if let Some(i) = args.iter().position(|a| a == "--url") {
            let url = args.get(i + 1).context("--url needs a value")?;
            return Ok(Target {
                base: url.trim_end_matches('/').to_string(),
                _server: None,
            });
        }
        let dir = tempfile::tempdir()?;
        let dist = workspace_root().join("web-client/dist");
        let vars = [
            ("SERAP_BIND", "127.0.0.1:0".to_string()),
            ("SERAP_DATA_DIR", dir.path().display().to_string()),
            ("SERAP_DIST_DIR", dist.display().to_string()),
            ("SERAP_ADMIN_TOKEN", "bench".to_string()),
        ];
        let settings = Settings::from_lookup(|k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.clone())
        })?;
        let app = Application::build(settings).await?;
        let base = format!("http://{}", app.address());
        let task = tokio::spawn(app.run_until_stopped(std::future::pending()));
        Ok(Target {
            base,
            _server: Some((task, dir)),
        })
    }
}

/// Runs `one(name, database_url, data_dir)` on a fresh SQLite file, then (unless `--sqlite-only`) on a fresh
/// PostgreSQL database on `SERAP_BENCH_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
/// dropped afterwards. Returns each run's figures.
pub async fn on_each_database<F, Fut>(
    args: &[String],
    one: F,
) -> anyhow::Result<Vec<serde_json::Value>>
where
    F: Fn(&'static str, String, PathBuf) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<serde_json::Value>>,
{
    use sea_orm::{ConnectionTrait, Database};
    let dir = tempfile::tempdir()?;
    let mut results = Vec::new();
    let sqlite_dir = dir.path().join("sqlite");
    std::fs::create_dir_all(&sqlite_dir)?;
    let url = format!("sqlite://{}/bench.db?mode=rwc", sqlite_dir.display());
    results.push(one("sqlite", url, sqlite_dir).await?);
    if args.iter().any(|a| a == "--sqlite-only") {
        return Ok(results);
    }
    let server = std::env::var("SERAP_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("serap_bench_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(server.as_str())
        .await
        .context("PostgreSQL for the benchmark")?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    let url = format!(
        "{}/{name}",
        server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server)
    );
    let pg_dir = dir.path().join("pg");
    std::fs::create_dir_all(&pg_dir)?;
    let result = one("postgres", url, pg_dir).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let _ = admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
    results.push(result?);
    Ok(results)
}

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let figures = match args.first().map(String::as_str) {
        Some("page-weight") => page_weight::run(&Target::from_args(&args).await?).await?,
        Some("ingest") => ingest::run(&args).await?,
        Some("report") => report::run(&args).await?,
        Some("digest") => digest::run(&args).await?,
        Some("load") => load::run(&args).await?,
        Some(other) => {
            bail!(
                "unknown benchmark {other:?}; available: page-weight, ingest, report, digest, load"
            )
        }
        None => bail!(
            "usage: serap-bench <page-weight [--url URL] | ingest [--sqlite-only] | report [--sqlite-only] | digest | load --urls URL,URL.. or --instances 1,2,3>"
        ),
    };
    println!("{figures}");
    Ok(())
}
