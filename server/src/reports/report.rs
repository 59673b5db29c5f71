//! A wave's aggregated report (docs/design.md invariants 2, 5, 6): built by the one shared engine
//! (`serap_shared::report`, which applies the reporting threshold) from the counters only, for the units a
//! caller's scope covers, with the comments it may show. Every output (the dashboard, the exports, digests)
//! takes `wave_report`; built reports are cached until the counters change (`cache`).

use secrecy::ExposeSecret;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serap_shared::api::{ReportQuery, SkmWeights};
use serap_shared::keywords::keyword_frequencies;
use serap_shared::report::{
    CommentItem, CommentsReport, ReportFilter, ReportInput, ReportSettings, WaveReport,
    build_report_counting,
};
use tokio::time::Instant;
use uuid::Uuid;

use crate::access::scope::Scope;
use crate::entities::{comment, org_unit, person, wave};
use crate::error::ApiError;
use crate::reports::cache::{Cached, ReportInputs, ReportKey};
use crate::reports::counters;
use crate::reports::release::thresholds;
use crate::state::AppState;

/// The wave `slug` and its report as `scope` may see it, filtered by `query`.
pub async fn report_of(
    state: &AppState,
    scope: &Scope,
    slug: &str,
    query: &ReportQuery,
) -> Result<(wave::Model, Arc<WaveReport>), ApiError> {
    let wave = crate::waves::by_slug(&state.db, slug).await?;
    let report = wave_report(state, scope, &wave, query).await?;
    Ok((wave, report))
}

/// The report of `wave` as `scope` may see it, filtered by `query`: the one path every report output
/// (dashboard, exports, digests) takes. Built reports are cached until the counters change
/// (`crate::reports::cache`).
pub async fn wave_report(
    state: &AppState,
    scope: &Scope,
    wave: &wave::Model,
    query: &ReportQuery,
) -> Result<Arc<WaveReport>, ApiError> {
    let mut filter = ReportFilter {
        unit: None,
        sector: query.sector.clone().filter(|s| !s.is_empty()),
    };
    if let Some(code) = query.unit.as_deref().filter(|c| !c.is_empty()) {
        let unit = org_unit::Entity::find()
            .filter(org_unit::Column::Code.eq(code))
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("unit kerja / unit {code}")))?;
        if !scope.contains(unit.id) {
            return Err(ApiError::Forbidden);
        }
        filter.unit = Some(unit.id);
    }
    let counters = state.counters.totals(&state.db, wave.id).await?;
    let (previous, previous_k) = match previous_wave(state, wave).await? {
        Some(p) => (
            Some(state.counters.totals(&state.db, p.id).await?),
            thresholds(&p).0,
        ),
        None => (None, 0),
    };
    let settings = ReportSettings {
        k: thresholds(wave).0,
        skm_legacy_weights: query.skm_weights == SkmWeights::Legacy,
    };
    let key = ReportKey {
        wave_id: wave.id,
        scope: ReportKey::scope_of(scope),
        unit: filter.unit,
        sector: filter.sector.clone(),
        k: settings.k,
        comment_threshold: thresholds(wave).1,
        skm_legacy_weights: settings.skm_legacy_weights,
    };
    let inputs = ReportInputs {
        counters,
        previous,
        previous_k,
    };
    match state.reports.get(&key, &inputs) {
        Cached::Fresh(report) => Ok(report),
        Cached::Stale(report) => {
            let (state, scope, wave) = (state.clone(), scope.clone(), wave.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                match build(&state, &scope, &wave, &filter, &settings, &inputs).await {
                    Ok(report) => state.reports.store(key, inputs, started, Arc::new(report)),
                    Err(err) => {
                        tracing::warn!(error = ?err, "rebuilding a cached report failed");
                        state.reports.rebuild_failed(&key);
                    }
                }
            });
            Ok(report)
        }
        Cached::Missing => {
            let started = Instant::now();
            let report = Arc::new(build(state, scope, wave, &filter, &settings, &inputs).await?);
            state.reports.store(key, inputs, started, report.clone());
            Ok(report)
        }
    }
}

