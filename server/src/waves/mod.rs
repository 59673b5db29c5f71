//! Survey waves: a published version opened to respondents for a period.

pub mod routes;
