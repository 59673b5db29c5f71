//! JSON replies, gzip-compressed for clients that accept it.

use warp::http::header::HeaderValue;

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
