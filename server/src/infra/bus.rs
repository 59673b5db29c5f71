//! The live-update event bus (docs/design.md invariant 8): Redis pub/sub across instances, or an in-process
//! broadcast for a single instance. Publishing never fails a request: when Redis is down, events are
//! dropped (live updates degrade) and the subscriber task reconnects by itself.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use redis::aio::ConnectionManager;
use serap_shared::events::LiveEvent;
use tokio::sync::broadcast;

const CAPACITY: usize = 1024;

#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes to every subscriber on every instance. Errors are for logging only.
    async fn publish(&self, event: &LiveEvent) -> anyhow::Result<()>;
    /// A receiver of every event published from now on (lagging receivers skip old events).
    fn subscribe(&self) -> broadcast::Receiver<LiveEvent>;
    /// `in-process` or `redis`.
    fn kind(&self) -> &'static str;
}

/// Single-instance bus: a tokio broadcast channel.
pub struct InProcessBus {
    sender: broadcast::Sender<LiveEvent>,
}

impl InProcessBus {
    pub fn new() -> Self {
        InProcessBus {
            sender: broadcast::channel(CAPACITY).0,
        }
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn publish(&self, event: &LiveEvent) -> anyhow::Result<()> {
        // No receivers is not an error: nobody is watching.
        let _ = self.sender.send(event.clone());
        Ok(())
    }

    fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }

    fn kind(&self) -> &'static str {
        "in-process"
    }
}

/// Cross-instance bus: events are published to one Redis channel; a background task per instance
/// subscribes to it and fans events out to local receivers.
pub struct RedisBus {
    connection: ConnectionManager,
    channel: String,
    local: broadcast::Sender<LiveEvent>,
    subscriber: tokio::task::JoinHandle<()>,
}

impl RedisBus {
    pub fn new(client: redis::Client, connection: ConnectionManager, prefix: &str) -> Arc<Self> {
        let channel = format!("{prefix}:events");
        let local = broadcast::channel(CAPACITY).0;
        let subscriber = tokio::spawn(subscribe_forever(client, channel.clone(), local.clone()));
        Arc::new(RedisBus {
            connection,
            channel,
            local,
            subscriber,
        })
    }
}

impl Drop for RedisBus {
    fn drop(&mut self) {
        self.subscriber.abort();
    }
}

async fn subscribe_forever(
    client: redis::Client,
    channel: String,
    local: broadcast::Sender<LiveEvent>,
) {
    let mut delay = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    tracing::info!(channel, "subscribed to the Redis event channel");
                    delay = Duration::from_millis(100);
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let payload: Vec<u8> = match message.get_payload() {
                            Ok(p) => p,
                            Err(err) => {
                                tracing::warn!(error = %err, "unreadable bus message");
                                continue;
                            }
                        };
                        match serde_json::from_slice::<LiveEvent>(&payload) {
                            Ok(event) => {
                                let _ = local.send(event);
                            }
                            Err(err) => tracing::warn!(error = %err, "unknown bus event"),
                        }
                    }
                    tracing::warn!(channel, "Redis event subscription ended; reconnecting");
                }
                Err(err) => tracing::warn!(error = %err, "cannot subscribe to Redis channel"),
            },
            Err(err) => tracing::warn!(error = %err, "cannot connect to Redis for events"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

#[async_trait]
impl EventBus for RedisBus {
    async fn publish(&self, event: &LiveEvent) -> anyhow::Result<()> {
        let payload = serde_json::to_vec(event)?;
        let mut connection = self.connection.clone();
        let _: i64 = redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(payload)
            .query_async(&mut connection)
            .await?;
        Ok(())
    }

    fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.local.subscribe()
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
