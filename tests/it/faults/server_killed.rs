//! The server killed with SIGKILL under load, twice, and started again on the same database and port: every
//! acknowledged submission is stored once with its receipt, retries are replays, the counters equal a
//! rebuild.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait};
use serap_server::Settings;
use serap_server::entities::response;
use serde_json::Value;
use tokio::process::{Child, Command};
use uuid::Uuid;

use super::harness::{Load, check_stored_once_and_counted, client, forms_of, submissions};
use crate::helpers::{ADMIN_TOKEN, Db, free_port};
use crate::on_both_databases;

/// The server binary as a child process, killed (SIGKILL) when dropped.
struct ServerProcess {
    child: Child,
    base: String,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts `serap-test-server` with `vars` (and no other `SERAP_` variable), appending its output to
    /// `log`, and waits until it is ready.
    async fn start(vars: &HashMap<String, String>, log: &Path) -> ServerProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_serap-test-server"));
        for (name, _) in std::env::vars() {
            if name.starts_with("SERAP_") {
                command.env_remove(name);
            }
        }
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = command
            .envs(vars)
            .env("SERAP_LOG", "warn,serap_server=info")
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .kill_on_drop(true)
            .spawn()
            .expect("start serap-test-server");
        let mut server = ServerProcess {
            child,
            base: format!("http://{}", vars["SERAP_BIND"]),
            log: log.to_path_buf(),
        };
        let http = client(Duration::from_secs(10));
        let ready = format!("{}/readyz", server.base);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited ({status}):\n{}", server.output());
            }
            if let Ok(r) = http.get(&ready).send().await
                && r.status() == 200
            {
                return server;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the server did not get ready:\n{}",
                server.output()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, and wait until the process is gone.
    async fn kill(mut self) {
        self.child.start_kill().expect("SIGKILL the server");
        let status = tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .expect("the killed server exits")
            .unwrap();
        assert!(!status.success(), "killed, not exited: {status}");
    }
}

/// A new empty PostgreSQL database on the cluster at `server_url`, dropped with this value.
struct TempDatabase {
    server_url: String,
    name: String,
    url: String,
}

impl TempDatabase {
    async fn create(server_url: &str) -> TempDatabase {
        let name = format!("serap_t_{}", Uuid::new_v4().simple());
        let admin = Database::connect(server_url).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await.ok();
        let (base, query) = match server_url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (server_url, String::new()),
        };
        let host_end = base
            .find("://")
            .map(|i| i + 3)
            .and_then(|start| base[start..].find('/').map(|i| start + i))
            .unwrap_or(base.len());
        let url = format!("{}/{name}{query}", &base[..host_end]);
        TempDatabase {
            server_url: server_url.to_string(),
            name,
            url,
        }
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(server_url.as_str()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.close().await.ok();
                }
            });
        })
        .join();
    }
}

on_both_databases!(nothing_acknowledged_is_lost_when_the_server_is_killed);

async fn nothing_acknowledged_is_lost_when_the_server_is_killed(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("SERAP_BIND".into(), format!("127.0.0.1:{port}"));
    vars.insert(
        "SERAP_DATA_DIR".into(),
        dir.path().join("data").display().to_string(),
    );
    vars.insert("SERAP_ADMIN_TOKEN".into(), ADMIN_TOKEN.into());
    vars.insert("SERAP_DEMO_DATA".into(), "on".into());
    // No web client (see `without_client`).
    vars.insert(
        "SERAP_DIST_DIR".into(),
        dir.path().join("no-client").display().to_string(),
    );
    let _database = match &db {
        Db::Postgres(server_url) => {
            let database = TempDatabase::create(server_url).await;
            vars.insert("SERAP_DATABASE_URL".into(), database.url.clone());
            Some(database)
        }
        Db::Sqlite => None,
    };
    let log = dir.path().join("server.log");
    let mut server = ServerProcess::start(&vars, &log).await;
    let http = client(Duration::from_secs(30));
    let forms = forms_of(&server.base, &http).await;
    let work = submissions(&forms, 120);
    let total = work.len();
    let load = Load::start(
        std::slice::from_ref(&server.base),
        work.clone(),
        8,
        Duration::from_millis(100),
    );

    // Killed twice mid-load, restarted on the same database and port each time; the respondents keep
    // retrying whatever was not acknowledged, with the same submission ids.
    for threshold in [total / 4, total * 3 / 5] {
        load.until_acked(threshold).await;
        let acked_before = load.acked();
        assert!(acked_before < total, "killed mid-load");
        server.kill().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let restart = std::time::Instant::now();
        server = ServerProcess::start(&vars, &log).await;
        eprintln!(
            "killed after {acked_before} acknowledgements; ready again in {:?}",
            restart.elapsed()
        );
    }
    let tally = load.finish(Duration::from_secs(180)).await;
    assert!(tally.transport_errors > 0, "the respondents felt the kills");
    assert!(
        tally.refused.is_empty(),
        "no submission refused: {:?}",
        tally.refused
    );

    let settings = Settings::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let connection = serap_server::infra::db::connect(&settings).await.unwrap();
    check_stored_once_and_counted(&connection, &forms, &work, &tally.acked).await;

    // A late retry of any of them is still a replay with the original receipt, and stores nothing.
    for submission in work.iter().step_by(17) {
        let r = http
            .post(format!(
                "{}/api/v1/forms/{}/responses",
                server.base, submission.slug
            ))
            .json(&submission.body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let receipt: Value = r.json().await.unwrap();
        assert_eq!(
            receipt["receipt_code"].as_str(),
            tally.acked.get(&submission.id()).map(String::as_str)
        );
    }
    assert_eq!(
        response::Entity::find().count(&connection).await.unwrap() as usize,
        total
    );
    connection.close().await.ok();
    drop(server);
}
