//! Reports of a wave: the counters they read (`counters`, kept in memory by `counter_cache`), the release
//! of figures in steps of k (`release`), the report itself (`report`) and the caches of built reports
//! (`cache`), its exports (`export`), live update notices (`live`) and the raw responses of identified
//! waves (`raw`). Its HTTP endpoints are in `routes`.

pub mod cache;
pub mod counter_cache;
pub mod counters;
pub mod export;
pub mod live;
pub mod raw;
pub mod release;
pub mod report;
pub mod routes;

pub use report::wave_report;
pub use serap_shared::api::ReportQuery;
