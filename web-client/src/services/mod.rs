//! Talking to the Serap API.

pub mod api;