/// Runs the engine on `inputs` and adds the comments the result may show.
async fn build(
    state: &AppState,
    scope: &Scope,
    wave: &wave::Model,
    filter: &ReportFilter,
    settings: &ReportSettings,
    inputs: &ReportInputs,
) -> Result<WaveReport, ApiError> {
    let definition = state
        .versions
        .get(&state.db, wave.survey_version_id)
        .await?;
    let units = crate::units::all_units(&state.db).await?;
    let headcount = headcount(state).await?;
    let visible: Option<HashSet<Uuid>> = match scope {
        Scope::All => None,
        Scope::Units(units) => Some(units.clone()),
    };
    // The engine is pure computation (milliseconds for a city): off the request workers.
    let whole_wave =
        matches!(scope, Scope::All) && filter.unit.is_none() && filter.sector.is_none();
    let (filter, settings, inputs) = (filter.clone(), settings.clone(), inputs.clone());
    let (mut report, counted) = tokio::task::spawn_blocking(move || {
        build_report_counting(&ReportInput {
            definition: &definition,
            units: &units,
            counters: &inputs.counters,
            previous: inputs.previous.as_ref().map(|rows| rows.as_slice()),
            previous_k: inputs.previous_k,
            headcount: &headcount,
            scope: visible.as_ref(),
            filter: &filter,
            settings: &settings,
        })
    })
    .await
    .map_err(|e| anyhow::anyhow!("report engine: {e}"))?;
    report.comments = Some(comments(state, wave, counted).await?);
    if whole_wave {
        let live = counters::responses_counted(&state.db, wave.id, false).await?;
        let released = counters::responses_counted(&state.db, wave.id, true).await?;
        let k = u64::from(report.k);
        report.held_back = Some(Ord::max(live - released, 0) as u64 / k * k);
    }
    Ok(report)
}

/// Comments listed at most.
const COMMENTS_SHOWN: usize = 100;

/// The comments released to `atoms` (the atoms a report counts), in the order of a keyed hash of their
/// ids: an order that says nothing about arrival and is the same on every read.
async fn comments(
    state: &AppState,
    wave: &wave::Model,
    atoms: BTreeSet<Uuid>,
) -> Result<CommentsReport, ApiError> {
    let threshold = thresholds(wave).1;
    let rows: Vec<(Uuid, String, String)> = if atoms.is_empty() {
        Vec::new()
    } else {
        comment::Entity::find()
            .select_only()
            .column(comment::Column::Id)
            .column(comment::Column::QuestionId)
            .column(comment::Column::Body)
            .filter(comment::Column::WaveId.eq(wave.id))
            .filter(comment::Column::AtomId.is_in(atoms))
            .into_tuple()
            .all(&state.db)
            .await?
    };
    let secret = state.link_secret.expose_secret();
    let mut rows: Vec<([u8; 32], String, String)> = rows
        .into_iter()
        .map(|(id, question_id, text)| (comment_order(secret, id), question_id, text))
        .collect();
    rows.sort_unstable();
    let keywords = keyword_frequencies(rows.iter().map(|(_, _, text)| text.as_str()), 20);
    Ok(CommentsReport {
        threshold,
        shown: !rows.is_empty(),
        total: rows.len() as u64,
        keywords,
        items: rows
            .into_iter()
            .take(COMMENTS_SHOWN)
            .map(|(_, question_id, text)| CommentItem { question_id, text })
            .collect(),
    })
}

/// The sort key of a comment: HMAC-SHA256 of its id under the server's secret.
fn comment_order(secret: &str, id: Uuid) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"comment:");
    mac.update(id.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The latest earlier wave of the same survey, for the change per indicator.
async fn previous_wave(
    state: &AppState,
    wave: &wave::Model,
) -> Result<Option<wave::Model>, ApiError> {
    Ok(wave::Entity::find()
        .filter(wave::Column::SurveyId.eq(wave.survey_id))
        .filter(wave::Column::OpensAt.lt(wave.opens_at))
        .order_by_desc(wave::Column::OpensAt)
        .one(&state.db)
        .await?)
}

/// Staff per unit on the roster.
async fn headcount(state: &AppState) -> Result<HashMap<Uuid, u32>, ApiError> {
    let rows: Vec<(Uuid, i64)> = person::Entity::find()
        .select_only()
        .column(person::Column::UnitId)
        .column_as(Expr::col(person::Column::Id).count(), "n")
        .group_by(person::Column::UnitId)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(rows.into_iter().map(|(unit, n)| (unit, n as u32)).collect())
}
