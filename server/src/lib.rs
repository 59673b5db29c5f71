//! The Serap server as a library: `startup::Application` builds and runs it (the binary and the
//! integration tests both go through it).

pub mod access;
pub mod accounts;
pub mod demo;
pub mod digests;
pub mod entities;
pub mod error;
pub mod http;
pub mod infra;
pub mod invitations;
pub mod operations;
pub mod reports;
pub mod responses;
pub mod roster;
pub mod startup;
pub mod state;
pub mod surveys;
pub mod units;
pub mod waves;

pub use infra::config::Settings;
pub use infra::telemetry;
pub use startup::Application;
