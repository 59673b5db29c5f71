//! HTTP routes. Each resource module owns its routes (`routes(state) -> BoxedFilter`), composed once in
//! `all`. Every endpoint's path and method are declared with `endpoint!`, which also records them so a test
//! can check that the OpenAPI document describes every route the server serves.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use serap_shared::error::FieldError;
use serde::de::DeserializeOwned;
use warp::http::header::{HeaderName, HeaderValue};
use warp::{Filter, Rejection};

use crate::error::{ApiError, handle_rejection};
use crate::state::AppState;

pub mod assets;
mod listener;
pub mod metrics;
pub mod openapi;
pub mod pages;

pub use listener::{BodyDeadline, ClientAddr, MAX_HEADER_BYTES, MAX_HEADERS, serve};

/// `endpoint!(get, "api" / "v1" / "waves" / Uuid)`: the filter matching that path (exactly) and method,
/// recorded in the route registry. Path first, method second: a known path with the wrong method is a
/// 405, an unknown path a 404.
#[macro_export]
macro_rules! endpoint {
    ($method:ident, $($path:tt)+) => {{
        $crate::http::register(stringify!($method), stringify!($($path)+));
        warp::path!($($path)+).and(warp::$method())
    }};
}

static REGISTERED: Mutex<BTreeSet<(String, String)>> = Mutex::new(BTreeSet::new());

/// Records a route as `("GET", "/api/v1/waves/{}")`. Called by `endpoint!`.
pub fn register(method: &str, path_tokens: &str) {
    let path: String = path_tokens
        .split('/')
        .map(|piece| {
            let piece = piece.trim();
            match piece.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
                Some(literal) => format!("/{literal}"),
                None => "/{}".to_string(),
            }
        })
        .collect();
    REGISTERED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert((method.to_ascii_uppercase(), path));
}

/// Every route built so far in this process, as `(METHOD, /path/{})`.
pub fn registered() -> Vec<(String, String)> {
    REGISTERED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .cloned()
        .collect()
}

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
        .or(pages::routes(state))
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

/// The client's address (`http::serve` sets it on every request).
pub fn client_addr()
-> impl Filter<Extract = (Option<std::net::SocketAddr>,), Error = Infallible> + Clone {
    warp::ext::optional::<ClientAddr>()
        .map(|addr: Option<ClientAddr>| addr.map(|ClientAddr(addr)| addr))
}

/// Passes the state to a handler.
pub fn with_state(
    state: AppState,
) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// A JSON body of at most `limit` bytes, with or without Content-Length (chunked uploads are capped as
/// they stream in). Oversized bodies are a 413; malformed JSON a 400; JSON of the wrong shape a 422 naming
/// the field at fault.
pub fn json_body<T: DeserializeOwned + Send>(
    limit: u64,
) -> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    warp::header::optional::<u64>("content-length")
        .and(body_deadline())
        .and(warp::body::stream())
        .and_then(move |length: Option<u64>, deadline, body| async move {
            if length.is_some_and(|n| n > limit) {
                return Err(warp::reject::custom(ApiError::PayloadTooLarge));
            }
            let bytes = read_capped(body, limit, deadline)
                .await
                .map_err(warp::reject::custom)?;
            parse_json(&bytes).map_err(warp::reject::custom)
        })
}

/// A raw body (a CSV upload) of at most `limit` bytes, read as `json_body` reads: 413 when larger, 408 when
/// slower than `Settings::body_timeout`.
pub fn body_bytes(limit: u64) -> impl Filter<Extract = (bytes::Bytes,), Error = Rejection> + Clone {
    warp::header::optional::<u64>("content-length")
        .and(body_deadline())
        .and(warp::body::stream())
        .and_then(move |length: Option<u64>, deadline, body| async move {
            if length.is_some_and(|n| n > limit) {
                return Err(warp::reject::custom(ApiError::PayloadTooLarge));
            }
            read_capped(body, limit, deadline)
                .await
                .map(bytes::Bytes::from)
                .map_err(warp::reject::custom)
        })
}

/// When the body must have arrived: the request's `BodyDeadline` (set by `http::serve`), else a minute
/// from now (requests that did not come through it, e.g. `warp::test`).
fn body_deadline() -> impl Filter<Extract = (tokio::time::Instant,), Error = Infallible> + Clone {
    warp::ext::optional::<BodyDeadline>().map(|deadline: Option<BodyDeadline>| match deadline {
        Some(BodyDeadline(at)) => at,
        None => tokio::time::Instant::now() + Duration::from_secs(60),
    })
}

