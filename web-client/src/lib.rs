//! Serap's web client in Yew (CSR), as two bundles built from this library by Trunk:
//!
//! - the respondent app (`index.html`, binary `web-client`): the home page, open forms `/f/<slug>` and
//!   personal invitations `/s/<token>`. Its download is budgeted (BENCHMARKS.md), so it reads and writes
//!   JSON by hand (`services::json`);
//! - the console (`console.html`, binary `serap-console`, served under `/console/`): sign-in and the pages
//!   of admins and managers, with serde_json on the shared types.
//!
//! Each binary references only its own app; the linker drops the other's code.

pub mod app;
pub mod console;
mod i18n;
mod pages;
mod services;

/// How both apps write numbers (the browser's way); set at start for the shared validation messages.
pub use services::json::num_text;

/// The respondent app's JSON reader and writer. Public for `tests/json_reader/`, which holds the reader to
/// serde_json's reading of the same text.
#[doc(hidden)]
pub use services::json;
