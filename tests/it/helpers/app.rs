//! The server under test: `spawn_app` / `TestConfig` start it in-process on port 0 with a fresh SQLite
//! file or a fresh PostgreSQL database (and a Redis namespace of its own), `TestApp` holds it and tears it
//! down on drop; `on_both_databases!` runs a test body on each database; `service` finds the external
//! services a test needs.

use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database};
use serap_server::state::AppState;
use serap_server::{Application, Settings};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The admin token every test server accepts (`SERAP_ADMIN_TOKEN`).
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef";

/// An external service a test needs: its URL, `None` when it is not configured (and `CI` is not `true`).
pub fn service(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if in_ci() => panic!("{var} must be set when CI=true: the service it names is required"),
        _ => {
            eprintln!("skipping: {var} is not set");
            None
        }
    }
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite,
    /// The server URL of a PostgreSQL cluster; each app gets its own new database on it.
    Postgres(String),
}

impl Db {
    pub fn postgres() -> Option<Db> {
        service("SERAP_TEST_DATABASE_URL").map(Db::Postgres)
    }
}

/// Runs an async test body once on SQLite and once on PostgreSQL (with Redis), as two tests.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Db::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::helpers::Db::postgres() {
                    super::$name(db).await
                }
            }
        }
    )+};
}

/// How to start a test server.
pub struct TestConfig {
    pub db: Db,
    /// Use Redis (`SERAP_TEST_REDIS_URL`); defaults to true on PostgreSQL, false on SQLite.
    pub redis: bool,
    /// Redis key and channel namespace; unique per test unless instances must share it.
    pub redis_prefix: String,
    pub smtp_url: Option<String>,
    /// The database URL of a running app to share instead of a new database (`same_database_as`).
    pub shared_database: Option<String>,
    pub extra: Vec<(String, String)>,
}

impl TestConfig {
    pub fn new(db: Db) -> TestConfig {
        let redis = matches!(db, Db::Postgres(_));
        TestConfig {
            db,
            redis,
            redis_prefix: format!("serap-test-{}", uuid::Uuid::new_v4().simple()),
            smtp_url: None,
            shared_database: None,
            extra: Vec::new(),
        }
    }

    /// Uses `other`'s database (a second instance of the same deployment). `other` owns it and drops it,
    /// so it must outlive this app.
    pub fn same_database_as(mut self, other: &TestApp) -> Self {
        self.shared_database = Some(other.state.settings.database_url.expose_secret().to_owned());
        self
    }

    pub fn redis(mut self, on: bool) -> Self {
        self.redis = on;
        self
    }

    pub fn redis_prefix(mut self, prefix: &str) -> Self {
        self.redis_prefix = prefix.to_string();
        self
    }

    /// Seeds the demo units, surveys and open waves (as the embedded default does).
    pub fn demo(mut self) -> Self {
        self.extra.push(("SERAP_DEMO_DATA".into(), "on".into()));
        self
    }

    pub fn smtp(mut self, url: String) -> Self {
        self.smtp_url = Some(url);
        self
    }

    pub async fn spawn(self) -> TestApp {
        TestApp::spawn(self).await
    }
}

/// A running server and what it needs, torn down on drop.
pub struct TestApp {
    pub address: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    pub data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    vars: HashMap<String, String>,
    pg_database: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app(db: Db) -> TestApp {
    TestConfig::new(db).spawn().await
}

type Running = (
    SocketAddr,
    AppState,
    oneshot::Sender<()>,
    JoinHandle<anyhow::Result<()>>,
);

async fn start(vars: &HashMap<String, String>) -> Running {
    let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("valid test settings");
    let app = Application::build(settings).await.expect("server builds");
    let address = app.address();
    let state = app.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    (address, state, stop, task)
}

impl TestApp {
    async fn spawn(config: TestConfig) -> TestApp {
        super::logs::install();
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        let mut vars: HashMap<String, String> = HashMap::new();
        vars.insert("SERAP_BIND".into(), "127.0.0.1:0".into());
        vars.insert("SERAP_DATA_DIR".into(), data_dir.display().to_string());
        vars.insert("SERAP_ADMIN_TOKEN".into(), ADMIN_TOKEN.into());
        vars.insert("SERAP_DEMO_DATA".into(), "off".into());
        vars.insert(
            "SERAP_DIST_DIR".into(),
            workspace_root()
                .join("web-client/dist")
                .display()
                .to_string(),
        );
        let mut pg_database = None;
        if let Some(url) = &config.shared_database {
            vars.insert("SERAP_DATABASE_URL".into(), url.clone());
        } else if let Db::Postgres(server_url) = &config.db {
            let name = format!("serap_t_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(server_url.as_str())
                .await
                .expect("connect to SERAP_TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            vars.insert(
                "SERAP_DATABASE_URL".into(),
                replace_db_name(server_url, &name),
            );
            pg_database = Some((server_url.clone(), name));
        }
        if config.redis
            && let Some(url) = service("SERAP_TEST_REDIS_URL")
        {
            vars.insert("SERAP_REDIS_URL".into(), url);
            vars.insert("SERAP_REDIS_PREFIX".into(), config.redis_prefix.clone());
        }
        if let Some(url) = &config.smtp_url {
            vars.insert("SERAP_SMTP_URL".into(), url.clone());
        }
        for (k, v) in &config.extra {
            vars.insert(k.clone(), v.clone());
        }
        let (address, state, stop, task) = start(&vars).await;
        TestApp {
            address,
            base: format!("http://{address}"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            state,
            data_dir,
            stop: Some(stop),
            task: Some(task),
            vars,
            pg_database,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server gracefully and waits for it (and its workers) to finish.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server stops cleanly");
        }
    }

    /// Starts the server again after `stop`, on the same address, database and data directory.
    pub async fn restart(&mut self) {
        assert!(self.task.is_none(), "stop the server before restarting it");
        let mut vars = self.vars.clone();
        vars.insert("SERAP_BIND".into(), self.address.to_string());
        let (address, state, stop, task) = start(&vars).await;
        assert_eq!(address, self.address);
        self.state = state;
        self.stop = Some(stop);
        self.task = Some(task);
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some((server_url, name)) = self.pg_database.take() {
            // Dropped from a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(server_url.as_str()).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        admin.close().await.ok();
                    }
                });
            })
            .join();
        }
    }
}

fn replace_db_name(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server_url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
