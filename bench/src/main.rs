//! `serap-bench <what> [--url URL]`: Serap's benchmarks. Each prints its progress on stderr and ends with one
//! JSON line on stdout: the figures and, for each target, whether it is met. Without `--url` a server is
//! started in-process on port 0 (SQLite in a temporary directory, the built client from web-client/dist).

mod digest;
mod ingest;
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
        Some(other) => {
            bail!("unknown benchmark {other:?}; available: page-weight, ingest, report, digest")
        }
        None => bail!(
            "usage: serap-bench <page-weight [--url URL] | ingest [--sqlite-only] | report [--sqlite-only] | digest>"
        ),
    };
    println!("{figures}");
    Ok(())
}
