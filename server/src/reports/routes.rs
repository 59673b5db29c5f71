//! The HTTP endpoints of reports: a wave's report for the caller's scope as JSON
//! (`GET /api/v1/waves/{slug}/report`), CSV (`report.csv`) or XLSX (`report.xlsx`); live update notices by
//! Server-Sent Events (`live`); and the raw responses of identified waves for admins (`responses.csv`).

use std::convert::Infallible;

use futures::StreamExt;
use serap_shared::api::ReportQuery;
use serap_shared::error::ErrorBody;
use serap_shared::report::WaveReport;
use warp::filters::BoxedFilter;
use warp::http::HeaderValue;
use warp::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_reply, with_state};
use crate::reports::export::{Export, Format, export_report};
use crate::reports::{live, raw, report};
use crate::state::AppState;

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

/// A download: the file's body with its content type, saved under its name.
fn attachment(export: Export) -> Response {
    let mut response = Response::new(export.body.into());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(export.content_type));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", export.file_name))
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
    let scope = crate::access::scope::of(&caller, &state.db).await?;
    let (_, report) = report::report_of(&state, &scope, &slug, &query).await?;
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
    let scope = crate::access::scope::of(&caller, &state.db).await?;
    let actor = caller.actor();
    let export =
        export_report(&state, &scope, actor.as_deref(), &slug, &query, Format::Csv).await?;
    Ok(attachment(export))
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
    let scope = crate::access::scope::of(&caller, &state.db).await?;
    let actor = caller.actor();
    let export = export_report(
        &state,
        &scope,
        actor.as_deref(),
        &slug,
        &query,
        Format::Xlsx,
    )
    .await?;
    Ok(attachment(export))
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
    let export = raw::raw_responses(&state, &actor, &slug).await?;
    let mut response = warp::reply::stream(export.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", export.file_name))
    {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
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
    crate::access::scope::of(&caller, &state.db).await?;
    let (wave_id, updates) = live::wave_updates(&state, &slug).await?;
    let event = |name: &str, id: uuid::Uuid| {
        Ok::<_, Infallible>(warp::sse::Event::default().event(name).data(id.to_string()))
    };
    let ready = futures::stream::once(async move { event("ready", wave_id) });
    let events = ready.chain(updates.map(move |id| event("updated", id)));
    Ok(warp::sse::reply(warp::sse::keep_alive().stream(events)).into_response())
}

#[cfg(test)]
mod tests {
    use serap_shared::api::SkmWeights;
    use serap_shared::i18n::Lang;

    use super::*;

    /// `text` read as warp reads the query of a report request.
    async fn query(text: &str) -> ReportQuery {
        use std::sync::{Arc, Mutex};
        use tower_service::Service;
        let read = Arc::new(Mutex::new(None));
        let seen = read.clone();
        let filter = warp::query::<ReportQuery>().map(move |query: ReportQuery| {
            *seen.lock().unwrap() = Some(query);
            ""
        });
        let request = warp::http::Request::builder()
            .uri(format!("/report{text}"))
            .body(String::new())
            .unwrap();
        let response = warp::service(filter).call(request).await.unwrap();
        assert_eq!(response.status(), 200, "{text}");
        read.lock().unwrap().take().unwrap()
    }

    #[tokio::test]
    async fn report_queries_read_unknown_options_as_the_defaults() {
        assert_eq!(query("").await, ReportQuery::default());
        let full = query("?unit=BPBD&sector=kesehatan&skm_weights=legacy&lang=en").await;
        assert_eq!(full.unit.as_deref(), Some("BPBD"));
        assert_eq!(full.sector.as_deref(), Some("kesehatan"));
        assert_eq!(full.skm_weights, SkmWeights::Legacy);
        assert_eq!(full.lang, Lang::En);
        let odd = query("?skm_weights=LEGACY&lang=en-US").await;
        assert_eq!((odd.skm_weights, odd.lang), (SkmWeights::Exact, Lang::Id));
        let empty = query("?unit=&skm_weights=&lang=").await;
        assert_eq!(empty.unit.as_deref(), Some(""));
        assert_eq!(
            (empty.skm_weights, empty.lang),
            (SkmWeights::Exact, Lang::Id)
        );
    }
}
