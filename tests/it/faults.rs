//! Faults under load: the server killed with SIGKILL, Redis stopped, PostgreSQL restarted, the SMTP server
//! down for a while. Every fault runs against private processes started by the test (the server binary, a
//! `redis-server`, a PostgreSQL cluster of its own), never the shared services other tests use, and each
//! child is killed when the test ends, also when it fails.
//!
//! What is proven: acknowledged means committed (every 2xx'd submission is stored, exactly once, with the
//! receipt it was acknowledged with); clients retrying with the same `submission_id` create no duplicates;
//! the counters folded around the fault equal a rebuild from the responses; a Redis outage fails no
//! submission and live updates come back by themselves; a database outage is a fast 503 in the one JSON
//! error shape and the server reconnects by itself; mail queued while SMTP is down arrives once it is back,
//! once (invitations here; digests in `digests::digests_queued_while_smtp_is_down_arrive_once_it_is_back`).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_parser::MessageParser;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serap_server::Settings;
use serap_server::counters::{counter_totals, rebuild_counters};
use serap_server::entities::{comment, fold_queue, outbox_message, response};
use serap_server::submission::VersionCache;
use serap_shared::api::PublicForm;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::helpers::{
    ADMIN_TOKEN, Db, SmtpSink, TestConfig, assert_error, eventually, free_port, in_ci,
};
use crate::on_both_databases;
use crate::reports::{form, skm_answers};

/// Waves the load submits to: SKM (Likert only) and the socialisation feedback (with free text, so the
/// folder also copies comments).
const SLUGS: [&str; 2] = ["skm-2026", "sosialisasi-kebijakan-2026"];

/// A prerequisite program for a fault test: its path, or `None` (skip) when it is missing outside CI.
fn program(what: &str, path: Option<PathBuf>) -> Option<PathBuf> {
    match path {
        Some(path) => Some(path),
        None if in_ci() => panic!("{what} is required when CI=true: install it"),
        None => {
            eprintln!("skipping: {what} is not installed");
            None
        }
    }
}

/// `name` found on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// An HTTP client whose every request is bounded (`total`: the whole exchange, body included), with no
/// redirects followed.
fn client(total: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(total)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// No web client to serve: the API is what is under test, and precompressing the built client at every
/// start only slows the test down.
fn without_client(mut config: TestConfig) -> TestConfig {
    let missing = std::env::temp_dir().join(format!("serap-no-client-{}", Uuid::new_v4().simple()));
    config
        .extra
        .push(("SERAP_DIST_DIR".into(), missing.display().to_string()));
    config
}

// ---------------------------------------------------------------------------------------------------
// Load: concurrent respondents who retry every unacknowledged submission with its same submission id.

#[derive(Clone)]
struct Submission {
    slug: String,
    body: Value,
}

impl Submission {
    fn id(&self) -> Uuid {
        serde_json::from_value(self.body["submission_id"].clone()).unwrap()
    }
}

/// `per_wave` submissions to each of `forms`, with varied units and answers.
fn submissions(forms: &[PublicForm], per_wave: usize) -> Vec<Submission> {
    let mut out = Vec::new();
    for i in 0..per_wave {
        for form in forms {
            out.push(Submission {
                slug: form.slug.clone(),
                body: json!({
                    "submission_id": Uuid::new_v4(),
                    "unit_id": form.units[(i * 7) % form.units.len()].id,
                    "answers": example_answers(&form.definition, i),
                }),
            });
        }
    }
    out
}

async fn forms_of(base: &str, http: &reqwest::Client) -> Vec<PublicForm> {
    let mut forms = Vec::new();
    for slug in SLUGS {
        let r = http
            .get(format!("{base}/api/v1/forms/{slug}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "form {slug}");
        forms.push(r.json().await.unwrap());
    }
    forms
}

/// What the respondents saw.
#[derive(Default)]
struct Tally {
    /// Acknowledged (2xx) submission ids and the receipt code each was acknowledged with.
    acked: HashMap<Uuid, String>,
    /// Every non-2xx answer: status, Retry-After and body.
    refused: Vec<(u16, Option<String>, String)>,
    /// Requests that got no HTTP answer (connection refused or reset).
    transport_errors: usize,
    /// Acknowledgements that were replays (200): the submission had been stored by an earlier attempt
    /// whose answer was lost.
    replayed: usize,
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} acknowledged ({} as replays), {} refused, {} without an answer",
            self.acked.len(),
            self.replayed,
            self.refused.len(),
            self.transport_errors
        )
    }
}

