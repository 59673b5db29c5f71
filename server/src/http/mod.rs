//! HTTP in one place: the listener (`serve`, with its limits against slow and oversized clients), the
//! composed application (`app`), endpoint declaration (`endpoint!`), request extraction (`caller`,
//! `json_body`, ...) and JSON replies, the web client's assets and pages, metrics and the OpenAPI document.
//! Features keep their own routes in `<feature>/routes.rs`; `app` composes them.

mod app;
pub mod assets;
mod endpoint;
mod extract;
mod listener;
pub mod metrics;
pub mod openapi;
pub mod pages;
mod reply;

pub use app::app;
pub use endpoint::{register, registered};
pub use extract::{body_bytes, caller, client_addr, json_body, parse_json, with_state};
pub use listener::{BodyDeadline, ClientAddr, MAX_HEADER_BYTES, MAX_HEADERS, serve};
pub use reply::json_reply;
