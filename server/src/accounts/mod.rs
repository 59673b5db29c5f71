//! Accounts and their roles.

pub mod routes;
