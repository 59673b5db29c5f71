//! Structured logging with tracing. `SERAP_LOG` (or `RUST_LOG`) sets the filter, default `info`;
//! `SERAP_LOG_FORMAT=json` switches to one JSON object per line.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = std::env::var("SERAP_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(EnvFilter::new(filter));
    let result = if std::env::var("SERAP_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // A subscriber may already be set (tests); that one stays.
    drop(result);
}
