//! Liveness (`/healthz`: the process answers), readiness (`/readyz`: the database answers) and `/metrics`.

use serap_shared::api::Health;
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::with_state;
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let healthz = endpoint!(get, "healthz").map(healthz);
    let readyz = endpoint!(get, "readyz")
        .and(with_state(state.clone()))
        .then(readyz)
        .map(respond);
    let metrics = endpoint!(get, "metrics")
        .and(with_state(state))
        .map(metrics);
    healthz.or(readyz).unify().or(metrics).unify().boxed()
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process answers", body = Health)))]
pub fn healthz() -> Response {
    warp::reply::json(&Health {
        status: "ok".into(),
    })
    .into_response()
}

/// The database answers; load balancers route traffic here only when it does.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database is unreachable", body = ErrorBody)))]
pub async fn readyz(state: AppState) -> Result<Response, ApiError> {
    match state.db.ping().await {
        Ok(()) => Ok(warp::reply::json(&Health {
            status: "ok".into(),
        })
        .into_response()),
        Err(err) => {
            tracing::warn!(error = %err, "readiness: database unreachable");
            Err(ApiError::Unavailable("database".into()))
        }
    }
}

/// Prometheus text exposition: request counts and latencies.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub fn metrics(state: AppState) -> Response {
    warp::reply::with_header(
        state.metrics.render(),
        "content-type",
        "text/plain; version=0.0.4; charset=utf-8",
    )
    .into_response()
}
