//! `serap-bench report [--sqlite-only]`: latency of `GET /api/v1/waves/{slug}/report` for a wave with 10^3,
//! 10^5 and 10^6 responses over a 200-unit tree, on SQLite and PostgreSQL.
//!
//! Reports read the counters only, so the data is bulk-loaded as counters: the contributions of
//! `example_answers` variants, summed per unit as the folder would, spread over as many shards as folding
//! that many responses in batches of 500 would touch (at most 32). Each size is measured twice: as folded
//! (shards spread) and after `compact_counters` (what every instance does once a minute). Reports read the
//! released counters, so each load is followed by one release pass, whose time is reported too.
//! Target: p99 < 20 ms at 10^6, and flat across the sizes. Reports are cached until the counters change,
//! so each size is also measured right after a change (the cost a live dashboard pays on each update).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serap_server::entities::{counter, org_unit, wave};
use serap_server::reports::counters::{SHARDS, add_to_counters, compact_counters};
use serap_server::reports::release::release_wave;
use serap_server::{Application, Settings};
use serap_shared::survey::{Contribution, contributions, example_answers};
use serde_json::{Value, json};
use uuid::Uuid;

const SLUG: &str = "kompetensi-2026";
const UNITS: usize = 200;
const SIZES: [u64; 3] = [1_000, 100_000, 1_000_000];
const REQUESTS: usize = 300;
const VARIANTS: usize = 64;

/// Adds units under the demo tree's root until there are `UNITS`, ten per new OPD-like parent.
async fn grow_tree(db: &DatabaseConnection) -> anyhow::Result<Vec<Uuid>> {
    let existing = org_unit::Entity::find().all(db).await?;
    let root = existing
        .iter()
        .find(|u| u.parent_id.is_none())
        .context("the demo tree has a root")?
        .id;
    let mut ids: Vec<Uuid> = existing.iter().map(|u| u.id).collect();
    let mut parent = root;
    let mut n = 0;
    while ids.len() < UNITS {
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
            created_at: Set(chrono_now()),
        })
        .exec_without_returning(db)
        .await?;
        if is_parent {
            parent = id;
        }
        ids.push(id);
        n += 1;
    }
    Ok(ids)
}

fn chrono_now() -> sea_orm::prelude::DateTimeUtc {
    sea_orm::prelude::DateTimeUtc::from(std::time::SystemTime::now())
}

/// Loads the counters of `responses` responses (spread evenly over units and answer variants).
async fn load_counters(
    db: &DatabaseConnection,
    wave_id: Uuid,
    units: &[Uuid],
    variants: &[Vec<Contribution>],
    responses: u64,
) -> anyhow::Result<usize> {
    counter::Entity::delete_many()
        .filter(counter::Column::WaveId.eq(wave_id))
        .exec(db)
        .await?;
    let shards = responses.div_ceil(500).clamp(1, SHARDS as u64) as i16;
    // Response i goes to unit i % U with answer variant i % V.
    let mut per = vec![vec![0i64; variants.len()]; units.len()];
    for i in 0..responses as usize {
        per[i % units.len()][i % variants.len()] += 1;
    }
    let mut rows = 0;
    for (u, unit) in units.iter().enumerate() {
        let mut totals: BTreeMap<(String, String), (i64, f64)> = BTreeMap::new();
        for (v, contribution) in variants.iter().enumerate() {
            let n = per[u][v];
            if n == 0 {
                continue;
            }
            for c in contribution {
                let e = totals
                    .entry((c.key.clone(), c.bucket.clone()))
                    .or_insert((0, 0.0));
                e.0 += c.count * n;
                e.1 += c.sum * n as f64;
            }
        }
        // Split every total over the shards the batches would have touched.
        for shard in 0..shards {
            let part: Vec<Contribution> = totals
                .iter()
                .filter_map(|((key, bucket), (count, sum))| {
                    let share =
                        count / shards as i64 + i64::from((shard as i64) < count % shards as i64);
                    (share > 0).then(|| Contribution {
                        key: key.clone(),
                        bucket: bucket.clone(),
                        count: share,
                        sum: sum * share as f64 / *count as f64,
                    })
                })
                .collect();
            rows += part.len();
            for chunk in part.chunks(200) {
                add_to_counters(db, wave_id, *unit, shard, chunk).await?;
            }
        }
    }
    Ok(rows)
}

/// Where a report's time goes, measured in process: reading the counters, and the engine (medians of 20).
async fn parts(
    state: &serap_server::state::AppState,
    wave: &wave::Model,
    definition: &serap_shared::survey::SurveyDefinition,
) -> anyhow::Result<(f64, f64)> {
    use serap_shared::report::{ReportFilter, ReportInput, ReportSettings, build_report};
    let units = serap_server::units::all_units(&state.db).await?;
    let mut query = Vec::new();
    let mut engine = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let rows = serap_server::reports::counters::read_totals(&state.db, wave.id).await?;
        query.push(started.elapsed());
        let started = Instant::now();
        let headcount = Default::default();
        let report = build_report(&ReportInput {
            definition,
            units: &units,
            counters: &rows,
            previous: None,
            previous_k: 0,
            headcount: &headcount,
            scope: None,
            filter: &ReportFilter::default(),
            settings: &ReportSettings::default(),
        });
        engine.push(started.elapsed());
        std::hint::black_box(report);
    }
    query.sort();
    engine.sort();
    let ms = |d: Duration| (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    Ok((ms(query[10]), ms(engine[10])))
}

