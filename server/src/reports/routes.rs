//! Reports (DESIGN invariants 2, 5, 6): a wave's aggregated report for the caller's scope, as JSON, CSV or
//! XLSX, built by the one shared engine (`serap_shared::report`, which applies the reporting threshold) from
//! the counters only; live update notices by Server-Sent Events; and, for identified waves, the raw
//! responses for admins (audited, streamed page by page).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serap_shared::api::Anonymity;
use serap_shared::error::ErrorBody;
use serap_shared::events::LiveEvent;
use serap_shared::i18n::Lang;
use serap_shared::keywords::keyword_frequencies;
use serap_shared::report::{
    CommentItem, CommentsReport, ReportFilter, ReportInput, ReportSettings, WaveReport,
    build_report_counting, export_rows,
};
use serap_shared::survey::Answers;
use tokio::time::Instant;
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::access::scope::Scope;
use crate::endpoint;
use crate::entities::{comment, invitation, invitation_response, org_unit, person, response, wave};
use crate::error::{ApiError, respond};
use crate::http::{caller, json_reply, with_state};
use crate::reports::cache::{Cached, ReportInputs, ReportKey};
use crate::reports::counters::{self, thresholds};
use crate::state::AppState;
use crate::waves::anonymity_of;

/// Responses per page of a raw export.
const EXPORT_PAGE: u64 = 500;
/// Live notices for one wave are sent at most this often (a burst of folds is one notice).
const LIVE_COALESCE: Duration = Duration::from_millis(250);

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let report = endpoint!(get, "api" / "v1" / "waves" / String / "report")
        .and(caller(state.clone()))
        .and(warp::query::<ReportQuery>())
        .and(warp::header::optional::<String>("accept-encoding"))
        .and(with_state(state.clone()))
        .then(get_report)
        .map(respond);
    let csv = endpoint!(get, "api" / "v1" / "waves" / String / "report.csv")
        .and(caller(state.clone()))
        .and(warp::query::<ReportQuery>())
        .and(with_state(state.clone()))
        .then(report_csv)
        .map(respond);
    let xlsx = endpoint!(get, "api" / "v1" / "waves" / String / "report.xlsx")
        .and(caller(state.clone()))
        .and(warp::query::<ReportQuery>())
        .and(with_state(state.clone()))
        .then(report_xlsx)
        .map(respond);
    let raw = endpoint!(get, "api" / "v1" / "waves" / String / "responses.csv")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(raw_responses)
        .map(respond);
    let live = endpoint!(get, "api" / "v1" / "waves" / String / "live")
        .and(caller(state.clone()))
        .and(with_state(state))
        .then(live)
        .map(respond);
    report
        .or(csv)
        .unify()
        .or(xlsx)
        .unify()
        .or(raw)
        .unify()
        .or(live)
        .unify()
        .boxed()
}

/// Filters of a report.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// A unit code: that unit and its subtree (403 outside the caller's scope).
    pub unit: Option<String>,
    /// A planning sector, e.g. `kesehatan`.
    pub sector: Option<String>,
    /// `legacy`: SKM weights of 0.11 as printed in PermenPANRB 14/2017, instead of exactly 1/9.
    pub skm_weights: Option<String>,
    /// Language of labels in exports: `id` (default) or `en`.
    pub lang: Option<String>,
}

/// The report of `slug` for `caller`, filtered by `query`.
async fn report_for(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    query: &ReportQuery,
) -> Result<(wave::Model, Arc<WaveReport>), ApiError> {
    let scope = Scope::of(caller, &state.db).await?;
    let wave = crate::waves::by_slug(&state.db, slug).await?;
    let report = wave_report(state, &scope, &wave, query).await?;
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
        skm_legacy_weights: query.skm_weights.as_deref() == Some("legacy"),
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
    let secret = state.settings.secret.as_deref().unwrap_or_default();
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

fn lang(query: &ReportQuery) -> Lang {
    match query.lang.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Id,
    }
}

fn attachment(name: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        warp::http::HeaderValue::from_static(content_type),
    );
    if let Ok(value) =
        warp::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

