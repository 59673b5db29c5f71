//! The released counters of waves, kept in memory for reports (`AppState::counters`) until a release pass
//! changes them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use serap_shared::events::LiveEvent;
use serap_shared::report::CounterRow;
use serap_shared::survey::RESPONSES_KEY;
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use crate::infra::bus::EventBus;
use crate::reports::counters::{read_totals, responses_counted};

/// Released counters per wave, kept in memory until a release pass changes them: reports read them on every
/// dashboard refresh, and a live dashboard refreshes on every release. A `WaveUpdated` event for the wave
/// (from any instance when Redis is configured) drops the entry, so the next report reads the database (one
/// read per wave at a time; concurrent reports wait for it). In case an event was lost, reports go on using
/// an entry while, every `COUNTER_CACHE_TTL`, a background check compares the wave's released response total
/// with the database's (one aggregate row) and reads the counters again only when it moved, or when the
/// last full read is `COUNTER_FULL_REFRESH` old. No report waits for a read unless the counters changed.
#[derive(Clone, Default)]
pub struct CounterCache(Arc<CounterCacheInner>);

#[derive(Default)]
struct CounterCacheInner {
    entries: std::sync::Mutex<HashMap<Uuid, CounterEntry>>,
    /// Serialises database reads per wave.
    reads: std::sync::Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Default)]
struct CounterEntry {
    /// `None` once a change was heard.
    totals: Option<CachedTotals>,
    /// Bumped by every change heard: a read that began before a change does not store its rows.
    generation: u64,
    refreshing: bool,
}

#[derive(Clone)]
struct CachedTotals {
    rows: SharedTotals,
    /// Responses counted in `rows` (every response adds 1 to its unit's `RESPONSES_KEY` counter).
    responses: i64,
    /// When the full read began.
    read_at: Instant,
    /// When the database last confirmed `responses`.
    checked_at: Instant,
}

pub type SharedTotals = Arc<Vec<CounterRow>>;

/// How often a cached wave's response total is compared with the database's.
pub const COUNTER_CACHE_TTL: Duration = Duration::from_secs(2);
/// How old the last full read of a cached wave may get (a backstop for changes that keep the total).
pub const COUNTER_FULL_REFRESH: Duration = Duration::from_secs(60);
/// Waves kept; beyond this the cache starts over.
const CACHED_WAVES: usize = 1_000;

impl CounterCache {
    /// The wave's counter totals as report rows, from the cache or the database.
    pub async fn totals(
        &self,
        db: &DatabaseConnection,
        wave_id: Uuid,
    ) -> Result<SharedTotals, DbErr> {
        if let Some(totals) = self.cached(db, wave_id) {
            return Ok(totals);
        }
        let gate = self.lock_reads().entry(wave_id).or_default().clone();
        let _reading = gate.lock().await;
        // Another report may have read them while this one waited.
        if let Some(totals) = self.cached(db, wave_id) {
            return Ok(totals);
        }
        let generation = self.generation(wave_id);
        let started = Instant::now();
        let rows = Arc::new(read_totals(db, wave_id).await?);
        self.store(wave_id, generation, started, rows.clone());
        Ok(rows)
    }

    /// The cached totals; starts the background check when they are due for one.
    fn cached(&self, db: &DatabaseConnection, wave_id: Uuid) -> Option<SharedTotals> {
        let mut entries = self.lock_entries();
        let entry = entries.get_mut(&wave_id)?;
        let cached = entry.totals.clone()?;
        if cached.checked_at.elapsed() >= COUNTER_CACHE_TTL && !entry.refreshing {
            entry.refreshing = true;
            let (cache, db, generation) = (self.clone(), db.clone(), entry.generation);
            let cached = cached.clone();
            tokio::spawn(async move { cache.check(&db, wave_id, generation, cached).await });
        }
        Some(cached.rows)
    }

    /// Confirms `cached` against the database, or reads the counters again.
    async fn check(
        &self,
        db: &DatabaseConnection,
        wave_id: Uuid,
        generation: u64,
        cached: CachedTotals,
    ) {
        let started = Instant::now();
        let outcome = async {
            if cached.read_at.elapsed() < COUNTER_FULL_REFRESH
                && responses_counted(db, wave_id, true).await? == cached.responses
            {
                return Ok(None);
            }
            read_totals(db, wave_id).await.map(Some)
        }
        .await;
        match outcome {
            Ok(Some(rows)) => self.store(wave_id, generation, started, Arc::new(rows)),
            Ok(None) => {
                let mut entries = self.lock_entries();
                if let Some(entry) = entries.get_mut(&wave_id)
                    && entry.generation == generation
                {
                    entry.refreshing = false;
                    if let Some(totals) = &mut entry.totals {
                        totals.checked_at = started;
                    }
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "checking cached counters failed");
                if let Some(entry) = self.lock_entries().get_mut(&wave_id) {
                    entry.refreshing = false;
                }
            }
        }
    }

    fn generation(&self, wave_id: Uuid) -> u64 {
        self.lock_entries()
            .get(&wave_id)
            .map_or(0, |entry| entry.generation)
    }

    /// Keeps `fresh` unless a change was heard since the read began. Unchanged totals keep their old
    /// `Arc`, so reports built from them stay valid.
    fn store(&self, wave_id: Uuid, generation: u64, started: Instant, fresh: SharedTotals) {
        let mut entries = self.lock_entries();
        if entries.len() >= CACHED_WAVES && !entries.contains_key(&wave_id) {
            entries.clear();
        }
        let entry = entries.entry(wave_id).or_default();
        if entry.generation != generation {
            return;
        }
        entry.refreshing = false;
        let rows = match entry.totals.take() {
            Some(old) if old.rows == fresh => old.rows,
            _ => fresh,
        };
        let responses = rows
            .iter()
            .filter(|row| row.key == RESPONSES_KEY)
            .map(|row| row.count)
            .sum();
        entry.totals = Some(CachedTotals {
            rows,
            responses,
            read_at: started,
            checked_at: started,
        });
    }

    /// Forgets the wave's totals: the next report reads the database.
    pub fn forget(&self, wave_id: Uuid) {
        let mut entries = self.lock_entries();
        let entry = entries.entry(wave_id).or_default();
        entry.totals = None;
        entry.generation += 1;
        entry.refreshing = false;
    }

    fn forget_all(&self) {
        for entry in self.lock_entries().values_mut() {
            entry.totals = None;
            entry.generation += 1;
            entry.refreshing = false;
        }
    }

    fn lock_entries(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, CounterEntry>> {
        self.0.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_reads(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>> {
        self.0.reads.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops entries as `WaveUpdated` events arrive, until `shutdown` turns true.
    pub async fn follow(self, bus: Arc<dyn EventBus>, mut shutdown: watch::Receiver<bool>) {
        let mut events = bus.subscribe();
        loop {
            tokio::select! {
            _ = shutdown.changed() => break,
            event = events.recv() => match event {
                Ok(LiveEvent::WaveUpdated { wave_id }) => self.forget(wave_id),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => self.forget_all(),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break}}
            if *shutdown.borrow() {
                break;
            }
        }
    }
}
