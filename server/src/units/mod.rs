//! The organisation's unit tree.

pub mod routes;