async fn read_capped<S, B>(
    body: S,
    limit: u64,
    deadline: tokio::time::Instant,
) -> Result<Vec<u8>, ApiError>
where
    S: futures::Stream<Item = Result<B, warp::Error>>,
    B: warp::Buf,
{
    let mut body = std::pin::pin!(body);
    let mut out = Vec::new();
    while let Some(chunk) = tokio::time::timeout_at(deadline, body.next())
        .await
        .map_err(|_| ApiError::RequestTimeout)?
    {
        let mut chunk = chunk.map_err(|e| ApiError::BadRequest {
            message: format!("Isi permintaan terputus / Request body interrupted: {e}"),
            fields: vec![FieldError::new("$", "incomplete body")],
        })?;
        if out.len() as u64 + chunk.remaining() as u64 > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        while chunk.has_remaining() {
            let piece = chunk.chunk();
            out.extend_from_slice(piece);
            let n = piece.len();
            chunk.advance(n);
        }
    }
    Ok(out)
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = match err.path().to_string() {
            p if p == "." || p.is_empty() => "$".to_string(),
            p => p,
        };
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::Unprocessable {
                message: "Data tidak sesuai format / Data does not match the expected shape".into(),
                fields: vec![FieldError::new(path, strip_position(&inner.to_string()))],
            },
            _ => malformed(&inner),
        }
    })?;
    deserializer.end().map_err(|err| malformed(&err))?;
    Ok(value)
}

fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        message: "JSON tidak valid / Malformed JSON".into(),
        fields: vec![FieldError::new("$", err.to_string())],
    }
}

/// serde_json appends " at line 1 column 17"; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A JSON reply, gzip-compressed when the client accepts it (large bodies fetched over slow mobile networks).
pub fn json_reply<T: serde::Serialize>(
    value: &T,
    accept_encoding: Option<&str>,
) -> warp::reply::Response {
    use std::io::Write;
    let body = serde_json::to_vec(value).unwrap_or_default();
    let gzip = accept_encoding.is_some_and(|h| {
        h.split(',').any(|p| {
            let mut parts = p.split(';');
            parts
                .next()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("gzip"))
                && !parts.any(|q| q.trim().replace(' ', "") == "q=0")
        })
    });
    let mut response = if gzip && body.len() > 1024 {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let compressed = encoder.write_all(&body).and_then(|()| encoder.finish());
        match compressed {
            Ok(bytes) => {
                let mut r = warp::reply::Response::new(bytes.into());
                r.headers_mut().insert(
                    warp::http::header::CONTENT_ENCODING,
                    HeaderValue::from_static("gzip"),
                );
                r
            }
            Err(_) => warp::reply::Response::new(body.into()),
        }
    } else {
        warp::reply::Response::new(body.into())
    };
    let headers = response.headers_mut();
    headers.insert(
        warp::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        warp::http::header::VARY,
        HeaderValue::from_static("Accept-Encoding"),
    );
    response
}

/// Who is calling: the bootstrap admin token, a signed-in account (with the CSRF check for state-changing
/// requests), or nobody. Handlers decide what the caller may do (`Caller::admin`).
pub fn caller(
    state: AppState,
) -> impl Filter<Extract = (crate::access::Caller,), Error = Rejection> + Clone {
    warp::method()
        .and(credential_header("authorization"))
        .and(credential_header("cookie"))
        .and(credential_header("x-csrf-token"))
        .and(with_state(state))
        .and_then(
            |method: warp::http::Method,
             authorization: Option<String>,
             cookies: Option<String>,
             csrf: Option<String>,
             state: AppState| async move {
                crate::access::resolve(
                    &state,
                    &method,
                    authorization.as_deref(),
                    cookies.as_deref(),
                    csrf.as_deref(),
                )
                .await
                .map_err(warp::reject::custom)
            },
        )
}

/// An optional credential header. A value that is not visible ASCII is a 400 naming the header, as an
/// `ApiError`, so that it is what the client hears even when a route with another method shares the path
/// (warp's own `InvalidHeader` would lose to that route's 405).
fn credential_header(
    name: &'static str,
) -> impl Filter<Extract = (Option<String>,), Error = Rejection> + Clone {
    warp::header::optional::<String>(name).or_else(move |_| async move {
        Err::<(Option<String>,), _>(warp::reject::custom(ApiError::BadRequest {
            message: format!("Header tidak valid / Invalid header: {name}"),
            fields: vec![],
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<u8>,
    }

    #[test]
    fn json_errors_name_the_field() {
        let err = parse_json::<Body>(br#"{"name": "x", "items": [1, "two"]}"#).unwrap_err();
        let body = err.body();
        assert_eq!(err.status(), 422);
        assert_eq!(body.error.fields[0].path, "items[1]");

        let err = parse_json::<Body>(br#"{"name": "x", "#).unwrap_err();
        assert_eq!(err.status(), 400);

        let err = parse_json::<Body>(br#"{"name": "x", "items": []} trailing"#).unwrap_err();
        assert_eq!(err.status(), 400);

        let err = parse_json::<Body>(br#"{"items": []}"#).unwrap_err();
        assert_eq!(err.status(), 422);
        assert_eq!(err.body().error.fields[0].path, "$");
    }

    #[test]
    fn registers_route_shapes() {
        register("get", r#""api" / "v1" / "things" / Uuid / "parts""#);
        assert!(registered().contains(&("GET".into(), "/api/v1/things/{}/parts".into())));
    }
}
