//! Declaring endpoints: `endpoint!` matches a path and a method and records them in the route registry,
//! which a test compares with the OpenAPI document.

use std::collections::BTreeSet;
use std::sync::Mutex;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_route_shapes() {
        register("get", r#""api" / "v1" / "things" / Uuid / "parts""#);
        assert!(registered().contains(&("GET".into(), "/api/v1/things/{}/parts".into())));
    }
}
