//! Parsed definitions of published survey versions, kept for the process's life (versions never change).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sea_orm::{ConnectionTrait, EntityTrait};
use serap_shared::survey::SurveyDefinition;
use uuid::Uuid;

use crate::entities::survey_version;
use crate::error::ApiError;

/// Published versions are immutable, so their parsed definitions are cached for the process's life.
#[derive(Clone, Default)]
pub struct VersionCache(Arc<RwLock<HashMap<Uuid, Arc<SurveyDefinition>>>>);

impl VersionCache {
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        version_id: Uuid,
    ) -> Result<Arc<SurveyDefinition>, ApiError> {
        if let Some(found) = self
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&version_id)
        {
            return Ok(found.clone());
        }
        let row = survey_version::Entity::find_by_id(version_id)
            .one(db)
            .await?
            .ok_or_else(|| ApiError::NotFound("versi survei / survey version".into()))?;
        let definition: SurveyDefinition = serde_json::from_value(row.definition)
            .map_err(|e| anyhow::anyhow!("stored definition of version {version_id}: {e}"))?;
        let definition = Arc::new(definition);
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(version_id, definition.clone());
        Ok(definition)
    }
}
