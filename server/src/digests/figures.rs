//! What one pass over the subscriptions knows: the unit tree, the waves, and each (wave, scope) report built
//! once through the one path that applies the reporting threshold.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, QueryOrder};
use serap_shared::api::UnitResponseRate;
use serap_shared::report::WaveReport;
use uuid::Uuid;

use crate::access::scope::{Scope, children_of, subtrees};
use crate::access::{Account, Caller};
use crate::entities::digest_subscription::{self};
use crate::entities::{account, org_unit, wave};
use crate::error::ApiError;
use crate::reports::{ReportQuery, wave_report};
use crate::state::AppState;

/// What one pass knows, shared by every digest it renders: reports are built once per (wave, scope).
pub(super) struct Pass {
    pub(super) now: DateTime<Utc>,
    pub(super) children: HashMap<Uuid, Vec<Uuid>>,
    pub(super) units: HashMap<Uuid, org_unit::Model>,
    pub(super) waves: Vec<Arc<wave::Model>>,
    pub(super) figures: HashMap<(Uuid, String), Arc<WaveFigures>>,
    pub(super) account_scopes: HashMap<Uuid, Option<Scope>>,
}

pub(super) struct WaveFigures {
    pub(super) report: Arc<WaveReport>,
    pub(super) rates: Vec<UnitResponseRate>,
}

impl Pass {
    pub(super) async fn load(state: &AppState, now: DateTime<Utc>) -> Result<Pass, ApiError> {
        let waves = wave::Entity::find()
            .order_by_asc(wave::Column::ClosesAt)
            .all(&state.db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        let units = org_unit::Entity::find()
            .all(&state.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        Ok(Pass {
            now,
            children: children_of(&state.db).await?,
            units,
            waves,
            figures: HashMap::new(),
            account_scopes: HashMap::new(),
        })
    }

    /// The subscription's scope: its units' subtrees, within its account's scope; `None` when the account
    /// may no longer read reports.
    pub(super) async fn scope(
        &mut self,
        state: &AppState,
        sub: &digest_subscription::Model,
    ) -> Result<Option<Scope>, ApiError> {
        let ids = unit_ids(sub);
        let mut scope = if ids.is_empty() {
            Scope::All
        } else {
            Scope::Units(subtrees(&self.children, ids))
        };
        if let Some(account_id) = sub.account_id {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                self.account_scopes.entry(account_id)
            {
                slot.insert(account_scope(state, account_id).await?);
            }
            match self.account_scopes.get(&account_id).cloned().flatten() {
                None => return Ok(None),
                Some(Scope::All) => {}
                Some(Scope::Units(allowed)) => {
                    scope = match scope {
                        Scope::All => Scope::Units(allowed),
                        Scope::Units(mine) => {
                            Scope::Units(mine.intersection(&allowed).copied().collect())
                        }
                    }
                }
            }
        }
        Ok(Some(scope))
    }

    pub(super) async fn figures(
        &mut self,
        state: &AppState,
        scope: &Scope,
        wave: &wave::Model,
    ) -> Result<Arc<WaveFigures>, ApiError> {
        let key = (wave.id, scope_key(scope));
        if let Some(found) = self.figures.get(&key) {
            return Ok(found.clone());
        }
        // The one path that applies the reporting threshold (docs/design.md invariant 5).
        let report = wave_report(state, scope, wave, &ReportQuery::default()).await?;
        let rates = crate::invitations::response_rates(&state.db, wave, scope).await?;
        let figures = Arc::new(WaveFigures { report, rates });
        self.figures.insert(key, figures.clone());
        Ok(figures)
    }
}

pub(super) fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::All => "*".into(),
        Scope::Units(units) => {
            let mut ids: Vec<&Uuid> = units.iter().collect();
            ids.sort();
            ids.iter()
                .map(|u| u.simple().to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
    }
}

pub(super) fn unit_ids(sub: &digest_subscription::Model) -> Vec<Uuid> {
    serde_json::from_value(sub.unit_ids.clone()).unwrap_or_default()
}

/// The report scope of an account (as `access::scope::of` would resolve it for that account signed in).
pub(super) async fn account_scope(
    state: &AppState,
    account_id: Uuid,
) -> Result<Option<Scope>, ApiError> {
    let Some(found) = account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await?
        .filter(|a| a.active)
    else {
        return Ok(None);
    };
    let caller = Caller::Account(Account {
        id: found.id,
        roles: crate::accounts::roles_of(&state.db, found.id).await?,
        email: found.email,
        name: found.name,
        csrf_token: String::new(),
        session_id: String::new(),
    });
    match crate::access::scope::of(&caller, &state.db).await {
        Ok(scope) => Ok(Some(scope)),
        Err(ApiError::Forbidden | ApiError::Unauthorized) => Ok(None),
        Err(err) => Err(err),
    }
}
