//! Building and running the application: `Application::build` connects and binds (port 0 works and
//! `port()` tells which port was taken); `run_until_stopped` serves until the shutdown future completes,
//! then stops the background workers.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lettre::message::Mailbox;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::access::sessions::{DbSessionStore, RedisSessionStore, SessionStore};
use crate::http::assets::Assets;
use crate::http::metrics::Metrics;
use crate::infra::bus::{EventBus, InProcessBus, RedisBus};
use crate::infra::config::Settings;
use crate::infra::mail::{FileMailer, Mailer, SmtpMailer};
use crate::infra::outbox::Dispatcher;
use crate::infra::ratelimit::{MemoryRateLimiter, RateLimiter, RedisRateLimiter};
use crate::infra::secrets::read_or_generate;
use crate::state::AppState;

/// How long open connections (e.g. live streams) may keep a stopping server alive.
const DRAIN: Duration = Duration::from_secs(10);

pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = crate::infra::db::connect(&settings).await?;
        if settings.seeds_demo_data() {
            crate::demo::seed_if_empty(&db)
                .await
                .context("seeding demo data")?;
        }
        let (bus, limiter, sessions): (
            Arc<dyn EventBus>,
            Arc<dyn RateLimiter>,
            Arc<dyn SessionStore>,
        ) = match &settings.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.expose_secret()).context("SERAP_REDIS_URL")?;
                // Lazy and bounded: a Redis outage slows nothing down and heals by itself.
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(1)))
                    .set_response_timeout(Some(Duration::from_secs(1)))
                    .set_number_of_retries(1);
                let connection = ConnectionManager::new_lazy_with_config(client.clone(), config)
                    .context("setting up the Redis connection")?;
                (
                    RedisBus::new(client, connection.clone(), &settings.redis_prefix),
                    Arc::new(RedisRateLimiter::new(
                        connection.clone(),
                        &settings.redis_prefix,
                    )),
                    Arc::new(RedisSessionStore::new(connection, &settings.redis_prefix)),
                )
            }
            None => (
                Arc::new(InProcessBus::new()),
                Arc::new(MemoryRateLimiter::new()),
                Arc::new(DbSessionStore::new(db.clone())),
            ),
        };
        let from: Mailbox = settings
            .mail_from
            .parse()
            .context("SERAP_MAIL_FROM is not a valid mailbox")?;
        let mailer: Arc<dyn Mailer> = match &settings.smtp_url {
            Some(url) => Arc::new(SmtpMailer::new(url.expose_secret(), from)?),
            None => Arc::new(FileMailer::new(settings.data_dir.join("outbox"), from)?),
        };
        let dist = settings.dist_dir.clone();
        let assets = tokio::task::spawn_blocking(move || Assets::load(&dist))
            .await
            .context("loading the web client")??;
        let admin_token = read_or_generate(
            settings.admin_token.as_ref(),
            &settings.data_dir,
            "admin-token",
        )?;
        let link_secret = read_or_generate(settings.secret.as_ref(), &settings.data_dir, "secret")?;
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("cannot listen on {} (SERAP_BIND)", settings.bind))?;
        let address = listener.local_addr()?;
        let state = AppState {
            settings: Arc::new(settings),
            db,
            bus,
            limiter,
            sessions,
            mailer,
            metrics: Metrics::new(),
            assets,
            outbox_wake: Arc::new(Notify::new()),
            fold_wake: Arc::new(Notify::new()),
            versions: Default::default(),
            waves: Default::default(),
            counters: Default::default(),
            reports: Default::default(),
            admin_token,
            link_secret,
        };
        Ok(Application {
            listener,
            address,
            state,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then drains connections (at most 10 s) and stops the workers.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let dispatcher = Dispatcher::new(
            self.state.db.clone(),
            self.state.mailer.clone(),
            self.state.outbox_wake.clone(),
        );
        let cache = tokio::spawn(
            self.state
                .counters
                .clone()
                .follow(self.state.bus.clone(), stop_rx.clone()),
        );
        let reminders = tokio::spawn(
            crate::invitations::Reminders {
                state: self.state.clone(),
            }
            .run(stop_rx.clone()),
        );
        let digests = tokio::spawn(
            crate::digests::Scheduler {
                state: self.state.clone(),
            }
            .run(stop_rx.clone()),
        );
        let folder = crate::reports::counters::Folder {
            db: self.state.db.clone(),
            versions: self.state.versions.clone(),
            bus: self.state.bus.clone(),
            wake: self.state.fold_wake.clone(),
        };
        let outbox = tokio::spawn(dispatcher.run(stop_rx.clone()));
        let folding = tokio::spawn(folder.run(stop_rx.clone()));

        let mut stopping = stop_rx.clone();
        let server = crate::http::serve(self.listener, self.state.clone(), async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        });
        let mut drained = stop_rx;
        tokio::pin!(server);
        tokio::select! {
            () = &mut server => {}
            () = shutdown => {
                tracing::info!("shutting down");
                let _ = stop_tx.send(true);
                let deadline = async {
                    let _ = drained.wait_for(|stop| *stop).await;
                    tokio::time::sleep(DRAIN).await;
                };
                tokio::select! {
                    () = &mut server => {}
                    () = deadline => tracing::warn!("connections still open after the drain period; closing")}
            }
        }
        let _ = stop_tx.send(true);
        outbox.await.context("outbox dispatcher")?;
        folding.await.context("counter folder")?;
        reminders.await.context("reminder worker")?;
        cache.await.context("counter cache")?;
        digests.await.context("digest scheduler")?;
        self.state.db.clone().close().await.ok();
        Ok(())
    }
}
