//! `load`: a mixed load over one or several instances, round-robin per request.
//!
//! ```text
//! serap-bench load --urls http://127.0.0.1:18080,http://127.0.0.1:18081 --admin-token T [options]
//! serap-bench load --instances 1,2,3 [--rounds R] [--server-bin PATH] [options]
//! options: --seconds S (20) --warmup S (3) --clients C (32) --managers M (10 % of C) --poll S (1)
//!          --slug SLUG (kompetensi-2026) --manager-unit CODE (DINDIKBUD)
//! ```
//!
//! Of the `C` clients (default 32), 90 % are respondents and 10 % (at least one) are unit managers.
//! A respondent loads the form (`GET /api/v1/forms/{slug}`, gzip accepted as a browser does) and submits a
//! valid response with a fresh submission id (`example_answers`), then starts over as the next respondent,
//! without pause (a closed loop: the figures are the capacity). A manager is an account with the role
//! `manager` on one unit, created through the admin API (`--admin-token`, or `SERAP_ADMIN_TOKEN`), signed in
//! once; it polls `GET /api/v1/waves/{slug}/report` every second and holds an SSE stream on
//! `/api/v1/waves/{slug}/live`, counting the events received. Every request goes to the next URL in turn,
//! so a session made on one instance is used on the others (sessions live in Redis).
//!
//! The first `--warmup` seconds (default 3) are not counted; then `--seconds` (default 20) are measured.
//! Reported per request type: count, throughput, p50/p99 latency of successful requests, errors and error
//! rate; for the streams: opened, held at the end, events received. Also the CPU time taken during the
//! measured window by this process, the `serap-server` processes (with `--urls`: every process of that
//! name on the machine), PostgreSQL, Redis and everything else (from /proc).
//!
//! `--instances 1,2,3` starts that many `serap-server` processes (the release binary in `CARGO_TARGET_DIR`,
//! or `--server-bin`) on one fresh PostgreSQL database (on `SERAP_BENCH_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; dropped afterwards) and Redis (`SERAP_BENCH_REDIS_URL`, default
//! `redis://127.0.0.1:6379`, a fresh key prefix per run), measures, stops them, and reports the throughput of
//! each count relative to the first. `--rounds R` (default 1) goes through the counts R times in turn and
//! reports, for each count, the round with the median total throughput. The first instance seeds the demo
//! data; the others start once it is ready (seeding is not safe to run concurrently).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serap_shared::api::PublicForm;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use tokio::time::sleep_until;
use uuid::Uuid;

const ADMIN_TOKEN: &str = "serap-load-bench";
const DEFAULT_SLUG: &str = "kompetensi-2026";
const DEFAULT_MANAGER_UNIT: &str = "DINDIKBUD";
/// Error rate above which the run is reported as not meeting its target.
const ERROR_RATE_MAX: f64 = 0.001;

/// What to run: the load itself.
#[derive(Debug, Clone)]
pub struct Options {
    pub seconds: f64,
    pub warmup: f64,
    pub clients: usize,
    pub managers: usize,
    pub admin_token: String,
    pub slug: String,
    pub manager_unit: String,
    pub poll: Duration,
}

fn value<'a>(args: &'a [String], name: &str) -> anyhow::Result<Option<&'a str>> {
    match args.iter().position(|a| a == name) {
        Some(i) => Ok(Some(
            args.get(i + 1)
                .map(String::as_str)
                .with_context(|| format!("{name} needs a value"))?,
        )),
        None => Ok(None),
    }
}

fn number<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match value(args, name)? {
        Some(raw) => raw
            .parse()
            .map_err(|e| anyhow::anyhow!("{name} {raw:?}: {e}")),
        None => Ok(default),
    }
}