#[utoipa::path(get, path = "/api/v1/waves/{slug}/report", tag = "reports",
    params(("slug" = String, Path, description = "The wave's slug"), ReportQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The aggregated report for the caller's scope; groups below the wave's threshold are hidden", body = WaveReport),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "No report role, or a unit outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such wave or unit", body = ErrorBody)))]
pub async fn get_report(
    slug: String,
    caller: Caller,
    query: ReportQuery,
    accept_encoding: Option<String>,
    state: AppState,
) -> Result<Response, ApiError> {
    let (_, report) = report_for(&state, &caller, &slug, &query).await?;
    Ok(json_reply(&report, accept_encoding.as_deref()))
}

#[utoipa::path(get, path = "/api/v1/waves/{slug}/report.csv", tag = "reports",
    params(("slug" = String, Path, description = "The wave's slug"), ReportQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The report's figures as CSV (UTF-8 with BOM, `;`), the same suppression as the report", content_type = "text/csv", body = String),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "No report role, or a unit outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such wave or unit", body = ErrorBody)))]
pub async fn report_csv(
    slug: String,
    caller: Caller,
    query: ReportQuery,
    state: AppState,
) -> Result<Response, ApiError> {
    let (wave, report) = report_for(&state, &caller, &slug, &query).await?;
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in export_rows(&report, lang(&query)) {
        writer.write_record(&row).map_err(anyhow::Error::from)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    export_audit(&state, &caller, "export.report_csv", &wave).await?;
    Ok(attachment(
        &format!("laporan-{}.csv", wave.slug),
        "text/csv; charset=utf-8",
        body,
    ))
}

#[utoipa::path(get, path = "/api/v1/waves/{slug}/report.xlsx", tag = "reports",
    params(("slug" = String, Path, description = "The wave's slug"), ReportQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The report's figures as an Excel workbook, the same suppression as the report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "No report role, or a unit outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such wave or unit", body = ErrorBody)))]
pub async fn report_xlsx(
    slug: String,
    caller: Caller,
    query: ReportQuery,
    state: AppState,
) -> Result<Response, ApiError> {
    let (wave, report) = report_for(&state, &caller, &slug, &query).await?;
    let table = export_rows(&report, lang(&query));
    let body = tokio::task::spawn_blocking(move || xlsx(&table))
        .await
        .map_err(anyhow::Error::from)??;
    export_audit(&state, &caller, "export.report_xlsx", &wave).await?;
    Ok(attachment(
        &format!("laporan-{}.xlsx", wave.slug),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body,
    ))
}

/// One worksheet: the header row in bold, numbers as numbers.
fn xlsx(table: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let fail = |e: rust_xlsxwriter::XlsxError| ApiError::from(anyhow::anyhow!("xlsx: {e}"));
    for (r, row) in table.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if r == 0 {
                sheet
                    .write_string_with_format(r, c, cell, &bold)
                    .map_err(fail)?;
            } else if let Ok(n) = cell.parse::<f64>() {
                sheet.write_number(r, c, n).map_err(fail)?;
            } else {
                sheet.write_string(r, c, cell).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// Exports are audited (who exported what) when an account or the bootstrap token asks.
async fn export_audit(
    state: &AppState,
    caller: &Caller,
    action: &str,
    wave: &wave::Model,
) -> Result<(), ApiError> {
    let actor = match caller {
        Caller::Account(a) => a.email.clone(),
        Caller::BootstrapToken => "bootstrap-token".into(),
        _ => return Ok(()),
    };
    crate::access::audit(&state.db, &actor, action, &wave.slug, serde_json::json!({})).await
}

#[utoipa::path(get, path = "/api/v1/waves/{slug}/responses.csv", tag = "reports",
    params(("slug" = String, Path, description = "The wave's slug")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every response of an identified wave, one row each with the respondent when invited; streamed", content_type = "text/csv", body = String),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only, and only for identified waves", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody)))]
pub async fn raw_responses(
    slug: String,
    caller: Caller,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    if anonymity_of(&wave) != Anonymity::Identified {
        return Err(ApiError::Forbidden);
    }
    crate::access::audit(
        &state.db,
        &actor,
        "export.responses_csv",
        &wave.slug,
        serde_json::json!({}),
    )
    .await?;
    let definition = state
        .versions
        .get(&state.db, wave.survey_version_id)
        .await?;
    let question_ids: Vec<String> = definition.questions().map(|(_, q)| q.id.clone()).collect();
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let db = state.db.clone();
    let wave_id = wave.id;
    tokio::spawn(async move {
        if let Err(err) = stream_responses(&db, wave_id, &question_ids, &sender).await {
            tracing::error!(error = format!("{err:#}"), "raw export failed");
            let _ = sender
                .send(Err(std::io::Error::other("export failed")))
                .await;
        }
    });
    let body = tokio_stream::wrappers::ReceiverStream::new(receiver);
    let mut response = warp::reply::stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        warp::http::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = warp::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"jawaban-{}.csv\"",
        wave.slug
    )) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Writes the CSV page by page (keyset pagination on the response id) into `sender`; memory stays at one
/// page whatever the number of responses.
async fn stream_responses(
    db: &sea_orm::DatabaseConnection,
    wave_id: Uuid,
    question_ids: &[String],
    sender: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let units: HashMap<Uuid, String> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut header = vec![
        "receipt_code".to_string(),
        "received_on".into(),
        "unit".into(),
        "respondent".into(),
    ];
    header.extend(question_ids.iter().cloned());
    let mut chunk = csv_line(&header, true);
    let mut after: Option<Uuid> = None;
    loop {
        let mut page = response::Entity::find()
            .filter(response::Column::WaveId.eq(wave_id))
            .order_by_asc(response::Column::Id)
            .limit(EXPORT_PAGE);
        if let Some(last) = after {
            page = page.filter(response::Column::Id.gt(last));
        }
        let rows = page.all(db).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let links: HashMap<Uuid, Uuid> = invitation_response::Entity::find()
            .filter(invitation_response::Column::ResponseId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.response_id, l.invitation_id))
            .collect();
        let invitations: HashMap<Uuid, Uuid> = invitation::Entity::find()
            .filter(invitation::Column::Id.is_in(links.values().copied().collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.person_id))
            .collect();
        let people: HashMap<Uuid, String> = person::Entity::find()
            .filter(person::Column::Id.is_in(invitations.values().copied().collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        for row in &rows {
            let answers: Answers = serde_json::from_value(row.answers.clone()).unwrap_or_default();
            let respondent = links
                .get(&row.id)
                .and_then(|i| invitations.get(i))
                .and_then(|p| people.get(p))
                .cloned()
                .unwrap_or_default();
            let mut line = vec![
                row.receipt_code.clone(),
                row.received_on.clone(),
                units.get(&row.unit_id).cloned().unwrap_or_default(),
                respondent,
            ];
            line.extend(question_ids.iter().map(|q| {
                answers
                    .get(q)
                    .map(|a| match serde_json::to_value(a) {
                        Ok(serde_json::Value::String(s)) => s,
                        Ok(other) => other.to_string(),
                        Err(_) => String::new(),
                    })
                    .unwrap_or_default()
            }));
            chunk.extend(csv_line(&line, false));
        }
        if sender
            .send(Ok(Bytes::from(std::mem::take(&mut chunk))))
            .await
            .is_err()
        {
            return Ok(()); // the client went away
        }
        if (rows.len() as u64) < EXPORT_PAGE {
            break;
        }
    }
    if !chunk.is_empty() {
        let _ = sender.send(Ok(Bytes::from(chunk))).await;
    }
    Ok(())
}

/// One CSV record (`;`, quoted where needed), with the UTF-8 BOM before the header.
fn csv_line(fields: &[String], bom: bool) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(if bom {
            vec![0xEF, 0xBB, 0xBF]
        } else {
            Vec::new()
        });
    let _ = writer.write_record(fields);
    writer.into_inner().unwrap_or_default()
}

#[utoipa::path(get, path = "/api/v1/waves/{slug}/live", tag = "reports",
    params(("slug" = String, Path, description = "The wave's slug")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Server-Sent Events: `ready` once, then `updated` (data: the wave id) whenever new responses were counted, from any instance; no response content", content_type = "text/event-stream", body = crate::http::openapi::LiveNotice),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "No report role", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody)))]
pub async fn live(slug: String, caller: Caller, state: AppState) -> Result<Response, ApiError> {
    Scope::of(&caller, &state.db).await?;
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    let wave_id = wave.id;
    let receiver = state.bus.subscribe();
    let updates = futures::stream::unfold(receiver, move |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(LiveEvent::WaveUpdated { wave_id: id }) if id == wave_id => {
                    // Coalesce a burst of folds into one notice.
                    tokio::time::sleep(LIVE_COALESCE).await;
                    while receiver.try_recv().is_ok() {}
                    return Some((wave_id, receiver));
                }
                Ok(_) => continue,
                // Missed events: tell the dashboard to refresh anyway.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    return Some((wave_id, receiver));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .map(|id| {
        Ok::<_, Infallible>(
            warp::sse::Event::default()
                .event("updated")
                .data(id.to_string()),
        )
    });
    let ready = futures::stream::once(async move {
        Ok::<_, Infallible>(
            warp::sse::Event::default()
                .event("ready")
                .data(wave_id.to_string()),
        )
    });
    let events = ready.chain(updates);
    Ok(warp::sse::reply(warp::sse::keep_alive().stream(events)).into_response())
}
