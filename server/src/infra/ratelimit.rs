//! Rate limiting (docs/design.md invariant 8): fixed windows counted in Redis (shared by every instance) or in
//! memory (one instance). When Redis fails, the Redis limiter falls back to its in-memory twin: limits
//! hold per instance instead of across instances, and requests keep being served.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use redis::aio::ConnectionManager;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed { remaining: u32 },
    Limited { retry_after: Duration },
}

#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one hit on `key` and says whether it is within `quota`.
    async fn check(&self, key: &str, quota: Quota) -> Decision;
}

fn decide(count: u64, quota: Quota, remaining_window: Duration) -> Decision {
    if count <= u64::from(quota.limit) {
        Decision::Allowed {
            remaining: quota.limit - count as u32,
        }
    } else {
        Decision::Limited {
            retry_after: remaining_window.max(Duration::from_secs(1)),
        }
    }
}

#[derive(Default)]
pub struct MemoryRateLimiter {
    windows: Mutex<HashMap<String, (Instant, u64)>>,
}

impl MemoryRateLimiter {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn check(&self, key: &str, quota: Quota) -> Decision {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= quota.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        let left = quota.window.saturating_sub(now.duration_since(entry.0));
        decide(entry.1, quota, left)
    }
}

pub struct RedisRateLimiter {
    connection: ConnectionManager,
    prefix: String,
    fallback: MemoryRateLimiter,
}

impl RedisRateLimiter {
    pub fn new(connection: ConnectionManager, prefix: &str) -> Self {
        RedisRateLimiter {
            connection,
            prefix: format!("{prefix}:rl"),
            fallback: MemoryRateLimiter::new(),
        }
    }

    async fn count(&self, key: &str, quota: Quota) -> redis::RedisResult<(u64, i64)> {
        let key = format!("{}:{key}", self.prefix);
        let window_ms = quota.window.as_millis().max(1) as u64;
        let mut connection = self.connection.clone();
        // INCR and set the expiry only when the key is new: one atomic round trip.
        let (count, _, ttl): (u64, i64, i64) = redis::pipe()
            .atomic()
            .cmd("INCR")
            .arg(&key)
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(window_ms)
            .arg("NX")
            .cmd("PTTL")
            .arg(&key)
            .query_async(&mut connection)
            .await?;
        Ok((count, ttl))
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &str, quota: Quota) -> Decision {
        match self.count(key, quota).await {
            Ok((count, ttl_ms)) => {
                decide(count, quota, Duration::from_millis(ttl_ms.max(0) as u64))
            }
            Err(err) => {
                tracing::warn!(error = %err, "Redis rate limiter unavailable; limiting per instance");
                self.fallback.check(key, quota).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_limiter_allows_up_to_the_limit_then_limits() {
        let limiter = MemoryRateLimiter::new();
        let quota = Quota {
            limit: 2,
            window: Duration::from_secs(60),
        };
        assert_eq!(
            limiter.check("a", quota).await,
            Decision::Allowed { remaining: 1 }
        );
        assert_eq!(
            limiter.check("a", quota).await,
            Decision::Allowed { remaining: 0 }
        );
        assert!(matches!(
            limiter.check("a", quota).await,
            Decision::Limited { .. }
        ));
        assert_eq!(
            limiter.check("b", quota).await,
            Decision::Allowed { remaining: 1 }
        );
    }
}
