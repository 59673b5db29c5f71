//! Serap's one integration-test binary: the real server on port 0, SQLite and PostgreSQL, Redis, a real
//! SMTP server and headless Chromium. Services come from `SERAP_TEST_DATABASE_URL` and
//! `SERAP_TEST_REDIS_URL`; under `CI=true` a missing service fails the test instead of skipping it.
//!
//! `helpers` is the harness, and the only module the others import from; every other module is the tests
//! of one part of Serap (a folder when they are many: a file per topic, and what those files share in
//! its `mod.rs`, or for the fault tests in `faults/harness.rs`).

mod helpers;

mod access;
mod anonymity;
mod at_rest;
mod auth;
mod browser;
mod browser_console;
mod browser_credential;
mod browser_dashboard;
mod browser_digest;
mod browser_form;
mod browser_invitation;
mod bus_and_limits;
mod credentials;
mod digests;
mod errors;
mod faults;
mod health;
mod invitations;
mod mail;
mod openapi;
mod people;
mod reports;
mod static_files;
mod surveys;
mod units;
