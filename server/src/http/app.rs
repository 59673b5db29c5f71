//! The whole application: every feature's routes composed once, the web client as fallback, errors in the
//! one JSON shape, a metric and a log line per request, and security headers on every response.

use std::convert::Infallible;

use warp::Filter;
use warp::http::header::{HeaderName, HeaderValue};

use crate::error::handle_rejection;
use crate::state::AppState;

/// The whole application: every resource, the web client as fallback, errors in the one JSON shape,
/// metrics and a log line per request (route shape only), and security headers on every response.
pub fn app(
    state: AppState,
) -> impl Filter<Extract = (impl warp::Reply,), Error = Infallible> + Clone + Send + Sync + 'static
{
    let metrics = state.metrics.clone();
    let log = warp::log::custom(move |info| {
        let route = crate::http::metrics::route_label(info.path());
        let status = info.status().as_u16();
        let seconds = info.elapsed().as_secs_f64();
        metrics.observe(info.method().as_str(), info.path(), status, seconds);
        tracing::info!(
            method = %info.method(),
            route,
            status,
            ms = (seconds * 1000.0).round(),
            "request"
        );
    });
    // The respondents' routes first: they carry nearly all the traffic.
    crate::responses::routes::routes(state.clone())
        .or(crate::invitations::routes::routes(state.clone()))
        .unify()
        .or(crate::operations::health::routes(state.clone()))
        .unify()
        .or(crate::operations::meta::routes(state.clone()))
        .unify()
        .or(crate::access::routes::routes(state.clone()))
        .unify()
        .or(crate::accounts::routes::routes(state.clone()))
        .unify()
        .or(crate::operations::test_email::routes(state.clone()))
        .unify()
        .or(crate::units::routes::routes(state.clone()))
        .unify()
        .or(crate::roster::routes::routes(state.clone()))
        .unify()
        .or(crate::surveys::routes::routes(state.clone()))
        .unify()
        .or(crate::waves::routes::routes(state.clone()))
        .unify()
        .or(crate::reports::routes::routes(state.clone()))
        .unify()
        .or(crate::http::openapi::routes())
        .unify()
        .or(crate::digests::routes::routes(state.clone()))
        .unify()
        .or(super::pages::routes(state))
        .unify()
        .recover(handle_rejection)
        .unify()
        .map(with_security_headers)
        .with(log)
}

/// The policy of every response that is not an HTML page with its own (the client's documents allow
/// their scripts and the wasm module; server-rendered pages their inline styles): nothing may load, and
/// nothing may frame it.
const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Security headers on every response, errors included.
fn with_security_headers(reply: impl warp::Reply) -> warp::reply::Response {
    let mut response = reply.into_response();
    let not_modified = response.status() == warp::http::StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    // A 304 updates the headers of the cached response: it must not replace a page's own policy.
    if !not_modified {
        headers
            .entry(HeaderName::from_static("content-security-policy"))
            .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    }
    response
}
