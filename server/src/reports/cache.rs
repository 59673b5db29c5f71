//! Built reports, kept per (wave, scope, filter, settings) for as long as the counters they were built from
//! are the current ones (`CounterCache` hands out the same `Arc` until the counters change). The other
//! inputs (the unit tree, the roster's headcount, comments' visibility) have no change events, so a report
//! older than `REPORT_CACHE_TTL` is rebuilt in the background while requests go on getting it: a dashboard
//! never waits for the engine unless new responses were counted.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serap_shared::report::WaveReport;
use tokio::time::Instant;
use uuid::Uuid;

use crate::access::scope::Scope;
use crate::reports::counter_cache::SharedTotals;

/// How long a built report is served before it is rebuilt in the background: how soon a change of the unit
/// tree or the roster shows in reports whose counters did not change.
pub const REPORT_CACHE_TTL: Duration = Duration::from_secs(10);
/// Reports kept; beyond this the cache starts over (a city-wide report is a few hundred kilobytes).
const CACHED_REPORTS: usize = 256;

/// What a report depends on besides its inputs' data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportKey {
    pub wave_id: Uuid,
    /// `None`: the whole city; otherwise the units the caller may see.
    pub scope: Option<BTreeSet<Uuid>>,
    pub unit: Option<Uuid>,
    pub sector: Option<String>,
    pub k: u32,
    pub comment_threshold: u32,
    pub skm_legacy_weights: bool,
}

impl ReportKey {
    pub fn scope_of(scope: &Scope) -> Option<BTreeSet<Uuid>> {
        match scope {
            Scope::All => None,
            Scope::Units(units) => Some(units.iter().copied().collect()),
        }
    }
}

/// The counters a report was built from.
#[derive(Clone)]
pub struct ReportInputs {
    pub counters: SharedTotals,
    pub previous: Option<SharedTotals>,
    /// The previous wave's own k.
    pub previous_k: u32,
}

impl ReportInputs {
    fn same_as(&self, other: &ReportInputs) -> bool {
        Arc::ptr_eq(&self.counters, &other.counters)
            && match (&self.previous, &other.previous) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

struct Entry {
    inputs: ReportInputs,
    built: Instant,
    report: Arc<WaveReport>,
    rebuilding: bool,
}

/// What the cache has for a key.
pub enum Cached {
    /// Built from the current counters and recent: use it.
    Fresh(Arc<WaveReport>),
    /// Built from the current counters but old: use it, and rebuild it in the background (the caller
    /// is the one to start the rebuild; others keep getting `Fresh` meanwhile).
    Stale(Arc<WaveReport>),
    /// Nothing usable: build it now.
    Missing,
}

#[derive(Clone, Default)]
pub struct ReportCache(Arc<std::sync::Mutex<HashMap<ReportKey, Entry>>>);

impl ReportCache {
    pub fn get(&self, key: &ReportKey, inputs: &ReportInputs) -> Cached {
        let mut entries = self.lock();
        let Some(entry) = entries.get_mut(key) else {
            return Cached::Missing;
        };
        if !entry.inputs.same_as(inputs) {
            return Cached::Missing;
        }
        if entry.built.elapsed() < REPORT_CACHE_TTL || entry.rebuilding {
            return Cached::Fresh(entry.report.clone());
        }
        entry.rebuilding = true;
        Cached::Stale(entry.report.clone())
    }

    /// Stores a report built from `inputs` when the build `started`.
    pub fn store(
        &self,
        key: ReportKey,
        inputs: ReportInputs,
        started: Instant,
        report: Arc<WaveReport>,
    ) {
        let mut entries = self.lock();
        if entries.len() >= CACHED_REPORTS && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                inputs,
                built: started,
                report,
                rebuilding: false,
            },
        );
    }

    /// A background rebuild failed: the next request past the TTL tries again.
    pub fn rebuild_failed(&self, key: &ReportKey) {
        if let Some(entry) = self.lock().get_mut(key) {
            entry.rebuilding = false;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ReportKey, Entry>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ReportKey {
        ReportKey {
            wave_id: Uuid::nil(),
            scope: None,
            unit: None,
            sector: None,
            k: 5,
            comment_threshold: 10,
            skm_legacy_weights: false,
        }
    }

    /// An empty report of the SKM template.
    fn report() -> Arc<WaveReport> {
        use serap_shared::report::{ReportFilter, ReportInput, ReportSettings, build_report};
        let template = serap_shared::templates::get("skm").expect("the SKM template");
        Arc::new(build_report(&ReportInput {
            definition: &template.definition,
            units: &[],
            counters: &[],
            previous: None,
            previous_k: 0,
            headcount: &HashMap::new(),
            scope: None,
            filter: &ReportFilter::default(),
            settings: &ReportSettings {
                k: 5,
                skm_legacy_weights: false,
            },
        }))
    }

    #[tokio::test]
    async fn serves_while_the_counters_are_the_same_and_rebuilds_once_when_old() {
        let cache = ReportCache::default();
        let inputs = ReportInputs {
            counters: Arc::new(Vec::new()),
            previous: None,
            previous_k: 0,
        };
        assert!(matches!(cache.get(&key(), &inputs), Cached::Missing));
        cache.store(key(), inputs.clone(), Instant::now(), report());
        assert!(matches!(cache.get(&key(), &inputs), Cached::Fresh(_)));

        // Other counters (new responses counted): build now.
        let changed = ReportInputs {
            counters: Arc::new(Vec::new()),
            previous: None,
            previous_k: 0,
        };
        assert!(matches!(cache.get(&key(), &changed), Cached::Missing));

        // Old: exactly one caller is told to rebuild, the others get the old report meanwhile.
        let long_ago = Instant::now()
            .checked_sub(REPORT_CACHE_TTL)
            .expect("the clock is past the TTL");
        cache.store(key(), inputs.clone(), long_ago, report());
        assert!(matches!(cache.get(&key(), &inputs), Cached::Stale(_)));
        assert!(matches!(cache.get(&key(), &inputs), Cached::Fresh(_)));
        cache.rebuild_failed(&key());
        assert!(matches!(cache.get(&key(), &inputs), Cached::Stale(_)));
    }
}
