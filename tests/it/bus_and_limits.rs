//! Cross-instance parts through real Redis: the event bus and the rate limiter.

use std::time::Duration;

use serap_shared::events::LiveEvent;
use serde_json::json;

use crate::helpers::{Db, TestConfig, assert_error, service};

async fn two_instances_sharing_redis() -> Option<(crate::helpers::TestApp, crate::helpers::TestApp)>
{
    service("SERAP_TEST_REDIS_URL")?;
    let prefix = format!("serap-test-{}", uuid::Uuid::new_v4().simple());
    let db = Db::postgres().unwrap_or(Db::Sqlite);
    let a = TestConfig::new(db.clone())
        .redis(true)
        .redis_prefix(&prefix)
        .spawn()
        .await;
    let b = TestConfig::new(db)
        .redis(true)
        .redis_prefix(&prefix)
        .spawn()
        .await;
    Some((a, b))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_published_on_one_instance_reach_another_through_redis() {
    let Some((a, b)) = two_instances_sharing_redis().await else {
        return;
    };
    assert_eq!(a.state.bus.kind(), "redis");
    let mut on_b = b.state.bus.subscribe();
    let mut on_a = a.state.bus.subscribe();
    let event = LiveEvent::WaveUpdated {
        wave_id: uuid::Uuid::new_v4(),
    };
    // The subscriber task connects in the background: publish until the first event arrives.
    let received = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            a.state.bus.publish(&event).await.expect("publish to Redis");
            if let Ok(Ok(got)) = tokio::time::timeout(Duration::from_millis(200), on_b.recv()).await
            {
                return got;
            }
        }
    })
    .await
    .expect("event reaches instance B");
    assert_eq!(received, event);
    // The publishing instance's own dashboards hear it too.
    let own = tokio::time::timeout(Duration::from_secs(5), on_a.recv())
        .await
        .expect("event reaches instance A")
        .unwrap();
    assert_eq!(own, event);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_without_a_shared_namespace_do_not_hear_each_other() {
    if service("SERAP_TEST_REDIS_URL").is_none() {
        return;
    }
    let a = TestConfig::new(Db::Sqlite).redis(true).spawn().await;
    let b = TestConfig::new(Db::Sqlite).redis(true).spawn().await;
    let mut on_a = a.state.bus.subscribe();
    let mut on_b = b.state.bus.subscribe();
    let event = LiveEvent::WaveUpdated {
        wave_id: uuid::Uuid::new_v4(),
    };
    // Once A hears its own event, its subscription is live; B (another namespace) must not hear it.
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            a.state.bus.publish(&event).await.unwrap();
            if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_millis(200), on_a.recv()).await {
                return;
            }
        }
    })
    .await
    .expect("A hears its own events");
    assert!(on_b.try_recv().is_err());
}

#[tokio::test]
async fn in_process_bus_delivers_locally() {
    let app = TestConfig::new(Db::Sqlite).redis(false).spawn().await;
    assert_eq!(app.state.bus.kind(), "in-process");
    let mut rx = app.state.bus.subscribe();
    let event = LiveEvent::WaveUpdated {
        wave_id: uuid::Uuid::new_v4(),
    };
    app.state.bus.publish(&event).await.unwrap();
    assert_eq!(rx.recv().await.unwrap(), event);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_hold_across_instances_through_redis() {
    let Some((a, b)) = two_instances_sharing_redis().await else {
        return;
    };
    let body = json!({"to": "kuota-bersama@serang.go.id"});
    for app in [&a, &b, &a] {
        assert_eq!(
            app.post_json("/api/v1/admin/test-email", &body)
                .await
                .status(),
            202
        );
    }
    // The fourth message to the same address is refused whichever instance gets it.
    assert_error(
        b.post_json("/api/v1/admin/test-email", &body).await,
        429,
        "rate_limited",
    )
    .await;
    assert_error(
        a.post_json("/api/v1/admin/test-email", &body).await,
        429,
        "rate_limited",
    )
    .await;
}
