//! `page-weight`: loads the home page as a browser would (the HTML, then every asset it references) with
//! `Accept-Encoding: gzip` and with `br`, and reports the bytes raw and as transferred.
//! Target: the first load transfers at most 150 KB gzipped.

use std::io::Read;

use anyhow::Context;
use serde_json::{Value, json};

use crate::Target;

const TARGET_GZIP_BYTES: u64 = 150 * 1024;

struct Fetched {
    raw: u64,
    transferred: u64,
}

async fn fetch(
    http: &reqwest::Client,
    url: &str,
    encoding: &str,
) -> anyhow::Result<(Fetched, Vec<u8>)> {
    let response = http
        .get(url)
        .header("accept-encoding", encoding)
        .send()
        .await
        .with_context(|| format!("GET {url}"))?
        .error_for_status()?;
    let coding = response
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_string();
    let body = response.bytes().await?.to_vec();
    let raw = match coding.as_str() {
        "gzip" => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out)?;
            out
        }
        "identity" => body.clone(),
        // Brotli bodies: the raw size comes from the gzip pass.
        _ => Vec::new(),
    };
    Ok((
        Fetched {
            raw: raw.len() as u64,
            transferred: body.len() as u64,
        },
        raw,
    ))
}

/// Asset paths referenced by the HTML (`href=`, `src=`, and module imports), in order, without duplicates.
fn referenced_assets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for piece in html.split(['"', '\'', ' ', '=', '>', '<', '(', ')']) {
        let piece = piece.trim();
        let is_asset = piece.starts_with('/')
            && [
                ".js",
                ".wasm",
                ".css",
                ".svg",
                ".png",
                ".ico",
                ".webmanifest",
            ]
            .iter()
            .any(|ext| piece.ends_with(ext));
        if is_asset && !found.iter().any(|f| f == piece) {
            found.push(piece.to_string());
        }
    }
    found
}

pub async fn run(target: &Target) -> anyhow::Result<Value> {
    let http = reqwest::Client::new();
    let (html_gzip, html_raw) = fetch(&http, &format!("{}/", target.base), "gzip").await?;
    let html = String::from_utf8_lossy(&html_raw).to_string();
    let assets = referenced_assets(&html);
    let (html_br, _) = fetch(&http, &format!("{}/", target.base), "br").await?;
    let mut files = vec![json!({
        "path": "/", "raw": html_gzip.raw, "gzip": html_gzip.transferred, "br": html_br.transferred
    })];
    let (mut raw, mut gzip, mut br) = (html_gzip.raw, html_gzip.transferred, html_br.transferred);
    for path in &assets {
        let url = format!("{}{path}", target.base);
        let (g, _) = fetch(&http, &url, "gzip").await?;
        let (b, _) = fetch(&http, &url, "br").await?;
        eprintln!(
            "{path}: raw {} B, gzip {} B, br {} B",
            g.raw, g.transferred, b.transferred
        );
        raw += g.raw;
        gzip += g.transferred;
        br += b.transferred;
        files.push(json!({"path": path, "raw": g.raw, "gzip": g.transferred, "br": b.transferred}));
    }
    Ok(json!({
        "bench": "page-weight",
        "page": "/",
        "files": files,
        "raw_bytes": raw,
        "gzip_bytes": gzip,
        "brotli_bytes": br,
        "targets": {
            "gzip_bytes_max": TARGET_GZIP_BYTES,
            "met": gzip <= TARGET_GZIP_BYTES
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::referenced_assets;

    #[test]
    fn finds_trunk_assets() {
        let html = r#"<link href=/style-1.css rel=stylesheet><script type=module>import init from '/app-1.js';
const wasm = await init({ module_or_path: '/app-1_bg.wasm' });</script><link href=/app-1.js rel=modulepreload>"#;
        assert_eq!(
            referenced_assets(html),
            vec!["/style-1.css", "/app-1.js", "/app-1_bg.wasm"]
        );
    }
}