impl Options {
    fn from_args(args: &[String], default_token: Option<String>) -> anyhow::Result<Options> {
        let clients: usize = number(args, "--clients", 32)?;
        if clients < 2 {
            bail!("--clients must be at least 2 (respondents and a manager)");
        }
        let managers = number(
            args,
            "--managers",
            (clients as f64 * 0.1).round().max(1.0) as usize,
        )?;
        if managers >= clients {
            bail!("--managers must be fewer than --clients");
        }
        let admin_token = match value(args, "--admin-token")? {
            Some(t) => t.to_string(),
            None => default_token
                .or_else(|| std::env::var("SERAP_ADMIN_TOKEN").ok())
                .context("managers are created through the admin API: pass --admin-token or set SERAP_ADMIN_TOKEN")?,
        };
        Ok(Options {
            seconds: number(args, "--seconds", 20.0)?,
            warmup: number(args, "--warmup", 3.0)?,
            clients,
            managers,
            admin_token,
            slug: value(args, "--slug")?.unwrap_or(DEFAULT_SLUG).to_string(),
            manager_unit: value(args, "--manager-unit")?
                .unwrap_or(DEFAULT_MANAGER_UNIT)
                .to_string(),
            poll: Duration::from_secs_f64(number(args, "--poll", 1.0)?),
        })
    }
}

/// The next URL, in turn, over every request of every client.
struct RoundRobin {
    urls: Vec<String>,
    next: AtomicUsize,
}

impl RoundRobin {
    fn next(&self) -> &str {
        &self.urls[self.next.fetch_add(1, Ordering::Relaxed) % self.urls.len()]
    }
}

/// The measured window: requests started inside it are counted.
#[derive(Clone, Copy)]
struct Window {
    from: Instant,
    to: Instant,
}

impl Window {
    fn counts(&self, started: Instant) -> bool {
        started >= self.from && started < self.to
    }
}

#[derive(Default)]
struct Samples {
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
}

impl Samples {
    fn record(&mut self, window: &Window, started: Instant, outcome: Result<(), String>) {
        if !window.counts(started) {
            return;
        }
        match outcome {
            Ok(()) => self.latencies.push(started.elapsed()),
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn merge(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn figures(&mut self, seconds: f64) -> Value {
        self.latencies.sort();
        let count = self.latencies.len() as u64 + self.errors;
        let ms = |p: f64| {
            percentile(&self.latencies, p)
                .map(|d| (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0)
        };
        json!({
            "count": count,
            "per_s": round1(count as f64 / seconds),
            "p50_ms": ms(0.50),
            "p99_ms": ms(0.99),
            "errors": self.errors,
            "error_rate": if count == 0 { 0.0 } else { self.errors as f64 / count as f64 },
            "first_error": self.first_error,
        })
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The `p` quantile of sorted durations (nearest rank, as the other benches).
fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)])
}

#[derive(Default)]
struct StreamStats {
    opened: u64,
    failed: u64,
    /// Streams the server ended before the run did.
    dropped: u64,
    held_at_end: u64,
    ready: u64,
    updated: u64,
}

impl StreamStats {
    fn merge(&mut self, o: StreamStats) {
        self.opened += o.opened;
        self.failed += o.failed;
        self.dropped += o.dropped;
        self.held_at_end += o.held_at_end;
        self.ready += o.ready;
        self.updated += o.updated;
    }
}

#[derive(Default)]
struct Tally {
    form: Samples,
    submit: Samples,
    report: Samples,
    streams: StreamStats,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.form.merge(o.form);
        self.submit.merge(o.submit);
        self.report.merge(o.report);
        self.streams.merge(o.streams);
    }
}

/// Sends a request and reads the whole body; any failure or non-2xx status is an error.
async fn exchange(request: reqwest::RequestBuilder) -> Result<(), String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "{status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))
    }
}

struct Shared {
    http: reqwest::Client,
    urls: RoundRobin,
    slug: String,
    window: Window,
    /// Pre-serialised answer sets (valid for the form).
    answers: Vec<String>,
    units: Vec<Uuid>,
}

