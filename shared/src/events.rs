//! Events carried by the live-update bus between server instances and on to dashboards.
//! Events name what changed, never response content.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// New responses were counted for a wave; dashboards showing it should refresh their figures.
    WaveUpdated { wave_id: Uuid },
}
