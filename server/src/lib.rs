//! The Serap server as a library: `startup::Application` builds and runs it (the binary and the
//! integration tests both go through it).

pub mod assets;
pub mod auth;
pub mod bus;
pub mod config;
pub mod counters;
pub mod credentials;
pub mod db;
pub mod demo;
pub mod digests;
pub mod entities;
pub mod error;
pub mod http;
pub mod invitations;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod outbox;
pub mod ratelimit;
pub mod report_cache;
pub mod routes;
pub mod scope;
pub mod sessions;
pub mod startup;
pub mod state;
pub mod submission;
pub mod telemetry;
pub mod time;

pub use config::Settings;
pub use startup::Application;
