//! Talking to the Serap API.

pub mod api;
pub mod credential;
pub mod json;
pub mod store;