struct Load {
    tally: Arc<Mutex<Tally>>,
    acked: Arc<AtomicUsize>,
    tasks: Vec<JoinHandle<()>>,
}

impl Load {
    /// `clients` concurrent respondents share `work`; client `c` talks to `bases[c % bases.len()]`. Each
    /// delivers one submission (`deliver`), then takes the next.
    fn start(bases: &[String], work: Vec<Submission>, clients: usize, pause: Duration) -> Load {
        let http = client(Duration::from_secs(30));
        let queue = Arc::new(Mutex::new(VecDeque::from(work)));
        let tally = Arc::new(Mutex::new(Tally::default()));
        let acked = Arc::new(AtomicUsize::new(0));
        let tasks = (0..clients)
            .map(|c| {
                let (http, queue, tally, acked) =
                    (http.clone(), queue.clone(), tally.clone(), acked.clone());
                let base = bases[c % bases.len()].clone();
                tokio::spawn(async move {
                    loop {
                        let Some(submission) = queue.lock().unwrap().pop_front() else {
                            return;
                        };
                        if deliver(&http, &base, &submission, &tally, pause).await {
                            acked.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        Load {
            tally,
            acked,
            tasks,
        }
    }

    fn acked(&self) -> usize {
        self.acked.load(Ordering::SeqCst)
    }

    /// Waits (bounded) until at least `n` submissions were acknowledged.
    async fn until_acked(&self, n: usize) {
        eventually(
            Duration::from_secs(120),
            "submissions acknowledged",
            || async { (self.acked() >= n).then_some(()) },
        )
        .await;
    }

    /// Waits (bounded) until every respondent is done.
    async fn finish(self, limit: Duration) -> Tally {
        let joined = tokio::time::timeout(limit, futures::future::join_all(self.tasks))
            .await
            .expect("every submission acknowledged in time");
        for result in joined {
            result.expect("respondent task");
        }
        let tally = std::mem::take(&mut *self.tally.lock().unwrap());
        eprintln!("load: {tally}");
        tally
    }
}

/// Sends `submission` to `base` until it is acknowledged (true): after no answer (or an unreadable one) or
/// a 5xx, again after `pause`, with the same submission id. Any other refusal is recorded and ends the
/// attempt (false; sending it again would not help, and the test fails on it).
async fn deliver(
    http: &reqwest::Client,
    base: &str,
    submission: &Submission,
    tally: &Mutex<Tally>,
    pause: Duration,
) -> bool {
    let url = format!("{base}/api/v1/forms/{}/responses", submission.slug);
    loop {
        match http.post(&url).json(&submission.body).send().await {
            Ok(r) if r.status().is_success() => {
                let replay = r.status() == 200;
                if let Ok(receipt) = r.json::<Value>().await {
                    let code = receipt["receipt_code"].as_str().unwrap().to_string();
                    let mut tally = tally.lock().unwrap();
                    tally.replayed += usize::from(replay);
                    let earlier = tally.acked.insert(submission.id(), code);
                    assert!(
                        earlier.is_none(),
                        "each submission is sent until its first 2xx"
                    );
                    return true;
                }
                tally.lock().unwrap().transport_errors += 1;
            }
            Ok(r) => {
                let status = r.status().as_u16();
                let retry_after = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let body = r.text().await.unwrap_or_default();
                tally
                    .lock()
                    .unwrap()
                    .refused
                    .push((status, retry_after, body));
                if status < 500 {
                    return false;
                }
            }
            Err(_) => tally.lock().unwrap().transport_errors += 1,
        }
        tokio::time::sleep(pause).await;
    }
}

// ---------------------------------------------------------------------------------------------------
// Checks on the database after a fault.

/// Every submission is stored exactly once, with the receipt it was acknowledged with; the counter folder
/// drains its queue and its counters (and comments) equal a rebuild from the responses.
async fn check_stored_once_and_counted(
    db: &DatabaseConnection,
    forms: &[PublicForm],
    work: &[Submission],
    acked: &HashMap<Uuid, String>,
) {
    let ids: HashSet<Uuid> = work.iter().map(Submission::id).collect();
    assert_eq!(acked.len(), ids.len(), "every submission was acknowledged");
    let rows = response::Entity::find().all(db).await.unwrap();
    assert_eq!(rows.len(), ids.len(), "one stored response per submission");
    let stored: HashMap<Uuid, String> = rows
        .into_iter()
        .map(|r| (r.submission_id, r.receipt_code))
        .collect();
    assert_eq!(stored.len(), ids.len(), "no submission id twice");
    for (id, code) in acked {
        assert_eq!(
            stored.get(id),
            Some(code),
            "acknowledged submission {id} stored with its receipt"
        );
    }
    eventually(
        Duration::from_secs(60),
        "the fold queue drained",
        || async { (fold_queue::Entity::find().count(db).await.unwrap() == 0).then_some(()) },
    )
    .await;
    let versions = VersionCache::default();
    let mut comments_seen = 0;
    for form in forms {
        let expected = work.iter().filter(|s| s.slug == form.slug).count() as i64;
        let folded = counter_totals(db, form.wave_id).await.unwrap();
        let folded_comments = comments(db, form.wave_id).await;
        comments_seen += folded_comments.len();
        let responses: i64 = folded
            .iter()
            .filter(|((_, key, _), _)| key == "_responses")
            .map(|(_, (count, _))| count)
            .sum();
        assert_eq!(
            responses, expected,
            "{}: each response counted once",
            form.slug
        );
        let rebuilt = rebuild_counters(db, &versions, Some(form.wave_id))
            .await
            .unwrap();
        assert_eq!(rebuilt as i64, expected);
        assert_eq!(
            counter_totals(db, form.wave_id).await.unwrap(),
            folded,
            "{}: folded counters equal a rebuild",
            form.slug
        );
        assert_eq!(
            comments(db, form.wave_id).await,
            folded_comments,
            "{}: comments copied once",
            form.slug
        );
    }
    assert!(comments_seen > 0, "the load included free-text answers");
}

/// A wave's comments as a multiset.
async fn comments(
    db: &DatabaseConnection,
    wave_id: Uuid,
) -> BTreeMap<(Uuid, String, String), usize> {
    let mut out = BTreeMap::new();
    for c in comment::Entity::find()
        .filter(comment::Column::WaveId.eq(wave_id))
        .all(db)
        .await
        .unwrap()
    {
        *out.entry((c.unit_id, c.question_id, c.body)).or_default() += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// 1. The server killed with SIGKILL under load.

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
    let connection = serap_server::db::connect(&settings).await.unwrap();
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

// ---------------------------------------------------------------------------------------------------
// 2. Redis stopped under load.

/// A private `redis-server` on 127.0.0.1:`port`, killed when dropped.
struct RedisProcess {
    child: Child,
}

impl RedisProcess {
    async fn start(binary: &Path, port: u16) -> RedisProcess {
        let child = Command::new(binary)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
        eventually(Duration::from_secs(20), "redis-server answers", || async {
            let mut connection = client.get_multiplexed_async_connection().await.ok()?;
            let pong: String = redis::cmd("PING").query_async(&mut connection).await.ok()?;
            (pong == "PONG").then_some(())
        })
        .await;
        RedisProcess { child }
    }

    async fn stop(mut self) {
        self.child.start_kill().unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .expect("redis-server exits")
            .unwrap();
    }
}

/// A dashboard's live stream (SSE), read with bounded waits.
struct Live {
    response: reqwest::Response,
    seen: String,
}

impl Live {
    async fn open(base: &str, slug: &str) -> Live {
        // The stream stays open for the whole test; reads are bounded by `read_for`.
        let response = client(Duration::from_secs(600))
            .get(format!("{base}/api/v1/waves/{slug}/live"))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let mut live = Live {
            response,
            seen: String::new(),
        };
        let ready = tokio::time::timeout(Duration::from_secs(20), async {
            while !live.seen.contains("event:ready") {
                assert!(live.read_for(Duration::from_secs(1)).await, "stream open");
            }
        })
        .await;
        ready.expect("the ready event");
        live
    }

    /// Reads what arrives within `limit`; false when the stream ended.
    async fn read_for(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return true,
                Ok(Ok(Some(chunk))) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(Ok(None)) | Ok(Err(_)) => return false,
            }
        }
    }

    /// Reads until nothing arrived for `quiet`, or `limit` passed.
    async fn drain(&mut self, quiet: Duration, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            let before = self.seen.len();
            assert!(self.read_for(quiet).await, "the live stream stays open");
            if self.seen.len() == before {
                return;
            }
        }
    }
}

/// Submits one SKM response at `base` (201 expected).
async fn submit_one(http: &reqwest::Client, base: &str, form: &PublicForm, value: u8) {
    let r = http
        .post(format!("{base}/api/v1/forms/{}/responses", form.slug))
        .json(&json!({
            "submission_id": Uuid::new_v4(),
            "unit_id": form.units[2].id,
            "answers": skm_answers(&form.definition, value),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

/// Submits at `from` until `live` (on another instance) hears of it; bounded.
async fn until_heard(live: &mut Live, http: &reqwest::Client, from: &str, form: &PublicForm) {
    let mark = live.seen.len();
    tokio::time::timeout(Duration::from_secs(40), async {
        loop {
            submit_one(http, from, form, 3).await;
            assert!(
                live.read_for(Duration::from_secs(1)).await,
                "the live stream stays open"
            );
            if live.seen[mark..].contains("event:updated") {
                return;
            }
        }
    })
    .await
    .expect("a live update crosses instances through Redis");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_fails_no_submission_and_live_updates_recover() {
    let Some(db) = Db::postgres() else { return };
    let Some(redis_server) = program(
        "redis-server",
        std::env::var_os("SERAP_TEST_REDIS_SERVER")
            .map(PathBuf::from)
            .or_else(|| on_path("redis-server")),
    ) else {
        return;
    };
    let port = free_port();
    let redis = RedisProcess::start(&redis_server, port).await;
    let prefix = format!("serap-test-{}", Uuid::new_v4().simple());
    let with_private_redis = |mut config: TestConfig| {
        config.extra.push((
            "SERAP_REDIS_URL".into(),
            format!("redis://127.0.0.1:{port}"),
        ));
        config
            .extra
            .push(("SERAP_REDIS_PREFIX".into(), prefix.clone()));
        config
    };
    let a = with_private_redis(without_client(
        TestConfig::new(db.clone()).demo().redis(false),
    ))
    .spawn()
    .await;
    let b = with_private_redis(without_client(
        TestConfig::new(db).same_database_as(&a).redis(false),
    ))
    .spawn()
    .await;
    assert_eq!(a.state.bus.kind(), "redis");
    assert_eq!(b.state.bus.kind(), "redis");
    let http = client(Duration::from_secs(30));
    let forms = forms_of(&a.base, &http).await;
    let skm = form(&a, "skm-2026").await;

    // A dashboard on B hears of responses stored through A.
    let mut live = Live::open(&b.base, "skm-2026").await;
    until_heard(&mut live, &http, &a.base, &skm).await;

    let work = submissions(&forms, 60);
    let load = Load::start(
        &[a.base.clone(), b.base.clone()],
        work.clone(),
        8,
        Duration::from_millis(100),
    );
    load.until_acked(work.len() / 5).await;
    redis.stop().await;
    let at_stop = load.acked();
    // Submissions keep being accepted on both instances while Redis is down.
    load.until_acked((at_stop + 40).min(work.len())).await;
    // Reports need no session: the admin token still reads them.
    assert_eq!(
        a.admin_get("/api/v1/waves/skm-2026/report").await.status(),
        200
    );
    // The rate limiter falls back to counting per instance: each instance allows the quota (3) once more
    // and then refuses, instead of failing the request.
    let to = json!({"to": format!("kuota-{}@serangkota.go.id", Uuid::new_v4().simple())});
    for app in [&a, &b] {
        for _ in 0..3 {
            assert_eq!(
                app.post_json("/api/v1/admin/test-email", &to)
                    .await
                    .status(),
                202
            );
        }
        assert_error(
            app.post_json("/api/v1/admin/test-email", &to).await,
            429,
            "rate_limited",
        )
        .await;
    }
    assert_eq!(
        a.get("/readyz").await.status(),
        200,
        "Redis is not the database"
    );

    // Redis comes back on the same port; nothing is restarted on the servers' side.
    let redis = RedisProcess::start(&redis_server, port).await;
    let tally = load.finish(Duration::from_secs(120)).await;
    assert_eq!(tally.transport_errors, 0);
    assert!(
        tally.refused.is_empty(),
        "no submission refused: {:?}",
        tally.refused
    );
    assert_eq!(tally.acked.len(), work.len());
    let stored = response::Entity::find()
        .filter(response::Column::SubmissionId.is_in(tally.acked.keys().copied()))
        .count(&a.state.db)
        .await
        .unwrap();
    assert_eq!(stored as usize, work.len());

    // The dashboard opened before the outage hears of new responses again, through the reconnected
    // subscriber; a dashboard opened now does too.
    live.drain(Duration::from_millis(1500), Duration::from_secs(20))
        .await;
    until_heard(&mut live, &http, &a.base, &skm).await;
    let mut fresh = Live::open(&b.base, "skm-2026").await;
    until_heard(&mut fresh, &http, &a.base, &skm).await;
    drop(redis);
}

// ---------------------------------------------------------------------------------------------------
// 3. PostgreSQL restarted under load.

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

// ---------------------------------------------------------------------------------------------------
// 4. The SMTP server down for a while. (Digests: `digests::digests_queued_while_smtp_is_down_arrive_once_
// it_is_back`; any outbox message: `mail::mail_queued_while_smtp_is_down_arrives_once_when_it_is_back`.)

on_both_databases!(invitations_queued_while_smtp_is_down_arrive_once_it_is_back);

async fn invitations_queued_while_smtp_is_down_arrive_once_it_is_back(db: Db) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    sink.stop().await;
    let app = without_client(TestConfig::new(db))
        .demo()
        .smtp(format!("smtp://127.0.0.1:{port}"))
        .spawn()
        .await;
    crate::invitations::import_roster(&app).await;
    let r = app
        .post_json(
            "/api/v1/waves/abk-2026/invitations",
            &json!({"unit_codes": ["DINKES"]}),
        )
        .await;
    assert_eq!(r.status(), 200, "invited although SMTP is down");
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["invited"], 3, "{report}");
    let invitations = || async {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("invitation"))
            .all(&app.state.db)
            .await
            .unwrap()
    };
    eventually(
        Duration::from_secs(20),
        "failed attempts recorded",
        || async {
            let rows = invitations().await;
            (rows.len() == 3
                && rows
                    .iter()
                    .all(|r| r.attempts >= 1 && r.status == "pending" && r.last_error.is_some()))
            .then_some(())
        },
    )
    .await;

    let sink = SmtpSink::start_on(port).await;
    let messages = sink.wait_for(3).await;
    eventually(Duration::from_secs(20), "rows marked sent", || async {
        invitations()
            .await
            .iter()
            .all(|r| r.status == "sent")
            .then_some(())
    })
    .await;
    // Give a duplicate every chance to show up before counting.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 3, "none doubled");
    let rows = invitations().await;
    let mut recipients = HashSet::new();
    for raw in &messages {
        let message = MessageParser::default().parse(raw).expect("valid MIME");
        let to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap()
            .to_string();
        let message_id = format!("<{}>", message.message_id().unwrap());
        assert!(
            rows.iter()
                .any(|r| r.message_id == message_id && r.recipient == to),
            "{message_id} to {to} is a queued invitation"
        );
        // The personal link in it works.
        let text = message.body_text(0).unwrap().to_string();
        let token: String = text
            .split("/s/")
            .nth(1)
            .expect("a personal link")
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        assert_eq!(
            app.get(&format!("/api/v1/invitations/{token}"))
                .await
                .status(),
            200
        );
        recipients.insert(to);
    }
    let expected: HashSet<String> = ["andi", "bunga", "cahya"]
        .iter()
        .map(|n| format!("{n}@serangkota.go.id"))
        .collect();
    assert_eq!(recipients, expected, "one invitation per person");
}
