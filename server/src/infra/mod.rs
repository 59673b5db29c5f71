//! Infrastructure every feature uses: configuration, the database, the event bus, rate limits, mail and
//! its outbox, time, logging, secret tokens.

pub mod audit;
pub mod bus;
pub mod config;
pub mod csv;
pub mod db;
pub mod mail;
pub mod outbox;
pub mod ratelimit;
pub mod secrets;
pub mod telemetry;
pub mod time;
pub mod tokens;
