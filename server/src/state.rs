//! Shared application state handed to every handler: the composition root, built once by `startup`.
//!
//! It holds what features share at run time: connections, the bus, the session store of `access`, the
//! caches of `surveys`, `waves` and `reports`, the assets and metrics of `http`. Features take `&AppState`,
//! so each of them depends on this file and this file on them: a cycle kept on purpose, because passing
//! each handler only its parts would repeat the same wiring in every route.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use secrecy::SecretString;
use tokio::sync::Notify;

use crate::access::sessions::SessionStore;
use crate::http::assets::Assets;
use crate::http::metrics::Metrics;
use crate::infra::bus::EventBus;
use crate::infra::config::Settings;
use crate::infra::mail::Mailer;
use crate::infra::ratelimit::RateLimiter;
use crate::surveys::VersionCache;
use crate::waves::WaveCache;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub bus: Arc<dyn EventBus>,
    pub limiter: Arc<dyn RateLimiter>,
    /// Sign-in sessions: in Redis when configured (shared by every instance), else in the database.
    pub sessions: Arc<dyn SessionStore>,
    pub mailer: Arc<dyn Mailer>,
    pub metrics: Metrics,
    pub assets: Arc<Assets>,
    /// Wakes the counter folder after a response is stored.
    pub fold_wake: Arc<Notify>,
    /// Wakes the outbox dispatcher after a message is queued.
    pub outbox_wake: Arc<Notify>,
    /// Parsed definitions of published (immutable) survey versions.
    pub versions: VersionCache,
    /// Waves by slug, for at most two seconds.
    pub waves: WaveCache,
    /// Counter totals per wave until they change (reports).
    pub counters: crate::reports::counter_cache::CounterCache,
    /// Built reports until their counters change (`reports::cache`).
    pub reports: crate::reports::cache::ReportCache,
    /// Bearer token that grants admin rights on admin endpoints.
    pub admin_token: SecretString,
    /// The key of signed links (digest management, comment ids).
    pub link_secret: SecretString,
}

impl AppState {
    /// The host part of Message-Ids and links: the host of the public base URL.
    pub fn mail_domain(&self) -> &str {
        self.settings.base_url.host()
    }
}
