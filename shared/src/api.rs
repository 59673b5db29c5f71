//! Request and response bodies of the HTTP API under `/api/v1`.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/meta`: what this server is and whether it is healthy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// Whether the database answered just now.
    pub database_ok: bool,
    /// `redis` when instances share a bus, `in-process` otherwise.
    pub bus: String,
    /// `smtp` or `file`.
    pub mail: String,
    /// Server time in Asia/Jakarta (WIB), RFC 3339.
    pub time_wib: String,
}

/// `GET /readyz` and `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
}

/// `POST /api/v1/admin/test-email`: sends a test message through the outbox to check mail delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TestEmailRequest {
    pub to: crate::domain::EmailAddress,
}

/// A message accepted into the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuedEmail {
    /// The Message-Id the message will carry, e.g. `<3f2a...@serap.serangkota.go.id>`.
    pub message_id: String,
}