async fn respondent(shared: Arc<Shared>, client: usize) -> Tally {
    let mut tally = Tally::default();
    let mut n = client;
    while Instant::now() < shared.window.to {
        let started = Instant::now();
        let url = format!("{}/api/v1/forms/{}", shared.urls.next(), shared.slug);
        let outcome = exchange(
            shared
                .http
                .get(url)
                .header("accept-encoding", "gzip, deflate, br"),
        )
        .await;
        let loaded = outcome.is_ok();
        tally.form.record(&shared.window, started, outcome);
        if !loaded {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let body = format!(
            r#"{{"submission_id":"{}","unit_id":"{}","answers":{}}}"#,
            Uuid::new_v4(),
            shared.units[n % shared.units.len()],
            shared.answers[n % shared.answers.len()],
        );
        n += 7;
        let started = Instant::now();
        let url = format!(
            "{}/api/v1/forms/{}/responses",
            shared.urls.next(),
            shared.slug
        );
        let outcome = exchange(
            shared
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        tally.submit.record(&shared.window, started, outcome);
    }
    tally
}

/// Counts `event:` lines of an SSE body arriving in chunks.
#[derive(Default)]
struct EventCounter {
    partial: String,
}

impl EventCounter {
    fn feed(&mut self, chunk: &[u8], stats: &mut StreamStats) {
        self.partial.push_str(&String::from_utf8_lossy(chunk));
        while let Some(end) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=end).collect();
            match line.trim_end().strip_prefix("event:").map(str::trim) {
                Some("ready") => stats.ready += 1,
                Some("updated") => stats.updated += 1,
                _ => {}
            }
        }
    }
}

