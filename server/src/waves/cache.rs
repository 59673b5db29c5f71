//! Waves by slug for a couple of seconds, for the respondents' hot path.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::wave;
use crate::error::ApiError;

/// Waves by slug, kept for two seconds: a submission needs its wave's window and version without a query
/// each time, and a change made on another instance is seen within two seconds.
#[derive(Clone, Default)]
pub struct WaveCache(Arc<RwLock<HashMap<String, CachedWave>>>);

type CachedWave = (Instant, Arc<wave::Model>);

pub(crate) const WAVE_TTL: Duration = Duration::from_secs(2);

impl WaveCache {
    pub async fn by_slug<C: ConnectionTrait>(
        &self,
        db: &C,
        slug: &str,
    ) -> Result<Arc<wave::Model>, ApiError> {
        if let Some((at, found)) = self.0.read().unwrap_or_else(|e| e.into_inner()).get(slug)
            && at.elapsed() < WAVE_TTL
        {
            return Ok(found.clone());
        }
        let row = wave::Entity::find()
            .filter(wave::Column::Slug.eq(slug))
            .one(db)
            .await?
            .ok_or_else(|| ApiError::NotFound("survei / survey".into()))?;
        let row = Arc::new(row);
        let mut cache = self.0.write().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(slug.to_string(), (Instant::now(), row.clone()));
        Ok(row)
    }
}
