//! `serap-bench digest`: 1,000 leader digest subscriptions over a 200-unit tree with the 5 open demo waves;
//! the time to render every digest (each report through the threshold-applying `wave_report`, once per wave
//! and scope), claim its period, queue it, and hand all 1,000 to a local SMTP server (aiosmtpd, as the
//! tests' `SmtpSink`, via `tests/smtp_sink.py`). SQLite, in-process server. Target: < 10 s.
//! `--dispatchers N` runs N outbox dispatchers (as N instances do); each sends one message at a time.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use serap_server::digests::period::weekly_boundary;
use serap_server::digests::run_due;
use serap_server::entities::{org_unit, wave};
use serap_server::reports::counters::add_to_counters;
use serap_server::{Application, Settings};
use serap_shared::digest::{Cadence, NewSubscription};
use serap_shared::survey::{Contribution, contributions, example_answers};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use uuid::Uuid;

const UNITS: usize = 200;
const SUBSCRIPTIONS: usize = 1_000;
/// Responses per unit and wave loaded as counters.
const PER_UNIT: i64 = 10;
const TARGET_S: f64 = 10.0;

/// Adds units under the demo tree's root until there are `UNITS`, ten per new OPD-like parent (as
/// `serap-bench report` does).
async fn grow_tree(db: &DatabaseConnection) -> anyhow::Result<Vec<org_unit::Model>> {
    let existing = org_unit::Entity::find().all(db).await?;
    let root = existing
        .iter()
        .find(|u| u.parent_id.is_none())
        .context("the demo tree has a root")?
        .id;
    let mut count = existing.len();
    let mut parent = root;
    let mut n = 0;
    while count < UNITS {
        let id = Uuid::new_v4();
        let is_parent = n % 10 == 0;
        org_unit::Entity::insert(org_unit::ActiveModel {
            id: Set(id),
            parent_id: Set(Some(if is_parent { root } else { parent })),
            code: Set(format!("BENCH-{n:03}")),
            name: Set(format!("Unit Uji {n}")),
            kind: Set(if is_parent { "dinas" } else { "bidang" }.into()),
            sector: Set(Some(
                ["pendidikan", "kesehatan", "ekonomi", "sosial"][n % 4].into(),
            )),
            created_at: Set(serap_server::infra::time::now()),
        })
        .exec_without_returning(db)
        .await?;
        if is_parent {
            parent = id;
        }
        count += 1;
        n += 1;
    }
    Ok(org_unit::Entity::find().all(db).await?)
}

/// `PER_UNIT` responses per unit for every wave, as the folder would have counted them.
async fn load_counters(
    state: &serap_server::state::AppState,
    units: &[org_unit::Model],
) -> anyhow::Result<usize> {
    let db = &state.db;
    let mut waves = 0;
    for wave in wave::Entity::find().all(db).await? {
        let definition = state.versions.get(db, wave.survey_version_id).await?;
        let variants: Vec<Vec<Contribution>> = (0..16)
            .map(|i| contributions(&definition, &example_answers(&definition, i)))
            .collect();
        for (i, unit) in units.iter().enumerate() {
            let scaled: Vec<Contribution> = variants[i % variants.len()]
                .iter()
                .map(|c| Contribution {
                    key: c.key.clone(),
                    bucket: c.bucket.clone(),
                    count: c.count * PER_UNIT,
                    sum: c.sum * PER_UNIT as f64,
                })
                .collect();
            for chunk in scaled.chunks(200) {
                add_to_counters(db, wave.id, unit.id, 0, chunk).await?;
            }
        }
        waves += 1;
    }
    Ok(waves)
}

struct Sink {
    port: u16,
    dir: tempfile::TempDir,
    _child: tokio::process::Child,
}

async fn start_sink() -> anyhow::Result<Sink> {
    let dir = tempfile::tempdir()?;
    let script = crate::workspace_root().join("tests/smtp_sink.py");
    let mut child = tokio::process::Command::new(
        std::env::var("SERAP_TEST_PYTHON").unwrap_or_else(|_| "python3".into()),
    )
    .arg(&script)
    .arg(dir.path())
    .arg("0")
    .stdout(Stdio::piped())
    .kill_on_drop(true)
    .spawn()
    .context("starting tests/smtp_sink.py (python3 with aiosmtpd)")?;
    let stdout = child.stdout.take().context("sink stdout")?;
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .context("the SMTP sink did not report its port")??;
    let port = line.trim().parse().context("the SMTP sink's port")?;
    Ok(Sink {
        port,
        dir,
        _child: child,
    })
}

