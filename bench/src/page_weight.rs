//! `page-weight`: loads the respondent's page `/` and the console's `/console/` as a browser would (the HTML,
//! then every asset it references) with `Accept-Encoding: gzip` and with `br`, and reports the bytes raw and
//! as transferred.
//! Targets: the respondent's first load transfers at most 150 KB gzipped and references nothing of the
//! console; the console's (a bundle of its own, for admins and managers) stays under 400 KB gzipped.

use std::io::Read;

use anyhow::Context;
use serde_json::{Value, json};

use crate::Target;

const TARGET_GZIP_BYTES: u64 = 150 * 1024;
const CONSOLE_TARGET_GZIP_BYTES: u64 = 400 * 1024;

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

/// One page's first load: the document and every asset it references.
struct Page {
    assets: Vec<String>,
    files: Vec<Value>,
    raw: u64,
    gzip: u64,
    br: u64,
}

async fn load_page(http: &reqwest::Client, base: &str, page: &str) -> anyhow::Result<Page> {
    let (html_gzip, html_raw) = fetch(http, &format!("{base}{page}"), "gzip").await?;
    let html = String::from_utf8_lossy(&html_raw).to_string();
    let assets = referenced_assets(&html);
    let (html_br, _) = fetch(http, &format!("{base}{page}"), "br").await?;
    let mut files = vec![json!({
        "path": page, "raw": html_gzip.raw, "gzip": html_gzip.transferred, "br": html_br.transferred
    })];
    let (mut raw, mut gzip, mut br) = (html_gzip.raw, html_gzip.transferred, html_br.transferred);
    for path in &assets {
        let url = format!("{base}{path}");
        let (g, _) = fetch(http, &url, "gzip").await?;
        let (b, _) = fetch(http, &url, "br").await?;
        eprintln!(
            "{path}: raw {} B, gzip {} B, br {} B",
            g.raw, g.transferred, b.transferred
        );
        raw += g.raw;
        gzip += g.transferred;
        br += b.transferred;
        files.push(json!({"path": path, "raw": g.raw, "gzip": g.transferred, "br": b.transferred}));
    }
    eprintln!("{page}: raw {raw} B, gzip {gzip} B, br {br} B");
    Ok(Page {
        assets,
        files,
        raw,
        gzip,
        br,
    })
}

pub async fn run(target: &Target) -> anyhow::Result<Value> {
    let http = reqwest::Client::new();
    let respondent = load_page(&http, &target.base, "/").await?;
    let console = load_page(&http, &target.base, "/console/").await?;
    let separate = !respondent.assets.iter().any(|a| a.starts_with("/console/"));
    let respondent_met = respondent.gzip <= TARGET_GZIP_BYTES && separate;
    let console_met = console.gzip <= CONSOLE_TARGET_GZIP_BYTES;
    Ok(json!({
        "bench": "page-weight",
        "page": "/",
        "files": respondent.files,
        "raw_bytes": respondent.raw,
        "gzip_bytes": respondent.gzip,
        "brotli_bytes": respondent.br,
        "console": {
            "page": "/console/",
            "files": console.files,
            "raw_bytes": console.raw,
            "gzip_bytes": console.gzip,
            "brotli_bytes": console.br
        },
        "targets": {
            "gzip_bytes_max": TARGET_GZIP_BYTES,
            "respondent_references_no_console_asset": separate,
            "console_gzip_bytes_max": CONSOLE_TARGET_GZIP_BYTES,
            "respondent_met": respondent_met,
            "console_met": console_met,
            "met": respondent_met && console_met
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
