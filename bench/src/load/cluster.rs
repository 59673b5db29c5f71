//! `--instances`: `serap-server` processes started for the load on one fresh PostgreSQL database and one
//! Redis namespace, and stopped afterwards.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use uuid::Uuid;

use super::args::value;

/// The admin token of the instances started here.
pub(super) const ADMIN_TOKEN: &str = "serap-load-bench";

/// `serap-server` processes on one PostgreSQL database and one Redis, stopped and the database dropped on
/// `stop`.
pub(super) struct Cluster {
    pub(super) children: Vec<tokio::process::Child>,
    pub(super) urls: Vec<String>,
    admin: sea_orm::DatabaseConnection,
    database: String,
    dir: tempfile::TempDir,
}

/// The `serap-server` binary to start: `--server-bin`, or the release build in the target directory.
pub(super) fn server_binary(args: &[String]) -> anyhow::Result<PathBuf> {
    if let Some(bin) = value(args, "--server-bin")? {
        return Ok(PathBuf::from(bin));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join("target"));
    let bin = target.join("release/serap-server");
    if bin.exists() {
        Ok(bin)
    } else {
        bail!(
            "{} is missing: cargo build --release -p serap-server (or pass --server-bin)",
            bin.display()
        )
    }
}

/// A port nobody listens on now.
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The last lines of a log file.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

impl Cluster {
    pub(super) async fn start(bin: &Path, n: usize) -> anyhow::Result<Cluster> {
        use sea_orm::{ConnectionTrait, Database};
        let server = std::env::var("SERAP_BENCH_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let redis = std::env::var("SERAP_BENCH_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let run = Uuid::new_v4().simple().to_string();
        let database = format!("serap_load_{}", &run[..12]);
        let admin = Database::connect(server.as_str())
            .await
            .context("PostgreSQL for the benchmark")?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {database}"))
            .await?;
        let database_url = format!(
            "{}/{database}",
            server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server)
        );
        let mut cluster = Cluster {
            children: Vec::new(),
            urls: Vec::new(),
            admin,
            database,
            dir: tempfile::tempdir()?,
        };
        let prefix = format!("serap-load-{}", &run[..12]);
        match cluster.launch(bin, n, &database_url, &redis, &prefix).await {
            Ok(()) => Ok(cluster),
            Err(e) => {
                cluster.stop().await;
                Err(e)
            }
        }
    }

    async fn launch(
        &mut self,
        bin: &Path,
        n: usize,
        database_url: &str,
        redis: &str,
        prefix: &str,
    ) -> anyhow::Result<()> {
        let dist = crate::workspace_root().join("web-client/dist");
        let secret = Uuid::new_v4().simple().to_string();
        for i in 0..n {
            let port = free_port()?;
            let data = self.dir.path().join(format!("instance-{i}"));
            std::fs::create_dir_all(&data)?;
            let log = std::fs::File::create(data.join("server.log"))?;
            let mut command = tokio::process::Command::new(bin);
            for (name, _) in std::env::vars() {
                if name.starts_with("SERAP_") {
                    command.env_remove(name);
                }
            }
            command
                .env("SERAP_BIND", format!("127.0.0.1:{port}"))
                .env("SERAP_DATA_DIR", &data)
                .env("SERAP_DATABASE_URL", database_url)
                .env("SERAP_REDIS_URL", redis)
                .env("SERAP_REDIS_PREFIX", prefix)
                .env("SERAP_SECRET", &secret)
                .env("SERAP_ADMIN_TOKEN", ADMIN_TOKEN)
                .env("SERAP_DEMO_DATA", if i == 0 { "on" } else { "off" })
                .env("SERAP_LOG", "warn")
                .env("SERAP_DIST_DIR", &dist)
                .stdin(std::process::Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .kill_on_drop(true);
            let child = command
                .spawn()
                .with_context(|| format!("starting {}", bin.display()))?;
            self.children.push(child);
            self.urls.push(format!("http://127.0.0.1:{port}"));
            // The first one migrates and seeds; the others start once it is ready.
            if i == 0 {
                self.wait_ready(0).await?;
            }
        }
        for i in 1..n {
            self.wait_ready(i).await?;
        }
        Ok(())
    }

    async fn wait_ready(&mut self, i: usize) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let url = format!("{}/readyz", self.urls[i]);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http.get(&url).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            let log = self
                .dir
                .path()
                .join(format!("instance-{i}"))
                .join("server.log");
            if let Some(status) = self.children[i].try_wait()? {
                bail!("instance {i} exited ({status}):\n{}", log_tail(&log));
            }
            if Instant::now() > deadline {
                bail!("instance {i} not ready after 60 s:\n{}", log_tail(&log));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub(super) async fn stop(mut self) {
        use sea_orm::ConnectionTrait;
        for child in &mut self.children {
            let _ = child.start_kill();
        }
        for child in &mut self.children {
            let _ = child.wait().await;
        }
        let _ = self
            .admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.database
            ))
            .await;
    }
}
