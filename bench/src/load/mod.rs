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

mod actors;
mod args;
mod cluster;
mod stats;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serap_shared::api::PublicForm;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use tokio::time::sleep_until;
use uuid::Uuid;

use actors::{RoundRobin, Shared, manager, respondent, sign_in_manager};
use args::{Options, number, value};
use cluster::{ADMIN_TOKEN, Cluster, server_binary};
use stats::{Cpu, Tally, Window, round1};

/// Error rate above which the run is reported as not meeting its target.
const ERROR_RATE_MAX: f64 = 0.001;

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
        let signed_in = sign_in_manager(&http, &urls[0], &urls[i % urls.len()], &options).await?;
        cookies.push(signed_in.cookie);
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
