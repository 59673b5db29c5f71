//! Survey authoring: templates, drafts and published versions.

pub mod routes;
