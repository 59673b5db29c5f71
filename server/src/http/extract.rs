//! What handlers take from a request: the caller, the state, the client's address, a JSON body (413, 400
//! or 422 naming the field) or a raw body, read within the request's deadline.

use std::convert::Infallible;
use std::time::Duration;

use futures::StreamExt;
use serap_shared::error::FieldError;
use serde::de::DeserializeOwned;
use warp::{Filter, Rejection};

use super::{BodyDeadline, ClientAddr};
use crate::error::ApiError;
use crate::state::AppState;

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
}
