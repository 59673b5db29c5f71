//! Reports of a wave: the counters they read, the release of figures in steps of k, the caches of built
//! reports, and the report endpoints.

pub mod cache;
pub mod counters;
pub mod routes;
