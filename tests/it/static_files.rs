//! The built client is served compressed, with the right types and caching, and client routes fall back
//! to index.html.

use crate::helpers::{Db, client_built, spawn_app};

#[tokio::test]
async fn serves_the_client_compressed_with_caching_and_spa_fallback() {
    if !client_built() {
        return;
    }
    let app = spawn_app(Db::Sqlite).await;
    let index = app
        .http
        .get(app.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(index.status(), 200);
    assert_eq!(index.headers()["content-encoding"], "br");
    assert_eq!(index.headers()["cache-control"], "no-cache");
    assert!(
        index.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let etag = index.headers()["etag"].to_str().unwrap().to_string();
    // The page may run its own code and Trunk's inline loader (by hash), and nothing else; the browser
    // tests prove the client still starts under this policy.
    let csp = index.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{csp}"
    );
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );

    // Revalidation.
    let again = app
        .http
        .get(app.url("/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Plain request: the html names the hashed wasm and js.
    let html = app.get("/").await.text().await.unwrap();
    let wasm = html
        .split(['\'', '"', ' ', '='])
        .find(|s| s.ends_with("_bg.wasm"))
        .expect("index references the wasm")
        .to_string();
    let response = app
        .http
        .get(app.url(&wasm))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    // Client-side routes get the app; unknown files do not.
    for route in ["/dashboard", "/f/survei-kompetensi", "/s/abc/def"] {
        let r = app.get(route).await;
        assert_eq!(r.status(), 200, "{route}");
        assert!(r.text().await.unwrap().contains("_bg.wasm"), "{route}");
    }
}