/// Holds one live stream until `until`, reconnecting (to the next instance) if it ends.
async fn hold_stream(shared: Arc<Shared>, cookie: String, until: Instant) -> StreamStats {
    let mut stats = StreamStats::default();
    while Instant::now() < until {
        let url = format!("{}/api/v1/waves/{}/live", shared.urls.next(), shared.slug);
        let request = shared
            .http
            .get(url)
            .header("cookie", &cookie)
            .header("accept", "text/event-stream")
            .send();
        let mut response = tokio::select! {
            r = request => match r {
                Ok(r) if r.status().is_success() => r,
                _ => {
                    stats.failed += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
            _ = sleep_until(until.into()) => break,
        };
        stats.opened += 1;
        let mut counter = EventCounter::default();
        loop {
            tokio::select! {
                chunk = response.chunk() => match chunk {
                    Ok(Some(bytes)) => counter.feed(&bytes, &mut stats),
                    _ => {
                        stats.dropped += 1;
                        break;
                    }
                },
                _ = sleep_until(until.into()) => {
                    stats.held_at_end += 1;
                    return stats;
                }
            }
        }
    }
    stats
}

async fn manager(shared: Arc<Shared>, cookie: String, offset: Duration, poll: Duration) -> Tally {
    let stream = tokio::spawn(hold_stream(
        shared.clone(),
        cookie.clone(),
        shared.window.to,
    ));
    let mut tally = Tally::default();
    let mut next = Instant::now() + offset;
    loop {
        sleep_until(next.into()).await;
        if Instant::now() >= shared.window.to {
            break;
        }
        let started = Instant::now();
        let url = format!("{}/api/v1/waves/{}/report", shared.urls.next(), shared.slug);
        let outcome = exchange(
            shared
                .http
                .get(url)
                .header("cookie", &cookie)
                .header("accept-encoding", "gzip, deflate, br"),
        )
        .await;
        tally.report.record(&shared.window, started, outcome);
        next += poll;
    }
    tally.streams = stream.await.unwrap_or_default();
    tally
}

/// Creates a manager account on `unit_code` and signs it in; returns the session cookie (`name=value`).
async fn sign_in_manager(
    http: &reqwest::Client,
    admin_url: &str,
    login_url: &str,
    options: &Options,
) -> anyhow::Result<String> {
    let email = format!(
        "load-{}@serap.example",
        &Uuid::new_v4().simple().to_string()[..12]
    );
    let password = format!("Ld-{}", Uuid::new_v4().simple());
    let created = http
        .post(format!("{admin_url}/api/v1/accounts"))
        .bearer_auth(&options.admin_token)
        .json(&json!({
            "email": email,
            "name": "Manajer Uji Beban",
            "password": password,
            "roles": [{"role": "manager", "unit_code": options.manager_unit}],
        }))
        .send()
        .await?;
    if !created.status().is_success() {
        bail!(
            "creating a manager account: {} {}",
            created.status(),
            created.text().await.unwrap_or_default()
        );
    }
    let login = http
        .post(format!("{login_url}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?;
    if !login.status().is_success() {
        bail!(
            "signing in the manager: {} {}",
            login.status(),
            login.text().await.unwrap_or_default()
        );
    }
    login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("serap_session=") && c.len() > "serap_session=".len())
        .map(str::to_string)
        .context("the login set no session cookie")
}

/// CPU time (seconds) by kind of process, and the machine's busy and total time, from /proc (Linux).
#[derive(Default, Clone)]
struct Cpu {
    machine_busy: f64,
    machine_total: f64,
    bench: f64,
    servers: f64,
    postgres: f64,
    redis: f64,
}

const TICKS_PER_S: f64 = 100.0;

impl Cpu {
    /// `servers`: the server processes' ids; without them, every process named `serap-server`.
    fn now(servers: Option<&[u32]>) -> Cpu {
        let mut cpu = Cpu::default();
        if let Ok(stat) = std::fs::read_to_string("/proc/stat")
            && let Some(line) = stat.lines().next()
        {
            let fields: Vec<f64> = line
                .split_whitespace()
                .skip(1)
                .filter_map(|f| f.parse().ok())
                .collect();
            let total: f64 = fields.iter().take(8).sum();
            let idle =
                fields.get(3).copied().unwrap_or(0.0) + fields.get(4).copied().unwrap_or(0.0);
            cpu.machine_total = total / TICKS_PER_S;
            cpu.machine_busy = (total - idle) / TICKS_PER_S;
        }
        let me = std::process::id().to_string();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return cpu;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let comm = &stat[open + 1..close];
            let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
            // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command.
            let used = rest
                .get(11)
                .zip(rest.get(12))
                .and_then(|(u, s)| Some(u.parse::<f64>().ok()? + s.parse::<f64>().ok()?))
                .unwrap_or(0.0)
                / TICKS_PER_S;
            if name == me {
                cpu.bench += used;
            } else if match servers {
                Some(pids) => pids.iter().any(|p| p.to_string() == name),
                None => comm == "serap-server",
            } {
                cpu.servers += used;
            } else if comm.starts_with("postgres") {
                cpu.postgres += used;
            } else if comm.starts_with("redis-server") {
                cpu.redis += used;
            }
        }
        cpu
    }

    /// Figures of the interval from `self` to `later`, in cores (CPU seconds per second).
    fn since(&self, later: &Cpu, seconds: f64) -> Value {
        let cores = |a: f64, b: f64| ((b - a).max(0.0) / seconds * 100.0).round() / 100.0;
        let machine = if later.machine_total > self.machine_total {
            (later.machine_busy - self.machine_busy) / (later.machine_total - self.machine_total)
        } else {
            0.0
        };
        let busy = cores(self.machine_busy, later.machine_busy);
        let known = cores(self.bench, later.bench)
            + cores(self.servers, later.servers)
            + cores(self.postgres, later.postgres)
            + cores(self.redis, later.redis);
        json!({
            "machine_busy_pct": (machine * 1000.0).round() / 10.0,
            "cores_busy": busy,
            "cores_other_processes": ((busy - known).max(0.0) * 100.0).round() / 100.0,
            "cores_load_generator": cores(self.bench, later.bench),
            "cores_servers": cores(self.servers, later.servers),
            "cores_postgres": cores(self.postgres, later.postgres),
            "cores_redis": cores(self.redis, later.redis),
        })
    }
}

/// Runs the mixed load against `urls` and returns its figures.
/// `server_pids`: the servers' process ids when known (for the CPU figures).
pub async fn run_load(
    urls: &[String],
    options: &Options,
    server_pids: Option<&[u32]>,
) -> anyhow::Result<Value> {
    if urls.is_empty() {
        bail!("no URL to load");
    }
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(options.clients * 2)
        .build()?;
    let form: PublicForm = http
        .get(format!("{}/api/v1/forms/{}", urls[0], options.slug))
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("loading the form {} from {}", options.slug, urls[0]))?
        .json()
        .await
        .context("reading the form")?;
    let answers: Vec<String> = (0..16)
        .map(|i| serde_json::to_string(&example_answers(&form.definition, i)))
        .collect::<Result<_, _>>()?;
    let units: Vec<Uuid> = form.units.iter().map(|u| u.id).collect();
    let mut options = options.clone();
    if !form.units.iter().any(|u| u.code == options.manager_unit) {
        // Not the demo tree: the first unit below the root.
        options.manager_unit = form
            .units
            .iter()
            .find(|u| u.parent_id.is_some())
            .or(form.units.first())
            .map(|u| u.code.clone())
            .context("the form offers no unit")?;
    }
    let mut cookies = Vec::new();
    for i in 0..options.managers {
        cookies.push(sign_in_manager(&http, &urls[0], &urls[i % urls.len()], &options).await?);
    }
    let respondents = options.clients - options.managers;
    let start = Instant::now();
    let from = start + Duration::from_secs_f64(options.warmup);
    let window = Window {
        from,
        to: from + Duration::from_secs_f64(options.seconds),
    };
    let shared = Arc::new(Shared {
        http,
        urls: RoundRobin {
            urls: urls.to_vec(),
            next: AtomicUsize::new(0),
        },
        slug: options.slug.clone(),
        window,
        answers,
        units,
    });
    eprintln!(
        "load: {} instance(s), {respondents} respondents + {} managers, {:.0} s warm-up then {:.0} s measured",
        urls.len(),
        options.managers,
        options.warmup,
        options.seconds
    );
    let mut tasks = Vec::new();
    for client in 0..respondents {
        tasks.push(tokio::spawn(respondent(shared.clone(), client)));
    }
    for (i, cookie) in cookies.into_iter().enumerate() {
        let offset = options.poll.mul_f64(i as f64 / options.managers as f64);
        tasks.push(tokio::spawn(manager(
            shared.clone(),
            cookie,
            offset,
            options.poll,
        )));
    }
    sleep_until(window.from.into()).await;
    let cpu_before = Cpu::now(server_pids);
    sleep_until(window.to.into()).await;
    let cpu_after = Cpu::now(server_pids);
    let mut tally = Tally::default();
    for task in tasks {
        tally.merge(task.await?);
    }
    let seconds = options.seconds;
    let form_figures = tally.form.figures(seconds);
    let submit_figures = tally.submit.figures(seconds);
    let report_figures = tally.report.figures(seconds);
    let count = |v: &Value, k: &str| v[k].as_u64().unwrap_or(0);
    let requests: u64 = [&form_figures, &submit_figures, &report_figures]
        .iter()
        .map(|v| count(v, "count"))
        .sum();
    let errors: u64 = [&form_figures, &submit_figures, &report_figures]
        .iter()
        .map(|v| count(v, "errors"))
        .sum();
    let s = &tally.streams;
    let streams = json!({
        "managers": options.managers,
        "opened": s.opened,
        "failed": s.failed,
        "dropped_by_server": s.dropped,
        "held_at_end": s.held_at_end,
        "events_ready": s.ready,
        "events_updated": s.updated,
        "updated_per_stream_per_s": round1(s.updated as f64 / options.managers as f64 / seconds),
    });
    let cpu = cpu_before.since(&cpu_after, seconds);
    for (name, f) in [
        ("form", &form_figures),
        ("submit", &submit_figures),
        ("report", &report_figures),
    ] {
        eprintln!(
            "  {name:<6} {:>7} requests {:>8.1}/s  p50 {:>7} ms  p99 {:>7} ms  errors {}{}",
            f["count"],
            f["per_s"].as_f64().unwrap_or(0.0),
            f["p50_ms"],
            f["p99_ms"],
            f["errors"],
            f["first_error"]
                .as_str()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default(),
        );
    }
    eprintln!(
        "  total  {requests:>7} requests {:>8.1}/s  errors {errors}; live streams: {} opened, {} held at the end, {} dropped, {} failed, {} updated events; CPU {cpu}",
        requests as f64 / seconds,
        s.opened,
        s.held_at_end,
        s.dropped,
        s.failed,
        s.updated,
    );
    Ok(json!({
        "instances": urls.len(),
        "urls": urls,
        "seconds": seconds,
        "warmup_s": options.warmup,
        "clients": options.clients,
        "respondents": respondents,
        "managers": options.managers,
        "form": form_figures,
        "submit": submit_figures,
        "report": report_figures,
        "live": streams,
        "total": {
            "requests": requests,
            "per_s": round1(requests as f64 / seconds),
            "responses_per_s": round1(count(&submit_figures, "count") as f64 / seconds),
            "errors": errors,
            "error_rate": if requests == 0 { 0.0 } else { errors as f64 / requests as f64 },
        },
        "cpu": cpu,
    }))
}

/// `serap-server` processes on one PostgreSQL database and one Redis, stopped and the database dropped on
/// `stop`.
struct Cluster {
    children: Vec<tokio::process::Child>,
    urls: Vec<String>,
    admin: sea_orm::DatabaseConnection,
    database: String,
    dir: tempfile::TempDir,
}

fn server_binary(args: &[String]) -> anyhow::Result<PathBuf> {
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

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

impl Cluster {
    async fn start(bin: &Path, n: usize) -> anyhow::Result<Cluster> {
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

    async fn stop(mut self) {
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

/// The round with the median total throughput, with every round's throughput beside it.
fn median_round(mut rounds: Vec<Value>) -> Value {
    let per_s = |r: &Value| r["total"]["per_s"].as_f64().unwrap_or(0.0);
    rounds.sort_by(|a, b| per_s(a).total_cmp(&per_s(b)));
    let all: Vec<f64> = rounds.iter().map(per_s).collect();
    let mut median = rounds.swap_remove(rounds.len() / 2);
    median["rounds_total_per_s"] = json!(all);
    median
}

pub async fn run(args: &[String]) -> anyhow::Result<Value> {
    let mut runs = Vec::new();
    let rounds: usize = number(args, "--rounds", 1)?;
    if rounds == 0 {
        bail!("--rounds must be at least 1");
    }
    if let Some(list) = value(args, "--instances")? {
        let counts: Vec<usize> = list
            .split(',')
            .map(|n| n.trim().parse())
            .collect::<Result<_, _>>()
            .with_context(|| format!("--instances {list:?}: a count or counts like 1,2,3"))?;
        if counts.contains(&0) {
            bail!("--instances: counts start at 1");
        }
        let bin = server_binary(args)?;
        // The instances started here take this token, whatever --admin-token says.
        let mut options = Options::from_args(args, Some(ADMIN_TOKEN.into()))?;
        options.admin_token = ADMIN_TOKEN.into();
        // Rounds go through every count in turn, so a disturbance of the machine hits them alike.
        let mut all: Vec<Vec<Value>> = vec![Vec::new(); counts.len()];
        for round in 1..=rounds {
            for (i, &n) in counts.iter().enumerate() {
                eprintln!(
                    "load: round {round}/{rounds}, starting {n} instance(s) of {}",
                    bin.display()
                );
                let cluster = Cluster::start(&bin, n).await?;
                let pids: Vec<u32> = cluster.children.iter().filter_map(|c| c.id()).collect();
                let result = run_load(&cluster.urls, &options, Some(&pids)).await;
                cluster.stop().await;
                all[i].push(result?);
            }
        }
        runs = all.into_iter().map(median_round).collect();
    } else {
        let urls: Vec<String> = value(args, "--urls")?
            .or(value(args, "--url")?)
            .context("pass --urls URL1,URL2,... (running instances) or --instances 1,2,3")?
            .split(',')
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
            .collect();
        let options = Options::from_args(args, None)?;
        let mut all = Vec::new();
        for _ in 0..rounds {
            all.push(run_load(&urls, &options, None).await?);
        }
        runs.push(median_round(all));
    }
    let base = runs
        .first()
        .and_then(|r| r["total"]["per_s"].as_f64())
        .unwrap_or(0.0);
    for run in &mut runs {
        let per_s = run["total"]["per_s"].as_f64().unwrap_or(0.0);
        run["scaling_vs_first"] = json!(if base > 0.0 {
            (per_s / base * 100.0).round() / 100.0
        } else {
            0.0
        });
    }
    if runs.len() > 1 {
        eprintln!(
            "median of the rounds:\ninstances | total/s | form p50/p99 ms | submit p50/p99 ms | report p50/p99 ms | error rate | vs first | cores: servers, PostgreSQL, load generator, other"
        );
        for r in &runs {
            eprintln!(
                "{} | {} | {}/{} | {}/{} | {}/{} | {:.4} | {} | {}, {}, {}, {}",
                r["instances"],
                r["total"]["per_s"],
                r["form"]["p50_ms"],
                r["form"]["p99_ms"],
                r["submit"]["p50_ms"],
                r["submit"]["p99_ms"],
                r["report"]["p50_ms"],
                r["report"]["p99_ms"],
                r["total"]["error_rate"].as_f64().unwrap_or(0.0),
                r["scaling_vs_first"],
                r["cpu"]["cores_servers"],
                r["cpu"]["cores_postgres"],
                r["cpu"]["cores_load_generator"],
                r["cpu"]["cores_other_processes"],
            );
        }
    }
    let met = runs
        .iter()
        .all(|r| r["total"]["error_rate"].as_f64().unwrap_or(1.0) <= ERROR_RATE_MAX);
    Ok(json!({
        "bench": "load",
        "mix": "90 % respondents (form + submit), 10 % managers (report every second + live stream)",
        "runs": runs,
        "targets": {"error_rate_max": ERROR_RATE_MAX, "met": met}
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_events_split_across_chunks() {
        let mut stats = StreamStats::default();
        let mut counter = EventCounter::default();
        counter.feed(b"event:ready\ndata:x\n\nev", &mut stats);
        counter.feed(b"ent:updated\ndata:x\n\n:\n\nevent: updated\n", &mut stats);
        assert_eq!((stats.ready, stats.updated), (1, 2));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 0.5), Some(Duration::from_millis(51)));
        assert_eq!(percentile(&d, 0.99), Some(Duration::from_millis(100)));
        assert_eq!(percentile(&[], 0.5), None);
    }

    /// The whole load path (form, submit, manager account, login, report, live stream) for a second on an
    /// in-process server (SQLite, in-process bus).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_against_one_in_process_server() {
        let dir = tempfile::tempdir().unwrap();
        let vars = [
            ("SERAP_BIND", "127.0.0.1:0".to_string()),
            ("SERAP_DATA_DIR", dir.path().display().to_string()),
            ("SERAP_DEMO_DATA", "on".to_string()),
            ("SERAP_ADMIN_TOKEN", "smoke".to_string()),
            ("SERAP_LOG", "warn".to_string()),
            ("SERAP_DIST_DIR", "/nonexistent".to_string()),
        ];
        let settings = serap_server::Settings::from_lookup(|k| {
            vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
        })
        .unwrap();
        let app = serap_server::Application::build(settings).await.unwrap();
        let url = format!("http://{}", app.address());
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        let args: Vec<String> = [
            "--seconds",
            "1",
            "--warmup",
            "0",
            "--clients",
            "4",
            "--admin-token",
            "smoke",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let options = Options::from_args(&args, None).unwrap();
        let figures = run_load(std::slice::from_ref(&url), &options, Some(&[]))
            .await
            .unwrap();
        assert!(
            figures["submit"]["count"].as_u64().unwrap() > 0,
            "{figures}"
        );
        assert!(
            figures["report"]["count"].as_u64().unwrap() > 0,
            "{figures}"
        );
        assert_eq!(figures["total"]["errors"], 0, "{figures}");
        assert_eq!(figures["live"]["events_ready"], 1, "{figures}");
    }
}
