//! The web client: built files by name, and for client-side routes the document of their app (SPA
//! fallback): the console's under `/console`, the respondent's elsewhere (`Assets::lookup`).
//! Paths under `/api` never fall back: an unknown API route is a JSON 404.

use warp::filters::BoxedFilter;
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path::full()
        .and_then(|path: FullPath| async move {
            let p = path.as_str();
            if p == "/api" || p.starts_with("/api/") {
                Err(warp::reject::not_found())
            } else {
                Ok(path)
            }
        })
        .and(warp::get().or(warp::head()).unify())
        .and(warp::header::optional::<String>("accept-encoding"))
        .and(warp::header::optional::<String>("if-none-match"))
        .and(with_state(state))
        .and_then(serve)
        .boxed()
}

async fn serve(
    path: FullPath,
    accept_encoding: Option<String>,
    if_none_match: Option<String>,
    state: AppState,
) -> Result<Response, Rejection> {
    if !state.assets.is_built() {
        return Ok(ApiError::Unavailable("web client not built".into()).into_response());
    }
    if crate::http::assets::is_console(path.as_str()) && !state.assets.console_built() {
        return Ok(ApiError::Unavailable("console not built".into()).into_response());
    }
    match state.assets.lookup(path.as_str()) {
        Some(asset) => Ok(asset.reply(accept_encoding.as_deref(), if_none_match.as_deref())),
        None => Err(warp::reject::not_found()),
    }
}
