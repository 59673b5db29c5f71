//! A private PostgreSQL cluster stopped under load and started again: a fast 503 in the one JSON error
//! shape meanwhile, the server reconnects by itself, nothing acknowledged is lost or doubled.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_server::entities::response;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use tokio::process::Command;
use uuid::Uuid;

use super::harness::{
    Load, Submission, check_stored_once_and_counted, client, forms_of, program, submissions,
    without_client,
};
use crate::helpers::{Db, TestConfig, assert_error, eventually, free_port};

/// A private PostgreSQL cluster (trust authentication, 127.0.0.1 only, its socket in its own directory),
/// stopped immediately when dropped. As root, the tools run as `postgres` (initdb refuses root).
struct PgCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl PgCluster {
    /// The newest `/usr/lib/postgresql/<version>/bin` (or `SERAP_TEST_PG_BIN`) with `initdb` and `pg_ctl`.
    fn binaries() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("SERAP_TEST_PG_BIN") {
            return Some(PathBuf::from(dir));
        }
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let version = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
                    .then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    }

    async fn start(bin: PathBuf) -> PgCluster {
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = std::fs::metadata(dir.path()).unwrap().uid() == 0;
        if as_postgres {
            let (uid, gid) = postgres_user();
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let cluster = PgCluster {
            bin,
            dir,
            port: free_port(),
            as_postgres,
        };
        let data = cluster.data();
        cluster
            .run(
                "initdb",
                &[
                    "-D",
                    &data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                ],
            )
            .await;
        cluster.pg_start().await;
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn command(&self, tool: &str) -> std::process::Command {
        let path = self.bin.join(tool);
        if self.as_postgres {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            std::process::Command::new(path)
        }
    }

    async fn run(&self, tool: &str, args: &[&str]) {
        let mut command = Command::from(self.command(tool));
        command
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        let output = tokio::time::timeout(Duration::from_secs(120), command.output())
            .await
            .unwrap_or_else(|_| panic!("{tool} finishes"))
            .unwrap_or_else(|e| panic!("run {tool}: {e}"));
        assert!(
            output.status.success(),
            "{tool} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
        );
    }

    async fn pg_start(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log").display().to_string();
        let data = self.data();
        self.run(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60", "start",
            ],
        )
        .await;
    }

    /// A fast shutdown: sessions are terminated, open transactions rolled back.
    async fn pg_stop(&self) {
        let data = self.data();
        self.run(
            "pg_ctl",
            &["-D", &data, "-m", "fast", "-w", "-t", "60", "stop"],
        )
        .await;
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The uid and gid of the `postgres` account.
fn postgres_user() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&"postgres") && fields.len() > 3)
                .then(|| (fields[2].parse().unwrap(), fields[3].parse().unwrap()))
        })
        .expect("a postgres account (initdb refuses to run as root)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_is_a_fast_503_and_the_server_reconnects() {
    let Some(bin) = program(
        "PostgreSQL server binaries (initdb, pg_ctl)",
        PgCluster::binaries(),
    ) else {
        return;
    };
    let cluster = PgCluster::start(bin).await;
    let app = without_client(TestConfig::new(Db::Postgres(cluster.url())))
        .demo()
        .redis(false)
        .spawn()
        .await;
    let http = client(Duration::from_secs(30));
    let forms = forms_of(&app.base, &http).await;
    let work = submissions(&forms, 80);
    let load = Load::start(
        std::slice::from_ref(&app.base),
        work.clone(),
        8,
        Duration::from_millis(200),
    );
    load.until_acked(work.len() / 4).await;
    cluster.pg_stop().await;

    // While it is down: a submission and readiness fail fast (within the pool's acquire timeout) with a
    // 503 in the one JSON error shape; liveness does not depend on the database.
    let probe = Submission {
        slug: forms[0].slug.clone(),
        body: json!({
            "submission_id": Uuid::new_v4(),
            "unit_id": forms[0].units[1].id,
            "answers": example_answers(&forms[0].definition, 1),
        }),
    };
    let submit_probe = || async {
        http.post(app.url(&format!("/api/v1/forms/{}/responses", probe.slug)))
            .json(&probe.body)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .expect("an answer, not a hang")
    };
    let (refused, not_ready) = tokio::join!(
        submit_probe(),
        http.get(app.url("/readyz"))
            .timeout(Duration::from_secs(20))
            .send()
    );
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap()),
        Some("2")
    );
    let error = assert_error(refused, 503, "database_unavailable").await;
    assert!(
        error["message"].as_str().unwrap().contains("database"),
        "{error}"
    );
    assert_error(not_ready.unwrap(), 503, "unavailable").await;
    assert_eq!(app.get("/healthz").await.status(), 200);

    // Started again: the server reconnects by itself.
    cluster.pg_start().await;
    eventually(Duration::from_secs(60), "ready again", || async {
        (app.get("/readyz").await.status() == 200).then_some(())
    })
    .await;
    let tally = load.finish(Duration::from_secs(180)).await;
    assert_eq!(
        tally.transport_errors, 0,
        "the server answered every request"
    );
    for (status, retry_after, body) in &tally.refused {
        assert_eq!(*status, 503, "{body}");
        assert_eq!(retry_after.as_deref(), Some("2"), "{body}");
        let body: Value = serde_json::from_str(body).expect("a JSON error");
        assert_eq!(body["error"]["code"], "database_unavailable", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // The refused probe was not stored: sent again, it is new.
    assert_eq!(submit_probe().await.status(), 201);
    let mut all = work.clone();
    all.push(probe.clone());
    let mut acked = tally.acked.clone();
    let stored_probe = response::Entity::find()
        .filter(response::Column::SubmissionId.eq(probe.id()))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the probe is stored");
    acked.insert(probe.id(), stored_probe.receipt_code);
    check_stored_once_and_counted(&app.state.db, &forms, &all, &acked).await;
    drop(app);
    drop(cluster);
}
