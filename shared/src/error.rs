//! The one JSON error shape every failing API request returns (docs/design.md invariant 9):
//! `{"error": {"code": "...", "message": "...", "fields": [{"path": "...", "message": "..."}]}}`.

use serde::{Deserialize, Serialize};

/// Body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for people (`message`) and for programs (`code`, `fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`, `payload_too_large`.
    pub code: String,
    /// Human-readable summary (Indonesian first, English after a " / ").
    pub message: String,
    /// Per-field problems; empty when the error is not about specific fields.
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

/// One problem with one part of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Where the problem is, e.g. `answers.q7` or `sections[2].questions[0].options`; `$` for the whole body.
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
        }
    }
}