async fn measure(http: &reqwest::Client, url: &str) -> anyhow::Result<(f64, f64, u64)> {
    // Warm up (connections, caches of definitions).
    for _ in 0..10 {
        http.get(url)
            .bearer_auth("bench")
            .send()
            .await?
            .error_for_status()?;
    }
    let mut times = Vec::with_capacity(REQUESTS);
    let mut responses = 0;
    for _ in 0..REQUESTS {
        let started = Instant::now();
        let body: Value = http
            .get(url)
            .bearer_auth("bench")
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        times.push(started.elapsed());
        responses = body["overall"]["respondents"].as_u64().unwrap_or(0);
    }
    times.sort();
    let ms = |d: Duration| (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    Ok((
        ms(times[REQUESTS / 2]),
        ms(times[REQUESTS * 99 / 100]),
        responses,
    ))
}

/// Latency of a report right after new responses were counted (what a live dashboard pays on each
/// update): the cached counters are dropped before each request, as a `WaveUpdated` event does, so each
/// request reads the counters and runs the engine. Returns the median and the slowest of 20.
async fn measure_after_change(
    state: &serap_server::state::AppState,
    http: &reqwest::Client,
    url: &str,
    wave_id: Uuid,
) -> anyhow::Result<(f64, f64)> {
    let mut times = Vec::new();
    for _ in 0..20 {
        state.counters.forget(wave_id);
        let started = Instant::now();
        http.get(url)
            .bearer_auth("bench")
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    Ok((ms(times[10]), ms(times[19])))
}

async fn one_database(
    name: &str,
    database_url: String,
    dir: &std::path::Path,
) -> anyhow::Result<Value> {
    let vars = [
        ("SERAP_BIND", "127.0.0.1:0".to_string()),
        ("SERAP_DATA_DIR", dir.display().to_string()),
        ("SERAP_DATABASE_URL", database_url),
        ("SERAP_DEMO_DATA", "on".to_string()),
        ("SERAP_ADMIN_TOKEN", "bench".to_string()),
        ("SERAP_LOG", "warn".to_string()),
        ("SERAP_DIST_DIR", "/nonexistent".to_string()),
    ];
    let settings =
        Settings::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))?;
    let app = Application::build(settings).await?;
    let base = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let db = state.db.clone();
    let units = grow_tree(&db).await?;
    let wave = wave::Entity::find()
        .filter(wave::Column::Slug.eq(SLUG))
        .one(&db)
        .await?
        .context("the demo competency wave")?;
    let definition = state.versions.get(&db, wave.survey_version_id).await?;
    let variants: Vec<Vec<Contribution>> = (0..VARIANTS)
        .map(|i| contributions(&definition, &example_answers(&definition, i)))
        .collect();
    let http = reqwest::Client::new();
    let url = format!("{base}/api/v1/waves/{SLUG}/report");
    let mut runs = Vec::new();
    for size in SIZES {
        let started = Instant::now();
        let rows = load_counters(&db, wave.id, &units, &variants, size).await?;
        let loaded_s = started.elapsed().as_secs_f64();
        // Reports read released counters: one release pass, as the folder runs after counting.
        let started = Instant::now();
        release_wave(&db, wave.id).await?;
        let release_s = started.elapsed().as_secs_f64();
        // The counters changed behind the server's back: tell its cache, as the folder's event would.
        state.counters.forget(wave.id);
        let (p50, p99, shown) = measure(&http, &url).await?;
        compact_counters(&db, wave.id).await?;
        let compact_rows = counter::Entity::find()
            .filter(counter::Column::WaveId.eq(wave.id))
            .all(&db)
            .await?
            .len();
        let (cp50, cp99, _) = measure(&http, &url).await?;
        let (changed_p50, changed_max) = measure_after_change(&state, &http, &url, wave.id).await?;
        let (query_ms, engine_ms) = parts(&state, &wave, &definition).await?;
        eprintln!(
            "{name} {size} responses: folded ({rows} counter rows) p50 {p50} ms p99 {p99} ms | compacted ({compact_rows} rows) p50 {cp50} ms p99 {cp99} ms (counters query {query_ms} ms, engine {engine_ms} ms) | after a change p50 {changed_p50} ms max {changed_max} ms | loaded in {loaded_s:.1} s, released in {release_s:.2} s, report shows {shown}"
        );
        runs.push(json!({
            "responses": size,
            "responses_in_report": shown,
            "release_pass_s": release_s,
            "folded": {"counter_rows": rows, "p50_ms": p50, "p99_ms": p99},
            "compacted": {"counter_rows": compact_rows, "p50_ms": cp50, "p99_ms": cp99,
                          "counters_query_median_ms": query_ms, "engine_median_ms": engine_ms},
            "after_change": {"p50_ms": changed_p50, "max_ms": changed_max},
        }));
    }
    Ok(json!({"database": name, "units": units.len(), "runs": runs}))
}

pub async fn run(args: &[String]) -> anyhow::Result<Value> {
    let results = crate::on_each_database(args, |name, url, dir| async move {
        one_database(name, url, &dir).await
    })
    .await?;
    let p99 = |r: &Value, size: u64, state: &str| {
        r["runs"]
            .as_array()
            .and_then(|runs| runs.iter().find(|run| run["responses"] == size))
            .and_then(|run| run[state]["p99_ms"].as_f64())
            .unwrap_or(f64::INFINITY)
    };
    let met = results
        .iter()
        .all(|r| p99(r, 1_000_000, "compacted") < 20.0);
    Ok(json!({
        "bench": "report",
        "wave": SLUG,
        "requests_per_measure": REQUESTS,
        "results": results,
        "targets": {"p99_ms_at_1e6_compacted_max": 20.0, "met": met}
    }))
}
