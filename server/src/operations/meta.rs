//! `GET /api/v1/meta`: what this server is and whether it is healthy (the web client's home page shows it).

use serap_shared::api::ServerInfo;
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::with_state;
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    endpoint!(get, "api" / "v1" / "meta")
        .and(with_state(state))
        .then(get_meta)
        .map(respond)
        .boxed()
}

#[utoipa::path(get, path = "/api/v1/meta", tag = "meta",
    responses(
        (status = 200, description = "Server name, version and health", body = ServerInfo),
        (status = 500, description = "Internal error", body = ErrorBody)))]
pub async fn get_meta(state: AppState) -> Result<Response, ApiError> {
    let database_ok = state.db.ping().await.is_ok();
    Ok(warp::reply::json(&ServerInfo {
        name: "Serap".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: crate::infra::db::backend_name(&state.db).into(),
        database_ok,
        bus: state.bus.kind().into(),
        mail: state.mailer.kind().into(),
        time_wib: crate::infra::time::wib_rfc3339(crate::infra::time::now()),
    })
    .into_response())
}