fn received(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .count()
        })
        .unwrap_or(0)
}

pub async fn run(args: &[String]) -> anyhow::Result<Value> {
    // `--dispatchers N`: outbox dispatchers sending at once, as N instances would (default 1: one instance).
    let dispatchers: usize = match args.iter().position(|a| a == "--dispatchers") {
        Some(i) => args
            .get(i + 1)
            .context("--dispatchers needs a number")?
            .parse()
            .context("--dispatchers needs a number")?,
        None => 1,
    };
    let sink = start_sink().await?;
    let dir = tempfile::tempdir()?;
    let vars = [
        ("SERAP_BIND", "127.0.0.1:0".to_string()),
        ("SERAP_DATA_DIR", dir.path().display().to_string()),
        ("SERAP_DEMO_DATA", "on".to_string()),
        ("SERAP_ADMIN_TOKEN", "bench".to_string()),
        ("SERAP_DIST_DIR", "/nonexistent".to_string()),
        ("SERAP_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port)),
    ];
    let settings =
        Settings::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))?;
    let app = Application::build(settings).await?;
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    for _ in 1..dispatchers.max(1) {
        let extra = serap_server::infra::outbox::Dispatcher::new(
            state.db.clone(),
            state.mailer.clone(),
            state.outbox_wake.clone(),
        );
        tokio::spawn(extra.run(stopped.clone()));
    }

    let units = grow_tree(&state.db).await?;
    let waves = load_counters(&state, &units).await?;
    let root = units
        .iter()
        .find(|u| u.parent_id.is_none())
        .context("root")?
        .id;
    // Leaders of OPDs (the root's children, with their subtrees), and every tenth of the whole city.
    let mut opds: Vec<&org_unit::Model> =
        units.iter().filter(|u| u.parent_id == Some(root)).collect();
    opds.sort_by(|a, b| a.code.cmp(&b.code));
    let started = Instant::now();
    for i in 0..SUBSCRIPTIONS {
        let unit_codes = if i % 10 == 0 {
            Vec::new()
        } else {
            vec![opds[i % opds.len()].code.clone()]
        };
        serap_server::digests::create(
            &state,
            &NewSubscription {
                account_id: None,
                email: Some(format!("pimpinan{i}@serangkota.go.id")),
                name: Some(format!("Pimpinan {i}")),
                unit_codes,
                cadences: vec![Cadence::Weekly],
                lang: Some(if i % 5 == 0 { "en" } else { "id" }.into()),
            },
            "bench",
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    eprintln!(
        "{} units, {waves} waves, {SUBSCRIPTIONS} subscriptions ({} scopes) set up in {:.1} s",
        units.len(),
        opds.len() + 1,
        started.elapsed().as_secs_f64()
    );

    // The next Monday 07:00 WIB.
    let monday =
        weekly_boundary(serap_server::infra::time::now()) + Duration::from_secs(7 * 24 * 3600);
    let started = Instant::now();
    let queued = run_due(&state, monday)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let queued_s = started.elapsed().as_secs_f64();
    eprintln!("rendered and queued {queued} digests in {queued_s:.2} s");
    let deadline = Instant::now() + Duration::from_secs(300);
    while received(sink.dir.path()) < SUBSCRIPTIONS {
        if Instant::now() > deadline {
            anyhow::bail!(
                "only {} of {SUBSCRIPTIONS} digests reached the SMTP server in 300 s",
                received(sink.dir.path())
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let total_s = started.elapsed().as_secs_f64();
    eprintln!("all {SUBSCRIPTIONS} digests at the SMTP server after {total_s:.2} s");
    let again = run_due(&state, monday)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let round = |x: f64| (x * 100.0).round() / 100.0;
    Ok(json!({
        "benchmark": "digest",
        "database": "sqlite",
        "dispatchers": dispatchers.max(1),
        "units": units.len(),
        "waves": waves,
        "subscriptions": SUBSCRIPTIONS,
        "scopes": opds.len() + 1,
        "queued": queued,
        "queued_again": again,
        "render_and_queue_s": round(queued_s),
        "to_smtp_s": round(total_s),
        "digests_per_s": round(SUBSCRIPTIONS as f64 / total_s),
        "targets": {"to_smtp_under_10_s": total_s < TARGET_S, "each_queued_once": queued as usize == SUBSCRIPTIONS && again == 0},
    }))
}
