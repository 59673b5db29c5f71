//! Talking to the Serap API.

pub mod api;
pub mod json;
pub mod store;
