//! Redis stopped under load, then started again: no submission fails, the rate limiter counts per
//! instance meanwhile, and live updates across instances come back by themselves.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serap_server::entities::response;
use serap_shared::api::PublicForm;
use serde_json::json;
use tokio::process::{Child, Command};
use uuid::Uuid;

use super::harness::{Load, client, forms_of, on_path, program, submissions, without_client};
use crate::helpers::{
    ADMIN_TOKEN, Db, TestConfig, assert_error, eventually, form, free_port, skm_answers,
};

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
