//! Prometheus metrics at `/metrics`: request counts and latencies per method, route and status.
//! Routes are labelled by their shape (`/api/v1/waves/{}`), never by raw paths: ids and personal tokens
//! stay out of metrics and logs.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("serap".into()), None).expect("valid prefix");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests served"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from request to response headers",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(latency.clone()))
            .expect("registered once");
        Metrics {
            registry,
            requests,
            latency,
        }
    }

    pub fn observe(&self, method: &str, path: &str, status: u16, seconds: f64) {
        let route = route_label(path);
        self.requests
            .with_label_values(&[method, &route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, &route])
            .observe(seconds);
    }

    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let encoder = TextEncoder::new();
        if let Err(err) = encoder.encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %err, "encoding metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The shape of a request path, safe to log and to use as a metric label.
pub fn route_label(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => "/".into(),
        ["api", ..] | ["healthz"] | ["readyz"] | ["metrics"] => {
            let mut label = String::new();
            for segment in segments.iter().take(8) {
                label.push('/');
                if is_word(segment) {
                    label.push_str(segment);
                } else {
                    label.push_str("{}");
                }
            }
            label
        }
        [page, ..] if ["s", "f"].contains(page) => format!("/{page}/{{}}"),
        ["d", ..] => "/d/{}/{}".into(),
        ["digests", _, "preview"] => "/digests/{}/preview".into(),
        ["console", "reset", ..] => "/console/reset/{}".into(),
        ["console", ..] => "/console".into(),
        [first, ..] if first.contains('.') || *first == "assets" => "/assets".into(),
        _ => "/other".into(),
    }
}

/// A fixed route word (lowercase letters, `-`, `_`, `.`, at most 24, or a version like `v1`), not an id,
/// a slug with digits or a token.
fn is_word(segment: &str) -> bool {
    let version = segment.len() <= 3
        && segment.starts_with('v')
        && segment[1..].chars().all(|c| c.is_ascii_digit());
    version
        || segment.len() <= 24
            && segment
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::route_label;

    #[test]
    fn labels_hide_ids_and_tokens() {
        assert_eq!(route_label("/"), "/");
        assert_eq!(route_label("/api/v1/meta"), "/api/v1/meta");
        assert_eq!(
            route_label("/api/v1/waves/0b5c7d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e/report"),
            "/api/v1/waves/{}/report"
        );
        assert_eq!(
            route_label("/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
            "/s/{}"
        );
        assert_eq!(route_label("/web-client-0a1b2c3d4e5f6789.wasm"), "/assets");
        assert_eq!(route_label("/console/waves/demo-skm"), "/console");
        assert_eq!(
            route_label("/console/reset/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
            "/console/reset/{}"
        );
        assert_eq!(
            route_label("/console/serap-console-0a1b2c.wasm"),
            "/console"
        );
        assert_eq!(route_label("/d/0b5c7d1e/0123abcd"), "/d/{}/{}");
        assert_eq!(
            route_label("/digests/0b5c7d1e/preview"),
            "/digests/{}/preview"
        );
        assert_eq!(route_label("/nothing/here"), "/other");
    }
}
