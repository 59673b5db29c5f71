//! Test harness: spawns the server with a fresh database per test, and the real peers it talks to.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use serap_server::state::AppState;
use serap_server::{Application, Settings};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

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
        self.shared_database = Some(other.state.settings.database_url.clone());
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

impl TestApp {
    async fn spawn(config: TestConfig) -> TestApp {
        crate::logs::install();
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
        let settings =
            Settings::from_lookup(|k| vars.get(k).cloned()).expect("valid test settings");
        let app = Application::build(settings).await.expect("server builds");
        let address = app.address();
        let state = app.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
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

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// GET as admin.
    pub async fn admin_get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .expect("GET")
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .put(self.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .json(body)
            .send()
            .await
            .expect("PUT")
    }

    /// POST as admin.
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .json(body)
            .send()
            .await
            .expect("POST")
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

/// Asserts a response is the one JSON error shape with `status` and `code`; returns the error object.
pub async fn assert_error(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type}"
    );
    let body: Value = response.json().await.expect("JSON error body");
    let error = &body["error"];
    assert_eq!(error["code"], code, "error code in {body}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message in {body}"
    );
    assert!(error["fields"].is_array(), "fields in {body}");
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(1),
        "only `error` in {body}"
    );
    error.clone()
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `limit` (bounded waiting, not timing).
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("gave up waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A real SMTP server (Python aiosmtpd) storing each received message as a file.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_on(0).await
    }

    /// Starts on `port` (0: any free port).
    pub async fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = workspace_root().join("tests/smtp_sink.py");
        let mut child =
            Command::new(std::env::var("SERAP_TEST_PYTHON").unwrap_or("python3".into()))
                .arg(&script)
                .arg(dir.path())
                .arg(port.to_string())
                .stdout(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("start the SMTP sink (python3 with aiosmtpd)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("SMTP sink reports its port")
        .expect("read port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("SMTP sink did not start (is aiosmtpd installed?): {line:?}")
        });
        SmtpSink { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Raw messages received so far.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        read_eml_dir(self.dir.path())
    }

    pub async fn wait_for(&self, count: usize) -> Vec<Vec<u8>> {
        eventually(
            Duration::from_secs(20),
            "mail at the SMTP server",
            || async {
                let messages = self.messages();
                (messages.len() >= count).then_some(messages)
            },
        )
        .await
    }

    /// Kills the server and waits until it is gone (its port refuses connections).
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
        let _ = self.child.wait().await;
    }
}

/// Every complete `.eml` file in `dir`.
pub fn read_eml_dir(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// Headless Chromium at a phone viewport (412 x 915), driven through chromedriver.
pub struct Browser {
    pub client: fantoccini::Client,
    /// chromedriver's address, for the Chrome DevTools commands WebDriver has no verb for.
    driver_url: String,
    _driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Option<Browser> {
        let chromedriver =
            std::env::var("SERAP_TEST_CHROMEDRIVER").unwrap_or("chromedriver".into());
        let chromium = std::env::var("SERAP_TEST_CHROMIUM").unwrap_or("/usr/bin/chromium".into());
        if !Path::new(&chromium).exists() && !in_ci() {
            eprintln!("skipping: {chromium} is not installed");
            return None;
        }
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {chromedriver}: {e}"));
        let profile = tempfile::tempdir().expect("profile dir");
        let capabilities: serde_json::Map<String, Value> = serde_json::from_value(serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=412,915",
                    format!("--user-data-dir={}", profile.path().display())
                ],
                "mobileEmulation": {
                    "deviceMetrics": { "width": 412, "height": 915, "pixelRatio": 2.625, "touch": true },
                    "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"
                }
            }
        }))
        .expect("capabilities");
        let url = format!("http://127.0.0.1:{port}");
        let client = eventually(Duration::from_secs(30), "chromedriver session", || {
            let capabilities = capabilities.clone();
            let url = url.clone();
            async move {
                let connector = hyper_util::client::legacy::connect::HttpConnector::new();
                fantoccini::ClientBuilder::new(connector)
                    .capabilities(capabilities)
                    .connect(&url)
                    .await
                    .ok()
            }
        })
        .await;
        Some(Browser {
            client,
            driver_url: url,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Slows the page's CPU down `rate` times (DevTools `Emulation.setCPUThrottlingRate`), as a cheap
    /// phone would run it.
    pub async fn throttle_cpu(&self, rate: f64) {
        let session = self
            .client
            .session_id()
            .await
            .expect("session id")
            .expect("a session");
        let r = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.driver_url
            ))
            .json(&serde_json::json!({
                "cmd": "Emulation.setCPUThrottlingRate",
                "params": {"rate": rate}
            }))
            .send()
            .await
            .expect("chromedriver answers");
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }

    /// Waits until the element matching `css` exists and its text satisfies `check`; returns the text.
    pub async fn wait_text(&self, css: &str, check: impl Fn(&str) -> bool) -> String {
        eventually(Duration::from_secs(20), css, || async {
            let element = self.client.find(fantoccini::Locator::Css(css)).await.ok()?;
            let text = element.text().await.ok()?;
            check(&text).then_some(text)
        })
        .await
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Fails under CI when the web client was not built (the test command builds it first).
pub fn client_built() -> bool {
    let built = workspace_root().join("web-client/dist/index.html").exists();
    if !built {
        if in_ci() {
            panic!(
                "web-client/dist is missing: build the client (scripts/lib.sh build_client: both bundles) before the tests"
            );
        }
        eprintln!("skipping: web-client/dist is not built");
    }
    built
}
