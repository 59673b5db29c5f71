//! The staff roster: people and their import from CSV.

pub mod csv;
pub mod routes;
