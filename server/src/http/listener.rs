//! The HTTP/1.1 server: the warp filters of `http::app`, served by hyper with the limits a public service
//! needs against slow or oversized clients: request headers must arrive within `Settings::header_timeout`
//! (also the idle time of a kept-alive connection) and fit in `MAX_HEADER_BYTES` (else 431); request
//! bodies are capped by the routes and must arrive before the request's `BodyDeadline` (else 408; see
//! `http::json_body`, `http::body_bytes`). Stopping lets the requests in flight finish.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower_service::Service;

use crate::state::AppState;

/// Request line and headers together; larger requests get a 431.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Headers per request; more get a 431.
pub const MAX_HEADERS: usize = 64;

/// The address of the client of a request (rate limits per address), set on every request.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

/// When the request's body must have arrived (`Settings::body_timeout` after its headers), set on every
/// request.
#[derive(Debug, Clone, Copy)]
pub struct BodyDeadline(pub tokio::time::Instant);

/// Serves `state`'s routes on `listener` until `shutdown` completes, then waits for the requests in
/// flight (the caller bounds that wait).
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()>) {
    let (header_timeout, body_timeout) =
        (state.settings.header_timeout, state.settings.body_timeout);
    let routes = warp::service(crate::http::app(state));
    let connections = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_header_size(MAX_HEADER_BYTES)
        .max_headers(MAX_HEADERS);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
        accepted = listener.accept() => match accepted {
            Ok(pair) => pair,
            Err(err) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %err, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        },
        () = &mut shutdown => break};
        let _ = stream.set_nodelay(true);
        let routes = routes.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let extensions = request.extensions_mut();
            extensions.insert(ClientAddr(peer));
            extensions.insert(BodyDeadline(tokio::time::Instant::now() + body_timeout));
            routes.clone().call(request)
        });
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection closed with an error");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
}
